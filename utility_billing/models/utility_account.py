# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_is_zero, format_date, formatLang

from ..tools import numbering
from ..tools.workflow import check_protected, is_trusted, workflow
from .account_move import BOOKS_DOOR
from .utility_sb998_case import CASE_DOOR, SB998_FLAG_FIELDS

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

    @api.depends(
        "sb998_case_ids.state",
        "sb998_case_ids.kind",
        "sb998_case_ids.received_date",
        "sb998_case_ids.effective_date",
        "sb998_case_ids.expiry_date",
    )
    def _compute_sb998_flags(self):
        for account in self:
            cases = account._sb998_cases_in_force()
            medical = cases.filtered(lambda c: c.kind == "medical")
            account.low_income = any(c.kind == "inability" for c in cases)
            account.medical_certification = bool(medical)
            account.medical_certification_date = max(
                medical.mapped("received_date"), default=False
            )
            account.appeal_pending = any(c.kind == "appeal" for c in cases)

    def _sb998_cases_in_force(self, day=None):
        """The account's SB 998 cases that protect it on ``day`` (today in the
        company's zone by default)."""
        self.ensure_one()
        day = day or self.company_id._utility_today()
        return self.sb998_case_ids.filtered(lambda c: c._in_force_on(day))

    def _sb998_flag_fields(self):
        """The account fields computed from the SB 998 cases."""
        return list(SB998_FLAG_FIELDS)

    def _sb998_recompute_flags(self):
        """Recompute the flags as of today (cases starting or expiring)."""
        if not self:
            return
        for fname in self._sb998_flag_fields():
            self.env.add_to_compute(self._fields[fname], self)
        self.flush_recordset(self._sb998_flag_fields())

    def _compute_sb998_case_count(self):
        counts = dict(
            self.env["utility.sb998.case"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.sb998_case_count = counts.get(account, 0)

    def action_view_sb998_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_sb998_case_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

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

    def _compute_balance(self):
        # The balance is what is open on the account's receivable lines: bills
        # and credit notes, and payment entries (counter, ACH) whose credit is
        # not yet applied to a bill, i.e. an overpayment left as a credit.
        groups = self.env["account.move.line"]._read_group(
            [
                ("utility_account_id", "in", self.ids),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
            ],
            ["utility_account_id"],
            ["amount_residual:sum"],
        )
        amounts = {account.id: amount for account, amount in groups}
        today = fields.Date.context_today(self)
        past_due = self.env["account.move.line"]._read_group(
            [
                ("utility_account_id", "in", self.ids),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("date_maturity", "<", today),
            ],
            ["utility_account_id"],
            ["amount_residual:sum"],
        )
        past_due_amounts = {account.id: amount for account, amount in past_due}
        counts = self.env["account.move"]._read_group(
            [
                ("utility_account_id", "in", self.ids),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ],
            ["utility_account_id"],
            ["__count"],
        )
        count_by_account = {account.id: count for account, count in counts}
        for account in self:
            account.balance = amounts.get(account.id, 0.0)
            # Never more than what is owed: a credit elsewhere lowers it.
            account.past_due_amount = max(
                0.0, min(past_due_amounts.get(account.id, 0.0), account.balance)
            )
            account.invoice_count = count_by_account.get(account.id, 0)

    def _utility_open_receivable_lines(self):
        """This account's open receivable debits (what is owed, bill by bill),
        oldest due first."""
        self.ensure_one()
        return self.env["account.move.line"].search(
            [
                ("utility_account_id", "=", self.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
            ],
            order="date_maturity, date, id",
        )

    def _utility_apply_credit(self, credit_lines):
        """Apply posted receivable credit lines of this account (a payment, a
        reversal) to its open bills, oldest due date first; what is left of the
        credit stays open on the account as a credit.

        Each bill is reconciled in turn so the order is ours, not the order
        ``reconcile()`` would pick for a set of lines. Reconciled as superuser:
        the callers (payment workflows a CSR runs) checked the role and chose
        the lines; CSRs read accounting only.
        """
        self.ensure_one()
        credit_lines = credit_lines.filtered(
            lambda ln: (
                ln.account_id.account_type == "asset_receivable"
                and not ln.reconciled
                and ln.amount_residual < 0
            )
        )
        if not credit_lines:
            return
        for debit in self._utility_open_receivable_lines():
            credit_lines = credit_lines.filtered(lambda ln: not ln.reconciled)
            if not credit_lines:
                break
            if debit.account_id != credit_lines[0].account_id:
                continue
            (credit_lines | debit).sudo().reconcile()

    def _utility_apply_open_credits(self):
        """Apply each account's unapplied credits (overpayments, credit notes,
        payment entries left open) to its open bills, oldest due first, and
        write what was applied in the account's history."""
        Line = self.env["account.move.line"]
        for account in self:
            credits = Line.search(
                [
                    ("utility_account_id", "=", account.id),
                    ("parent_state", "=", "posted"),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("reconciled", "=", False),
                    ("amount_residual", "<", 0),
                ],
                order="date, id",
            )
            if not credits:
                continue
            debits = account._utility_open_receivable_lines()
            if not debits:
                continue
            before = {line.id: line.amount_residual for line in debits}
            account._utility_apply_credit(credits)
            debits.invalidate_recordset(["amount_residual", "reconciled"])
            currency = account.currency_id
            applied = [
                (line, before[line.id] - line.amount_residual)
                for line in debits
                if not currency.is_zero(before[line.id] - line.amount_residual)
            ]
            if not applied:
                continue
            items = Markup("").join(
                Markup("<li>%s</li>")
                % self.env._(
                    "%(amount)s applied to %(bill)s (due %(due)s)",
                    amount=formatLang(self.env, amount, currency_obj=currency),
                    bill=line.move_id.display_name,
                    due=format_date(self.env, line.date_maturity or line.date),
                )
                for line, amount in applied
            )
            account.sudo().message_post(
                body=Markup("%s<ul>%s</ul>")
                % (self.env._("Credit applied to open bills, oldest due first:"), items)
            )

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

    def _sb998_check_flags(self, vals):
        """The SB 998 flags follow the cases: a CSR records a case, it is not
        a checkbox."""
        check_protected(
            self,
            vals,
            self._sb998_flag_fields(),
            CASE_DOOR,
            message=self.env._(
                "The SB 998 protections of an account follow its SB 998 cases: "
                "record an appeal, a medical certification, a proof of inability "
                "to pay or a willingness on the account's SB 998 tab."
            ),
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

    # ------------------------------------------------------------
    # Customer deposits
    # ------------------------------------------------------------

    def _utility_bill_deposit(self, amount=None, day=None):
        """Bill the customer deposit of this account: an invoice of its own,
        on the customer deposits (liability) account, due like a bill. Paid
        through any door (counter, ACH, Record Payment, Register Payment), it
        becomes the deposit held.

        Called by Start Service (and the demo) once the role is checked: the
        invoice is created and posted as superuser (CSRs read accounting only).

        :param amount: the deposit (the deposit required by default)
        :param day: the invoice date (the start of service by default)
        :return: the posted deposit invoice, or an empty recordset
        """
        self.ensure_one()
        currency = self.currency_id
        amount = currency.round(self.deposit_required if amount is None else amount)
        if currency.compare_amounts(amount, 0.0) <= 0:
            return self.env["account.move"]
        company = self.company_id
        day = fields.Date.to_date(day) or self.start_date or company._utility_today()
        journal = company._get_utility_journal()
        if not journal:
            raise UserError(
                self.env._(
                    "Account %(account)s: the company has no sales journal to bill "
                    "the deposit in.",
                    account=self.name,
                )
            )
        vals = {
            "move_type": "out_invoice",
            "partner_id": self.partner_id.id,
            "journal_id": journal.id,
            "invoice_date": day,
            "date": day,
            "invoice_date_due": day
            + relativedelta(days=self.billing_cycle_id.due_days or 0),
            "currency_id": currency.id,
            "company_id": company.id,
            "invoice_payment_term_id": False,
            "fiscal_position_id": False,
            "utility_account_id": self.id,
            "utility_deposit_kind": "bill",
            "payment_reference": self.name,
            "ref": self.env._(
                "Customer deposit, account %(account)s", account=self.name
            ),
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": company._get_utility_deposit_product().id,
                        # In the account's language, as the bills' lines.
                        "name": self.with_context(
                            lang=self._utility_label_lang()
                        ).env._("Customer deposit"),
                        "quantity": 1,
                        "price_unit": amount,
                        "account_id": company._get_utility_deposit_account().id,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
        # Numbered from the bills' sequence, as a debit note is, so that it
        # never takes a number a later bill will get.
        sequence = journal.utility_bill_sequence_id
        if sequence:
            vals["name"] = numbering.next_name(sequence.sudo(), journal, day)
        with workflow(BOOKS_DOOR):
            move = (
                self.env["account.move"]
                .sudo()
                .with_context(default_move_type="out_invoice")
                .create(vals)
            )
            move._post(soft=False)
        self.sudo().message_post(
            body=self.env._(
                "Deposit of %(amount)s billed: %(invoice)s.",
                amount=currency.format(amount),
                invoice=move.name,
            )
        )
        return move

    def _utility_deposit_liability_account(self):
        """The account the deposits of this account were billed to (the
        company's customer deposits account when none was)."""
        self.ensure_one()
        billed = self.deposit_move_ids.filtered(
            lambda m: m.utility_deposit_kind == "bill" and m.state == "posted"
        )
        lines = billed.line_ids.filtered(lambda ln: ln.display_type == "product")
        return lines.account_id[-1:] or self.company_id._get_utility_deposit_account()

    def _utility_deposit_note(self, kind, amount, day, journal, label, reverses=None):
        """A posted credit note of ``amount`` on the deposits account, of
        deposit ``kind`` (``apply`` or ``release``)."""
        self.ensure_one()
        vals = {
            "move_type": "out_refund",
            "partner_id": self.partner_id.id,
            "journal_id": journal.id,
            "invoice_date": day,
            "date": day,
            "currency_id": self.currency_id.id,
            "company_id": self.company_id.id,
            "invoice_payment_term_id": False,
            "fiscal_position_id": False,
            "utility_account_id": self.id,
            "utility_deposit_kind": kind,
            "ref": label,
            "payment_reference": self.name,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": self.company_id._get_utility_deposit_product().id,
                        "name": label,
                        "quantity": 1,
                        "price_unit": amount,
                        "account_id": self._utility_deposit_liability_account().id,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
        if reverses:
            vals["reversed_entry_id"] = reverses.id
        with workflow(BOOKS_DOOR):
            note = (
                self.env["account.move"]
                .sudo()
                .with_context(default_move_type="out_refund")
                .create(vals)
            )
            note._post(soft=False)
        return note

    @staticmethod
    def _utility_reconcile_receivables(moves):
        lines = moves.line_ids.filtered(
            lambda ln: (
                ln.account_id.account_type == "asset_receivable" and not ln.reconciled
            )
        )
        if lines.filtered(lambda ln: ln.balance > 0) and lines.filtered(
            lambda ln: ln.balance < 0
        ):
            lines.sudo().reconcile()

    def _utility_release_unpaid_deposit(self, final_bill):
        """Cancel what is unpaid on the deposits billed to this account (the
        customer leaves: no deposit is owed any more) with a credit note on
        the deposits account, reconciled with the deposit invoice."""
        self.ensure_one()
        notes = self.env["account.move"]
        billed = self.deposit_move_ids.filtered(
            lambda m: (
                m.utility_deposit_kind == "bill"
                and m.state == "posted"
                and not self.currency_id.is_zero(m.amount_residual)
            )
        )
        for invoice in billed:
            note = self._utility_deposit_note(
                "release",
                invoice.amount_residual,
                final_bill.invoice_date,
                final_bill.journal_id,
                self.env._(
                    "Unpaid deposit %(invoice)s cancelled at final bill %(bill)s",
                    invoice=invoice.name,
                    bill=final_bill.name,
                ),
                reverses=invoice,
            )
            self._utility_reconcile_receivables(note | invoice)
            notes |= note
        return notes

    def _apply_deposit_to_final_bill(self, final_bill):
        """Credit the deposit held against the final bill (a credit note on the
        deposits account); what it leaves is applied to the account's other
        open bills, and what is then left is a credit to refund or transfer (a
        credit refund request is drafted). Unpaid deposits are cancelled.
        Closes the account when nothing is owed."""
        self.ensure_one()
        self._utility_release_unpaid_deposit(final_bill)
        self.env.flush_all()
        self.invalidate_recordset(["deposit_held", "deposit_unpaid"])
        held = self.deposit_held
        if self.currency_id.compare_amounts(held, 0.0) <= 0:
            self._close_if_settled()
            return self.env["account.move"]
        credit = self._utility_deposit_note(
            "apply",
            held,
            final_bill.invoice_date,
            final_bill.journal_id,
            self.env._("Deposit applied to final bill %(bill)s", bill=final_bill.name),
        )
        self._utility_reconcile_receivables(credit | final_bill)
        self.sudo()._utility_apply_open_credits()
        self.message_post(
            body=self.env._(
                "Deposit of %(amount)s applied to final bill %(bill)s.",
                amount=credit.currency_id.format(credit.amount_total),
                bill=final_bill.name,
            )
        )
        self._close_if_settled()
        self._utility_draft_credit_refund()
        return credit

    def _utility_draft_credit_refund(self):
        """A final account left with a credit (its deposit was more than it
        owed): draft the request to refund it, or to transfer it to the
        customer's other account, for a CSR II to submit."""
        Refund = self.env["utility.deposit.refund"].sudo()
        for account in self.filtered(lambda a: a.state == "final"):
            account.invalidate_recordset(["balance"])
            if account.currency_id.compare_amounts(account.balance, 0.0) >= 0:
                continue
            if Refund.search_count(
                [
                    ("account_id", "=", account.id),
                    ("state", "in", ("draft", "to_approve")),
                ]
            ):
                continue
            request = Refund._utility_draft_for(account)
            account.message_post(
                body=self.env._(
                    "Credit of %(amount)s left after the final bill: refund request "
                    "%(request)s drafted.",
                    amount=account.currency_id.format(-account.balance),
                    request=request.name,
                )
            )

    def action_request_credit_refund(self):
        """Open the refund (or transfer) request of this account's credit."""
        self.ensure_one()
        request = self.deposit_refund_ids.filtered(
            lambda r: r.state in ("draft", "to_approve")
        )[:1]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refund Credit"),
            "res_model": "utility.deposit.refund",
            "view_mode": "form",
            "res_id": request.id,
            "target": "current",
            "context": {
                "default_account_id": self.id,
                "default_company_id": self.company_id.id,
                "default_amount": max(-self.balance, 0.0),
            },
        }

    def _close_if_settled(self):
        """Final accounts with nothing owed and no credit left are closed."""
        self.invalidate_recordset(["balance"])
        for account in self.filtered(lambda a: a.state == "final"):
            if float_is_zero(
                account.balance, precision_rounding=account.currency_id.rounding
            ):
                with workflow(ACCOUNT_DOOR):
                    account.state = "closed"
                account.message_post(
                    body=self.env._("Balance is zero: account closed.")
                )
