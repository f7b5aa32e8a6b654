"""What the improvement board needs to decide: the plan's items that need a decision.

Read from the plan's published tables (:attr:`carelib.plan_data.PlanData.actions`, the
rows of ``actions.csv``, and :attr:`~carelib.plan_data.PlanData.measures`, of
``measures.csv``), as plain data:

- red actions with no update for ``[rag] stale_update_months`` months or more;
- blocked actions;
- progress measures rated red after their target date;
- recommendations whose actions are all complete but that still have a red measure
  ("actions done, impact not yet seen: new actions needed");

and how long it is since the last action was completed (:func:`last_completed`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from carelib import dates

#: The kinds of item, in the order the board reads them.
KINDS = ("stale", "blocked", "measure_past_target", "impact_not_seen")


@dataclass(frozen=True)
class Decision:
    """One item that needs a decision.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    ident : str
        The action, measure or recommendation id (``A25``, ``M04``, ``R3``).
    recommendation : str
        The recommendation it belongs to.
    what : str
        The action's or measure's words (the recommendation's ids for ``impact_not_seen``).
    why : str
        Why it needs a decision, in plain English.
    """

    kind: str
    ident: str
    recommendation: str
    what: str
    why: str


def _months(n: int) -> str:
    return f"{n} month{'s' if n != 1 else ''}"


def _long(day) -> str:
    return dates.long_date(pd.Timestamp(day).date())


def _decisions(kind: str, rows: pd.DataFrame, id_column: str, name_column: str, why) -> list:
    """One :class:`Decision` per row, ``why(row)`` saying why it needs a decision."""
    return [
        Decision(kind, str(r[id_column]), str(r["recommendation_id"]), str(r[name_column]), why(r))
        for _, r in rows.iterrows()
    ]


def _true(series: pd.Series) -> pd.Series:
    return series.astype(str).str.lower().isin(["true", "1"])


def stale_red(actions: pd.DataFrame, months: int) -> list[Decision]:
    """Red actions whose latest update is ``months`` or more months old."""
    gone = pd.to_numeric(actions["months_since_update"], errors="coerce")
    rows = actions[(actions["computed_rag"] == "red") & (gone >= months)]
    return _decisions(
        "stale",
        rows,
        "action_id",
        "action",
        lambda r: f"red with no update for {_months(int(r['months_since_update']))}",
    )


def blocked(actions: pd.DataFrame) -> list[Decision]:
    """Actions recorded as blocked."""
    rows = actions[_true(actions["blocked"])]
    return _decisions(
        "blocked",
        rows,
        "action_id",
        "action",
        lambda r: "blocked" + (f", {int(r['days_overdue'])} days overdue" if _overdue(r) else ""),
    )


def _overdue(row) -> bool:
    return str(row["overdue"]).lower() in ("true", "1") and int(row["days_overdue"] or 0) > 0


def red_past_target(measures: pd.DataFrame, day: dt.date) -> list[Decision]:
    """Progress measures rated red whose target date has passed."""
    due = pd.to_datetime(measures["target_date"], errors="coerce")
    rows = measures[(measures["rag"] == "red") & (due.dt.date < day)]
    return _decisions(
        "measure_past_target",
        rows,
        "measure_id",
        "name",
        lambda r: f"red, and its target date ({_long(r['target_date'])}) has passed",
    )


def impact_not_seen(actions: pd.DataFrame, measures: pd.DataFrame) -> list[Decision]:
    """Recommendations whose actions are all complete but that have a red measure."""
    out = []
    for rec, acts in actions.groupby("recommendation_id", sort=True):
        if not len(acts) or not (acts["status"] == "complete").all():
            continue
        red = measures[(measures["recommendation_id"] == rec) & (measures["rag"] == "red")]
        if not len(red):
            continue
        ids = ", ".join(str(m) for m in red["measure_id"])
        out.append(
            Decision(
                "impact_not_seen",
                str(rec),
                str(rec),
                ids,
                f"all {len(acts)} actions complete but {ids} still red: actions done, impact "
                "not yet seen: new actions needed",
            )
        )
    return out


def decisions(data) -> list[Decision]:
    """Every item that needs a decision, in the order of :data:`KINDS`.

    Parameters
    ----------
    data : carelib.plan_data.PlanData
        The month's plan tables (the published ones in publication mode).
    """
    months = int(data.config["rag"]["stale_update_months"])
    return [
        *stale_red(data.actions, months),
        *blocked(data.actions),
        *red_past_target(data.measures, data.reference_date),
        *impact_not_seen(data.actions, data.measures),
    ]


def last_completed(actions: pd.DataFrame, day: dt.date) -> tuple[dt.date | None, int | None]:
    """The last completion date of any action and whole months from it to ``day``."""
    done = pd.to_datetime(actions["completed_date"], errors="coerce").dropna()
    if done.empty:
        return None, None
    last = done.max().date()
    months = (day.year - last.year) * 12 + day.month - last.month - (day.day < last.day)
    return last, max(months, 0)


def last_completed_sentence(actions: pd.DataFrame, day: dt.date) -> str:
    """E.g. "No action has been completed since 28 May 2025 (3 months)."."""
    last, months = last_completed(actions, day)
    if last is None:
        return "No action has been completed yet."
    if months == 0:
        return f"The last action was completed on {_long(last)}."
    return f"No action has been completed since {_long(last)} ({_months(months)})."


def as_items(found: list[Decision]) -> list[dict]:
    """The decisions as JSON-ready dicts (handed to the overview page)."""
    return [vars(d) for d in found]


def merged(found: list[Decision]) -> list[Decision]:
    """One item per action, measure or recommendation, its reasons joined ("; ")."""
    out: dict[str, Decision] = {}
    for d in found:
        if d.ident in out:
            first = out[d.ident]
            out[d.ident] = Decision(
                first.kind, first.ident, first.recommendation, first.what, f"{first.why}; {d.why}"
            )
        else:
            out[d.ident] = d
    return list(out.values())
