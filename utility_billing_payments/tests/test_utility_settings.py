# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payments settings on the Finance Director's form (``utility.settings``)."""

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestUtilitySettingsPayments(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.manager = new_test_user(
            cls.env,
            login="test_settings_manager",
            groups="base.group_user,utility_billing.group_manager",
            tz="America/Los_Angeles",
        )
        cls.csr2 = new_test_user(
            cls.env,
            login="test_settings_csr2",
            groups="base.group_user,utility_billing.group_csr_2",
            tz="America/Los_Angeles",
        )

    def test_manager_sets_fees_ach_and_plans(self):
        """A Finance Director who is not an Odoo administrator sets the returned
        check fees, the ACH prenote days, the plan grace and the fiscal year."""
        self.assertFalse(self.manager.has_group("base.group_system"))
        settings = (
            self.env["utility.settings"]
            .with_user(self.manager)
            .create(
                {
                    "utility_nsf_fee_first": 25.0,
                    "utility_nsf_fee_next": 35.0,
                    "ach_prenote_days": 6,
                    "utility_plan_grace_days": 60,
                    "utility_fiscalyear_last_month": "6",
                    "utility_fiscalyear_last_day": 30,
                }
            )
        )
        settings.execute()
        self.assertEqual(self.company.utility_nsf_fee_first, 25.0)
        self.assertEqual(self.company.utility_nsf_fee_next, 35.0)
        self.assertEqual(self.company.ach_prenote_days, 6)
        self.assertEqual(self.company.utility_plan_grace_days, 60)
        self.assertEqual(self.company.fiscalyear_last_month, "6")
        self.assertEqual(self.company.fiscalyear_last_day, 30)
        # The form shows what the company holds.
        again = self.env["utility.settings"].with_user(self.manager).create({})
        self.assertEqual(again.utility_nsf_fee_next, 35.0)

    def test_csr2_cannot_change_fees(self):
        """A CSR II cannot change a fee through the form, nor start counter setup."""
        before = self.company.utility_nsf_fee_first
        with self.assertRaises(AccessError):
            self.env["utility.settings"].with_user(self.csr2).create(
                {"utility_nsf_fee_first": 1.0}
            )
        settings = self.env["utility.settings"].create({})
        with self.assertRaises(AccessError):
            settings.with_user(self.csr2).write({"utility_nsf_fee_first": 1.0})
        with self.assertRaises(AccessError):
            settings.with_user(self.csr2).action_utility_counter_setup()
        self.assertEqual(self.company.utility_nsf_fee_first, before)

    def test_settings_menu_opens_a_record_of_the_company(self):
        """Configuration > Settings opens the company's settings as a record
        (its breadcrumb says what it is, not "New"); saving it writes the
        company; a CSR II cannot open it."""
        action = self.env["utility.settings"].with_user(self.manager).action_open()
        settings = self.env["utility.settings"].browse(action["res_id"])
        self.assertEqual(settings.company_id, self.company)
        self.assertEqual(settings.display_name, "Utility Billing Settings")
        settings.with_user(self.manager).write({"utility_service_phone": "555-0100"})
        self.assertEqual(self.company.utility_service_phone, "555-0100")
        with self.assertRaises(AccessError):
            self.env["utility.settings"].with_user(self.csr2).action_open()
