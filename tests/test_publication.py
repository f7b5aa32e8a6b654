"""Publication mode, end to end: `carelib report --publication` on the demo data.

Small counts (1 to the threshold) are shown as ``c``; secondary suppression leaves no
suppressed cell that a reader could work out from a total and the cells beside it; rates
whose numerator is suppressed are suppressed; team-level sickness is left out; and the
protective marking from the configuration is at the top and bottom of every page.
"""

from __future__ import annotations

import json
import re

import browser_support as bs
import pandas as pd
import pytest

from carelib import config, pages

THRESHOLD = config.load()["publication"]["threshold"]
C = "c"

#: Tables of people counts on the workforce page: caption start -> (count columns,
#: total row label or None, columns that add up to the first count column in each row).
COUNT_TABLES = {
    "Leavers by reason for leaving": (["In Sep 2025", "In 12 months"], "All leavers", None),
    "Leavers by destination": (["In Sep 2025", "In 12 months"], "All leavers", None),
    "Qualified social workers who started, by team": (
        ["Starters (12 months)"],
        "Whole council",
        None,
    ),
    "Caseloads by band": (["Workers"], None, None),
    "Newly qualified social workers by financial year": (
        ["Started", "Still in post", "Left"],
        "All years",
        ["Still in post", "Left"],
    ),
}
#: Rates next to the count they are worked out from: caption start -> [(count, rate)].
RATE_PAIRS = {
    "Teams at": [("Agency (FTE)", "Agency rate")],
    "Newly qualified social workers by financial year": [("Still in post", "Still in post (%)")],
    "Caseloads by band": [("Workers", "Share")],
}
#: Indicators in workforce_indicators.csv that count people, and rates of people.
PEOPLE_COUNTS = (
    "agency_fte",
    "agency_headcount",
    "leavers_",
    "starters_",
    "social_worker_",
    "alternatively_qualified_",
)
PEOPLE_RATES = (
    "agency_rate",
    "turnover_rate_12m",
    "in_post_under_2y",
    "agency_cover_rate",
    "nqsw_retained_1y",
    "absence_rate_12m",
)


def page(reports, name="workforce.html") -> str:
    return (reports / bs.MONTH / name).read_text(encoding="utf-8")


def number(cell: str) -> float:
    return float(re.sub(r"[£,%]", "", cell))


# --- The protective marking ---------------------------------------------------------------


@pytest.mark.parametrize("name", bs.PAGES)
def test_marking_is_at_the_top_and_bottom_of_every_page(publication_reports, demo_reports, name):
    doc = bs.soup((publication_reports / name).read_text(encoding="utf-8"))
    body = [e for e in doc.body.children if getattr(e, "name", None)]
    header, footer = body[1], body[-1]
    assert body[0]["class"] == ["skip-link"] and header.name == "header" and footer.name == "footer"
    top = [e for e in header.children if getattr(e, "name", None)][0]
    bottom = [e for e in footer.children if getattr(e, "name", None)][-1]
    for marking in (top, bottom):
        assert marking["class"] == ["marking"] and marking.get_text() == bs.MARKING
    assert len(doc.select(".marking")) == 2
    # On paper: at the top and bottom of every printed sheet (CSS page margin boxes).
    style = "".join(s.get_text() for s in doc.find_all("style"))
    assert pages.marking_print_style(bs.MARKING) in style
    # Pages for use inside the service carry no marking.
    assert 'class="marking"' not in (demo_reports / name).read_text(encoding="utf-8")


# --- Small counts -------------------------------------------------------------------------


def test_small_counts_are_shown_as_c(publication_reports, demo_reports):
    public, internal = page(publication_reports), page(demo_reports)
    suppressed = 0
    for caption, (columns, _, _) in COUNT_TABLES.items():
        shown, true = bs.table(public, caption), bs.table(internal, caption)
        assert len(shown.rows) == len(true.rows) and shown.header == true.header, caption
        for column in columns:
            for cell, value in zip(shown.column(column), true.column(column), strict=True):
                if cell == C:
                    suppressed += 1
                    continue
                # Shown cells are the true numbers, and none of them is small.
                assert cell == value, (caption, column, cell, value)
                assert not 0 < number(cell) <= THRESHOLD, (caption, column, cell)
            small = [v for v in true.column(column) if 0 < number(v) <= THRESHOLD]
            assert small == [] or C in shown.column(column)
    assert suppressed >= 20


def _lines(t: bs.Table, columns, total, parts):
    """Every set of cells that add up to a known total: columns, and rows when given."""
    for column in columns:
        yield column, t.column(column)  # a total row, or a total published elsewhere
    if parts:
        i = [t.header.index(c) for c in [columns[0], *parts]]
        for row in t.rows:
            yield row[0], [row[j] for j in i]


def test_secondary_suppression_hides_every_suppressed_cell(publication_reports, demo_reports):
    """No total minus the other shown cells of its line gives back a suppressed cell."""
    public, internal = page(publication_reports), page(demo_reports)
    checked = 0
    for caption, (columns, total, parts) in COUNT_TABLES.items():
        t = bs.table(public, caption)
        if total:
            assert t.rows[-1][0] == total, caption
        for line, cells in _lines(t, columns, total, parts):
            unknown = cells.count(C)
            assert unknown != 1, (
                f"{caption}, {line}: exactly one cell is suppressed, so the total minus the "
                f"others reveals it: {cells}"
            )
            checked += unknown > 0
        # Shown totals still add up, so the check above is about the real lines.
        true = bs.table(internal, caption)
        for column in columns:
            values = [number(v) for v in true.column(column)]
            if total:
                assert sum(values[:-1]) == pytest.approx(values[-1]), (caption, column)
    assert checked >= 5


def test_cumulative_figures_do_not_reveal_a_small_monthly_count(publication_reports):
    t = bs.table(page(publication_reports), "Qualified social workers hired in")
    frame = pd.read_csv(
        publication_reports / bs.MONTH / "workforce_indicators.csv", dtype={"symbol": str}
    )
    fytd = frame[(frame["scope"] == "council") & (frame["indicator"] == "starters_fytd")]
    fytd = fytd[fytd["month"] >= "2025-04"]  # this financial year
    series = {
        "page": t.column("Started so far this year"),
        "csv": [
            C if s == C else str(v) for s, v in zip(fytd["symbol"], fytd["value"], strict=True)
        ],
    }
    as_numbers = {k: [v if v == C else number(v) for v in vs] for k, vs in series.items()}
    assert C in series["page"] and as_numbers["page"] == as_numbers["csv"]
    for where, cumulative in series.items():
        # Each shown figure against the previous one shown: a reader skips the c.
        shown = [number(v) for v in cumulative if v != C]
        for before, after in zip(shown, shown[1:], strict=False):
            assert not 0 < abs(after - before) <= THRESHOLD, (where, before, after)
    # The same in the CSV for every run of a count that only adds months: each financial
    # year of starters, and 12-month leavers while the window starts at the first month
    # of data (same period_start); the turnover rate built on a hidden count is hidden.
    council = frame[frame["scope"] == "council"]
    for indicator in ("starters_fytd", "leavers_headcount_12m"):
        rows = council[council["indicator"] == indicator].sort_values("month")
        for start, run in rows.groupby("period_start"):
            shown = list(run.loc[run["symbol"] != C, "value"])
            for before, after in zip(shown, shown[1:], strict=False):
                assert not 0 < abs(after - before) <= THRESHOLD, (indicator, start, before, after)
    symbols = council.pivot(index="month", columns="indicator", values="symbol")
    hidden = symbols["leavers_headcount_12m"] == C
    assert hidden.any() and (symbols.loc[hidden, "turnover_rate_12m"] == C).all()


def test_rates_with_a_suppressed_numerator_are_suppressed(publication_reports):
    public = page(publication_reports)
    pairs = 0
    for caption, columns in RATE_PAIRS.items():
        t = bs.table(public, caption)
        for count, rate in columns:
            for n, r in zip(t.column(count), t.column(rate), strict=True):
                if n == C:
                    assert r == C, (caption, count, n, rate, r)
                    pairs += 1
    assert pairs >= 5


def test_published_csv_holds_no_small_count_and_no_rate_on_one(publication_reports):
    frame = pd.read_csv(
        publication_reports / bs.MONTH / "workforce_indicators.csv", dtype={"symbol": str}
    )
    hidden = frame["symbol"].eq(C)
    assert hidden.sum() >= 20
    assert frame.loc[hidden, ["value", "numerator", "denominator"]].isna().all().all()
    counts = frame[frame["indicator"].str.startswith(PEOPLE_COUNTS) & ~hidden]
    assert not counts["value"].between(THRESHOLD * 1e-9, THRESHOLD).any(), counts.head()
    rates = frame[frame["indicator"].isin(PEOPLE_RATES) & ~hidden]
    assert not rates["numerator"].between(THRESHOLD * 1e-9, THRESHOLD).any(), rates.head()
    # Secondary suppression across teams: a council figure less the shown teams must not
    # give back a single suppressed team.
    latest = frame[(frame["month"] == bs.MONTH) & frame["indicator"].str.startswith(PEOPLE_COUNTS)]
    for indicator, rows in latest.groupby("indicator"):
        if (rows["scope"] == "team").any():
            assert rows["symbol"].eq(C).sum() != 1, indicator


def test_team_level_sickness_is_left_out(publication_reports, demo_reports):
    def sickness_by_team(reports):
        tables = [
            t.caption
            for t in bs.tables(page(reports))
            if "sickness" in t.caption.lower() and "team" in t.caption.lower()
        ]
        csv = pd.read_csv(reports / bs.MONTH / "workforce_indicators.csv")
        rows = csv[(csv["scope"] == "team") & csv["indicator"].str.contains("absence")]
        return tables, len(rows)

    assert sickness_by_team(publication_reports) == ([], 0)
    tables, rows = sickness_by_team(demo_reports)  # shown inside the service
    assert tables and rows


MARGIN_BOXES_JS = """() => {
  const boxes = {};
  const walk = rules => { for (const r of rules) {
    if (r.constructor.name === 'CSSMarginRule') boxes[r.name] = r.style.content;
    if (r.cssRules) walk(r.cssRules);
  } };
  for (const sheet of document.styleSheets) walk(sheet.cssRules);
  return boxes;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("name", bs.PAGES)
def test_marking_prints_at_the_top_and_bottom_of_every_sheet(chromium, publication_reports, name):
    v = bs.visit(chromium, publication_reports / name)
    try:
        boxes = v.page.evaluate(MARGIN_BOXES_JS)
    finally:
        v.close()
    # Chromium's own reading of the page's CSS: the marking, exactly, in both margins.
    for box in ("top-center", "bottom-center"):
        assert json.loads(boxes[box]) == bs.MARKING, boxes
    assert "counter(page)" in boxes["bottom-right"]
