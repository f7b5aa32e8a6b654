"""How carelib writes a number, a percentage, an amount of money or a date for a reader.

One module for pages, CSV notes and the command line alike, so a figure reads the same
wherever it appears. A figure that is missing shows its DfE symbol: ``z`` not
applicable, ``x`` not available, ``c`` suppressed (publication mode).

Examples
--------
>>> value(23.44, "percent"), value(17.21, "cases"), value(37.0, "count")
('23.4%', '17.2', '37')
>>> value(float("nan"), "percent", "z"), value(1234.5, "gbp")
('z', '£1,234')
>>> measure(29.95, "days"), measure(1.234, "ratio"), measure(None, "percent")
('29.9 days', '1.23', 'no value')
>>> number(1234.56), plain(12.0), plain(None), percent(None)
('1,234.6', '12', '-', '-')
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from typing import Any

import pandas as pd

__all__ = [
    "DECIMALS",
    "data_uri",
    "date",
    "is_missing",
    "measure",
    "measure_unit",
    "money",
    "month",
    "number",
    "pattern",
    "percent",
    "plain",
    "value",
]


#: Decimal places a figure is shown to, by unit: workforce indicators (``percent``,
#: ``cases``, ``fte``, ``count``, ``gbp``, ``gbp_hour``) and progress measures
#: (``percent``, ``days``, ``count``, ``ratio``, ``gbp``, and ``cases`` for a measure fed
#: by the average caseload). Pages, CSVs and the command line round by this one table.
DECIMALS = {
    "percent": 1,
    "cases": 1,
    "fte": 1,
    "count": 0,
    "gbp": 0,
    "gbp_hour": 2,
    "days": 0,
    "ratio": 2,
}

#: The measure unit a progress measure fed by a workforce indicator is written in, by the
#: indicator's unit: the figure then reads the same on the plan page as on the workforce
#: page (an average caseload is ``16.8``, never ``16.79``).
_MEASURE_UNITS = {"percent": "percent", "cases": "cases", "count": "count", "gbp": "gbp"}


def measure_unit(indicator_unit: str, declared: str) -> str:
    """The unit a measure fed by a workforce indicator is shown in.

    The indicator's own unit where a measure can be written in it, so the same figure
    reads the same on every page; otherwise the unit the plan declares.

    >>> measure_unit("cases", "ratio"), measure_unit("fte", "count")
    ('cases', 'count')
    """
    return _MEASURE_UNITS.get(indicator_unit, declared)


def is_missing(x: Any) -> bool:
    """Whether ``x`` is no figure at all (None, NaN, ``pd.NA``, ``pd.NaT``)."""
    return x is None or x is pd.NA or x is pd.NaT or (isinstance(x, float) and math.isnan(x))


def value(x: Any, unit: str, symbol: str = "") -> str:
    """A workforce indicator's figure in its unit.

    Units are ``percent``, ``cases``, ``count``, ``gbp`` and ``fte``; a missing figure
    shows ``symbol`` (default ``z``).
    """
    if isinstance(x, str):
        return x
    if is_missing(x):
        return symbol or "z"
    if unit == "percent":
        return f"{x:.1f}%"
    if unit == "cases":
        return f"{x:.1f}"
    if unit == "count":
        return f"{x:,.0f}"
    if unit == "gbp":
        return f"£{x:,.0f}"
    if unit == "gbp_hour":
        return f"£{x:,.2f}"
    return f"{x:,.1f}"


def measure(x: Any, unit: Any) -> str:
    """A progress measure's value in its unit.

    ``83.4%``, ``29.9 days``, ``£1,200``, ``1.23`` (ratio), ``16.8`` (cases, as the
    workforce page writes a caseload), ``12`` or ``12.5`` (count); missing is
    ``no value``.
    """
    if is_missing(x):
        return "no value"
    x = float(x)
    whole = abs(x - round(x)) < 1e-9
    if unit == "percent":
        return f"{x:,.1f}%"
    if unit == "gbp":
        return f"£{x:,.0f}"
    if unit in ("ratio", "cases"):
        return f"{x:,.{DECIMALS[unit]}f}"
    if unit == "days":
        return f"{x:,.0f} days" if whole else f"{x:,.1f} days"
    return f"{x:,.0f}" if whole else f"{x:,.1f}"


def number(x: Any, decimals: int = 1, unit: str = "") -> str:
    """A number in a table cell: thousands separators; text is kept as it is."""
    if isinstance(x, str):
        return x
    if is_missing(x):
        return "z" if unit != "blank" else ""
    if unit == "gbp":
        return f"£{x:,.0f}"
    text = f"{x:,.{decimals}f}"
    if unit == "percent":
        text += "%"
    return text


def pattern(fmt: str, x: Any) -> str:
    """A number through a ``str.format`` pattern such as ``"{:.1f}"``; missing is ``z``."""
    if is_missing(x):
        return "z"
    if isinstance(x, str):
        return x
    return fmt.format(x)


def money(x: Any) -> str:
    """An amount of money without its sign (the words say over or under)."""
    return "not available" if is_missing(x) else f"£{abs(x):,.0f}"


def hourly(x: Any) -> str:
    """An hourly rate to the penny, ``£42.70``; ``-`` when missing."""
    return "-" if is_missing(x) else f"£{x:,.2f}"


def plain(x: Any) -> str:
    """A count or amount on the command line: whole numbers without decimals; ``-``."""
    if is_missing(x):
        return "-"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def percent(x: Any) -> str:
    """A percentage to one decimal place; ``-`` when missing."""
    return "-" if is_missing(x) else f"{x:.1f}%"


def signed(x: float, decimals: int = 1) -> str:
    """A change with its sign: ``+1.2``, ``-0.4``, ``0.0``."""
    return f"{x:+.{decimals}f}" if round(x, decimals) else f"{0:.{decimals}f}"


def date(day: dt.date) -> str:
    """A date as pages write it: ``1 December 2026``."""
    from carelib import dates

    return dates.long_date(day)


def month(m: str) -> str:
    """A month as pages write it: ``September 2025``."""
    from carelib import dates

    return dates.month_label(m)


def data_uri(png: bytes) -> str:
    """A PNG image as a ``data:`` URI (pages carry their images inline)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def noun(n: float, word: str, plural: str | None = None) -> str:
    """``word`` for one, its plural otherwise (``plural``, or ``word`` + "s")."""
    return word if n == 1 else (plural or word + "s")


def count(n: float, word: str, plural: str | None = None) -> str:
    """A count with its noun: ``1 action``, ``2 actions``, ``0 actions``."""
    return f"{n} {noun(n, word, plural)}"
