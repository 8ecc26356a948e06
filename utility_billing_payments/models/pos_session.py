# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class PosSession(models.Model):
    _inherit = "pos.session"

    @api.model
    def _load_pos_data_models(self, config_id):
        return super()._load_pos_data_models(config_id) + ["utility.account"]

    def _validate_session(self, *args, **kwargs):
        # Counter payments not applied when their order was saved are applied
        # now: an error here stops the closing with its reason.
        for order in self.order_ids.filtered(
            lambda o: o.state == "paid" and not o.utility_is_void
        ):
            order._utility_assign_receipt_number()
            order._utility_post_counter_payments()
        return super()._validate_session(*args, **kwargs)

    def action_utility_cash_receipts_report(self):
        return self.env.ref(
            "utility_billing_payments.action_report_utility_cash_receipts"
        ).report_action(self)
