# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..models.utility_delinquency_policy import SB998_CLASSES


class UtilityDelinquencySb998Report(models.TransientModel):
    """The annual count of residential water disconnections for inability to
    pay (Health and Safety Code 116920), by month, for the website and the
    State Water Board."""

    _name = "utility.delinquency.sb998.report"
    _description = "SB 998 Annual Disconnection Count"

    year = fields.Integer(
        required=True, default=lambda self: fields.Date.context_today(self).year
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    def action_print(self):
        self.ensure_one()
        return self.env.ref(
            "utility_billing_payments.action_report_utility_sb998_count"
        ).report_action(self)

    @api.model
    def _count_by_month(self, year, company):
        """[(month number, disconnections, of which reconnected)] and the total,
        residential accounts only."""
        orders = self.env["utility.service.order"]._dlq_done_in_year(year, company)
        orders = orders.filtered(lambda o: o.account_id.customer_class in SB998_CLASSES)
        months = []
        for month in range(1, 13):
            of_month = orders.filtered(lambda o, m=month: o.result_date.month == m)
            months.append((month, len(of_month)))
        return months, len(orders)
