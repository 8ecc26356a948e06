# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The SB 998 checkboxes become evidence: each account whose low income,
medical certification or appeal pending box was ticked gets the matching SB 998
case (accepted, or pending for an appeal), so that the flags, now computed
from the cases, keep their value."""

from odoo import SUPERUSER_ID, api

from odoo.addons.utility_billing.models.utility_sb998_case import sb998_cases_from_flags


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    sb998_cases_from_flags(
        env,
        {
            "low_income": "inability",
            "medical_certification": "medical",
            "appeal_pending": "appeal",
        },
    )
