"""Charts in the house look: a colour-blind-safe palette, text labels, alt text, numbers.

Every chart on a page is a :class:`carelib.blocks.Figure`: a title, the image (inlined,
so the page works offline), alt text that states the finding, a source line and the
numbers as a table. Lines are told apart by labels, markers and dash styles as well as
colour. For analysts (docs/adding-a-section.md):

- :func:`line`, :func:`bars` and :func:`points` draw a tidy table with seaborn (``hue``
  for the series) and return the block;
- :func:`house_chart` gives any chart drawn by hand the house look (month labels, the
  unit once on the axis label, title, source line, alt text) and returns the block;
- :func:`month_ticks` and :func:`axis_label` are the two touches on their own.

carelib's own report charts (:func:`trend`, :func:`bar`) are in
:mod:`carelib.report_charts`, the PNG rendering in :mod:`carelib.chart_images`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from carelib import blocks, dates
from carelib.chart_images import figure_png, phone_png
from carelib.report_charts import bar, trend
from carelib.tidy_charts import bars, line, points

__all__ = [
    "HOUSE_STYLE",
    "PALETTE",
    "WHITEGRID",
    "axis_label",
    "bar",
    "bars",
    "figure",
    "house_chart",
    "line",
    "month_ticks",
    "new_figure",
    "points",
    "pyplot",
    "trend",
]

#: Okabe-Ito palette: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
#: Dark text-safe versions for labels on white.
INK = "#0b0c0c"
GREY = "#505a5f"
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
DASHES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 1))]

#: seaborn's ``whitegrid`` theme at a font scale of 1.05: the values ``seaborn.set_theme``
#: would set, written out so that no chart needs seaborn imported just to look like the
#: others (tests/test_charts.py checks them against seaborn's own).
WHITEGRID = {
    "axes.axisbelow": True,
    "axes.edgecolor": ".8",
    "axes.grid": True,
    "axes.labelcolor": ".15",
    "axes.labelsize": 12.6,
    "axes.linewidth": 1.25,
    "axes.titlesize": 12.6,
    "font.sans-serif": [
        "Arial",
        "DejaVu Sans",
        "Liberation Sans",
        "Bitstream Vera Sans",
        "sans-serif",
    ],
    "font.size": 12.6,
    "grid.color": ".8",
    "grid.linewidth": 1.0,
    "legend.fontsize": 11.55,
    "legend.title_fontsize": 12.6,
    "lines.solid_capstyle": "round",
    "patch.edgecolor": "w",
    "patch.force_edgecolor": True,
    "text.color": ".15",
    "xtick.bottom": False,
    "xtick.color": ".15",
    "xtick.labelsize": 11.55,
    "xtick.major.size": 6.0,
    "xtick.major.width": 1.25,
    "xtick.minor.size": 4.0,
    "xtick.minor.width": 1.0,
    "ytick.left": False,
    "ytick.color": ".15",
    "ytick.labelsize": 11.55,
    "ytick.major.size": 6.0,
    "ytick.major.width": 1.25,
    "ytick.minor.size": 4.0,
    "ytick.minor.width": 1.0,
}
#: The house look: :data:`WHITEGRID` with carelib's own touches (no top or right spine,
#: bold titles, near-black text).
HOUSE_STYLE = {
    **WHITEGRID,
    "figure.dpi": 100,
    "savefig.dpi": 110,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titleweight": "bold",
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "text.color": INK,
    "svg.fonttype": "none",
}

_configured = False


def pyplot():
    """Import matplotlib and give it the house look (:data:`HOUSE_STYLE`) on first use.

    In IPython (a JupyterLab kernel, the monthly run's kernels, an IPython console) the
    backend is left as it is, so an analyst's own figures still show inline and reach
    the page; carelib's charts close their figures once rendered (:func:`figure_png`),
    so they never show twice. A plain Python process draws off-screen (Agg).
    """
    global _configured
    import matplotlib

    if not _in_ipython():
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not _configured:
        from cycler import cycler  # a dependency of matplotlib

        plt.rcParams.update(HOUSE_STYLE)
        plt.rcParams["axes.prop_cycle"] = cycler(color=PALETTE)
        _configured = True
    return plt


def _in_ipython() -> bool:
    """Whether an IPython shell (a Jupyter kernel included) is running in this process."""
    import sys

    ipython = sys.modules.get("IPython")
    return ipython is not None and ipython.get_ipython() is not None


def new_figure(width: float = 8.0, height: float = 3.6):
    """Return ``(fig, ax)`` sized for a report page."""
    plt = pyplot()
    return plt.subplots(figsize=(width, height), layout="constrained")


def figure(
    fig,
    *,
    title: str,
    alt: str,
    source: str,
    data: pd.DataFrame | None = None,
    data_caption: str | None = None,
    formats: Mapping[str, object] | None = None,
) -> blocks.Figure:
    """Return an accessible chart block for a matplotlib figure.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The chart; it is rendered (at desktop and phone widths) and closed.
    title : str
        What the chart shows (shown above it).
    alt : str
        Alt text that states the finding, e.g. "The agency rate fell from 38% to 23%".
    source : str
        Where the numbers come from.
    data : pandas.DataFrame, optional
        The numbers behind the chart, shown as a table under a "Show the numbers" control.
    data_caption : str, optional
        Caption of that table (defaults to the title).
    formats : mapping, optional
        Column formats for the table (see :func:`carelib.blocks.table`).
    """
    desktop = figure_png(fig, close=False)
    phone = phone_png(fig)
    pyplot().close(fig)
    table = None
    if data is not None:
        table = blocks.table(data, data_caption or title, formats=dict(formats or {}))
    return blocks.Figure(title, desktop, alt, source, table, phone)


# --- The house look for any chart (an analyst's own included) --------------------------

#: How a unit is written once, on the value axis's label: "Agency rate (%)".
UNIT_LABELS = {
    "percent": "%",
    "gbp": "£",
    "days": "days",
    "fte": "FTE",
    "cases": "cases",
    "count": "",
}
#: Most month labels on a desktop chart's x axis (the last month is always labelled).
MOST_MONTH_LABELS = 8


def is_month_like(values: Sequence) -> bool:
    """Whether every value is a month: ``2025-09``, a ``2025-09-01`` date or a timestamp.

    Examples
    --------
    >>> is_month_like(["2025-08", "2025-09"]), is_month_like(["Team A"]), is_month_like([])
    (True, False, False)
    """
    values = list(values)
    if not values:
        return False
    if all(isinstance(v, str) for v in values):
        return all(
            dates.is_month(v[:7]) and (len(v) == 7 or (len(v) == 10 and v.endswith("-01")))
            for v in values
        )
    if all(isinstance(v, dt.date | np.datetime64) for v in values):
        return bool((pd.to_datetime(pd.Series(values)).dt.day == 1).all())
    return False


def month_text(month) -> str:
    """A month as chart axes write it: ``Sep 2025`` (from ``2025-09`` or a date).

    Text that is not a month (``Sep 2025`` already) is kept as it is.
    """
    if isinstance(month, str):
        if not is_month_like([month]):
            return month
        return dates.reference_date(month[:7]).strftime("%b %Y")
    return pd.Timestamp(month).strftime("%b %Y")


def month_ticks(
    ax,
    months: Sequence,
    most: int = MOST_MONTH_LABELS,
    *,
    positions: Sequence[float] | None = None,
) -> None:
    """Label an axis's months as ``Sep 2025``: at most eight, evenly spaced, the last one too.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The chart's axes.
    months : sequence
        The months along the x axis, in order (``YYYY-MM`` strings, dates, or labels
        already written as ``Sep 2025``).
    most : int, default 8
        The most labels shown.
    positions : sequence of float, optional
        Where each month sits on the axis; by default ``0, 1, 2, ...`` (a categorical
        axis, as ``ax.bar(month_strings, ...)`` or seaborn's bar and point plots draw).
    """
    months = list(months)
    if not months:
        return
    at = list(positions) if positions is not None else list(range(len(months)))
    step = max(1, -(-len(months) // most))
    keep = list(range(len(months) - 1, -1, -step))[::-1]
    ax.set_xticks([at[k] for k in keep])
    ax.set_xticklabels([month_text(months[k]) for k in keep], rotation=0, fontsize=9)


def _label_months(ax) -> None:
    """Give an axis whose x values are months the house month labels, if it has them."""
    import matplotlib.dates as mdates

    if isinstance(ax.xaxis.get_converter(), mdates.DateConverter | mdates._SwitchableDateConverter):
        low, high = (mdates.num2date(v) for v in sorted(ax.get_xlim()))
        starts = pd.date_range(low.date().replace(day=1), high.date(), freq="MS")
        inside = [d for d in starts if low.timestamp() <= d.timestamp() <= high.timestamp()]
        if inside:
            month_ticks(ax, inside, positions=mdates.date2num(inside))
        return
    ticks = list(ax.get_xticks())
    labels = [t.get_text() for t in ax.get_xticklabels()]
    if len(labels) == len(ticks) and is_month_like(labels):
        month_ticks(ax, labels, positions=ticks)


def axis_label(label: str, unit: str | None) -> str:
    """An axis label with its unit written once: ``axis_label("Agency rate", "percent")``.

    Examples
    --------
    >>> axis_label("Agency rate", "percent"), axis_label("Caseload", None)
    ('Agency rate (%)', 'Caseload')
    """
    suffix = UNIT_LABELS.get(unit, unit) if unit else ""  # a count needs none
    if not suffix or label.endswith(f"({suffix})"):
        return label
    return f"{label} ({suffix})"


def house_chart(
    fig,
    *,
    title: str,
    alt: str,
    source: str,
    ylabel: str | None = None,
    xlabel: str | None = None,
    unit: str | None = None,
    months: bool = True,
    data: pd.DataFrame | None = None,
    formats: Mapping[str, object] | None = None,
) -> blocks.Figure:
    """Give any matplotlib or seaborn chart the house look and return it as a page block.

    Draw the chart as you like (``plt.subplots()``, ``ax.plot``, ``sns.barplot``...),
    then pass its figure here. The result shows in JupyterLab and, in the monthly run,
    on the page exactly as carelib's own charts do: the title above the image, the alt
    text on it, the source line under it and the numbers behind a "Show the numbers"
    control.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The chart; it is rendered and closed (so it does not also show on its own).
    title : str
        What the chart shows, shown above it (an axes title of the same text is removed,
        so it is not written twice).
    alt : str
        Alt text that states the finding, e.g. "Agency staff fell from 38% to 23%".
    source : str
        Where the numbers come from, e.g. "Monthly HR extract".
    ylabel, xlabel : str, optional
        Axis labels; ``ylabel`` gets the unit once, e.g. "Agency rate (%)".
    unit : str, optional
        ``percent``, ``gbp``, ``days``, ``fte``, ``cases`` or any text such as
        ``"children per worker"``. A percentage axis starts at zero.
    months : bool
        Label an x axis of months (``YYYY-MM`` categories or dates) as ``Sep 2025``,
        at most eight of them, always the last.
    data : pandas.DataFrame, optional
        The numbers behind the chart (shown as a table under the chart).
    formats : mapping, optional
        Column formats for that table (see :func:`carelib.blocks.table`).

    Returns
    -------
    carelib.blocks.Figure

    Raises
    ------
    ValueError
        When ``title``, ``alt`` or ``source`` is empty: every chart needs all three.
    """
    for name, text in (("title", title), ("alt", alt), ("source", source)):
        if not str(text or "").strip():
            raise ValueError(f"a chart needs a {name}: pass {name}='...'")
    if fig._suptitle is not None and fig._suptitle.get_text() == title:
        fig._suptitle.set_text("")
    for ax in fig.axes:
        if ax.get_title() == title:
            ax.set_title("")
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
        if ylabel is not None or unit:
            ax.set_ylabel(axis_label(ylabel if ylabel is not None else ax.get_ylabel(), unit))
        if xlabel is not None:
            ax.set_xlabel(xlabel)
        if unit == "percent":
            ax.set_ylim(bottom=0)
        if months:
            _label_months(ax)
    return figure(fig, title=title, alt=alt, source=source, data=data, formats=formats)


# --- workforce chart helpers (moved from workforce_report.py)


def right_labels(ax, items: list[tuple]) -> None:
    """Write direct labels in the right margin, at their values, never on top of each other.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The chart.
    items : list of tuple
        ``(y, text, colour)`` or ``(y, text, colour, linestyle)``; items with no ``y`` or
        no text are left out.

    Notes
    -----
    Labels sit just outside the plot, so they never cover data; a short key line in the
    series' colour and dash style comes before each. Labels that would touch are spread
    apart around where they belong, keeping their order.
    """
    from matplotlib.transforms import blended_transform_factory

    from carelib import formatting

    items = sorted(
        (i for i in items if not formatting.is_missing(i[0]) and i[1]), key=lambda i: i[0]
    )
    if not items:
        return
    low, high = ax.get_ylim()
    # Half the height of each label in data units (a line of 9 pt text is about 8.5% of
    # a 3.4 in chart's height).
    half = [0.0425 * (high - low) * (1 + i[1].count("\n")) for i in items]
    placed = [float(i[0]) for i in items]
    for _ in range(200):
        moved = False
        for k in range(len(placed) - 1):
            overlap = half[k] + half[k + 1] - (placed[k + 1] - placed[k])
            if overlap > 1e-9:
                placed[k] -= overlap / 2
                placed[k + 1] += overlap / 2
                moved = True
        if not moved:
            break
    shift = max(0.0, low - placed[0]) - max(0.0, placed[-1] - high)
    placed = [p + shift for p in placed]
    edge = blended_transform_factory(ax.transAxes, ax.transData)
    for item, y in zip(items, placed, strict=True):
        text, colour = item[1], item[2]
        style = item[3] if len(item) > 3 else "-"
        ax.plot(
            [1.01, 1.04],
            [y, y],
            transform=edge,
            color=colour,
            linestyle=style,
            linewidth=2,
            clip_on=False,
        )
        # Text in ink (or grey for reference lines) for contrast on white.
        ax.annotate(
            text,
            (1.045, y),
            xycoords=edge,
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color=GREY if colour == GREY else INK,
            annotation_clip=False,
        )


def drop_end_labels(ax) -> None:
    """Remove the end-of-line labels and legend :func:`trend` adds (to label at the edge)."""
    for text in list(ax.texts):
        text.remove()
    legend = ax.get_legend()
    if legend is not None:
        legend.remove()


# --- plan chart helpers (moved from plan_report.py) --------------------------------------


def label_ends(ax, x: float, ends: Sequence[tuple[float, str, str]], gap: float) -> None:
    """Write each line's label at its right end, nudged apart so none overlap.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes.
    x : float
        The x position of the lines' last points.
    ends : sequence of (float, str, str)
        Each line's last value, label and colour.
    gap : float
        The least vertical distance between two labels, in data units.
    """
    placed: list[float] = []
    for y, text, colour in sorted(ends, key=lambda e: e[0]):
        pos = y if not placed else max(y, placed[-1] + gap)
        placed.append(pos)
        ax.annotate(
            text,
            (x, y),
            xytext=(x + 0.6, pos),
            textcoords="data",
            va="center",
            fontsize=9,
            color=colour,
            fontweight="bold",
        )
