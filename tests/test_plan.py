"""Tests for carelib.plan on hand-built plans whose answers are worked out by hand.

Every plan is written as CSV text into tmp_path/<month>/ and read back through
carelib.loading.load_history, so the frames have the real dtypes. The workforce files
are absent: loading records a problem for each and gives empty typed frames.
"""

import csv
import datetime as dt
import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from carelib import config as config_mod
from carelib import loading, plan

D = dt.date

ACTION_COLUMNS = [
    "action_id",
    "recommendation_id",
    "recommendation",
    "theme",
    "action",
    "owner",
    "start_date",
    "due_date",
    "status",
    "completed_date",
    "officer_rag",
    "update",
]
MEASURE_COLUMNS = [
    "measure_id",
    "recommendation_id",
    "name",
    "unit",
    "polarity",
    "baseline",
    "target",
    "target_date",
    "value",
    "kpi",
]


def act(
    action_id,
    status="in_progress",
    start="2025-01-01",
    due="2026-03-31",
    completed="",
    officer="",
    update="",
    rec="R1",
    theme="workforce",
    text=None,
    owner="Head of service",
):
    return {
        "action_id": action_id,
        "recommendation_id": rec,
        "recommendation": f"Recommendation {rec}",
        "theme": theme,
        "action": text or f"Action {action_id}",
        "owner": owner,
        "start_date": start,
        "due_date": due,
        "status": status,
        "completed_date": completed,
        "officer_rag": officer,
        "update": update,
    }


def meas(
    measure_id,
    baseline,
    target,
    value="",
    polarity="lower_is_better",
    target_date="2026-01-28",
    kpi="",
    rec="R1",
    unit="percent",
):
    return {
        "measure_id": measure_id,
        "recommendation_id": rec,
        "name": f"Measure {measure_id}",
        "unit": unit,
        "polarity": polarity,
        "baseline": baseline,
        "target": target,
        "target_date": target_date,
        "value": value,
        "kpi": kpi,
    }


def write_csv(path, columns, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def build(tmp_path, months):
    """Write {month: (actions, measures)} and load the history up to the last month."""
    for month, (actions, measures) in months.items():
        folder = tmp_path / month
        folder.mkdir(parents=True, exist_ok=True)
        write_csv(folder / "actions.csv", ACTION_COLUMNS, actions)
        if measures is not None:
            write_csv(folder / "measures.csv", MEASURE_COLUMNS, measures)
    return loading.load_history(tmp_path, max(months))


# Plan start 2 Jun 2025: 120 days to 30 Sep 2025, 240 days to 28 Jan 2026, so a
# measure due 28 Jan 2026 should be exactly half way at the September reference date.
CFG = config_mod.validate(
    {"inspection": {"plan_start": "2025-06-02", "publication_date": "2023-08-25"}}
)


def by_id(frame, column="action_id"):
    return frame.set_index(column)


# ------------------------------------------------------------------ action RAG rules


def test_action_rag_cases_and_boundaries(tmp_path):
    history = build(
        tmp_path,
        {
            "2025-09": (
                [
                    act("complete", "complete", due="2025-08-01", completed="2025-09-10"),
                    act("due_today", due="2025-09-30"),
                    act("due_yesterday", due="2025-09-29"),
                    act("ns_due_30", "not_started", start="2025-10-15", due="2025-10-30"),
                    act("ns_due_31", "not_started", start="2025-10-15", due="2025-10-31"),
                    act("ns_start_passed", "not_started", start="2025-09-29"),
                    act("ns_start_today", "not_started", start="2025-09-30"),
                    act("blocked", "blocked"),
                    act("in_progress_due_soon", due="2025-10-10"),
                ],
                None,
            )
        },
    )
    actions = by_id(plan.assess(history, "2025-09", CFG).actions)
    rag = actions["computed_rag"].to_dict()
    assert rag == {
        "complete": "blue",
        "due_today": "green",  # due on the reference date is not overdue
        "due_yesterday": "red",
        "ns_due_30": "amber",  # 30 days away counts as due soon
        "ns_due_31": "green",  # 31 does not
        "ns_start_passed": "amber",
        "ns_start_today": "green",  # start date not yet passed
        "blocked": "red",
        "in_progress_due_soon": "green",  # only actions not started turn amber
    }
    assert actions.loc["due_today", "due_in_days"] == 0
    assert not actions.loc["due_today", "overdue"]
    assert actions.loc["due_yesterday", "overdue"]
    assert actions.loc["due_yesterday", "days_overdue"] == 1
    assert actions.loc["ns_due_30", "due_in_days"] == 30
    assert not actions.loc["complete", "overdue"]  # complete is never overdue
    assert actions.loc["blocked", "blocked"] and not actions.loc["blocked", "overdue"]
    assert actions.loc["due_yesterday", "rag_reason"] == "overdue by 1 day (due 29 Sep 2025)"
    assert actions.loc["ns_start_passed", "rag_reason"].startswith("not started")


def test_action_rag_function_blocked_and_overdue_reasons():
    rag, reason = plan.action_rag("blocked", D(2025, 1, 1), D(2025, 9, 1), D(2025, 9, 30))
    assert rag == "red"
    assert reason == "blocked; overdue by 29 days (due 1 Sep 2025)"
    # the due-soon window comes from the caller (config), not a constant
    assert (
        plan.action_rag(
            "not_started", D(2025, 10, 5), D(2025, 10, 20), D(2025, 9, 30), due_soon_days=10
        )[0]
        == "green"
    )


def test_officer_rag_disagreement(tmp_path):
    history = build(
        tmp_path,
        {
            "2025-09": (
                [
                    act("optimist", due="2025-09-01", officer="green"),  # computed red
                    act("pessimist", officer="amber"),  # computed green
                    act("agrees", "blocked", officer="Red"),  # categories are read lower-case
                    act("no_rating"),
                ],
                None,
            )
        },
    )
    actions = by_id(plan.assess(history, "2025-09", CFG).actions)
    assert actions["rag_disagrees"].to_dict() == {
        "optimist": True,
        "pessimist": True,
        "agrees": False,
        "no_rating": False,
    }
    assert actions.loc["optimist", "more_optimistic"] == "officer"
    assert actions.loc["pessimist", "more_optimistic"] == "computed"
    assert pd.isna(actions.loc["agrees", "more_optimistic"])
    assert actions.loc["optimist", "officer_rag"] == "green"
    assert actions.loc["optimist", "computed_rag"] == "red"


# ---------------------------------------------------------------- measures


def test_trajectory_function_hand_numbers():
    start, end = D(2025, 1, 1), D(2025, 1, 11)
    assert plan.trajectory(40, 20, start, end, D(2025, 1, 6)) == 30  # half way, falling
    assert plan.trajectory(50, 70, start, end, D(2025, 1, 3)) == 54  # 2/10 of the way, rising
    assert plan.trajectory(40, 20, start, end, D(2024, 12, 1)) == 40  # before the start
    assert plan.trajectory(40, 20, start, end, D(2025, 3, 1)) == 20  # clamped after target


def test_measures_against_trajectory_both_polarities(tmp_path):
    history = build(
        tmp_path,
        {
            "2025-09": (
                [act("A1")],
                [
                    # lower is better, 40 -> 20: trajectory 30 at half way; amber band 2
                    meas("low_on", 40, 20, 30),
                    meas("low_ahead", 40, 20, 29),
                    meas("low_amber_edge", 40, 20, 32),
                    meas("low_red", 40, 20, 32.01),
                    # higher is better, 50 -> 70: trajectory 60; amber band 2
                    meas("high_on", 50, 70, 60, "higher_is_better"),
                    meas("high_amber_edge", 50, 70, 58, "higher_is_better"),
                    meas("high_red", 50, 70, 57.9, "higher_is_better"),
                    meas("high_ahead_but_low_for_lower", 50, 70, 61, "higher_is_better"),
                    # 30 -> 36.4: trajectory 33.2, band 0.64; 32.56 sits exactly on the band edge
                    # (naive floating point puts it 2e-15 outside)
                    meas("float_edge", 30, 36.4, 32.56, "higher_is_better"),
                    # target date passed: trajectory is the target itself
                    meas("past_target", 40, 20, 21, target_date="2025-08-31"),
                    meas("no_value", 40, 20, ""),
                ],
            )
        },
    )
    measures = by_id(plan.assess(history, "2025-09", CFG).measures, "measure_id")
    assert measures.loc["low_on", "trajectory"] == pytest.approx(30)
    assert measures.loc["high_on", "trajectory"] == pytest.approx(60)
    assert measures.loc["float_edge", "trajectory"] == pytest.approx(33.2)
    assert measures.loc["past_target", "trajectory"] == 20
    assert measures["rag"].to_dict() == {
        "low_on": "green",
        "low_ahead": "green",
        "low_amber_edge": "amber",
        "low_red": "red",
        "high_on": "green",
        "high_amber_edge": "amber",
        "high_red": "red",
        "high_ahead_but_low_for_lower": "green",
        "float_edge": "amber",
        "past_target": "amber",
        "no_value": "no data",
    }
    assert measures.loc["low_amber_edge", "behind_trajectory"] == pytest.approx(2)
    assert measures.loc["low_amber_edge", "amber_band"] == pytest.approx(2)
    assert measures.loc["low_ahead", "behind_trajectory"] == pytest.approx(-1)
    assert measures.loc["no_value", "value_source"] == "none"
    assert pd.isna(measures.loc["no_value", "target_met"])


def test_distance_to_target_and_share_of_gap_closed(tmp_path):
    history = build(
        tmp_path,
        {
            "2025-09": (
                [act("A1")],
                [
                    meas("pct", 40, 20, 32),  # 12 points still to go, (40-32)/(40-20) = 40% closed
                    meas("count", 10, 30, 25, "higher_is_better", unit="count"),  # 5 to go, 75%
                    meas("met", 40, 20, 19.5),  # beaten by 0.5
                    meas("worse_than_baseline", 40, 20, 44),  # -20% closed
                    meas("nearly", 40, 20, 20.04),  # would round to "0.0 points"
                ],
            )
        },
    )
    measures = by_id(plan.assess(history, "2025-09", CFG).measures, "measure_id")
    assert measures.loc["pct", "distance_to_target"] == pytest.approx(12)
    assert measures.loc["pct", "share_of_gap_closed"] == pytest.approx(0.4)
    assert measures.loc["pct", "progress_text"] == (
        "12.0 points from target (40% of the gap from the baseline closed)"
    )
    assert measures.loc["count", "distance_to_target"] == pytest.approx(5)
    assert measures.loc["count", "share_of_gap_closed"] == pytest.approx(0.75)
    assert measures.loc["count", "progress_text"].startswith("5 from target")
    assert bool(measures.loc["met", "target_met"])
    assert not bool(measures.loc["pct", "target_met"])
    assert measures.loc["met", "progress_text"].startswith("target beaten by 0.5 points")
    assert measures.loc["worse_than_baseline", "share_of_gap_closed"] == pytest.approx(-0.2)
    assert measures.loc["nearly", "progress_text"].startswith("less than 0.1 points from target")


def test_kpi_linked_measure_takes_workforce_value(tmp_path):
    history = build(
        tmp_path,
        {
            "2025-09": (
                [act("A1")],
                [
                    meas("agency", 40, 20, "", kpi="agency_rate"),  # trajectory 30, band 2
                    meas("vacancy", 30, 10, "", kpi="vacancy_rate"),
                ],
            )
        },
    )
    # council_kpis style: {indicator: {"value": ...}}; None is "not applicable"
    kpis = {"agency_rate": {"value": 31.5, "numerator": 12.6}, "vacancy_rate": {"value": None}}
    measures = by_id(plan.assess(history, "2025-09", CFG, kpi_values=kpis).measures, "measure_id")
    assert measures.loc["agency", "value"] == 31.5
    assert measures.loc["agency", "value_source"] == "kpi"
    assert measures.loc["agency", "kpi"] == "agency_rate"
    assert measures.loc["agency", "rag"] == "amber"  # 1.5 behind, within the band of 2
    assert measures.loc["vacancy", "rag"] == "no data"
    # a plain {name: value} mapping works too
    plain = plan.assess(history, "2025-09", CFG, kpi_values={"agency_rate": 29.0})
    assert by_id(plain.measures, "measure_id").loc["agency", "rag"] == "green"
    # without indicators there is no value to judge
    bare = by_id(plan.assess(history, "2025-09", CFG).measures, "measure_id")
    assert bare.loc["agency", "rag"] == "no data"
    assert bare.loc["agency", "rag_reason"] == (
        "workforce indicator agency_rate not available this month"
    )


def test_plan_start_defaults_to_first_month_of_data(tmp_path):
    cfg = config_mod.validate({})
    history = build(
        tmp_path,
        {
            "2025-07": ([act("A1")], [meas("m", 40, 20, 35, target_date="2025-10-31")]),
            "2025-08": ([act("A1")], [meas("m", 40, 20, 35, target_date="2025-10-31")]),
        },
    )
    result = plan.assess(history, "2025-08", cfg)
    assert result.timeline["plan_start"] == D(2025, 7, 1)
    assert result.timeline["plan_start_source"] == "first month of data"
    assert result.timeline["plan_due_date"] is None
    # 1 Jul -> 31 Oct is 122 days; 31 Aug is 61 days in: exactly half way, 30
    assert result.measures.loc[0, "trajectory"] == pytest.approx(30)


def test_measure_history_for_charts(tmp_path):
    history = build(
        tmp_path,
        {
            "2025-08": (
                [act("A1")],
                [meas("m", 40, 20, 33), meas("k", 40, 20, "", kpi="agency_rate")],
            ),
            "2025-09": (
                [act("A1")],
                [meas("m", 40, 20, 31), meas("k", 40, 20, "", kpi="agency_rate")],
            ),
        },
    )
    kpi_by_month = {"2025-08": {"agency_rate": 35.0}, "2025-09": {"agency_rate": 30.0}}
    frame = plan.measure_history(history, CFG, kpi_by_month)
    m = frame[frame["measure_id"] == "m"].set_index("month")
    # 2 Jun -> 31 Aug is 90 days of 240: 40 - 20 * 90/240 = 32.5
    assert m.loc["2025-08", "trajectory"] == pytest.approx(32.5)
    assert m.loc["2025-08", "rag"] == "amber"
    assert m.loc["2025-09", "trajectory"] == pytest.approx(30)
    assert m.loc["2025-09", "value"] == 31
    k = frame[frame["measure_id"] == "k"].set_index("month")
    assert list(k["value"]) == [35.0, 30.0]
    assert list(k["rag"]) == ["red", "green"]
    assert str(frame["reference_date"].dtype).startswith("datetime64")
    # and the assessment reports the change since last month for kpi measures
    result = plan.assess(
        history, "2025-09", CFG, kpi_values=kpi_by_month["2025-09"], kpi_by_month=kpi_by_month
    )
    k_now = by_id(result.measures, "measure_id").loc["k"]
    assert k_now["previous_value"] == 35.0
    assert k_now["rag_change"] == "improved"


# ------------------------------------------------------------- month on month


def three_months(tmp_path):
    return build(
        tmp_path,
        {
            "2025-07": (
                [
                    act("slip", due="2025-12-31"),
                    act("gone", due="2025-12-31"),
                    act("stale", update="Recruiting panel booked"),
                    act("blanked", update="Advert out"),
                    act("done_before", "complete", completed="2025-07-05", update="Done"),
                ],
                None,
            ),
            "2025-08": (
                [
                    act("slip", due="2026-01-31", update="Moved: capacity"),  # +31 days
                    act("gone", due="2025-12-31"),
                    act("stale", update="Recruiting panel booked"),
                    act("blanked", update=""),
                    act("done_before", "complete", completed="2025-07-05", update="Done"),
                    act("worsens", due="2025-09-15"),  # green at 31 Aug, overdue at 30 Sep
                    act("improves", "blocked"),
                    act("completes", due="2025-10-31"),
                ],
                None,
            ),
            "2025-09": (
                [
                    act("slip", due="2026-03-02", update="Moved again"),  # +30 days
                    act("stale", update="Recruiting panel booked"),
                    act("blanked", update=""),
                    act("done_before", "complete", completed="2025-07-05", update="Done"),
                    act("worsens", due="2025-09-15"),
                    act("improves"),
                    act("completes", "complete", due="2025-10-31", completed="2025-09-12"),
                    act("new_one"),
                ],
                None,
            ),
        },
    )


def test_slippage_across_three_months(tmp_path):
    history = three_months(tmp_path)
    september = by_id(plan.assess(history, "2025-09", CFG).actions).loc["slip"]
    assert september["slipped_this_month"]
    assert september["slipped_days_this_month"] == 30
    assert september["slipped_days_total"] == 61
    assert september["times_slipped"] == 2
    assert september["first_due_date"] == pd.Timestamp("2025-12-31")
    august = by_id(plan.assess(history, "2025-08", CFG).actions).loc["slip"]
    assert (
        august["slipped_days_this_month"],
        august["slipped_days_total"],
        august["times_slipped"],
    ) == (31, 31, 1)
    july = by_id(plan.assess(history, "2025-07", CFG).actions).loc["slip"]
    assert not july["slipped_this_month"] and july["times_slipped"] == 0


def test_due_date_brought_forward_is_not_a_slip(tmp_path):
    history = build(
        tmp_path,
        {
            "2025-08": ([act("a", due="2026-01-31")], None),
            "2025-09": ([act("a", due="2025-12-31")], None),
        },
    )
    row = by_id(plan.assess(history, "2025-09", CFG).actions).loc["a"]
    assert not row["slipped_this_month"] and row["slipped_days_total"] == 0


def test_disappeared_new_and_rag_changes(tmp_path):
    history = three_months(tmp_path)
    result = plan.assess(history, "2025-09", CFG)
    actions = by_id(result.actions)
    assert result.previous_month == "2025-08"
    assert list(result.disappeared["action_id"]) == ["gone"]
    assert result.disappeared.loc[0, "last_seen_month"] == "2025-08"
    assert actions["new"].to_dict()["new_one"] and actions["new"].sum() == 1
    assert actions.loc["new_one", "rag_change"] == "new"
    assert actions.loc["worsens", "previous_rag"] == "green"
    assert actions.loc["worsens", "rag_change"] == "worsened"
    assert actions.loc["improves", "rag_change"] == "improved"
    assert actions.loc["stale", "rag_change"] == "same"
    assert actions.loc["completes", "completed_this_month"]
    assert not actions.loc["done_before", "completed_this_month"]
    assert actions.loc["completes", "rag_change"] == "improved"  # green -> blue
    # the first month of the data has nothing to compare with
    july = by_id(plan.assess(history, "2025-07", CFG).actions)
    assert set(july["rag_change"]) == {plan.NOT_COMPARED}
    assert not july["new"].any()
    assert july.loc["done_before", "completed_this_month"]  # completed_date in July


def test_stale_updates(tmp_path):
    history = three_months(tmp_path)
    september = by_id(plan.assess(history, "2025-09", CFG).actions)
    assert september.loc["stale", "months_since_update"] == 2
    assert september.loc["stale", "last_update_month"] == "2025-07"
    assert september.loc["stale", "stale"]
    assert september.loc["blanked", "stale"]  # a blank update is not news
    assert september.loc["slip", "months_since_update"] == 0
    assert not september.loc["slip", "stale"]
    assert not september.loc["done_before", "stale"]  # complete actions need no update
    august = by_id(plan.assess(history, "2025-08", CFG).actions)
    assert august.loc["stale", "months_since_update"] == 1
    assert not august.loc["stale", "stale"]


def test_exceptions_list(tmp_path):
    history = three_months(tmp_path)
    exceptions = plan.assess(history, "2025-09", CFG).exceptions.set_index("id")
    assert set(exceptions.index) == {"worsens", "slip"}
    assert exceptions.loc["worsens", "reasons"] == (
        "overdue by 15 days; rating worsened from green to red"
    )
    assert exceptions.loc["slip", "reasons"] == (
        "due date moved 30 days later this month (2 times, 61 days in all)"
    )
    assert exceptions.loc["slip", "owner"] == "Head of service"
    assert exceptions.loc["slip", "update"] == "Moved again"
    assert list(exceptions.index) == ["worsens", "slip"]  # red before green


def test_free_text_is_kept_raw(tmp_path):
    text = 'Review <script>alert("x")</script> & audit, "quoted"'
    update = "Panel <b>met</b> & agreed £5k"
    history = build(
        tmp_path,
        {
            "2025-09": (
                [
                    act(
                        "a",
                        due="2025-09-01",
                        text=text,
                        update=update,
                        owner="Head of QA & Practice",
                    )
                ],
                None,
            )
        },
    )
    result = plan.assess(history, "2025-09", CFG)
    assert result.actions.loc[0, "action"] == text
    assert result.actions.loc[0, "update"] == update
    assert result.exceptions.loc[0, "item"] == text
    assert result.exceptions.loc[0, "update"] == update
    assert result.exceptions.loc[0, "owner"] == "Head of QA & Practice"


# --------------------------------------------------------------- roll-ups


def test_recommendation_and_theme_roll_up(tmp_path):
    history = build(
        tmp_path,
        {
            "2025-09": (
                [
                    # R1 red: one overdue, one blocked; blocked drives it
                    act("r1a", due="2025-09-20", rec="R1"),
                    act("r1b", "blocked", rec="R1"),
                    # R2 blue: all complete and its measure met
                    act("r2a", "complete", completed="2025-09-01", rec="R2", theme="neglect"),
                    # R3 amber through its measure although its action is complete
                    act("r3a", "complete", completed="2025-09-01", rec="R3", theme="neglect"),
                    # R4 green: open action; the soonest due drives it
                    act("r4a", due="2026-02-01", rec="R4", theme="care_leavers"),
                    act("r4b", due="2025-12-01", rec="R4", theme="care_leavers"),
                    # R5 green although all actions complete: its measure has no value
                    act("r5a", "complete", completed="2025-09-01", rec="R5", theme="care_leavers"),
                ],
                [
                    meas("m2", 40, 20, 19, rec="R2"),
                    meas("m3", 40, 20, 31, rec="R3"),
                    meas("m4", 40, 20, 25, rec="R4"),
                    meas("m5", 40, 20, "", rec="R5"),
                ],
            )
        },
    )
    result = plan.assess(history, "2025-09", CFG)
    recs = result.recommendations.set_index("recommendation_id")
    assert recs["rag"].to_dict() == {
        "R1": "red",
        "R2": "blue",
        "R3": "amber",
        "R4": "green",
        "R5": "green",
    }
    assert (recs.loc["R1", "driver_kind"], recs.loc["R1", "driver_id"]) == ("action", "r1b")
    assert recs.loc["R1", "driver_reason"] == "blocked"
    assert (recs.loc["R3", "driver_kind"], recs.loc["R3", "driver_id"]) == ("measure", "m3")
    assert recs.loc["R4", "driver_id"] == "r4b"
    assert recs.loc["R5", "driver_id"] == "m5"
    assert recs.loc["R5", "driver_reason"] == "no value this month"
    assert pd.isna(recs.loc["R2", "driver_id"])
    assert recs.loc["R1", "recommendation"] == "Recommendation R1"
    assert (recs.loc["R1", "red"], recs.loc["R1", "overdue"], recs.loc["R1", "blocked"]) == (
        2,
        1,
        1,
    )
    assert recs.loc["R2", "share_complete"] == 1.0
    assert recs.loc["R4", "share_complete"] == 0.0
    themes = result.themes.set_index("theme")
    assert themes["rag"].to_dict() == {
        "workforce": "red",
        "neglect": "amber",
        "care_leavers": "green",
    }
    assert themes.loc["neglect", "actions"] == 2
    assert themes.loc["neglect", "blue"] == 2
    assert themes.loc["neglect", "measures_amber"] == 1
    assert themes.loc["care_leavers", "share_complete"] == pytest.approx(1 / 3)
    assert themes.loc["care_leavers", "measures_no_data"] == 1


def test_burnup_series(tmp_path):
    history = three_months(tmp_path)
    burnup = plan.assess(history, "2025-09", CFG).burnup.set_index("month")
    assert list(burnup.index) == ["2025-07", "2025-08", "2025-09"]
    assert burnup["total"].tolist() == [5, 8, 8]
    # due to date: 'done_before' (due 31 Mar 2026) is not due; 'worsens' is due 15 Sep
    assert burnup["due_to_date"].tolist() == [0, 0, 1]
    assert burnup["complete"].tolist() == [1, 1, 2]
    assert burnup["overdue"].tolist() == [0, 0, 1]


# -------------------------------------------------------------- timeline


def test_plan_due_seventy_working_days_after_publication():
    # Published Fri 25 Aug 2023; Mon 28 Aug is a bank holiday. Counting from Tue 29 Aug:
    # Aug 3, Sep 21 (24), Oct 22 (46), Nov 22 (68), Fri 1 Dec (69), Mon 4 Dec (70).
    assert plan.plan_due_date(D(2023, 8, 25)) == D(2023, 12, 4)
    # Published Mon 2 Oct 2023, across Christmas: Oct 21, Nov 22 (43), Dec 1-22 16 (59),
    # 25-26 Dec holidays, 27-29 Dec (62), 1 Jan holiday, 2-5 Jan (66), 8-11 Jan (70).
    assert plan.plan_due_date(D(2023, 10, 2)) == D(2024, 1, 11)


def test_timeline_and_months_run(tmp_path):
    history = build(tmp_path, {"2025-09": ([act("A1")], None)})
    cfg = config_mod.validate(
        {"inspection": {"plan_start": "2023-10-01", "publication_date": "2023-08-25"}}
    )
    result = plan.assess(history, "2025-09", cfg)
    assert result.timeline["plan_due_date"] == D(2023, 12, 4)
    assert result.timeline["plan_due_passed"] is True
    assert result.timeline["months_run"] == 24  # Oct 2023 .. Sep 2025
    assert plan.months_run(D(2023, 10, 1), "2023-10") == 1
    assert plan.months_run(D(2023, 10, 1), "2023-09") == 0


# --------------------------------------------------------------- summary and edges


def test_summary_is_json_and_counts(tmp_path):
    history = three_months(tmp_path)
    summary = plan.assess(history, "2025-09", CFG).summary()
    again = json.loads(json.dumps(summary))
    assert again == summary
    assert summary["actions_total"] == 8
    assert summary["actions_by_rag"] == {"red": 1, "amber": 0, "green": 5, "blue": 2}
    assert summary["overdue"] == 1
    assert summary["blocked"] == 0
    assert summary["slipped_this_month"] == 1
    assert summary["completed_this_month"] == 1
    assert summary["new"] == 1
    assert summary["disappeared"] == 1
    assert summary["not_updated"] == 2  # "stale" and "blanked": no new update since July
    assert summary["plan_due_date"] == "2023-12-04"
    assert summary["months_run"] == 4  # Jun .. Sep 2025
    assert summary["compared_with"] == "2025-08"
    assert plan.plan_summary(history, "2025-09", CFG) == summary


def test_missing_measures_file_and_unknown_month(tmp_path):
    history = build(tmp_path, {"2025-09": ([act("A1")], None)})
    result = plan.assess(history, "2025-09", CFG)
    assert result.measures.empty
    assert list(result.measures.columns) == plan.MEASURE_COLUMNS
    assert result.summary()["measures_by_rag"] == {"green": 0, "amber": 0, "red": 0, "no data": 0}
    with pytest.raises(ValueError, match="no data loaded for 2025-10"):
        plan.assess(history, "2025-10", CFG)


def test_empty_plan(tmp_path):
    folder = tmp_path / "2025-09"
    folder.mkdir()
    history = loading.load_history(tmp_path, "2025-09")
    result = plan.assess(history, "2025-09", CFG)
    assert result.actions.empty and result.recommendations.empty
    assert result.summary()["actions_total"] == 0


def test_plan_imports_no_heavy_modules():
    code = (
        "import sys, carelib.plan; heavy = {'matplotlib', 'seaborn', 'great_expectations',"
        " 'papermill', 'nbconvert', 'carelib.workforce', 'carelib.loading'};"
        " print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_summary_text_for_the_terminal(tmp_path):
    history = three_months(tmp_path)
    text = plan.summary_text(plan.assess(history, "2025-09", CFG).summary())
    assert "actions: 8  red 1  amber 0  green 5  blue (complete) 2" in text
    assert "written action plan due 2023-12-04" in text
