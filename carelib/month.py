"""The reporting month: one type that carries all month arithmetic.

A reporting month is written ``YYYY-MM`` (``2025-09``). :class:`Month` is a ``str``
subclass, so a month is still that text wherever it goes (a dictionary key, a folder
name, a pandas column, JSON, a comparison with another month), and it adds what a month
knows: ``+ n`` and ``- n`` months, the difference between two months, ranges, its first
and last day (the last day is the reference date the DfE census uses), its label as
readers write it and its financial year.

For whole columns of months there are vectorised forms on *month indices*
(``year * 12 + month - 1``, so windows are plain integer arithmetic):
:func:`indices_of_text`, :func:`indices_of_dates`, :func:`ends_of_indices` and
:func:`financial_year_first`.

Examples
--------
>>> m = Month("2025-09")
>>> m + 4, m - 9, Month("2026-01") - m
('2026-01', '2024-12', 4)
>>> m.label, m.reference_date.isoformat(), m.financial_year()
('September 2025', '2025-09-30', '2025-26')
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

import numpy as np
import pandas as pd

_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

#: A month index later than any real month (``-FAR`` is earlier than any).
FAR = 10**9


def is_month(text: object) -> bool:
    """Return True when ``text`` is a reporting month written ``YYYY-MM``."""
    return bool(_MONTH_RE.match(str(text)))


class Month(str):
    """A reporting month ``YYYY-MM``: immutable text that knows its arithmetic.

    Parameters
    ----------
    value : str, Month, datetime.date or pandas.Timestamp
        ``YYYY-MM`` text (surrounding spaces are ignored), or a day, which gives the
        month containing it.

    Raises
    ------
    ValueError
        When ``value`` is text not written ``YYYY-MM``.

    Notes
    -----
    ``month + n`` with an integer ``n`` is ``n`` months later; adding text still
    concatenates (the result is then a plain ``str``). ``month - n`` is ``n`` months
    earlier and ``month - other`` the number of months from ``other`` to ``month``.
    """

    __slots__ = ()

    def __new__(cls, value: object) -> Month:  # noqa: D102  (documented on the class)
        if isinstance(value, Month):
            return value
        if isinstance(value, dt.date):  # datetime and pandas.Timestamp are dates too
            return str.__new__(cls, f"{value.year:04d}-{value.month:02d}")
        text = str(value).strip()
        if not _MONTH_RE.match(text):
            raise ValueError(f"month {text!r} is not written YYYY-MM (for example 2025-09)")
        return str.__new__(cls, text)

    # -- construction ---------------------------------------------------------------

    @classmethod
    def from_index(cls, index: int) -> Month:
        """Return the month of a month index (``year * 12 + month - 1``)."""
        year, zero_based = divmod(int(index), 12)
        return str.__new__(cls, f"{year:04d}-{zero_based + 1:02d}")

    @classmethod
    def of(cls, day: dt.date) -> Month:
        """Return the month that contains ``day``."""
        return cls(day)

    @classmethod
    def range(cls, first: object, last: object) -> list[Month]:
        """Return every month from ``first`` to ``last`` inclusive (empty if reversed)."""
        start, end = cls(first).ordinal, cls(last).ordinal
        return [cls.from_index(i) for i in range(start, end + 1)]

    # -- parts ----------------------------------------------------------------------

    @property
    def year(self) -> int:
        """The calendar year."""
        return int(self[:4])

    @property
    def month(self) -> int:
        """The month of the year, 1 to 12."""
        return int(self[5:7])

    @property
    def ordinal(self) -> int:
        """The month index ``year * 12 + month - 1``, for arithmetic on many months.

        (Not ``index``: that name is ``str.index``, which a month keeps.)
        """
        return self.year * 12 + self.month - 1

    # -- arithmetic -----------------------------------------------------------------

    def __add__(self, other):
        if isinstance(other, (int, np.integer)) and not isinstance(other, bool):
            return Month.from_index(self.ordinal + int(other))
        return str.__add__(self, other)

    def __radd__(self, other):
        if isinstance(other, (int, np.integer)) and not isinstance(other, bool):
            return Month.from_index(self.ordinal + int(other))
        return NotImplemented

    def __sub__(self, other):
        if isinstance(other, (int, np.integer)) and not isinstance(other, bool):
            return Month.from_index(self.ordinal - int(other))
        if isinstance(other, str):
            return self.ordinal - Month(other).ordinal
        return NotImplemented

    def __rsub__(self, other):
        if isinstance(other, str):
            return Month(other).ordinal - self.ordinal
        return NotImplemented

    def months_since(self, other: object) -> int:
        """Return how many months ``other`` is before this month (negative if after)."""
        return self - Month(other)

    @property
    def previous(self) -> Month:
        """The month before."""
        return self - 1

    @property
    def next(self) -> Month:
        """The month after."""
        return self + 1

    def until(self, last: object) -> list[Month]:
        """Return every month from this one to ``last`` inclusive."""
        return Month.range(self, last)

    # -- days -----------------------------------------------------------------------

    @property
    def first_day(self) -> dt.date:
        """The first calendar day of the month."""
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        """The last calendar day of the month."""
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def reference_date(self) -> dt.date:
        """The month's reference date: its last day (the DfE census uses 30 September)."""
        return self.last_day

    # -- words ----------------------------------------------------------------------

    @property
    def label(self) -> str:
        """The month as readers write it, e.g. ``September 2025``."""
        return self.reference_date.strftime("%B %Y")

    @property
    def short_label(self) -> str:
        """The month abbreviated for a chart axis, e.g. ``Sep 2025``."""
        return f"{self.label[:3]} {self.year}"

    # -- financial year -------------------------------------------------------------

    def financial_year_start(self, start_month: int = 4) -> Month:
        """Return the first month of the financial year that contains this month.

        Parameters
        ----------
        start_month : int, default 4
            The month of the year a financial year starts in (4: April).
        """
        return Month.from_index(int(financial_year_first(self.ordinal, start_month)))

    def financial_year_end(self, start_month: int = 4) -> Month:
        """Return the last month of the financial year that contains this month."""
        return self.financial_year_start(start_month) + 11

    def financial_year(self, start_month: int = 4) -> str:
        """Return the financial year's label, e.g. ``2025-26`` (``2025`` if it starts in January).

        Examples
        --------
        >>> Month("2026-03").financial_year(), Month("2026-04").financial_year()
        ('2025-26', '2026-27')
        >>> Month("2026-03").financial_year(1)
        '2026'
        """
        first = self.financial_year_start(start_month).year
        return str(first) if start_month == 1 else f"{first}-{(first + 1) % 100:02d}"


# --- Columns of months, as month indices -------------------------------------------------


def indices_of_text(months: pd.Series) -> np.ndarray:
    """Return the month index of each ``YYYY-MM`` value of a column."""
    text = months.astype("str")
    return (text.str[:4].astype("int64") * 12 + text.str[5:7].astype("int64") - 1).to_numpy()


def indices_of_dates(values: pd.Series) -> np.ndarray:
    """Return the month index of each date of a column (``-FAR`` when missing)."""
    out = values.dt.year * 12 + values.dt.month - 1
    return out.fillna(-FAR).astype("int64").to_numpy()


def ends_of_indices(indices) -> np.ndarray:
    """Return the last day (``datetime64[ns]``) of each month index."""
    m = np.asarray(indices, dtype="int64") - 1970 * 12
    ends = (m + 1).astype("datetime64[M]").astype("datetime64[D]") - np.timedelta64(1, "D")
    return ends.astype("datetime64[ns]")


def financial_year_first(indices, start_month: int = 4):
    """Return the month index of the first month of each index's financial year."""
    indices = np.asarray(indices, dtype="int64")
    return indices - (indices % 12 + 1 - start_month) % 12
