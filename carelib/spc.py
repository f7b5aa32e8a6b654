"""Statistical process control: the XmR chart of NHS England's "Making Data Count".

An XmR (individuals and moving range) chart separates common-cause variation from
special causes. The process limits are the mean plus or minus 2.66 times the mean
moving range (the moving range is the absolute difference between consecutive points).
A point shows special-cause variation when

- it lies beyond a process limit (``beyond_limits``);
- it is one of 7 or more consecutive points on the same side of the mean (``run``,
  a shift); a point exactly on the mean ends a run;
- it is one of 7 or more consecutive points each higher (or each lower) than the one
  before (``trend``); an unchanged value ends a trend.

With a polarity the special cause is read as an ``improvement`` or a ``concern``.
Limits from few points are unreliable: Making Data Count suggests at least 15 to 20.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

POLARITIES = ("higher_is_better", "lower_is_better", "")
#: Scaling constant from the mean moving range to 3-sigma process limits (3 / d2, d2=1.128).
LIMIT_FACTOR = 2.66


def _runs(labels: np.ndarray, min_len: int) -> np.ndarray:
    """Mark elements in runs of ``min_len`` or more equal non-zero labels."""
    flags = np.zeros(len(labels), dtype=bool)
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            if labels[start] != 0 and i - start >= min_len:
                flags[start:i] = True
            start = i
    return flags


def xmr(
    values: pd.Series,
    polarity: str = "",
    baseline: int | None = None,
    run_length: int = 7,
    trend_length: int = 7,
) -> pd.DataFrame:
    """Compute an XmR chart with special-cause flags.

    Parameters
    ----------
    values : pandas.Series
        The measure in time order (e.g. indexed by month). Missing values are skipped:
        they get no flag and the moving range joins the points either side.
    polarity : str, default ""
        ``higher_is_better``, ``lower_is_better`` or ``""`` (no direction: special causes
        are flagged but ``direction`` stays empty).
    baseline : int, optional
        Compute the mean and limits from the first ``baseline`` points only (e.g. the
        period before a change); default all points.
    run_length, trend_length : int, default 7
        Points needed for a run (shift) and for a trend.

    Returns
    -------
    pandas.DataFrame
        Same index as ``values``; columns ``value``, ``mean``, ``upper``, ``lower``
        (process limits; NaN with fewer than 2 points), ``moving_range``,
        ``special_cause`` (bool), ``rule`` (``beyond_limits``, ``run``, ``trend`` or
        ``""``; the first that applies in that order), ``side`` (``high``, ``low`` or
        ``""``) and ``direction`` (``improvement``, ``concern`` or ``""``).

    Examples
    --------
    >>> import pandas as pd
    >>> chart = xmr(pd.Series([10, 12, 11, 13, 12, 30.0]), polarity="lower_is_better")
    >>> round(float(chart["mean"].iloc[0]), 2), chart["rule"].iloc[-1], chart["direction"].iloc[-1]
    (14.67, 'beyond_limits', 'concern')
    """
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {POLARITIES}, not {polarity!r}")
    series = pd.to_numeric(pd.Series(values), errors="coerce").astype("float64")
    valid = series.dropna()
    x = valid.to_numpy()
    base = x[:baseline] if baseline else x
    mean = float(base.mean()) if len(base) else np.nan
    mr_mean = float(np.abs(np.diff(base)).mean()) if len(base) >= 2 else np.nan
    upper, lower = mean + LIMIT_FACTOR * mr_mean, mean - LIMIT_FACTOR * mr_mean

    n = len(x)
    side = np.zeros(n, dtype=int)  # +1 high, -1 low
    rule = np.full(n, "", dtype=object)
    if n:
        beyond = np.where(x > upper, 1, np.where(x < lower, -1, 0))
        position = np.sign(x - mean).astype(int)
        run = _runs(position, run_length)
        steps = np.sign(np.diff(x)).astype(int)
        step_runs = _runs(steps, trend_length - 1)
        trend = np.zeros(n, dtype=bool)
        trend_side = np.zeros(n, dtype=int)
        for j in np.flatnonzero(step_runs):  # a step j joins points j and j + 1
            trend[j : j + 2] = True
            trend_side[j : j + 2] = steps[j]
        for mask, name, sides in (
            (trend, "trend", trend_side),
            (run, "run", position),
            (beyond != 0, "beyond_limits", beyond),
        ):
            rule[mask] = name  # later rules take precedence
            side[mask] = sides[mask]

    out = pd.DataFrame(index=series.index)
    out["value"] = series
    out["mean"] = mean
    out["upper"] = upper
    out["lower"] = lower
    moving = pd.Series(
        np.concatenate([[np.nan], np.abs(np.diff(x))]) if n else [],
        index=valid.index,
        dtype="float64",
    )
    out["moving_range"] = moving.reindex(series.index)
    rule_s = pd.Series(rule, index=valid.index, dtype="object").reindex(series.index)
    out["rule"] = rule_s.fillna("").astype("str")
    out["special_cause"] = out["rule"] != ""
    side_s = pd.Series(side, index=valid.index).reindex(series.index).fillna(0)
    out["side"] = np.where(side_s > 0, "high", np.where(side_s < 0, "low", ""))
    good = {"higher_is_better": "high", "lower_is_better": "low"}.get(polarity)
    out["direction"] = np.where(
        (out["side"] == "") | (good is None),
        "",
        np.where(out["side"] == good, "improvement", "concern"),
    )
    out["side"] = out["side"].astype("str")
    out["direction"] = out["direction"].astype("str")
    return out[
        [
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
    ]
