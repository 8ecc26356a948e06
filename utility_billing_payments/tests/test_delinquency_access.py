# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_delinquency import UtilityDelinquencyCommon


@tagged("post_install", "-at_install")
class TestDelinquencyAccess(UtilityDelinquencyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("ACC0001")
        cls._bill(cls.account, 120.0)

    def test_policies_by_manager_only(self):
        self.policy.with_user(self.csr2).read(["name"])
        with self.assertRaises(AccessError):
            self.policy.with_user(self.csr2).minimum_amount = 0.0
        self.policy.with_user(self.manager).minimum_amount = 5.0

    def test_run_by_csr2(self):
        with self.assertRaises(AccessError):
            self._run(self._days(1), user=self.csr1)
        run = self.env["utility.delinquency.run"].create({"date": self._days(1)})
        with self.assertRaisesRegex(UserError, "Representative II runs"):
            run.with_user(self.csr1).action_run()
        wizard = (
            self.env["utility.delinquency.run.wizard"]
            .with_user(self.csr2)
            .create({"date": self._days(1)})
        )
        action = wizard.action_run()
        self.assertEqual(action["res_id"], run.id, "The date's run, run again")
        self.assertEqual(run.state, "done")
        with self.assertRaises(AccessError):
            self.env["utility.delinquency.run.wizard"].with_user(self.csr1).create(
                {"date": self._days(1)}
            )
        # A CSR I reads the runs and what they did.
        self.assertEqual(run.with_user(self.csr1).penalty_count, 1)

    def test_shutoff_list_confirmed_by_csr2(self):
        self._walk_to_list(self.account)
        self._run(self._days(60))
        shutoff = self._shutoff_line(self.account, self._days(60)).list_id
        with self.assertRaisesRegex(UserError, "Representative II confirms"):
            shutoff.with_user(self.csr1).action_confirm()
        shutoff.with_user(self.csr2).action_confirm()
        self.assertEqual(shutoff.state, "confirmed")

    def test_csr1_payment_takes_account_off_the_list(self):
        self._walk_to_list(self.account)
        self._run(self._days(60))
        line = self._shutoff_line(self.account, self._days(60))
        self.account = self.account.with_user(self.csr1)
        self._pay(self.account, 132.0, self._days(60))
        self.assertEqual(line.state, "removed")

    def test_csr1_creates_plans(self):
        plan = (
            self.env["utility.payment.plan"]
            .with_user(self.csr1)
            .create({"account_id": self.account.id, "months": 3})
        )
        plan.action_confirm()
        self.assertEqual(plan.state, "active")
        with self.assertRaises(AccessError):
            plan.with_user(self.csr1).unlink()
