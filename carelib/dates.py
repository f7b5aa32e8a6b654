"""Reporting months, reference dates and England and Wales working days.

A reporting month is written ``YYYY-MM``; its reference date is its last calendar day
(the DfE census uses 30 September). The month functions here delegate to
:class:`carelib.month.Month`, which carries all month arithmetic. Working days are
weekdays less England and Wales bank holidays, which are computed here (fixed rules,
Easter, substitute days and the one-off holidays since 2012) so that no table needs
maintaining.

Every date shown on a page is formatted here (:func:`long_date`, :func:`long_datetime`,
:func:`month_label`) with directives every platform's ``strftime`` knows: glibc's
no-padding flag (a dash) and Windows' hash flag are never used (``tests/test_dates.py``
checks the package, templates and notebooks for them).

"Today" is :func:`today`: the environment variable ``CARELIB_TODAY`` (``YYYY-MM-DD``)
overrides the clock, so a scheduled run can be rehearsed for any date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from functools import cache

import numpy as np

from carelib import month as month_type
from carelib.month import Month

# One-off holidays and moved dates, from gov.uk/bank-holidays.
_ONE_OFF_ADDED = {
    dt.date(2012, 6, 5),  # Queen's Diamond Jubilee
    dt.date(2022, 6, 3),  # Platinum Jubilee
    dt.date(2022, 9, 19),  # State funeral of Queen Elizabeth II
    dt.date(2023, 5, 8),  # Coronation of King Charles III
}
_MOVED = {
    dt.date(2012, 5, 28): dt.date(2012, 6, 4),  # spring holiday moved for the jubilee
    dt.date(2020, 5, 4): dt.date(2020, 5, 8),  # early May moved to VE day
    dt.date(2022, 5, 30): dt.date(2022, 6, 2),  # spring holiday moved for the jubilee
    dt.date(1995, 5, 1): dt.date(1995, 5, 8),
}


def is_month(text: str) -> bool:
    """Return True when ``text`` is a reporting month written ``YYYY-MM``."""
    return month_type.is_month(text)


def parse_month(text: str) -> Month:
    """Check and return a reporting month ``YYYY-MM`` (a :class:`~carelib.month.Month`).

    Raises
    ------
    ValueError
        When ``text`` is not a month written ``YYYY-MM``.
    """
    return Month(text)


def reference_date(month: str) -> dt.date:
    """Return the reference date of a month: its last calendar day."""
    return Month(month).reference_date


def month_start(month: str) -> dt.date:
    """Return the first day of a reporting month."""
    return Month(month).first_day


def month_of(day: dt.date) -> Month:
    """Return the reporting month ``YYYY-MM`` that contains ``day``."""
    return Month.of(day)


def add_months(month: str, n: int) -> Month:
    """Return the month ``n`` months after ``month`` (``n`` may be negative)."""
    return Month(month) + n


def month_range(first: str, last: str) -> list[Month]:
    """Return every month from ``first`` to ``last`` inclusive."""
    return Month.range(first, last)


def month_label(month: str) -> str:
    """Return a month as readers write it, e.g. ``September 2025``."""
    return Month(month).label


def long_date(day: dt.date) -> str:
    """Return a date as GOV.UK style writes it, e.g. ``1 December 2026`` (no leading zero).

    Examples
    --------
    >>> long_date(dt.date(2026, 12, 1))
    '1 December 2026'
    """
    return f"{day.day} {day:%B %Y}"


def long_datetime(moment: dt.datetime) -> str:
    """Return a date and time for a page, e.g. ``1 December 2026 at 07:05``."""
    return f"{long_date(moment)} at {moment:%H:%M}"


#: The environment variable that overrides today's date (``YYYY-MM-DD``).
TODAY_VARIABLE = "CARELIB_TODAY"


def today() -> dt.date:
    """Return today's date, or the date in ``CARELIB_TODAY`` when it is set.

    Raises
    ------
    ValueError
        When ``CARELIB_TODAY`` is set but is not a date written ``YYYY-MM-DD``.
    """
    text = os.environ.get(TODAY_VARIABLE, "").strip()
    if not text:
        return dt.date.today()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{TODAY_VARIABLE}={text!r} is not a date written YYYY-MM-DD (for example 2025-10-05)"
        ) from None


def previous_month(day: dt.date | None = None) -> str:
    """Return the calendar month before ``day`` (default :func:`today`), ``YYYY-MM``.

    This is what a scheduler means by "last month": run on 5 October 2025 it is
    ``2025-09``, whatever folders exist.
    """
    return add_months(month_of(day or today()), -1)


def easter_sunday(year: int) -> dt.date:
    """Return Easter Sunday (Gregorian calendar, anonymous algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, calendar.monthrange(year, month)[1])
    return day - dt.timedelta(days=day.weekday())


@cache
def bank_holidays(year: int) -> tuple[dt.date, ...]:
    """Return England and Wales bank holidays in ``year``, substitute days included."""
    days: list[dt.date] = []
    new_year = dt.date(year, 1, 1)
    while new_year.weekday() >= 5:
        new_year += dt.timedelta(days=1)
    days.append(new_year)
    easter = easter_sunday(year)
    days += [easter - dt.timedelta(days=2), easter + dt.timedelta(days=1)]
    days += [_first_monday(year, 5), _last_monday(year, 5), _last_monday(year, 8)]
    # Christmas and Boxing Day, with substitute weekdays when they fall at a weekend.
    christmas, boxing = dt.date(year, 12, 25), dt.date(year, 12, 26)
    taken: set[dt.date] = set()
    for day in (christmas, boxing):
        sub = day
        while sub.weekday() >= 5 or sub in taken:
            sub += dt.timedelta(days=1)
        taken.add(sub)
    days += sorted(taken)
    days = [_MOVED.get(d, d) for d in days]
    days += [d for d in _ONE_OFF_ADDED if d.year == year]
    return tuple(sorted(set(days)))


def _holidays_between(start: dt.date, end: dt.date) -> list[dt.date]:
    out: list[dt.date] = []
    for year in range(start.year, end.year + 1):
        out += [d for d in bank_holidays(year) if start <= d <= end]
    return out


def working_days(start: dt.date, end: dt.date) -> int:
    """Count working days from ``start`` to ``end`` inclusive (weekdays less holidays)."""
    if end < start:
        return 0
    holidays = np.array(_holidays_between(start, end), dtype="datetime64[D]")
    return int(
        np.busday_count(
            np.datetime64(start, "D"),
            np.datetime64(end + dt.timedelta(days=1), "D"),
            holidays=holidays,
        )
    )


def month_working_days(month: str) -> int:
    """Return the number of working days in a reporting month."""
    return working_days(month_start(month), reference_date(month))


def add_working_days(start: dt.date, n: int) -> dt.date:
    """Return the date ``n`` working days after ``start`` (``start`` itself not counted)."""
    end = start + dt.timedelta(days=n * 2 + 30)
    holidays = np.array(_holidays_between(start, end), dtype="datetime64[D]")
    begin = np.datetime64(start, "D")
    if not np.is_busday(begin, holidays=holidays):
        # Rolling a weekend or holiday start forward lands on the first working day
        # after it, which already counts as day one.
        n -= 1
    result = np.busday_offset(begin, n, roll="forward", holidays=holidays)
    return result.astype(dt.date)
