"""Rules that span files or months, which a one-file Great Expectations suite cannot hold.

Each function returns one :class:`carelib.validation.Check`, reported exactly like a
contract rule (dataset, column, severity, rows and values of the file being judged):

=============================================  ========  ====================================
rule                                           severity  meaning
=============================================  ========  ====================================
``measures.recommendation_id.in_actions``      error     a measure's recommendation is in
                                                         this month's actions.csv
``leavers.worker_id.not_in_workforce``         error     a leaver is not also in post at
                                                         month end
``workforce.team.in_establishment``            error     every worker's team is in
                                                         establishment.csv (near-duplicates
                                                         named)
``leavers.team.in_establishment``              error     likewise for every leaver's team
``agency_spend.team.in_establishment``         error     likewise for every team with spend
``agency_assignments.team.in_establishment``   error     likewise for every agency assignment
``agency_assignments.worker_id.in_workforce``  error     an agency assignment's worker is in
                                                         this month's workforce.csv
``establishment.team.distinct``                error     no two funded teams differ only by
                                                         case, spacing or a plural
``workforce.sickness_days.within_fte``         error     sickness_days <= fte x working days
``actions.recommendation.consistent``          error     one recommendation_id, one
                                                         recommendation text
``workforce.worker_id.accounted_for``          warning   last month's workers are in post or
                                                         in leavers.csv
``actions.action_id.kept``                     warning   last month's actions are still in
                                                         the plan
``measures.measure_id.kept``                   warning   last month's measures are still
                                                         reported
=============================================  ========  ====================================

A rule whose file or column is missing or unreadable is "could not be checked" and does
not add an error of its own (the missing file or column already is one).
"""

from __future__ import annotations

import re

import pandas as pd

from carelib import dates
from carelib.loading import MonthData, Table
from carelib.validation import FAILED, MAX_LISTED, NOT_CHECKED, PASSED, Check


def _unusable(table: Table | None, columns: list[str], label: str) -> str | None:
    """Return why ``table`` cannot be used for a rule, or None when it can."""
    if table is None:
        return f"{label} is not available"
    if any(p.column is None for p in table.problems):
        return f"{label} is missing or could not be read"
    missing = [c for c in columns if c not in table.raw.columns]
    if missing:
        return f"{label} has no {', '.join(missing)} column"
    return None


def _file(table: Table, month: str | None = None) -> str:
    name = table.path.name if table.path is not None else f"{table.dataset}.csv"
    return f"{name} ({month})" if month else name


def _result(check: Check, table: Table, mask: pd.Series, columns: list[str]) -> Check:
    """Fill in ``check`` from the rows of ``table`` selected by ``mask``."""
    bad = mask[mask.fillna(False).astype(bool)].index
    check.unexpected_count = int(len(bad))
    if len(bad) == 0:
        check.status = PASSED
        return check
    check.status = FAILED
    listed = bad[:MAX_LISTED]
    check.rows = [Table.source_row(i) for i in listed]
    if len(columns) == 1:
        check.values = [str(table.raw.at[i, columns[0]]) for i in listed]
    else:
        check.values = [" / ".join(f"{c} {table.raw.at[i, c]}" for c in columns) for i in listed]
    return check


def _not_checked(check: Check, reason: str, cause: str = "prerequisite") -> Check:
    check.status = NOT_CHECKED
    check.reason = reason
    check.cause = cause
    return check


def _ids(frame: pd.DataFrame, column: str) -> set[str]:
    return set(frame[column].dropna().astype(str))


def orphan_measures(month: MonthData) -> Check:
    """Every measure's recommendation_id exists in the same month's actions.csv (error)."""
    measures, actions = month.tables["measures"], month.tables["actions"]
    check = Check(
        rule="measures.recommendation_id.in_actions",
        dataset="measures",
        column="recommendation_id",
        severity="error",
        source="crosscheck",
        file=_file(measures),
        description="every measure's recommendation_id is in this month's actions.csv",
        problem="a recommendation_id that is not in this month's actions.csv",
    )
    why = _unusable(measures, ["recommendation_id"], _file(measures)) or _unusable(
        actions, ["recommendation_id"], _file(actions)
    )
    if why:
        return _not_checked(check, why)
    known = _ids(actions.data, "recommendation_id")
    ids = measures.data["recommendation_id"]
    return _result(
        check, measures, ids.notna() & ~ids.astype(str).isin(known), ["recommendation_id"]
    )


def leavers_in_post(month: MonthData) -> Check:
    """No worker is both in post at month end and a leaver in the month (error)."""
    leavers, workforce = month.tables["leavers"], month.tables["workforce"]
    check = Check(
        rule="leavers.worker_id.not_in_workforce",
        dataset="leavers",
        column="worker_id",
        severity="error",
        source="crosscheck",
        file=_file(leavers),
        description="no leaver is also in workforce.csv (in post at month end)",
        problem="a worker who is also in this month's workforce.csv",
    )
    why = _unusable(leavers, ["worker_id"], _file(leavers)) or _unusable(
        workforce, ["worker_id"], _file(workforce)
    )
    if why:
        return _not_checked(check, why)
    in_post = _ids(workforce.data, "worker_id")
    ids = leavers.data["worker_id"]
    return _result(check, leavers, ids.notna() & ids.astype(str).isin(in_post), ["worker_id"])


def assignments_in_workforce(month: MonthData) -> Check:
    """Every agency assignment's worker is in this month's workforce.csv (error).

    The assignments file (optional) lists assignments active in the month, so each
    worker is in post at month end or, having left in the month, in leavers.csv.
    """
    table, workforce = month.tables["agency_assignments"], month.tables["workforce"]
    leavers = month.tables.get("leavers")
    check = Check(
        rule="agency_assignments.worker_id.in_workforce",
        dataset="agency_assignments",
        column="worker_id",
        severity="error",
        source="crosscheck",
        file=_file(table),
        description=(
            "every agency assignment's worker_id is in this month's workforce.csv "
            "(or leavers.csv, for a worker who left in the month)"
        ),
        problem="a worker_id that is in neither this month's workforce.csv nor leavers.csv",
    )
    why = _unusable(table, ["worker_id"], _file(table)) or _unusable(
        workforce, ["worker_id"], _file(workforce)
    )
    if why:
        return _not_checked(check, why)
    known = _ids(workforce.data, "worker_id")
    if leavers is not None and _unusable(leavers, ["worker_id"], _file(leavers)) is None:
        known |= _ids(leavers.data, "worker_id")
    ids = table.data["worker_id"]
    return _result(check, table, ids.notna() & ~ids.astype(str).isin(known), ["worker_id"])


def team_key(name: str) -> str:
    """Return a team name folded for spotting near-duplicates.

    Case, spacing, punctuation and a plural ``s`` are ignored, so ``Disabled Childrens``,
    ``disabled  children`` and ``Disabled Children's`` all fold to ``disabled children``.
    """
    words = re.sub(r"[^\w\s]", "", str(name).lower()).split()
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words)


def unknown_teams(month: MonthData, dataset: str) -> Check:
    """Every team in ``dataset`` is a team in this month's establishment.csv (error).

    A team that differs from a funded one only by case, spacing or a plural is named
    with the funded spelling, so the typo is easy to fix. (A funded team with nobody in
    post is valid: it is a vacancy.)
    """
    table, establishment = month.tables[dataset], month.tables["establishment"]
    what = {
        "workforce": "every worker's team",
        "leavers": "every leaver's team",
        "agency_spend": "every team with agency spend",
        "agency_assignments": "every agency assignment's team",
    }[dataset]
    check = Check(
        rule=f"{dataset}.team.in_establishment",
        dataset=dataset,
        column="team",
        severity="error",
        source="crosscheck",
        file=_file(table),
        description=f"{what} is a team in establishment.csv",
        problem="a team that is not in this month's establishment.csv",
    )
    why = _unusable(table, ["team"], _file(table)) or _unusable(
        establishment, ["team"], _file(establishment)
    )
    if why:
        return _not_checked(check, why)
    funded = _ids(establishment.data, "team")
    col = table.data["team"]
    check = _result(check, table, col.notna() & ~col.astype(str).isin(funded), ["team"])
    near = {team_key(t): t for t in sorted(funded)}
    check.values = [
        f"{v} (did you mean {near[team_key(v)]!r}?)" if team_key(v) in near else v
        for v in check.values
    ]
    return check


def near_duplicate_teams(month: MonthData) -> Check:
    """No two funded teams differ only by case, spacing or a plural (error)."""
    table = month.tables["establishment"]
    check = Check(
        rule="establishment.team.distinct",
        dataset="establishment",
        column="team",
        severity="error",
        source="crosscheck",
        file=_file(table),
        description=(
            "no two teams differ only by case, spacing or a plural "
            "(such as Disabled Childrens and Disabled Children)"
        ),
        problem="a team name that differs from another row's only by case, spacing or a plural",
    )
    why = _unusable(table, ["team"], _file(table))
    if why:
        return _not_checked(check, why)
    teams = table.data["team"]
    keys = teams.dropna().astype(str).map(team_key)
    clash = keys[keys.duplicated(keep=False)]
    # Rows with the same exact name are the uniqueness rule's to report.
    mask = pd.Series(False, index=teams.index)
    for _, group in clash.groupby(clash):
        if teams[group.index].nunique() > 1:
            mask[group.index] = True
    return _result(check, table, mask, ["team"])


def sickness_within_fte(month: MonthData) -> Check:
    """No worker lost more days to sickness than their FTE times the working days (error).

    sickness_days are FTE working days, so a 0.5 FTE worker in a month of 22 working days
    can lose at most 11. (The contract's own rule caps every worker at the working days.)
    """
    table = month.tables["workforce"]
    working = dates.month_working_days(month.month)
    check = Check(
        rule="workforce.sickness_days.within_fte",
        dataset="workforce",
        column="sickness_days",
        severity="error",
        source="crosscheck",
        file=_file(table),
        description=(
            f"sickness_days is at most the worker's fte times the month's {working} working days"
        ),
        problem=f"more sickness_days than fte x {working} working days",
    )
    why = _unusable(table, ["sickness_days", "fte"], _file(table))
    if why:
        return _not_checked(check, why)
    data = table.data
    mask = data["sickness_days"] > data["fte"] * working + 1e-9
    return _result(check, table, mask.fillna(False), ["sickness_days", "fte"])


def recommendation_text(month: MonthData) -> Check:
    """Every row with one recommendation_id carries the same recommendation text (error).

    The text most rows of a recommendation carry (the first, on a tie) is taken as right;
    the rows that differ from it are reported.
    """
    actions = month.tables["actions"]
    check = Check(
        rule="actions.recommendation.consistent",
        dataset="actions",
        column="recommendation",
        severity="error",
        source="crosscheck",
        file=_file(actions),
        description="every row with the same recommendation_id has the same recommendation text",
        problem="a recommendation text that differs from other rows with its recommendation_id",
    )
    why = _unusable(actions, ["recommendation_id", "recommendation"], _file(actions))
    if why:
        return _not_checked(check, why)
    frame = actions.data[["recommendation_id", "recommendation"]].dropna()
    if frame.empty:
        return _result(check, actions, pd.Series(False, index=actions.data.index), [])
    counts = frame.groupby(["recommendation_id", "recommendation"], sort=False).size()
    usual = (
        counts.reset_index(name="n")
        .sort_values("n", ascending=False, kind="stable")
        .drop_duplicates("recommendation_id")
        .set_index("recommendation_id")["recommendation"]
    )
    expected = frame["recommendation_id"].map(usual)
    mask = pd.Series(False, index=actions.data.index)
    mask.loc[frame.index] = (frame["recommendation"] != expected).to_numpy()
    return _result(check, actions, mask, ["recommendation_id", "recommendation"])


def _previous_check(check: Check, previous: MonthData | None, previous_month: str) -> Check | None:
    if previous is None:
        return _not_checked(
            check,
            f"there is no data for {dates.month_label(previous_month)} to compare with",
            "no_previous_month",
        )
    return None


def vanished_workers(month: MonthData, previous: MonthData | None, previous_month: str) -> Check:
    """Every worker in post last month is in post now or in this month's leavers (warning)."""
    check = Check(
        rule="workforce.worker_id.accounted_for",
        dataset="workforce",
        column="worker_id",
        severity="warning",
        source="crosscheck",
        description=(
            "every worker in last month's workforce.csv is in this month's "
            "workforce.csv or leavers.csv"
        ),
        problem="a worker who is in neither this month's workforce.csv nor its leavers.csv",
    )
    if (skipped := _previous_check(check, previous, previous_month)) is not None:
        return skipped
    before = previous.tables["workforce"]
    check.file = _file(before, previous_month)
    workforce, leavers = month.tables["workforce"], month.tables["leavers"]
    why = (
        _unusable(before, ["worker_id"], _file(before, previous_month))
        or _unusable(workforce, ["worker_id"], _file(workforce))
        or _unusable(leavers, ["worker_id"], _file(leavers))
    )
    if why:
        return _not_checked(check, why)
    known = _ids(workforce.data, "worker_id") | _ids(leavers.data, "worker_id")
    ids = before.data["worker_id"]
    return _result(check, before, ids.notna() & ~ids.astype(str).isin(known), ["worker_id"])


def _kept(
    month: MonthData,
    previous: MonthData | None,
    previous_month: str,
    dataset: str,
    key: str,
    what: str,
) -> Check:
    check = Check(
        rule=f"{dataset}.{key}.kept",
        dataset=dataset,
        column=key,
        severity="warning",
        source="crosscheck",
        description=f"every {key} in last month's {dataset}.csv is still there this month",
        problem=f"{what} that is no longer in this month's {dataset}.csv",
    )
    if (skipped := _previous_check(check, previous, previous_month)) is not None:
        return skipped
    before, now = previous.tables[dataset], month.tables[dataset]
    check.file = _file(before, previous_month)
    why = _unusable(before, [key], _file(before, previous_month)) or _unusable(
        now, [key], _file(now)
    )
    if why:
        return _not_checked(check, why)
    ids = before.data[key]
    return _result(check, before, ids.notna() & ~ids.astype(str).isin(_ids(now.data, key)), [key])


def dropped_actions(month: MonthData, previous: MonthData | None, previous_month: str) -> Check:
    """Every action in last month's plan is still in the plan (warning)."""
    return _kept(month, previous, previous_month, "actions", "action_id", "an action")


def dropped_measures(month: MonthData, previous: MonthData | None, previous_month: str) -> Check:
    """Every measure reported last month is still reported (warning)."""
    return _kept(month, previous, previous_month, "measures", "measure_id", "a measure")


#: The datasets of the previous month the month-on-month rules read.
PREVIOUS_DATASETS = ("workforce", "actions", "measures")
#: The month-on-month rules (left out when validation is asked not to compare months).
MONTH_ON_MONTH = (
    "workforce.worker_id.accounted_for",
    "actions.action_id.kept",
    "measures.measure_id.kept",
)


def run(month: MonthData, previous: MonthData | None = None) -> list[Check]:
    """Run every cross-file and cross-month rule on ``month``.

    Parameters
    ----------
    month : MonthData
        The month being validated.
    previous : MonthData, optional
        The month before (at least :data:`PREVIOUS_DATASETS`), or None when absent.

    Returns
    -------
    list of Check
    """
    previous_month = dates.add_months(month.month, -1)
    return [
        orphan_measures(month),
        leavers_in_post(month),
        unknown_teams(month, "workforce"),
        unknown_teams(month, "leavers"),
        unknown_teams(month, "agency_spend"),
        unknown_teams(month, "agency_assignments"),
        assignments_in_workforce(month),
        near_duplicate_teams(month),
        sickness_within_fte(month),
        recommendation_text(month),
        vanished_workers(month, previous, previous_month),
        dropped_actions(month, previous, previous_month),
        dropped_measures(month, previous, previous_month),
    ]
