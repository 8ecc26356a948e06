# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Banking days of the US ACH network: Monday to Friday, less the holidays of
the Federal Reserve Banks, computed by rule (no table to keep up to date).

Federal Reserve holidays (12 U.S.C. and 5 U.S.C. 6103 dates, as the Federal
Reserve observes them): New Year's Day (January 1), Birthday of Martin Luther
King Jr. (third Monday of January), Washington's Birthday (third Monday of
February), Memorial Day (last Monday of May), Juneteenth National Independence
Day (June 19, from 2022), Independence Day (July 4), Labor Day (first Monday of
September), Columbus Day (second Monday of October), Veterans Day (November
11), Thanksgiving Day (fourth Thursday of November), Christmas Day (December
25).

A fixed-date holiday on a Sunday is observed the Monday after. On a Saturday
the Federal Reserve Banks stay open the Friday before, so no weekday is lost
(unlike federal offices).

Other days the bank is closed (a city's own holidays) are passed as ``extra``.
"""

from datetime import date, timedelta
from functools import lru_cache

MONDAY, THURSDAY = 0, 3
SATURDAY, SUNDAY = 5, 6


def _nth_weekday(year, month, weekday, nth):
    """The ``nth`` ``weekday`` of the month (nth=-1: the last one)."""
    if nth > 0:
        first = date(year, month, 1)
        offset = (weekday - first.weekday()) % 7
        return first + timedelta(days=offset + 7 * (nth - 1))
    following = date(year + (month == 12), month % 12 + 1, 1)
    last = following - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day):
    """A fixed-date holiday as the Federal Reserve observes it: Sunday moves to
    Monday; Saturday is not made up (None)."""
    if day.weekday() == SUNDAY:
        return day + timedelta(days=1)
    if day.weekday() == SATURDAY:
        return None
    return day


@lru_cache(maxsize=64)
def federal_reserve_holidays(year):
    """The weekdays of ``year`` the Federal Reserve Banks are closed."""
    fixed = [date(year, 1, 1), date(year, 7, 4), date(year, 11, 11)]
    fixed.append(date(year, 12, 25))
    if year >= 2022:
        fixed.append(date(year, 6, 19))
    days = {_observed(day) for day in fixed} - {None}
    days |= {
        _nth_weekday(year, 1, MONDAY, 3),
        _nth_weekday(year, 2, MONDAY, 3),
        _nth_weekday(year, 5, MONDAY, -1),
        _nth_weekday(year, 9, MONDAY, 1),
        _nth_weekday(year, 10, MONDAY, 2),
        _nth_weekday(year, 11, THURSDAY, 4),
    }
    return frozenset(days)


def is_banking_day(day, extra=()):
    """Whether ACH entries settle on ``day``."""
    return (
        day.weekday() < SATURDAY
        and day not in federal_reserve_holidays(day.year)
        and day not in extra
    )


def next_banking_day(day, extra=()):
    """``day`` if it is a banking day, else the first banking day after it."""
    while not is_banking_day(day, extra):
        day += timedelta(days=1)
    return day


def add_banking_days(day, count, extra=()):
    """The banking day ``count`` banking days after ``day`` (``day`` itself
    not counted, whether or not it is a banking day)."""
    for _index in range(count):
        day = next_banking_day(day + timedelta(days=1), extra)
    return day
