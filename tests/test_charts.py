"""The public chart helpers: the house look on any chart, as a page block (tested as data)."""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest
from PIL import Image

from carelib import blocks, chart_images, charts
from tests.conftest import ROOT

MONTHS = [f"2024-{m:02d}" for m in range(1, 13)] + [f"2025-{m:02d}" for m in range(1, 10)]
RATES = pd.DataFrame(
    {
        "month": MONTHS * 2,
        "team": ["North"] * len(MONTHS) + ["South"] * len(MONTHS),
        "rate": [30 - i * 0.5 for i in range(len(MONTHS))]
        + [22.0 + i % 4 for i in range(len(MONTHS))],
    }
)


def x_labels(ax) -> list[str]:
    return [t.get_text() for t in ax.get_xticklabels()]


def test_the_house_look_is_seaborns_whitegrid_theme_without_importing_seaborn():
    """The values seaborn's theme sets, written out, and carelib's charts never import it."""
    import matplotlib
    import seaborn as sns

    theme = {**sns.axes_style("whitegrid"), **sns.plotting_context("notebook", font_scale=1.05)}
    for key, value in theme.items():
        if key in charts.WHITEGRID:
            assert charts.WHITEGRID[key] == pytest.approx(value), key
        elif key != "image.cmap":  # no chart draws an image
            assert matplotlib.rcParamsDefault[key] == value, key
    assert set(charts.WHITEGRID) <= set(theme)
    code = (
        "import sys, pandas as pd; from carelib import charts\n"
        "f = pd.DataFrame({'m': ['Jan', 'Feb'], 'v': [1.0, 2.0]})\n"
        "charts.figure(charts.trend(f, 'm', {'Council': 'v'}, ylabel='x'), title='t', alt='a',"
        " source='s')\n"
        "print('seaborn' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.stdout.strip() == "False", run.stderr


def test_house_chart_gives_an_analysts_own_chart_month_labels_unit_title_and_source():
    plt = charts.pyplot()
    fig, ax = plt.subplots()
    counts = RATES.groupby("month")["rate"].mean()
    ax.bar(counts.index.astype(str), counts.to_numpy())
    ax.set_title("Mean agency rate")
    chart = charts.house_chart(
        fig,
        title="Mean agency rate",
        alt="The mean agency rate fell from 26% to 22%.",
        source="Monthly HR extract",
        ylabel="Agency rate",
        unit="percent",
        data=counts.reset_index(),
    )
    assert isinstance(chart, blocks.Figure)
    assert (chart.title, chart.alt, chart.source) == (
        "Mean agency rate",
        "The mean agency rate fell from 26% to 22%.",
        "Monthly HR extract",
    )
    assert chart.data.frame.shape == (len(MONTHS), 2)
    assert ax.get_title() == ""  # shown once, above the image, not again inside it
    assert ax.get_ylabel() == "Agency rate (%)" and ax.get_ylim()[0] == 0
    # The desktop image had at most eight month labels, always the last; the phone
    # rendition (drawn after it on the same axes) keeps five at most.
    labels = x_labels(ax)
    assert 1 < len(labels) <= chart_images.PHONE_MAX_XLABELS
    assert all(pd.to_datetime(label, format="%b %Y") is not None for label in labels)
    with Image.open(io.BytesIO(chart.png)) as image:
        assert image.width > 500
    assert chart.phone_png is None or chart.phone_png != chart.png
    html = chart._repr_html_()
    assert 'alt="The mean agency rate fell from 26% to 22%."' in html
    assert "Source: Monthly HR extract" in html


def test_month_labels_on_a_date_axis_and_the_unit_written_once():
    plt = charts.pyplot()
    fig, ax = plt.subplots(figsize=(4, 3))  # narrow: no phone rendition redraws the ticks
    ax.plot(pd.to_datetime([m + "-01" for m in MONTHS]), range(len(MONTHS)))
    ax.set_ylabel("Caseload (cases)")
    charts.house_chart(fig, title="Caseload", alt="Rising.", source="HR", unit="cases")
    labels = x_labels(ax)
    assert 1 < len(labels) <= charts.MOST_MONTH_LABELS
    assert all(label[:3].isalpha() and label[-4:].isdigit() for label in labels), labels
    assert ax.get_ylabel() == "Caseload (cases)"


def test_month_ticks_label_at_most_eight_months_and_always_the_last():
    plt = charts.pyplot()
    fig, ax = plt.subplots()
    charts.month_ticks(ax, MONTHS)
    labels = x_labels(ax)
    assert len(labels) <= 8 and labels[-1] == "Sep 2025" and labels[0].endswith("2024")
    plt.close(fig)


@pytest.mark.parametrize("missing", ["title", "alt", "source"])
def test_a_chart_without_a_title_alt_text_or_source_is_refused(missing):
    plt = charts.pyplot()
    fig, ax = plt.subplots()
    texts = {"title": "T", "alt": "A", "source": "S", missing: " "}
    with pytest.raises(ValueError, match=f"a chart needs a {missing}"):
        charts.house_chart(fig, **texts)
    plt.close(fig)


def test_line_draws_one_labelled_line_per_hue_with_seaborn_and_keeps_the_numbers():
    chart = charts.line(
        RATES,
        "month",
        "rate",
        hue="team",
        unit="percent",
        ylabel="Agency rate",
        target=18.0,
        title="Agency rate by team",
        alt="North fell to 20%; South stayed near 22%.",
        source="Monthly HR extract",
    )
    assert chart.title == "Agency rate by team" and chart.source == "Monthly HR extract"
    frame = chart.data.frame
    assert list(frame.columns) == ["month", "team", "rate"] and len(frame) == 2 * len(MONTHS)
    assert frame["rate"].iloc[len(MONTHS) - 1] == "20.0%"  # as the chart labels it
    assert chart.png.startswith(b"\x89PNG")


def test_bars_and_points_by_month_and_by_team():
    latest = RATES[RATES["month"] >= "2025-06"]
    grouped = charts.bars(
        latest, "month", "rate", hue="team", unit="percent", title="B", alt="A", source="S"
    )
    assert grouped.data.frame.shape == (8, 3)
    across = charts.bars(
        RATES[RATES["month"] == "2025-09"],
        "team",
        "rate",
        unit="percent",
        horizontal=True,
        title="Agency rate by team, September 2025",
        alt="South is higher.",
        source="S",
    )
    assert list(across.data.frame["team"]) == ["North", "South"]
    dots = charts.points(latest, "month", "rate", hue="team", title="P", alt="A", source="S")
    assert dots.png.startswith(b"\x89PNG") and dots.data.frame.shape == (8, 3)


def test_is_month_like_tells_months_from_other_axes():
    assert charts.is_month_like(["2025-08", "2025-09-01"])
    assert charts.is_month_like(pd.to_datetime(["2025-08-01", "2025-09-01"]))
    assert not charts.is_month_like(["2025-08-15"])
    assert not charts.is_month_like([0, 1, 2])
    assert not charts.is_month_like(["North", "South"])


def test_the_examples_in_the_docstrings_hold():
    import doctest

    from carelib import tidy_charts

    assert doctest.testmod(charts).failed == 0
    assert doctest.testmod(tidy_charts).failed == 0
