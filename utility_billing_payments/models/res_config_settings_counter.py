# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Counter payments: the counter settings (``res.config.settings``)."""

from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    utility_payment_product_id = fields.Many2one(
        related="company_id.utility_payment_product_id", readonly=False
    )
    utility_counter_clearing_account_id = fields.Many2one(
        related="company_id.utility_counter_clearing_account_id", readonly=False
    )
    utility_counter_journal_id = fields.Many2one(
        related="company_id.utility_counter_journal_id", readonly=False
    )
    utility_nsf_fee_product_id = fields.Many2one(
        related="company_id.utility_nsf_fee_product_id", readonly=False
    )
    utility_nsf_fee_first = fields.Monetary(
        related="company_id.utility_nsf_fee_first", readonly=False
    )
    utility_nsf_fee_next = fields.Monetary(
        related="company_id.utility_nsf_fee_next", readonly=False
    )
    utility_nsf_cash_only_count = fields.Integer(
        related="company_id.utility_nsf_cash_only_count", readonly=False
    )

    def action_utility_counter_setup(self):
        self.company_id._utility_counter_setup()
        return True
