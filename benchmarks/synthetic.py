"""A synthetic workforce History for scale benchmarks (no files: built in memory).

The shape follows the demo council, scaled: about 1.2% of workers leave each month and
are replaced in the same team, 1 in 5 is agency, 1 in 10 alternatively qualified, a
share work part time, case holders carry an ``Int64`` caseload, and every team has an
establishment row and an agency-spend row every month. Frames are typed as
:func:`carelib.loading.load_history` types them, with a ``month`` column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carelib import dates, loading, schema

QUALIFIED = [
    "case_holder",
    "senior_practitioner",
    "first_line_manager",
    "middle_manager",
    "senior_manager",
    "qualified_without_cases",
]
QUALIFIED_P = [0.62, 0.16, 0.11, 0.06, 0.02, 0.03]
ORIGINS = list(schema.START_ORIGINS)
REASONS = list(schema.LEAVE_REASONS)
DESTINATIONS = list(schema.DESTINATIONS)
CASE_ROLES = {"case_holder", "senior_practitioner"}
WORKERS_PER_TEAM = 20


def _str(values) -> pd.Series:
    return pd.Series(values, dtype="str")


def _empty(dataset: str) -> pd.DataFrame:
    raw = pd.DataFrame({c: pd.Series([], dtype="str") for c in schema.column_names(dataset)})
    typed, _ = loading.type_columns(dataset, raw)
    typed["month"] = pd.Series([], dtype="str")
    return typed


class _Staff:
    """The current workforce as column arrays (one element per worker in post)."""

    def __init__(self, rng: np.random.Generator, n: int, teams: np.ndarray, first: str):
        self.rng = rng
        self.next_id = 0
        self.teams = teams
        self.cols: dict[str, np.ndarray] = {}
        self.cols = self._new(n, dates.month_start(first), hired=False)

    def _new(self, n: int, month_start, hired: bool) -> dict[str, np.ndarray]:
        rng = self.rng
        ids = np.array([f"S{i:07d}" for i in range(self.next_id, self.next_id + n)])
        self.next_id += n
        aq = rng.random(n) < 0.10
        role = np.where(aq, "alternatively_qualified", rng.choice(QUALIFIED, size=n, p=QUALIFIED_P))
        agency = rng.random(n) < 0.20
        employment = np.where(
            agency, "agency", np.where(rng.random(n) < 0.85, "permanent", "fixed_term")
        )
        fte = np.where(rng.random(n) < 0.8, 1.0, rng.choice([0.5, 0.6, 0.8, 0.9], size=n))
        base = np.datetime64(month_start, "D")
        if hired:  # starts during the month
            start = base + rng.integers(0, 28, size=n).astype("timedelta64[D]")
        else:  # in post for up to 15 years already
            start = base - rng.integers(1, 15 * 365, size=n).astype("timedelta64[D]")
        origin = rng.choice(ORIGINS + [""], size=n)
        return {
            "worker_id": ids,
            "team": rng.choice(self.teams, size=n),
            "role": role,
            "employment": employment,
            "fte": fte,
            "start_date": start,
            "start_origin": origin,
        }

    def snapshot(self, month: str) -> pd.DataFrame:
        rng = self.rng
        c = self.cols
        n = len(c["worker_id"])
        ref = np.datetime64(dates.reference_date(month), "D")
        nq = (c["start_origin"] == "newly_qualified") & (
            ref - c["start_date"] < np.timedelta64(365, "D")
        )
        holds = np.isin(c["role"], list(CASE_ROLES))
        cases = pd.array(np.where(holds, rng.integers(4, 26, size=n), 0), dtype="Int64")
        cases[~holds] = pd.NA
        agency = c["employment"] == "agency"
        covering = pd.array(np.where(agency, rng.random(n) < 0.7, False), dtype="boolean")
        covering[~agency] = pd.NA
        sick = np.where(rng.random(n) < 0.15, rng.integers(1, 8, size=n), 0).astype(float)
        origin = pd.Series(c["start_origin"], dtype="str").replace("", pd.NA)
        return pd.DataFrame(
            {
                "worker_id": _str(c["worker_id"]),
                "team": _str(c["team"]),
                "role": _str(c["role"]),
                "employment": _str(c["employment"]),
                "fte": c["fte"].astype("float64"),
                "start_date": c["start_date"].astype("datetime64[ns]"),
                "start_origin": origin,
                "asye": pd.array(nq, dtype="boolean"),
                "cases": cases,
                "covering_vacancy": covering,
                "sickness_days": sick,
                "month": _str(np.full(n, month)),
            }
        )

    def turn_over(self, month: str, rate: float) -> pd.DataFrame:
        """Remove about ``rate`` of the workers (returned as leavers) and hire replacements."""
        rng = self.rng
        c = self.cols
        n = len(c["worker_id"])
        leaving = rng.random(n) < rate
        k = int(leaving.sum())
        start = np.datetime64(dates.month_start(month), "D")
        leave_date = start + rng.integers(0, 28, size=k).astype("timedelta64[D]")
        leavers = pd.DataFrame(
            {
                "worker_id": _str(c["worker_id"][leaving]),
                "team": _str(c["team"][leaving]),
                "role": _str(c["role"][leaving]),
                "employment": _str(c["employment"][leaving]),
                "fte": c["fte"][leaving].astype("float64"),
                "start_date": c["start_date"][leaving].astype("datetime64[ns]"),
                "start_origin": pd.Series(c["start_origin"][leaving], dtype="str").replace(
                    "", pd.NA
                ),
                "leave_date": leave_date.astype("datetime64[ns]"),
                "reason": _str(rng.choice(REASONS, size=k)),
                "destination": _str(rng.choice(DESTINATIONS, size=k)),
                "month": _str(np.full(k, month)),
            }
        )
        hires = self._new(k, dates.month_start(month), hired=True)
        hires["team"] = c["team"][leaving]  # replaced in the same team
        self.cols = {name: np.concatenate([col[~leaving], hires[name]]) for name, col in c.items()}
        return leavers


def history(
    n_workers: int, n_months: int, last: str = "2025-09", seed: int = 7, leave_rate: float = 0.012
) -> loading.History:
    """Return a History of ``n_months`` months ending ``last`` for ``n_workers`` workers."""
    rng = np.random.default_rng(seed)
    months = [dates.add_months(last, i - n_months + 1) for i in range(n_months)]
    n_teams = max(1, n_workers // WORKERS_PER_TEAM)
    teams = np.array([f"Team {i:04d}" for i in range(n_teams)])
    staff = _Staff(rng, n_workers, teams, months[0])
    workforce, leavers, establishment, spend = [], [], [], []
    for month in months:
        leavers.append(staff.turn_over(month, leave_rate))
        snap = staff.snapshot(month)
        workforce.append(snap)
        # Funded posts: the team's permanent and fixed-term FTE plus about a fifth vacant.
        la = snap[snap["employment"] != "agency"].groupby("team")["fte"].sum()
        la = la.reindex(teams, fill_value=0.0).to_numpy()
        funded = np.round(la * rng.uniform(1.1, 1.35, size=n_teams) * 2) / 2
        establishment.append(
            pd.DataFrame(
                {"team": _str(teams), "funded_fte": funded, "month": _str(np.full(n_teams, month))}
            )
        )
        agency = snap[snap["employment"] == "agency"].groupby("team")["fte"].sum()
        agency = agency.reindex(teams, fill_value=0.0).to_numpy()
        spend.append(
            pd.DataFrame(
                {
                    "team": _str(teams),
                    "spend_gbp": np.round(agency * rng.uniform(5500, 7500, size=n_teams)),
                    "budget_gbp": np.round(agency * 6000 + 2000),
                    "month": _str(np.full(n_teams, month)),
                }
            )
        )
    return loading.History(
        months=months,
        workforce=pd.concat(workforce, ignore_index=True),
        leavers=pd.concat(leavers, ignore_index=True),
        establishment=pd.concat(establishment, ignore_index=True),
        agency_spend=pd.concat(spend, ignore_index=True),
        actions=_empty("actions"),
        measures=_empty("measures"),
    )
