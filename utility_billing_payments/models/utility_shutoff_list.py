# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.utility_billing.tools.workflow import workflow

from ..tools.controls import check_protected_create, check_protected_write, check_role

# Door "utility.shutoff.list": the list's state and lines change through the
# delinquency run and the list's buttons only.
LIST_PROTECTED_FIELDS = ("state", "confirmed_by_id")
LIST_DRAFT_FIELDS = ("date", "company_id")


class UtilityShutoffList(models.Model):
    """Accounts to shut off on a date, in route walk order, with the accounts
    the safeguards block and why. Confirmed by a CSR II: one disconnect order
    per eligible account."""

    _name = "utility.shutoff.list"
    _description = "Utility Shut-off List"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    date = fields.Date(string="Shut-off Date", required=True, tracking=True, index=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("confirmed", "Confirmed"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    line_ids = fields.One2many("utility.shutoff.list.line", "list_id", string="Lines")
    eligible_count = fields.Integer(compute="_compute_counts", string="To Shut Off")
    blocked_count = fields.Integer(compute="_compute_counts", string="Blocked")
    removed_count = fields.Integer(compute="_compute_counts", string="Removed")
    amount_total = fields.Monetary(compute="_compute_counts", string="Past Due Total")
    confirmed_by_id = fields.Many2one("res.users", readonly=True, tracking=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "date_company_uniq",
            "unique(date, company_id)",
            "There is already a shut-off list for this date.",
        ),
    ]

    @api.constrains("date", "company_id")
    def _check_business_day(self):
        """No shut-off on a weekend, a holiday or a day the office is closed."""
        for shutoff in self:
            shutoff.company_id._utility_check_business_day(
                shutoff.date, self.env._("Shut-off list")
            )

    @api.depends("date")
    def _compute_name(self):
        for shutoff in self:
            shutoff.name = self.env._("Shut-off list %(date)s", date=shutoff.date or "")

    @api.depends("line_ids.state", "line_ids.amount_past_due")
    def _compute_counts(self):
        for shutoff in self:
            lines = shutoff.line_ids
            eligible = lines.filtered(
                lambda ln: ln.state in ("eligible", "ordered", "disconnected")
            )
            shutoff.eligible_count = len(eligible)
            shutoff.blocked_count = len(
                lines.filtered(lambda ln: ln.state == "blocked")
            )
            shutoff.removed_count = len(
                lines.filtered(lambda ln: ln.state == "removed")
            )
            shutoff.amount_total = sum(eligible.mapped("amount_past_due"))

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(
            self,
            vals_list,
            LIST_PROTECTED_FIELDS,
            "utility.shutoff.list",
            defaults={"state": "draft"},
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(self, vals, LIST_PROTECTED_FIELDS, "utility.shutoff.list")
        check_protected_write(
            self.filtered(lambda s: s.state != "draft"),
            vals,
            LIST_DRAFT_FIELDS,
            "utility.shutoff.list",
        )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for shutoff in self:
            if shutoff.state not in ("draft", "cancelled"):
                raise UserError(
                    self.env._(
                        "%(list)s is confirmed: cancel it instead of deleting it.",
                        list=shutoff.name,
                    )
                )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_refresh(self):
        """Check each line again: payments since the list was made remove the
        account, safeguards block or release it."""
        self.check_access("write")
        for shutoff in self:
            shutoff._check_draft()
            shutoff.line_ids.filtered(
                lambda ln: ln.state in ("eligible", "blocked")
            )._recheck()
        return True

    def _check_csr2(self, message):
        check_role(self.env, "utility_billing.group_csr_2", message)
        self.check_access("write")

    def action_confirm(self):
        """Confirm the list (CSR II): re-check every account, then one disconnect
        order per account still eligible, scheduled on the list's date."""
        self._check_csr2(
            self.env._(
                "Only a Customer Service Representative II confirms shut-off lists."
            )
        )
        with workflow(
            "utility.shutoff.list", "utility.account", "utility.service.order"
        ):
            return self._confirm()

    def _confirm(self):
        for shutoff in self:
            shutoff._check_draft()
            shutoff.line_ids.filtered(
                lambda ln: ln.state in ("eligible", "blocked")
            )._recheck()
            eligible = shutoff.line_ids.filtered(lambda ln: ln.state == "eligible")
            Order = self.env["utility.service.order"]
            orders = Order.create(
                [line._prepare_disconnect_order_vals() for line in eligible]
            )
            for line, order in zip(eligible, orders, strict=True):
                line.write({"order_id": order.id, "state": "ordered"})
            orders.filtered("scheduled_date").action_schedule()
            eligible.account_id.write({"shutoff_pending": True})
            shutoff.write({"state": "confirmed", "confirmed_by_id": self.env.user.id})
            shutoff.message_post(
                body=self.env._(
                    "Confirmed: %(count)s disconnect orders for %(date)s.",
                    count=len(orders),
                    date=shutoff.date,
                )
            )
        return True

    def action_done(self):
        self._check_csr2(
            self.env._(
                "Only a Customer Service Representative II closes shut-off lists."
            )
        )
        for shutoff in self:
            if shutoff.state != "confirmed":
                raise UserError(
                    self.env._("%(list)s is not confirmed.", list=shutoff.name)
                )
        with workflow("utility.shutoff.list"):
            self.write({"state": "done"})
        return True

    def action_cancel(self):
        self._check_csr2(
            self.env._(
                "Only a Customer Service Representative II cancels shut-off lists."
            )
        )
        for shutoff in self:
            if shutoff.state in ("done", "cancelled"):
                raise UserError(
                    self.env._(
                        "%(list)s is %(state)s.",
                        list=shutoff.name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[shutoff.state],
                    )
                )
        with workflow("utility.shutoff.list", "utility.account"):
            for shutoff in self:
                open_orders = shutoff.line_ids.order_id.filtered(
                    lambda o: o.state in ("new", "scheduled")
                )
                open_orders.action_cancel()
                shutoff.line_ids.filtered(
                    lambda ln: (
                        ln.state == "ordered" and ln.order_id.state == "cancelled"
                    )
                ).account_id.filtered("shutoff_pending").write(
                    {"shutoff_pending": False}
                )
            self.write({"state": "cancelled"})
        return True

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_service_order_action"
        )
        action["domain"] = [("id", "in", self.line_ids.order_id.ids)]
        return action

    def action_print(self):
        return self.env.ref(
            "utility_billing_payments.action_report_utility_shutoff_list"
        ).report_action(self)

    def _check_draft(self):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(
                self.env._("%(list)s is not a draft any more.", list=self.name)
            )

    @api.model
    def _get_for_date(self, company, date):
        """The list released on ``date``, or on the next business day when
        ``date`` is a weekend, a holiday or a closed day."""
        date = company._utility_next_business_day(date)
        shutoff = self.search(
            [("company_id", "=", company.id), ("date", "=", date)], limit=1
        )
        if not shutoff:
            shutoff = self.create({"company_id": company.id, "date": date})
        return shutoff

    def _lines_in_walk_order(self, states=None):
        self.ensure_one()
        lines = self.line_ids
        if states:
            lines = lines.filtered(lambda ln: ln.state in states)
        return lines.sorted(
            lambda ln: (ln.route_id.code or "", ln.walk_sequence, ln.account_id.name)
        )
