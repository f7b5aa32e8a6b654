"""Workforce figures for one month: headline KPIs, breakdowns, spend and cohorts.

Each function reads the indicator table (:func:`carelib.workforce_indicators.indicators`)
or the counted records for one reporting month: the council's headline KPIs, leavers by
reason and destination, agency spend against budget, recruitment against target, the
newly qualified cohorts by financial year and the caseload distribution.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from carelib import dates, rates, schema
from carelib.loading import History, MonthData
from carelib.workforce_definitions import (
    _NO_TEAM,
    INDICATORS,
    KPIS,
    NQ,
    _fy_first,
    _month,
    fy_label,
)
from carelib.workforce_indicators import (
    _coverage,
    _prepare,
    _social_worker_leavers,
    _sw_records,
    indicators,
)


def council_kpis(history: History, month: str, fy_start_month: int = 4) -> dict[str, dict]:
    """Return the council's headline indicators at ``month``, ready for JSON.

    Parameters
    ----------
    history : carelib.loading.History
        Loaded months (at least ``month``; 24 months before it for complete windows).
    month : str
        Reporting month ``YYYY-MM``.
    fy_start_month : int, default 4
        First month of the financial year.

    Returns
    -------
    dict
        ``{indicator: {"label", "value", "symbol", "numerator", "denominator", "unit",
        "months_covered", "window_months", "complete", "period_start", "period_end"}}``
        for each of ``schema.KPIS``. ``value`` is None when not applicable (symbol ``z``).
    """
    table = indicators(history, month, by_team=False, fy_start_month=fy_start_month)
    table = table[table["indicator"].isin(KPIS)].set_index("indicator")
    out = {}
    for name in KPIS:
        row = table.loc[name]
        rec = rates.record(row["value"], row["numerator"], row["denominator"])
        rec["symbol"] = row["symbol"]
        out[name] = {
            "label": INDICATORS[name].label,
            **rec,
            "unit": row["unit"],
            "months_covered": int(row["months_covered"]),
            "window_months": int(row["window_months"]),
            "complete": bool(row["complete"]),
            "period_start": row["period_start"],
            "period_end": row["period_end"],
        }
    return out


def leavers_breakdown(history: History, month: str) -> pd.DataFrame:
    """Social-worker leavers by reason and by destination, in the month and 12 months.

    Leavers are social workers (LA-employed, qualified) from leavers files up to
    ``month``, counted by leave date, as for the turnover rate.

    Parameters
    ----------
    history : carelib.loading.History
        Loaded months.
    month : str
        Reporting month ``YYYY-MM``.

    Returns
    -------
    pandas.DataFrame
        Columns ``breakdown`` (``reason`` or ``destination``), ``category`` (every
        category of DATA_SPEC, in its order, then ``not_recorded`` for a blank
        destination), ``headcount_month``, ``fte_month``, ``headcount_12m``,
        ``fte_12m``, ``months_covered``, ``period_start``, ``period_end``. Counts only:
        apply publication suppression before showing small numbers.
    """
    d = _prepare(history, month, 4)
    lv = _social_worker_leavers(d)
    ref = int(d.out_mi[0])
    leave_mi = lv["leave_mi"].to_numpy("int64")
    in_year = (leave_mi >= ref - 11) & (leave_mi <= ref)
    in_month = leave_mi == ref
    covered, start = _coverage(d, np.array([ref]), np.array([ref - 11]))
    rows = []
    for col, cats in (("reason", schema.LEAVE_REASONS), ("destination", schema.DESTINATIONS)):
        values = lv[col].fillna("not_recorded").to_numpy()
        for cat in (*cats, "not_recorded"):
            hit = values == cat
            if cat == "not_recorded" and not hit.any():
                continue
            rows.append(
                {
                    "breakdown": col,
                    "category": cat,
                    "headcount_month": int((hit & in_month).sum()),
                    "fte_month": float(lv["fte"].to_numpy()[hit & in_month].sum()),
                    "headcount_12m": int((hit & in_year).sum()),
                    "fte_12m": float(lv["fte"].to_numpy()[hit & in_year].sum()),
                }
            )
    out = pd.DataFrame(rows)
    out["months_covered"] = int(covered[0])
    out["period_start"] = _month(start[0])
    out["period_end"] = _month(ref)
    return out


def agency_spend(
    history: History,
    month: str,
    fy_start_month: int = 4,
    by_team: bool = True,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Agency spend against budget: the month, financial year to date, projected year end.

    Parameters
    ----------
    history : carelib.loading.History
        Loaded months.
    month : str
        Reporting month ``YYYY-MM``.
    fy_start_month : int, default 4
        First month of the financial year (config ``targets.financial_year_start_month``).
    by_team : bool, default True
        Add a row per team after the council row.
    table : pandas.DataFrame, optional
        The month's indicators (:func:`indicators`, teams included when ``by_team``),
        when already computed; computed from ``history`` otherwise.

    Returns
    -------
    pandas.DataFrame
        Columns ``scope``, ``team``, ``spend_month``, ``budget_month``,
        ``variance_month`` (spend - budget: positive = overspend), ``spend_fytd``,
        ``budget_fytd``, ``variance_fytd``, ``spend_projected``, ``budget_projected``,
        ``variance_projected``, ``financial_year`` (e.g. ``2025-26``),
        ``months_elapsed`` (months of the financial year to ``month``),
        ``months_covered`` (of those, months with data). The projection is
        straight-line: spend to date / months covered x 12. NaN where there is no data.
    """
    if table is None:
        table = indicators(history, month, by_team=by_team, fy_start_month=fy_start_month)
    table = table[table["month"] == month]
    if not by_team:
        table = table[table["scope"] == "council"]
    names = {
        "agency_spend_month": "spend_month",
        "agency_budget_month": "budget_month",
        "agency_spend_fytd": "spend_fytd",
        "agency_budget_fytd": "budget_fytd",
        "agency_spend_projected": "spend_projected",
        "agency_budget_projected": "budget_projected",
    }
    table = table[table["indicator"].isin(names)]
    keys = pd.MultiIndex.from_frame(table[["scope", "team"]].drop_duplicates())
    wide = table.set_index(["scope", "team", "indicator"])["value"].unstack("indicator")
    wide = wide.reindex(keys).rename(columns=names)[list(names.values())].reset_index()
    wide.columns.name = None
    for what in ("month", "fytd", "projected"):
        wide[f"variance_{what}"] = wide[f"spend_{what}"] - wide[f"budget_{what}"]
    fy_rows = table[table["indicator"] == "agency_spend_fytd"].set_index(["scope", "team"])
    wide["financial_year"] = fy_label(month, fy_start_month)
    wide["months_elapsed"] = fy_rows["window_months"].reindex(keys).to_numpy("int64")
    wide["months_covered"] = fy_rows["months_covered"].reindex(keys).to_numpy("int64")
    order = [
        "scope",
        "team",
        "spend_month",
        "budget_month",
        "variance_month",
        "spend_fytd",
        "budget_fytd",
        "variance_fytd",
        "spend_projected",
        "budget_projected",
        "variance_projected",
        "financial_year",
        "months_elapsed",
        "months_covered",
    ]
    return wide[order]


def recruitment_against_target(
    history: History,
    month: str,
    target: int,
    fy_start_month: int = 4,
    table: pd.DataFrame | None = None,
) -> dict:
    """Qualified social workers started this financial year against the hiring target.

    Parameters
    ----------
    history : carelib.loading.History
        Loaded months.
    month : str
        Reporting month ``YYYY-MM``.
    target : int
        Social workers to hire in the financial year (config
        ``targets.qsw_hires_this_year``).
    fy_start_month : int, default 4
        First month of the financial year.
    table : pandas.DataFrame, optional
        The month's indicators (:func:`indicators`), when already computed.

    Returns
    -------
    dict
        ``hires`` (headcount of social workers whose start date is in the financial
        year up to the reference date, leavers included), ``target``,
        ``percent_of_target`` (None when target is 0), ``expected_by_now`` (target x
        months elapsed / 12, a straight-line profile), ``on_track`` (hires >=
        expected_by_now), ``financial_year``, ``months_elapsed``, ``months_covered``,
        ``period_start``, ``period_end``.
    """
    if table is None:
        table = indicators(history, month, by_team=False, fy_start_month=fy_start_month)
    council = (table["scope"] == "council") & (table["month"] == month)
    row = table[council & (table["indicator"] == "starters_fytd")].iloc[0]
    hires = int(row["value"])
    elapsed = int(row["window_months"])
    expected = target * elapsed / 12
    pct = rates.share(hires, target)
    return {
        "hires": hires,
        "target": int(target),
        "percent_of_target": None if math.isnan(pct) else pct,
        "expected_by_now": expected,
        "on_track": bool(hires >= expected),
        "financial_year": fy_label(month, fy_start_month),
        "months_elapsed": elapsed,
        "months_covered": int(row["months_covered"]),
        "period_start": row["period_start"],
        "period_end": row["period_end"],
    }


def nqsw_cohorts(history: History, month: str, fy_start_month: int = 4) -> pd.DataFrame:
    """Count newly qualified social workers by the year they started, and those still in post.

    The cohort is every social worker with ``start_origin`` newly_qualified seen in any
    snapshot or leavers file up to ``month`` (one per worker_id, latest record).

    Parameters
    ----------
    history : carelib.loading.History
        Loaded months.
    month : str
        Reporting month ``YYYY-MM``.
    fy_start_month : int, default 4
        First month of the financial year.

    Returns
    -------
    pandas.DataFrame
        One row per start year, oldest first: ``cohort`` (e.g. ``2024-25``),
        ``started``, ``in_post`` (at the reference date), ``left``, ``retained_rate``
        (percent, NaN if no starters), ``complete`` (False when the history starts after
        the cohort's first month, so early leavers may be missing).
    """
    d = _prepare(history, month, fy_start_month, lookback=10**6)
    rec = _sw_records(d)
    ref = int(d.out_mi[0])
    rec = rec[
        ((rec["start_origin"] == NQ).fillna(False).to_numpy(dtype=bool))
        & (rec["until"].to_numpy() >= ref)
    ]
    columns = ["cohort", "started", "in_post", "left", "retained_rate", "complete"]
    if rec.empty:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in columns})
    first = _fy_first(rec["start_mi"].to_numpy("int64"), fy_start_month)
    in_post = rec["snapshot"].to_numpy(dtype=bool) & (rec["mi"].to_numpy() == ref)
    frame = pd.DataFrame({"first": first, "started": 1, "in_post": in_post.astype(int)})
    out = frame.groupby("first", sort=True).sum().reset_index()
    out["left"] = out["started"] - out["in_post"]
    out["retained_rate"] = rates.share(out["in_post"], out["started"])
    out["complete"] = out["first"] >= d.present.min()
    out["cohort"] = [fy_label(_month(m), fy_start_month) for m in out["first"]]
    return out[columns]


CASELOAD_BANDS = (0, 10, 15, 20, 25, 30, math.inf)


def caseload_distribution(
    data: History | MonthData,
    month: str | None = None,
    per_fte: bool = True,
    bands=CASELOAD_BANDS,
    by_team: bool = False,
) -> pd.DataFrame:
    """Count case-holding workers by caseload band (no row-level values).

    The population is the average-caseload one: qualified workers, agency included,
    holding at least one case at the reference date.

    Parameters
    ----------
    data : History or MonthData
        A loaded month, or a history (then ``month`` picks the snapshot).
    month : str, optional
        Required with a History; defaults to the MonthData's own month.
    per_fte : bool, default True
        Band by cases per FTE (a 0.5 FTE worker with 10 cases counts as 20), which is
        comparable with the average caseload; False bands the cases held.
    bands : sequence of float
        Band edges; a band is "over lower, up to upper".
    by_team : bool, default False
        Count by team as well (column ``team``).

    Returns
    -------
    pandas.DataFrame
        Columns (``team``,) ``band`` (label, e.g. ``over 20 to 25``), ``lower``,
        ``upper``, ``workers`` (headcount), ``fte``, ``share`` (percent of the workers
        of the scope). Every band appears, with zeros.
    """
    if isinstance(data, MonthData):
        wf = data.workforce
    else:
        if month is None:
            raise ValueError("caseload_distribution needs a month with a History")
        wf = data.workforce[data.workforce["month"] == dates.parse_month(month)]
    cases = wf["cases"].astype("float64")
    holders = wf["role"].isin(schema.QUALIFIED_ROLES).to_numpy() & (cases >= 1).fillna(
        False
    ).to_numpy(dtype=bool)
    wf = wf[holders]
    fte = wf["fte"].astype("float64")
    load = wf["cases"].astype("float64") / fte if per_fte else wf["cases"].astype("float64")
    edges = list(bands)
    labels = [
        (
            f"up to {edges[1]:g}"
            if i == 0
            else f"over {lo:g}"
            if math.isinf(hi)
            else f"over {lo:g} to {hi:g}"
        )
        for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:], strict=True))
    ]
    band = pd.cut(load, edges, labels=labels, right=True)
    frame = pd.DataFrame(
        {"band": band, "fte": fte, "workers": 1, "team": wf["team"].fillna(_NO_TEAM)}
    )
    keys = ["team", "band"] if by_team else ["band"]
    out = frame.groupby(keys, observed=False)[["workers", "fte"]].sum().reset_index()
    if by_team:
        total = out.groupby("team")["workers"].transform("sum")
    else:
        total = out["workers"].sum()
    out["share"] = rates.share(out["workers"].astype("float64"), total)
    out["band"] = out["band"].astype("str")
    out["lower"] = out["band"].map(dict(zip(labels, edges[:-1], strict=True))).astype(float)
    out["upper"] = out["band"].map(dict(zip(labels, edges[1:], strict=True))).astype(float)
    return out[[*keys, "lower", "upper", "workers", "fte", "share"]]
