"""What the projection means for the targets: when, what it takes, and how well it did.

Built on :mod:`carelib.projection`: "what it takes" (bisection on the central
projection), the year-end recruitment against plan, the scenarios, the back-test (fit
on the history to 12 months before the reporting month, project those 12 months,
compare), and :func:`forecast`, the result ``carelib forecast`` prints and the planning
page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from carelib import dates
from carelib.loading import History
from carelib.month import Month
from carelib.projection import (
    INDICATORS,
    Projection,
    Rates,
    _finite,
    _run,
    fit,
    month_text,
    project,
    settings,
    when_met,
)


class BacktestUnavailable(ValueError):
    """The history does not reach back far enough for the back-test."""


__all__ = [
    "BacktestUnavailable",
    "backtest",
    "forecast",
    "forecast_text",
    "headline",
    "what_it_takes",
    "year_end_recruitment",
]


def _meets(rates, horizon, indicator, target, by_index, **kw) -> bool:
    _, _, r = _run(rates, horizon, 1, None, **kw)
    return bool(r[indicator][0, by_index] <= target)


def what_it_takes(
    rates: Rates, indicator: str, target: float, target_date: dt.date | None, horizon: int
) -> dict:
    """Extra permanent starters a month, or the most LA leavers a month, to meet a target.

    Both are found by bisection on the central projection, from the first projected
    month to the target date's month (the end of the projection when no date is set).

    Returns
    -------
    dict
        ``by`` (``YYYY-MM``), ``extra_starters_per_month`` (0 when met at the current
        pace; None when not reachable with up to 50 more a month), ``max_leavers_per_month``
        (None when even no leavers would not do it), ``current_leavers_per_month``.
    """
    by = dates.month_of(target_date) if target_date else dates.add_months(rates.month, horizon)
    steps = Month(by) - Month(rates.month)
    current = rates.leave_rate * rates.p0
    result = {"by": by, "current_leavers_per_month": current}
    if steps < 1:
        return result | {"extra_starters_per_month": None, "max_leavers_per_month": None}
    steps = min(steps, 60)
    i = steps - 1

    def ok(**kw):
        return _meets(rates, steps, indicator, target, i, **kw)

    if ok():
        extra = 0.0
    elif not ok(extra_starts=50.0):
        extra = None
    else:
        lo, hi = 0.0, 50.0
        for _ in range(30):
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if ok(extra_starts=mid) else (mid, hi)
        extra = hi
    if not ok(leave_cap=0.0):
        cap = None
    elif ok(leave_cap=1e9):
        cap = max(current, 0.0)
    else:
        lo, hi = 0.0, max(current, 1.0) * 4
        for _ in range(30):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if ok(leave_cap=mid) else (lo, mid)
        cap = lo
    return result | {"extra_starters_per_month": extra, "max_leavers_per_month": cap}


def year_end_recruitment(
    proj: Projection, hired_so_far: int, target: int, fy_start_month: int = 4
) -> dict:
    """Projected qualified social-work hires this financial year, against the plan.

    Returns
    -------
    dict
        ``financial_year_end`` (``YYYY-MM``), ``hired_so_far``, ``projected`` (central,
        rounded), ``low``, ``high`` (the band), ``target``.
    """
    fy_end = Month(proj.rates.month).financial_year_end(fy_start_month)
    k = sum(1 for mm in proj.months if mm <= fy_end)
    r = proj.rates
    central = 0.0
    for mm in proj.months[:k]:
        rm = r.at(mm)
        central += rm.starters + rm.intake.get(Month(mm).month, 0.0) + rm.conversions
    total = hired_so_far + proj.starts[:, :k].sum(axis=1)
    lo_q = (1 - proj.band) / 2
    return {
        "financial_year_end": fy_end,
        "hired_so_far": int(hired_so_far),
        "projected": int(round(hired_so_far + central)),
        "low": int(np.quantile(total, lo_q)),
        "high": int(np.quantile(total, 1 - lo_q)),
        "target": int(target),
    }


def backtest(
    history: History, month: str, planning: dict, fy_start_month: int = 4, months_back: int = 12
) -> dict:
    """Fit on the history to ``months_back`` months before ``month``, project, compare.

    The establishment follows what the history shows (a council knows its funded posts);
    every other flow comes from the fitting window only.

    Returns
    -------
    dict
        ``origin``, ``months`` (compared), ``mae`` ({indicator: mean absolute error in
        percentage points}), ``coverage`` ({indicator: share of months whose actual
        value fell inside the band}), ``table`` (month, indicator, actual, projected,
        low, high).
    """
    from carelib import workforce

    origin = dates.add_months(month, -months_back)
    if origin not in history.months:
        raise BacktestUnavailable(
            f"the back-test needs the month {origin} ({months_back} months before {month}) "
            "in the history"
        )
    rates = fit(history, origin, planning, fy_start_month, establishment_from_history=True)
    proj = project(
        rates,
        months_back,
        int(planning["simulations"]),
        int(planning["seed"]),
        float(planning["band"]),
    )
    table = workforce.indicators(history, by_team=False, fy_start_month=fy_start_month)
    actual = table.pivot_table(index="month", columns="indicator", values="value", aggfunc="first")
    rows = []
    for ind in INDICATORS:
        for mm in proj.months:
            if mm not in actual.index or mm > month:
                continue
            rows.append(
                {
                    "month": mm,
                    "indicator": ind,
                    "actual": float(actual.loc[mm, ind]),
                    "projected": float(proj.central.loc[mm, ind]),
                    "low": float(proj.low.loc[mm, ind]),
                    "high": float(proj.high.loc[mm, ind]),
                }
            )
    frame = pd.DataFrame(rows)
    mae, coverage = {}, {}
    for ind, part in frame.groupby("indicator", sort=False):
        mae[ind] = float((part["actual"] - part["projected"]).abs().mean())
        inside = (part["actual"] >= part["low"]) & (part["actual"] <= part["high"])
        coverage[ind] = float(inside.mean())
    return {
        "origin": origin,
        "months": int(frame["month"].nunique()) if len(frame) else 0,
        "mae": mae,
        "coverage": coverage,
        "table": frame,
    }


def forecast(history: History, month: str, cfg) -> dict:
    """Everything ``carelib forecast`` prints and the planning page shows, ready for JSON.

    Parameters
    ----------
    history : carelib.loading.History
        Every month up to ``month``.
    month : str
        Reporting month ``YYYY-MM`` (the projection starts the month after).
    cfg : carelib.config.Config
        Targets (``[targets]``) and the planning settings (``[planning]``).

    Returns
    -------
    dict
        ``month``, ``horizon_months``, ``band``, ``indicators`` ({name: {label, now,
        target, target_date, first_met, first_met_range, what_it_takes, projection:
        [{month, central, low, high}]}}), ``recruitment`` (see
        :func:`year_end_recruitment`), ``scenarios`` ({name: {indicator: first_met}}),
        ``backtest`` ({origin, months, mae, coverage}) and ``runtime_seconds``.
    """
    from carelib import workforce

    planning, targets = cfg["planning"], cfg["targets"]
    fy = targets["financial_year_start_month"]
    horizon = int(planning["horizon_months"])
    runs, seed, band = int(planning["simulations"]), int(planning["seed"]), float(planning["band"])
    rates = fit(history, month, planning, fy)
    proj = project(rates, horizon, runs, seed, band)
    kpis = workforce.council_kpis(history, month, fy_start_month=fy)
    out: dict = {
        "month": month,
        "horizon_months": horizon,
        "band": band,
        "simulations": runs,
        "window_months": rates.window,
        "indicators": {},
    }
    for ind, label in INDICATORS.items():
        target = float(targets[ind])
        date = planning[f"{ind}_target_date"]
        met = when_met(proj, ind, target)
        now = _finite(kpis[ind]["value"])
        if now is not None and now <= target:  # met already: "first met" is this month
            met = {"month": month, "earliest": month, "latest": month}
        out["indicators"][ind] = {
            "label": label,
            "now": now,
            "target": target,
            "target_date": date.isoformat() if date else None,
            "first_met": met["month"],
            "first_met_range": [met["earliest"], met["latest"]],
            "what_it_takes": what_it_takes(rates, ind, target, date, horizon),
            "projection": [
                {
                    "month": m,
                    "central": round(float(proj.central.loc[m, ind]), 2),
                    "low": round(float(proj.low.loc[m, ind]), 2),
                    "high": round(float(proj.high.loc[m, ind]), 2),
                }
                for m in proj.months
            ],
        }
    hires = workforce.recruitment_against_target(
        history, month, targets["qsw_hires_this_year"], fy
    )["hires"]
    out["recruitment"] = year_end_recruitment(proj, hires, targets["qsw_hires_this_year"], fy)
    out["scenarios"] = {}
    for scenario in settings(planning)["scenarios"]:
        changed = replace(rates, changes=scenario.changes)
        sp = project(changed, horizon, runs, seed, band)
        out["scenarios"][scenario.name] = {
            ind: when_met(sp, ind, float(targets[ind]))["month"] for ind in INDICATORS
        } | {
            "year_end_hires": year_end_recruitment(sp, hires, targets["qsw_hires_this_year"], fy)[
                "projected"
            ]
        }
    try:
        bt = backtest(history, month, planning, fy)
        out["backtest"] = {k: bt[k] for k in ("origin", "months", "mae", "coverage")}
    except BacktestUnavailable as exc:
        out["backtest"] = {"origin": None, "months": 0, "mae": {}, "coverage": {}, "note": str(exc)}
    out["runtime_seconds"] = round(proj.seconds, 4)
    return out


def headline(result: dict, indicator: str = "agency_rate") -> str:
    """One sentence: when the target is met at the current pace, and the range.

    Examples: "At the current pace agency reliance reaches 20% in March 2026 (range
    January to July 2026)".
    """
    item = result["indicators"][indicator]
    what = f"{item['label'].lower()} reaches {item['target']:g}%"
    if item["now"] is not None and item["now"] <= item["target"]:
        return f"{item['label']} is at or below its {item['target']:g}% target now"
    if item["first_met"] is None:
        return f"At the current pace {what} not within the next {result['horizon_months']} months"
    early, late = item["first_met_range"]
    span = f"{month_text(early)} to {month_text(late) if late else 'beyond the projection'}"
    return f"At the current pace {what} in {month_text(item['first_met'])} (range {span})"


def forecast_text(result: dict, council: str = "") -> str:
    """The :func:`forecast` result as lines of text for the terminal."""
    lines = [
        f"{council}: workforce planning forward from {month_text(result['month'])}".lstrip(": ")
    ]
    for item in result["indicators"].values():
        now = "-" if item["now"] is None else f"{item['now']:.1f}%"
        due = f" by {item['target_date']}" if item["target_date"] else ""
        met_now = item["now"] is not None and item["now"] <= item["target"]
        lines.append(
            f"  {item['label']}: now {now}, target {item['target']:g}%{due}"
            + (" (met now)" if met_now else "")
        )
        met = item["first_met"]
        early, late = item["first_met_range"]
        if met:
            span = f"{month_text(early)} to {month_text(late) if late else 'beyond'}"
            lines.append(f"    first met {month_text(met)} (range {span})")
        else:
            lines.append("    not within the projection at the current pace")
        take = item["what_it_takes"]
        extra, cap = take.get("extra_starters_per_month"), take.get("max_leavers_per_month")
        lines.append(
            f"    to meet it by {month_text(take['by'])}: "
            + (
                "no change needed"
                if extra == 0
                else f"{extra:.1f} more permanent starters a month"
                if extra is not None
                else "not reachable with starters alone"
            )
            + (
                f"; or at most {cap:.1f} leavers a month "
                f"(now {take['current_leavers_per_month']:.1f})"
                if cap is not None and extra != 0
                else ""
            )
        )
        last = item["projection"][-1]
        lines.append(
            f"    {month_text(last['month'])}: {last['central']:.1f}% "
            f"({last['low']:.1f} to {last['high']:.1f})"
        )
    rec = result["recruitment"]
    lines.append(
        f"  Hires this financial year (to {month_text(rec['financial_year_end'])}): projected "
        f"{rec['projected']} of {rec['target']} (range {rec['low']} to {rec['high']})"
    )
    bt = result["backtest"]
    if bt["mae"]:
        errors = ", ".join(f"{INDICATORS[k].lower()} {v:.1f}" for k, v in bt["mae"].items())
        lines.append(
            f"  Back-test from {month_text(bt['origin'])}: mean absolute error (points) {errors}"
        )
    return "\n".join(lines)
