# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Each role's daily path in the web client (headless Chromium), as its user:

* CSR I keys the day's reads of a route and starts service for a new customer
  (the counter payment is the POS tours' job: test_demo_counter.py and
  utility_billing_payments' test_counter_tours.py);
* CSR II accepts a flagged read, approves and posts an adjustment, computes
  and posts the month's billing run;
* the Finance Director opens the month-end summary and the aged receivables.

The tours click what the user clicks; this test checks the outcome in the
database, as the user's supervisor would."""

from datetime import timedelta

from odoo.tests import HttpCase, tagged

from odoo.addons.utility_billing.tests.common_billing import UtilityBillingRunCommon


@tagged("post_install", "-at_install")
class TestRoleTours(UtilityBillingRunCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.route.name = "Tour Route"
        cls.cycle.name = "Tour Cycle"
        cls.today = cls.company._utility_today()
        cls.premise, cls.meter, cls.account = cls._billing_account(
            "TOUR-M1", install_date=cls.today - timedelta(days=40)
        )

    def test_csr1_enters_the_reads_of_a_route(self):
        self.start_tour(
            "/odoo/action-utility_billing.utility_read_entry_action",
            "UtilityRoleCsr1ReadsTour",
            login=self.csr1.login,
        )
        read = self.env["utility.meter.read"].search(
            [("meter_id", "=", self.meter.id), ("create_uid", "=", self.csr1.id)]
        )
        self.assertEqual(len(read), 1)
        self.assertEqual(read.reading, 25.0)
        # The local date of the office, whatever the time is in UTC.
        self.assertEqual(read.read_date, self.today)
        self.assertEqual(read.account_id, self.account)

    def test_csr1_starts_service_for_a_new_customer(self):
        premise = self._create_premise(street="88 Tour Street", sequence=20)
        meter = self._create_meter("TOUR-M2")
        meter._install(premise, self.today - timedelta(days=10), 7.0)
        self.start_tour(
            "/odoo/action-utility_billing.utility_start_service_action",
            "UtilityRoleCsr1StartTour",
            login=self.csr1.login,
        )
        account = self.env["utility.account"].search([("premise_id", "=", premise.id)])
        self.assertEqual(len(account), 1)
        self.assertEqual(account.partner_id.name, "Lucia Tour")
        self.assertEqual(account.state, "active")
        self.assertEqual(account.start_date, self.today)
        self.assertEqual(account.service_ids.meter_id, meter)

    def test_csr2_accepts_a_flagged_read(self):
        read = self._read(self.meter, self.today - timedelta(days=2), 30)
        read.sudo().state = "to_review"
        self.start_tour(
            f"/odoo/action-utility_billing.utility_meter_read_action_review/{read.id}",
            "UtilityRoleCsr2ReviewTour",
            login=self.csr2.login,
        )
        self.assertEqual(read.state, "valid")

    def test_csr2_approves_and_posts_an_adjustment(self):
        self.company.utility_adjustment_product_id = self._utility_product(
            "Tour Billing Adjustment", self.income_other
        )
        adjustment = (
            self.env["utility.adjustment"]
            .with_user(self.csr1)
            .create(
                {
                    "account_id": self.account.id,
                    "adjustment_type": "other",
                    "amount": 15.0,
                    "reason": "Tour billing error",
                }
            )
        )
        adjustment.action_submit()
        self.assertEqual(adjustment.state, "to_approve")
        self.start_tour(
            f"/odoo/action-utility_billing.utility_adjustment_action/{adjustment.id}",
            "UtilityRoleCsr2AdjustmentTour",
            login=self.csr2.login,
        )
        self.assertEqual(adjustment.state, "posted")
        self.assertEqual(adjustment.approver_id, self.csr2)
        self.assertEqual(adjustment.move_id.state, "posted")
        self.assertEqual(adjustment.move_id.amount_total, 15.0)

    def test_csr2_computes_and_posts_the_run(self):
        # March 2025, two accounts read (TOUR-M1 started after it).
        _premise, meter_a, account_a = self._billing_account("TOUR-M3", sequence=30)
        _premise, meter_b, account_b = self._billing_account("TOUR-M4", sequence=40)
        self._read(meter_a, "2025-03-28", 30)
        self._read(meter_b, "2025-03-28", 12)
        run = self.env["utility.billing.run"].create(
            {
                "cycle_id": self.cycle.id,
                "period_start": self.PERIOD_START,
                "period_end": self.PERIOD_END,
                "bill_date": self.BILL_DATE,
            }
        )
        self.start_tour(
            f"/odoo/action-utility_billing.utility_billing_run_action/{run.id}",
            "UtilityRoleCsr2RunTour",
            login=self.csr2.login,
        )
        self.assertEqual(run.state, "posted")
        bills = run.invoice_ids
        self.assertEqual(bills.utility_account_id, account_a | account_b)
        self.assertEqual(set(bills.mapped("state")), {"posted"})

    def test_finance_director_month_end_and_aging(self):
        self.start_tour(
            "/odoo/action-utility_billing_reports.utility_report_month_end_action",
            "UtilityRoleFinanceTour",
            login=self.manager.login,
        )
        self.start_tour(
            "/odoo/action-utility_billing_reports.utility_report_aged_receivable_action",
            "UtilityRoleFinanceAgingTour",
            login=self.manager.login,
        )
