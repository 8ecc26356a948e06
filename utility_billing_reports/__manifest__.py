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
    # point_of_sale: the counter receipts of the cash receipts journal.
    "depends": ["utility_billing", "point_of_sale"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        # Security
        "security/ir.model.access.csv",
        "security/utility_billing_reports_security.xml",
        # Reports
        "report/utility_report_reports.xml",
        "report/utility_report_templates.xml",
        # Data
        "data/ir_cron_data.xml",
        # Wizards
        "wizards/utility_report_aged_receivable_views.xml",
        "wizards/utility_report_month_end_views.xml",
        "wizards/utility_report_export_views.xml",
        # Views
        "views/utility_report_billing_register_views.xml",
        "views/utility_report_revenue_views.xml",
        "views/utility_report_consumption_views.xml",
        "views/utility_report_cash_receipt_views.xml",
        "views/utility_report_adjustment_views.xml",
        "views/utility_month_close_views.xml",
        "views/res_config_settings_views.xml",
        "views/utility_settings_views.xml",
        # Menus
        "views/utility_billing_reports_menus.xml",
    ],
    "post_init_hook": "post_init_hook",
    "demo": [
        "demo/utility_billing_reports_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "utility_billing_reports/static/tests/tours/**/*",
        ],
    },
}
