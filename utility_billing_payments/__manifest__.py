# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Utility Billing Payments",
    "summary": "Counter payments at the Point of Sale, ACH autopay, delinquency "
    "notices under California SB 998, payment plans and collections",
    "version": "18.0.1.0.0",
    "development_status": "Alpha",
    "category": "Accounting/Accounting",
    "website": "https://github.com/utility-billing/utility-billing",
    "author": "Utility Billing Contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["utility_billing", "point_of_sale"],
    "data": [
        "views/utility_billing_payments_menus.xml",
    ],
}
