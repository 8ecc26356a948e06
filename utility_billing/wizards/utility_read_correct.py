# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError


class UtilityReadCorrect(models.TransientModel):
    """Enter a corrected reading: the original read stays, rejected."""

    _name = "utility.read.correct"
    _description = "Correct Meter Read"

    read_id = fields.Many2one("utility.meter.read", required=True)
    meter_id = fields.Many2one(related="read_id.meter_id")
    current_reading = fields.Float(related="read_id.reading", string="Reading Entered")
    reading = fields.Float(
        string="Corrected Reading", digits="Utility Reading", required=True
    )
    note = fields.Char(string="Reason", required=True)

    def action_correct(self):
        self.ensure_one()
        if not (self.note or "").strip():
            raise UserError(self.env._("Give the reason for the correction."))
        corrected = self.read_id._correct(self.reading, note=self.note)
        return {
            "type": "ir.actions.act_window",
            "res_model": "utility.meter.read",
            "res_id": corrected.id,
            "view_mode": "form",
        }
