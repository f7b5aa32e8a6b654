import pandas as pd
import pytest

from carelib import spc


def test_limits_by_hand():
    # values 10, 12, 11, 13: mean 11.5; moving ranges 2, 1, 2 -> mean 5/3;
    # limits 11.5 +/- 2.66 x 5/3 = 11.5 +/- 4.4333...
    chart = spc.xmr(pd.Series([10.0, 12.0, 11.0, 13.0]))
    assert chart["mean"].iloc[0] == pytest.approx(11.5)
    assert chart["upper"].iloc[0] == pytest.approx(15.933333333)
    assert chart["lower"].iloc[0] == pytest.approx(7.066666667)
    assert chart["moving_range"].tolist()[1:] == [2.0, 1.0, 2.0]
    assert not chart["special_cause"].any()
    assert list(chart.columns) == [
        "value",
        "mean",
        "upper",
        "lower",
        "moving_range",
        "special_cause",
        "rule",
        "side",
        "direction",
    ]


def test_beyond_limits_with_polarity():
    values = pd.Series([10, 12, 11, 13, 12, 30.0], index=list("abcdef"))
    # mean 88/6 = 14.667; moving ranges 2,1,2,1,18 -> 4.8; upper 14.667 + 12.768 = 27.43
    lower_better = spc.xmr(values, polarity="lower_is_better")
    assert lower_better.loc["f", "rule"] == "beyond_limits"
    assert lower_better.loc["f", "side"] == "high"
    assert lower_better.loc["f", "direction"] == "concern"
    assert lower_better["special_cause"].sum() == 1
    assert spc.xmr(values, polarity="higher_is_better").loc["f", "direction"] == "improvement"
    assert spc.xmr(values).loc["f", "direction"] == ""  # no polarity: flagged, no direction


def test_run_of_seven_below_the_mean():
    # 6 points high then 7 low, all within the limits: mean 140/13 = 10.77, mean moving
    # range 24/12 = 2, limits 5.45 to 16.09. The 7 low points form a run; the 6 high
    # ones do not (one short).
    values = pd.Series([12, 14, 11, 13, 12, 14, 9, 10, 8, 10, 9, 8, 10.0])
    chart = spc.xmr(values, polarity="lower_is_better")
    runs = chart["rule"] == "run"
    assert runs.tolist() == [False] * 6 + [True] * 7
    assert set(chart.loc[runs, "direction"]) == {"improvement"}
    assert set(chart.loc[runs, "side"]) == {"low"}


def test_six_on_one_side_is_not_a_run():
    values = pd.Series([5, 5.5, 5, 5.5, 5, 5.5, 1, 9, 1, 9, 1, 9.0])
    assert "run" not in set(spc.xmr(values)["rule"])


def test_point_on_the_mean_breaks_a_run():
    # mean is exactly 90 / 9 = 10; 3 above, one on the mean, 4 above: no run of 7.
    values = pd.Series([11, 11, 11, 10, 11, 11, 11, 11, 3.0])
    assert (spc.xmr(values)["mean"] == 10.0).all()
    assert "run" not in set(spc.xmr(values)["rule"])


def test_trend_of_seven_increasing():
    # 7 increasing points (6 rises) after noise; turnover rising is a concern.
    values = pd.Series([5, 6, 5, 6, 5, 5.2, 5.4, 5.6, 5.8, 6.0, 6.2, 5, 6.0])
    chart = spc.xmr(values, polarity="lower_is_better")
    trend = chart["rule"] == "trend"
    assert trend.tolist() == [False] * 4 + [True] * 7 + [False] * 2
    assert set(chart.loc[trend, "direction"]) == {"concern"}
    # six points rising (5 rises) is not a trend
    assert "trend" not in set(spc.xmr(values.iloc[:10])["rule"])


def test_baseline_and_missing_values():
    values = pd.Series([10, 11, None, 10, 11, 10, 30.0])
    chart = spc.xmr(values, baseline=4)
    # baseline: first 4 non-missing points 10, 11, 10, 11 -> mean 10.5, mR 1
    assert chart["mean"].iloc[0] == pytest.approx(10.5)
    assert chart["upper"].iloc[0] == pytest.approx(13.16)
    assert chart.loc[2, "rule"] == "" and not chart.loc[2, "special_cause"]
    assert chart.loc[3, "moving_range"] == 1.0  # joins the points either side of the gap
    assert chart.loc[6, "rule"] == "beyond_limits"


def test_short_series_have_no_limits():
    chart = spc.xmr(pd.Series([3.0]))
    assert chart["upper"].isna().all() and not chart["special_cause"].any()
    assert spc.xmr(pd.Series([], dtype="float64")).empty


def test_bad_polarity():
    with pytest.raises(ValueError):
        spc.xmr(pd.Series([1.0, 2.0]), polarity="up")
