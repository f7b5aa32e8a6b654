"""XmR charts to the Making Data Count rules: cases built from the published guidance.

Most cases start from the same 12-point baseline, 11, 9, 11, 9, ... (mean 10, every
moving range 2), with ``baseline=12`` so that the points added after it do not move the
limits: the limits are then exactly 10 +/- 2.66 x 2 (4.68 to 15.32) and the two-sigma
lines 10 +/- (2/3) x 2.66 x 2 (6.4533 to 13.5467), and every added point is checked
against numbers worked out by hand. The baseline alternates across the mean and up and
down, so on its own it has no run, trend or two-of-three pattern; it ends at 9 (below the
mean), so an added pattern above the mean starts its own run.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from carelib import config, spc, spc_section

BASE = [11.0, 9.0] * 6
MEAN, MR = 10.0, 2.0
UPPER, LOWER = MEAN + spc.LIMIT_FACTOR * MR, MEAN - spc.LIMIT_FACTOR * MR
UPPER_2S, LOWER_2S = MEAN + spc.TWO_SIGMA_FACTOR * MR, MEAN - spc.TWO_SIGMA_FACTOR * MR
OLD_COLUMNS = [
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


def months(n: int, start: str = "2023-10") -> list[str]:
    first = pd.Period(start, freq="M")
    return [str(first + i) for i in range(n)]


def chart_of(added, polarity="lower_is_better", **kwargs) -> pd.DataFrame:
    """The XmR chart of BASE followed by ``added``, limits fixed from BASE."""
    values = pd.Series(BASE + list(added), dtype="float64")
    return spc.xmr(values, polarity=polarity, baseline=12, **kwargs)


def tail(chart: pd.DataFrame, column: str) -> list:
    """``column`` for the points after the baseline."""
    return chart[column].iloc[12:].tolist()


# --- Limits -----------------------------------------------------------------------------


def test_limits_by_hand_and_columns_kept():
    # 10, 12, 11, 13 three times: mean 11.5; moving ranges 2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2
    # (sum 21, mean 21/11); limits 11.5 +/- 2.66 x 21/11.
    chart = spc.xmr(pd.Series([10.0, 12.0, 11.0, 13.0] * 3))
    assert chart["mean"].iloc[0] == pytest.approx(11.5)
    assert chart["upper"].iloc[0] == pytest.approx(11.5 + 2.66 * 21 / 11)
    assert chart["lower"].iloc[0] == pytest.approx(11.5 - 2.66 * 21 / 11)
    assert chart["upper_two_sigma"].iloc[0] == pytest.approx(11.5 + 2 / 3 * 2.66 * 21 / 11)
    assert chart["moving_range"].tolist()[1:4] == [2.0, 1.0, 2.0]
    assert not chart["special_cause"].any()
    assert list(chart.columns[: len(OLD_COLUMNS)]) == OLD_COLUMNS
    assert set(chart["variation"]) == {"common_cause"}


def test_baseline_fixes_the_limits():
    chart = chart_of([14.0, 13.0, 12.0])
    assert (chart["mean"] == MEAN).all() and (chart["upper"] == UPPER).all()
    assert (chart["points"] == 12).all()
    with pytest.raises(ValueError, match="at least 12"):
        spc.xmr(pd.Series(BASE), baseline=6)


# --- Each rule on its own ------------------------------------------------------------------


def test_beyond_a_limit_and_exactly_on_a_limit():
    chart = chart_of([UPPER, 9.0, UPPER + 0.01, 11.0, LOWER, 11.0, LOWER - 0.01])
    assert tail(chart, "rule") == ["", "", "beyond_limits", "", "", "", "beyond_limits"]
    assert tail(chart, "side")[2] == "high" and tail(chart, "side")[6] == "low"
    assert tail(chart, "direction")[2] == "concern"  # high, lower is better
    assert tail(chart, "direction")[6] == "improvement"


def test_run_of_seven_on_one_side_of_the_mean():
    # Seven points above the mean, inside the two-sigma lines, zig-zagging (no trend).
    chart = chart_of([11, 12, 11, 12, 11, 12, 11, 9])
    assert tail(chart, "rule") == ["run"] * 7 + [""]
    assert set(tail(chart, "side")[:7]) == {"high"}
    assert set(tail(chart, "direction")[:7]) == {"concern"}
    # Six are not a run.
    assert "run" not in set(chart_of([11, 12, 11, 12, 11, 12, 9])["rule"])


def test_a_point_exactly_on_the_mean_ends_a_run():
    # Three above, one on the mean, four above: no run of 7 (NHSRplotthedots: a point on
    # the mean is on neither side). Moved just above the mean, the eight points are a run.
    assert "run" not in set(chart_of([11, 12, 11, MEAN, 12, 11, 12, 11, 9])["rule"])
    assert tail(chart_of([11, 12, 11, 10.5, 12, 11, 12, 11, 9]), "rule") == ["run"] * 8 + [""]


def test_trend_of_seven_rising_across_the_mean():
    chart = chart_of([7, 8, 9, 10.5, 11, 12, 13, 12])
    assert tail(chart, "rule") == ["trend"] * 7 + [""]
    assert set(tail(chart, "side")[:7]) == {"high"}  # its direction, not its side of the mean
    assert set(tail(chart, "direction")[:7]) == {"concern"}
    improving = chart_of([7, 8, 9, 10.5, 11, 12, 13, 12], polarity="higher_is_better")
    assert set(tail(improving, "direction")[:7]) == {"improvement"}


def test_six_rising_or_an_unchanged_value_is_not_a_trend():
    assert "trend" not in set(chart_of([7, 8, 9, 10.5, 11, 12, 11])["rule"])
    assert "trend" not in set(chart_of([7, 8, 9, 9, 10.5, 11, 12, 13, 12])["rule"])


def test_a_point_shared_by_two_trends_takes_the_later_direction():
    chart = chart_of([7, 8, 9, 10.5, 11, 12, 13, 12, 11, 10.5, 9, 8, 7])
    assert set(tail(chart, "rule")) == {"trend"}
    sides = tail(chart, "side")
    assert sides[:6] == ["high"] * 6 and sides[6:] == ["low"] * 7  # the peak (13) goes down


def test_two_of_three_beyond_two_sigma():
    # 13.8 and 13.9 are beyond the upper two-sigma line (13.5467), inside the limit; 12
    # between them is on the same side of the mean. Only the two are flagged.
    chart = chart_of([13.8, 12, 13.9, 9])
    assert tail(chart, "rule") == ["two_of_three", "", "two_of_three", ""]
    assert tail(chart, "direction")[0] == "concern"
    # Lower side, read with polarity.
    low = chart_of([6.2, 8, 6.3, 11], polarity="lower_is_better")
    assert tail(low, "rule")[:3] == ["two_of_three", "", "two_of_three"]
    assert tail(low, "direction")[0] == "improvement"


def test_two_of_three_needs_all_three_on_one_side_and_two_beyond():
    # The point between is below the mean: no pattern (NHSRplotthedots issue 143).
    assert "two_of_three" not in set(chart_of([13.8, 8, 13.9, 9])["rule"])
    # The point between is exactly on the mean: not on the same side either.
    assert "two_of_three" not in set(chart_of([13.8, MEAN, 13.9, 9])["rule"])
    # Only one beyond the line.
    assert "two_of_three" not in set(chart_of([13.8, 12, 11, 9])["rule"])
    # Exactly on the two-sigma line is not beyond it.
    assert "two_of_three" not in set(chart_of([UPPER_2S, 12, 13.9, 9])["rule"])
    # Beyond on opposite sides.
    assert "two_of_three" not in set(chart_of([13.8, 9, 6.2, 11])["rule"])


def test_a_point_beyond_the_limit_counts_towards_two_of_three():
    # Making Data Count's 2023 change: every point beyond two sigma counts, so 13.8 is
    # flagged with 16 (beyond the limit, which names that point by precedence).
    chart = chart_of([13.8, 12, 16, 9])
    assert tail(chart, "rule") == ["two_of_three", "", "beyond_limits", ""]
    assert tail(chart, "rules")[2] == "beyond_limits,two_of_three"


# --- Overlaps and precedence --------------------------------------------------------------


def test_trend_takes_precedence_over_run():
    # Seven falling points all above the mean: a run above (concern for lower-is-better)
    # and a falling trend (improvement). Making Data Count names them a trend:
    # improvement (the demo's agency rate, May to July 2024).
    # The eighth point rises but stays above the mean: the run goes on, the trend does not.
    chart = chart_of([13.4, 13.0, 12.6, 12.2, 11.8, 11.4, 11.0, 12])
    assert tail(chart, "rule") == ["trend"] * 7 + ["run"]
    assert tail(chart, "rules")[:7] == ["trend,run"] * 7
    assert tail(chart, "direction") == ["improvement"] * 7 + ["concern"]


def test_beyond_limits_takes_precedence_over_trend():
    chart = chart_of([7, 8, 9, 10.5, 11, 12, 16, 9])
    rules = tail(chart, "rule")
    assert rules[:6] == ["trend"] * 6 and rules[6] == "beyond_limits"
    assert "trend" in tail(chart, "rules")[6]


def test_two_of_three_takes_precedence_over_run_and_trend_over_two_of_three():
    run = chart_of([11, 13.8, 12, 13.9, 11, 12, 11, 9])
    assert tail(run, "rule") == ["run", "two_of_three", "run", "two_of_three"] + ["run"] * 3 + [""]
    rising = chart_of([8, 9, 10.5, 11, 12, 13.6, 13.9, 9])
    assert tail(rising, "rule")[:7] == ["trend"] * 7
    assert tail(rising, "rules")[5] == "trend,two_of_three"


# --- Missing values --------------------------------------------------------------------------


def test_a_missing_value_ends_a_run_and_a_trend():
    assert "run" not in set(chart_of([11, 12, 11, None, 12, 11, 12, 11, 9])["rule"])
    assert "trend" not in set(chart_of([7, 8, 9, None, 10.5, 11, 12, 13, 12])["rule"])
    chart = chart_of([11, 12, 11, None, 12, 11, 12, 11, 9])
    gap = chart.iloc[15]
    assert not gap["special_cause"] and gap["rule"] == "" and gap["variation"] == ""


def test_no_moving_range_across_a_gap():
    # 12 observed points around a gap; joined across the gap the moving range 12 -> 12
    # would be 0 and the mean moving range 20/11. Taken only between neighbours it is 2.
    values = pd.Series([10, 12, 10, 12, 10, 12, None, 12, 10, 12, 10, 12, 10], dtype="float64")
    chart = spc.xmr(values)
    assert math.isnan(chart["moving_range"].iloc[6]) and math.isnan(chart["moving_range"].iloc[7])
    assert chart["mean"].iloc[0] == pytest.approx(11.0)
    assert chart["upper"].iloc[0] == pytest.approx(11.0 + 2.66 * 2)
    assert (chart["points"] == 12).all()  # a gap is no point


# --- How many points ---------------------------------------------------------------------------


def test_fewer_than_12_points_have_no_limits_or_verdict():
    values = pd.Series([9.0, 11.0] * 5 + [50.0])  # 11 points, one far out
    chart = spc.xmr(values, polarity="lower_is_better", target=5)
    assert chart[["mean", "upper", "lower"]].isna().all().all()
    assert not chart["special_cause"].any()
    assert set(chart["variation"]) == {""} and set(chart["assurance"]) == {""}
    reading = spc.reading(chart)
    assert reading.variation_label == "Not available"
    assert "Only 11 points" in reading.warning
    # One point more (with a gap, which does not count) and there are limits.
    assert spc.xmr(pd.Series([9.0, 11.0] * 5 + [None, 50.0]))["mean"].isna().all()
    assert spc.xmr(pd.Series([9.0, 11.0] * 6 + [50.0]))["special_cause"].iloc[-1]


@pytest.mark.parametrize(("n", "warned"), [(12, True), (19, True), (20, False)])
def test_12_to_19_points_warn(n, warned):
    chart = spc.xmr(pd.Series(([9.0, 11.0] * 10)[:n]))
    assert chart["mean"].notna().all()
    assert bool(spc.reading(chart).warning) is warned
    if warned:
        assert f"rest on {n} points" in chart["warning"].iloc[-1]


# --- Rebasing ---------------------------------------------------------------------------------


def test_rebasing_gives_each_period_its_own_limits():
    index = months(24)  # 2023-10 to 2025-09
    values = pd.Series([11.0, 9.0] * 6 + [21.0, 19.0] * 6, index=index)
    whole = spc.xmr(values, polarity="lower_is_better")
    assert whole["special_cause"].any()  # one set of limits: the step is special cause
    chart = spc.xmr(values, polarity="lower_is_better", breaks=["2024-10"])
    assert chart["segment"].tolist() == [0] * 12 + [1] * 12
    assert set(chart["mean"].iloc[:12]) == {10.0} and set(chart["mean"].iloc[12:]) == {20.0}
    assert chart["upper"].iloc[12] == pytest.approx(20 + 2.66 * 2)
    assert math.isnan(chart.loc["2024-10", "moving_range"])  # none across the break
    assert not chart["special_cause"].any()
    # A break between labels starts at the next one; one outside the data changes nothing.
    assert spc.xmr(values, breaks=["2024-09-15"])["segment"].tolist() == [0] * 12 + [1] * 12
    assert set(spc.xmr(values, breaks=["2023-01", "2026-01"])["segment"]) == {0}


def test_a_short_period_after_a_rebase_has_no_limits():
    index = months(20)
    values = pd.Series([11.0, 9.0] * 6 + [21.0, 19.0] * 4, index=index)
    chart = spc.xmr(values, polarity="lower_is_better", target=15, breaks=[index[12]])
    assert chart["mean"].iloc[12:].isna().all() and chart["mean"].iloc[:12].notna().all()
    assert spc.reading(chart).assurance == ""  # the latest period has no limits
    assert "Only 8 points" in spc.reading(chart).warning


def test_baseline_applies_to_each_period():
    index = months(30)
    values = pd.Series([11.0, 9.0] * 6 + [30.0] + [21.0, 19.0] * 6 + [5.0] * 5, index=index)
    chart = spc.xmr(values, baseline=12, breaks=[index[13]])
    assert chart["mean"].iloc[0] == 10.0 and chart["mean"].iloc[13] == 20.0
    assert chart["rule"].iloc[12] == "beyond_limits"  # after its period's baseline


# --- Readings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "polarity", "expected"),
    [
        (16.0, "lower_is_better", "pass"),  # every likely value is under the target
        (4.0, "lower_is_better", "fail"),
        (10.0, "lower_is_better", "hit_and_miss"),
        (16.0, "higher_is_better", "fail"),
        (4.0, "higher_is_better", "pass"),
        (10.0, "higher_is_better", "hit_and_miss"),
        (UPPER, "lower_is_better", "hit_and_miss"),  # on a limit: not beyond it
        (LOWER, "higher_is_better", "hit_and_miss"),
        (16.0, "", ""),  # no polarity: no assurance
        (None, "lower_is_better", ""),
    ],
)
def test_assurance(target, polarity, expected):
    chart = spc.xmr(pd.Series(BASE), polarity=polarity, target=target)
    reading = spc.reading(chart)
    assert reading.assurance == expected
    assert reading.assurance_label == spc.ASSURANCE_LABELS[expected]


def test_assurance_reads_the_latest_period():
    # Limits 4.68 to 15.32, then 24.68 to 35.32: a target of 20 is passed, then failed.
    values = pd.Series([11.0, 9.0] * 6 + [31.0, 29.0] * 6, index=months(24))
    chart = spc.xmr(values, polarity="lower_is_better", target=20, breaks=["2024-10"])
    assert chart["assurance"].iloc[0] == "pass" and chart["assurance"].iloc[-1] == "fail"
    assert spc.reading(chart).assurance == "fail"


def test_variation_reading():
    assert spc.reading(chart_of([11])).variation == "common_cause"
    assert spc.reading(chart_of([16])).variation_label == "Special cause concern"
    assert spc.reading(chart_of([16], polarity="higher_is_better")).variation == "improvement"
    assert spc.reading(chart_of([16], polarity="")).variation == "neither_high"
    assert spc.reading(chart_of([3], polarity="")).variation_label == (
        "Special cause, neither improvement nor concern (lower)"
    )
    assert spc.reading(chart_of([16], polarity="")).assurance == ""


def test_bad_polarity_and_empty_series():
    with pytest.raises(ValueError):
        spc.xmr(pd.Series([1.0, 2.0]), polarity="up")
    assert spc.xmr(pd.Series([], dtype="float64")).empty
    assert spc.reading(spc.xmr(pd.Series([], dtype="float64"))).variation == ""


# --- Configuration -------------------------------------------------------------------------------


def test_spc_settings_from_config():
    cfg = config.validate(
        {"spc": {"baseline_points": 20, "rebase_agency_rate": ["2024-06: pay cap", "2025-01"]}}
    )
    settings = spc.settings(cfg["spc"])
    assert settings.baseline == 20
    assert dict(settings.rebase["agency_rate"]) == {"2024-06": "pay cap", "2025-01": ""}
    assert dict(settings.rebase["vacancy_rate"]) == {}
    assert spc.settings(config.validate({})["spc"]).baseline is None
    with pytest.raises(config.ConfigError, match="spc.rebase_agency_rate.*2024-6"):
        spc.settings(config.validate({"spc": {"rebase_agency_rate": ["2024-6"]}})["spc"])
    with pytest.raises(config.ConfigError, match="spc.baseline_points"):
        spc.settings(config.validate({"spc": {"baseline_points": 5}})["spc"])
    with pytest.raises(config.ConfigError, match="spc.rebase_agency"):
        config.validate({"spc": {"rebase_agency": ["2024-06"]}})


# --- The section ---------------------------------------------------------------------------------


def _series(values, breaks=None, target=15.0) -> spc_section.Series:
    index = months(len(values))
    chart = spc.xmr(
        pd.Series(values, index=index, dtype="float64"),
        polarity="lower_is_better",
        breaks=list(breaks or {}),
        target=target,
    )
    chart["label"] = [pd.Period(m, freq="M").strftime("%b %Y") for m in index]
    return spc_section.Series(
        "agency_rate", "Agency rate", "percent", "lower_is_better", chart, target, breaks or {}
    )


def test_chart_draws_the_break_with_its_label():
    s = _series([11.0, 9.0] * 6 + [21.0, 19.0] * 6, breaks={"2024-10": "pay cap"}, target=12.0)
    fig = spc_section.draw(s)
    ax = fig.axes[0]
    lines = {(tuple(line.get_xdata()), tuple(line.get_ydata())) for line in ax.get_lines()}
    verticals = [x for x, _ in lines if len(x) == 2 and x[0] == x[1]]
    assert verticals == [(11.5, 11.5)]  # between September and October 2024
    assert any(
        "Limits recalculated" in t.get_text() and "pay cap" in t.get_text() for t in ax.texts
    )
    # Each period's mean is drawn over its own months only.
    assert ((-0.4, 11.4), (10.0, 10.0)) in lines and ((11.6, 23.4), (20.0, 20.0)) in lines
    spc_section.charts.pyplot().close(fig)
    sentence = spc_section.reading_sentence(s)
    assert "recalculated from October 2024 (pay cap)" in sentence
    # The target (12) is below the latest period's lower limit (14.68): lower is better.
    assert "Assurance: consistently fails" in sentence


def test_summary_frame_says_variation_and_assurance_in_words():
    frame = spc_section.summary_frame(
        [
            _series(BASE, target=16.0),
            _series(BASE + [30.0], target=10.0),
            _series(BASE[:11], target=10.0),
            _series(BASE, target=None),
        ]
    )
    assert frame["Variation"].tolist()[:3] == [
        "Common cause variation",
        "Special cause concern (beyond a process limit)",
        "Not available",
    ]
    assert frame["Assurance"].tolist() == [
        "Consistently passes the target",
        "Hit and miss: sometimes passes, sometimes fails the target",
        "Not available",
        "No target set",
    ]
    assert "rest on 12 points" in frame["Notes"].iloc[0]
    assert "span a shift" not in frame["Notes"].iloc[0]
    shifted = spc_section.summary_frame([_series([11.0, 9.0] * 6 + [21.0, 19.0] * 6)])
    assert "span a shift" in shifted["Notes"].iloc[0]  # improvement (below), then concern
    assert "Only 11 points" in frame["Notes"].iloc[2]


# --- The demo's page (the session's shared build) ---------------------------------------------


def test_workforce_page_shows_the_spc_summary(demo_reports, demo_data):
    import browser_support as bs

    from carelib import notebook, workforce_data
    from carelib.views import workforce_spc
    from carelib.workforce_data import SPC_INDICATORS

    html = (demo_reports / bs.MONTH / "workforce.html").read_text(encoding="utf-8")
    tables = {t.caption: t for t in bs.tables(html)}
    summary = tables["SPC summary: variation and assurance of each indicator at the latest month"]
    ctx = notebook.setup(bs.MONTH, demo_data, bs.ROOT / "carelib.toml", "", False)
    data = workforce_data.build(ctx)
    expected = spc_section.summary_frame([workforce_spc.series(data, i) for i in SPC_INDICATORS])
    assert summary.header == list(expected.columns)
    assert summary.rows == expected.astype(str).values.tolist()
    assert summary.column("Indicator") == [
        "Agency rate",
        "Vacancy rate",
        "Average caseload",
        "Turnover rate (12 months)",
    ]
    # The Making Data Count verdicts the issue names: turnover's two-of-three concern and
    # the agency rate's falling trend, May to July 2024, read as improvement.
    # Each chart title says what its heading does not (the limits and the signal), so it
    # never repeats the h3 above it.
    headings = {" ".join(h.get_text(" ").split()) for h in bs.soup(html).select("main h3")}
    charted = [t for t in tables if "against limits of" in t]
    assert len(charted) == len(SPC_INDICATORS)
    assert all(re.search(r"\d", t) and "signal" in t for t in charted), charted
    assert not headings & set(charted)
    assert not [t for t in charted for h in headings if h and h in t]
    turnover = next(t for t in charted if t.startswith("Turnover rate (12 months), "))
    rows = {r[0]: r[-1] for r in tables[turnover].rows}
    for month in ("December 2024", "February 2025"):
        assert rows[month].startswith("Special cause concern: two or three of 3"), rows[month]
    agency = next(t for t in charted if t.startswith("Agency rate, "))
    rows = {r[0]: r[-1] for r in tables[agency].rows}
    for month in ("May 2024", "June 2024", "July 2024"):
        assert rows[month].startswith("Special cause improvement: part of a trend"), rows[month]
    text = " ".join(bs.soup(html).get_text(" ").split())
    assert "Warning: The limits rest on 13 points" in text  # turnover: 13 complete windows


def test_workforce_page_rebases_from_the_config(demo_data, tmp_path):
    """``[spc] rebase_agency_rate`` reaches the agency chart, its sentence and the table."""
    import browser_support as bs

    from carelib import blocks, notebook, workforce_data
    from carelib.views import workforce as views
    from carelib.views import workforce_spc

    text = (bs.ROOT / "carelib.toml").read_text(encoding="utf-8")
    assert "rebase_agency_rate = []" in text
    path = tmp_path / "carelib.toml"
    path.write_text(
        text.replace(
            "rebase_agency_rate = []", 'rebase_agency_rate = ["2024-06: fixed agency pay rate"]'
        ),
        encoding="utf-8",
    )
    data = workforce_data.build(notebook.setup(bs.MONTH, demo_data, path, "", False))
    chart = workforce_spc.chart(data, "agency_rate")
    assert chart.loc[:"2024-05", "segment"].eq(0).all()
    assert chart.loc["2024-06":, "segment"].eq(1).all()
    assert chart.loc[:"2024-05", "mean"].isna().all()  # 8 points: no limits of their own
    assert chart.loc["2024-06":, "mean"].notna().all()
    later = chart.loc["2024-06":, "value"]
    assert chart.loc["2025-09", "mean"] == pytest.approx(later.mean())
    assert (chart.loc["2024-06":, "points"] == 16).all()
    sentence = workforce_spc.reading_sentence(data, "agency_rate")
    assert "recalculated from June 2024 (fixed agency pay rate)" in sentence
    assert "The 8 months before that are too few for limits" in sentence
    view = views.spc(data)
    said = " ".join(view.sentences)
    assert "The limits rest on 16 points" in said
    assert "recalculated from June 2024" in said  # the chart's sentence
    assert "recalculated from June 2024" in view.figures[0].alt
    assert isinstance(view.tables[0], blocks.Table)
