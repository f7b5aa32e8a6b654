"""The demo improvement plan month by month, and its progress measures.

Turns the actions of :mod:`carelib.demo_actions` into each month's ``actions.csv``
(status, completed date, officer RAG and update notes) and simulates the progress
measures' values against their baselines and targets for ``measures.csv``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from carelib import dates
from carelib.demo_actions import (
    _ACTIONS,
    _RECOMMENDATIONS,
    _Action,
)
from carelib.demo_people import (
    DEMO_MONTHS,
    _iso,
    _num,
    _weekday_in,
)
from carelib.month import Month

_PROGRESS_NOTES = (
    "Work under way; progress reported to the improvement board.",
    "On track; next milestone agreed with the service manager.",
    "Draft shared with partners for comment; feedback due next month.",
    "Steady progress, slowed a little by staff absence in the team.",
    "Milestones met this month; evidence filed for the improvement board.",
    "Task and finish group met twice this month; actions on track.",
)
_LATE_NOTES = (
    "Behind schedule: capacity in the team has limited progress; recovery plan to the next board.",
    "Delayed; revised timescale to be agreed at the improvement board.",
    "Still outstanding; owner to present a recovery plan next month.",
)
_DONE_NOTES = (
    "Complete: evidence of impact reviewed by the improvement board.",
    "Complete; now business as usual and monitored through the performance dashboard.",
    "Complete and signed off by the Director of Children's Services.",
)
_WAITING_NOTES = (
    "Not started; waiting for capacity in the team.",
    "Not started; scoping to begin once the linked action is complete.",
)


def _short(day: dt.date) -> str:
    return day.strftime("%d %b %Y").lstrip("0")


def _plan(rng: np.random.Generator) -> dict[str, list[dict]]:
    """Return the action plan rows for every month."""
    rec = {r: (text, theme) for r, theme, text in _RECOMMENDATIONS}
    out: dict[str, list[dict]] = {m: [] for m in DEMO_MONTHS}
    for a in _ACTIONS:
        completed = None
        if a.done is not None:
            month = DEMO_MONTHS[a.done]
            completed = _weekday_in(rng, month, first=dt.date.fromisoformat(a.start))
        note, note_key = "", None
        start = dt.date.fromisoformat(a.start)
        for t, month in enumerate(DEMO_MONTHS):
            if t < a.added or (a.removed is not None and t >= a.removed):
                continue
            ref = dates.reference_date(month)
            due = dt.date.fromisoformat(a.due)
            slip_reason = None
            for when, new_due, reason in a.slips:
                if t >= when:
                    slip_reason = (when, _short(due), new_due, reason)
                    due = dt.date.fromisoformat(new_due)
            if a.blocked and a.blocked[0] <= t < a.blocked[1]:
                status = "blocked"
            elif a.done is not None and t >= a.done:
                status = "complete"
            elif a.begin is not None and t >= a.begin:
                status = "in_progress"
            else:
                status = "not_started"
            overdue = status != "complete" and due < ref
            rag = _officer_rag(rng, a, status, due, ref, overdue, start, t)

            label = ref.strftime("%b %Y")
            key = (status, due, overdue, start > ref)
            fixed = dict(a.notes).get(t)
            if fixed:
                note, note_key = f"{label}: {fixed}", key
            elif slip_reason and slip_reason[0] == t:
                _, old, new_due, reason = slip_reason
                note = (
                    f"{label}: Due date moved from {old} to "
                    f"{_short(dt.date.fromisoformat(new_due))}: {reason}."
                )
                note_key = key
            elif key != note_key or (
                status == "in_progress" and rng.random() < (0.08 if a.stale else 0.35)
            ):
                body = _note_for(rng, a, status, overdue, start, ref)
                if body and f"{label}: {body}" != note:
                    note = f"{label}: {body}"
                note_key = key
            out[month].append(
                {
                    "action_id": a.action_id,
                    "recommendation_id": a.recommendation_id,
                    "recommendation": rec[a.recommendation_id][0],
                    "theme": rec[a.recommendation_id][1],
                    "action": a.text,
                    "owner": a.owner,
                    "start_date": a.start,
                    "due_date": _iso(due),
                    "status": status,
                    "completed_date": _iso(completed) if status == "complete" else "",
                    "officer_rag": rag,
                    "update": note,
                }
            )
    return out


def _note_for(
    rng: np.random.Generator, a: _Action, status: str, overdue: bool, start: dt.date, ref: dt.date
) -> str:
    if status == "blocked":
        return f"Blocked: {a.blocked[2]}."
    if status == "complete":
        return str(rng.choice(_DONE_NOTES))
    if status == "in_progress":
        return str(rng.choice(_LATE_NOTES if overdue else _PROGRESS_NOTES))
    if start > ref:
        return ""  # nothing to say before the planned start
    return str(rng.choice(_WAITING_NOTES))


def _officer_rag(
    rng: np.random.Generator,
    a: _Action,
    status: str,
    due: dt.date,
    ref: dt.date,
    overdue: bool,
    start: dt.date,
    t: int,
) -> str:
    if t == a.added and a.added > 0:
        return ""  # new actions have no rating in their first month
    if status == "complete":
        return "blue"
    if status == "blocked":
        return "red"
    if overdue:
        return a.optimistic or "red"
    if status == "not_started":
        return "green" if start > ref else "amber"
    if (due - ref).days <= 31:
        return "amber"
    return "amber" if rng.random() < 0.1 else "green"


# --------------------------------------------------------------------------------------
# Progress measures
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Measure:
    measure_id: str
    recommendation_id: str
    name: str
    unit: str
    polarity: str
    baseline: float
    target: float
    target_date: str
    pace: float = 1.0  # share of the planned improvement achieved (negative: worse)
    kpi: str = ""
    # First month in the file. A measure without a kpi always has a value from then on:
    # the contracts reject a blank value unless a kpi is given.
    added: int = 0
    quarterly: bool = False  # value refreshed once a quarter


_MEASURES: tuple[_Measure, ...] = (
    _Measure(
        "M01",
        "R5",
        "Children placed out of borough visited within timescale",
        "percent",
        "higher_is_better",
        68.0,
        90.0,
        "2025-03-31",
        1.0,
    ),
    _Measure(
        "M02",
        "R6",
        "Care leavers in touch with the local authority",
        "percent",
        "higher_is_better",
        82.0,
        95.0,
        "2025-03-31",
        0.55,
    ),
    _Measure(
        "M03",
        "R6",
        "Care leavers aged 19 to 21 in suitable accommodation",
        "percent",
        "higher_is_better",
        84.0,
        92.0,
        "2026-03-31",
        0.95,
    ),
    _Measure(
        "M04",
        "R2",
        "Supervision within timescale",
        "percent",
        "higher_is_better",
        61.0,
        90.0,
        "2025-03-31",
        0.85,
    ),
    _Measure(
        "M05",
        "R8",
        "Family Hub contacts",
        "count",
        "higher_is_better",
        310.0,
        600.0,
        "2026-03-31",
        1.1,
        added=3,  # the first family hubs opened in January 2024
    ),
    _Measure(
        "M06",
        "R4",
        "Neglect cases assessed with the Graded Care Profile",
        "percent",
        "higher_is_better",
        12.0,
        75.0,
        "2025-03-31",
        0.7,
    ),
    _Measure(
        "M07",
        "R9",
        "Average days from referral to assessment",
        "days",
        "lower_is_better",
        41.0,
        30.0,
        "2025-03-31",
        1.0,
    ),
    _Measure(
        "M08",
        "R9",
        "Re-referrals within 12 months",
        "percent",
        "lower_is_better",
        24.0,
        20.0,
        "2026-03-31",
        -0.6,
    ),
    _Measure(
        "M09",
        "R1",
        "Agency social workers (agency rate)",
        "percent",
        "lower_is_better",
        0.0,
        20.0,
        "2026-03-31",
        kpi="agency_rate",
    ),
    _Measure(
        "M10",
        "R10",
        "Average caseload of case-holding social workers",
        "ratio",
        "lower_is_better",
        0.0,
        18.0,
        "2025-03-31",
        kpi="average_caseload",
    ),
    _Measure(
        "M11",
        "R1",
        "Social worker turnover in the last 12 months",
        "percent",
        "lower_is_better",
        19.5,
        15.0,
        "2026-03-31",
        kpi="turnover_rate_12m",
    ),
    _Measure(
        "M12",
        "R7",
        "Adolescents supported by Edge of Care still at home after six months",
        "percent",
        "higher_is_better",
        55.0,
        75.0,
        "2026-03-31",
        1.0,
    ),
    _Measure(
        "M13",
        "R3",
        "Case file audits rated good or better",
        "percent",
        "higher_is_better",
        22.0,
        50.0,
        "2026-03-31",
        0.6,
        added=6,
        quarterly=True,
    ),
)


def _measures(rng: np.random.Generator, baselines: dict[str, float]) -> dict[str, list[dict]]:
    """Return the progress measure rows for every month."""
    plan_start = dates.month_start(DEMO_MONTHS[0])
    out: dict[str, list[dict]] = {m: [] for m in DEMO_MONTHS}
    for m in _MEASURES:
        baseline = baselines.get(m.kpi, m.baseline)
        span = (dt.date.fromisoformat(m.target_date) - plan_start).days
        gap = m.target - baseline
        value_text = ""
        for t, month in enumerate(DEMO_MONTHS):
            if t < m.added:
                continue
            ref = dates.reference_date(month)
            if m.kpi:
                value_text = ""
            elif not m.quarterly or (t - m.added) % 3 == 0:
                done = min(1.05, (ref - plan_start).days / span) * m.pace
                value = baseline + gap * done + rng.normal(0, abs(gap) * 0.07)
                if m.unit == "count":
                    seasonal = {8: 0.82, 12: 0.85, 4: 0.93}.get(Month(month).month, 1.0)
                    value_text = _num(round(value * seasonal))
                else:
                    if m.unit == "percent":
                        value = float(np.clip(value, 0, 100))
                    value_text = _num(round(value, 1))
            out[month].append(
                {
                    "measure_id": m.measure_id,
                    "recommendation_id": m.recommendation_id,
                    "name": m.name,
                    "unit": m.unit,
                    "polarity": m.polarity,
                    "baseline": _num(baseline),
                    "target": _num(m.target),
                    "target_date": m.target_date,
                    "value": value_text,
                    "kpi": m.kpi,
                }
            )
    return out


def _first_month_kpis(rows: list[dict]) -> dict[str, float]:
    """Agency rate and average caseload of a snapshot, to set the KPI baselines."""
    qualified = [r for r in rows if r["role"] != "alternatively_qualified"]
    agency = sum(float(r["fte"]) for r in qualified if r["employment"] == "agency")
    la = sum(float(r["fte"]) for r in qualified if r["employment"] != "agency")
    holders = [r for r in qualified if r["cases"] not in ("", "0")]
    cases = sum(int(r["cases"]) for r in holders)
    fte = sum(float(r["fte"]) for r in holders)
    return {
        "agency_rate": round(agency / (agency + la) * 100, 1),
        "average_caseload": round(cases / fte, 1),
    }
