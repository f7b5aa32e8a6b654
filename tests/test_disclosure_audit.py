"""The linear-relations audit: no suppressed count can be worked out from what is published.

The audit (:func:`carelib.disclosure.audit`) takes every published cell as a sum of
unknown counts (whole numbers, never negative) and finds, for each suppressed cell, the
least and greatest value it can take given every figure shown. A cell is protected when
more than one value is possible.
"""

from __future__ import annotations

import numpy as np
import pytest

from carelib import dates, disclosure, suppression
from carelib import workforce as wf
from tests.conftest import ROOT

CONFIG = ROOT / "carelib.toml"


# --- A hand-built case whose weak points are known ------------------------------------------


def rolling_leavers(monthly: list[int]) -> disclosure.Cells:
    """Monthly counts and their 12-month totals (once 12 months are in), as published."""
    cells = disclosure.Cells()
    atoms = [cells.atom(("month", m), n) for m, n in enumerate(monthly)]
    for m, n in enumerate(monthly):
        cells.add(("month", m), [atoms[m]], n, m)
        if m >= 11:
            cells.add(("12m", m), atoms[m - 11 : m + 1], sum(monthly[m - 11 : m + 1]), m)
    return cells


def test_differences_of_12_month_totals_give_back_small_months_until_protected():
    monthly = [3, 8, 9, 7, 10, 12, 6, 9, 8, 7, 11, 9, 10, 2]
    cells = rolling_leavers(monthly)
    small = suppression.is_small(np.array(cells.values), 5)
    # Primary suppression alone hides month 0 (3) and month 13 (2); every line has no
    # total to subtract from, so the row-and-column rule adds nothing. But
    # 12m(12) - 12m(11) = month 12 - month 0, and 12m(13) - 12m(12) = month 13 - month 1.
    before = {r.key: (r.low, r.high) for r in disclosure.audit(cells, small)}
    assert before == {("month", 0): (3, 3), ("month", 13): (2, 2)}

    hidden = disclosure.protect(cells, small, sensitive=small)

    ranges = disclosure.audit(cells, hidden)
    assert ranges and all(r.protected for r in ranges), [r for r in ranges if not r.protected]
    added = {k for k, h, s in zip(cells.keys, hidden, small, strict=True) if h and not s}
    # Month 11: 12m(11) minus months 1 to 11 is month 0, so one of them goes (the smallest
    # used: month 11); month 12 likewise; month 13's own total is hidden. Only figures of
    # the month being added are ever hidden, so earlier months never change.
    assert added == {("month", 11), ("month", 12), ("12m", 13)}


def test_a_lone_small_cell_beside_its_total_is_found_and_then_protected():
    cells = disclosure.Cells()
    values = {"A": 2, "B": 9, "C": 14}
    atoms = {team: cells.atom(team, n) for team, n in values.items()}
    for team, n in values.items():
        cells.add(team, [atoms[team]], n, 0)
    cells.add("council", list(atoms.values()), sum(values.values()), 0)
    small = suppression.is_small(np.array(cells.values), 5)

    assert [(r.key, r.low, r.high) for r in disclosure.audit(cells, small)] == [("A", 2, 2)]
    hidden = disclosure.protect(cells, small, sensitive=small)
    assert [k for k, h in zip(cells.keys, hidden, strict=True) if h] == ["A", "B"]
    assert all(r.protected for r in disclosure.audit(cells, hidden))


def test_the_audit_uses_whole_non_negative_counts_where_equations_alone_do_not():
    # a + g = 2, a + b = 8, b + e = 6 with a, b, e, g suppressed: three equations, four
    # unknowns, yet e = a - 2 >= 0 and a <= 2 leave a single value for a (and b).
    cells = disclosure.Cells()
    a, b, e, g = (cells.atom(k, v) for k, v in (("a", 2), ("b", 6), ("e", 0), ("g", 0)))
    for key, members in (("a", [a]), ("b", [b]), ("e", [e]), ("g", [g])):
        cells.add(key, members, sum(cells.atom_values[i] for i in members), 0)
    cells.add("a+g", [a, g], 2, 0)
    cells.add("a+b", [a, b], 8, 0)
    cells.add("b+e", [b, e], 6, 0)
    hidden = np.array([True, True, True, True, False, False, False])
    assert not disclosure.determined(cells.matrix(), cells.values, ~hidden)[:2].any()
    ranges = {r.key: (r.low, r.high) for r in disclosure.audit(cells, hidden)}
    assert ranges["a"] == (2, 2) and ranges["b"] == (6, 6)
    assert not [r for r in disclosure.audit(cells, hidden) if r.key == "a"][0].protected


def test_the_quick_audit_settles_protection_as_the_exact_one_does():
    """``exact=False`` (used on the whole publication history below) agrees cell by cell.

    A random system of overlapping sums over small counts, with a random half of the
    cells hidden: some hidden cells are then pinned by what is shown and some are not.
    """
    rng = np.random.default_rng(7)
    seen = set()
    for trial in range(6):
        cells = disclosure.Cells()
        atoms = [cells.atom(("atom", a), int(rng.integers(0, 4))) for a in range(12)]
        for c in range(18):
            members = [a for a in atoms if rng.random() < 0.3] or [atoms[c % 12]]
            cells.add((trial, c), members, sum(cells.atom_values[a] for a in members), 0)
        hidden = rng.random(len(cells.keys)) < 0.5
        exact = disclosure.audit(cells, hidden)
        quick = disclosure.audit(cells, hidden, exact=False)
        assert [r.key for r in quick] == [r.key for r in exact]
        assert [r.protected for r in quick] == [r.protected for r in exact], trial
        for q, e in zip(quick, exact, strict=True):
            assert e.low <= q.low <= q.value <= q.high <= e.high
            if not e.protected:
                assert (q.low, q.high) == (e.low, e.high)
            seen.add(e.protected)
    assert seen == {True, False}, "the trials hold protected and unprotected cells"


# --- The model matches the published definitions ---------------------------------------


def test_every_flow_cell_is_the_sum_of_its_atoms(demo_data):
    from carelib import notebook

    ctx = notebook.setup("2025-09", demo_data, CONFIG, "", publication=True)
    table = wf.indicators(ctx.history, None, by_team=True)
    cells = disclosure.workforce_cells(ctx.history, table)
    assert len(cells.keys) > 1000 and not cells.mismatches()
    for month in ("2024-03", "2025-09"):
        expected = wf.leavers_breakdown(ctx.history, month)
        got = {k[:3]: v for k, v in zip(cells.keys, cells.values, strict=True) if k[3:] == (month,)}
        for row in expected.itertuples():
            key = f"leavers_by_{row.breakdown}", row.category
            assert got[(*key, "month")] == row.headcount_month, (month, key)
            assert got[(*key, "12m")] == row.headcount_12m, (month, key)


# --- Everything published for a month and the months before it --------------------------


@pytest.fixture(scope="module")
def publications(demo_data):
    """The flow cells of every demo month's publication (each page rebuilt once)."""
    return disclosure.publication_history(demo_data, CONFIG, "2025-09")


def test_no_suppressed_count_can_be_worked_out_from_all_publications(publications):
    """Every publication from October 2023 to September 2025 taken together.

    Auditing the last month also audits each earlier one: a month's publication never
    changes what earlier months hid, and more published figures can only narrow the
    values a hidden count can take, so a count protected against everything published
    up to September 2025 was protected against what had been published by any month
    before it.
    """
    month = "2025-09"
    cells, shown_by = publications
    last = dates.parse_month(month)
    keep = np.array(cells.stages) <= wf._mi(last)
    shown = np.logical_or.reduce([s for m, s in shown_by.items() if m <= last])
    part = cells.subset(keep)
    hidden = ~shown[keep]
    small = suppression.is_small(np.array(part.values), 5)
    assert small.any() and (hidden >= small).all(), "every small count is suppressed"

    ranges = disclosure.audit(part, hidden, exact=False)

    unprotected = [r for r in ranges if not r.protected]
    print(f"{month}: {len(part.keys)} cells, {int(hidden.sum())} suppressed, all protected")
    assert len(ranges) == int(hidden.sum()) and not unprotected, unprotected[:5]


def test_the_published_csv_is_what_the_audit_checked(publications, publication_reports):
    """The real publication run's CSV shows exactly the flow cells the audit took as shown."""
    import pandas as pd

    cells, shown_by = publications
    index = {key: i for i, key in enumerate(cells.keys)}
    csv = pd.read_csv(
        publication_reports / "2025-09" / "workforce_indicators.csv",
        dtype={"team": str, "symbol": str},
        keep_default_na=False,
    )
    rows = csv[csv["indicator"].isin(list(disclosure.FLOW_INDICATORS))]
    assert len(rows) > 100
    for month, team, indicator, symbol in zip(
        rows["month"], rows["team"], rows["indicator"], rows["symbol"], strict=True
    ):
        assert shown_by["2025-09"][index[(indicator, team, month)]] == (symbol != "c")


def test_publication_data_quality_page_shows_no_small_count(publication_reports):
    import re

    import browser_support as bs

    page = (publication_reports / "2025-09" / "data_quality.html").read_text(encoding="utf-8")
    rows = bs.table(page, "Rows in each data file")
    counts = dict(zip(rows.column("Data file"), rows.column("Rows"), strict=True))
    assert counts["workforce.csv"] == counts["leavers.csv"] == "c"
    for value in counts.values():
        assert value == "c" or int(value.replace(",", "")) > 5, counts
    assert not re.search(r"\b[1-5] rows? did not meet", page)
