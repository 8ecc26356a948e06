# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # The company's fiscal year (Odoo Community sets it only in the accounting
    # onboarding): the revenue report groups by it.
    utility_fiscalyear_last_day = fields.Integer(
        related="company_id.fiscalyear_last_day",
        readonly=False,
        string="Fiscal Year Last Day",
    )
    utility_fiscalyear_last_month = fields.Selection(
        related="company_id.fiscalyear_last_month",
        readonly=False,
        string="Fiscal Year Last Month",
    )
