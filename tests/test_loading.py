import datetime as dt

import pandas as pd
import pytest

from carelib import loading

HEADER = (
    "worker_id,team,role,employment,fte,start_date,start_origin,asye,cases,"
    "covering_vacancy,sickness_days"
)
ROWS = [
    "W1,Fostering & Adoption,case_holder,permanent,0.6,30/09/2024,newly_qualified,Yes,14,,1.5",
    "W2,Assessment 1,Case_Holder,AGENCY,1,2025-09-01,agency,n,20,TRUE,0",
    "W3,Assessment 1,alternatively_qualified,fixed_term,1.0,01/01/2020,,0,,,0",
]


def month_folder(tmp_path, name="workforce", text=None, encoding="utf-8", month="2025-09"):
    folder = tmp_path / month
    folder.mkdir(parents=True, exist_ok=True)
    text = text if text is not None else "\n".join([HEADER, *ROWS]) + "\n"
    (folder / f"{name}.csv").write_bytes(text.encode(encoding))
    return folder


def check_typed(frame):
    assert list(frame["worker_id"]) == ["W1", "W2", "W3"]
    assert frame["fte"].tolist() == [0.6, 1.0, 1.0]
    assert frame["start_date"].tolist() == [
        pd.Timestamp("2024-09-30"),
        pd.Timestamp("2025-09-01"),
        pd.Timestamp("2020-01-01"),
    ]
    assert frame["asye"].tolist() == [True, False, False]
    assert frame["cases"].tolist()[:2] == [14, 20] and pd.isna(frame["cases"].iloc[2])
    assert frame["covering_vacancy"].iloc[1] and pd.isna(frame["covering_vacancy"].iloc[0])
    assert frame["role"].tolist()[1] == "case_holder"
    assert frame["employment"].tolist()[1] == "agency"
    assert pd.isna(frame["start_origin"].iloc[2])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_encodings(tmp_path, encoding):
    text = "\n".join([HEADER, *ROWS]).replace(
        "Fostering & Adoption", "Fostering & Adoption £ \u2018Hub\u2019"
    )
    folder = month_folder(tmp_path, text=text + "\n", encoding=encoding)
    table = loading.load_table(folder, "workforce")
    assert table.problems == []
    check_typed(table.data)
    assert table.data["team"].iloc[0] == "Fostering & Adoption £ \u2018Hub\u2019"
    assert list(table.raw.columns)[0] == "worker_id"  # BOM never sticks to the header


def test_xlsx_first_sheet(tmp_path):
    folder = tmp_path / "2025-09"
    folder.mkdir()
    frame = pd.read_csv(
        pd.io.common.StringIO("\n".join([HEADER, *ROWS])), dtype=str, keep_default_na=False
    )
    frame["start_date"] = pd.to_datetime(["2024-09-30", "2025-09-01", "2020-01-01"])
    frame["fte"] = [0.6, 1, 1.0]
    with pd.ExcelWriter(folder / "workforce.xlsx") as writer:
        frame.to_excel(writer, index=False, sheet_name="extract")
        pd.DataFrame({"x": [1]}).to_excel(writer, index=False, sheet_name="other")
    table = loading.load_table(folder, "workforce")
    assert table.path.suffix == ".xlsx"
    assert table.problems == []
    check_typed(table.data)


def test_unreadable_values_are_problems_with_rows(tmp_path):
    text = HEADER + "\nW1,A,case_holder,permanent,x,2025-13-01,,maybe,1.5,,0\n" + ROWS[1] + "\n"
    table = loading.load_table(month_folder(tmp_path, text=text), "workforce")
    found = {(p.column, p.rule): p for p in table.problems}
    assert found[("fte", "number_format")].rows == [2]
    assert found[("start_date", "date_format")].values == ["2025-13-01"]
    assert found[("asye", "boolean_format")].rows == [2]
    assert found[("cases", "integer")].values == ["1.5"]
    assert ("cases", "integer_format") not in found  # reported once


def test_month_first_dates_are_never_guessed(tmp_path):
    text = HEADER + "\nW1,A,case_holder,permanent,1,09/30/2025,,no,1,,0\n"
    table = loading.load_table(month_folder(tmp_path, text=text), "workforce")
    assert [p.rule for p in table.problems] == ["date_format"]


@pytest.mark.parametrize(
    "content, message",
    [(b"", "empty"), (b"\x00\x01\x02PK", "binary"), (b"a,b\n1,2,3,4\n", "well-formed")],
)
def test_unreadable_files(tmp_path, content, message):
    folder = tmp_path / "2025-09"
    folder.mkdir()
    (folder / "workforce.csv").write_bytes(content)
    table = loading.load_table(folder, "workforce")
    assert len(table.problems) == 1 and message in table.problems[0].message
    assert table.problems[0].dataset == "workforce"


def test_missing_file_and_optional_columns(tmp_path):
    text = (
        "worker_id,team,role,employment,fte,start_date,asye,sickness_days,extra\n"
        "W1,A,case_holder,permanent,1,2020-01-01,no,0,kept\n"
    )
    folder = month_folder(tmp_path, text=text)
    data = loading.load_month(tmp_path, "2025-09")
    assert data.workforce["cases"].isna().all()  # optional column added empty
    assert data.workforce["extra"].tolist() == ["kept"]  # extra columns kept
    missing = [p for p in data.problems if p.rule == "file_present"]
    assert {p.dataset for p in missing} == {
        "leavers",
        "establishment",
        "agency_spend",
        "actions",
        "measures",
    }
    assert data.reference_date == dt.date(2025, 9, 30)
    assert folder.joinpath("workforce.csv").read_text().endswith("kept\n")  # never written


def test_history_stacks_months_in_order(tmp_path):
    month_folder(tmp_path, month="2025-08")
    month_folder(tmp_path, month="2025-09")
    (tmp_path / "notes").mkdir()
    assert loading.available_months(tmp_path) == ["2025-08", "2025-09"]
    history = loading.load_history(tmp_path, "2025-09")
    assert history.months == ["2025-08", "2025-09"]
    assert history.workforce.groupby("month").size().tolist() == [3, 3]
    assert loading.load_history(tmp_path, "2025-08").months == ["2025-08"]
    assert loading.load_history(tmp_path, "2025-09", n_months=1).months == ["2025-09"]
