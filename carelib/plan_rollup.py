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
    return _roll_up(*_worst_first(actions, measures))


def _worst_first(actions: pd.DataFrame, measures: pd.DataFrame) -> tuple[list, list]:
    """The actions and the measures as records, each worst first (the driver order).

    Sorted once for the whole plan: any group's items, taken in this order, are in the
    order sorting the group alone would give (the sorts are stable). The groups are
    then rated in plain Python, as pandas costs more per small group than the rating.
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
    return acts[_ACTION_FIELDS].to_dict("records"), meas[_MEASURE_FIELDS].to_dict("records")


#: The fields a rating and its counts read (the records carry only these).
_ACTION_FIELDS = [
    "action_id",
    "recommendation_id",
    "theme",
    "status",
    "computed_rag",
    "rag_reason",
    "due_date",
    "_due",
    "overdue",
    "blocked",
    "slipped_this_month",
]
_MEASURE_FIELDS = [
    "measure_id",
    "recommendation_id",
    "rag",
    "rag_reason",
    "progress_text",
    "target_met",
]


def _is(value: Any, wanted: Any) -> bool:
    """``value == wanted``, a missing value (None, NaN, pd.NA) being equal to nothing."""
    return not pd.isna(value) and value == wanted


def _true(value: Any) -> bool:
    """A flag that is set: missing counts as not set, as ``fillna(False)`` does."""
    return not pd.isna(value) and bool(value)


def _roll_up(acts: list[dict], meas: list[dict]) -> dict[str, Any]:
    """:func:`roll_up` of records already worst first (see :func:`_worst_first`)."""
    for colour in ("red", "amber"):
        for kind, items, rating, ident in (
            ("action", acts, "computed_rag", "action_id"),
            ("measure", meas, "rag", "measure_id"),
        ):
            first = next((item for item in items if _is(item[rating], colour)), None)
            if first is not None:
                return {
                    "rag": colour,
                    "driver_kind": kind,
                    "driver_id": first[ident],
                    "driver_reason": first["rag_reason"],
                }
    open_actions = [a for a in acts if not _is(a["computed_rag"], "blue")]
    if open_actions:
        first = min(open_actions, key=lambda a: (a["_due"], a["action_id"]))
        return {
            "rag": "green",
            "driver_kind": "action",
            "driver_id": first["action_id"],
            "driver_reason": f"{first['rag_reason']}; due {_day(_as_date(first['due_date']))}",
        }
    not_met = [m for m in meas if not _true(m["target_met"])]
    if not_met:
        first = min(not_met, key=lambda m: m["measure_id"])
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
    if not acts and not meas:
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


def _group_counts(acts: list[dict], meas: list[dict]) -> dict[str, Any]:
    """A group's rating (:func:`_roll_up`) and its counts, from worst-first records."""

    def count(items: list[dict], column: str, wanted: Any = True) -> int:
        if wanted is True:
            return sum(_true(item[column]) for item in items)
        return sum(_is(item[column], wanted) for item in items)

    n = len(acts)
    complete = count(acts, "status", "complete")
    out: dict[str, Any] = _roll_up(acts, meas)
    out.update(
        {
            "actions": n,
            "complete": complete,
            "share_complete": complete / n if n else math.nan,
            **{c: count(acts, "computed_rag", c) for c in RAGS_WORST_FIRST},
            "overdue": count(acts, "overdue"),
            "blocked": count(acts, "blocked"),
            "slipped_this_month": count(acts, "slipped_this_month"),
            "measures": len(meas),
            **{f"measures_{c.replace(' ', '_')}": count(meas, "rag", c) for c in MEASURE_RATINGS},
            "measures_met": count(meas, "target_met"),
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
    acts, meas = _worst_first(actions, measures)
    wording: dict[Any, Any] = {}
    for rid, text in zip(texts["recommendation_id"], texts["recommendation"], strict=True):
        wording.setdefault(rid, text)
    in_file_order = list(zip(actions["recommendation_id"], actions["theme"], strict=True))
    rows = []
    for rid in ids:
        themes = ", ".join(
            dict.fromkeys(t for r, t in in_file_order if _is(r, rid) and not pd.isna(t))
        )
        rows.append(
            {
                "recommendation_id": rid,
                "recommendation": wording.get(rid, pd.NA),
                "themes": themes,
                **_group_counts(
                    [a for a in acts if _is(a["recommendation_id"], rid)],
                    [m for m in meas if _is(m["recommendation_id"], rid)],
                ),
            }
        )
    return pd.DataFrame(
        rows, columns=["recommendation_id", "recommendation", "themes", *_GROUP_COLUMNS]
    )


def _themes(actions: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    acts, meas = _worst_first(actions, measures)
    rows = []
    for theme in dict.fromkeys(actions["theme"].dropna()):
        in_theme = [a for a in acts if _is(a["theme"], theme)]
        recs = {a["recommendation_id"] for a in in_theme if not pd.isna(a["recommendation_id"])}
        # Measures belong to recommendations; a measure counts in every theme that its
        # recommendation's actions belong to.
        rows.append(
            {
                "theme": theme,
                "recommendations": len(recs),
                **_group_counts(
                    in_theme,
                    [
                        m
                        for m in meas
                        if not pd.isna(m["recommendation_id"]) and m["recommendation_id"] in recs
                    ],
                ),
            }
        )
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
