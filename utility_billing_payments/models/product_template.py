# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    utility_counter_kind = fields.Selection(
        [
            ("payment", "Utility Account Payment"),
            ("citation", "Citation"),
            ("permit", "Permit"),
            ("fee", "Other Fee"),
        ],
        string="Counter Receipt Kind",
        help="Counter receipts other than a utility account payment carry a "
        "reference (citation number, permit number...).",
    )
    utility_reference_required = fields.Boolean(
        string="Reference Required at the Counter",
        compute="_compute_utility_reference_required",
        store=True,
        readonly=False,
    )
    utility_reference_label = fields.Char(
        string="Reference Label",
        translate=True,
        help="What the cashier is asked for, e.g. 'Citation number'.",
    )

    @api.depends("utility_counter_kind")
    def _compute_utility_reference_required(self):
        for template in self:
            template.utility_reference_required = template.utility_counter_kind in (
                "citation",
                "permit",
                "fee",
            )


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
