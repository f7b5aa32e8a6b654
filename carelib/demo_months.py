"""One month of the demo council's workforce: leavers, starters, snapshot, spend.

Moves the simulated workforce of :mod:`carelib.demo_people` on by one month (leavers,
agency conversions, newly qualified cohorts, recruitment to the month's targets) and
writes that month's workforce snapshot with sickness, and its agency spend against the
budget set each April.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from carelib import dates
from carelib.demo_people import (
    _AGENCY_FTE,
    _AGENCY_ORIGINS,
    _ALT_QUALIFIED_TEAMS,
    _BUDGETS,
    _GROWTH,
    _LA_FTE,
    _LA_ORIGINS,
    _MANAGER_ROLES,
    _RAA_MONTH,
    _RAA_TEAM,
    DEMO_MONTHS,
    DEMO_TEAMS,
    _agency_team,
    _bool,
    _case_offset,
    _la_team,
    _leave,
    _num,
    _pick,
    _Sim,
    _weekday_in,
    _Worker,
    _worker_row,
)
from carelib.month import Month


def _simulate_month(
    sim: _Sim, t: int, month: str, la_target: float, agency_share: float
) -> tuple[list[dict], list[str]]:
    """Move the workforce on by one month; return the leavers and the starters' ids."""
    rng = sim.rng
    progress = t / (len(DEMO_MONTHS) - 1)
    ref = dates.reference_date(month)
    leavers: list[dict] = []
    starters: list[str] = []

    # Natural leavers: turnover eases as the recruitment and retention offer lands.
    base = 0.0165 - 0.0055 * progress
    for w in list(sim.workers):
        if w.employment == "agency":
            hazard = 0.04
        else:
            hazard = base
            if w.role in _MANAGER_ROLES:
                hazard *= 0.6
            if w.employment == "fixed_term":
                hazard *= 2.2
            if w.start_origin == "newly_qualified" and (ref - w.start_date).days < 365:
                hazard += 0.008
        if rng.random() < hazard:
            _leave(sim, w, month, leavers)

    # From April 2024 some long-standing agency workers take permanent posts (same person,
    # same pseudonym, a new LA start date).
    if t >= 6 and rng.random() < 0.45:
        ref_start = dates.month_start(month)
        candidates = [
            w
            for w in sim.workers
            if w.employment == "agency"
            and w.role == "case_holder"
            and (ref_start - w.start_date).days > 180
        ]
        if candidates:
            w = candidates[int(rng.integers(len(candidates)))]
            w.employment = "permanent"
            w.start_date = _weekday_in(rng, month)
            w.start_origin = "agency"
            starters.append(w.worker_id)

    # Newly qualified cohorts: large in September and October, small in January.
    mon = Month(month).month
    cohort = {9: rng.integers(6, 10), 10: rng.integers(2, 5), 1: rng.integers(1, 3)}.get(
        mon, int(rng.random() < 0.25)
    )
    cohort = min(int(cohort), max(0, int(177 - sim.la_fte())))  # funded places only
    for _ in range(cohort):
        offset, _outlier = _case_offset(rng)
        w = _Worker(
            sim.new_id(),
            _la_team_for_nq(sim),
            "case_holder",
            "permanent",
            1.0,
            _weekday_in(rng, month, last=dates.month_start(month) + dt.timedelta(days=13)),
            "newly_qualified",
            offset,
        )
        sim.workers.append(w)
        starters.append(w.worker_id)

    # Experienced starters fill vacancies (managers' posts first), a few a month.
    cap = int(rng.integers(3, 7))
    hired = 0
    # Below 152 FTE the council runs an extra recruitment push, beyond the usual few.
    while sim.la_fte() < la_target - 0.4 and (hired < cap or sim.la_fte() < 152):
        if sim.pending_roles:
            team, role = sim.pending_roles.pop(0)
        else:
            team = _la_team(sim)
            role = _pick(
                rng,
                {"case_holder": 0.9, "senior_practitioner": 0.06, "qualified_without_cases": 0.04},
            )
        offset, outlier = _case_offset(rng)
        w = _Worker(
            sim.new_id(),
            team,
            role,
            "fixed_term" if rng.random() < 0.07 else "permanent",
            float(_pick(rng, _LA_FTE)),
            _weekday_in(rng, month),
            _pick(rng, _LA_ORIGINS),
            offset,
            outlier and role == "case_holder",
        )
        sim.workers.append(w)
        starters.append(w.worker_id)
        hired += 1

    # Keep a handful of alternatively qualified staff.
    aq = [
        w for w in sim.workers if w.role == "alternatively_qualified" and w.employment != "agency"
    ]
    if len(aq) < len(_ALT_QUALIFIED_TEAMS) and rng.random() < 0.5:
        team = _ALT_QUALIFIED_TEAMS[int(rng.integers(len(_ALT_QUALIFIED_TEAMS)))]
        w = _Worker(
            sim.new_id(),
            team,
            "alternatively_qualified",
            "permanent",
            float(_pick(rng, _LA_FTE)),
            _weekday_in(rng, month),
            _pick(rng, {"other_social_care": 0.7, "non_social_care": 0.3}),
        )
        sim.workers.append(w)
        starters.append(w.worker_id)

    if t == _RAA_MONTH:
        # Adoption work moves to the regional adoption agency: posts are cut below the
        # staff still in the team, who stay until they find other roles.
        sim.funded[_RAA_TEAM] = float(np.floor((sim.la_fte(_RAA_TEAM) - 1.0) * 2) / 2)
    for when, team, change in _GROWTH:
        if t == when:
            sim.funded[team] += change

    # Agency staff to the month's plan: end assignments where teams are fullest, or
    # bring in more where posts are empty.
    agency_target = agency_share / (1 - agency_share) * sim.la_fte()
    month_start = dates.month_start(month)
    while sim.agency_fte() > agency_target + 0.5:
        pool = [
            w
            for w in sim.workers
            if w.employment == "agency"
            and w.qualified
            and w.role == "case_holder"
            and w.start_date < month_start
        ]
        if not pool:
            break
        fullness = np.array(
            [sim.la_fte(w.team) + sim.agency_fte(w.team) - sim.funded[w.team] + 8 for w in pool]
        )
        weights = np.clip(fullness, 0.5, None)
        chosen = pool[int(rng.choice(len(pool), p=weights / weights.sum()))]
        _leave(sim, chosen, month, leavers, ended_by_council=True)
    while sim.agency_fte() < agency_target - 0.5:
        offset, outlier = _case_offset(rng)
        role = _pick(
            rng, {"case_holder": 0.9, "senior_practitioner": 0.06, "first_line_manager": 0.04}
        )
        w = _Worker(
            sim.new_id(),
            _agency_team(sim),
            role,
            "agency",
            float(_pick(rng, _AGENCY_FTE)),
            _weekday_in(rng, month),
            _pick(rng, _AGENCY_ORIGINS),
            offset,
            outlier and role == "case_holder",
        )
        sim.workers.append(w)
        starters.append(w.worker_id)
    return leavers, starters


def _la_team_for_nq(sim: _Sim) -> str:
    # Newly qualified workers start in assessment, child in need and children in care.
    teams = (
        "Assessment 1",
        "Assessment 2",
        "Child in Need 1",
        "Child in Need 2",
        "Children in Care",
        "Child Protection East",
        "Child Protection West",
    )
    gaps = np.array([max(0.5, sim.funded[t] - sim.la_fte(t)) for t in teams])
    return teams[int(sim.rng.choice(len(teams), p=gaps / gaps.sum()))]


def _snapshot(sim: _Sim, t: int, month: str, starters: list[str]) -> list[dict]:
    """Return the month-end workforce rows (cases, sickness, vacancy cover)."""
    rng = sim.rng
    ref = dates.reference_date(month)
    wd = dates.month_working_days(month)
    progress = t / (len(DEMO_MONTHS) - 1)
    mean_cases = 20.6 - 2.8 * progress + rng.normal(0, 0.25)
    new = set(starters)

    # Agency workers who have been longest in a team cover its vacant funded posts.
    covering: dict[str, bool] = {}
    for team in DEMO_TEAMS:
        vacant = max(0.0, sim.funded[team] - sim.la_fte(team))
        agency = sorted(
            (w for w in sim.workers if w.team == team and w.employment == "agency" and w.qualified),
            key=lambda w: (w.start_date, w.worker_id),
        )
        used = 0.0
        for w in agency:
            covering[w.worker_id] = used + w.fte <= vacant + 0.25
            used += w.fte if covering[w.worker_id] else 0.0

    rows = []
    for w in sorted(sim.workers, key=lambda w: w.worker_id):
        sickness, away = _sickness(rng, w, month, wd, w.worker_id in new)
        asye = (
            w.start_origin == "newly_qualified"
            and w.employment != "agency"
            and (ref - w.start_date).days < 365
        )
        cases: int | None = None
        if w.role in ("case_holder", "senior_practitioner") or (
            w.role == "alternatively_qualified" and w.team != "Front Door (MASH)"
        ):
            if w.worker_id in new:
                cases = int(rng.integers(0, 7))  # allocations build up over the first month
            elif away:
                cases = 0  # reallocated during a long absence
            else:
                level = mean_cases + w.case_offset + rng.normal(0, 1.2)
                level = float(np.clip(level, 12, 23))
                if w.outlier:
                    level = float(rng.integers(27, 31))
                if w.role == "senior_practitioner":
                    level *= 0.7
                if asye:
                    level = min(level, float(rng.integers(10, 16)))
                cases = int(round(level * w.fte))
        cover = None
        if w.employment == "agency":
            cover = covering.get(w.worker_id, False) if w.qualified else False
            if rng.random() < 0.03:
                cover = None  # not recorded
        rows.append(
            _worker_row(w)
            | {
                "asye": _bool(asye),
                "cases": "" if cases is None else str(cases),
                "covering_vacancy": _bool(cover),
                "sickness_days": _num(sickness),
            }
        )
    return rows


def _sickness(
    rng: np.random.Generator, w: _Worker, month: str, wd: int, is_new: bool
) -> tuple[float, bool]:
    """Return FTE days lost to sickness in the month and whether away all month."""
    cap = w.fte * wd
    if w.sick_months > 0:
        w.sick_months -= 1
        if w.sick_months == 0 and w.sick_return:
            back = _weekday_in(rng, month)
            days = dates.working_days(dates.month_start(month), back) * w.fte
            return min(cap, round(days, 1)), False
        return round(cap, 1), True
    la = w.employment != "agency"
    if la and not is_new and rng.random() < 0.011:
        first = _weekday_in(rng, month)
        w.sick_months = int(rng.integers(0, 4))
        w.sick_return = bool(rng.random() < 0.7)
        days = dates.working_days(first, dates.reference_date(month)) * w.fte
        return min(cap, round(days, 1)), False
    if rng.random() < (0.14 if la else 0.05):
        days = float(rng.choice([1, 2, 3, 4, 5], p=[0.35, 0.25, 0.18, 0.12, 0.10]))
        if w.fte < 0.8:
            days = min(days, 3.0)
        return min(cap, days), False
    return 0.0, False


def _agency_spend(
    rng: np.random.Generator, sim: _Sim, month: str, budgets: dict[str, float]
) -> list[dict]:
    """Spend roughly in proportion to each team's agency FTE, budget by financial year."""
    total_fte = sim.agency_fte(qualified=False)
    level = float(np.clip((total_fte - 48) / (104 - 48), 0, 1))
    total = 250_000 + 98_000 * level
    total = float(np.clip(total * (1 + rng.normal(0, 0.02)), 253_000, 347_000))
    weights = np.array([sim.agency_fte(t, qualified=False) for t in DEMO_TEAMS])
    weights = weights * np.clip(1 + rng.normal(0, 0.08, len(weights)), 0.7, 1.3)
    late = [i for i, wgt in enumerate(weights) if wgt == 0 and rng.random() < 0.3]
    late_invoices = {i: float(rng.integers(400, 3000)) for i in late}
    rest = total - sum(late_invoices.values())
    spend = weights / weights.sum() * rest
    for i, amount in late_invoices.items():
        spend[i] = amount  # a late invoice from an assignment that has ended
    return [
        {"team": team, "spend_gbp": _num(round(float(spend[i]))), "budget_gbp": _num(budgets[team])}
        for i, team in enumerate(DEMO_TEAMS)
    ]


def _set_budgets(sim: _Sim, month: str) -> dict[str, float]:
    year = Month(month).financial_year_start(4).year  # budgets are set each April
    total = _BUDGETS[year]
    weights = np.array([sim.agency_fte(t, qualified=False) + 1.0 for t in DEMO_TEAMS])
    amounts = np.round(weights / weights.sum() * total / 100) * 100
    return {team: float(amounts[i]) for i, team in enumerate(DEMO_TEAMS)}
