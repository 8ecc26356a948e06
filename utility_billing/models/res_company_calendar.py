# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Split by feature (settings, business calendar), as the suite's files are.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_date

from ..tools import business_calendar, dates


class ResCompany(models.Model):
    """Local dates and business days of the utility.

    Every utility date goes through these helpers, so that one rule holds
    everywhere: a date a user keys is the local date in the company's time zone
    (``_utility_tz()``, the zone of its business calendar), and the business
    days (office for SB 998 and disconnections, bank for ACH) are those of its
    one business calendar. See ``tools/dates.py`` and
    ``tools/business_calendar.py``.
    """

    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["utility.business.calendar"]._ensure_company_calendars(companies)
        return companies

    # ------------------------------------------------------------
    # Local dates
    # ------------------------------------------------------------

    def _utility_business_calendar(self):
        """The company's ``utility.business.calendar`` record (created with the
        shipped settings when missing)."""
        company = self[:1] or self.env.company
        Calendar = self.env["utility.business.calendar"]
        calendar = Calendar.search([("company_id", "=", company.id)], limit=1)
        if not calendar:
            calendar = Calendar._ensure_company_calendars(company).with_env(self.env)
        return calendar

    def _utility_calendar(self):
        """The company's :class:`BusinessCalendar` (cached, no query)."""
        company = self[:1] or self.env.company
        return self.env["utility.business.calendar"]._get_calendar_data(company.id)

    def _utility_tz(self):
        """Name of the company's time zone (America/Los_Angeles by default)."""
        return self._utility_calendar().tz

    def _utility_today(self):
        """Today's date in the company's time zone."""
        return dates.local_today(self._utility_tz(), fields.Datetime.now())

    def _utility_local_to_utc(self, day, at=None):
        """The naive UTC datetime a keyed local ``day`` is stored as: that date
        at ``at`` (noon by default) in the company's zone."""
        if not day:
            return False
        return dates.local_to_utc(day, self._utility_tz(), at=at)

    def _utility_utc_to_local_date(self, value):
        """The company-local date of the naive UTC datetime ``value``."""
        if not value:
            return False
        return dates.utc_to_local_date(value, self._utility_tz())

    # ------------------------------------------------------------
    # Business days
    # ------------------------------------------------------------

    def _utility_calendar_call(self, method, *args):
        try:
            return getattr(self._utility_calendar(), method)(*args)
        except business_calendar.NoBusinessDayError as exc:
            company = self[:1] or self.env.company
            raise UserError(
                self.env._(
                    "The business calendar of %(company)s has no business day "
                    "after %(date)s: check its declared days.",
                    company=company.name,
                    date=exc.args[0],
                )
            ) from exc

    def _utility_is_business_day(self, day, kind=business_calendar.OFFICE):
        """Whether ``day`` is a business day (``kind`` office: SB 998 and field
        work; bank: ACH settlement)."""
        return self._utility_calendar().is_business_day(day, kind)

    def _utility_next_business_day(self, day, kind=business_calendar.OFFICE):
        """``day`` if it is a business day, else the first business day after."""
        return self._utility_calendar_call("next_business_day", day, kind)

    def _utility_add_business_days(self, date, count, kind=business_calendar.OFFICE):
        """The ``count``-th business day after ``date`` (``date`` itself not
        counted); ``date`` itself, or the next business day, for 0."""
        return self._utility_calendar_call("add_business_days", date, count, kind)

    def _utility_business_days(self, date_from, date_to, kind=business_calendar.OFFICE):
        """The business days from ``date_from`` to ``date_to`` (both included)."""
        return self._utility_calendar().business_days(date_from, date_to, kind)

    def _utility_count_business_days(
        self, date_from, date_to, kind=business_calendar.OFFICE
    ):
        """Business days after ``date_from`` up to ``date_to`` included."""
        return self._utility_calendar().count_business_days(date_from, date_to, kind)

    def _utility_holidays(self, date_from, date_to, kind=business_calendar.OFFICE):
        """Weekdays from ``date_from`` to ``date_to`` that are not business days
        (holidays by rule and declared closed days)."""
        return set(self._utility_calendar().non_business_days(date_from, date_to, kind))

    def _utility_closed_reason(self, day, kind=business_calendar.OFFICE):
        """Why ``day`` is not a business day (translated weekend, a holiday's
        or a closed day's name), or False when it is one."""
        reason = self._utility_calendar().closed_reason(day, kind)
        if not reason:
            return False
        if day.weekday() >= business_calendar.SATURDAY and reason in (
            "Saturday",
            "Sunday",
        ):
            return (
                self.env._("Saturday") if day.weekday() == 5 else self.env._("Sunday")
            )
        return reason

    def _utility_check_business_day(self, day, what, kind=business_calendar.OFFICE):
        """Raise a ValidationError when ``day`` is not a business day: ``what`` (e.g.
        'Service order SO/0001') cannot land on it; the message names the next
        business day."""
        reason = self._utility_closed_reason(day, kind)
        if reason:
            raise ValidationError(
                self.env._(
                    "%(what)s: %(date)s is not a business day (%(reason)s). The next "
                    "business day is %(next)s.",
                    what=what,
                    date=format_date(self.env, day),
                    reason=reason,
                    next=format_date(self.env, self._utility_next_business_day(day)),
                )
            )
