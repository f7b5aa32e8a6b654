"""The optional agency_assignments dataset: loading, its contract, its cross-file rules.

Each test works on a private copy of the demo's last two months (``month_dir``), which
since issue 16 hold the demo's agency assignments.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from carelib import demo_agency, loading, schema

MONTH = "2025-09"


def _edit(folder: Path, changes: dict[int, dict[str, str]]) -> Path:
    """Change cells of rows (0-based data rows) of the month's agency_assignments.csv."""
    path = folder / MONTH / "agency_assignments.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for i, cells in changes.items():
        rows[i].update(cells)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _failed(report, dataset="agency_assignments"):
    return {c.rule: c for c in report.checks if c.dataset == dataset and c.status == "failed"}


def test_the_demo_month_has_valid_assignments_for_its_qualified_agency_workers(
    month_dir, validator
):
    data = loading.load_month(month_dir, MONTH)
    table = data.tables["agency_assignments"]
    assert table.path is not None and table.problems == []
    frame = data.agency_assignments
    assert list(frame.columns) == schema.column_names("agency_assignments")
    agency = data.workforce[
        (data.workforce["employment"] == "agency")
        & data.workforce["role"].isin(list(demo_agency.ROLE_TYPE))
    ]
    assert sorted(frame["worker_id"]) == sorted(agency["worker_id"])
    assert frame["hourly_charge_rate"].dtype == "float64"
    assert str(frame["project_team"].dtype) == "boolean"
    report = validator.validate(data, loading.load_month(month_dir, "2025-08"))
    assert not report.has_errors
    assert _failed(report) == {}


def test_without_the_file_the_month_is_valid_and_has_no_assignments(month_dir, validator):
    (month_dir / MONTH / "agency_assignments.csv").unlink()
    data = loading.load_month(month_dir, MONTH)
    assert data.tables["agency_assignments"].problems == []
    assert data.agency_assignments.empty
    assert not validator.validate(data, compare_previous=False).has_errors
    history = loading.load_history(month_dir, MONTH)
    assert len(history.agency_assignments) == len(
        loading.load_month(month_dir, "2025-08").agency_assignments
    )


@pytest.mark.parametrize(
    ("cells", "rule", "shown"),
    [
        ({"role_type": "locum"}, "agency_assignments.role_type.allowed", "locum"),
        ({"hourly_pay_rate": "-3"}, "agency_assignments.hourly_pay_rate.range", "-3"),
        (
            {"end_date": "2025-09-02", "start_date": "2025-09-20"},
            "agency_assignments.end_date.not_before_start",
            "end_date 2025-09-02 / start_date 2025-09-20",
        ),
        ({"worker_id": "W99999"}, "agency_assignments.worker_id.in_workforce", "W99999"),
        ({"team": "Atlantis"}, "agency_assignments.team.in_establishment", "Atlantis"),
    ],
)
def test_a_bad_assignment_is_an_error_naming_the_column_and_the_row(
    month_dir, validator, cells, rule, shown
):
    _edit(month_dir, {2: cells})
    report = validator.validate(loading.load_month(month_dir, MONTH), compare_previous=False)
    assert report.has_errors
    failed = _failed(report)
    assert rule in failed, sorted(failed)
    check = failed[rule]
    assert check.severity == "error" and check.file == "agency_assignments.csv"
    assert check.rows == [4]  # header row 1, data row index 2
    assert check.values == [shown]


def test_validate_refuses_the_month_with_every_bad_assignment_named(month_dir, tmp_path):
    _edit(
        month_dir,
        {
            0: {"role_type": "locum"},
            1: {"hourly_pay_rate": "-3"},
            2: {"end_date": "2025-09-02", "start_date": "2025-09-20"},
            3: {"worker_id": "W99999"},
        },
    )
    result = subprocess.run(
        [sys.executable, "-m", "carelib", "validate", "--data", str(month_dir), "--month", MONTH],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "September 2025 (2025-09" in out and "NOT VALID" in out
    for line in (
        "agency_assignments.csv: column role_type: 1 row has a role_type that is not one of "
        "the allowed values (row 2): locum",
        "agency_assignments.csv: column hourly_pay_rate: 1 row has a value outside "
        "0 <= hourly_pay_rate <= 500 (row 3): -3",
        "agency_assignments.csv: column end_date: 1 row has an end_date before the "
        "start_date (row 4)",
        "agency_assignments.csv: column worker_id: 1 row has a worker_id that is in neither "
        "this month's workforce.csv nor leavers.csv (row 5): W99999",
    ):
        assert line in out, out


# --- The quarterly return (`carelib agency-return`) ----------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def test_agency_return_writes_the_demo_quarter_checked_and_complete(demo_data, tmp_path):
    import pandas as pd

    out = tmp_path / "returns" / "q3.csv"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "carelib",
            "agency-return",
            "--quarter",
            "2025-Q3",
            "--config",
            str(ROOT / "carelib.toml"),
            "--data",
            str(demo_data),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(out)
    assert "agency return 2025-Q3" in result.stdout
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    from carelib import agency_return

    assert tuple(frame.columns) == agency_return.COLUMNS
    assert set(frame["quarter"]) == {"2025-Q3"} and set(frame["la_code"]) == {"999"}
    rows = frame[frame["record_type"] == "assignment"]
    # Every assignment active in any month of the quarter, once.
    ids = set()
    spend = {}
    for month in ("2025-07", "2025-08", "2025-09"):
        ids |= set(pd.read_csv(demo_data / month / "agency_assignments.csv")["assignment_id"])
        spend[month] = pd.read_csv(demo_data / month / "agency_spend.csv")["spend_gbp"].sum()
    assert sorted(rows["assignment_id"]) == sorted(ids) and rows["assignment_id"].is_unique
    compliance = frame[frame["record_type"] == "compliance"].set_index("rule")
    # The demo quarter's breaches (carelib.demo_agency): one approved urgent hire above the
    # cap, two workers short of three years, three back within the cooling-off period, a
    # project team without its name. Legacy assignments are not in scope before October.
    assert compliance["breaches"].astype(int).to_dict() == {
        "price_cap": 1,
        "experience": 2,
        "cooling_off": 3,
        "project_team": 1,
    }
    assert compliance.loc["price_cap", "approved"] == "1"
    for rule, rec in compliance.iterrows():
        statuses = rows[f"{rule}_status"]
        assert int(rec["breaches"]) == (statuses == "breach").sum()
        assert int(rec["compliant"]) == (statuses == "compliant").sum()
        assert int(rec["assessed"]) == int(rec["compliant"]) + int(rec["breaches"])
    costs = frame[frame["record_type"] == "monthly_cost"].set_index("month")
    assert costs["agency_spend_gbp"].astype(float).to_dict() == pytest.approx(spend)
    assert (rows["swe_registration"] == "").all()
    assert (
        "Within the regional price cap" in result.stdout and "1 breach (0 without" in result.stdout
    )


def test_agency_return_never_writes_in_the_data_folder_or_from_part_of_a_quarter(month_dir):
    from carelib import api
    from carelib.errors import MonthNotAvailable, UsageError

    inside = month_dir / "2025-09" / "return.csv"
    with pytest.raises(UsageError, match="inside the data folder"):
        api.agency_return("2025-Q3", data=month_dir, config=ROOT / "carelib.toml", out=inside)
    assert not inside.exists()
    # Through a folder outside that links into the data folder, and through "..".
    link = month_dir.parent / "looks-outside"
    link.symlink_to(month_dir / "2025-09", target_is_directory=True)
    for sneaky in (link / "return.csv", month_dir.parent / "x" / ".." / month_dir.name / "r.csv"):
        with pytest.raises(UsageError, match="inside the data folder"):
            api.agency_return("2025-Q3", data=month_dir, config=ROOT / "carelib.toml", out=sneaky)
    assert not (month_dir / "2025-09" / "return.csv").exists()
    with pytest.raises(UsageError, match="YYYY-Qn"):
        api.agency_return("2025-13", data=month_dir, config=ROOT / "carelib.toml")
    # month_dir holds August and September only: July's folder is missing.
    with pytest.raises(MonthNotAvailable, match="2025-07"):
        api.agency_return(
            "2025-Q3", data=month_dir, config=ROOT / "carelib.toml", out=month_dir.parent / "r.csv"
        )
    (month_dir / "2025-07").mkdir()
    with pytest.raises(MonthNotAvailable, match="agency_assignments.csv .* 2025-07 has none"):
        api.agency_return(
            "2025-Q3", data=month_dir, config=ROOT / "carelib.toml", out=month_dir.parent / "r.csv"
        )
    assert not (month_dir.parent / "r.csv").exists()


# --- The rate figures (`carelib kpis`) and publication mode -------------------------------


@pytest.fixture(scope="module")
def demo_history(demo_data):
    return loading.load_history(demo_data, MONTH)


def _agency(demo_history, demo_data, publication=False, month=MONTH):
    from carelib import agency_data, config, notebook, workforce_data

    cfg = config.load(ROOT / "carelib.toml")
    history = workforce_data.recent(demo_history, month, 30)
    ctx = notebook.ReportContext(month, cfg, history, demo_data, publication=publication)
    return agency_data.build(ctx)


def test_rate_figures_are_the_months_assignments_spend_and_agency_fte(demo_history, demo_data):
    import pandas as pd

    from carelib import agency_data

    data = _agency(demo_history, demo_data)
    assert data.supplied and data.quarter == "2025-Q3"
    raw = pd.read_csv(demo_data / MONTH / "agency_assignments.csv")
    wf = pd.read_csv(demo_data / MONTH / "workforce.csv")
    agency_fte = wf[(wf["employment"] == "agency") & (wf["role"] != "alternatively_qualified")][
        "fte"
    ].sum()
    spend = pd.read_csv(demo_data / MONTH / "agency_spend.csv")["spend_gbp"].sum()
    kpis = agency_data.kpis(data)
    assert kpis["average_hourly_charge_rate"]["value"] == pytest.approx(
        raw["hourly_charge_rate"].mean()
    )
    assert kpis["average_hourly_charge_rate"]["denominator"] == len(raw)
    assert kpis["cost_per_agency_fte"]["value"] == pytest.approx(spend / agency_fte)
    assert kpis["compliance_cooling_off"]["numerator"] == 6
    assert kpis["compliance_cooling_off"]["denominator"] == 9
    assert kpis["compliance_cooling_off"]["value"] == pytest.approx(600 / 9)
    by_role = data.by_role.set_index("role_type")
    assert by_role["assignments"].sum() == len(raw)
    # No worker identifier anywhere in the published tables.
    for frame in (data.costs, data.by_role, data.compliance, data.breaches):
        text = frame.astype(str).to_csv()
        assert not any(w in text for w in raw["worker_id"]) and "AS-" not in text


def test_publication_mode_suppresses_small_counts_and_lists_no_breach(demo_history, demo_data):
    from carelib import agency_data

    data = _agency(demo_history, demo_data, publication=True)
    kpis = agency_data.kpis(data)
    # 1 to 3 breaches of each rule among 9 assessed: the counts, their complements and
    # the rates are suppressed; the 48 assignments' average rate is not.
    for rule in ("price_cap", "experience", "cooling_off", "project_team"):
        assert kpis[f"compliance_{rule}"]["symbol"] == "c"
        assert kpis[f"compliance_{rule}"]["value"] is None
    q = data.quarter_compliance.set_index("rule")
    assert set(q["breaches"]) == {"c"} and set(q["compliant"]) == {"c"}
    assert kpis["average_hourly_charge_rate"]["symbol"] == ""
    roles = data.by_role.set_index("role_type")
    assert roles.loc["team_manager", "mean_charge_rate"] == "c"  # 1 team manager
    assert roles.loc["advanced_practitioner", "assignments"] == "c"  # 4
    assert roles.loc["social_worker", "assignments"] == 31
    assert data.breaches.empty


def test_without_assignments_the_rate_figures_are_left_out(month_dir):
    from carelib import agency_data, config, notebook

    for month in ("2025-08", "2025-09"):
        (month_dir / month / "agency_assignments.csv").unlink()
    cfg = config.load(ROOT / "carelib.toml")
    history = loading.load_history(month_dir, MONTH)
    data = agency_data.build(notebook.ReportContext(MONTH, cfg, history, month_dir))
    assert not data.supplied and agency_data.kpis(data) == {}


# --- The page's section (carelib.views.agency) ----------------------------------


def test_the_section_answers_the_board_and_agrees_with_the_return(demo_history, demo_data):
    from carelib import agency_return, agency_rules
    from carelib.views import agency as agency_view

    data = _agency(demo_history, demo_data)
    view = agency_view.section(data)
    first = view.sentences[0]
    assert first.startswith("Since the fixed rate began in June 2024 the average charge rate fell")
    assert "spend per agency FTE rose" in first and "because" in first
    # The quarter's compliance table holds the return's compliance rows.
    which = agency_return.quarter("2025-Q3")
    returned = agency_return.build(
        agency_return.months_from_history(demo_history, which), which, data.rules, "999"
    )
    rows = returned[returned["record_type"] == "compliance"].set_index("rule")
    table = agency_view.compliance_table(data).frame.set_index("Rule")
    for rule in agency_rules.RULES:
        shown = table.loc[agency_rules.RULE_LABELS[rule]]
        for column, field in (
            ("Assessed", "assessed"),
            ("Compliant", "compliant"),
            ("Breaches", "breaches"),
            ("Approved", "approved"),
            ("No approval recorded", "unapproved"),
        ):
            assert shown[column] == str(int(rows.at[rule, field])), (rule, column)
    assert "July to September 2025 (2025-Q3)" in agency_view.compliance_table(data).caption
    # Every breach of the month with its approval, and no worker identifier.
    breaches = view.tables[1].frame
    assert len(breaches) == 7
    assert list(breaches["Approval"]).count("No approval recorded") == 6
    assert "Approved by the Director of Children's Services" in set(breaches["Approval"])
    text = str(view.sentences) + "".join(t.frame.to_csv() for t in view.tables)
    assert "W0" not in text and "AS-" not in text
    titles = [f.title for f in view.figures]
    rate = [t for t in titles if t.startswith("Average hourly charge rate, October 2023 to ")]
    assert rate and "latest point £42.70 against limits of" in rate[0], titles
    assert "; signal: " in rate[0], titles
    spc_alt = view.figures[titles.index(rate[0])].alt
    assert spc_alt.startswith("XmR chart of the average hourly charge rate")


def test_the_section_says_when_the_assignment_data_is_not_supplied(month_dir):
    from carelib import agency_data, config, notebook
    from carelib.views import agency as agency_view

    for month in ("2025-08", "2025-09"):
        (month_dir / month / "agency_assignments.csv").unlink()
    cfg = config.load(ROOT / "carelib.toml")
    ctx = notebook.ReportContext(MONTH, cfg, loading.load_history(month_dir, MONTH), month_dir)
    view = agency_view.section(agency_data.build(ctx))
    assert view.sentences[0].startswith(
        "The agency assignment data (agency_assignments.csv) is not supplied for September 2025"
    )
    assert view.figures == [] and view.tables == []


def test_the_built_page_shows_the_returns_figures(demo_reports, demo_data):
    from tests import browser_support

    html = (demo_reports / MONTH / "agency.html").read_text(encoding="utf-8")
    assert "Agency rules and cost" in html
    table = browser_support.table(html, "Compliance with the DfE agency rules, July to")
    assert table.column("Breaches") == ["1", "2", "3", "1"]
    assert table.column("Assessed") == ["9", "9", "9", "9"]
    breaches = browser_support.table(html, "Breaches of the agency rules")
    assert len(breaches.rows) == 7
    assert not browser_support.worker_ids(demo_data) & set(html.split())


def test_the_publication_section_lists_no_breach_and_draws_no_suppressed_month(
    demo_history, demo_data
):
    from carelib.views import agency as agency_view

    view = agency_view.section(_agency(demo_history, demo_data, publication=True))
    captions = [t.caption for t in view.tables]
    assert not any(c.startswith("Breaches of the agency rules") for c in captions)
    assert "Compliance with each agency rule, month by month" not in [f.title for f in view.figures]
    assert any("not shown in the publication version" in s for s in view.sentences)
    table = agency_view.compliance_table(_agency(demo_history, demo_data, publication=True)).frame
    assert set(table["Breaches"]) == {"c"} and set(table["Compliance"]) == {"c"}
