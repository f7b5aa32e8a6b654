"""Workforce indicators at every month end, for the council and each team.

The definitions are DATA_SPEC's (the DfE children's social work workforce census
definitions applied at each month end); the formulas on counts are in
:mod:`carelib.rates`. Each month is computed from the data up to and including that
month only, so a trend line shows what the report said at the time.

Populations (from :mod:`carelib.schema`):

- *social workers*: ``employment`` permanent or fixed_term and ``role`` qualified
  (every role except ``alternatively_qualified``);
- *agency workers*: ``employment`` agency and ``role`` qualified;
- *alternatively qualified workers*: ``role`` alternatively_qualified, any employment.

Decisions on definitions the specification leaves open (also in the docstrings):

- Leavers count in the 12-month window by ``leave_date``, from leavers files of months
  up to the reference month, de-duplicated on (worker_id, leave_date).
- Starters (``starters_12m``, ``starters_fytd``) and the NQSW cohort are found in the
  union of the social-worker rows of every workforce snapshot and leavers file up to the
  reference month, one per worker_id (the worker's latest record up to the reference
  month, which also gives the team). Someone who started and left between two month
  ends is therefore counted, through the leavers file. Someone who left and re-joined
  counts once, with the latest start date.
- Team level: turnover by the leaver's team; vacancy from the team's establishment row
  (a team with no establishment row has no vacancy figure: symbol ``x``); starters and
  the NQSW cohort by the team of the worker's latest record; absence from the team's
  own monthly sickness and FTE. The teams shown for a month are those named in that
  month's workforce, leavers, establishment or agency-spend file. Council figures are
  computed over all records, so they include teams that have since closed.
- A rate with a zero denominator is "not applicable": value NaN, symbol ``z``. A figure
  whose input data are absent for the month (e.g. no establishment or agency-spend
  rows) is "not available": value NaN, symbol ``x``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from carelib import dates, rates, schema
from carelib import month as month_type
from carelib.loading import History, MonthData
from carelib.month import Month
from carelib.rates import is_complete, partial_text  # noqa: F401  (part of this API)

NQ = "newly_qualified"
_NO_TEAM = "not recorded"
_FAR = month_type.FAR  # a month index later than any real month


@dataclass(frozen=True)
class Indicator:
    """What one indicator is and how it is computed.

    Attributes
    ----------
    name : str
        Machine name, e.g. ``agency_rate``.
    label : str
        Plain-English name for readers.
    unit : str
        ``percent``, ``cases``, ``count``, ``fte`` or ``gbp``.
    window : int or str
        Months of data the figure spans: 1 (at the month end), 12, 24, or ``"fy"``
        (financial year to date).
    numerator, denominator : str or None
        Internal count columns; denominator None for a plain count.
    polarity : str
        ``lower_is_better``, ``higher_is_better`` or ``""`` (neither).
    """

    name: str
    label: str
    unit: str
    window: int | str
    numerator: str
    denominator: str | None = None
    polarity: str = ""


def _rate_specs():
    low, high = "lower_is_better", "higher_is_better"
    return [
        Indicator("agency_rate", "Agency rate", "percent", 1, "agency_fte", "agency_den", low),
        Indicator("vacancy_rate", "Vacancy rate", "percent", 1, "vacancy_fte", "vacancy_den", low),
        Indicator(
            "turnover_rate_12m",
            "Turnover rate (12 months)",
            "percent",
            12,
            "leavers_fte_12m",
            "sw_fte",
            low,
        ),
        Indicator(
            "average_caseload", "Average caseload", "cases", 1, "cases", "case_holder_fte", low
        ),
        Indicator(
            "absence_rate_12m",
            "Sickness absence rate (12 months)",
            "percent",
            12,
            "sick_days_12m",
            "available_days_12m",
            low,
        ),
        Indicator(
            "absence_rate_dfe",
            "Sickness absence rate, DfE definition (12 months)",
            "percent",
            12,
            "sick_days_12m",
            "dfe_available_days",
            low,
        ),
        Indicator(
            "in_post_under_2y", "In post less than 2 years", "percent", 1, "under_2y_fte", "sw_fte"
        ),
        Indicator(
            "agency_cover_rate",
            "Agency workers covering vacancies",
            "percent",
            1,
            "cover_fte",
            "agency_fte",
        ),
        Indicator("starters_12m", "Starters (12 months)", "count", 12, "starters_12m"),
        Indicator(
            "nqsw_retained_1y",
            "Newly qualified social workers retained after 1 year",
            "percent",
            24,
            "nqsw_retained",
            "nqsw_cohort",
            high,
        ),
    ]


def _count_specs():
    return [
        Indicator("social_worker_fte", "Social workers (FTE)", "fte", 1, "sw_fte"),
        Indicator("social_worker_headcount", "Social workers (headcount)", "count", 1, "sw_hc"),
        Indicator("agency_fte", "Agency social workers (FTE)", "fte", 1, "agency_fte"),
        Indicator("agency_headcount", "Agency social workers (headcount)", "count", 1, "agency_hc"),
        Indicator(
            "alternatively_qualified_fte",
            "Alternatively qualified workers (FTE)",
            "fte",
            1,
            "aq_fte",
        ),
        Indicator(
            "alternatively_qualified_headcount",
            "Alternatively qualified workers (headcount)",
            "count",
            1,
            "aq_hc",
        ),
        Indicator("funded_fte", "Funded posts (FTE)", "fte", 1, "funded_fte"),
        Indicator("vacancy_fte", "Vacancies (FTE)", "fte", 1, "vacancy_fte"),
        Indicator("cases", "Cases held", "count", 1, "cases"),
        Indicator(
            "leavers_fte_12m",
            "Social-worker leavers, 12 months (FTE)",
            "fte",
            12,
            "leavers_fte_12m",
        ),
        Indicator(
            "leavers_headcount_12m",
            "Social-worker leavers, 12 months (headcount)",
            "count",
            12,
            "leavers_hc_12m",
        ),
        Indicator(
            "leavers_fte_month",
            "Social-worker leavers in the month (FTE)",
            "fte",
            1,
            "leavers_fte_month",
        ),
        Indicator(
            "leavers_headcount_month",
            "Social-worker leavers in the month (headcount)",
            "count",
            1,
            "leavers_hc_month",
        ),
        Indicator(
            "starters_fytd",
            "Social-worker starters, financial year to date",
            "count",
            "fy",
            "starters_fytd",
        ),
        Indicator("agency_spend_month", "Agency spend in the month", "gbp", 1, "spend"),
        Indicator("agency_budget_month", "Agency budget for the month", "gbp", 1, "budget"),
        Indicator(
            "agency_spend_fytd", "Agency spend, financial year to date", "gbp", "fy", "spend_fytd"
        ),
        Indicator(
            "agency_budget_fytd",
            "Agency budget, financial year to date",
            "gbp",
            "fy",
            "budget_fytd",
        ),
        Indicator(
            "agency_spend_projected",
            "Agency spend, projected year end",
            "gbp",
            "fy",
            "spend_projected",
        ),
        Indicator(
            "agency_budget_projected",
            "Agency budget, projected year end",
            "gbp",
            "fy",
            "budget_projected",
        ),
    ]


#: Every indicator :func:`indicators` returns, by name, in output order.
INDICATORS: dict[str, Indicator] = {i.name: i for i in _rate_specs() + _count_specs()}

#: The headline KPIs (DATA_SPEC's workforce indicators), as in ``schema.KPIS``.
KPIS = schema.KPIS

COLUMNS = [
    "month",
    "scope",
    "team",
    "indicator",
    "value",
    "symbol",
    "numerator",
    "denominator",
    "unit",
    "months_covered",
    "window_months",
    "complete",
    "period_start",
    "period_end",
]

# Calls of the rate functions: indicator -> (function, argument columns).
_FORMULAS = {
    "agency_rate": (rates.agency_rate, ("agency_fte", "sw_fte")),
    "vacancy_rate": (rates.vacancy_rate, ("vacancy_fte", "sw_fte")),
    "turnover_rate_12m": (rates.turnover_rate, ("leavers_fte_12m", "sw_fte")),
    "average_caseload": (rates.average_caseload, ("cases", "case_holder_fte")),
    "absence_rate_12m": (rates.absence_rate, ("sick_days_12m", "available_days_12m")),
    "absence_rate_dfe": (rates.share, ("sick_days_12m", "dfe_available_days")),
    "in_post_under_2y": (rates.share, ("under_2y_fte", "sw_fte")),
    "agency_cover_rate": (rates.agency_cover_rate, ("cover_fte", "agency_fte")),
    "nqsw_retained_1y": (rates.share, ("nqsw_retained", "nqsw_cohort")),
}

# Columns that are missing ("x") rather than zero when a month has no such data.
_MAYBE_MISSING = ("funded_fte", "vacancy_fte", "spend", "budget", "spend_fytd", "budget_fytd")


# --------------------------------------------------------------------------- months
# Months are handled as month indices (carelib.month) so windows are arithmetic.

_mi_of_text = month_type.indices_of_text
_mi_of_dates = month_type.indices_of_dates
_month_end = month_type.ends_of_indices
_fy_first = month_type.financial_year_first


def _mi(month: str) -> int:
    return Month(month).ordinal


def _month(mi: int) -> Month:
    return Month.from_index(mi)


def fy_label(month: str, fy_start_month: int = 4) -> str:
    """Return the financial year of a month, e.g. ``2025-26`` (``2025`` if it starts in January).

    Examples
    --------
    >>> fy_label("2026-03"), fy_label("2026-04"), fy_label("2026-03", 1)
    ('2025-26', '2026-27', '2026')
    """
    return Month(month).financial_year(fy_start_month)


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
    history: History, month: str, fy_start_month: int = 4, by_team: bool = True
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
    table = indicators(history, month, by_team=by_team, fy_start_month=fy_start_month)
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
    history: History, month: str, target: int, fy_start_month: int = 4
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
    table = indicators(history, month, by_team=False, fy_start_month=fy_start_month)
    row = table[table["indicator"] == "starters_fytd"].iloc[0]
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
