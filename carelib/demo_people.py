"""The demo council's teams and workforce, simulated worker by worker.

Who Northmoor Borough Council employs (:data:`DEMO_TEAMS`, roles, contracts, FTE,
where starters come from and why leavers go), the simulated workforce (``_Worker``,
``_Sim``) and its opening stock. Each month's changes are in
:mod:`carelib.demo_months`; :mod:`carelib.demo` writes the files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from carelib import dates

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
