"""The workforce stability page as data: every view on the demo data, privacy, escaping,
publication mode, the command line agreeing with the page, and the real notebook run
top to bottom through papermill.

Views are tested as data (``view.figures[0].alt``, ``view.tables[0].frame``,
``view.sentences``); only escaping and the notebook run look at rendered HTML.
"""

from __future__ import annotations

import io
import json
import math
import re
from contextlib import redirect_stdout
from pathlib import Path

import markupsafe
import pandas as pd
import pytest

from carelib import (
    agency_data,
    benchmarks,
    blocks,
    cli,
    config,
    dictionary,
    formatting,
    loading,
    notebook,
    privacy,
    spc,
    suppression,
    workforce,
    workforce_data,
)
from carelib.views import workforce as views
from carelib.views import workforce_spc
from carelib.views.workforce_headline import indicators_csv
from carelib.workforce_data import HEADLINE, REASON_LABELS

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
MONTH = "2025-09"
CONFIG = ROOT / "carelib.toml"
SECTIONS = (
    "tiles",
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
    data = views.build(ctx)
    views.publish_outputs(data)
    return ctx, data, {name: getattr(views, name)(data) for name in SECTIONS}


@pytest.fixture(scope="module")
def page(demo_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("workforce_out")
    return build(demo_data, out)


@pytest.fixture(scope="module")
def published(demo_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("workforce_pub")
    return build(demo_data, out, publication=True)


def table(view: blocks.View, caption_start: str) -> pd.DataFrame:
    """The frame of the view's first table whose caption starts with ``caption_start``."""
    for t in view.tables:
        if t.caption.startswith(caption_start):
            return t.frame
    raise AssertionError(f"no table captioned {caption_start!r}")


def text(view: blocks.View) -> str:
    return " ".join(view.sentences)


def kpi_text(record: dict) -> str:
    value = record["value"]
    if value is None:
        return record["symbol"]
    if record["unit"] == "percent":
        return f"{value:.1f}%"
    if record["unit"] == "cases":
        return f"{value:.1f}"
    return f"{value:,.0f}"


# ------------------------------------------------------------------- every view


def test_every_section_is_a_view_opening_with_its_finding(page):
    # Each section's view opens with its one level-2 heading, the finding, listed in the
    # page's contents under the section's short name; the definitions keep the notebook's
    # markdown heading and have none.
    from carelib.views import workforce_board

    _, _, out = page
    for name, view in out.items():
        assert isinstance(view, blocks.View) and view.name, name
        assert view.blocks, name
        level2 = [b for b in blocks.walk(view.blocks) if getattr(b, "level", 3) == 2]
        markup = view._repr_html_()
        assert "<script" not in markup.lower(), name
        if name == "definitions":
            assert not level2 and "<h2" not in markup
            continue
        anchor, label = workforce_board.SECTIONS[name]
        assert len(level2) == 1 and view.blocks[0] is level2[0], name
        assert (level2[0].id, level2[0].label) == (anchor, label), name
        assert level2[0].text != label and markup.count("<h2") == 1, name
        _, meta = view._repr_mimebundle_()
        assert meta["carelib"]["headings"] == [{"id": anchor, "text": label}], name


def test_every_chart_has_title_alt_text_source_and_numbers(page):
    _, data, out = page
    figures = [f for view in out.values() for f in view.figures]
    assert 10 <= len(figures) <= 14
    for fig in figures:
        assert fig.title
        assert re.search(r"\d", fig.alt), fig.alt  # the finding, with its numbers
        assert fig.source.startswith("Northmoor Borough Council HR and case management")
        assert data.bench.source in fig.source
        assert isinstance(fig.data, blocks.Table) and len(fig.data.frame)
        assert fig.png.startswith(b"\x89PNG")
    assert sum(len(f.png) + len(f.phone_png or b"") for f in figures) < 1_100_000


def test_full_tables_are_content_of_their_own_and_pack_for_print(page):
    # A table collapsed on screen (class full-table) prints by default, so it must not
    # be a second copy of the numbers behind a chart (those print only with
    # [report] print_tables): no row of it is a row of any chart's table.
    _, _, out = page
    found = [b for view in out.values() for b in blocks.walk(view.blocks)]
    full = {
        d.summary.split(" (")[0]: d.blocks[0]
        for d in found
        if isinstance(d, blocks.Details) and d.class_ == "full-table"
    }
    assert len(full) == 8 and {"Leavers by destination", "Definitions"} <= set(full)

    def rows(frame):
        return set(map(tuple, frame.astype(str).to_numpy()))

    charted = [rows(f.data.frame) for f in found if isinstance(f, blocks.Figure)]
    for summary, table in full.items():
        assert isinstance(table, blocks.Table) and len(table.frame), summary
        assert not any(rows(table.frame) & chart for chart in charted), summary
    # Printed, the two leavers tables sit side by side and the starters table beside
    # the recruitment chart (report.css .print-columns); on screen one after the other.
    groups = {g.class_: g.blocks for g in found if isinstance(g, blocks.Group) and g.class_}
    reason, destination = groups["print-columns print-pair"]
    assert reason.blocks[0] is full["Leavers by reason for leaving"]
    assert destination.blocks[0] is full["Leavers by destination"]
    figure, details = groups["print-columns print-beside-chart"]
    assert isinstance(figure, blocks.Figure) and "hired in" in figure.title
    assert details.blocks[0] is full["Starters by team"]


def test_trend_views_take_the_analysts_arguments(page):
    _, data, _ = page
    view = views.agency(data, months=12, title="Agency rate, the last year", england=False)
    fig = view.figures[0]
    assert fig.title == "Agency rate, the last year"
    assert len(fig.data.frame) == 12 and fig.data.frame["Month"].iloc[0] == "October 2024"
    assert fig.alt.startswith("Line chart: the agency rate")
    assert "from" in fig.alt and "in October 2024" in fig.alt
    assert len(view.figures[1].data.frame) == 12
    default = views.agency(data)
    rates = data.series("agency_rate")["value"]
    assert default.figures[0].title == (
        f"Agency rate {'fell' if rates.iloc[-1] < rates.iloc[0] else 'rose'} from "
        f"{rates.iloc[0]:.1f}% in October 2023 to {rates.iloc[-1]:.1f}% in September 2025"
    )
    assert len(default.figures[0].data.frame) == 24
    # A target left off the chart is left out of its alt text too.
    assert "target" in default.figures[0].alt
    assert "target" not in views.trend(data, "vacancy_rate", target=False).figures[0].alt
    # Any indicator can be drawn in the house style.
    starters = views.trend(data, "starters_12m", months=6)
    # Its default title is its finding, from the first and last of the months shown.
    assert starters.figures[0].title.startswith(
        workforce.INDICATORS["starters_12m"].label + " "
    ) and starters.figures[0].title.endswith(" in September 2025")
    assert re.search(r" (rose|fell) from \d+ in \w+ 2025 to \d+ in", starters.figures[0].title)
    assert len(starters.figures[0].data.frame) <= 6


def test_tile_values_equal_council_kpis(page):
    ctx, _, out = page
    kpis = workforce.council_kpis(ctx.history, MONTH, fy_start_month=4)
    tiles = {t["label"]: t for t in ctx.emitted["workforce_tiles"]}
    shown = [t.value for b in out["tiles"].blocks if isinstance(b, blocks.Tiles) for t in b.items]
    assert len(tiles) == len(HEADLINE) == len(shown)
    for name, tile in zip(HEADLINE, ctx.emitted["workforce_tiles"], strict=True):
        assert tile["value"] == kpi_text(kpis[name]), name
        assert tile["value"] in shown
        assert set(tile) == {"label", "value", "change", "target", "status", "comparison", "note"}
    agency = tiles["Agency rate"]
    assert agency["value"] == f"{kpis['agency_rate']['value']:.1f}%"
    assert tiles["Average caseload"]["value"] == f"{kpis['average_caseload']['value']:.1f}"


def test_tiles_say_change_target_status_and_england(page):
    ctx, data, _ = page
    tiles = {t["label"]: t for t in ctx.emitted["workforce_tiles"]}
    frame = workforce.indicators(ctx.history, by_team=False)
    agency = frame[frame["indicator"] == "agency_rate"].set_index("month")["value"]
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
    median = benchmarks.load_benchmarks(ctx.config).latest("agency_rate", "neighbours")
    assert (
        f"statistical neighbours {median.value:.1f}% ({median.coverage()})"
        in (tiles["Agency rate"]["comparison"])
    )
    absence = tiles["Sickness absence rate (12 months)"]["comparison"]
    assert absence.startswith(f"By DfE's definition {data.text('absence_rate_dfe')}, beside")
    assert tiles["Turnover rate (12 months)"]["note"] == "12 months to September 2025"
    assert tiles["Starters (12 months)"]["status"] is None


def test_headlines_for_the_landing_page(page):
    ctx, _, _ = page
    summary = ctx.emitted["workforce_summary"]
    assert isinstance(summary, str) and summary.count(". ") == 0 and summary.endswith(".")
    assert ctx.emitted["workforce_tiles"][0]["value"] in summary
    json.dumps(ctx.emitted)  # JSON-ready for the runner


def test_narrative_numbers_come_from_the_figures(page):
    ctx, data, out = page
    frame = workforce.indicators(ctx.history, by_team=False)
    council = frame.pivot(index="month", columns="indicator", values="value")
    said = text(out["narrative"])
    now, before = council.loc["2025-09"], council.loc["2025-08"]
    assert (
        f"The agency rate fell from {before['agency_rate']:.1f}% to "
        f"{now['agency_rate']:.1f}% this month"
    ) in said
    agency = council["agency_rate"].round(1)
    if (agency.iloc[:-1] > agency.iloc[-1]).all():
        assert f"its lowest in {len(agency)} months" in said
    for name in ("vacancy_rate", "turnover_rate_12m"):
        assert f"{now[name]:.1f}%" in said
    assert f"{now['average_caseload']:.1f}" in said
    r = workforce.recruitment_against_target(ctx.history, MONTH, 25)
    assert f"{r['hires']} qualified social workers have started in {r['financial_year']}" in said
    # Every percentage in the narrative is a figure of the data, a target, a benchmark or
    # an SPC limit: none is typed by hand.
    allowed = {f"{v:.1f}%" for v in frame.loc[frame["unit"] == "percent", "value"].dropna()}
    allowed |= {f"{v:.1f}%" for v in ctx.config["targets"].values() if v is not None}
    bench = benchmarks.load_benchmarks(ctx.config)
    for name in benchmarks.COLUMNS:
        for series in (bench.england(name), bench.region(name), bench.neighbours_median(name)):
            allowed |= {f"{v:.1f}%" for v in series.dropna()}
    for name in ("agency_rate", "vacancy_rate", "turnover_rate_12m", "average_caseload"):
        chart = workforce_spc.chart(data, name)
        allowed |= {f"{v:.1f}%" for v in chart[["mean", "upper", "lower"]].iloc[0]}
    found = set(re.findall(r"\d+\.\d%", said))
    assert found and found <= allowed, found - allowed
    verdict = spc.xmr(council["agency_rate"], polarity="lower_is_better").iloc[-1]
    phrase = (
        "special-cause improvement"
        if verdict["direction"] == "improvement"
        else "special-cause concern"
        if verdict["special_cause"]
        else "within normal variation"
    )
    assert phrase in out["narrative"].sentences[0]
    assert [s.split(".")[0] for s in out["narrative"].sentences] == [
        "Agency reliance",
        "Turnover",
        "Vacancies",
        "Caseloads",
        "Recruitment",
        "Sickness absence",
    ]


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
    markup = "\n".join(v._repr_html_() for v in out.values())
    (tmp_path / "page.html").write_text(markup, encoding="utf-8")
    (tmp_path / "headlines.json").write_text(json.dumps(ctx.emitted), encoding="utf-8")
    (tmp_path / "workforce_indicators.csv").write_bytes(
        (ctx.output_dir / "workforce_indicators.csv").read_bytes()
    )
    assert privacy.scan(tmp_path, ids) == []
    everything = markup + json.dumps(ctx.emitted)
    assert "worker_id" not in everything and "sickness_days" not in everything


def test_symbols_stay_text(page):
    _, data, _ = page
    assert data.text("agency_rate", team="No such team") == "x"
    assert data.row("agency_rate", team="No such team") is None
    assert math.isnan(data.value("agency_rate", team="No such team"))
    assert formatting.value(math.nan, "percent", "z") == "z"
    assert formatting.value(math.nan, "count", "c") == "c"


# ------------------------------------------------------------------- the command line


#: Months checked in publication mode: the first, financial-year ends and starts, golden.
PUBLICATION_MONTHS = ("2023-10", "2024-03", "2024-04", "2025-03", "2025-04", "2025-09")


def _cli_kpis(demo_data, month: str, publication: bool) -> dict:
    args = ["--config", str(CONFIG), "kpis", "--json", "--data", str(demo_data)]
    args += ["--month", month] + (["--publication"] if publication else [])
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(args) == 0
    return json.loads(out.getvalue())


@pytest.mark.parametrize("publication", [False, True], ids=["normal", "publication"])
def test_the_command_line_agrees_with_the_page_and_csv_every_month(demo_data, publication):
    """``carelib kpis`` prints the page's published figures, for every demo month.

    One build per month (from one load of the demo's history) gives the page's tiles
    and CSV rows; the command line's figures
    (:func:`carelib.workforce_data.headline_kpis`, what ``carelib kpis`` prints) must
    equal them on every headline indicator. Two months also go through ``carelib kpis``
    itself. Publication mode (about 1.5 s of suppression audit a month) takes the first
    month, both ends of each financial year and the golden months.
    """
    cfg = config.load(CONFIG)
    everything = loading.load_history(demo_data, "2025-09")
    bench = benchmarks.load_benchmarks(cfg)
    assert len(everything.months) == 24
    suppressed = 0
    months = everything.months if not publication else PUBLICATION_MONTHS
    for month in months:
        # The history notebook.setup loads for the month (files up to the month), cut
        # from one load of the whole demo.
        history = workforce_data.recent(everything, month, len(everything.months))
        ctx = notebook.ReportContext(month, cfg, history, demo_data, publication=publication)
        data = workforce_data.build(ctx, bench)
        kpis = workforce_data.headline_kpis(data)
        assert list(kpis) == list(workforce.KPIS)
        csv = indicators_csv(data)
        csv = csv[(csv["scope"] == "council") & (csv["month"] == month)].set_index("indicator")
        tiles = {t["label"]: t["value"] for t in views.tile_items(data)}
        for name, record in kpis.items():
            value, symbol = record["value"], record["symbol"]
            assert (value is None) == pd.isna(csv.at[name, "value"]), (month, name)
            if value is not None:
                unit = record["unit"]
                assert round(value, dictionary.WORKFORCE_DECIMALS[unit]) == pytest.approx(
                    csv.at[name, "value"]
                ), (month, name)
            saved = csv.at[name, "symbol"]
            assert symbol == ("" if pd.isna(saved) else saved), (month, name)
            suppressed += symbol == "c"
            if name in HEADLINE:
                shown = tiles[workforce_data.TILE_LABELS[name]]
                if shown != "Not available yet":
                    assert shown == formatting.value(value, record["unit"], symbol), (month, name)
        if month in ("2024-03", MONTH):
            # The command line also prints the agency rate figures (carelib.agency_data).
            expected = {**kpis, **agency_data.kpis(agency_data.build(ctx))}
            assert _cli_kpis(demo_data, month, publication) == json.loads(
                json.dumps(expected, default=str)
            )
    assert (suppressed > 0) == publication


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
    everything = "\n".join(v._repr_html_() for v in out.values())
    assert "<script" not in everything.lower()
    assert str(markupsafe.escape(bad)) in out["teams"]._repr_html_()
    assert bad in list(table(out["teams"], "Teams at")["Team"])


# ------------------------------------------------------------------- publication mode


def test_publication_mode_suppresses_small_counts(published, demo_data):
    ctx, data, out = published
    threshold = ctx.config["publication"]["threshold"]
    lv = workforce.leavers_breakdown(ctx.history, MONTH)
    reasons = lv[lv["breakdown"] == "reason"]
    rows = table(out["turnover"], "Leavers by reason").astype(str).values.tolist()
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
    # The published table is the one the view shows.
    assert data.leavers["reason"].iloc[:, 2].astype(str).tolist() == [r[2] for r in rows]
    frame = workforce.indicators(ctx.history, MONTH, by_team=True)
    teams = frame[frame["scope"] == "team"]
    few = teams[(teams["indicator"] == "agency_headcount") & teams["value"].between(1, threshold)]
    assert len(few)
    team_rows = table(out["teams"], "Teams at").set_index("Team")
    for team in few["team"]:
        assert team_rows.at[team, "Agency (FTE)"] == "c"
        assert team_rows.at[team, "Agency rate"] == "c"
    starters = table(out["vacancies"], "Qualified social workers who")["Starters (12 months)"]
    assert all(v == "c" or not 1 <= int(v) <= threshold for v in starters)
    bands = table(out["caseloads"], "Caseloads by band")["Workers"]
    assert all(v == "c" or not 1 <= int(v) <= threshold for v in bands)
    cohorts = table(out["nqsw"], "Newly qualified")
    cells = cohorts[["Started", "Still in post", "Left"]].astype(str).values.ravel()
    assert all(c == "c" or not 1 <= int(c) <= threshold for c in cells)
    assert "c" in list(cells) + list(bands) + list(starters)


def test_publication_mode_leaves_out_team_sickness(published, page):
    ctx, _, out = published
    teams = workforce.indicators(ctx.history, MONTH)["team"].unique()
    absence = text(out["absence"]) + " ".join(t.caption for t in out["absence"].tables)
    assert [t for t in teams if t and t in absence] == []
    assert not [t for t in out["absence"].tables if t.caption.startswith("Sickness absence by")]
    saved = pd.read_csv(ctx.output_dir / "workforce_indicators.csv", keep_default_na=False)
    team_rows = saved[saved["scope"] == "team"]
    assert not team_rows["indicator"].isin(["absence_rate_12m", "absence_rate_dfe"]).any()
    hidden = saved[saved["symbol"] == "c"]
    assert len(hidden) and (hidden[["value", "numerator", "denominator"]] == "").all().all()
    # Outside publication mode the team table is there, marked for internal use.
    _, _, internal = page
    assert len(table(internal["absence"], "Sickness absence by team")) > 1


def test_publication_mode_hides_the_small_nqsw_tile(published):
    ctx, _, _ = published
    kpis = workforce.council_kpis(ctx.history, MONTH)
    threshold = ctx.config["publication"]["threshold"]
    tile = next(t for t in ctx.emitted["workforce_tiles"] if t["label"].startswith("Newly"))
    assert 1 <= kpis["nqsw_retained_1y"]["numerator"] <= threshold  # the demo has one
    assert tile["value"] == "c"
    assert str(int(kpis["nqsw_retained_1y"]["numerator"])) not in (tile["note"] or "")


# ------------------------------------------------------------------- short histories


@pytest.mark.parametrize("month", ["2023-10", "2024-03"])
def test_a_short_history_renders_and_says_so(demo_data, tmp_path, month):
    ctx, _, out = build(demo_data, tmp_path / "out", month=month)
    tiles = {t["label"]: t for t in ctx.emitted["workforce_tiles"]}
    covered = len(ctx.history.months)
    turnover = tiles["Turnover rate (12 months)"]
    assert turnover["note"].startswith(f"Only {covered} of 12 months of data")
    assert turnover["value"] == "Not available yet" and turnover["status"] is None
    if month == "2023-10":
        assert tiles["Agency rate"]["change"] is None
    census = {"2023-10": 2023, "2024-03": 2023}[month]
    england = benchmarks.load_benchmarks(ctx.config).england("agency_rate")[census]
    assert (
        f"England {england:.1f}%, census 30 September {census}"
        in (tiles["Agency rate"]["comparison"])
    )
    turnover_view = out["turnover"]
    said = text(turnover_view) + " ".join(f.alt for f in turnover_view.figures)
    assert "fewer than 12 months" in said
    assert all(v._repr_html_() for v in out.values())


# ------------------------------------------------------------------- benchmarks file


def test_statistical_neighbours_appear_when_the_dfe_file_is_configured(demo_data, tmp_path):
    csww = REFERENCE / "csww_indicators_2017_to_2025.csv"
    if not csww.is_file():
        pytest.skip(f"reference data not found at {REFERENCE}")
    config_text = CONFIG.read_text(encoding="utf-8").replace(
        'csww_indicators = ""', f'csww_indicators = "{csww.as_posix()}"'
    )
    config = tmp_path / "carelib.toml"
    config.write_text(config_text, encoding="utf-8")
    ctx, data, out = build(demo_data, tmp_path / "out", config=config)
    agency = next(t for t in ctx.emitted["workforce_tiles"] if t["label"] == "Agency rate")
    median = data.bench.latest("agency_rate", "neighbours")
    assert f"statistical neighbours {median.value:.1f}%" in agency["comparison"]
    assert "csww_indicators_2017_to_2025.csv" in out["agency"].figures[0].source


# ------------------------------------------------------------------- the notebook


def test_the_scheduled_run_executed_the_notebook_top_to_bottom(demo_reports):
    """The session's demo build ran 01_workforce.ipynb as the monthly run does.

    Its executed copy (kept beside the page) has no error and nothing on stderr, and each
    section is one visible call of a view whose output is shown.
    """
    import nbformat

    source = nbformat.read(str(ROOT / "notebooks" / "01_workforce.ipynb"), as_version=4)
    # Cells an analyst can read: each section calls one view with its arguments showing.
    calls = [c.source for c in source.cells if c.cell_type == "code"]
    calls = [c for c in calls if c.startswith("views.")]
    assert len(calls) == len(SECTIONS)
    assert any("months=24" in c and "title=" in c for c in calls)
    month = demo_reports / MONTH
    nb = nbformat.read(str(month / "executed" / "01_workforce.ipynb"), as_version=4)
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert not [
        o for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr"
    ]
    markup = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(markup) == len(SECTIONS)
    assert (month / "workforce_indicators.csv").is_file()
