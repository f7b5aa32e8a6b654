"""The "Data quality" page for officers: what was checked on a month's data, as views.

It says in plain English what was checked (the rules, per dataset), what passed, each
warning and how complete the data is. It holds aggregate counts only: no worker
identifier, no row number and no value from the data. Each section is a small public
function from the month's :class:`carelib.validation.ValidationReport` to a
:class:`carelib.blocks.View`; :func:`views` lists them in page order and
:func:`carelib.pages.render` shows them in the shell every page shares.

``threshold`` (publication mode): counts of rows from 1 to ``threshold`` (rows breaking a
rule, rows of a file, blank or filled cells behind a share) are shown as ``c``, and the
row counts of the files with one row per worker are never shown (with the published
indicators they could give back a suppressed count).
"""

from __future__ import annotations

import pandas as pd

from carelib import blocks, dates, schema
from carelib.validation import FAILED, NOT_CHECKED, PASSED, Check, ValidationReport, _n

_DATASET_TITLES = {
    "workforce": "Workforce (staff in post at month end)",
    "leavers": "Leavers (staff who left during the month)",
    "establishment": "Establishment (funded posts)",
    "agency_spend": "Agency spend",
    "actions": "Improvement plan actions",
    "measures": "Improvement plan measures",
    "agency_assignments": "Agency assignments (optional)",
}
#: Files with one row per worker (or per agency worker's assignment): their row counts
#: are people.
_PER_WORKER = ("workforce", "leavers", "agency_assignments")


def _view(name: str, title: str, parts: list) -> blocks.View:
    section = blocks.Section(title, [p for p in parts if p is not None])
    return blocks.View(name=name, blocks=[section])


def verdict(report: ValidationReport) -> blocks.Notice:
    """Whether the month's data stopped the report, as a notice."""
    s = report.summary()
    label = dates.month_label(report.month)
    if report.has_errors:
        return blocks.notice(
            f"{_n(s['errors'], 'problem')} in the data for {label} stopped the report. "
            "They are listed below for the data owners to fix.",
            "error",
        )
    return blocks.notice(
        f"The data for {label} met every rule that stops a report. "
        + (
            f"{_n(s['warnings'], 'warning')} {'is' if s['warnings'] == 1 else 'are'} listed below."
            if s["warnings"]
            else "There were no warnings."
        ),
        "info",
    )


def summary(report: ValidationReport) -> blocks.View:
    """The verdict, how many rules were checked and passed, and the rules per file."""
    s = report.summary()
    label = dates.month_label(report.month)
    ref = report.reference_date
    return _view(
        "summary",
        "Summary",
        [
            verdict(report),
            blocks.paragraph(
                f"Before this report was made, the six data files for {label} (reference "
                f"date {ref.day} {ref:%B %Y}) were checked against {s['checks']} rules from "
                f"the council's monthly data specification: {s['passed']} passed, "
                f"{_n(s['warnings'], 'warning')} and {_n(s['errors'], 'error')}."
            ),
            blocks.paragraph(
                "An error (a missing file, a required value left blank, a value that cannot be "
                "right) stops the report, so no figure is published from data known to be "
                "wrong. A warning is something to look into; the report still goes ahead."
            ),
            blocks.table(
                overview_frame(report), "Rules checked in each data file", row_header="Data file"
            ),
        ],
    )


def months_checked(report: ValidationReport) -> blocks.View | None:
    """The earlier months the figures read, and the months with no data (None if neither)."""
    if not (report.earlier_months or report.missing_months):
        return None
    months = sorted(report.earlier_months)
    bad = [m for m in months if report.earlier_months[m].get("errors")]
    said = []
    if months:
        said.append(
            blocks.paragraph(
                "The figures on these pages also read earlier months (12-month rates, "
                "year to date, trends), so every one of them was checked against the "
                f"same rules: {_n(len(months), 'earlier month')}, "
                f"{dates.month_label(months[0])} to {dates.month_label(months[-1])}; "
                + (
                    "errors in " + ", ".join(dates.month_label(m) for m in bad) + "."
                    if bad
                    else "each met every rule that stops a report."
                )
            )
        )
    if report.missing_months:
        said.append(
            blocks.bullets(
                f"No data for {dates.month_label(m)}: figures over a period that "
                "includes it leave it out."
                for m in report.missing_months
            )
        )
    return _view("months_checked", "Months checked", said)


def problems(report: ValidationReport, threshold: int | None = None) -> blocks.View | None:
    """The errors that stopped the report, by counts only (None if there were none)."""
    if not report.errors:
        return None
    return _view(
        "problems",
        "Problems that stopped the report",
        [
            blocks.paragraph(
                "Each problem below names the rule that was not met and how many "
                "rows of the file broke it. The analyst's log lists the rows."
            ),
            blocks.bullets(aggregate_line(c, threshold) for c in report.errors),
        ],
    )


def warnings(report: ValidationReport, threshold: int | None = None) -> blocks.View:
    """The month's warnings, by counts only."""
    found = report.warnings
    if not found:
        return _view(
            "warnings", "Warnings", [blocks.paragraph("There were no warnings this month.")]
        )
    return _view(
        "warnings",
        "Warnings",
        [
            blocks.paragraph(
                "Warnings are reported so they can be looked into; they do not stop the report."
            ),
            blocks.bullets(aggregate_line(c, threshold) for c in found),
        ],
    )


def what_was_checked(report: ValidationReport) -> blocks.View:
    """Every rule, per data file, with its outcome (collapsed lists)."""
    skipped = [c for c in report.not_checked if not c.blocks]
    rule_lists = []
    for dataset in schema.DATASETS:
        checks = report.for_dataset(dataset)
        if checks:
            rule_lists.append(
                blocks.Details(
                    f"{_DATASET_TITLES[dataset]}: {len(checks)} rules",
                    [blocks.bullets(f"{status_word(c)}: {c.description}" for c in checks)],
                )
            )
    return _view(
        "what_was_checked",
        "What was checked",
        [
            blocks.paragraph(
                "Every rule below comes from the data specification the source systems "
                "follow. Rules that compare files or months check that, for example, "
                "every measure belongs to a recommendation in the action plan and every "
                "worker who is no longer in post has a leaver record."
            ),
            *rule_lists,
            blocks.paragraph(
                f"{_n(len(skipped), 'rule')} could not be checked because a file or column "
                "it needs was missing, or there was no earlier month to compare with."
            )
            if skipped
            else None,
        ],
    )


def completeness(report: ValidationReport, threshold: int | None = None) -> blocks.View:
    """The rows in each file and the share of blank cells in optional fields."""
    return _view(
        "completeness",
        "How complete the data is",
        [
            blocks.paragraph(
                "Optional fields may be left blank in the source systems. The share of "
                "blank cells shows how far figures that use them can be relied on."
            ),
            blocks.table(
                rows_frame(report, threshold), "Rows in each data file", row_header="Data file"
            ),
            blocks.paragraph(
                "c: not shown in the publication version, to protect individuals (a small "
                "count, or the number of rows in a file with one row per worker)."
            )
            if threshold
            else None,
            blocks.table(
                completeness_frame(report, threshold),
                "Blank cells in optional fields",
                row_header="Data file",
            ),
        ],
    )


def views(report: ValidationReport, threshold: int | None = None) -> list[blocks.View]:
    """Return the views of the "Data quality" page, in page order.

    Parameters
    ----------
    report : ValidationReport
        The month's validation report.
    threshold : int, optional
        Publication mode's threshold (see the module's description).

    Returns
    -------
    list of carelib.blocks.View
        One section each, with an ``h2`` heading.
    """
    found = [
        summary(report),
        months_checked(report),
        problems(report, threshold),
        warnings(report, threshold),
        what_was_checked(report),
        completeness(report, threshold),
    ]
    return [v for v in found if v is not None]


def status_word(check: Check) -> str:
    """A rule's outcome in a word: Passed, Could not be checked, Error or Warning."""
    if check.status == PASSED:
        return "Passed"
    if check.status == NOT_CHECKED:
        return "Could not be checked"
    return "Error" if check.severity == "error" else "Warning"


def _small(count, threshold: int | None) -> bool:
    return bool(threshold) and count is not None and 0 < count <= threshold


def aggregate_line(check: Check, threshold: int | None = None) -> str:
    """Describe a failed rule by counts only: no row numbers, no values."""
    where = f"{check.file_label}"
    if check.status == NOT_CHECKED:
        return f"{where}: the rule that {check.description} could not be checked."
    if check.level == "row" and check.unexpected_count is not None:
        n = check.unexpected_count
        rows = "c rows (a small number)" if _small(n, threshold) else _n(n, "row")
        return f"{where}: {rows} did not meet the rule that {check.description}."
    if check.source == "loader" and check.column is None:
        return f"{where}: the file is missing or could not be read."
    return f"{where}: the rule that {check.description} was not met."


def overview_frame(report: ValidationReport) -> pd.DataFrame:
    """Rules checked in each data file: passed, warnings, errors, not checked."""
    rows = []
    for dataset in schema.DATASETS:
        checks = report.for_dataset(dataset)
        comp = report.completeness.get(dataset, {})
        rows.append(
            {
                "Data file": comp.get("file") or f"{dataset}.csv ({_absent(dataset)})",
                "Rules checked": len(checks),
                "Passed": sum(c.status == PASSED for c in checks),
                "Warnings": sum(c.status == FAILED and c.severity == "warning" for c in checks),
                "Errors": sum(c.blocks for c in checks),
                "Not checked": sum(c.status == NOT_CHECKED and not c.blocks for c in checks),
            }
        )
    return pd.DataFrame(rows)


def _absent(dataset: str) -> str:
    return "not supplied" if schema.is_optional(dataset) else "not found"


def rows_frame(report: ValidationReport, threshold: int | None = None) -> pd.DataFrame:
    """Rows in each data file (``c`` where publication mode hides the count)."""
    rows = []
    for dataset in schema.DATASETS:
        comp = report.completeness.get(dataset, {})
        n = comp.get("rows", 0)
        hide = bool(threshold) and (dataset in _PER_WORKER or _small(n, threshold))
        rows.append(
            {
                "Data file": comp.get("file") or f"{dataset}.csv ({_absent(dataset)})",
                "Rows": "c" if hide else n,
            }
        )
    return pd.DataFrame(rows)


def completeness_frame(report: ValidationReport, threshold: int | None = None) -> pd.DataFrame:
    """The share of blank cells in each optional field (``c`` behind a small count)."""
    rows = []
    for dataset in schema.DATASETS:
        comp = report.completeness.get(dataset, {})
        if schema.is_optional(dataset) and not comp.get("file"):
            continue  # an optional file not supplied has no fields to be blank
        for column, info in comp.get("columns", {}).items():
            if info["required"]:
                continue
            share = info["blank_share"]
            if not info["in_file"]:
                shown = "column not in file"
            elif share is None:
                shown = "no rows"
            elif _small(info["blank"], threshold) or _small(
                comp.get("rows", 0) - info["blank"], threshold
            ):
                shown = "c"
            else:
                shown = f"{share * 100:.0f}%"
            rows.append(
                {
                    "Data file": comp.get("file") or f"{dataset}.csv",
                    "Field": column,
                    "Blank cells": shown,
                }
            )
    return pd.DataFrame(rows, columns=["Data file", "Field", "Blank cells"])
