# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Counter payments at the Point of Sale: the products a counter loads
(``product.product``).
"""

from odoo import api, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + [
            "utility_counter_kind",
            "utility_reference_required",
            "utility_reference_label",
        ]

    def _add_missing_products(self, products, config_id, data):
        # The utility payment product is not on the product grid
        # (available_in_pos is off) but the counter rings payments up with it.
        res = super()._add_missing_products(products, config_id, data)
        config = self.env["pos.config"].browse(config_id)
        payment_product = config.company_id.utility_payment_product_id
        if (
            config.utility_counter
            and payment_product
            and payment_product.id not in {p["id"] for p in products}
        ):
            products.extend(
                self._load_product_with_domain(
                    [("id", "=", payment_product.id)], config_id, True
                )
            )
        return res
