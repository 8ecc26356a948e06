# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityDepositRefundReject(models.TransientModel):
    """Reject a credit refund request, saying why."""

    _name = "utility.deposit.refund.reject"
    _description = "Reject Utility Credit Refund"
    _inherit = ["utility.approval.reject"]
    _request_field = "refund_id"

    refund_id = fields.Many2one("utility.deposit.refund", required=True)
