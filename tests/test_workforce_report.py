"""The workforce stability page: every section on the demo data, privacy, escaping,
publication mode, and the real notebook run top to bottom through papermill."""

from __future__ import annotations

import html as html_lib
import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from carelib import benchmarks, dictionary, notebook, privacy, spc, suppression, workforce
from carelib.html import HTML
from carelib.workforce_report import HEADLINE, REASON_LABELS, WorkforceReport, format_value

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
MONTH = "2025-09"
CONFIG = ROOT / "carelib.toml"
SECTIONS = (
    "headline_tiles",
    "narrative",
    "agency",
    "spc",
    "turnover",
    "vacancies",
    "caseloads",
    "absence",
    "nqsw",
    "spend",
    "teams",
    "definitions",
)


def build(
    data_dir: Path, out: Path, month: str = MONTH, publication: bool = False, config: Path = CONFIG
):
    ctx = notebook.setup(
        month=month, data_dir=data_dir, config_path=config, output_dir=out, publication=publication
    )
    report = WorkforceReport(ctx)
    report.publish_outputs()
    return ctx, report, {name: getattr(report, name)() for name in SECTIONS}


@pytest.fixture(scope="module")
def page(demo_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("workforce_out")
    return build(demo_data, out)


@pytest.fixture(scope="module")
def published(demo_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("workforce_pub")
    return build(demo_data, out, publication=True)


def text_of(markup: str) -> str:
    """Visible text: tags dropped, entities decoded, inlined images removed."""
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]*"', "", markup)))


def table_rows(markup: str, caption_start: str) -> list[list[str]]:
    """Rows (cell texts) of the first table whose caption starts with ``caption_start``."""
    for table in re.findall(r"<table.*?</table>", markup, re.S):
        caption = html_lib.unescape(re.search(r"<caption>(.*?)</caption>", table, re.S)[1])
        if caption.startswith(caption_start):
            return [
                [
                    html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                    for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
                ]
                for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
            ]
    raise AssertionError(f"no table captioned {caption_start!r}")


def kpi_text(record: dict) -> str:
    value = record["value"]
    if value is None:
        return record["symbol"]
    if record["unit"] == "percent":
        return f"{value:.1f}%"
    if record["unit"] == "cases":
        return f"{value:.1f}"
    return f"{value:,.0f}"


# ------------------------------------------------------------------- every section


def test_every_section_is_html_without_a_level_2_heading(page):
    _, _, out = page
    for name, markup in out.items():
        assert isinstance(markup, HTML), name
        assert markup.strip(), name
        assert "<h2" not in markup, name
        assert "<script" not in markup.lower(), name


def test_every_chart_has_title_alt_text_source_and_numbers(page):
    _, report, out = page
    figures = [
        f for markup in out.values() for f in re.findall(r"<figure.*?</figure>", markup, re.S)
    ]
    assert 10 <= len(figures) <= 14
    for fig in figures:
        assert re.search(r'class="chart-title">[^<]+<', fig)
        alt = re.search(r'alt="([^"]*)"', fig)[1]
        assert re.search(r"\d", alt), alt  # the finding, with its numbers
        assert "Source: " in fig and "Northmoor Borough Council HR and case management" in fig
        assert html_lib.escape(report.bench.source, quote=True) in fig
        assert "Show the numbers" in fig and "<table" in fig
    total = sum(len(m) for m in out.values())
    assert total < 1_500_000  # the page stays well under 2 MB


def test_tile_values_equal_council_kpis(page):
    ctx, report, out = page
    kpis = workforce.council_kpis(ctx.history, MONTH, fy_start_month=4)
    tiles = {t["label"]: t for t in ctx.emitted["workforce_tiles"]}
    shown = re.findall(r'<p class="tile-value">([^<]*)</p>', out["headline_tiles"])
    assert len(tiles) == len(HEADLINE) == len(shown)
    for name, tile in zip(HEADLINE, ctx.emitted["workforce_tiles"], strict=True):
        assert tile["value"] == kpi_text(kpis[name]), name
        assert tile["value"] in shown
        assert set(tile) == {"label", "value", "change", "target", "status", "comparison", "note"}
    agency = tiles["Agency rate"]
    assert agency["value"] == f"{kpis['agency_rate']['value']:.1f}%"
    assert tiles["Average caseload"]["value"] == f"{kpis['average_caseload']['value']:.1f}"


def test_tiles_say_change_target_status_and_england(page):
    ctx, report, _ = page
    tiles = {t["label"]: t for t in ctx.emitted["workforce_tiles"]}
    table = workforce.indicators(ctx.history, by_team=False)
    agency = table[table["indicator"] == "agency_rate"].set_index("month")["value"]
    diff = round(agency["2025-09"], 1) - round(agency["2025-08"], 1)
    word = "Down" if diff < 0 else "Up"
    assert tiles["Agency rate"]["change"].startswith(f"{word} {abs(diff):.1f} points since August")
    target = ctx.config["targets"]["agency_rate"]
    assert tiles["Agency rate"]["target"] == f"Target: {target:.1f}% or lower"
    expected = "met" if round(agency["2025-09"], 1) <= target else "not_met"
    assert tiles["Agency rate"]["status"] == expected
    england = benchmarks.load_benchmarks(ctx.config).latest("agency_rate")
    assert tiles["Agency rate"]["comparison"].startswith(
        f"England {england.value:.1f}%, census 30 September {england.year}"
    )
    # Shipped benchmarks: neighbours and region appear with no file configured, and the
    # median says how many neighbours it covers.
    median = benchmarks.load_benchmarks(ctx.config).latest("agency_rate", "neighbours")
    assert (
        f"statistical neighbours {median.value:.1f}% ({median.coverage()})"
        in (tiles["Agency rate"]["comparison"])
    )
    absence = tiles["Sickness absence rate (12 months)"]["comparison"]
    assert absence.startswith(f"By DfE's definition {report._text('absence_rate_dfe')}, beside")
    assert tiles["Turnover rate (12 months)"]["note"] == "12 months to September 2025"
    assert tiles["Starters (12 months)"]["status"] is None


def test_headlines_for_the_landing_page(page):
    ctx, _, _ = page
    summary = ctx.emitted["workforce_summary"]
    assert isinstance(summary, str) and summary.count(". ") == 0 and summary.endswith(".")
    assert ctx.emitted["workforce_tiles"][0]["value"] in summary
    json.dumps(ctx.emitted)  # JSON-ready for the runner


def test_narrative_numbers_come_from_the_figures(page):
    ctx, report, out = page
    table = workforce.indicators(ctx.history, by_team=False)
    council = table.pivot(index="month", columns="indicator", values="value")
    text = text_of(out["narrative"])
    now, before = council.loc["2025-09"], council.loc["2025-08"]
    assert (
        f"The agency rate fell from {before['agency_rate']:.1f}% to "
        f"{now['agency_rate']:.1f}% this month"
    ) in text
    agency = council["agency_rate"].round(1)
    if (agency.iloc[:-1] > agency.iloc[-1]).all():
        assert f"its lowest in {len(agency)} months" in text
    for name in ("vacancy_rate", "turnover_rate_12m"):
        assert f"{now[name]:.1f}%" in text
    assert f"{now['average_caseload']:.1f}" in text
    r = workforce.recruitment_against_target(ctx.history, MONTH, 25)
    assert f"{r['hires']} qualified social workers have started in {r['financial_year']}" in text
    # Every percentage in the narrative is a figure of the data, a target, a benchmark or
    # an SPC limit: none is typed by hand.
    allowed = {f"{v:.1f}%" for v in table.loc[table["unit"] == "percent", "value"].dropna()}
    allowed |= {f"{v:.1f}%" for v in ctx.config["targets"].values()}
    bench = benchmarks.load_benchmarks(ctx.config)
    for name in benchmarks.COLUMNS:
        for series in (bench.england(name), bench.region(name), bench.neighbours_median(name)):
            allowed |= {f"{v:.1f}%" for v in series.dropna()}
    for name in ("agency_rate", "vacancy_rate", "turnover_rate_12m", "average_caseload"):
        chart = report._spc(name)
        allowed |= {f"{v:.1f}%" for v in chart[["mean", "upper", "lower"]].iloc[0]}
    found = set(re.findall(r"\d+\.\d%", text))
    assert found and found <= allowed, found - allowed
    # SPC wording is the xmr verdict for this month.
    verdict = spc.xmr(council["agency_rate"], polarity="lower_is_better").iloc[-1]
    phrase = (
        "special-cause improvement"
        if verdict["direction"] == "improvement"
        else "special-cause concern"
        if verdict["special_cause"]
        else "within normal variation"
    )
    assert phrase in text.split("Turnover.")[0]


def test_csv_is_the_indicator_table(page):
    ctx, _, _ = page
    saved = pd.read_csv(
        ctx.output_dir / "workforce_indicators.csv", keep_default_na=False, na_values=[""]
    )
    saved["team"] = saved["team"].fillna("")  # the council's rows have no team
    for col in (
        "month",
        "indicator",
        "scope",
        "team",
        "value",
        "symbol",
        "numerator",
        "denominator",
        "months_covered",
        "period_start",
        "period_end",
        "label",
    ):
        assert col in saved.columns
    assert sorted(saved.loc[saved["scope"] == "council", "month"].unique()) == ctx.history.months
    assert set(saved.loc[saved["scope"] == "team", "month"]) == {MONTH}
    now = saved[saved["month"] == MONTH].reset_index(drop=True)
    # Published rounded as on the page (carelib.dictionary.round_indicators).
    expected = dictionary.round_indicators(workforce.indicators(ctx.history, MONTH, by_team=True))
    assert len(now) == len(expected)
    merged = now.merge(expected, on=["scope", "team", "indicator"], suffixes=("", "_x"))
    assert len(merged) == len(expected)
    pd.testing.assert_series_equal(merged["value"], merged["value_x"], check_names=False, rtol=1e-9)
    assert (merged["symbol"].fillna("") == merged["symbol_x"]).all()
    council = saved[(saved["scope"] == "council") & (saved["indicator"] == "agency_rate")]
    kpis = workforce.council_kpis(ctx.history, MONTH)
    assert council["value"].iloc[-1] == round(kpis["agency_rate"]["value"], 1)


def test_no_worker_id_or_row_level_field_in_any_output(page, tmp_path):
    ctx, _, out = page
    ids = privacy.worker_ids(ctx.history.workforce, ctx.history.leavers)
    assert ids
    (tmp_path / "page.html").write_text("\n".join(out.values()), encoding="utf-8")
    (tmp_path / "headlines.json").write_text(json.dumps(ctx.emitted), encoding="utf-8")
    (tmp_path / "workforce_indicators.csv").write_bytes(
        (ctx.output_dir / "workforce_indicators.csv").read_bytes()
    )
    assert privacy.scan(tmp_path, ids) == []
    everything = "\n".join(out.values()) + json.dumps(ctx.emitted)
    assert "worker_id" not in everything and "sickness_days" not in everything


def test_symbols_stay_text(page):
    _, report, _ = page
    assert report._text("agency_rate", team="No such team") == "x"
    assert format_value(math.nan, "percent", "z") == "z"
    assert format_value(math.nan, "count", "c") == "c"


# ------------------------------------------------------------------- escaping


def test_team_names_from_the_data_are_escaped(demo_copy, tmp_path):
    bad = '<script>alert("x")</script> & Co'
    month_dir = demo_copy / MONTH
    for name in ("workforce", "establishment", "agency_spend", "leavers"):
        path = month_dir / f"{name}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["team"] = frame["team"].replace("Assessment 1", bad)
        frame.to_csv(path, index=False)
    _, _, out = build(demo_copy, tmp_path / "out")
    everything = "\n".join(out.values())
    assert "<script" not in everything.lower()
    assert html_lib.escape(bad, quote=True) in out["teams"]
    rows = table_rows(out["teams"], "Teams at")
    assert any(row[0] == bad for row in rows)


# ------------------------------------------------------------------- publication mode


def test_publication_mode_suppresses_small_counts(published, demo_data):
    ctx, report, out = published
    threshold = ctx.config["publication"]["threshold"]
    lv = workforce.leavers_breakdown(ctx.history, MONTH)
    reasons = lv[lv["breakdown"] == "reason"]
    rows = table_rows(out["turnover"], "Leavers by reason")[1:]
    by_label = {r[0]: r for r in rows}
    small = reasons[(reasons["headcount_12m"] >= 1) & (reasons["headcount_12m"] <= threshold)]
    assert len(small)  # the demo has small counts to hide
    for _, r in small.iterrows():
        assert by_label[REASON_LABELS[r["category"]]][2] == "c"
    # No total minus the other shown cells reveals a hidden one.
    shown = pd.DataFrame(
        [r[1:] for r in rows], columns=["month", "year"], index=[*range(len(rows) - 1), "total"]
    )
    true = pd.DataFrame(
        {
            "month": [*reasons["headcount_month"], reasons["headcount_month"].sum()],
            "year": [*reasons["headcount_12m"], reasons["headcount_12m"].sum()],
        },
        index=shown.index,
    )
    assert suppression.revealed_cells(shown, true, ["month", "year"], total_row="total") == []
    # Teams with a few agency workers show c for agency FTE and rate; rates on hidden
    # numerators are hidden; no count from 1 to the threshold is printed.
    table = workforce.indicators(ctx.history, MONTH, by_team=True)
    teams = table[table["scope"] == "team"]
    few = teams[(teams["indicator"] == "agency_headcount") & teams["value"].between(1, threshold)]
    assert len(few)
    team_rows = {r[0]: r for r in table_rows(out["teams"], "Teams at")[1:]}
    for team in few["team"]:
        assert team_rows[team][2] == "c" and team_rows[team][3] == "c"
    starters = {
        r[0]: r[1] for r in table_rows(out["vacancies"], "Qualified social workers who")[1:]
    }
    assert all(v == "c" or not 1 <= int(v) <= threshold for v in starters.values())
    bands = table_rows(out["caseloads"], "Caseloads by band")[1:]
    assert all(r[1] == "c" or not 1 <= int(r[1]) <= threshold for r in bands)
    cohorts = table_rows(out["nqsw"], "Newly qualified")[1:]
    assert all(c == "c" or not 1 <= int(c) <= threshold for r in cohorts for c in r[1:4])
    assert "c" in "".join(out.values())


def test_publication_mode_leaves_out_team_sickness(published, page):
    ctx, _, out = published
    teams = workforce.indicators(ctx.history, MONTH)["team"].unique()
    named = [t for t in teams if t and t in html_lib.unescape(out["absence"])]
    assert named == []
    saved = pd.read_csv(ctx.output_dir / "workforce_indicators.csv", keep_default_na=False)
    team_rows = saved[saved["scope"] == "team"]
    assert not team_rows["indicator"].isin(["absence_rate_12m", "absence_rate_dfe"]).any()
    hidden = saved[saved["symbol"] == "c"]
    assert len(hidden) and (hidden[["value", "numerator", "denominator"]] == "").all().all()
    # Outside publication mode the team table is there, marked for internal use.
    _, _, internal = page
    assert "Sickness absence by team" in internal["absence"]


def test_publication_mode_hides_the_small_nqsw_tile(published):
    ctx, _, _ = published
    kpis = workforce.council_kpis(ctx.history, MONTH)
    threshold = ctx.config["publication"]["threshold"]
    tile = next(t for t in ctx.emitted["workforce_tiles"] if t["label"].startswith("Newly"))
    if 1 <= kpis["nqsw_retained_1y"]["numerator"] <= threshold:
        assert tile["value"] == "c"
        assert str(int(kpis["nqsw_retained_1y"]["numerator"])) not in (tile["note"] or "")


# ------------------------------------------------------------------- short histories


@pytest.mark.parametrize("month", ["2023-10", "2024-03"])
def test_a_short_history_renders_and_says_so(demo_data, tmp_path, month):
    ctx, _, out = build(demo_data, tmp_path / "out", month=month)
    assert all("<h2" not in m for m in out.values())
    tiles = {t["label"]: t for t in ctx.emitted["workforce_tiles"]}
    covered = len(ctx.history.months)
    turnover = tiles["Turnover rate (12 months)"]
    assert turnover["note"].startswith(f"Only {covered} of 12 months of data")
    assert turnover["value"] == "Not available yet" and turnover["status"] is None
    if month == "2023-10":
        assert tiles["Agency rate"]["change"] is None
    # Compared with the latest census at or before the month end, named on the tile.
    census = {"2023-10": 2023, "2024-03": 2023}[month]
    england = benchmarks.load_benchmarks(ctx.config).england("agency_rate")[census]
    assert (
        f"England {england:.1f}%, census 30 September {census}"
        in (tiles["Agency rate"]["comparison"])
    )
    assert "fewer than 12 months" in text_of(out["turnover"])


# ------------------------------------------------------------------- benchmarks file


def test_statistical_neighbours_appear_when_the_dfe_file_is_configured(demo_data, tmp_path):
    csww = REFERENCE / "csww_indicators_2017_to_2025.csv"
    if not csww.is_file():
        pytest.skip(f"reference data not found at {REFERENCE}")
    text = CONFIG.read_text(encoding="utf-8").replace(
        'csww_indicators = ""', f'csww_indicators = "{csww.as_posix()}"'
    )
    config = tmp_path / "carelib.toml"
    config.write_text(text, encoding="utf-8")
    ctx, report, out = build(demo_data, tmp_path / "out", config=config)
    agency = next(t for t in ctx.emitted["workforce_tiles"] if t["label"] == "Agency rate")
    median = report.bench.latest("agency_rate", "neighbours")
    assert f"statistical neighbours {median.value:.1f}%" in agency["comparison"]
    assert "csww_indicators_2017_to_2025.csv" in out["agency"]


# ------------------------------------------------------------------- the notebook


@pytest.mark.slow
def test_notebook_runs_top_to_bottom_with_papermill(demo_data, tmp_path):
    import papermill

    out_dir = tmp_path / "out"
    nb = papermill.execute_notebook(
        str(ROOT / "notebooks" / "01_workforce.ipynb"),
        str(tmp_path / "executed.ipynb"),
        parameters={
            "month": MONTH,
            "data_dir": str(demo_data.resolve()),
            "config_path": str(CONFIG),
            "output_dir": str(out_dir.resolve()),
        },
        kernel_name="python3",
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
        log_output=False,
    )
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert not [
        o for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr"
    ]
    markup = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(markup) == len(SECTIONS)
    assert any(notebook.HEADLINES_MIMETYPE in o.get("data", {}) for o in outputs)
    assert (out_dir / "workforce_indicators.csv").is_file()
