# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilitySettings(models.TransientModel):
    """The payments settings (counter, returned payments, ACH, delinquency) on the
    Finance Director's form (Utility Billing > Configuration > Settings)."""

    _inherit = "utility.settings"

    # Counter
    utility_payment_product_id = fields.Many2one(
        related="company_id.utility_payment_product_id", readonly=False
    )
    utility_counter_clearing_account_id = fields.Many2one(
        related="company_id.utility_counter_clearing_account_id", readonly=False
    )
    utility_counter_journal_id = fields.Many2one(
        related="company_id.utility_counter_journal_id", readonly=False
    )
    # Returned Payments
    utility_nsf_fee_product_id = fields.Many2one(
        related="company_id.utility_nsf_fee_product_id", readonly=False
    )
    utility_nsf_fee_first = fields.Monetary(
        related="company_id.utility_nsf_fee_first",
        readonly=False,
        currency_field="currency_id",
    )
    utility_nsf_fee_next = fields.Monetary(
        related="company_id.utility_nsf_fee_next",
        readonly=False,
        currency_field="currency_id",
    )
    utility_nsf_cash_only_count = fields.Integer(
        related="company_id.utility_nsf_cash_only_count", readonly=False
    )
    # ACH Autopay
    ach_immediate_destination = fields.Char(
        related="company_id.ach_immediate_destination", readonly=False
    )
    ach_immediate_destination_name = fields.Char(
        related="company_id.ach_immediate_destination_name", readonly=False
    )
    ach_immediate_origin = fields.Char(
        related="company_id.ach_immediate_origin", readonly=False
    )
    ach_immediate_origin_name = fields.Char(
        related="company_id.ach_immediate_origin_name", readonly=False
    )
    ach_originating_dfi = fields.Char(
        related="company_id.ach_originating_dfi", readonly=False
    )
    ach_company_identification = fields.Char(
        related="company_id.ach_company_identification", readonly=False
    )
    ach_company_name = fields.Char(
        related="company_id.ach_company_name", readonly=False
    )
    ach_entry_description = fields.Char(
        related="company_id.ach_entry_description", readonly=False
    )
    ach_prenote_days = fields.Integer(
        related="company_id.ach_prenote_days", readonly=False
    )
    ach_debit_amount_mode = fields.Selection(
        related="company_id.ach_debit_amount_mode", readonly=False
    )
    ach_journal_id = fields.Many2one(
        related="company_id.ach_journal_id", readonly=False
    )
    ach_clearing_account_id = fields.Many2one(
        related="company_id.ach_clearing_account_id", readonly=False
    )
    ach_return_fee_product_id = fields.Many2one(
        related="company_id.ach_return_fee_product_id", readonly=False
    )
    ach_return_fee_notice_days = fields.Integer(
        related="company_id.ach_return_fee_notice_days", readonly=False
    )
    ach_nsf_suspend_count = fields.Integer(
        related="company_id.ach_nsf_suspend_count", readonly=False
    )
    ach_line_ending = fields.Selection(
        related="company_id.ach_line_ending", readonly=False
    )
    # Delinquency
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
        related="company_id.utility_reconnect_fee_business",
        readonly=False,
        currency_field="currency_id",
    )
    utility_reconnect_fee_after_hours = fields.Monetary(
        related="company_id.utility_reconnect_fee_after_hours",
        readonly=False,
        currency_field="currency_id",
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
        related="company_id.utility_plan_approval_amount",
        readonly=False,
        currency_field="currency_id",
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

    def action_utility_counter_setup(self):
        """Create the counter journal, clearing account and payment product."""
        self._check_manager(self.company_id)
        self.company_id.sudo()._utility_counter_setup()
        return True
