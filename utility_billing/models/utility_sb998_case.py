# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SB 998 evidence: the cases that protect an account from a shut-off
(docs/domain-rules.md §1.3, §1.4); the log of the attempts to reach the
customer lives in utility_contact_log.py.

The account's flags (``low_income``, ``medical_certification``,
``medical_certification_date``, ``appeal_pending``; ``plan_willing`` in
utility_billing_payments) are computed from these records, as of today in the
company's zone.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.workflow import check_protected, is_trusted, workflow

CASE_DOOR = "utility.sb998.case"
CASE_KINDS = [
    ("appeal", "Appeal / Bill Review"),
    ("medical", "Medical Certification"),
    ("inability", "Financial Inability"),
    ("willingness", "Willingness / Alternative Arrangement"),
]
CASE_STATES = [
    ("received", "Received"),
    ("active", "Accepted"),
    ("decided", "Decided"),
    ("expired", "Expired"),
    ("closed", "Closed"),
]
CASE_DECISIONS = [
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
    ("for_customer", "Decided for the Customer"),
    ("against_customer", "Decided against the Customer"),
    ("withdrawn", "Closed"),
]
# HSC 116910(a)(2), 116914(b): a household member on one of these programs, or
# the customer's declaration of an income under 200% of the poverty line.
INABILITY_PROGRAMS = [
    ("calworks", "CalWORKs"),
    ("calfresh", "CalFresh"),
    ("general_assistance", "General Assistance"),
    ("medi_cal", "Medi-Cal"),
    ("ssi_ssp", "SSI / State Supplementary Payment"),
    ("wic", "WIC"),
    ("other", "Other Assistance Program (CARE, LIHEAP, ...)"),
]
# Set by the case's own actions only: accept, reject, decide, close, expire.
CASE_WORKFLOW_FIELDS = (
    "state",
    "decision",
    "decided_by_id",
    "decided_date",
    "recorded_by_id",
)
# The evidence itself: keyed while the case is received, frozen once decided.
CASE_EVIDENCE_FIELDS = (
    "account_id",
    "kind",
    "received_date",
    "effective_date",
    "expiry_date",
    "inability_basis",
    "program",
)
# The account flags computed from the cases (door "utility.sb998.case").
SB998_FLAG_FIELDS = (
    "low_income",
    "medical_certification",
    "medical_certification_date",
    "appeal_pending",
)


class UtilitySb998Case(models.Model):
    """One piece of SB 998 evidence on an account: an appeal or bill review, a
    primary care provider's certification, proof of inability to pay, or the
    customer's willingness to enter an alternative arrangement."""

    _name = "utility.sb998.case"
    _description = "SB 998 Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "received_date desc, id desc"
    _check_company_auto = True
    _mail_post_access = "read"

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    account_id = fields.Many2one(
        "utility.account",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, readonly=True
    )
    kind = fields.Selection(CASE_KINDS, required=True, tracking=True)
    state = fields.Selection(
        CASE_STATES,
        required=True,
        default="received",
        readonly=True,
        tracking=True,
        copy=False,
    )
    received_date = fields.Date(
        required=True,
        default=lambda self: self.env.company._utility_today(),
        tracking=True,
        help="The day the city received the appeal, certificate, proof or declaration.",
    )
    effective_date = fields.Date(
        tracking=True,
        help="From this day the case protects the account (the received date "
        "when left empty).",
    )
    expiry_date = fields.Date(
        tracking=True,
        help="The last day the case protects the account. Left empty, accepting "
        "a medical certification or a proof of inability to pay sets it from the "
        "company's renewal periods (Configuration > Settings, SB 998).",
    )
    inability_basis = fields.Selection(
        [
            ("program", "Assistance Program"),
            ("declaration", "Declaration: Income under 200% of Poverty Line"),
        ],
        string="Shown By",
        tracking=True,
    )
    program = fields.Selection(INABILITY_PROGRAMS, tracking=True)
    provider_name = fields.Char(
        string="Primary Care Provider",
        tracking=True,
        help="Who signed the medical certification (Welfare and Institutions "
        "Code 14088(b)(1)).",
    )
    resident_name = fields.Char(
        string="Resident", help="The resident whose life or health is at risk."
    )
    bill_id = fields.Many2one(
        "account.move",
        string="Bill Appealed",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('partner_id', '=', partner_id)]",
    )
    note = fields.Text(string="Notes")
    recorded_by_id = fields.Many2one(
        "res.users",
        readonly=True,
        default=lambda self: self.env.user,
        copy=False,
    )
    decision = fields.Selection(CASE_DECISIONS, readonly=True, tracking=True)
    decision_note = fields.Text(tracking=True)
    decided_by_id = fields.Many2one(
        "res.users", readonly=True, tracking=True, copy=False
    )
    decided_date = fields.Date(string="Decided On", readonly=True, copy=False)
    in_force = fields.Boolean(
        string="Protects Today",
        compute="_compute_in_force",
        search="_search_in_force",
        help="Accepted (or, for an appeal, pending), effective and not expired today.",
    )

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("state", "kind", "received_date", "effective_date", "expiry_date")
    def _compute_in_force(self):
        for case in self:
            case.in_force = case._in_force_on(case.company_id._utility_today())

    def _search_in_force(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Protects Today."))
        ids = self.search([("state", "in", ("received", "active"))]).filtered(
            lambda c: c._in_force_on(c.company_id._utility_today())
        )
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids.ids)]

    def _in_force_on(self, day):
        """Whether the case protects the account on ``day``: an appeal while it
        is pending; the other kinds once accepted, from the effective date
        through the expiry date."""
        self.ensure_one()
        if self.kind == "appeal":
            return self.state == "received"
        if self.state != "active":
            return False
        start = self.effective_date or self.received_date
        if start and start > day:
            return False
        return not (self.expiry_date and self.expiry_date < day)

    # ------------------------------------------------------------
    # CONSTRAINT METHODS
    # ------------------------------------------------------------

    @api.constrains("kind", "inability_basis", "program")
    def _check_inability(self):
        for case in self:
            if case.kind != "inability":
                continue
            if not case.inability_basis:
                raise UserError(
                    self.env._(
                        "Financial inability: say whether it is shown by an "
                        "assistance program or by the customer's declaration."
                    )
                )
            if case.inability_basis == "program" and not case.program:
                raise UserError(self.env._("Financial inability: name the program."))

    @api.constrains("received_date", "effective_date", "expiry_date")
    def _check_dates(self):
        for case in self:
            start = case.effective_date or case.received_date
            if case.expiry_date and start and case.expiry_date < start:
                raise UserError(
                    self.env._(
                        "%(case)s: the expiry date is before the effective date.",
                        case=case.display_name,
                    )
                )

    # ------------------------------------------------------------
    # LOW-LEVEL METHODS
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_decision_note(vals)
        if not is_trusted(self.env, CASE_DOOR):
            for vals in vals_list:
                set_fields = {
                    fname: value
                    for fname, value in vals.items()
                    if value
                    and not (fname == "state" and value == "received")
                    and not (fname == "recorded_by_id" and value == self.env.uid)
                }
                check_protected(
                    self, set_fields, CASE_WORKFLOW_FIELDS, CASE_DOOR, self._message()
                )
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("utility.sb998.case") or "/"
                )
        return super().create(vals_list)

    def _check_decision_note(self, vals):
        """The decision's note is the decider's (CSR II or manager)."""
        if (
            vals.get("decision_note")
            and not self.env.su
            and not self.env.user.has_group("utility_billing.group_csr_2")
        ):
            raise AccessError(
                self.env._(
                    "Only a Customer Service Representative II or a manager "
                    "decides an SB 998 case."
                )
            )

    def write(self, vals):
        self._check_decision_note(vals)
        if not is_trusted(self.env, CASE_DOOR):
            protected = CASE_WORKFLOW_FIELDS
            if self.filtered(lambda c: c.state != "received"):
                protected += CASE_EVIDENCE_FIELDS
            check_protected(self, vals, protected, CASE_DOOR, self._message())
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_decided(self):
        if self.env.su:
            return
        if self.filtered(lambda c: c.state != "received"):
            raise UserError(
                self.env._(
                    "A decided SB 998 case is evidence: close it, do not delete it."
                )
            )

    def _message(self):
        return self.env._(
            "SB 998 case: its state, decision and who decided change only through "
            "its buttons (Accept, Reject, Decide, Close); its evidence is frozen "
            "once it is decided."
        )

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _check_can_decide(self):
        """A CSR II or a manager, of the case's company."""
        if self.env.su:
            return
        user = self.env.user
        if not user.has_group("utility_billing.group_csr_2"):
            raise AccessError(
                self.env._(
                    "Only a Customer Service Representative II or a manager "
                    "decides an SB 998 case."
                )
            )
        self.check_access("write")
        foreign = self.company_id - user.company_ids
        if foreign:
            raise AccessError(
                self.env._(
                    "You cannot decide the SB 998 cases of %(company)s.",
                    company=foreign[0].name,
                )
            )

    def _check_state(self, states, kinds=None):
        for case in self:
            if case.state not in states or (kinds and case.kind not in kinds):
                raise UserError(
                    self.env._(
                        "%(case)s (%(kind)s, %(state)s) cannot take this step.",
                        case=case.name,
                        kind=dict(
                            self._fields["kind"]._description_selection(self.env)
                        )[case.kind],
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[case.state],
                    )
                )

    def _decide(self, vals):
        today = self.env.company._utility_today()
        with workflow(CASE_DOOR):
            self.sudo().write(
                dict(vals, decided_by_id=self.env.uid, decided_date=today)
            )

    def action_accept(self):
        """Accept a medical certification, a proof of inability or a
        willingness: the account is protected from its effective date."""
        self._check_can_decide()
        self._check_state(("received",), ("medical", "inability", "willingness"))
        for case in self:
            vals = {"state": "active", "decision": "accepted"}
            if not case.effective_date:
                vals["effective_date"] = case.received_date
            if not case.expiry_date:
                days = case.company_id._utility_sb998_validity_days(case.kind)
                if days:
                    start = vals.get("effective_date") or case.effective_date
                    vals["expiry_date"] = start + timedelta(days=days - 1)
            case._decide(vals)
        return True

    def action_reject(self):
        """The evidence does not qualify: the case is closed, rejected."""
        self._check_can_decide()
        self._check_state(("received",), ("medical", "inability", "willingness"))
        self._decide({"state": "closed", "decision": "rejected"})
        return True

    def action_decide_for_customer(self):
        """The appeal or bill review is decided in the customer's favour."""
        self._check_can_decide()
        self._check_state(("received",), ("appeal",))
        self._decide({"state": "decided", "decision": "for_customer"})
        return True

    def action_decide_against_customer(self):
        """The appeal or bill review is decided against the customer: the
        account is no longer protected by it."""
        self._check_can_decide()
        self._check_state(("received",), ("appeal",))
        self._decide({"state": "decided", "decision": "against_customer"})
        return True

    def action_close(self):
        """Withdrawn, or no longer applies (the resident moved, the plan
        ended): the account is no longer protected by it."""
        self._check_can_decide()
        self._check_state(("received", "active"))
        self._decide({"state": "closed", "decision": "withdrawn"})
        return True

    @api.model
    def _cron_expire(self):
        """Expire the accepted cases past their expiry date (each company's
        today) and recompute the flags of the accounts whose cases start or end
        protecting them today."""
        cases = self.sudo().search([("state", "in", ("received", "active"))])
        expired = cases.filtered(
            lambda c: (
                c.state == "active"
                and c.expiry_date
                and c.expiry_date < c.company_id._utility_today()
            )
        )
        if expired:
            with workflow(CASE_DOOR):
                expired.write({"state": "expired"})
        cases.account_id._sb998_recompute_flags()
        return True


def sb998_cases_from_flags(env, kinds_by_flag):
    """Upgrade from the checkboxes: an SB 998 case for each ticked flag column
    of ``kinds_by_flag`` ({column: case kind}) of the accounts that have no
    case of that kind. Medical certifications start on the date keyed beside
    the box; the others on the upgrade day. Accepted by the superuser (an
    appeal stays pending) with a note saying where it comes from."""
    cr = env.cr
    Case = env["utility.sb998.case"].sudo()
    vals_list = []
    for column, kind in kinds_by_flag.items():
        cr.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'utility_account' AND column_name = %s",
            [column],
        )
        if not cr.fetchone():
            continue
        date_column = (
            "medical_certification_date" if kind == "medical" else "NULL::date"
        )
        # The column names come from the constant mapping above, not from input.
        cr.execute(
            f"SELECT a.id, {date_column} FROM utility_account a "  # noqa: S608
            f"WHERE a.{column} IS TRUE AND NOT EXISTS (SELECT 1 FROM "
            "utility_sb998_case c WHERE c.account_id = a.id AND c.kind = %s)",
            [kind],
        )
        for account_id, day in cr.fetchall():
            account = env["utility.account"].browse(account_id)
            today = account.company_id._utility_today()
            vals = {
                "account_id": account_id,
                "kind": kind,
                "received_date": min(day or today, today),
                # The renewal period runs from the upgrade.
                "effective_date": today,
                "note": "Recorded at the upgrade from the former checkbox.",
            }
            if kind == "inability":
                vals["inability_basis"] = "declaration"
            vals_list.append(vals)
    if not vals_list:
        return Case
    cases = Case.create(vals_list)
    cases.filtered(lambda c: c.kind != "appeal").action_accept()
    return cases
