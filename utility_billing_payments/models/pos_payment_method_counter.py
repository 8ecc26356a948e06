# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Counter payments at the Point of Sale: the tender of a payment method
(``pos.payment.method``).
"""

from odoo import api, fields, models


class PosPaymentMethod(models.Model):
    _inherit = "pos.payment.method"

    utility_tender = fields.Selection(
        [("cash", "Cash"), ("check", "Check"), ("card", "Card"), ("other", "Other")],
        string="Counter Tender",
        help="Check: the cashier enters the check number; returned checks are "
        "marked on the payment. Cash-only accounts cannot pay by check.",
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + ["utility_tender"]
