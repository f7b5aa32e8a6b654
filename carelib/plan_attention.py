"""What needs attention in the improvement plan, as plain data.

:func:`attention` lists every red action and every red progress measure, and any other
action or measure that slipped or worsened this month, worst first, each with the
reasons it is there in plain words ("overdue by 92 days", "red for 6 months", "past its
target date of 31 March 2025"). :func:`red_overlap` explains the count of red actions
when the reasons overlap ("7 red: 6 overdue and 2 blocked, 1 is both"), and
:func:`last_completion` says how long it is since an action was last completed. The
plan page's views (:mod:`carelib.views.plan_summary`) render these; nothing here is HTML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from carelib import dates, formatting, plan
from carelib.plan_common import _as_date, _missing

if TYPE_CHECKING:
    from carelib.plan_data import PlanData


@dataclass(frozen=True)
class Item:
    """One action or progress measure that needs attention.

    Attributes
    ----------
    kind : str
        ``action`` or ``measure``.
    id : str
        The action's or measure's id (``A05``, ``M02``).
    name : str
        What it is, from the plan.
    recommendation_id : str
        The recommendation it belongs to.
    rag : str
        Its rating (worked out by the rules).
    reasons : list of str
        Why it is listed, worst first, in plain words.
    officer_rag : str or None
        The owner's own rating (actions only).
    owner : str or None
        The owner's role (actions only; measures have no owner).
    due : datetime.date or None
        The due date (actions) or target date (measures).
    update : str or None
        The latest progress note (actions) or the value against its trajectory and
        target (measures).
    severity : tuple
        The sort key, largest first.
    """

    kind: str
    id: str
    name: str
    recommendation_id: str
    rag: str
    reasons: list[str] = field(default_factory=list)
    officer_rag: str | None = None
    owner: str | None = None
    due: dt.date | None = None
    update: str | None = None
    severity: tuple = ()


def _text(value: Any) -> str | None:
    """A free-text cell as text, None when blank."""
    return None if _missing(value) else str(value)


def months_red(data: PlanData) -> dict[str, int]:
    """How many month ends in a row, up to this one, each measure has been rated red."""
    hist = data.measure_history
    out: dict[str, int] = {}
    for mid, rows in hist.sort_values("month").groupby("measure_id", sort=False):
        run = 0
        for rag in reversed(list(rows["rag"])):
            if rag != "red":
                break
            run += 1
        out[str(mid)] = run
    return out


def _action_item(r: dict[str, Any], reference: dt.date) -> Item | None:
    reasons, red = [], r["computed_rag"] == "red"
    if r["blocked"]:
        reasons.append("blocked")
    if r["overdue"]:
        reasons.append(f"overdue by {formatting.count(int(r['days_overdue']), 'day')}")
    if r["stale"] and r["computed_rag"] != "blue":
        months = formatting.count(int(r["months_since_update"]), "month")
        reasons.append(f"no new update for {months}")
    if r["slipped_this_month"]:
        reasons.append(
            f"due date moved {formatting.count(int(r['slipped_days_this_month']), 'day')} "
            "later this "
            f"month (moved {formatting.count(int(r['times_slipped']), 'time')}, "
            f"{formatting.count(int(r['slipped_days_total']), 'day')} in all)"
        )
    worse = r["rag_change"] == "worsened"
    if worse:
        reasons.append(f"worsening: {r['previous_rag']} last month, {r['computed_rag']} now")
    if not (red or worse or r["slipped_this_month"]):
        return None  # a stale amber or green action is flagged in its recommendation
    if red and not reasons:
        reasons.append(_text(r["rag_reason"]) or "")
    if not reasons:
        return None
    severity = (
        plan.RAG_ORDER.get(r["computed_rag"], -1),
        int(bool(r["blocked"])) + int(bool(r["overdue"])),
        int(r["days_overdue"] or 0),
        int(r["months_since_update"] or 0),
    )
    return Item(
        kind="action",
        id=str(r["action_id"]),
        name=_text(r["action"]) or "",
        recommendation_id=str(r["recommendation_id"]),
        rag=r["computed_rag"],
        reasons=[x for x in reasons if x],
        officer_rag=_text(r["officer_rag"]),
        owner=_text(r["owner"]),
        due=_as_date(r["due_date"]),
        update=_text(r["update"]),
        severity=severity,
    )


def _worse_value(m: dict[str, Any]) -> bool:
    """Whether the value moved away from the target since last month."""
    if _missing(m["value"]) or _missing(m["previous_value"]):
        return False
    change = float(m["value"]) - float(m["previous_value"])
    if abs(change) < 1e-9:
        return False
    return change < 0 if m["polarity"] == "higher_is_better" else change > 0


def _measure_item(m: dict[str, Any], red_run: int, reference: dt.date) -> Item | None:
    reasons: list[str] = []
    red = m["rag"] == "red"
    target_date = _as_date(m["target_date"])
    past = target_date is not None and target_date < reference and m["target_met"] is not True
    worse = m["rag_change"] == "worsened"
    if red and red_run > 1:
        reasons.append(f"red for {formatting.count(red_run, 'month')} in a row")
    elif red and not worse:
        reasons.append("red this month")
    if past and not _missing(m["value"]):
        reasons.append(f"past its target date of {formatting.date(target_date)}")
    if worse:
        reasons.append(f"worsening: {m['previous_rag']} last month, {m['rag']} now")
    elif (red or past) and _worse_value(m):
        reasons.append("worsening: further from its target than last month")
    if not red and not reasons:
        return None
    if not red and m["rag_change"] != "worsened":
        return None  # an amber or green measure past its date is shown in its section
    severity = (
        plan.RAG_ORDER.get(m["rag"], -1),
        int(past) + int(_worse_value(m) or m["rag_change"] == "worsened"),
        red_run,
        0,
    )
    return Item(
        kind="measure",
        id=str(m["measure_id"]),
        name=_text(m["name"]) or "",
        recommendation_id=str(m["recommendation_id"]),
        rag=m["rag"],
        reasons=reasons,
        due=target_date,
        severity=severity,
    )


def attention(data: PlanData) -> list[Item]:
    """Every red action and red measure, and any item that slipped or worsened, worst first.

    Worst first means: red before amber before green; then items with more reasons
    (blocked and overdue, past the target date and worsening); then the longest
    overdue or longest red. Actions come before measures at equal severity.

    Parameters
    ----------
    data : carelib.plan_data.PlanData
        The month's (published) plan tables.

    Returns
    -------
    list of Item
    """
    reference = data.reference_date
    items = [
        i
        for r in data.actions.to_dict("records")
        if (i := _action_item(r, reference)) is not None and i.rag != "blue"
    ]
    runs = months_red(data)
    items += [
        i
        for m in data.measures.to_dict("records")
        if (i := _measure_item(m, runs.get(str(m["measure_id"]), 0), reference)) is not None
    ]
    kind_order = {"action": 0, "measure": 1}
    return sorted(
        items,
        key=lambda i: (tuple(-x for x in i.severity), kind_order[i.kind], i.id),
    )


@dataclass(frozen=True)
class Overlap:
    """The red actions' count split by reason: overdue, blocked, and both."""

    red: int
    overdue: int
    blocked: int
    both: int

    def reasons(self) -> str:
        """``6 overdue and 2 blocked, 1 is both``."""
        text = f"{self.overdue} overdue and {self.blocked} blocked"
        if self.both:
            text += f", {self.both} {'is' if self.both == 1 else 'are'} both"
        return text

    def sentence(self) -> str:
        """``7 red: 6 overdue and 2 blocked, 1 is both`` (plain English)."""
        if not self.red:
            return "no action is rated red"
        return f"{self.red} red: {self.reasons()}"


def last_completion_phrase(data: PlanData) -> str:
    """``none completed since May 2025`` (a heading's clause)."""
    last = last_completion(data)
    if last is None:
        return "none completed yet"
    if dates.month_of(last) == dates.month_of(data.reference_date):
        return f"the last completed on {formatting.date(last)}"
    return f"none completed since {formatting.month(dates.month_of(last))}"


def red_overlap(actions: pd.DataFrame) -> Overlap:
    """How the red actions split into overdue, blocked and both."""
    red = actions[actions["computed_rag"] == "red"]
    overdue = red["overdue"].astype(bool)
    blocked = red["blocked"].astype(bool)
    return Overlap(
        red=len(red),
        overdue=int(overdue.sum()),
        blocked=int(blocked.sum()),
        both=int((overdue & blocked).sum()),
    )


def last_completion(data: PlanData) -> dt.date | None:
    """The most recent completion date of any action up to the month's end (None: never)."""
    done = pd.to_datetime(data.actions["completed_date"], errors="coerce").dropna()
    done = done[done.dt.date <= data.reference_date]
    return None if not len(done) else done.max().date()


def since_last_completion(data: PlanData) -> str:
    """A sentence on how long since an action was last completed."""
    last = last_completion(data)
    if last is None:
        return "No action in the plan has been completed yet."
    months = dates.month_of(data.reference_date)
    gap = _month_gap(dates.month_of(last), months)
    when = formatting.date(last)
    if gap <= 0:
        return f"The last action was completed on {when}, this month."
    return (
        f"No action has been completed since {formatting.month(dates.month_of(last))}: "
        f"the last was completed on {when}, {formatting.count(gap, 'month')} before the end of "
        f"{formatting.month(months)}."
    )


def _month_gap(a: str, b: str) -> int:
    return (int(b[:4]) * 12 + int(b[5:7])) - (int(a[:4]) * 12 + int(a[5:7]))
