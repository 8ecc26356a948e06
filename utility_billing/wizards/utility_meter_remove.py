# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityMeterRemove(models.TransientModel):
    """Remove an installed meter with its final read."""

    _name = "utility.meter.remove"
    _description = "Remove Meter"

    meter_id = fields.Many2one(
        "utility.meter", required=True, domain="[('state', '=', 'installed')]"
    )
    date = fields.Date(
        required=True, default=lambda self: self.env.company._utility_today()
    )
    reading = fields.Float(string="Final Reading", digits="Utility Reading")
    note = fields.Text()

    def action_remove(self):
        self.ensure_one()
        self.meter_id._remove(self.date, self.reading, note=self.note)
        return {"type": "ir.actions.act_window_close"}
