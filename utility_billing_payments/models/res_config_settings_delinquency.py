# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Split by feature (counter, ACH, delinquency), as the suite's files are.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    utility_dlq_penalty_journal_id = fields.Many2one(
        related="company_id.utility_dlq_penalty_journal_id", readonly=False
    )
    utility_dlq_penalty_due_days = fields.Integer(
        related="company_id.utility_dlq_penalty_due_days", readonly=False
    )
    utility_reconnect_product_id = fields.Many2one(
        related="company_id.utility_reconnect_product_id", readonly=False
    )
    utility_reconnect_fee_business = fields.Monetary(
        related="company_id.utility_reconnect_fee_business", readonly=False
    )
    utility_reconnect_fee_after_hours = fields.Monetary(
        related="company_id.utility_reconnect_fee_after_hours", readonly=False
    )
    utility_reconnect_cpi_base = fields.Float(
        related="company_id.utility_reconnect_cpi_base", readonly=False
    )
    utility_reconnect_cpi_current = fields.Float(
        related="company_id.utility_reconnect_cpi_current", readonly=False
    )
    utility_plan_max_months = fields.Integer(
        related="company_id.utility_plan_max_months", readonly=False
    )
    utility_plan_grace_days = fields.Integer(
        related="company_id.utility_plan_grace_days", readonly=False
    )
    utility_plan_approval_amount = fields.Monetary(
        related="company_id.utility_plan_approval_amount", readonly=False
    )
    utility_collection_age_days = fields.Integer(
        related="company_id.utility_collection_age_days", readonly=False
    )
    utility_bad_debt_account_id = fields.Many2one(
        related="company_id.utility_bad_debt_account_id", readonly=False
    )
    utility_bad_debt_recovery_account_id = fields.Many2one(
        related="company_id.utility_bad_debt_recovery_account_id", readonly=False
    )
    utility_write_off_journal_id = fields.Many2one(
        related="company_id.utility_write_off_journal_id", readonly=False
    )
    utility_sb998_phone = fields.Char(
        related="company_id.utility_sb998_phone", readonly=False
    )
