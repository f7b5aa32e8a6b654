"""The same figure reads the same wherever it appears (issue 14).

For each headline workforce indicator the session's demo build (``demo_reports``) and
``carelib kpis`` must show one value with one rounding: the workforce page's tile, its
headings and chart titles, the overview's tiles and board lines, the plan measures fed by
the indicator (page and ``measures.csv``), ``workforce_indicators.csv`` and the command
line. A figure written to another number of decimal places anywhere in those headings,
titles, tiles or lines fails the test. Agency spend against budget (the variance, for the
month and the year to date) is checked the same way on the pages and in the CSV; the
command line does not print it.
"""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from pathlib import Path

import browser_support as bs
import pandas as pd
import pytest

from carelib import cli, formatting, workforce
from carelib.views import workforce_words
from carelib.workforce_data import TILE_LABELS

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "carelib.toml"
MONTH = bs.MONTH

#: The headline indicators, and the words a heading or chart title names each by.
NAMED = {
    "agency_rate": r"agency (rate|reliance)",
    "turnover_rate_12m": r"turnover",
    "vacancy_rate": r"vacancy rate",
    "average_caseload": r"average caseload",
    "absence_rate_12m": r"sickness absence",
    "in_post_under_2y": r"in post (under|less than) 2 years",
    "nqsw_retained_1y": r"newly qualified social workers (retained|are staying|staying)",
}

#: Indicators with a section of their own on the workforce page (heading and chart).
SECTIONS = {
    "agency_rate",
    "turnover_rate_12m",
    "vacancy_rate",
    "average_caseload",
    "absence_rate_12m",
    "nqsw_retained_1y",
}


def _text(node) -> str:
    return " ".join(node.get_text(" ").split())


def _cli(demo_data: Path, *extra: str) -> str:
    args = ["--config", str(CONFIG), "kpis", "--data", str(demo_data), "--month", MONTH]
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main([*args, *extra]) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def places(demo_reports, demo_data):
    """Everything the test reads: pages' texts, CSVs and the command line's output."""
    folder = demo_reports / MONTH
    pages = {
        name: bs.soup((folder / f"{name}.html").read_text(encoding="utf-8"))
        for name in ("workforce", "index", "improvement_plan")
    }
    return {
        "pages": pages,
        "csv": pd.read_csv(folder / "workforce_indicators.csv"),
        "measures": pd.read_csv(folder / "measures.csv"),
        "kpis": json.loads(_cli(demo_data, "--json")),
        "lines": _cli(demo_data).splitlines(),
    }


def _council(csv: pd.DataFrame, indicator: str) -> float:
    row = csv[(csv["scope"] == "council") & (csv["month"] == MONTH)]
    return float(row.set_index("indicator").at[indicator, "value"])


def _other_roundings(raw: float, unit: str) -> set[str]:
    """The figure written to other numbers of decimal places than the page's own."""
    shown = formatting.value(raw, unit)
    suffix = "%" if unit == "percent" else ""
    others = {f"{raw:,.{d}f}{suffix}" for d in range(3)}
    return {o for o in others if o != shown}


def _tiles(soup) -> dict[str, str]:
    out = {}
    for item in soup.select(".tiles li"):
        label, value = item.select_one(".tile-label"), item.select_one(".tile-value")
        if label is not None and value is not None:
            out[_text(label)] = _text(value)
    return out


def _findings(soup) -> list[str]:
    """Headings, chart titles, table captions, tiles and board-summary rows."""
    main = soup.select_one("main")
    found = main.select("h2, h3, figcaption, caption, .tiles li, table.board-summary tr")
    return [_text(n) for n in found]


def _written(number: str, text: str) -> bool:
    """Whether ``number`` is written in ``text`` as a whole figure (17 is not in 17.5)."""
    return re.search(rf"(?<![\d.,]){re.escape(number)}(?!\d|[.,]\d)", text) is not None


@pytest.mark.parametrize("indicator", list(NAMED))
def test_an_indicator_reads_the_same_everywhere(places, indicator):
    raw = places["kpis"][indicator]["value"]
    unit = workforce.INDICATORS[indicator].unit
    shown = formatting.value(raw, unit)
    # The CSV beside the page is rounded as shown.
    assert formatting.value(_council(places["csv"], indicator), unit) == shown
    # The command line prints it so.
    label = workforce.INDICATORS[indicator].label
    line = next(li for li in places["lines"] if li.strip().startswith(label))
    assert line.split()[len(label.split())] == shown, line
    # The tiles on the workforce page and the overview.
    for page in ("workforce", "index"):
        tiles = _tiles(places["pages"][page])
        assert tiles[TILE_LABELS[indicator]] == shown, (page, tiles)
    # Its section's heading and chart titles give the figure as the tile does.
    named = re.compile(NAMED[indicator], re.IGNORECASE)
    if indicator in SECTIONS:
        headings = [
            _text(h)
            for h in places["pages"]["workforce"].select("main h2, main figcaption")
            if named.search(_text(h))
        ]
        assert any(shown in h for h in headings), headings
    # Nowhere is the figure written to other decimal places.
    others = _other_roundings(raw, unit)
    for page, soup in places["pages"].items():
        for text in _findings(soup):
            if named.search(text):
                wrong = [o for o in others if _written(o, text)]
                assert not wrong, (page, wrong, text)


def test_plan_measures_fed_by_an_indicator_read_as_the_indicator(places):
    measures = places["measures"]
    fed = measures[measures["kpi"].notna()]
    assert len(fed) >= 3
    plan = places["pages"]["improvement_plan"].select_one("main")
    plan_text = _text(plan)
    for rec in fed.to_dict("records"):
        unit = workforce.INDICATORS[rec["kpi"]].unit
        shown = formatting.value(places["kpis"][rec["kpi"]]["value"], unit)
        assert formatting.measure(rec["value"], rec["unit"]) == shown, rec["measure_id"]
        assert shown in plan_text, rec["measure_id"]
        # Rows, captions and list items about this measure never write it otherwise (a
        # whole number without a unit is left out: it could be any count on the row).
        others = {
            o
            for o in _other_roundings(places["kpis"][rec["kpi"]]["value"], unit)
            if "." in o or "%" in o
        }
        about = [_text(n) for n in plan.select("tr, figcaption, li") if rec["name"] in _text(n)]
        alts = [img["alt"] for img in plan.select("img[alt]") if rec["name"] in img["alt"]]
        assert about, rec["measure_id"]
        for text in about + alts:
            wrong = [o for o in others if _written(o, text)]
            assert not wrong, (rec["measure_id"], wrong, text)


@pytest.mark.parametrize("period", ["month", "fytd"])
def test_spend_variance_reads_the_same_everywhere(places, period):
    csv = places["csv"]
    spent = _council(csv, f"agency_spend_{period}")
    budget = _council(csv, f"agency_budget_{period}")
    words = workforce_words.over_under(spent - budget)
    assert re.fullmatch(r"£[\d,]+ (over|under) budget", words)
    for page in ("workforce", "index"):
        text = _text(places["pages"][page].select_one("main"))
        assert words in text, (page, words)
        amounts = re.findall(r"£([\d,.]+) (?:over|under) budget", text)
        # Each over/under amount is a whole number of pounds, as on the CSV.
        assert amounts and all("." not in a for a in amounts), amounts


def test_retention_and_in_post_say_better_or_worse_or_why_not(places):
    """NQSW retention is read against 12 months earlier; no comparison says why."""
    tiles = {
        _text(li.select_one(".tile-label")): li
        for li in places["pages"]["workforce"].select(".tiles li")
    }
    in_post = _text(tiles[TILE_LABELS["in_post_under_2y"]].select_one(".tile-change"))
    # A higher share in post under 2 years is worse.
    up = in_post.startswith("Up")
    assert in_post.endswith("(worse)" if up else "(better)"), in_post
    change = tiles[TILE_LABELS["nqsw_retained_1y"]].select_one(".tile-change")
    assert change is not None, "NQSW retention tile has no comparison"
    text = _text(change)
    assert re.search(r"12 months earlier|since September 2024", text), text
    if text.startswith(("Up", "Down")):
        assert text.endswith("(better)" if text.startswith("Up") else "(worse)"), text
    else:
        assert text.startswith("No comparison yet") and "covers only" in text, text
