# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Split by feature (counter, ACH, delinquency), as the suite's files are.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class UtilityServiceOrder(models.Model):
    _inherit = "utility.service.order"

    shutoff_line_id = fields.Many2one(
        "utility.shutoff.list.line",
        string="Shut-off List Line",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    reconnect_fee_move_id = fields.Many2one(
        "account.move", string="Reconnection Fee", readonly=True, copy=False
    )

    def _apply_result(self):
        res = super()._apply_result()
        if self.order_type == "disconnect" and self.account_id:
            self.account_id.write({"disconnected": True, "shutoff_pending": False})
            if self.shutoff_line_id:
                self.shutoff_line_id.state = "disconnected"
        elif self.order_type == "reconnect" and self.account_id:
            self.account_id.disconnected = False
        return res

    def action_cancel(self):
        res = super().action_cancel()
        lines = self.filtered(
            lambda o: o.order_type == "disconnect" and o.shutoff_line_id
        ).shutoff_line_id.filtered(lambda ln: ln.state == "eligible")
        for line in lines:
            line.account_id.shutoff_pending = False
        return res

    def _dlq_is_nonpayment_disconnect(self):
        self.ensure_one()
        return bool(self.order_type == "disconnect" and self.shutoff_line_id)

    def _dlq_done_in_year(self, year, company):
        """Disconnect orders for non-payment done in ``year`` on residential
        accounts (the SB 998 annual count)."""
        return self.search(
            [
                ("company_id", "=", company.id),
                ("order_type", "=", "disconnect"),
                ("shutoff_line_id", "!=", False),
                ("state", "=", "done"),
                ("result_date", ">=", fields.Date.to_date(f"{year}-01-01")),
                ("result_date", "<=", fields.Date.to_date(f"{year}-12-31")),
            ]
        )
