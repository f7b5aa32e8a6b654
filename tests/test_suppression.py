"""Small-number suppression: primary, secondary, and no total giving a hidden cell back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carelib import suppression
from carelib.suppression import SUPPRESSED, revealed_cells, suppress_counts, suppression_mask


def leavers_table(month, year):
    frame = pd.DataFrame({"month": month, "year": year}, index=[f"r{i}" for i in range(len(month))])
    frame.loc["total"] = [sum(month), sum(year)]
    return frame


def test_small_counts_become_c_and_zero_and_large_counts_stay():
    t = leavers_table([2, 0, 0, 7], [15, 5, 1, 9])
    out = suppress_counts(t, ["month", "year"], 5, total_row="total")
    assert out.at["r0", "month"] == SUPPRESSED and out.at["r2", "year"] == SUPPRESSED
    assert out.at["r1", "year"] == SUPPRESSED  # 5 is within 1..threshold
    assert out.at["r1", "month"] == 0 and out.at["r2", "month"] == 0  # zeros are shown
    assert out.at["r0", "year"] == 15


def test_a_lone_small_cell_gets_a_complement_so_the_total_does_not_reveal_it():
    t = leavers_table([12, 3, 8, 20], [40, 41, 42, 43])
    primary_only = t.astype("object")
    primary_only.loc["r1", "month"] = SUPPRESSED
    # The checker itself can fail: primary suppression alone leaves 3 = 43 - 12 - 8 - 20.
    assert revealed_cells(primary_only, t, ["month", "year"], total_row="total") == [
        ("r1", "month")
    ]
    out = suppress_counts(t, ["month", "year"], 5, total_row="total")
    assert list(out["month"]) == [12, SUPPRESSED, SUPPRESSED, 20, 43]  # smallest other: 8
    assert revealed_cells(out, t, ["month", "year"], total_row="total") == []


def test_a_table_without_a_total_row_is_protected_as_if_the_total_were_published():
    t = pd.DataFrame({"n": [30, 4, 11, 25]})
    out = suppress_counts(t, ["n"], 5)
    assert (out["n"] == SUPPRESSED).sum() == 2
    assert out.at[2, "n"] == SUPPRESSED  # 11 is the smallest other count
    assert revealed_cells(out, t, ["n"]) == []


def test_complement_prefers_a_non_zero_cell_and_uses_a_zero_only_when_it_must():
    t = pd.DataFrame({"n": [0, 3, 9, 0]})
    assert list(suppress_counts(t, ["n"], 5)["n"]) == [0, SUPPRESSED, SUPPRESSED, 0]
    t = pd.DataFrame({"n": [0, 3, 0]})
    out = suppress_counts(t, ["n"], 5)
    assert (out["n"] == SUPPRESSED).sum() == 2


def test_a_small_total_is_suppressed_and_cannot_be_rebuilt_from_its_cells():
    t = leavers_table([2, 0, 0], [20, 30, 12])
    out = suppress_counts(t, ["month", "year"], 5, total_row="total")
    assert out.at["total", "month"] == SUPPRESSED
    assert out.at["r0", "month"] == SUPPRESSED
    assert revealed_cells(out, t, ["month", "year"], total_row="total") == []


def test_cross_table_is_protected_along_rows_and_columns():
    # Cohorts: started = in post + left, with a total row and a total column.
    t = pd.DataFrame(
        {"started": [9, 12, 20], "in_post": [6, 9, 17], "left": [3, 3, 3]}, index=["a", "b", "c"]
    )
    t.loc["total"] = t.sum()
    cols = ["started", "in_post", "left"]
    out = suppress_counts(t, cols, 5, total_row="total", total_col="started")
    assert out.at["a", "left"] == SUPPRESSED and out.at["b", "left"] == SUPPRESSED
    assert revealed_cells(out, t, cols, total_row="total", total_col="started") == []
    # Every row with a hidden "left" also hides another cell of that row.
    for row in ("a", "b", "c"):
        assert (out.loc[row, cols] == SUPPRESSED).sum() != 1


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_never_reveal_a_suppressed_cell(seed):
    rng = np.random.default_rng(seed)
    rows, cols = rng.integers(2, 7), rng.integers(2, 5)
    values = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 30], size=(rows, cols))
    frame = pd.DataFrame(values, columns=[f"c{j}" for j in range(cols)])
    frame["total"] = frame.sum(axis=1)
    frame.loc["total"] = frame.sum()
    columns = list(frame.columns)
    out = suppress_counts(frame, columns, 5, total_row="total", total_col="total")
    shown = out[columns].astype("object")
    small = (frame[columns] >= 1) & (frame[columns] <= 5)
    assert (shown[small] == SUPPRESSED).sum().sum() == small.sum().sum()
    assert revealed_cells(out, frame, columns, total_row="total", total_col="total") == []
    # Cells still shown are the true numbers.
    kept = shown != SUPPRESSED
    assert (shown[kept].fillna(-1) == frame[columns][kept].fillna(-1)).all().all()


def test_dependent_columns_are_hidden_with_their_count():
    t = pd.DataFrame({"workers": [2, 40, 30], "share": [2.8, 55.6, 41.7]})
    out = suppress_counts(t, ["workers"], 5, dependent={"workers": ["share"]})
    assert list(out["share"]) == [SUPPRESSED, 55.6, SUPPRESSED]


def test_missing_cells_and_threshold_zero():
    t = pd.DataFrame({"n": [np.nan, 3.0, 12.0, 20.0]})
    mask = suppression_mask(t, ["n"], 5)
    assert list(mask["n"]) == [False, True, True, False]
    assert not suppression_mask(t, ["n"], 0).any().any()


def test_fte_is_treated_conservatively():
    assert list(suppression.is_small([0.0, 0.4, 4.9, 5.0, 5.1], 5)) == [
        False,
        True,
        True,
        True,
        False,
    ]


def test_bad_arguments_are_named():
    t = pd.DataFrame({"n": [1, 2]})
    with pytest.raises(KeyError, match="nope"):
        suppression_mask(t, ["nope"], 5)
    with pytest.raises(ValueError, match="axis"):
        suppression_mask(t, ["n"], 5, axis="diagonal")
