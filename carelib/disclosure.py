"""Disclosure control over every published count: the linear relations between cells.

Row-and-column secondary suppression (:mod:`carelib.suppression`) protects one table. A
reader who keeps every month's publication has more to work with: the 12-month leaver
count of March 2025 minus that of February 2025 is March 2025's leavers minus March
2024's, a financial-year-to-date count minus the month before is the month's count, and
a council total is the sum of its teams in every month that shows teams. This module
treats all of that as one system of linear equations, as statistical agencies do:

- the unknowns (*atoms*) are counts of people who are alike in every published cell
  they count in (for leavers: team, leave month, month of the file that reports them,
  reason and destination; for starters: one record of a worker, with the months its
  start counts in), all whole numbers and never negative;
- every published cell is a sum of atoms; a shown cell is an equation, a suppressed
  cell (``c``) is an unknown sum.

:func:`protect` adds secondary suppression until no suppressed cell is fixed by the
shown ones (by the equations, with every atom of a cell shown as 0 known to be 0),
taking the months in order so that a month's decision depends only on the months before
it and is the same in every later publication. :func:`audit` is the independent check:
for each suppressed cell it solves two small integer programmes
(:func:`scipy.optimize.linprog`, HiGHS), the least and the greatest value the cell can
take given every published figure, non-negativity and whole numbers. A cell is
protected when that range is at least 1 (more than one value is possible).

:func:`workforce_cells` builds the system for the workforce page's counts of people
that run across months and teams: leavers in the month and in 12 months (council and
teams, and the leavers-by-reason and -by-destination tables) and starters in 12 months
and in the financial year to date. Headcounts at a month end are stocks: each month's
council and team figures form their own table, protected by the row-and-column rule.
Caveats are in docs/aqa/assumptions_and_caveats.md (entries 10 and 11).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: The workforce indicators whose cells :func:`workforce_cells` models, with the key of
#: the count behind each in ``carelib.publication``.
FLOW_INDICATORS = {
    "leavers_headcount_month": "leavers_hc_month",
    "leavers_headcount_12m": "leavers_hc_12m",
    "starters_12m": "starters_12m",
    "starters_fytd": "starters_fytd",
}
#: Columns of the leavers-by-reason and -by-destination tables.
BREAKDOWN_COLUMNS = {"month": "headcount_month", "12m": "headcount_12m"}


@dataclass
class Cells:
    """Published cells as sums of atoms (counts of alike people).

    Attributes
    ----------
    keys : list
        One key per cell, e.g. ``("leavers_headcount_12m", "Team A", "2025-03")``.
    members : list of list of int
        The atoms each cell adds up.
    values : list of float
        Each cell's true value.
    stages : list of int
        When each cell is first published (a month index): cells are protected in
        stage order.
    atoms : dict
        Atom key -> index.
    atom_values : list of float
        Each atom's true count.
    """

    keys: list = field(default_factory=list)
    members: list = field(default_factory=list)
    values: list = field(default_factory=list)
    stages: list = field(default_factory=list)
    atoms: dict = field(default_factory=dict)
    atom_values: list = field(default_factory=list)

    def atom(self, key: Hashable, count: float = 0.0) -> int:
        """Return the index of atom ``key``, adding ``count`` to its true count."""
        if key not in self.atoms:
            self.atoms[key] = len(self.atom_values)
            self.atom_values.append(0.0)
        index = self.atoms[key]
        self.atom_values[index] += count
        return index

    def add(self, key: Hashable, members: Iterable[int], value: float, stage: int) -> None:
        """Add a published cell: the sum of ``members`` (atom indices), truly ``value``."""
        self.keys.append(key)
        self.members.append(sorted(set(members)))
        self.values.append(float(value))
        self.stages.append(int(stage))

    def matrix(self) -> np.ndarray:
        """Cells x atoms, 1 where the cell counts the atom."""
        out = np.zeros((len(self.keys), len(self.atom_values)))
        for i, members in enumerate(self.members):
            out[i, members] = 1.0
        return out

    def subset(self, keep) -> Cells:
        """The cells where ``keep`` is True (same atoms)."""
        keep = np.asarray(keep, dtype=bool)
        pick = [i for i in range(len(self.keys)) if keep[i]]
        return Cells(
            keys=[self.keys[i] for i in pick],
            members=[self.members[i] for i in pick],
            values=[self.values[i] for i in pick],
            stages=[self.stages[i] for i in pick],
            atoms=dict(self.atoms),
            atom_values=list(self.atom_values),
        )

    def mismatches(self) -> list:
        """Keys of cells whose value is not the sum of their atoms' true counts (a model error)."""
        counts = np.asarray(self.atom_values)
        return [
            k
            for k, m, v in zip(self.keys, self.members, self.values, strict=True)
            if abs(counts[m].sum() - v) > 1e-6
        ]


def determined(matrix: np.ndarray, values, shown: np.ndarray) -> np.ndarray:
    """Return, per cell, whether the shown cells fix its value.

    A cell is fixed when its row is a linear combination of the shown rows, once every
    atom of a shown zero is known to be zero (counts are never negative).

    Parameters
    ----------
    matrix : numpy.ndarray
        Cells x atoms (:meth:`Cells.matrix`).
    values : sequence of float
        The cells' values (only whether a shown cell is 0 matters).
    shown : numpy.ndarray
        Booleans: the cells published as numbers.
    """
    null = _free_directions(matrix, np.asarray(values, dtype=float), shown)
    if null.shape[1] == 0:
        return np.ones(len(matrix), dtype=bool)
    return np.abs(matrix @ null).max(axis=1) < 1e-7


def _free_directions(matrix: np.ndarray, values: np.ndarray, shown: np.ndarray) -> np.ndarray:
    """The directions the atoms can move in without changing any shown cell."""
    return _decompose(matrix, values, shown)[0]


def _decompose(matrix: np.ndarray, values: np.ndarray, shown: np.ndarray):
    """Null space and pseudo-inverse of the shown cells' Gram matrix (atoms x atoms).

    The shown rows, with a unit row for every atom of a shown zero, have the same null
    space as their Gram matrix, which is small (atoms x atoms) however many cells are
    shown; its pseudo-inverse gives a combination of shown rows equal to any row they
    fix (``rows @ inverse @ row``).
    """
    rows = matrix[shown]
    zero = (rows[values[shown] == 0].sum(axis=0) > 0).astype(float)
    gram = rows.T @ rows + np.diag(zero)
    if not gram.size:
        return np.zeros((matrix.shape[1], 0)), gram
    lam, vec = np.linalg.eigh(gram)
    keep = lam > 1e-11 * max(1.0, float(lam.max()))
    inverse = (vec[:, keep] / lam[keep]) @ vec[:, keep].T
    return vec[:, ~keep], inverse


def protect(cells: Cells, hidden, sensitive=None) -> np.ndarray:
    """Add secondary suppression until no suppressed cell is fixed by the shown cells.

    Stage by stage (month by month): the cells of stages up to the current one are
    considered; while a suppressed cell is fixed, one more cell of the current stage is
    suppressed: the smallest non-zero one (a zero only when it must) among the shown
    cells of one combination that gives it back. Cells of earlier stages are never
    changed, so a month's suppression stays the same when later months are published.

    Parameters
    ----------
    cells : Cells
        The published cells.
    hidden : sequence of bool
        Cells already suppressed (primary suppression, and complements of other rules).
    sensitive : sequence of bool, optional
        The cells that must stay suppressed (small counts). A suppressed cell that is
        not sensitive and whose value the shown cells pin down anyway, through
        non-negativity (:func:`audit`), is shown: showing it tells nobody anything new.

    Returns
    -------
    numpy.ndarray
        Booleans: the cells to suppress (``hidden`` and the complements added).
    """
    hidden = np.asarray(hidden, dtype=bool).copy()
    if not hidden.any():
        return hidden
    matrix = cells.matrix()
    values = np.asarray(cells.values, dtype=float)
    stages = np.asarray(cells.stages)
    # Cells that share no atom cannot tell anything about each other: solve each group
    # on its own (leavers, starters in 12 months and in the year are separate systems).
    for rows, cols in _components(matrix):
        sub = matrix[np.ix_(rows, cols)]
        hidden[rows] = _protect_block(sub, values[rows], stages[rows], hidden[rows])
        if sensitive is not None:
            loose = rows[hidden[rows] & ~np.asarray(sensitive, dtype=bool)[rows]]
            # Linear relaxation: pinned there means pinned for whole numbers too.
            for i, low, high in _ranges(matrix, values, hidden, rows, cols, loose, False):
                if high - low < 1 - 1e-9:
                    hidden[i] = False
    return hidden


def _components(matrix: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Groups of cells (rows) linked through shared atoms (columns), with their atoms."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    n_cells, n_atoms = matrix.shape
    rows, cols = np.nonzero(matrix)
    graph = csr_matrix((np.ones(len(rows)), (rows, n_cells + cols)), shape=(n_cells + n_atoms,) * 2)
    _, labels = connected_components(graph, directed=False)
    out = []
    for label in np.unique(labels[:n_cells]):
        cell_idx = np.flatnonzero(labels[:n_cells] == label)
        atom_idx = np.flatnonzero(labels[n_cells:] == label)
        out.append((cell_idx, atom_idx))
    return out


def _protect_block(
    matrix: np.ndarray, values: np.ndarray, stages: np.ndarray, hidden: np.ndarray
) -> np.ndarray:
    hidden = hidden.copy()
    if matrix.shape[1] == 0 or not hidden.any():
        return hidden
    # Cells fixed by earlier months' figures alone: nothing this month can free them
    # (the audit reports them).
    lost = np.zeros(len(hidden), dtype=bool)
    for stage in np.unique(stages):
        active = stages <= stage
        while True:
            null, inverse = _decompose(matrix, values, active & ~hidden)
            if null.shape[1] == 0:
                fixed = np.flatnonzero(active & hidden & ~lost)
            else:
                free = np.abs(matrix @ null).max(axis=1) >= 1e-7
                fixed = np.flatnonzero(active & hidden & ~free & ~lost)
            if not len(fixed):
                break
            now = np.flatnonzero((stages == stage) & ~hidden)
            # For each fixed cell, one combination of shown cells gives it back: hide the
            # smallest non-zero figure of this month that it uses (one decomposition
            # serves every fixed cell whose combination no earlier pick already broke),
            # then look again.
            shown = np.flatnonzero(active & ~hidden)
            weights = matrix[shown] @ (inverse @ matrix[fixed].T)
            picked: set[int] = set()
            for j, target in enumerate(fixed):
                used = set(shown[np.abs(weights[:, j]) > 1e-6].tolist())
                if used & picked:
                    continue
                candidates = [i for i in now if i in used]
                if not candidates:  # earlier months' figures alone fix it
                    lost[target] = True
                    continue
                picked.add(min(candidates, key=lambda i: (values[i] == 0, values[i], i)))
            hidden[sorted(picked)] = True
    return hidden


@dataclass
class CellRange:
    """What a reader can work out about one suppressed cell."""

    key: Hashable
    value: float
    low: float
    high: float

    @property
    def protected(self) -> bool:
        """True when more than one value is possible (``high - low >= 1``)."""
        return self.high - self.low >= 1 - 1e-9


def audit(cells: Cells, hidden, integer: bool = True, exact: bool = True) -> list[CellRange]:
    """The least and greatest value of every suppressed cell, given all that is shown.

    Solves, for each suppressed cell, ``min`` and ``max`` of its sum over atoms >= 0
    (whole numbers when ``integer``) subject to every shown cell's equation, with
    :func:`scipy.optimize.linprog` (HiGHS).

    Parameters
    ----------
    cells : Cells
        The published cells.
    hidden : sequence of bool
        Which cells are suppressed.
    integer : bool, default True
        Atoms are whole numbers (people).
    exact : bool, default True
        Find each cell's least and greatest value. When False, only whether each cell
        is protected is settled, with fewer programmes: the true counts are one
        solution, so a solution that moves a cell off its true value proves it
        protected, and one programme over all the cells not yet proved moves many at
        once. ``low`` and ``high`` are then the least and greatest values found (the
        exact ones for a cell that is not protected); :attr:`CellRange.protected` is
        the same either way.

    Returns
    -------
    list of CellRange
        One per suppressed cell, in cell order. ``high`` is ``inf`` when unbounded.
    """
    hidden = np.asarray(hidden, dtype=bool)
    matrix = cells.matrix()
    values = np.asarray(cells.values, dtype=float)
    found: dict[int, CellRange] = {}
    for rows, cols in _components(matrix):
        targets = rows[hidden[rows]]
        ranges = _ranges if exact else _witness_ranges
        for i, low, high in ranges(matrix, values, hidden, rows, cols, targets, integer):
            found[i] = CellRange(cells.keys[i], values[i], low, high)
    return [found[i] for i in sorted(found)]


class _Component:
    """The programmes of one component: its shown cells as equations, atoms >= 0."""

    def __init__(self, matrix, values, hidden, rows, cols, integer: bool):
        # A cap far above any count keeps every programme bounded; a cell that reaches
        # it is reported as unbounded.
        self.cap = 10.0 * (values[rows].sum() + 1)
        given = rows[~hidden[rows]]
        self.a_eq = matrix[np.ix_(given, cols)] if len(given) else None
        self.b_eq = values[given] if len(given) else None
        self.integrality = np.ones(len(cols)) if integer else None
        self.cols = cols

    def solve(self, objective: np.ndarray) -> np.ndarray:
        """The atoms (this component's) of a solution minimising ``objective``."""
        from scipy.optimize import linprog

        res = linprog(
            objective,
            A_eq=self.a_eq,
            b_eq=self.b_eq,
            bounds=(0, self.cap),
            integrality=self.integrality,
            method="highs",
        )
        if res.status != 0:
            raise RuntimeError(f"the linear-relations audit failed: {res.message}")
        return res.x

    def extreme(self, row: np.ndarray, sign: float) -> float:
        """The greatest (``sign`` 1) or least (-1) value of the cell ``row``."""
        value = float(row @ self.solve(-sign * row))
        return np.inf if value >= self.cap - 0.5 else value


def _ranges(matrix, values, hidden, rows, cols, targets, integer: bool = True):
    """Yield (cell, least, greatest) for each target cell of one component."""
    if not len(cols):  # cells of nobody: they can only be 0
        for i in targets:
            yield i, 0.0, 0.0
        return
    part = _Component(matrix, values, hidden, rows, cols, integer)
    for i in targets:
        row = matrix[i, cols]
        yield i, part.extreme(row, -1.0), part.extreme(row, 1.0)


def _witness_ranges(matrix, values, hidden, rows, cols, targets, integer: bool = True):
    """Yield (cell, least found, greatest found) for each target cell of one component.

    The true counts are a solution, so each cell's true value is possible. Pushing the
    sum of every cell not yet moved up (then down) moves many off their true value in
    one programme; the cells no such programme moves get their exact extremes.
    """
    if not len(cols):
        for i in targets:
            yield i, 0.0, 0.0
        return
    part = _Component(matrix, values, hidden, rows, cols, integer)
    low = {i: values[i] for i in targets}
    high = dict(low)
    for sign, found in ((1.0, high), (-1.0, low)):
        waiting = [i for i in targets if high[i] - low[i] < 1 - 1e-9]
        while waiting:
            x = part.solve(-sign * matrix[np.ix_(waiting, cols)].sum(axis=0))
            moved = []
            for i in waiting:
                value = float(matrix[i, cols] @ x)
                if sign * (value - values[i]) >= 1 - 1e-9:
                    found[i] = np.inf if value >= part.cap - 0.5 else value
                    moved.append(i)
            if not moved:
                break
            waiting = [i for i in waiting if i not in moved]
        for i in waiting:  # no joint programme moved these: settle each exactly
            found[i] = part.extreme(matrix[i, cols], sign)
    for i in targets:
        yield i, low[i], high[i]


# --- The workforce page's counts of people across months and teams ----------------------


def workforce_cells(
    history, table: pd.DataFrame, fy_start_month: int = 4, breakdown_months=None
) -> Cells:
    """Build the published flow cells of the workforce page as sums of atoms.

    Parameters
    ----------
    history : carelib.loading.History
        The months of data behind the page.
    table : pandas.DataFrame
        The tidy indicator table (:func:`carelib.workforce.indicators`, ``by_team``),
        true values, every month and team that is or has been published. Rows of
        :data:`FLOW_INDICATORS` become cells keyed ``(indicator, team, month)`` (team
        ``""`` for the council).
    fy_start_month : int, default 4
        First month of the financial year.
    breakdown_months : iterable of str, optional
        Months whose leavers-by-reason and -by-destination tables are published (each
        month's page shows its own): cells keyed ``("leavers_by_reason", category,
        "month" or "12m", month)``. Default: every month of ``table``.

    Returns
    -------
    Cells
        The cells in ``table`` order, then the breakdown cells. Atoms: leavers by team,
        leave month, reporting file's month, reason and destination; starters by the
        months and teams they count in.
    """
    from carelib import schema
    from carelib import workforce as wf

    d = wf._prepare(history, None, fy_start_month)
    cells = Cells()
    lv = wf._social_worker_leavers(d)
    leavers = pd.DataFrame(
        {
            "team": lv["team"].astype("object").fillna("").to_numpy(),
            "leave": lv["leave_mi"].to_numpy("int64"),
            "file": lv["mi"].to_numpy("int64"),
            "reason": lv["reason"].astype("object").fillna("not_recorded").to_numpy(),
            "destination": lv["destination"].astype("object").fillna("not_recorded").to_numpy(),
        }
    )
    keys = list(leavers.itertuples(index=False, name=None))
    leavers["atom"] = [cells.atom(("leaver", *k), 1.0) for k in keys]
    starters = _starter_atoms(cells, d, wf)

    rows = table[table["indicator"].isin(list(FLOW_INDICATORS))]
    leave, file = leavers["leave"].to_numpy(), leavers["file"].to_numpy()
    team_of, atom_of = leavers["team"].to_numpy(), leavers["atom"].to_numpy()
    index = {indicator: _by_month_and_team(counted) for indicator, counted in starters.items()}
    for month, team, indicator, value in zip(
        rows["month"], rows["team"], rows["indicator"], rows["value"], strict=True
    ):
        ref = wf._mi(month)
        if indicator.startswith("leavers"):
            window = 0 if indicator.endswith("month") else 11
            hit = (file <= ref) & (leave >= ref - window) & (leave <= ref)
            if team:
                hit &= team_of == team
            members = atom_of[hit].tolist()
        else:
            members = index[indicator].get((ref, team), [])
        cells.add((indicator, team, month), members, 0.0 if pd.isna(value) else value, ref)

    months = sorted(set(rows["month"])) if breakdown_months is None else list(breakdown_months)
    for month in months:
        ref = wf._mi(month)
        in_file = file <= ref
        for column, cats in (
            ("reason", schema.LEAVE_REASONS),
            ("destination", schema.DESTINATIONS),
        ):
            category = leavers[column].to_numpy()
            year = in_file & (leave >= ref - 11) & (leave <= ref)
            for cat in (*cats, "not_recorded"):
                if cat == "not_recorded" and not (year & (category == cat)).any():
                    continue  # the table has a "not recorded" row only when someone is
                for label, window in (("month", 0), ("12m", 11)):
                    hit = in_file & (leave >= ref - window) & (leave <= ref) & (category == cat)
                    members = atom_of[hit].tolist()
                    cells.add(
                        (f"leavers_by_{column}", cat, label, month), members, len(members), ref
                    )
    return cells


def _by_month_and_team(counted: list[tuple[int, frozenset]]) -> dict[tuple, list[int]]:
    """(month index, team) -> the starter atoms counted there (team "": the council)."""
    out: dict[tuple, list[int]] = {}
    for atom, months in counted:
        for ref, team in months:
            out.setdefault((ref, team), []).append(atom)
        for ref in {ref for ref, _ in months}:
            out.setdefault((ref, ""), []).append(atom)
    return out


def _starter_atoms(cells: Cells, d, wf) -> dict[str, list[tuple[int, frozenset]]]:
    """Starters as atoms: workers alike in the (month, team) cells their start counts in.

    A worker's records (one per month, the latest up to each month end) give the team
    each month; the start counts in ``starters_12m`` from the month it is first known to
    12 months after the start, and in ``starters_fytd`` to the end of that financial year.
    """
    rec = wf._sw_records(d)
    mi, until, start = (rec[c].to_numpy("int64") for c in ("mi", "until", "start_mi"))
    first = np.maximum(mi, start)
    hi = until.clip(max=int(d.out_mi.max()))
    ends = {
        "starters_12m": np.minimum(hi, start + 11),
        "starters_fytd": np.minimum(hi, wf._fy_first(start, d.fy_start_month) + 11),
    }
    out: dict[str, list[tuple[int, frozenset]]] = {}
    for indicator, last in ends.items():
        counted: dict[object, set] = {}
        for wid, team, lo, up in zip(rec["worker_id"], rec["team"], first, last, strict=True):
            if up >= lo:
                counted.setdefault(wid, set()).update(
                    (m, "" if pd.isna(team) else str(team)) for m in range(lo, up + 1)
                )
        groups: dict[frozenset, int] = {}
        for months in counted.values():
            key = frozenset(months)
            groups[key] = groups.get(key, 0) + 1
        out[indicator] = [
            (cells.atom((indicator, tuple(sorted(k))), float(n)), k) for k, n in groups.items()
        ]
    return out


# --- Auditing what was published ------------------------------------------------------


def published_workforce(data_dir, config_path, month: str) -> tuple[Cells, np.ndarray]:
    """Every flow cell published in publication mode for ``month`` and the months before.

    Parameters
    ----------
    data_dir, config_path : path
        The data folder and configuration file.
    month : str
        The latest month published, ``YYYY-MM``.

    Returns
    -------
    (Cells, numpy.ndarray)
        The cells (true values, stages up to ``month``) and which are suppressed: a
        cell counts as shown when any month's publication shows it as a number.
    """
    cells, shown_by = publication_history(data_dir, config_path, month)
    shown = np.logical_or.reduce(list(shown_by.values()))
    return cells, ~shown


def publication_history(data_dir, config_path, month: str) -> tuple[Cells, dict]:
    """The flow cells up to ``month`` and, for each month's publication, which it shows.

    Each month's workforce tables are rebuilt as its publication run builds them
    (:func:`carelib.workforce_data.build`, publication mode): the indicator table (the
    page and ``workforce_indicators.csv``) and the leavers-by-reason and -by-destination
    tables.

    Returns
    -------
    (Cells, dict)
        The cells, and month -> booleans (per cell) of the cells that month shows.
    """
    from carelib import benchmarks, loading, notebook, workforce_data
    from carelib import config as config_mod
    from carelib import workforce as wf

    # One load of the data and of the benchmarks serves every month's build: a month's
    # publication reads the files up to that month only, which is the loaded history cut
    # at the month (workforce_data.recent), as notebook.setup would load it.
    cfg = config_mod.load(config_path)
    everything = loading.load_history(data_dir, month)
    bench = benchmarks.load_benchmarks(cfg)

    def build(at: str):
        history = workforce_data.recent(everything, at, len(everything.months))
        ctx = notebook.ReportContext(at, cfg, history, data_dir, publication=True)
        return workforce_data.build(ctx, bench)

    last = build(month)
    full = wf.indicators(last.history, None, by_team=True, fy_start_month=last.fy_start)
    cells = workforce_cells(last.history, full[full["month"] <= month], last.fy_start)
    index = {key: i for i, key in enumerate(cells.keys)}
    shown_by = {}
    for earlier in [m for m in last.history.months if m <= month]:
        page = last if earlier == month else build(earlier)
        shown_by[earlier] = _shown_on(page, index, len(cells.keys))
    return cells, shown_by


def _shown_on(page, index: dict, n: int) -> np.ndarray:
    """Which flow cells one month's published workforce tables show as numbers."""
    from carelib import workforce as wf

    shown = np.zeros(n, dtype=bool)
    rows = page.table[page.table["indicator"].isin(list(FLOW_INDICATORS))]
    for m, team, indicator, symbol, value in zip(
        rows["month"], rows["team"], rows["indicator"], rows["symbol"], rows["value"], strict=True
    ):
        if symbol != "c" and not pd.isna(value):
            shown[index[(indicator, team, m)]] = True
    breakdown = wf.leavers_breakdown(page.ctx.history, page.month)
    for column in ("reason", "destination"):
        part = breakdown[breakdown["breakdown"] == column]
        frame = page.leavers[column]
        for pos, category in enumerate([*part["category"], "total"]):
            for j, label in ((1, "month"), (2, "12m")):
                if frame.iat[pos, j] == "c":
                    continue
                if category == "total":  # the total is the council figure
                    key = (f"leavers_headcount_{label}", "", page.month)
                else:
                    key = (f"leavers_by_{column}", category, label, page.month)
                shown[index[key]] = True
    return shown
