"""Statistical process control: the XmR chart of NHS England's "Making Data Count".

An XmR (individuals and moving range) chart separates common-cause variation from
special causes. The process limits are the mean plus or minus 2.66 times the mean
moving range (the moving range is the absolute difference between consecutive points);
the two-sigma lines are two thirds of the way from the mean to each limit. A point shows
special-cause variation when it is (the four Making Data Count rules, in their order of
precedence: when several apply to a point, the first names it)

1. beyond a process limit (``beyond_limits``; a point exactly on a limit is not);
2. one of 7 or more consecutive points each higher (or each lower) than the one before
   (``trend``; an unchanged value ends a trend);
3. one of two or three points beyond the same two-sigma line among 3 consecutive points
   that are all on the same side of the mean (``two_of_three``; only the points beyond
   the line are flagged, and a point beyond the process limit counts towards it);
4. one of 7 or more consecutive points on the same side of the mean (``run``, a shift;
   a point exactly on the mean ends a run).

A missing value is no point: it gets no flag, it ends runs, trends and three-point
windows (they need consecutive points), and no moving range is taken across it. Limits
need at least 12 points (fewer: no limits, no flags, no verdict); limits resting on 12
to 19 points carry a warning. Limits can rest on a baseline (the first points of a
period) and be recalculated from given break points (rebasing): each period between
breaks gets its own mean, moving ranges, limits and rules.

With a polarity a special cause is read as an ``improvement`` or a ``concern``; the
variation reading of a chart is its latest point's, and the assurance reading compares a
target with the latest period's limits. The rules, precedence and sources are set out in
``docs/workforce_indicators.md``; the reference implementation followed is the NHS-R
Community's ``NHSRplotthedots`` package (with Making Data Count's 2023 change to the
two-of-three rule, and without its optional screening of moving-range outliers, which
the Making Data Count tools do not do).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

POLARITIES = ("higher_is_better", "lower_is_better", "")
#: Scaling constant from the mean moving range to 3-sigma process limits (3 / d2, d2=1.128).
LIMIT_FACTOR = 2.66
#: Two sigma: two thirds of the way from the mean to a process limit.
TWO_SIGMA_FACTOR = 2 * LIMIT_FACTOR / 3
#: Fewer points than this: no limits and no verdict.
MIN_POINTS = 12
#: Limits on fewer points than this are provisional (a warning).
SETTLED_POINTS = 20
#: The rules in their order of precedence (the first that applies names a point).
RULES = ("beyond_limits", "trend", "two_of_three", "run")

RULE_LABELS = {
    "beyond_limits": "beyond a process limit",
    "trend": "part of a trend of 7 or more points each moving the same way",
    "two_of_three": "two or three of 3 consecutive points beyond the two-sigma line",
    "run": "part of a run of 7 or more points on one side of the mean",
}
#: The variation reading of a point, as text (never colour or an icon alone).
VARIATION_LABELS = {
    "common_cause": "Common cause variation",
    "improvement": "Special cause improvement",
    "concern": "Special cause concern",
    "neither_high": "Special cause, neither improvement nor concern (higher)",
    "neither_low": "Special cause, neither improvement nor concern (lower)",
    "": "Not available",
}
#: The assurance reading against a target, as text.
ASSURANCE_LABELS = {
    "pass": "Consistently passes the target",
    "fail": "Consistently fails the target",
    "hit_and_miss": "Hit and miss: sometimes passes, sometimes fails the target",
    "": "Not available",
}
COLUMNS = [
    "value",
    "mean",
    "upper",
    "lower",
    "moving_range",
    "special_cause",
    "rule",
    "side",
    "direction",
    "upper_two_sigma",
    "lower_two_sigma",
    "rules",
    "segment",
    "points",
    "warning",
    "variation",
    "assurance",
]


def _runs(labels: np.ndarray, min_len: int) -> list[tuple[int, int]]:
    """Return ``(start, stop)`` of the runs of ``min_len`` or more equal non-zero labels."""
    found = []
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            if labels[start] != 0 and i - start >= min_len:
                found.append((start, i))
            start = i
    return found


def _stretch_rules(
    x: np.ndarray, limits: dict[str, float], run_length: int, trend_length: int
) -> dict[str, np.ndarray]:
    """Side (+1 high, -1 low, 0 none) each rule gives each point of a gap-free stretch."""
    n = len(x)
    mean = limits["mean"]
    position = np.sign(x - mean).astype(int)
    out = {rule: np.zeros(n, dtype=int) for rule in RULES}
    out["beyond_limits"] = np.where(
        x > limits["upper"], 1, np.where(x < limits["lower"], -1, 0)
    ).astype(int)
    # Trend: a point shared by two trends (a peak) takes the later one's direction.
    steps = np.sign(np.diff(x)).astype(int)
    for start, stop in _runs(steps, trend_length - 1):
        out["trend"][start : stop + 1] = steps[start]
    beyond2 = np.where(
        x > limits["upper_two_sigma"], 1, np.where(x < limits["lower_two_sigma"], -1, 0)
    )
    for i in range(n - 2):
        window = slice(i, i + 3)
        side = position[i]
        if side != 0 and (position[window] == side).all() and (beyond2[window] == side).sum() >= 2:
            hit = np.flatnonzero(beyond2[window] == side) + i
            out["two_of_three"][hit] = side
    for start, stop in _runs(position, run_length):
        out["run"][start:stop] = position[start]
    return out


def _segment_numbers(index: pd.Index, breaks: Iterable[Any]) -> np.ndarray:
    """Period number of each position: a break starts a new period at the first label >= it."""
    numbers = np.zeros(len(index), dtype=int)
    labels = list(index)
    for brk in sorted(set(breaks)):
        try:
            at = next((i for i, label in enumerate(labels) if label >= brk), None)
        except TypeError:
            raise ValueError(
                f"break {brk!r} cannot be compared with the series' index ({labels[:1]!r}...)"
            ) from None
        if at is not None and at > 0:
            numbers[at:] += 1
    # Renumber so that the periods shown run 0, 1, 2... (a break before the data starts none).
    _, numbers = np.unique(numbers, return_inverse=True)
    return numbers.astype(int)


def _warning(points: int) -> str:
    if points < MIN_POINTS:
        count = f"Only {points} {'point' if points == 1 else 'points'}" if points else "No points"
        return (
            f"{count}: process limits need at least {MIN_POINTS}, so there are no limits or "
            "verdict yet."
        )
    if points < SETTLED_POINTS:
        return (
            f"The limits rest on {points} points (Making Data Count advises "
            f"{SETTLED_POINTS} or more): treat them as provisional."
        )
    return ""


def xmr(
    values: pd.Series,
    polarity: str = "",
    baseline: int | None = None,
    breaks: Iterable[Any] = (),
    target: float | None = None,
    run_length: int = 7,
    trend_length: int = 7,
) -> pd.DataFrame:
    """Compute an XmR chart with the four Making Data Count rules.

    Parameters
    ----------
    values : pandas.Series
        The measure in time order (e.g. indexed by month ``YYYY-MM``). Missing values
        are gaps: no flag, no moving range across them, and they end runs and trends.
    polarity : str, default ""
        ``higher_is_better``, ``lower_is_better`` or ``""`` (no direction: special causes
        are flagged but ``direction`` stays empty and there is no assurance reading).
    baseline : int, optional
        Compute each period's mean and limits from its first ``baseline`` points (at
        least 12) and keep them for the rest of the period; default all its points.
    breaks : iterable, optional
        Index labels (e.g. months) from which the limits are recalculated (rebasing). A
        break that is not in the index starts the period at the first label after it;
        a break at or before the first label, or after the last, changes nothing.
    target : float, optional
        A target to read the assurance against (needs a polarity).
    run_length, trend_length : int, default 7
        Points needed for a run (shift) and for a trend.

    Returns
    -------
    pandas.DataFrame
        Same index as ``values``. Columns: ``value``; ``mean``, ``upper``, ``lower``
        (process limits) and ``upper_two_sigma``, ``lower_two_sigma`` (all NaN in a
        period of fewer than 12 points); ``moving_range``; ``special_cause`` (bool);
        ``rule`` (the rule that names the point, by precedence: ``beyond_limits``,
        ``trend``, ``two_of_three``, ``run``, or ``""``) and ``rules`` (every rule that
        applies, comma-separated); ``side`` (``high``, ``low`` or ``""``: for a trend,
        its direction); ``direction`` (``improvement``, ``concern`` or ``""``);
        ``segment`` (the period, from 0) and ``points`` (the points its limits rest
        on); ``warning`` (text, or ``""``); ``variation`` (a key of
        :data:`VARIATION_LABELS`) and ``assurance`` (a key of :data:`ASSURANCE_LABELS`,
        from the period's limits and ``target``).

    Examples
    --------
    >>> import pandas as pd
    >>> values = pd.Series([10, 12, 11, 13, 12, 11, 12, 13, 11, 12, 12, 30.0])
    >>> chart = xmr(values, polarity="lower_is_better", target=14)
    >>> last = chart.iloc[-1]
    >>> round(float(last["mean"]), 2), last["rule"], last["direction"], last["variation"]
    (13.25, 'beyond_limits', 'concern', 'concern')
    >>> last["assurance"], int(last["points"])
    ('hit_and_miss', 12)
    """
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {POLARITIES}, not {polarity!r}")
    if baseline is not None and baseline and baseline < MIN_POINTS:
        raise ValueError(f"baseline must be at least {MIN_POINTS} points, not {baseline}")
    series = pd.to_numeric(pd.Series(values), errors="coerce").astype("float64")
    n = len(series)
    x = series.to_numpy()
    segment = _segment_numbers(series.index, breaks)
    cols: dict[str, np.ndarray] = {
        name: np.full(n, np.nan)
        for name in ("mean", "upper", "lower", "upper_two_sigma", "lower_two_sigma")
    }
    moving = np.full(n, np.nan)
    points = np.zeros(n, dtype=int)
    warning = np.full(n, "", dtype=object)
    sides = {rule: np.zeros(n, dtype=int) for rule in RULES}
    for seg in np.unique(segment):
        where = np.flatnonzero(segment == seg)
        xs = x[where]
        moving[where[1:]] = np.abs(np.diff(xs))  # NaN next to a gap
        observed = np.flatnonzero(~np.isnan(xs))
        base = observed[:baseline] if baseline else observed
        points[where] = len(base)
        warning[where] = _warning(len(base))
        if len(base) < MIN_POINTS:
            continue
        mr = np.abs(np.diff(xs[: base[-1] + 1]))
        if np.isnan(mr).all():  # no two consecutive points: no moving range to scale by
            continue
        mean, mr_mean = float(xs[base].mean()), float(np.nanmean(mr))
        limits = {
            "mean": mean,
            "upper": mean + LIMIT_FACTOR * mr_mean,
            "lower": mean - LIMIT_FACTOR * mr_mean,
            "upper_two_sigma": mean + TWO_SIGMA_FACTOR * mr_mean,
            "lower_two_sigma": mean - TWO_SIGMA_FACTOR * mr_mean,
        }
        for name, value in limits.items():
            cols[name][where] = value
        # Rules apply within a stretch of consecutive observed points.
        gaps = np.isnan(xs)
        edges = np.flatnonzero(np.diff(np.concatenate([[1], gaps.astype(int), [1]])))
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            found = _stretch_rules(xs[start:stop], limits, run_length, trend_length)
            for rule in RULES:
                sides[rule][where[start:stop]] = found[rule]

    rule = np.full(n, "", dtype=object)
    side = np.zeros(n, dtype=int)
    for name in reversed(RULES):  # the first rule in RULES is applied last, so it wins
        hit = sides[name] != 0
        rule[hit] = name
        side[hit] = sides[name][hit]
    every = [",".join(r for r in RULES if sides[r][i] != 0) for i in range(n)]

    out = pd.DataFrame(index=series.index)
    out["value"] = series
    for name in ("mean", "upper", "lower"):
        out[name] = cols[name]
    out["moving_range"] = moving
    out["rule"] = pd.Series(rule, index=series.index, dtype="str")
    out["special_cause"] = out["rule"] != ""
    out["side"] = pd.Series(
        np.where(side > 0, "high", np.where(side < 0, "low", "")), index=series.index
    ).astype("str")
    good = {"higher_is_better": "high", "lower_is_better": "low"}.get(polarity)
    direction = np.where(
        (out["side"] == "") | (good is None),
        "",
        np.where(out["side"] == good, "improvement", "concern"),
    )
    out["direction"] = pd.Series(direction, index=series.index).astype("str")
    out["upper_two_sigma"] = cols["upper_two_sigma"]
    out["lower_two_sigma"] = cols["lower_two_sigma"]
    out["rules"] = pd.Series(every, index=series.index, dtype="str")
    out["segment"] = segment
    out["points"] = points
    out["warning"] = pd.Series(warning, index=series.index).astype("str")
    has_limits = out["mean"].notna() & out["value"].notna()
    neither = np.where(out["side"] == "high", "neither_high", "neither_low")
    variation = np.where(
        ~has_limits,
        "",
        np.where(
            ~out["special_cause"],
            "common_cause",
            np.where(out["direction"] != "", out["direction"], neither),
        ),
    )
    out["variation"] = pd.Series(variation, index=series.index).astype("str")
    out["assurance"] = pd.Series(
        [
            assurance(target, polarity, up, low)
            for up, low in zip(out["upper"], out["lower"], strict=True)
        ],
        index=series.index,
        dtype="str",
    )
    return out[COLUMNS]


def assurance(target: float | None, polarity: str, upper: float, lower: float) -> str:
    """Read a target against process limits: ``pass``, ``fail``, ``hit_and_miss`` or ``""``.

    A target beyond a limit is consistently passed or failed (which, by the polarity);
    a target between the limits, or exactly on one, is hit and miss. No target, no
    polarity or no limits give ``""``.

    Examples
    --------
    >>> assurance(20.0, "lower_is_better", upper=18.0, lower=12.0)
    'pass'
    >>> assurance(20.0, "higher_is_better", upper=18.0, lower=12.0)
    'fail'
    >>> assurance(15.0, "lower_is_better", upper=18.0, lower=12.0)
    'hit_and_miss'
    """
    if target is None or not polarity or np.isnan(upper) or np.isnan(lower):
        return ""
    higher_better = polarity == "higher_is_better"
    if target > upper:
        return "fail" if higher_better else "pass"
    if target < lower:
        return "pass" if higher_better else "fail"
    return "hit_and_miss"


@dataclass(frozen=True)
class Reading:
    """What a chart says now: its latest point's variation and the assurance reading.

    Attributes
    ----------
    variation, assurance : str
        Keys of :data:`VARIATION_LABELS` and :data:`ASSURANCE_LABELS` (``""``: none).
    variation_label, assurance_label : str
        The same as text for readers.
    rule : str
        The rule behind a special cause (``""`` for none).
    warning : str
        The latest period's warning about how many points its limits rest on, or ``""``.
    points : int
        Points the latest period's limits rest on.
    """

    variation: str
    assurance: str
    variation_label: str
    assurance_label: str
    rule: str
    warning: str
    points: int


def reading(chart: pd.DataFrame) -> Reading:
    """Summarise an :func:`xmr` chart at its latest observed point.

    Examples
    --------
    >>> import pandas as pd
    >>> r = reading(xmr(pd.Series([5.0] * 3), polarity="lower_is_better", target=4))
    >>> r.variation_label, r.assurance_label
    ('Not available', 'Not available')
    """
    observed = chart.dropna(subset=["value"])
    if observed.empty:
        return Reading("", "", VARIATION_LABELS[""], ASSURANCE_LABELS[""], "", _warning(0), 0)
    last = observed.iloc[-1]
    return Reading(
        variation=last["variation"],
        assurance=last["assurance"],
        variation_label=VARIATION_LABELS[last["variation"]],
        assurance_label=ASSURANCE_LABELS[last["assurance"]],
        rule=last["rule"],
        warning=last["warning"],
        points=int(last["points"]),
    )


# --- Configuration: [spc] in carelib.toml ---------------------------------------------

_REBASE = re.compile(r"(\d{4}-(0[1-9]|1[0-2]))(-\d{2})?\s*(:\s*(?P<label>.*))?")


@dataclass(frozen=True)
class Settings:
    """The ``[spc]`` settings: a baseline length and each indicator's rebase months.

    Attributes
    ----------
    baseline : int or None
        Points each period's limits are fixed from (None: all its points).
    rebase : dict
        Indicator -> ``{month: label}`` (label ``""`` when none was given).
    """

    baseline: int | None
    rebase: Mapping[str, Mapping[str, str]]


def settings(section: Mapping[str, Any]) -> Settings:
    """Read the ``[spc]`` section of a validated config.

    ``baseline_points`` (0: every point) and ``rebase_<indicator>``, a list of months
    written ``YYYY-MM`` (or a date in the month), each optionally followed by ``: what
    changed`` (shown on the chart).

    Raises
    ------
    carelib.config.ConfigError
        Naming the key for a month that is not ``YYYY-MM`` or a baseline under 12.

    Examples
    --------
    >>> s = settings({"baseline_points": 0, "rebase_agency_rate": ["2024-06: pay cap"]})
    >>> s.baseline, dict(s.rebase["agency_rate"])
    (None, {'2024-06': 'pay cap'})
    """
    from carelib.config import ConfigError

    baseline = int(section.get("baseline_points", 0) or 0)
    if baseline and baseline < MIN_POINTS:
        raise ConfigError(
            f"config key spc.baseline_points must be 0 (every point) or at least "
            f"{MIN_POINTS}, not {baseline}"
        )
    rebase: dict[str, dict[str, str]] = {}
    for key, items in section.items():
        if not key.startswith("rebase_"):
            continue
        months: dict[str, str] = {}
        for item in items:
            match = _REBASE.fullmatch(str(item).strip())
            if not match:
                raise ConfigError(
                    f"config key spc.{key}: {item!r} is not a month written YYYY-MM "
                    "(optionally followed by ': what changed')"
                )
            months[match.group(1)] = (match.group("label") or "").strip()
        rebase[key.removeprefix("rebase_")] = months
    return Settings(baseline=baseline or None, rebase=rebase)
