"""The rules for actions: each action rated at a month's reference date, and its history.

An action is tracked month by month: slips of its due date, its last written update and
whether it was completed this month. The rules are in ``docs/plan_rules.md``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from carelib import dates, formatting
from carelib.plan_common import (
    NOT_COMPARED,
    RAG_ORDER,
    _as_date,
    _day,
    _missing,
    _month_index,
)

# ---------------------------------------------------------------------- action rules


def action_rag(
    status: Any,
    start_date: Any,
    due_date: Any,
    reference: dt.date,
    due_soon_days: int = 30,
) -> tuple[str, str]:
    """Rate one action at a reference date.

    Parameters
    ----------
    status : str
        ``not_started``, ``in_progress``, ``complete`` or ``blocked`` (missing allowed).
    start_date, due_date : date-like or None
        The action's planned start and due dates.
    reference : datetime.date
        The month's reference date (its last day).
    due_soon_days : int
        An action not started and due within this many days is amber.

    Returns
    -------
    rag : str
        ``blue`` complete; ``red`` blocked or overdue (due before the reference date);
        ``amber`` not started although its start date has passed, or not started and
        due within ``due_soon_days``; ``green`` otherwise.
    reason : str
        A short plain-English reason, e.g. ``overdue by 14 days (due 15 Sep 2025)``.
    """
    if status == "complete":
        return "blue", "complete"
    start, due = _as_date(start_date), _as_date(due_date)
    red, amber = [], []
    if status == "blocked":
        red.append("blocked")
    if due is not None and due < reference:
        late = formatting.count((reference - due).days, "day")
        red.append(f"overdue by {late} (due {_day(due)})")
    if red:
        return "red", "; ".join(red)
    if status == "not_started":
        if start is not None and start < reference:
            amber.append(f"not started, although due to start {_day(start)}")
        if due is not None and (due - reference).days <= due_soon_days:
            left = formatting.count((due - reference).days, "day")
            amber.append(f"not started and due in {left}")
    if amber:
        return "amber", "; ".join(amber)
    if _missing(status):
        return "green", "status not recorded; dates on track"
    return "green", "on track"


def _track_actions(actions: pd.DataFrame, months: list[str], due_soon_days: int) -> pd.DataFrame:
    """Rate every action in every month and carry its history forward month by month."""
    frame = actions[actions["month"].isin(months) & actions["action_id"].notna()]
    frame = frame.assign(_order=range(len(frame)))
    # The contract makes action_id unique in a month; validation reports duplicates, and
    # here the first row wins so one bad row cannot double-count.
    frame = frame.drop_duplicates(["month", "action_id"], keep="first")
    frame = frame.sort_values(["action_id", "month"], kind="stable").reset_index(drop=True)

    rows: list[dict[str, Any]] = []
    state: dict[str, dict[str, Any]] = {}
    for rec in frame.to_dict("records"):
        month, ref = rec["month"], dates.reference_date(rec["month"])
        rag, reason = action_rag(
            rec["status"], rec["start_date"], rec["due_date"], ref, due_soon_days
        )
        due = _as_date(rec["due_date"])
        seen = state.get(rec["action_id"])
        if seen is None:
            seen = state[rec["action_id"]] = {
                "first_seen_month": month,
                "first_due_date": due,
                "known_due": None,
                "slipped_days_total": 0,
                "times_slipped": 0,
                "previous": None,
                "last_text": None,
                "last_update_month": month,
            }
        slip = 0
        if due is not None and seen["known_due"] is not None and due > seen["known_due"]:
            slip = (due - seen["known_due"]).days
        if due is not None:
            seen["known_due"] = due
            seen["first_due_date"] = seen["first_due_date"] or due
        seen["slipped_days_total"] += slip
        seen["times_slipped"] += slip > 0
        text = None if _missing(rec["update"]) else str(rec["update"])
        if text is not None and text != seen["last_text"]:
            # A blank update is not news: the last written update still stands.
            seen["last_text"], seen["last_update_month"] = text, month
        previous = seen["previous"] or {}
        completed_date = _as_date(rec["completed_date"])
        if rec["status"] != "complete":
            completed_now = False
        elif previous:
            completed_now = previous["status"] != "complete"
        else:
            completed_now = completed_date is not None and dates.month_of(completed_date) == month
        rows.append(
            {
                "_order": rec["_order"],
                "month": month,
                "action_id": rec["action_id"],
                "computed_rag": rag,
                "rag_reason": reason,
                "slipped_this_month": slip > 0,
                "slipped_days_this_month": slip,
                "slipped_days_total": seen["slipped_days_total"],
                "times_slipped": seen["times_slipped"],
                "first_due_date": seen["first_due_date"],
                "first_seen_month": seen["first_seen_month"],
                "previous_rag": previous.get("rag"),
                "completed_this_month": completed_now,
                "last_update_month": seen["last_update_month"],
                "months_since_update": _month_index(month)
                - _month_index(seen["last_update_month"]),
            }
        )
        seen["previous"] = {"month": month, "rag": rag, "status": rec["status"]}
    tracked = pd.DataFrame(
        rows,
        columns=[
            "_order",
            "month",
            "action_id",
            "computed_rag",
            "rag_reason",
            "slipped_this_month",
            "slipped_days_this_month",
            "slipped_days_total",
            "times_slipped",
            "first_due_date",
            "first_seen_month",
            "previous_rag",
            "completed_this_month",
            "last_update_month",
            "months_since_update",
        ],
    )
    tracked["first_due_date"] = pd.to_datetime(tracked["first_due_date"])
    # rows were built in frame order, so the two frames line up index for index
    out = pd.concat([frame, tracked.drop(columns=["_order", "month", "action_id"])], axis=1)
    ref = pd.to_datetime(out["month"].map(dates.reference_date))
    complete = out["status"] == "complete"
    out["due_in_days"] = (out["due_date"] - ref).dt.days.astype("Int64")
    out["overdue"] = (~complete & (out["due_date"] < ref)).astype(bool)
    out["days_overdue"] = (-out["due_in_days"]).clip(lower=0).where(out["overdue"], 0)
    out["blocked"] = (out["status"] == "blocked").astype(bool)
    return out


def _rag_change(previous: Any, current: str) -> str:
    if _missing(previous) or previous not in RAG_ORDER or current not in RAG_ORDER:
        return NOT_COMPARED
    delta = RAG_ORDER[current] - RAG_ORDER[previous]
    return "worsened" if delta > 0 else "improved" if delta < 0 else "same"


def _more_optimistic(officer: Any, computed: str) -> Any:
    if _missing(officer) or officer not in RAG_ORDER or officer == computed:
        return pd.NA
    return "officer" if RAG_ORDER[officer] < RAG_ORDER[computed] else "computed"


ACTION_COLUMNS = [
    "action_id",
    "recommendation_id",
    "theme",
    "action",
    "owner",
    "start_date",
    "due_date",
    "status",
    "completed_date",
    "officer_rag",
    "computed_rag",
    "rag_reason",
    "rag_disagrees",
    "more_optimistic",
    "overdue",
    "days_overdue",
    "due_in_days",
    "blocked",
    "first_due_date",
    "slipped_this_month",
    "slipped_days_this_month",
    "slipped_days_total",
    "times_slipped",
    "previous_rag",
    "rag_change",
    "new",
    "completed_this_month",
    "update",
    "last_update_month",
    "months_since_update",
    "stale",
    "first_seen_month",
]
