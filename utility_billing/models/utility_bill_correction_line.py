# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The lines of a bill correction: what the corrected bill carries, editable
only while the correction is a draft."""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools.workflow import check_protected, is_trusted
from .utility_bill_correction import CORRECTION_DOOR


class UtilityBillCorrectionLine(models.Model):
    """One line of the corrected bill."""

    _name = "utility.bill.correction.line"
    _description = "Utility Bill Correction Line"
    _order = "correction_id, sequence, id"
    _check_company_auto = True

    correction_id = fields.Many2one(
        "utility.bill.correction", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Description", required=True)
    product_id = fields.Many2one("product.product", check_company=True)
    account_id = fields.Many2one(
        "account.account", string="Income Account", required=True, check_company=True
    )
    service_type_id = fields.Many2one("utility.service.type", string="Service")
    quantity = fields.Float(
        aggregator=None, digits="Product Unit of Measure", default=1.0
    )
    price_unit = fields.Float(
        aggregator=None, string="Unit Price", digits="Product Price"
    )
    tax_ids = fields.Many2many(
        "account.tax",
        "utility_bill_correction_line_tax_rel",
        "line_id",
        "tax_id",
        string="Taxes",
        check_company=True,
    )
    currency_id = fields.Many2one(related="correction_id.currency_id")
    amount = fields.Monetary(compute="_compute_amount", store=True, string="Subtotal")
    amount_total = fields.Monetary(
        compute="_compute_amount", store=True, string="Total with Tax"
    )
    company_id = fields.Many2one(
        related="correction_id.company_id", store=True, index=True
    )

    @api.depends("quantity", "price_unit", "tax_ids")
    def _compute_amount(self):
        for line in self:
            currency = line.correction_id.currency_id or line.env.company.currency_id
            line.amount = currency.round(line.quantity * line.price_unit)
            if line.tax_ids:
                line.amount_total = line.tax_ids.compute_all(
                    line.price_unit, currency=currency, quantity=line.quantity
                )["total_included"]
            else:
                line.amount_total = line.amount

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_protected(self, vals, {"amount", "amount_total"}, CORRECTION_DOOR)
        self._check_editable(
            self.env["utility.bill.correction"].browse(
                {vals.get("correction_id") for vals in vals_list}
            )
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected(self, vals, {"amount", "amount_total"}, CORRECTION_DOOR)
        corrections = self.correction_id
        if vals.get("correction_id"):
            corrections |= corrections.browse(vals["correction_id"])
        self._check_editable(corrections)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        self._check_editable(self.correction_id)

    def _check_editable(self, corrections):
        if is_trusted(self.env, CORRECTION_DOOR):
            return
        locked = corrections.filtered(lambda c: c.state != "draft")
        if locked:
            raise UserError(
                self.env._(
                    "Bill correction %(name)s has been submitted: its lines cannot "
                    "change.",
                    name=locked[0].name,
                )
            )

    def _prepare_move_line_vals(self):
        self.ensure_one()
        return {
            "name": self.name,
            "product_id": self.product_id.id,
            "account_id": self.account_id.id,
            "quantity": self.quantity,
            "price_unit": self.price_unit,
            "product_uom_id": self.product_id.uom_id.id,
            "tax_ids": [Command.set(self.tax_ids.ids)],
            "utility_service_type_id": self.service_type_id.id,
        }
