"""The improvement plan page: carelib.plan_data and the carelib.views.plan_* views on the
demo data, tested as data (findings, figures, tables), then their templates, then the
notebook end to end."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html as std_html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from carelib import blocks, notebook, plan_attention, plan_data, views, workforce
from carelib.views import plan_words

ROOT = Path(__file__).resolve().parents[1]
MONTH = "2025-09"
CONFIG = ROOT / "carelib.toml"
SOURCE = "Northmoor Borough Council improvement plan tracker, month-end snapshots"
SECTIONS = {
    "tiles": views.plan_tiles,
    "exceptions": views.plan_exceptions,
    "timeline": views.plan_timeline,
    "changes": views.plan_changes,
    "by_recommendation": views.plan_by_recommendation,
    "by_theme": views.plan_by_theme,
    "burnup": views.plan_burnup,
    "recommendation_sections": views.plan_recommendation_sections,
    "rules": views.plan_rules,
}
EVIL_SCRIPT = "<script>alert(1)</script>"
EVIL_BOLD = "Tom & Jerry <b>bold</b>"


def build(data_dir: Path, month: str, out: Path, config: Path = CONFIG):
    ctx = notebook.setup(month=month, data_dir=data_dir, config_path=config, output_dir=out)
    return ctx, plan_data.from_context(ctx)


def render(data) -> dict[str, blocks.View]:
    return {name: view(data) for name, view in SECTIONS.items()}


def cells(table: blocks.Table, column: str) -> list[str]:
    """A column's cells as a reader hears them (badges as their words)."""
    return [blocks.text_of(c) for c in table.frame[column]]


@pytest.fixture(scope="module")
def built(demo_data, tmp_path_factory):
    """September 2025 on the demo data (generated once per session by conftest)."""
    return build(demo_data, MONTH, tmp_path_factory.mktemp("plan_out"))


@pytest.fixture(scope="module")
def data(built):
    return built[1]


@pytest.fixture(scope="module")
def page(data) -> dict[str, blocks.View]:
    return render(data)


@pytest.fixture(scope="module")
def html(page) -> dict[str, str]:
    return {name: view._repr_html_() for name, view in page.items()}


# --------------------------------------------------------------------- small pieces


def test_dates_and_values_are_written_for_readers():
    assert plan_words.long_date(dt.date(2025, 9, 30)) == "30 September 2025"
    assert plan_words.long_date(pd.Timestamp("2024-03-01")) == "1 March 2024"
    assert plan_words.long_date(pd.NaT) == "no date"
    assert plan_words.value(83.44, "percent") == "83.4%"
    assert plan_words.value(29.9, "days") == "29.9 days"
    assert plan_words.value(30.0, "days") == "30 days"
    assert plan_words.value(1234.0, "count") == "1,234"
    assert plan_words.value(1200.4, "gbp") == "£1,200"
    assert plan_words.value(None, "percent") == "no value"
    assert plan_words.long_dates("overdue (due 30 Jun 2025)") == "overdue (due 30 June 2025)"


# ------------------------------------------------------------------ the plan tables


def test_plan_data_holds_the_month_and_the_month_before(data):
    assert data.month == MONTH and data.previous_month == "2025-08"
    assert data.previous is not None and data.previous.month == "2025-08"
    assert data.summary["actions_total"] == len(data.actions)
    assert data.due_to_date() == int(data.assessment.burnup["due_to_date"].iloc[-1])
    assert set(data.measure_history["month"]) <= {m for m in data.kpi_by_month} | {MONTH}


def test_measures_use_council_indicators_with_full_windows_only(built, data):
    ctx, _ = built
    current = workforce.council_kpis(ctx.history, MONTH)
    assert data.kpi_by_month[MONTH]["agency_rate"]["value"] == pytest.approx(
        current["agency_rate"]["value"]
    )
    # a 12-month turnover worked out from one month of data is not complete: not judged
    early = data.kpi_by_month["2023-10"]["turnover_rate_12m"]
    assert (early["months_covered"], early["window_months"], early["complete"]) == (1, 12, False)
    m11 = data.measure_history[data.measure_history["kpi"] == "turnover_rate_12m"]
    assert m11.loc[m11["month"] == "2023-10", "value"].isna().all()
    assert m11.loc[m11["month"] == MONTH, "value"].notna().all()
    assert data.partial_kpis["turnover_rate_12m"] == ("2024-08", 12)


def test_publication_mode_is_applied_once_and_keeps_the_plan_figures(data):
    published = plan_data.published(data)
    assert published.publication and not data.publication
    assert published.summary == data.summary
    shown = published.csv_tables()
    # The demo plan has no count from 1 to 5, so nothing is hidden: the same figures, and
    # measures.csv gains only the (empty) column naming what publication mode hid.
    assert (shown["measures.csv"]["suppressed"] == "").all()
    shown["measures.csv"] = shown["measures.csv"].drop(columns="suppressed")
    assert "suppressed" in set(shown["plan_dictionary.csv"]["name"])
    shown["plan_dictionary.csv"] = shown["plan_dictionary.csv"][
        shown["plan_dictionary.csv"]["name"] != "suppressed"
    ].reset_index(drop=True)
    for name, frame in data.csv_tables().items():
        pd.testing.assert_frame_equal(shown[name], frame, obj=name)


def test_publication_mode_hides_small_counts_of_count_measures(data):
    measures = data.measures.copy()
    row = measures.index[measures["unit"] == "count"][0]
    measures.loc[row, ["value", "baseline"]] = [4.0, 300.0]
    small = dataclasses.replace(
        data, assessment=dataclasses.replace(data.assessment, measures=measures)
    )
    m = plan_data.published(small).measures.loc[row]
    assert pd.isna(m["value"]) and m["baseline"] == 300.0
    assert m["suppressed"] == "value"
    # nothing a reader could difference back to the hidden value
    assert pd.isna(m["distance_to_target"]) and pd.isna(m["behind_trajectory"])
    assert "4" not in m["progress_text"] and "suppressed" in m["progress_text"]
    assert m["rag"] == measures.loc[row, "rag"]


def test_csvs_are_written_and_headlines_handed_over(built, data):
    ctx, _ = built
    assert plan_data.write_csvs(data, ctx) is None
    out = ctx.output_dir
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
    assert list(actions["action_id"]) == list(data.actions["action_id"])
    assert list(actions["computed_rag"]) == list(data.actions["computed_rag"])
    assert len(measures) == len(data.measures)
    # dates are written as dates, not timestamps
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(actions["due_date"].iloc[0]))
    assert (out / "plan_dictionary.csv").is_file()

    items = views.plan_headlines(data)
    json.dumps(items)  # the runner carries them as JSON
    assert set(items) == {
        "plan_tiles",
        "plan_summary",
        "board_plan",
        "plan_decisions",
        "plan_red_overlap",
        "plan_last_completion",
    }
    assert re.fullmatch(
        r"\d+ red: \d+ overdue and \d+ blocked(, \d+ (is|are) both)?", items["plan_red_overlap"]
    )
    assert "since" in items["plan_last_completion"] or "No action" in items["plan_last_completion"]
    keys = {"label", "value", "change", "target", "status", "comparison", "note"}
    assert all(set(tile) == keys for tile in items["plan_tiles"])
    red = int((data.actions["computed_rag"] == "red").sum())
    tile = next(t for t in items["plan_tiles"] if t["label"] == "Actions rated red")
    assert tile["value"] == str(red)
    assert "August 2025" in tile["change"]
    summary = items["plan_summary"]
    assert summary.endswith(".") and summary.count(". ") == 0
    assert "30 September 2025" in summary


# ------------------------------------------------------------------ each view as data


def test_every_section_is_a_view_headed_by_its_finding(page, html):
    for name, view in page.items():
        assert isinstance(view, plan_words.PlanView), name
        assert view.name == f"plan_{name}"
        assert len(html[name]) > 100, name
        # one h2, the view's own: its title, which states a figure
        assert html[name].count("<h2") == 1 and "<h1" not in html[name], name
        assert f'<h2 id="{view.id}">' in html[name], name
        assert re.search(r"\d", view.title), view.title


def test_ids_are_unique_across_the_page(html):
    ids = re.findall(r'\bid="([^"]+)"', "".join(html.values()))
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]


def test_page_stays_small(html):
    total = sum(len(markup.encode()) for markup in html.values())
    assert total < 1_500_000, total


def test_tiles_count_actions_by_rating_in_words(data, page):
    by_rating, delivery = [
        b for b in blocks.walk(page["tiles"].blocks) if isinstance(b, blocks.Tiles)
    ]
    counts = data.actions["computed_rag"].value_counts()
    shown = {blocks.text_of(t.label): t.value for t in by_rating.items}
    for label, colour in [
        ("Red", "red"),
        ("Amber", "amber"),
        ("Green", "green"),
        ("Complete", "blue"),
    ]:
        assert shown[f"{label} actions"] == str(int(counts.get(colour, 0))), label
    assert all(isinstance(t.label, blocks.Rag) for t in by_rating.items)  # words and a symbol
    summary = data.summary
    delivered = {t.label: t.value for t in delivery.items}
    assert delivered["Overdue actions"] == str(summary["overdue"])
    assert delivered["Blocked actions"] == str(summary["blocked"])
    assert delivered["Actions completed this month"] == str(summary["completed_this_month"])
    on_track = summary["measures_by_rag"]["green"]
    assert (
        delivered["Progress measures on trajectory"] == f"{on_track} of {summary['measures_total']}"
    )
    assert page["tiles"].sentences[0] == (
        views.plan_summary_sentence(data) + " Changes are since August 2025."
    )


def test_exceptions_list_every_overdue_blocked_and_worsening_item(data, page):
    view = page["exceptions"]
    acts = data.actions
    needing = acts[
        acts["overdue"]
        | acts["blocked"]
        | acts["slipped_this_month"]
        | (acts["rag_change"] == "worsened")
    ]
    assert len(needing) > 0
    (table,) = view.tables
    items = list(table.frame["Item"])
    listed = {i.split(":")[0] for i in items}
    assert set(needing["action_id"]) <= listed
    fine = acts[(acts["computed_rag"] == "blue") & ~acts["action_id"].isin(needing["action_id"])]
    assert not set(fine["action_id"]) & listed
    assert len(table.frame) == len(plan_attention.attention(data))
    red = set(acts.loc[acts["computed_rag"] == "red", "action_id"])
    red |= set(data.measures.loc[data.measures["rag"] == "red", "measure_id"])
    assert red <= listed  # every red item, not only the worsening ones
    assert table.caption and table.row_header == "Item"
    assert cells(table, "Rating")[0].startswith("Red")  # worst first, the rating in words
    # reasons are written with dates in full, owners and updates are shown
    shown = " ".join(blocks.text_of(c) for row in table.rows() for c in row)
    assert "30 June 2025" in shown and "30 Jun 2025" not in shown
    assert data.assessment.exceptions.iloc[0]["owner"] in set(table.frame["Owner"])
    n_act = sum(i.kind == "action" for i in plan_attention.attention(data))
    assert view.finding.startswith(f"{n_act} actions and ")
    only_measures = views.plan_exceptions(data, kinds=["measure"])
    assert all(i.endswith(", progress measure)") for i in only_measures.tables[0].frame["Item"])


def test_timeline_gives_the_statutory_dates(page):
    (dl,) = page["timeline"].blocks
    pairs = {k: blocks.text_of(v) for k, v in dl.pairs}
    assert pairs["Inspection report published"] == "25 August 2023"
    assert pairs["Written action plan due"].startswith("4 December 2023: 70 working days")
    assert "passed" in pairs["Has the due date passed?"]
    assert pairs["Plan started"].startswith("1 October 2023")
    assert pairs["How long the plan has run"].startswith("24 months")
    assert pairs["Ratings judged at"].startswith("30 September 2025")


def test_burnup_states_its_finding_and_shows_its_numbers(data, page):
    view = page["burnup"]
    last = data.assessment.burnup.iloc[-1]
    (figure,) = view.figures
    expected = (
        f"By September 2025, {last['complete']} of {last['total']} actions were "
        f"complete against {last['due_to_date']} due"
    )
    assert figure.alt.startswith(expected) and view.finding == figure.alt
    assert figure.source == SOURCE
    assert figure.title.startswith("Fewer actions have been complete than due")
    numbers = figure.data.frame
    assert list(numbers.columns) == [
        "Month",
        "Actions in plan",
        "Due by month end",
        "Complete",
        "Overdue",
    ]
    assert len(numbers) == len(data.assessment.burnup)
    assert numbers["Complete"].iloc[-1] == last["complete"]


def test_burnup_months_and_title_are_the_analysts_to_change(data):
    view = views.plan_burnup(data, months=6, title="Six months of delivery")
    (figure,) = view.figures
    assert figure.title == "Six months of delivery"
    assert list(figure.data.frame["Month"]) == [
        "April 2025",
        "May 2025",
        "June 2025",
        "July 2025",
        "August 2025",
        "September 2025",
    ]


def test_every_chart_has_title_alt_source_and_numbers(data, page):
    figures = page["burnup"].figures + page["recommendation_sections"].figures
    with_measures = data.measures["recommendation_id"].nunique()
    assert len(figures) == with_measures + 1
    for figure in figures:
        assert figure.title and figure.png.startswith(b"\x89PNG")
        assert figure.source.startswith(SOURCE)
        assert figure.data is not None and len(figure.data.frame)
        assert len(figure.alt) > 40


def test_measure_charts_number_each_measure_by_its_id(data, page):
    measured = {f"{m}: " for m in data.measures["measure_id"]}
    for figure in page["recommendation_sections"].figures:
        names = set(figure.data.frame["Measure"])
        assert all(any(n.startswith(m) for m in measured) for n in names), names


def test_recommendation_sections_show_wording_actions_and_measures(data, page, html):
    view = page["recommendation_sections"]
    sections = [b for b in view.blocks if isinstance(b, blocks.Section)]
    recs = data.assessment.recommendations
    assert len(sections) == len(recs) and all(s.level == 3 for s in sections)
    assert {s.id for s in sections} == {f"plan-{r.lower()}" for r in recs["recommendation_id"]}
    quotes = [b.text for b in blocks.walk(view.blocks) if isinstance(b, plan_words.PlanQuote)]
    assert sorted(quotes) == sorted(recs["recommendation"])
    said = " ".join(view.sentences)
    for m in data.measures.to_dict("records"):
        assert m["progress_text"] in said, m["measure_id"]
    assert "higher is better" in said and "lower is better" in said
    # the owner's rating is flagged in words wherever it differs from the rules
    owners = [
        c for t in view.tables if "Owner's rating" in t.frame for c in cells(t, "Owner's rating")
    ]
    assert sum("Differs" in c for c in owners) == int(data.actions["rag_disagrees"].sum())
    listed = {
        a.split(":")[0] for t in view.tables if "Action" in t.frame for a in t.frame["Action"]
    }
    assert listed == set(data.actions["action_id"])
    assert html["recommendation_sections"].count("<h3") == len(recs)
    one = views.plan_recommendation_sections(data, recommendations=["R1"])
    assert [b.id for b in one.blocks] == ["plan-r1"]


def test_recommendation_and_theme_tables_name_what_decides_the_rating(data, page):
    (recs,) = page["by_recommendation"].tables
    ids = [r.split(":")[0] for r in recs.frame["Recommendation"]]
    assert ids == sorted(ids, key=lambda r: int(r[1:]))
    for rec, decides in zip(
        data.assessment.recommendations.set_index("recommendation_id")
        .loc[ids]
        .reset_index()
        .to_dict("records"),
        recs.frame["What decides the rating"],
        strict=True,
    ):
        if rec["driver_id"]:
            assert decides.startswith(f"{rec['driver_kind'].capitalize()} {rec['driver_id']}")
    (themes,) = page["by_theme"].tables
    assert "Out of borough" in list(themes.frame["Theme"])
    assert "out_of_borough" not in list(themes.frame["Theme"])
    assert len(themes.frame) == len(data.assessment.themes)
    red = int((data.assessment.themes["rag"] == "red").sum())
    assert page["by_theme"].finding.startswith(f"{red} of {len(themes.frame)} themes")


def test_rules_are_plain_english(page, html):
    said = " ".join(page["rules"].sentences)
    assert "within 30 days" in said and "10%" in said and "2 months" in said
    assert "<a " not in html["rules"] and "http" not in html["rules"]
    badges = [
        p
        for b in blocks.walk(page["rules"].blocks)
        if isinstance(b, blocks.Bullets)
        for i in b.items
        for p in getattr(i, "parts", ())
        if isinstance(p, blocks.Rag)
    ]
    assert len(badges) >= 12


# ------------------------------------------------------------- other months, config


def test_changes_list_each_kind_of_change(demo_data, tmp_path):
    _, data = build(demo_data, "2024-09", tmp_path)
    view = views.plan_changes(data)
    acts = data.actions
    assert acts["slipped_this_month"].any() and len(data.assessment.disappeared)
    listed = {
        a.split(":")[0] for t in view.tables[1:] if "Action" in t.frame for a in t.frame["Action"]
    }
    assert set(acts.loc[acts["slipped_this_month"], "action_id"]) <= listed
    assert set(acts.loc[acts["completed_this_month"], "action_id"]) <= listed
    assert set(data.assessment.disappeared["action_id"]) <= listed
    ids = {b.id for b in blocks.walk(view.blocks) if isinstance(b, blocks.Heading)}
    assert {"plan-changes-slipped", "plan-changes-gone"} <= ids
    slipped = next(t for t in view.tables if "Moved this month" in t.frame)
    assert "182 days" in list(slipped.frame["Moved this month"])  # A03 moved 182 days later
    assert view.finding.startswith("September 2024 compared with August 2024")
    counts = view.tables[0].frame
    assert counts["Number"].sum() == sum(len(t.frame) for t in view.tables[1:])
    only = views.plan_changes(data, kinds=["slipped"])
    assert len(only.tables) == 2 and len(only.tables[0].frame) == 1


def test_first_month_and_configured_thresholds(demo_data, tmp_path):
    text = CONFIG.read_text(encoding="utf-8")
    text = text.replace("due_soon_days = 30", "due_soon_days = 21")
    text = text.replace("amber_gap_share = 0.10", "amber_gap_share = 0.15")
    config = tmp_path / "carelib.toml"
    config.write_text(text, encoding="utf-8")
    _, data = build(demo_data, "2023-10", tmp_path / "out", config)
    assert data.previous is None
    assert "first month of data" in " ".join(views.plan_changes(data).sentences)
    changes = [
        t.change
        for b in blocks.walk(views.plan_tiles(data).blocks)
        if isinstance(b, blocks.Tiles)
        for t in b.items
    ]
    assert "First month of data: nothing to compare with" in changes
    rules = " ".join(views.plan_rules(data).sentences)
    assert "within 21 days" in rules and "15%" in rules
    assert all(view._repr_html_().count("<h2") == 1 for view in render(data).values())


# ------------------------------------------------------------------ templates, escaping


def test_plan_templates_render_badges_flags_and_quotes():
    differs = plan_words.officer_cell("red", "green")
    markup = blocks.render(differs)
    assert '<strong class="rag-differs"><span aria-hidden="true">' in markup
    assert "Differs</strong> (owner more optimistic)" in markup
    assert 'class="rag rag-green"' in markup and "Green</span>" in markup
    cell = blocks.render(plan_words.rating_cell("amber", "green"))
    assert cell.startswith('<span class="rag rag-amber">')
    assert '<span class="rag-differs"> Owner&#39;s rating: ' in cell
    quote = blocks.render(plan_words.PlanQuote(EVIL_BOLD))
    assert quote == (
        '<blockquote class="recommendation-text"><p>Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt;'
        "</p></blockquote>"
    )


def test_free_text_is_shown_as_text_never_markup(demo_data, tmp_path):
    data_dir = tmp_path / "data"
    for month in ("2023-10", "2023-11"):
        shutil.copytree(demo_data / month, data_dir / month)
    path = data_dir / "2023-11" / "actions.csv"
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
    path = data_dir / "2023-11" / "measures.csv"
    measures = pd.read_csv(path, dtype=str, keep_default_na=False)
    measures.loc[0, "name"] = f"{EVIL_SCRIPT} costs $5 & $10 {EVIL_BOLD}"
    measures.to_csv(path, index=False)

    ctx, data = build(data_dir, "2023-11", tmp_path / "out")
    page = {name: view._repr_html_() for name, view in render(data).items()}
    markup = "".join(page.values())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt;" in markup
    assert "<script" not in markup.lower()
    assert "<b>bold" not in markup
    for name in ("exceptions", "by_recommendation", "by_theme", "recommendation_sections"):
        assert "&lt;script&gt;" in page[name] or "&lt;b&gt;" in page[name], name
    # alt text is escaped too (the measure name is in it)
    alts = [std_html.unescape(a) for a in re.findall(r'<img [^>]*alt="([^"]*)"', markup)]
    assert any(EVIL_SCRIPT in a for a in alts)
    # the published CSV keeps the text exactly as written
    plan_data.write_csvs(data, ctx)
    written = pd.read_csv(tmp_path / "out" / "actions.csv", dtype=str)
    assert written.loc[0, "action"] == f"{EVIL_SCRIPT} {EVIL_BOLD}"


# ------------------------------------------------------------------------ notebook


def test_the_scheduled_run_executed_the_notebook_top_to_bottom(demo_reports):
    """The session's demo build ran 02_improvement_plan.ipynb as the monthly run does."""
    import nbformat

    month = demo_reports / MONTH
    nb = nbformat.read(str(month / "executed" / "02_improvement_plan.ipynb"), as_version=4)
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    shown = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(shown) == len(SECTIONS)
    assert all(markup.count("<h2") == 1 for markup in shown)  # each view's finding
    assert (month / "actions.csv").is_file() and (month / "measures.csv").is_file()
    # each section is one visible call of a view, with the arguments an analyst changes
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert any("views.plan_burnup(plan_data, months=None, title=None)" in c for c in code)
    assert sum(c.strip().splitlines()[-1].startswith("views.plan_") for c in code) == len(SECTIONS)


def test_carelib_plan_prints_the_page_summary(demo_data, data, capsys):
    """The command line's text and JSON come from the same tables as the page."""
    from carelib import cli, plan

    args = ["--config", str(CONFIG), "plan", "--data", str(demo_data), "--month", MONTH]
    assert cli.main(args) == 0
    assert capsys.readouterr().out.strip() == plan.summary_text(data.summary)
    assert cli.main([*args, "--json"]) == 0
    said = json.loads(capsys.readouterr().out)
    assert said == json.loads(json.dumps(data.summary, default=str))
    assert said["measure_ratings"] == dict(
        zip(data.measures["measure_id"], data.measures["rag"], strict=True)
    )
