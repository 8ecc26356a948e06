# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Counter payments at the Point of Sale: the kind of counter receipt a product
rings up (``product.template``).
"""

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
