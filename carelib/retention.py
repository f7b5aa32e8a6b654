"""How long qualified social workers stay: time-in-post survival curves and leaving rates.

Each *spell* is one social worker (LA-employed, qualified: see :mod:`carelib.workforce`)
from their ``start_date`` in this council to their ``leave_date``, found in the monthly
snapshots and leavers files. A spell still in post at the reporting month is *censored*
there (we know only that it lasted at least that long). A spell that started before the
data begins is seen only from the first month of data: it enters the analysis *late*
(left truncation), at the months in post it had then, so a history that begins with
long-serving staff does not make people look as if they never leave.

Kaplan-Meier estimates come from ``lifelines`` (with its Greenwood / exponential
confidence intervals, 95%); leaving rates by months in post are leavers per person-year
at risk, with exact Poisson intervals from ``scipy``.

Entry routes, from ``start_origin`` in the data (DATA_SPEC), with one derivation:

- ``newly_qualified``: ``start_origin`` newly_qualified;
- ``other_la``: ``start_origin`` other_la (from another council);
- ``agency``: from agency work: ``start_origin`` agency, *or* the same ``worker_id`` was
  one of this council's agency workers in an earlier month's snapshot (a conversion
  carelib can see, whatever ``start_origin`` says). The data cannot tell a conversion
  from someone who did agency work elsewhere when the agency spell is before the data
  begins, so the route is "from agency work", conversions included;
- ``other``: every other origin, blank included.

Decisions: a leaver with reason ``moved_within_la`` leaves the social-work post and is a
leaver here, as in the turnover rate. A spell that disappears from the snapshots with
no leavers row (e.g. a move to a role that is not qualified social work) is censored at
the last month end it was seen. Months are 30.4375 days. A group where, early on,
everyone observed leaves (lifelines' ``StatError``: too few people followed from the
start) has no estimate.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from carelib import dates, schema, suppression
from carelib.loading import History

__all__ = [
    "BANDS",
    "ROUTES",
    "curves",
    "leaving_rates",
    "spells",
    "summary",
    "suppress",
]

#: Entry routes and how the page names them.
ROUTES: dict[str, str] = {
    "newly_qualified": "Newly qualified",
    "other_la": "From another council",
    "agency": "From agency work (conversions included)",
    "other": "Other or not recorded",
}

#: Months-in-post bands for leaving rates: (first month, end month) with ``inf`` open.
BANDS: tuple[tuple[float, float], ...] = (
    (0, 6),
    (6, 12),
    (12, 18),
    (18, 24),
    (24, 36),
    (36, 60),
    (60, math.inf),
)

MONTH_DAYS = 30.4375
_CONFIDENCE = 0.95


def _months_between(start, end) -> np.ndarray:
    delta = pd.to_datetime(pd.Series(end)).to_numpy("datetime64[ns]") - pd.to_datetime(
        pd.Series(start)
    ).to_numpy("datetime64[ns]")
    return delta.astype("timedelta64[s]").astype("float64") / 86400 / MONTH_DAYS


def _social_workers(frame: pd.DataFrame) -> pd.DataFrame:
    keep = frame["role"].isin(schema.QUALIFIED_ROLES) & frame["employment"].isin(
        schema.LA_EMPLOYMENTS
    )
    return frame[keep.fillna(False).to_numpy(dtype=bool)]


def _fy_label(day: pd.Series, fy_start_month: int) -> pd.Series:
    day = pd.to_datetime(day)
    first = day.dt.year - (day.dt.month < fy_start_month).astype(int)
    if fy_start_month == 1:
        return first.astype(str)
    return first.astype(str) + "-" + ((first + 1) % 100).map("{:02d}".format)


def spells(history: History, month: str, fy_start_month: int = 4) -> pd.DataFrame:
    """Return one row per social worker's spell in post, up to ``month``.

    Parameters
    ----------
    history : carelib.loading.History
        Every month of data up to ``month`` (the longer, the better the curves).
    month : str
        Reporting month ``YYYY-MM``: spells still in post are censored at its last day.
    fy_start_month : int, default 4
        First month of the financial year (names the newly qualified cohorts).

    Returns
    -------
    pandas.DataFrame
        Columns ``worker_id``, ``start_date``, ``route`` (a key of :data:`ROUTES`),
        ``cohort`` (financial year of the start, e.g. ``2024-25``), ``fte`` (latest),
        ``entry`` (months in post when first observable: 0 for a start during the data),
        ``duration`` (months in post at leaving or censoring), ``left`` (True when the
        spell ended with a leavers row), ``converted`` (seen as this council's agency
        worker before), ``leave_date`` (NaT while in post), ``reason``.
    """
    month = dates.parse_month(month)
    months = sorted(m for m in history.months if m <= month)
    if not months:
        raise ValueError(f"month {month} is not in the history")
    wf = history.frame("workforce")
    wf = wf[wf["month"].isin(months)]
    lv = history.frame("leavers")
    lv = lv[lv["month"].isin(months)]
    cols = ["worker_id", "start_date", "start_origin", "fte", "month"]
    snap = _social_workers(wf)[cols].dropna(subset=["worker_id", "start_date"])
    left = _social_workers(lv)[[*cols, "leave_date", "reason"]].dropna(
        subset=["worker_id", "start_date"]
    )
    left = left.sort_values("month", kind="stable").drop_duplicates(["worker_id", "start_date"])
    key = ["worker_id", "start_date"]
    both = pd.concat([snap.assign(snapshot=True), left.assign(snapshot=False)])
    both = both.sort_values(["month", "snapshot"], kind="stable")
    latest = both.drop_duplicates(key, keep="last").set_index(key)
    first_month = both.groupby(key)["month"].min()
    last_seen = snap.groupby(key)["month"].max()
    out = latest[["start_origin", "fte"]].copy()
    out["first_month"] = first_month
    out["last_seen"] = last_seen.reindex(out.index)
    ends = left.set_index(key)[["leave_date", "reason"]]
    out = out.join(ends, how="left")
    out = out.reset_index()

    # Conversions carelib can see: the worker was this council's agency worker earlier.
    agency = wf[(wf["employment"] == "agency").fillna(False).to_numpy(dtype=bool)]
    agency_first = agency.groupby("worker_id")["month"].min()
    was_agency = out["worker_id"].map(agency_first)
    converted = was_agency.notna() & (was_agency.fillna("9999") < out["first_month"])
    origin = out["start_origin"].astype("object")
    route = np.where(
        origin.isin(["newly_qualified", "other_la", "agency"]).to_numpy(),
        origin.fillna("other").to_numpy(),
        "other",
    )
    route = np.where(converted.to_numpy(dtype=bool), "agency", route)

    observed_from = pd.Timestamp(dates.month_start(months[0]))
    end = pd.Timestamp(dates.reference_date(month))
    last_seen_end = out["last_seen"].map(
        lambda m: pd.Timestamp(dates.reference_date(m)) if isinstance(m, str) else pd.NaT
    )
    left_flag = out["leave_date"].notna().to_numpy()
    stop = np.where(
        left_flag,
        pd.to_datetime(out["leave_date"]).to_numpy("datetime64[ns]"),
        last_seen_end.fillna(end).to_numpy("datetime64[ns]"),
    )
    start = pd.to_datetime(out["start_date"])
    duration = np.maximum(_months_between(start, stop), 0.0)
    entry = np.clip(_months_between(start, np.full(len(out), observed_from)), 0.0, None)
    entry = np.minimum(entry, duration)
    return pd.DataFrame(
        {
            "worker_id": out["worker_id"].to_numpy(),
            "start_date": start.to_numpy(),
            "route": route,
            "cohort": _fy_label(start, fy_start_month).to_numpy(),
            "fte": out["fte"].astype("float64").to_numpy(),
            "entry": entry,
            "duration": duration,
            "left": left_flag,
            "converted": converted.to_numpy(dtype=bool),
            "leave_date": pd.to_datetime(out["leave_date"]).to_numpy(),
            "reason": out["reason"].astype("object").to_numpy(),
        }
    )


def _groups(sp: pd.DataFrame, by: str | None) -> list[tuple[str, pd.DataFrame]]:
    if by is None:
        return [("all", sp)]
    if by == "route":
        return [(r, sp[sp["route"] == r]) for r in ROUTES]
    if by == "cohort":
        nq = sp[sp["route"] == "newly_qualified"]
        return [(c, nq[nq["cohort"] == c]) for c in sorted(nq["cohort"].unique())]
    raise ValueError(f"by must be None, 'route' or 'cohort', not {by!r}")


def _fit(group: pd.DataFrame, horizon: int):
    from lifelines import KaplanMeierFitter
    from lifelines.exceptions import StatError

    kmf = KaplanMeierFitter(alpha=1 - _CONFIDENCE)
    timeline = np.arange(0, horizon + 1, dtype="float64")
    with warnings.catch_warnings():  # lifelines warns about tiny risk sets; tables say n
        warnings.simplefilter("ignore")
        try:
            kmf.fit(
                group["duration"],
                event_observed=group["left"],
                entry=group["entry"],
                timeline=timeline,
            )
        except StatError:  # too few people observed from the start: no estimate
            return None
    return kmf


def _horizon(sp: pd.DataFrame) -> int:
    return int(math.ceil(sp["duration"].max())) if len(sp) else 0


def curves(sp: pd.DataFrame, by: str | None = "route", horizon: int | None = None) -> pd.DataFrame:
    """Kaplan-Meier share still in post by whole months in post, with 95% intervals.

    Parameters
    ----------
    sp : pandas.DataFrame
        From :func:`spells`.
    by : {"route", "cohort", None}
        One curve per entry route, per newly qualified cohort, or one for everyone.
    horizon : int, optional
        Last month in post to show (default: the longest spell). Months after a group's
        longest spell are left out: nothing is known there.

    Returns
    -------
    pandas.DataFrame
        ``group``, ``months`` (0, 1, ...), ``in_post`` (share, 0 to 1), ``low``,
        ``high``, ``at_risk`` (spells observed in post at that point).
    """
    horizon = _horizon(sp) if horizon is None else horizon
    rows = []
    for name, group in _groups(sp, by):
        if group.empty:
            continue
        kmf = _fit(group, horizon)
        if kmf is None:
            continue
        ci = kmf.confidence_interval_survival_function_
        t = kmf.survival_function_.index.to_numpy()
        at_risk = [int(((group["entry"] <= m) & (group["duration"] >= m)).sum()) for m in t]
        frame = pd.DataFrame(
            {
                "group": name,
                "months": t.astype(int),
                "in_post": kmf.survival_function_.iloc[:, 0].to_numpy(),
                "low": ci.iloc[:, 0].to_numpy(),
                "high": ci.iloc[:, 1].to_numpy(),
                "at_risk": at_risk,
            }
        )
        rows.append(frame[frame["months"] <= math.ceil(group["duration"].max())])
    columns = ["group", "months", "in_post", "low", "high", "at_risk"]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=columns)


def _at(kmf, frame: pd.DataFrame, months: float, longest: float) -> tuple[float, float, float]:
    if months > longest:
        return (math.nan, math.nan, math.nan)
    t = kmf.survival_function_.index.to_numpy()
    i = int(np.searchsorted(t, months, side="right") - 1)
    ci = kmf.confidence_interval_survival_function_.to_numpy()
    value = float(kmf.survival_function_.iloc[i, 0])
    if math.isnan(value):  # nobody observed at that point (late entry only)
        return (math.nan, math.nan, math.nan)
    return (value, float(ci[i, 0]), float(ci[i, 1]))


def _median(kmf) -> tuple[float, float, float]:
    from lifelines.utils import median_survival_times

    ci = median_survival_times(kmf.confidence_interval_survival_function_)
    values = [float(kmf.median_survival_time_), float(ci.iloc[0, 0]), float(ci.iloc[0, 1])]
    return tuple(math.nan if math.isinf(v) else v for v in values)


def summary(sp: pd.DataFrame, by: str | None = "route") -> pd.DataFrame:
    """Median time in post and share still in post at 12 and 24 months, with intervals.

    Parameters
    ----------
    sp : pandas.DataFrame
        From :func:`spells`.
    by : {"route", "cohort", None}
        As for :func:`curves`.

    Returns
    -------
    pandas.DataFrame
        ``group``, ``label``, ``workers`` (spells), ``leavers``, ``in_post`` (censored),
        ``median_months``, ``median_low``, ``median_high`` (NaN when not reached: more
        than half still in post, or the interval never crosses one half),
        ``in_post_12m``, ``in_post_12m_low``, ``in_post_12m_high``, ``in_post_24m`` ...
        (percent; NaN when no spell has been followed that long).
    """
    rows = []
    for name, group in _groups(sp, by):
        row = {
            "group": name,
            "label": ROUTES.get(name, f"Newly qualified, started {name}"),
            "workers": len(group),
            "leavers": int(group["left"].sum()),
            "in_post": int((~group["left"]).sum()),
        }
        estimates = dict.fromkeys(
            [
                "median_months",
                "median_low",
                "median_high",
                *(f"in_post_{n}m{s}" for n in (12, 24) for s in ("", "_low", "_high")),
            ],
            math.nan,
        )
        longest = float(group["duration"].max()) if len(group) else 0.0
        kmf = _fit(group, int(math.ceil(longest))) if len(group) else None
        if kmf is not None:
            median = _median(kmf)
            estimates.update(
                zip(["median_months", "median_low", "median_high"], median, strict=True)
            )
            for n in (12, 24):
                values = _at(kmf, group, n, longest)
                for suffix, v in zip(("", "_low", "_high"), values, strict=True):
                    estimates[f"in_post_{n}m{suffix}"] = v * 100
        rows.append(row | estimates)
    return pd.DataFrame(rows)


def leaving_rates(sp: pd.DataFrame, bands=BANDS) -> pd.DataFrame:
    """Leavers per 100 person-years at risk, by months in post (when people leave).

    Parameters
    ----------
    sp : pandas.DataFrame
        From :func:`spells`.
    bands : sequence of (start, end)
        Months-in-post bands (default :data:`BANDS`).

    Returns
    -------
    pandas.DataFrame
        ``band`` (e.g. ``"12-18 months"``), ``start``, ``end``, ``leavers``,
        ``person_years`` (time in post observed inside the band), ``rate`` (leavers per
        100 person-years, i.e. an annual leaving rate in percent), ``low``, ``high``
        (exact 95% Poisson interval); ``rate`` is NaN with no time at risk.
    """
    from scipy.stats import chi2

    entry, duration = sp["entry"].to_numpy(), sp["duration"].to_numpy()
    left = sp["left"].to_numpy(dtype=bool)
    rows = []
    for start, end in bands:
        exposure = np.clip(np.minimum(duration, end) - np.maximum(entry, start), 0, None)
        leavers = int((left & (duration >= start) & (duration < end) & (duration > entry)).sum())
        years = float(exposure.sum() / 12)
        alpha = 1 - _CONFIDENCE
        low = chi2.ppf(alpha / 2, 2 * leavers) / 2 if leavers else 0.0
        high = chi2.ppf(1 - alpha / 2, 2 * leavers + 2) / 2
        scale = 100 / years if years else math.nan
        name = f"{start:g}-{end:g} months" if math.isfinite(end) else f"{start:g} months or more"
        rows.append(
            {
                "band": name,
                "start": start,
                "end": end,
                "leavers": leavers,
                "person_years": years,
                "rate": leavers * scale,
                "low": low * scale,
                "high": high * scale,
            }
        )
    return pd.DataFrame(rows)


_ESTIMATES = [
    "median_months",
    "median_low",
    "median_high",
    *(f"in_post_{n}m{s}" for n in (12, 24) for s in ("", "_low", "_high")),
]


def suppress(table: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Publication mode: hide small counts (and what they reveal) in a retention table.

    For a :func:`summary` table, spells, leavers and still-in-post counts from 1 to
    ``threshold`` are shown as ``c`` with secondary suppression along each row (spells =
    leavers + in post), and a group with a suppressed number of spells has its estimates
    hidden too: a curve of three people describes those three people. For a
    :func:`leaving_rates` table, a suppressed leavers count hides its rate and interval.
    For a :func:`curves` table, small numbers at risk are hidden with the estimates at
    those points.
    """
    if "workers" in table.columns:
        return suppression.suppress_counts(
            table,
            ["workers", "leavers", "in_post"],
            threshold,
            total_col="workers",
            axis="rows",
            dependent={"workers": _ESTIMATES},
        )
    if "person_years" in table.columns:
        return suppression.suppress_counts(
            table,
            ["leavers"],
            threshold,
            axis="columns",
            dependent={"leavers": ["rate", "low", "high"]},
        )
    if "at_risk" in table.columns:
        out = table.astype({c: "object" for c in ("in_post", "low", "high", "at_risk")})
        small = suppression.is_small(table["at_risk"].to_numpy(), threshold)
        out.loc[small, ["in_post", "low", "high", "at_risk"]] = suppression.SUPPRESSED
        return out
    raise ValueError("not a retention table: expected a summary, leaving-rates or curves table")
