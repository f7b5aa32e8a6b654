"""What the workforce page says first: findings as headings, and the plan beside them.

Every section of the workforce page opens with a heading that states its finding, built
from the figures (:func:`headline`: ``Agency reliance fell to 21.2%, 1.2 points above the
20.0% target``), and lists the improvement-plan actions on its theme with their rating
(:func:`plan_actions`, by :mod:`carelib.workforce_plan`'s mapping). A trend chart of an
indicator that feeds a plan measure marks when the actions on the same recommendation
were completed (:func:`mark_completions`) and says whether the figure moved after them
(:func:`after_actions`).
"""

from __future__ import annotations

import pandas as pd

from carelib import blocks, charts, dates, formatting, workforce, workforce_plan
from carelib.views import workforce_words as words
from carelib.workforce_data import HEADLINE, SPC_INDICATORS, TARGETED, WorkforceData

#: Section -> (heading id, the short name the contents list shows).
SECTIONS = {
    "tiles": ("at-a-glance", "At a glance"),
    "narrative": ("what-changed-this-month", "What changed this month"),
    "agency": ("agency-reliance", "Agency reliance"),
    "spc": ("real-change-or-noise", "Real change or noise?"),
    "turnover": ("turnover-and-leavers", "Turnover and leavers"),
    "vacancies": ("vacancies-and-recruitment", "Vacancies and recruitment"),
    "caseloads": ("caseloads", "Caseloads"),
    "absence": ("sickness-absence", "Sickness absence"),
    "nqsw": ("newly-qualified-social-workers", "Newly qualified social workers"),
    "spend": ("agency-spend-against-budget", "Agency spend against budget"),
    "teams": ("teams", "Teams"),
    "definitions": ("how-these-figures-are-calculated", "How these figures are calculated"),
}


def heading(section: str, text: str) -> blocks.Heading:
    """The section's level-2 heading: the finding, listed in the contents by its name."""
    anchor, label = SECTIONS[section]
    return blocks.Heading(text, 2, id=anchor, label=label)


def sentence_case(text: str) -> str:
    """``the agency rate fell`` -> ``The agency rate fell``."""
    return text[:1].upper() + text[1:] if text else text


def direction(data: WorkforceData, indicator: str) -> str:
    """``better``, ``worse`` or ``""``: this month against last, by the indicator's polarity."""
    found = words.change(data, indicator)
    polarity = workforce.INDICATORS[indicator].polarity
    if found is None or found[0] == 0 or not polarity:
        return ""
    return "better" if (found[0] < 0) == (polarity == "lower_is_better") else "worse"


def target_clause(data: WorkforceData, indicator: str) -> str:
    """``1.2 points above the 20.0% target`` / ``meeting the 18.0 target`` / ``""``.

    Above or below follows the figure; whether that is good follows the polarity (a
    figure above its target is short of it only when lower is better).
    """
    target = data.target(indicator)
    status = words.target_status(data, indicator)
    if target is None or status is None:
        return ""
    unit = data.unit(indicator)
    goal = formatting.value(target, unit)
    gap = round(round(data.value(indicator), 1) - target, 1)
    if status == "met" and gap == 0:
        return f"at the {goal} target"
    side = "above" if gap > 0 else "below"
    points = " points" if unit == "percent" else ""
    amount = f"{abs(gap):.1f}{points}"
    if status == "met":
        return f"{amount} {side} the {goal} target, so meeting it"
    return f"{amount} {side} the {goal} target"


def headline(data: WorkforceData, indicator: str, name: str | None = None) -> str:
    """The indicator's finding: ``Agency reliance fell to 21.2%, 1.2 points above ...``.

    Parameters
    ----------
    data : carelib.workforce_data.WorkforceData
    indicator : str
        A name of :data:`carelib.workforce.INDICATORS`.
    name : str, optional
        What the sentence calls it (default ``The <label>``).
    """
    ind = workforce.INDICATORS[indicator]
    name = name or f"The {ind.label.lower()}"
    unit = data.unit(indicator)
    now = data.value(indicator)
    if formatting.is_missing(now) or data.partial(indicator):
        shown = data.partial(indicator) or data.text(indicator)
        if shown == "c":
            shown = words.suppressed_reason(data).split(" (")[0]
        return f"{name}: {shown} in {dates.month_label(data.month)}"
    shown = formatting.value(now, unit)
    found = words.change(data, indicator)
    if found is None:
        text = f"{name} was {shown} in {dates.month_label(data.month)}"
    elif found[0] == 0:
        text = f"{name} held at {shown}"
    else:
        text = f"{name} {'rose' if found[0] > 0 else 'fell'} to {shown}"
    clause = target_clause(data, indicator)
    if clause:
        return f"{text}, {clause}"
    better = direction(data, indicator)
    return f"{text} ({better} than in {found[1]})" if better else text


def trend_title(data: WorkforceData, indicator: str, months: list[str]) -> str:
    """A trend chart's title as a finding: ``Agency rate fell from 40.9% to 21.2% ...``."""
    ind = workforce.INDICATORS[indicator]
    rows = data.series(indicator, len(months))
    valid = rows.dropna(subset=["value"])
    if len(valid) < 2:
        return ind.label
    d = 0 if ind.unit == "count" else 1
    a, b = round(valid["value"].iloc[0], d), round(valid["value"].iloc[-1], d)
    verb = "rose" if b > a else "fell" if b < a else "was unchanged"
    first = formatting.value(valid["value"].iloc[0], ind.unit)
    last = formatting.value(valid["value"].iloc[-1], ind.unit)
    return (
        f"{ind.label} {verb} from {first} in {dates.month_label(valid.index[0])} to {last} "
        f"in {dates.month_label(valid.index[-1])}"
    )


# --- Each section's finding -------------------------------------------------------------


def _tiles_finding(data: WorkforceData) -> str:
    judged = [s for s in (words.target_status(data, i) for i in TARGETED) if s]
    month = dates.month_label(data.month)
    if not judged:
        return f"At a glance: the headline figures for {month}"
    met = sum(s == "met" for s in judged)
    return f"At a glance: {met} of {len(judged)} workforce targets met in {month}"


def _narrative_finding(data: WorkforceData) -> str:
    moved = [direction(data, i) for i in HEADLINE]
    better, worse = moved.count("better"), moved.count("worse")
    before = data.months_since(dates.add_months(data.month, -1))
    return (
        f"What changed this month: {better} of {len(HEADLINE)} headline figures better "
        f"and {worse} worse than in {before}"
    )


def _spc_finding(data: WorkforceData) -> str:
    from carelib.views import workforce_spc

    kinds = [workforce_spc.latest_kind(data, i) for i in SPC_INDICATORS]
    special = [k for k in kinds if k and k != "common"]
    n = len(SPC_INDICATORS)
    if not special:
        return f"Real change or noise? None of the {n} charted figures shows a real change"
    parts = [
        f"{special.count(k)} {formatting.noun(special.count(k), k)}"
        for k in ("improvement", "concern")
        if special.count(k)
    ]
    many = f"All {n}" if len(special) == n else f"{len(special)} of the {n}"
    return f"Real change or noise? {many} charted figures show a real change this month" + (
        f" ({' and '.join(parts)})" if parts else ""
    )


def _spend_finding(data: WorkforceData) -> str:
    over, months = spend_months_over(data)
    council = data.spend[data.spend["scope"] == "council"].iloc[0]
    return (
        f"Agency spend was {words.over_under(council['variance_month'])} in "
        f"{dates.month_label(data.month)}, and over budget in {over} of the last {months} "
        "months"
    )


def spend_months_over(data: WorkforceData, months: int | None = None) -> tuple[int, int]:
    """Months (of the trend months shown) with agency spend over budget, and how many."""
    spent = data.series("agency_spend_month", months)["value"]
    budget = data.series("agency_budget_month", months)["value"]
    return int(((spent - budget) > 0).sum()), len(spent)


def _teams_finding(data: WorkforceData) -> str:
    from carelib import team_hotspots

    named = team_hotspots.by_team(team_hotspots.find(data))
    n = len(data.teams())
    if not named:
        return f"Teams: none of the {n} teams is well beyond the council's figures"
    return (
        f"Teams: {len(named)} of the {n} teams {'is' if len(named) == 1 else 'are'} well "
        "beyond the council's figures"
    )


FINDINGS = {
    "tiles": _tiles_finding,
    "narrative": _narrative_finding,
    "agency": lambda d: headline(d, "agency_rate", "Agency reliance"),
    "spc": _spc_finding,
    "turnover": lambda d: headline(d, "turnover_rate_12m", "Turnover over 12 months"),
    "vacancies": lambda d: headline(d, "vacancy_rate", "The vacancy rate"),
    "caseloads": lambda d: headline(d, "average_caseload", "The average caseload"),
    "absence": lambda d: headline(d, "absence_rate_12m", "Sickness absence over 12 months"),
    "nqsw": lambda d: headline(
        d, "nqsw_retained_1y", "Newly qualified social workers retained into year two"
    ),
    "spend": _spend_finding,
    "teams": _teams_finding,
}


def section_heading(data: WorkforceData, section: str) -> blocks.Heading:
    """The section's heading: its finding (:data:`FINDINGS`), with its contents label."""
    return heading(section, FINDINGS[section](data))


def collapsed(table: blocks.Table, summary: str) -> blocks.Details:
    """A full table collapsed on screen behind a visible summary, printed in full.

    The table is content of its own, not the numbers behind a chart (those are the
    chart's "Show the numbers" table, ``details.chart-data``): it prints whatever
    ``[report] print_tables`` says, compactly (report.css).
    """
    rows = len(table.frame)
    return blocks.Details(
        summary=f"{summary} ({rows} {formatting.noun(rows, 'row')})",
        blocks=[table],
        class_="full-table",
    )


def side_by_side(*parts: blocks.Block, chart: bool = False) -> blocks.Group:
    """Blocks one after the other on screen, in two columns when printed.

    Two short tables share the printed width equally; with ``chart=True`` the first
    block is a chart and the second (a short table) sits beside it in the narrower
    column.
    """
    kind = "print-beside-chart" if chart else "print-pair"
    return blocks.Group(list(parts), class_=f"print-columns {kind}")


# --- The plan beside the figures ---------------------------------------------------------


def _plan(data: WorkforceData):
    return getattr(data, "plan", None)


def _actions(data: WorkforceData) -> pd.DataFrame | None:
    plan = _plan(data)
    return None if plan is None else plan.actions


def _why(row: pd.Series) -> str:
    if row["status"] == "complete" and pd.notna(row["completed_date"]):
        return f"completed {dates.long_date(pd.Timestamp(row['completed_date']).date())}"
    if bool(row.get("overdue")) and pd.notna(row.get("days_overdue")):
        due = dates.long_date(pd.Timestamp(row["due_date"]).date())
        return f"overdue by {int(row['days_overdue'])} days (due {due})"
    return str(row.get("rag_reason") or "")


def plan_actions(data: WorkforceData, section: str) -> blocks.Block | None:
    """The plan's actions on the section's theme, each with its rating and why.

    None when the notebook gave no plan (``views.build(ctx, plan=...)``) or the section
    has no actions. The heading counts them and the red ones.
    """
    found = workforce_plan.section_actions(_actions(data), section)
    if found.empty:
        return None
    red = int((found["computed_rag"] == "red").sum())
    done = int((found["status"] == "complete").sum())
    n = len(found)
    title = (
        f"Improvement plan: {n} {formatting.noun(n, 'action')} on this theme, {red} red and "
        f"{done} complete"
    )
    items = [
        [
            blocks.Rag(r["computed_rag"]),
            f" {r['action_id']} ({r['recommendation_id']}): {r['action']}. "
            + sentence_case(_why(r))
            + ".",
        ]
        for _, r in found.iterrows()
    ]
    return blocks.group([blocks.Heading(title, 3), blocks.bullets(items, class_="plan-actions")])


def completions(data: WorkforceData, indicator: str, months: list[str]) -> pd.DataFrame:
    """The completed actions the indicator's chart marks (inside the charted months)."""
    plan = _plan(data)
    if plan is None:
        return pd.DataFrame(columns=["action_id", "month"])
    found = workforce_plan.completions(plan.actions, plan.measures, indicator)
    return found[found["month"].isin(months)].reset_index(drop=True)


def mark_completions(ax, done: pd.DataFrame, months: list[str]) -> None:
    """Draw a labelled vertical marker at each completed action's month."""
    top = ax.get_ylim()[1]
    for i, (_, r) in enumerate(done.iterrows()):
        x = months.index(r["month"])
        ax.axvline(x, color=charts.INK, linestyle=(0, (1, 2)), linewidth=1.0)
        ax.annotate(
            r["action_id"],
            (x, top),
            xytext=(2, -10 - 10 * (i % 2)),
            textcoords="offset points",
            fontsize=8,
            color=charts.INK,
        )


def after_actions(data: WorkforceData, indicator: str, done: pd.DataFrame) -> str | None:
    """Whether the figure moved after the actions were completed, in plain words."""
    if done.empty:
        return None
    ind = workforce.INDICATORS[indicator]
    unit = ind.unit
    d = 0 if unit == "count" else 1
    now = data.value(indicator)
    parts = []
    picked = done.iloc[[0, -1]] if len(done) > 1 else done
    for (_, r), which in zip(picked.iterrows(), ("the first", "the latest"), strict=False):
        then = data.value(indicator, month=r["month"])
        if formatting.is_missing(then) or formatting.is_missing(now):
            continue
        a, b = round(then, d), round(now, d)
        if a == b:
            moved = "it has not moved since"
        else:
            better = (b < a) == (ind.polarity == "lower_is_better")
            moved = f"it has {'fallen' if b < a else 'risen'} ({'better' if better else 'worse'})"
        name = which + " " if len(done) > 1 else ""
        parts.append(
            f"since {name}{r['action_id']} (completed {dates.long_date(r['completed_date'])}, "
            f"at {formatting.value(then, unit)}) {moved} to {formatting.value(now, unit)}"
        )
    if not parts:
        return None
    n = len(done)
    return (
        f"Did the plan's actions work? The dotted lines mark {n} completed "
        f"{formatting.noun(n, 'action')} on the recommendation this figure measures: "
        + "; ".join(parts)
        + "."
    )
