# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common_delinquency import UtilityDelinquencyCommon


@tagged("post_install", "-at_install")
class TestBusinessDays(UtilityDelinquencyCommon):
    """ACH, SB 998 and disconnections share the company's business calendar:
    no shut-off list is released, and no disconnect order scheduled, on a
    weekend, a holiday or a day the office declares closed.

    The bill is due Monday March 3, 2025: day 60 is Friday May 2, day 61
    Saturday May 3; Monday May 5 is the next business day.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._account("BDAY001")
        cls.bill = cls._bill(cls.account, 150.0)
        cls.calendar = cls.company._utility_business_calendar()
        cls.calendar.closed_day_ids.unlink()

    def _declare(self, day, kind="office", name="Office closed"):
        return (
            self.env["utility.closed.day"]
            .with_user(self.manager)
            .create(
                {
                    "calendar_id": self.calendar.id,
                    "date": day,
                    "name": name,
                    "kind": kind,
                }
            )
        )

    def _lists(self, day):
        return self.env["utility.shutoff.list"].search(
            [("company_id", "=", self.company.id), ("date", "=", day)]
        )

    def test_saturday_run_releases_monday_list(self):
        """The run of Saturday May 3 puts the account on Monday's list; no list
        is dated Saturday, and the disconnect order is scheduled Monday."""
        self._walk_to_list(self.account)
        run = self._run(date(2025, 5, 3))
        self.assertFalse(self._lists(date(2025, 5, 3)))
        line = run.shutoff_list_id.line_ids.filtered(
            lambda ln: ln.account_id == self.account
        )
        self.assertEqual(run.shutoff_list_id.date, date(2025, 5, 5))
        self.assertEqual(line.state, "eligible", line.block_reason)
        run.shutoff_list_id.with_user(self.csr2).action_confirm()
        self.assertEqual(line.order_id.scheduled_date, date(2025, 5, 5))

    def test_list_skips_a_declared_closed_day(self):
        """With Monday May 5 declared closed by the Finance Director, the
        weekend's run fills Tuesday's list."""
        self._walk_to_list(self.account)
        self._declare(date(2025, 5, 5), name="Cinco de Mayo closure")
        run = self._run(date(2025, 5, 4))
        self.assertEqual(run.shutoff_list_id.date, date(2025, 5, 6))
        self.assertFalse(self._lists(date(2025, 5, 5)))

    def test_no_list_on_a_weekend_or_holiday(self):
        List = self.env["utility.shutoff.list"]
        for day, reason in (
            (date(2025, 5, 3), "Saturday"),
            (date(2025, 7, 4), "Independence Day"),
            (date(2025, 11, 27), "Thanksgiving"),
        ):
            with self.assertRaisesRegex(ValidationError, reason):
                List.create({"company_id": self.company.id, "date": day})
        self.assertEqual(
            List._get_for_date(self.company, date(2025, 7, 4)).date, date(2025, 7, 7)
        )

    def test_cron_today_is_the_utility_today(self):
        """At 06:00 UTC on Sunday March 9 it is still Saturday March 8 in
        California: the scheduled run is the one of March 8 (day 5), whatever
        the zone of the user the job runs as."""
        cron = self.env.ref("utility_billing_payments.ir_cron_delinquency_daily")
        cron.user_id.tz = "UTC"
        with freeze_time("2025-03-09 06:00:00"):
            cron.method_direct_trigger()
        run = self.env["utility.delinquency.run"].search(
            [
                ("company_id", "=", self.company.id),
                ("date", "in", [date(2025, 3, 8), date(2025, 3, 9)]),
            ]
        )
        self.assertEqual(run.date, date(2025, 3, 8))
        self.assertEqual(len(self._notices(self.account, "late")), 1)

    def test_ach_banking_days(self):
        """Juneteenth is a bank holiday; a bank closing declared by the Finance
        Director counts for ACH; an office closing does not."""
        company = self.company
        self.assertFalse(company._ach_is_banking_day(date(2025, 6, 19)))
        self.assertEqual(
            company._ach_add_banking_days(date(2025, 6, 18), 1), date(2025, 6, 20)
        )
        self._declare(date(2025, 6, 20), name="Office picnic")
        self.assertEqual(
            company._ach_add_banking_days(date(2025, 6, 18), 1), date(2025, 6, 20)
        )
        self.calendar.closed_day_ids.unlink()
        self._declare(date(2025, 6, 20), kind="bank", name="Bank closed")
        self.assertEqual(
            company._ach_add_banking_days(date(2025, 6, 18), 1), date(2025, 6, 23)
        )
        self.assertEqual(
            company._ach_next_banking_day(date(2025, 6, 19)), date(2025, 6, 23)
        )
        # The office is open that day: SB 998 counts it.
        self.assertTrue(company._utility_is_business_day(date(2025, 6, 20)))

    def test_plan_final_notice_counts_business_days(self):
        """Five business days after a plan default on Friday June 13, 2025
        skip the weekend and Juneteenth: Monday June 23."""
        self.assertEqual(
            self.company._utility_add_business_days(date(2025, 6, 13), 5),
            date(2025, 6, 23),
        )
