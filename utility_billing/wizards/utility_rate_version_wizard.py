# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The New Version wizard of a rate schedule (Rate Schedules > New Version)."""

from odoo import fields, models


class UtilityRateVersionWizard(models.TransientModel):
    _name = "utility.rate.version.wizard"
    _description = "New Rate Version"

    schedule_id = fields.Many2one("utility.rate.schedule", required=True)
    effective_from = fields.Date(required=True)
    resolution = fields.Char(string="Adopting Resolution / Ordinance", required=True)
    resolution_date = fields.Date()

    def action_create(self):
        self.ensure_one()
        version = self.schedule_id._new_version(
            self.effective_from, self.resolution, self.resolution_date
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "utility.rate.schedule",
            "res_id": version.id,
            "view_mode": "form",
        }
