"""Themed seaborn charts: one call from a tidy table to a page block in the house look.

seaborn draws these (line, bar and point plots with ``hue``): one row per month (or
category) and series, its estimator and error bars off, the house palette, markers and
dash styles. :mod:`carelib.charts` re-exports them as ``charts.line``, ``charts.bars``
and ``charts.points``; :func:`carelib.charts.house_chart` finishes each one.
"""

from __future__ import annotations

import pandas as pd

from carelib import blocks, formatting


def _charts():
    from carelib import charts  # which imports this module

    return charts


#: seaborn's dash patterns for :data:`DASHES` (in line widths; "" is solid).
SEABORN_DASHES = ["", (4, 1.5), (3, 1.25, 1.5, 1.25), (1, 1), (5, 1), (3, 1, 1, 1), (1, 1)]


def _seaborn():
    """seaborn, imported when a chart is drawn with it (it costs about a second)."""
    _charts().pyplot()
    import seaborn as sns

    return sns


def _value_format(y: str, unit: str | None, data) -> dict:
    """The table behind a chart writes its values as the chart labels them."""
    return {} if data is not None else {y: lambda v: formatting.measure(v, unit)}


def _series(frame: pd.DataFrame, hue: str | None) -> list:
    return list(dict.fromkeys(frame[hue])) if hue else []


def _months_order(frame: pd.DataFrame, x: str) -> list | None:
    values = list(dict.fromkeys(frame[x]))
    return sorted(values) if _charts().is_month_like(values) else None


def _finish(fig, frame, columns, value_unit, data, **house):
    """The chart as a page block, with the numbers behind it.

    The numbers are ``data`` when given, else the drawn columns (``columns``: x, hue, y,
    None left out), formatted in ``value_unit``; ``house`` goes to
    :func:`carelib.charts.house_chart`.
    """
    y = columns[-1]
    numbers = data if data is not None else frame[[col for col in columns if col]]
    return _charts().house_chart(
        fig,
        months=False,
        data=numbers.reset_index(drop=True),
        formats=_value_format(y, value_unit, data),
        **house,
    )


def line(
    frame: pd.DataFrame,
    x: str,
    y: str,
    *,
    title: str,
    alt: str,
    source: str,
    hue: str | None = None,
    unit: str | None = None,
    ylabel: str | None = None,
    target: float | None = None,
    data: pd.DataFrame | None = None,
) -> blocks.Figure:
    """A line chart in the house look, one line per ``hue`` value, as a page block.

    Parameters
    ----------
    frame : pandas.DataFrame
        A tidy table: one row per ``x`` (a month, ``YYYY-MM``) and series.
    x, y : str
        Columns of the months (or other x values) and of the values.
    title, alt, source : str
        See :func:`house_chart`.
    hue : str, optional
        Column naming each line (e.g. ``team``); lines differ by colour, marker and dash.
    unit : str, optional
        The values' unit (see :func:`house_chart`); the last value of each line is
        written at its end in that unit.
    ylabel : str, optional
        The value axis label (default: ``y``).
    target : float, optional
        Drawn as a dashed line labelled "Target".
    data : pandas.DataFrame, optional
        The numbers behind the chart (default: the ``x``, ``hue`` and ``y`` columns).

    Examples
    --------
    >>> rates = pd.DataFrame({"month": ["2025-08", "2025-09"] * 2, "team": list("AABB"),
    ...                       "rate": [20.0, 18.5, 25.0, 24.0]})
    >>> chart = line(rates, "month", "rate", hue="team", unit="percent",
    ...              title="Agency rate by team", alt="Both teams fell.", source="HR")
    >>> chart.title, chart.data.frame.shape
    ('Agency rate by team', (4, 3))
    """
    sns, c = _seaborn(), _charts()
    fig, ax = c.new_figure()
    order = _months_order(frame, x)
    drawn = frame.assign(
        _x=frame[x].map({m: i for i, m in enumerate(order)}) if order else frame[x]
    )
    series = _series(frame, hue)
    if hue:
        looks = {
            "hue": hue,
            "style": hue,
            "hue_order": series,
            "style_order": series,
            "palette": c.PALETTE[: len(series)],
            "markers": c.MARKERS[: len(series)],
            "dashes": SEABORN_DASHES[: len(series)],
        }
    else:
        looks = {"color": c.PALETTE[0], "marker": c.MARKERS[0]}
    sns.lineplot(data=drawn, x="_x", y=y, errorbar=None, linewidth=2, markersize=5, ax=ax, **looks)
    _end_labels(ax, drawn, "_x", y, hue, series, unit)
    if target is not None:
        ax.axhline(target, color=c.INK, linestyle=(0, (6, 3)), linewidth=1.4)
        ax.annotate(
            f"Target: {formatting.measure(target, unit)}",
            (0, target),
            xytext=(2, 4),
            textcoords="offset points",
            fontsize=9,
            color=c.INK,
        )
    if order:
        c.month_ticks(ax, order)
    ax.set_xlabel("")
    ax.margins(x=0.12)
    if ax.get_legend() is not None:
        ax.legend(loc="best", fontsize=9, frameon=False, title=None)
    return _finish(
        fig,
        frame,
        (x, hue, y),
        unit,
        data,
        title=title,
        alt=alt,
        source=source,
        ylabel=ylabel or y,
        unit=unit,
    )


def _end_labels(ax, frame, x, y, hue, series, unit) -> None:
    """Write each line's last value at its end, in its unit, nudged apart so none overlap."""
    c = _charts()
    groups = [(s, frame[frame[hue] == s]) for s in series] if hue else [(None, frame)]
    ends = []
    for name, rows in groups:
        rows = rows.dropna(subset=[y])
        if rows.empty:
            continue
        last = rows.iloc[-1]
        text = formatting.measure(last[y], unit)
        ends.append((float(last[y]), last[x], f"{name}: {text}" if name is not None else text))
    placed: list[float] = []  # the labels' heights on the figure, in points
    scale = 72 / ax.figure.dpi
    for value, at, text in sorted(ends, key=lambda e: e[0]):
        height = ax.transData.transform((0, value))[1] * scale
        shift = max(0.0, placed[-1] + 11 - height) if placed else 0.0
        placed.append(height + shift)
        ax.annotate(
            text,
            (at, value),
            xytext=(6, shift),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color=c.INK,
        )


def bars(
    frame: pd.DataFrame,
    x: str,
    y: str,
    *,
    title: str,
    alt: str,
    source: str,
    hue: str | None = None,
    unit: str | None = None,
    ylabel: str | None = None,
    horizontal: bool = False,
    data: pd.DataFrame | None = None,
) -> blocks.Figure:
    """A bar chart in the house look (bars grouped by ``hue``), values on the bars.

    ``x`` is the category (months, teams); with ``horizontal`` the bars run across,
    which suits long category names such as team names. Other parameters are as for
    :func:`line`.
    """
    sns, c = _seaborn(), _charts()
    order = _months_order(frame, x) or list(dict.fromkeys(frame[x]))
    height = max(2.2, 0.42 * len(order) + 0.8) if horizontal else 3.6
    fig, ax = c.new_figure(8.0, height)
    series = _series(frame, hue)
    sns.barplot(
        data=frame,
        x=y if horizontal else x,
        y=x if horizontal else y,
        hue=hue,
        order=order,
        hue_order=series or None,
        palette=c.PALETTE[: len(series)] if hue else None,
        color=None if hue else c.PALETTE[0],
        errorbar=None,
        orient="h" if horizontal else "v",
        ax=ax,
    )
    for bars_of_series in ax.containers:
        ax.bar_label(
            bars_of_series,
            labels=[formatting.measure(v, unit) for v in bars_of_series.datavalues],
            padding=3,
            fontsize=9,
            color=c.INK,
        )
    ax.set_xlabel("")
    ax.set_ylabel("")
    if ax.get_legend() is not None:  # beside the bars, never over their value labels
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9, frameon=False)
    label = c.axis_label(ylabel or y, unit)
    if horizontal:
        ax.set_xlabel(label)
        ax.margins(x=0.15)
    elif _months_order(frame, x):
        c.month_ticks(ax, order)
    return _finish(
        fig,
        frame,
        (x, hue, y),
        unit,
        data,
        title=title,
        alt=alt,
        source=source,
        ylabel=None if horizontal else label,
    )


def points(
    frame: pd.DataFrame,
    x: str,
    y: str,
    *,
    title: str,
    alt: str,
    source: str,
    hue: str | None = None,
    unit: str | None = None,
    ylabel: str | None = None,
    data: pd.DataFrame | None = None,
) -> blocks.Figure:
    """A point chart in the house look: one marker per category and ``hue``, side by side.

    Good for comparing a few figures across categories, e.g. the council against England
    and its statistical neighbours for each indicator. Parameters are as for
    :func:`line`.
    """
    sns, c = _seaborn(), _charts()
    fig, ax = c.new_figure()
    order = _months_order(frame, x) or list(dict.fromkeys(frame[x]))
    series = _series(frame, hue)
    n = max(1, len(series))
    sns.pointplot(
        data=frame,
        x=x,
        y=y,
        hue=hue,
        order=order,
        hue_order=series or None,
        palette=c.PALETTE[:n] if hue else None,
        color=None if hue else c.PALETTE[0],
        markers=c.MARKERS[:n] if hue else "o",
        linestyles="none",
        dodge=0.3 if hue else False,
        errorbar=None,
        ax=ax,
    )
    ax.set_xlabel("")
    if ax.get_legend() is not None:
        ax.legend(loc="best", fontsize=9, frameon=False, title=None)
    if _months_order(frame, x):
        c.month_ticks(ax, order)
    return _finish(
        fig,
        frame,
        (x, hue, y),
        unit,
        data,
        title=title,
        alt=alt,
        source=source,
        ylabel=ylabel or y,
        unit=unit,
    )
