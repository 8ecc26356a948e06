# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class UtilityBillingCycle(models.Model):
    """A group of routes read and billed together."""

    _name = "utility.billing.cycle"
    _description = "Utility Billing Cycle"
    _inherit = ["mail.thread"]
    _order = "code, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True)
    route_ids = fields.One2many("utility.route", "cycle_id", string="Routes")
    frequency = fields.Selection(
        [
            ("monthly", "Monthly"),
            ("bimonthly", "Every two months"),
            ("quarterly", "Quarterly"),
        ],
        required=True,
        default="monthly",
        tracking=True,
    )
    read_day = fields.Integer(
        aggregator=None,
        required=True,
        default=1,
        tracking=True,
        help="Day of the month meters are read.",
    )
    bill_day = fields.Integer(
        aggregator=None,
        required=True,
        default=5,
        tracking=True,
        help="Day of the month bills are dated.",
    )
    due_days = fields.Integer(
        aggregator=None,
        required=True,
        default=21,
        tracking=True,
        help="Days between the bill date and the due date.",
    )
    account_count = fields.Integer(compute="_compute_account_count")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A billing cycle code must be unique per company.",
        ),
    ]

    def _compute_account_count(self):
        groups = self.env["utility.account"]._read_group(
            [("billing_cycle_id", "in", self.ids)], ["billing_cycle_id"], ["__count"]
        )
        counts = {cycle.id: count for cycle, count in groups}
        for cycle in self:
            cycle.account_count = counts.get(cycle.id, 0)

    @api.constrains("read_day", "bill_day", "due_days")
    def _check_days(self):
        for cycle in self:
            if not 1 <= cycle.read_day <= 28 or not 1 <= cycle.bill_day <= 28:
                raise ValidationError(
                    self.env._(
                        "Billing cycle %(name)s: read day and bill day must be "
                        "between 1 and 28 so that they exist in every month.",
                        name=cycle.name,
                    )
                )
            if cycle.due_days < 0:
                raise ValidationError(
                    self.env._(
                        "Billing cycle %(name)s: due days cannot be negative.",
                        name=cycle.name,
                    )
                )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for cycle in self:
            cycle.display_name = (
                f"[{cycle.code}] {cycle.name}" if cycle.code else cycle.name
            )
