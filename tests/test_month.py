"""The reporting month type: parsing, arithmetic, days, labels and financial years."""

import datetime as dt
import json
import pickle

import numpy as np
import pandas as pd
import pytest

from carelib import dates
from carelib import month as month_type
from carelib.month import Month


def test_a_month_is_its_text():
    m = Month(" 2025-09 ")
    assert m == "2025-09" and isinstance(m, str)
    assert {m: 1}["2025-09"] == 1
    assert json.dumps({"month": m}) == '{"month": "2025-09"}'
    assert repr(m) == "'2025-09'"
    assert pickle.loads(pickle.dumps(m)) == m and type(pickle.loads(pickle.dumps(m))) is Month
    assert f"reports/{m}" == "reports/2025-09"
    assert m + "-01" == "2025-09-01" and type(m + "-01") is str
    assert m.index("-") == 4  # still a str method


@pytest.mark.parametrize("bad", ["2025-9", "2025-13", "2025-00", "25-09", "2025/09", "", "Sep"])
def test_a_month_not_written_yyyy_mm_is_refused(bad):
    with pytest.raises(ValueError, match="is not written YYYY-MM"):
        Month(bad)
    assert not month_type.is_month(bad)


def test_months_from_days():
    assert Month(dt.date(2024, 2, 29)) == "2024-02"
    assert Month(pd.Timestamp("2025-12-31 23:00")) == "2025-12"
    assert Month.of(dt.datetime(2023, 1, 1)) == "2023-01"


def test_arithmetic_across_years():
    m = Month("2025-01")
    assert m + 11 == "2025-12" and m + 12 == "2026-01" and 12 + m == "2026-01"
    assert m - 1 == "2024-12" and m - 25 == "2022-12"
    assert type(m - 1) is Month and type(m + np.int64(3)) is Month
    assert Month("2026-03") - m == 14 and m - Month("2026-03") == -14
    assert m - "2024-11" == 2 and "2025-03" - m == 2
    assert m.months_since("2024-01") == 12
    assert m.previous == "2024-12" and m.next == "2025-02"
    assert Month.from_index(m.ordinal) == m and m.ordinal == 2025 * 12
    with pytest.raises(TypeError):
        m - 1.5


def test_ranges():
    assert Month.range("2023-11", "2024-02") == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert Month("2024-02").until("2024-02") == ["2024-02"]
    assert Month.range("2024-03", "2024-02") == []
    assert len(Month.range("2023-10", "2025-09")) == 24


def test_days_and_labels():
    assert Month("2024-02").first_day == dt.date(2024, 2, 1)
    assert Month("2024-02").last_day == dt.date(2024, 2, 29)
    assert Month("2023-02").reference_date == dt.date(2023, 2, 28)
    assert Month("2025-09").label == "September 2025"
    assert Month("2025-09").short_label == "Sep 2025"
    assert (Month("2025-09").year, Month("2025-09").month) == (2025, 9)


@pytest.mark.parametrize(
    "month, start, label, first, last",
    [
        ("2026-03", 4, "2025-26", "2025-04", "2026-03"),
        ("2026-04", 4, "2026-27", "2026-04", "2027-03"),
        ("2026-03", 1, "2026", "2026-01", "2026-12"),
        ("1999-12", 4, "1999-00", "1999-04", "2000-03"),
        ("2025-08", 9, "2024-25", "2024-09", "2025-08"),
    ],
)
def test_financial_years(month, start, label, first, last):
    m = Month(month)
    assert m.financial_year(start) == label
    assert m.financial_year_start(start) == first
    assert m.financial_year_end(start) == last


def test_vectorised_month_indices_agree_with_the_type():
    months = pd.Series(["2023-10", "2024-02", "2025-09"])
    idx = month_type.indices_of_text(months)
    assert list(idx) == [Month(m).ordinal for m in months]
    days = pd.Series(pd.to_datetime(["2024-02-29", None, "2025-09-01"]))
    assert list(month_type.indices_of_dates(days)) == [
        Month("2024-02").ordinal,
        -month_type.FAR,
        Month("2025-09").ordinal,
    ]
    ends = month_type.ends_of_indices(idx)
    assert [pd.Timestamp(e).date() for e in ends] == [Month(m).last_day for m in months]
    firsts = month_type.financial_year_first(idx, 4)
    assert [Month.from_index(f) for f in firsts] == [
        Month(m).financial_year_start(4) for m in months
    ]


def test_dates_functions_delegate_to_the_month_type():
    assert dates.parse_month("2025-09") == Month("2025-09")
    assert type(dates.add_months("2025-09", 1)) is Month
    assert dates.month_range("2025-11", "2026-01") == Month.range("2025-11", "2026-01")
    assert dates.month_of(dt.date(2025, 9, 5)) == "2025-09"
    assert dates.month_start("2025-09") == dt.date(2025, 9, 1)
    assert dates.month_label("2024-02") == "February 2024"
