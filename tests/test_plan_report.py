"""The improvement plan page: carelib.plan_report on the demo data, and its notebook."""

from __future__ import annotations

import datetime as dt
import html as std_html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from carelib import notebook, workforce
from carelib.html import HTML
from carelib.plan_report import PlanReport, format_value, long_date

ROOT = Path(__file__).resolve().parents[1]
MONTH = "2025-09"
CONFIG = ROOT / "carelib.toml"
SOURCE = "Source: Northmoor Borough Council improvement plan tracker, month-end snapshots"
SECTIONS = [
    "headline_tiles",
    "exceptions",
    "timeline",
    "changes",
    "by_recommendation",
    "by_theme",
    "burnup",
    "recommendation_sections",
    "rules",
]
EVIL_SCRIPT = "<script>alert(1)</script>"
EVIL_BOLD = "Tom & Jerry <b>bold</b>"


def build(data_dir: Path, month: str, out: Path, config: Path = CONFIG) -> PlanReport:
    ctx = notebook.setup(month=month, data_dir=data_dir, config_path=config, output_dir=out)
    return PlanReport(ctx)


def render(report: PlanReport) -> dict[str, HTML]:
    return {name: getattr(report, name)() for name in SECTIONS}


@pytest.fixture(scope="module")
def report(demo_data, tmp_path_factory) -> PlanReport:
    """September 2025 on the demo data (generated once per session by conftest)."""
    return build(demo_data, MONTH, tmp_path_factory.mktemp("plan_out"))


@pytest.fixture(scope="module")
def page(report) -> dict[str, HTML]:
    return render(report)


@pytest.fixture(scope="module")
def published(report):
    result = report.publish_outputs()
    return result, report.ctx.output_dir


def alts(markup: str) -> list[str]:
    return [std_html.unescape(a) for a in re.findall(r'<img [^>]*alt="([^"]*)"', markup)]


# --------------------------------------------------------------------- small pieces


def test_dates_and_values_are_written_for_readers():
    assert long_date(dt.date(2025, 9, 30)) == "30 September 2025"
    assert long_date(pd.Timestamp("2024-03-01")) == "1 March 2024"
    assert long_date(pd.NaT) == "no date"
    assert format_value(83.44, "percent") == "83.4%"
    assert format_value(29.9, "days") == "29.9 days"
    assert format_value(30.0, "days") == "30 days"
    assert format_value(1234.0, "count") == "1,234"
    assert format_value(1200.4, "gbp") == "£1,200"
    assert format_value(None, "percent") == "no value"


# ------------------------------------------------------------------ every section


def test_every_section_is_html_without_a_level_two_heading(page):
    for name, markup in page.items():
        assert isinstance(markup, HTML), name
        assert len(markup) > 100, name
        assert "<h2" not in markup, name
        assert "<h1" not in markup, name


def test_ids_are_unique_across_the_page(page):
    ids = re.findall(r'\bid="([^"]+)"', "".join(page.values()))
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]


def test_page_stays_small(page):
    total = sum(len(markup.encode()) for markup in page.values())
    assert total < 1_500_000, total


def test_publish_outputs_writes_the_csvs_and_hands_over_headlines(report, published):
    result, out = published
    assert result is None
    actions = pd.read_csv(out / "actions.csv")
    measures = pd.read_csv(out / "measures.csv")
    assert {
        "action_id",
        "computed_rag",
        "rag_reason",
        "overdue",
        "slipped_this_month",
        "stale",
        "rag_disagrees",
    } <= set(actions.columns)
    assert {"measure_id", "rag", "trajectory", "progress_text", "value_source"} <= set(
        measures.columns
    )
    assert list(actions["action_id"]) == list(report.assessment.actions["action_id"])
    assert list(actions["computed_rag"]) == list(report.assessment.actions["computed_rag"])
    assert len(measures) == len(report.assessment.measures)
    # dates are written as dates, not timestamps
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(actions["due_date"].iloc[0]))

    items = report.ctx.emitted
    json.dumps(items)  # the runner carries them as JSON
    assert set(items) == {"plan_tiles", "plan_summary"}
    keys = {"label", "value", "change", "target", "status", "comparison", "note"}
    assert all(set(tile) == keys for tile in items["plan_tiles"])
    red = int((report.assessment.actions["computed_rag"] == "red").sum())
    tile = next(t for t in items["plan_tiles"] if t["label"] == "Actions rated red")
    assert tile["value"] == str(red)
    assert "August 2025" in tile["change"]
    summary = items["plan_summary"]
    assert summary.endswith(".") and summary.count(". ") == 0
    assert "30 September 2025" in summary


def test_tiles_count_actions_by_rating_in_words(report, page):
    markup = page["headline_tiles"]
    counts = report.assessment.actions["computed_rag"].value_counts()
    for label, colour in [
        ("Red", "red"),
        ("Amber", "amber"),
        ("Green", "green"),
        ("Complete", "blue"),
    ]:
        found = re.search(
            rf"{re.escape(label)} actions</span></p>"
            r'<p class="tile-value">(\d+)</p>',
            markup,
        )
        assert found, label
        assert int(found.group(1)) == int(counts.get(colour, 0)), label
    summary = report.summary
    for label, value in [
        ("Overdue actions", summary["overdue"]),
        ("Blocked actions", summary["blocked"]),
        ("Actions completed this month", summary["completed_this_month"]),
    ]:
        assert f'{label}</p><p class="tile-value">{value}</p>' in markup
    on_track = summary["measures_by_rag"]["green"]
    assert f"{on_track} of {summary['measures_total']}" in markup


def test_exceptions_list_every_overdue_blocked_and_worsening_item(report, page):
    markup = page["exceptions"]
    acts = report.assessment.actions
    needing = acts[
        acts["overdue"]
        | acts["blocked"]
        | acts["slipped_this_month"]
        | (acts["rag_change"] == "worsened")
    ]
    assert len(needing) > 0
    for action_id in needing["action_id"]:
        assert f'<th scope="row">{action_id}: ' in markup, action_id
    fine = acts[(acts["computed_rag"] == "blue") & ~acts["action_id"].isin(needing["action_id"])]
    for action_id in fine["action_id"]:
        assert f'<th scope="row">{action_id}: ' not in markup, action_id
    rows = markup.count('<th scope="row">')
    assert rows == len(report.assessment.exceptions)
    assert "<caption>" in markup and 'scope="col"' in markup
    assert 'class="rag rag-red"' in markup and "Red</span>" in markup  # badge with words
    # reasons are written with dates in full and owners and updates are shown
    assert "30 June 2025" in markup and "30 Jun 2025" not in markup
    first = report.assessment.exceptions.iloc[0]
    assert std_html.escape(first["owner"]) in markup


def test_timeline_gives_the_statutory_dates(page):
    markup = page["timeline"]
    assert "<dl" in markup
    for text in (
        "25 August 2023",
        "4 December 2023",
        "70 working days",
        "passed",
        "24 months",
        "1 October 2023",
        "30 September 2025",
    ):
        assert text in markup, text


def test_burnup_states_its_finding_and_shows_its_numbers(report, page):
    markup = page["burnup"]
    last = report.assessment.burnup.iloc[-1]
    (alt,) = alts(markup)
    expected = (
        f"By September 2025, {last['complete']} of {last['total']} actions were "
        f"complete against {last['due_to_date']} due"
    )
    assert alt.startswith(expected)
    assert SOURCE in markup
    assert "<table" in markup and "Due by month end" in markup
    assert markup.count("<tr>") == len(report.assessment.burnup) + 1


def test_every_chart_has_title_alt_source_and_numbers(report, page):
    markup = page["burnup"] + page["recommendation_sections"]
    figures = markup.count("<figure")
    with_measures = report.assessment.measures["recommendation_id"].nunique()
    assert figures == with_measures + 1
    assert markup.count('class="chart-title"') == figures
    assert markup.count(SOURCE) == figures
    assert markup.count("Show the numbers") == figures
    assert all(len(a) > 40 for a in alts(markup)) and len(alts(markup)) == figures


def test_recommendation_sections_show_wording_actions_and_measures(report, page):
    markup = page["recommendation_sections"]
    recs = report.assessment.recommendations
    assert markup.count("<h3") == len(recs)
    assert "<h2" not in markup
    for rec in recs.to_dict("records"):
        assert std_html.escape(rec["recommendation"]) in markup
        assert f'id="plan-{rec["recommendation_id"].lower()}"' in markup
    for m in report.assessment.measures.to_dict("records"):
        assert std_html.escape(m["progress_text"]) in markup, m["measure_id"]
    assert "higher is better" in markup and "lower is better" in markup
    # the owner's rating is flagged in words wherever it differs from the rules
    assert markup.count("Differs</strong>") == int(report.assessment.actions["rag_disagrees"].sum())
    for action_id in report.assessment.actions["action_id"]:
        assert f'<th scope="row">{action_id}: ' in markup


def test_recommendation_and_theme_tables_name_what_decides_the_rating(report, page):
    recs = page["by_recommendation"]
    for rec in report.assessment.recommendations.to_dict("records"):
        assert f'<th scope="row">{rec["recommendation_id"]}: ' in recs
        if rec["driver_id"]:
            assert f"{rec['driver_kind'].capitalize()} {rec['driver_id']}" in recs
    order = re.findall(r'<th scope="row">(R\d+):', recs)
    assert order == sorted(order, key=lambda r: int(r[1:]))
    themes = page["by_theme"]
    assert "Out of borough" in themes and "out_of_borough" not in themes
    assert themes.count('<th scope="row">') == len(report.assessment.themes)


def test_rules_are_plain_english(page):
    markup = page["rules"]
    assert "within 30 days" in markup and "10%" in markup and "2 months" in markup
    assert "<a " not in markup and "http" not in markup
    assert markup.count('class="rag ') >= 12


def test_measures_use_council_indicators_with_full_windows_only(report):
    current = workforce.council_kpis(report.ctx.history, MONTH)
    assert report.kpi_by_month[MONTH]["agency_rate"]["value"] == pytest.approx(
        current["agency_rate"]["value"]
    )
    # a 12-month turnover worked out from one month of data is not complete: not judged
    early = report.kpi_by_month["2023-10"]["turnover_rate_12m"]
    assert (early["months_covered"], early["window_months"], early["complete"]) == (1, 12, False)
    m11 = report.measure_history[report.measure_history["kpi"] == "turnover_rate_12m"]
    assert m11.loc[m11["month"] == "2023-10", "value"].isna().all()
    assert m11.loc[m11["month"] == MONTH, "value"].notna().all()


# ------------------------------------------------------------- other months, config


def test_changes_list_each_kind_of_change(demo_data, tmp_path):
    report = build(demo_data, "2024-09", tmp_path)
    markup = report.changes()
    acts = report.assessment.actions
    assert acts["slipped_this_month"].any() and len(report.assessment.disappeared)
    for action_id in acts.loc[acts["slipped_this_month"], "action_id"]:
        assert f'<th scope="row">{action_id}: ' in markup
    for action_id in acts.loc[acts["completed_this_month"], "action_id"]:
        assert f'<th scope="row">{action_id}: ' in markup
    for action_id in report.assessment.disappeared["action_id"]:
        assert f'<th scope="row">{action_id}: ' in markup
    assert 'id="plan-changes-slipped"' in markup and 'id="plan-changes-gone"' in markup
    assert "182 days" in markup  # A03 moved 182 days later this month
    assert "September 2024 compared with August 2024" in markup


def test_first_month_and_configured_thresholds(demo_data, tmp_path):
    text = CONFIG.read_text(encoding="utf-8")
    text = text.replace("due_soon_days = 30", "due_soon_days = 21")
    text = text.replace("amber_gap_share = 0.10", "amber_gap_share = 0.15")
    config = tmp_path / "carelib.toml"
    config.write_text(text, encoding="utf-8")
    report = build(demo_data, "2023-10", tmp_path / "out", config)
    assert report.previous is None
    assert "first month of data" in report.changes()
    assert "First month of data" in report.headline_tiles()
    rules = report.rules()
    assert "within 21 days" in rules and "15%" in rules
    page = render(report)
    assert all("<h2" not in markup for markup in page.values())


# ------------------------------------------------------------------------ escaping


def test_free_text_is_shown_as_text_never_markup(demo_data, tmp_path):
    data = tmp_path / "data"
    for month in ("2023-10", "2023-11"):
        shutil.copytree(demo_data / month, data / month)
    path = data / "2023-11" / "actions.csv"
    actions = pd.read_csv(path, dtype=str, keep_default_na=False)
    rid = actions.loc[0, "recommendation_id"]
    actions.loc[actions["recommendation_id"] == rid, "recommendation"] = (
        f"{EVIL_SCRIPT} {EVIL_BOLD}"
    )
    actions.loc[0, "action"] = f"{EVIL_SCRIPT} {EVIL_BOLD}"
    actions.loc[0, "update"] = f"{EVIL_BOLD} {EVIL_SCRIPT}"
    actions.loc[0, "owner"] = EVIL_BOLD
    actions.loc[0, "status"] = "blocked"  # so it is listed among the exceptions too
    actions.loc[actions["theme"] == actions.loc[0, "theme"], "theme"] = EVIL_BOLD
    actions.to_csv(path, index=False)
    path = data / "2023-11" / "measures.csv"
    measures = pd.read_csv(path, dtype=str, keep_default_na=False)
    measures.loc[0, "name"] = f"{EVIL_SCRIPT} costs $5 & $10 {EVIL_BOLD}"
    measures.to_csv(path, index=False)

    report = build(data, "2023-11", tmp_path / "out")
    page = render(report)
    markup = "".join(page.values())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt;" in markup
    assert "<script" not in markup.lower()
    assert "<b>bold" not in markup
    for name in ("exceptions", "by_recommendation", "by_theme", "recommendation_sections"):
        assert "&lt;script&gt;" in page[name] or "&lt;b&gt;" in page[name], name
    # alt text is escaped too (the measure name is in it)
    assert any(EVIL_SCRIPT in a for a in alts(markup))
    # the published CSV keeps the text exactly as written
    report.publish_outputs()
    written = pd.read_csv(tmp_path / "out" / "actions.csv", dtype=str)
    assert written.loc[0, "action"] == f"{EVIL_SCRIPT} {EVIL_BOLD}"


# ------------------------------------------------------------------------ notebook


def test_notebook_runs_top_to_bottom(demo_data, tmp_path):
    import papermill

    from carelib.notebook import HEADLINES_MIMETYPE

    out = tmp_path / "out"
    nb = papermill.execute_notebook(
        str(ROOT / "notebooks" / "02_improvement_plan.ipynb"),
        str(tmp_path / "executed.ipynb"),
        parameters={
            "month": MONTH,
            "data_dir": str(demo_data.resolve()),
            "config_path": str(CONFIG),
            "output_dir": str(out.resolve()),
        },
        kernel_name="python3",
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
    )
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    handed = [o for o in outputs if HEADLINES_MIMETYPE in o.get("data", {})]
    assert len(handed) == 1 and handed[0]["data"][HEADLINES_MIMETYPE]["plan_tiles"]
    shown = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(shown) == len(SECTIONS)
    assert all("<h2" not in markup for markup in shown)
    assert (out / "actions.csv").is_file() and (out / "measures.csv").is_file()
