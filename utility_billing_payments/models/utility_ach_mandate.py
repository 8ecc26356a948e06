# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An ACH autopay mandate (``utility.ach.mandate``).

Over 600 lines on purpose: one workflow, the mandate's life (entered,
prenoted, active, suspended, revoked, its bank account changed) and what the
ACH batch and the return file do to it (``_prenote_sent``, ``_apply_return``,
``_apply_change``); split, the states would be written in several files.
"""

import re

from dateutil.relativedelta import relativedelta
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.us import rtn

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.utility_billing.tools.workflow import is_trusted, workflow

from ..tools import nacha
from ..tools.controls import (
    check_protected_create,
    check_protected_write,
    check_role,
)

MANDATE_STATES = [
    ("pending_prenote", "Pending Prenote"),
    ("active", "Active"),
    ("suspended", "Suspended"),
    ("revoked", "Revoked"),
]
# Authorizations are kept this long after revocation (NACHA: 2 years).
RETENTION_YEARS = 2
BANK_FIELDS = ("routing_number", "bank_account_number", "bank_account_type")
# Door "utility.ach.mandate". The mandate's state and prenote: its buttons, the
# ACH files and the return files only.
STATE_FIELDS = (
    "state",
    "state_reason",
    "prenote_batch_id",
    "prenote_date",
    "active_from",
    "revocation_date",
)
# What the customer authorized: editable while the mandate is entered (its
# prenote not sent yet); then a new bank account goes through Change Bank
# Account (a new prenote), a notification of change through the return file.
AUTHORIZATION_FIELDS = (
    *BANK_FIELDS,
    "account_id",
    "company_id",
    "authorization_date",
    "sec_code",
)


def mask_account_number(number):
    """``****1234``: the last 4 characters of a bank account number."""
    number = number or ""
    return f"****{number[-4:]}" if number else ""


class UtilityAchMandate(models.Model):
    """A customer's authorization to debit a bank account for the bills of a
    utility account (autopay).

    The bank account number is readable only by Customer Service
    Representatives II and managers; everyone else sees
    ``bank_account_masked``, the only form the chatter, notices and messages
    ever show.
    """

    _name = "utility.ach.mandate"
    _description = "ACH Autopay Mandate"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/"
    )
    account_id = fields.Many2one(
        "utility.account",
        string="Utility Account",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(
        related="account_id.partner_id", store=True, index=True, string="Customer"
    )
    holder_name = fields.Char(
        string="Account Holder",
        compute="_compute_holder_name",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        tracking=True,
        help="Name on the bank account, sent in every entry (22 characters).",
    )
    routing_number = fields.Char(
        size=9,
        required=True,
        tracking=True,
        help="The bank's 9-digit ABA routing number.",
    )
    bank_account_number = fields.Char(
        size=17,
        copy=False,
        groups="utility_billing.group_csr_2",
        help="Visible to Customer Service Representatives II and managers only.",
    )
    bank_account_masked = fields.Char(
        string="Bank Account",
        compute="_compute_bank_account_masked",
        store=True,
        tracking=True,
    )
    bank_account_type = fields.Selection(
        [("checking", "Checking"), ("savings", "Savings")],
        required=True,
        default="checking",
        tracking=True,
    )
    sec_code = fields.Selection(
        [("PPD", "PPD (signed authorization)"), ("WEB", "WEB (online)")],
        string="Entry Class",
        required=True,
        default="PPD",
    )
    authorization_date = fields.Date(
        required=True, default=fields.Date.context_today, tracking=True
    )
    # The signed form shows the bank account: restricted like its number, in
    # the mandate's own column (Odoo 18 checks a field's groups when the field
    # is read, not when its attachment is read by id).
    authorization_document = fields.Binary(
        attachment=False, copy=False, groups="utility_billing.group_csr_2"
    )
    authorization_filename = fields.Char(groups="utility_billing.group_csr_2")
    currency_id = fields.Many2one(related="company_id.currency_id")
    max_amount = fields.Monetary(
        string="Maximum Debit",
        tracking=True,
        help="Most the customer authorized per debit; a larger debit is not "
        "sent (zero: no maximum).",
    )
    return_fee_authorized = fields.Boolean(
        string="Authorizes Return Fee Debits",
        tracking=True,
        help="The signed authorization covers a returned payment fee: after a "
        "return for insufficient or uncollected funds (R01, R09) and its notice, "
        "the fee is debited by its own RETURN FEE entry.",
    )
    state = fields.Selection(
        MANDATE_STATES,
        required=True,
        default="pending_prenote",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    state_reason = fields.Char(readonly=True, tracking=True, copy=False)
    prenote_batch_id = fields.Many2one(
        "utility.ach.batch",
        readonly=True,
        copy=False,
        check_company=True,
        help="The ACH file its prenote was sent in.",
    )
    prenote_date = fields.Date(
        readonly=True,
        copy=False,
        tracking=True,
        help="Effective date of the file the prenote was sent in.",
    )
    active_from = fields.Date(
        readonly=True,
        copy=False,
        tracking=True,
        help="First settlement date it can be debited: the prenote wait after the "
        "prenote's effective date.",
    )
    revocation_date = fields.Date(readonly=True, copy=False, tracking=True)
    retention_until = fields.Date(
        compute="_compute_retention_until",
        store=True,
        help="The authorization is kept until this date (2 years after revocation).",
    )
    batch_line_ids = fields.One2many(
        "utility.ach.batch.line", "mandate_id", string="ACH Entries", readonly=True
    )
    return_line_ids = fields.One2many(
        "utility.ach.return.line", "mandate_id", string="Returns", readonly=True
    )
    return_count = fields.Integer(compute="_compute_return_count")
    authorization_locked = fields.Boolean(
        compute="_compute_authorization_locked",
        help="Its prenote was sent: the bank account changes with Change Bank "
        "Account only.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("account_id")
    def _compute_holder_name(self):
        for mandate in self:
            if not mandate.holder_name:
                mandate.holder_name = mandate.account_id.partner_id.name

    @api.depends("bank_account_number")
    def _compute_bank_account_masked(self):
        for mandate in self:
            mandate.bank_account_masked = mask_account_number(
                mandate.sudo().bank_account_number
            )

    @api.depends("revocation_date")
    def _compute_retention_until(self):
        for mandate in self:
            mandate.retention_until = mandate.revocation_date and (
                mandate.revocation_date + relativedelta(years=RETENTION_YEARS)
            )

    def _compute_return_count(self):
        groups = self.env["utility.ach.return.line"]._read_group(
            [("mandate_id", "in", self.ids)], ["mandate_id"], ["__count"]
        )
        counts = {mandate.id: count for mandate, count in groups}
        for mandate in self:
            mandate.return_count = counts.get(mandate.id, 0)

    @api.depends("account_id", "bank_account_masked")
    def _compute_display_name(self):
        for mandate in self:
            mandate.display_name = " ".join(
                part
                for part in (
                    mandate.name if mandate.name != "/" else "",
                    mandate.account_id.name or "",
                    mandate.bank_account_masked or "",
                )
                if part
            )

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("routing_number")
    def _check_routing_number(self):
        for mandate in self:
            try:
                rtn.validate(mandate.routing_number or "")
            except StdnumValidationError as exc:
                raise ValidationError(
                    self.env._(
                        "Mandate of account %(account)s: routing number "
                        "%(routing)s is not a valid ABA routing number (9 digits "
                        "with a check digit).",
                        account=mandate.account_id.name,
                        routing=mandate.routing_number,
                    )
                ) from exc

    @api.constrains("bank_account_number")
    def _check_bank_account_number(self):
        for mandate in self.sudo():
            number = mandate.bank_account_number
            # The number itself is never in the message: it would be logged.
            if not number or not re.fullmatch(r"[A-Z0-9]{4,17}", number):
                raise ValidationError(
                    self.env._(
                        "Mandate of account %(account)s: the bank account number "
                        "must be 4 to 17 letters or digits.",
                        account=mandate.account_id.name,
                    )
                )

    def init(self):
        res = super().init()
        # One mandate not revoked per account, whatever two users do at once.
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS utility_ach_mandate_open_uniq
                       ON utility_ach_mandate (account_id)
                    WHERE state != 'revoked'"""
            )
        )
        return res

    @api.model
    def _check_no_open_mandate(self, account_ids):
        """Refuse a second open mandate on these accounts, before it is written
        (the unique index says it too, less clearly, when two users race)."""
        if not account_ids:
            return
        taken = self.sudo().search(
            [("account_id", "in", list(account_ids)), ("state", "!=", "revoked")],
            limit=1,
        )
        if taken:
            raise ValidationError(
                self.env._(
                    "Account %(account)s already has an autopay mandate: revoke it "
                    "before enrolling a new bank account.",
                    account=taken.account_id.name,
                )
            )

    @api.constrains("account_id", "state")
    def _check_one_open_mandate(self):
        groups = self._read_group(
            [
                ("account_id", "in", self.account_id.ids),
                ("state", "!=", "revoked"),
            ],
            ["account_id"],
            ["__count"],
        )
        for account, count in groups:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "Account %(account)s already has an autopay mandate: "
                        "revoke it before enrolling a new bank account.",
                        account=account.name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model
    def _normalize_bank_vals(self, vals):
        if vals.get("bank_account_number"):
            vals["bank_account_number"] = re.sub(
                r"[\s-]", "", vals["bank_account_number"]
            ).upper()
        if vals.get("routing_number"):
            vals["routing_number"] = re.sub(r"\s", "", vals["routing_number"])
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            STATE_FIELDS,
            "utility.ach.mandate",
            defaults={"state": "pending_prenote"},
            message=self.env._(
                "A new autopay mandate waits for its prenote: it becomes active "
                "when the prenote wait is over, not by entering its state."
            ),
        )
        self._check_no_open_mandate(
            {
                vals["account_id"]
                for vals in vals_list
                if vals.get("account_id") and vals.get("state") != "revoked"
            }
        )
        for vals in vals_list:
            self._normalize_bank_vals(vals)
            if vals.get("name", "/") == "/":
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code("utility.ach.mandate")
                    or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        self._normalize_bank_vals(vals)
        if vals.get("account_id"):
            moved = self.filtered(
                lambda m: m.account_id.id != vals["account_id"] and m.state != "revoked"
            )
            if moved:
                self._check_no_open_mandate({vals["account_id"]})
        check_protected_write(
            self,
            vals,
            STATE_FIELDS,
            "utility.ach.mandate",
            message=self.env._(
                "Autopay mandate: its status and prenote change through its buttons "
                "(Suspend, Reactivate, Revoke), the ACH files and the return files "
                "only."
            ),
        )
        if set(vals) & set(AUTHORIZATION_FIELDS):
            check_protected_write(
                self.filtered(lambda m: not m._is_being_entered()),
                vals,
                AUTHORIZATION_FIELDS,
                "utility.ach.mandate",
                message=self.env._(
                    "Autopay mandate: its prenote has been sent, so its bank "
                    "account and authorization cannot be edited. A new bank "
                    "account: use Change Bank Account (a CSR II), which sends a new "
                    "prenote before the account is debited. A correction from the "
                    "bank comes with its return file."
                ),
            )
        return super().write(vals)

    def _is_being_entered(self):
        """Still being entered: no prenote sent, never in an ACH file."""
        self.ensure_one()
        return (
            self.state == "pending_prenote"
            and not self.prenote_batch_id
            and not self.prenote_date
            and not self.batch_line_ids.filtered(lambda ln: ln.state != "cancelled")
        )

    @api.depends("state", "prenote_batch_id", "prenote_date", "batch_line_ids.state")
    def _compute_authorization_locked(self):
        for mandate in self:
            mandate.authorization_locked = not mandate._is_being_entered()

    @api.ondelete(at_uninstall=False)
    def _unlink_never_used(self):
        for mandate in self:
            if mandate.batch_line_ids or mandate.prenote_date:
                raise UserError(
                    self.env._(
                        "Mandate %(mandate)s has been used in an ACH file: revoke it "
                        "instead; it is kept %(years)s years after revocation.",
                        mandate=mandate.display_name,
                        years=RETENTION_YEARS,
                    )
                )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _check_csr2(self):
        check_role(
            self.env,
            "utility_billing.group_csr_2",
            self.env._(
                "Only a Customer Service Representative II manages autopay mandates."
            ),
        )
        self.check_access("write")

    def action_change_bank_account(self):
        """Open the wizard that gives the mandate a new bank account (a new
        prenote is sent before it is debited)."""
        self.ensure_one()
        self._check_csr2()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change Bank Account"),
            "res_model": "utility.ach.mandate.bank.change",
            "view_mode": "form",
            "target": "new",
            "context": {"default_mandate_id": self.id},
        }

    def _change_bank_account(self, vals, reason):
        """New bank details given by the customer (``vals``: some of
        ``BANK_FIELDS``): written, then checked by a new prenote before the
        account is debited again. Called after the CSR II's checks."""
        self.ensure_one()
        if self.state == "revoked":
            raise UserError(
                self.env._(
                    "Mandate %(mandate)s is revoked: enroll the account again with "
                    "a new authorization.",
                    mandate=self.display_name,
                )
            )
        vals = self._normalize_bank_vals(
            {fname: vals[fname] for fname in BANK_FIELDS if fname in vals}
        )
        old_masked = self.bank_account_masked
        with workflow("utility.ach.mandate"):
            self.write(vals)
            self._reset_prenote(
                self.env._("New bank account details: %(reason)s", reason=reason)
            )
        self.message_post(
            body=self.env._(
                "Bank account changed from %(old)s to %(new)s by %(user)s: "
                "%(reason)s. A prenote is sent in the next ACH file.",
                old=old_masked,
                new=self.bank_account_masked,
                user=self.env.user.name,
                reason=reason,
            )
        )
        return True

    def action_suspend(self):
        self._check_csr2()
        for mandate in self:
            if mandate.state not in ("pending_prenote", "active"):
                raise UserError(
                    self.env._(
                        "Mandate %(mandate)s is not active.",
                        mandate=mandate.display_name,
                    )
                )
        self._set_state("suspended", self.env._("Suspended by %s.", self.env.user.name))
        return True

    def action_reactivate(self):
        """Suspended -> active again (pending its prenote when it has none)."""
        self._check_csr2()
        for mandate in self:
            if mandate.state != "suspended":
                raise UserError(
                    self.env._(
                        "Mandate %(mandate)s is not suspended.",
                        mandate=mandate.display_name,
                    )
                )
            if mandate.prenote_date:
                mandate._set_state(
                    "active", self.env._("Reactivated by %s.", self.env.user.name)
                )
            else:
                mandate._set_state(
                    "pending_prenote",
                    self.env._("Reactivated by %s.", self.env.user.name),
                )
        return True

    def action_revoke(self):
        self._check_csr2()
        for mandate in self:
            if mandate.state == "revoked":
                raise UserError(
                    self.env._(
                        "Mandate %(mandate)s is already revoked.",
                        mandate=mandate.display_name,
                    )
                )
        self._set_state("revoked", self.env._("Revoked by %s.", self.env.user.name))
        return True

    def action_view_returns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing_payments.utility_ach_return_line_action"
        )
        action["domain"] = [("mandate_id", "=", self.id)]
        return action

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    def _set_state(self, state, reason):
        """Move to ``state`` with its reason (both tracked in the chatter)."""
        vals = {"state": state, "state_reason": reason}
        if state == "revoked":
            vals["revocation_date"] = fields.Date.context_today(self)
        with workflow("utility.ach.mandate"):
            self.write(vals)

    def _reset_prenote(self, reason):
        with workflow("utility.ach.mandate"):
            self.write(
                {
                    "state": "pending_prenote",
                    "state_reason": reason,
                    "prenote_batch_id": False,
                    "prenote_date": False,
                    "active_from": False,
                }
            )

    def _transaction_code(self, prenote=False):
        self.ensure_one()
        if self.bank_account_type == "savings":
            return nacha.SAVINGS_PRENOTE if prenote else nacha.SAVINGS_DEBIT
        return nacha.CHECKING_PRENOTE if prenote else nacha.CHECKING_DEBIT

    def _prenote_sent(self, batch):
        """The prenotes of these mandates went out in ``batch``'s file."""
        with workflow("utility.ach.mandate"):
            for mandate in self:
                company = mandate.company_id
                mandate.write(
                    {
                        "prenote_batch_id": batch.id,
                        "prenote_date": batch.effective_date,
                        "active_from": company._ach_add_banking_days(
                            batch.effective_date, company.ach_prenote_days
                        ),
                    }
                )

    def _prenote_cancelled(self, batch):
        """``batch`` was cancelled: its prenotes were never sent."""
        with workflow("utility.ach.mandate"):
            self.filtered(lambda m: m.prenote_batch_id == batch).write(
                {"prenote_batch_id": False, "prenote_date": False, "active_from": False}
            )

    @api.model
    def _activate_prenoted(self, day=None, companies=None):
        """Activate the mandates whose prenote wait is over on ``day``; return
        them."""
        day = day or fields.Date.context_today(self)
        domain = [
            ("state", "=", "pending_prenote"),
            ("active_from", "!=", False),
            ("active_from", "<=", day),
        ]
        if companies:
            domain.append(("company_id", "in", companies.ids))
        mandates = self.search(domain)
        for mandate in mandates:
            mandate._set_state(
                "active",
                self.env._(
                    "Prenote of %(date)s not returned: active from %(active)s.",
                    date=mandate.prenote_date,
                    active=mandate.active_from,
                ),
            )
        return mandates

    @api.model
    def _cron_activate_mandates(self):
        self.sudo()._activate_prenoted()

    def _apply_return(self, return_line):
        """The mandate's state after the return ``return_line`` (R-code): return
        what was done (translated text) or an empty string."""
        self.ensure_one()
        code = return_line.code
        action = nacha.RETURN_REASONS.get(code, ("", None, False))[1]
        if self.state == "revoked" or not action:
            return ""
        reason = self.env._(
            "Return %(code)s (%(reason)s) of %(date)s.",
            code=code,
            reason=return_line.reason,
            date=return_line.return_id.date,
        )
        if action == "revoke":
            self._set_state("revoked", reason)
            return self.env._("Autopay mandate revoked.")
        if action == "count":
            company = self.company_id
            since = return_line.return_id.date - relativedelta(months=12)
            count = self.env["utility.ach.return.line"].search_count(
                [
                    ("mandate_id", "=", self.id),
                    ("kind", "=", "return"),
                    ("code", "in", ("R01", "R09")),
                    ("state", "=", "done"),
                    ("return_id.date", ">", since),
                ]
            )
            if count < company.ach_nsf_suspend_count or self.state == "suspended":
                return ""
            reason = self.env._(
                "%(count)s returns for insufficient or uncollected funds in 12 "
                "months (last: %(code)s of %(date)s).",
                count=count,
                code=code,
                date=return_line.return_id.date,
            )
        if self.state == "suspended":
            return ""
        self._set_state("suspended", reason)
        return self.env._("Autopay mandate suspended.")

    def _apply_change(self, code, corrected):
        """Apply a notification of change: ``corrected`` as given by
        ``nacha.parse_corrected_data``. Return the fields changed."""
        self.ensure_one()
        vals = {}
        if corrected.get("routing"):
            vals["routing_number"] = corrected["routing"]
        if corrected.get("account"):
            vals["bank_account_number"] = corrected["account"]
        if corrected.get("name"):
            vals["holder_name"] = corrected["name"]
        if corrected.get("transaction_code"):
            vals["bank_account_type"] = nacha.account_type_of(
                corrected["transaction_code"]
            )
        current = self.sudo()
        vals = {
            fname: value
            for fname, value in vals.items()
            if (current[fname] or "") != value
        }
        if vals:
            # Corrections from the bank need no new prenote (NACHA: apply
            # them before the next entry). Only the return import gets here,
            # after its own checks: its door.
            if not is_trusted(self.env, "utility.ach.mandate"):
                raise UserError(
                    self.env._(
                        "Corrections from the bank are applied by importing its "
                        "return file."
                    )
                )
            with workflow("utility.ach.mandate"):
                self.sudo().write(vals)
        return list(vals)
