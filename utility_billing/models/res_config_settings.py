# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    utility_journal_id = fields.Many2one(
        related="company_id.utility_journal_id", readonly=False
    )
    utility_deposit_account_id = fields.Many2one(
        related="company_id.utility_deposit_account_id", readonly=False
    )
    utility_deposit_product_id = fields.Many2one(
        related="company_id.utility_deposit_product_id", readonly=False
    )
