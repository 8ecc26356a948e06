# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

ACCOUNT_LANGS = [("en_US", "English"), ("es_MX", "Spanish")]


class UtilityAccount(models.Model):
    """A customer's service account at a premise."""

    _name = "utility.account"
    _description = "Utility Service Account"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name desc"
    _check_company_auto = True

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
    )
    start_date = fields.Date(tracking=True)
    end_date = fields.Date(tracking=True)
    service_ids = fields.One2many("utility.account.service", "account_id", string="Services")
    meter_ids = fields.Many2many(
        "utility.meter", compute="_compute_meter_ids", string="Meters"
    )
    read_ids = fields.One2many("utility.meter.read", "account_id", string="Read History")
    read_count = fields.Integer(compute="_compute_read_count")
    currency_id = fields.Many2one(related="company_id.currency_id")
    deposit_required = fields.Monetary(
        compute="_compute_deposit_required",
        store=True,
        readonly=False,
        tracking=True,
        help="Deposit due at start of service, from the deposit rule of the "
        "premise's customer class.",
    )
    deposit_held = fields.Monetary(tracking=True, readonly=True)
    paperless = fields.Boolean(tracking=True, help="Bills are sent by e-mail only.")
    lang = fields.Selection(
        ACCOUNT_LANGS, string="Language", required=True, default="en_US", tracking=True
    )
    forwarding_address = fields.Text(tracking=True)
    # SB 998 protections (Health & Safety Code 116900 et seq.)
    low_income = fields.Boolean(
        string="Low Income (SB 998)",
        tracking=True,
        help="Household income below 200% of the federal poverty line, or a member "
        "on CalWORKs, CalFresh, GA, Medi-Cal, SSI/SSP or WIC.",
    )
    medical_certification = fields.Boolean(
        string="Medical Certification on File", tracking=True
    )
    medical_certification_date = fields.Date(tracking=True)
    appeal_pending = fields.Boolean(
        string="Appeal / Bill Review Pending",
        tracking=True,
        help="No shutoff while an appeal or bill review is pending.",
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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("utility.account")
                    or "/"
                )
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for account in self:
            if account.state != "draft":
                raise UserError(
                    self.env._(
                        "Account %(name)s is %(state)s: only draft accounts can be deleted.",
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
            account.write(
                {"state": "active", "start_date": account.start_date or fields.Date.context_today(account)}
            )
            account.service_ids.filtered(lambda s: not s.start_date).write(
                {"start_date": account.start_date}
            )
        self.service_ids._check_no_overlap()
        return True

    def action_close(self):
        for account in self:
            if account.state != "final":
                raise UserError(
                    self.env._(
                        "Account %(name)s must be final (service stopped and final "
                        "bill issued) before it is closed.",
                        name=account.name,
                    )
                )
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
