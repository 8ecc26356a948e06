# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The "willing to enter a payment plan" checkbox becomes an accepted SB 998
case of willingness (see utility_billing's migration of the other flags)."""

from odoo import SUPERUSER_ID, api

from odoo.addons.utility_billing.models.utility_sb998_case import sb998_cases_from_flags


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    sb998_cases_from_flags(env, {"plan_willing": "willingness"})
