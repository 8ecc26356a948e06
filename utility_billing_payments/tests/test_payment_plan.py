# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common_delinquency import UtilityDelinquencyCommon


@tagged("post_install", "-at_install")
class TestPaymentPlan(UtilityDelinquencyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("PLAN001")
        cls.bill = cls._bill(cls.account, 300.0)

    def _plan(self, user=None, **vals):
        values = {
            "account_id": self.account.id,
            "months": 4,
            "down_payment": 60.0,
            "start_date": self._days(10),
        }
        values.update(vals)
        Plan = self.env["utility.payment.plan"].with_user(user or self.csr1)
        return Plan.create(values)

    def test_installments(self):
        plan = self._plan(months=7, down_payment=0.0)
        plan.action_compute_installments()
        amounts = plan.installment_ids.mapped("amount")
        self.assertEqual(len(amounts), 7)
        self.assertEqual(amounts[:6], [42.86] * 6)
        self.assertAlmostEqual(amounts[-1], 42.84, places=2)
        self.assertAlmostEqual(sum(amounts), 300.0, places=2)
        self.assertEqual(plan.installment_ids[0].due_date, date(2025, 4, 13))
        plan = self._plan()
        plan.action_compute_installments()
        self.assertEqual(
            plan.installment_ids.mapped("amount"), [60.0, 60.0, 60.0, 60.0, 60.0]
        )
        self.assertEqual(plan.installment_ids[0].due_date, self._days(10))

    def test_terms_are_checked(self):
        with self.assertRaisesRegex(ValidationError, "between 1 and 12"):
            self._plan(months=13)
        with self.assertRaisesRegex(ValidationError, "between 1 and 12"):
            self._plan(months=0)
        plan = self._plan(down_payment=400.0)
        with self.assertRaisesRegex(UserError, "down payment is more"):
            plan.action_confirm()
        self.company.utility_plan_max_months = 18
        self.assertEqual(self._plan(months=18).months, 18)

    def test_approval_above_threshold(self):
        self.company.utility_plan_approval_amount = 250.0
        plan = self._plan()
        plan.action_confirm()
        self.assertEqual(plan.state, "to_approve")
        with self.assertRaisesRegex(UserError, "Representative II approves"):
            plan.with_user(self.csr1).action_approve()
        plan.with_user(self.csr2).action_approve()
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.approved_by_id, self.csr2)
        self.assertEqual(self.account.payment_plan_id, plan)
        # Under the threshold a CSR I activates it directly.
        other = self._account("PLAN002")
        self._bill(other, 100.0)
        small = self._plan(account_id=other.id, down_payment=0.0)
        small.action_confirm()
        self.assertEqual(small.state, "active")

    def test_kept_plan_stops_the_steps(self):
        self._run(self._days(1))
        plan = self._plan()
        plan.action_confirm()
        self.assertEqual(plan.amount_total, 330.0, "Bill and penalty")
        self._pay(self.account, 60.0, self._days(10))
        self._pay(self.account, 67.5, self._days(40))
        for day in (5, 30, 45, 60):
            self._run(self._days(day))
        self.assertFalse(self._notices(self.account), "No step while kept")
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.amount_paid, 127.5)
        states = plan.installment_ids.mapped("state")
        self.assertEqual(states[:2], ["paid", "paid"])
        # Paid in full: completed.
        self._pay(self.account, 202.5, self._days(70))
        self._run(self._days(71))
        self.assertEqual(plan.state, "completed")
        self.assertFalse(self.account.payment_plan_id)

    def test_broken_plan_resumes_steps(self):
        for day in (1, 5):
            self._run(self._days(day))
        plan = self._plan()
        plan.action_confirm()
        self._pay(self.account, 60.0, self._days(10))
        # The first installment (April 13) unpaid: 60 days of grace run to June 12.
        self._run(date(2025, 6, 12))
        self.assertEqual(plan.state, "active")
        run = self._run(date(2025, 6, 13))
        self.assertEqual(plan.state, "broken")
        self.assertEqual(plan.broken_date, date(2025, 6, 13))
        self.assertEqual(run.plan_broken_count, 1)
        broken = self._notices(self.account, "plan_broken")
        self.assertEqual(len(broken), 1)
        self.assertEqual(broken.channel, "letter")
        self.assertEqual(broken.state, "sent")
        self.assertEqual(broken.payment_plan_id, plan)
        # Five business days after Friday June 13: Thursday June 19 (Juneteenth)
        # is a holiday, so Monday June 23.
        self.assertEqual(broken.shutoff_date, date(2025, 6, 23))
        # The steps resume where they stopped: the final notice comes next.
        self.assertEqual(len(self._notices(self.account, "final")), 1)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("utility_billing.report_utility_notice", broken.ids)[0]
            .decode()
        )
        self.assertIn("Payment Plan Not Kept", html)
        self.assertIn(plan.name, html)

    def test_plan_takes_account_off_the_list_and_reconnects(self):
        self._walk_to_list(self.account)
        self._run(self._days(60))
        line = self._shutoff_line(self.account, self._days(60))
        line.list_id.with_user(self.csr2).action_confirm()
        line.order_id.result_date = self._days(60)
        line.order_id.action_done()
        self.assertTrue(self.account.disconnected)
        plan = self._plan(start_date=self._days(62))
        plan.with_user(self.csr2).action_confirm()
        reconnect = self.env["utility.service.order"].search(
            [("account_id", "=", self.account.id), ("order_type", "=", "reconnect")]
        )
        self.assertEqual(len(reconnect), 1)
        self.assertEqual(reconnect.reconnect_fee_move_id.amount_total, 75.0)
        reconnect.action_done()
        self.assertFalse(self.account.disconnected)

    def test_counter_flags(self):
        self.assertNotIn("Payment plan", self.account._pos_counter_flags())
        plan = self._plan(down_payment=0.0)
        plan.action_confirm()
        self.assertIn("Payment plan", self.account._pos_counter_flags())
        self.account.shutoff_pending = True
        self.assertIn("Shut-off pending", self.account._pos_counter_flags())
