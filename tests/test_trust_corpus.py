"""The trust corpus: bad inputs real extracts contain, each of which must stop the run.

Every case copies the demo's last five months (2025-05 to 2025-09), breaks one thing (in
the reporting month 2025-09 or in an earlier month of the history) and runs the real
command line, ``carelib validate --month 2025-09``, in this process. Each case asserts:

- the exit code (1: the data is invalid);
- that the message names the month, the file, the column and the rows (for a whole-file
  problem, the file and what was found);
- that nothing was published (the reports folder holds no month);
- that the data folder is byte-identical before and after the run.

A few cases go through ``carelib report`` (real kernels) and must publish nothing. The
mutations use only pandas and openpyxl, so ``tools/trust_corpus_baseline.py`` can replay
``CASES`` against an older carelib to count the cases it let through.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
MONTH = "2025-09"
MONTHS = ("2025-05", "2025-06", "2025-07", "2025-08", "2025-09")


# --- Helpers a case uses to break the data ----------------------------------------------------


def path_of(data: Path, dataset: str, month: str = MONTH, ext: str = "csv") -> Path:
    return data / month / f"{dataset}.{ext}"


def read(data: Path, dataset: str, month: str = MONTH) -> pd.DataFrame:
    return pd.read_csv(path_of(data, dataset, month), dtype=str, keep_default_na=False)


def write(data: Path, dataset: str, frame: pd.DataFrame, month: str = MONTH) -> None:
    frame.to_csv(path_of(data, dataset, month), index=False)


def set_cell(data, dataset, index, column, value, month=MONTH) -> int:
    """Set one cell; return its source row number (DataFrame index + 2)."""
    frame = read(data, dataset, month)
    frame.loc[index, column] = value
    write(data, dataset, frame, month)
    return index + 2


def first(frame: pd.DataFrame, mask) -> int:
    matches = frame.index[mask]
    assert len(matches), "the demo month has no row to mutate"
    return int(matches[0])


def to_xlsx(data: Path, dataset: str, month: str = MONTH):
    """Replace ``dataset``'s CSV by a workbook of the same cells; return the workbook."""
    import openpyxl

    frame = read(data, dataset, month)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = dataset
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append(list(row))
    path_of(data, dataset, month).unlink()
    return book


@dataclass
class Expect:
    """Where the failure must be reported, and the exit code."""

    month: str
    file: str
    column: str | None = None
    rows: tuple[int, ...] = ()
    fragment: str | None = None
    code: int = 1


CASES: dict[str, Callable[[Path], Expect]] = {}


def case(func):
    CASES[func.__name__] = func
    return func


# --- Earlier months of the history are validated too ------------------------------------------


@case
def history_leavers_file_corrupt(d):
    path_of(d, "leavers", "2025-06").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    return Expect("2025-06", "leavers.csv", None, (), "not a text CSV")


@case
def history_sickness_20_days_for_everyone(d):
    # Six months back (here: June 2025, 21 working days) every worker 20 days off sick:
    # impossible for the part-time workers.
    frame = read(d, "workforce", "2025-06")
    frame["sickness_days"] = "20"
    write(d, "workforce", frame, "2025-06")
    part = frame.index[frame["fte"].astype(float) < 0.95]
    return Expect("2025-06", "workforce.csv", "sickness_days", (int(part[0]) + 2,), "fte x 21")


@case
def history_comma_decimal_fte(d):
    frame = read(d, "workforce", "2025-07")
    i = first(frame, frame["fte"] == "0.5")
    row = set_cell(d, "workforce", i, "fte", "0,5", "2025-07")
    return Expect("2025-07", "workforce.csv", "fte", (row,), "comma used as decimal point?")


@case
def history_unreadable_leave_date(d):
    row = set_cell(d, "leavers", 0, "leave_date", "31/06/2025", "2025-06")
    return Expect("2025-06", "leavers.csv", "leave_date", (row,), "cannot be read as a date")


@case
def history_missing_measures(d):
    path_of(d, "measures", "2025-07").unlink()
    return Expect("2025-07", "measures.csv", None, (), "missing")


@case
def history_unknown_team(d):
    row = set_cell(d, "workforce", 3, "team", "Disabled Childrens", "2025-08")
    return Expect("2025-08", "workforce.csv", "team", (row,), "did you mean 'Disabled Children'")


@case
def history_leave_date_outside_month(d):
    row = set_cell(d, "leavers", 1, "leave_date", "2025-09-02", "2025-07")
    return Expect("2025-07", "leavers.csv", "leave_date", (row,), "outside the month")


# --- Numbers are read as numbers --------------------------------------------------------------


@case
def comma_decimal_fte(d):
    frame = read(d, "workforce")
    i = first(frame, frame["fte"] == "0.5")
    return Expect(
        MONTH, "workforce.csv", "fte", (set_cell(d, "workforce", i, "fte", "0,5"),), "comma used"
    )


@case
def comma_decimal_sickness(d):
    row = set_cell(d, "workforce", 4, "sickness_days", "20,5")
    return Expect(MONTH, "workforce.csv", "sickness_days", (row,), "comma used as decimal point?")


@case
def comma_decimal_measure_value(d):
    frame = read(d, "measures")
    i = first(frame, frame["value"] == "83.4")
    row = set_cell(d, "measures", i, "value", "83,4")
    return Expect(MONTH, "measures.csv", "value", (row,), "comma used as decimal point?")


@case
def comma_decimal_funded_fte(d):
    row = set_cell(d, "establishment", 1, "funded_fte", "20,5")
    return Expect(MONTH, "establishment.csv", "funded_fte", (row,), "comma used as decimal")


@case
def comma_decimal_in_money(d):
    # In a money column 1,234 is a thousands separator, but 32,5 is not.
    row = set_cell(d, "agency_spend", 0, "spend_gbp", "32,5")
    return Expect(MONTH, "agency_spend.csv", "spend_gbp", (row,), "comma used as decimal point?")


@case
def bad_thousands_in_money(d):
    row = set_cell(d, "agency_spend", 2, "budget_gbp", "21,00")
    return Expect(MONTH, "agency_spend.csv", "budget_gbp", (row,), "comma used")


@case
def scientific_notation_caseload(d):
    frame = read(d, "workforce")
    i = first(frame, frame["cases"] != "")
    row = set_cell(d, "workforce", i, "cases", "1e3")
    return Expect(MONTH, "workforce.csv", "cases", (row,), "scientific notation")


@case
def infinite_sickness(d):
    row = set_cell(d, "workforce", 6, "sickness_days", "inf")
    return Expect(MONTH, "workforce.csv", "sickness_days", (row,), "not a finite number")


@case
def nan_fte(d):
    row = set_cell(d, "workforce", 7, "fte", "nan")
    return Expect(MONTH, "workforce.csv", "fte", (row,), "not a finite number")


@case
def spreadsheet_error_in_budget(d):
    row = set_cell(d, "agency_spend", 3, "budget_gbp", "#DIV/0!")
    return Expect(MONTH, "agency_spend.csv", "budget_gbp", (row,), "#DIV/0!")


@case
def fte_below_a_hundredth(d):
    row = set_cell(d, "workforce", 8, "fte", "0.001")
    return Expect(MONTH, "workforce.csv", "fte", (row,), "0.01 <= fte <= 1")


@case
def sickness_over_fte_share_of_working_days(d):
    # A 0.5 FTE worker can lose at most 11 of September's 22 working days.
    frame = read(d, "workforce")
    i = first(frame, frame["fte"] == "0.5")
    row = set_cell(d, "workforce", i, "sickness_days", "15")
    return Expect(MONTH, "workforce.csv", "sickness_days", (row,), "fte x 22 working days")


@case
def percent_measure_over_100(d):
    frame = read(d, "measures")
    i = first(frame, (frame["unit"] == "percent") & (frame["value"] != ""))
    row = set_cell(d, "measures", i, "value", "120")
    return Expect(MONTH, "measures.csv", "value", (row,), "outside 0 to 100")


@case
def percent_measure_negative_baseline(d):
    frame = read(d, "measures")
    i = first(frame, frame["unit"] == "percent")
    row = set_cell(d, "measures", i, "baseline", "-5")
    return Expect(MONTH, "measures.csv", "baseline", (row,), "outside 0 to 100")


@case
def action_completed_before_it_started(d):
    frame = read(d, "actions")
    i = first(frame, frame["status"] == "complete")
    row = set_cell(d, "actions", i, "completed_date", "2020-01-01")
    return Expect(MONTH, "actions.csv", "completed_date", (row,), "before the action's start")


@case
def workforce_start_date_1900(d):
    row = set_cell(d, "workforce", 9, "start_date", "1900-01-01")
    return Expect(MONTH, "workforce.csv", "start_date", (row,), "before 1950")


@case
def leavers_start_date_1899(d):
    row = set_cell(d, "leavers", 0, "start_date", "01/01/1899")
    return Expect(MONTH, "leavers.csv", "start_date", (row,), "before 1950")


@case
def measure_target_date_1900(d):
    row = set_cell(d, "measures", 2, "target_date", "1900-03-31")
    return Expect(MONTH, "measures.csv", "target_date", (row,), "before 1950")


@case
def action_start_date_1925(d):
    row = set_cell(d, "actions", 1, "start_date", "1925-10-01")
    return Expect(MONTH, "actions.csv", "start_date", (row,), "before 1950")


@case
def completed_in_the_future(d):
    frame = read(d, "actions")
    i = first(frame, frame["status"] == "complete")
    row = set_cell(d, "actions", i, "completed_date", "2025-12-01")
    return Expect(MONTH, "actions.csv", "completed_date", (row,), "after the reference date")


# --- Worker ids need a non-numeric part -------------------------------------------------------


@case
def numeric_worker_id_in_workforce(d):
    row = set_cell(d, "workforce", 11, "worker_id", "100234")
    return Expect(MONTH, "workforce.csv", "worker_id", (row,), "made only of digits")


@case
def numeric_worker_id_in_leavers(d):
    row = set_cell(d, "leavers", 2, "worker_id", "7")
    return Expect(MONTH, "leavers.csv", "worker_id", (row,), "made only of digits")


# --- Excel and CSV quirks ---------------------------------------------------------------------


@case
def xlsx_formulas_without_saved_values(d):
    book = to_xlsx(d, "workforce")
    sheet = book.active
    col = [c.value for c in sheet[1]].index("fte") + 1
    for r in (5, 6):
        sheet.cell(row=r, column=col).value = "=1/2"  # openpyxl saves no computed value
    book.save(path_of(d, "workforce", ext="xlsx"))
    return Expect(MONTH, "workforce.xlsx", None, (), "formula cell(s) with no saved value")


@case
def csv_duplicate_column_by_case(d):
    frame = read(d, "workforce")
    frame["FTE"] = frame["fte"]
    write(d, "workforce", frame)
    return Expect(MONTH, "workforce.csv", None, (), "'fte' and 'FTE'")


@case
def xlsx_duplicate_column_by_case_and_space(d):
    book = to_xlsx(d, "leavers")
    sheet = book.active
    sheet.cell(row=1, column=sheet.max_column + 1).value = "Leave_Date "
    book.save(path_of(d, "leavers", ext="xlsx"))
    return Expect(MONTH, "leavers.xlsx", None, (), "ignoring case and spaces")


@case
def both_csv_and_xlsx(d):
    read(d, "establishment").to_excel(path_of(d, "establishment", ext="xlsx"), index=False)
    return Expect(MONTH, "establishment.csv", None, (), "twice, as both establishment.csv and")


@case
def xlsx_data_on_second_sheet(d):
    book = to_xlsx(d, "agency_spend")
    data = book.active
    data.title = "Spend"
    book.create_sheet("Notes", 0).append(["Agency spend, September 2025, from the ledger"])
    book.save(path_of(d, "agency_spend", ext="xlsx"))
    return Expect(MONTH, "agency_spend.xlsx", None, (), "on the sheet 'Spend'")


@case
def xlsx_empty_first_sheet(d):
    book = to_xlsx(d, "establishment")
    book.create_sheet("Sheet1", 0)
    book.save(path_of(d, "establishment", ext="xlsx"))
    return Expect(MONTH, "establishment.xlsx", None, (), "empty first sheet")


@case
def csv_title_rows_above_header(d):
    path = path_of(d, "actions")
    path.write_bytes(b"Improvement plan tracker,,\nExported 30/09/2025,,\n" + path.read_bytes())
    return Expect(MONTH, "actions.csv", None, (), "column names in row 3, not row 1")


@case
def xlsx_title_row_above_header(d):
    book = to_xlsx(d, "measures")
    book.active.insert_rows(1)
    book.active["A1"] = "Progress measures"
    book.save(path_of(d, "measures", ext="xlsx"))
    return Expect(MONTH, "measures.xlsx", None, (), "column names in row 2, not row 1")


@case
def semicolon_delimited_csv(d):
    frame = read(d, "establishment")
    path_of(d, "establishment").write_text(frame.to_csv(index=False, sep=";"), encoding="utf-8")
    return Expect(MONTH, "establishment.csv", None, (), "separated by semicolons")


# --- Continuity across months -----------------------------------------------------------------


@case
def leaver_in_post_next_month(d):
    leaver = read(d, "leavers", "2025-08").loc[0, "worker_id"]
    frame = read(d, "workforce")
    frame.loc[len(frame)] = frame.loc[0]
    frame.loc[len(frame) - 1, "worker_id"] = leaver
    write(d, "workforce", frame)
    return Expect("2025-08", "leavers.csv", "worker_id", (2,), "in post again")


@case
def leaver_never_in_post(d):
    row = set_cell(d, "leavers", 3, "worker_id", "W99999")
    return Expect(MONTH, "leavers.csv", "worker_id", (row,), "in no earlier month's workforce")


@case
def same_worker_leaves_twice(d):
    earlier = read(d, "leavers", "2025-06").loc[1]
    frame = read(d, "leavers")
    frame.loc[len(frame)] = earlier
    frame.loc[len(frame) - 1, "leave_date"] = "2025-09-12"
    write(d, "leavers", frame)
    return Expect(MONTH, "leavers.csv", "worker_id", (len(frame) + 1,), "also a leaver in")


# --- Team names -------------------------------------------------------------------------------


@case
def workforce_team_plural_typo(d):
    frame = read(d, "workforce")
    i = first(frame, frame["team"] == "Disabled Children")
    row = set_cell(d, "workforce", i, "team", "Disabled Childrens")
    return Expect(MONTH, "workforce.csv", "team", (row,), "did you mean 'Disabled Children'")


@case
def leavers_team_unknown(d):
    row = set_cell(d, "leavers", 1, "team", "Atlantis Team")
    return Expect(MONTH, "leavers.csv", "team", (row,), "not in this month's establishment")


@case
def agency_spend_team_case_and_spacing(d):
    row = set_cell(d, "agency_spend", 5, "team", "child protection  east")
    return Expect(MONTH, "agency_spend.csv", "team", (row,), "did you mean 'Child Protection")


@case
def establishment_near_duplicate_teams(d):
    frame = read(d, "establishment")
    frame.loc[len(frame)] = ["care leaver", "2"]
    write(d, "establishment", frame)
    return Expect(MONTH, "establishment.csv", "team", (len(frame) + 1,), "only by case")


# --- The data folder --------------------------------------------------------------------------


@case
def month_folder_without_leading_zero(d):
    shutil.copytree(d / "2025-08", d / "2025-9")
    return Expect("2025-9", "2025-9", None, (), "not written YYYY-MM")


@case
def month_folder_with_underscore(d):
    shutil.copytree(d / MONTH, d / "2025_10")
    return Expect("2025_10", "2025_10", None, (), "not written YYYY-MM")


@case
def month_folder_thirteen(d):
    shutil.copytree(d / MONTH, d / "2025-13")
    return Expect("2025-13", "2025-13", None, (), "not written YYYY-MM")


@case
def symlink_to_outside_the_data_folder(d):
    path_of(d, "workforce").unlink()
    path_of(d, "workforce").symlink_to("/etc/passwd")
    return Expect(MONTH, "workforce.csv", None, (), "outside the data folder")


@case
def dangling_symlink(d):
    (d / MONTH / "leavers_old.csv").symlink_to(d / "nowhere" / "leavers.csv")
    return Expect(MONTH, "leavers_old.csv", None, (), "does not exist")


@case
def dangling_symlink_in_another_folder(d):
    # Not a month, but every listing of the data folder's files would trip over it.
    (d / "archive").mkdir()
    (d / "archive" / "workforce_2024.csv").symlink_to(d / "gone.csv")
    return Expect("archive", "archive/workforce_2024.csv", None, (), "does not exist")


@case
def month_folder_linked_from_elsewhere(d):
    outside = d.parent / "elsewhere"
    shutil.move(d / "2025-07", outside)
    (d / "2025-07").symlink_to(outside, target_is_directory=True)
    return Expect("2025-07", "2025-07", None, (), "outside the data folder")


# --- Running the cases ------------------------------------------------------------------------


def checksum(folder: Path) -> str:
    """A digest of every name, link target and byte under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_symlink():
            digest.update(b"->" + os.readlink(path).encode())
        elif path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def copy_history(demo_data: Path, out: Path) -> Path:
    for month in MONTHS:
        shutil.copytree(demo_data / month, out / month)
    return out


@pytest.fixture(scope="session")
def warm_cache(demo_data, tmp_path_factory) -> Path:
    """The validation cache of the untouched five months, made once by a real run.

    Each case starts from it, as a monthly run does: the months a case did not change
    are not validated again (their files' checksums match), the changed ones are.
    """
    from carelib import history_validation

    base = tmp_path_factory.mktemp("warm")
    data = copy_history(demo_data, base / "data")
    cache = base / "reports" / history_validation.CACHE_FOLDER
    report = history_validation.validate_upto(data, MONTH, cache_dir=cache)
    assert not report.has_errors, report.to_text()
    return cache


@pytest.fixture
def history_dir(demo_data, tmp_path, warm_cache) -> Path:
    """A private copy of the demo's last five months (2025-05 to 2025-09), cache warm."""
    from carelib import history_validation

    shutil.copytree(warm_cache, tmp_path / "reports" / history_validation.CACHE_FOLDER)
    return copy_history(demo_data, tmp_path / "data")


def write_config(tmp_path: Path, data: Path, extra: str = "") -> Path:
    path = tmp_path / "carelib.toml"
    path.write_text(
        f'[paths]\ndata = "{data}"\nreports = "{tmp_path / "reports"}"\n{extra}', encoding="utf-8"
    )
    return path


def published(reports: Path) -> list[str]:
    """What a run published: anything in the reports folder but its hidden files (the
    validation cache, the lock) and ``failed/`` (the analyst's, never published)."""
    if not reports.is_dir():
        return []
    return sorted(p.name for p in reports.iterdir() if p.name[0] != "." and p.name != "failed")


def run_validate(config: Path, capsys) -> tuple[int, str]:
    from carelib import cli

    code = cli.main(["--config", str(config), "validate", "--month", MONTH])
    out = capsys.readouterr()
    return code, out.out + out.err


def assert_names(text: str, expect: Expect) -> None:
    """The message names the month, file, column and rows of the problem."""
    assert expect.month in text, text
    if expect.column is None:
        lines = [line for line in text.splitlines() if expect.file in line]
    else:
        label = expect.file if expect.month == MONTH else f"{expect.file} ({expect.month})"
        lines = [
            line for line in text.splitlines() if f"ERROR {label}: column {expect.column}:" in line
        ]
    assert lines, f"no line naming {expect.file} / {expect.column}:\n{text}"
    if expect.fragment:
        assert any(expect.fragment in line for line in lines), text
    for row in expect.rows:
        assert any(re.search(rf"\brows? (?:[\d, ]+, )?{row}\b", line) for line in lines), text


def test_corpus_is_large_enough():
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_refused(name, history_dir, tmp_path, capsys):
    expect = CASES[name](history_dir)
    before = checksum(history_dir)
    config = write_config(tmp_path, history_dir)
    code, text = run_validate(config, capsys)
    assert code == expect.code, text
    assert_names(text, expect)
    assert published(tmp_path / "reports") == []
    assert checksum(history_dir) == before


# --- Valid variants: accepted, and what they must show ----------------------------------------


def test_demo_history_is_valid_and_cached(history_dir, tmp_path, capsys, monkeypatch):
    from carelib import history_validation

    monkeypatch.delenv(history_validation.CACHE_VARIABLE)  # the default place, reports/
    shutil.rmtree(tmp_path / "reports" / ".cache")
    config = write_config(tmp_path, history_dir)
    code, text = run_validate(config, capsys)
    assert code == 0, text
    assert "Earlier months also checked (every month a report reads): 4, 2025-05 to 2025-08" in text
    folder = tmp_path / "reports" / ".cache" / "validation"
    cached = sorted(p.name for p in folder.iterdir())
    assert cached == [f"{m}.json" for m in MONTHS[:-1]] + [f"continuity-{MONTH}.json", "tables"]
    # Every file of every month passed its suite: each is remembered by its checksum.
    files = {p.stem for m in MONTHS for p in (history_dir / m).iterdir()}
    assert sorted(p.name for p in (folder / "tables").iterdir()) == sorted(
        f"{m}-{f}.json" for m in MONTHS for f in files
    )
    for path in [*folder.glob("*.json"), *(folder / "tables").iterdir()]:
        assert "W0" not in path.read_text(encoding="utf-8")  # no worker id in the cache
    # A change to an earlier month's file is seen: that month is checked again.
    set_cell(history_dir, "workforce", 0, "fte", "2", "2025-06")
    code, text = run_validate(config, capsys)
    assert code == 1 and "ERROR workforce.csv (2025-06): column fte:" in text


def test_a_shared_cache_serves_every_reports_folder_and_never_the_data(
    history_dir, tmp_path, monkeypatch
):
    from carelib import history_validation

    shared = tmp_path / "shared-cache"
    monkeypatch.setenv(history_validation.CACHE_VARIABLE, str(shared))
    folder = history_validation.cache_dir(tmp_path / "reports-a", history_dir)
    assert folder == shared / "validation"
    assert history_validation.cache_dir(tmp_path / "reports-b", history_dir) == folder
    first = history_validation.validate_upto(history_dir, MONTH, cache_dir=folder)
    again = history_validation.validate_upto(history_dir, MONTH, cache_dir=folder)
    assert not first.has_errors
    assert not any(v["cached"] for v in first.earlier_months.values())
    assert all(v["cached"] for v in again.earlier_months.values())
    # Another data set's changed month is never taken from the shared verdicts.
    set_cell(history_dir, "workforce", 0, "fte", "2", "2025-06")
    changed = history_validation.validate_upto(history_dir, MONTH, cache_dir=folder)
    assert changed.has_errors and not changed.earlier_months["2025-06"]["cached"]
    monkeypatch.setenv(history_validation.CACHE_VARIABLE, str(history_dir / "cache"))
    assert history_validation.cache_dir(tmp_path / "reports", history_dir) is None


def test_thousands_separator_in_money_is_a_number(history_dir, tmp_path, capsys):
    set_cell(history_dir, "agency_spend", 0, "spend_gbp", "32,553")
    set_cell(history_dir, "agency_spend", 1, "budget_gbp", "£13,100.00")
    code, text = run_validate(write_config(tmp_path, history_dir), capsys)
    assert code == 0, text
    from carelib import loading

    spend = loading.load_month(history_dir, MONTH).agency_spend
    assert spend["spend_gbp"].iloc[0] == 32553 and spend["budget_gbp"].iloc[1] == 13100


def test_missing_month_is_a_warning_naming_it(history_dir, tmp_path, capsys):
    shutil.rmtree(history_dir / "2025-06")
    code, text = run_validate(write_config(tmp_path, history_dir), capsys)
    assert code == 0, text
    assert "WARNING no data for June 2025 (2025-06)" in text


def test_missing_month_is_named_on_the_pages(history_dir):
    from carelib import blocks, history_validation, overview, pages, runner, validation

    shutil.rmtree(history_dir / "2025-06")
    report = history_validation.validate_upto(history_dir, MONTH)
    assert not report.has_errors and report.missing_months == ["2025-06"]
    quality = str(blocks.render(validation.quality_page(report)))
    assert "Months checked" in quality and "No data for June 2025" in quality
    # Every page's header (the overview included) carries the data period, gap named.
    period = runner._data_period(history_dir, MONTH)
    assert period.endswith("; no data for June 2025")
    info = pages.PageInfo(
        council="Example",
        title="Monthly report",
        filename="index.html",
        month=MONTH,
        data_period=period,
    )
    page = pages.render(
        overview.month_body(MONTH, {}, {"checks": 1, "errors": 0, "warnings": 0}), info
    )
    assert "no data for June 2025" in page


def test_rehire_is_allowed_with_the_override(history_dir, tmp_path, capsys):
    earlier = read(history_dir, "leavers", "2025-06").loc[1].copy()
    frame = read(history_dir, "workforce")
    row = frame.loc[0].copy()
    row["worker_id"], row["start_date"] = earlier["worker_id"], "2025-09-01"
    frame.loc[len(frame)] = row
    write(history_dir, "workforce", frame)
    code, text = run_validate(write_config(tmp_path, history_dir), capsys)
    assert code == 0, text  # in post again months later, with a new start: not "returned"
    # Leaving again in September: blocked, unless rehires are allowed.
    leavers = read(history_dir, "leavers")
    again = earlier.copy()
    again["start_date"], again["leave_date"] = "2025-09-01", "2025-09-20"
    leavers.loc[len(leavers)] = again
    write(history_dir, "leavers", leavers)
    write(history_dir, "workforce", frame.drop(index=len(frame) - 1))
    code, text = run_validate(write_config(tmp_path, history_dir), capsys)
    assert code == 1 and "also a leaver in an earlier month" in text, text
    allowed = write_config(tmp_path, history_dir, "[validation]\nallow_rehires = true\n")
    code, text = run_validate(allowed, capsys)
    assert code == 0, text


def test_fully_vacant_team_is_valid_and_reported(history_dir, tmp_path, capsys):
    from carelib import loading, workforce

    frame = read(history_dir, "establishment")
    frame.loc[len(frame)] = ["Family Help Hub", "6"]
    write(history_dir, "establishment", frame)
    code, text = run_validate(write_config(tmp_path, history_dir), capsys)
    assert code == 0, text
    table = workforce.indicators(loading.load_history(history_dir, MONTH), MONTH)
    hub = table[(table["team"] == "Family Help Hub") & (table["indicator"] == "vacancy_rate")]
    assert len(hub) == 1
    assert hub["value"].iloc[0] == pytest.approx(100.0)  # a vacancy, not a division by zero
    assert hub["numerator"].iloc[0] == pytest.approx(6.0)
    agency = table[(table["team"] == "Family Help Hub") & (table["indicator"] == "agency_rate")]
    assert agency["symbol"].iloc[0] == "z"  # nobody in post: not applicable, never 0


def test_load_history_raises_instead_of_dropping(history_dir):
    from carelib import loading

    set_cell(history_dir, "workforce", 4, "sickness_days", "2,5", "2025-06")
    path_of(history_dir, "leavers", "2025-07").write_bytes(b"\x00\x01")
    with pytest.raises(loading.DataError) as info:
        loading.load_history(history_dir, MONTH)
    text = str(info.value)
    assert "2025-06: workforce.csv: column sickness_days" in text and "rows 6" in text
    assert "2025-07: leavers.csv" in text


# --- Through `carelib report`: nothing is published -------------------------------------------


def run_report(config: Path, cwd: Path) -> subprocess.CompletedProcess:
    """``carelib report`` with stand-in notebooks (the data, not the pages, is tested)."""
    from tests.publish_support import write_standins

    notebooks = write_standins(cwd / "notebooks")
    return subprocess.run(
        [sys.executable, "-m", "carelib", "--config", str(config), "report", "--month", MONTH]
        + ["--notebooks", str(notebooks)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize(
    "name", ["history_sickness_20_days_for_everyone", "symlink_to_outside_the_data_folder"]
)
def test_report_publishes_nothing(name, history_dir, tmp_path):
    expect = CASES[name](history_dir)
    before = checksum(history_dir)
    result = run_report(write_config(tmp_path, history_dir), tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert_names(result.stderr, expect)
    assert published(tmp_path / "reports") == []
    assert not (tmp_path / "reports" / MONTH).exists()
    assert checksum(history_dir) == before
