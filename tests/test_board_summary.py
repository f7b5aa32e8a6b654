"""The board summary (the month's overview page), what needs a decision, team hotspots.

The overview answers the improvement board's questions on two printed A4 sides, each
with its figure and a link to a stable id on the detail page; its "Needs a decision"
items and team hotspots are checked against the CSVs published with the pages
(``actions.csv``, ``measures.csv``, ``workforce_indicators.csv``), in the normal and the
publication build.
"""

from __future__ import annotations

import datetime as dt
import re

import browser_support as bs
import pandas as pd
import pytest

from carelib import overview, plan_decisions

DAY = dt.date(2025, 9, 30)
CAPTION = "The board's questions"
QUESTIONS = {
    "agency reliance": "workforce.html#detail-agency",
    "hiring the qualified social workers": "workforce.html#detail-recruitment",
    "newly qualified social workers staying": "workforce.html#detail-nqsw",
    "agency budget": "workforce.html#detail-spend",
    "teams": "workforce.html#detail-teams",
    "changed in the plan": "improvement_plan.html#detail-changes",
    "needs a decision": "improvement_plan.html#detail-attention",
}


def _page(reports, name: str = "index.html") -> str:
    return (reports / bs.MONTH / name).read_text(encoding="utf-8")


def _section_text(html: str, element_id: str) -> str:
    found = bs.soup(html).find(id=element_id)
    assert found is not None, element_id
    return " ".join(found.get_text(" ").split())


# --- Print ------------------------------------------------------------------------------


@pytest.mark.browser
def test_overview_prints_on_two_a4_sides(chromium, demo_reports, publication_reports):
    for reports in (demo_reports, publication_reports):
        pages = bs.printed_pages(chromium, reports / bs.MONTH / "index.html")
        assert 1 <= pages <= 2, (reports, pages)


# --- One line per question --------------------------------------------------------------


def test_one_line_per_board_question_with_figure_and_working_link(demo_reports):
    html = _page(demo_reports)
    table = bs.table(html, CAPTION)
    assert table.header == ["Question", "Figure", "Where we are", "Detail"]
    assert len(table.rows) == len(QUESTIONS)
    links = [a["href"] for a in bs.soup(html).find("table", class_="board-summary").find_all("a")]
    for (words, href), row, link in zip(QUESTIONS.items(), table.rows, links, strict=True):
        question, figure, answer, _ = row
        assert words in question.lower(), (words, question)
        assert re.search(r"\d", figure), row
        assert re.search(r"\d", answer), row
        assert link == href
        page, anchor = href.split("#")
        target = bs.soup(_page(demo_reports, page)).find(id=anchor)
        assert target is not None, f"{href}: no element with id {anchor}"
        assert target.get_text(strip=True), f"{href} links to an empty section"


def test_board_lines_give_direction_and_target(demo_reports):
    rows = {r[0]: r for r in bs.table(_page(demo_reports), CAPTION).rows}
    agency = next(r for q, r in rows.items() if "agency reliance" in q.lower())
    figures = pd.read_csv(demo_reports / bs.MONTH / "workforce_indicators.csv", dtype=str)
    council = figures[(figures["month"] == bs.MONTH) & (figures["scope"] == "council")]
    rate = float(council.loc[council["indicator"] == "agency_rate", "value"].iloc[0])
    assert agency[1] == f"{rate:.1f}%"
    assert re.search(r"\b(rose|fell|unchanged)\b", agency[2]), agency
    assert "target of 20.0%" in agency[2]
    # The planning page's forecast: when the target is reached at the current pace.
    assert "At the current pace" in agency[2]
    hiring = next(r for q, r in rows.items() if "hiring" in q.lower())
    starters = council.loc[council["indicator"] == "starters_fytd", "value"].iloc[0]
    assert hiring[1] == f"{float(starters):.0f} of 25"
    assert "against a profile of 12.5" in hiring[2]
    budget = next(r for q, r in rows.items() if "budget" in q.lower())
    assert "budget" in budget[1] and "per agency FTE" in budget[2]


# --- Needs a decision -------------------------------------------------------------------


def _expected_decisions(reports) -> dict[str, set[str]]:
    """What needs a decision, worked out here from the published CSVs."""
    actions = pd.read_csv(reports / bs.MONTH / "actions.csv")
    measures = pd.read_csv(reports / bs.MONTH / "measures.csv")
    red = actions["computed_rag"] == "red"
    stale = set(actions.loc[red & (actions["months_since_update"] >= 2), "action_id"])
    blocked = set(actions.loc[actions["blocked"].astype(str) == "True", "action_id"])
    past = pd.to_datetime(measures["target_date"]).dt.date < DAY
    measures_red = set(measures.loc[(measures["rag"] == "red") & past, "measure_id"])
    done = actions.groupby("recommendation_id")["status"].agg(lambda s: (s == "complete").all())
    with_red = set(measures.loc[measures["rag"] == "red", "recommendation_id"])
    recs = {r for r, all_done in done.items() if all_done and r in with_red}
    return {"stale": stale, "blocked": blocked, "measures": measures_red, "recs": recs}


def _decision_items(html: str) -> list[str]:
    heading = bs.soup(html).find(id="board-needs-a-decision")
    assert heading is not None
    return [" ".join(li.get_text(" ").split()) for li in heading.find_next("ul").find_all("li")]


@pytest.mark.parametrize("build", ["demo_reports", "publication_reports"])
def test_needs_a_decision_matches_actions_and_measures(request, build):
    reports = request.getfixturevalue(build)
    expected = _expected_decisions(reports)
    items = _decision_items(_page(reports))
    shown = {item.split()[0].rstrip(":") for item in items}
    wanted = set().union(*expected.values())
    assert shown == wanted, (shown, wanted)
    assert len(items) == len(wanted)  # one line per item, its reasons joined
    by_id = {item.split()[0].rstrip(":"): item for item in items}
    for ident in expected["stale"]:
        assert "no update for" in by_id[ident]
    for ident in expected["blocked"]:
        assert "blocked" in by_id[ident]
    for ident in expected["measures"]:
        assert "target date" in by_id[ident] and "has passed" in by_id[ident]
    for ident in expected["recs"]:
        assert "actions done, impact not yet seen: new actions needed" in by_id[ident]
    # The demo plan has every kind of item.
    assert all(expected.values()), expected


def test_decisions_as_data_from_a_small_plan():
    actions = pd.DataFrame(
        {
            "action_id": ["A1", "A2", "A3", "A4", "A5"],
            "recommendation_id": ["R1", "R1", "R2", "R3", "R3"],
            "action": ["one", "two", "three", "four", "five"],
            "computed_rag": ["red", "red", "amber", "blue", "blue"],
            "status": ["in_progress", "blocked", "blocked", "complete", "complete"],
            "blocked": [False, True, True, False, False],
            "overdue": [True, False, False, False, False],
            "days_overdue": [40, 0, 0, 0, 0],
            "months_since_update": [3, 1, 0, 0, 0],
            "completed_date": [None, None, None, "2025-05-28", "2025-03-01"],
        }
    )
    measures = pd.DataFrame(
        {
            "measure_id": ["M1", "M2", "M3"],
            "recommendation_id": ["R1", "R3", "R2"],
            "name": ["first", "second", "third"],
            "rag": ["red", "red", "green"],
            "target_date": ["2025-03-31", "2026-03-31", "2025-03-31"],
        }
    )
    assert [d.ident for d in plan_decisions.stale_red(actions, 2)] == ["A1"]
    assert [d.ident for d in plan_decisions.stale_red(actions, 4)] == []
    assert [d.ident for d in plan_decisions.blocked(actions)] == ["A2", "A3"]
    past = plan_decisions.red_past_target(measures, DAY)
    assert [d.ident for d in past] == ["M1"]
    assert "31 March 2025" in past[0].why
    seen = plan_decisions.impact_not_seen(actions, measures)
    assert [(d.ident, d.what) for d in seen] == [("R3", "M2")]
    assert plan_decisions.last_completed(actions, DAY) == (dt.date(2025, 5, 28), 4)
    assert plan_decisions.last_completed_sentence(actions, DAY) == (
        "No action has been completed since 28 May 2025 (4 months)."
    )
    both = plan_decisions.merged(
        [*plan_decisions.stale_red(actions, 2), *plan_decisions.blocked(actions)]
    )
    assert [d.ident for d in both] == ["A1", "A2", "A3"]


# --- Team hotspots ----------------------------------------------------------------------


def _expected_hotspots(reports) -> dict[str, set[str]]:
    """Team -> indicators beyond the council by the default [hotspots] thresholds."""
    t = pd.read_csv(reports / bs.MONTH / "workforce_indicators.csv", dtype={"symbol": str})
    t = t[t["month"] == bs.MONTH]
    shown = t["symbol"].isna() | (t["symbol"] == "")
    value = t.assign(value=t["value"].where(shown)).set_index(["team", "indicator"])["value"]
    council = t[t["scope"] == "council"].set_index("indicator")["value"]
    found: dict[str, set[str]] = {}
    for team in sorted(t.loc[t["scope"] == "team", "team"].unique()):
        size = value.get((team, "social_worker_fte"))
        if pd.isna(size) or size < 5:
            continue
        for indicator, limit in (
            ("turnover_rate_12m", 10),
            ("agency_rate", 10),
            ("vacancy_rate", 10),
            ("average_caseload", 4),
        ):
            mine = value.get((team, indicator))
            if not pd.isna(mine) and mine - council[indicator] >= limit:
                found.setdefault(team, set()).add(indicator)
    return found


WORDS = {
    "turnover_rate_12m": "turnover over 12 months",
    "agency_rate": "agency rate",
    "vacancy_rate": "vacancy rate",
    "average_caseload": "average caseload",
}


@pytest.mark.parametrize("build", ["demo_reports", "publication_reports"])
def test_hotspots_named_with_their_figures_in_teams_section_and_summary(request, build):
    reports = request.getfixturevalue(build)
    expected = _expected_hotspots(reports)
    t = pd.read_csv(reports / bs.MONTH / "workforce_indicators.csv", dtype={"symbol": str})
    t = t[t["month"] == bs.MONTH]
    teams_text = _section_text(_page(reports, "workforce.html"), "detail-teams")
    rows = {r[0]: r for r in bs.table(_page(reports), CAPTION).rows}
    summary = next(r for q, r in rows.items() if "teams" in q.lower())[2]
    hotspots = teams_text.split("Team hotspots.")[1]
    for text in (hotspots, summary):
        for team in t.loc[t["scope"] == "team", "team"].unique():
            assert (f"{team}:" in text) == (team in expected), (team, text)
        for team, indicators in expected.items():
            part = text.split(f"{team}:")[1].split(". ")[0]
            for indicator in indicators:
                row = t[(t["team"] == team) & (t["indicator"] == indicator)].iloc[0]
                assert f"{WORDS[indicator]} {row['value']:.1f}" in part, (team, part)
            # Nothing suppressed is named: no "c" figure in a hotspot.
            assert not re.search(r"\bc\b", part), part
    assert f"{len(expected)} team" in summary
    if build == "demo_reports":
        assert expected  # the demo data has hotspots to find


def test_publication_hotspots_never_judge_a_suppressed_figure(demo_reports, publication_reports):
    plain, published = _expected_hotspots(demo_reports), _expected_hotspots(publication_reports)
    for team, indicators in published.items():
        assert indicators <= plain.get(team, set())
    t = pd.read_csv(
        publication_reports / bs.MONTH / "workforce_indicators.csv", dtype={"symbol": str}
    )
    hidden = t[(t["month"] == bs.MONTH) & (t["symbol"] == "c") & (t["scope"] == "team")]
    summary = next(
        r for r in bs.table(_page(publication_reports), CAPTION).rows if "teams" in r[0].lower()
    )[2]
    for _, row in hidden.iterrows():
        if row["indicator"] in WORDS and f"{row['team']}:" in summary:
            part = summary.split(f"{row['team']}:")[1].split(". ")[0]
            assert WORDS[row["indicator"]] not in part, (row["team"], row["indicator"])


# --- The data-check line ----------------------------------------------------------------


def test_quality_line_counts_blocking_checks_apart_from_warnings(demo_reports):
    line = overview.quality_line(
        {"checks": 30, "errors": 0, "warnings": 2, "blocking": 24, "warning_checks": 6}
    )
    assert line == (
        "All 24 data checks that block a report passed; 2 of the 6 warning checks "
        "raised a warning to note."
    )
    assert overview.quality_line(
        {"checks": 30, "errors": 1, "warnings": 0, "blocking": 24, "warning_checks": 6}
    ).startswith("1 of the 24 data checks that block a report failed")
    manifest = (demo_reports / bs.MONTH / "manifest.json").read_text(encoding="utf-8")
    import json

    counts = json.loads(manifest)["validation"]
    assert counts["blocking"] + counts["warning_checks"] == counts["checks"]
    html = _page(demo_reports)
    assert f"All {counts['blocking']} data checks that block a report passed" in html
    assert f"of the {counts['warning_checks']} warning checks" in html


# --- Accessibility ----------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("build", ["demo_reports", "publication_reports"])
def test_axe_finds_nothing_on_the_board_summary(chromium, request, build):
    reason = bs.axe_missing()
    if reason:
        pytest.skip(reason)
    v = bs.visit(chromium, request.getfixturevalue(build) / bs.MONTH / "index.html")
    try:
        violations = bs.run_axe(v.page)
    finally:
        v.close()
    assert not violations, bs.describe_violations(violations)
