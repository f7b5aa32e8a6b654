"""The workforce page's money view: agency spend against budget.

From :func:`carelib.workforce.agency_spend` (whole council and by team) and the monthly
spend and budget figures of the published indicator table; a team whose agency spend
would reveal the pay of a few workers shows ``c`` in publication mode.
"""

from __future__ import annotations

import numpy as np

from carelib import blocks, charts, dates, formatting
from carelib.views import workforce_board as board
from carelib.views.workforce_words import over_under
from carelib.workforce_data import TREND_MONTHS, WorkforceData


def spend(
    data: WorkforceData,
    *,
    months: int = TREND_MONTHS,
    title: str | None = None,
) -> blocks.View:
    """Agency spend against budget: the month, the year to date and projected year end.

    Parameters
    ----------
    data : carelib.workforce_data.WorkforceData
    months : int, default 24
        Months shown in the monthly chart.
    title : str, optional
        The monthly chart's title (default its finding: over budget in N of M months).
    """
    table = data.spend
    council = table[table["scope"] == "council"].iloc[0]
    fy = council["financial_year"]
    money = formatting.money
    rows = [
        {
            "Period": label,
            "Spend": money(council[f"spend_{what}"]),
            "Budget": money(council[f"budget_{what}"]),
            "Difference": over_under(council[f"variance_{what}"]),
        }
        for what, label in (
            ("month", dates.month_label(data.month)),
            ("fytd", f"{fy} to date ({int(council['months_covered'])} months)"),
            ("projected", f"{fy} projected year end"),
        )
    ]
    over, shown = board.spend_months_over(data, months)
    finding = (
        f"Agency spend in {dates.month_label(data.month)} was "
        f"{money(council['spend_month'])} against a budget of "
        f"{money(council['budget_month'])} ({over_under(council['variance_month'])}). "
        f"Spend was over budget in {over} of the last {shown} months. "
        f"If spending continues at this year's average rate, {fy} will end "
        f"{over_under(council['variance_projected'])}."
    )
    parts = [
        board.section_heading(data, "spend"),
        blocks.paragraph(finding),
        blocks.table(
            blocks.text_frame(rows, ["Period", "Spend", "Budget", "Difference"]),
            "Agency spend against budget: whole council",
            numeric=["Spend", "Budget"],
        ),
        spend_figure(data, months=months, title=title),
        board.collapsed(spend_by_team(data), "Agency spend by team"),
        blocks.paragraph(
            "The projection is straight-line: spend so far this financial year divided by "
            "the months with data, times 12."
        ),
    ]
    return blocks.View("spend", None, parts, id="detail-spend")


def spend_figure(
    data: WorkforceData,
    *,
    months: int = TREND_MONTHS,
    title: str | None = None,
) -> blocks.Figure:
    """Monthly agency spend against budget, in £ thousands, with the numbers behind it."""
    shown = data.trend_months(months)
    spent = data.series("agency_spend_month", months)
    budget = data.series("agency_budget_month", months)
    xs = np.arange(len(shown))
    fig, ax = charts.new_figure(8.0, 3.4)
    ends: list[tuple] = []
    # Plain matplotlib rather than seaborn: two series with their own marker and dash,
    # labelled at the right edge in the house style (charts.right_labels).
    for name, rows, colour, marker, dash in (
        ("Spend", spent, charts.PALETTE[1], "o", "-"),
        ("Budget", budget, charts.PALETTE[0], "s", "--"),
    ):
        ys = rows["value"].to_numpy("float64") / 1000
        ax.plot(
            xs,
            ys,
            color=colour,
            marker=marker,
            markersize=4,
            linestyle=dash,
            linewidth=2,
            label=name,
        )
        ok = np.flatnonzero(~np.isnan(ys))
        if len(ok):
            ends.append((ys[ok[-1]], f"{name} £{ys[ok[-1]]:,.0f}k", colour, dash))
    charts.month_ticks(ax, list(spent["label"]))
    ax.set_ylabel("£ thousands", fontsize=9)
    ax.set_ylim(bottom=0)
    ax.margins(x=0.02)
    charts.right_labels(ax, ends)
    over = int(((spent["value"] - budget["value"]) > 0).sum())
    money = formatting.money
    alt = (
        f"Line chart of monthly agency spend against budget: spend was "
        f"{money(spent['value'].iloc[0])} in {dates.month_label(shown[0])} and "
        f"{money(spent['value'].iloc[-1])} in {dates.month_label(data.month)} against "
        f"a budget of {money(budget['value'].iloc[-1])}; spend was over budget in "
        f"{over} of the {len(shown)} months."
    )
    numbers = blocks.text_frame(
        [
            {
                "Month": dates.month_label(m),
                "Spend": formatting.value(spent.at[m, "value"], "gbp", spent.at[m, "symbol"]),
                "Budget": formatting.value(budget.at[m, "value"], "gbp", budget.at[m, "symbol"]),
                "Difference": over_under(spent.at[m, "value"] - budget.at[m, "value"]),
            }
            for m in shown
        ],
        ["Month", "Spend", "Budget", "Difference"],
    )
    title = title or (
        f"Agency spend was over budget in {over} of the {len(shown)} months from "
        f"{dates.month_label(shown[0])} to {dates.month_label(data.month)}"
    )
    return charts.figure(fig, title=title, alt=alt, source=data.source, data=numbers)


def spend_by_team(data: WorkforceData) -> blocks.Table:
    """Agency spend against budget by team, year to date (``c`` where suppressed)."""
    table = data.spend
    money = formatting.money
    rows = []
    for _, r in table[table["scope"] == "team"].iterrows():
        team = str(r["team"])
        row = data.row("agency_spend_fytd", team)
        hidden = row is not None and row["symbol"] == "c"
        rows.append(
            {
                "Team": team,
                "Spend to date": "c" if hidden else money(r["spend_fytd"]),
                "Budget to date": money(r["budget_fytd"]),
                "Difference": "c" if hidden else over_under(r["variance_fytd"]),
                "Projected at year end": "c" if hidden else over_under(r["variance_projected"]),
            }
        )
    frame = blocks.text_frame(
        rows, ["Team", "Spend to date", "Budget to date", "Difference", "Projected at year end"]
    )
    return blocks.table(
        frame,
        f"Agency spend against budget by team, {table['financial_year'].iloc[0]} to date",
        numeric=["Spend to date", "Budget to date"],
    )
