# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityAdjustmentReject(models.TransientModel):
    """Reject an adjustment request, saying why."""

    _name = "utility.adjustment.reject"
    _description = "Reject Utility Billing Adjustment"

    adjustment_id = fields.Many2one("utility.adjustment", required=True)
    reason = fields.Text(required=True)

    def action_reject(self):
        self.ensure_one()
        self.adjustment_id.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
