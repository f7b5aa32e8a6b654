"""What every part of the improvement plan shares: ratings, words for units, small helpers.

The plan's modules (:mod:`carelib.plan_actions`, :mod:`carelib.plan_measures`,
:mod:`carelib.plan_rollup`, :mod:`carelib.plan_assess`) import only pandas and the light
carelib modules, so that ``carelib plan --json`` starts quickly.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd

from carelib import dates, formatting

if TYPE_CHECKING:  # only for annotations: plan must not pull in the loader at import
    from carelib.config import Config
    from carelib.loading import History

#: Ratings from best to worst. Blue means complete (actions) or delivered (roll-ups).
RAG_ORDER = {"blue": 0, "green": 1, "amber": 2, "red": 3}
RAGS = tuple(RAG_ORDER)
#: The order ratings are listed in tables and counts: worst first.
RAGS_WORST_FIRST = ("red", "amber", "green", "blue")
#: A measure with no value this month is not given a colour.
NO_DATA = "no data"
MEASURE_RATINGS = ("green", "amber", "red", NO_DATA)
#: Ofsted asks for the written action plan within 70 working days of publication.
PLAN_DUE_WORKING_DAYS = 70
#: rag_change when there is no earlier month in the data to compare with.
NOT_COMPARED = "not compared"

# How each unit's distances are written ("3.2 points from target").
_UNIT_WORDS = {
    "percent": " points",
    "days": " days",
    "count": "",
    "ratio": "",
    "gbp": "",
    "cases": "",
}
_UNIT_DECIMALS = {
    u: formatting.DECIMALS[u] for u in ("percent", "days", "count", "ratio", "gbp", "cases")
}


# --------------------------------------------------------------------------- helpers


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _as_date(value: Any) -> dt.date | None:
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _day(value: dt.date | None) -> str:
    return "no date" if value is None else f"{value.day} {value:%b %Y}"


def _month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7])


def _number(value: float, unit: str) -> str:
    decimals = _UNIT_DECIMALS.get(unit, 1)
    if unit in ("count", "days") and abs(value - round(value)) > 1e-9:
        decimals = 1
    text = f"{abs(value):,.{decimals}f}"
    return f"£{text}" if unit == "gbp" else text


def _plan_start(history: History, config: Config) -> tuple[dt.date, str]:
    start = config["inspection"].get("plan_start")
    if start is not None:
        return start, "config"
    if not history.months:
        raise ValueError("the plan has no months of data and no inspection.plan_start")
    return dates.month_start(history.months[0]), "first month of data"
