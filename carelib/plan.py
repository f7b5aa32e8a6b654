"""The improvement (Ofsted) action plan: ratings, progress, slippage and the timeline.

Everything here is computed from the plan as it stood at the end of each month (a
:class:`carelib.loading.History` stacks ``actions`` and ``measures`` with a ``month``
column). The rules are written for officers in ``docs/plan_rules.md``; keep the two in
step. Free text (action, update, names) is carried raw: escaping happens at render time
in :mod:`carelib.html`.

This module imports only pandas, numpy and the light carelib modules so that the command
line (``carelib plan --json``) starts quickly. Workforce indicators that measures link to
(``kpi``) are passed in by the caller, computed with :func:`kpis_by_month` (or
``carelib.workforce.council_kpis`` for one month): a partial 12-month figure is never
judged, whichever of the two supplies it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from carelib import dates
from carelib.rates import is_complete, partial_text

if TYPE_CHECKING:  # only for annotations: plan must not pull in the loader at import
    from carelib.config import Config
    from carelib.loading import History

#: Ratings from best to worst. Blue means complete (actions) or delivered (roll-ups).
RAG_ORDER = {"blue": 0, "green": 1, "amber": 2, "red": 3}
RAGS = tuple(RAG_ORDER)
#: The order ratings are listed in tables and counts: worst first.
RAGS_WORST_FIRST = ("red", "amber", "green", "blue")
#: A measure with no value this month is not given a colour.
NO_DATA = "no data"
MEASURE_RATINGS = ("green", "amber", "red", NO_DATA)
#: Ofsted asks for the written action plan within 70 working days of publication.
PLAN_DUE_WORKING_DAYS = 70
#: rag_change when there is no earlier month in the data to compare with.
NOT_COMPARED = "not compared"

# How each unit's distances are written ("3.2 points from target").
_UNIT_WORDS = {"percent": " points", "days": " days", "count": "", "ratio": "", "gbp": ""}
_UNIT_DECIMALS = {"percent": 1, "days": 0, "count": 0, "ratio": 2, "gbp": 0}


# --------------------------------------------------------------------------- helpers


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _as_date(value: Any) -> dt.date | None:
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _day(value: dt.date | None) -> str:
    return "no date" if value is None else f"{value.day} {value:%b %Y}"


def _month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7])


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _number(value: float, unit: str) -> str:
    decimals = _UNIT_DECIMALS.get(unit, 1)
    if unit in ("count", "days") and abs(value - round(value)) > 1e-9:
        decimals = 1
    text = f"{abs(value):,.{decimals}f}"
    return f"£{text}" if unit == "gbp" else text


def _kpi_record(kpi_values: Mapping[str, Any] | None, name: Any) -> Mapping[str, Any]:
    """The record of one indicator: ``{"value": ...}`` plus its window when known."""
    if kpi_values is None or _missing(name) or name not in kpi_values:
        return {}
    value = kpi_values[name]
    return value if isinstance(value, Mapping) else {"value": value}


def _kpi_number(kpi_values: Mapping[str, Any] | None, name: Any) -> float | None:
    """Read one indicator from ``{name: value}`` or ``{name: {"value": ...}}``.

    A record that covers less than its window (``months_covered < window_months``, e.g.
    turnover over 2 of 12 months) gives None: a partial figure is never judged.
    """
    record = _kpi_record(kpi_values, name)
    value = record.get("value")
    if _missing(value) or not is_complete(record):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None  # e.g. the DfE symbol "z": not applicable is not a value
    return None if math.isnan(number) else number


def kpis_by_month(
    history: History, fy_start_month: int = 4, wanted: Iterable[str] | None = None
) -> dict[str, dict[str, dict[str, Any]]]:
    """The workforce indicators that measures link to, for every month of the history.

    The one way pages, CSVs and the command line get the values of kpi-linked measures:
    each record keeps ``months_covered``, ``window_months`` and ``complete``, so a
    partial 12-month figure is shown as "not available yet" and never rated.

    Parameters
    ----------
    history : carelib.loading.History
        The loaded months.
    fy_start_month : int, default 4
        First month of the financial year.
    wanted : iterable of str, optional
        Indicators to keep (default: those the history's measures link to).

    Returns
    -------
    dict
        ``{month: {indicator: {"value", "symbol", "months_covered", "window_months",
        "complete"}}}``.
    """
    from carelib import workforce

    wanted = set(history.measures["kpi"].dropna() if wanted is None else wanted)
    if not wanted or not history.months:
        return {}
    table = workforce.indicators(history, by_team=False, fy_start_month=fy_start_month)
    table = table[(table["scope"] == "council") & table["indicator"].isin(wanted)]
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for rec in table.to_dict("records"):
        out.setdefault(rec["month"], {})[rec["indicator"]] = {
            "value": None if _missing(rec["value"]) else float(rec["value"]),
            "symbol": rec["symbol"],
            "months_covered": int(rec["months_covered"]),
            "window_months": int(rec["window_months"]),
            "complete": bool(rec["complete"]),
        }
    return out


def _plan_start(history: History, config: Config) -> tuple[dt.date, str]:
    start = config["inspection"].get("plan_start")
    if start is not None:
        return start, "config"
    if not history.months:
        raise ValueError("the plan has no months of data and no inspection.plan_start")
    return dates.month_start(history.months[0]), "first month of data"


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
        red.append(f"overdue by {_plural((reference - due).days, 'day')} (due {_day(due)})")
    if red:
        return "red", "; ".join(red)
    if status == "not_started":
        if start is not None and start < reference:
            amber.append(f"not started, although due to start {_day(start)}")
        if due is not None and (due - reference).days <= due_soon_days:
            amber.append(f"not started and due in {_plural((due - reference).days, 'day')}")
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


# --------------------------------------------------------------------- measure rules


def trajectory(
    baseline: float, target: float, start: dt.date, target_date: dt.date, at: dt.date
) -> float:
    """Return where a measure should be on ``at``: a straight line from baseline to target.

    The line runs from ``baseline`` on ``start`` (the plan's start) to ``target`` on
    ``target_date``; before the start it is the baseline and from the target date on it
    is the target.
    """
    if at >= target_date:
        return float(target)
    if at <= start:
        return float(baseline)
    share = (at - start).days / (target_date - start).days
    return float(baseline + (target - baseline) * share)


def judge_measure(
    value: float | None,
    expected: float,
    baseline: float,
    target: float,
    polarity: str,
    amber_gap_share: float = 0.10,
) -> tuple[str, float | None, float]:
    """Compare a value with its trajectory.

    Returns
    -------
    rag : str
        ``green`` on or better than the trajectory; ``amber`` worse by no more than
        ``amber_gap_share`` of ``|baseline - target|``; ``red`` worse than that;
        ``no data`` when there is no value.
    behind : float or None
        How far the value is behind the trajectory in the measure's unit (negative when
        ahead), None without a value.
    band : float
        The amber band, ``amber_gap_share * |baseline - target|``.
    """
    band = amber_gap_share * abs(target - baseline)
    if value is None or polarity not in ("higher_is_better", "lower_is_better"):
        return NO_DATA, None, band
    behind = expected - value if polarity == "higher_is_better" else value - expected
    # Trajectories are fractions of days: a value exactly on a boundary must not fall
    # the wrong side of it by a rounding error.
    tol = 1e-9 * max(1.0, abs(baseline), abs(target))
    if behind <= tol:
        return "green", behind, band
    if behind <= band + tol:
        return "amber", behind, band
    return "red", behind, band


def _progress(value, baseline, target, polarity, unit) -> dict[str, Any]:
    """Distance to target, share of the baseline-to-target gap closed, and its words."""
    out = {
        "target_met": pd.NA,
        "distance_to_target": math.nan,
        "share_of_gap_closed": math.nan,
        "progress_text": "no value this month",
    }
    if value is None or polarity not in ("higher_is_better", "lower_is_better"):
        return out
    distance = target - value if polarity == "higher_is_better" else value - target
    tol = 1e-9 * max(1.0, abs(baseline), abs(target))
    met = distance <= tol
    out["target_met"] = met
    out["distance_to_target"] = distance
    words = _UNIT_WORDS.get(unit, "")
    if met:
        text = (
            "target met"
            if abs(distance) <= tol
            else (f"target beaten by {_number(distance, unit)}{words}")
        )
    elif _number(distance, unit).strip("£0.,") == "":
        # so close that it rounds to nothing: never print "0.0 points from target"
        smallest = 10 ** -_UNIT_DECIMALS.get(unit, 1)
        text = f"less than {_number(smallest, unit)}{words} from target"
    else:
        text = f"{_number(distance, unit)}{words} from target"
    if target != baseline:
        share = (value - baseline) / (target - baseline)
        out["share_of_gap_closed"] = share
        text += f" ({share * 100:.0f}% of the gap from baseline closed)"
    out["progress_text"] = text
    return out


#: What judging a measure adds to its row, in order (:data:`MEASURE_COLUMNS` holds them).
JUDGED_COLUMNS = (
    "value",
    "value_source",
    "trajectory",
    "behind_trajectory",
    "amber_band",
    "rag",
    "rag_reason",
    "target_met",
    "distance_to_target",
    "share_of_gap_closed",
    "progress_text",
    "months_covered",
    "window_months",
    "complete",
)


def _judge_rows(
    measures: pd.DataFrame,
    plan_start: dt.date,
    amber_gap_share: float,
    kpi_by_month: Mapping[str, Mapping[str, Any]],
) -> pd.DataFrame:
    """Judge every measure row (stacked months) against its trajectory."""
    rows = []
    for rec in measures.to_dict("records"):
        ref = dates.reference_date(rec["month"])
        has_kpi = not _missing(rec["kpi"])
        own = None if _missing(rec["value"]) else float(rec["value"])
        kpi_rec = _kpi_record(kpi_by_month.get(rec["month"]), rec["kpi"]) if has_kpi else {}
        kpi_value = _kpi_number(kpi_by_month.get(rec["month"]), rec["kpi"]) if has_kpi else None
        partial = has_kpi and not is_complete(kpi_rec)
        # A kpi-linked measure takes the council's computed indicator; the file's own
        # value is used only when the indicator is not available (the contract says the
        # value is blank when kpi is given).
        if kpi_value is not None:
            value, source = kpi_value, "kpi"
        elif own is not None:
            value, source = own, "data"
        else:
            value, source = None, "none"
        baseline, target = rec["baseline"], rec["target"]
        target_date = _as_date(rec["target_date"])
        row = {
            "value": math.nan if value is None else value,
            "value_source": source,
            "trajectory": math.nan,
            "behind_trajectory": math.nan,
            "amber_band": math.nan,
            "rag": NO_DATA,
            "months_covered": kpi_rec.get("months_covered", pd.NA),
            "window_months": kpi_rec.get("window_months", pd.NA),
            "complete": (not partial) if has_kpi and kpi_rec else pd.NA,
        }
        if _missing(baseline) or _missing(target) or target_date is None:
            row.update(
                rag_reason="baseline, target or target date not recorded",
                target_met=pd.NA,
                distance_to_target=math.nan,
                share_of_gap_closed=math.nan,
                progress_text="cannot be judged: baseline, target or target date missing",
            )
            rows.append(row)
            continue
        expected = trajectory(baseline, target, plan_start, target_date, ref)
        rag, behind, band = judge_measure(
            value, expected, baseline, target, rec["polarity"], amber_gap_share
        )
        unit = rec["unit"]
        words = _UNIT_WORDS.get(unit, "")
        if value is None and partial:
            reason = f"workforce indicator {rec['kpi']} {partial_text(kpi_rec)}"
        elif value is None:
            reason = (
                f"workforce indicator {rec['kpi']} not available this month"
                if has_kpi
                else "no value this month"
            )
        elif rec["polarity"] not in ("higher_is_better", "lower_is_better"):
            reason, rag = "polarity not recorded", NO_DATA
        elif rag == "green":
            reason = "on or better than trajectory"
        else:
            reason = (
                f"{_number(behind, unit)}{words} behind trajectory "
                f"({'within' if rag == 'amber' else 'more than'} the amber band of "
                f"{_number(band, unit)}{words})"
            )
        row.update(
            trajectory=expected,
            rag=rag,
            rag_reason=reason,
            behind_trajectory=math.nan if behind is None else behind,
            amber_band=band,
        )
        row.update(_progress(value, baseline, target, rec["polarity"], unit))
        rows.append(row)
    judged = pd.DataFrame(rows, index=measures.index, columns=list(JUDGED_COLUMNS))
    judged["target_met"] = judged["target_met"].astype("boolean")
    judged["complete"] = judged["complete"].astype("boolean")
    for col in ("months_covered", "window_months"):
        judged[col] = judged[col].astype("Int64")
    for col in (
        "value",
        "trajectory",
        "behind_trajectory",
        "amber_band",
        "distance_to_target",
        "share_of_gap_closed",
    ):
        judged[col] = judged[col].astype("float64")
    return pd.concat([measures.drop(columns=["value"]), judged], axis=1)


def measure_history(
    history: History,
    config: Config,
    kpi_by_month: Mapping[str, Mapping[str, Any]] | None = None,
    upto: str | None = None,
) -> pd.DataFrame:
    """Every measure in every month, judged against its trajectory, for charts.

    Parameters
    ----------
    history : carelib.loading.History
        The loaded months.
    config : carelib.config.Config
        Uses ``inspection.plan_start`` and ``rag.amber_gap_share``.
    kpi_by_month : mapping, optional
        ``{month: {kpi_name: value}}`` (or ``{month: council_kpis(history, month)}``)
        supplying the values of measures that link to a workforce indicator.
    upto : str, optional
        Last month to include (default: all loaded months).

    Returns
    -------
    pandas.DataFrame
        One row per measure and month: the measures.csv columns (``value`` replaced by
        the value used) plus ``reference_date``, ``value_source`` (``data``, ``kpi`` or
        ``none``), ``trajectory``, ``behind_trajectory``, ``amber_band``, ``rag``,
        ``rag_reason``, ``target_met``, ``distance_to_target``, ``share_of_gap_closed``
        and ``progress_text``, sorted by measure then month.
    """
    plan_start, _ = _plan_start(history, config)
    frame = history.measures
    if upto is not None:
        frame = frame[frame["month"] <= dates.parse_month(upto)]
    frame = frame[frame["measure_id"].notna()].drop_duplicates(["month", "measure_id"])
    judged = _judge_rows(frame, plan_start, config["rag"]["amber_gap_share"], kpi_by_month or {})
    judged.insert(0, "reference_date", pd.to_datetime(judged["month"].map(dates.reference_date)))
    return judged.sort_values(["measure_id", "month"], kind="stable").reset_index(drop=True)


MEASURE_COLUMNS = [
    "measure_id",
    "recommendation_id",
    "name",
    "unit",
    "polarity",
    "baseline",
    "target",
    "target_date",
    "kpi",
    *JUDGED_COLUMNS,
    "previous_value",
    "previous_rag",
    "rag_change",
    "new",
]


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


# ------------------------------------------------------------------------ timeline


def plan_due_date(publication_date: dt.date) -> dt.date:
    """Return the date the written action plan is due: 70 working days after publication.

    Working days are weekdays less England and Wales bank holidays; the publication
    day itself is not counted.
    """
    return dates.add_working_days(publication_date, PLAN_DUE_WORKING_DAYS)


def months_run(plan_start: dt.date, month: str) -> int:
    """Return how many reporting months the plan has run, counting its start month as 1."""
    if dates.reference_date(month) < plan_start:
        return 0
    return _month_index(month) - _month_index(dates.month_of(plan_start)) + 1


def timeline(history: History, month: str, config: Config) -> dict[str, Any]:
    """Return the statutory timeline at ``month``.

    Returns
    -------
    dict
        ``publication_date``, ``plan_due_date`` (70 working days after publication),
        ``plan_due_working_days``, ``plan_start`` and ``plan_start_source`` (``config``
        or ``first month of data``), ``reference_date``, ``months_run`` and
        ``plan_due_passed``. Dates are ``datetime.date`` (None when not configured).
    """
    published = config["inspection"].get("publication_date")
    start, source = _plan_start(history, config)
    ref = dates.reference_date(month)
    due = plan_due_date(published) if published else None
    return {
        "publication_date": published,
        "plan_due_date": due,
        "plan_due_working_days": PLAN_DUE_WORKING_DAYS,
        "plan_due_passed": None if due is None else due <= ref,
        "plan_start": start,
        "plan_start_source": source,
        "reference_date": ref,
        "months_run": months_run(start, month),
    }


# ------------------------------------------------------------------------ assessment


@dataclass
class PlanAssessment:
    """The action plan assessed at one month's reference date.

    Attributes
    ----------
    month : str
        The reporting month ``YYYY-MM``.
    reference_date : datetime.date
        Its last day, the date every rating is judged at.
    previous_month : str or None
        The latest earlier month in the data, used for month-on-month changes.
    actions : pandas.DataFrame
        One row per action (columns :data:`ACTION_COLUMNS`), in plan order.
    measures : pandas.DataFrame
        One row per measure (columns :data:`MEASURE_COLUMNS`), in file order.
    recommendations, themes : pandas.DataFrame
        Roll-ups: rating, driver, counts by rating, share complete.
    disappeared : pandas.DataFrame
        Actions in the previous month's plan that are absent now, as last seen.
    burnup : pandas.DataFrame
        Per month: ``total``, ``due_to_date``, ``complete``, ``overdue``.
    exceptions : pandas.DataFrame
        Overdue, blocked, slipped and worsening items with owner and latest update.
    timeline : dict
        See :func:`timeline`.
    """

    month: str
    reference_date: dt.date
    previous_month: str | None
    actions: pd.DataFrame
    measures: pd.DataFrame
    recommendations: pd.DataFrame
    themes: pd.DataFrame
    disappeared: pd.DataFrame
    burnup: pd.DataFrame
    exceptions: pd.DataFrame
    timeline: dict[str, Any]

    def summary(self) -> dict[str, Any]:
        """Return the headline counts as a JSON-serialisable dict (``carelib plan --json``)."""
        acts, meas = self.actions, self.measures

        def count(mask) -> int:
            return int(pd.Series(mask, dtype="boolean").fillna(False).sum())

        def iso(value):
            return value.isoformat() if isinstance(value, dt.date) else value

        return {
            "month": self.month,
            "reference_date": self.reference_date.isoformat(),
            "compared_with": self.previous_month,
            "actions_total": len(acts),
            "actions_by_rag": {c: count(acts["computed_rag"] == c) for c in RAGS_WORST_FIRST},
            "overdue": count(acts["overdue"]),
            "blocked": count(acts["blocked"]),
            "slipped_this_month": count(acts["slipped_this_month"]),
            "slipped_ever": count(acts["times_slipped"] > 0),
            "completed_this_month": count(acts["completed_this_month"]),
            "new": count(acts["new"]),
            "disappeared": len(self.disappeared),
            "not_updated": count(acts["stale"]),
            "rag_disagrees": count(acts["rag_disagrees"]),
            "worsened": count(acts["rag_change"] == "worsened"),
            "improved": count(acts["rag_change"] == "improved"),
            "measures_total": len(meas),
            "measures_by_rag": {c: count(meas["rag"] == c) for c in MEASURE_RATINGS},
            "measures_target_met": count(meas["target_met"]),
            "measure_ratings": dict(zip(meas["measure_id"], meas["rag"], strict=True)),
            "recommendations_by_rag": {
                c: count(self.recommendations["rag"] == c) for c in RAGS_WORST_FIRST
            },
            **{k: iso(v) for k, v in self.timeline.items() if k != "reference_date"},
        }


def assess(
    history: History,
    month: str,
    config: Config,
    kpi_values: Mapping[str, Any] | None = None,
    kpi_by_month: Mapping[str, Mapping[str, Any]] | None = None,
) -> PlanAssessment:
    """Assess the action plan at the end of ``month``.

    Parameters
    ----------
    history : carelib.loading.History
        Loaded months including ``month`` (later months are ignored). Month-on-month
        changes compare with the latest earlier month loaded.
    month : str
        The reporting month ``YYYY-MM``.
    config : carelib.config.Config
        Uses ``[rag]`` thresholds and ``[inspection]`` dates.
    kpi_values : mapping, optional
        This month's workforce indicators for kpi-linked measures: ``{name: value}``
        or the result of ``carelib.workforce.council_kpis(history, month)`` (values that
        are dicts are read at ``"value"``). None or a missing indicator means no data.
    kpi_by_month : mapping, optional
        ``{month: indicators}`` for earlier months, so that kpi-linked measures can show
        a change since last month; ``kpi_values`` wins for ``month`` itself.

    Returns
    -------
    PlanAssessment

    Raises
    ------
    ValueError
        When ``month`` is not among the loaded months.
    """
    month = dates.parse_month(month)
    if month not in history.months:
        loaded = ", ".join(history.months) or "none"
        raise ValueError(f"no data loaded for {month} (months loaded: {loaded})")
    rag_cfg = config["rag"]
    months = [m for m in history.months if m <= month]
    previous = months[-2] if len(months) > 1 else None
    ref = dates.reference_date(month)

    tracked = _track_actions(history.actions, months, rag_cfg["due_soon_days"])
    actions = tracked[tracked["month"] == month].sort_values("_order", kind="stable")
    actions = actions.reset_index(drop=True)
    actions["rag_disagrees"] = (
        actions["officer_rag"].notna() & (actions["officer_rag"] != actions["computed_rag"])
    ).astype(bool)
    actions["more_optimistic"] = pd.Series(
        [
            _more_optimistic(o, c)
            for o, c in zip(actions["officer_rag"], actions["computed_rag"], strict=True)
        ],
        index=actions.index,
        dtype="str",
    )
    actions["new"] = (actions["first_seen_month"] == month) & (previous is not None)
    actions["rag_change"] = [
        "new" if new else _rag_change(prev, cur) if previous else NOT_COMPARED
        for new, prev, cur in zip(
            actions["new"], actions["previous_rag"], actions["computed_rag"], strict=True
        )
    ]
    actions["stale"] = (
        (actions["months_since_update"] >= rag_cfg["stale_update_months"])
        & (actions["status"] != "complete")
    ).astype(bool)

    if previous is None:
        disappeared = tracked.iloc[0:0]
    else:
        before = tracked[tracked["month"] == previous]
        disappeared = before[~before["action_id"].isin(actions["action_id"])]
    disappeared = disappeared.rename(columns={"month": "last_seen_month"})[
        [
            "action_id",
            "recommendation_id",
            "theme",
            "action",
            "owner",
            "due_date",
            "status",
            "computed_rag",
            "update",
            "last_seen_month",
        ]
    ].reset_index(drop=True)

    kpis = dict(kpi_by_month or {})
    if kpi_values is not None:
        kpis[month] = kpi_values
    judged = measure_history(history, config, kpis, upto=month)
    judged["previous_value"] = judged.groupby("measure_id")["value"].shift()
    judged["previous_rag"] = judged.groupby("measure_id")["rag"].shift()
    judged["_first"] = judged.groupby("measure_id")["month"].transform("min")
    measures = judged[judged["month"] == month].copy()
    measures["new"] = (measures["_first"] == month) & (previous is not None)
    measures["rag_change"] = [
        "new" if new else _rag_change(prev, cur)
        for new, prev, cur in zip(
            measures["new"], measures["previous_rag"], measures["rag"], strict=True
        )
    ]
    in_file = history.measures.loc[history.measures["month"] == month, "measure_id"]
    position = {mid: i for i, mid in enumerate(dict.fromkeys(in_file.dropna()))}
    measures = measures.sort_values("measure_id", key=lambda ids: ids.map(position), kind="stable")
    measures = measures[MEASURE_COLUMNS].reset_index(drop=True)

    texts = history.actions.loc[
        history.actions["month"] == month, ["recommendation_id", "recommendation"]
    ].dropna()
    assessment = PlanAssessment(
        month=month,
        reference_date=ref,
        previous_month=previous,
        actions=actions[ACTION_COLUMNS],
        measures=measures,
        recommendations=_recommendations(actions, measures, texts),
        themes=_themes(actions, measures),
        disappeared=disappeared,
        burnup=_burnup(tracked, months),
        exceptions=_exceptions(actions, measures),
        timeline=timeline(history, month, config),
    )
    return assessment


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
            reasons.append(f"overdue by {_plural(int(rec['days_overdue']), 'day')}")
        if rec["slipped_this_month"]:
            reasons.append(
                f"due date moved {_plural(rec['slipped_days_this_month'], 'day')} later this "
                f"month ({_plural(rec['times_slipped'], 'time')}, "
                f"{_plural(rec['slipped_days_total'], 'day')} in all)"
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


def plan_summary(
    history: History,
    month: str,
    config: Config,
    kpi_values: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Assess the plan at ``month`` and return :meth:`PlanAssessment.summary`."""
    return assess(history, month, config, kpi_values=kpi_values).summary()


def summary_text(summary: Mapping[str, Any]) -> str:
    """Write :meth:`PlanAssessment.summary` as a few plain lines for the terminal."""
    rag = summary["actions_by_rag"]
    measures = summary["measures_by_rag"]
    recs = summary["recommendations_by_rag"]
    compared = summary["compared_with"] or "no earlier month loaded"
    lines = [
        f"Improvement plan at {summary['reference_date']} (compared with {compared})",
        f"  actions: {summary['actions_total']}  red {rag['red']}  amber {rag['amber']}  "
        f"green {rag['green']}  blue (complete) {rag['blue']}",
        f"  overdue {summary['overdue']}  blocked {summary['blocked']}  "
        f"slipped this month {summary['slipped_this_month']}  "
        f"completed this month {summary['completed_this_month']}",
        f"  new {summary['new']}  disappeared {summary['disappeared']}  "
        f"not updated {summary['not_updated']}  officer rating differs "
        f"{summary['rag_disagrees']}",
        f"  measures: {summary['measures_total']}  red {measures['red']}  "
        f"amber {measures['amber']}  green {measures['green']}  "
        f"no data {measures['no data']}  target met {summary['measures_target_met']}",
        f"  recommendations: red {recs['red']}  amber {recs['amber']}  green {recs['green']}  "
        f"blue {recs['blue']}",
        f"  written action plan due {summary['plan_due_date'] or 'not configured'}; "
        f"plan has run {summary['months_run']} months since {summary['plan_start']}",
    ]
    return "\n".join(lines)
