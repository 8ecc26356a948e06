# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Utility Billing Reports",
    "summary": "Billing register, aged receivables, cash receipts, revenue by "
    "service and GL account, consumption and adjustment reports",
    "version": "18.0.1.0.0",
    "development_status": "Alpha",
    "category": "Accounting/Accounting",
    "website": "https://github.com/utility-billing/utility-billing",
    "author": "Utility Billing Contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["utility_billing"],
    "data": [
        "views/utility_billing_reports_menus.xml",
    ],
}
