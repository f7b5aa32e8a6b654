"""carelib's own report charts: labelled trend lines and horizontal bars (matplotlib).

The report modules draw these and keep drawing on the same axes (targets, references,
labels at the edge); :mod:`carelib.charts` re-exports them as ``charts.trend`` and
``charts.bar``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

# Plain matplotlib, not seaborn: these take one column per series on integer positions
# with hand-placed month ticks, direct labels at the line ends and target and reference
# lines, and callers keep drawing on the same axes afterwards. seaborn's lineplot would
# need the frame melted to long form and its legend and positions undone again, for the
# same picture (the pages' images must not change).


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
    from carelib.charts import DASHES, GREY, INK, MARKERS, PALETTE, new_figure

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
    from carelib.charts import INK, PALETTE, new_figure

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
