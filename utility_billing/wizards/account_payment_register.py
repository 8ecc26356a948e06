# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# Where a payment registered by hand on a utility bill came from.
REGISTER_SOURCES = [
    ("mail", "Mail"),
    ("drop_box", "Drop Box"),
    ("online", "Online"),
    ("other", "Other"),
]


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    utility_bill = fields.Boolean(compute="_compute_utility_bill")
    utility_payment_source = fields.Selection(
        REGISTER_SOURCES,
        string="Payment Source",
        default="other",
        help="Where the payment of the utility bill came from (cash receipts reports).",
    )

    @api.depends("line_ids")
    def _compute_utility_bill(self):
        for wizard in self:
            wizard.utility_bill = bool(wizard.line_ids.move_id.utility_account_id)

    def _create_payments(self):
        payments = super()._create_payments()
        # The reconciliation attached the payment entries to the bills'
        # utility account with the source "other": the source chosen here.
        source = self.utility_payment_source
        if source and source != "other":
            payments.move_id.filtered(
                lambda m: m.utility_account_id and m.utility_payment_source == "other"
            ).sudo().write({"utility_payment_source": source})
        return payments
