# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Demo databases: the demo's 5% utility users tax moves to its own "Utility
Users Tax" group (demo data is not reloaded on update), so bills already
posted and their totals name it instead of the chart's "Tax 15%" group."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    tax = env.ref("utility_billing.tax_uut_demo", raise_if_not_found=False)
    group = env.ref("utility_billing.tax_group_uut_demo", raise_if_not_found=False)
    if tax and group and tax.tax_group_id != group:
        group.company_id = tax.company_id
        tax.tax_group_id = group
