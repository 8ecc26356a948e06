# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Counter payments at the Point of Sale: a point of sale set up as a utility
counter (``pos.config``).
"""

from odoo import api, fields, models

from ..tools.controls import check_protected_create, check_protected_write

# A counter's configuration is the Finance Director's: Point of Sale users may
# write pos.config (Odoo gives them the right), but not these.
COUNTER_CONFIG_FIELDS = (
    "utility_counter",
    "utility_receipt_sequence_id",
    "utility_payment_product_id",
)
MANAGER_GROUP = "utility_billing.group_manager"


class PosConfig(models.Model):
    _inherit = "pos.config"

    utility_counter = fields.Boolean(
        string="Utility Billing Counter",
        help="Cashiers take utility account payments, citations and fees here; "
        "every receipt gets a number from the counter's own gapless sequence.",
    )
    utility_receipt_sequence_id = fields.Many2one(
        "ir.sequence",
        string="Receipt Numbers",
        copy=False,
        readonly=True,
        help="Gapless sequence of this counter's receipt numbers.",
    )

    utility_payment_product_id = fields.Many2one(
        related="company_id.utility_payment_product_id"
    )

    def _get_available_product_domain(self):
        # A utility counter sells what the city takes at the counter (account
        # payments, citations, permits, fees), not the retail catalogue.
        domain = super()._get_available_product_domain()
        if self.utility_counter:
            domain = [*domain, ("utility_counter_kind", "!=", False)]
        return domain

    def _utility_counter_message(self):
        return self.env._(
            "Point of Sale %(config)s: whether it is a utility billing counter, its "
            "receipt numbering and its payment product are set by a utility "
            "billing manager.",
            config=", ".join(self.mapped("name")) or "",
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.user.has_group(MANAGER_GROUP):
            check_protected_create(
                self,
                vals_list,
                COUNTER_CONFIG_FIELDS,
                "pos.config",
                message=self._utility_counter_message(),
            )
        configs = super().create(vals_list)
        configs.filtered("utility_counter")._utility_ensure_receipt_sequence()
        return configs

    def write(self, vals):
        if not self.env.user.has_group(MANAGER_GROUP):
            check_protected_write(
                self,
                vals,
                COUNTER_CONFIG_FIELDS,
                "pos.config",
                message=self._utility_counter_message(),
            )
        res = super().write(vals)
        if vals.get("utility_counter"):
            self._utility_ensure_receipt_sequence()
        return res

    def _utility_ensure_receipt_sequence(self):
        for config in self.filtered(lambda c: not c.utility_receipt_sequence_id):
            config.sudo().utility_receipt_sequence_id = (
                self.env["ir.sequence"]
                .sudo()
                .create(
                    {
                        "name": self.env._(
                            "Counter receipts %(counter)s", counter=config.name
                        ),
                        "code": f"utility.counter.receipt.{config.id}",
                        "prefix": f"R{config.id:02d}-%(year)s-",
                        "padding": 6,
                        "implementation": "no_gap",
                        "company_id": config.company_id.id,
                    }
                )
            )
