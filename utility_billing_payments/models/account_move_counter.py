# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Counter payments at the Point of Sale: how a counter payment entry
describes itself (``account.move``).
"""

from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    utility_pos_order_id = fields.Many2one(
        "pos.order",
        string="Counter Receipt",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )

    def _utility_payment_description(self):
        # A counter payment reads as its receipt and how it was tendered.
        order = self.utility_pos_order_id
        if not order:
            return super()._utility_payment_description()
        tenders = []
        for payment in order.payment_ids:
            tender = payment.payment_method_id.name
            if payment.check_number:
                tender = f"{tender} #{payment.check_number}"
            tenders.append(tender)
        return self.env._(
            "Counter receipt %(receipt)s: %(tender)s (%(name)s)",
            receipt=order.utility_receipt_number or order.name,
            tender=", ".join(tenders),
            name=self.name,
        )
