# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import UtilityBillingCommon


@tagged("post_install", "-at_install")
class TestBusinessCalendar(UtilityBillingCommon):
    """One business calendar per company, shipped for a California city: the
    office's business days (US federal and California holidays, observed
    dates) for SB 998 and disconnections, the bank's (Federal Reserve) for
    ACH, plus the days the Finance Director declares."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.company._utility_business_calendar()
        cls.calendar.closed_day_ids.unlink()

    def _declare(self, day, kind="office", name="Office closed", user=None):
        return (
            self.env["utility.closed.day"]
            .with_user(user or self.manager)
            .create(
                {
                    "calendar_id": self.calendar.id,
                    "date": day,
                    "name": name,
                    "kind": kind,
                }
            )
        )

    def test_shipped_configuration(self):
        """Every company has a calendar: Pacific time, US federal and California
        holidays, Federal Reserve banking days; a new company gets one too."""
        calendar = self.calendar
        self.assertEqual(calendar.tz, "America/Los_Angeles")
        self.assertEqual(
            (calendar.country_code, calendar.subdivision_code), ("US", "CA")
        )
        self.assertTrue(calendar.include_country_holidays)
        self.assertEqual(calendar.bank_calendar, "XFED")
        other = self.env["res.company"].create({"name": "Indio Water Authority"})
        self.assertEqual(other._utility_business_calendar().tz, "America/Los_Angeles")
        self.assertEqual(
            self.env["utility.business.calendar"].search_count(
                [("company_id", "=", other.id)]
            ),
            1,
        )

    def test_july_4_and_thanksgiving_are_not_business_days(self):
        """Without any configuration, July 4 and Thanksgiving (and the day
        after, a California holiday) are not business days for SB 998."""
        company = self.company
        for day in (date(2025, 7, 4), date(2025, 11, 27), date(2025, 11, 28)):
            self.assertFalse(company._utility_is_business_day(day), day)
        self.assertEqual(
            company._utility_add_business_days(date(2025, 7, 3), 1), date(2025, 7, 7)
        )
        self.assertEqual(
            company._utility_add_business_days(date(2025, 11, 26), 1),
            date(2025, 12, 1),
        )
        self.assertEqual(
            company._utility_count_business_days(date(2025, 11, 24), date(2025, 12, 1)),
            3,
            "Tuesday, Wednesday and Monday",
        )
        self.assertEqual(
            company._utility_closed_reason(date(2025, 7, 4)), "Independence Day"
        )
        # July 4, 2026 is a Saturday: the office observes it on Friday July 3.
        self.assertFalse(company._utility_is_business_day(date(2026, 7, 3)))

    def test_monday_holiday_does_not_close_tuesday(self):
        """Memorial Day (Monday May 26, 2025) closes the Monday only, for a user
        in Pacific time, whatever the zone of Odoo's working calendar."""
        self.company.resource_calendar_id.tz = "Europe/Brussels"
        company = self.company.with_user(self.csr1).with_context(
            tz="America/Los_Angeles"
        )
        self.assertFalse(company._utility_is_business_day(date(2025, 5, 26)))
        self.assertTrue(company._utility_is_business_day(date(2025, 5, 27)))
        self.assertEqual(
            company._utility_business_days(date(2025, 5, 24), date(2025, 5, 28)),
            [date(2025, 5, 27), date(2025, 5, 28)],
        )
        self.assertEqual(
            company._utility_add_business_days(date(2025, 5, 23), 1), date(2025, 5, 27)
        )

    def test_bank_and_office_days_differ(self):
        """Juneteenth is a bank holiday; a Saturday holiday is not made up by
        the Federal Reserve (the bank is open Friday July 3, 2026, the office
        is not); Cesar Chavez Day closes the office, not the bank."""
        company = self.company
        self.assertFalse(company._utility_is_business_day(date(2025, 6, 19), "bank"))
        self.assertEqual(
            company._utility_next_business_day(date(2025, 6, 19), "bank"),
            date(2025, 6, 20),
        )
        self.assertTrue(company._utility_is_business_day(date(2026, 7, 3), "bank"))
        self.assertFalse(company._utility_is_business_day(date(2026, 7, 3)))
        self.assertFalse(company._utility_is_business_day(date(2025, 3, 31)))
        self.assertTrue(company._utility_is_business_day(date(2025, 3, 31), "bank"))

    def test_days_declared_by_the_manager_count(self):
        """An office closed day declared by the Finance Director is skipped by
        SB 998 counts and not by ACH; a bank closing the other way round; an
        'office open' day makes a listed holiday a business day. Each is
        recorded on the calendar's chatter."""
        company = self.company
        monday = date(2025, 7, 7)
        self.assertEqual(
            company._utility_add_business_days(date(2025, 7, 3), 1), monday
        )
        self._declare(monday, name="Water main break: office closed")
        self.assertEqual(
            company._utility_add_business_days(date(2025, 7, 3), 1), date(2025, 7, 8)
        )
        self.assertEqual(
            company._utility_closed_reason(monday), "Water main break: office closed"
        )
        self.assertTrue(company._utility_is_business_day(monday, "bank"))
        self._declare(date(2025, 7, 9), kind="bank", name="Bank system outage")
        self.assertFalse(company._utility_is_business_day(date(2025, 7, 9), "bank"))
        self.assertTrue(company._utility_is_business_day(date(2025, 7, 9)))
        self._declare(date(2025, 3, 31), kind="open", name="Office works Chavez Day")
        self.assertTrue(company._utility_is_business_day(date(2025, 3, 31)))
        self.assertIn(
            "Water main break",
            "\n".join(self.calendar.message_ids.mapped("body")),
        )
        # The calendar's form lists the coming closings, declared ones too.
        soon = company._utility_next_business_day(
            company._utility_today() + timedelta(days=10), "bank"
        )
        self._declare(soon, kind="bank", name="Bank merger weekend")
        self.assertIn("Bank merger weekend", self.calendar.upcoming_html)
        self.assertIn("Thanksgiving Day", self.calendar.upcoming_html)

    def test_csr_cannot_edit_the_calendar(self):
        """CSR I and CSR II read the calendar; only the Finance Director changes
        it or declares days."""
        for user in (self.csr1, self.csr2):
            calendar = self.calendar.with_user(user)
            self.assertEqual(calendar.tz, "America/Los_Angeles")
            with self.assertRaises(AccessError):
                calendar.write({"tz": "Asia/Tokyo"})
            with self.assertRaises(AccessError):
                self._declare(date(2025, 7, 7), user=user)
            with self.assertRaises(AccessError):
                calendar.unlink()
        declared = self._declare(date(2025, 7, 7))
        with self.assertRaises(AccessError):
            declared.with_user(self.csr2).unlink()
        with self.assertRaises(AccessError):
            declared.with_user(self.csr2).write({"date": date(2025, 7, 8)})
        self.assertEqual(self.calendar.tz, "America/Los_Angeles")
        self.assertEqual(self.calendar.closed_day_ids.date, date(2025, 7, 7))
        self.calendar.with_user(self.manager).write({"tz": "America/Denver"})
        self.assertEqual(self.company._utility_tz(), "America/Denver")

    def test_other_company_calendar_hidden(self):
        other = self.setup_other_company(name="Thermal Water District")["company"]
        user = new_test_user(
            self.env,
            login="thermal_manager",
            groups="base.group_user,utility_billing.group_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        Calendar = self.env["utility.business.calendar"].with_user(user)
        self.assertEqual(Calendar.search([]).company_id, other)
        with self.assertRaises(AccessError):
            self.calendar.with_user(user).read(["tz"])

    def test_holiday_rules_checked(self):
        with self.assertRaises(ValidationError):
            self.calendar.subdivision_code = "XX"
        with self.assertRaises(ValidationError):
            self.calendar.country_code = "ZZ"

    def test_disconnect_never_on_a_closed_day(self):
        """A disconnect order is neither scheduled nor done on a Saturday, a
        holiday or a day the office declares closed; other orders may be."""
        _premise, _meter, account = self._setup_account("BC-DISC")
        order = self._service_order("disconnect", account)
        for day, reason in (
            ("2025-07-05", "Saturday"),
            ("2025-07-04", "Independence Day"),
        ):
            with self.assertRaisesRegex(ValidationError, reason):
                order.scheduled_date = day
        self._declare(date(2025, 7, 7), name="Staff training")
        with self.assertRaisesRegex(
            ValidationError, "Staff training.*next business day is 07/08/2025"
        ):
            order.scheduled_date = "2025-07-07"
        order.scheduled_date = "2025-07-08"
        order.action_schedule()
        order.result_date = "2025-07-08"
        with self.assertRaisesRegex(ValidationError, "Sunday"):
            order.result_date = "2025-07-06"
        self._service_order("leak_check", account, scheduled_date="2025-07-05")

    def test_cached_no_query(self):
        """Business-day arithmetic costs no query once the calendar is loaded."""
        company = self.company
        company._utility_is_business_day(date(2025, 1, 2))
        with self.assertQueryCount(0):
            for offset in range(500):
                company._utility_add_business_days(date(2025, 1, 1), offset % 40)
                company._utility_is_business_day(date(2026, 12, 24), "bank")


@tagged("post_install", "-at_install")
class TestBusinessCalendarRpc(HttpCase):
    """Over the web client's JSON-RPC, a CSR II cannot change the calendar or
    declare a day, whatever the context it sends; the Finance Director can."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env.company._utility_business_calendar()
        cls.csr2 = new_test_user(
            cls.env,
            login="rpc_cal_csr2",
            groups="base.group_user,utility_billing.group_csr_2",
            tz="America/Los_Angeles",
        )
        cls.manager = new_test_user(
            cls.env,
            login="rpc_cal_manager",
            groups="base.group_user,utility_billing.group_manager",
            tz="America/Los_Angeles",
        )

    def _call(self, model, method, args, context=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": {"context": context or {}},
            },
        )

    def test_csr2_refused_manager_allowed(self):
        self.authenticate("rpc_cal_csr2", "rpc_cal_csr2")
        for context in ({}, {"active_test": False, "utility_calendar_admin": True}):
            with self.assertRaisesRegex(JsonRpcException, "AccessError"):
                self._call(
                    "utility.business.calendar",
                    "write",
                    [self.calendar.ids, {"tz": "Asia/Tokyo"}],
                    context,
                )
            with self.assertRaisesRegex(JsonRpcException, "AccessError"):
                self._call(
                    "utility.closed.day",
                    "create",
                    [
                        {
                            "calendar_id": self.calendar.id,
                            "date": "2025-07-07",
                            "name": "Not mine to declare",
                        }
                    ],
                    context,
                )
        self.calendar.invalidate_recordset()
        self.assertEqual(self.calendar.tz, "America/Los_Angeles")
        self.assertFalse(
            self.calendar.closed_day_ids.filtered(lambda d: d.date == date(2025, 7, 7))
        )
        self.authenticate("rpc_cal_manager", "rpc_cal_manager")
        self._call(
            "utility.closed.day",
            "create",
            [
                {
                    "calendar_id": self.calendar.id,
                    "date": "2025-07-07",
                    "name": "Staff training",
                }
            ],
        )
        self.assertFalse(self.env.company._utility_is_business_day(date(2025, 7, 7)))
