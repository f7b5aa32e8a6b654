"""Small-number suppression: primary, secondary, and no total giving a hidden cell back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carelib import suppression
from carelib.suppression import (
    SUPPRESSED,
    revealed_cells,
    suppress_counts,
    suppress_cumulative,
    suppression_mask,
)


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


def test_cells_hidden_by_another_rule_get_a_complement():
    t = leavers_table([12, 9, 8, 20], [40, 41, 42, 43])
    forced = pd.DataFrame(False, index=t.index, columns=["month", "year"])
    forced.loc["total", "month"] = True  # e.g. a cumulative figure hidden across months
    out = suppress_counts(t, ["month", "year"], 5, total_row="total", hidden=forced)
    # Nothing is small, yet the hidden total would be the sum of its cells: the smallest
    # cell of its column goes too, and nothing else.
    assert list(out["month"]) == [12, 9, SUPPRESSED, 20, SUPPRESSED]
    assert list(out["year"]) == [40, 41, 42, 43, 166]
    assert revealed_cells(out, t, ["month", "year"], total_row="total") == []
    # Threshold 0 turns off the small-count rule, not the other rule's cells.
    mask = suppression_mask(t, ["month", "year"], 0, total_row="total", hidden=forced)
    assert mask["month"].tolist() == [False, False, True, False, True]


# --- Cumulative series ---------------------------------------------------------------------


C = SUPPRESSED


def steps_shown(out: pd.Series, groups=None) -> list[float]:
    """Differences between consecutive shown figures of each group."""
    labels = [0] * len(out) if groups is None else list(groups)
    last, steps = {}, []
    for value, group in zip(out, labels, strict=True):
        if value == C or pd.isna(value):
            continue
        if group in last:
            steps.append(value - last[group])
        last[group] = value
    return steps


def test_a_small_monthly_step_hides_the_later_figure():
    # Starters in the year to date: April to June are small; July 9 then August 10 would
    # say that one person started in August.
    out = suppress_cumulative([1, 2, 3, 9, 10, 18], 5)
    assert out.tolist() == [C, C, C, 9, C, 18]
    # A step of exactly the threshold is small; one more is not; 0 (nobody) is shown.
    assert suppress_cumulative([20, 25, 31, 31], 5).tolist() == [20, C, 31, 31]


def test_each_figure_is_compared_with_the_previous_shown_figure():
    # 12 is hidden (step 2); then 14 is 4 more than 10, the figure a reader still sees,
    # so it is hidden too; 30 is 20 more than 10 and stays.
    assert suppress_cumulative([10, 12, 14, 30], 5).tolist() == [10, C, C, 30]
    # ... and not with the hidden one: 17 is 7 more than 10 (only 4 more than 13).
    assert suppress_cumulative([10, 13, 17], 5).tolist() == [10, C, 17]
    # A long run of small steps: every other shown figure is at least 6 apart.
    out = suppress_cumulative([10, 12, 14, 16, 18, 20, 22], 5)
    assert out.tolist() == [10, C, C, 16, C, C, 22]


def test_the_result_is_stable():
    for values in ([10, 12, 14, 30], [3, 9, 10, 15, 16, 22, 22, 27], [8, 14, 15, 19, 21, 40]):
        once = suppress_cumulative(values, 5)
        assert suppress_cumulative(once, 5).tolist() == once.tolist()
        assert not any(0 < abs(step) <= 5 for step in steps_shown(once))


def test_groups_start_again():
    # The financial year starts again at zero: 2 in April is small (shown alone it is
    # April's count); 9 in May is compared with nothing of its year, and 43 in March is
    # not compared with it.
    values = [33, 36, 40, 43, 2, 9, 10]
    years = ["24-25"] * 4 + ["25-26"] * 3
    out = suppress_cumulative(values, 5, groups=years)
    assert out.tolist() == [33, C, 40, C, C, 9, C]
    # Figures of different groups are never compared: 33 starts a new run, so its
    # difference from 30 is not a count of people.
    assert suppress_cumulative([20, 30, 33], 5, groups=["a", "a", "b"]).tolist() == [20, 30, 33]
    assert suppress_cumulative([20, 30, 33], 5).tolist() == [20, 30, C]
    # Groups need not be contiguous: each is compared with its own previous figure.
    out = suppress_cumulative([20, 50, 23, 58], 5, groups=["a", "b", "a", "b"])
    assert out.tolist() == [20, 50, C, 58]


def test_hidden_and_missing_figures_are_not_shown_so_the_next_is_compared_further_back():
    values = pd.Series([10, C, 14, np.nan, 18, 25], index=list("abcdef"), dtype=object)
    out = suppress_cumulative(values, 5)
    assert list(out.index) == list("abcdef")
    assert out["b"] == C and pd.isna(out["d"])  # a missing figure stays missing (x or z)
    assert out.tolist()[:3] == [10, C, C] and out["e"] == 18 and out["f"] == 25
    # A falling step is a count of people too (people taken out of the figure).
    assert suppress_cumulative([30, 28, 20], 5).tolist() == [30, C, 20]


def test_threshold_zero_and_bad_groups():
    assert suppress_cumulative([1, 2, 3], 0).tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="groups"):
        suppress_cumulative([1, 2, 3], 5, groups=[1, 1])


@pytest.mark.parametrize("seed", range(30))
def test_random_cumulative_series_never_show_a_small_step(seed):
    rng = np.random.default_rng(seed)
    monthly = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 15], size=24)
    years = np.repeat([0, 1], 12)
    values = np.concatenate([np.cumsum(monthly[:12]), np.cumsum(monthly[12:])])
    out = suppress_cumulative(values, 5, groups=years)
    shown = out[out != C]
    assert (shown.astype(float) == values[shown.index]).all()  # shown figures are true
    assert not shown.between(1, 5).any()
    assert not any(0 < abs(step) <= 5 for step in steps_shown(out, years))
    # Nothing is hidden without cause: each hidden figure is small, or within the
    # threshold of the shown figure before it in its year.
    last = {}
    for i, (value, year) in enumerate(zip(values, years, strict=True)):
        if out[i] == C:
            assert 1 <= value <= 5 or (year in last and abs(value - last[year]) <= 5)
        else:
            last[year] = value
