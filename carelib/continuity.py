"""Rules on each worker's record across every month of data, which no one month can hold.

A leaver is someone who was in post and then left, once. Three things contradict that
and would silently distort turnover and stability if counted:

=====================================  =========================================================
rule                                   meaning
=====================================  =========================================================
``leavers.worker_id.returned``         a leaver in month M is in post again in the next month's
                                       workforce.csv
``leavers.worker_id.seen_before``      a leaver was never in an earlier month-end workforce.csv
                                       (the first month of data is exempt, and so is a leaver
                                       who started after the last earlier month end)
``leavers.worker_id.left_once``        the same worker is a leaver in two months
=====================================  =========================================================

All three are errors. A real rehire (a worker who left, was later taken on again and may
leave again) is allowed when the configuration says so, ``[validation] allow_rehires =
true``, and the later record carries a new start_date after the earlier leave_date:
without a new start date the records still contradict each other.
"""

from __future__ import annotations

import pandas as pd

from carelib import dates
from carelib.crosschecks import _file, _result, _unusable
from carelib.loading import Table
from carelib.validation import PASSED, Check

RULES = (
    "leavers.worker_id.returned",
    "leavers.worker_id.seen_before",
    "leavers.worker_id.left_once",
)
_OVERRIDE = "if this is a rehire, set allow_rehires = true under [validation] in carelib.toml"


def _check(rule: str, month: str, table: Table, description: str, problem: str) -> Check:
    # Labelled with its month (``leavers.csv (2025-06)``); see history_validation.
    return Check(
        rule=rule,
        dataset="leavers",
        column="worker_id",
        severity="error",
        source="crosscheck",
        file=_file(table, month),
        description=description,
        problem=problem,
    )


def _ids(table: Table) -> pd.Series:
    return table.data["worker_id"].astype("string")


def run(
    workforce: dict[str, Table], leavers: dict[str, Table], *, allow_rehires: bool = False
) -> list[Check]:
    """Check every leaver's record against every month's workforce and leavers.

    Parameters
    ----------
    workforce, leavers : dict of str to Table
        Each month's loaded ``workforce`` and ``leavers`` tables, keyed ``YYYY-MM``
        (every month of data up to the reporting month).
    allow_rehires : bool
        Accept a leaver in post again, or leaving again, when the later record has a new
        start_date after the earlier leave_date.

    Returns
    -------
    list of Check
        One failed check per rule and month with a problem, and one passed check per rule
        that found none. A month whose files cannot be read is left to that month's own
        validation (it is already an error).
    """
    months = sorted(leavers)
    failed: list[Check] = []
    seen_in_post: set[str] = set()
    earlier_leaves: dict[str, pd.Timestamp] = {}
    left_in: dict[str, str] = {}
    for i, month in enumerate(months):
        table = leavers[month]
        usable = _unusable(table, ["worker_id", "start_date", "leave_date"], _file(table, month))
        wf = workforce.get(month)
        wf_ok = wf is not None and _unusable(wf, ["worker_id"], _file(wf, month)) is None
        if usable is None and len(table.data):
            ids = _ids(table)
            starts, leaves = table.data["start_date"], table.data["leave_date"]
            # Returned: in post again at the next month end.
            if i + 1 < len(months):
                nxt = months[i + 1]
                after = workforce.get(nxt)
                if after is not None and _unusable(after, ["worker_id", "start_date"], "") is None:
                    start_after = dict(zip(_ids(after), after.data["start_date"], strict=True))
                    back = ids.isin(list(start_after))
                    if allow_rehires:
                        new_start = ids.map(start_after).astype("datetime64[ns]") > leaves
                        back = back & ~new_start.fillna(False)
                    check = _check(
                        RULES[0],
                        month,
                        table,
                        "no leaver is in post again at the next month end",
                        f"a leaver who is in post again in workforce.csv of {nxt} "
                        f"({_OVERRIDE}, and give the new start_date)",
                    )
                    failed.append(_result(check, table, back, ["worker_id"]))
            # Seen before: in some earlier month-end snapshot, unless started since.
            if i > 0:
                last_end = pd.Timestamp(dates.reference_date(months[i - 1]))
                never = ~ids.isin(seen_in_post) & (starts <= last_end)
                check = _check(
                    RULES[1],
                    month,
                    table,
                    "every leaver was in post at an earlier month end (in an earlier "
                    "workforce.csv), unless they started after it",
                    "a leaver who is in no earlier month's workforce.csv though they started "
                    f"before {last_end:%d %B %Y} (a wrong worker_id?)",
                )
                failed.append(_result(check, table, never.fillna(False), ["worker_id"]))
            # Left once.
            before = ids.map(earlier_leaves)
            twice = ids.isin(list(earlier_leaves))
            if allow_rehires:
                twice = twice & ~(starts > before.astype("datetime64[ns]")).fillna(False)
            check = _check(
                RULES[2],
                month,
                table,
                "no worker is a leaver in two months",
                f"a worker who is also a leaver in an earlier month ({_OVERRIDE}, and give "
                "the new start_date)",
            )
            check = _result(check, table, twice, ["worker_id"])
            check.values = [
                f"{v} (also left in {left_in.get(v.strip(), 'an earlier month')})"
                for v in check.values
            ]
            failed.append(check)
            for wid, left in zip(ids, leaves, strict=True):
                if pd.notna(wid):
                    earlier_leaves[str(wid)] = left
                    left_in[str(wid)] = month
        if wf_ok:
            seen_in_post.update(_ids(wf).dropna().astype(str))
    out = [c for c in failed if c.status != PASSED]
    return out + [c for c in passed_checks() if not any(f.rule == c.rule for f in out)]


_DESCRIPTIONS = {
    RULES[0]: "no leaver is in post again at the next month end",
    RULES[1]: "every leaver was in post at an earlier month end, unless they started after it",
    RULES[2]: "no worker is a leaver in two months",
}


def passed_checks() -> list[Check]:
    """Return one passed check per rule (all months passed)."""
    return [
        Check(
            rule=rule,
            dataset="leavers",
            column="worker_id",
            severity="error",
            source="crosscheck",
            file="leavers.csv (every month)",
            description=_DESCRIPTIONS[rule],
            unexpected_count=0,
        )
        for rule in RULES
    ]
