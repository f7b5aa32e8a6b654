"""Which improvement-plan actions belong to which section of the workforce page.

The plan's ``theme`` field says which actions are workforce actions
(:data:`WORKFORCE_THEMES`); :data:`SECTION_TOPICS` says which section of the workforce
page each of them belongs to, by the words of the action. This is the one place the
mapping lives: the workforce page (:mod:`carelib.views.workforce_board`), its tests and
docs/workforce_page.md read it from here.

The actions come from the plan's published tables (:func:`carelib.plan_data.from_context`),
so the ratings are the ones the plan page, ``actions.csv`` and ``carelib plan`` show.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

#: Values of the plan's ``theme`` field whose actions are shown on the workforce page.
WORKFORCE_THEMES = ("workforce",)

#: Workforce page section -> words that put an action of a workforce theme in it (an
#: action naming two topics, e.g. "an agency project team to reduce caseloads", is listed
#: in both sections). An action naming none is listed under :data:`FALLBACK`.
SECTION_TOPICS = {
    "agency": ("agency",),
    "turnover": ("retention", "retain", "exit interview", "leaver"),
    "vacancies": ("recruit", "vacanc", "hire"),
    "caseloads": ("caseload",),
    "nqsw": ("newly qualified", "nqsw", "assessed and supported year"),
}

#: The section listing workforce actions that name none of the topics.
FALLBACK = "teams"

#: Workforce indicator -> the section whose chart shows it (the plan's measures name the
#: indicator they are fed by in their ``kpi`` field).
INDICATOR_SECTIONS = {
    "agency_rate": "agency",
    "turnover_rate_12m": "turnover",
    "vacancy_rate": "vacancies",
    "average_caseload": "caseloads",
    "absence_rate_12m": "absence",
}


def chart_anchor(indicator: str) -> str:
    """The id of an indicator's trend chart on workforce.html (``chart-agency-rate``)."""
    return "chart-" + indicator.replace("_", "-")


def workforce_actions(actions: pd.DataFrame | None) -> pd.DataFrame:
    """The plan's actions on a workforce theme (:data:`WORKFORCE_THEMES`)."""
    if actions is None or actions.empty or "theme" not in actions:
        return pd.DataFrame(columns=[] if actions is None else actions.columns)
    return actions[actions["theme"].isin(WORKFORCE_THEMES)]


def sections_of(action_text: str) -> list[str]:
    """The workforce page sections an action belongs to, by its words."""
    text = str(action_text).lower()
    found = [s for s, words in SECTION_TOPICS.items() if any(w in text for w in words)]
    return found or [FALLBACK]


def section_actions(actions: pd.DataFrame | None, section: str) -> pd.DataFrame:
    """The workforce actions listed in ``section``, red first, then by due date."""
    work = workforce_actions(actions)
    if work.empty:
        return work
    work = work[[section in sections_of(a) for a in work["action"]]]
    order = {"red": 0, "amber": 1, "green": 2, "blue": 3}
    key = work["computed_rag"].map(order).fillna(4)
    return work.assign(_order=key).sort_values(["_order", "due_date"]).drop(columns="_order")


def completions(
    actions: pd.DataFrame | None, measures: pd.DataFrame | None, indicator: str
) -> pd.DataFrame:
    """Completed actions on the recommendations whose measures the indicator feeds.

    Returns the actions (``action_id``, ``recommendation_id``, ``action``,
    ``completed_date`` as a date, ``month`` ``YYYY-MM``) in completion order: what the
    indicator's chart marks so a reader can see whether the figure moved after them.
    """
    columns = ["action_id", "recommendation_id", "action", "completed_date", "month"]
    if actions is None or measures is None or actions.empty or measures.empty:
        return pd.DataFrame(columns=columns)
    recs = set(measures.loc[measures["kpi"] == indicator, "recommendation_id"])
    done = actions[
        actions["recommendation_id"].isin(recs)
        & (actions["status"] == "complete")
        & actions["completed_date"].notna()
    ].copy()
    done["completed_date"] = [
        d if isinstance(d, dt.date) else pd.Timestamp(d).date() for d in done["completed_date"]
    ]
    done["month"] = [f"{d:%Y-%m}" for d in done["completed_date"]]
    return done.sort_values("completed_date")[columns].reset_index(drop=True)
