# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_delinquency import UtilityDelinquencyCommon


@tagged("post_install", "-at_install")
class TestDelinquencyIdempotent(UtilityDelinquencyCommon):
    """Issue 13 item 4: running a date any number of times, by the scheduled
    action or by the CSR II's wizard, does what one run does; an earlier date
    is refused once a later one ran.

    The bill is due Monday March 3, 2025 (policy days 1, 5, 30, 45, 58, 60):
    day 30 is Wednesday April 2, day 31 Thursday April 3, day 45 Thursday
    April 17; day 50 Tuesday April 22, day 51 Wednesday April 23.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("IDEM001")
        cls.bill = cls._bill(cls.account, 120.0)

    def _cron(self, when):
        # 13:00 UTC is 06:00 in Los Angeles: the same local date.
        with freeze_time(f"{when} 13:00:00"):
            self.env.ref(
                "utility_billing_payments.ir_cron_delinquency_daily"
            ).method_direct_trigger()

    def _wizard(self, when):
        with freeze_time(f"{when} 20:00:00"):
            wizard = (
                self.env["utility.delinquency.run.wizard"]
                .with_user(self.csr2)
                .create({"date": when})
            )
            wizard.action_run()

    def _kinds(self):
        return sorted(self._notices(self.account).mapped("kind"))

    def _snapshot(self):
        account = self.account
        account.invalidate_recordset()
        return (
            self._notices(account).ids,
            self._events(account).ids,
            self._penalties(account).ids,
            account.dlq_step_id,
            account.dlq_step_date,
        )

    def test_cron_then_wizard_same_date_one_step(self):
        """An account behind its steps (first run on day 50): the scheduled run
        sends the late notice; the wizard for the same date, twice, takes no
        other step; the next day takes the next one."""
        self._cron(date(2025, 4, 22))
        self.assertEqual(self._kinds(), ["late"])
        self.assertEqual(len(self._penalties(self.account)), 1)
        before = self._snapshot()
        self._wizard(date(2025, 4, 22))
        self._wizard(date(2025, 4, 22))
        self._cron(date(2025, 4, 22))
        self.assertEqual(self._snapshot(), before)
        self.assertEqual(self._kinds(), ["late"])
        # Next day: the final notice is due (day 30 passed), one step only.
        self._wizard(date(2025, 4, 23))
        self.assertEqual(self._kinds(), ["final", "late"])
        self._cron(date(2025, 4, 23))
        self.assertEqual(self._kinds(), ["final", "late"])

    def test_wizard_twice_one_step(self):
        self._wizard(date(2025, 4, 22))  # day 50, first run: late notice
        self._wizard(date(2025, 4, 22))
        self.assertEqual(self._kinds(), ["late"])
        self._wizard(date(2025, 4, 23))  # day 51: the final notice only
        self._wizard(date(2025, 4, 23))
        self.assertEqual(self._kinds(), ["final", "late"])
        self.assertEqual(len(self._penalties(self.account)), 1)

    def test_next_day_only_when_due(self):
        for day in (1, 5):
            self._run(self._days(day))
        self._wizard(date(2025, 4, 2))  # day 30: final notice
        self._wizard(date(2025, 4, 2))
        self.assertEqual(self._kinds(), ["final", "late"])
        self.assertEqual(len(self._events(self.account)), 3)  # penalty, late, final
        # Day 31: the shut-off notice is due on day 45 only.
        self._cron(date(2025, 4, 3))
        self._wizard(date(2025, 4, 3))
        self.assertEqual(self._kinds(), ["final", "late"])
        self._cron(date(2025, 4, 17))  # day 45
        self._wizard(date(2025, 4, 17))
        self.assertEqual(self._kinds(), ["final", "late", "shutoff"])

    def test_earlier_date_after_later_run_refused(self):
        for day in (1, 5, 30):
            self._run(self._days(day))
        self._wizard(date(2025, 4, 3))  # day 31: nothing due
        before = self._snapshot()
        run_30 = self.env["utility.delinquency.run"].search(
            [("date", "=", date(2025, 4, 2))]
        )
        with self.assertRaisesRegex(UserError, "04/03/2025|2025-04-03"):
            self._wizard(date(2025, 4, 2))
        with self.assertRaises(UserError):
            self._wizard(date(2025, 3, 8))
        with self.assertRaises(UserError):
            run_30.with_user(self.csr2).action_run()
        self.assertEqual(self._snapshot(), before)
        self.assertEqual(run_30.state, "done")
        # The scheduled action of an earlier day does nothing either.
        self._cron(date(2025, 4, 2))
        self.assertEqual(self._snapshot(), before)
