"""The data contracts (data_contracts/*.json), the Validator and the validation report."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from carelib import continuity, contract_messages, contracts, crosschecks, schema, validation
from carelib.loading import load_month

ROOT = Path(__file__).resolve().parents[1]
MONTH, PREVIOUS = "2025-09", "2025-08"


@pytest.fixture(scope="module")
def suites():
    return contracts.load_contracts()


def of_type(suite: dict, type_: str) -> list[dict]:
    return [e for e in suite["expectations"] if e["type"] == type_]


def columns_with(suite: dict, type_: str, conditional: bool = False) -> set[str]:
    return {
        e["kwargs"]["column"]
        for e in of_type(suite, type_)
        if ("row_condition" in e["kwargs"]) == conditional
    }


# --- The contracts agree with DATA_SPEC (as schema.py holds it) -------------------------------


def test_one_suite_per_dataset():
    assert sorted(p.stem for p in contracts.CONTRACTS_DIR.glob("*.json")) == sorted(schema.DATASETS)


@pytest.mark.parametrize("dataset", schema.DATASETS)
def test_suite_encodes_columns_types_keys_and_categories(dataset, suites):
    suite = suites[dataset]
    cols = schema.columns(dataset)
    required = {c.name for c in cols if c.required}
    assert columns_with(suite, "expect_column_to_exist") == required
    assert columns_with(suite, "expect_column_values_to_not_be_null") == required
    assert columns_with(suite, "expect_column_values_to_be_unique") == {schema.KEYS[dataset]}
    types = {e["kwargs"]["column"] for e in of_type(suite, "expect_column_values_to_be_of_type")}
    assert types == {c.name for c in cols}
    sets = {
        e["kwargs"]["column"]: e["kwargs"]["value_set"]
        for e in of_type(suite, "expect_column_values_to_be_in_set")
    }
    assert sets == {c.name: list(c.categories) for c in cols if c.kind == "category"}


@pytest.mark.parametrize("dataset", schema.DATASETS)
def test_every_expectation_carries_meta(dataset, suites):
    suite = suites[dataset]
    assert "DATA_SPEC" in suite["meta"]["source"] and "DATA_SPEC" in suite["notes"]
    names = schema.column_names(dataset)
    for exp in suite["expectations"]:
        meta = exp["meta"]
        assert meta["severity"] in ("error", "warning")
        assert meta["column"] in names
        assert meta["rule"].startswith(f"{dataset}.{meta['column']}.")
        assert set(contracts.expectation_columns(exp)) <= set(names)
    for rule in contracts.rules(dataset, suite):
        assert rule.description and rule.problem


def test_messages_are_generated_from_the_parameters(suites):
    """Only rules whose meaning is more than their parameters are worded by hand."""
    worded = [
        (ds, e)
        for ds, s in suites.items()
        for e in s["expectations"]
        if "description" in e["meta"] or "problem" in e["meta"]
    ]
    for ds, exp in worded:
        generated = contract_messages.describe(ds, exp)
        assert generated is None or generated[0] != exp["meta"]["description"], exp["meta"]
        assert contract_messages.wording_drift(ds, exp) == [], exp["meta"]["rule"]
    assert len(worded) == 16  # 13, and the agency_assignments end date and its two worker_id rules
    total = sum(len(s["expectations"]) for s in suites.values())
    assert total - len(worded) == 200  # 162, and 38 agency_assignments rules


def test_a_changed_bound_changes_the_message(suites):
    (fte,) = [
        e for e in suites["workforce"]["expectations"] if e["meta"]["rule"] == "workforce.fte.range"
    ]
    changed = {**fte, "kwargs": {**fte["kwargs"], "max_value": 1.5}}
    assert contract_messages.messages("workforce", changed) == (
        "fte is at least 0.01 and at most 1.5 (0.01 <= fte <= 1.5)",
        "a value outside 0.01 <= fte <= 1.5",
    )
    (roles,) = [
        e
        for e in suites["workforce"]["expectations"]
        if e["meta"]["rule"] == "workforce.role.allowed"
    ]
    fewer = {**roles, "kwargs": {**roles["kwargs"], "value_set": ["case_holder"]}}
    assert contract_messages.messages("workforce", fewer)[0] == "role is one of: case_holder"


@pytest.mark.parametrize(
    "kwargs, description, problem",
    [
        (
            {"column": "start_date", "max_value": {"$PARAMETER": "reference_date"}},
            "start_date is not after the reference date ({reference_date})",
            "a start_date after the reference date ({reference_date})",
        ),
        (
            {"column": "start_date", "min_value": "2001-07-04T00:00:00"},
            "start_date is not before 4 July 2001",
            "a start_date before 4 July 2001",
        ),
        (
            {"column": "start_date", "min_value": "1950-01-01T00:00:00"},
            "start_date is not before 1 January 1950",
            "a start_date before 1950",
        ),
        (
            {
                "column": "sickness_days",
                "min_value": 0,
                "max_value": {"$PARAMETER": "working_days"},
            },
            "sickness_days is 0 or more and not more than the month's {working_days} working days",
            "a value outside 0 to {working_days} (the month's working days)",
        ),
        (
            {"column": "cases", "min_value": 0},
            "cases is blank or 0 or more",
            "a negative number of cases",
        ),
        ({"column": "asye", "min_value": 1}, "asye is at least 1", "an asye below 1"),
    ],
)
def test_between_messages(kwargs, description, problem):
    exp = {"type": "expect_column_values_to_be_between", "kwargs": kwargs}
    assert contract_messages.describe("workforce", exp) == (description, problem)


def test_a_hand_worded_rule_that_drifted_is_refused(tmp_path):
    folder = broken_contracts(
        tmp_path,
        "measures",
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {
                "column": "baseline",
                "min_value": 0,
                "max_value": 1000,
                "row_condition": {
                    "type": "comparison",
                    "column": {"name": "unit"},
                    "operator": "==",
                    "parameter": "count",
                },
            },
            "meta": {
                **META,
                "column": "baseline",
                "rule": "measures.baseline.count_range",
                "description": "a count measure's baseline is between 0 and 100",
            },
        },
    )
    with pytest.raises(contracts.ContractError, match=r"measures\.json.*does not mention '1000'"):
        contracts.load_contracts(folder)


def test_a_rule_that_cannot_be_phrased_needs_its_own_wording(tmp_path):
    meta = {"severity": "error", "column": "team", "rule": "establishment.team.regex"}
    folder = broken_contracts(
        tmp_path,
        "establishment",
        {
            "type": "expect_column_values_to_match_regex",
            "kwargs": {"column": "team", "regex": "^[A-Z]"},
            "meta": meta,
        },
    )
    with pytest.raises(contracts.ContractError, match="needs a description and a problem"):
        contracts.load_contracts(folder)


def test_ranges_and_month_relative_bounds(suites):
    def between(dataset, column):
        (exp,) = [
            e
            for e in of_type(suites[dataset], "expect_column_values_to_be_between")
            if e["kwargs"]["column"] == column
        ]
        return exp["kwargs"]

    assert between("workforce", "fte") == {"column": "fte", "min_value": 0.01, "max_value": 1}
    assert between("workforce", "cases")["min_value"] == 0
    assert between("workforce", "sickness_days")["max_value"] == {"$PARAMETER": "working_days"}
    assert any(
        e["kwargs"].get("max_value") == {"$PARAMETER": "reference_date"}
        for e in of_type(suites["workforce"], "expect_column_values_to_be_between")
        if e["kwargs"]["column"] == "start_date"
    )
    assert between("leavers", "leave_date") == {
        "column": "leave_date",
        "min_value": {"$PARAMETER": "month_start"},
        "max_value": {"$PARAMETER": "reference_date"},
    }
    for dataset, column in [
        ("establishment", "funded_fte"),
        ("agency_spend", "spend_gbp"),
        ("agency_spend", "budget_gbp"),
        ("agency_assignments", "hourly_charge_rate"),
        ("agency_assignments", "hourly_pay_rate"),
    ]:
        assert between(dataset, column)["min_value"] == 0


def test_conditional_rules(suites):
    workforce = suites["workforce"]
    assert columns_with(workforce, "expect_column_values_to_be_null", True) == {"covering_vacancy"}
    actions = suites["actions"]
    assert columns_with(actions, "expect_column_values_to_not_be_null", True) == {"completed_date"}
    assert columns_with(actions, "expect_column_values_to_be_null", True) == {"completed_date"}
    pairs = {
        (e["kwargs"]["column_A"], e["kwargs"]["column_B"])
        for s in suites.values()
        for e in of_type(s, "expect_column_pair_values_a_to_be_greater_than_b")
    }
    assert pairs == {
        ("due_date", "start_date"),
        ("leave_date", "start_date"),
        ("completed_date", "start_date"),
        ("end_date", "start_date"),  # agency_assignments
        ("hourly_charge_rate", "hourly_pay_rate"),  # agency_assignments (a warning)
    }
    measures = suites["measures"]
    assert columns_with(measures, "expect_column_values_to_be_null", True) == {"value"}
    assert columns_with(measures, "expect_column_values_to_not_be_null", True) == {"value"}


def test_month_parameters():
    assert contracts.month_parameters("2025-09") == {
        "reference_date": "2025-09-30T00:00:00",
        "month_start": "2025-09-01T00:00:00",
        "working_days": 22,
    }
    # February 2024: a leap year; December 2024: Christmas and Boxing Day.
    assert contracts.month_parameters("2024-02")["reference_date"] == "2024-02-29T00:00:00"
    assert contracts.month_parameters("2024-12")["working_days"] == 20
    assert (
        contracts.fill("after {reference_date} {x}", contracts.display_parameters("2025-09"))
        == "after 2025-09-30 {x}"
    )


# --- Loading the suites into Great Expectations -----------------------------------------------


def test_suites_load_fully_into_gx(validator, suites):
    import great_expectations as gx

    for dataset, suite_json in suites.items():
        suite = gx.ExpectationSuite(**json.loads(json.dumps(suite_json)))
        assert len(suite.expectations) == len(suite_json["expectations"]), dataset
        assert len(validator.rules[dataset]) == len(suite_json["expectations"])


def broken_contracts(tmp_path: Path, dataset: str, extra: dict) -> Path:
    folder = tmp_path / "contracts"
    shutil.copytree(contracts.CONTRACTS_DIR, folder)
    path = folder / f"{dataset}.json"
    suite = json.loads(path.read_text())
    suite["expectations"].append(extra)
    path.write_text(json.dumps(suite))
    return folder


META = {
    "severity": "error",
    "column": "team",
    "description": "team is wonderful",
    "problem": "a team that is not wonderful",
}


def test_an_expectation_gx_does_not_know_is_a_contract_error(tmp_path, validator):
    folder = broken_contracts(
        tmp_path,
        "establishment",
        {
            "type": "expect_column_values_to_be_wonderful",
            "kwargs": {"column": "team"},
            "meta": {**META, "rule": "establishment.team.wonderful"},
        },
    )
    with pytest.raises(
        contracts.ContractError,
        match=r"establishment\.json did not load fully"
        r".*8 of 9.*expect_column_values_to_be_wonderful",
    ):
        contracts.Validator(folder)


@pytest.mark.parametrize(
    "extra, message",
    [
        (
            {
                "type": "expect_column_to_exist",
                "kwargs": {"column": "team"},
                "meta": {"rule": "establishment.team.x", "column": "team"},
            },
            "meta lacks severity",
        ),
        (
            {
                "type": "expect_column_to_exist",
                "kwargs": {"column": "team"},
                "meta": {**META, "rule": "establishment.team.present"},
            },
            "appears twice",
        ),
        (
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "funded_fte", "max_value": {"$PARAMETER": "tomorrow"}},
                "meta": {**META, "rule": "establishment.team.y"},
            },
            "unknown parameter",
        ),
        (
            {
                "type": "expect_column_to_exist",
                "kwargs": {"column": "team"},
                "meta": {**META, "rule": "establishment.team.z", "severity": "fatal"},
            },
            "not error or",
        ),
    ],
)
def test_malformed_contract_is_refused_naming_the_file(tmp_path, extra, message):
    folder = broken_contracts(tmp_path, "establishment", extra)
    with pytest.raises(contracts.ContractError, match=message) as err:
        contracts.load_contracts(folder)
    assert "establishment.json" in str(err.value)


def test_rule_gx_cannot_evaluate_is_could_not_be_checked_and_blocks(tmp_path, demo_data):
    folder = broken_contracts(
        tmp_path,
        "establishment",
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "team", "min_value": 0},
            "meta": {"column": "team", "severity": "warning", "rule": "establishment.team.numeric"},
        },
    )
    report = contracts.validate_month(demo_data, MONTH, validator=contracts.Validator(folder))
    (check,) = [c for c in report.checks if c.rule == "establishment.team.numeric"]
    assert check.status == validation.NOT_CHECKED and check.cause == "exception"
    assert check.unexpected_count is None
    assert report.has_errors and report.errors == [check]
    assert report.warnings == []
    assert "could not check" in report.to_text()


def test_importing_carelib_does_not_import_gx():
    code = (
        "import sys, carelib, carelib.contracts, carelib.validation, carelib.crosschecks; "
        "print('great_expectations' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "False"


# --- One Validator, many months -------------------------------------------------------------


def test_one_validator_validates_many_months(validator, demo_data):
    for month in ("2025-07", "2025-08", "2025-09"):
        report = contracts.validate_month(demo_data, month, validator=validator)
        assert report.month == month and not report.has_errors, report.to_text()
        assert report.previous_month == dates_before(month)
        assert report.not_checked == []
    assert contracts.default_validator() is contracts.default_validator()


def dates_before(month: str) -> str:
    from carelib import dates

    return dates.add_months(month, -1)


def test_month_relative_bounds_move_with_the_month(month_dir, validator):
    # A start date in October is in the future for September but not for October.
    frame_path = month_dir / MONTH / "workforce.csv"
    text = frame_path.read_text().splitlines()
    cells = text[1].split(",")
    cells[5] = "2025-10-15"
    text[1] = ",".join(cells)
    frame_path.write_text("\n".join(text) + "\n")
    september = contracts.validate_month(month_dir, MONTH, validator=validator, previous=False)
    assert [c.rule for c in september.errors] == ["workforce.start_date.not_after_reference"]
    (month_dir / MONTH).rename(month_dir / "2025-10")
    october = contracts.validate_month(month_dir, "2025-10", validator=validator, previous=False)
    assert "workforce.start_date.not_after_reference" not in {c.rule for c in october.errors}


def test_previous_false_leaves_out_month_on_month_rules(month_dir, validator):
    report = contracts.validate_month(month_dir, MONTH, validator=validator, previous=False)
    assert report.previous_month is None
    assert not {c.rule for c in report.checks} & set(crosschecks.MONTH_ON_MONTH)


# --- The report ---------------------------------------------------------------------------


def bad_month(month_dir: Path) -> Path:
    """Two errors and a warning: fte 1.4 on row 9, an orphan measure, a vanished worker."""
    path = month_dir / MONTH / "workforce.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[8].split(",")
    cells[header.index("fte")] = "1.4"
    lines[8] = ",".join(cells)
    del lines[20]
    path.write_text("\n".join(lines) + "\n")
    path = month_dir / MONTH / "measures.csv"
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace(",R5,", ",R99,", 1)
    path.write_text("\n".join(lines) + "\n")
    return month_dir


def test_report_model_and_text(month_dir, validator):
    report = contracts.validate_month(bad_month(month_dir), MONTH, validator=validator)
    assert report.has_errors
    assert {c.rule for c in report.errors} == {
        "workforce.fte.range",
        "measures.recommendation_id.in_actions",
    }
    assert [c.rule for c in report.warnings] == ["workforce.worker_id.accounted_for"]
    fte = next(c for c in report.checks if c.rule == "workforce.fte.range")
    assert (fte.dataset, fte.column, fte.severity, fte.status) == (
        "workforce",
        "fte",
        "error",
        "failed",
    )
    assert fte.unexpected_count == 1 and fte.rows == [9] and fte.values == ["1.4"]
    assert fte.description == "fte is at least 0.01 and at most 1 (0.01 <= fte <= 1)"
    text = report.to_text()
    assert (
        "workforce.csv: column fte: 1 row has a value outside 0.01 <= fte <= 1 (row 9): 1.4" in text
    )
    assert "measures.csv: column recommendation_id: 1 row has" in text
    assert text.index("workforce.csv") < text.index("measures.csv")
    assert all(c.status in validation.STATUSES for c in report.checks)
    payload = report.to_json()
    assert json.loads(json.dumps(payload)) == payload
    assert payload["summary"]["errors"] == 2 and payload["has_errors"] is True


def test_completeness(month_dir, validator):
    report = contracts.validate_month(month_dir, MONTH, validator=validator)
    data = load_month(month_dir, MONTH)
    workforce = report.completeness["workforce"]
    assert workforce["rows"] == len(data.workforce) and workforce["file"] == "workforce.csv"
    cases = workforce["columns"]["cases"]
    assert not cases["required"] and cases["in_file"]
    assert cases["blank_share"] == round(data.workforce["cases"].isna().mean(), 4)
    assert workforce["columns"]["worker_id"]["blank_share"] == 0


def test_missing_optional_column_is_a_warning(month_dir, validator):
    path = month_dir / MONTH / "actions.csv"
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=["officer_rag"])
    frame.to_csv(path, index=False)
    report = contracts.validate_month(month_dir, MONTH, validator=validator)
    assert not report.has_errors
    assert [c.rule for c in report.warnings] == ["actions.officer_rag.in_file"]
    assert report.completeness["actions"]["columns"]["officer_rag"]["in_file"] is False


# --- The data-quality page ------------------------------------------------------------------


def test_quality_page_has_no_identifiers_rows_or_values(month_dir, validator):
    report = contracts.validate_month(bad_month(month_dir), MONTH, validator=validator)
    views = validation.quality_page(report)
    from carelib import blocks

    assert all(isinstance(v, blocks.View) for v in views)  # views, tested as data
    assert [v.name for v in views] == [
        "summary",
        "problems",
        "warnings",
        "what_was_checked",
        "completeness",
    ]
    page = str(blocks.render(views))
    data = load_month(month_dir, MONTH)
    before = load_month(month_dir, PREVIOUS)
    ids = (
        set(data.workforce["worker_id"])
        | set(before.workforce["worker_id"])
        | set(data.leavers["worker_id"])
    )
    assert not [i for i in ids if i in page]
    for check in report.errors + report.warnings:
        for value in check.values:
            assert f": {value}" not in page and f"{value}</" not in page
    assert "row 9" not in page and "rows 9" not in page and "R99" not in page
    for heading in (
        "Summary",
        "Problems that stopped the report",
        "Warnings",
        "What was checked",
        "How complete the data is",
    ):
        assert f">{heading}</h2>" in page
    assert "1 row did not meet the rule that fte is at least 0.01 and at most 1" in page
    assert "every worker in last month" in page
    assert page.count("<section") == 5


def test_quality_page_for_a_clean_month(month_dir, validator):
    from carelib import blocks

    report = contracts.validate_month(month_dir, MONTH, validator=validator)
    views = validation.quality_page(report)
    assert "problems" not in [v.name for v in views]
    page = str(blocks.render(views))
    assert "Problems that stopped the report" not in page
    assert "There were no warnings" in page
    assert f"against {len(report.checks)} rules" in page
    assert "<script" not in page


def test_quality_page_escapes_text(month_dir, validator):
    report = contracts.validate_month(month_dir, MONTH, validator=validator)
    report.checks[0].description = "<b>bold</b> & co"
    from carelib import blocks

    page = str(blocks.render(validation.quality_page(report)))
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt; &amp; co" in page


def test_docs_name_every_specific_rule(suites):
    doc = (ROOT / "docs" / "data_contracts.md").read_text(encoding="utf-8")
    generic = (".present", ".required", ".type", ".allowed")
    named = [
        r.rule
        for ds, s in suites.items()
        for r in contracts.rules(ds, s)
        if not r.rule.endswith(generic)
    ]
    named += [
        "measures.recommendation_id.in_actions",
        "leavers.worker_id.not_in_workforce",
        "workforce.team.in_establishment",
        "leavers.team.in_establishment",
        "agency_spend.team.in_establishment",
        "agency_assignments.team.in_establishment",
        "agency_assignments.worker_id.in_workforce",
        "establishment.team.distinct",
        "workforce.sickness_days.within_fte",
        *continuity.RULES,
        "actions.recommendation.consistent",
        *crosschecks.MONTH_ON_MONTH,
    ]
    assert [r for r in named if f"`{r}`" not in doc] == []


def test_every_name_is_importable_from_contracts_after_the_split():
    from carelib import contract_suites, loader_checks

    assert contracts.load_contracts is contract_suites.load_contracts
    assert contracts.Rule is contract_suites.Rule and contracts.fill is contract_suites.fill
    assert contracts.ContractError is contract_suites.ContractError
    assert contracts.loader_checks is loader_checks.loader_checks
    assert contracts.completeness is loader_checks.completeness
