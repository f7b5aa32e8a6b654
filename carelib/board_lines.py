"""The board summary's lines: one per question an improvement board asks, as plain data.

The workforce notebook hands over :func:`workforce_lines` and the plan notebook
:func:`plan_lines` (with the headline items, see :mod:`carelib.notebook`); the overview
page shows them (:func:`carelib.overview.board_summary`). Each line is a JSON-ready dict:

``key``
    A stable name (``agency``, ``recruitment``, ``nqsw``, ``budget``, ``teams``,
    ``plan_changes``, ``decisions``).
``question``
    The board's question.
``figure``
    The figure in short (``21.2%``, ``18 of 25``).
``answer``
    The answer in plain English, built from the figures: the figure, its direction and
    its target.
``href``
    The detail section: a page and the stable id of its view (``workforce.html#detail-agency``),
    the same whatever the section's heading says.

Every figure is read from the published tables, so in publication mode a suppressed
count shows ``c`` here as it does on the detail page.
"""

from __future__ import annotations

from typing import Any

from carelib import dates, formatting, plan_decisions, team_hotspots

WORKFORCE_PAGE = "workforce.html"
PLAN_PAGE = "improvement_plan.html"


def _line(key: str, question: str, figure: str, answer: str, href: str) -> dict[str, Any]:
    return {"key": key, "question": question, "figure": figure, "answer": answer, "href": href}


def _lower(text: str | None) -> str:
    return f"{text[0].lower()}{text[1:]}" if text else ""


def agency_line(data) -> dict[str, Any]:
    """The line on agency reliance (the planning page's forecast is added on the overview)."""
    from carelib.views import workforce_words as words

    text = f"The agency rate {words.movement(data, 'agency_rate')}"
    against = words.against_target(data, "agency_rate")
    text += f", {against}." if against else "."
    return _line(
        "agency",
        "Is agency reliance falling, and when will it reach the target?",
        data.text("agency_rate"),
        text,
        f"{WORKFORCE_PAGE}#detail-agency",
    )


def recruitment_line(data) -> dict[str, Any]:
    """The line on recruitment: qualified social workers started against the profile."""
    r = data.recruitment
    hires = data.text("starters_fytd") if data.row("starters_fytd") is not None else str(r["hires"])
    expected = formatting.number(r["expected_by_now"])
    if hires == "c":
        answer = (
            f"Starters in {r['financial_year']} so far are suppressed (c: a small number); "
            f"the target is {r['target']} for the year, {expected} by now on a straight-line "
            "profile."
        )
    else:
        answer = (
            f"{hires} of {r['target']} qualified social workers planned for "
            f"{r['financial_year']} have started, against a profile of {expected} by the "
            f"end of {dates.month_label(data.month)}: "
            f"{'on or ahead of' if r['on_track'] else 'behind'} profile."
        )
    return _line(
        "recruitment",
        "Are we hiring the qualified social workers we planned?",
        f"{hires} of {r['target']}",
        answer,
        f"{WORKFORCE_PAGE}#detail-recruitment",
    )


def nqsw_line(data) -> dict[str, Any]:
    """The line on newly qualified social workers staying into their second year."""
    from carelib.views import workforce_words as words

    row = data.row("nqsw_retained_1y")
    value = data.text("nqsw_retained_1y")
    if row is not None and not formatting.is_missing(row["numerator"]):
        answer = (
            f"{value} ({formatting.value(row['numerator'], 'count')} of "
            f"{formatting.value(row['denominator'], 'count')}) of those who started 13 to "
            "24 months ago are still in post"
        )
    elif value == "c":
        answer = (
            "Suppressed (c): too few newly qualified social workers started 13 to 24 "
            "months ago to publish the share still in post"
        )
    else:
        answer = f"{value} of those who started 13 to 24 months ago are still in post"
    change = words.change_words(data, "nqsw_retained_1y")
    answer += f"; {_lower(change)}." if change else "."
    target = words.target_text(data, "nqsw_retained_1y")
    if target:
        status = words.target_status(data, "nqsw_retained_1y")
        answer += f" {target}" + (
            " (met)." if status == "met" else " (not met)." if status else "."
        )
    return _line(
        "nqsw",
        "Are newly qualified social workers staying into their second year?",
        value,
        answer,
        f"{WORKFORCE_PAGE}#detail-nqsw",
    )


def budget_line(data) -> dict[str, Any]:
    """The line on agency spend against budget and spend per agency FTE."""
    from carelib.views.workforce_words import over_under

    table = data.spend
    council = table[table["scope"] == "council"].iloc[0]
    money = formatting.money
    answer = (
        f"Agency spend in {dates.month_label(data.month)} was {money(council['spend_month'])} "
        f"against a budget of {money(council['budget_month'])} "
        f"({over_under(council['variance_month'])}); {council['financial_year']} so far is "
        f"{over_under(council['variance_fytd'])} and, at this year's rate, will end "
        f"{over_under(council['variance_projected'])}."
    )
    fte = data.value("agency_fte")
    spent = data.value("agency_spend_month")
    per_fte = "c"
    if not formatting.is_missing(fte) and not formatting.is_missing(spent) and fte > 0:
        per_fte = money(spent / fte)
        answer += (
            f" That is {per_fte} a month per agency FTE ({data.text('agency_fte')} agency FTE)."
        )
    return _line(
        "budget",
        "Are we within the agency budget, and what does an agency worker cost us?",
        over_under(council["variance_fytd"]),
        answer,
        f"{WORKFORCE_PAGE}#detail-spend",
    )


def teams_line(data) -> dict[str, Any]:
    """The line on team hotspots (:mod:`carelib.team_hotspots`)."""
    found = team_hotspots.find(data)
    n = len(team_hotspots.by_team(found))
    return _line(
        "teams",
        "Which teams are well beyond the council?",
        f"{n} team{'s' if n != 1 else ''}",
        team_hotspots.sentence(found, data.config),
        f"{WORKFORCE_PAGE}#detail-teams",
    )


def workforce_lines(data) -> list[dict[str, Any]]:
    """The workforce page's board lines, in the board's order.

    Parameters
    ----------
    data : carelib.workforce_data.WorkforceData
        The month's published tables.
    """
    return [
        agency_line(data),
        recruitment_line(data),
        nqsw_line(data),
        budget_line(data),
        teams_line(data),
    ]


def _count(n: int, word: str, verb: str) -> str:
    """A count in words: "no action was", "1 action was", "3 actions were"."""
    if n == 0:
        return f"no {word} {verb}"
    return f"{n} {word} {verb}" if n == 1 else f"{n} {word}s were"


def _both(actions) -> str:
    """The overlap of overdue and blocked actions, e.g. ", 1 is both"."""
    flags = actions[["overdue", "blocked"]].astype(str).apply(lambda c: c.str.lower() == "true")
    both = int((flags["overdue"] & flags["blocked"]).sum())
    return f", {both} {'is' if both == 1 else 'are'} both" if both else ""


def changes_line(data) -> dict[str, Any]:
    """The line on the plan's changes this month: completed, slipped and red actions."""
    s = data.summary
    before = data.previous_summary
    red = s["actions_by_rag"]["red"]
    since = dates.month_label(data.previous_month) if data.previous_month else None
    was = ""
    if before is not None and since:
        then = before["actions_by_rag"]["red"]
        word = "up from" if red > then else "down from" if red < then else "the same as"
        was = f" ({word} {then} in {since})"
    answer = (
        f"{_count(s['completed_this_month'], 'action', 'was')} completed and "
        f"{_count(s['slipped_this_month'], 'due date', 'was')} moved later this month; "
        f"{red} of {s['actions_total']} actions are red{was}: {s['overdue']} overdue and "
        f"{s['blocked']} blocked{_both(data.actions)}. "
        + plan_decisions.last_completed_sentence(data.actions, data.reference_date)
    )
    answer = answer[0].upper() + answer[1:]
    return _line(
        "plan_changes",
        "What changed in the plan, and what slipped?",
        f"{red} red",
        answer,
        f"{PLAN_PAGE}#detail-changes",
    )


def decisions_line(data) -> dict[str, Any]:
    """The line on what needs a decision (the items themselves: :func:`decision_items`)."""
    items = plan_decisions.merged(plan_decisions.decisions(data))
    n = len(items)
    answer = (
        f"{formatting.count(n, 'item')} need{'s' if n == 1 else ''} a decision: stalled or blocked "
        "actions, measures red past their target date and recommendations whose actions "
        "are done but whose measures are still red (listed below)."
        if n
        else "Nothing needs a decision this month."
    )
    return _line(
        "decisions",
        "What needs a decision?",
        str(n),
        answer,
        f"{PLAN_PAGE}#detail-attention",
    )


def decision_items(data) -> list[dict[str, Any]]:
    """The items that need a decision, one per action, measure or recommendation."""
    return plan_decisions.as_items(plan_decisions.merged(plan_decisions.decisions(data)))


def plan_lines(data) -> list[dict[str, Any]]:
    """The plan page's board lines.

    Parameters
    ----------
    data : carelib.plan_data.PlanData
        The month's plan tables.
    """
    return [changes_line(data), decisions_line(data)]
