"""The plan rolled up by recommendation and by theme, as views.

Each row names the action or measure that decides its rating (the rules are in
``docs/plan_rules.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from carelib import blocks, formatting
from carelib.plan_data import PlanData
from carelib.views import plan_words as w

_COUNT_COLUMNS = ["Red", "Amber", "Green", "Complete", "Measures on trajectory"]


def _group_rows(
    data: PlanData, groups: pd.DataFrame, name: str, name_of: Callable[[dict], str]
) -> list[dict[str, Any]]:
    rows = []
    for rec in groups.to_dict("records"):
        n = int(rec["actions"])
        done = "" if w.missing(rec["share_complete"]) else f" ({w.fraction(rec['share_complete'])})"
        rows.append(
            {
                name: name_of(rec),
                "Rating": blocks.Rag(rec["rag"]),
                "Recommendations": int(rec["recommendations"]) if "recommendations" in rec else 0,
                "Red": int(rec["red"]),
                "Amber": int(rec["amber"]),
                "Green": int(rec["green"]),
                "Complete": f"{int(rec['complete'])} of {n}{done}",
                "Measures on trajectory": f"{int(rec['measures_green'])} of {int(rec['measures'])}",
                "What decides the rating": w.driver(data, rec),
            }
        )
    return rows


def plan_by_recommendation(
    data: PlanData, *, recommendations: Iterable[str] | None = None
) -> blocks.View:
    """A summary table with one row per recommendation.

    Parameters
    ----------
    data : carelib.plan_data.PlanData
        The month's plan tables.
    recommendations : iterable of str, optional
        Recommendation ids to show (default all, R2 before R10).

    Returns
    -------
    carelib.blocks.View
        A finding counting recommendations by rating, then a table: wording, rating
        (badge), actions by rating, share complete, measures on trajectory, and the
        action or measure that decides the rating with the reason.
    """
    recs = w.recommendations(data, recommendations)
    counts = {c: int((recs["rag"] == c).sum()) for c in ("red", "amber", "green", "blue")}
    finding = (
        f"Of {len(recs)} recommendations, {counts['red']} {w.is_are(counts['red'])} "
        f"rated red, {counts['amber']} amber, {counts['green']} green and "
        f"{counts['blue']} blue (every action complete and every target met)."
    )
    rows = _group_rows(
        data,
        recs,
        "Recommendation",
        lambda r: (
            f"{r['recommendation_id']}: "
            f"{'' if w.missing(r['recommendation']) else r['recommendation']}"
        ),
    )
    cols = ["Recommendation", "Rating", *_COUNT_COLUMNS, "What decides the rating"]
    frame = pd.DataFrame(rows, columns=cols, dtype=object)
    table = blocks.Table(
        frame,
        f"Improvement plan by recommendation at {w.long_date(data.reference_date)}",
        numeric=["Red", "Amber", "Green"],
    )
    title = (
        f"{counts['red']} of {len(recs)} recommendations {w.is_are(counts['red'])} red, "
        f"{counts['amber']} amber and {counts['green']} green"
    )
    return w.view("plan_by_recommendation", title, finding, [table], "plan-by-recommendation")


def plan_by_theme(data: PlanData, *, themes: Iterable[str] | None = None) -> blocks.View:
    """A summary table with one row per theme.

    Parameters
    ----------
    data : carelib.plan_data.PlanData
        The month's plan tables.
    themes : iterable of str, optional
        Themes to show, as recorded (e.g. ``out_of_borough``); default all.

    Returns
    -------
    carelib.blocks.View
        Each theme's rating (badge), recommendations, actions by rating, share complete,
        measures on trajectory and the item that decides the rating.
    """
    table_of = data.assessment.themes
    if themes is not None:
        table_of = table_of[table_of["theme"].isin(list(themes))]
    if not len(table_of):
        return blocks.View("plan_by_theme", "No actions have a theme recorded.")
    worst = table_of[table_of["rag"] == "red"]
    finding = (
        f"{len(worst)} of {formatting.count(len(table_of), 'theme')} {w.is_are(len(worst))} "
        "rated red. A measure counts towards every theme its recommendation's "
        "actions belong to."
    )
    rows = _group_rows(data, table_of, "Theme", lambda r: w.theme_name(r["theme"]))
    cols = ["Theme", "Rating", "Recommendations", *_COUNT_COLUMNS, "What decides the rating"]
    table = blocks.Table(
        pd.DataFrame(rows, columns=cols, dtype=object),
        f"Improvement plan by theme at {w.long_date(data.reference_date)}",
        numeric=["Recommendations", "Red", "Amber", "Green"],
    )
    title = f"{len(worst)} of {formatting.count(len(table_of), 'theme')} {w.is_are(len(worst))} red"
    detail = w.PlanDetails(f"The {len(table_of)} themes, each with its rating", [table])
    return w.view("plan_by_theme", title, finding, [detail], "plan-by-theme")
