# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilitySettings(models.TransientModel):
    """The fiscal year the revenue report groups by, on the Finance Director's
    form (Utility Billing > Configuration > Settings)."""

    _inherit = "utility.settings"

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
