# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import Form, tagged

from odoo.addons.utility_billing.tools import dates

from .common import UtilityBillingCommon


class LocalDatesCase(UtilityBillingCommon):
    """A date keyed by a user is that date in the company's time zone, whatever
    the zones of the company and the user: every path that turns a keyed date
    into a read (start and stop service, install, remove, change-out, read
    entry, estimate, service order) gives a read of that date, and periods count
    the days between the keyed dates.

    Subclasses run the same tests west of UTC (the shipped Pacific time), east
    of UTC (Tokyo; Auckland, where noon local is the previous day in UTC), and
    with a user whose zone is not the company's.
    """

    COMPANY_TZ = "America/Los_Angeles"
    USER_TZ = "America/Los_Angeles"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company._utility_business_calendar().tz = cls.COMPANY_TZ
        cls.env = cls.env(context=dict(cls.env.context, tz=cls.USER_TZ))
        (cls.csr1 | cls.csr2 | cls.manager).write({"tz": cls.USER_TZ})
        cls._archive_exception_rules()
        cls.Read = cls.env["utility.meter.read"]

    def _as(self, user, model):
        return self.env[model].with_user(user).with_context(tz=self.USER_TZ)

    def _keyed_read(self, meter, day, reading):
        """A read keyed as a date alone: stored at noon in the company's zone."""
        return self.Read.create(
            {
                "meter_id": meter.id,
                "read_datetime": date.fromisoformat(day),
                "reading": reading,
            }
        )

    def _account(self, serial, install="2025-01-05"):
        return self._setup_account(serial, install_date=install)

    def test_keyed_date_round_trip(self):
        """The stored instant of a keyed date is noon local, on that date in the
        company's zone."""
        company = self.company
        self.assertEqual(company._utility_tz(), self.COMPANY_TZ)
        for day in (date(2025, 1, 1), date(2025, 3, 9), date(2025, 11, 2)):
            stored = company._utility_local_to_utc(day)
            self.assertEqual(company._utility_utc_to_local_date(stored), day)
            self.assertEqual(
                dates.utc_to_local_date(stored, self.COMPANY_TZ), day, self.COMPANY_TZ
            )

    def test_install_and_start_service(self):
        """A meter installed on 02/10 and service started on 02/28: the install
        read is of 02/10, the move-in read and the account start of 02/28."""
        premise = self._create_premise(street="1 Calle Inicio")
        meter = self._create_meter("DT-ST")
        wizard = self._as(self.csr1, "utility.meter.install").create(
            {
                "meter_id": meter.id,
                "premise_id": premise.id,
                "date": "2025-02-10",
                "reading": 7,
            }
        )
        wizard.action_install()
        install_read = meter.read_ids
        self.assertEqual(install_read.read_date, date(2025, 2, 10))
        self.assertEqual(meter.install_date, date(2025, 2, 10))
        form = Form(self._as(self.csr1, "utility.start.service"))
        form.customer_mode = "existing"
        form.partner_id = self.partner
        form.premise_id = premise
        form.start_date = date(2025, 2, 28)
        action = form.save().action_start()
        account = self.env["utility.account"].browse(action["res_id"])
        self.assertEqual(account.start_date, date(2025, 2, 28))
        move_in = meter.read_ids - install_read
        self.assertEqual(move_in.read_type, "initial")
        self.assertEqual(move_in.read_date, date(2025, 2, 28))

    def test_stop_service_on_the_first(self):
        """Stop service on 03/15 gives a final read of 03/15; a move-out on
        the 1st a final read of the 1st, not of the last day of the month
        before (which may already be billed)."""
        for day in (date(2025, 3, 15), date(2025, 4, 1)):
            _premise, meter, account = self._account(f"DT-SP-{day.day}")
            self._keyed_read(meter, "2025-02-05", 10)
            context = account.action_stop_service()["context"]
            with Form(
                self._as(self.csr1, "utility.stop.service").with_context(**context)
            ) as form:
                form.end_date = day
                with form.line_ids.edit(0) as line:
                    line.reading = 20
            form.record.action_stop()
            final = meter.read_ids.filtered(lambda r: r.read_type == "final")
            self.assertEqual(final.read_date, day)
            self.assertEqual(final.days, (day - date(2025, 2, 5)).days)
            self.assertEqual(account.end_date, day)

    def test_remove_wizard(self):
        _premise, meter, _account = self._account("DT-RM")
        self._as(self.csr1, "utility.meter.remove").create(
            {"meter_id": meter.id, "date": "2025-06-30", "reading": 40}
        ).action_remove()
        final = meter.read_ids.filtered(lambda r: r.read_type == "final")
        self.assertEqual(final.read_date, date(2025, 6, 30))
        self.assertEqual(final.days, (date(2025, 6, 30) - date(2025, 1, 5)).days)

    def test_change_out_counts_the_right_days(self):
        """A change-out done on 11/15 dates both reads 11/15: the old meter's
        last period ends 11/15, the new meter's first period (to 11/30) counts
        15 days, not 16."""
        _premise, old, account = self._account("DT-CO", install="2025-10-01")
        self._keyed_read(old, "2025-10-31", 30)
        new = self._create_meter("DT-CO-NEW")
        order = self._as(self.csr1, "utility.service.order").create(
            {
                "order_type": "meter_change",
                "account_id": account.id,
                "result_date": "2025-11-15",
                "result_reading": 45,
                "new_meter_id": new.id,
                "new_meter_reading": 0,
            }
        )
        order.action_done()
        self.assertEqual(order.result_read_id.read_date, date(2025, 11, 15))
        self.assertEqual(order.result_read_id.days, 15)
        self.assertEqual(order.new_meter_read_id.read_date, date(2025, 11, 15))
        later = self._keyed_read(new, "2025-11-30", 15)
        self.assertEqual(later.previous_read_id, order.new_meter_read_id)
        self.assertEqual(later.days, 15)
        self.assertEqual(later.read_date, date(2025, 11, 30))

    def test_read_entry_and_service_order_read(self):
        """A route keyed on 03/05 gives reads of 03/05; a re-read order done on
        03/20 a read of 03/20."""
        _premise, meter, account = self._account("DT-RE")
        self._keyed_read(meter, "2025-02-05", 10)
        form = Form(self._as(self.csr1, "utility.read.entry"))
        form.cycle_id = self.cycle
        form.read_date = date(2025, 3, 5)
        for index in range(len(form.line_ids)):
            with form.line_ids.edit(index) as line:
                if line.meter_id == meter:
                    line.new_reading = "38"
        form.save().action_confirm()
        entered = meter.read_ids.filtered(lambda r: r.reading == 38)
        self.assertEqual(entered.read_date, date(2025, 3, 5))
        self.assertEqual(entered.days, 28)
        order = self._as(self.csr1, "utility.service.order").create(
            {
                "order_type": "reread",
                "account_id": account.id,
                "result_date": "2025-03-20",
                "result_reading": 50,
            }
        )
        order.action_done()
        self.assertEqual(order.result_read_id.read_date, date(2025, 3, 20))
        self.assertEqual(order.result_read_id.days, 15)

    def test_estimate_date(self):
        _premise, meter, _account = self._account("DT-ES")
        for day, reading in (("2025-02-04", 30), ("2025-03-06", 60)):
            self._keyed_read(meter, day, reading)
        wizard = self._as(self.csr2, "utility.read.estimate").create(
            {
                "cycle_id": self.cycle.id,
                "read_date": "2025-04-05",
                "period_start": "2025-03-07",
            }
        )
        wizard.action_estimate()
        estimate = meter.read_ids.filtered(lambda r: r.read_type == "estimated")
        self.assertEqual(estimate.read_date, date(2025, 4, 5))
        self.assertEqual(estimate.days, 30)

    def test_today_is_the_company_today(self):
        """Today, for a default date, is today in the company's zone: at 23:30
        UTC on March 10, it is March 10 in Los Angeles and March 11 in Tokyo
        and Auckland."""
        expected = {
            "America/Los_Angeles": date(2025, 3, 10),
            "Asia/Tokyo": date(2025, 3, 11),
            "Pacific/Auckland": date(2025, 3, 11),
        }[self.COMPANY_TZ]
        with freeze_time(datetime(2025, 3, 10, 23, 30)):
            self.assertEqual(self.company._utility_today(), expected)
            wizard = self._as(self.csr1, "utility.meter.install").new({})
            self.assertEqual(wizard.date, expected)


@tagged("post_install", "-at_install")
class TestLocalDatesPacific(LocalDatesCase):
    """West of UTC: the shipped zone (a keyed date stored at midnight UTC was
    the day before here)."""


@tagged("post_install", "-at_install")
class TestLocalDatesTokyo(LocalDatesCase):
    COMPANY_TZ = "Asia/Tokyo"
    USER_TZ = "Asia/Tokyo"


@tagged("post_install", "-at_install")
class TestLocalDatesAuckland(LocalDatesCase):
    """Far east of UTC: noon local is the previous day in UTC."""

    COMPANY_TZ = "Pacific/Auckland"
    USER_TZ = "Pacific/Auckland"


@tagged("post_install", "-at_install")
class TestLocalDatesUserElsewhere(LocalDatesCase):
    """A user in Auckland keys dates for a utility in Pacific time: the dates
    are the utility's."""

    COMPANY_TZ = "America/Los_Angeles"
    USER_TZ = "Pacific/Auckland"
