# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Banking days of the US ACH network: Monday to Friday, less the holidays of
the Federal Reserve Banks.

The holidays come from the maintained ``holidays`` package (its Federal
Reserve calendar, ``XFED``), through utility_billing's business calendar
(``utility_billing/tools/business_calendar.py``): a holiday on a Sunday is
observed the Monday after; on a Saturday the Federal Reserve Banks stay open
the Friday before. A company's own bank closings are declared in its business
calendar (``utility.business.calendar``); the company helpers
(``res.company._ach_next_banking_day`` ...) apply them. These functions, for
code without a company, take them as ``extra``.
"""

from datetime import timedelta
from functools import lru_cache

from odoo.addons.utility_billing.tools.business_calendar import (
    FEDERAL_RESERVE,
    SATURDAY,
    bank_holidays,
)


@lru_cache(maxsize=64)
def federal_reserve_holidays(year):
    """The weekdays of ``year`` the Federal Reserve Banks are closed."""
    return frozenset(
        day for day in bank_holidays(FEDERAL_RESERVE, year) if day.weekday() < SATURDAY
    )


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
