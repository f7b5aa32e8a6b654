"""Workforce planning forward: a monthly stock-and-flow projection and what it takes.

The stock is the council's social worker FTE ``P`` (LA-employed, qualified) and agency
FTE ``A``; each month moves them on by flows measured over the recent ``window`` months:

- LA leavers ~ Poisson(leaving rate per FTE x ``P``), at the leavers' mean FTE;
- experienced LA starters ~ Poisson(their monthly mean), newly qualified starters in the
  intake months of ``[planning] nqsw_intake`` (size given, or that calendar month's mean
  in the history), agency-to-permanent conversions ~ Poisson(monthly mean), moving FTE
  from ``A`` to ``P``;
- agency starters and ends of assignment ~ Poisson(their monthly means): the council's
  pace of replacing agency staff;
- ``drift``: the monthly mean of what the stock did beyond the recorded flows (FTE
  changes, moves into or out of qualified roles), so the projection starts on the
  observed trend and a steady history projects flat.

Establishment is the reporting month's funded FTE plus ``[planning]
establishment_changes``. Vacancy FTE is ``max(0, funded - P + over)``, where ``over`` is
the FTE in teams above their establishment at the reporting month, held constant (the
DfE team-level vacancy definition summed). Rates are DATA_SPEC's; the 12-month turnover
rolls the recorded leavers of the last 11 months into the projection.

The *central* projection is the expected path (flows at their means); the band is the
central ``band`` share (default 80%) of ``simulations`` seeded Poisson runs.

:mod:`carelib.planning` turns a projection into answers: when, what it takes, the
back-test.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from carelib import dates, retention, schema
from carelib.errors import ConfigError
from carelib.loading import History
from carelib.month import Month

__all__ = [
    "INDICATORS",
    "Projection",
    "Rates",
    "fit",
    "month_text",
    "project",
    "settings",
    "when_met",
]

#: Projected indicators, their labels and the [targets] key of each target.
INDICATORS: dict[str, str] = {
    "agency_rate": "Agency reliance",
    "vacancy_rate": "Vacancy rate",
    "turnover_rate_12m": "Turnover (12 months)",
}

#: Scenario levers: what each changes in :class:`Rates`.
LEVERS = {
    "la_starters": "experienced permanent starters per month",
    "nqsw_intake": "newly qualified starters in each intake month",
    "la_leaving": "the LA leaving rate",
    "second_year_leaving": "leaving in the second year in post",
    "conversions": "agency-to-permanent conversions per month",
    "agency_starters": "agency starters per month",
    "agency_leavers": "agency assignments ended per month",
}

_CHANGE = re.compile(r"^\s*([a-z_]+)\s*([+\-x=])\s*(\d+(?:\.\d+)?)\s*(?:from\s+(\d{4}-\d{2}))?\s*$")
_MONTH_SIZE = re.compile(r"^\s*(0[1-9]|1[0-2])\s*(?::\s*(\d+(?:\.\d+)?))?\s*$")
_EST = re.compile(r"^\s*(\d{4}-(?:0[1-9]|1[0-2]))\s*:\s*([+\-]?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Scenario:
    """A named set of changes: ``(lever, op, value, from month or None)``."""

    name: str
    changes: tuple[tuple[str, str, float, str | None], ...]


def settings(planning: dict) -> dict:
    """Parse the text lists of ``[planning]``; raise :class:`ConfigError` naming the key.

    Returns
    -------
    dict
        ``intake`` ({calendar month: size or None}), ``establishment`` ({YYYY-MM: FTE
        change}), ``scenarios`` (list of :class:`Scenario`).
    """
    intake: dict[int, float | None] = {}
    for i, text in enumerate(planning["nqsw_intake"], 1):
        m = _MONTH_SIZE.match(text)
        if not m:
            raise ConfigError(
                f"config key planning.nqsw_intake (entry {i}): {text!r} is not a month "
                'written "MM" or "MM: N" (e.g. "09: 8", eight newly qualified starters each '
                "September)"
            )
        intake[int(m.group(1))] = float(m.group(2)) if m.group(2) else None
    est: dict[str, float] = {}
    for i, text in enumerate(planning["establishment_changes"], 1):
        m = _EST.match(text)
        if not m:
            raise ConfigError(
                f"config key planning.establishment_changes (entry {i}): {text!r} is not "
                'written "YYYY-MM: +N" (funded FTE added, or -N removed, that month)'
            )
        est[m.group(1)] = est.get(m.group(1), 0.0) + float(m.group(2))
    scenarios = []
    for i, text in enumerate(planning["scenarios"], 1):
        where = f"config key planning.scenarios (entry {i})"
        name, sep, rest = text.partition(":")
        if not sep or not name.strip() or not rest.strip():
            raise ConfigError(f'{where}: {text!r} is not written "Name: lever +N, lever xF"')
        changes = []
        for part in rest.split(","):
            m = _CHANGE.match(part)
            if not m or m.group(1) not in LEVERS:
                raise ConfigError(
                    f"{where}: {part.strip()!r} is not a change written 'lever +N', '-N', "
                    f"'xF' or '=N', optionally 'from YYYY-MM'; levers: {', '.join(LEVERS)}"
                )
            changes.append((m.group(1), m.group(2), float(m.group(3)), m.group(4)))
        scenarios.append(Scenario(name.strip(), tuple(changes)))
    return {"intake": intake, "establishment": est, "scenarios": scenarios}


@dataclass(frozen=True)
class Rates:
    """The flows a projection runs on (per month), fitted by :func:`fit`."""

    month: str  # the last month of history (projection origin)
    p0: float  # social worker FTE
    a0: float  # agency FTE
    funded0: float  # funded FTE
    over: float  # FTE above establishment in over-full teams (held constant)
    leave_rate: float  # LA leavers (headcount) per FTE in post per month
    leaver_fte: float
    second_year_share: float  # share of LA leavers in their second year in post
    starters: float  # experienced LA starters per month (headcount)
    starter_fte: float
    intake: dict[int, float]  # calendar month -> newly qualified starters
    nq_fte: float
    conversions: float
    conversion_fte: float
    agency_starters: float
    agency_leavers: float
    agency_fte_each: float
    drift_la: float
    drift_agency: float
    recent_leavers_fte: tuple[float, ...]  # the last 11 months' LA leavers FTE, oldest first
    establishment: dict[str, float] = field(default_factory=dict)  # month -> funded change
    window: int = 12
    changes: tuple = ()  # scenario changes applied

    def at(self, month: str) -> Rates:
        """Return the rates with scenario changes that have started by ``month``."""
        out = self
        for lever, op, value, start in self.changes:
            if start and month < start:
                continue
            out = _apply(out, lever, op, value)
        return out


def _apply(r: Rates, lever: str, op: str, value: float) -> Rates:
    def new(old: float) -> float:
        result = {"+": old + value, "-": old - value, "x": old * value, "=": value}[op]
        return max(0.0, result)

    if lever == "la_starters":
        return replace(r, starters=new(r.starters))
    if lever == "nqsw_intake":
        return replace(r, intake={k: new(v) for k, v in r.intake.items()})
    if lever == "la_leaving":
        return replace(r, leave_rate=new(r.leave_rate))
    if lever == "second_year_leaving":
        factor = new(1.0) if op in "x=" else 1.0
        kept = 1 - r.second_year_share * (1 - factor)
        return replace(r, leave_rate=r.leave_rate * kept)
    if lever == "conversions":
        return replace(r, conversions=new(r.conversions))
    if lever == "agency_starters":
        return replace(r, agency_starters=new(r.agency_starters))
    return replace(r, agency_leavers=new(r.agency_leavers))


def _month_of(values) -> np.ndarray:
    return pd.to_datetime(pd.Series(values)).dt.strftime("%Y-%m").to_numpy()


def _agency_flows(history: History, months: list[str]) -> tuple[dict, dict, float]:
    qualified = schema.QUALIFIED_ROLES
    wf, lv = history.frame("workforce"), history.frame("leavers")
    ag = wf[(wf["employment"] == "agency") & wf["role"].isin(qualified) & wf["month"].isin(months)]
    agl = lv[(lv["employment"] == "agency") & lv["role"].isin(qualified) & lv["month"].isin(months)]
    spells = pd.concat([ag, agl])[["worker_id", "start_date", "fte"]]
    spells = spells.drop_duplicates(["worker_id", "start_date"])
    starts = pd.Series(_month_of(spells["start_date"])).value_counts().to_dict()
    ends = pd.Series(_month_of(agl.drop_duplicates("worker_id")["leave_date"])).value_counts()
    fte = float(spells["fte"].mean()) if len(spells) else 1.0
    return starts, ends.to_dict(), fte


def fit(
    history: History,
    month: str,
    planning: dict,
    fy_start_month: int = 4,
    *,
    establishment_from_history: bool = False,
) -> Rates:
    """Measure the flows of the ``planning["window_months"]`` months to ``month``.

    Parameters
    ----------
    history : carelib.loading.History
        Months up to (at least) ``month``; later months are ignored.
    month : str
        The projection origin ``YYYY-MM``.
    planning : dict
        The ``[planning]`` config section.
    fy_start_month : int
        First month of the financial year.
    establishment_from_history : bool
        Take funded FTE changes after ``month`` from the history (the back-test: a
        council knows its funded posts) instead of ``establishment_changes``.

    Returns
    -------
    Rates
    """
    from carelib import workforce

    parsed = settings(planning)
    months_all = sorted(m for m in history.months if m <= month)
    table = workforce.indicators(history, by_team=False, fy_start_month=fy_start_month)
    wide = table.pivot_table(index="month", columns="indicator", values="value", aggfunc="first")
    series = wide.reindex(months_all)
    window = int(planning["window_months"])
    months = months_all[-(window + 1) :]
    flow_months = months[1:] if len(months) > 1 else months
    p = series["social_worker_fte"].reindex(months).to_numpy("float64")
    a = series["agency_fte"].reindex(months).to_numpy("float64")
    n = len(flow_months)

    sp = retention.spells(history, month, fy_start_month)
    start_m = _month_of(sp["start_date"])
    leave_m = np.where(sp["left"], _month_of(sp["leave_date"].fillna(pd.Timestamp(0))), "")
    in_window = np.isin(start_m, flow_months)
    nq = in_window & (sp["route"] == "newly_qualified").to_numpy()
    conv = in_window & sp["converted"].to_numpy()
    exp = in_window & ~nq & ~conv
    leaving = np.isin(leave_m, flow_months)
    fte = sp["fte"].fillna(1.0).to_numpy()
    prev_p = series["social_worker_fte"].reindex(months[:-1]).to_numpy("float64")
    exposure = float(np.nansum(prev_p)) if len(months) > 1 else float(np.nansum(p))
    leavers = int(leaving.sum())
    second = leaving & (sp["duration"].to_numpy() >= 12) & (sp["duration"].to_numpy() < 24)

    # Newly qualified intake: each configured month's size, or its mean in the history.
    nq_all = (sp["route"] == "newly_qualified").to_numpy() & np.isin(start_m, months_all[1:])
    nq_months = pd.Series(start_m[nq_all]).value_counts()
    years: dict[int, int] = {}
    for m in months_all[1:]:
        years[Month(m).month] = years.get(Month(m).month, 0) + 1
    history_mean = {
        cal: float(sum(c for mm, c in nq_months.items() if Month(mm).month == cal) / years[cal])
        for cal in years
    }
    if parsed["intake"]:
        intake = {
            cal: (size if size is not None else history_mean.get(cal, 0.0))
            for cal, size in parsed["intake"].items()
        }
    else:
        intake = history_mean

    a_starts, a_ends, a_fte = _agency_flows(history, months)
    a_start_n = sum(a_starts.get(m, 0) for m in flow_months)
    a_end_n = sum(a_ends.get(m, 0) for m in flow_months)
    recorded_la = (
        fte[exp].sum() + fte[nq].sum() + fte[conv].sum() - fte[leaving].sum()
    )  # FTE in minus FTE out, as recorded
    drift_la = ((p[-1] - p[0]) - recorded_la) / n if len(months) > 1 else 0.0
    recorded_a = (a_start_n - a_end_n) * a_fte - fte[conv].sum()
    drift_a = ((a[-1] - a[0]) - recorded_a) / n if len(months) > 1 else 0.0

    leavers_fte = series["leavers_fte_month"].fillna(0.0).to_numpy("float64")
    funded = series["funded_fte"].to_numpy("float64")
    vacancy = series["vacancy_fte"].to_numpy("float64")
    over = max(0.0, float(vacancy[-1] - (funded[-1] - series["social_worker_fte"].iloc[-1])))
    if establishment_from_history:
        later = sorted(m for m in history.months if m > month)
        f = wide["funded_fte"].reindex([month, *later]).to_numpy("float64")
        est = {m: float(f[i + 1] - f[i]) for i, m in enumerate(later) if f[i + 1] != f[i]}
    else:
        est = parsed["establishment"]

    def mean(x):
        return float(x) / n if n else 0.0

    return Rates(
        month=month,
        p0=float(series["social_worker_fte"].iloc[-1]),
        a0=float(series["agency_fte"].iloc[-1]),
        funded0=float(funded[-1]),
        over=over,
        leave_rate=leavers / exposure if exposure else 0.0,
        leaver_fte=float(fte[leaving].mean()) if leavers else 1.0,
        second_year_share=float(second.sum() / leavers) if leavers else 0.0,
        starters=mean(exp.sum()),
        starter_fte=float(fte[exp].mean()) if exp.any() else 1.0,
        intake=intake,
        nq_fte=float(fte[nq_all].mean()) if nq_all.any() else 1.0,
        conversions=mean(conv.sum()),
        conversion_fte=float(fte[conv].mean()) if conv.any() else 1.0,
        agency_starters=mean(a_start_n),
        agency_leavers=mean(a_end_n),
        agency_fte_each=a_fte,
        drift_la=float(drift_la),
        drift_agency=float(drift_a),
        recent_leavers_fte=tuple(float(x) for x in leavers_fte[-11:]),
        establishment=est,
        window=window,
    )


def _run(r: Rates, horizon: int, sims: int, rng, extra_starts: float = 0.0, leave_cap=None):
    """Run the projection; ``rng`` None gives the central (expected) path as one run."""
    months = [dates.add_months(r.month, i + 1) for i in range(horizon)]
    p = np.full(sims, r.p0)
    a = np.full(sims, r.a0)
    funded = r.funded0
    leavers_hist = list(r.recent_leavers_fte)
    out = {k: np.empty((sims, horizon)) for k in ("p", "a", "v", "funded", "lfte", "starts")}

    def draw(mean):
        mean = np.maximum(mean, 0.0)
        return (
            rng.poisson(mean).astype("float64")
            if rng is not None
            else np.broadcast_to(mean, (sims,)).astype("float64")
        )

    for i, m in enumerate(months):
        rm = r.at(m)
        funded += rm.establishment.get(m, 0.0)
        n_leave = draw(rm.leave_rate * p)
        if leave_cap is not None:
            n_leave = np.minimum(n_leave, leave_cap)
        n_start = draw(np.full(sims, rm.starters + extra_starts))
        n_nq = draw(np.full(sims, rm.intake.get(Month(m).month, 0.0)))
        n_conv = draw(np.full(sims, rm.conversions))
        n_conv = np.minimum(n_conv, np.floor(a / max(rm.conversion_fte, 1e-9)))
        a_in = draw(np.full(sims, rm.agency_starters))
        a_out = draw(np.full(sims, rm.agency_leavers))
        lfte = n_leave * rm.leaver_fte
        p = np.maximum(
            0.0,
            p
            - lfte
            + n_start * rm.starter_fte
            + n_nq * rm.nq_fte
            + n_conv * rm.conversion_fte
            + rm.drift_la,
        )
        a = np.maximum(
            0.0,
            a + (a_in - a_out) * rm.agency_fte_each - n_conv * rm.conversion_fte + rm.drift_agency,
        )
        out["p"][:, i], out["a"][:, i], out["funded"][:, i] = p, a, funded
        out["v"][:, i] = np.maximum(0.0, funded - p + r.over)
        out["lfte"][:, i] = lfte
        out["starts"][:, i] = n_start + n_nq + n_conv
    past = np.array(leavers_hist[-11:], dtype="float64")
    if len(past) < 11:  # a short history: earlier months at the recorded monthly mean
        fill = past.mean() if len(past) else r.leave_rate * r.p0 * r.leaver_fte
        past = np.concatenate([np.full(11 - len(past), fill), past])
    rolled = np.concatenate([np.broadcast_to(past, (sims, len(past))), out["lfte"]], axis=1)
    window12 = np.lib.stride_tricks.sliding_window_view(rolled, 12, axis=1)[:, -horizon:]
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = {
            "agency_rate": out["a"] / (out["a"] + out["p"]) * 100,
            "vacancy_rate": out["v"] / (out["v"] + out["p"]) * 100,
            "turnover_rate_12m": window12.sum(axis=2) / out["p"] * 100,
        }
    return months, out, rates


@dataclass
class Projection:
    """A projection: central path, band, simulated paths and the rates behind it."""

    rates: Rates
    months: list[str]
    central: pd.DataFrame  # month x (p, a, v, funded, agency_rate, vacancy_rate, ...)
    low: pd.DataFrame
    high: pd.DataFrame
    paths: dict[str, np.ndarray]  # indicator -> (sims, horizon)
    starts: np.ndarray  # (sims, horizon) LA starters headcount
    band: float
    seconds: float = 0.0


def project(
    rates: Rates,
    horizon: int = 18,
    simulations: int = 2000,
    seed: int = 2025,
    band: float = 0.8,
    extra_starts: float = 0.0,
    leave_cap: float | None = None,
) -> Projection:
    """Project the workforce ``horizon`` months on from ``rates.month``.

    Parameters
    ----------
    rates : Rates
        From :func:`fit` (scenario changes included, if any).
    horizon, simulations, seed, band
        Months ahead, Poisson runs, the random seed (same seed, same band) and the
        central share of runs the band holds.
    extra_starts : float
        Extra experienced permanent starters per month (for "what it takes").
    leave_cap : float, optional
        At most this many LA leavers a month.

    Returns
    -------
    Projection
    """
    import time

    t0 = time.perf_counter()
    months, central, crates = _run(rates, horizon, 1, None, extra_starts, leave_cap)
    rng = np.random.default_rng(seed)
    _, sims, srates = _run(rates, horizon, simulations, rng, extra_starts, leave_cap)
    lo_q, hi_q = (1 - band) / 2, 1 - (1 - band) / 2
    names = {"p": "social_worker_fte", "a": "agency_fte", "v": "vacancy_fte"}
    frame = {names[k]: central[k][0] for k in names} | {k: v[0] for k, v in crates.items()}
    low = {names[k]: np.quantile(sims[k], lo_q, axis=0) for k in names}
    high = {names[k]: np.quantile(sims[k], hi_q, axis=0) for k in names}
    for k, v in srates.items():
        low[k] = np.nanquantile(v, lo_q, axis=0)
        high[k] = np.nanquantile(v, hi_q, axis=0)
    return Projection(
        rates=rates,
        months=months,
        central=pd.DataFrame(frame, index=months),
        low=pd.DataFrame(low, index=months),
        high=pd.DataFrame(high, index=months),
        paths=srates,
        starts=sims["starts"],
        band=band,
        seconds=time.perf_counter() - t0,
    )


def when_met(proj: Projection, indicator: str, target: float) -> dict:
    """The month the central projection first meets a lower-is-better target, and a range.

    Returns
    -------
    dict
        ``month`` (``YYYY-MM`` or None: "not within the projection at the current
        pace"), ``earliest`` and ``latest`` (the band's share of runs meets it between
        these months; ``latest`` None when more than the band's upper share of runs do
        not meet it within the projection).
    """
    central = proj.central[indicator].to_numpy()
    hit = np.flatnonzero(central <= target)
    paths = proj.paths[indicator]
    met = paths <= target
    first = np.where(met.any(axis=1), met.argmax(axis=1), len(proj.months))
    lo_q = (1 - proj.band) / 2
    early, late = np.quantile(first, [lo_q, 1 - lo_q], method="nearest")
    month = proj.months[hit[0]] if len(hit) else None

    def name(i):
        return proj.months[int(i)] if i < len(proj.months) else None

    return {"month": month, "earliest": name(early), "latest": name(late)}


def month_text(month: str | None) -> str:
    """``2026-03`` as ``March 2026``; None as "not within the projection"."""
    return dates.month_label(month) if month else "not within the projection"


def _finite(x):
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else x
