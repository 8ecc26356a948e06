# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A payment of a payment batch (``utility.payment.batch.line``)."""

from odoo import api, fields, models

from odoo.addons.utility_billing.tools.workflow import (
    check_protected,
    is_trusted,
)

from ..tools.controls import check_protected_create
from .utility_payment_batch import BATCH_DOOR

LINE_PROTECTED = ("move_id", "bank_item_ref")


class UtilityPaymentBatchLine(models.Model):
    """One check of a payment batch."""

    _name = "utility.payment.batch.line"
    _description = "Payment Batch Line"
    _order = "batch_id, sequence, id"
    _check_company_auto = True

    batch_id = fields.Many2one(
        "utility.payment.batch", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        related="batch_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="batch_id.currency_id")
    account_id = fields.Many2one(
        "utility.account", required=True, check_company=True, index=True
    )
    amount = fields.Monetary(required=True)
    check_number = fields.Char()
    payer = fields.Char(help="Name on the check, when not the account holder.")
    bank_item_ref = fields.Char(
        string="Bank Item Reference",
        readonly=True,
        copy=False,
        help="Lockbox batch and item of the bank: a check imported once.",
    )
    move_id = fields.Many2one(
        "account.move", string="Payment Entry", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "bank_item_ref_company_uniq",
            "unique(bank_item_ref, company_id)",
            "This lockbox item has already been imported.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        check_protected_create(self, vals_list, LINE_PROTECTED, BATCH_DOOR)
        lines = super().create(vals_list)
        if not is_trusted(self.env, BATCH_DOOR):
            lines.batch_id._check_draft()
        return lines

    def write(self, vals):
        check_protected(self, vals, LINE_PROTECTED, BATCH_DOOR)
        if not is_trusted(self.env, BATCH_DOOR):
            self.batch_id._check_draft()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_draft_only(self):
        if not is_trusted(self.env, BATCH_DOOR):
            self.batch_id._check_draft()
