"""Accessible charts: a colour-blind-safe palette, text labels, alt text and the numbers.

Every chart in a report goes through :func:`figure`, which turns a matplotlib figure into
a self-contained ``<figure>``: a title, the image (inlined, so the page works offline),
alt text that states the finding, a source line and the numbers as a table. Lines are
told apart by labels, markers and dash styles as well as colour.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import pandas as pd

from carelib import blocks

#: Okabe-Ito palette: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
#: Dark text-safe versions for labels on white.
INK = "#0b0c0c"
GREY = "#505a5f"
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
DASHES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 1))]

_configured = False


def pyplot():
    """Import and configure matplotlib (and seaborn's theme) on first use.

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
        import seaborn as sns

        sns.set_theme(style="whitegrid", palette=PALETTE, font_scale=1.05)
        plt.rcParams.update(
            {
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
        )
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


#: Phone renditions: a narrower figure, so its text is still legible on a 360-400 px
#: screen (the desktop image shrunk to that width has 4-5 px text).
PHONE_WIDTH_IN = 4.2
PHONE_DPI = 144
#: The media query under which browsers pick the phone rendition (matches report.css).
PHONE_MEDIA = "(max-width: 40em)"
#: Colours kept when a chart PNG is palettised: charts are flat colours plus
#: anti-aliasing, so 64 look the same and the file is about a third of the size.
PNG_COLOURS = 64


def figure_png(fig, *, close: bool = True, dpi: float | None = None) -> bytes:
    """Render a figure to a small PNG (palettised) and, by default, close it."""
    plt = pyplot()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", dpi=dpi or plt.rcParams["savefig.dpi"])
    if close:
        plt.close(fig)
    return _palettised(buffer.getvalue())


def _palettised(png: bytes) -> bytes:
    from PIL import Image  # a dependency of matplotlib

    with Image.open(io.BytesIO(png)) as image:
        small = image.convert("RGB").quantize(
            colors=PNG_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue() if out.tell() < len(png) else png


#: Most x-axis labels a phone rendition keeps (month labels such as "Sep 2025").
PHONE_MAX_XLABELS = 5


def _thin_tick_labels(fig) -> None:
    """Keep at most ``PHONE_MAX_XLABELS`` evenly spaced x tick labels on each axis.

    Counting labels, rather than measuring them, saves a full draw of every chart.
    """
    for ax in fig.axes:
        low, high = sorted(ax.get_xlim())
        ticks = [t for t in ax.get_xticks() if low <= t <= high]
        labels = [t.get_text() for t in ax.get_xticklabels() if low <= t.get_position()[0] <= high]
        if len(labels) != len(ticks) or len(ticks) <= PHONE_MAX_XLABELS or not any(labels):
            continue
        step = -(-len(ticks) // PHONE_MAX_XLABELS)
        ax.set_xticks(ticks[::step], labels[::step])


def phone_png(fig) -> bytes | None:
    """Render a narrower copy of ``fig`` for phones, or None if it is narrow already.

    The figure is resized in place (the caller closes it afterwards); crowded x-axis
    labels are thinned so they do not overlap.
    """
    width, height = fig.get_size_inches()
    if width <= PHONE_WIDTH_IN * 1.15:
        return None
    fig.set_size_inches(PHONE_WIDTH_IN, height * 1.1)
    _thin_tick_labels(fig)
    return figure_png(fig, close=False, dpi=PHONE_DPI)


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


def trend(
    frame: pd.DataFrame,
    x: str,
    lines: Mapping[str, str],
    *,
    ylabel: str,
    target: float | None = None,
    target_label: str = "Target",
    references: Mapping[str, float] | None = None,
    percent: bool = False,
    ax=None,
):
    """Draw labelled trend lines, a dashed target line and reference lines.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per period.
    x : str
        Column of x positions (e.g. month labels or dates).
    lines : mapping
        Legend label -> column to draw.
    ylabel : str
        Axis label, including the unit.
    target : float, optional
        Target value drawn as a dashed line with a text label.
    references : mapping, optional
        Label -> value (e.g. "England 2025: 13.0%") drawn as dotted lines with labels.
    percent : bool
        Whether values are percentages (axis starts at 0).

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    if ax is None:
        fig, ax = new_figure()
    else:
        fig = ax.figure
    xs = list(range(len(frame)))
    for i, (label, col) in enumerate(lines.items()):
        ys = frame[col].astype("float64")
        ax.plot(
            xs,
            ys,
            color=PALETTE[i % len(PALETTE)],
            marker=MARKERS[i % len(MARKERS)],
            markersize=4,
            linestyle=DASHES[i % len(DASHES)],
            linewidth=2,
            label=label,
        )
        last = ys.last_valid_index()
        if last is not None:
            pos = frame.index.get_loc(last)
            ax.annotate(
                f"{label}: {ys[last]:,.1f}{'%' if percent else ''}",
                (xs[pos], ys[last]),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
                color=INK,
            )
    if target is not None:
        ax.axhline(target, color=INK, linestyle=(0, (6, 3)), linewidth=1.4)
        ax.annotate(
            f"{target_label}: {target:,.1f}{'%' if percent else ''}",
            (0, target),
            xytext=(2, 4),
            textcoords="offset points",
            fontsize=9,
            color=INK,
        )
    for j, (label, value) in enumerate((references or {}).items()):
        if value is None or pd.isna(value):
            continue
        ax.axhline(value, color=GREY, linestyle=":", linewidth=1.4)
        ax.annotate(
            label,
            (len(xs) - 1, value),
            xytext=(0, 4 + 10 * j),
            textcoords="offset points",
            ha="right",
            fontsize=9,
            color=GREY,
        )
    ticks = xs[:: max(1, len(xs) // 8)]
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(frame[x].iloc[t]) for t in ticks], rotation=0, fontsize=9)
    ax.set_ylabel(ylabel)
    if percent:
        ax.set_ylim(bottom=0)
    ax.margins(x=0.12)
    if len(lines) > 1:
        ax.legend(loc="best", fontsize=9, frameon=False)
    return fig


def bar(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    xlabel: str,
    highlight: float | None = None,
    highlight_label: str = "Target",
    value_format: str = "{:,.1f}",
):
    """Draw horizontal bars with their values written at the end of each bar."""
    height = max(2.2, 0.42 * len(labels) + 0.8)
    fig, ax = new_figure(8.0, height)
    ypos = list(range(len(labels)))
    ax.barh(ypos, values, color=PALETTE[0])
    for y, v in zip(ypos, values, strict=True):
        if v is not None and not pd.isna(v):
            ax.annotate(
                value_format.format(v),
                (v, y),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
                color=INK,
            )
    ax.set_yticks(ypos)
    ax.set_yticklabels(labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    if highlight is not None:
        ax.axvline(highlight, color=INK, linestyle=(0, (6, 3)), linewidth=1.4)
        ax.annotate(
            f"{highlight_label}: {value_format.format(highlight)}",
            (highlight, -0.6),
            xytext=(4, 0),
            textcoords="offset points",
            fontsize=9,
            color=INK,
        )
    ax.margins(x=0.15)
    return fig


# --- workforce chart helpers (moved from workforce_report.py)


def month_ticks(ax, labels: list[str], most: int = 8) -> None:
    """Label at most ``most`` evenly spaced months on the x axis, always the last.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose x positions are ``0 .. len(labels) - 1``.
    labels : list of str
        The month of each position as on chart axes (``Sep 2025``).
    most : int, default 8
        The most labels shown.
    """
    import math

    n = len(labels)
    if not n:
        return
    step = max(1, math.ceil(n / most))
    ticks = list(range(n - 1, -1, -step))[::-1]
    ax.set_xticks(ticks)
    ax.set_xticklabels([labels[t] for t in ticks], rotation=0, fontsize=9)


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
