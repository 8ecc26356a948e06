# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Utility Billing Settings: the customer portal's rate limits (page Portal)."""

from odoo import fields, models


class UtilitySettings(models.TransientModel):
    _inherit = "utility.settings"

    utility_portal_ip_attempts = fields.Integer(
        related="company_id.utility_portal_ip_attempts", readonly=False
    )
    utility_portal_ip_minutes = fields.Integer(
        related="company_id.utility_portal_ip_minutes", readonly=False
    )
    utility_portal_key_attempts = fields.Integer(
        related="company_id.utility_portal_key_attempts", readonly=False
    )
    utility_portal_key_minutes = fields.Integer(
        related="company_id.utility_portal_key_minutes", readonly=False
    )
