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
    "depends": ["utility_billing", "point_of_sale", "resource"],
    "data": [
        "views/utility_billing_payments_menus.xml",
        "security/ir.model.access.csv",
        "security/utility_delinquency_security.xml",
        "data/utility_delinquency_data.xml",
        "data/utility_delinquency_mail_template_data.xml",
        "report/utility_delinquency_notice_report.xml",
        "report/utility_delinquency_reports.xml",
        "wizards/utility_delinquency_wizard_views.xml",
        "views/utility_delinquency_policy_views.xml",
        "views/utility_delinquency_run_views.xml",
        "views/utility_delinquency_shutoff_views.xml",
        "views/utility_payment_plan_views.xml",
        "views/utility_delinquency_collection_views.xml",
        "views/utility_delinquency_account_views.xml",
        "views/res_config_settings_delinquency_views.xml",
        "views/utility_delinquency_menus.xml",
    ],
}
