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
    utility_adjustment_approval_limit = fields.Monetary(
        related="company_id.utility_adjustment_approval_limit",
        readonly=False,
    )
    utility_adjustment_product_id = fields.Many2one(
        related="company_id.utility_adjustment_product_id", readonly=False
    )
    utility_penalty_product_id = fields.Many2one(
        related="company_id.utility_penalty_product_id", readonly=False
    )
    utility_leak_credit_basis = fields.Selection(
        related="company_id.utility_leak_credit_basis", readonly=False
    )
    utility_leak_credit_percent = fields.Float(
        related="company_id.utility_leak_credit_percent", readonly=False
    )
    utility_leak_once_a_year = fields.Boolean(
        related="company_id.utility_leak_once_a_year", readonly=False
    )
