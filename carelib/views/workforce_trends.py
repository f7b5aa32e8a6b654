"""Trend views of the workforce page: agency reliance, vacancies and recruitment.

:func:`trend` draws any indicator's council figures month by month in the house style
(labels at the right edge, target and England as reference lines, the numbers behind the
chart); :func:`agency` and :func:`vacancies` are page sections built on it. Each takes
the tables (:func:`carelib.workforce_data.build`) and the arguments an analyst changes:
the months shown, the title, the comparators.
"""

from __future__ import annotations

import math

import pandas as pd

from carelib import blocks, charts, dates, formatting, workforce, workforce_plan
from carelib.views import workforce_board as board
from carelib.views import workforce_words as words
from carelib.workforce_data import TREND_MONTHS, WorkforceData


def _finding(data: WorkforceData, indicator: str, valid: pd.DataFrame, target: bool) -> str:
    ind = workforce.INDICATORS[indicator]
    if valid.empty:
        return f"Line chart of the {ind.label.lower()}: no figures to show."
    first, last = valid.iloc[0], valid.iloc[-1]
    a, b = round(first["value"], 1), round(last["value"], 1)
    verb = "rose" if b > a else "fell" if b < a else "was unchanged"
    text = (
        f"Line chart: the {ind.label.lower()} {verb} from "
        f"{formatting.value(first['value'], ind.unit)} in {dates.month_label(valid.index[0])}"
        f" to {formatting.value(last['value'], ind.unit)} in "
        f"{dates.month_label(valid.index[-1])}"
    )
    if target and data.target(indicator) is not None:
        text += f"; the target is {words.target_text(data, indicator).removeprefix('Target: ')}"
    fig = data.benchmark(indicator)
    if fig is not None and fig.value is not None:
        text += (
            f"; England's latest figure is {formatting.value(fig.value, ind.unit)} "
            f"(30 September {fig.year})"
        )
    return text + "."


def trend(
    data: WorkforceData,
    indicator: str,
    *,
    months: int = TREND_MONTHS,
    title: str | None = None,
    target: bool = True,
    england: bool = True,
) -> blocks.View:
    """An indicator's council figure month by month, with its target and England.

    Parameters
    ----------
    data : carelib.workforce_data.WorkforceData
    indicator : str
        A name of :data:`carelib.workforce.INDICATORS`.
    months : int, default 24
        Months shown (at most the months of data).
    title : str, optional
        The chart's title (default the indicator's label).
    target : bool, default True
        Draw the configured target.
    england : bool, default True
        Draw England's (and, when known, the neighbours') latest census figure.

    Returns
    -------
    carelib.blocks.View
        The chart (its alt text states the finding; its table the numbers), after a
        sentence when some months are left out (part-year 12-month figures).
    """
    ind = workforce.INDICATORS[indicator]
    rows, left_out = data.trend_series(indicator, months)
    frame = rows.reset_index()
    fig, ax = charts.new_figure(8.0, 3.4)
    percent = ind.unit == "percent"
    charts.trend(
        frame,
        "label",
        {"Council": "value"},
        ylabel=words.axis_label(indicator),
        percent=percent,
        ax=ax,
    )
    charts.drop_end_labels(ax)
    labels = []
    last = rows["value"].dropna()
    if len(last):
        labels.append(
            (
                float(last.iloc[-1]),
                f"Council {formatting.value(last.iloc[-1], ind.unit)}",
                charts.PALETTE[0],
            )
        )
    goal = data.target(indicator) if target else None
    if goal is not None:
        ax.axhline(goal, color=charts.INK, linestyle=(0, (6, 3)), linewidth=1.4)
        labels.append(
            (goal, f"Target {formatting.value(goal, ind.unit)}", charts.INK, (0, (3, 1.5)))
        )
    for j, (text, value) in enumerate(
        (words.references(data, indicator) if england else {}).items()
    ):
        style = [":", "-."][j % 2]
        if goal is not None and round(value, 1) == round(goal, 1):
            # The lines coincide: one label names both, so neither hides the other.
            labels[-1] = (goal, f"Target and {text}", charts.INK, (0, (3, 1.5)))
            continue
        ax.axhline(value, color=charts.GREY, linestyle=style, linewidth=1.4)
        labels.append((value, text, charts.GREY, style))
    charts.month_ticks(ax, list(frame["label"]))
    ax.margins(x=0.02)
    if percent:
        ax.set_ylim(bottom=0)
    done = board.completions(data, indicator, list(rows.index))
    board.mark_completions(ax, done, list(rows.index))
    charts.right_labels(ax, labels)
    alt = _finding(data, indicator, rows.dropna(subset=["value"]), target)
    columns = ["Month", ind.label, "Months of data"]
    numbers = blocks.text_frame(
        [
            {
                "Month": dates.month_label(m),
                ind.label: formatting.value(r["value"], ind.unit, str(r["symbol"])),
                "Months of data": f"{int(r['months_covered'])} of {int(r['window_months'])}",
            }
            for m, r in rows.iterrows()
        ],
        columns,
    )
    if ind.window == 1:
        numbers = numbers.drop(columns=["Months of data"])
    if not done.empty:
        alt += (
            " Dotted vertical lines mark completed plan actions: "
            + ", ".join(
                f"{r['action_id']} ({dates.month_label(r['month'])})" for _, r in done.iterrows()
            )
            + "."
        )
    found = charts.figure(
        fig,
        title=title or board.trend_title(data, indicator, list(rows.index)),
        alt=alt,
        source=data.source,
        data=numbers,
    )
    found.id = workforce_plan.chart_anchor(indicator)
    parts = [found]
    if left_out:
        parts.insert(0, blocks.paragraph(left_out))
    after = board.after_actions(data, indicator, done)
    if after:
        parts.append(blocks.paragraph(after, class_="after-actions"))
    return blocks.View(f"trend_{indicator}", None, parts)


def agency(
    data: WorkforceData,
    *,
    months: int = TREND_MONTHS,
    title: str | None = None,
    target: bool = True,
    england: bool = True,
) -> blocks.View:
    """Agency rate trend with target and comparators; agency and council FTE; cover rate.

    Parameters
    ----------
    data : carelib.workforce_data.WorkforceData
    months : int, default 24
        Months shown in both charts.
    title : str, optional
        The agency rate chart's title (default its finding, ``Agency rate fell from ...``).
    target, england : bool, default True
        Draw the target and England's figure on the agency rate chart.
    """
    shown = data.trend_months(months)
    parts = [
        board.section_heading(data, "agency"),
        blocks.paragraph(
            "Agency social workers cost more and move on sooner; reducing reliance on them is "
            "the heart of the improvement plan."
        ),
        trend(data, "agency_rate", months=months, title=title, target=target, england=england),
    ]
    actions = board.plan_actions(data, "agency")
    if actions is not None:
        parts.append(actions)
    sw, ag = data.series("social_worker_fte", months), data.series("agency_fte", months)
    cover = data.series("agency_cover_rate", months)
    frame = pd.DataFrame({"label": sw["label"], "sw": sw["value"], "agency": ag["value"]})
    fig, ax = charts.new_figure(8.0, 3.4)
    charts.trend(
        frame.reset_index(drop=True),
        "label",
        {"Council-employed": "sw", "Agency": "agency"},
        ylabel="FTE",
        ax=ax,
    )
    charts.drop_end_labels(ax)
    charts.month_ticks(ax, list(frame["label"]))
    ax.margins(x=0.02)
    ax.set_ylim(bottom=0)
    fte = [
        formatting.value(v, "fte", str(s)) for v, s in zip(sw["value"], sw["symbol"], strict=True)
    ]
    afte = [
        formatting.value(v, "fte", str(s)) for v, s in zip(ag["value"], ag["symbol"], strict=True)
    ]
    charts.right_labels(
        ax,
        [
            (sw["value"].iloc[-1], f"Council {fte[-1]}", charts.PALETTE[0]),
            (ag["value"].iloc[-1], f"Agency {afte[-1]}", charts.PALETTE[1], "--"),
        ],
    )
    alt = (
        f"Line chart: agency social worker FTE went from {afte[0]} in "
        f"{dates.month_label(shown[0])} to {afte[-1]} in {dates.month_label(data.month)}, "
        f"while social workers employed by the council went from {fte[0]} to {fte[-1]}."
    )
    numbers = blocks.text_frame(
        [
            {
                "Month": dates.month_label(m),
                "Social workers (FTE)": formatting.value(
                    sw.at[m, "value"], "fte", sw.at[m, "symbol"]
                ),
                "Agency (FTE)": formatting.value(ag.at[m, "value"], "fte", ag.at[m, "symbol"]),
                "Agency covering a vacancy": formatting.value(
                    cover.at[m, "value"], "percent", cover.at[m, "symbol"]
                ),
            }
            for m in shown
        ],
        ["Month", "Social workers (FTE)", "Agency (FTE)", "Agency covering a vacancy"],
    )
    moved = "fell" if ag["value"].iloc[-1] < ag["value"].iloc[0] else "rose"
    parts.append(
        charts.figure(
            fig,
            title=(
                f"Agency social workers {moved} from {afte[0]} to {afte[-1]} FTE since "
                f"{dates.month_label(shown[0])}; council-employed from {fte[0]} to {fte[-1]}"
            ),
            alt=alt,
            source=data.source,
            data=numbers,
        )
    )
    row = data.row("agency_cover_rate")
    if row is not None:
        if formatting.is_missing(row["value"]):
            text = (
                f"The share of agency workers covering a funded vacancy is "
                f"{data.text('agency_cover_rate')} this month."
            )
        else:
            text = (
                f"{data.text('agency_cover_rate')} of agency FTE "
                f"({formatting.value(row['numerator'], 'fte')} of "
                f"{formatting.value(row['denominator'], 'fte')} FTE) covered a funded "
                "vacant post at the month end (agency cover rate); the rest are not "
                "recorded as covering a vacancy."
            )
        change = words.change_words(data, "agency_cover_rate")
        if change:
            text += f" {change}."
        parts.append(blocks.paragraph(text))
    return blocks.View("agency", None, parts, id="detail-agency")


def vacancies(
    data: WorkforceData,
    *,
    months: int = TREND_MONTHS,
    title: str | None = None,
    target: bool = True,
    england: bool = True,
) -> blocks.View:
    """Vacancy rate trend, and recruitment against the year's hiring target.

    Parameters
    ----------
    data : carelib.workforce_data.WorkforceData
    months : int, default 24
        Months shown in the vacancy rate chart.
    title : str, optional
        The vacancy rate chart's title (default its finding).
    target, england : bool, default True
        Draw the target and England's figure.
    """
    parts = [
        board.section_heading(data, "vacancies"),
        trend(data, "vacancy_rate", months=months, title=title, target=target, england=england),
    ]
    actions = board.plan_actions(data, "vacancies")
    if actions is not None:
        parts.append(actions)
    parts += [
        blocks.Heading(recruitment_heading(data), 3),
        blocks.paragraph(recruitment_sentence(data)),
        board.side_by_side(
            recruitment_figure(data),
            board.collapsed(starters_by_team(data), "Starters by team"),
            chart=True,
        ),
    ]
    return blocks.View("vacancies", None, parts, id="detail-recruitment")


def recruitment_heading(data: WorkforceData) -> str:
    """``Recruitment: 18 of 25 hired so far in 2025-26, ahead of the profile of 12.5``."""
    r = data.recruitment
    hires = data.text("starters_fytd") if data.row("starters_fytd") is not None else str(r["hires"])
    side = "on or ahead of" if r["on_track"] else "behind"
    if hires == "c":
        return (
            f"Recruitment in {r['financial_year']}: suppressed (c), against a target of "
            f"{r['target']}"
        )
    return (
        f"Recruitment: {hires} of {r['target']} qualified social workers hired so far in "
        f"{r['financial_year']}, {side} the profile of {formatting.number(r['expected_by_now'])}"
    )


def recruitment_sentence(data: WorkforceData) -> str:
    """Starters so far this financial year against the target and its profile."""
    r = data.recruitment
    hires = data.text("starters_fytd") if data.row("starters_fytd") is not None else str(r["hires"])
    when = dates.month_label(data.month)
    text = (
        f"{hires} qualified social {'worker has' if hires == '1' else 'workers have'} "
        f"started in {r['financial_year']} so far, against a target of {r['target']} "
        f"for the year. A straight-line profile expects "
        f"{formatting.number(r['expected_by_now'])} by the end of {when}, so recruitment is "
        f"{'on or ahead of' if r['on_track'] else 'behind'} profile."
    )
    if hires == "c":
        text = (
            f"The number of qualified social workers who started in "
            f"{r['financial_year']} so far is suppressed (c) to protect individuals: "
            "it is small, or its rise since the last figure shown is; the target is "
            f"{r['target']} for the year."
        )
    if r["months_covered"] < r["months_elapsed"]:
        text += (
            f" Only {r['months_covered']} of the year's {r['months_elapsed']} months "
            "have data, so starters may be missing."
        )
    return text


def recruitment_figure(data: WorkforceData) -> blocks.Figure:
    """Starters so far this financial year against a straight-line profile and the target."""
    r = data.recruitment
    fy_first = dates.add_months(data.month, -(r["months_elapsed"] - 1))
    months = [m for m in data.months if m >= fy_first]
    starters = data.series("starters_fytd").loc[months]
    target = r["target"]
    elapsed = {m: i + 1 for i, m in enumerate(dates.month_range(fy_first, data.month))}
    frame = pd.DataFrame(
        {
            "label": starters["label"].to_numpy(),
            "hires": starters["value"].to_numpy("float64"),
            "expected": [target * elapsed[m] / 12 for m in months],
        }
    )
    fig, ax = charts.new_figure(8.0, 3.4)
    charts.trend(
        frame,
        "label",
        {"Started so far this year": "hires", "Straight-line profile": "expected"},
        ylabel="Social workers (headcount)",
        ax=ax,
    )
    charts.drop_end_labels(ax)
    ax.axhline(target, color=charts.INK, linestyle=(0, (6, 3)), linewidth=1.4)
    charts.month_ticks(ax, list(frame["label"]))
    ax.margins(x=0.03)
    ax.set_ylim(bottom=0)
    # This month's figure only: when it is suppressed the line has no label, rather than
    # an earlier month's figure that would read as this month's.
    latest = frame["hires"].iloc[-1] if len(frame) else math.nan
    charts.right_labels(
        ax,
        [
            (
                latest,
                ""
                if formatting.is_missing(latest)
                else f"Started {formatting.value(latest, 'count')}",
                charts.PALETTE[0],
            ),
            (
                frame["expected"].iloc[-1],
                f"Profile {formatting.number(frame['expected'].iloc[-1])}",
                charts.PALETTE[1],
                "--",
            ),
            (float(target), f"Target {target}", charts.INK, (0, (3, 1.5))),
        ],
    )
    alt = (
        f"Line chart: {data.text('starters_fytd')} qualified social workers have started in "
        f"{r['financial_year']} by {dates.month_label(data.month)}, against "
        f"{formatting.number(r['expected_by_now'])} expected on a straight-line profile and "
        f"a target of {target} for the year."
    )
    numbers = blocks.text_frame(
        [
            {
                "Month": dates.month_label(m),
                "Started so far this year": formatting.value(
                    starters.at[m, "value"], "count", starters.at[m, "symbol"]
                ),
                "Straight-line profile": formatting.number(target * elapsed[m] / 12),
            }
            for m in months
        ],
        ["Month", "Started so far this year", "Straight-line profile"],
    )
    return charts.figure(
        fig,
        title=(
            f"{data.text('starters_fytd')} qualified social workers hired in "
            f"{r['financial_year']} by {dates.month_label(data.month)}, "
            f"{'on or ahead of' if r['on_track'] else 'behind'} the straight-line profile"
        ),
        data_caption=f"Qualified social workers hired in {r['financial_year']}, month by month",
        alt=alt,
        source=data.source,
        data=numbers,
    )


def starters_by_team(data: WorkforceData) -> blocks.Table:
    """Qualified social workers who started in the last 12 months, by team."""
    rows = [
        {"Team": team, "Starters (12 months)": data.count_text("starters_12m", team=team)}
        for team in data.teams()
    ]
    rows.append({"Team": "Whole council", "Starters (12 months)": data.count_text("starters_12m")})
    note = words.window_note(data, "starters_12m") or ""
    return blocks.table(
        blocks.text_frame(rows, ["Team", "Starters (12 months)"]),
        f"Qualified social workers who started, by team ({note}; "
        "headcount, team of their latest record)",
        numeric=["Starters (12 months)"],
    )
