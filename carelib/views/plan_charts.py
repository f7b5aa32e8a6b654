"""The plan's charts as views: the burn-up, and each recommendation's progress measures.

Both are plain matplotlib rather than seaborn: the burn-up labels each line at its end
(never colour alone) and the measure panels draw a straight-line trajectory that stops
at the target date beside a dotted target; neither is a statistical plot with hue, which
is what seaborn adds. The house look comes from :func:`carelib.charts.pyplot`.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Mapping
from typing import Any

import pandas as pd

from carelib import blocks, charts, dates, formatting, plan, plan_attention
from carelib.month import Month
from carelib.plan_data import PlanData
from carelib.views import plan_words as w

#: Added to the source line of charts that include measures fed by workforce indicators.
KPI_SOURCE = "workforce indicators computed from the council's monthly workforce returns"
_UNIT_AXIS = {
    "percent": "Percent",
    "days": "Days",
    "count": "Count",
    "ratio": "Ratio",
    "cases": "Cases per FTE",
    "gbp": "Pounds (£)",
}


# --- Burn-up ----------------------------------------------------------------------------


def _behind_since(burn: pd.DataFrame) -> str | None:
    """The first month of the current run of months with fewer complete than due."""
    behind = list(burn["complete"] < burn["due_to_date"])
    if not behind or not behind[-1]:
        return None
    start = len(behind) - 1
    while start > 0 and behind[start - 1]:
        start -= 1
    return burn["month"].iloc[start]


def burnup_title(data: PlanData) -> str:
    """The burn-up chart's title, which says what the chart shows."""
    since = _behind_since(data.assessment.burnup)
    month = w.month_label(data.month)
    if since is None:
        return f"Completed actions are keeping pace with actions due, to {month}"
    if since == data.month:
        return f"Fewer actions were complete than due in {month}"
    return (
        f"Fewer actions have been complete than due at every month end since {w.month_label(since)}"
    )


def burnup_finding(data: PlanData) -> str:
    """The burn-up's finding in words (its alt text and the view's finding)."""
    burn = data.assessment.burnup
    last = burn.iloc[-1]
    text = (
        f"By {w.month_label(last['month'])}, {int(last['complete'])} of "
        f"{int(last['total'])} actions were complete against {int(last['due_to_date'])} "
        f"due"
    )
    since = _behind_since(burn)
    if since is not None and since != data.month:
        text += (
            f"; fewer actions have been complete than due at every month end since "
            f"{w.month_label(since)}"
        )
    elif since is not None:
        text += "; fewer actions were complete than due this month"
    else:
        text += "; completed actions are keeping pace with actions due"
    overdue = int(last["overdue"])
    return text + f", and {formatting.count(overdue, 'action')} {w.was_were(overdue)} overdue."


def plan_burnup(
    data: PlanData, *, months: int | None = None, title: str | None = None
) -> blocks.View:
    """The plan burn-up chart: actions in the plan, due and complete at each month end.

    Parameters
    ----------
    data : carelib.plan_data.PlanData
        The month's plan tables.
    months : int, optional
        Show only the last ``months`` months (default every month of data).
    title : str, optional
        The chart's title (default a title that states what the chart shows).

    Returns
    -------
    carelib.blocks.View
        The finding, a sentence on how to read the chart, and an accessible figure (alt
        text stating the finding, source line, the numbers as ``figures[0].data``).
    """
    burn = data.assessment.burnup
    if months is not None:
        burn = burn.tail(months).reset_index(drop=True)
    plt = charts.pyplot()
    fig, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
    xs = list(range(len(burn)))
    lines = [
        ("In plan", "total", charts.GREY, ":", None),
        ("Due", "due_to_date", charts.PALETTE[1], "--", "s"),
        ("Complete", "complete", charts.PALETTE[0], "-", "o"),
    ]
    ends = []
    for label, col, colour, dash, marker in lines:
        ys = burn[col].astype(float).tolist()
        ax.plot(xs, ys, color=colour, linestyle=dash, marker=marker, markersize=3.5, linewidth=2)
        ends.append((ys[-1], f"{label}: {int(ys[-1])}", colour))
    top = float(burn["total"].max()) if len(burn) else 1.0
    charts.label_ends(ax, xs[-1] if xs else 0, ends, gap=0.07 * max(top, 1.0))
    ax.set_ylim(0, max(top, 1.0) * 1.08)
    charts.month_ticks(ax, [Month(m).short_label for m in burn["month"]])
    ax.set_ylabel("Actions")
    ax.margins(x=0.02)
    ax.set_xlim(-0.5, len(xs) - 0.5 + max(2.5, len(xs) * 0.16))
    numbers = pd.DataFrame(
        {
            "Month": [w.month_label(m) for m in burn["month"]],
            "Actions in plan": burn["total"].astype(int).tolist(),
            "Due by month end": burn["due_to_date"].astype(int).tolist(),
            "Complete": burn["complete"].astype(int).tolist(),
            "Overdue": burn["overdue"].astype(int).tolist(),
        },
        dtype=object,
    )
    finding = burnup_finding(data) + " " + plan_attention.since_last_completion(data)
    figure = charts.figure(
        fig,
        title=title or burnup_title(data),
        alt=finding,
        source=data.source,
        data=numbers,
        data_caption="Actions in the plan, due and complete at each month end",
    )
    how_to_read = blocks.paragraph(
        "When the complete line stays below the due line, delivery is behind "
        "schedule. An action counts as due once its current due date has "
        "passed, so moving a due date later takes it off the due line."
    )
    last = data.assessment.burnup.iloc[-1]
    heading = (
        f"{int(last['complete'])} of {int(last['total'])} actions complete against "
        f"{int(last['due_to_date'])} due"
    )
    return w.view(
        "plan_burnup",
        heading,
        finding,
        [how_to_read, figure],
        "plan-burnup",
    )


# --- Progress measures ------------------------------------------------------------------


def _side(m: Mapping[str, Any], level: float) -> str:
    """``above``/``below``/``at`` a level, from the value."""
    gap = float(m["value"]) - float(level)
    if abs(gap) < 1e-9 * max(1.0, abs(float(level))):
        return "at"
    return "above" if gap > 0 else "below"


def measure_position(data: PlanData, m: Mapping[str, Any], with_polarity: bool = True) -> str:
    """Where a measure is against its trajectory and its target, each named apart.

    The two can give different signals, so the words say which is which ("ahead of the
    trajectory for September 2025, not yet at the 20.0% target"), and "above" or
    "below" follows the measure's polarity: only the wrong side is "short of" it.
    """
    unit = m["unit"]
    month = w.month_label(data.month)
    if w.hidden(m, "value"):
        return f"{w.figure(data, m, 'value')} in {month}"
    if w.missing(m["value"]):
        return f"No value for {month}"
    val = w.value(m["value"], unit)
    target = w.figure(data, m, "target")
    when = w.long_date(m["target_date"])
    polarity = w.POLARITY_WORDS.get(m["polarity"])
    if m["target_met"] is True:
        at_target = f"{_side(m, m['target'])} the {target} target for {when}, so it is met"
    else:
        at_target = f"not yet at the {target} target for {when}"
    past = not w.missing(m["target_date"]) and m["target_date"].date() < data.reference_date
    text = f"{val} in {month}"
    if not past and not w.missing(m["trajectory"]):
        behind = float(m["behind_trajectory"])
        where = "on" if abs(behind) < 1e-9 else "ahead of" if behind < 0 else "behind"
        text += f", {where} the trajectory for {month} ({w.figure(data, m, 'trajectory')})"
        text += f"; {at_target}"
    elif past:
        text += f"; the target date has passed; {at_target}"
    else:
        text += f"; {at_target}"
    return text + (f" ({polarity})" if polarity and with_polarity else "")


def measure_finding(data: PlanData, m: Mapping[str, Any]) -> str:
    """One measure's position in words, for alt text and the list under the chart."""
    if w.missing(m["value"]) and not w.hidden(m, "value"):
        reason = w.long_dates(m["rag_reason"])
        return (
            f"{m['name']}: no value for {w.month_label(data.month)}; {reason}; target "
            f"{w.figure(data, m, 'target')} by {w.long_date(m['target_date'])}."
        )
    rating = w.RAG_WORDS.get(m["rag"], m["rag"])
    polarity = w.POLARITY_WORDS.get(m["polarity"], "direction not recorded")
    position = measure_position(data, m, with_polarity=False)
    return f"{m['name']} ({polarity}): {position}; rated {rating}; {m['progress_text']}."


def _mpl_text(words: Any) -> str:
    """Make data text safe for matplotlib, which would treat ``$...$`` as mathematics."""
    return "" if w.missing(words) else str(words).replace("$", r"\$")


def measures_figure(data: PlanData, rid: str, measures: pd.DataFrame) -> blocks.Figure:
    """One figure per recommendation: a small chart per measure, stacked.

    Parameters
    ----------
    data : carelib.plan_data.PlanData
        The month's plan tables.
    rid : str
        The recommendation.
    measures : pandas.DataFrame
        Its measures (rows of ``data.measures``).
    """
    plt = charts.pyplot()
    records = measures.to_dict("records")
    n = len(records)
    # Panels are stacked, not side by side: on a phone a half-width panel shrinks
    # to unreadable, while a full-width one keeps its labels legible.
    height = 3.4 if n == 1 else 2.7 * n
    fig, axes = plt.subplots(n, 1, figsize=(8, height), layout="constrained", squeeze=False)
    plan_start = data.assessment.timeline["plan_start"]
    table_rows: list[dict[str, Any]] = []
    for ax, m in zip(axes.flat, records, strict=True):
        table_rows += _measure_panel(data, ax, m, plan_start)
    kpi_linked = any(not w.missing(m["kpi"]) for m in records)
    source = data.source + (f"; {KPI_SOURCE}" if kpi_linked else "")
    month = w.month_label(data.month)
    if n == 1:
        where = {
            "green": "on or ahead of its trajectory",
            "amber": "a little behind its trajectory",
            "red": "behind its trajectory",
        }.get(records[0]["rag"], "no value to compare with its trajectory")
        title = f"{records[0]['name']}: {where} in {month}"
    else:
        on_track = sum(m["rag"] == "green" for m in records)
        title = (
            f"Recommendation {rid}: {on_track} of {n} progress measures on or ahead "
            f"of trajectory in {month}"
        )
    return charts.figure(
        fig,
        title=title,
        alt=" ".join(measure_finding(data, m) for m in records),
        source=source,
        data=pd.DataFrame(
            table_rows, columns=["Month", "Measure", "Actual", "Trajectory", "Rating"], dtype=object
        ),
        data_caption=f"Progress measures for recommendation {rid} by "
        "month: actual value, trajectory and rating",
    )


def _measure_panel(
    data: PlanData, ax, m: Mapping[str, Any], plan_start: dt.date
) -> list[dict[str, Any]]:
    """Draw one measure: actual by month (solid), trajectory (dashed), target (dotted)."""
    mid, unit = m["measure_id"], m["unit"]
    hist = data.measure_history[data.measure_history["measure_id"] == mid]
    target_date = m["target_date"].date() if not w.missing(m["target_date"]) else None
    first = min([*hist["month"], dates.month_of(plan_start)])
    last = max([data.month, *([dates.month_of(target_date)] if target_date else [])])
    months = dates.month_range(first, last)
    pos = {month: i for i, month in enumerate(months)}
    values = dict(zip(hist["month"], hist["value"], strict=True))
    xs = list(range(len(months)))
    actual = [values.get(month, math.nan) for month in months]
    ax.plot(xs, actual, color=charts.PALETTE[0], linestyle="-", marker="o", markersize=3, lw=2)
    if not (w.missing(m["baseline"]) or w.missing(m["target"]) or target_date is None):
        upto = [month for month in months if month <= dates.month_of(target_date)]
        traj = [
            plan.trajectory(
                m["baseline"], m["target"], plan_start, target_date, dates.reference_date(month)
            )
            for month in upto
        ]
        ax.plot(xs[: len(upto)], traj, color=charts.PALETTE[1], linestyle="--", linewidth=1.6)
        # Label the trajectory half way along, on the side away from the actual line,
        # where it cannot collide with the latest value's label.
        half = len(upto) // 2
        near = [v for v in actual[max(0, half - 2) : half + 3] if not w.missing(v)]
        above = bool(near) and sum(near) / len(near) > traj[half]
        ax.annotate(
            "Trajectory",
            (half, traj[half]),
            xytext=(0, -13 if above else 13),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=8.5,
            color=charts.PALETTE[1],
            bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
        )
        ax.axhline(m["target"], color=charts.INK, linestyle=":", linewidth=1.3)
        ax.annotate(
            f"Target {w.value(m['target'], unit)}",
            (0, m["target"]),
            xytext=(2, 4),
            textcoords="offset points",
            fontsize=8.5,
            color=charts.INK,
        )
    now = pos.get(data.month)
    if now is not None and not w.missing(actual[now]):
        # Beside the latest point, on a white patch so that no line runs through it.
        ax.annotate(
            f"{w.month_label(data.month)[:3]} {data.month[:4]}: {w.value(actual[now], unit)}",
            (now, actual[now]),
            xytext=(6, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=8.5,
            fontweight="bold",
            color=charts.PALETTE[0],
            bbox={"boxstyle": "square,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9},
        )
    polarity = w.POLARITY_WORDS.get(m["polarity"], "direction not recorded")
    ax.set_title(
        textwrap.fill(_mpl_text(m["name"]), 90) + f"\n({polarity})", fontsize=9.5, loc="left"
    )
    ax.set_ylabel(_UNIT_AXIS.get(unit, "Value"), fontsize=9)
    ax.tick_params(labelsize=8.5)
    charts.month_ticks(ax, [Month(m).short_label for m in months], most=8)
    ax.margins(x=0.04, y=0.18)
    return [
        {
            "Month": w.month_label(rec["month"]),
            "Measure": f"{mid}: {m['name']}",
            "Actual": w.figure(data, rec, "value"),
            "Trajectory": w.figure(data, rec, "trajectory"),
            "Rating": blocks.RAG_LABELS.get(rec["rag"], "No data"),
        }
        for rec in hist.to_dict("records")
    ]
