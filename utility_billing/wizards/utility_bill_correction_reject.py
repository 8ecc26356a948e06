# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityBillCorrectionReject(models.TransientModel):
    """Reject a bill correction request, saying why."""

    _name = "utility.bill.correction.reject"
    _description = "Reject Utility Bill Correction"
    _inherit = ["utility.approval.reject"]
    _request_field = "correction_id"

    correction_id = fields.Many2one("utility.bill.correction", required=True)
