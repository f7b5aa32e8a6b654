"""Suppress small counts before a table is published outside the service.

In publication mode a count from 1 to the threshold (config ``publication.threshold``,
default 5) is shown as ``c``, the symbol DfE and the ONS use for "suppressed". That is
*primary* suppression. On its own it is not enough: when a table (or another page, or
the CSV) shows a total, the total minus the other cells of its row or column would give
the hidden number back. *Secondary* (complementary) suppression hides at least one more
cell in every such line, so that no line has exactly one unknown.

The rule, applied until nothing changes:

- a *line* is a column (cells that add up to a column total) or a row (cells that add
  up to a row total); its total is the ``total_row`` / ``total_col`` cell when the table
  shows one, otherwise it is assumed to be published elsewhere (safe default);
- a line with exactly one suppressed cell (its total included when shown) gets one
  more: the smallest non-zero count still shown in it (a zero only if there is no
  non-zero cell; the total only if there is no other cell at all).

Zeros are not suppressed: a zero discloses nothing about a person. Suppressing the
smallest remaining cell keeps the information lost small. This guards against the
"total minus the other cells" attack along rows and columns, the one a reader can do
with a pencil; it does not claim to defeat every linear combination across tables.

A *cumulative* series (a financial-year-to-date count, month by month) has a second
pencil attack: the difference of two consecutive figures is the count of the months in
between. :func:`suppress_cumulative` hides the later of two consecutive shown figures
whenever they differ by 1 to the threshold.

Example
-------
>>> import pandas as pd
>>> t = pd.DataFrame({"leavers": [12, 3, 8, 23]}, index=["a", "b", "c", "Total"])
>>> suppress_counts(t, ["leavers"], 5, total_row="Total")["leavers"].tolist()
[12, 'c', 'c', 23]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

#: The symbol shown instead of a suppressed count.
SUPPRESSED = "c"
AXES = ("columns", "rows", "both")


def is_small(values, threshold: int) -> np.ndarray:
    """Return a mask of counts that need primary suppression: ``0 < value <= threshold``.

    Non-integer values (FTE) use the same test, which is conservative: an FTE of 5 or
    less may be 5 or fewer people, and headcount is never below FTE.
    """
    v = pd.to_numeric(pd.Series(np.ravel(np.asarray(values, dtype=object))), errors="coerce")
    v = v.to_numpy("float64").reshape(np.shape(values))
    with np.errstate(invalid="ignore"):
        return (v > 0) & (v <= threshold)


def _lines(
    n_rows: int, n_cols: int, total_row: int | None, total_col: int | None, axis: str
) -> list[tuple[list[tuple[int, int]], tuple[int, int] | None]]:
    """Every line of the table: (its cells, its total cell or None when not shown)."""
    rows = [i for i in range(n_rows) if i != total_row]
    cols = [j for j in range(n_cols) if j != total_col]
    lines = []
    if axis in ("columns", "both"):
        for j in range(n_cols):  # the total column adds up down its column too
            total = (total_row, j) if total_row is not None else None
            lines.append(([(i, j) for i in rows], total))
    if axis in ("rows", "both"):
        for i in range(n_rows):
            total = (i, total_col) if total_col is not None else None
            lines.append(([(i, j) for j in cols], total))
    return lines


def suppression_mask(
    frame: pd.DataFrame,
    columns: Sequence[str],
    threshold: int = 5,
    *,
    total_row=None,
    total_col: str | None = None,
    axis: str | None = None,
    hidden: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return which count cells to suppress (primary and secondary).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table as it will be shown: one row per category (and optionally a total
        row), count columns.
    columns : sequence of str
        The count columns to protect (``total_col`` included if there is one).
    threshold : int, default 5
        Counts from 1 to ``threshold`` are suppressed. 0 turns suppression off.
    total_row : index label, optional
        The row that holds the column totals, if the table shows one.
    total_col : str, optional
        The column that holds the row totals, if the table shows one.
    axis : {"columns", "rows", "both"}, optional
        Which lines add up: ``columns`` (cells of a column add to its total, e.g. leavers
        by reason in the month and in 12 months), ``rows``, or ``both`` (a cross table).
        Default ``both`` when ``total_col`` is given, else ``columns``. A line without a
        total in the table is protected as if its total were published elsewhere.
    hidden : pandas.DataFrame, optional
        Booleans (index of ``frame``, some of ``columns``): cells to suppress whatever
        their value, because another rule hides them (for example
        :func:`suppress_cumulative`). Secondary suppression protects them like small
        counts; ``threshold`` 0 does not unhide them.

    Returns
    -------
    pandas.DataFrame
        Booleans, same index as ``frame``, one column per entry of ``columns``.
    """
    columns = list(columns)
    axis = axis or ("both" if total_col is not None else "columns")
    if axis not in AXES:
        raise ValueError(f"axis must be one of {AXES}, not {axis!r}")
    for col in columns:
        if col not in frame.columns:
            raise KeyError(f"column {col!r} is not in the table")
    if total_col is not None and total_col not in columns:
        raise KeyError(f"total_col {total_col!r} must be one of the count columns")
    values = frame[columns].apply(pd.to_numeric, errors="coerce").to_numpy("float64")
    mask = np.zeros(values.shape, dtype=bool)
    if hidden is not None:
        forced = hidden.reindex(index=frame.index, columns=columns, fill_value=False)
        mask = forced.fillna(False).to_numpy(dtype=bool).copy()
    if threshold > 0:
        mask |= is_small(values, threshold)
    if mask.any():
        t_row = None if total_row is None else list(frame.index).index(total_row)
        t_col = None if total_col is None else columns.index(total_col)
        lines = _lines(*values.shape, t_row, t_col, axis)
        changed = True
        while changed:
            changed = False
            for cells, total in lines:
                members = [c for c in cells if not np.isnan(values[c])]
                hidden = sum(mask[c] for c in members) + (bool(mask[total]) if total else 0)
                if hidden != 1:
                    continue
                pick = _complement(values, mask, members, total)
                if pick is not None:
                    mask[pick] = True
                    changed = True
    return pd.DataFrame(mask, index=frame.index, columns=columns)


def _complement(
    values: np.ndarray,
    mask: np.ndarray,
    members: list[tuple[int, int]],
    total: tuple[int, int] | None,
) -> tuple[int, int] | None:
    """The cell to hide so that a line no longer has exactly one hidden cell."""
    shown = [c for c in members if not mask[c]]
    nonzero = [c for c in shown if values[c] != 0]
    pool = nonzero or shown
    if pool:
        return min(pool, key=lambda c: (values[c], c))
    if total is not None and not mask[total] and not np.isnan(values[total]):
        return total
    return None


def suppress_counts(
    frame: pd.DataFrame,
    columns: Sequence[str],
    threshold: int = 5,
    *,
    total_row=None,
    total_col: str | None = None,
    axis: str | None = None,
    dependent: Mapping[str, Iterable[str]] | None = None,
    hidden: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return a copy of a table with small counts (and their complements) shown as ``c``.

    Parameters
    ----------
    frame, columns, threshold, total_row, total_col, axis, hidden
        As for :func:`suppression_mask`.
    dependent : mapping, optional
        Count column -> other columns computed from it (an FTE, a percentage), which are
        suppressed in the same rows: a rate whose numerator is hidden is hidden too.

    Returns
    -------
    pandas.DataFrame
        The table with suppressed cells replaced by ``"c"`` (those columns become
        ``object`` dtype; other cells keep their numbers).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"started": [4, 10, 14], "in_post": [2, 7, 9], "left": [2, 3, 5]},
    ...                  index=["2023-24", "2024-25", "Total"])
    >>> out = suppress_counts(t, ["started", "in_post", "left"], 5, total_row="Total",
    ...                       total_col="started")
    >>> out.loc["2023-24"].tolist(), out.loc["2024-25"].tolist()
    (['c', 'c', 'c'], ['c', 'c', 'c'])
    """
    mask = suppression_mask(
        frame,
        columns,
        threshold,
        total_row=total_row,
        total_col=total_col,
        axis=axis,
        hidden=hidden,
    )
    out = frame.copy()
    targets = {col: [col, *(dependent or {}).get(col, ())] for col in mask.columns}
    for col, cols in targets.items():
        rows = mask[col].to_numpy()
        for target in cols:
            if not rows.any():
                continue
            out[target] = out[target].astype("object")
            out.loc[rows, target] = SUPPRESSED
    return out


def suppress_cumulative(values, threshold: int = 5, groups=None) -> pd.Series:
    """Return a cumulative series with small counts and small steps shown as ``c``.

    In a cumulative series (starters in the financial year to date, month by month) the
    difference of two consecutive figures is the count for the months between them:
    July 9 and August 10 tell the reader that one person started in August. So, taking
    the figures in order, a figure is suppressed when it differs by 1 to ``threshold``
    from the previous figure still shown (within its group). Hiding a figure changes
    which figures are next to each other, which is why each figure is compared with the
    previous *shown* one: 10, 12, 14, 30 becomes 10, c, c, 30, because 14 - 10 = 4.
    One pass in order reaches the stable state, since hiding a figure only changes the
    comparisons of the figures after it; the later figure of a pair is the one hidden,
    so the decision for a month depends only on the months before it and stays the same
    when next month's figure is added.

    A figure from 1 to ``threshold`` is suppressed too (primary suppression). Zeros and
    unchanged figures are shown: a step of 0 discloses nobody. Use this for counts of
    people; it is not meant for money.

    Parameters
    ----------
    values : sequence or pandas.Series
        The figures in time order, as they would be shown: numbers, with ``"c"`` for a
        figure already suppressed and NaN/None for one with no number (``x`` or ``z``).
        Neither of those is shown, so the next figure is compared with the one before.
    threshold : int, default 5
        Counts, and steps, from 1 to ``threshold`` are suppressed. 0 turns this off.
    groups : sequence, optional
        A label per figure; figures are compared only within their group (for example
        the financial year, since the count starts again at zero each April). Default:
        one group.

    Returns
    -------
    pandas.Series
        The figures (``object`` dtype, the index of ``values`` if it is a Series) with
        suppressed ones replaced by ``"c"``; figures with no number stay as they were.

    Examples
    --------
    >>> suppress_cumulative([1, 2, 3, 9, 10, 18], 5).tolist()
    ['c', 'c', 'c', 9, 'c', 18]
    >>> suppress_cumulative([40, 43, 2, 9], 5, groups=["24-25", "24-25", "25-26", "25-26"]).tolist()
    [40, 'c', 'c', 9]
    """
    out = pd.Series(values).astype("object")
    if groups is None:
        labels = np.zeros(len(out), dtype=int)
    else:
        labels = np.asarray(groups, dtype=object)
        if len(labels) != len(out):
            raise ValueError(f"groups has {len(labels)} labels for {len(out)} values")
    if threshold <= 0:
        return out
    numbers = pd.to_numeric(out.where(out.ne(SUPPRESSED)), errors="coerce").to_numpy("float64")
    hide = is_small(numbers, threshold)
    last_shown: dict = {}
    for i, (value, group) in enumerate(zip(numbers, labels, strict=True)):
        if np.isnan(value) or hide[i]:
            continue
        before = last_shown.get(group)
        if before is not None and 0 < abs(value - before) <= threshold:
            hide[i] = True
        else:
            last_shown[group] = value
    out[hide] = SUPPRESSED
    return out


def revealed_cells(
    shown: pd.DataFrame,
    true: pd.DataFrame,
    columns: Sequence[str],
    *,
    total_row=None,
    total_col: str | None = None,
    axis: str | None = None,
) -> list[tuple[object, str]]:
    """Return suppressed cells that a total minus the other shown cells would give back.

    A checking aid for tests and analysts: for every line whose total is known (shown,
    or the true total when the table has none, as a reader may know it from elsewhere),
    a line with exactly one ``c`` reveals that cell.

    Parameters
    ----------
    shown : pandas.DataFrame
        The table as published (with ``c``).
    true : pandas.DataFrame
        The same table before suppression.
    columns, total_row, total_col, axis
        As for :func:`suppression_mask`.
    """
    columns = list(columns)
    axis = axis or ("both" if total_col is not None else "columns")
    hidden = shown[columns].astype("object").eq(SUPPRESSED).to_numpy()
    values = true[columns].apply(pd.to_numeric, errors="coerce").to_numpy("float64")
    t_row = None if total_row is None else list(shown.index).index(total_row)
    t_col = None if total_col is None else columns.index(total_col)
    found = []
    for cells, total in _lines(*values.shape, t_row, t_col, axis):
        members = [c for c in cells if not np.isnan(values[c])]
        unknown = [c for c in members if hidden[c]]
        if total is not None and hidden[total]:
            unknown.append(total)
        if len(unknown) == 1:
            i, j = unknown[0]
            found.append((shown.index[i], columns[j]))
    return sorted(set(found), key=str)
