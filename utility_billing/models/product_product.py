# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _utility_income_account(self, company):
        """Income account a bill line of this product posts to."""
        self.ensure_one()
        product = self.with_company(company)
        account = (
            product.property_account_income_id
            or product.categ_id.property_account_income_categ_id
        )
        if not account:
            raise UserError(
                self.env._(
                    "Product %(product)s has no income account: set one on the product "
                    "or its category.",
                    product=self.display_name,
                )
            )
        return account
