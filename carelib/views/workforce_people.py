"""Views of the workforce page about people: leavers, caseloads, absence, teams.

Turnover and leavers, caseloads, sickness absence, newly qualified social workers and
the teams.

Each takes the published tables (:func:`carelib.workforce_data.build`): the breakdown
tables are already suppressed in publication mode, so a view only words and draws them.
"""

from __future__ import annotations

import math

from carelib import blocks, charts, dates, formatting, workforce
from carelib.views import workforce_board as board
from carelib.views import workforce_words as words
from carelib.views.workforce_trends import trend
from carelib.workforce_data import TREND_MONTHS, WorkforceData


def turnover(
    data: WorkforceData,
    *,
    months: int = TREND_MONTHS,
    title: str | None = None,
    target: bool = True,
    england: bool = True,
) -> blocks.View:
    """Turnover trend and leavers by reason and by destination (month and 12 months).

    Parameters
    ----------
    data : carelib.workforce_data.WorkforceData
    months : int, default 24
        Months shown in the turnover chart.
    title : str, optional
        The chart's title (default its finding, built from the figures).
    target, england : bool, default True
        Draw the target and England's figure.
    """
    parts = [
        board.section_heading(data, "turnover"),
        trend(
            data, "turnover_rate_12m", months=months, title=title, target=target, england=england
        ),
    ]
    actions = board.plan_actions(data, "turnover")
    if actions is not None:
        parts.append(actions)
    covered = data.leavers_covered
    month = dates.month_label(data.month)
    parts.append(
        blocks.paragraph(
            f"Leavers are social workers employed by the council (headcount) who left in "
            f"{month} and in the 12 months to {month}"
            + (f" (only {covered} months of data)" if covered and covered < 12 else "")
            + ". They include social workers who moved to another role in the council."
        )
    )
    parts.append(
        board.side_by_side(
            *(
                board.collapsed(leavers_table(data, breakdown, title_), title_)
                for breakdown, title_ in (
                    ("reason", "Leavers by reason for leaving"),
                    ("destination", "Leavers by destination"),
                )
            )
        )
    )
    return blocks.View("turnover", None, parts)


def leavers_table(data: WorkforceData, breakdown: str, title: str) -> blocks.Table:
    """Leavers by ``reason`` or ``destination`` as published (``c`` where suppressed)."""
    frame = data.leavers[breakdown].copy()
    cols = list(frame.columns[1:])
    for col in cols:
        frame[col] = [formatting.value(v, "count") for v in frame[col]]
    return blocks.table(
        frame.reset_index(drop=True), f"{title}: social workers, headcount", numeric=cols
    )


def caseloads(
    data: WorkforceData,
    *,
    months: int = TREND_MONTHS,
    title: str | None = None,
    target: bool = True,
    england: bool = True,
) -> blocks.View:
    """Average caseload trend with target; caseload bands (counts only) and high caseloads.

    Parameters
    ----------
    data : carelib.workforce_data.WorkforceData
    months : int, default 24
        Months shown in the trend chart.
    title : str, optional
        The trend chart's title (default its finding, built from the figures).
    target, england : bool, default True
        Draw the target and England's figure.
    """
    parts = [
        board.section_heading(data, "caseloads"),
        trend(data, "average_caseload", months=months, title=title, target=target, england=england),
    ]
    actions = board.plan_actions(data, "caseloads")
    if actions is not None:
        parts.append(actions)
    bands = data.bands
    labels = list(bands["Caseload (cases per FTE)"])
    counts = bands["Workers"]
    values = [math.nan if isinstance(v, str) else float(v) for v in counts]
    fig = charts.bar(
        labels, values, xlabel="Case-holding workers (headcount)", value_format="{:,.0f}"
    )
    ax = fig.axes[0]
    for y, v in enumerate(counts):
        if isinstance(v, str):
            ax.annotate(
                f"{v} (suppressed)",
                (0, y),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
                color=charts.INK,
            )
    ax.set_ylabel("Cases per FTE", fontsize=9)
    shown = "; ".join(
        f"{lab}: {formatting.value(v, 'count')}" for lab, v in zip(labels, counts, strict=True)
    )
    alt = (
        f"Bar chart of {formatting.value(bands.attrs['total'], 'count')} case-holding workers "
        f"by cases per FTE at {dates.month_label(data.month)}: {shown}."
    )
    numbers = bands.copy()
    numbers["Workers"] = [formatting.value(v, "count") for v in numbers["Workers"]]
    numbers["Share"] = [formatting.value(v, "percent") for v in numbers["Share"]]
    parts.append(
        charts.figure(
            fig,
            title=f"Caseloads by band, {dates.month_label(data.month)}: "
            + (high_caseloads(data) or "").rstrip("."),
            alt=alt,
            source=data.source,
            data=numbers.reset_index(drop=True),
        )
    )
    high = high_caseloads(data)
    if high:
        parts.append(
            blocks.paragraph(
                high + " Caseloads are counted per FTE, so a half-time "
                "worker with 10 cases counts as 20."
            )
        )
    return blocks.View("caseloads", None, parts)


def high_caseloads(data: WorkforceData) -> str | None:
    """Counts of workers above 25 cases per FTE (no row-level data)."""
    bands = data.bands
    high = bands["Workers"][bands.attrs["upper"] >= 25]
    if any(isinstance(v, str) for v in high):
        return "The number of workers above 25 cases per FTE is small and suppressed (c)."
    n = int(sum(high))
    if n == 0:
        return "No case-holding worker held more than 25 cases per FTE."
    return (
        f"{n} case-holding {formatting.noun(n, 'worker')} held more than 25 cases per FTE "
        f"({formatting.value(n / bands.attrs['total'] * 100, 'percent')} of case holders)."
    )


def absence(
    data: WorkforceData,
    *,
    months: int = TREND_MONTHS,
    title: str | None = None,
    target: bool = True,
    england: bool = True,
    teams: bool = True,
) -> blocks.View:
    """Sickness absence over 12 months; team figures only outside publication mode.

    Parameters
    ----------
    data : carelib.workforce_data.WorkforceData
    months : int, default 24
        Months shown in the chart.
    title : str, optional
        The chart's title (default its finding, built from the figures).
    target, england : bool, default True
        Draw the target and England's figure (England publishes only DfE's definition,
        so there is none to draw for the monthly-weighted rate; the first sentence sets
        DfE's definition beside England's instead).
    teams : bool, default True
        Show the table by team (never in publication mode).
    """
    compared = words.comparison(data, "absence_rate_12m")
    finding = (
        "The chart shows the monthly-weighted rate: days lost over the working days "
        "each month's FTE could work, which follows staffing month by month. DfE "
        "publishes days lost over (FTE at 30 September x 253 working days)"
        + (f": {compared[0].lower()}{compared[1:]}." if compared else ".")
    )
    parts = [
        board.section_heading(data, "absence"),
        blocks.paragraph(finding),
        trend(data, "absence_rate_12m", months=months, title=title, target=target, england=england),
    ]
    if data.publication:
        parts.append(
            blocks.notice(
                "Team sickness figures are not published: sickness is health data, and in "
                "small teams a rate could point to an individual."
            )
        )
        return blocks.View("absence", None, parts)
    if not teams:
        return blocks.View("absence", None, parts)
    rows = [
        {
            "Team": name,
            "Absence rate (12 months)": data.text("absence_rate_12m", team=team),
            "Working days lost": data.count_text("absence_rate_12m", "numerator", team),
            "Months of data": data.months_text("absence_rate_12m", team),
        }
        for team, name in [*((t, t) for t in data.teams()), ("", "Whole council")]
    ]
    frame = blocks.text_frame(
        rows, ["Team", "Absence rate (12 months)", "Working days lost", "Months of data"]
    )
    parts.append(
        blocks.notice(
            "Team sickness figures are for internal use only: sickness is "
            "health data. They are left out of the publication version."
        )
    )
    parts.append(
        board.collapsed(
            blocks.table(
                frame,
                "Sickness absence by team, 12 months (FTE working days "
                "lost as a share of FTE working days available)",
                numeric=["Absence rate (12 months)", "Working days lost"],
            ),
            "Sickness absence by team",
        )
    )
    return blocks.View("absence", None, parts)


def nqsw(data: WorkforceData) -> blocks.View:
    """Newly qualified social workers still in post, by the year they started."""
    row = data.row("nqsw_retained_1y")
    value = data.text("nqsw_retained_1y")
    if row is not None and not formatting.is_missing(row["numerator"]):
        finding = (
            f"Of the {formatting.value(row['denominator'], 'count')} newly qualified social "
            f"workers who started 13 to 24 months before {dates.month_label(data.month)}, "
            f"{formatting.value(row['numerator'], 'count')} ({value}) are still in post: "
            "retained into their second year."
        )
    else:
        finding = (
            f"Newly qualified social workers retained into their second year: {value} "
            "(counts too small to publish are shown as c)."
        )
    compared = words.change_words(data, "nqsw_retained_1y")
    if compared:
        finding += f" {compared}."
    parts = [board.section_heading(data, "nqsw"), blocks.paragraph(finding)]
    against = words.against_target(data, "nqsw_retained_1y")
    if against:
        parts.append(blocks.paragraph(board.sentence_case(against) + "."))
    actions = board.plan_actions(data, "nqsw")
    if actions is not None:
        parts.append(actions)
    cohorts = data.nqsw
    if cohorts.empty:
        parts.append(blocks.paragraph("No newly qualified social workers are recorded."))
        return blocks.View("nqsw", None, parts, id="detail-nqsw")
    frame = data.cohorts.copy()
    counts = ["Started", "Still in post", "Left"]
    for col in counts:
        frame[col] = [formatting.value(v, "count") for v in frame[col]]
    this_year = workforce.fy_label(data.month, data.fy_start)
    notes = [
        "Started before the data begin: early leavers may be missing, so retention "
        "may be overstated"
        if not ok
        else "Started this year: too early to judge retention"
        if c == this_year
        else ""
        for ok, c in zip(cohorts["complete"], cohorts["cohort"], strict=True)
    ]
    notes.append(
        "" if cohorts["complete"].all() else "Includes years that started before the data begin"
    )
    frame["Note"] = notes
    parts.append(
        board.collapsed(
            blocks.table(
                frame.reset_index(drop=True),
                f"Newly qualified social workers by financial year of starting, and whether "
                f"still in post at {dates.month_label(data.month)} (headcount)",
                numeric=[*counts, "Still in post (%)"],
            ),
            "Newly qualified social workers by year of starting",
        )
    )
    return blocks.View("nqsw", None, parts, id="detail-nqsw")


#: The columns of the teams table: heading -> indicator.
TEAM_COLUMNS = {
    "Social workers (FTE)": "social_worker_fte",
    "Agency (FTE)": "agency_fte",
    "Agency rate": "agency_rate",
    "Vacancy rate": "vacancy_rate",
    "Average caseload": "average_caseload",
    "Turnover (12 months)": "turnover_rate_12m",
}


def teams(data: WorkforceData, columns: dict[str, str] | None = None) -> blocks.View:
    """One row per team: FTE, agency rate, vacancy rate, caseload and turnover.

    Parameters
    ----------
    data : carelib.workforce_data.WorkforceData
    columns : dict, optional
        Column heading -> indicator (default :data:`TEAM_COLUMNS`).
    """
    spec = dict(columns or TEAM_COLUMNS)
    rows = [
        {"Team": name, **{col: data.text(ind, team) for col, ind in spec.items()}}
        for team, name in [*((t, t) for t in data.teams()), ("", "Whole council")]
    ]
    frame = blocks.text_frame(rows, ["Team", *spec])
    month = dates.month_label(data.month)
    targets = ", ".join(
        f"{workforce.INDICATORS[i].label.lower()} {formatting.value(data.target(i), u)}"
        for i, u in (
            ("agency_rate", "percent"),
            ("vacancy_rate", "percent"),
            ("average_caseload", "cases"),
            ("turnover_rate_12m", "percent"),
        )
        if data.target(i) is not None
    )
    parts = [
        blocks.table(frame, f"Teams at {month}", numeric=list(spec)),
        blocks.paragraph(
            f"Targets (whole council): {targets}. x means the figure is not available (for "
            "example a team with no funded-post record); z means not applicable (nobody to "
            "count)"
            + ("; c means suppressed to protect individuals." if data.publication else ".")
            + " The whole-council figures include teams that have since closed, so teams may "
            "not add up to them."
        ),
    ]
    from carelib import team_hotspots

    hotspots = team_hotspots.sentence(team_hotspots.find(data), data.config)
    parts.insert(0, blocks.paragraph(blocks.Strong("Team hotspots. "), hotspots))
    parts.insert(0, board.section_heading(data, "teams"))
    actions = board.plan_actions(data, "teams")
    if actions is not None:
        parts.append(actions)
    return blocks.View("teams", None, parts, id="detail-teams")
