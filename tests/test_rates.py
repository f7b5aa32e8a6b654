import math

import numpy as np
import pandas as pd
import pytest

from carelib import rates


def test_scalar_formulas_by_hand():
    assert rates.agency_rate(2.0, 8.0) == pytest.approx(20.0)  # 2 / (2 + 8)
    assert rates.vacancy_rate(1.5, 13.5) == pytest.approx(10.0)  # 1.5 / 15
    assert rates.turnover_rate(1.5, 10.0) == pytest.approx(15.0)  # 1.5 / 10
    assert rates.average_caseload(45, 2.5) == pytest.approx(18.0)  # cases per FTE, no x100
    assert rates.absence_rate(10.0, 400.0) == pytest.approx(2.5)
    assert rates.agency_cover_rate(1.5, 2.0) == pytest.approx(75.0)
    assert rates.share(1, 3) == pytest.approx(33.333333333)
    assert rates.share(1, 4, scale=1) == pytest.approx(0.25)
    assert isinstance(rates.share(1, 4), float)


@pytest.mark.parametrize("den", [0, 0.0, None, float("nan"), pd.NA, np.nan])
def test_zero_or_missing_denominator_is_nan_not_zero(den):
    assert math.isnan(rates.share(3, den))
    assert math.isnan(rates.turnover_rate(3, den))
    assert math.isnan(rates.average_caseload(3, den))


def test_rates_with_both_counts_zero_are_not_applicable():
    assert math.isnan(rates.agency_rate(0, 0))
    assert math.isnan(rates.vacancy_rate(0.0, 0.0))
    assert rates.agency_rate(0, 5) == 0.0  # a real zero stays zero


def test_series_are_vectorised_and_aligned():
    agency = pd.Series([1.0, 0.0, 2.0], index=["b", "c", "a"])
    staff = pd.Series([8.0, 4.0, 0.0], index=["a", "b", "c"])
    out = rates.agency_rate(agency, staff)
    # aligned on the index: a 2/(2+8), b 1/(1+4), c 0/(0+0)
    assert out["a"] == pytest.approx(20.0)
    assert out["b"] == pytest.approx(20.0)
    assert math.isnan(out["c"])
    assert out.dtype == "float64"


def test_series_with_nullable_integers_and_scalar_mix():
    cases = pd.Series([10, None, 0], dtype="Int64")
    fte = pd.Series([0.5, 1.0, 0.0])
    out = rates.average_caseload(cases, fte)
    assert out.iloc[0] == pytest.approx(20.0)
    assert math.isnan(out.iloc[1]) and math.isnan(out.iloc[2])
    assert rates.share(pd.Series([1.0, 2.0]), 4).tolist() == [25.0, 50.0]
    assert rates.share(1.0, pd.Series([4.0, 0.0])).iloc[0] == 25.0


def test_numpy_arrays():
    out = rates.turnover_rate(np.array([1.0, 2.0]), np.array([10.0, 0.0]))
    assert out[0] == pytest.approx(10.0) and math.isnan(out[1])


def test_vacancy_fte_never_negative():
    assert rates.vacancy_fte(5.0, 3.5) == pytest.approx(1.5)
    assert rates.vacancy_fte(4.0, 4.6) == 0.0  # over establishment
    assert rates.vacancy_fte(2.0, None) == 2.0  # nobody in post
    out = rates.vacancy_fte(pd.Series([4.0, 1.0, np.nan]), pd.Series([3.0, 2.0, 1.0]))
    assert out.iloc[0] == pytest.approx(1.0) and out.iloc[1] == 0.0
    assert math.isnan(out.iloc[2])  # no funded figure: unknown, not zero


def test_symbol_and_record():
    assert rates.symbol(12.0) == ""
    assert rates.symbol(rates.share(1, 0)) == "z"
    assert rates.symbol(pd.Series([1.0, np.nan])).tolist() == ["", "z"]
    assert rates.record(rates.agency_rate(0, 0), 0, 0) == {
        "value": None,
        "symbol": "z",
        "numerator": 0.0,
        "denominator": 0.0,
    }
    assert rates.record(25.0, 1, 4)["value"] == 25.0


def test_dfe_absence_rate_by_hand():
    # 10 days lost over 4 FTE at 30 September: 10 / (4 x 253) = 0.988...%
    assert rates.dfe_absence_rate(10.0, 4.0) == pytest.approx(10 / 1012 * 100)
    assert rates.DFE_WORKING_DAYS == 253
    assert math.isnan(rates.dfe_absence_rate(3.0, 0.0))
    assert rates.dfe_absence_rate(10.0, 4.0, working_days=250) == pytest.approx(1.0)


def test_is_complete_and_partial_text():
    assert not rates.is_complete({"months_covered": 2, "window_months": 12})
    assert rates.is_complete({"months_covered": 12, "window_months": 12})
    assert rates.is_complete({"value": 3.0})  # no window: a plain value counts as complete
    assert rates.partial_text({"months_covered": 2, "window_months": 12}) == (
        "not available yet: 2 of 12 months"
    )
    assert rates.partial_text({"months_covered": 12, "window_months": 12}) == ""


def _published(column):
    import csv

    from carelib import dfe_files

    with open(dfe_files.default_file(dfe_files.DEFAULT_CSWW), encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    return [
        (float(r["working_days_lost_fte"]), float(r["inpost_fte"]), float(r[column]))
        for r in rows
        if all(
            r[c].replace(".", "", 1).isdigit()
            for c in ("working_days_lost_fte", "inpost_fte", column)
        )
        and float(r["inpost_fte"]) > 0
    ]


def test_dfe_absence_definition_reproduces_the_shipped_file():
    # DfE's published absence rate is days lost / (FTE at 30 September x 253): checked on
    # every row of the shipped indicators file (inputs published to 1 dp, so allow the
    # rounding of small counts).
    rows = _published("absence_rate_fte")
    assert len(rows) > 1300
    close = [abs(rates.dfe_absence_rate(d, f) - r) <= 0.051 for d, f, r in rows]
    assert sum(close) / len(rows) > 0.95
    within = [abs(rates.dfe_absence_rate(d, f) - r) <= 0.3 for d, f, r in rows]
    assert sum(within) / len(rows) > 0.99
    # 260 days (weekdays alone) does not: the divisor is 253.
    close_260 = [abs(rates.dfe_absence_rate(d, f, 260) - r) <= 0.051 for d, f, r in rows]
    assert sum(close_260) / len(rows) < 0.5
