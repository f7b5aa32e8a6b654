"""Demo data: 24 months of a fictional council, written in the DATA_SPEC layout.

Northmoor Borough Council (LA code 999 in ``carelib.toml``) does not exist. Its data are
simulated worker by worker so that every month is consistent with the one before: the
same pseudonymous ``worker_id`` carries through the months, a leaver is in the previous
month's snapshot and in none after, starters start inside their month, and the improvement
plan's actions move from not started to complete (or slip, stall and block) over time.

The figures are tuned to look like a council under an improvement plan after a "requires
improvement" inspection: about 150-180 FTE qualified social workers, an agency rate
falling unevenly from about 40% to the low 20s, vacancy rates of 15-25% and caseloads
mostly between 12 and 22. Everything comes from one ``numpy`` generator seeded by the
caller, so a seed always gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from carelib import dates, schema
from carelib.month import Month

#: The 24 reporting months the demo covers, oldest first.
DEMO_MONTHS: tuple[str, ...] = tuple(dates.month_range("2023-10", "2025-09"))

#: Council name used by the demo (as in carelib.toml).
DEMO_COUNCIL = "Northmoor Borough Council"

# Teams and their funded qualified social-work FTE at the start of the plan.
_TEAMS: tuple[tuple[str, float], ...] = (
    ("Front Door (MASH)", 20.0),
    ("Assessment 1", 19.0),
    ("Assessment 2", 18.0),
    ("Child in Need 1", 17.0),
    ("Child in Need 2", 17.0),
    ("Child Protection East", 20.0),
    ("Child Protection West", 19.0),
    ("Children in Care", 22.0),
    ("Care Leavers", 10.0),
    ("Edge of Care", 9.0),
    ("Disabled Children", 14.0),
    ("Fostering & Adoption", 13.0),
)

#: Team names of the demo council.
DEMO_TEAMS: tuple[str, ...] = tuple(name for name, _ in _TEAMS)

_SENIOR_MANAGER_TEAMS = ("Front Door (MASH)", "Child Protection East", "Children in Care")
_MIDDLE_MANAGER_TEAMS = (
    "Front Door (MASH)",
    "Assessment 1",
    "Child in Need 1",
    "Child Protection West",
    "Children in Care",
    "Disabled Children",
)
_WITHOUT_CASES_TEAMS = ("Front Door (MASH)", "Children in Care", "Fostering & Adoption")
# Personal advisers and family support workers: not registered social workers.
_ALT_QUALIFIED_TEAMS = (
    "Care Leavers",
    "Care Leavers",
    "Care Leavers",
    "Edge of Care",
    "Edge of Care",
    "Front Door (MASH)",
)
_MANAGER_ROLES = ("senior_manager", "middle_manager", "first_line_manager")

# Establishment changes: (month index, team, change in funded FTE). The Fostering &
# Adoption cut (adoption work moving to the regional adoption agency) is set in the
# simulation so that the team is briefly over establishment.
_GROWTH = (
    (6, "Front Door (MASH)", 2.0),
    (6, "Child in Need 2", 1.0),
    (18, "Assessment 1", 1.5),
    (18, "Children in Care", 1.0),
    (18, "Child Protection West", 2.0),
)
_RAA_MONTH = 12
_RAA_TEAM = "Fostering & Adoption"

# Monthly agency budget (GBP) by financial year, set each April.
_BUDGETS = {2023: 300_000, 2024: 285_000, 2025: 262_000}


def _pick(rng: np.random.Generator, options: dict[str, float]) -> str:
    keys = list(options)
    weights = np.array([options[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=weights / weights.sum()))]


_LA_ORIGINS = {
    "other_la": 0.34,
    "agency": 0.16,
    "outside_england": 0.08,
    "other_social_work": 0.10,
    "other_social_care": 0.06,
    "non_social_care": 0.02,
    "other": 0.03,
    "not_known": 0.06,
    "": 0.05,
}
_AGENCY_ORIGINS = {"": 0.85, "not_known": 0.05, "other_la": 0.10}
_LA_FTE = {1.0: 0.80, 0.8: 0.08, 0.6: 0.05, 0.5: 0.04, 0.9: 0.03}
_AGENCY_FTE = {1.0: 0.93, 0.8: 0.04, 0.6: 0.03}
_LA_REASONS = {
    "resignation": 0.62,
    "retirement": 0.06,
    "dismissal": 0.02,
    "redundancy": 0.01,
    "moved_within_la": 0.06,
    "other": 0.06,
    "not_known": 0.08,
    "end_of_contract": 0.02,
}
_FIXED_TERM_REASONS = {"end_of_contract": 0.6, "resignation": 0.3, "other": 0.1}
# Agency workers who leave of their own accord (assignments the council ends are
# end_of_contract).
_AGENCY_REASONS = {"resignation": 0.5, "end_of_contract": 0.3, "not_known": 0.15, "other": 0.05}
_DESTINATIONS = {
    "resignation": {
        "other_la": 0.32,
        "agency": 0.26,
        "other_social_work": 0.09,
        "outside_england": 0.03,
        "other_social_care": 0.06,
        "non_social_care": 0.06,
        "career_break": 0.05,
        "other": 0.03,
        "not_known": 0.08,
        "": 0.02,
    },
    "retirement": {"": 0.5, "other": 0.3, "not_known": 0.2},
    "moved_within_la": {"other_social_work": 0.6, "other_social_care": 0.4},
    "end_of_contract": {"other_la": 0.3, "agency": 0.3, "not_known": 0.3, "": 0.1},
    "dismissal": {"not_known": 0.6, "": 0.4},
    "redundancy": {"other": 0.5, "not_known": 0.5},
    "other": {"career_break": 0.4, "other": 0.3, "not_known": 0.3},
    "not_known": {"not_known": 0.6, "": 0.4},
}
_AGENCY_DESTINATIONS = {"": 0.5, "agency": 0.25, "other_la": 0.1, "not_known": 0.15}


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def _num(value: float) -> str:
    """Format a number without trailing zeros (``1``, ``0.8``, ``2.5``)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _bool(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def _iso(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def _weekday_in(
    rng: np.random.Generator, month: str, first: dt.date | None = None, last: dt.date | None = None
) -> dt.date:
    """Return a random weekday of ``month`` between ``first`` and ``last`` if given."""
    lo = max(dates.month_start(month), first) if first else dates.month_start(month)
    hi = min(dates.reference_date(month), last) if last else dates.reference_date(month)
    days = [lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1)]
    weekdays = [d for d in days if d.weekday() < 5] or days
    return weekdays[int(rng.integers(len(weekdays)))]


def _start_before(rng: np.random.Generator, day: dt.date, months: int) -> dt.date:
    """Return a weekday about ``months`` months before ``day`` (a past start date)."""
    month = dates.add_months(dates.month_of(day), -months)
    last = dates.reference_date(month)
    start = last.replace(day=min(day.day, last.day)) - dt.timedelta(days=int(rng.integers(0, 25)))
    while start.weekday() >= 5:
        start -= dt.timedelta(days=1)
    return start


# --------------------------------------------------------------------------------------
# Workforce simulation
# --------------------------------------------------------------------------------------


@dataclass
class _Worker:
    worker_id: str
    team: str
    role: str
    employment: str
    fte: float
    start_date: dt.date
    start_origin: str
    case_offset: float = 0.0  # persistent difference from the service's average caseload
    outlier: bool = False  # one of the few workers with a very high caseload
    sick_months: int = 0  # months of long-term absence still to come
    sick_return: bool = False  # the absence ends part way through its last month

    @property
    def qualified(self) -> bool:
        return self.role != "alternatively_qualified"

    @property
    def la_social_worker(self) -> bool:
        return self.qualified and self.employment != "agency"


@dataclass
class _Sim:
    rng: np.random.Generator
    workers: list[_Worker] = field(default_factory=list)
    funded: dict[str, float] = field(default_factory=dict)
    next_id: int = 700
    pending_roles: list[tuple[str, str]] = field(default_factory=list)

    def new_id(self) -> str:
        self.next_id += int(self.rng.integers(1, 4))
        return f"W{self.next_id:05d}"

    def la_fte(self, team: str | None = None) -> float:
        return sum(
            w.fte for w in self.workers if w.la_social_worker and (team is None or w.team == team)
        )

    def agency_fte(self, team: str | None = None, qualified: bool = True) -> float:
        return sum(
            w.fte
            for w in self.workers
            if w.employment == "agency"
            and (w.qualified or not qualified)
            and (team is None or w.team == team)
        )


def _case_offset(rng: np.random.Generator) -> tuple[float, bool]:
    return float(rng.normal(0.0, 2.0)), bool(rng.random() < 0.04)


def _stock(sim: _Sim, la_target: float, agency_share: float) -> None:
    """Create the workforce in post at the end of September 2023."""
    rng = sim.rng
    ref = dates.reference_date("2023-09")
    ids = rng.permutation(np.arange(100, 700))
    counter = iter(int(i) for i in ids)

    def la_worker(team: str, role: str, tenure_scale: float = 1.0) -> _Worker:
        recent = rng.random() < 0.3 / tenure_scale
        if recent:
            months = int(rng.integers(1, 24))
        else:
            months = 24 + int(rng.exponential(66 * tenure_scale))
        months = min(months, 360)
        start = _start_before(rng, ref, months)
        if role == "case_holder" and months < 24 and rng.random() < 0.45:
            origin = "newly_qualified"
        elif months > 60 and rng.random() < 0.3:
            origin = ""  # not recorded on older HR records
        else:
            origin = _pick(rng, _LA_ORIGINS)
        fte = 1.0 if origin == "newly_qualified" else float(_pick(rng, _LA_FTE))
        employment = "fixed_term" if rng.random() < 0.05 else "permanent"
        offset, outlier = _case_offset(rng)
        return _Worker(
            f"W{next(counter):05d}",
            team,
            role,
            employment,
            fte,
            start,
            origin,
            offset,
            outlier and role == "case_holder",
        )

    def agency_worker(team: str, role: str) -> _Worker:
        months = min(int(rng.exponential(10)), 40)
        start = _start_before(rng, ref, months)
        offset, outlier = _case_offset(rng)
        return _Worker(
            f"W{next(counter):05d}",
            team,
            role,
            "agency",
            float(_pick(rng, _AGENCY_FTE)),
            start,
            _pick(rng, _AGENCY_ORIGINS),
            offset,
            outlier and role == "case_holder",
        )

    share = np.array([f for _, f in _TEAMS]) * rng.uniform(0.7, 0.84, len(_TEAMS))
    share = share / share.sum() * la_target
    interim_flm = set(rng.choice(len(_TEAMS), 3, replace=False).tolist())
    for i, (team, funded) in enumerate(_TEAMS):
        roles: list[str] = []
        if team in _SENIOR_MANAGER_TEAMS:
            roles.append("senior_manager")
        if team in _MIDDLE_MANAGER_TEAMS:
            roles.append("middle_manager")
        n_flm = 2 if funded >= 17 else 1
        roles += ["first_line_manager"] * (n_flm - (1 if i in interim_flm else 0))
        roles += ["senior_practitioner"] * (1 + int(funded >= 17 and rng.random() < 0.6))
        if team in _WITHOUT_CASES_TEAMS:
            roles.append("qualified_without_cases")
        team_workers = [la_worker(team, r, 1.6 if r in _MANAGER_ROLES else 1.0) for r in roles]
        while sum(w.fte for w in team_workers) < share[i] - 0.4:
            team_workers.append(la_worker(team, "case_holder"))
        if i in interim_flm:
            team_workers.append(agency_worker(team, "first_line_manager"))
        sim.workers += team_workers
        sim.funded[team] = funded
    for team in _ALT_QUALIFIED_TEAMS:
        sim.workers.append(la_worker(team, "alternatively_qualified"))
    sim.workers.append(agency_worker("Care Leavers", "alternatively_qualified"))

    agency_target = agency_share / (1 - agency_share) * sim.la_fte()
    while sim.agency_fte() < agency_target - 0.5:
        team = _agency_team(sim)
        role = "senior_practitioner" if rng.random() < 0.06 else "case_holder"
        sim.workers.append(agency_worker(team, role))


def _agency_team(sim: _Sim) -> str:
    """Choose a team for a new agency worker: where posts are empty or workload high."""
    gaps = np.array(
        [
            max(0.3, sim.funded[t] - sim.la_fte(t) - sim.agency_fte(t) + 0.35 * sim.funded[t])
            for t in DEMO_TEAMS
        ]
    )
    return DEMO_TEAMS[int(sim.rng.choice(len(gaps), p=gaps / gaps.sum()))]


def _la_team(sim: _Sim) -> str:
    """Choose a team for a new LA social worker: where funded posts are vacant."""
    gaps = np.array([max(0.0, sim.funded[t] - sim.la_fte(t)) for t in DEMO_TEAMS]) ** 1.2
    if gaps.sum() == 0:
        gaps = np.ones(len(DEMO_TEAMS))
    return DEMO_TEAMS[int(sim.rng.choice(len(gaps), p=gaps / gaps.sum()))]


def _targets(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Return the planned LA social-worker FTE and agency share for each month."""
    n = len(DEMO_MONTHS)
    t = np.arange(n) / (n - 1)
    la = 154 + 16 * t**0.9 + rng.normal(0, 0.8, n)
    # The agency rate falls unevenly: winter sickness cover, a summer wave of resignations
    # and a new project team each push it back up for a month or two.
    bumps = np.zeros(n)
    bumps[[3, 4]] += [0.012, 0.018]
    bumps[[10, 11]] += [0.02, 0.012]
    bumps[[16, 17]] += [0.012, 0.006]
    bumps[21] += 0.012
    share = 0.402 - 0.182 * t**0.85 + bumps + rng.normal(0, 0.004, n)
    return la, share


def _leave(
    sim: _Sim, worker: _Worker, month: str, leavers: list[dict], ended_by_council: bool = False
) -> None:
    rng = sim.rng
    if worker.employment == "agency":
        reason = "end_of_contract" if ended_by_council else _pick(rng, _AGENCY_REASONS)
        destination = _pick(rng, _AGENCY_DESTINATIONS)
    else:
        reason = _pick(
            rng, _FIXED_TERM_REASONS if worker.employment == "fixed_term" else _LA_REASONS
        )
        if reason == "retirement" and worker.start_origin == "newly_qualified":
            reason = "resignation"  # newly qualified workers do not retire
        destination = _pick(rng, _DESTINATIONS[reason])
        if worker.role in _MANAGER_ROLES:
            sim.pending_roles.append((worker.team, worker.role))
    leave_date = _weekday_in(rng, month, first=worker.start_date)
    leavers.append(
        _worker_row(worker)
        | {
            "leave_date": _iso(leave_date),
            "reason": reason,
            "destination": destination,
        }
    )
    sim.workers.remove(worker)


def _worker_row(w: _Worker) -> dict[str, str]:
    return {
        "worker_id": w.worker_id,
        "team": w.team,
        "role": w.role,
        "employment": w.employment,
        "fte": _num(w.fte),
        "start_date": _iso(w.start_date),
        "start_origin": w.start_origin,
    }


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


# --------------------------------------------------------------------------------------
# Improvement plan
# --------------------------------------------------------------------------------------

_RECOMMENDATIONS: tuple[tuple[str, str, str], ...] = (
    (
        "R1",
        "workforce",
        "The stability of the social work workforce, so that children benefit from "
        "consistent relationships with their social workers and fewer changes of worker.",
    ),
    (
        "R2",
        "supervision",
        "The regularity and quality of supervision, so that social workers are helped to "
        "reflect on children's experiences and plans progress without delay.",
    ),
    (
        "R3",
        "management_oversight",
        "Management oversight of children's plans, including the timeliness and recording "
        "of decisions when risks to children increase.",
    ),
    (
        "R4",
        "neglect",
        "The identification of, and response to, children living with chronic neglect, "
        "including the consistent use of a recognised assessment tool.",
    ),
    (
        "R5",
        "out_of_borough",
        "The frequency and quality of visits to children in care who live outside the local "
        "authority area, so that they are seen alone and their plans progress.",
    ),
    (
        "R6",
        "care_leavers",
        "The quality of pathway plans for care leavers and the help they receive to find "
        "and keep suitable accommodation.",
    ),
    (
        "R7",
        "edge_of_care",
        "The timeliness and effectiveness of help for adolescents at risk of entering care, "
        "including those at risk of exploitation.",
    ),
    (
        "R8",
        "family_hubs",
        "The accessibility of early help through family hubs, so that families receive the "
        "right help at the earliest opportunity.",
    ),
    (
        "R9",
        "management_oversight",
        "The timeliness of assessments and management decisions at the front door, so that "
        "children's needs are understood and met without delay.",
    ),
    (
        "R10",
        "workforce",
        "Caseloads in the assessment and child in need teams, so that social workers have "
        "the time to build relationships with children and their families.",
    ),
)

_HOS_SAFEGUARDING = "Head of Service, Safeguarding"
_HOS_CIC = "Head of Service, Children in Care and Care Leavers"
_HOS_EARLY_HELP = "Head of Service, Early Help and Family Hubs"
_HOS_EDGE = "Head of Service, Edge of Care"
_PSW = "Principal Social Worker"
_HRBP = "HR Business Partner"
_WDM = "Workforce Development Manager"
_DCS = "Director of Children's Services"
_QAM = "Quality Assurance Manager"
_PIM = "Performance and Intelligence Manager"
_SM_FRONT = "Service Manager, Front Door"
_SM_CIC = "Service Manager, Children in Care"
_SM_CL = "Service Manager, Care Leavers"
_COMMISSIONING = "Commissioning Manager, Placements"


@dataclass(frozen=True)
class _Action:
    """How one action moves through the plan (month indexes into DEMO_MONTHS)."""

    action_id: str
    recommendation_id: str
    text: str
    owner: str
    start: str
    due: str
    begin: int | None  # month work starts (None: never)
    done: int | None = None  # month completed (None: not by September 2025)
    slips: tuple[tuple[int, str, str], ...] = ()  # (month, new due date, reason)
    blocked: tuple[int, int, str] | None = None  # (from, until (exclusive), reason)
    optimistic: str | None = None  # the owner's RAG while overdue, when kinder than red
    added: int = 0
    removed: int | None = None
    stale: bool = False  # owner rarely updates the note
    notes: tuple[tuple[int, str], ...] = ()  # fixed update text in given months


_ACTIONS: tuple[_Action, ...] = (
    _Action(
        "A01",
        "R1",
        "Launch a recruitment and retention offer for experienced social "
        "workers, including a market supplement for hard-to-fill teams",
        _HRBP,
        "2023-10-01",
        "2024-03-31",
        begin=0,
        done=5,
        notes=(
            (3, "Market supplement of £3,000 a year approved for Assessment & Child in Need teams"),
        ),
    ),
    _Action(
        "A02",
        "R1",
        "Agree a phased plan to reduce reliance on agency social workers "
        "to below 20% by March 2026",
        _HOS_SAFEGUARDING,
        "2023-10-01",
        "2026-03-31",
        begin=0,
    ),
    _Action(
        "A03",
        "R1",
        "Offer permanent contracts to long-standing agency social workers who wish to stay",
        _HRBP,
        "2024-01-01",
        "2024-09-30",
        begin=3,
        done=19,
        slips=((11, "2025-03-31", "fewer conversions than planned; second round agreed"),),
    ),
    _Action(
        "A04",
        "R1",
        "Hold an exit interview with every leaver and report themes to "
        "the workforce board each quarter",
        _HRBP,
        "2023-10-01",
        "2024-01-31",
        begin=1,
        done=4,
    ),
    _Action(
        "A05",
        "R1",
        "Recruit 10 experienced social workers through an international recruitment campaign",
        _WDM,
        "2024-01-01",
        "2024-12-31",
        begin=4,
        slips=((12, "2025-06-30", "sponsorship licence took longer than expected"),),
        blocked=(8, 11, "awaiting the council's visa sponsorship licence"),
        notes=(
            (15, 'Sponsorship licence approved & 4 offers made; "arrivals delayed" by visa checks'),
        ),
    ),
    _Action(
        "A06",
        "R1",
        "Sign the regional memorandum of understanding on agency pay rates",
        _DCS,
        "2023-10-01",
        "2024-06-30",
        begin=0,
        done=8,
    ),
    _Action(
        "A07",
        "R10",
        "Set and monitor a caseload threshold of 18 children per full-time social worker",
        _HOS_SAFEGUARDING,
        "2023-10-01",
        "2024-03-31",
        begin=0,
        done=6,
    ),
    _Action(
        "A08",
        "R10",
        "Set up a time-limited agency project team to reduce caseloads in the Child in Need teams",
        _HOS_SAFEGUARDING,
        "2023-10-01",
        "2024-06-30",
        begin=0,
        done=9,
    ),
    _Action(
        "A09",
        "R10",
        "Protect newly qualified social workers' caseloads during their "
        "assessed and supported year",
        _PSW,
        "2023-10-01",
        "2024-01-31",
        begin=0,
        done=2,
    ),
    _Action(
        "A10",
        "R10",
        "Review weekly caseload data with team managers and rebalance allocations",
        _PIM,
        "2024-01-01",
        "2026-03-31",
        begin=3,
        stale=True,
    ),
    _Action(
        "A11",
        "R2",
        "Revise the supervision policy and recording template to include reflective discussion",
        _PSW,
        "2023-10-01",
        "2024-01-31",
        begin=0,
        done=3,
    ),
    _Action(
        "A12",
        "R2",
        "Deliver supervision training to all first-line managers",
        _WDM,
        "2024-01-01",
        "2024-06-30",
        begin=3,
        done=11,
        slips=((8, "2024-09-30", "trainer availability; two cohorts moved to September"),),
    ),
    _Action(
        "A13",
        "R2",
        "Audit 20 supervision records each month and report compliance to the improvement board",
        _QAM,
        "2023-11-01",
        "2025-03-31",
        begin=1,
        done=18,
    ),
    _Action(
        "A14",
        "R2",
        "Introduce group supervision in the Front Door (MASH)",
        _SM_FRONT,
        "2024-04-01",
        "2024-09-30",
        begin=7,
        done=10,
    ),
    _Action(
        "A15",
        "R3",
        "Add a management oversight recording standard to the case management system",
        _HOS_SAFEGUARDING,
        "2023-10-01",
        "2024-03-31",
        begin=1,
        done=12,
        slips=((5, "2024-09-30", "system change request queued with the supplier"),),
        blocked=(3, 6, "waiting for the case management system supplier's change request slot"),
    ),
    _Action(
        "A16",
        "R3",
        "Hold monthly practice learning days with team and service managers",
        _PSW,
        "2023-11-01",
        "2024-10-31",
        begin=2,
        done=13,
        notes=(
            (
                5,
                "Learning day on \u2018professional curiosity\u2019 held & well "
                "attended (41 staff)",
            ),
        ),
    ),
    _Action(
        "A17",
        "R3",
        "Commission an external review of management oversight in child protection",
        _DCS,
        "2023-10-01",
        "2024-06-30",
        begin=None,
        removed=11,
        notes=(
            (
                9,
                "Superseded by A15 and the practice weeks; to be removed from the "
                "plan at the next board",
            ),
        ),
    ),
    _Action(
        "A18",
        "R3",
        "Introduce practice weeks in which senior leaders observe practice and give feedback",
        _DCS,
        "2024-01-01",
        "2024-12-31",
        begin=4,
        done=14,
    ),
    _Action(
        "A19",
        "R4",
        "Refresh the neglect strategy with partners through the safeguarding children partnership",
        _HOS_SAFEGUARDING,
        "2023-10-01",
        "2024-03-31",
        begin=0,
        done=15,
        slips=(
            (5, "2024-07-31", "partners asked for a longer consultation"),
            (9, "2024-12-31", "strategy to go to the partnership board in December"),
        ),
    ),
    _Action(
        "A20",
        "R4",
        "Train all social workers to use the Graded Care Profile 2",
        _WDM,
        "2024-01-01",
        "2024-12-31",
        begin=3,
        done=14,
    ),
    _Action(
        "A21",
        "R4",
        "Make a Graded Care Profile 2 assessment mandatory before a neglect plan is agreed",
        _PSW,
        "2024-07-01",
        "2025-03-31",
        begin=10,
        optimistic="green",
        notes=(
            (19, "Practice guidance drafted; GCP2 step in the system awaits go-live <date TBC>"),
        ),
    ),
    _Action(
        "A22",
        "R4",
        "Audit neglect cases each quarter and share the learning with partners",
        _QAM,
        "2024-04-01",
        "2026-03-31",
        begin=6,
        stale=True,
    ),
    _Action(
        "A23",
        "R5",
        "Create a dedicated rota for visiting children placed out of "
        "borough, with pooled transport",
        _SM_CIC,
        "2023-10-01",
        "2024-01-31",
        begin=0,
        done=3,
    ),
    _Action(
        "A24",
        "R5",
        "Track visits to children placed out of borough weekly in the performance dashboard",
        _PIM,
        "2023-10-01",
        "2024-02-29",
        begin=1,
        done=5,
    ),
    _Action(
        "A25",
        "R5",
        "Agree reciprocal visiting arrangements with neighbouring councils "
        "for children placed far from home",
        _HOS_CIC,
        "2024-01-01",
        "2024-09-30",
        begin=5,
        blocked=(13, 99, "awaiting sign-off from two neighbouring councils' legal teams"),
    ),
    _Action(
        "A26",
        "R5",
        "Recruit 20 more in-house foster carers through Fostering & "
        "Adoption to reduce placements out of borough",
        _HOS_CIC,
        "2024-01-01",
        "2025-03-31",
        begin=3,
        slips=((17, "2025-09-30", "assessments take longer than planned"),),
        notes=((12, 'Campaign "Be the Difference" launched; 9 of 20 carers approved'),),
    ),
    _Action(
        "A27",
        "R6",
        "Relaunch the local offer for care leavers, written with the Children in Care Council",
        _SM_CL,
        "2023-10-01",
        "2024-04-30",
        begin=0,
        done=8,
    ),
    _Action(
        "A28",
        "R6",
        "Review the pathway plans of all care leavers aged 18 to 21",
        _SM_CL,
        "2023-10-01",
        "2024-03-31",
        begin=0,
        done=6,
    ),
    _Action(
        "A29",
        "R6",
        "Commission supported lodgings and a staying-close service",
        _COMMISSIONING,
        "2024-01-01",
        "2024-12-31",
        begin=4,
        slips=((13, "2025-06-30", "procurement paused while the budget was agreed"),),
        blocked=(10, 14, "procurement paused until the budget is agreed"),
        notes=((14, "Budget £40k agreed & recruitment <in progress>"),),
    ),
    _Action(
        "A30",
        "R6",
        "Offer personal adviser support to care leavers aged 21 to 25 who ask for it",
        _HOS_CIC,
        "2024-04-01",
        "2025-03-31",
        begin=6,
        done=17,
    ),
    _Action(
        "A31",
        "R7",
        "Set up an Edge of Care team offering intensive support within 48 hours",
        _HOS_EDGE,
        "2023-10-01",
        "2024-06-30",
        begin=0,
        done=8,
    ),
    _Action(
        "A32",
        "R7",
        "Introduce a multi-agency panel for adolescents at risk of care or exploitation",
        _HOS_EDGE,
        "2024-01-01",
        "2024-09-30",
        begin=3,
        done=13,
    ),
    _Action(
        "A33",
        "R7",
        "Evaluate the impact of the Edge of Care service after its first year",
        _PIM,
        "2025-04-01",
        "2025-12-31",
        begin=None,
    ),
    _Action(
        "A34",
        "R8",
        "Open four family hubs, one in each locality",
        _HOS_EARLY_HELP,
        "2023-10-01",
        "2024-09-30",
        begin=0,
        done=17,
        slips=((10, "2025-03-31", "building works at the fourth hub overran"),),
    ),
    _Action(
        "A35",
        "R8",
        "Publish the Start for Life offer and the family hub directory online",
        _HOS_EARLY_HELP,
        "2024-01-01",
        "2024-06-30",
        begin=3,
        done=8,
    ),
    _Action(
        "A36",
        "R8",
        "Agree a step-up and step-down protocol between family hubs and children's social care",
        _SM_FRONT,
        "2024-04-01",
        "2024-12-31",
        begin=7,
        slips=(
            (14, "2025-03-31", "partners' comments still being worked through"),
            (17, "2025-07-31", "sign-off moved to the July partnership board"),
        ),
        optimistic="amber",
    ),
    _Action(
        "A37",
        "R9",
        "Introduce daily management triage of all contacts in the Front Door (MASH)",
        _SM_FRONT,
        "2023-10-01",
        "2023-12-31",
        begin=0,
        done=2,
    ),
    _Action(
        "A38",
        "R9",
        "Set a 10-working-day target for first assessment visits and report it weekly",
        _HOS_SAFEGUARDING,
        "2023-10-01",
        "2024-03-31",
        begin=0,
        done=5,
    ),
    _Action(
        "A39",
        "R9",
        "Audit a sample of re-referrals each quarter to understand why families come back",
        _QAM,
        "2024-04-01",
        "2026-03-31",
        begin=7,
        blocked=(22, 99, "Quality Assurance Manager post vacant since July; audits paused"),
    ),
    _Action(
        "A40",
        "R9",
        "Agree a shared threshold document with partners, including schools and health",
        _HOS_SAFEGUARDING,
        "2023-10-01",
        "2024-03-31",
        begin=0,
        done=4,
    ),
    _Action(
        "A41",
        "R1",
        "Launch a newly qualified social worker academy with a protected first year",
        _PSW,
        "2024-04-01",
        "2024-09-30",
        begin=6,
        done=11,
        added=6,
    ),
    _Action(
        "A42",
        "R2",
        "Add supervision compliance by team to the performance dashboard",
        _PIM,
        "2025-01-01",
        "2025-06-30",
        begin=15,
        added=14,
    ),
    _Action(
        "A43",
        "R6",
        "Pilot a care leavers' hub with housing, benefits & health advice in one place",
        _SM_CL,
        "2025-06-01",
        "2026-01-31",
        begin=20,
        added=19,
    ),
)

_PROGRESS_NOTES = (
    "Work under way; progress reported to the improvement board.",
    "On track; next milestone agreed with the service manager.",
    "Draft shared with partners for comment; feedback due next month.",
    "Steady progress, slowed a little by staff absence in the team.",
    "Milestones met this month; evidence filed for the improvement board.",
    "Task and finish group met twice this month; actions on track.",
)
_LATE_NOTES = (
    "Behind schedule: capacity in the team has limited progress; recovery plan to the next board.",
    "Delayed; revised timescale to be agreed at the improvement board.",
    "Still outstanding; owner to present a recovery plan next month.",
)
_DONE_NOTES = (
    "Complete: evidence of impact reviewed by the improvement board.",
    "Complete; now business as usual and monitored through the performance dashboard.",
    "Complete and signed off by the Director of Children's Services.",
)
_WAITING_NOTES = (
    "Not started; waiting for capacity in the team.",
    "Not started; scoping to begin once the linked action is complete.",
)


def _short(day: dt.date) -> str:
    return day.strftime("%d %b %Y").lstrip("0")


def _plan(rng: np.random.Generator) -> dict[str, list[dict]]:
    """Return the action plan rows for every month."""
    rec = {r: (text, theme) for r, theme, text in _RECOMMENDATIONS}
    out: dict[str, list[dict]] = {m: [] for m in DEMO_MONTHS}
    for a in _ACTIONS:
        completed = None
        if a.done is not None:
            month = DEMO_MONTHS[a.done]
            completed = _weekday_in(rng, month, first=dt.date.fromisoformat(a.start))
        note, note_key = "", None
        start = dt.date.fromisoformat(a.start)
        for t, month in enumerate(DEMO_MONTHS):
            if t < a.added or (a.removed is not None and t >= a.removed):
                continue
            ref = dates.reference_date(month)
            due = dt.date.fromisoformat(a.due)
            slip_reason = None
            for when, new_due, reason in a.slips:
                if t >= when:
                    slip_reason = (when, _short(due), new_due, reason)
                    due = dt.date.fromisoformat(new_due)
            if a.blocked and a.blocked[0] <= t < a.blocked[1]:
                status = "blocked"
            elif a.done is not None and t >= a.done:
                status = "complete"
            elif a.begin is not None and t >= a.begin:
                status = "in_progress"
            else:
                status = "not_started"
            overdue = status != "complete" and due < ref
            rag = _officer_rag(rng, a, status, due, ref, overdue, start, t)

            label = ref.strftime("%b %Y")
            key = (status, due, overdue, start > ref)
            fixed = dict(a.notes).get(t)
            if fixed:
                note, note_key = f"{label}: {fixed}", key
            elif slip_reason and slip_reason[0] == t:
                _, old, new_due, reason = slip_reason
                note = (
                    f"{label}: Due date moved from {old} to "
                    f"{_short(dt.date.fromisoformat(new_due))}: {reason}."
                )
                note_key = key
            elif key != note_key or (
                status == "in_progress" and rng.random() < (0.08 if a.stale else 0.35)
            ):
                body = _note_for(rng, a, status, overdue, start, ref)
                if body and f"{label}: {body}" != note:
                    note = f"{label}: {body}"
                note_key = key
            out[month].append(
                {
                    "action_id": a.action_id,
                    "recommendation_id": a.recommendation_id,
                    "recommendation": rec[a.recommendation_id][0],
                    "theme": rec[a.recommendation_id][1],
                    "action": a.text,
                    "owner": a.owner,
                    "start_date": a.start,
                    "due_date": _iso(due),
                    "status": status,
                    "completed_date": _iso(completed) if status == "complete" else "",
                    "officer_rag": rag,
                    "update": note,
                }
            )
    return out


def _note_for(
    rng: np.random.Generator, a: _Action, status: str, overdue: bool, start: dt.date, ref: dt.date
) -> str:
    if status == "blocked":
        return f"Blocked: {a.blocked[2]}."
    if status == "complete":
        return str(rng.choice(_DONE_NOTES))
    if status == "in_progress":
        return str(rng.choice(_LATE_NOTES if overdue else _PROGRESS_NOTES))
    if start > ref:
        return ""  # nothing to say before the planned start
    return str(rng.choice(_WAITING_NOTES))


def _officer_rag(
    rng: np.random.Generator,
    a: _Action,
    status: str,
    due: dt.date,
    ref: dt.date,
    overdue: bool,
    start: dt.date,
    t: int,
) -> str:
    if t == a.added and a.added > 0:
        return ""  # new actions have no rating in their first month
    if status == "complete":
        return "blue"
    if status == "blocked":
        return "red"
    if overdue:
        return a.optimistic or "red"
    if status == "not_started":
        return "green" if start > ref else "amber"
    if (due - ref).days <= 31:
        return "amber"
    return "amber" if rng.random() < 0.1 else "green"


# --------------------------------------------------------------------------------------
# Progress measures
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Measure:
    measure_id: str
    recommendation_id: str
    name: str
    unit: str
    polarity: str
    baseline: float
    target: float
    target_date: str
    pace: float = 1.0  # share of the planned improvement achieved (negative: worse)
    kpi: str = ""
    # First month in the file. A measure without a kpi always has a value from then on:
    # the contracts reject a blank value unless a kpi is given.
    added: int = 0
    quarterly: bool = False  # value refreshed once a quarter


_MEASURES: tuple[_Measure, ...] = (
    _Measure(
        "M01",
        "R5",
        "Children placed out of borough visited within timescale",
        "percent",
        "higher_is_better",
        68.0,
        90.0,
        "2025-03-31",
        1.0,
    ),
    _Measure(
        "M02",
        "R6",
        "Care leavers in touch with the local authority",
        "percent",
        "higher_is_better",
        82.0,
        95.0,
        "2025-03-31",
        0.55,
    ),
    _Measure(
        "M03",
        "R6",
        "Care leavers aged 19 to 21 in suitable accommodation",
        "percent",
        "higher_is_better",
        84.0,
        92.0,
        "2026-03-31",
        0.95,
    ),
    _Measure(
        "M04",
        "R2",
        "Supervision within timescale",
        "percent",
        "higher_is_better",
        61.0,
        90.0,
        "2025-03-31",
        0.85,
    ),
    _Measure(
        "M05",
        "R8",
        "Family Hub contacts",
        "count",
        "higher_is_better",
        310.0,
        600.0,
        "2026-03-31",
        1.1,
        added=3,  # the first family hubs opened in January 2024
    ),
    _Measure(
        "M06",
        "R4",
        "Neglect cases assessed with the Graded Care Profile",
        "percent",
        "higher_is_better",
        12.0,
        75.0,
        "2025-03-31",
        0.7,
    ),
    _Measure(
        "M07",
        "R9",
        "Average days from referral to assessment",
        "days",
        "lower_is_better",
        41.0,
        30.0,
        "2025-03-31",
        1.0,
    ),
    _Measure(
        "M08",
        "R9",
        "Re-referrals within 12 months",
        "percent",
        "lower_is_better",
        24.0,
        20.0,
        "2026-03-31",
        -0.6,
    ),
    _Measure(
        "M09",
        "R1",
        "Agency social workers (agency rate)",
        "percent",
        "lower_is_better",
        0.0,
        20.0,
        "2026-03-31",
        kpi="agency_rate",
    ),
    _Measure(
        "M10",
        "R10",
        "Average caseload of case-holding social workers",
        "ratio",
        "lower_is_better",
        0.0,
        18.0,
        "2025-03-31",
        kpi="average_caseload",
    ),
    _Measure(
        "M11",
        "R1",
        "Social worker turnover in the last 12 months",
        "percent",
        "lower_is_better",
        19.5,
        15.0,
        "2026-03-31",
        kpi="turnover_rate_12m",
    ),
    _Measure(
        "M12",
        "R7",
        "Adolescents supported by Edge of Care still at home after six months",
        "percent",
        "higher_is_better",
        55.0,
        75.0,
        "2026-03-31",
        1.0,
    ),
    _Measure(
        "M13",
        "R3",
        "Case file audits rated good or better",
        "percent",
        "higher_is_better",
        22.0,
        50.0,
        "2026-03-31",
        0.6,
        added=6,
        quarterly=True,
    ),
)


def _measures(rng: np.random.Generator, baselines: dict[str, float]) -> dict[str, list[dict]]:
    """Return the progress measure rows for every month."""
    plan_start = dates.month_start(DEMO_MONTHS[0])
    out: dict[str, list[dict]] = {m: [] for m in DEMO_MONTHS}
    for m in _MEASURES:
        baseline = baselines.get(m.kpi, m.baseline)
        span = (dt.date.fromisoformat(m.target_date) - plan_start).days
        gap = m.target - baseline
        value_text = ""
        for t, month in enumerate(DEMO_MONTHS):
            if t < m.added:
                continue
            ref = dates.reference_date(month)
            if m.kpi:
                value_text = ""
            elif not m.quarterly or (t - m.added) % 3 == 0:
                done = min(1.05, (ref - plan_start).days / span) * m.pace
                value = baseline + gap * done + rng.normal(0, abs(gap) * 0.07)
                if m.unit == "count":
                    seasonal = {8: 0.82, 12: 0.85, 4: 0.93}.get(Month(month).month, 1.0)
                    value_text = _num(round(value * seasonal))
                else:
                    if m.unit == "percent":
                        value = float(np.clip(value, 0, 100))
                    value_text = _num(round(value, 1))
            out[month].append(
                {
                    "measure_id": m.measure_id,
                    "recommendation_id": m.recommendation_id,
                    "name": m.name,
                    "unit": m.unit,
                    "polarity": m.polarity,
                    "baseline": _num(baseline),
                    "target": _num(m.target),
                    "target_date": m.target_date,
                    "value": value_text,
                    "kpi": m.kpi,
                }
            )
    return out


def _first_month_kpis(rows: list[dict]) -> dict[str, float]:
    """Agency rate and average caseload of a snapshot, to set the KPI baselines."""
    qualified = [r for r in rows if r["role"] != "alternatively_qualified"]
    agency = sum(float(r["fte"]) for r in qualified if r["employment"] == "agency")
    la = sum(float(r["fte"]) for r in qualified if r["employment"] != "agency")
    holders = [r for r in qualified if r["cases"] not in ("", "0")]
    cases = sum(int(r["cases"]) for r in holders)
    fte = sum(float(r["fte"]) for r in holders)
    return {
        "agency_rate": round(agency / (agency + la) * 100, 1),
        "average_caseload": round(cases / fte, 1),
    }


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def build_demo_data(seed: int = 2025) -> dict[str, dict[str, pd.DataFrame]]:
    """Simulate the demo council and return every month's six tables as text.

    Parameters
    ----------
    seed : int
        Seed of the random generator; the same seed always gives the same tables.

    Returns
    -------
    dict
        ``{month: {dataset: DataFrame}}`` for each month in :data:`DEMO_MONTHS`; every
        frame holds text cells exactly as they are written to the CSV files, columns in
        DATA_SPEC order, blank cells as empty strings.
    """
    rng = np.random.default_rng(seed)
    la_targets, shares = _targets(rng)
    sim = _Sim(rng)
    _stock(sim, la_targets[0] - 2.0, shares[0])
    tables: dict[str, dict[str, list[dict]]] = {m: {} for m in DEMO_MONTHS}
    budgets: dict[str, float] = {}
    for t, month in enumerate(DEMO_MONTHS):
        leavers, starters = _simulate_month(sim, t, month, la_targets[t], shares[t])
        if t == 0 or month.endswith("-04"):
            budgets = _set_budgets(sim, month)
        tables[month]["workforce"] = _snapshot(sim, t, month, starters)
        tables[month]["leavers"] = sorted(leavers, key=lambda r: r["worker_id"])
        tables[month]["establishment"] = [
            {"team": team, "funded_fte": _num(sim.funded[team])} for team in DEMO_TEAMS
        ]
        tables[month]["agency_spend"] = _agency_spend(rng, sim, month, budgets)
    plan = _plan(rng)
    measures = _measures(rng, _first_month_kpis(tables[DEMO_MONTHS[0]]["workforce"]))
    out: dict[str, dict[str, pd.DataFrame]] = {}
    for month in DEMO_MONTHS:
        tables[month]["actions"] = plan[month]
        tables[month]["measures"] = measures[month]
        out[month] = {
            name: pd.DataFrame(tables[month][name], columns=schema.column_names(name), dtype="str")
            for name in schema.DATASETS
        }
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return a text frame as UTF-8 CSV bytes with Unix line endings."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_demo_data(out: Path | str, seed: int = 2025, *, overwrite: bool = False) -> list[Path]:
    """Write the demo council's 24 months of data into ``out``.

    Writes ``out/<YYYY-MM>/{workforce,leavers,establishment,agency_spend,actions,
    measures}.csv`` for each month in :data:`DEMO_MONTHS` and nothing else. Other files
    and folders in ``out`` are left alone.

    Parameters
    ----------
    out : path
        Folder to write into; created if needed.
    seed : int
        Seed of the random generator; the same seed gives byte-identical files.
    overwrite : bool
        Replace files whose content differs from what would be written. Without it, a
        folder that already holds different data (a council's real files, or demo data
        from another seed) is refused before anything is written; rewriting identical
        demo files is always allowed.

    Returns
    -------
    list of Path
        The month folders written, oldest first.

    Raises
    ------
    FileExistsError
        When files would be replaced and ``overwrite`` is False.
    ValueError
        When a month folder or file inside ``out`` is a link leading outside it.
    NotADirectoryError
        When ``out`` exists and is not a folder.
    """
    root = Path(out)
    if root.exists() and not root.is_dir():
        raise NotADirectoryError(f"{root} exists and is not a folder")
    tables = build_demo_data(seed)
    inside = root.resolve()
    planned: list[tuple[Path, bytes]] = []
    for month in DEMO_MONTHS:
        for name, frame in tables[month].items():
            path = root / month / f"{name}.csv"
            if not path.resolve().is_relative_to(inside):
                raise ValueError(f"{path} leads outside {root}; demo data not written")
            planned.append((path, csv_bytes(frame)))
    if not overwrite:
        clashes = [p for p, data in planned if p.exists() and p.read_bytes() != data]
        if clashes:
            raise FileExistsError(
                f"{len(clashes)} file(s) in {root} hold different data (first: "
                f"{clashes[0]}); nothing was written. Choose an empty folder or pass "
                "overwrite=True to replace them."
            )
    for path, data in planned:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    return [root / month for month in DEMO_MONTHS]
