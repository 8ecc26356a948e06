# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A payment plan of a delinquent account (``utility.payment.plan``) and its
installments (``utility.payment.plan.installment``, a pure one2many child).

About 700 lines on purpose: one workflow, the plan's life (computed,
confirmed, approved, kept or broken by the delinquency run) and its
installments, read together.
"""

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_round

from odoo.addons.utility_billing.tools.workflow import in_workflow, workflow

from ..tools.controls import check_protected_create, check_protected_write, check_role
from .utility_account_delinquency import PLAN_BROKEN_NOTICE_BUSINESS_DAYS

# Door "utility.payment.plan". Set by the plan's workflow only, ever:
# SB 998 116910(c): a shut-off only after 60 days of non-compliance with a plan.
PLAN_MIN_GRACE_DAYS = 60
PLAN_WORKFLOW_FIELDS = ("state", "approved_by_id", "broken_date", "amount_total")
# The terms, frozen once the plan is submitted (to approve, active...):
PLAN_TERMS_FIELDS = (
    "account_id",
    "company_id",
    "start_date",
    "months",
    "down_payment",
    "grace_days",
    "move_ids",
    "installment_ids",
)
INSTALLMENT_FIELDS = ("plan_id", "sequence", "name", "due_date", "amount")


class UtilityPaymentPlan(models.Model):
    """A payment arrangement: what the account owes on its open bills, paid as a
    down payment and monthly installments, each due on its own date.

    Payments on the account are applied to the oldest bills as usual; the plan
    counts what has been paid on the bills it covers. It is kept while every
    installment is paid within the grace days after its due date, and broken
    otherwise: the delinquency steps of its bills then resume, with the notice
    SB 998 requires.
    """

    _name = "utility.payment.plan"
    _description = "Utility Payment Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "start_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Number", required=True, readonly=True, default="/", copy=False
    )
    account_id = fields.Many2one(
        "utility.account",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('state', 'in', ('active', 'final'))]",
    )
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "To Approve"),
            ("active", "Active"),
            ("completed", "Completed"),
            ("broken", "Broken"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    start_date = fields.Date(
        required=True, default=fields.Date.context_today, tracking=True
    )
    months = fields.Integer(
        aggregator=None,
        string="Installments (Months)",
        required=True,
        default=6,
        tracking=True,
    )
    down_payment = fields.Monetary(currency_field="currency_id", tracking=True)
    grace_days = fields.Integer(
        aggregator=None,
        compute="_compute_grace_days",
        store=True,
        readonly=False,
        help="An installment unpaid this many days after its due date breaks the plan.",
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Bills Covered",
        compute="_compute_move_ids",
        store=True,
        readonly=False,
        check_company=True,
    )
    amount_total = fields.Monetary(
        string="Amount of the Plan",
        currency_field="currency_id",
        compute="_compute_amount_total",
        store=True,
        tracking=True,
        help="What was open on the bills covered when the plan was made.",
    )
    amount_paid = fields.Monetary(
        currency_field="currency_id", compute="_compute_amount_paid"
    )
    amount_remaining = fields.Monetary(
        currency_field="currency_id", compute="_compute_amount_paid"
    )
    installment_ids = fields.One2many(
        "utility.payment.plan.installment", "plan_id", string="Installments", copy=False
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, tracking=True)
    broken_date = fields.Date(readonly=True, tracking=True)
    note = fields.Text()
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("company_id")
    def _compute_grace_days(self):
        for plan in self:
            if not plan.grace_days:
                plan.grace_days = plan.company_id.utility_plan_grace_days

    @api.depends("account_id")
    def _compute_move_ids(self):
        for plan in self:
            if plan.state != "draft":
                continue
            lines = (
                plan.account_id._utility_open_receivable_lines()
                if plan.account_id
                else self.env["account.move.line"]
            )
            plan.move_ids = lines.move_id.filtered(
                lambda m: m.move_type == "out_invoice"
            )

    @api.depends("move_ids", "state")
    def _compute_amount_total(self):
        for plan in self:
            if plan.state not in ("draft", "to_approve") and plan.amount_total:
                continue
            plan.amount_total = sum(plan._covered_lines().mapped("amount_residual"))

    @api.depends("move_ids.line_ids.amount_residual", "amount_total", "state")
    def _compute_amount_paid(self):
        for plan in self:
            if plan.state == "draft":
                plan.amount_paid = 0.0
            else:
                residual = sum(plan._covered_lines().mapped("amount_residual"))
                plan.amount_paid = max(0.0, plan.amount_total - residual)
            plan.amount_remaining = plan.amount_total - plan.amount_paid

    @api.constrains("grace_days")
    def _check_grace_days(self):
        for plan in self:
            if plan.grace_days < PLAN_MIN_GRACE_DAYS:
                raise ValidationError(
                    self.env._(
                        "Payment plan %(plan)s: a grace period of %(days)s days is "
                        "less than the %(min)s days of non-compliance SB 998 "
                        "requires before a shut-off (116910(c)).",
                        plan=plan.name,
                        days=plan.grace_days,
                        min=PLAN_MIN_GRACE_DAYS,
                    )
                )

    @api.constrains("months", "down_payment", "company_id")
    def _check_terms(self):
        for plan in self:
            maximum = plan.company_id.utility_plan_max_months
            if plan.months < 1 or (maximum and plan.months > maximum):
                raise ValidationError(
                    self.env._(
                        "Payment plan %(plan)s: between 1 and %(max)s monthly "
                        "installments (%(months)s set).",
                        plan=plan.name,
                        max=maximum,
                        months=plan.months,
                    )
                )
            if plan.down_payment < 0:
                raise ValidationError(
                    self.env._(
                        "Payment plan %(plan)s: the down payment cannot be negative.",
                        plan=plan.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            PLAN_WORKFLOW_FIELDS,
            "utility.payment.plan",
            defaults={"state": "draft"},
            message=self.env._(
                "A payment plan is created as a draft; it becomes active when it "
                "is confirmed (and approved above the approval amount)."
            ),
        )
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("utility.payment.plan") or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(
            self,
            vals,
            PLAN_WORKFLOW_FIELDS,
            "utility.payment.plan",
            message=self.env._(
                "Payment plan: its state, approval and amount change only through "
                "its buttons (Confirm, Approve, Cancel)."
            ),
        )
        check_protected_write(
            self.filtered(lambda p: p.state != "draft"),
            vals,
            PLAN_TERMS_FIELDS,
            "utility.payment.plan",
            message=self.env._(
                "Payment plan: the terms of a plan submitted or active cannot be "
                "changed; cancel it and enter a new plan."
            ),
        )
        return super().write(vals)

    def copy_data(self, default=None):
        # A copy is a new draft: the approval and the computed amount of the
        # original are not copied (its terms and bills are).
        vals_list = super().copy_data(default=default)
        for vals in vals_list:
            for fname in ("approved_by_id", "broken_date", "amount_total"):
                vals.pop(fname, None)
        return vals_list

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for plan in self:
            if plan.state not in ("draft", "cancelled"):
                raise UserError(
                    self.env._(
                        "Payment plan %(plan)s is %(state)s: cancel it instead.",
                        plan=plan.name,
                        state=plan.state,
                    )
                )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_compute_installments(self):
        """Down payment on the start date, then equal monthly installments; the
        last one takes the rounding."""
        self.check_access("write")
        with workflow("utility.payment.plan"):
            return self._make_installments()

    def _make_installments(self):
        for plan in self:
            if plan.state not in ("draft", "to_approve"):
                raise UserError(
                    self.env._("Payment plan %(plan)s is not a draft.", plan=plan.name)
                )
            plan._check_amounts()
            currency = plan.currency_id
            rest = plan.amount_total - plan.down_payment
            each = float_round(rest / plan.months, precision_rounding=currency.rounding)
            commands = [Command.clear()]
            sequence = 0
            if not currency.is_zero(plan.down_payment):
                commands.append(
                    Command.create(
                        {
                            "sequence": sequence,
                            "name": self.env._("Down payment"),
                            "due_date": plan.start_date,
                            "amount": plan.down_payment,
                        }
                    )
                )
            for index in range(plan.months):
                amount = each if index < plan.months - 1 else rest - each * index
                commands.append(
                    Command.create(
                        {
                            "sequence": index + 1,
                            "name": self.env._(
                                "Installment %(number)s of %(count)s",
                                number=index + 1,
                                count=plan.months,
                            ),
                            "due_date": plan.start_date
                            + relativedelta(months=index + 1),
                            "amount": currency.round(amount),
                        }
                    )
                )
            plan.installment_ids = commands
        return True

    def action_confirm(self):
        """Plans above the company's approval amount wait for a CSR II."""
        check_role(
            self.env,
            "utility_billing.group_csr_1",
            self.env._("Only customer service enters payment plans."),
        )
        self.check_access("write")
        with workflow("utility.payment.plan"):
            return self._confirm()

    def _confirm(self):
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._("Payment plan %(plan)s is not a draft.", plan=plan.name)
                )
            other = self.search_count(
                [
                    ("account_id", "=", plan.account_id.id),
                    ("state", "in", ("active", "to_approve")),
                    ("id", "!=", plan.id),
                ]
            )
            if other:
                raise UserError(
                    self.env._(
                        "Account %(account)s already has a payment plan.",
                        account=plan.account_id.name,
                    )
                )
            # What is open on the bills now, not what was stored earlier.
            self.env.add_to_compute(plan._fields["amount_total"], plan)
            if not plan.installment_ids:
                plan._make_installments()
            plan._check_amounts()
            plan._check_installments()
            limit = plan.company_id.utility_plan_approval_amount
            needs_approval = (
                limit
                and float_compare(
                    plan.amount_total,
                    limit,
                    precision_rounding=plan.currency_id.rounding,
                )
                > 0
            )
            if needs_approval and not self.env.user.has_group(
                "utility_billing.group_csr_2"
            ):
                plan.state = "to_approve"
                plan.message_post(
                    body=self.env._(
                        "Plan of %(amount)s, above %(limit)s: waiting for the "
                        "approval of a Customer Service Representative II.",
                        amount=plan.currency_id.format(plan.amount_total),
                        limit=plan.currency_id.format(limit),
                    )
                )
            else:
                plan._activate()
        return True

    def action_approve(self):
        check_role(
            self.env,
            "utility_billing.group_csr_2",
            self.env._(
                "Only a Customer Service Representative II approves payment plans."
            ),
        )
        self.check_access("write")
        for plan in self:
            if plan.state != "to_approve":
                raise UserError(
                    self.env._(
                        "Payment plan %(plan)s is not waiting for approval.",
                        plan=plan.name,
                    )
                )
            with workflow("utility.payment.plan"):
                plan._activate()
        return True

    def action_cancel(self):
        self.check_access("write")
        for plan in self:
            if plan.state in ("completed", "broken"):
                raise UserError(
                    self.env._(
                        "Payment plan %(plan)s is %(state)s and stays on record.",
                        plan=plan.name,
                        state=plan.state,
                    )
                )
        if self.filtered(lambda p: p.state == "active"):
            # The delinquency steps of its bills resume: a CSR II decides.
            check_role(
                self.env,
                "utility_billing.group_csr_2",
                self.env._(
                    "Only a Customer Service Representative II cancels an active "
                    "payment plan."
                ),
            )
        with workflow("utility.payment.plan"):
            self.write({"state": "cancelled"})
        return True

    def _check_amounts(self):
        self.ensure_one()
        if self.currency_id.compare_amounts(self.amount_total, 0.0) <= 0:
            raise UserError(
                self.env._(
                    "Payment plan %(plan)s: account %(account)s owes nothing on the "
                    "bills covered.",
                    plan=self.name,
                    account=self.account_id.name,
                )
            )
        if self.currency_id.compare_amounts(self.down_payment, self.amount_total) > 0:
            raise UserError(
                self.env._(
                    "Payment plan %(plan)s: the down payment is more than the "
                    "amount of the plan.",
                    plan=self.name,
                )
            )

    def _check_installments(self):
        """The installments pay the amount of the plan, no more, no less."""
        self.ensure_one()
        total = sum(self.installment_ids.mapped("amount"))
        if self.currency_id.compare_amounts(total, self.amount_total):
            raise UserError(
                self.env._(
                    "Payment plan %(plan)s: the installments add up to %(total)s, "
                    "not the %(amount)s of the plan: compute them again.",
                    plan=self.name,
                    total=self.currency_id.format(total),
                    amount=self.currency_id.format(self.amount_total),
                )
            )

    def _activate(self):
        """Active: the shut-off stops (the account leaves the shut-off lists, and
        a disconnected account is reconnected). Inside the plan's door, after
        the role checks of Confirm or Approve."""
        self.ensure_one()
        if not in_workflow("utility.payment.plan") and not self.env.su:
            raise UserError(
                self.env._("A payment plan is activated by Confirm or Approve only.")
            )
        self.write({"state": "active", "approved_by_id": self.env.user.id})
        account = self.account_id
        account._dlq_remove_from_shutoff(
            self.env._("Payment plan %(plan)s entered.", plan=self.name)
        )
        # The shut-off the notices announced is called off; a default gives
        # the account a new date (the plan-default notice).
        account._dlq_clear_shutoff_date()
        if account.disconnected:
            account._dlq_request_reconnection(
                reason=self.env._("Payment plan %(plan)s entered.", plan=self.name)
            )
        account.message_post(
            body=self.env._(
                "Payment plan %(plan)s: %(amount)s in %(months)s installments.",
                plan=self._get_html_link(),
                amount=self.currency_id.format(self.amount_total),
                months=self.months,
            )
        )

    # ------------------------------------------------------------
    # Kept or broken
    # ------------------------------------------------------------

    def _covered_lines(self):
        self.ensure_one()
        return self.move_ids.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable" and ln.debit > 0
        )

    @api.model
    def _dlq_check_plans(self, company, date, run=None):
        """Complete the plans paid in full, break those with an installment
        unpaid past its grace days (plan-broken notice); return the broken."""
        plans = self.search([("company_id", "=", company.id), ("state", "=", "active")])
        broken = self.browse()
        for plan in plans:
            currency = plan.currency_id
            if currency.compare_amounts(plan.amount_paid, plan.amount_total) >= 0:
                with workflow("utility.payment.plan"):
                    plan.state = "completed"
                continue
            late = plan.installment_ids.filtered(
                lambda i, p=plan: (
                    i.due_date
                    and i.due_date + relativedelta(days=p.grace_days) < date
                    and p.currency_id.compare_amounts(
                        i.cumulative_amount, p.amount_paid
                    )
                    > 0
                )
            )
            if late:
                broken |= plan
        # Current charges (bills the plan does not cover) unpaid for 60 days
        # while on the plan are a default too (116910(c)); one query for all.
        current = self._dlq_current_charges_unpaid(plans - broken, date)
        for plan in broken:
            plan._break(date, run)
        for plan in current:
            plan._break(date, run, current_charges=True)
        return broken | current

    @api.model
    def _dlq_current_charges_unpaid(self, plans, date):
        """The plans among ``plans`` whose account has a bill not covered by
        the plan unpaid more than 60 days after its due date."""
        if not plans:
            return plans
        limit = date - relativedelta(days=PLAN_MIN_GRACE_DAYS)
        lines = self.env["account.move.line"].search_fetch(
            [
                ("utility_account_id", "in", plans.account_id.ids),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("date_maturity", "<", limit),
                ("move_id.move_type", "=", "out_invoice"),
                ("move_id.utility_penalty_bill_id", "=", False),
                ("move_id.utility_reconnect_fee_capped", "=", False),
            ],
            ["utility_account_id", "move_id"],
        )
        unpaid = defaultdict(set)
        for line in lines:
            unpaid[line.utility_account_id.id].add(line.move_id.id)
        return plans.filtered(lambda p: unpaid[p.account_id.id] - set(p.move_ids.ids))

    def _break(self, date, run=None, current_charges=False):
        self.ensure_one()
        with workflow("utility.payment.plan", "utility.notice", "utility.account"):
            return self._break_plan(date, run, current_charges=current_charges)

    def _break_plan(self, date, run, current_charges=False):
        self.write({"state": "broken", "broken_date": date})
        # The posted final notice of the default, then 5 business days
        # (116910(c)): the account's shut-off date moves there when later.
        shutoff_date = self.account_id._dlq_move_shutoff_date(
            self.company_id._utility_add_business_days(
                date, PLAN_BROKEN_NOTICE_BUSINESS_DAYS
            )
        )
        notice = self.env["utility.notice"].create(
            {
                "account_id": self.account_id.id,
                "kind": "plan_broken",
                "date": date,
                "amount_due": self.amount_remaining,
                "payment_plan_id": self.id,
                "delinquency_run_id": run.id if run else False,
                "shutoff_date": shutoff_date,
                "company_id": self.company_id.id,
            }
        )
        if not run:
            notice.action_send()
        if current_charges:
            body = self.env._(
                "Current charges not paid within %(days)s days of their due date "
                "while on the plan: plan broken on %(date)s; the delinquency "
                "steps resume.",
                days=PLAN_MIN_GRACE_DAYS,
                date=date,
            )
        else:
            body = self.env._(
                "Installments not paid within %(days)s days of their due date: "
                "plan broken on %(date)s; the delinquency steps resume.",
                days=self.grace_days,
                date=date,
            )
        self.message_post(body=body)
        return notice


class UtilityPaymentPlanInstallment(models.Model):
    _name = "utility.payment.plan.installment"
    _description = "Utility Payment Plan Installment"
    _order = "plan_id, sequence, due_date, id"

    plan_id = fields.Many2one(
        "utility.payment.plan", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    name = fields.Char(required=True)
    due_date = fields.Date(required=True)
    amount = fields.Monetary(currency_field="currency_id", required=True)
    cumulative_amount = fields.Monetary(
        currency_field="currency_id",
        compute="_compute_cumulative_amount",
        help="This installment and the ones before it.",
    )
    state = fields.Selection(
        [("paid", "Paid"), ("open", "Open"), ("late", "Late")],
        compute="_compute_state",
    )
    currency_id = fields.Many2one(related="plan_id.currency_id")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)

    def _check_plan_draft(self, plans):
        """Installments of a plan submitted or active change only through the
        plan's workflow."""
        if in_workflow("utility.payment.plan") or self.env.su:
            return
        frozen = plans.filtered(lambda p: p.state != "draft")
        if frozen:
            raise UserError(
                self.env._(
                    "Payment plan %(plan)s is %(state)s: its installments cannot be "
                    "changed; cancel it and enter a new plan.",
                    plan=frozen[0].name,
                    state=dict(
                        frozen._fields["state"]._description_selection(self.env)
                    )[frozen[0].state],
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_plan_draft(
            self.env["utility.payment.plan"].browse(
                [vals["plan_id"] for vals in vals_list if vals.get("plan_id")]
            )
        )
        return super().create(vals_list)

    def write(self, vals):
        if set(vals) & set(INSTALLMENT_FIELDS):
            plans = self.plan_id
            if vals.get("plan_id"):
                plans |= self.env["utility.payment.plan"].browse(vals["plan_id"])
            self._check_plan_draft(plans)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_plan(self):
        self._check_plan_draft(self.plan_id)

    @api.depends("plan_id.installment_ids.amount", "sequence", "due_date")
    def _compute_cumulative_amount(self):
        for installment in self:
            ordered = installment.plan_id.installment_ids.sorted(
                lambda i: (i.sequence, i.due_date or fields.Date.today(), i.id)
            )
            total = 0.0
            for other in ordered:
                total += other.amount
                if other == installment:
                    break
            installment.cumulative_amount = total

    def _compute_state(self):
        today = fields.Date.context_today(self)
        for installment in self:
            plan = installment.plan_id
            paid = plan.amount_paid if plan.state != "draft" else 0.0
            if (
                plan.currency_id.compare_amounts(installment.cumulative_amount, paid)
                <= 0
            ):
                installment.state = "paid"
            elif installment.due_date and installment.due_date < today:
                installment.state = "late"
            else:
                installment.state = "open"
