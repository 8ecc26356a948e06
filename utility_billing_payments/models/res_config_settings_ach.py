# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

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
    ach_nsf_suspend_count = fields.Integer(
        related="company_id.ach_nsf_suspend_count", readonly=False
    )
    ach_line_ending = fields.Selection(
        related="company_id.ach_line_ending", readonly=False
    )
