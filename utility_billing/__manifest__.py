# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Utility Billing",
    "summary": "Premises, meters, service accounts and meter reads for a "
    "municipal water, sewer and trash utility",
    "version": "18.0.1.0.0",
    "development_status": "Alpha",
    "category": "Accounting/Accounting",
    "website": "https://github.com/utility-billing/utility-billing",
    "author": "Utility Billing Contributors",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": ["account", "mail", "uom"],
    "data": [
        # Security
        "security/utility_billing_groups.xml",
        "security/ir.model.access.csv",
        "security/utility_billing_security.xml",
        # Data
        "data/decimal_precision_data.xml",
        "data/uom_data.xml",
        "data/ir_sequence_data.xml",
        "data/utility_service_type_data.xml",
        "data/utility_read_exception_rule_data.xml",
        "data/utility_read_import_mapping_data.xml",
        # Wizards
        "wizards/utility_meter_receive_views.xml",
        "wizards/utility_meter_install_views.xml",
        "wizards/utility_meter_remove_views.xml",
        "wizards/utility_meter_test_views.xml",
        "wizards/utility_read_correct_views.xml",
        "wizards/utility_read_entry_views.xml",
        "wizards/utility_read_import_wizard_views.xml",
        "wizards/utility_read_estimate_views.xml",
        "wizards/utility_start_service_views.xml",
        "wizards/utility_stop_service_views.xml",
        # Views
        "views/utility_service_type_views.xml",
        "views/utility_billing_cycle_views.xml",
        "views/utility_route_views.xml",
        "views/utility_premise_views.xml",
        "views/utility_meter_views.xml",
        "views/utility_account_views.xml",
        "views/utility_meter_read_views.xml",
        "views/utility_read_import_views.xml",
        "views/utility_read_exception_rule_views.xml",
        "views/utility_deposit_rule_views.xml",
        "views/utility_billing_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/utility_billing_demo.xml",
    ],
}
