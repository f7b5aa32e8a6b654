"""Each recommendation's heading and detail summary state a finding, as data and on the page:
its rating, its worst action and worst measure, and "new actions needed" when every action
is complete but a measure is still red."""

from __future__ import annotations

import re

import browser_support as bs
import pytest

from carelib import formatting, notebook, plan_attention, plan_data
from carelib.views import plan_findings, plan_text
from carelib.views import plan_words as w

MONTH = bs.MONTH
FIGURE_OR_RATING = re.compile(r"\d|\b(red|amber|green|blue|complete|overdue|blocked)\b")


@pytest.fixture(scope="module")
def data(demo_data):
    ctx = notebook.setup(
        month=MONTH, data_dir=demo_data, config_path=bs.ROOT / "carelib.toml", output_dir=""
    )
    return plan_data.from_context(ctx)


def _parts(data):
    for rec in w.recommendations(data).to_dict("records"):
        rid = rec["recommendation_id"]
        acts = data.actions[data.actions["recommendation_id"] == rid]
        meas = data.measures[data.measures["recommendation_id"] == rid]
        yield rec, acts, meas


def test_each_summary_has_a_figure_and_names_its_worst_items(data):
    runs = plan_attention.months_red(data)
    seen = 0
    for rec, acts, meas in _parts(data):
        summary = plan_findings.recommendation_summary(data, rec, acts, meas)
        heading = plan_findings.recommendation_heading(data, rec, acts, meas)
        assert FIGURE_OR_RATING.search(summary), summary
        assert heading.startswith(f"Recommendation {rec['recommendation_id']}")
        assert w.RAG_WORDS[rec["rag"]].split(" (")[0] in heading
        worst_m = plan_findings.worst_measure(meas, runs)
        if worst_m is not None:
            assert worst_m["measure_id"] in summary, summary
        worst_a = plan_findings.worst_action(acts)
        if worst_a is not None and worst_a["computed_rag"] in ("red", "amber"):
            assert worst_a["action_id"] in summary, summary
            assert worst_a["action_id"] in heading, heading
        seen += 1
    assert seen == len(data.assessment.recommendations)


def test_worst_action_is_the_longest_overdue_and_its_days_are_stated(data):
    for rec, acts, meas in _parts(data):
        red = acts[(acts["computed_rag"] == "red") & acts["overdue"].astype(bool)]
        if not len(red):
            continue
        top = red.sort_values("days_overdue", ascending=False).iloc[0]
        heading = plan_findings.recommendation_heading(data, rec, acts, meas)
        days = formatting.count(int(top["days_overdue"]), "day")
        assert f"{top['action_id']}, by {days}" in heading, heading
        assert f"{len(red)} of {formatting.count(len(acts), 'action')} overdue" in heading


def test_worst_measure_red_run_and_gap_are_stated(data):
    runs = plan_attention.months_red(data)
    for rec, acts, meas in _parts(data):
        m = plan_findings.worst_measure(meas, runs)
        if m is None or m["rag"] != "red":
            continue
        summary = plan_findings.recommendation_summary(data, rec, acts, meas)
        if runs[m["measure_id"]] > 1:
            assert f"{m['measure_id']} red for {runs[m['measure_id']]} months" in summary
        gap = str(m["progress_text"]).split(" (")[0].removesuffix(" from target")
        assert f"{gap} short of its target" in summary, summary


def test_actions_all_complete_but_measure_red_says_new_actions_needed(data):
    found = 0
    for rec, acts, meas in _parts(data):
        done = len(acts) and (acts["computed_rag"] == "blue").all()
        red = (meas["rag"] == "red").any()
        heading = plan_findings.recommendation_heading(data, rec, acts, meas)
        summary = plan_findings.recommendation_summary(data, rec, acts, meas)
        if done and red:
            found += 1
            assert f"all {len(acts)} actions complete but measure" in heading, heading
            assert "new actions needed" in heading
            assert "impact not yet seen" in summary, summary
        else:
            assert "new actions needed" not in heading, heading
    assert found  # the demo plan has one (R3)


def test_green_recommendation_reads_as_on_track(data):
    greens = [p for p in _parts(data) if p[0]["rag"] == "green"]
    assert greens
    for rec, acts, meas in greens:
        heading = plan_findings.recommendation_heading(data, rec, acts, meas)
        assert "none overdue" in heading or "complete" in heading, heading
        assert "overdue (" not in heading


def test_text_version_carries_the_same_findings(data):
    sections = plan_text.plan_text(data)[3:]
    assert len(sections) == len(data.assessment.recommendations)
    for section, (rec, acts, meas) in zip(sections, _parts(data), strict=True):
        assert section.title == plan_findings.recommendation_heading(data, rec, acts, meas)
        words = " ".join(str(b) for b in section.blocks)
        assert plan_findings.recommendation_summary(data, rec, acts, meas) in words


def test_page_shows_the_findings_as_heading_and_summary(demo_reports):
    page = bs.soup((demo_reports / MONTH / "improvement_plan.html").read_text(encoding="utf-8"))
    h3s = [" ".join(h.get_text(" ").split()) for h in page.select("#plan-recommendations ~ * h3")]
    h3s = h3s or [
        " ".join(h.get_text(" ").split())
        for h in page.select("h3")
        if h.get("id", "").startswith("plan-r")
    ]
    assert any("new actions needed" in h for h in h3s), h3s
    summaries = [
        " ".join(s.get_text(" ").split()) for s in page.select("details.plan-detail > summary")
    ]
    assert not [s for s in summaries if s.startswith("The wording")]
    assert any("short of its target" in s for s in summaries), summaries
