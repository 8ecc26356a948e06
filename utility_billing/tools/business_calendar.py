# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Business days of a utility: one calendar, two kinds of day.

* **Office** business days, which the law counts (SB 998's notice periods, the
  shut-off list, a plan's final notice) and on which field crews disconnect:
  Monday to Friday, less the public holidays of the country and its
  subdivision (US federal and California state holidays with their observed
  dates) and the days the office declares closed, plus the holidays the office
  declares worked.
* **Bank** business days, on which ACH entries settle: Monday to Friday, less
  the holidays of the Federal Reserve Banks (a holiday on a Saturday is not
  made up on the Friday) and the days the bank is declared closed.

The holiday rules come from the maintained ``holidays`` package
(https://pypi.org/project/holidays/), not from rules written here. Dates are
local dates of the company (see :mod:`.dates`): a holiday is a date, never an
interval in some time zone, so a Monday holiday never closes the Tuesday.

:class:`BusinessCalendar` is a plain, immutable object: the ORM builds one per
company and caches it (``utility.business.calendar._get_calendar_data``);
holiday sets are cached per rule and year. No query per account or per day.
"""

from datetime import timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays

from .dates import DEFAULT_TZ

OFFICE, BANK = "office", "bank"
SATURDAY = 5
DEFAULT_COUNTRY = "US"
DEFAULT_SUBDIVISION = "CA"
FEDERAL_RESERVE = "XFED"
# Search bound of next/add: a calendar with no open day in ten years is broken.
MAX_DAYS = 3660


class NoBusinessDayError(ValueError):
    """The calendar has no business day within :data:`MAX_DAYS`."""


@lru_cache(maxsize=256)
def office_holidays(country, subdivision, with_country, year):
    """{date: name} of the public holidays of ``country`` / ``subdivision`` in
    ``year``, observed dates included; with ``with_country``, the holidays of
    the whole country too (US federal holidays for a California city)."""
    days = {}
    sets = []
    if subdivision:
        sets.append(holidays.country_holidays(country, subdiv=subdivision, years=year))
    if with_country or not subdivision:
        sets.append(holidays.country_holidays(country, years=year))
    for holiday_set in sets:
        for day, name in holiday_set.items():
            if day.year != year:
                continue
            if day in days and name not in days[day].split("; "):
                name = f"{days[day]}; {name}"
            days[day] = name
    return MappingProxyType(days)


@lru_cache(maxsize=64)
def bank_holidays(market, year):
    """{date: name} of the days the financial ``market`` (``XFED``: the
    Federal Reserve Banks, the US ACH network) is closed in ``year``."""
    return MappingProxyType(
        {
            day: name
            for day, name in holidays.financial_holidays(market, years=year).items()
            if day.year == year
        }
    )


def supported_subdivisions(country):
    """Subdivision codes the ``holidays`` package knows for ``country``, or
    None when it does not know the country."""
    return holidays.list_supported_countries().get(country)


class BusinessCalendar:
    """The business days of one company (immutable once built).

    :param closed: {date: (name, kind)} of the days declared by the office,
        kind ``office`` (office closed), ``bank`` (bank closed), ``both`` or
        ``open`` (the office works a listed holiday)
    """

    __slots__ = (
        "tz",
        "country",
        "subdivision",
        "with_country",
        "market",
        "_closed",
    )

    def __init__(
        self,
        tz=DEFAULT_TZ,
        country=DEFAULT_COUNTRY,
        subdivision=DEFAULT_SUBDIVISION,
        with_country=True,
        market=FEDERAL_RESERVE,
        closed=None,
    ):
        self.tz = tz or DEFAULT_TZ
        self.country = country or DEFAULT_COUNTRY
        self.subdivision = subdivision or False
        self.with_country = bool(with_country)
        self.market = market or FEDERAL_RESERVE
        self._closed = MappingProxyType(dict(closed or {}))

    def holidays(self, year, kind=OFFICE):
        """{date: name} of the holidays of ``year`` by rule (closed days of the
        office not included)."""
        if kind == BANK:
            return bank_holidays(self.market, year)
        return office_holidays(self.country, self.subdivision, self.with_country, year)

    def closed_reason(self, day, kind=OFFICE):
        """Why ``day`` is not a business day of ``kind`` (``Saturday``, a
        holiday's name, a closed day's name), or None when it is one."""
        declared = self._closed.get(day)
        if declared:
            name, declared_kind = declared
            if declared_kind == "both" or declared_kind == kind:
                return name
        if day.weekday() >= SATURDAY:
            return day.strftime("%A")
        if declared and declared[1] == "open" and kind == OFFICE:
            return None
        return self.holidays(day.year, kind).get(day)

    def is_business_day(self, day, kind=OFFICE):
        return self.closed_reason(day, kind) is None

    def next_business_day(self, day, kind=OFFICE):
        """``day`` when it is a business day, else the first one after it."""
        for _index in range(MAX_DAYS):
            if self.is_business_day(day, kind):
                return day
            day += timedelta(days=1)
        raise NoBusinessDayError(day)

    def add_business_days(self, day, count, kind=OFFICE):
        """The ``count``-th business day after ``day`` (``day`` itself not
        counted, whether or not it is a business day); for 0, ``day`` or the
        next business day."""
        if count <= 0:
            return self.next_business_day(day, kind)
        for _index in range(count):
            day = self.next_business_day(day + timedelta(days=1), kind)
        return day

    def business_days(self, date_from, date_to, kind=OFFICE):
        """The business days from ``date_from`` to ``date_to``, both included."""
        days = []
        day = date_from
        while day <= date_to:
            if self.is_business_day(day, kind):
                days.append(day)
            day += timedelta(days=1)
        return days

    def count_business_days(self, date_from, date_to, kind=OFFICE):
        """Business days after ``date_from`` up to ``date_to`` included."""
        if date_to <= date_from:
            return 0
        return len(self.business_days(date_from + timedelta(days=1), date_to, kind))

    def non_business_days(self, date_from, date_to, kind=OFFICE):
        """{date: reason} of the weekdays from ``date_from`` to ``date_to`` that
        are not business days (holidays and closed days; weekends left out)."""
        days = {}
        day = date_from
        while day <= date_to:
            if day.weekday() < SATURDAY:
                reason = self.closed_reason(day, kind)
                if reason:
                    days[day] = reason
            day += timedelta(days=1)
        return days
