"""The DfE agency rules and the quarterly return on a hand-built quarter."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from carelib import agency_return, agency_rules
from carelib.config import ConfigError

RULES = agency_rules.settings(
    {
        "price_caps": [
            "2024-10-31: social_worker = 40, senior_social_worker = 45, team_manager = 55",
            "2025-08-01: social_worker = 42",
        ],
        "caps_source": "Example region memorandum of understanding, October 2024",
        "cap_on_costs_percent": 10.0,
    }
)


def _assignment(ident, **kw):
    row = {
        "assignment_id": ident,
        "worker_id": f"W{ident}",
        "team": "Assessment 1",
        "role_type": "social_worker",
        "hourly_charge_rate": 45.0,
        "hourly_pay_rate": 35.0,
        "start_date": pd.Timestamp("2025-01-06"),
        "end_date": pd.NaT,
        "pqe_years": 6.0,
        "qualification_date": pd.NaT,
        "left_permanent_in_region": False,
        "left_permanent_date": pd.NaT,
        "project_team": False,
        "project_name": "",
        "supplier": "Supplier A",
        "breach_approved_by": "",
    }
    row.update(kw)
    return row


def _month():
    return pd.DataFrame(
        [
            _assignment("A1"),  # compliant everywhere: 35 x 1.1 = 38.50 <= 40
            _assignment(
                "A2", hourly_pay_rate=38.0, breach_approved_by="Director of Children's Services"
            ),
            _assignment("A3", pqe_years=2.0),
            _assignment(
                "A4",
                left_permanent_in_region=True,
                left_permanent_date=pd.Timestamp("2024-12-01"),
            ),
            _assignment("A5", project_team=True, project_name=""),
            _assignment("A6", start_date=pd.Timestamp("2024-05-01"), hourly_pay_rate=50.0),
            _assignment(
                "A7",
                role_type="team_manager",
                pqe_years=float("nan"),
                qualification_date=pd.Timestamp("2023-06-01"),
            ),
            _assignment("A8", role_type="advanced_practitioner"),
        ]
    )


def _status(checks, ident, rule):
    row = checks[(checks["assignment_id"] == ident) & (checks["rule"] == rule)]
    assert len(row) == 1
    return row.iloc[0]


def test_each_assignment_breaches_the_rules_it_was_built_to_breach():
    checks = agency_rules.check(_month(), "2025-07", RULES)
    assert len(checks) == 8 * len(agency_rules.RULES)
    expected_breaches = {
        ("A2", "price_cap"),
        ("A3", "experience"),
        ("A4", "cooling_off"),
        ("A5", "project_team"),
        ("A7", "experience"),
    }
    found = {(r.assignment_id, r.rule) for r in checks.itertuples() if r.status == "breach"}
    assert found == expected_breaches
    # 38 x 1.1 = 41.80 > 40: the cap compares the pay rate with its on-costs.
    assert "£41.80" in _status(checks, "A2", "price_cap")["detail"]
    assert _status(checks, "A2", "price_cap")["approved_by"] == "Director of Children's Services"
    assert _status(checks, "A3", "experience")["approved_by"] == ""
    # A legacy assignment (started before 31 October 2024) is out of scope until 1 October 2025.
    assert set(checks[checks["assignment_id"] == "A6"]["status"]) == {"not_in_scope"}
    # No cap is set for advanced practitioners: not assessed, never called compliant.
    assert _status(checks, "A8", "price_cap")["status"] == "not_assessed"
    # The qualification date gives the experience: 1.6 years at the start of the assignment.
    assert "1.6 years" in _status(checks, "A7", "experience")["detail"]
    for detail in checks["detail"]:
        assert "W" not in detail.split()[0] and "A" not in detail[:2]


def test_legacy_assignments_come_into_scope_and_caps_change_on_their_dates():
    checks = agency_rules.check(_month(), "2025-10", RULES)
    assert _status(checks, "A6", "price_cap")["status"] == "breach"  # 55.00 > 42
    assert "cap of £42.00" in _status(checks, "A6", "price_cap")["detail"]
    assert RULES.cap("social_worker", dt.date(2025, 7, 31)) == 40
    assert RULES.cap("social_worker", dt.date(2025, 8, 1)) == 42


def test_summary_counts_compliance_by_rule():
    summary = agency_rules.summary(agency_rules.check(_month(), "2025-07", RULES)).set_index("rule")
    assert summary.loc["price_cap", ["assessed", "compliant", "breaches", "approved"]].tolist() == [
        6,
        5,
        1,
        1,
    ]
    assert summary.loc["experience", ["assessed", "breaches", "unapproved"]].tolist() == [7, 2, 2]
    assert summary.loc["price_cap", "compliance_rate"] == pytest.approx(5 / 6 * 100)
    assert summary.loc["price_cap", "not_in_scope"] == 1


def test_mean_rates_by_role_type():
    rates = agency_rules.rates(_month()).set_index("role_type")
    assert rates.loc["", "assignments"] == 8
    assert rates.loc["", "mean_charge_rate"] == pytest.approx(45.0)
    assert rates.loc["social_worker", "mean_pay_rate"] == pytest.approx((35 * 4 + 38 + 50) / 6)
    assert rates.loc["iro_conference_chair", "assignments"] == 0


def test_quarterly_return_rows_and_totals():
    q = agency_return.quarter("2025-Q3")
    assert q.months == ("2025-07", "2025-08", "2025-09")
    spend = pd.DataFrame({"team": ["Assessment 1"], "spend_gbp": [1000.0], "budget_gbp": [900.0]})
    month = _month()
    later = month[month["assignment_id"] != "A8"]  # A8 ended in July
    months = {
        "2025-07": {"agency_assignments": month, "agency_spend": spend},
        "2025-08": {"agency_assignments": later, "agency_spend": spend * [1, 2, 1]},
        "2025-09": {"agency_assignments": later, "agency_spend": spend},
    }
    months["2025-08"]["agency_spend"]["team"] = "Assessment 1"
    frame = agency_return.build(months, q, RULES, "999")
    assert agency_return.check(frame) == []
    rows = frame[frame["record_type"] == "assignment"]
    assert list(rows["assignment_id"]) == [f"A{i}" for i in range(1, 9)]
    assert rows.set_index("assignment_id").at["A8", "month"] == "2025-07"
    assert rows.set_index("assignment_id").at["A1", "price_cap"] == 42  # September's cap
    costs = frame[frame["record_type"] == "monthly_cost"]
    assert costs["agency_spend_gbp"].tolist() == [1000.0, 2000.0, 1000.0]
    comp = frame[frame["record_type"] == "compliance"].set_index("rule")
    assert comp.at["cooling_off", "breaches"] == 1
    assert set(frame["quarter"]) == {"2025-Q3"} and set(frame["la_code"]) == {"999"}


def test_a_return_is_never_built_from_part_of_a_quarter():
    with pytest.raises(ValueError, match="missing: 2025-09"):
        agency_return.build(
            {
                "2025-07": {"agency_assignments": _month()},
                "2025-08": {"agency_assignments": _month()},
            },
            agency_return.quarter("2025-Q3"),
            RULES,
            "999",
        )
    with pytest.raises(ValueError, match="YYYY-Qn"):
        agency_return.quarter("2025-Q5")


@pytest.mark.parametrize(
    ("caps", "message"),
    [
        (["2024-10-31 social_worker = 40"], "YYYY-MM-DD: role_type"),
        (["2024-10-31: social_work = 40"], "not a DfE role type"),
        (["2024-10-31: social_worker = -1"], "must be above 0"),
        (["2024-13-31: social_worker = 40"], "not a date"),
    ],
)
def test_bad_price_caps_name_the_key(caps, message):
    with pytest.raises(ConfigError, match=message) as err:
        agency_rules.settings({"price_caps": caps, "caps_source": "x"})
    assert "agency.price_caps" in str(err.value)


def test_caps_need_a_source():
    with pytest.raises(ConfigError, match="caps_source"):
        agency_rules.settings({"price_caps": ["2024-10-31: social_worker = 40"]})
