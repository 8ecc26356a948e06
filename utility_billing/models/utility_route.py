# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityRoute(models.Model):
    """A read route (book): premises in walk order."""

    _name = "utility.route"
    _description = "Utility Read Route"
    _inherit = ["mail.thread"]
    _order = "code, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(required=True, tracking=True)
    cycle_id = fields.Many2one(
        "utility.billing.cycle",
        string="Billing Cycle",
        index=True,
        tracking=True,
        check_company=True,
    )
    premise_ids = fields.One2many(
        "utility.premise", "route_id", string="Premises (walk order)"
    )
    premise_count = fields.Integer(compute="_compute_premise_count")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A route code must be unique per company.",
        ),
    ]

    def _compute_premise_count(self):
        groups = self.env["utility.premise"]._read_group(
            [("route_id", "in", self.ids)], ["route_id"], ["__count"]
        )
        counts = {route.id: count for route, count in groups}
        for route in self:
            route.premise_count = counts.get(route.id, 0)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for route in self:
            route.display_name = (
                f"[{route.code}] {route.name}" if route.code else route.name
            )
