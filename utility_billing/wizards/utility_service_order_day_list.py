# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError


class UtilityServiceOrderDayList(models.TransientModel):
    """Print the open service orders of a day, route by route in walk order."""

    _name = "utility.service.order.day.list"
    _description = "Service Order Day List"

    date = fields.Date(
        required=True, default=lambda self: self.env.company._utility_today()
    )
    route_ids = fields.Many2many(
        "utility.route", string="Routes", help="Leave empty for every route."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assigned To",
        domain="[('share', '=', False)]",
        help="Leave empty for every field worker.",
    )

    def _get_orders(self):
        """Open orders scheduled on the day, in route walk order."""
        self.ensure_one()
        domain = [
            ("scheduled_date", "=", self.date),
            ("state", "in", ("new", "scheduled")),
        ]
        if self.route_ids:
            domain.append(("route_id", "in", self.route_ids.ids))
        if self.user_id:
            domain.append(("user_id", "=", self.user_id.id))
        orders = self.env["utility.service.order"].search(domain)
        return orders.sorted(
            lambda o: (o.route_id.code or "", o.walk_sequence, o.premise_id.id, o.id)
        )

    def action_print(self):
        self.ensure_one()
        orders = self._get_orders()
        if not orders:
            raise UserError(
                self.env._(
                    "No open service order is scheduled on %(date)s.", date=self.date
                )
            )
        return self.env.ref(
            "utility_billing.action_report_service_order_day_list"
        ).report_action(orders)
