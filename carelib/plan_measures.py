"""Progress measures: their values (own or from workforce indicators), trajectory and rating.

Workforce indicators that measures link to (``kpi``) are computed by
:func:`kpis_by_month`: a partial 12-month figure is never judged.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from carelib import dates, formatting
from carelib.rates import is_complete, partial_text

if TYPE_CHECKING:  # only for annotations: plan must not pull in the loader at import
    from carelib.config import Config
    from carelib.loading import History

from carelib.plan_common import (
    _UNIT_DECIMALS,
    _UNIT_WORDS,
    NO_DATA,
    _as_date,
    _missing,
    _number,
    _plan_start,
)


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


def _gap_words(share: float) -> str:
    """The share of the baseline-to-target gap closed, in plain words (never "-0%")."""
    pct = round(share * 100)
    if share >= 1:
        return "the whole gap from the baseline closed"
    if pct <= 0 and share < 0:
        return "further from the target than at the baseline"
    if pct <= 0:
        return "none of the gap from the baseline closed yet"
    return f"{pct}% of the gap from the baseline closed"


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
        text += f" ({_gap_words(share)})"
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


def _rounds_to_nothing(x: float, unit: str) -> bool:
    return _number(x, unit).strip("£0.,-") == ""


def _behind_words(behind: float, band: float, rag: str, unit: str) -> str:
    """How far behind its trajectory a measure is, in plain words (never "0.0 points")."""
    words = _UNIT_WORDS.get(unit, "")
    smallest = f"{_number(10 ** -_UNIT_DECIMALS.get(unit, 1), unit)}{words}"
    far = (
        f"less than {smallest}"
        if _rounds_to_nothing(behind, unit)
        else f"{_number(behind, unit)}{words}"
    )
    if band <= 0:
        allowed = "with no amber band, as the baseline is already the target"
    elif _rounds_to_nothing(band, unit):
        allowed = (
            f"{'within' if rag == 'amber' else 'more than'} an amber band of less than {smallest}"
        )
    else:
        allowed = (
            f"{'within' if rag == 'amber' else 'more than'} the amber band of "
            f"{_number(band, unit)}{words}"
        )
    return f"{far} behind trajectory ({allowed})"


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
            reason = _behind_words(behind, band, rag, unit)
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


def _indicator_units(frame: pd.DataFrame) -> pd.DataFrame:
    """A measure fed by a workforce indicator takes the indicator's unit where it can.

    :func:`carelib.formatting.measure_unit`: the figure then reads the same, with the
    same rounding, on the plan page, the workforce page and in the CSVs.
    """
    from carelib import workforce

    known = frame["kpi"].map(lambda k: not _missing(k) and k in workforce.INDICATORS)
    if not known.any():
        return frame
    out = frame.copy()
    out.loc[known, "unit"] = [
        formatting.measure_unit(workforce.INDICATORS[k].unit, declared)
        for k, declared in zip(out.loc[known, "kpi"], out.loc[known, "unit"], strict=True)
    ]
    return out


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
    frame = _indicator_units(frame)
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
