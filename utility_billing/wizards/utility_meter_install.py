# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityMeterInstall(models.TransientModel):
    """Install a meter from stock at a premise, with its initial read."""

    _name = "utility.meter.install"
    _description = "Install Meter"

    meter_id = fields.Many2one(
        "utility.meter", required=True, domain="[('state', '=', 'in_stock')]"
    )
    premise_id = fields.Many2one("utility.premise", required=True)
    date = fields.Date(
        required=True, default=lambda self: self.env.company._utility_today()
    )
    reading = fields.Float(string="Initial Reading", digits="Utility Reading")
    note = fields.Text()

    def action_install(self):
        self.ensure_one()
        # A service of this type on the premise's active account that lacks a
        # meter gets this one.
        service = self.env["utility.account.service"].search(
            [
                ("premise_id", "=", self.premise_id.id),
                ("service_type_id", "=", self.meter_id.service_type_id.id),
                ("account_id.state", "=", "active"),
                ("meter_id", "=", False),
            ],
            limit=1,
        )
        if service:
            service.meter_id = self.meter_id
        self.meter_id._install(
            self.premise_id,
            self.date,
            self.reading,
            account=service.account_id,
            note=self.note,
        )
        return {"type": "ir.actions.act_window_close"}
