# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityAdjustmentReject(models.TransientModel):
    """Reject an adjustment request, saying why."""

    _name = "utility.adjustment.reject"
    _description = "Reject Utility Billing Adjustment"
    _inherit = ["utility.approval.reject"]
    _request_field = "adjustment_id"

    adjustment_id = fields.Many2one("utility.adjustment", required=True)
