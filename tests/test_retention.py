"""Time in post: Kaplan-Meier curves where the answer is known, and spells from the data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from carelib import dates, loading, retention
from tests.planning_support import day, write_history


def constant_hazard_spells(h=0.04, n=20000, seed=1):
    """Spells with a constant monthly hazard ``h``, half of them entering late, censored."""
    rng = np.random.default_rng(seed)
    entry = np.where(rng.random(n) < 0.5, 0.0, rng.uniform(0, 36, n))
    life = entry + rng.exponential(1 / h, n)  # memoryless: late entry changes nothing
    follow = entry + rng.uniform(6, 30, n)  # then censored at the end of the data
    return pd.DataFrame(
        {
            "route": "other_la",
            "cohort": "2024-25",
            "entry": entry,
            "duration": np.minimum(life, follow),
            "left": life <= follow,
        }
    )


def test_a_constant_hazard_gives_the_exponential_survival_curve():
    h = 0.04
    sp = constant_hazard_spells(h)
    curve = retention.curves(sp, by=None, horizon=36)
    for months in (6, 12, 24, 36):
        row = curve[curve["months"] == months].iloc[0]
        expected = math.exp(-h * months)
        assert row["in_post"] == pytest.approx(expected, abs=0.015)
        assert row["low"] <= expected <= row["high"] or abs(row["in_post"] - expected) < 0.01
    summary = retention.summary(sp, by=None).iloc[0]
    assert summary["median_months"] == pytest.approx(math.log(2) / h, abs=1.0)
    assert summary["in_post_12m"] == pytest.approx(100 * math.exp(-12 * h), abs=1.5)
    assert summary["in_post_24m_low"] < summary["in_post_24m"] < summary["in_post_24m_high"]


def test_leaving_rates_by_months_in_post_are_the_hazard_per_year():
    h = 0.04
    rates = retention.leaving_rates(constant_hazard_spells(h))
    for _, band in rates[rates["person_years"] > 500].iterrows():
        assert band["rate"] == pytest.approx(1200 * h, rel=0.12)
        assert band["low"] < band["rate"] < band["high"]


def test_late_entry_keeps_long_serving_staff_from_flattering_the_curve():
    """Leaving is high in the first year (6% a month), then low (1%).

    Half the spells start during the data; half are long-serving staff first seen at 12
    to 60 months in post. Counted from when they were first seen, the curve is the true
    one, S(24) = exp(-0.72 - 0.12); counted as if they had just started, the early
    months would look far safer than they are.
    """
    rng = np.random.default_rng(3)
    n = 20000
    new = rng.random(n) < 0.5
    entry = np.where(new, 0.0, rng.uniform(12, 60, n))
    first_year = rng.exponential(1 / 0.06, n)
    life = np.where(
        new & (first_year < 12), first_year, np.maximum(entry, 12) + rng.exponential(100, n)
    )
    follow = entry + rng.uniform(6, 30, n)
    sp = pd.DataFrame(
        {
            "route": "other_la",
            "cohort": "2024-25",
            "entry": entry,
            "duration": np.minimum(life, follow),
            "left": life <= follow,
        }
    )
    right = retention.summary(sp, by=None).iloc[0]
    assert right["in_post_12m"] == pytest.approx(100 * math.exp(-0.72), abs=2)
    assert right["in_post_24m"] == pytest.approx(100 * math.exp(-0.84), abs=2)
    naive = retention.summary(sp.assign(duration=sp["duration"] - sp["entry"], entry=0.0), None)
    assert naive.iloc[0]["in_post_12m"] > right["in_post_12m"] + 15


@pytest.fixture(scope="module")
def small_history(tmp_path_factory):
    months = dates.month_range("2025-01", "2025-06")
    snaps = {m: [] for m in months}
    leavers = {m: [] for m in months}
    for m in months:
        snaps[m].append({"id": "W1", "employment": "permanent", "start": "2020-01-01"})
        if m <= "2025-02":
            snaps[m].append({"id": "W2", "employment": "agency", "start": "2024-06-03"})
        else:  # W2 converts to a permanent post in March
            snaps[m].append(
                {
                    "id": "W2",
                    "employment": "permanent",
                    "start": "2025-03-03",
                    "origin": "not_known",
                }
            )
        if m >= "2025-02":
            snaps[m].append(
                {
                    "id": "W3",
                    "employment": "permanent",
                    "start": "2025-02-03",
                    "origin": "newly_qualified",
                }
            )
        if m <= "2025-03":
            snaps[m].append({"id": "W4", "employment": "permanent", "start": "2024-01-01"})
    leavers["2025-04"].append(
        {"id": "W4", "employment": "permanent", "start": "2024-01-01", "leave": day("2025-04", 15)}
    )
    return write_history(tmp_path_factory.mktemp("ret"), months, snaps, leavers, 5)


def test_spells_from_snapshots_and_leavers(small_history):
    sp = retention.spells(small_history, "2025-06").set_index("worker_id")
    assert set(sp.index) == {"W1", "W2", "W3", "W4"}
    assert sp.loc["W2", "route"] == "agency" and sp.loc["W2", "converted"]  # seen as agency
    assert sp.loc["W3", "route"] == "newly_qualified" and sp.loc["W3", "cohort"] == "2024-25"
    assert sp.loc["W4", "left"] and not sp.loc["W1", "left"]
    # W4: 1 Jan 2024 to 15 Apr 2025; observed from 1 Jan 2025 (12 months in post then).
    assert sp.loc["W4", "duration"] == pytest.approx(470 / retention.MONTH_DAYS)
    assert sp.loc["W4", "entry"] == pytest.approx(366 / retention.MONTH_DAYS)
    # W1 is censored at 30 June 2025; W3 entered during the data.
    assert sp.loc["W1", "duration"] == pytest.approx(2007 / retention.MONTH_DAYS)
    assert sp.loc["W3", "entry"] == 0


def test_publication_mode_hides_small_cohorts(small_history):
    sp = retention.spells(small_history, "2025-06")
    table = retention.suppress(retention.summary(sp, "route"), 5)
    shown = table.set_index("group")
    assert shown.loc["newly_qualified", "workers"] == "c"
    assert shown.loc["newly_qualified", "in_post_12m"] == "c"  # estimates of 1 person hidden
    assert (table["workers"].isin(["c", 0])).all()
    rates = retention.suppress(retention.leaving_rates(sp), 5)
    assert "c" in rates["leavers"].tolist()
    curve = retention.suppress(retention.curves(sp), 5)
    assert (curve["at_risk"] == "c").any()


def test_demo_data_curves_have_every_route(demo_data):
    history = loading.load_history(demo_data, "2025-09")
    sp = retention.spells(history, "2025-09")
    summary = retention.summary(sp, "route").set_index("group")
    assert list(summary.index) == list(retention.ROUTES)
    assert (summary["workers"] > 0).all()
    nq = summary.loc["newly_qualified"]
    assert nq["in_post_12m_low"] < nq["in_post_12m"] < nq["in_post_12m_high"]
    assert len(retention.summary(sp, "cohort")) >= 2
