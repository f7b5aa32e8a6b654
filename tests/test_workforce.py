"""Workforce indicators on a small hand-built history, every answer worked out by hand.

The history has three months (July to September 2025), so 12-month figures cover 3
months. Teams: Alpha, Beta, Gamma (over establishment), Leadership (no establishment
row), Delta (funded posts, nobody in post). Working days: July 2025 = 23, August = 20
(21 weekdays less the 25 August bank holiday), September = 22.

Social workers at 30 September 2025 (LA-employed, qualified):
  Alpha  A1 1.0, A2 0.5 (part time), A3 1.0 (started 15 Sep)          = 2.5 FTE
  Beta   B1 1.0, B2 0.8 (NQ 2024-03-20), B4 1.0 (NQ 2023-09-30)     = 2.8 FTE
  Gamma  G1 1.0, G2 1.0 (NQ 2024-09-30)                               = 2.0 FTE
  Leadership G3 1.0                                                   = 1.0 FTE
  council 8.3 FTE, 9 people.
Agency qualified: A4 1.0 (covering a vacancy), B3 0.6 (not covering) = 1.6 FTE.
Alternatively qualified (excluded everywhere): A5 (permanent), A6 (agency, covering).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from carelib import loading, workforce
from carelib.month import Month

WF_HEADER = (
    "worker_id,team,role,employment,fte,start_date,start_origin,asye,cases,"
    "covering_vacancy,sickness_days"
)
LV_HEADER = (
    "worker_id,team,role,employment,fte,start_date,start_origin,leave_date,reason,destination"
)

# worker -> the row without sickness days; months present; sickness by month.
WORKERS = {
    "A1": ("Alpha,case_holder,permanent,1.0,2020-01-06,other_la,false,20,", "789", (1, 0, 2)),
    "A2": ("Alpha,case_holder,permanent,0.5,06/01/2025,not_known,no,8,", "789", (0, 1, 0)),
    "A3": (
        "Alpha,senior_practitioner,fixed_term,1.0,2025-09-15,other_la,false,5,",
        "9",
        (None, None, 0),
    ),
    "A4": ("Alpha,case_holder,agency,1.0,2025-06-01,,false,22,true", "789", (0, 3, 0)),
    "A5": ("Alpha,alternatively_qualified,permanent,1.0,2022-01-10,,false,10,", "789", (5, 0, 3)),
    "A6": ("Alpha,alternatively_qualified,agency,1.0,2025-08-01,,false,5,yes", "89", (None, 0, 0)),
    "B1": ("Beta,first_line_manager,permanent,1.0,2015-05-01,,false,,", "789", (2, 0, 1)),
    "B2": (
        "Beta,case_holder,permanent,0.8,2024-03-20,newly_qualified,false,15,",
        "789",
        (0, 0.5, 0),
    ),
    "B3": ("Beta,case_holder,agency,0.6,2025-01-01,,false,9,false", "789", (0, 0, 0)),
    "B4": (
        "Beta,qualified_without_cases,permanent,1.0,2023-09-30,newly_qualified,false,0,",
        "789",
        (0, 0, 0),
    ),
    "L2": (
        "Beta,case_holder,permanent,0.6,2024-01-08,newly_qualified,true,12,",
        "7",
        (1.5, None, None),
    ),
    "L3": ("Alpha,case_holder,agency,1.0,2025-01-01,,false,10,true", "7", (0, None, None)),
    "L4": ("Gamma,alternatively_qualified,permanent,1.0,2025-02-01,,false,4,", "78", (0, 0, None)),
    "G1": ("Gamma,case_holder,permanent,1.0,2019-02-01,,false,18,", "789", (0, 2, 4)),
    "G2": (
        "Gamma,case_holder,permanent,1.0,2024-09-30,newly_qualified,false,12,",
        "789",
        (0, 0, 0),
    ),
    "G3": ("Leadership,middle_manager,permanent,1.0,2018-01-01,,false,,", "789", (0, 0, 0)),
}

LEAVERS = {
    "2025-07": [
        "L1,Alpha,case_holder,permanent,1.0,2021-05-01,other_la,2025-07-15,resignation,",
        "L6,Beta,case_holder,permanent,1.0,2023-09-29,newly_qualified,31/07/2025,resignation,"
        "other_la",
    ],
    "2025-08": [
        "L2,Beta,case_holder,permanent,0.6,2024-01-08,newly_qualified,2025-08-29,resignation,"
        "agency",
        "L3,Alpha,case_holder,agency,1.0,2025-01-01,,2025-08-10,end_of_contract,",
    ],
    "2025-09": [
        "L4,Gamma,alternatively_qualified,permanent,1.0,2025-02-01,,2025-09-05,resignation,"
        "non_social_care",
        "L5,Gamma,case_holder,permanent,0.5,2025-09-01,other_social_work,2025-09-19,"
        "resignation,career_break",
    ],
}

ESTABLISHMENT = "team,funded_fte\nAlpha,4.0\nBeta,4.0\nGamma,1.5\nDelta,2.0\n"

SPEND = {
    "2025-07": "team,spend_gbp,budget_gbp\nAlpha,10000,8000\nBeta,5000,6000\n",
    "2025-08": "team,spend_gbp,budget_gbp\nAlpha,12000,8000\nBeta,4000,6000\n",
    "2025-09": 'team,spend_gbp,budget_gbp\nAlpha,"11,000",8000\nBeta,3000,6000\nGamma,0,1000\n',
}

MONTHS = ("2025-07", "2025-08", "2025-09")


def workforce_csv(month: str) -> str:
    index = MONTHS.index(month)
    rows = [WF_HEADER]
    for worker, (row, present, sickness) in WORKERS.items():
        if month[-1] in present:
            rows.append(f"{worker},{row},{sickness[index]}")
    return "\n".join(rows) + "\n"


def write_history(root, leavers=LEAVERS, establishment=None, extra_rows=None):
    for month in MONTHS:
        folder = root / month
        folder.mkdir(parents=True)
        text = workforce_csv(month) + "".join(f"{r}\n" for r in (extra_rows or {}).get(month, []))
        (folder / "workforce.csv").write_text(text, encoding="utf-8")
        (folder / "leavers.csv").write_text(
            "\n".join([LV_HEADER, *leavers[month]]) + "\n", encoding="utf-8"
        )
        est = ESTABLISHMENT if establishment is None else establishment.get(month, ESTABLISHMENT)
        (folder / "establishment.csv").write_text(est, encoding="utf-8")
        (folder / "agency_spend.csv").write_text(SPEND[month], encoding="utf-8")
    return loading.load_history(root, "2025-09")


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    return write_history(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def table(history):
    return workforce.indicators(history)


def row(table, indicator, team="", month="2025-09"):
    hit = table[
        (table["indicator"] == indicator) & (table["team"] == team) & (table["month"] == month)
    ]
    assert len(hit) == 1, (indicator, team, month)
    return hit.iloc[0]


def check(table, indicator, value, numerator=None, denominator=None, team="", month="2025-09"):
    r = row(table, indicator, team, month)
    assert r["value"] == pytest.approx(value), (indicator, team, month)
    assert r["symbol"] == ""
    if numerator is not None:
        assert r["numerator"] == pytest.approx(numerator)
    if denominator is not None:
        assert r["denominator"] == pytest.approx(denominator)


def check_z(table, indicator, team, month="2025-09", symbol="z"):
    r = row(table, indicator, team, month)
    assert math.isnan(r["value"]) and r["symbol"] == symbol, (indicator, team)


def test_loader_types_the_hand_data(history):
    # The hand data go through the real loader: no reading problem at all.
    assert history.months == list(MONTHS)
    assert history.workforce["cases"].dtype == "Int64"
    assert history.workforce["start_date"].dtype.kind == "M"


def test_table_shape_and_columns(table):
    assert list(table.columns) == workforce.COLUMNS
    assert set(table["month"]) == set(MONTHS)
    sep = table[table["month"] == "2025-09"]
    assert sorted(sep["team"].unique()) == ["", "Alpha", "Beta", "Delta", "Gamma", "Leadership"]
    assert set(sep.loc[sep["team"] == "", "scope"]) == {"council"}
    assert set(sep.loc[sep["team"] != "", "scope"]) == {"team"}
    assert len(sep) == 6 * len(workforce.INDICATORS)
    # No row-level data leaks into the table.
    assert not table.astype("str").isin(list(WORKERS) + ["L1", "L5", "L6"]).any().any()


def test_agency_rate(table):
    # council: agency 1.6 (A4 1.0 + B3 0.6; A6 is alternatively qualified) over
    # 1.6 + 8.3 = 9.9 -> 16.1616...
    check(table, "agency_rate", 16.161616161616163, 1.6, 9.9)
    check(table, "agency_rate", 1.0 / 3.5 * 100, 1.0, 3.5, team="Alpha")  # 28.571...
    check(table, "agency_rate", 0.6 / 3.4 * 100, 0.6, 3.4, team="Beta")  # 17.647...
    check(table, "agency_rate", 0.0, 0.0, 2.0, team="Gamma")  # 0, not z: people in post
    check_z(table, "agency_rate", "Delta")  # 0 / 0


def test_vacancy_rate_and_establishment(table):
    # vacancy FTE: Alpha 4 - 2.5 = 1.5, Beta 4 - 2.8 = 1.2, Gamma 1.5 - 2.0 -> 0 (over
    # establishment), Delta 2.0; Leadership has no establishment row. Total 4.7.
    # council: 4.7 / (4.7 + 8.3 = 13.0) = 36.1538...
    check(table, "vacancy_fte", 4.7)
    check(table, "funded_fte", 11.5)
    check(table, "vacancy_rate", 36.15384615384615, 4.7, 13.0)
    check(table, "vacancy_rate", 37.5, 1.5, 4.0, team="Alpha")
    check(table, "vacancy_rate", 30.0, 1.2, 4.0, team="Beta")
    check(table, "vacancy_rate", 0.0, 0.0, 2.0, team="Gamma")
    check(table, "vacancy_rate", 100.0, 2.0, 2.0, team="Delta")
    check_z(table, "vacancy_rate", "Leadership", symbol="x")
    check_z(table, "vacancy_fte", "Leadership", symbol="x")


def test_turnover_rate_12m_over_three_months(table):
    # Social-worker leavers Jul-Sep: L1 1.0, L6 1.0, L2 0.6, L5 0.5 = 3.1 FTE (L3 agency
    # and L4 alternatively qualified excluded) over 8.3 FTE in post = 37.3493...
    check(table, "turnover_rate_12m", 37.34939759036145, 3.1, 8.3)
    r = row(table, "turnover_rate_12m")
    assert (r["months_covered"], r["window_months"]) == (3, 12)
    assert (r["period_start"], r["period_end"]) == ("2025-07", "2025-09")
    check(table, "turnover_rate_12m", 40.0, 1.0, 2.5, team="Alpha")  # L1
    check(table, "turnover_rate_12m", 1.6 / 2.8 * 100, 1.6, 2.8, team="Beta")  # L6 + L2
    check(table, "turnover_rate_12m", 25.0, 0.5, 2.0, team="Gamma")  # L5
    check(table, "turnover_rate_12m", 0.0, 0.0, 1.0, team="Leadership")
    check_z(table, "turnover_rate_12m", "Delta")
    check(table, "leavers_headcount_12m", 4)
    check(table, "leavers_fte_month", 0.5)
    check(table, "leavers_headcount_month", 1)


def test_turnover_uses_only_data_up_to_each_month(table):
    # July: leavers L1 + L6 = 2.0 FTE; July in post: A1 1, A2 .5, B1 1, B2 .8, B4 1,
    # L2 .6, G1 1, G2 1, G3 1 = 7.9 -> 25.3164... (L2, who left in August, not counted).
    check(table, "turnover_rate_12m", 2.0 / 7.9 * 100, 2.0, 7.9, month="2025-07")
    r = row(table, "turnover_rate_12m", month="2025-07")
    assert (r["months_covered"], r["period_start"]) == (1, "2025-07")
    # August: + L2 0.6 = 2.6 over A1 1, A2 .5, B1 1, B2 .8, B4 1, G1 1, G2 1, G3 1 = 7.3
    check(table, "turnover_rate_12m", 2.6 / 7.3 * 100, 2.6, 7.3, month="2025-08")


def test_average_caseload(table):
    # Qualified case holders with >= 1 case, agency included: A1 20/1.0, A2 8/0.5, A3 5/1.0,
    # A4 22/1.0, B2 15/0.8, B3 9/0.6, G1 18/1.0, G2 12/1.0 -> 109 cases / 6.9 FTE.
    # B4 holds 0 cases; B1 and G3 blank; A5, A6 alternatively qualified.
    check(table, "average_caseload", 109 / 6.9, 109, 6.9)  # 15.797...
    check(table, "average_caseload", 55 / 3.5, 55, 3.5, team="Alpha")
    check(table, "average_caseload", 24 / 1.4, 24, 1.4, team="Beta")
    check(table, "average_caseload", 15.0, 30, 2.0, team="Gamma")
    check_z(table, "average_caseload", "Leadership")
    assert row(table, "average_caseload")["unit"] == "cases"


def test_absence_rate_12m(table):
    # Social workers' sickness days: July 4.5 (A1 1, B1 2, L2 1.5), August 3.5 (A2 1,
    # B2 .5, G1 2; A4's 3 days are agency), September 7 (A1 2, B1 1, G1 4) = 15.
    # Available: 7.9 x 23 + 7.3 x 20 + 8.3 x 22 = 181.7 + 146 + 182.6 = 510.3.
    check(table, "absence_rate_12m", 15 / 510.3 * 100, 15.0, 510.3)  # 2.9394...
    assert row(table, "absence_rate_12m")["months_covered"] == 3
    # Alpha: sick 1 + 1 + 2 = 4; available 1.5x23 + 1.5x20 + 2.5x22 = 119.5
    check(table, "absence_rate_12m", 4 / 119.5 * 100, 4.0, 119.5, team="Alpha")
    # Beta: 3.5 + 0.5 + 1 = 5; 3.4x23 + 2.8x20 + 2.8x22 = 195.8
    check(table, "absence_rate_12m", 5 / 195.8 * 100, 5.0, 195.8, team="Beta")
    # Gamma: 0 + 2 + 4 = 6; 2x23 + 2x20 + 2x22 = 130
    check(table, "absence_rate_12m", 6 / 130 * 100, 6.0, 130.0, team="Gamma")
    check_z(table, "absence_rate_12m", "Delta")
    # July alone: 4.5 / 181.7
    check(table, "absence_rate_12m", 4.5 / 181.7 * 100, 4.5, 181.7, month="2025-07")


def test_absence_rate_dfe_definition(table):
    # DfE: days lost in the year / (FTE at the reference date x 253). Same 15 days over
    # 8.3 FTE at 30 September x 253 = 2099.9 days, against the monthly-weighted 510.3.
    check(table, "absence_rate_dfe", 15 / (8.3 * 253) * 100, 15.0, 8.3 * 253)  # 0.7143...
    # Alpha: 4 days over 2.5 FTE x 253 (monthly-weighted: 4 / 119.5)
    check(table, "absence_rate_dfe", 4 / (2.5 * 253) * 100, 4.0, 632.5, team="Alpha")
    check_z(table, "absence_rate_dfe", "Delta")
    # The two definitions differ whenever FTE changed during the year.
    assert row(table, "absence_rate_dfe")["value"] != pytest.approx(
        row(table, "absence_rate_12m")["value"]
    )
    # Over 3 months the figure is partial: not complete, so never rated.
    r = row(table, "absence_rate_dfe")
    assert (r["months_covered"], r["window_months"], r["complete"]) == (3, 12, False)
    assert workforce.partial_text(r) == "not available yet: 3 of 12 months"


def test_complete_flag(table):
    assert (table["complete"] == (table["months_covered"] >= table["window_months"])).all()
    assert row(table, "agency_rate")["complete"]
    assert not row(table, "turnover_rate_12m")["complete"]


def test_in_post_under_2y(table):
    # Started after 30 Sep 2023: A2 .5, A3 1.0, B2 .8, G2 1.0 = 3.3 of 8.3. B4 started on
    # 30 Sep 2023, exactly two years before: not "less than 2 years".
    check(table, "in_post_under_2y", 3.3 / 8.3 * 100, 3.3, 8.3)  # 39.759...
    check(table, "in_post_under_2y", 60.0, 1.5, 2.5, team="Alpha")
    check(table, "in_post_under_2y", 0.8 / 2.8 * 100, 0.8, 2.8, team="Beta")
    check(table, "in_post_under_2y", 0.0, 0.0, 1.0, team="Leadership")


def test_agency_cover_rate(table):
    # A4 1.0 covers a vacancy, B3 0.6 does not (A6 is alternatively qualified): 1.0 / 1.6.
    check(table, "agency_cover_rate", 62.5, 1.0, 1.6)
    check(table, "agency_cover_rate", 100.0, 1.0, 1.0, team="Alpha")
    check(table, "agency_cover_rate", 0.0, 0.0, 0.6, team="Beta")
    check_z(table, "agency_cover_rate", "Gamma")


def test_starters_12m(table):
    # Start dates 1 Oct 2024 - 30 Sep 2025: A2 (6 Jan 2025), A3 (15 Sep, mid-month),
    # L5 (started 1 Sep and left 19 Sep: only in the leavers file) = 3. G2 started
    # 30 Sep 2024, just outside. Agency B3/A4/L3 and alternatively qualified L4 excluded.
    check(table, "starters_12m", 3, 3)
    r = row(table, "starters_12m")
    assert math.isnan(r["denominator"]) and r["unit"] == "count"
    assert r["months_covered"] == 3
    check(table, "starters_12m", 2, team="Alpha")
    check(table, "starters_12m", 1, team="Gamma")
    check(table, "starters_12m", 0, team="Beta")
    # July: 1 Aug 2024 - 31 Jul 2025: A2 and G2 = 2.
    check(table, "starters_12m", 2, month="2025-07")


def test_nqsw_retained_1y(table):
    # Cohort: newly qualified social workers who started 30 Sep 2023 (exactly 24 months,
    # included) to 29 Sep 2024: B4 (in post), B2 (in post), L2 (left 29 Aug 2025, found
    # in the August leavers file) -> 2 of 3. G2 (30 Sep 2024, exactly 12 months) and L6
    # (29 Sep 2023) are outside.
    check(table, "nqsw_retained_1y", 200 / 3, 2, 3)
    check(table, "nqsw_retained_1y", 200 / 3, 2, 3, team="Beta")
    check_z(table, "nqsw_retained_1y", "Alpha")
    r = row(table, "nqsw_retained_1y")
    assert (r["months_covered"], r["window_months"]) == (3, 24)
    # July: window 31 Jul 2023 - 30 Jul 2024: B4, B2, L2 (in post) and L6 (left 31 Jul,
    # in the July leavers file) -> 3 of 4. August: L2 has left too -> 2 of 4.
    check(table, "nqsw_retained_1y", 75.0, 3, 4, month="2025-07")
    check(table, "nqsw_retained_1y", 50.0, 2, 4, month="2025-08")


def test_headcounts_and_fte(table):
    check(table, "social_worker_fte", 8.3)
    check(table, "social_worker_headcount", 9)
    check(table, "agency_fte", 1.6)
    check(table, "agency_headcount", 2)
    check(table, "alternatively_qualified_fte", 2.0)  # A5 permanent + A6 agency
    check(table, "alternatively_qualified_headcount", 2)
    check(table, "cases", 109)


def test_agency_spend_in_table(table):
    # Financial year from April: Jul-Sep spend 15000 + 16000 + 14000 = 45000; budget
    # 14000 + 14000 + 15000 = 43000; 3 months of data -> projection x 12 / 3.
    check(table, "agency_spend_month", 14000)
    check(table, "agency_spend_fytd", 45000)
    check(table, "agency_budget_fytd", 43000)
    check(table, "agency_spend_projected", 180000)
    check(table, "agency_budget_projected", 172000)
    r = row(table, "agency_spend_fytd")
    assert (r["months_covered"], r["window_months"], r["period_start"]) == (3, 6, "2025-07")
    check(table, "agency_spend_fytd", 33000, team="Alpha")
    check(table, "agency_spend_projected", 132000, team="Alpha")
    check_z(table, "agency_spend_month", "Leadership", symbol="x")


def test_one_month_equals_the_trend_row(history, table):
    one = workforce.indicators(history, "2025-08")
    trend = table[table["month"] == "2025-08"].reset_index(drop=True)
    pd.testing.assert_frame_equal(one, trend)


def test_council_only(history):
    council = workforce.indicators(history, by_team=False)
    assert set(council["scope"]) == {"council"}
    assert len(council) == 3 * len(workforce.INDICATORS)


def test_month_not_in_history(history):
    with pytest.raises(ValueError, match="2025-10"):
        workforce.indicators(history, "2025-10")


def test_council_kpis(history):
    kpis = workforce.council_kpis(history, "2025-09")
    assert list(kpis) == list(workforce.KPIS)
    agency = kpis["agency_rate"]
    assert agency["value"] == pytest.approx(16.161616161616163)
    assert (agency["numerator"], agency["denominator"], agency["symbol"]) == (
        pytest.approx(1.6),
        pytest.approx(9.9),
        "",
    )
    assert agency["unit"] == "percent" and agency["months_covered"] == 1
    assert kpis["turnover_rate_12m"]["months_covered"] == 3
    assert kpis["turnover_rate_12m"]["complete"] is False and agency["complete"] is True
    assert kpis["starters_12m"]["denominator"] is None
    import json

    json.dumps(kpis)  # JSON-ready: no NaN, no numpy types


def test_zero_denominators_give_z_never_zero(tmp_path):
    # A month where nobody is in post and nothing is funded: every rate is "z".
    folder = tmp_path / "2025-09"
    folder.mkdir()
    (folder / "workforce.csv").write_text(WF_HEADER + "\n")
    (folder / "leavers.csv").write_text(LV_HEADER + "\n")
    (folder / "establishment.csv").write_text("team,funded_fte\nAlpha,0\n")
    (folder / "agency_spend.csv").write_text("team,spend_gbp,budget_gbp\nAlpha,0,0\n")
    history = loading.load_history(tmp_path, "2025-09")
    kpis = workforce.council_kpis(history, "2025-09")
    for name in (
        "agency_rate",
        "vacancy_rate",
        "turnover_rate_12m",
        "average_caseload",
        "absence_rate_12m",
        "in_post_under_2y",
        "agency_cover_rate",
        "nqsw_retained_1y",
    ):
        assert kpis[name]["value"] is None and kpis[name]["symbol"] == "z", name
    assert kpis["starters_12m"]["value"] == 0 and kpis["starters_12m"]["symbol"] == ""


def test_duplicate_leaver_counted_once(tmp_path):
    # L2 reported again (late) in September's file: still one leaver of 0.6 FTE.
    leavers = dict(LEAVERS)
    leavers["2025-09"] = [*LEAVERS["2025-09"], LEAVERS["2025-08"][0]]
    table = workforce.indicators(write_history(tmp_path, leavers), "2025-09", by_team=False)
    check(table, "turnover_rate_12m", 37.34939759036145, 3.1, 8.3)


def test_late_reported_leaver_counts_from_its_file_month(tmp_path):
    # L2 left on 29 August but is reported only in September's file: August's figure
    # (from data up to August) does not know of it; September's does.
    leavers = {
        **LEAVERS,
        "2025-08": LEAVERS["2025-08"][1:],
        "2025-09": [*LEAVERS["2025-09"], LEAVERS["2025-08"][0]],
    }
    table = workforce.indicators(write_history(tmp_path, leavers), by_team=False)
    check(table, "turnover_rate_12m", 2.0 / 7.3 * 100, 2.0, 7.3, month="2025-08")
    check(table, "turnover_rate_12m", 37.34939759036145, 3.1, 8.3)
    check(table, "leavers_headcount_month", 0, month="2025-08")


def test_nqsw_who_vanished_is_not_retained(tmp_path):
    # V1, newly qualified in January 2024, is in July's snapshot and then in no file: by
    # September not in post (and not "retained" because an old snapshot says so).
    extra = {"2025-07": ["V1,Beta,case_holder,permanent,1.0,2024-01-15,newly_qualified,false,3,,0"]}
    table = workforce.indicators(write_history(tmp_path, extra_rows=extra), by_team=False)
    check(table, "nqsw_retained_1y", 2 / 4 * 100, 2, 4)  # B4, B2 of B4, B2, L2, V1
    check(table, "nqsw_retained_1y", 4 / 5 * 100, 4, 5, month="2025-07")


def test_missing_establishment_month_is_x(tmp_path):
    history = write_history(tmp_path, establishment={"2025-08": "team,funded_fte\n"})
    table = workforce.indicators(history, by_team=False)
    check_z(table, "vacancy_rate", "", month="2025-08", symbol="x")
    check(table, "vacancy_rate", 36.15384615384615, month="2025-09")


def test_leavers_breakdown(history):
    out = workforce.leavers_breakdown(history, "2025-09").set_index(["breakdown", "category"])
    # 12 months: L1, L6, L2, L5 all resignations (3.1 FTE); September: L5 (0.5).
    assert out.loc[("reason", "resignation"), "headcount_12m"] == 4
    assert out.loc[("reason", "resignation"), "fte_12m"] == pytest.approx(3.1)
    assert out.loc[("reason", "resignation"), "headcount_month"] == 1
    assert out.loc[("reason", "end_of_contract"), "headcount_12m"] == 0  # L3 was agency
    assert out.loc[("destination", "other_la"), "headcount_12m"] == 1  # L6
    assert out.loc[("destination", "agency"), "fte_12m"] == pytest.approx(0.6)  # L2
    assert out.loc[("destination", "career_break"), "headcount_month"] == 1  # L5
    assert out.loc[("destination", "not_recorded"), "headcount_12m"] == 1  # L1
    assert out["months_covered"].eq(3).all()
    assert out.xs("reason")["headcount_12m"].sum() == 4
    assert out.xs("destination")["headcount_12m"].sum() == 4


def test_agency_spend_function(history):
    out = workforce.agency_spend(history, "2025-09").set_index("team")
    council = out.loc[""]
    assert council["scope"] == "council"
    assert council["spend_month"] == 14000 and council["budget_month"] == 15000
    assert council["variance_month"] == -1000
    assert council["variance_fytd"] == 2000  # 45000 - 43000
    assert council["variance_projected"] == pytest.approx(8000)  # 180000 - 172000
    assert (council["financial_year"], council["months_elapsed"], council["months_covered"]) == (
        "2025-26",
        6,
        3,
    )
    assert out.loc["Gamma", "budget_projected"] == pytest.approx(4000)  # 1000 / 3 x 12
    assert math.isnan(out.loc["Delta", "spend_month"])
    # January-start financial year: 9 months elapsed, still 3 of data.
    jan = workforce.agency_spend(history, "2025-09", fy_start_month=1, by_team=False)
    assert (jan.loc[0, "financial_year"], jan.loc[0, "months_elapsed"]) == ("2025", 9)


def test_recruitment_against_target(history):
    out = workforce.recruitment_against_target(history, "2025-09", target=25)
    # Started since 1 April 2025: A3 and L5 (A2 started in January, G2 in 2024).
    assert out["hires"] == 2
    assert out["percent_of_target"] == pytest.approx(8.0)
    assert out["expected_by_now"] == pytest.approx(12.5)  # 25 x 6 / 12
    assert out["on_track"] is False
    assert (out["financial_year"], out["months_elapsed"], out["months_covered"]) == (
        "2025-26",
        6,
        3,
    )
    assert workforce.recruitment_against_target(history, "2025-09", 0)["percent_of_target"] is None


def test_nqsw_cohorts(history):
    out = workforce.nqsw_cohorts(history, "2025-09").set_index("cohort")
    # 2023-24: L6 (left), B4, L2 (left), B2 -> 4 started, 2 in post.
    # 2024-25: G2 -> in post.
    assert out.loc["2023-24", ["started", "in_post", "left"]].tolist() == [4, 2, 2]
    assert out.loc["2023-24", "retained_rate"] == pytest.approx(50.0)
    assert out.loc["2024-25", ["started", "in_post"]].tolist() == [1, 1]
    assert not out["complete"].any()  # history starts in July 2025


def test_caseload_distribution(history):
    out = workforce.caseload_distribution(history, "2025-09").set_index("band")
    # Cases per FTE: A3 5; G2 12, B3 15; A2 16, G1 18, B2 18.75, A1 20; A4 22.
    assert out["workers"].tolist() == [1, 2, 4, 1, 0, 0]
    assert out["fte"].tolist() == pytest.approx([1.0, 1.6, 3.3, 1.0, 0.0, 0.0])
    assert out.loc["over 15 to 20", "share"] == pytest.approx(50.0)
    assert list(out.index) == [
        "up to 10",
        "over 10 to 15",
        "over 15 to 20",
        "over 20 to 25",
        "over 25 to 30",
        "over 30",
    ]
    raw = workforce.caseload_distribution(history, "2025-09", per_fte=False)
    # Cases held: 5, 8, 9 | 12, 15 | 18, 20 | 22
    assert raw["workers"].tolist() == [3, 2, 2, 1, 0, 0]
    teams = workforce.caseload_distribution(history, "2025-09", by_team=True)
    alpha = teams[teams["team"] == "Alpha"]
    assert alpha["workers"].sum() == 4 and alpha["share"].sum() == pytest.approx(100.0)
    assert "worker_id" not in teams.columns


def test_caseload_distribution_from_month_data(tmp_path):
    write_history(tmp_path)
    month = loading.load_month(tmp_path, "2025-09")
    assert workforce.caseload_distribution(month)["workers"].sum() == 8


def test_fy_label():
    assert workforce.fy_label("2025-03") == "2024-25"
    assert workforce.fy_label("2025-04") == "2025-26"
    assert workforce.fy_label("2025-09", 9) == "2025-26"


def test_every_name_is_importable_from_workforce_after_the_split():
    from carelib import workforce_breakdowns, workforce_definitions, workforce_indicators

    assert workforce.INDICATORS is workforce_definitions.INDICATORS
    assert workforce.indicators is workforce_indicators.indicators
    assert workforce.leavers_breakdown is workforce_breakdowns.leavers_breakdown
    # Private helpers carelib.disclosure uses.
    for name in ("_prepare", "_social_worker_leavers", "_sw_records", "_mi", "_fy_first"):
        assert callable(getattr(workforce, name)), name
    assert workforce._mi("2025-09") == Month("2025-09").ordinal


def test_month_indices_agree_with_the_month_type():
    assert workforce._month(workforce._mi("2024-02") + 11) == Month("2024-02") + 11
    first = workforce._fy_first(workforce._mi("2026-03"), 4)
    assert workforce._month(first) == Month("2026-03").financial_year_start(4) == "2025-04"
