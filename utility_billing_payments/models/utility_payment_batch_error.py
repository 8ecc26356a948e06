# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An item of a payment batch's file that could not be matched
(``utility.payment.batch.error``).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.utility_billing.tools.workflow import is_trusted

from .utility_payment_batch import BATCH_DOOR


class UtilityPaymentBatchError(models.Model):
    """A line of a lockbox file that was not imported, and why."""

    _name = "utility.payment.batch.error"
    _description = "Lockbox File Bad Line"
    _order = "batch_id, line_number, id"

    batch_id = fields.Many2one(
        "utility.payment.batch", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="batch_id.company_id", store=True, index=True, precompute=True
    )
    filename = fields.Char(string="File", readonly=True)
    line_number = fields.Integer(aggregator=None, readonly=True)
    field = fields.Char(readonly=True)
    reason = fields.Char(readonly=True)
    content = fields.Char(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not is_trusted(self.env, BATCH_DOOR):
            raise UserError(
                self.env._("The bad lines of a lockbox file are listed by its import.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not is_trusted(self.env, BATCH_DOOR):
            raise UserError(
                self.env._("The bad lines of a lockbox file are listed by its import.")
            )
        return super().write(vals)
