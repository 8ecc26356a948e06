# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero, float_round

from ..tools.workflow import check_protected, is_trusted

# The amounts are the lines' own computation, never entered.
COMPUTED_FIELDS = {"amount", "amount_total", "company_id"}


class UtilityAdjustmentLine(models.Model):
    """One step of an adjustment's computation, posted as a line of its note.

    ``amount`` is seen from the customer (positive: credited) and equals
    quantity x unit price x percent, rounded to the cent.
    """

    _name = "utility.adjustment.line"
    _description = "Utility Billing Adjustment Line"
    _order = "adjustment_id, sequence, id"
    _check_company_auto = True

    adjustment_id = fields.Many2one(
        "utility.adjustment", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Description", required=True)
    product_id = fields.Many2one("product.product", check_company=True)
    account_id = fields.Many2one(
        "account.account", string="Income Account", required=True, check_company=True
    )
    service_type_id = fields.Many2one("utility.service.type", string="Service")
    bill_line_id = fields.Many2one("account.move.line")
    # Use is measured to the thousandth (a leak's excess): kept as computed.
    quantity = fields.Float(aggregator=None, digits="Utility Consumption", default=1.0)
    price_unit = fields.Float(
        aggregator=None, string="Unit Price", digits="Product Price"
    )
    percent = fields.Float(
        aggregator=None,
        string="Credited %",
        default=100.0,
        help="Share of quantity x price credited.",
    )
    tax_ids = fields.Many2many(
        "account.tax",
        "utility_adjustment_line_tax_rel",
        "line_id",
        "tax_id",
        string="Taxes",
        check_company=True,
    )
    currency_id = fields.Many2one(related="adjustment_id.currency_id")
    amount = fields.Monetary(compute="_compute_amount", store=True)
    amount_total = fields.Monetary(
        compute="_compute_amount", store=True, string="Amount with Tax"
    )
    company_id = fields.Many2one(
        related="adjustment_id.company_id", store=True, index=True
    )

    @api.depends("quantity", "price_unit", "percent", "tax_ids")
    def _compute_amount(self):
        for line in self:
            quantity, price_unit = line._move_quantity_price()
            currency = line.adjustment_id.currency_id or line.env.company.currency_id
            line.amount = currency.round(quantity * price_unit)
            if line.tax_ids:
                line.amount_total = line.tax_ids.compute_all(
                    price_unit, currency=currency, quantity=quantity, is_refund=True
                )["total_included"]
            else:
                line.amount_total = line.amount

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_protected(self, vals, COMPUTED_FIELDS, "utility.adjustment")
        self._check_editable(
            self.env["utility.adjustment"].browse(
                {vals.get("adjustment_id") for vals in vals_list}
            )
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected(self, vals, COMPUTED_FIELDS, "utility.adjustment")
        adjustments = self.adjustment_id
        if vals.get("adjustment_id"):
            adjustments |= adjustments.browse(vals["adjustment_id"])
        self._check_editable(adjustments)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        self._check_editable(self.adjustment_id)

    def _check_editable(self, adjustments):
        if is_trusted(self.env, "utility.adjustment"):
            return
        locked = adjustments.filtered(lambda a: a.state != "draft")
        if locked:
            raise UserError(
                self.env._(
                    "Adjustment %(name)s has been submitted: its lines cannot change.",
                    name=locked[0].name,
                )
            )

    def _move_quantity_price(self):
        """(quantity, unit price) the note's line carries: as computed, or one
        unit of the rounded amount when only a percentage is credited or when
        the quantity has more decimals than a journal item's quantity keeps (a
        leak's 70.135 HCF would post as 70.14, a cent off the computation)."""
        self.ensure_one()
        if float_compare(self.percent, 100.0, precision_digits=4) == 0:
            digits = self.env["decimal.precision"].precision_get(
                "Product Unit of Measure"
            )
            if float_is_zero(
                self.quantity - float_round(self.quantity, precision_digits=digits),
                precision_digits=6,
            ):
                return self.quantity, self.price_unit
        currency = self.adjustment_id.currency_id or self.env.company.currency_id
        return 1.0, currency.round(
            self.quantity * self.price_unit * self.percent / 100.0
        )

    def _prepare_move_line_vals(self, sign):
        """Values of the note's line; ``sign`` -1 turns a credit into a charge."""
        self.ensure_one()
        quantity, price_unit = self._move_quantity_price()
        return {
            "name": self.name,
            "product_id": self.product_id.id,
            "account_id": self.account_id.id,
            "quantity": sign * quantity,
            "price_unit": price_unit,
            "product_uom_id": self.product_id.uom_id.id,
            "tax_ids": [Command.set(self.tax_ids.ids)],
            "utility_service_type_id": self.service_type_id.id,
        }
