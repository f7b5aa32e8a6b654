"""A corpus of bad months: each a small mutation of a valid demo month that must fail.

Every case copies the demo's 2025-08 and 2025-09 folders, breaks one thing in 2025-09 and
checks that validation blocks the month and that the analyst's text names the file, the
column and the source row (header = row 1). The valid variants (other encodings, UK
dates, Excel, extra columns, an empty leavers file) must pass unchanged, and the
month-on-month warnings must not block the run. One Validator serves the whole module.

A file a case leaves as it was passed its suite when the demo history was validated (the
session's shared cache): it is let through by its checksum, as in a council's monthly
run (:class:`carelib.history_validation.TableVerdicts`), so each case runs the suite of
the file it broke, and every rule across files and months.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from carelib import contracts, history_validation, loading

ROOT = Path(__file__).resolve().parents[1]
MONTH, PREVIOUS = "2025-09", "2025-08"


def path_of(data: Path, dataset: str, month: str = MONTH) -> Path:
    return data / month / f"{dataset}.csv"


def read(data: Path, dataset: str, month: str = MONTH) -> pd.DataFrame:
    return pd.read_csv(path_of(data, dataset, month), dtype=str, keep_default_na=False)


def write(data: Path, dataset: str, frame: pd.DataFrame) -> None:
    frame.to_csv(path_of(data, dataset), index=False)


def set_cell(data: Path, dataset: str, index: int, column: str, value: str) -> int:
    """Set one cell; return its source row number (DataFrame index + 2)."""
    frame = read(data, dataset)
    frame.loc[index, column] = value
    write(data, dataset, frame)
    return index + 2


def first(frame: pd.DataFrame, mask: pd.Series) -> int:
    matches = frame.index[mask]
    assert len(matches), "the demo month has no row to mutate"
    return int(matches[0])


@dataclass
class Expect:
    """Where the failure must be reported."""

    file: str
    column: str | None
    rows: tuple[int, ...] = ()
    fragment: str | None = None


CASES: dict[str, Callable[[Path], Expect]] = {}


def case(func: Callable[[Path], Expect]) -> Callable[[Path], Expect]:
    CASES[func.__name__] = func
    return func


# --- workforce.csv ------------------------------------------------------------------------


@case
def missing_required_column(d):
    write(d, "workforce", read(d, "workforce").drop(columns=["fte"]))
    return Expect("workforce.csv", "fte", fragment="required column is missing")


@case
def duplicated_worker_id(d):
    frame = read(d, "workforce")
    frame.loc[5, "worker_id"] = frame.loc[4, "worker_id"]
    write(d, "workforce", frame)
    return Expect("workforce.csv", "worker_id", (6, 7), "more than once")


@case
def fte_zero(d):
    return Expect(
        "workforce.csv", "fte", (set_cell(d, "workforce", 3, "fte", "0"),), "0.01 <= fte <= 1"
    )


@case
def fte_over_one(d):
    return Expect(
        "workforce.csv",
        "fte",
        (set_cell(d, "workforce", 7, "fte", "1.4"),),
        "0.01 <= fte <= 1 (row 9): 1.4",
    )


@case
def fte_not_a_number(d):
    return Expect(
        "workforce.csv",
        "fte",
        (set_cell(d, "workforce", 9, "fte", "full time"),),
        "cannot be read as a number",
    )


@case
def negative_caseload(d):
    frame = read(d, "workforce")
    i = first(frame, frame["cases"] != "")
    return Expect(
        "workforce.csv",
        "cases",
        (set_cell(d, "workforce", i, "cases", "-2"),),
        "negative number of cases",
    )


@case
def caseload_not_whole(d):
    frame = read(d, "workforce")
    i = first(frame, frame["cases"] != "")
    return Expect(
        "workforce.csv", "cases", (set_cell(d, "workforce", i, "cases", "3.5"),), "whole number"
    )


@case
def unknown_role(d):
    return Expect(
        "workforce.csv",
        "role",
        (set_cell(d, "workforce", 10, "role", "social_worker"),),
        "social_worker",
    )


@case
def unknown_employment(d):
    return Expect(
        "workforce.csv",
        "employment",
        (set_cell(d, "workforce", 11, "employment", "contractor"),),
        "contractor",
    )


@case
def unknown_start_origin(d):
    return Expect(
        "workforce.csv",
        "start_origin",
        (set_cell(d, "workforce", 12, "start_origin", "the_moon"),),
        "the_moon",
    )


@case
def start_date_in_future(d):
    return Expect(
        "workforce.csv",
        "start_date",
        (set_cell(d, "workforce", 6, "start_date", "2025-10-15"),),
        "after the reference date (2025-09-30)",
    )


@case
def malformed_date(d):
    return Expect(
        "workforce.csv",
        "start_date",
        (set_cell(d, "workforce", 2, "start_date", "31/13/2025"),),
        "cannot be read as a date",
    )


@case
def empty_required_cell(d):
    return Expect(
        "workforce.csv", "team", (set_cell(d, "workforce", 4, "team", ""),), "empty team cell"
    )


@case
def asye_not_yes_or_no(d):
    return Expect(
        "workforce.csv", "asye", (set_cell(d, "workforce", 1, "asye", "maybe"),), "yes/no"
    )


@case
def covering_vacancy_on_permanent_worker(d):
    frame = read(d, "workforce")
    i = first(frame, frame["employment"] == "permanent")
    return Expect(
        "workforce.csv",
        "covering_vacancy",
        (set_cell(d, "workforce", i, "covering_vacancy", "true"),),
        "agency workers only",
    )


@case
def sickness_over_working_days(d):
    # September 2025 has 22 working days.
    return Expect(
        "workforce.csv",
        "sickness_days",
        (set_cell(d, "workforce", 8, "sickness_days", "30"),),
        "0 to 22",
    )


@case
def negative_sickness(d):
    return Expect(
        "workforce.csv",
        "sickness_days",
        (set_cell(d, "workforce", 13, "sickness_days", "-1"),),
        "0 to 22",
    )


@case
def truncated_file(d):
    path = path_of(d, "workforce")
    lines = path.read_bytes().split(b"\n")
    # Cut line 30 (source row 30) after its second field, as an interrupted copy would.
    cut = b"\n".join(lines[:29]) + b"\n" + b",".join(lines[29].split(b",")[:2])
    path.write_bytes(cut)
    return Expect("workforce.csv", "role", (30,), "empty role cell")


@case
def xlsx_with_a_bad_value(d):
    frame = read(d, "workforce")
    frame.loc[7, "fte"] = "1.4"
    path_of(d, "workforce").unlink()
    frame.to_excel(d / MONTH / "workforce.xlsx", index=False)
    return Expect("workforce.xlsx", "fte", (9,), "0.01 <= fte <= 1")


# --- leavers.csv --------------------------------------------------------------------------


@case
def leave_date_outside_month(d):
    return Expect(
        "leavers.csv",
        "leave_date",
        (set_cell(d, "leavers", 0, "leave_date", "2025-08-15"),),
        "outside the month (2025-09-01 to 2025-09-30)",
    )


@case
def leave_date_before_start_date(d):
    set_cell(d, "leavers", 1, "start_date", "2025-09-20")
    return Expect(
        "leavers.csv",
        "leave_date",
        (set_cell(d, "leavers", 1, "leave_date", "2025-09-10"),),
        "before the start",
    )


@case
def unknown_leaving_reason(d):
    return Expect("leavers.csv", "reason", (set_cell(d, "leavers", 0, "reason", "fired"),), "fired")


@case
def blank_leave_date(d):
    return Expect(
        "leavers.csv",
        "leave_date",
        (set_cell(d, "leavers", 2, "leave_date", ""),),
        "empty leave_date cell",
    )


@case
def worker_in_snapshot_and_leavers(d):
    in_post = read(d, "workforce").loc[0, "worker_id"]
    return Expect(
        "leavers.csv",
        "worker_id",
        (set_cell(d, "leavers", 0, "worker_id", in_post),),
        "also in this month's",
    )


# --- establishment.csv and agency_spend.csv -------------------------------------------------


@case
def empty_file(d):
    path_of(d, "establishment").write_bytes(b"")
    return Expect("establishment.csv", None, fragment="empty")


@case
def unknown_team_in_workforce(d):
    # (A funded team with nobody in post is valid: a vacancy. A worker's team must be funded.)
    return Expect(
        "workforce.csv",
        "team",
        (set_cell(d, "workforce", 2, "team", "Atlantis Team"),),
        "not in this month's establishment.csv",
    )


@case
def duplicated_team_in_establishment(d):
    frame = read(d, "establishment")
    frame.loc[1, "team"] = frame.loc[0, "team"]
    write(d, "establishment", frame)
    return Expect("establishment.csv", "team", (2, 3), "more than once")


@case
def negative_funded_fte(d):
    return Expect(
        "establishment.csv",
        "funded_fte",
        (set_cell(d, "establishment", 0, "funded_fte", "-1"),),
        "negative",
    )


@case
def not_a_csv_at_all(d):
    path_of(d, "agency_spend").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    return Expect("agency_spend.csv", None, fragment="not a text CSV")


@case
def unknown_team_in_agency_spend(d):
    return Expect(
        "agency_spend.csv",
        "team",
        (set_cell(d, "agency_spend", 1, "team", "Nowhere Team"),),
        "not in this month's establishment.csv",
    )


@case
def negative_agency_spend(d):
    return Expect(
        "agency_spend.csv",
        "spend_gbp",
        (set_cell(d, "agency_spend", 0, "spend_gbp", "-100"),),
        "negative",
    )


# --- actions.csv ----------------------------------------------------------------------------


@case
def completed_action_without_completed_date(d):
    frame = read(d, "actions")
    i = first(frame, frame["status"] == "complete")
    return Expect(
        "actions.csv",
        "completed_date",
        (set_cell(d, "actions", i, "completed_date", ""),),
        "no completed_date",
    )


@case
def completed_date_on_open_action(d):
    frame = read(d, "actions")
    i = first(frame, frame["status"] == "in_progress")
    return Expect(
        "actions.csv",
        "completed_date",
        (set_cell(d, "actions", i, "completed_date", "2025-09-01"),),
        "other than complete",
    )


@case
def due_before_start(d):
    return Expect(
        "actions.csv",
        "due_date",
        (set_cell(d, "actions", 4, "due_date", "2020-01-01"),),
        "before the start",
    )


@case
def month_first_date(d):
    return Expect(
        "actions.csv",
        "due_date",
        (set_cell(d, "actions", 3, "due_date", "12/31/2025"),),
        "cannot be read as a date",
    )


@case
def unknown_action_status(d):
    return Expect("actions.csv", "status", (set_cell(d, "actions", 0, "status", "done"),), "done")


@case
def duplicated_action_id(d):
    frame = read(d, "actions")
    frame.loc[2, "action_id"] = frame.loc[1, "action_id"]
    write(d, "actions", frame)
    return Expect("actions.csv", "action_id", (3, 4), "more than once")


@case
def recommendation_text_differs(d):
    frame = read(d, "actions")
    shared = frame["recommendation_id"].value_counts()
    rec = shared[shared >= 3].index[0]
    i = int(frame.index[frame["recommendation_id"] == rec][1])
    return Expect(
        "actions.csv",
        "recommendation",
        (set_cell(d, "actions", i, "recommendation", "Something else entirely"),),
        "differs",
    )


@case
def unterminated_quote(d):
    # The open quote swallows the rest of the file, so the new row loses its other cells.
    row = len(read(d, "actions")) + 2
    path = path_of(d, "actions")
    path.write_bytes(path.read_bytes() + b'A99,R1,"The stability of,workforce\n')
    return Expect("actions.csv", "theme", (row,), "empty theme cell")


# --- measures.csv ---------------------------------------------------------------------------


@case
def missing_dataset_file(d):
    path_of(d, "measures").unlink()
    return Expect("measures.csv", None, fragment="missing")


@case
def orphan_measure(d):
    return Expect(
        "measures.csv",
        "recommendation_id",
        (set_cell(d, "measures", 0, "recommendation_id", "R99"),),
        "not in this month's actions.csv",
    )


@case
def value_and_kpi_both_blank(d):
    frame = read(d, "measures")
    i = first(frame, (frame["kpi"] == "") & (frame["value"] != ""))
    return Expect(
        "measures.csv",
        "value",
        (set_cell(d, "measures", i, "value", ""),),
        "neither a value nor a kpi",
    )


@case
def value_given_with_kpi(d):
    frame = read(d, "measures")
    i = first(frame, frame["kpi"] != "")
    return Expect(
        "measures.csv",
        "value",
        (set_cell(d, "measures", i, "value", "12.5"),),
        "both a value and a kpi",
    )


@case
def unknown_unit(d):
    return Expect("measures.csv", "unit", (set_cell(d, "measures", 1, "unit", "pounds"),), "pounds")


@case
def blank_target(d):
    return Expect(
        "measures.csv", "target", (set_cell(d, "measures", 2, "target", ""),), "empty target cell"
    )


def validate(data: Path, validator) -> contracts.ValidationReport:
    """Validate ``MONTH`` (and compare it with the month before), with the shared verdicts."""
    cache = history_validation.cache_dir(data.parent / "reports", data)
    verdicts = history_validation.TableVerdicts(cache, history_validation.rules_version(validator))
    return validator.validate_month(data, MONTH, verdicts=verdicts)


# --- The tests --------------------------------------------------------------------------------

_ROWS = re.compile(r"\((?:row|rows) ([\d, ]+)")


def error_lines(text: str, expect: Expect) -> list[str]:
    prefix = f"ERROR {expect.file}" + (f": column {expect.column}:" if expect.column else ":")
    return [line.strip() for line in text.splitlines() if line.strip().startswith(prefix)]


def test_corpus_is_large_enough():
    assert len(CASES) >= 30


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_month_fails_and_names_file_column_row(name, month_dir, validator):
    expect = CASES[name](month_dir)
    report = validate(month_dir, validator)
    text = report.to_text()
    assert report.has_errors, text
    assert "NOT VALID" in text
    lines = error_lines(text, expect)
    assert lines, f"no error line for {expect.file} column {expect.column}:\n{text}"
    if expect.fragment:
        assert any(expect.fragment in line for line in lines), text
    if expect.rows:
        listed = [
            set(int(r) for r in m.group(1).replace(" ", "").split(","))
            for line in lines
            if (m := _ROWS.search(line))
        ]
        assert any(set(expect.rows) <= rows for rows in listed), text
        checks = [c for c in report.errors if c.file == expect.file and c.column == expect.column]
        assert any(set(expect.rows) <= set(c.rows) for c in checks)


def test_unreadable_cell_is_reported_once(month_dir, validator):
    # A malformed date in a required column is not also an "empty required cell".
    set_cell(month_dir, "workforce", 2, "start_date", "31/13/2025")
    report = validate(month_dir, validator)
    about = [c for c in report.errors if c.dataset == "workforce" and c.column == "start_date"]
    assert [c.rule for c in about] == ["workforce.start_date.date_format"]
    required = next(c for c in report.checks if c.rule == "workforce.start_date.required")
    assert required.status == "passed"


def test_missing_column_rules_are_not_checked_not_failed(month_dir, validator):
    write(month_dir, "workforce", read(month_dir, "workforce").drop(columns=["fte"]))
    report = validate(month_dir, validator)
    assert [c.rule for c in report.errors] == ["workforce.fte.present"]
    skipped = [
        c for c in report.checks if c.column == "fte" and c.status != "passed" and not c.blocks
    ]
    assert skipped and all(c.cause == "prerequisite" for c in skipped)


# --- Valid variants pass unchanged ------------------------------------------------------------


def assert_passes(report):
    assert not report.has_errors, report.to_text()
    assert report.warnings == [], report.to_text()


def test_demo_month_passes(month_dir, validator):
    report = validate(month_dir, validator)
    assert_passes(report)
    assert report.previous_month == PREVIOUS
    assert all(c.status == "passed" for c in report.checks)


def test_windows_1252_with_pound_and_curly_quotes(month_dir, validator):
    frame = read(month_dir, "actions")
    frame.loc[0, "action"] = "\u201cGrow our own\u201d: a \u00a35,000 market supplement"
    frame.loc[1, "update"] = "Sep 2025: the board\u2019s review is done"
    path_of(month_dir, "actions").write_bytes(frame.to_csv(index=False).encode("cp1252"))
    assert "\u00a35,000" in loading.load_month(month_dir, MONTH).actions["action"].iloc[0]
    assert_passes(validate(month_dir, validator))


def test_utf8_with_bom(month_dir, validator):
    path = path_of(month_dir, "workforce")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert_passes(validate(month_dir, validator))


def test_uk_day_first_dates(month_dir, validator):
    for dataset, columns in {
        "workforce": ["start_date"],
        "leavers": ["start_date", "leave_date"],
        "actions": ["start_date", "due_date", "completed_date"],
        "measures": ["target_date"],
    }.items():
        frame = read(month_dir, dataset)
        for col in columns:
            iso = pd.to_datetime(frame[col].replace("", None), format="%Y-%m-%d")
            frame[col] = iso.dt.strftime("%d/%m/%Y").fillna("")
        write(month_dir, dataset, frame)
    assert "/" in read(month_dir, "leavers")["leave_date"].iloc[0]
    assert_passes(validate(month_dir, validator))


def test_xlsx_instead_of_csv(month_dir, validator):
    for dataset in ("workforce", "establishment"):
        frame = read(month_dir, dataset)
        path_of(month_dir, dataset).unlink()
        frame.to_excel(month_dir / MONTH / f"{dataset}.xlsx", index=False)
    report = validate(month_dir, validator)
    assert_passes(report)
    assert report.completeness["workforce"]["file"] == "workforce.xlsx"


def test_extra_columns_are_ignored(month_dir, validator):
    frame = read(month_dir, "workforce")
    frame["notes"] = "extract v2"
    frame.insert(0, "payroll_batch", "7")
    write(month_dir, "workforce", frame)
    frame = read(month_dir, "measures")
    frame["source"] = "performance team"
    write(month_dir, "measures", frame)
    assert_passes(validate(month_dir, validator))


def test_leavers_file_with_header_only(month_dir, validator):
    leavers = read(month_dir, "leavers")
    path_of(month_dir, "leavers").write_text(",".join(leavers.columns) + "\n")
    report = validate(month_dir, validator)
    assert not report.has_errors, report.to_text()
    assert report.completeness["leavers"]["rows"] == 0
    # This month's leavers were in post last month: now they vanish without a record.
    assert {c.rule for c in report.warnings} <= {"workforce.worker_id.accounted_for"}


# --- Warnings do not fail ------------------------------------------------------------------


def test_vanished_worker_is_a_warning(month_dir, validator):
    frame = read(month_dir, "workforce")
    gone = frame.loc[10, "worker_id"]
    write(month_dir, "workforce", frame.drop(index=[10]))
    before = read(month_dir, "workforce", PREVIOUS)
    row = int(before.index[before["worker_id"] == gone][0]) + 2
    report = validate(month_dir, validator)
    assert not report.has_errors, report.to_text()
    (warning,) = report.warnings
    assert warning.rule == "workforce.worker_id.accounted_for"
    assert warning.rows == [row]
    assert f"WARNING workforce.csv ({PREVIOUS}): column worker_id: 1 row has" in report.to_text()


def test_disappeared_action_is_a_warning(month_dir, validator):
    frame = read(month_dir, "actions")
    shared = frame["recommendation_id"].value_counts()
    i = int(frame.index[frame["recommendation_id"] == shared[shared >= 2].index[0]][0])
    write(month_dir, "actions", frame.drop(index=[i]))
    report = validate(month_dir, validator)
    assert not report.has_errors, report.to_text()
    assert [c.rule for c in report.warnings] == ["actions.action_id.kept"]
    assert "column action_id" in report.warnings[0].sentence()


def test_without_previous_month_the_month_on_month_rules_are_not_made(month_dir, validator):
    shutil.rmtree(month_dir / PREVIOUS)
    report = validate(month_dir, validator)
    assert not report.has_errors
    skipped = {c.rule for c in report.not_checked}
    assert skipped == {
        "workforce.worker_id.accounted_for",
        "actions.action_id.kept",
        "measures.measure_id.kept",
    }
    assert all(c.cause == "no_previous_month" for c in report.not_checked)


# --- Through the real command line ------------------------------------------------------------


def run_cli(data: Path, cwd: Path, capsys, monkeypatch) -> subprocess.CompletedProcess:
    """``carelib validate`` through the command line's own entry point, in this process.

    The same ``cli.main`` the console script calls, with this worker's Great
    Expectations already imported; tests/test_report_e2e.py runs the real process.
    """
    from carelib import cli

    monkeypatch.chdir(cwd)
    capsys.readouterr()
    args = ["validate", "--data", str(data), "--month", MONTH]
    code = cli.main(args)
    out = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out.out, out.err)


@pytest.mark.skipif(
    not (ROOT / "carelib" / "cli.py").is_file(),
    reason="carelib/cli.py (the lead's CLI) is not there yet",
)
@pytest.mark.parametrize("name", ["fte_over_one", "orphan_measure", "missing_dataset_file"])
def test_cli_validate_exits_1_on_bad_data(name, month_dir, tmp_path, capsys, monkeypatch):
    expect = CASES[name](month_dir)
    result = run_cli(month_dir, tmp_path, capsys, monkeypatch)
    assert result.returncode == 1, result.stdout + result.stderr
    assert error_lines(result.stdout, expect), result.stdout
    if expect.rows:
        assert f"row {expect.rows[0]}" in result.stdout or f"rows {expect.rows[0]}" in result.stdout


@pytest.mark.skipif(
    not (ROOT / "carelib" / "cli.py").is_file(),
    reason="carelib/cli.py (the lead's CLI) is not there yet",
)
def test_cli_validate_exits_0_on_good_data(month_dir, tmp_path, capsys, monkeypatch):
    result = run_cli(month_dir, tmp_path, capsys, monkeypatch)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout
