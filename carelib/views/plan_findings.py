"""What a Director learns from each recommendation, in one heading and one summary line.

:func:`recommendation_heading` and :func:`recommendation_summary` are built from the
figures of a recommendation's actions and progress measures: its rating, how many
actions are overdue or blocked and the worst of them ("1 of 5 actions overdue (A42, by
92 days)"), and its worst measure with how long it has been red and how far it is from
its target. A recommendation whose actions are all complete but whose measures are not
where they should be says so ("actions done, impact not yet seen: new actions needed").
The plan page (:mod:`carelib.views.plan_sections`) and its plain-text version
(:mod:`carelib.views.plan_text`) show the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from carelib import formatting, plan, plan_attention
from carelib.plan_data import PlanData
from carelib.views import plan_words as w


def _rating(rec: Mapping[str, Any]) -> str:
    if w.missing(rec["rag"]):
        return "not rated"
    return w.RAG_WORDS.get(rec["rag"], str(rec["rag"])).split(" (")[0]


def worst_action(acts: pd.DataFrame) -> dict[str, Any] | None:
    """The worst-rated action not complete: blocked and overdue first, then longest overdue."""
    open_ = acts[acts["computed_rag"] != "blue"]
    if not len(open_):
        return None
    rank = open_.assign(
        _rag=open_["computed_rag"].map(plan.RAG_ORDER).fillna(-1),
        _both=open_["blocked"].astype(int) + open_["overdue"].astype(int),
        _days=open_["days_overdue"].fillna(0).astype(int),
    )
    rank = rank.sort_values(["_rag", "_both", "_days"], ascending=False, kind="stable")
    return rank.iloc[0].to_dict()


def worst_measure(meas: pd.DataFrame, runs: Mapping[str, int]) -> dict[str, Any] | None:
    """The worst-rated measure: red before amber before no data before green, longest red first."""
    if not len(meas):
        return None
    order = {"red": 3, "amber": 2, plan.NO_DATA: 1, "green": 0}
    rank = meas.assign(
        _rag=meas["rag"].map(order).fillna(1),
        _run=meas["measure_id"].map(lambda m: runs.get(str(m), 0)),
    )
    rank = rank.sort_values(["_rag", "_run"], ascending=False, kind="stable")
    return rank.iloc[0].to_dict()


def _gap(m: Mapping[str, Any]) -> str:
    """``6.6 points short of its target`` from the measure's progress words (never a new figure)."""
    if not w.missing(m.get("suppressed")) and str(m.get("suppressed") or "").strip():
        return ""
    if m["target_met"] is True:
        return "at its target"
    words = "" if w.missing(m["progress_text"]) else str(m["progress_text"]).split(" (")[0]
    if words.endswith(" from target"):
        return words.removesuffix(" from target") + " short of its target"
    return ""


def measure_phrase(m: Mapping[str, Any] | None, runs: Mapping[str, int], n: int) -> str:
    """The worst measure in words: ``measure M04 red for 2 months in a row, 6.6 points short``."""
    if m is None:
        return "no progress measures"
    mid, rag = m["measure_id"], m["rag"]
    if rag == "green":
        return (
            "every progress measure on or ahead of its trajectory"
            if n > 1
            else (f"measure {mid} on or ahead of its trajectory")
        )
    if rag not in ("red", "amber"):
        return f"measure {mid} has no value this month"
    run = runs.get(str(mid), 0)
    text = f"measure {mid} {rag}"
    if rag == "red" and run > 1:
        text += f" for {formatting.count(run, 'month')} in a row"
    gap = _gap(m)
    return text + (f", {gap}" if gap else "")


def action_phrase(acts: pd.DataFrame) -> str:
    """The actions in words: ``1 of 5 actions overdue (A42, by 92 days)``, or all complete."""
    n = len(acts)
    if not n:
        return "no actions recorded"
    done = int((acts["computed_rag"] == "blue").sum())
    if done == n:
        return f"all {formatting.count(n, 'action')} complete" if n > 1 else "its 1 action complete"
    parts = []
    overdue = acts[acts["overdue"].astype(bool) & (acts["computed_rag"] != "blue")]
    blocked = acts["blocked"].astype(bool)
    if len(overdue):
        top = overdue.sort_values("days_overdue", ascending=False, kind="stable").iloc[0]
        which = "the worst, " if len(overdue) > 1 else ""
        also = ", also blocked" if top["blocked"] else ""
        parts.append(
            f"{len(overdue)} of {formatting.count(n, 'action')} overdue "
            f"({which}{top['action_id']}, "
            f"by {formatting.count(int(top['days_overdue']), 'day')}{also})"
        )
    others = acts[blocked & ~acts["action_id"].isin(overdue["action_id"][:1])]
    if len(others):
        ids = ", ".join(str(a) for a in others["action_id"])
        parts.append(f"{len(others)} blocked ({ids})")
    if parts:
        return "; ".join(parts)
    top = worst_action(acts)
    text = f"{done} of {formatting.count(n, 'action')} complete, none overdue"
    if top is not None and top["computed_rag"] == "amber":
        reason = w.long_dates(top["rag_reason"])
        text += f"; {top['action_id']} amber" + (f" ({reason})" if reason else "")
    return text


def _impact_not_seen(rec: Mapping[str, Any], acts: pd.DataFrame) -> bool:
    complete = len(acts) and int(rec["complete"]) == len(acts)
    return bool(complete) and rec["rag"] not in ("blue", "green")


def recommendation_heading(
    data: PlanData, rec: Mapping[str, Any], acts: pd.DataFrame, meas: pd.DataFrame
) -> str:
    """A recommendation's heading: its themes, rating and what its actions show.

    Parameters
    ----------
    data : carelib.plan_data.PlanData
        The month's plan tables.
    rec : mapping
        The recommendation's row of ``data.assessment.recommendations``.
    acts, meas : pandas.DataFrame
        Its actions and its progress measures.

    Returns
    -------
    str
        E.g. ``Recommendation R2 (Supervision): red, 1 of 5 actions overdue (A42, by 92
        days)``, or, when every action is complete but a measure is not where it should
        be, ``...: red, all 3 actions complete but measure M13 still red: new actions
        needed``.
    """
    rid = rec["recommendation_id"]
    themes = ", ".join(w.theme_name(t) for t in str(rec["themes"]).split(", ") if t)
    name = f"Recommendation {rid}" + (
        f" ({themes})" if themes and not w.missing(rec["themes"]) else ""
    )
    if _impact_not_seen(rec, acts):
        m = worst_measure(meas, plan_attention.months_red(data))
        still = f"measure {m['measure_id']} still {m['rag']}" if m is not None else "not yet blue"
        return f"{name}: {_rating(rec)}, {action_phrase(acts)} but {still}: new actions needed"
    text = f"{name}: {_rating(rec)}, {action_phrase(acts)}"
    runs = plan_attention.months_red(data)
    m = worst_measure(meas, runs)
    if m is not None and m["rag"] == "red":
        run = runs.get(str(m["measure_id"]), 0)
        text += f"; measure {m['measure_id']} red"
        text += f" for {formatting.count(run, 'month')}" if run > 1 else ""
    return text


def recommendation_summary(
    data: PlanData, rec: Mapping[str, Any], acts: pd.DataFrame, meas: pd.DataFrame
) -> str:
    """The visible line over a recommendation's detail: its worst measure and worst action.

    Returns
    -------
    str
        E.g. ``Measure M04 red, 6.6 points short of its target; 4 of 5 actions complete,
        the worst A42 (overdue by 92 days)``.
    """
    runs = plan_attention.months_red(data)
    n_meas = len(meas)
    text = w.sentence(measure_phrase(worst_measure(meas, runs), runs, n_meas))
    if n_meas > 1 and not text.startswith("Every"):
        red = int((meas["rag"] == "red").sum())
        green = int((meas["rag"] == "green").sum())
        text = (
            f"{red} of {n_meas} progress measures red, {green} on trajectory; the worst, "
            f"{text[:1].lower() + text[1:]}"
        )
    n = len(acts)
    done = int((acts["computed_rag"] == "blue").sum()) if n else 0
    text += f"; {done} of {formatting.count(n, 'action')} complete"
    top = worst_action(acts)
    if top is not None and top["computed_rag"] in ("red", "amber"):
        why = []
        if top["blocked"]:
            why.append("blocked")
        if top["overdue"]:
            why.append(f"overdue by {formatting.count(int(top['days_overdue']), 'day')}")
        reason = " and ".join(why) or w.long_dates(top["rag_reason"]) or top["computed_rag"]
        text += f", the worst {top['action_id']} ({reason})"
    elif _impact_not_seen(rec, acts):
        text += ": actions done, impact not yet seen"
    return text
