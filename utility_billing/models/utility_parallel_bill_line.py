# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Parallel billing: the differences found and the errors of the legacy file.
Both are written only by the parallel bill's own actions."""

from odoo import api, fields, models

from ..tools.workflow import check_protected

PARALLEL_DOOR = "utility.parallel.bill"

CAUSES = [
    ("rate", "Rate"),
    ("consumption", "Consumption"),
    ("proration", "Proration"),
    ("tax", "Tax"),
    ("missing_ours", "Missing in Ours"),
    ("missing_legacy", "Missing in Legacy"),
]


class UtilityParallelBillDiff(models.Model):
    """One charge of one account billed differently (by more than a cent) by
    the legacy system and by our run, or an account only one side billed."""

    _name = "utility.parallel.bill.diff"
    _description = "Utility Parallel Bill Difference"
    _order = "parallel_bill_id, account_number, sequence, id"

    parallel_bill_id = fields.Many2one(
        "utility.parallel.bill", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer()
    account_id = fields.Many2one("utility.account", index="btree_not_null")
    account_number = fields.Char(required=True)
    service_type_code = fields.Char(string="Service Type")
    charge = fields.Char(
        help="The charge: our product's internal reference, or the bill line's "
        "label; the tax's name for a tax. Empty for an account missing on one side."
    )
    legacy_consumption = fields.Float(digits="Product Unit of Measure")
    our_consumption = fields.Float(digits="Product Unit of Measure")
    legacy_amount = fields.Monetary()
    our_amount = fields.Monetary()
    difference = fields.Monetary(help="Our amount less the legacy amount.")
    cause = fields.Selection(CAUSES, string="Probable Cause", required=True)
    note = fields.Char()
    company_id = fields.Many2one(
        related="parallel_bill_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="parallel_bill_id.currency_id")

    @api.model_create_multi
    def create(self, vals_list):
        for _vals in vals_list:
            check_protected(
                self, {"parallel_bill_id": True}, {"parallel_bill_id"}, PARALLEL_DOOR
            )
        return super().create(vals_list)

    def write(self, vals):
        check_protected(self, vals, set(self._fields), PARALLEL_DOOR)
        return super().write(vals)


class UtilityParallelBillError(models.Model):
    """One problem of the legacy bills file: where it is and what to fix."""

    _name = "utility.parallel.bill.error"
    _description = "Utility Parallel Bill File Error"
    _order = "parallel_bill_id, sequence, id"
    _rec_name = "message"

    parallel_bill_id = fields.Many2one(
        "utility.parallel.bill", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer()
    file_name = fields.Char(string="File")
    line_no = fields.Integer(string="Line")
    column = fields.Char()
    message = fields.Char(required=True)
    company_id = fields.Many2one(
        related="parallel_bill_id.company_id", store=True, index=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        for _vals in vals_list:
            check_protected(
                self, {"parallel_bill_id": True}, {"parallel_bill_id"}, PARALLEL_DOOR
            )
        return super().create(vals_list)

    def write(self, vals):
        check_protected(self, vals, set(self._fields), PARALLEL_DOOR)
        return super().write(vals)
