"""Counting the workforce at every month end, for the council and each team.

:func:`indicators` turns a loaded history into the tidy indicator table: the history
frames restricted to the months needed, the populations counted at each month end
(snapshots, 12-month and financial-year windows, leavers, starters, the newly qualified
cohort, agency spend), rates from :mod:`carelib.rates` and a symbol for each figure
that is not applicable or not available. The definitions are in
:mod:`carelib.workforce_definitions`; the decisions on them in :mod:`carelib.workforce`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carelib import dates, rates, schema
from carelib.loading import History
from carelib.workforce_definitions import (
    _FAR,
    _FORMULAS,
    _MAYBE_MISSING,
    _NO_TEAM,
    COLUMNS,
    INDICATORS,
    NQ,
    Indicator,
    _fy_first,
    _mi,
    _mi_of_dates,
    _mi_of_text,
    _month,
    _month_end,
)

# ---------------------------------------------------------------------- preparation


@dataclass
class _Data:
    """History frames restricted to the months needed, with month indices."""

    present: np.ndarray  # sorted month indices of the history months used
    out_mi: np.ndarray  # month indices to report
    wf: pd.DataFrame
    lv: pd.DataFrame
    est: pd.DataFrame
    spend: pd.DataFrame
    fy_start_month: int


def _frame(history: History, name: str, keep: set[str]) -> pd.DataFrame:
    frame = history.frame(name)
    if "month" not in frame.columns:  # an empty History has no month column
        frame = frame.assign(month=pd.Series([], dtype="str"))
    frame = frame[frame["month"].isin(keep)].reset_index(drop=True)
    frame["mi"] = _mi_of_text(frame["month"]) if len(frame) else np.array([], dtype="int64")
    if "team" in frame.columns:
        frame["team"] = frame["team"].fillna(_NO_TEAM).astype("str")
    return frame


def _prepare(history: History, month: str | None, fy_start_month: int, lookback: int = 24) -> _Data:
    months = sorted(dates.parse_month(m) for m in history.months)
    if month is not None:
        month = dates.parse_month(month)
        if month not in months:
            span = f"{months[0]} to {months[-1]}" if months else "no months"
            raise ValueError(f"month {month} is not in the history ({span})")
        last = _mi(month)
        months = [m for m in months if last - lookback <= _mi(m) <= last]
        out = np.array([last], dtype="int64")
    else:
        out = np.array([_mi(m) for m in months], dtype="int64")
    keep = set(months)
    return _Data(
        present=np.array([_mi(m) for m in months], dtype="int64"),
        out_mi=out,
        wf=_frame(history, "workforce", keep),
        lv=_frame(history, "leavers", keep),
        est=_frame(history, "establishment", keep),
        spend=_frame(history, "agency_spend", keep),
        fy_start_month=fy_start_month,
    )


def _populations(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return masks: social worker, agency (qualified), alternatively qualified."""
    qualified = frame["role"].isin(schema.QUALIFIED_ROLES).to_numpy()
    la = frame["employment"].isin(schema.LA_EMPLOYMENTS).to_numpy()
    agency = (frame["employment"] == "agency").fillna(False).to_numpy(dtype=bool)
    aq = (frame["role"] == "alternatively_qualified").fillna(False).to_numpy(dtype=bool)
    return la & qualified, agency & qualified, aq


def _explode(frame: pd.DataFrame, first, last, out_mi: np.ndarray) -> pd.DataFrame:
    """Repeat each row for every reference month from ``first`` to ``last`` (inclusive).

    The reference month goes in column ``ref_mi``; only months in ``out_mi`` are kept.
    This is how a record counts in every month-end window it falls in, without a loop.
    """
    first = np.asarray(first, dtype="int64")
    last = np.asarray(last, dtype="int64")
    if len(frame):
        lo, hi = out_mi.min(), out_mi.max()
        first, last = np.maximum(first, lo), np.minimum(last, hi)
    n = np.clip(last - first + 1, 0, None)
    rows = np.repeat(np.arange(len(frame)), n)
    offsets = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    out = frame.iloc[rows].reset_index(drop=True)
    out["ref_mi"] = first[rows] + offsets
    return out[np.isin(out["ref_mi"].to_numpy(), out_mi)]


def _sum_by(frame: pd.DataFrame, cols: list[str], month_col: str = "ref_mi") -> pd.DataFrame:
    grouped = frame.groupby([month_col, "team"], sort=False)[cols].sum()
    grouped.index = grouped.index.set_names(["mi", "team"])
    return grouped


# ----------------------------------------------------------------------- aggregates


def _snapshot_counts(d: _Data) -> pd.DataFrame:
    """Point-in-time counts of each month's workforce snapshot, by (month, team)."""
    wf = d.wf
    sw, agency, aq = _populations(wf)
    qualified = wf["role"].isin(schema.QUALIFIED_ROLES).to_numpy()
    fte = wf["fte"].fillna(0.0).to_numpy("float64")
    cases = wf["cases"].astype("float64").fillna(0.0).to_numpy()
    holder = qualified & (cases >= 1)
    covering = wf["covering_vacancy"].fillna(False).to_numpy(dtype=bool)
    mi = wf["mi"].to_numpy("int64")
    # "Less than 2 years before the reference date": started after the month end 24
    # months earlier (month ends keep 29 February and short months consistent).
    recent = wf["start_date"].to_numpy("datetime64[ns]") > _month_end(mi - 24)
    recent &= ~np.isnat(wf["start_date"].to_numpy("datetime64[ns]"))
    wdays = {m: dates.month_working_days(_month(m)) for m in np.unique(mi)}
    sick = wf["sickness_days"].fillna(0.0).to_numpy("float64")
    counts = pd.DataFrame(
        {
            "mi": mi,
            "team": wf["team"].to_numpy(),
            "sw_fte": fte * sw,
            "sw_hc": sw * 1.0,
            "agency_fte": fte * agency,
            "agency_hc": agency * 1.0,
            "aq_fte": fte * aq,
            "aq_hc": aq * 1.0,
            "cover_fte": fte * (agency & covering),
            "cases": cases * holder,
            "case_holder_fte": fte * holder,
            "under_2y_fte": fte * (sw & recent),
            "sick_days": sick * sw,
            "available_days": fte * sw * np.array([wdays[m] for m in mi], dtype="float64"),
        }
    )
    return _sum_by(counts, [c for c in counts.columns if c not in ("mi", "team")], "mi")


def _absence_12m(d: _Data, snap: pd.DataFrame) -> pd.DataFrame:
    """Sickness days and available days summed over the 12 months to each month end."""
    monthly = snap[["sick_days", "available_days"]].reset_index()
    mi = monthly["mi"].to_numpy("int64")
    spread = _explode(monthly, mi, mi + 11, d.out_mi)
    out = _sum_by(spread, ["sick_days", "available_days"])
    return out.rename(
        columns={"sick_days": "sick_days_12m", "available_days": "available_days_12m"}
    )


def _social_worker_leavers(d: _Data) -> pd.DataFrame:
    lv = d.lv[_populations(d.lv)[0]].sort_values("mi", kind="stable")
    lv = lv.drop_duplicates(["worker_id", "leave_date"], keep="first")
    leave_mi = _mi_of_dates(lv["leave_date"])
    # A leaver without a readable leave date counts in its file's month.
    leave_mi = np.where(leave_mi < 0, lv["mi"].to_numpy("int64"), leave_mi)
    return lv.assign(leave_mi=leave_mi, hc=1.0, fte=lv["fte"].fillna(0.0))


def _leavers(d: _Data) -> pd.DataFrame:
    """Social-worker leavers in the month and in the 12 months to each month end."""
    lv = _social_worker_leavers(d)
    # Counted from the month of the file that reports it (never earlier: data up to the
    # month only) while its leave date is within the window.
    first = np.maximum(lv["mi"].to_numpy("int64"), lv["leave_mi"].to_numpy("int64"))
    year = _sum_by(_explode(lv, first, lv["leave_mi"] + 11, d.out_mi), ["fte", "hc"])
    month = _sum_by(_explode(lv, first, lv["leave_mi"], d.out_mi), ["fte", "hc"])
    return year.rename(columns={"fte": "leavers_fte_12m", "hc": "leavers_hc_12m"}).join(
        month.rename(columns={"fte": "leavers_fte_month", "hc": "leavers_hc_month"}),
        how="outer",
    )


def _sw_records(d: _Data) -> pd.DataFrame:
    """Every social-worker record (snapshot rows and leaver rows), one per worker and month.

    Column ``until`` is the last month index for which the record is the worker's
    latest record (the month before the worker's next record, else far in the future).
    """
    cols = ["worker_id", "team", "start_date", "start_origin", "mi"]
    snap = d.wf.loc[_populations(d.wf)[0], cols].assign(snapshot=True)
    left = d.lv.loc[_populations(d.lv)[0], cols].assign(snapshot=False)
    rec = pd.concat([snap, left], ignore_index=True)
    ids = rec["worker_id"].astype("object")
    missing = ids.isna().to_numpy()
    ids[missing] = [f"\0row{i}" for i in np.flatnonzero(missing)]  # never merged
    code = pd.factorize(ids)[0]
    # Within a worker and month, the snapshot row (in post at month end) wins.
    order = np.lexsort((rec["snapshot"].to_numpy(), rec["mi"].to_numpy(), code))
    rec = rec.iloc[order].reset_index(drop=True)
    code = code[order]
    mi = rec["mi"].to_numpy("int64")
    last_of_month = np.ones(len(rec), dtype=bool)
    last_of_month[:-1] = (code[1:] != code[:-1]) | (mi[1:] != mi[:-1])
    rec, code, mi = (
        rec[last_of_month].reset_index(drop=True),
        code[last_of_month],
        mi[last_of_month],
    )
    until = np.full(len(rec), _FAR, dtype="int64")
    same = np.zeros(len(rec), dtype=bool)
    same[:-1] = code[1:] == code[:-1]
    until[:-1][same[:-1]] = mi[1:][same[:-1]] - 1
    rec["until"] = until
    rec["start_mi"] = _mi_of_dates(rec["start_date"])
    return rec[rec["start_date"].notna()].reset_index(drop=True)


def _starters(d: _Data, rec: pd.DataFrame) -> pd.DataFrame:
    """Headcount of social workers who started in the 12 months / financial year to date."""
    mi, until, start = (rec[c].to_numpy("int64") for c in ("mi", "until", "start_mi"))
    first = np.maximum(mi, start)
    year = _explode(rec, first, np.minimum(until, start + 11), d.out_mi)
    fy_end = _fy_first(start, d.fy_start_month) + 11
    fytd = _explode(rec, first, np.minimum(until, fy_end), d.out_mi)
    return _sum_by(year.assign(starters_12m=1.0), ["starters_12m"]).join(
        _sum_by(fytd.assign(starters_fytd=1.0), ["starters_fytd"]), how="outer"
    )


def _nqsw(d: _Data, rec: pd.DataFrame) -> pd.DataFrame:
    """Newly qualified cohort (started more than 12, at most 24 months ago) and retained."""
    rec = rec[(rec["start_origin"] == NQ).fillna(False).to_numpy(dtype=bool)]
    start = rec["start_mi"].to_numpy("int64")
    # In the cohort at month end M when end(M - 24) <= start < end(M - 12): for a start in
    # month s that is M in s+12..s+23, or s+13..s+24 when it falls on the month's last day.
    at_end = rec["start_date"].to_numpy("datetime64[ns]") == _month_end(start)
    lo, hi = start + 12 + at_end, start + 23 + at_end
    mi, until = rec["mi"].to_numpy("int64"), rec["until"].to_numpy("int64")
    cohort = _explode(rec, np.maximum(mi, lo), np.minimum(until, hi), d.out_mi)
    # Still in post at the reference date: the latest record is that month's snapshot.
    retained = cohort["snapshot"].to_numpy(dtype=bool) & (
        cohort["mi"].to_numpy() == cohort["ref_mi"].to_numpy()
    )
    cohort = cohort.assign(nqsw_cohort=1.0, nqsw_retained=retained * 1.0)
    return _sum_by(cohort, ["nqsw_cohort", "nqsw_retained"])


def _spend(d: _Data) -> pd.DataFrame:
    """Agency spend and budget: month and financial year to date, by (month, team)."""
    sp = d.spend.assign(
        spend=d.spend["spend_gbp"].fillna(0.0), budget=d.spend["budget_gbp"].fillna(0.0)
    )
    mi = sp["mi"].to_numpy("int64")
    month = _sum_by(sp, ["spend", "budget"], "mi")
    fy_end = _fy_first(mi, d.fy_start_month) + 11
    ytd = _sum_by(_explode(sp, mi, fy_end, d.out_mi), ["spend", "budget"])
    ytd.columns = ["spend_fytd", "budget_fytd"]
    return month.join(ytd, how="outer")


def _team_table(d: _Data) -> pd.DataFrame:
    """Every count, by (month index, team), over every team with any data."""
    snap = _snapshot_counts(d)
    rec = _sw_records(d)
    est = d.est.groupby(["mi", "team"], sort=False)[["funded_fte"]].sum(min_count=1)
    parts = [
        snap.drop(columns=["sick_days", "available_days"]),
        _absence_12m(d, snap),
        _leavers(d),
        _starters(d, rec),
        _nqsw(d, rec),
        _spend(d),
        est,
    ]
    table = pd.concat(parts, axis=1, join="outer", sort=False)
    table = table[np.isin(table.index.get_level_values("mi"), d.out_mi)]
    zero = [c for c in table.columns if c not in _MAYBE_MISSING]
    table[zero] = table[zero].fillna(0.0)
    table["vacancy_fte"] = rates.vacancy_fte(table["funded_fte"], table["sw_fte"])
    return table


def _council_table(team: pd.DataFrame, out_mi: np.ndarray) -> pd.DataFrame:
    grouped = team.groupby(level="mi")
    council = grouped.sum()
    council[list(_MAYBE_MISSING)] = grouped[list(_MAYBE_MISSING)].sum(min_count=1)
    council = council.reindex(out_mi)
    zero = [c for c in council.columns if c not in _MAYBE_MISSING]
    council[zero] = council[zero].fillna(0.0)
    return council


def _finish(table: pd.DataFrame, d: _Data) -> pd.DataFrame:
    """Add the derived columns: rate denominators and year-end projections."""
    table = table.copy()
    table["agency_den"] = table["agency_fte"] + table["sw_fte"]
    table["vacancy_den"] = table["vacancy_fte"] + table["sw_fte"]
    # DfE's absence rate: days lost in the year over FTE at the reference date times the
    # working days of a year (rates.DFE_WORKING_DAYS).
    table["dfe_available_days"] = table["sw_fte"] * rates.DFE_WORKING_DAYS
    mi = table.index.get_level_values("mi").to_numpy("int64")
    covered, _ = _coverage(d, mi, _fy_first(mi, d.fy_start_month))
    # Straight-line projection: average monthly spend of the months of this financial
    # year that have data, times 12.
    table["spend_projected"] = table["spend_fytd"] / covered * 12
    table["budget_projected"] = table["budget_fytd"] / covered * 12
    # Sums of FTE pick up float noise (189.70000000000005); counts are exact well within
    # 6 decimals, and rates are then computed from the counts shown.
    return table.round(6)


def _coverage(d: _Data, mi: np.ndarray, first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Months of history in ``first..mi`` and the first of them, for each month."""
    lo = np.searchsorted(d.present, first, side="left")
    hi = np.searchsorted(d.present, mi, side="right")
    covered = hi - lo
    start = d.present[np.minimum(lo, len(d.present) - 1)] if len(d.present) else mi
    return covered, np.where(covered > 0, start, mi)


def _window_first(ind: Indicator, mi: np.ndarray, fy_start_month: int) -> np.ndarray:
    if ind.window == "fy":
        return _fy_first(mi, fy_start_month)
    return mi - int(ind.window) + 1


def _symbols(value: pd.Series, inputs_missing: pd.Series) -> np.ndarray:
    return np.where(value.notna(), "", np.where(inputs_missing, "x", rates.NOT_APPLICABLE))


def _tidy(tables: list[tuple[str, pd.DataFrame]], d: _Data) -> pd.DataFrame:
    """Turn wide (month, team) tables into the long indicator table."""
    parts = []
    for scope, table in tables:
        if table.empty:
            continue
        mi = table.index.get_level_values("mi").to_numpy("int64")
        team = (
            table.index.get_level_values("team").to_numpy()
            if scope == "team"
            else np.full(len(table), "", dtype=object)
        )
        for ind in INDICATORS.values():
            num = table[ind.numerator]
            if ind.denominator is None:
                value, den = num, pd.Series(np.nan, index=table.index)
                missing = num.isna()
            else:
                den = table[ind.denominator]
                func, args = _FORMULAS[ind.name]
                value = func(table[args[0]], table[args[1]])
                missing = num.isna() | den.isna()
            covered, start = _coverage(d, mi, _window_first(ind, mi, d.fy_start_month))
            parts.append(
                pd.DataFrame(
                    {
                        "mi": mi,
                        "scope": scope,
                        "team": team,
                        "indicator": ind.name,
                        "value": value.to_numpy("float64"),
                        "symbol": _symbols(value, missing),
                        "numerator": num.to_numpy("float64"),
                        "denominator": den.to_numpy("float64"),
                        "unit": ind.unit,
                        "months_covered": covered,
                        "window_months": (
                            int(ind.window)
                            if ind.window != "fy"
                            else mi - _fy_first(mi, d.fy_start_month) + 1
                        ),
                        "start_mi": start,
                    }
                )
            )
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    order = {name: i for i, name in enumerate(INDICATORS)}
    out["_o"] = out["indicator"].map(order)
    out["_s"] = (out["scope"] == "team").astype(int)
    out = out.sort_values(["mi", "_s", "team", "_o"], kind="stable")
    labels = {m: _month(m) for m in np.unique(np.concatenate([out["mi"], out["start_mi"]]))}
    out["month"] = out["mi"].map(labels).astype("str")
    out["period_start"] = out["start_mi"].map(labels).astype("str")
    out["period_end"] = out["month"]
    out["complete"] = out["months_covered"] >= out["window_months"]
    for col in ("scope", "team", "indicator", "symbol", "unit"):
        out[col] = out[col].astype("str")
    return out[COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------------- public API


def indicators(
    history: History, month: str | None = None, by_team: bool = True, fy_start_month: int = 4
) -> pd.DataFrame:
    """Compute every workforce indicator at month end, for the council and each team.

    Parameters
    ----------
    history : carelib.loading.History
        The months loaded by :func:`carelib.loading.load_history`.
    month : str, optional
        ``YYYY-MM``: compute for this month only (it must be in the history; data of the
        24 months before it are used). Default: every month of the history, each from
        the data up to that month (what trend charts use).
    by_team : bool, default True
        Also compute each team's figures.
    fy_start_month : int, default 4
        First month of the financial year (config ``targets.financial_year_start_month``).

    Returns
    -------
    pandas.DataFrame
        One row per month, scope, team and indicator (see :data:`INDICATORS`), sorted
        by month, council before teams, team, indicator order. Columns:

        - ``month`` (``YYYY-MM``), ``scope`` (``council`` or ``team``), ``team`` (the
          team name; ``""`` for the council), ``indicator``;
        - ``value`` (float; NaN when not applicable or not available), ``symbol``
          (``""``, ``z`` = not applicable because the denominator is 0, ``x`` = the
          input data are absent for the month);
        - ``numerator``, ``denominator`` (the counts behind a rate: e.g. agency rate
          numerator = agency FTE, denominator = agency FTE + social worker FTE; a plain
          count has numerator = value and denominator NaN);
        - ``unit`` (``percent``, ``cases``, ``count``, ``fte``, ``gbp``);
        - ``months_covered`` (months of history the figure uses), ``window_months``
          (months it should span: 1, 12, 24, or the months of the financial year so
          far), ``complete`` (``months_covered >= window_months``: a figure that is not
          complete is never rated against a target; see :func:`is_complete`),
          ``period_start`` and ``period_end`` (first and last month of data used).

    Notes
    -----
    ``starters_12m`` and the NQSW cohort need the snapshots and leavers files of the
    whole window to be complete (12 and 24 months). The agency-spend projection is
    straight-line: spend so far this financial year / months of data this year x 12.
    """
    d = _prepare(history, month, fy_start_month)
    team = _finish(_team_table(d), d)
    council = _council_table(team, d.out_mi)
    council.index = pd.MultiIndex.from_arrays(
        [council.index.to_numpy("int64"), np.full(len(council), "")], names=["mi", "team"]
    )
    council = _finish(council, d)
    tables = [("council", council)]
    if by_team:
        tables.append(("team", team.loc[_team_universe(d, team.index)]))
    return _tidy(tables, d)


def _team_universe(d: _Data, index: pd.MultiIndex) -> np.ndarray:
    """Mask of (month, team) rows for teams named in that month's own files."""
    named = pd.concat(
        [f[["mi", "team"]] for f in (d.wf, d.lv, d.est, d.spend)], ignore_index=True
    ).drop_duplicates()
    wanted = pd.MultiIndex.from_frame(named.astype({"mi": "int64"}))
    return index.isin(wanted)
