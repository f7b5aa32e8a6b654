"""The plan page read as a board would: its length in print, findings as headings, an
attention list with every red item, the overlap of red reasons, and the plain-text
version of the plan (headings and lists only, linked both ways, accessible)."""

from __future__ import annotations

import dataclasses
import re

import browser_support as bs
import pandas as pd
import pytest

from carelib import blocks, notebook, plan_attention, plan_data, views
from carelib.views import plan_text
from carelib.views import plan_words as w

MONTH = bs.MONTH
PLAN = f"{MONTH}/improvement_plan.html"
TEXT = f"{MONTH}/improvement_plan_text.html"
#: A heading states a finding when it has a figure or a direction word.
FINDING = re.compile(
    r"\d|\b(no|none|nothing|every|all|above|below|ahead|behind|fell|rose|up|down|"
    r"better|worse|worsening|red|amber|green|met|missed)\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def data(demo_data, tmp_path_factory):
    ctx = notebook.setup(
        month=MONTH, data_dir=demo_data, config_path=bs.ROOT / "carelib.toml", output_dir=""
    )
    return plan_data.from_context(ctx)


@pytest.fixture(scope="module")
def page(demo_reports):
    return bs.soup((demo_reports / PLAN).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def text_page(demo_reports):
    return bs.soup((demo_reports / TEXT).read_text(encoding="utf-8"))


def _words(element) -> str:
    return " ".join(element.get_text(" ").split())


# --- The attention list, as data -------------------------------------------------------


def test_attention_lists_every_red_action_and_measure_worst_first(data):
    items = plan_attention.attention(data)
    listed = {(i.kind, i.id) for i in items}
    red_actions = set(data.actions.loc[data.actions["computed_rag"] == "red", "action_id"])
    red_measures = set(data.measures.loc[data.measures["rag"] == "red", "measure_id"])
    assert red_actions and red_measures
    assert {("action", a) for a in red_actions} <= listed
    assert {("measure", m) for m in red_measures} <= listed
    ranks = [{"red": 3, "amber": 2, "green": 1}.get(i.rag, 0) for i in items]
    assert ranks == sorted(ranks, reverse=True)  # red first
    assert all(i.reasons for i in items)
    by_id = {i.id: i for i in items}
    for a in data.actions[data.actions["computed_rag"] == "red"].to_dict("records"):
        reasons = " ".join(by_id[a["action_id"]].reasons)
        if a["overdue"]:
            assert f"overdue by {int(a['days_overdue'])} day" in reasons
        if a["blocked"]:
            assert "blocked" in reasons
    # A measure red month after month is listed, with how long it has been red.
    runs = plan_attention.months_red(data)
    long_red = [m for m in red_measures if runs[m] > 1]
    assert long_red
    for m in long_red:
        assert f"red for {runs[m]} months in a row" in by_id[m].reasons


def test_red_overlap_counts_match_the_actions():
    actions = pd.DataFrame(
        {
            "computed_rag": ["red", "red", "red", "amber", "blue"],
            "overdue": [True, True, False, False, False],
            "blocked": [True, False, True, False, False],
        }
    )
    overlap = plan_attention.red_overlap(actions)
    assert overlap.sentence() == "3 red: 2 overdue and 2 blocked, 1 is both"
    none_both = plan_attention.red_overlap(actions.iloc[1:])
    assert none_both.sentence() == "2 red: 1 overdue and 1 blocked"


def test_last_completion_is_stated(data):
    last = plan_attention.last_completion(data)
    done = pd.to_datetime(data.actions["completed_date"]).dropna()
    assert last == done.max().date()
    sentence = plan_attention.since_last_completion(data)
    assert w.long_date(last) in sentence


def test_measure_words_name_trajectory_and_target_apart(data):
    from carelib.views import plan_charts

    for m in data.measures.to_dict("records"):
        words = plan_charts.measure_position(data, m)
        if m["target_met"] is not True and not w.missing(m["trajectory"]):
            assert "target" in words
        if m["rag"] == "green" and m["target_met"] is not True and "trajectory" in words:
            # on trajectory but not at target: both said, each named
            assert "ahead of the trajectory" in words or "on the trajectory" in words
            assert "not yet at the" in words
    shown = " ".join(m["progress_text"] for m in data.measures.to_dict("records"))
    assert "-0%" not in shown and "-" not in re.sub(r"\w-\w", "", shown)
    assert "0.0 points behind" not in " ".join(data.measures["rag_reason"].astype(str))


# --- The page ---------------------------------------------------------------------------


@pytest.mark.browser
def test_plan_page_prints_on_at_most_14_pages(chromium, demo_reports):
    assert bs.printed_pages(chromium, demo_reports / PLAN) <= 14


def test_every_heading_and_chart_title_states_a_finding(page):
    shown = [
        h
        for h in page.select("main h2, main h3, figure figcaption")
        if not h.find_parent("details", class_="plan-detail")
    ]
    assert len(shown) > 10
    bare = [_words(h) for h in shown if not FINDING.search(_words(h))]
    assert not bare, bare


def test_attention_table_lists_every_red_row_of_the_csvs(demo_reports, page):
    actions = pd.read_csv(demo_reports / MONTH / "actions.csv")
    measures = pd.read_csv(demo_reports / MONTH / "measures.csv")
    section = page.find(id="detail-attention").find_parent("section")
    table = bs.table(str(section), "Actions and measures that need attention")
    items = [row[0].split(":")[0] for row in table.rows]
    for ident in actions.loc[actions["computed_rag"] == "red", "action_id"]:
        assert ident in items, ident
    for ident in measures.loc[measures["rag"] == "red", "measure_id"]:
        assert ident in items, ident
    # Worst first: every red row before any other.
    ratings = [row[1] for row in table.rows]
    first_other = next((n for n, r in enumerate(ratings) if not r.startswith("Red")), len(ratings))
    assert all(r.startswith("Red") for r in ratings[:first_other])
    assert not any(r.startswith("Red") for r in ratings[first_other:])
    # The owner note for measures is said once, not in every row.
    assert _words(section).count("measures have no owner") <= 1


def test_overlap_sentence_matches_the_csv(demo_reports, page):
    actions = pd.read_csv(demo_reports / MONTH / "actions.csv")
    red = actions[actions["computed_rag"] == "red"]
    both = int((red["overdue"] & red["blocked"]).sum())
    overdue, blocked = int(red["overdue"].sum()), int(red["blocked"].sum())
    expected = f"{len(red)} red: {overdue} overdue and {blocked} blocked"
    if both:
        expected += f", {both} {'is' if both == 1 else 'are'} both"
    text = _words(page)
    assert expected in text


@pytest.mark.browser
def test_detail_is_collapsed_and_left_out_of_print(page, chromium, demo_reports):
    details = page.select("details.plan-detail")
    assert len(details) >= 10  # each recommendation, the themes, the changes, the rules
    assert not any(d.has_attr("open") for d in details)
    assert all(_words(d.find("summary")) for d in details)
    v = bs.visit(chromium, demo_reports / PLAN, media="print")
    try:
        shown = v.page.evaluate(
            "() => [...document.querySelectorAll('details.plan-detail')]"
            ".map(d => getComputedStyle(d).display)"
        )
        attention = v.page.evaluate(
            "() => getComputedStyle(document.querySelector('table.exceptions')).display"
        )
    finally:
        v.close()
    assert set(shown) == {"none"} and attention != "none"


# --- The plain-text version ---------------------------------------------------------------


def test_text_version_is_headings_and_lists_only(text_page, page):
    main = text_page.find("main")
    assert not main.find(["img", "svg", "table", "figure", "canvas"])
    h2s = [_words(h) for h in main.find_all("h2")]
    assert sum(h.startswith("Recommendation R") for h in h2s) == 10
    assert main.find_all("h3") and main.find_all("li")
    # linked both ways, and not in the main navigation
    assert main.find("a", href="improvement_plan.html")
    assert page.find("main").find("a", href="improvement_plan_text.html")
    nav = page.find("nav", class_="pages-nav") or page.find("nav")
    assert not nav.find("a", href="improvement_plan_text.html")


def test_text_version_lists_every_action_and_measure(text_page, demo_reports):
    actions = pd.read_csv(demo_reports / MONTH / "actions.csv")
    measures = pd.read_csv(demo_reports / MONTH / "measures.csv")
    items = [_words(li) for li in text_page.find("main").find_all("li")]
    for a in actions.to_dict("records"):
        line = next(i for i in items if i.startswith(f"{a['action_id']}: "))
        assert "Owner:" in line and "Due " in line and "Status:" in line
        assert f"Rating: {w.RAG_WORDS[a['computed_rag']]}" in line
    for m in measures.to_dict("records"):
        line = next(i for i in items if i.startswith(f"{m['measure_id']}: "))
        assert "Target:" in line and f"Rating: {w.RAG_WORDS[m['rag']]}" in line


def test_text_version_as_data_suppresses_small_counts(data):
    measures = data.measures.copy()
    counted = measures.index[measures["unit"] == "count"]
    assert len(counted)
    measures.loc[counted[0], "value"] = 3.0
    published = plan_data.published(
        dataclasses.replace(
            data, assessment=dataclasses.replace(data.assessment, measures=measures)
        )
    )
    shown = " ".join(blocks.text_of(b) for b in plan_text.plan_text(published))
    ident = measures.loc[counted[0], "measure_id"]
    line = shown.split(f"{ident}: ")[1]
    assert line.split("Value in ")[1].split(": ", 1)[1].startswith("c (fewer than 6")
    unpublished = " ".join(
        blocks.text_of(b)
        for b in plan_text.plan_text(
            dataclasses.replace(
                data, assessment=dataclasses.replace(data.assessment, measures=measures)
            )
        )
    )
    assert "c (fewer than" not in unpublished


def test_publication_text_version_shows_no_small_count(publication_reports):
    measures = pd.read_csv(publication_reports / MONTH / "measures.csv")
    html = (publication_reports / TEXT).read_text(encoding="utf-8")
    items = [_words(li) for li in bs.soup(html).find("main").find_all("li")]
    counted = measures[measures["unit"] == "count"]
    assert len(counted)
    for m in counted.to_dict("records"):
        line = next(i for i in items if i.startswith(f"{m['measure_id']}: "))
        for figure in re.findall(r"(?:Value in \w+ \d{4}|this month|Target): ([^ .]+)", line):
            assert figure == "c" or float(figure.replace(",", "")) > 5, line
    assert "improvement_plan.html" in html


@pytest.mark.browser
def test_axe_finds_nothing_on_the_text_version(chromium, demo_reports, publication_reports):
    if bs.axe_missing():
        pytest.skip(bs.axe_missing())
    for reports in (demo_reports, publication_reports):
        v = bs.visit(chromium, reports / TEXT)
        try:
            violations = bs.run_axe(v.page)
        finally:
            v.close()
        assert not violations, bs.describe_violations(violations)


def test_views_keep_the_overview_keys(data):
    head = views.plan_headlines(data)
    assert {"plan_tiles", "plan_summary"} <= set(head)
    assert head["plan_red_overlap"] == plan_attention.red_overlap(data.actions).sentence()
