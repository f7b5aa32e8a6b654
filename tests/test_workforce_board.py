"""The workforce page tells its story: findings as headings, the plan beside the figures.

Issue 14 for workforce.html: every heading and chart title states a finding; each
section lists the improvement-plan actions on its theme (checked against the page's own
``actions.csv``); a chart of an indicator that feeds a plan measure marks the completed
actions of that recommendation; the page prints on at most 12 A4 pages; a suppressed
tile says why; no "September 2025 to September 2025". Page checks use the session
builds; the mapping and the wording are tested as data.
"""

from __future__ import annotations

import re
import types

import browser_support as bs
import pandas as pd
import pytest

from carelib import blocks, config, dates, workforce, workforce_plan
from carelib.views import workforce_board as board
from carelib.views import workforce_words as words
from carelib.workforce_data import WorkforceData

MONTH = "2025-09"
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
SHORT = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
#: Words that say which way a figure went or where it stands.
DIRECTION = re.compile(
    r"\b(rose|fell|up|down|held|unchanged|better|worse|above|below|meeting|met|over|"
    r"under|ahead|behind|improvement|concern|normal variation|no real change|red|"
    r"complete|beyond|none)\b",
    re.IGNORECASE,
)


def _page(reports, name="workforce.html") -> str:
    return (reports / MONTH / name).read_text(encoding="utf-8")


def _has_figure(text: str) -> bool:
    """A number other than a year or a day of a date (``21.2%``, ``18 of 25``, ``£9,000``)."""
    plain = re.sub(rf"\b(\d{{1,2}} )?({MONTHS}|{SHORT}) \d{{4}}\b", "", text)
    plain = re.sub(r"\b\d{4}-\d{2}\b", "", plain)  # financial years, 2025-26
    return bool(re.search(r"\d", plain))


def _findings(html: str) -> list[tuple[str, str]]:
    """Every h2/h3 and chart title of the page's findings (not the definitions)."""
    main = bs.soup(html).find("main")
    found = main.select("h2, h3, .chart-title")
    end = main.find(id="How-these-figures-are-calculated")
    if end in found:
        found = found[: found.index(end)]
    return [(el.name, el.get_text(" ", strip=True)) for el in found]


# --- On the page --------------------------------------------------------------------


def test_prints_on_at_most_twelve_pages(chromium, demo_reports):
    pages = bs.printed_pages(chromium, demo_reports / MONTH / "workforce.html")
    assert pages <= 12, pages


def test_every_heading_and_chart_title_states_a_finding(demo_reports):
    found = _findings(_page(demo_reports))
    assert len([f for f in found if f[0] == "h2"]) >= 11
    assert len([f for f in found if f[0] == "span"]) >= 10
    for kind, text in found:
        assert _has_figure(text) or DIRECTION.search(text), (kind, text)
    headings = [t for k, t in found if k == "h2"]
    assert any(re.match(r"Agency reliance (fell|rose|held) .*\d+\.\d%", t) for t in headings)


def test_spend_over_budget_months_are_in_the_visible_text(demo_reports):
    soup = bs.soup(_page(demo_reports))
    chart = next(f for f in soup.select("figure.chart") if "over budget in" in f.img.get("alt", ""))
    said = re.search(r"over budget in (\d+) of the (\d+) months", chart.img["alt"])
    visible = chart.find(class_="chart-title").get_text()
    assert f"over budget in {said[1]} of the {said[2]} months" in visible
    assert f"over budget in {said[1]} of the last {said[2]} months" in soup.find("main").text


def test_sections_list_the_plan_actions_of_their_theme(demo_reports):
    actions = pd.read_csv(demo_reports / MONTH / "actions.csv")
    work = workforce_plan.workforce_actions(actions)
    assert len(work) >= 5
    soup = bs.soup(_page(demo_reports))
    ids = {anchor: section for section, (anchor, _) in board.SECTIONS.items()}
    listed = {}
    for li in soup.select("ul.plan-actions li"):
        section = ids[li.find_previous("h2")["id"]]
        action_id = re.search(r"(\S+) \([^)]*\): ", li.get_text(" ", strip=True))[1]
        listed.setdefault(section, []).append((action_id, li.get_text(" ", strip=True)))
    expected = {}
    for _, row in work.iterrows():
        for section in workforce_plan.sections_of(row["action"]):
            expected.setdefault(section, set()).add(row["action_id"])
    assert {s: {a for a, _ in items} for s, items in listed.items()} == expected
    rag = dict(zip(actions["action_id"], actions["computed_rag"], strict=True))
    for items in listed.values():
        for action_id, text in items:
            assert blocks.RAG_LABELS[rag[action_id]] in text, text
    # The red international recruitment action is under recruitment, with its days overdue.
    red = work[work["computed_rag"] == "red"]
    for _, row in red.iterrows():
        text = dict(listed["vacancies"])[row["action_id"]]
        assert f"overdue by {int(row['days_overdue'])} days" in text.lower(), text


def test_charts_of_measure_indicators_mark_completed_actions(demo_reports):
    folder = demo_reports / MONTH
    actions = pd.read_csv(folder / "actions.csv")
    measures = pd.read_csv(folder / "measures.csv")
    soup = bs.soup(_page(demo_reports))
    fed = sorted(set(measures["kpi"].dropna()) & set(workforce_plan.INDICATOR_SECTIONS))
    assert fed, "the demo plan has measures fed by workforce indicators"
    for indicator in fed:
        chart = soup.find(id=workforce_plan.chart_anchor(indicator))
        assert chart is not None and chart.name == "figure", indicator
        done = workforce_plan.completions(actions, measures, indicator)
        months = {
            m for m in done["month"] if m >= "2023-10"
        }  # inside the 24 months the chart shows
        if not months:
            continue
        alt = chart.img["alt"]
        assert "Dotted vertical lines mark completed plan actions" in alt, alt
        after = chart.find_next("p", class_="after-actions")
        assert after is not None and after.get_text().startswith("Did the plan's actions work?")
        assert re.search(r"it has (fallen|risen|not moved)", after.get_text())


def test_suppressed_tile_says_why(publication_reports):
    soup = bs.soup(_page(publication_reports))
    tiles = soup.select("li.tile")
    assert tiles
    hidden = [t for t in tiles if t.find(class_="tile-value").get_text(strip=True) == "c"]
    for t in hidden:
        assert "c: fewer than 6, suppressed" in t.find(class_="tile-note").get_text()
    assert "c: fewer than 6, suppressed" in words.suppressed_reason(
        types.SimpleNamespace(threshold=5)
    )


@pytest.mark.parametrize("which", ["demo_reports", "publication_reports"])
def test_no_same_month_ranges(which, request):
    text = bs.soup(_page(request.getfixturevalue(which))).get_text(" ")
    same = re.findall(rf"\b((?:{MONTHS}|{SHORT}) \d{{4}}) to \1\b", text)
    assert not same, same


def test_anchor_ids_for_the_board_summary_and_plan_page_are_kept(demo_reports):
    soup = bs.soup(_page(demo_reports))
    for anchor in ("detail-agency", "detail-recruitment", "detail-nqsw", "detail-spend"):
        assert soup.find(id=anchor) is not None, anchor
    contents = [a.get_text() for a in soup.select("nav.toc a")]
    assert contents[:3] == ["At a glance", "What changed this month", "Agency reliance"]


# --- As data ------------------------------------------------------------------------


def test_sections_of_an_action_follow_its_words():
    assert workforce_plan.sections_of("Set up an agency project team to reduce caseloads") == [
        "agency",
        "caseloads",
    ]
    assert workforce_plan.sections_of("Recruit 10 social workers internationally") == ["vacancies"]
    assert workforce_plan.sections_of("Refresh the practice framework") == [workforce_plan.FALLBACK]
    assert workforce_plan.chart_anchor("turnover_rate_12m") == "chart-turnover-rate-12m"


def test_completions_are_the_completed_actions_on_the_measures_recommendation():
    actions = pd.DataFrame(
        {
            "action_id": ["A1", "A2", "A3"],
            "recommendation_id": ["R1", "R1", "R2"],
            "action": ["x", "y", "z"],
            "status": ["complete", "in_progress", "complete"],
            "completed_date": ["2025-03-04", None, "2025-01-01"],
        }
    )
    measures = pd.DataFrame({"recommendation_id": ["R1", "R2"], "kpi": ["agency_rate", None]})
    done = workforce_plan.completions(actions, measures, "agency_rate")
    assert list(done["action_id"]) == ["A1"] and list(done["month"]) == ["2025-03"]
    assert workforce_plan.completions(None, measures, "agency_rate").empty


def _data(indicator: str, now: float, before: float, targets: dict) -> WorkforceData:
    """A two-month indicator table for the wording functions (no report build).

    The earlier month is the one the indicator's change is read against
    (:func:`carelib.views.workforce_words.compared_month`: last month, or 12 months
    earlier for NQSW retention).
    """
    cfg = config.validate({"targets": targets})
    earlier = dates.add_months(MONTH, -words.COMPARED_BACK.get(indicator, 1))
    rows = [
        {
            "month": month,
            "team": "",
            "indicator": indicator,
            "scope": "council",
            "value": value,
            "symbol": "",
            "numerator": float("nan"),
            "denominator": float("nan"),
            "months_covered": 24,
            "window_months": 24,
        }
        for month, value in ((earlier, before), (MONTH, now))
    ]
    ctx = types.SimpleNamespace(month=MONTH, config=cfg, publication=False)
    return WorkforceData(
        ctx=ctx, table=pd.DataFrame(rows), months=[earlier, MONTH], history=None, bench=None
    )


def test_target_words_follow_the_polarity():
    # NQSW retention: higher is better, so above the target is meeting it.
    data = _data("nqsw_retained_1y", 85.0, 80.0, {"nqsw_retention": 80.0})
    assert workforce.INDICATORS["nqsw_retained_1y"].polarity == "higher_is_better"
    assert words.target_text(data, "nqsw_retained_1y") == "Target: 80.0% or higher"
    assert words.against_target(data, "nqsw_retained_1y") == (
        "meeting the target of 80.0% or higher"
    )
    assert board.target_clause(data, "nqsw_retained_1y") == (
        "5.0 points above the 80.0% target, so meeting it"
    )
    low = _data("nqsw_retained_1y", 70.0, 80.0, {"nqsw_retention": 80.0})
    assert words.against_target(low, "nqsw_retained_1y") == "10.0 points below the target of 80.0%"
    assert board.headline(low, "nqsw_retained_1y", "Retention") == (
        "Retention fell to 70.0%, 10.0 points below the 80.0% target"
    )
    # In post under 2 years: lower is better, so a rise is worse; no target by default.
    under = _data("in_post_under_2y", 37.2, 34.4, {})
    assert data.target("in_post_under_2y") is None and under.target("in_post_under_2y") is None
    assert words.change_words(under, "in_post_under_2y") == "Up 2.8 points since August (worse)"
    assert board.headline(under, "in_post_under_2y", "In post under 2 years") == (
        "In post under 2 years rose to 37.2% (worse than in August)"
    )
    targeted = _data("in_post_under_2y", 37.2, 34.4, {"in_post_under_2y_share": 30.0})
    assert words.target_status(targeted, "in_post_under_2y") == "not_met"
    assert words.against_target(targeted, "in_post_under_2y") == (
        "7.2 points above the target of 30.0%"
    )


def test_axis_labels_and_month_spans():
    assert words.axis_label("turnover_rate_12m") == "Turnover rate, 12 months (%)"
    assert words.axis_label("average_caseload") == "Average caseload (cases per FTE)"
    assert words.month_span("2025-09", "2025-09") == "September 2025"
    assert words.month_span("2024-10", "2025-09") == "October 2024 to September 2025"
