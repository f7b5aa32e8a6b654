"""The quarterly return on agency child and family social workers (``carelib agency-return``).

Since 31 October 2024 the data collection section of the DfE statutory guidance *Child
and family social workers: agency rules* is a legal requirement: each quarter a council
sends DfE data on every agency assignment and on its compliance with the rules. The first
quarter collected was January to March 2025 (submitted between 1 April and 31 May 2025),
so quarters are calendar quarters: ``2025-Q1`` is January to March.

The public guidance describes what the return holds rather than a file layout, so the
CSV written here is carelib's layout of those items (docs/agency_return.md lists each
column, where it comes from, and which we had to infer):

- an ``assignment`` row for every assignment active in any month of the quarter: its
  role type, hourly pay and charge rates, start and end dates, project team and
  supplier, and its compliance with each rule in its latest month in the quarter;
- a ``compliance`` row per rule: assignments assessed, compliant, breaches, breaches
  approved and not approved;
- a ``monthly_cost`` row per month: the agency spend of the month (``agency_spend``).

The return is checked before it is written (:func:`check`), from the same tables the
agency page reads (:func:`carelib.agency_rules.check`), so the page and the return agree.
It holds the pseudonymous worker id only: the social worker's Social Work England
registration number, which DfE also asks for, is not in carelib's data, and is left for
the council's HR system to add (column ``swe_registration``, blank).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from carelib import agency_rules, dates

_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.I)

#: The compliance and monthly cost rows' figures (the last columns of the return).
_TOTALS = (
    "rule",
    "assessed",
    "compliant",
    "breaches",
    "approved",
    "unapproved",
    "agency_spend_gbp",
)

#: Columns only the compliance and monthly cost rows fill.
_SUMMARY_ONLY = ("la_code", "quarter", *_TOTALS)

#: The columns of the return, in order.
COLUMNS = (
    "record_type",
    "la_code",
    "quarter",
    "month",
    "assignment_id",
    "worker_id",
    "swe_registration",
    "team",
    "role_type",
    "supplier",
    "project_team",
    "project_name",
    "start_date",
    "end_date",
    "hourly_pay_rate",
    "hourly_charge_rate",
    "price_cap",
    *(f"{rule}_status" for rule in agency_rules.RULES),
    "breach_approved_by",
    *_TOTALS,
)


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter: ``label`` ``YYYY-Qn`` and its three months ``YYYY-MM``."""

    label: str
    months: tuple[str, str, str]


def quarter(text: str) -> Quarter:
    """Parse ``2025-Q3`` (or ``2025Q3``) into its months.

    Raises
    ------
    ValueError
        When the text is not a quarter written ``YYYY-Qn`` with n from 1 to 4.

    Examples
    --------
    >>> quarter("2025-Q3").months
    ('2025-07', '2025-08', '2025-09')
    """
    match = _QUARTER.match(str(text).strip())
    if not match:
        raise ValueError(
            f"{text!r} is not a quarter written YYYY-Qn (calendar quarters: 2025-Q1 is "
            "January to March 2025)"
        )
    year, n = int(match.group(1)), int(match.group(2))
    first = f"{year:04d}-{3 * n - 2:02d}"
    return Quarter(f"{year:04d}-Q{n}", tuple(dates.add_months(first, i) for i in range(3)))


def build(
    months: Mapping[str, Mapping[str, pd.DataFrame]],
    which: Quarter,
    rules: agency_rules.Settings,
    la_code: str,
) -> pd.DataFrame:
    """Build the quarter's return.

    Parameters
    ----------
    months : mapping
        ``{month: {"agency_assignments": frame, "agency_spend": frame}}`` for each month of
        the quarter (every one must be there: a return is never built from part of one).
    which : Quarter
        The quarter.
    rules : carelib.agency_rules.Settings
        The ``[agency]`` settings.
    la_code : str
        The council's DfE LA code.

    Raises
    ------
    ValueError
        When a month of the quarter, or its ``agency_assignments``, is missing.
    """
    missing = [m for m in which.months if "agency_assignments" not in months.get(m, {})]
    if missing:
        raise ValueError(
            f"the {which.label} return needs agency_assignments for every month of the "
            f"quarter; missing: {', '.join(missing)}"
        )
    final = latest_statuses(months, which.months, rules)
    rows = final.to_dict("records") + compliance_rows(final).to_dict("records")
    for month in which.months:
        spend = months[month].get("agency_spend")
        total = float(spend["spend_gbp"].sum()) if spend is not None else float("nan")
        rows.append({"record_type": "monthly_cost", "month": month, "agency_spend_gbp": total})
    out = pd.DataFrame(rows).reindex(columns=list(COLUMNS))
    out["la_code"] = la_code
    out["quarter"] = which.label
    return out


def latest_statuses(
    months: Mapping[str, Mapping[str, pd.DataFrame]],
    which_months,
    rules: agency_rules.Settings,
) -> pd.DataFrame:
    """One row per assignment active in any of ``which_months``, with its latest statuses.

    Each assignment is checked against each rule in every month it was active; its row
    carries the month it was last active and its statuses then (the return's
    ``assignment`` rows).
    """
    latest: dict[str, dict] = {}
    for month in which_months:
        frame = months[month]["agency_assignments"]
        checks = agency_rules.check(frame, month, rules)
        status = checks.pivot(index="assignment_id", columns="rule", values="status")
        approved = checks.groupby("assignment_id")["approved_by"].agg(
            lambda s: next((v for v in s if v), "")
        )
        day = dates.reference_date(month)
        for rec in frame.to_dict("records"):
            ident = rec["assignment_id"]
            latest[ident] = {
                "record_type": "assignment",
                "month": month,
                "assignment_id": ident,
                "worker_id": rec["worker_id"],
                "swe_registration": "",
                "team": rec["team"],
                "role_type": rec["role_type"],
                "supplier": agency_rules.cell_text(rec.get("supplier")),
                "project_team": agency_rules.flag(rec.get("project_team")),
                "project_name": agency_rules.cell_text(rec.get("project_name")),
                "start_date": _iso(rec["start_date"]),
                "end_date": _iso(rec.get("end_date")),
                "hourly_pay_rate": rec["hourly_pay_rate"],
                "hourly_charge_rate": rec["hourly_charge_rate"],
                "price_cap": rules.cap(rec["role_type"], day),
                **{f"{r}_status": status.at[ident, r] for r in agency_rules.RULES},
                "breach_approved_by": approved.get(ident, ""),
            }
    rows = sorted(latest.values(), key=lambda r: str(r["assignment_id"]))
    columns = [c for c in COLUMNS if c not in _SUMMARY_ONLY]
    return pd.DataFrame(rows, columns=columns)


def compliance_rows(final: pd.DataFrame) -> pd.DataFrame:
    """The return's ``compliance`` rows: assignments assessed, compliant and in breach.

    Parameters
    ----------
    final : pandas.DataFrame
        :func:`latest_statuses`.
    """
    rows = []
    for rule in agency_rules.RULES:
        part = final[f"{rule}_status"]
        breach = final[part == "breach"]
        n_approved = int((breach["breach_approved_by"].astype(str) != "").sum())
        rows.append(
            {
                "record_type": "compliance",
                "rule": rule,
                "assessed": int(part.isin(["compliant", "breach"]).sum()),
                "compliant": int((part == "compliant").sum()),
                "breaches": len(breach),
                "approved": n_approved,
                "unapproved": len(breach) - n_approved,
            }
        )
    return pd.DataFrame(rows)


def _iso(value) -> str:
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).date().isoformat()


def check(frame: pd.DataFrame) -> list[str]:
    """Problems with a built return (empty when it can be sent).

    Checks the columns and their order, one row per assignment, statuses from the known
    set, compliance rows that add up to the assignment rows, and three monthly costs.
    """
    problems = []
    if tuple(frame.columns) != COLUMNS:
        problems.append("the columns are not the return's columns in order")
        return problems
    rows = frame[frame["record_type"] == "assignment"]
    dupes = rows["assignment_id"][rows["assignment_id"].duplicated()]
    if len(dupes):
        problems.append(f"assignment(s) listed twice: {', '.join(map(str, dupes))}")
    known = {"compliant", "breach", "not_in_scope", "not_assessed"}
    for rule in agency_rules.RULES:
        bad = rows[~rows[f"{rule}_status"].isin(known)]
        if len(bad):
            problems.append(f"{rule}_status has unknown values in {len(bad)} row(s)")
        summary = frame[(frame["record_type"] == "compliance") & (frame["rule"] == rule)]
        if len(summary) != 1:
            problems.append(f"the compliance row for {rule} is missing or repeated")
            continue
        s = summary.iloc[0]
        if int(s["breaches"]) != int((rows[f"{rule}_status"] == "breach").sum()):
            problems.append(f"the {rule} breaches do not match the assignment rows")
        if int(s["compliant"]) + int(s["breaches"]) != int(s["assessed"]):
            problems.append(f"the {rule} counts do not add up")
    if (frame["record_type"] == "monthly_cost").sum() != 3:
        problems.append("the return needs one monthly_cost row for each month of the quarter")
    if rows[["hourly_pay_rate", "hourly_charge_rate"]].lt(0).any().any():
        problems.append("a rate is negative")
    problems += _type_problems(frame, rows)
    return problems


_COUNTS = ("assessed", "compliant", "breaches", "approved", "unapproved")
_RECORD_TYPES = ("assignment", "compliance", "monthly_cost")


def _type_problems(frame: pd.DataFrame, rows: pd.DataFrame) -> list[str]:
    """The return's types: record types, one quarter, counts, rates and ISO dates."""
    problems = []
    if not frame["record_type"].isin(_RECORD_TYPES).all():
        problems.append(f"record_type is not one of {', '.join(_RECORD_TYPES)} on every row")
    if frame["quarter"].nunique() != 1 or frame["la_code"].nunique() != 1:
        problems.append("the return is not for one council and one quarter")
    summary = frame[frame["record_type"] == "compliance"]
    for column in _COUNTS:
        values = pd.to_numeric(summary[column], errors="coerce")
        if values.isna().any() or (values < 0).any() or (values % 1 != 0).any():
            problems.append(f"{column} is not a whole number of assignments on every rule")
    for column in ("hourly_pay_rate", "hourly_charge_rate"):
        if pd.to_numeric(rows[column], errors="coerce").isna().any():
            problems.append(f"{column} is not a number on every assignment")
    starts = pd.to_datetime(rows["start_date"], format="%Y-%m-%d", errors="coerce")
    if starts.isna().any():
        problems.append("start_date is not a date written YYYY-MM-DD on every assignment")
    cost = frame[frame["record_type"] == "monthly_cost"]
    if pd.to_numeric(cost["agency_spend_gbp"], errors="coerce").lt(0).any():
        problems.append("a month's agency spend is negative")
    return problems


def months_from_history(history, which: Quarter) -> dict[str, dict[str, pd.DataFrame]]:
    """The quarter's ``agency_assignments`` and ``agency_spend``, month by month.

    ``history`` is a :class:`carelib.loading.History` (validated data, as the pages read
    it); every month of the quarter must be in it.
    """
    out = {}
    for month in which.months:
        out[month] = {
            name: history.frame(name)[history.frame(name)["month"] == month].drop(columns="month")
            for name in ("agency_assignments", "agency_spend")
        }
    return out


def csv_text(frame: pd.DataFrame) -> str:
    """The return as CSV text: counts as whole numbers, rates to the penny, blanks empty."""
    out = frame.copy()
    for column in _COUNTS:
        out[column] = pd.to_numeric(out[column], errors="coerce").round().astype("Int64")
    for column in ("hourly_pay_rate", "hourly_charge_rate", "price_cap", "agency_spend_gbp"):
        out[column] = pd.to_numeric(out[column], errors="coerce").round(2)
    is_assignment = out["record_type"] == "assignment"
    out["project_team"] = out["project_team"].astype("object")
    out.loc[is_assignment, "project_team"] = out.loc[is_assignment, "project_team"].map(
        {True: "true", False: "false"}
    )
    return out.to_csv(index=False, lineterminator="\n")
