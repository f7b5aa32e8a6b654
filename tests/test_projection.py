"""The projection on hand-built histories where the answer can be worked out, and the demo."""

from __future__ import annotations

import time

import numpy as np
import pytest

from carelib import config, dates, loading, planning, projection, workforce
from carelib.errors import ConfigError
from tests.conftest import ROOT
from tests.planning_support import day, write_history

MONTHS = dates.month_range("2024-10", "2025-09")


def settings(**changes):
    values = config.validate({"planning": changes} if changes else {})["planning"]
    return values


@pytest.fixture(scope="module")
def steady(tmp_path_factory):
    """20 permanent social workers; each month one leaves and one starts. 5 agency, no flows.

    Establishment 25, so 5 vacant posts (covered by the 5 agency workers).
    """
    snaps = {m: [] for m in MONTHS}
    leavers = {m: [] for m in MONTHS}
    staff = [
        {"id": f"P{i:02d}", "employment": "permanent", "start": "2020-01-06"} for i in range(20)
    ]
    agency = [{"id": f"A{i:02d}", "employment": "agency", "start": "2024-01-08"} for i in range(5)]
    for k, m in enumerate(MONTHS):
        if k:
            gone = staff.pop(0)
            leavers[m].append(gone | {"leave": day(m, 14)})
            staff.append({"id": f"N{k:02d}", "employment": "permanent", "start": day(m, 7)})
        snaps[m] = [*staff, *agency]
    return write_history(tmp_path_factory.mktemp("steady"), MONTHS, snaps, leavers, 25)


@pytest.fixture(scope="module")
def falling_agency(tmp_path_factory):
    """30 permanent staff, no flows; 30 agency workers in October, one assignment ends a month."""
    snaps = {m: [] for m in MONTHS}
    leavers = {m: [] for m in MONTHS}
    staff = [
        {"id": f"P{i:02d}", "employment": "permanent", "start": "2019-03-04"} for i in range(30)
    ]
    agency = [{"id": f"A{i:02d}", "employment": "agency", "start": "2024-02-05"} for i in range(30)]
    for k, m in enumerate(MONTHS):
        if k:
            leavers[m].append(agency.pop(0) | {"leave": day(m, 14)})
        snaps[m] = [*staff, *agency]
    return write_history(tmp_path_factory.mktemp("falling"), MONTHS, snaps, leavers, 30)


def test_a_steady_state_projects_flat(steady):
    rates = projection.fit(steady, "2025-09", settings())
    assert rates.leave_rate == pytest.approx(1 / 20)
    assert rates.starters == pytest.approx(1.0)
    assert rates.drift_la == pytest.approx(0) and rates.drift_agency == pytest.approx(0)
    proj = projection.project(rates, horizon=18, simulations=2000, seed=7)
    central = proj.central
    assert np.allclose(central["social_worker_fte"], 20.0)
    assert np.allclose(central["agency_fte"], 5.0)
    assert np.allclose(central["agency_rate"], 20.0)
    assert np.allclose(central["vacancy_rate"], 5 / 25 * 100)
    assert np.allclose(central["turnover_rate_12m"], 12 / 20 * 100)
    # The band is a band: Poisson runs spread either side of the flat line.
    assert proj.low["social_worker_fte"].iloc[-1] < 20 < proj.high["social_worker_fte"].iloc[-1]
    same = projection.project(rates, horizon=18, simulations=2000, seed=7)
    assert same.low.equals(proj.low)  # seeded: the same band every run


def test_a_steady_fall_of_one_agency_fte_a_month_meets_the_target_when_computed(falling_agency):
    rates = projection.fit(falling_agency, "2025-09", settings())
    assert rates.a0 == 19 and rates.p0 == 30
    assert rates.agency_leavers == pytest.approx(1.0) and rates.agency_starters == 0
    proj = projection.project(rates, horizon=18)
    # A = 19 - t; A / (A + 30) <= 20% when A <= 7.5, i.e. t >= 11.5: the 12th month on.
    assert list(proj.central["agency_fte"].iloc[:3]) == [18, 17, 16]
    met = projection.when_met(proj, "agency_rate", 20.0)
    assert met["month"] == dates.add_months("2025-09", 12) == "2026-09"
    assert met["earliest"] <= "2026-09" <= met["latest"]
    # 25% (A <= 10) is met at t = 9: June 2026; 1% never within 18 months.
    assert projection.when_met(proj, "agency_rate", 25.0)["month"] == "2026-06"
    assert projection.when_met(proj, "agency_rate", 1.0)["month"] is None


def test_what_it_takes_meets_the_target_by_its_date(falling_agency):
    rates = projection.fit(falling_agency, "2025-09", settings())
    by = dates.reference_date("2026-03")  # 6 months: A = 13; needs P >= 52 at 20%
    take = planning.what_it_takes(rates, "agency_rate", 20.0, by, 18)
    assert take["by"] == "2026-03"
    # 13 / (13 + 30 + 6x) <= 0.2 when x >= (65 - 43) / 6 = 3.67 extra starters a month.
    assert take["extra_starters_per_month"] == pytest.approx(22 / 6, abs=1e-3)
    assert take["max_leavers_per_month"] is None  # there are no leavers to cut


def test_scenarios_change_the_flows(falling_agency):
    parsed = projection.settings(
        settings(scenarios=["Faster: agency_leavers x2", "Freeze: agency_leavers =0 from 2026-01"])
    )["scenarios"]
    rates = projection.fit(falling_agency, "2025-09", settings())
    fast = projection.project(projection.replace(rates, changes=parsed[0].changes), 18)
    assert fast.central["agency_fte"].iloc[0] == 17
    freeze = projection.project(projection.replace(rates, changes=parsed[1].changes), 18)
    assert list(freeze.central["agency_fte"].iloc[2:6]) == [16, 16, 16, 16]


@pytest.mark.parametrize(
    "key, value, words",
    [
        ("scenarios", ["Freeze la_starters x0"], "planning.scenarios (entry 1)"),
        ("scenarios", ["Freeze: hiring x0"], "levers: la_starters"),
        ("nqsw_intake", ["September"], "planning.nqsw_intake (entry 1)"),
        ("establishment_changes", ["2026-04 +3"], "planning.establishment_changes"),
    ],
)
def test_bad_planning_settings_name_the_key(key, value, words):
    with pytest.raises(ConfigError, match=words.replace("(", r"\(").replace(")", r"\)")):
        config.validate({"planning": {key: value}})


def test_the_config_file_names_three_scenarios():
    parsed = projection.settings(config.load(ROOT / "carelib.toml")["planning"])
    assert [s.name for s in parsed["scenarios"]] == [
        "Larger September cohort",
        "Retention payment",
        "Recruitment freeze",
    ]


@pytest.fixture(scope="module")
def demo_history(demo_data):
    return loading.load_history(demo_data, "2025-09")


def test_projection_is_fast_on_the_demo(demo_history):
    cfg = config.load(ROOT / "carelib.toml")
    rates = projection.fit(demo_history, "2025-09", cfg["planning"])
    start = time.perf_counter()
    proj = projection.project(rates, 18, 2000)
    assert time.perf_counter() - start < 1.0
    assert len(proj.months) == 18 and proj.months[0] == "2025-10"
    assert (proj.low["agency_rate"] <= proj.central["agency_rate"] + 1e-9).all()
    assert (proj.central["agency_rate"] <= proj.high["agency_rate"] + 1e-9).all()


def test_backtest_on_the_demo_data(demo_history):
    cfg = config.load(ROOT / "carelib.toml")
    bt = planning.backtest(demo_history, "2025-09", cfg["planning"])
    assert bt["origin"] == "2024-09" and bt["months"] == 12
    assert set(bt["mae"]) == set(projection.INDICATORS)
    # The demo's agency rate falls from about 30% to 21% over those 12 months: the
    # projection must beat "no change" (September 2024's rate held flat) by a distance.
    then = workforce.council_kpis(demo_history, "2024-09")["agency_rate"]["value"]
    agency = bt["table"][bt["table"]["indicator"] == "agency_rate"]
    no_change = (agency["actual"] - then).abs().mean()
    assert no_change > 3
    assert bt["mae"]["agency_rate"] < no_change / 2
    assert bt["mae"]["agency_rate"] < 2


def test_backtest_needs_the_earlier_month(steady):
    with pytest.raises(planning.BacktestUnavailable, match="2024-03"):
        planning.backtest(steady, "2025-03", settings())
