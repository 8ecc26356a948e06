# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.controls import check_company, check_role


class UtilityDelinquencyReconnect(models.TransientModel):
    """Reconnect a disconnected account: a reconnect order and the reconnection
    fee (capped for low-income households under SB 998)."""

    _name = "utility.delinquency.reconnect"
    _description = "Reconnect a Disconnected Account"

    account_id = fields.Many2one("utility.account", required=True)
    after_hours = fields.Boolean(
        help="Reconnection outside normal operating hours (higher fee and cap)."
    )
    low_income = fields.Boolean(related="account_id.low_income")
    currency_id = fields.Many2one(related="account_id.currency_id")
    fee = fields.Monetary(compute="_compute_fee", currency_field="currency_id")

    @api.depends("account_id", "after_hours")
    def _compute_fee(self):
        for wizard in self:
            account = wizard.account_id
            wizard.fee = (
                account.company_id._utility_reconnect_fee(
                    wizard.after_hours, account.low_income
                )
                if account
                else 0.0
            )

    def action_reconnect(self):
        self.ensure_one()
        check_role(
            self.env,
            "utility_billing.group_csr_1",
            self.env._("Only customer service requests a reconnection."),
        )
        check_company(self.account_id)
        if not self.account_id.disconnected:
            raise UserError(
                self.env._(
                    "Account %(account)s is not disconnected.",
                    account=self.account_id.name,
                )
            )
        order = self.account_id._dlq_request_reconnection(
            after_hours=self.after_hours,
            reason=self.env._("Reconnection requested at the counter."),
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "utility.service.order",
            "res_id": order.id,
            "view_mode": "form",
            "target": "current",
        }
