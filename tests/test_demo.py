"""Tests for carelib.demo: the fictional council's 24 months of data.

The demo data (seed 2025) are written once per session by the ``demo_data`` fixture in
conftest.py and read back through the real loader, so every property is checked on the
typed frames the reports will use.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from carelib import dates, demo, schema
from carelib.loading import load_history, load_month

FIRST, LAST = demo.DEMO_MONTHS[0], demo.DEMO_MONTHS[-1]


@pytest.fixture(scope="module")
def demo_dir(demo_data):
    return demo_data


@pytest.fixture(scope="module")
def history(demo_dir):
    return load_history(demo_dir, LAST)


def social_workers(workforce: pd.DataFrame) -> pd.DataFrame:
    """LA-employed qualified social workers (DATA_SPEC definition)."""
    return workforce[
        workforce.employment.isin(schema.LA_EMPLOYMENTS)
        & workforce.role.isin(schema.QUALIFIED_ROLES)
    ]


def agency_qualified(workforce: pd.DataFrame) -> pd.DataFrame:
    return workforce[
        (workforce.employment == "agency") & workforce.role.isin(schema.QUALIFIED_ROLES)
    ]


def agency_share(workforce: pd.DataFrame) -> float:
    agency = agency_qualified(workforce).fte.sum()
    return agency / (agency + social_workers(workforce).fte.sum()) * 100


def by_month(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {m: part for m, part in frame.groupby("month")}


# --- layout and format -------------------------------------------------------------


def test_demo_months_are_the_24_months_to_september_2025():
    assert demo.DEMO_MONTHS == tuple(dates.month_range("2023-10", "2025-09"))
    assert len(demo.DEMO_MONTHS) == 24


def test_writes_exactly_six_csv_files_per_month(demo_dir):
    assert sorted(p.name for p in demo_dir.iterdir()) == list(demo.DEMO_MONTHS)
    for month in demo.DEMO_MONTHS:
        files = sorted(p.name for p in (demo_dir / month).iterdir())
        assert files == sorted(f"{name}.csv" for name in schema.DATASETS)


def test_every_month_loads_without_problems_and_headers_follow_the_spec(demo_dir):
    for month in demo.DEMO_MONTHS:
        data = load_month(demo_dir, month)
        assert data.problems == [], month
        for name, table in data.tables.items():
            assert list(table.raw.columns) == schema.column_names(name), (month, name)


def test_files_are_utf8_with_iso_dates_and_true_false_booleans(demo_dir):
    iso = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    for month in (FIRST, "2024-10", LAST):
        data = load_month(demo_dir, month)
        for name, table in data.tables.items():
            table.path.read_bytes().decode("utf-8")  # strict: raises if not UTF-8
            assert not table.path.read_bytes().startswith(b"\xef\xbb\xbf")
            for col in schema.columns(name):
                cells = table.raw[col.name]
                filled = cells[cells != ""]
                if col.kind == "date":
                    assert filled.str.match(iso).all(), (month, name, col.name)
                if col.kind == "boolean":
                    assert filled.isin(["true", "false"]).all(), (month, name, col.name)
                if col.required:
                    assert (cells != "").all(), (month, name, col.name)


# --- workforce -----------------------------------------------------------------------


def test_social_worker_fte_and_team_count_are_realistic(history):
    for month, wf in by_month(history.workforce).items():
        fte = social_workers(wf).fte.sum()
        assert 150 <= fte <= 180, (month, fte)
        assert 8 <= wf.team.nunique() <= 12, month
    assert "Fostering & Adoption" in set(history.workforce.team)


def test_agency_share_falls_unevenly_from_about_40_to_the_low_20s(history):
    shares = [agency_share(wf) for _, wf in sorted(by_month(history.workforce).items())]
    assert 36 <= shares[0] <= 44
    assert 18 <= shares[-1] <= 26
    rises = [b > a for a, b in zip(shares, shares[1:], strict=False)]
    assert any(rises), "the agency share should tick up in some months"


def test_worker_ids_are_unique_pseudonyms(history):
    wf = history.workforce
    assert not wf.duplicated(["month", "worker_id"]).any()
    assert wf.worker_id.str.fullmatch(r"W\d{5}").all()
    assert history.leavers.worker_id.str.fullmatch(r"W\d{5}").all()
    assert not history.leavers.duplicated(["month", "worker_id"]).any()


def test_leavers_left_during_the_month_and_are_not_in_post_afterwards(history):
    months = history.months
    in_post = {m: set(wf.worker_id) for m, wf in by_month(history.workforce).items()}
    leavers = by_month(history.leavers)
    assert all(len(leavers.get(m, [])) > 0 for m in months)
    for i, month in enumerate(months):
        lv = leavers[month]
        start = pd.Timestamp(dates.month_start(month))
        ref = pd.Timestamp(dates.reference_date(month))
        assert lv.leave_date.between(start, ref).all(), month
        assert (lv.leave_date >= lv.start_date).all(), month
        for later in months[i:]:
            assert not set(lv.worker_id) & in_post[later], (month, later)
        if i > 0:
            assert set(lv.worker_id) <= in_post[months[i - 1]], month


def test_starters_start_inside_their_month(history):
    months = history.months
    wf = by_month(history.workforce)
    n_new = 0
    for prev, month in zip(months, months[1:], strict=False):
        now = wf[month]
        new = now[~now.worker_id.isin(wf[prev].worker_id)]
        n_new += len(new)
        start = pd.Timestamp(dates.month_start(month))
        ref = pd.Timestamp(dates.reference_date(month))
        assert new.start_date.between(start, ref).all(), month
    assert n_new > 3 * (len(months) - 1)
    all_wf = history.workforce
    refs = all_wf.month.map(lambda m: pd.Timestamp(dates.reference_date(m)))
    assert (all_wf.start_date <= refs).all()


def test_newly_qualified_cohorts_and_asye(history):
    wf = history.workforce
    nq = wf[wf.start_origin == "newly_qualified"]
    refs = nq.month.map(lambda m: pd.Timestamp(dates.reference_date(m)))
    first_year = (refs - nq.start_date).dt.days < 365
    assert (nq.asye == first_year).all()
    assert not wf[wf.start_origin != "newly_qualified"].asye.any()
    starts = nq.drop_duplicates("worker_id").start_date
    by_start_month = starts.dt.month.value_counts()
    assert by_start_month.get(9, 0) > by_start_month.drop([9, 10], errors="ignore").max()
    nq_leavers = history.leavers[history.leavers.start_origin == "newly_qualified"]
    assert len(nq_leavers) > 0


def test_roles_employment_and_part_time_mix(history):
    last = history.workforce[history.workforce.month == LAST]
    roles = last.role.value_counts()
    for role in schema.ROLES:
        assert roles.get(role, 0) > 0, role
    assert 3 <= roles["alternatively_qualified"] <= 10
    assert set(last.employment) == set(schema.EMPLOYMENTS)
    assert (last.fte < 1).sum() >= 10
    assert last.fte.between(0, 1, inclusive="right").all()


def test_sickness_never_exceeds_fte_times_working_days(history):
    wf = history.workforce
    days = wf.month.map(dates.month_working_days)
    assert (wf.sickness_days >= 0).all()
    assert (wf.sickness_days <= wf.fte * days + 1e-9).all()
    assert (wf.sickness_days == 0).mean() > 0.7
    assert (wf.sickness_days >= wf.fte * days - 1e-9).sum() > 0  # long-term absences


def test_caseloads_and_vacancy_cover_follow_the_roles(history):
    wf = history.workforce
    no_cases = wf.role.isin(_MANAGERS + ("qualified_without_cases",))
    assert wf[no_cases].cases.isna().all()
    holders = wf[(wf.role == "case_holder") & wf.cases.notna()].cases
    assert holders.between(12, 22).mean() > 0.75
    assert (holders >= 27).sum() > 0
    assert wf[wf.employment != "agency"].covering_vacancy.isna().all()
    agency = wf[wf.employment == "agency"].covering_vacancy
    assert agency.notna().mean() > 0.9
    assert agency.fillna(False).any() and (~agency.fillna(True)).any()


_MANAGERS = ("senior_manager", "middle_manager", "first_line_manager")


def test_leaver_reasons_and_destinations_are_a_realistic_mix(history):
    lv = social_workers(history.leavers)
    assert lv.reason.value_counts().index[0] == "resignation"
    assert lv.reason.value_counts(normalize=True)["resignation"] > 0.4
    agency_ended = history.leavers[history.leavers.employment == "agency"].reason
    assert agency_ended.value_counts(normalize=True)["end_of_contract"] > 0.3
    destinations = lv.destination.value_counts(normalize=True)
    assert destinations["other_la"] > 0.1 and destinations["agency"] > 0.1
    assert lv.destination.isna().any()  # sometimes not recorded


# --- establishment and spend --------------------------------------------------------


def test_establishment_gives_realistic_vacancy_rates(history):
    over = 0
    rates = {}
    est = by_month(history.establishment)
    for month, wf in by_month(history.workforce).items():
        sw = social_workers(wf).groupby("team").fte.sum()
        funded = est[month].set_index("team").funded_fte
        assert set(wf.team) <= set(funded.index), month
        gap = funded - sw.reindex(funded.index).fillna(0)
        over += int((gap < 0).sum())
        vacant = gap.clip(lower=0).sum()
        rates[month] = vacant / (vacant + sw.sum()) * 100
    assert over > 0, "some team should be over establishment in some month"
    assert 18 <= rates[FIRST] <= 28
    assert all(10 <= r <= 30 for r in rates.values()), rates


def test_agency_spend_is_about_a_quarter_to_a_third_of_a_million(history):
    spend = history.agency_spend.groupby("month")[["spend_gbp", "budget_gbp"]].sum()
    assert spend.spend_gbp.between(250_000, 350_000).all()
    assert spend.loc[FIRST, "budget_gbp"] < spend.loc[FIRST, "spend_gbp"]
    gap_first = spend.loc[FIRST, "spend_gbp"] - spend.loc[FIRST, "budget_gbp"]
    gap_last = abs(spend.loc[LAST, "spend_gbp"] - spend.loc[LAST, "budget_gbp"])
    assert gap_last < gap_first
    assert (history.agency_spend.spend_gbp >= 0).all()
    last = history.agency_spend[history.agency_spend.month == LAST]
    agency_fte = agency_qualified(history.workforce[history.workforce.month == LAST])
    biggest = agency_fte.groupby("team").fte.sum().idxmax()
    assert last.set_index("team").spend_gbp.idxmax() == biggest or (
        last.set_index("team").spend_gbp[biggest] > last.spend_gbp.median()
    )


# --- action plan ----------------------------------------------------------------------


def test_plan_size_in_the_last_month(history):
    last = history.actions[history.actions.month == LAST]
    assert 30 <= len(last) <= 50
    assert 8 <= last.recommendation_id.nunique() <= 12
    assert last.action_id.str.fullmatch(r"A\d{2}").all()
    assert last.recommendation_id.str.fullmatch(r"R\d{1,2}").all()


def test_plan_rules_hold_every_month(history):
    acts = history.actions
    assert not acts.duplicated(["month", "action_id"]).any()
    assert (acts.groupby("recommendation_id").recommendation.nunique() == 1).all()
    assert (acts.groupby("action_id").recommendation_id.nunique() == 1).all()
    assert (acts.due_date >= acts.start_date).all()
    complete = acts.status == "complete"
    assert acts[complete].completed_date.notna().all()
    assert acts[~complete].completed_date.isna().all()
    refs = acts.month.map(lambda m: pd.Timestamp(dates.reference_date(m)))
    assert (acts[complete].completed_date <= refs[complete]).all()
    # A completed date never changes once set.
    assert (acts[complete].groupby("action_id").completed_date.nunique() == 1).all()


def test_plan_has_complete_overdue_blocked_and_slipped_actions_at_the_end(history):
    acts = history.actions
    last = acts[acts.month == LAST].set_index("action_id")
    ref = pd.Timestamp(dates.reference_date(LAST))
    overdue = last[(last.status != "complete") & (last.due_date < ref)]
    assert (last.status == "complete").sum() >= 10
    assert len(overdue) >= 2
    assert (last.status == "blocked").sum() >= 1
    assert (last.status == "not_started").sum() >= 1
    first_due = acts.sort_values("month").groupby("action_id").due_date.first()
    slipped = last.due_date > first_due.reindex(last.index)
    assert slipped.sum() >= 2
    changes = acts.sort_values("month").groupby("action_id").due_date.nunique()
    assert (changes >= 3).any(), "some action should slip twice"
    optimistic = overdue[overdue.officer_rag.isin(["green", "amber"])]
    assert len(optimistic) >= 1


def test_actions_are_added_and_removed_over_time(history):
    acts = history.actions
    first_seen = acts.groupby("action_id").month.min()
    last_seen = acts.groupby("action_id").month.max()
    assert (first_seen > FIRST).sum() >= 2
    assert (last_seen < LAST).sum() >= 1
    statuses = by_month(acts)
    assert (statuses[FIRST].status == "not_started").any()


def test_updates_change_some_months_and_include_characters_to_escape(history):
    acts = history.actions.sort_values(["action_id", "month"])
    # "update" is also a DataFrame method: always index the column by name.
    text = " ".join(acts["update"].dropna())
    for char in ("&", "<", '"', "£"):
        assert char in text, char
    same_as_before = acts["update"].eq(acts.groupby("action_id")["update"].shift())
    assert same_as_before.any() and (~same_as_before).any()
    # No person's name as owner: every owner is a job title.
    assert acts.owner.str.contains(r"Head of|Manager|Director|Principal|Partner").all()


# --- measures ------------------------------------------------------------------------


def test_measures_are_stable_and_linked_to_the_plan(history):
    meas = by_month(history.measures)
    acts = by_month(history.actions)
    seen: set[str] = set()
    for month in history.months:
        m = meas[month]
        assert 10 <= len(m) <= 15, month
        assert set(m.recommendation_id) <= set(acts[month].recommendation_id), month
        assert seen <= set(m.measure_id), month
        seen |= set(m.measure_id)
        assert m.measure_id.str.fullmatch(r"M\d{2}").all()
        kpi = m.kpi.notna()
        assert m[kpi].value.isna().all() and set(m.kpi.dropna()) <= set(schema.KPIS)
        assert m[~kpi].value.notna().all(), month  # the contracts require a value
    last = meas[LAST]
    assert "agency_rate" in set(last.kpi)
    assert len(meas[FIRST]) < len(last), "some measures join the plan later"
    assert set(last.polarity) == set(schema.POLARITIES)


def test_agency_rate_measure_baseline_matches_the_first_month(history):
    m = history.measures
    baseline = m[(m.month == FIRST) & (m.kpi == "agency_rate")].baseline.iloc[0]
    first = history.workforce[history.workforce.month == FIRST]
    assert baseline == pytest.approx(agency_share(first), abs=0.06)


def test_one_measure_gets_worse(history):
    m = history.measures[history.measures.kpi.isna()]
    last = m[m.month == LAST].set_index("measure_id")
    sign = last.polarity.map({"higher_is_better": 1, "lower_is_better": -1})
    change = (last.value - last.baseline) * sign
    assert (change < 0).sum() >= 1
    assert (change > 0).sum() >= 5


# --- determinism and safety ---------------------------------------------------------


def _files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*.csv"))}


def test_same_seed_gives_byte_identical_files_and_another_seed_differs(demo_dir, tmp_path):
    again = tmp_path / "again"
    written = demo.write_demo_data(again, seed=2025)
    assert written == [again / m for m in demo.DEMO_MONTHS]
    assert _files(again) == _files(demo_dir)
    other = tmp_path / "other"
    demo.write_demo_data(str(other), seed=7)
    other_files = _files(other)
    assert other_files.keys() == _files(demo_dir).keys()
    assert other_files != _files(demo_dir)


def test_existing_different_data_is_never_replaced_without_overwrite(tmp_path):
    out = tmp_path / "data"
    (out / "2025-09").mkdir(parents=True)
    real = out / "2025-09" / "workforce.csv"
    real.write_text("worker_id,team\nX1,Real team\n", encoding="utf-8")
    keep = out / "README.txt"
    keep.write_text("not ours", encoding="utf-8")
    with pytest.raises(FileExistsError):
        demo.write_demo_data(out, seed=2025)
    assert real.read_text(encoding="utf-8").startswith("worker_id,team\nX1")
    assert sorted(p.name for p in out.iterdir()) == ["2025-09", "README.txt"]
    assert [p.name for p in (out / "2025-09").iterdir()] == ["workforce.csv"]
    demo.write_demo_data(out, seed=2025, overwrite=True)
    assert "Real team" not in real.read_text(encoding="utf-8")
    assert keep.read_text(encoding="utf-8") == "not ours"
    demo.write_demo_data(out, seed=2025)  # rewriting identical files is allowed


def test_never_writes_through_a_link_outside_the_output_folder(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    out = tmp_path / "data"
    out.mkdir()
    try:
        (out / "2024-01").symlink_to(outside, target_is_directory=True)
    except OSError:
        pytest.skip("symbolic links are not available here")
    with pytest.raises(ValueError, match="outside"):
        demo.write_demo_data(out, seed=2025)
    assert list(outside.iterdir()) == []
    assert [p.name for p in out.iterdir()] == ["2024-01"]


def test_demo_names_are_importable_from_demo_after_the_split():
    from carelib import demo_people

    assert demo.DEMO_MONTHS is demo_people.DEMO_MONTHS
    assert demo.DEMO_TEAMS is demo_people.DEMO_TEAMS
    assert demo.DEMO_COUNCIL == "Northmoor Borough Council"
    assert callable(demo.build_demo_data) and callable(demo.write_demo_data)
    assert demo.DEMO_MONTHS == tuple(dates.month_range("2023-10", "2025-09"))
