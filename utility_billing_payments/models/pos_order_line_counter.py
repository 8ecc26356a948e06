# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Counter payments at the Point of Sale: the receipt line paying a utility
account (``pos.order.line``).
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from odoo.addons.utility_billing.tools.workflow import in_workflow

from ..tools.controls import check_protected_create, check_protected_write

LINE_PROTECTED_FIELDS = ("utility_payment_move_id", "utility_balance_after")

# Once the order is paid, what the payment applied to.
LINE_PAID_FIELDS = ("utility_account_id",)


class PosOrderLine(models.Model):
    _inherit = "pos.order.line"

    utility_account_id = fields.Many2one(
        "utility.account",
        index="btree_not_null",
        readonly=True,
    )
    utility_reference = fields.Char(
        readonly=True,
        help="Citation, permit or fee reference entered by the cashier.",
    )
    utility_payment_move_id = fields.Many2one(
        "account.move", string="Payment Entry", copy=False, readonly=True
    )
    utility_balance_after = fields.Monetary(
        string="Remaining Balance",
        currency_field="currency_id",
        copy=False,
        readonly=True,
        help="The account's balance once this payment was applied.",
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + [
            "utility_account_id",
            "utility_reference",
            "utility_balance_after",
        ]

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(self, vals_list, LINE_PROTECTED_FIELDS, "pos.order")
        return super().create(vals_list)

    def write(self, vals):
        check_protected_write(self, vals, LINE_PROTECTED_FIELDS, "pos.order")
        if set(vals) & set(LINE_PAID_FIELDS):
            check_protected_write(
                self.filtered(lambda ln: ln.order_id.state != "draft"),
                vals,
                LINE_PAID_FIELDS,
                "pos.order",
            )
        return super().write(vals)

    @api.constrains(
        "qty", "price_subtotal_incl", "utility_account_id", "refunded_orderline_id"
    )
    def _check_utility_no_refund(self):
        """A line giving back a utility payment (negative, or refunding a
        payment line) is made only by the void of the receipt."""
        if in_workflow("pos.order"):
            return
        for line in self:
            refunded = line.sudo().refunded_orderline_id
            pays = line.utility_account_id or refunded.utility_account_id
            if pays and (
                refunded
                or line.qty < 0
                or line.currency_id.compare_amounts(line.price_subtotal_incl, 0.0) < 0
            ):
                raise ValidationError(
                    self.env._(
                        "Order %(order)s: a utility payment cannot be refunded at the "
                        "counter: a CSR II voids the receipt from Point of Sale > "
                        "Orders.",
                        order=line.order_id.name,
                    )
                )

    @api.constrains(
        "product_id", "utility_reference", "utility_account_id", "qty", "discount"
    )
    def _check_utility_counter_line(self):
        for line in self:
            product = line.product_id
            if (
                line.utility_account_id
                and not in_workflow("pos.order")
                and (
                    float_compare(abs(line.qty), 1.0, precision_digits=6)
                    or float_compare(line.discount, 0.0, precision_digits=6)
                )
            ):
                # The amount paid is the line's price: a quantity of 2 or a
                # discount would apply to the account what was not tendered.
                raise ValidationError(
                    self.env._(
                        "Order %(order)s, account %(account)s: a utility payment "
                        "line has a quantity of 1 and no discount; its price is "
                        "the amount paid.",
                        order=line.order_id.name,
                        account=line.utility_account_id.name,
                    )
                )
            if (
                product.utility_reference_required
                and not (line.utility_reference or "").strip()
                and not line.refunded_orderline_id
            ):
                raise ValidationError(
                    self.env._(
                        "Order %(order)s, line %(product)s: enter the %(label)s.",
                        order=line.order_id.name,
                        product=product.display_name,
                        label=product.utility_reference_label
                        or self.env._("reference"),
                    )
                )
            payment_product = line.company_id.utility_payment_product_id
            if (
                payment_product
                and product == payment_product
                and not line.utility_account_id
            ):
                raise ValidationError(
                    self.env._(
                        "Order %(order)s: a utility payment line needs the account "
                        "it pays.",
                        order=line.order_id.name,
                    )
                )

    def _prepare_refund_data(self, refund_order, PosOrderLineLot):
        vals = super()._prepare_refund_data(refund_order, PosOrderLineLot)
        vals["utility_account_id"] = self.utility_account_id.id
        vals["utility_reference"] = self.utility_reference
        return vals
