"""The SPC section of the workforce page: XmR charts, their readings and a summary table.

The numbers come from :func:`carelib.spc.xmr`; this module words and draws them for
:mod:`carelib.views.workforce_spc` (the workforce page's ``spc`` view and its SPC
sentences), as blocks (:mod:`carelib.blocks`). Every reading is text (variation and
assurance), so nothing rests on colour or a marker alone; each chart has alt text and
its numbers as a table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from carelib import blocks, charts, dates, formatting, spc


@dataclass
class Series:
    """One indicator's XmR chart and what is needed to word and draw it.

    Attributes
    ----------
    indicator, label, unit, polarity : str
        As in :data:`carelib.workforce.INDICATORS`.
    chart : pandas.DataFrame
        :func:`carelib.spc.xmr`'s result indexed by month, with a ``label`` column
        (the month as on chart axes).
    target : float or None
        The configured target.
    breaks : dict
        Month -> what changed (``""`` if not said), for each rebase inside the chart.
    window : int or str
        Months each figure covers (12 for a rolling 12-month figure).
    """

    indicator: str
    label: str
    unit: str
    polarity: str
    chart: pd.DataFrame
    target: float | None = None
    breaks: dict[str, str] = field(default_factory=dict)
    window: int | str = 1


def _fmt(value, unit: str) -> str:
    return formatting.value(value, unit)


def _side_words(polarity: str) -> str:
    return "or higher" if polarity == "higher_is_better" else "or lower"


def _observed(s: Series) -> pd.DataFrame:
    return s.chart.dropna(subset=["value"])


def _has_limits(s: Series) -> bool:
    observed = _observed(s)
    return not observed.empty and not math.isnan(float(observed["mean"].iloc[-1]))


def _shifted(s: Series) -> bool:
    """Whether the latest period holds both special-cause improvement and concern."""
    observed = _observed(s)
    if observed.empty:
        return False
    period = observed[observed["segment"] == observed["segment"].iloc[-1]]
    return {"improvement", "concern"} <= set(period["direction"])


def _break_words(s: Series) -> str:
    """Say where the limits are recalculated, e.g. from June 2024 (fixed agency pay rate)."""
    if not s.breaks:
        return ""
    bits = [
        dates.month_label(m) + (f" ({label})" if label else "") for m, label in s.breaks.items()
    ]
    return f" The limits are recalculated from {' and from '.join(bits)}."


def latest_sentence(s: Series, month: str) -> str:
    """Say whether ``month`` is special cause (improvement or concern) or common cause."""
    observed = _observed(s)
    if month not in observed.index or not _has_limits(s):
        points = int(observed["points"].iloc[-1]) if len(observed) else 0
        return (
            f"There are too few months ({points} of the {spc.MIN_POINTS} an SPC chart "
            "needs) to tell real change from noise."
        )
    last = observed.loc[month]
    if last["special_cause"]:
        kind = last["direction"] or "variation"
        return (
            f"The SPC chart shows special-cause {kind} ({spc.RULE_LABELS[last['rule']]}): "
            "a real change, not noise."
        )
    return (
        f"The SPC chart shows this month within normal variation (limits "
        f"{_fmt(last['lower'], s.unit)} to {_fmt(last['upper'], s.unit)}), "
        "so the change may be noise."
    )


def _where(last: pd.Series, unit: str) -> str:
    rule, low = last["rule"], last["side"] == "low"
    if rule == "beyond_limits":
        return (
            f"below the lower process limit of {_fmt(last['lower'], unit)}"
            if low
            else f"above the upper process limit of {_fmt(last['upper'], unit)}"
        )
    if rule == "trend":
        return (
            f"part of a trend of 7 or more months each {'lower' if low else 'higher'} "
            "than the one before"
        )
    if rule == "two_of_three":
        line = last["lower_two_sigma"] if low else last["upper_two_sigma"]
        return (
            f"one of 2 of 3 consecutive months {'below' if low else 'above'} the two-sigma "
            f"line ({_fmt(line, unit)}), two thirds of the way to the "
            f"{'lower' if low else 'upper'} limit"
        )
    return (
        f"part of a run of 7 or more months {'below' if low else 'above'} the mean "
        f"({_fmt(last['mean'], unit)})"
    )


def assurance_sentence(s: Series) -> str:
    """The assurance reading in words, or ``""`` with no target or no limits."""
    observed = _observed(s)
    if s.target is None or not _has_limits(s) or not s.polarity:
        return ""
    last = observed.iloc[-1]
    target = f"{_fmt(s.target, s.unit)} {_side_words(s.polarity)}"
    limits = f"{_fmt(last['lower'], s.unit)} to {_fmt(last['upper'], s.unit)}"
    code = last["assurance"]
    if code == "hit_and_miss":
        return (
            f"Assurance: hit and miss. The target ({target}) lies within the process limits "
            f"({limits}), so the process will sometimes meet it and sometimes not."
        )
    verb = "meet" if code == "pass" else "miss"
    return (
        f"Assurance: consistently {'passes' if code == 'pass' else 'fails'}. The process "
        f"limits ({limits}) lie wholly on the {'right' if code == 'pass' else 'wrong'} side "
        f"of the target ({target}), so unless the process changes it will {verb} the "
        "target every month."
    )


def reading_sentence(s: Series, warning: bool = True) -> str:
    """The sentences under an XmR chart, in the Making Data Count way of reading it.

    ``warning=False`` leaves out the warning about few points (shown as a notice).
    """
    observed = _observed(s)
    name = s.label.lower()
    if not _has_limits(s):
        points = int(observed["points"].iloc[-1]) if len(observed) else 0
        return (
            f"There are not yet enough months of complete data to chart the {name} for real "
            f"change: {points} of the {spc.MIN_POINTS} points process limits need."
            + _break_words(s)
        )
    last = observed.iloc[-1]
    when = dates.month_label(observed.index[-1])
    value = _fmt(last["value"], s.unit)
    variation = spc.VARIATION_LABELS[last["variation"]]
    if last["special_cause"]:
        text = (
            f"{when} ({value}) is {_where(last, s.unit)}: {variation.lower()}, a real change "
            "rather than month-to-month noise."
        )
    else:
        text = (
            f"{when} ({value}) is within the process limits ({_fmt(last['lower'], s.unit)} to "
            f"{_fmt(last['upper'], s.unit)}) and not part of a run, trend or two-of-three "
            "pattern: common-cause variation, with no sign of real change."
        )
    period = observed[observed["segment"] == last["segment"]]
    improving = int((period["direction"] == "improvement").sum())
    concerning = int((period["direction"] == "concern").sum())
    months = f"the {len(period)} months" + (
        " since the limits were recalculated" if s.breaks else ""
    )
    if improving and concerning:
        text += (
            f" Of {months}, {concerning} show special-cause concern and {improving} "
            "improvement: the level has shifted, so these limits fit neither the old level "
            "nor the new one (recalculate them from the month the process changed: "
            f"spc.rebase_{s.indicator} in carelib.toml)."
        )
    elif improving or concerning:
        kind = "improvement" if improving else "concern"
        n = improving or concerning
        text += f" {n} of {months} {'shows' if n == 1 else 'show'} special-cause {kind}."
    text += _break_words(s)
    short = observed[(observed["segment"] < last["segment"]) & observed["mean"].isna()]
    if len(short):
        text += (
            f" The {len(short)} {'month' if len(short) == 1 else 'months'} before that "
            f"{'is' if len(short) == 1 else 'are'} too few for limits of their own "
            f"(fewer than {spc.MIN_POINTS})."
        )
    assurance = assurance_sentence(s)
    if assurance:
        text += " " + assurance
        if improving and concerning:
            text += " These limits span the shift, so read this assurance with care."
    if s.window == 12:
        text += (
            " Each point covers 12 months, so neighbouring points share 11 months of data "
            "and runs appear more readily."
        )
    if warning and last["warning"]:
        text += " " + last["warning"]
    return text


# --- The chart ---------------------------------------------------------------------------


def _segment_spans(chart: pd.DataFrame) -> list[tuple[int, int, pd.Series]]:
    """``(first x, last x, first row)`` of each period."""
    spans = []
    seg = chart["segment"].to_numpy()
    for number in np.unique(seg):
        where = np.flatnonzero(seg == number)
        spans.append((int(where[0]), int(where[-1]), chart.iloc[where[0]]))
    return spans


def _break_positions(s: Series) -> list[tuple[int, str, str]]:
    """``(x, month, what changed)`` where each new period starts."""
    seg = s.chart["segment"].to_numpy()
    found = []
    for at in np.flatnonzero(np.diff(seg)) + 1:
        here = str(s.chart.index[at])
        month = max((m for m in s.breaks if m <= here), default=here)
        found.append((int(at), month, s.breaks.get(month, "")))
    return found


def draw(s: Series):
    """Draw the XmR chart: points, each period's mean and limits, target and breaks.

    Returns
    -------
    matplotlib.figure.Figure
    """
    chart = s.chart
    suffix = "%" if s.unit == "percent" else ""
    labels = list(chart["label"])
    xs = np.arange(len(chart))
    values = chart["value"].to_numpy("float64")
    fig, ax = charts.new_figure(8.0, 3.4)
    ax.plot(
        xs,
        values,
        color=charts.GREY,
        marker="o",
        markersize=4,
        linewidth=1.6,
        label="Each month",
        zorder=2,
    )
    two_sigma_drawn = False
    for first, last, row in _segment_spans(chart):
        if math.isnan(row["mean"]):
            continue
        span = [first - 0.4, last + 0.4]
        ax.plot(span, [row["mean"]] * 2, color=charts.INK, linewidth=1.2, zorder=1)
        for limit in (row["upper"], row["lower"]):
            ax.plot(span, [limit] * 2, color=charts.INK, linewidth=1.0, linestyle=(0, (5, 3)))
        for line in (row["upper_two_sigma"], row["lower_two_sigma"]):
            ax.plot(
                span,
                [line] * 2,
                color=charts.GREY,
                linewidth=0.8,
                linestyle=":",
                label=None if two_sigma_drawn else "Two-sigma lines",
            )
            two_sigma_drawn = True
    for at, _month, what in _break_positions(s):
        ax.axvline(at - 0.5, color=charts.INK, linewidth=1.4, linestyle="-.", zorder=1)
        ax.annotate(
            f"Limits recalculated\n{labels[at]}" + (f": {what}" if what else ""),
            (at - 0.4, 1.0),
            xycoords=("data", "axes fraction"),
            va="top",
            fontsize=8.5,
            color=charts.INK,
        )
    edge = []
    last = chart.dropna(subset=["value"])
    if len(last) and not math.isnan(last["mean"].iloc[-1]):
        row = last.iloc[-1]
        edge += [
            (row["upper"], f"Upper {row['upper']:,.1f}{suffix}", charts.INK, (0, (5, 3))),
            (row["mean"], f"Mean {row['mean']:,.1f}{suffix}", charts.INK, "-"),
            (row["lower"], f"Lower {row['lower']:,.1f}{suffix}", charts.INK, (0, (5, 3))),
        ]
    if s.target is not None:
        ax.axhline(s.target, color=charts.PALETTE[2], linewidth=1.4, linestyle=(0, (6, 3)))
        edge.append((s.target, f"Target {s.target:,.1f}{suffix}", charts.PALETTE[2], (0, (3, 1.5))))
    styles = {
        "improvement": ("s", charts.PALETTE[0], "Special cause: improvement"),
        "concern": ("^", charts.PALETTE[1], "Special cause: concern"),
        "neither_high": ("D", charts.PALETTE[3], "Special cause: neither (higher)"),
        "neither_low": ("v", charts.PALETTE[3], "Special cause: neither (lower)"),
    }
    for variation, (marker, colour, legend) in styles.items():
        hit = (chart["variation"] == variation).to_numpy()
        if hit.any():
            ax.scatter(
                xs[hit],
                values[hit],
                marker=marker,
                s=46,
                color=colour,
                edgecolor=charts.INK,
                linewidth=0.6,
                zorder=3,
                label=legend,
            )
    valid = np.flatnonzero(~np.isnan(values))
    if len(valid):
        i = valid[-1]
        edge.append((values[i], f"{labels[i]} {values[i]:,.1f}{suffix}", charts.GREY, "-"))
    charts.month_ticks(ax, labels)
    ax.set_ylabel(f"{s.label}{' (%)' if s.unit == 'percent' else ''}", fontsize=9)
    ax.margins(x=0.03, y=0.22 if s.breaks else 0.18)
    charts.right_labels(ax, edge)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, fontsize=8.5, frameon=False)
    return fig


def _numbers(s: Series) -> pd.DataFrame:
    """The table behind a chart: one row per month, every rule that applies in words."""
    rows = []
    for month, r in s.chart.iterrows():
        if r["special_cause"]:
            reason = spc.VARIATION_LABELS[r["variation"]] + ": " + spc.RULE_LABELS[r["rule"]]
            others = [spc.RULE_LABELS[x] for x in r["rules"].split(",") if x != r["rule"]]
            if others:
                reason += " (also " + "; ".join(others) + ")"
        elif r["variation"] == "common_cause":
            reason = spc.VARIATION_LABELS["common_cause"]
        else:
            reason = "no limits yet" if not math.isnan(r["value"]) else "no figure"
        rows.append(
            {
                "Month": dates.month_label(month),
                s.label: formatting.value(r["value"], s.unit, "z"),
                "Mean": formatting.value(r["mean"], s.unit, "z"),
                "Lower limit": formatting.value(r["lower"], s.unit, "z"),
                "Upper limit": formatting.value(r["upper"], s.unit, "z"),
                "Reading": reason,
            }
        )
    return blocks.text_frame(
        rows, ["Month", s.label, "Mean", "Lower limit", "Upper limit", "Reading"]
    )


def chart_title(s: Series) -> str:
    """What the chart shows that its heading does not: the limits and the signal.

    E.g. ``Agency rate, October 2023 to September 2025: latest point 21.2% against
    limits of 18.9% to 27.0% (mean 23.0%); signal: part of a run of 7 or more points on
    one side of the mean``. The heading above it states the finding.
    """
    months = list(s.chart.index)
    if not months:
        return s.label
    span = f"{s.label}, {dates.month_label(months[0])} to {dates.month_label(months[-1])}"
    if not _has_limits(s):
        return f"{span}: too few months for process limits"
    last = _observed(s).iloc[-1]
    text = (
        f"{span}: latest point {_fmt(last['value'], s.unit)} against limits of "
        f"{_fmt(last['lower'], s.unit)} to {_fmt(last['upper'], s.unit)} "
        f"(mean {_fmt(last['mean'], s.unit)})"
    )
    rule = str(last.get("rule", "") or "")
    if rule in spc.RULE_LABELS:
        return f"{text}; signal: {spc.RULE_LABELS[rule]}"
    return f"{text}; no signal: within the limits"


def figure(s: Series, source: str) -> blocks.Figure:
    """The chart as an accessible figure (title, alt text, source, the numbers)."""
    return charts.figure(
        draw(s),
        title=chart_title(s),
        alt=f"XmR chart of the {s.label.lower()}. " + reading_sentence(s),
        source=source,
        data=_numbers(s),
    )


# --- The summary table -------------------------------------------------------------------


def summary_frame(series: list[Series]) -> pd.DataFrame:
    """One row per indicator: latest month, variation, assurance and notes, as text."""
    rows = []
    for s in series:
        observed = _observed(s)
        r = spc.reading(s.chart)
        limits = "none yet"
        if _has_limits(s):
            last = observed.iloc[-1]
            limits = f"{_fmt(last['lower'], s.unit)} to {_fmt(last['upper'], s.unit)}"
        if s.target is None:
            assurance = "No target set"
        elif not r.assurance:
            assurance = spc.ASSURANCE_LABELS[""]
        else:
            assurance = r.assurance_label
        notes = [r.warning] if r.warning else []
        if _shifted(s):
            notes.append(
                "The limits span a shift (improvement and concern in one period), so read "
                "the assurance with care."
            )
        if s.breaks:
            notes.append(_break_words(s).strip())
        rows.append(
            {
                "Indicator": s.label,
                "Latest month": (
                    f"{dates.month_label(observed.index[-1])}: "
                    + _fmt(observed["value"].iloc[-1], s.unit)
                    if len(observed)
                    else "no figure"
                ),
                "Variation": r.variation_label
                + (f" ({spc.RULE_LABELS[r.rule]})" if r.rule else ""),
                "Assurance": assurance,
                "Target": (
                    f"{_fmt(s.target, s.unit)} {_side_words(s.polarity)}"
                    if s.target is not None
                    else "none"
                ),
                "Process limits": limits,
                "Notes": " ".join(notes) or "none",
            }
        )
    columns = [
        "Indicator",
        "Latest month",
        "Variation",
        "Assurance",
        "Target",
        "Process limits",
        "Notes",
    ]
    return blocks.text_frame(rows, columns)


def summary_table(series: list[Series]) -> blocks.Table:
    """The summary table of variation and assurance for every charted indicator."""
    return blocks.table(
        summary_frame(series),
        "SPC summary: variation and assurance of each indicator at the latest month",
        numeric=[],
        class_="spc-summary",
    )


INTRO = (
    "Each chart shows the monthly figure (grey circles), its mean (solid line), process "
    "limits (dashed lines) and two-sigma lines (dotted), drawn to NHS England's Making "
    "Data Count rules. A month is special cause when it falls outside a limit, is part of "
    "a trend of 7 months each higher or lower than the last, is one of 2 of 3 consecutive "
    "months beyond a two-sigma line on the same side of the mean, or is part of a run of 7 "
    "months on one side of the mean (when several apply, they are taken in that order). "
    "Squares mark special-cause improvement and triangles special-cause concern; the "
    "sentence above each chart, and the table below, say the same in words. Assurance "
    "compares the target with the process limits: a target outside the limits will be "
    "consistently passed or failed; a target between them will be hit and missed."
)


def heading(s: Series, month: str | None = None) -> str:
    """An indicator's finding for its heading: ``Agency rate: special cause improvement``."""
    observed = _observed(s)
    if not _has_limits(s) or not len(observed) or (month and month not in observed.index):
        return f"{s.label}: too few months to tell real change from noise"
    reading = spc.reading(s.chart)
    latest = _fmt(observed["value"].iloc[-1], s.unit)
    if reading.variation == "common_cause":
        return f"{s.label} at {latest}: within normal variation, no real change"
    return f"{s.label} at {latest}: {reading.variation_label.lower()}, a real change"


def section(
    series: list[Series], notes: dict[str, str], source: str, month: str | None = None
) -> list[blocks.Block]:
    """The whole SPC section: summary table, how to read it, then each compact chart.

    The summary table comes first (the section's answer); the reading guide is
    collapsed; each indicator's heading states its reading and its chart is drawn
    compact (``compact``: smaller on screen and in print).
    """
    parts = [
        summary_table(series),
        blocks.Details(
            summary="How to read these charts",
            blocks=[blocks.paragraph(INTRO)],
            # On screen only: "How these figures are calculated" says it for print too.
            class_="no-print",
        ),
    ]
    charts_ = []
    for s in series:
        one = [blocks.Heading(heading(s, month), 3)]
        one.append(blocks.paragraph(reading_sentence(s, warning=False)))
        warning = spc.reading(s.chart).warning
        if warning and _has_limits(s):
            one.append(blocks.notice(warning, "warning"))
        if notes.get(s.indicator):
            one.append(blocks.paragraph(notes[s.indicator]))
        if s.chart["value"].notna().sum() >= 2:
            found = figure(s, source)
            found.class_ = "compact"
            one.append(found)
        charts_.append(blocks.Group(one, class_="spc-indicator"))
    return [*parts, blocks.Group(charts_, class_="spc-indicators")]
