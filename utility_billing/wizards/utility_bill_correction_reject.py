# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityBillCorrectionReject(models.TransientModel):
    """Reject a bill correction request, saying why."""

    _name = "utility.bill.correction.reject"
    _description = "Reject Utility Bill Correction"

    correction_id = fields.Many2one("utility.bill.correction", required=True)
    reason = fields.Text(required=True)

    def action_reject(self):
        self.ensure_one()
        self.correction_id.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
