"""Roll-ups of the plan: recommendations and themes rated, the burn-up and the exceptions.

A recommendation or a theme is rated from its actions and measures by :func:`roll_up`
(the rules are in ``docs/plan_rules.md``), naming the item that decides the rating.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from carelib import dates, formatting
from carelib.plan_common import (
    MEASURE_RATINGS,
    NO_DATA,
    RAG_ORDER,
    RAGS_WORST_FIRST,
    _as_date,
    _day,
)

# ------------------------------------------------------------------------- roll-ups


def roll_up(actions: pd.DataFrame, measures: pd.DataFrame) -> dict[str, Any]:
    """Rate a group of actions and measures (a recommendation or a theme).

    The rule: ``red`` if any action or measure is red; else ``amber`` if any is amber;
    else ``blue`` if every action is complete and every measure has met its target;
    else ``green``. Measures with no data add no colour (but stop ``blue``). The driver
    is the item that decided the rating: the worst red or amber item (actions first:
    blocked, then longest overdue, then soonest due; then measures furthest behind
    their trajectory as a share of the amber band), or for green the item keeping it
    from blue.

    Returns
    -------
    dict
        ``rag``, ``driver_kind`` (``action``/``measure``/None), ``driver_id``,
        ``driver_reason``.
    """
    acts = actions.assign(
        _blocked=actions["status"] == "blocked",
        _due=actions["due_date"].fillna(pd.Timestamp.max),
    ).sort_values(
        ["_blocked", "days_overdue", "_due", "action_id"],
        ascending=[False, False, True, True],
        kind="stable",
    )
    meas = measures.assign(
        _severity=(
            measures["behind_trajectory"] / measures["amber_band"].where(measures["amber_band"] > 0)
        ).fillna(measures["behind_trajectory"] * math.inf)
    ).sort_values(["_severity", "measure_id"], ascending=[False, True], kind="stable")

    def pick(colour: str):
        hit = acts[acts["computed_rag"] == colour]
        if len(hit):
            first = hit.iloc[0]
            return "action", first["action_id"], first["rag_reason"]
        hit = meas[meas["rag"] == colour]
        if len(hit):
            first = hit.iloc[0]
            return "measure", first["measure_id"], first["rag_reason"]
        return None

    for colour in ("red", "amber"):
        found = pick(colour)
        if found:
            kind, ident, reason = found
            return {"rag": colour, "driver_kind": kind, "driver_id": ident, "driver_reason": reason}
    open_actions = acts[acts["computed_rag"] != "blue"]
    if len(open_actions):
        first = open_actions.sort_values(["_due", "action_id"], kind="stable").iloc[0]
        return {
            "rag": "green",
            "driver_kind": "action",
            "driver_id": first["action_id"],
            "driver_reason": f"{first['rag_reason']}; due {_day(_as_date(first['due_date']))}",
        }
    not_met = meas[~meas["target_met"].fillna(False).astype(bool)]
    if len(not_met):
        first = not_met.sort_values("measure_id", kind="stable").iloc[0]
        reason = (
            "no value this month"
            if first["rag"] == NO_DATA
            else f"all actions complete; target not yet met: {first['progress_text']}"
        )
        return {
            "rag": "green",
            "driver_kind": "measure",
            "driver_id": first["measure_id"],
            "driver_reason": reason,
        }
    if not len(acts) and not len(meas):
        return {
            "rag": pd.NA,
            "driver_kind": None,
            "driver_id": None,
            "driver_reason": "no actions or measures",
        }
    return {
        "rag": "blue",
        "driver_kind": None,
        "driver_id": None,
        "driver_reason": "all actions complete and every measure has met its target",
    }


def _group_counts(actions: pd.DataFrame, measures: pd.DataFrame) -> dict[str, Any]:
    n = len(actions)
    complete = int((actions["status"] == "complete").sum())
    out: dict[str, Any] = roll_up(actions, measures)
    out.update(
        {
            "actions": n,
            "complete": complete,
            "share_complete": complete / n if n else math.nan,
            **{c: int((actions["computed_rag"] == c).sum()) for c in RAGS_WORST_FIRST},
            "overdue": int(actions["overdue"].sum()),
            "blocked": int(actions["blocked"].sum()),
            "slipped_this_month": int(actions["slipped_this_month"].sum()),
            "measures": len(measures),
            **{
                f"measures_{c.replace(' ', '_')}": int((measures["rag"] == c).sum())
                for c in MEASURE_RATINGS
            },
            "measures_met": int(measures["target_met"].fillna(False).sum()),
        }
    )
    return out


_GROUP_COLUMNS = [
    "rag",
    "driver_kind",
    "driver_id",
    "driver_reason",
    "actions",
    "complete",
    "share_complete",
    *RAGS_WORST_FIRST,
    "overdue",
    "blocked",
    "slipped_this_month",
    "measures",
    "measures_green",
    "measures_amber",
    "measures_red",
    "measures_no_data",
    "measures_met",
]


def _recommendations(
    actions: pd.DataFrame, measures: pd.DataFrame, texts: pd.DataFrame
) -> pd.DataFrame:
    ids = list(
        dict.fromkeys(
            list(actions["recommendation_id"].dropna())
            + list(measures["recommendation_id"].dropna())
        )
    )
    rows = []
    for rid in ids:
        acts = actions[actions["recommendation_id"] == rid]
        text = texts.loc[texts["recommendation_id"] == rid, "recommendation"]
        themes = ", ".join(dict.fromkeys(acts["theme"].dropna()))
        rows.append(
            {
                "recommendation_id": rid,
                "recommendation": text.iloc[0] if len(text) else pd.NA,
                "themes": themes,
                **_group_counts(acts, measures[measures["recommendation_id"] == rid]),
            }
        )
    return pd.DataFrame(
        rows, columns=["recommendation_id", "recommendation", "themes", *_GROUP_COLUMNS]
    )


def _themes(actions: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for theme in dict.fromkeys(actions["theme"].dropna()):
        acts = actions[actions["theme"] == theme]
        recs = set(acts["recommendation_id"].dropna())
        # Measures belong to recommendations; a measure counts in every theme that its
        # recommendation's actions belong to.
        meas = measures[measures["recommendation_id"].isin(recs)]
        rows.append({"theme": theme, "recommendations": len(recs), **_group_counts(acts, meas)})
    return pd.DataFrame(rows, columns=["theme", "recommendations", *_GROUP_COLUMNS])


def _burnup(tracked: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    ref = pd.to_datetime(tracked["month"].map(dates.reference_date))
    flags = pd.DataFrame(
        {
            "month": tracked["month"],
            "total": 1,
            "due_to_date": (tracked["due_date"] <= ref).astype(int),
            "complete": (tracked["status"] == "complete").astype(int),
            "overdue": tracked["overdue"].astype(int),
        }
    )
    out = flags.groupby("month").sum().reindex(months, fill_value=0).astype(int)
    out.index.name = "month"
    out = out.reset_index()
    out.insert(1, "reference_date", pd.to_datetime(out["month"].map(dates.reference_date)))
    return out


EXCEPTION_COLUMNS = [
    "kind",
    "id",
    "recommendation_id",
    "theme",
    "item",
    "owner",
    "rag",
    "officer_rag",
    "due_date",
    "reasons",
    "update",
]


def _exceptions(actions: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for rec in actions.to_dict("records"):
        reasons = []
        if rec["blocked"]:
            reasons.append("blocked")
        if rec["overdue"]:
            reasons.append(f"overdue by {formatting.count(int(rec['days_overdue']), 'day')}")
        if rec["slipped_this_month"]:
            reasons.append(
                f"due date moved {formatting.count(rec['slipped_days_this_month'], 'day')} "
                "later this "
                f"month ({formatting.count(rec['times_slipped'], 'time')}, "
                f"{formatting.count(rec['slipped_days_total'], 'day')} in all)"
            )
        if rec["rag_change"] == "worsened":
            reasons.append(f"rating worsened from {rec['previous_rag']} to {rec['computed_rag']}")
        if reasons:
            rows.append(
                {
                    "kind": "action",
                    "id": rec["action_id"],
                    "recommendation_id": rec["recommendation_id"],
                    "theme": rec["theme"],
                    "item": rec["action"],
                    "owner": rec["owner"],
                    "rag": rec["computed_rag"],
                    "officer_rag": rec["officer_rag"],
                    "due_date": rec["due_date"],
                    "reasons": "; ".join(reasons),
                    "update": rec["update"],
                }
            )
    themes = {
        rid: ", ".join(dict.fromkeys(group["theme"].dropna()))
        for rid, group in actions.groupby("recommendation_id", sort=False)
    }
    for rec in measures.to_dict("records"):
        if rec["rag_change"] == "worsened":
            rows.append(
                {
                    "kind": "measure",
                    "id": rec["measure_id"],
                    "recommendation_id": rec["recommendation_id"],
                    "theme": themes.get(rec["recommendation_id"], pd.NA),
                    "item": rec["name"],
                    "owner": pd.NA,
                    "rag": rec["rag"],
                    "officer_rag": pd.NA,
                    "due_date": rec["target_date"],
                    "reasons": f"rating worsened from {rec['previous_rag']} to "
                    f"{rec['rag']}; {rec['rag_reason']}",
                    "update": pd.NA,
                }
            )
    out = pd.DataFrame(rows, columns=EXCEPTION_COLUMNS)
    if len(out):
        out["_rank"] = out["rag"].map(RAG_ORDER).fillna(-1)
        out = (
            out.sort_values(["_rank", "kind", "id"], ascending=[False, True, True], kind="stable")
            .drop(columns="_rank")
            .reset_index(drop=True)
        )
    out["due_date"] = pd.to_datetime(out["due_date"])
    return out
