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

The simulation is split by what it knows: :mod:`carelib.demo_people` (the council's
teams and workforce), :mod:`carelib.demo_months` (each month's leavers, starters,
snapshot and spend), :mod:`carelib.demo_actions` (the plan's recommendations and
actions) and :mod:`carelib.demo_plan` (the plan month by month and its measures). This
module builds the tables and writes the files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from carelib import demo_agency, schema
from carelib.demo_months import (
    _agency_spend,
    _set_budgets,
    _simulate_month,
    _snapshot,
)
from carelib.demo_people import (
    DEMO_COUNCIL,
    DEMO_MONTHS,
    DEMO_TEAMS,
    _num,
    _Sim,
    _stock,
    _targets,
)
from carelib.demo_plan import (
    _first_month_kpis,
    _measures,
    _plan,
)

__all__ = [
    "DEMO_COUNCIL",
    "DEMO_MONTHS",
    "DEMO_TEAMS",
    "build_demo_data",
    "csv_bytes",
    "write_demo_data",
]

# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def build_demo_data(seed: int = 2025) -> dict[str, dict[str, pd.DataFrame]]:
    """Simulate the demo council and return every month's tables as text.

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
            if name != "agency_assignments"
        }
        # The optional agency assignments, derived from the month's workforce (no rng).
        out[month]["agency_assignments"] = demo_agency.assignments(
            out[month]["workforce"], month
        ).astype("str")
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return a text frame as UTF-8 CSV bytes with Unix line endings."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_demo_data(out: Path | str, seed: int = 2025, *, overwrite: bool = False) -> list[Path]:
    """Write the demo council's 24 months of data into ``out``.

    Writes ``out/<YYYY-MM>/{workforce,leavers,establishment,agency_spend,actions,
    measures,agency_assignments}.csv`` for each month in :data:`DEMO_MONTHS` and nothing
    else. Other files and folders in ``out`` are left alone.

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
