# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Local dates of the utility: one time zone per company.

Every date a user keys (start or stop of service, meter install, removal or
change-out, a route's read date, an adjustment or a service order date) is a
date of the utility's office: the local date **in the company's time zone**,
whatever the time zone of the user who keys it. The zone is the one of the
company's business calendar (``utility.business.calendar``, kept by the Finance
Director; America/Los_Angeles when the company has none).

Why the company's zone and not the user's: a read's date (``read_date``) is
stored, billing periods and the SB 998 timeline are counted on it, and two
users of one utility must see the same date for the same read. The user's zone
only changes how the web client displays a date *and time*.

A keyed date is stored as a date and time at :data:`KEYED_TIME` local (noon):
that instant falls on the keyed date in the company's zone, and on the same
date for any user within twelve hours of it, so the date never moves a day
east or west of UTC.
"""

from datetime import date, datetime, time

import pytz

DEFAULT_TZ = "America/Los_Angeles"
KEYED_TIME = time(12, 0)


def _zone(tz_name):
    try:
        return pytz.timezone(tz_name or DEFAULT_TZ)
    except pytz.UnknownTimeZoneError:
        return pytz.timezone(DEFAULT_TZ)


def local_to_utc(day, tz_name, at=None):
    """The naive UTC datetime of the local date ``day`` at ``at`` (noon by
    default) in the zone ``tz_name``.

    ``day`` may be a date or its ISO text; a datetime is taken for its date.
    """
    if isinstance(day, datetime):
        day = day.date()
    elif isinstance(day, str):
        day = date.fromisoformat(day[:10])
    local = _zone(tz_name).localize(
        datetime.combine(day, at or KEYED_TIME), is_dst=False
    )
    return local.astimezone(pytz.utc).replace(tzinfo=None)


def utc_to_local_date(value, tz_name):
    """The local date, in the zone ``tz_name``, of the naive UTC datetime
    ``value`` (or its ISO text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    elif not isinstance(value, datetime):
        # A date alone is already a local date.
        return value
    if value.tzinfo is None:
        value = pytz.utc.localize(value)
    return value.astimezone(_zone(tz_name)).date()


def local_today(tz_name, now=None):
    """Today's date in the zone ``tz_name`` (``now``: a naive UTC datetime)."""
    return utc_to_local_date(now or datetime.now(pytz.utc), tz_name)
