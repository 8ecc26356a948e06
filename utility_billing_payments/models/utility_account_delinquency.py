# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Split by feature (counter, ACH, delinquency), as the suite's files are.
# pylint: disable=consider-merging-classes-inherited
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, clean_context, float_compare
from odoo.tools.misc import format_date

from odoo.addons.utility_billing.tools.workflow import workflow

from ..tools.controls import check_protected_create, check_protected_write
from .utility_notice_delinquency import DELINQUENCY_KINDS, SAFEGUARD_NOTICE_DOMAIN

SHUTOFF_DAYS_SB998 = 60
PLAN_BROKEN_NOTICE_BUSINESS_DAYS = 5
# HSC 116916: the occupants of a landlord-paid or multi-unit residence get the
# notice at least 10 days before the shut-off, 7 for a detached single-family
# dwelling.
OCCUPANT_NOTICE_DAYS = 10
OCCUPANT_NOTICE_DAYS_DETACHED = 7
# Changed by the delinquency run, shut-off lists, service orders, collections
# and penalty waivers only (door "utility.account").
DLQ_PROTECTED_FIELDS = (
    "collection_state",
    "interest_waiver_date",
    "disconnected",
    "shutoff_pending",
    "dlq_step_id",
    "dlq_step_date",
    "dlq_bill_id",
    "dlq_amount",
    "dlq_run_date",
    "dlq_shutoff_date",
)
# The door hanger (a local practice, not SB 998) announces the shut-off 48
# hours ahead at least.
DOOR_HANGER_DAYS = 2


class UtilityAccount(models.Model):
    _inherit = "utility.account"

    dlq_step_id = fields.Many2one(
        "utility.delinquency.policy.step",
        string="Delinquency Step",
        readonly=True,
        index="btree_not_null",
        copy=False,
        help="The last delinquency step taken on the oldest delinquent bill.",
    )
    dlq_step_date = fields.Date(string="Step Date", readonly=True, copy=False)
    dlq_bill_id = fields.Many2one(
        "account.move",
        string="Oldest Delinquent Bill",
        readonly=True,
        copy=False,
    )
    dlq_amount = fields.Monetary(
        string="Past Due at Last Run",
        currency_field="currency_id",
        readonly=True,
        copy=False,
    )
    dlq_run_date = fields.Date(string="Last Delinquency Run", readonly=True, copy=False)
    dlq_shutoff_date = fields.Date(
        string="Shut-off On or After",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The shut-off date of the account's delinquency: computed once from "
        "the law and the policy when the first notice that carries a date is "
        "sent, printed on every notice, moved only later when a later notice "
        "needs a later date; cleared when the delinquency ends. No shut-off "
        "list releases the account, and no disconnect order is dated, before "
        "it.",
    )
    dlq_event_ids = fields.One2many(
        "utility.delinquency.event", "account_id", string="Delinquency History"
    )
    dlq_block_reason = fields.Text(
        string="Shut-off Blocked By",
        compute="_compute_dlq_block_reason",
        help="The SB 998 safeguards (and others) that forbid a shut-off of this "
        "account today.",
    )
    plan_willing = fields.Boolean(
        string="Willing to Enter a Payment Plan",
        compute="_compute_sb998_flags",
        store=True,
        tracking=True,
        help="An accepted, unexpired SB 998 case of willingness: the customer "
        "agreed to an amortization, alternative or deferred payment plan (SB 998 "
        "116910(a)(3)).",
    )
    disconnected = fields.Boolean(
        string="Disconnected for Non-payment", readonly=True, tracking=True, copy=False
    )
    shutoff_pending = fields.Boolean(
        string="Shut-off Pending",
        readonly=True,
        copy=False,
        help="On a shut-off list whose disconnect order is not done yet.",
    )
    payment_plan_ids = fields.One2many(
        "utility.payment.plan", "account_id", string="Payment Plans"
    )
    payment_plan_id = fields.Many2one(
        "utility.payment.plan",
        string="Active Payment Plan",
        compute="_compute_payment_plan_id",
        store=True,
    )
    collection_state = fields.Selection(
        [
            ("none", "Not in Collection"),
            ("referred", "Referred to Agency"),
            ("written_off", "Written Off"),
        ],
        default="none",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    interest_waiver_date = fields.Date(
        string="Penalty Waived On",
        readonly=True,
        copy=False,
        help="Last late penalty waived for this low-income household (SB 998: "
        "once every 12 months).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            DLQ_PROTECTED_FIELDS,
            "utility.account",
            defaults={"collection_state": "none"},
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(self, vals, DLQ_PROTECTED_FIELDS, "utility.account")
        return super().write(vals)

    def _compute_sb998_flags(self):
        res = super()._compute_sb998_flags()
        for account in self:
            account.plan_willing = any(
                c.kind == "willingness" for c in account._sb998_cases_in_force()
            )
        return res

    def _sb998_flag_fields(self):
        return [*super()._sb998_flag_fields(), "plan_willing"]

    @api.depends("payment_plan_ids.state")
    def _compute_payment_plan_id(self):
        for account in self:
            account.payment_plan_id = account.payment_plan_ids.filtered(
                lambda p: p.state == "active"
            )[:1]

    def _compute_dlq_block_reason(self):
        today = fields.Date.context_today(self)
        for account in self:
            reasons = account._dlq_block_reasons(today)
            account.dlq_block_reason = "\n".join(label for _code, label in reasons)

    # ------------------------------------------------------------
    # Safeguards
    # ------------------------------------------------------------

    def _dlq_policy(self):
        self.ensure_one()
        return (
            self.env["utility.delinquency.policy"]
            ._get_policy_by_class(self.company_id)
            .get(self.customer_class)
        )

    def _dlq_has_water(self):
        """An open water service: the shipped Water service type, or a
        company's own of the same code (a service type belongs to one
        company: the shipped one to the first)."""
        self.ensure_one()
        code = self.env.ref("utility_billing.service_type_water").sudo().code
        return any(
            s.service_type_id.code == code and not s.end_date for s in self.service_ids
        )

    def _dlq_block_info(self, date):
        """What the safeguards need to know of this account on ``date``: its
        oldest delinquent bill not under a kept plan, and the notices sent."""
        self.ensure_one()
        plan = self.payment_plan_id
        covered = plan.move_ids if plan else self.env["account.move"]
        lines = self._utility_open_receivable_lines().filtered(
            lambda ln: (
                ln.date_maturity
                and ln.date_maturity < date
                and ln.move_id.move_type == "out_invoice"
                and ln.move_id not in covered
            )
        )
        all_notices = self.env["utility.notice"].search(
            [
                ("account_id", "=", self.id),
                ("kind", "in", ("shutoff", "plan_broken")),
                *SAFEGUARD_NOTICE_DOMAIN,
                ("state", "=", "sent"),
                ("date", "<=", date),
            ],
            order="date desc",
        )
        notices = all_notices.filtered(lambda n: not n.occupant)
        return {
            "occupant_notice_date": max(
                all_notices.filtered("occupant").mapped("date"), default=False
            ),
            "oldest_due": min(lines.mapped("date_maturity"), default=False),
            "shutoff_notice_date": max(
                notices.filtered(lambda n: n.kind == "shutoff").mapped("date"),
                default=False,
            ),
            "plan_broken_date": max(
                notices.filtered(lambda n: n.kind == "plan_broken").mapped("date"),
                default=False,
            ),
        }

    def _dlq_shutoff_date_reason(self, date):
        """[(code, reason)]: the shut-off date the notices announced is not
        reached on ``date``."""
        shutoff_date = self.dlq_shutoff_date
        if not shutoff_date or date >= shutoff_date:
            return []
        return [
            (
                "date",
                self.env._(
                    "The notices sent to this account announce the shut-off "
                    "on or after %(date)s.",
                    date=format_date(self.env, shutoff_date),
                ),
            )
        ]

    def _dlq_block_reasons(self, date, policy=None, info=None):
        """[(code, reason)] of what forbids shutting this account off on ``date``.

        ``policy`` and ``info`` (see ``_dlq_block_info``) are given by the daily
        run, which reads them for a batch of accounts at once.
        """
        self.ensure_one()
        policy = policy if policy is not None else self._dlq_policy()
        info = info if info is not None else self._dlq_block_info(date)
        company = self.company_id
        reasons = []
        if not self._dlq_has_water():
            reasons.append(("no_water", self.env._("No water service to shut off.")))
        oldest_due = info.get("oldest_due")
        sb998 = bool(policy and policy.sb998)
        if sb998 and oldest_due:
            days = (date - oldest_due).days
            if days < SHUTOFF_DAYS_SB998:
                reasons.append(
                    (
                        "days_60",
                        self.env._(
                            "SB 998: the oldest unpaid bill is %(days)s days "
                            "delinquent, less than 60.",
                            days=days,
                        ),
                    )
                )
        required = policy.shutoff_notice_business_days if policy else 7
        notice_date = info.get("shutoff_notice_date")
        broken_date = info.get("plan_broken_date")
        notice_ok = bool(
            notice_date
            and company._utility_count_business_days(notice_date, date) >= required
        )
        broken_ok = bool(
            broken_date
            and company._utility_count_business_days(broken_date, date)
            >= PLAN_BROKEN_NOTICE_BUSINESS_DAYS
        )
        after_default = bool(
            broken_date and (not notice_date or broken_date >= notice_date)
        )
        if after_default:
            # After a broken plan: the posted final notice, 5 business days
            # before (116910(c)), whatever notice came before the plan.
            notice_ok = broken_ok
        else:
            notice_ok = notice_ok or broken_ok
        if not notice_ok:
            if after_default:
                label = self.env._(
                    "Final notice of the payment plan default of %(date)s: "
                    "%(count)s of %(required)s business days elapsed.",
                    date=broken_date,
                    count=company._utility_count_business_days(broken_date, date),
                    required=PLAN_BROKEN_NOTICE_BUSINESS_DAYS,
                )
            elif notice_date:
                label = self.env._(
                    "Shut-off notice of %(date)s: %(count)s of %(required)s business "
                    "days elapsed.",
                    date=notice_date,
                    count=company._utility_count_business_days(notice_date, date),
                    required=required,
                )
            else:
                label = self.env._(
                    "No shut-off notice sent %(required)s business days before.",
                    required=required,
                )
            reasons.append(("notice", label))
        occupant_days = self._dlq_occupant_notice_days()
        if sb998 and occupant_days:
            occupant_date = info.get("occupant_notice_date")
            if not occupant_date:
                reasons.append(
                    (
                        "occupant",
                        self.env._(
                            "No notice sent to the occupants %(required)s days "
                            "before (HSC 116916).",
                            required=occupant_days,
                        ),
                    )
                )
            elif (date - occupant_date).days < occupant_days:
                reasons.append(
                    (
                        "occupant",
                        self.env._(
                            "Notice to the occupants of %(date)s: %(count)s of "
                            "%(required)s days elapsed (HSC 116916).",
                            date=occupant_date,
                            count=(date - occupant_date).days,
                            required=occupant_days,
                        ),
                    )
                )
        reasons += self._dlq_shutoff_date_reason(date)
        if sb998:
            contact = self._dlq_contact_reason(date, policy, info.get("oldest_due"))
            if contact:
                reasons.append(contact)
        if self.appeal_pending:
            reasons.append(
                ("appeal", self.env._("An appeal or bill review is pending."))
            )
        if (
            sb998
            and self.medical_certification
            and self.low_income
            and (self.plan_willing or self.payment_plan_id)
        ):
            reasons.append(
                (
                    "medical",
                    self.env._(
                        "SB 998: medical certification, inability to pay and "
                        "willingness to enter a payment plan are on file."
                    ),
                )
            )
        plan = self.payment_plan_id
        if plan and plan.state == "active":
            reasons.append(
                (
                    "plan",
                    self.env._("Payment plan %(plan)s is being kept.", plan=plan.name),
                )
            )
        return reasons

    def _dlq_contact_reason(self, date, policy, since):
        """(code, reason) when the contact log does not show what SB 998 asks
        before a shut-off on ``date``, counting the contacts logged since
        ``since`` (the oldest delinquent bill's due date), else None.

        * A letter came back undeliverable and the customer was not reached by
          phone: a good-faith visit to the residence and a notice posted there
          must be logged (HSC 116908(a)(2)).
        * The policy asks for a contact attempt (``contact_attempt_required``):
          a phone call, a site visit or a posted notice must be logged.
        """
        self.ensure_one()
        since = since or date
        kinds = {
            log.kind
            for log in self.contact_log_ids
            if since <= log._local_date() <= date
        }
        reached = "phone_reached" in kinds
        visited = bool(kinds & {"site_visit", "notice_posted"})
        if "letter_returned" in kinds and not reached and not visited:
            return (
                "unreachable",
                self.env._(
                    "SB 998: the letter came back undeliverable and the customer "
                    "was not reached by phone: log the good-faith visit and the "
                    "notice posted at the residence (HSC 116908(a)(2))."
                ),
            )
        attempts = {"phone_attempt", "phone_reached", "site_visit", "notice_posted"}
        if policy and policy.contact_attempt_required and not kinds & attempts:
            return (
                "contact",
                self.env._(
                    "No contact attempt logged since %(date)s: a phone call, or a "
                    "site visit with the notice posted at the residence.",
                    date=format_date(self.env, since, lang_code=self.env.lang),
                ),
            )
        return None

    def _dlq_occupant_notice_days(self):
        """Days the notice to the occupants must precede the shut-off (HSC
        116916), 0 when none is due: 10 for a multi-unit premise (more than
        one living unit, or of the multi-family class), whoever the customer
        is; 7 for a detached single-family dwelling the landlord pays (the
        customer's mailing address is not the service address)."""
        self.ensure_one()
        premise = self.premise_id
        if premise.living_units > 1 or premise.customer_class == "multi_family":
            return OCCUPANT_NOTICE_DAYS
        if self._dlq_mailing_differs():
            return OCCUPANT_NOTICE_DAYS_DETACHED
        return 0

    def _dlq_mailing_differs(self):
        """Whether the customer's mailing address is not the service address
        (SB 998: a copy of the shut-off notice then goes to 'Occupant')."""
        self.ensure_one()
        partner, premise = self.partner_id, self.premise_id

        def norm(value):
            return " ".join((value or "").lower().replace(".", " ").split())

        if not partner.street:
            return False
        return norm(partner.street) != norm(premise.street) or (
            bool(partner.zip and premise.zip) and norm(partner.zip) != norm(premise.zip)
        )

    def _dlq_past_due(self, date):
        """Past due on ``date``: open bill amounts due before it, never more than
        the balance (credits lower it)."""
        self.ensure_one()
        lines = self._utility_open_receivable_lines()
        past_due = sum(
            ln.amount_residual
            for ln in lines
            if ln.date_maturity and ln.date_maturity < date
        )
        self.invalidate_recordset(["balance"])
        return max(0.0, min(past_due, self.balance))

    def _dlq_under_minimum(self, date):
        self.ensure_one()
        policy = self._dlq_policy()
        minimum = policy.minimum_amount if policy else 0.0
        past_due = self._dlq_past_due(date)
        return (
            float_compare(
                past_due, minimum, precision_rounding=self.currency_id.rounding
            )
            < 0
            or not past_due
        )

    # ------------------------------------------------------------
    # Payments
    # ------------------------------------------------------------

    def _utility_apply_credit(self, credit_lines):
        # Called by the payment workflows (counter, ACH, returned check, plan
        # and collection tests...) after their own checks: applying a credit
        # reconciles receivables, which a CSR may not do by hand.
        res = super(UtilityAccount, self.sudo())._utility_apply_credit(
            credit_lines.sudo()
        )
        self.sudo()._dlq_after_payment()
        return res

    @api.model
    def _dlq_in_progress(self, account_ids):
        """The accounts among ``account_ids`` that a payment may change: on an
        open shut-off list, with a shut-off pending or a shut-off date,
        disconnected, or with delinquency letters not sent yet (one query)."""
        self.env["utility.account"].flush_model(
            ["shutoff_pending", "disconnected", "dlq_shutoff_date"]
        )
        self.env["utility.shutoff.list.line"].flush_model(["state", "account_id"])
        self.env["utility.shutoff.list"].flush_model(["state"])
        self.env["utility.notice"].flush_model(["state", "kind", "account_id"])
        self.env.cr.execute(
            SQL(
                """SELECT id FROM utility_account
                    WHERE id = ANY(%(ids)s)
                      AND (shutoff_pending OR disconnected
                           OR dlq_shutoff_date IS NOT NULL)
                   UNION
                   SELECT line.account_id
                     FROM utility_shutoff_list_line line
                     JOIN utility_shutoff_list list ON list.id = line.list_id
                    WHERE line.account_id = ANY(%(ids)s)
                      AND line.state IN ('eligible', 'blocked', 'ordered')
                      AND list.state IN ('draft', 'confirmed')
                   UNION
                   SELECT account_id FROM utility_notice
                    WHERE account_id = ANY(%(ids)s) AND state = 'draft'
                      AND kind IN %(kinds)s""",
                ids=account_ids,
                kinds=DELINQUENCY_KINDS,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _dlq_after_payment(self, recover=True):
        """A payment that brings the account under the minimum past due takes it
        off the shut-off lists (its disconnect order is cancelled if the truck
        has not rolled), supersedes its delinquency letters not sent yet, ends
        its shut-off date and reconnects a disconnected account; a payment on a
        written-off account is recovered (``recover``)."""
        for account in self:
            if account.collection_state == "written_off":
                if recover:
                    account._dlq_recover_payment()
                continue
            today = account.company_id._utility_today()
            if not account._dlq_under_minimum(today):
                continue
            account._dlq_remove_from_shutoff(
                self.env._("Paid: under the minimum past due.")
            )
            account._dlq_supersede_letters()
            account._dlq_clear_shutoff_date()
            if account.disconnected:
                account._dlq_request_reconnection(reason=self.env._("Past due paid."))

    def _dlq_move_shutoff_date(self, required):
        """The shut-off date a notice sent now prints: the account's date, moved
        to ``required`` when that is later (never earlier). Written by the
        delinquency workflow only (door "utility.account")."""
        self.ensure_one()
        current = self.dlq_shutoff_date
        if not required or (current and current >= required):
            return current
        with workflow("utility.account"):
            self.dlq_shutoff_date = required
        return required

    def _dlq_clear_shutoff_date(self):
        """The delinquency ended (paid): the account has no shut-off date."""
        accounts = self.filtered("dlq_shutoff_date")
        if accounts:
            with workflow("utility.account"):
                accounts.write({"dlq_shutoff_date": False})

    def _dlq_remove_from_shutoff(self, reason):
        self.ensure_one()
        lines = self.env["utility.shutoff.list.line"].search(
            [
                ("account_id", "=", self.id),
                ("state", "in", ("eligible", "blocked", "ordered")),
                ("list_id.state", "in", ("draft", "confirmed")),
            ]
        )
        lines.filtered(
            lambda ln: (
                ln.state != "ordered" or ln.order_id.state in ("new", "scheduled")
            )
        )._remove(reason)
        if self.shutoff_pending:
            with workflow("utility.account"):
                self.shutoff_pending = False

    def _dlq_check_no_hand_disconnect(self):
        """Disconnect orders for non-payment come from a confirmed shut-off
        list only: none is made or completed by hand on an account that owes a
        past due amount (at or over the policy's minimum)."""
        for account in self.sudo():
            if not account._dlq_under_minimum(account.company_id._utility_today()):
                raise UserError(
                    self.env._(
                        "Account %(account)s owes a past due amount: a disconnect "
                        "for non-payment comes only from a confirmed shut-off list "
                        "(Collections > Shut-off Lists).",
                        account=account.name,
                    )
                )

    def _dlq_supersede_letters(self):
        """Delinquency letters of the account not sent yet (the run mails them at
        its end) are dropped: what they ask for is paid."""
        self.ensure_one()
        letters = self.env["utility.notice"].search(
            [
                ("account_id", "=", self.id),
                ("state", "=", "draft"),
                ("kind", "in", DELINQUENCY_KINDS),
            ]
        )
        if letters:
            self.message_post(
                body=self.env._(
                    "Paid: %(count)s delinquency notices not sent yet are superseded.",
                    count=len(letters),
                )
            )
            letters.sudo().unlink()

    def _dlq_request_reconnection(self, after_hours=False, reason=None):
        """Reconnect order and reconnection fee, once while disconnected."""
        self.ensure_one()
        Order = self.env["utility.service.order"]
        existing = Order.search(
            [
                ("account_id", "=", self.id),
                ("order_type", "=", "reconnect"),
                ("state", "in", ("new", "scheduled")),
            ],
            limit=1,
        )
        if existing:
            return existing
        today = fields.Date.context_today(self)
        order = Order.with_context(clean_context(self.env.context)).create(
            {
                "order_type": "reconnect",
                "account_id": self.id,
                "priority": "1",
                "scheduled_date": today,
                "description": reason or self.env._("Reconnect service."),
                "company_id": self.company_id.id,
            }
        )
        fee = self._dlq_charge_reconnection_fee(after_hours, order)
        if fee:
            with workflow("utility.service.order"):
                order.reconnect_fee_move_id = fee
        return order

    def _dlq_charge_reconnection_fee(self, after_hours, order):
        """Posted invoice of the reconnection fee (capped for low-income
        households under SB 998); none when the fee is zero.

        Called by the workflows that reconnect (reconnect wizard, payment plan,
        payment), which checked the user's role: the invoice is made with the
        accounting rights the CSR does not hold (``sudo``, the user stays the
        author)."""
        self.ensure_one()
        company = self.company_id
        amount = company._utility_reconnect_fee(after_hours, self.low_income)
        if self.currency_id.is_zero(amount):
            return self.env["account.move"]
        product = company._utility_reconnect_product()
        today = fields.Date.context_today(self)
        label = (
            self.env._("Reconnection fee (after hours)")
            if after_hours
            else self.env._("Reconnection fee (business hours)")
        )
        if self.low_income:
            label = self.env._("%(label)s, low-income rate", label=label)
        move = (
            self.env["account.move"]
            .sudo()
            .with_context(clean_context(self.env.context), tracking_disable=True)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_id.id,
                    "journal_id": company._utility_penalty_journal().id,
                    "invoice_date": today,
                    "date": today,
                    "invoice_date_due": today,
                    "invoice_payment_term_id": False,
                    "fiscal_position_id": False,
                    "utility_account_id": self.id,
                    "utility_reconnect_fee_capped": bool(self.low_income),
                    "company_id": company.id,
                    "payment_reference": self.name,
                    "ref": order.name,
                    "invoice_origin": order.name,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": product.id,
                                "name": label,
                                "quantity": 1,
                                "price_unit": amount,
                                "account_id": product._utility_income_account(
                                    company
                                ).id,
                                "tax_ids": [(5, 0, 0)],
                            },
                        )
                    ],
                }
            )
        )
        move._post(soft=False)
        return move

    def _dlq_recover_payment(self):
        """Credits left open on a written-off account (payments received after the
        write-off) are recovered: reconciled with a debit of the receivable
        against the bad-debt recovery income account."""
        self.ensure_one()
        referral = self.env["utility.collection.referral"].search(
            [("account_id", "=", self.id), ("state", "=", "written_off")], limit=1
        )
        if referral:
            referral._recover_open_credits()

    # ------------------------------------------------------------
    # Counter
    # ------------------------------------------------------------

    def _pos_counter_flags(self):
        flags = (
            super()._pos_counter_flags()
            if hasattr(super(), "_pos_counter_flags")
            else []
        )
        self.ensure_one()
        if self.payment_plan_id:
            flags.append(self.env._("Payment plan"))
        if self.shutoff_pending:
            flags.append(self.env._("Shut-off pending"))
        if self.disconnected:
            flags.append(self.env._("Disconnected"))
        return flags

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_view_dlq_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing_payments.utility_delinquency_event_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        return action

    def action_new_payment_plan(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Payment Plan"),
            "res_model": "utility.payment.plan",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_account_id": self.id,
                "default_company_id": self.company_id.id,
            },
        }

    def action_reconnect(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reconnect Service"),
            "res_model": "utility.delinquency.reconnect",
            "view_mode": "form",
            "target": "new",
            "context": {"default_account_id": self.id},
        }

    def _dlq_waiver_available(self, date):
        """A low-income household gets one late penalty waived every 12 months."""
        self.ensure_one()
        if not self.low_income:
            return False
        last = self.interest_waiver_date
        return not last or last <= date - relativedelta(months=12)
