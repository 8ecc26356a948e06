# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Service accounts: the account itself (fields, counts, create/write
controls, actions, consumption history). Its other concerns live in sibling
files: SB 998 protections (utility_account_sb998.py), balance and credits
(utility_account_balance.py), deposits and final settlement
(utility_account_deposit.py); the timeline is its own model
(utility_account_timeline.py)."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.workflow import check_protected, is_trusted, workflow

ACCOUNT_LANGS = [("en_US", "English"), ("es_MX", "Spanish")]
# The account's door (tools/workflow.py): its state, the deposit it holds and its
# end date change only through start and stop of service and the account's
# own methods (activate, close, final bill, settlement).
ACCOUNT_DOOR = "utility.account"
ACCOUNT_WORKFLOW_FIELDS = ("state", "deposit_held", "deposit_unpaid", "end_date")
# Entered while the account is a draft; set by the workflow afterwards.
ACCOUNT_STARTED_FIELDS = ("premise_id", "start_date")


class UtilityAccount(models.Model):
    """A customer's service account at a premise."""

    _name = "utility.account"
    _description = "Utility Service Account"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name desc"
    _check_company_auto = True
    # A CSR types what the caller says: the account number, the name, the
    # street or the meter's serial.
    _rec_names_search = [
        "name",
        "partner_id.name",
        "premise_id.name",
        "service_ids.meter_id.serial",
    ]

    name = fields.Char(
        string="Account Number",
        required=True,
        copy=False,
        readonly=True,
        index=True,
        default="/",
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    premise_id = fields.Many2one(
        "utility.premise", required=True, index=True, tracking=True, check_company=True
    )
    service_address = fields.Char(related="premise_id.name")
    customer_class = fields.Selection(related="premise_id.customer_class", store=True)
    route_id = fields.Many2one(related="premise_id.route_id", store=True)
    billing_cycle_id = fields.Many2one(
        "utility.billing.cycle",
        compute="_compute_billing_cycle_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        check_company=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "Active"),
            ("final", "Final"),
            ("closed", "Closed"),
        ],
        required=True,
        default="draft",
        tracking=True,
        index=True,
        readonly=True,
        copy=False,
    )
    start_date = fields.Date(tracking=True, copy=False)
    end_date = fields.Date(tracking=True, copy=False, readonly=True)
    service_ids = fields.One2many(
        "utility.account.service", "account_id", string="Services"
    )
    meter_ids = fields.Many2many(
        "utility.meter", compute="_compute_meter_ids", string="Meters"
    )
    read_ids = fields.One2many(
        "utility.meter.read", "account_id", string="Read History"
    )
    read_count = fields.Integer(compute="_compute_read_count")
    timeline_ids = fields.One2many(
        "utility.account.timeline", "account_id", string="History", readonly=True
    )
    service_order_ids = fields.One2many(
        "utility.service.order", "account_id", string="Service Orders"
    )
    service_order_count = fields.Integer(compute="_compute_service_order_count")
    notice_ids = fields.One2many("utility.notice", "account_id", string="Notices")
    notice_count = fields.Integer(compute="_compute_notice_count")
    adjustment_ids = fields.One2many(
        "utility.adjustment", "account_id", string="Adjustments"
    )
    adjustment_count = fields.Integer(compute="_compute_adjustment_count")
    currency_id = fields.Many2one(related="company_id.currency_id")
    deposit_required = fields.Monetary(
        compute="_compute_deposit_required",
        store=True,
        readonly=False,
        tracking=True,
        help="Deposit due at start of service, from the deposit rule of the "
        "premise's customer class.",
    )
    deposit_move_ids = fields.One2many(
        "account.move",
        "utility_account_id",
        string="Deposit Entries",
        domain=[("utility_deposit_kind", "!=", False)],
        readonly=True,
    )
    deposit_held = fields.Monetary(
        compute="_compute_deposit",
        store=True,
        copy=False,
        tracking=True,
        help="Customer deposit paid and not yet applied: the deposits billed on "
        "the customer deposits account, less what is still unpaid on them and "
        "what was applied to the final bill. Never keyed.",
    )
    deposit_unpaid = fields.Monetary(
        string="Deposit Billed, Unpaid",
        compute="_compute_deposit",
        store=True,
        copy=False,
        help="What is still owed on the deposits billed to this account.",
    )
    deposit_refund_ids = fields.One2many(
        "utility.deposit.refund", "account_id", string="Credit Refunds"
    )
    uut_exempt = fields.Boolean(
        string="Utility Users Tax Exempt",
        tracking=True,
        help="Approved exemption application: bills carry no utility users tax.",
    )
    invoice_ids = fields.One2many(
        "account.move",
        "utility_account_id",
        string="Bills",
        domain=[("move_type", "in", ("out_invoice", "out_refund"))],
    )
    invoice_count = fields.Integer(compute="_compute_balance")
    balance = fields.Monetary(
        compute="_compute_balance",
        help="What the customer owes on this account: posted bills and credit "
        "notes less payments (negative: a credit in the customer's favour).",
    )
    past_due_amount = fields.Monetary(
        string="Past Due",
        compute="_compute_balance",
        help="What is owed on bills whose due date has passed.",
    )
    paperless = fields.Boolean(tracking=True, help="Bills are sent by e-mail only.")
    lang = fields.Selection(
        ACCOUNT_LANGS, string="Language", required=True, default="en_US", tracking=True
    )
    forwarding_address = fields.Text(tracking=True)
    # SB 998 protections (Health & Safety Code 116900 et seq.), computed from
    # the account's SB 998 cases (utility.sb998.case) as of today.
    sb998_case_ids = fields.One2many(
        "utility.sb998.case", "account_id", string="SB 998 Cases"
    )
    sb998_case_count = fields.Integer(
        string="SB 998 Case Count", compute="_compute_sb998_case_count"
    )
    contact_log_ids = fields.One2many("utility.contact.log", "account_id")
    low_income = fields.Boolean(
        string="Low Income (SB 998)",
        compute="_compute_sb998_flags",
        store=True,
        tracking=True,
        help="An accepted, unexpired SB 998 case of financial inability: household "
        "income below 200% of the federal poverty line, or a member on CalWORKs, "
        "CalFresh, GA, Medi-Cal, SSI/SSP or WIC.",
    )
    medical_certification = fields.Boolean(
        string="Medical Certification on File",
        compute="_compute_sb998_flags",
        store=True,
        tracking=True,
        help="An accepted, unexpired SB 998 case of medical certification.",
    )
    medical_certification_date = fields.Date(
        compute="_compute_sb998_flags",
        store=True,
        tracking=True,
        help="Date the medical certification in force was received.",
    )
    appeal_pending = fields.Boolean(
        string="Appeal / Bill Review Pending",
        compute="_compute_sb998_flags",
        store=True,
        tracking=True,
        help="An SB 998 appeal or bill review case received and not decided yet: no "
        "shutoff while it is pending.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "An account with this number already exists.",
        ),
    ]

    def _utility_label_lang(self):
        """Language of the lines billed to the account: its own when installed
        (its bills print in it), else the user's."""
        self.ensure_one()
        if self.lang and self.env["res.lang"]._lang_get(self.lang):
            return self.lang
        return self.env.lang or "en_US"

    @api.depends("premise_id.route_id.cycle_id")
    def _compute_billing_cycle_id(self):
        for account in self:
            if account.premise_id.route_id.cycle_id:
                account.billing_cycle_id = account.premise_id.route_id.cycle_id
            elif not account.billing_cycle_id:
                account.billing_cycle_id = False

    @api.depends("service_ids.meter_id")
    def _compute_meter_ids(self):
        for account in self:
            account.meter_ids = account.service_ids.meter_id

    def _compute_read_count(self):
        groups = self.env["utility.meter.read"]._read_group(
            [("account_id", "in", self.ids)], ["account_id"], ["__count"]
        )
        counts = {account.id: count for account, count in groups}
        for account in self:
            account.read_count = counts.get(account.id, 0)

    def _compute_adjustment_count(self):
        groups = self.env["utility.adjustment"]._read_group(
            [("account_id", "in", self.ids)], ["account_id"], ["__count"]
        )
        counts = {account.id: count for account, count in groups}
        for account in self:
            account.adjustment_count = counts.get(account.id, 0)

    def _compute_service_order_count(self):
        groups = self.env["utility.service.order"]._read_group(
            [("account_id", "in", self.ids)], ["account_id"], ["__count"]
        )
        counts = {account.id: count for account, count in groups}
        for account in self:
            account.service_order_count = counts.get(account.id, 0)

    def _compute_notice_count(self):
        groups = self.env["utility.notice"]._read_group(
            [("account_id", "in", self.ids)], ["account_id"], ["__count"]
        )
        counts = {account.id: count for account, count in groups}
        for account in self:
            account.notice_count = counts.get(account.id, 0)

    @api.depends("premise_id.customer_class", "company_id")
    def _compute_deposit_required(self):
        rules = self.env["utility.deposit.rule"].search(
            [("company_id", "in", self.company_id.ids)]
        )
        amounts = {(r.company_id.id, r.customer_class): r.amount for r in rules}
        for account in self:
            account.deposit_required = amounts.get(
                (account.company_id.id, account.premise_id.customer_class), 0.0
            )

    @api.depends(
        "deposit_move_ids.state",
        "deposit_move_ids.amount_total_signed",
        "deposit_move_ids.amount_residual_signed",
    )
    def _compute_deposit(self):
        """Deposit held = the posted deposit entries (billed, less applied and
        cancelled) less what is still unpaid on the deposits billed: always
        what the account holds on the customer deposits account, paid."""
        for account in self:
            moves = account.deposit_move_ids.filtered(lambda m: m.state == "posted")
            unpaid = sum(
                moves.filtered(lambda m: m.utility_deposit_kind == "bill").mapped(
                    "amount_residual_signed"
                )
            )
            account.deposit_unpaid = unpaid
            account.deposit_held = sum(moves.mapped("amount_total_signed")) - unpaid

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._sb998_check_flags({k: v for k, v in vals.items() if v})
        if not is_trusted(self.env, ACCOUNT_DOOR):
            for vals in vals_list:
                # A new account is a draft holding no deposit.
                set_fields = {
                    fname: value
                    for fname, value in vals.items()
                    if value and not (fname == "state" and value == "draft")
                }
                check_protected(
                    self,
                    set_fields,
                    ACCOUNT_WORKFLOW_FIELDS,
                    ACCOUNT_DOOR,
                    message=self._protected_message(set_fields),
                )
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code("utility.account")
                    or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        self._sb998_check_flags(vals)
        if not is_trusted(self.env, ACCOUNT_DOOR):
            protected = ACCOUNT_WORKFLOW_FIELDS
            if self.filtered(lambda a: a.state != "draft"):
                protected += ACCOUNT_STARTED_FIELDS
            check_protected(
                self,
                vals,
                protected,
                ACCOUNT_DOOR,
                message=self._protected_message(vals, protected),
            )
        return super().write(vals)

    def _protected_message(self, vals, protected=ACCOUNT_WORKFLOW_FIELDS):
        return self.env._(
            "Utility account: %(fields)s change only through the account's own "
            "actions (start and stop service, activate, close, final bill), not "
            "by editing.",
            fields=", ".join(
                self._fields[fname]._description_string(self.env)
                for fname in sorted(set(vals) & set(protected))
            ),
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for account in self:
            if account.state != "draft":
                raise UserError(
                    self.env._(
                        "Account %(name)s is %(state)s: only draft accounts can be "
                        "deleted.",
                        name=account.name,
                        state=dict(self._fields["state"].selection)[account.state],
                    )
                )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_activate(self):
        for account in self:
            if account.state != "draft":
                raise UserError(
                    self.env._("Account %(name)s is not a draft.", name=account.name)
                )
            if not account.service_ids:
                raise UserError(
                    self.env._("Account %(name)s has no service.", name=account.name)
                )
            account.service_ids._check_meter_required()
            with workflow(ACCOUNT_DOOR):
                account.write(
                    {
                        "state": "active",
                        "start_date": account.start_date
                        or account.company_id._utility_today(),
                    }
                )
            account.service_ids.filtered(lambda s: not s.start_date).write(
                {"start_date": account.start_date}
            )
        self.service_ids._check_no_overlap()
        return True

    def action_close(self):
        if not (self.env.su or self.env.user.has_group("utility_billing.group_csr_2")):
            raise AccessError(
                self.env._(
                    "Only a Customer Service Representative II or a manager closes "
                    "an account."
                )
            )
        self.check_access("write")
        for account in self:
            if account.state != "final":
                raise UserError(
                    self.env._(
                        "Account %(name)s must be final (service stopped and final "
                        "bill issued) before it is closed.",
                        name=account.name,
                    )
                )
            with workflow(ACCOUNT_DOOR):
                account.state = "closed"
        return True

    def action_stop_service(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stop Service"),
            "res_model": "utility.stop.service",
            "view_mode": "form",
            "target": "new",
            "context": {"default_account_id": self.id},
        }

    def action_view_reads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_meter_read_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"search_default_groupby_meter": 0}
        return action

    def action_view_consumption(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_meter_read_action_consumption"
        )
        action["domain"] = [
            ("account_id", "=", self.id),
            ("state", "in", ("valid", "billed")),
        ]
        return action

    def action_request_adjustment(self):
        """A new adjustment request for this account, on its last bill."""
        self.ensure_one()
        last_bill = self.invoice_ids.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.state == "posted"
                and m.utility_period_start
            )
        ).sorted(lambda m: (m.invoice_date, m.id), reverse=True)[:1]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request Adjustment"),
            "res_model": "utility.adjustment",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_account_id": self.id,
                "default_bill_id": last_bill.id,
                "default_company_id": self.company_id.id,
            },
        }

    def action_view_adjustments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_adjustment_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {
            "default_account_id": self.id,
            "default_company_id": self.company_id.id,
        }
        return action

    def action_print_statement(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_account_statement_action"
        )
        action["context"] = {"default_account_id": self.id}
        return action

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        # Bills and credit notes only, as the smart button counts them: payment
        # entries of the account are in its history, not among its bills.
        action["domain"] = [
            ("utility_account_id", "=", self.id),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
        ]
        action["context"] = {"create": False, "default_move_type": "out_invoice"}
        return action

    def action_view_service_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_service_order_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {
            "default_account_id": self.id,
            "default_company_id": self.company_id.id,
        }
        return action

    def action_create_service_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Service Order"),
            "res_model": "utility.service.order",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_account_id": self.id,
                "default_company_id": self.company_id.id,
            },
        }

    def action_view_notices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_notice_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {
            "default_account_id": self.id,
            "default_company_id": self.company_id.id,
        }
        return action

    # ------------------------------------------------------------
    # Billing helpers
    # ------------------------------------------------------------

    def _consumption_history(self, until, months=13):
        """[(label, consumption)] per month, ``months`` months up to ``until``."""
        self.ensure_one()
        start = until.replace(day=1) - relativedelta(months=months - 1)
        groups = self.env["utility.meter.read"]._read_group(
            [
                ("account_id", "=", self.id),
                ("state", "in", ("valid", "billed")),
                ("read_date", ">=", start),
                ("read_date", "<=", until),
            ],
            ["read_date:month"],
            ["consumption:sum"],
        )
        totals = {month.strftime("%Y-%m"): total for month, total in groups}
        history = []
        for index in range(months):
            month = start + relativedelta(months=index)
            history.append(
                (month.strftime("%m/%y"), totals.get(month.strftime("%Y-%m"), 0.0))
            )
        return history
