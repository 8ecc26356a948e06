# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common_delinquency import UtilityDelinquencyCommon


@tagged("post_install", "-at_install")
class TestPaymentPlanDefault(UtilityDelinquencyCommon):
    """Plans (issue 13, item 8; SB 998 116910(c))."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("PLANDEF1")
        cls.bill = cls._bill(cls.account, 300.0)

    def _plan(self, **vals):
        values = {
            "account_id": self.account.id,
            "months": 4,
            "down_payment": 60.0,
            "start_date": self._days(10),
        }
        values.update(vals)
        return self.env["utility.payment.plan"].with_user(self.csr1).create(values)

    def test_grace_under_60_days_refused(self):
        with self.assertRaisesRegex(ValidationError, "less than the 60 days"):
            self._plan(grace_days=15)
        with self.assertRaisesRegex(ValidationError, "less than the 60 days"):
            self._plan(grace_days=59)
        self.assertEqual(self._plan(grace_days=90).grace_days, 90)
        self.assertEqual(self._plan().grace_days, 60)
        with self.assertRaisesRegex(ValidationError, "less than the 60 days"):
            self.company.utility_plan_grace_days = 15

    def test_default_needs_its_own_notice_and_five_business_days(self):
        """A shut-off notice sent before the plan does not count after a
        default: the plan-default notice, then 5 business days."""
        for day in (1, 5, 30, 45):
            self._run(self._days(day))
        self.assertEqual(self._notices(self.account, "shutoff").date, date(2025, 4, 17))
        # Tuesday April 22: plan of $330 (bill and penalty), nothing paid.
        plan = self._plan(start_date=self._days(50))
        plan.action_confirm()
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.installment_ids[0].due_date, date(2025, 4, 22))
        # April 22 + 60 days = Saturday June 21: broken on the run of Monday
        # June 23.
        self._run(date(2025, 6, 20))
        self.assertEqual(plan.state, "active")
        self._run(date(2025, 6, 23))
        self.assertEqual(plan.state, "broken")
        broken = self._notices(self.account, "plan_broken")
        self.assertEqual(broken.date, date(2025, 6, 23))
        # June 24, 25, 26, 27, 30: the fifth business day is Monday June 30.
        self.assertEqual(broken.shutoff_date, date(2025, 6, 30))
        # The list step comes on June 24: blocked (1 of 5 business days).
        self._run(date(2025, 6, 24))
        line = self._shutoff_line(self.account, date(2025, 6, 24))
        self.assertEqual(line.state, "blocked")
        self.assertIn("payment plan default", line.block_reason)
        self.assertIn("1 of 5", line.block_reason)
        # Friday June 27: 4 of 5.
        self._run(date(2025, 6, 27))
        line = self._shutoff_line(self.account, date(2025, 6, 27))
        self.assertEqual(line.state, "blocked")
        self.assertIn("4 of 5", line.block_reason)
        # Monday June 30: eligible.
        self._run(date(2025, 6, 30))
        line = self._shutoff_line(self.account, date(2025, 6, 30))
        self.assertEqual(line.state, "eligible", line.block_reason)

    def test_current_charges_unpaid_60_days_break_the_plan(self):
        plan = self._plan()
        plan.action_confirm()
        self.assertEqual(plan.amount_total, 300.0)
        self._pay(self.account, 60.0, self._days(10))
        # A new bill, not covered by the plan, due Wednesday April 2.
        current = self._bill(self.account, 50.0, due=date(2025, 4, 2))
        self.assertNotIn(current, plan.move_ids)
        # April 2 + 60 days = Sunday June 1: still kept that day (the April 13
        # installment has its own grace until June 12).
        self._run(date(2025, 6, 1))
        self.assertEqual(plan.state, "active")
        run = self._run(date(2025, 6, 2))
        self.assertEqual(plan.state, "broken")
        self.assertEqual(plan.broken_date, date(2025, 6, 2))
        self.assertEqual(run.plan_broken_count, 1)
        broken = self._notices(self.account, "plan_broken")
        self.assertEqual(len(broken), 1)
        # June 3, 4, 5, 6, 9: the fifth business day is Monday June 9.
        self.assertEqual(broken.shutoff_date, date(2025, 6, 9))
        self.assertIn("Current charges", plan.message_ids[:3].mapped("body")[0])

    def test_current_charges_paid_keep_the_plan(self):
        plan = self._plan()
        plan.action_confirm()
        self._pay(self.account, 60.0, self._days(10))
        current = self._bill(self.account, 50.0, due=date(2025, 4, 2))
        # The customer pays that bill (Register Payment on it) on May 30.
        with freeze_time("2025-05-30 17:00:00"):
            self.env["account.payment.register"].with_user(self.manager).with_context(
                active_model="account.move", active_ids=current.ids
            ).create(
                {"journal_id": self.bank_journal.id, "payment_date": date(2025, 5, 30)}
            )._create_payments()
        self.assertIn(current.payment_state, ("paid", "in_payment"))
        self._run(date(2025, 6, 2))
        self.assertEqual(plan.state, "active")
