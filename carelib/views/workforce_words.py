"""How the workforce page words a figure: change, target, comparators, window.

Functions from :class:`carelib.workforce_data.WorkforceData` to the phrases the views put
in tiles, headings, sentences and alt text (``Down 1.2 points since August (better)``,
``Target: 18.0% or lower``, ``England 13.0%, census 30 September 2025``). Every number
goes through :mod:`carelib.formatting`.
"""

from __future__ import annotations

import numpy as np

from carelib import dates, formatting, workforce
from carelib.workforce_data import (
    COMPARED_AS,
    WorkforceData,
    census_label,
    census_words,
)


def _decimals(unit: str) -> int:
    return 0 if unit == "count" else 1


def comparison(data: WorkforceData, indicator: str) -> str | None:
    """England, neighbours and region beside the figure, naming census and coverage.

    E.g. ``England 13.0%, census 30 September 2025; statistical neighbours 15.6% (median
    of 9 of 10 neighbours; no published figure for ...); North West 16.6%``. A figure
    defined differently from DfE's is compared through :data:`COMPARED_AS`.
    """
    compared = COMPARED_AS.get(indicator, indicator)
    unit = data.unit(compared)
    parts, year = [], None
    for which in ("england", "neighbours", "region"):
        fig = data.benchmark(compared, which)
        if fig is None:
            continue
        name = {
            "england": "England",
            "neighbours": "statistical neighbours",
            "region": data.bench.region_name or "region",
        }[which]
        text = f"{name} {formatting.value(fig.value, unit, fig.symbol)}"
        if fig.year != year:
            text += f", {census_words(fig.year)}"
            year = year or fig.year
        if which == "neighbours" and fig.of is not None and (fig.missing or fig.matched):
            text += f" ({fig.coverage()})"
        parts.append(text)
    if not parts:
        return None
    text = "; ".join(parts)
    if compared != indicator:
        row = data.row(compared)
        ours = (
            workforce.partial_text(row)
            if row is not None and not workforce.is_complete(row)
            else data.text(compared)
        )
        text = f"By DfE's definition {ours}, beside {text}"
    return text


def references(data: WorkforceData, indicator: str) -> dict[str, float]:
    """Reference lines for a trend chart: England and, when known, neighbours."""
    unit = data.unit(indicator)
    out = {}
    for which, name in (("england", "England"), ("neighbours", "Neighbours")):
        fig = data.benchmark(indicator, which)
        if fig is not None and fig.value is not None:
            extra = f"{fig.n} of {fig.of}, " if fig.of and fig.n != fig.of else ""
            label = f"{name} {formatting.value(fig.value, unit)}\n({extra}{census_label(fig.year)})"
            out[label] = fig.value
    return out


def england_words(data: WorkforceData, indicator: str) -> str:
    """``England's figure is 13.0% (census 30 September 2025)``, or ``""``."""
    fig = data.benchmark(indicator)
    if fig is None:
        return ""
    unit = data.unit(indicator)
    return (
        f"England's figure is {formatting.value(fig.value, unit, fig.symbol)} "
        f"({census_words(fig.year)})"
    )


def target_status(data: WorkforceData, indicator: str) -> str | None:
    """``met`` / ``not_met`` judged on the figure as shown (one decimal place).

    None when there is no target or no figure, and when the figure covers fewer months
    than its window (a partial 12-month figure is never rated).
    """
    target = data.target(indicator)
    value = data.value(indicator)
    if target is None or formatting.is_missing(value) or data.partial(indicator):
        return None
    shown = round(value, 1)
    polarity = workforce.INDICATORS[indicator].polarity
    met = shown >= target if polarity == "higher_is_better" else shown <= target
    return "met" if met else "not_met"


def target_text(data: WorkforceData, indicator: str) -> str | None:
    """``Target: 18.0% or lower``, or None without a target."""
    target = data.target(indicator)
    if target is None:
        return None
    polarity = workforce.INDICATORS[indicator].polarity
    side = "or higher" if polarity == "higher_is_better" else "or lower"
    return f"Target: {formatting.value(target, data.unit(indicator))} {side}"


def comparable(data: WorkforceData, indicator: str, other: str) -> bool:
    """Whether this month and ``other`` both cover the indicator's whole window.

    A 12-month figure over fewer months grows with the months it covers, so a change
    between two part-year figures is not a change in the thing measured.
    """
    for month in (data.month, other):
        row = data.row(indicator, month=month)
        if row is None or int(row["months_covered"]) < int(row["window_months"]):
            return workforce.INDICATORS[indicator].window in (1, "fy")
    return True


#: How many months back a change is read, by indicator (default 1, last month): the
#: NQSW retention figure covers 24 months, so it moves little in a month and last month's
#: figure rarely covers its whole window; it is read against the figure 12 months earlier.
COMPARED_BACK = {"nqsw_retained_1y": 12}


def compared_month(data: WorkforceData, indicator: str) -> str:
    """The month a change is read against: last month, or 12 months back for NQSW retention."""
    return dates.add_months(data.month, -COMPARED_BACK.get(indicator, 1))


def no_change_reason(data: WorkforceData, indicator: str) -> str | None:
    """Why a figure read against an earlier month has no change to say, in plain words.

    Only for the indicators of :data:`COMPARED_BACK`; None when there is a change.
    """
    if indicator not in COMPARED_BACK or change(data, indicator) is not None:
        return None
    before = compared_month(data, indicator)
    row = data.row(indicator, month=before)
    window = int(workforce.INDICATORS[indicator].window)
    if row is None or formatting.is_missing(row["value"]):
        have = "the data do not reach back that far"
    else:
        have = f"that figure covers only {int(row['months_covered'])} of {window} months"
    return (
        f"No comparison yet: it is compared with the figure 12 months earlier "
        f"({dates.month_label(before)}), and {have}"
    )


def change(data: WorkforceData, indicator: str) -> tuple[float, str] | None:
    """Change since the compared month (:func:`compared_month`) on the figures as shown.

    Returns the change and the compared month's name.
    """
    before_month = compared_month(data, indicator)
    now, before = data.value(indicator), data.value(indicator, month=before_month)
    if (
        formatting.is_missing(now)
        or formatting.is_missing(before)
        or not comparable(data, indicator, before_month)
    ):
        return None
    d = _decimals(data.unit(indicator))
    return round(round(now, d) - round(before, d), d), data.months_since(before_month)


def change_words(data: WorkforceData, indicator: str) -> str | None:
    """``Down 1.2 points since August (better)``, or None when there is no change to say."""
    found = change(data, indicator)
    if found is None:
        return no_change_reason(data, indicator)
    diff, since = found
    if diff == 0:
        return f"No change since {since}"
    ind = workforce.INDICATORS[indicator]
    amount = {"percent": f"{abs(diff):.1f} points", "cases": f"{abs(diff):.1f}"}.get(
        ind.unit, f"{abs(diff):,.0f}"
    )
    text = f"{'Up' if diff > 0 else 'Down'} {amount} since {since}"
    if ind.polarity:
        better = (diff < 0) == (ind.polarity == "lower_is_better")
        text += " (better)" if better else " (worse)"
    return text


def window_note(data: WorkforceData, indicator: str) -> str | None:
    """``12 months to September 2025``, or how few months a 12-month figure covers."""
    row = data.row(indicator)
    if row is None:
        return None
    covered, window = int(row["months_covered"]), int(row["window_months"])
    if workforce.INDICATORS[indicator].window == 12:
        if covered < window:
            span = month_span(row["period_start"], row["period_end"])
            return f"Covers only {covered} of 12 months ({span}): fewer than 12 months of data"
        return f"12 months to {dates.month_label(data.month)}"
    return None


def movement(data: WorkforceData, indicator: str) -> str:
    """``fell from 22.7% to 21.2% this month`` and how it compares with recent months."""
    unit = data.unit(indicator)
    now = data.value(indicator)
    before_month = dates.add_months(data.month, -1)
    before = data.value(indicator, month=before_month)
    if formatting.is_missing(now):
        return f"was not available ({data.text(indicator)})"
    if formatting.is_missing(before) or not comparable(data, indicator, before_month):
        return f"was {data.text(indicator)}"
    d = _decimals(unit)
    a, b = round(before, d), round(now, d)
    if a == b:
        text = f"was unchanged at {formatting.value(now, unit)} this month"
    else:
        verb = "rose" if b > a else "fell"
        text = (
            f"{verb} from {formatting.value(before, unit)} to "
            f"{formatting.value(now, unit)} this month"
        )
    rows, _ = data.trend_series(indicator)
    history = rows["value"].round(d).dropna()
    if len(history) >= 6 and history.index[-1] == data.month:
        earlier = history.iloc[:-1]
        for word, beaten in (("lowest", earlier > b), ("highest", earlier < b)):
            if beaten.all():
                text += f", its {word} in {len(history)} months"
                break
            since = np.flatnonzero(~beaten.to_numpy())
            streak = len(earlier) - 1 - since[-1]
            if streak >= 6:
                text += f", its {word} since {dates.month_label(earlier.index[since[-1]])}"
                break
    return text


def against_target(data: WorkforceData, indicator: str) -> str:
    """``meeting the target of 18.0% or lower`` / ``2.1 points above the target ...``.

    The side of the target follows the figure and the words follow the polarity: a
    figure above a higher-is-better target is ``... above the target of 80.0% or
    higher, so meeting it``, never short of it.
    """
    target = target_status(data, indicator)
    goal = data.target(indicator)
    if goal is None or target is None:
        return ""
    unit = data.unit(indicator)
    wanted = target_text(data, indicator).removeprefix("Target: ")
    if target == "met":
        return f"meeting the target of {wanted}"
    gap = round(round(data.value(indicator), 1) - goal, 1)
    points = " points" if unit == "percent" else ""
    side = "above" if gap > 0 else "below"
    return f"{abs(gap):.1f}{points} {side} the target of {formatting.value(goal, unit)}"


def axis_label(indicator: str) -> str:
    """A chart's value axis, the unit once: ``Turnover rate, 12 months (%)``."""
    ind = workforce.INDICATORS[indicator]
    label = ind.label.replace(" (12 months)", ", 12 months")
    unit = {"percent": " (%)", "cases": " (cases per FTE)"}.get(ind.unit, "")
    return label + unit


def month_span(first: str, last: str) -> str:
    """``October 2024 to September 2025``, or one month's name when the two are the same."""
    if first == last:
        return dates.month_label(first)
    return f"{dates.month_label(first)} to {dates.month_label(last)}"


def suppressed_reason(data: WorkforceData) -> str:
    """Why a figure shows c: ``c: fewer than 6, suppressed`` (from the configured threshold)."""
    return (
        f"c: fewer than {data.threshold + 1}, suppressed to protect individuals (or a "
        "figure that would let such a count be worked out)"
    )


def over_under(variance) -> str:
    """``£1,200 over budget``, ``on budget`` or ``not available``."""
    if formatting.is_missing(variance):
        return "not available"
    if round(variance) == 0:
        return "on budget"
    return f"{formatting.money(variance)} {'over' if variance > 0 else 'under'} budget"
