"""The validation report: every rule checked on a month's data, in plain English.

:class:`Check` is one rule applied to one dataset (from a data contract in
``data_contracts/``, from the loader, or from a cross-file check in
:mod:`carelib.crosschecks`); :class:`ValidationReport` gathers them for a month.

Two audiences read the result:

- the analyst who runs carelib reads :meth:`ValidationReport.to_text` (file, column,
  row numbers and the offending values as written in the file, so the source can be
  fixed). It is row-level and must never be published;
- officers read :func:`quality_page`, the "Data quality" page of the monthly report: what
  was checked, what passed, each warning and how complete the data is, as aggregate
  counts only (no identifiers, no row numbers, no values).

This module does not import great_expectations; :mod:`carelib.contracts` runs the suites.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from carelib import dates, schema

PASSED = "passed"
FAILED = "failed"
NOT_CHECKED = "could_not_be_checked"
STATUSES = (PASSED, FAILED, NOT_CHECKED)
SEVERITIES = ("error", "warning")

#: Why a rule could not be checked.
#: ``exception``: the rule itself could not be evaluated on data that was there (a broken
#: contract or an unexpected type): this blocks the run whatever the rule's severity.
#: ``prerequisite``: the file or a column it needs is missing or unreadable, which is
#: already reported as an error of its own, so the rule adds no second error.
#: ``no_previous_month``: a month-on-month rule with no earlier month to compare with.
CAUSES = ("exception", "prerequisite", "no_previous_month")

#: How many row numbers and values a check keeps (the count covers every row).
MAX_LISTED = 10
#: How many of them the text summary shows.
SHOWN = 5


@dataclass
class Check:
    """One rule checked on one dataset of one month.

    Attributes
    ----------
    rule : str
        Stable machine name, ``<dataset>.<column>.<what>``, e.g. ``workforce.fte.range``.
    dataset : str
        Dataset name, e.g. ``workforce``.
    column : str or None
        The column the rule is about; None for a whole-file rule.
    severity : str
        ``error`` (blocks the run) or ``warning`` (reported; the run goes on).
    description : str
        The rule in plain English, e.g. "fte is more than 0 and at most 1".
    status : str
        ``passed``, ``failed`` or ``could_not_be_checked``.
    problem : str
        What a failing row has, phrased to follow "N rows have" (row-level rules), or a
        whole sentence (file- and column-level rules).
    source : str
        ``contract`` (a Great Expectations suite), ``loader`` (reading the file) or
        ``crosscheck`` (a rule spanning files or months).
    level : str
        ``row`` (counted in rows), ``column`` or ``file``.
    unexpected_count : int or None
        How many rows break the rule (row-level rules).
    rows : list of int
        The first source row numbers (header = row 1, so DataFrame index + 2).
    values : list of str
        The first offending values as written in the file (analyst use only).
    file : str or None
        The file name shown to the reader, e.g. ``workforce.csv`` or, for a rule about
        last month's file, ``workforce.csv (2025-08)``.
    reason : str or None
        Why the rule could not be checked.
    cause : str or None
        One of :data:`CAUSES` when the rule could not be checked.
    show_values : bool
        False for rules whose values must not be echoed even to the analyst (e.g. a
        worker_id that looks like a person's name).
    month : str or None
        The month whose file the rule judged, when it is not the report's own month
        (an earlier month of the history).
    """

    rule: str
    dataset: str
    column: str | None
    severity: str
    description: str
    status: str = PASSED
    problem: str = ""
    source: str = "contract"
    level: str = "row"
    unexpected_count: int | None = None
    rows: list[int] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    file: str | None = None
    reason: str | None = None
    cause: str | None = None
    show_values: bool = True
    month: str | None = None

    @property
    def failed(self) -> bool:
        """True when the data broke the rule."""
        return self.status == FAILED

    @property
    def blocks(self) -> bool:
        """True when this check stops the monthly run.

        A failed ``error`` rule blocks. A rule that could not be evaluated on data that
        was there blocks too (whatever its severity), because then nobody knows whether
        the data is right; one that was skipped because its file or column is missing
        does not add a second error to the one already reported.
        """
        if self.status == FAILED:
            return self.severity == "error"
        if self.status == NOT_CHECKED:
            return self.cause == "exception"
        return False

    @property
    def file_label(self) -> str:
        """The file name shown to readers."""
        return self.file or f"{self.dataset}.csv"

    def sentence(self) -> str:
        """Return the failure in one plain-English line, naming file, column and rows.

        For example ``workforce.csv: column fte: 2 rows have a value outside
        0.01 <= fte <= 1 (rows 5, 9): 0, 1.4``.
        """
        where = self.file_label + (f": column {self.column}" if self.column else "")
        if self.status == NOT_CHECKED:
            return f"{where}: could not check that {self.description}: {self.reason}"
        if self.level != "row" or self.unexpected_count is None:
            return f"{where}: {self.problem}"
        n = self.unexpected_count
        text = f"{where}: {n} {'row has' if n == 1 else 'rows have'} {self.problem}"
        if self.rows:
            text += f" ({_rows_text(self.rows, n)})"
        if self.show_values and self.values:
            shown = self.values[:SHOWN]
            text += ": " + ", ".join(_value_text(v) for v in shown)
            if n > len(shown):
                text += ", ..."
        return text

    def as_dict(self) -> dict:
        """Return the check as a JSON-ready dict (values left out when not to be shown)."""
        out = asdict(self)
        out["blocks"] = self.blocks
        if not self.show_values:
            out["values"] = []
        return out


def _value_text(value: str, width: int = 80) -> str:
    """Show a value on one line, shortened: free text can be long and hold line breaks."""
    text = " ".join(str(value).split())
    if not text:
        return "(blank)"
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _rows_text(rows: list[int], total: int) -> str:
    shown = rows[:SHOWN]
    text = ("row " if len(shown) == 1 else "rows ") + ", ".join(str(r) for r in shown)
    if total > len(shown):
        text += f" and {total - len(shown)} more"
    return text


@dataclass
class ValidationReport:
    """Every rule checked on one month's data.

    Attributes
    ----------
    month : str
        Reporting month, ``YYYY-MM``.
    checks : list of Check
        Every rule checked: passed, failed and could not be checked.
    completeness : dict
        Per dataset: ``file`` (name read or None), ``rows`` and ``columns``, where each
        column has ``required``, ``in_file``, ``blank`` (count of blank cells) and
        ``blank_share`` (0 to 1, None for a file with no rows).
    previous_month : str or None
        The earlier month compared with, when its data was there.
    earlier_months : dict
        The earlier months of data also validated (every month a report reads), each
        with ``checks``, ``errors``, ``warnings`` and ``cached`` (verdict from the cache).
        Their blocking checks are in ``checks``, labelled with their month.
    missing_months : list of str
        Months with no folder between the first month of data and this one.
    """

    month: str
    checks: list[Check] = field(default_factory=list)
    completeness: dict[str, dict] = field(default_factory=dict)
    previous_month: str | None = None
    earlier_months: dict[str, dict] = field(default_factory=dict)
    missing_months: list[str] = field(default_factory=list)

    @property
    def reference_date(self) -> dt.date:
        """The month's reference date."""
        return dates.reference_date(self.month)

    @property
    def errors(self) -> list[Check]:
        """The checks that block the run."""
        return [c for c in self.checks if c.blocks]

    @property
    def warnings(self) -> list[Check]:
        """Failed ``warning`` rules: reported, and the run goes on."""
        return [c for c in self.checks if c.status == FAILED and c.severity == "warning"]

    @property
    def passed(self) -> list[Check]:
        """The checks that passed."""
        return [c for c in self.checks if c.status == PASSED]

    @property
    def not_checked(self) -> list[Check]:
        """The checks that could not be made (blocking or not)."""
        return [c for c in self.checks if c.status == NOT_CHECKED]

    @property
    def has_errors(self) -> bool:
        """True when the month must not be reported on."""
        return any(c.blocks for c in self.checks)

    def for_dataset(self, dataset: str) -> list[Check]:
        """Return the checks on ``dataset``."""
        return [c for c in self.checks if c.dataset == dataset]

    def summary(self) -> dict[str, int]:
        """Return counts: checks, passed, errors, warnings and could_not_be_checked."""
        return {
            "checks": len(self.checks),
            "passed": len(self.passed),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "could_not_be_checked": len(self.not_checked),
        }

    def to_text(self) -> str:
        """Return a plain-English summary for the analyst, per dataset.

        Each failed rule is one line naming the file, the column, how many rows, the
        first row numbers and the offending values. Row-level content: never publish it.
        """
        s = self.summary()
        verdict = "NOT VALID" if self.has_errors else "valid"
        failed_errors = sum(c.status == FAILED and c.severity == "error" for c in self.checks)
        unchecked = self.not_checked
        blocking = sum(c.blocks for c in unchecked)
        lines = [
            f"Data for {dates.month_label(self.month)} ({self.month}, reference date "
            f"{self.reference_date.isoformat()}): {verdict}. {s['checks']} rules: "
            f"{s['passed']} passed, {_n(failed_errors, 'error')}, "
            f"{_n(s['warnings'], 'warning')}"
            + (f", {len(unchecked)} could not be checked" if unchecked else "")
            + (
                f" ({blocking} of them {'blocks' if blocking == 1 else 'block'} the run)"
                if blocking
                else ""
            )
            + "."
        ]
        if self.has_errors:
            lines.append("Errors stop the report; fix them in the source data and run again.")
        lines += self._history_lines()
        for dataset in schema.DATASETS:
            checks = self.for_dataset(dataset)
            if not checks:
                continue
            errors = [c for c in checks if c.blocks]
            warnings = [c for c in checks if c.status == FAILED and c.severity == "warning"]
            skipped = [c for c in checks if c.status == NOT_CHECKED and not c.blocks]
            name = _file_name(checks)
            if not errors and not warnings:
                lines.append(
                    f"{name}: all {len(checks) - len(skipped)} rules passed."
                    + (f" {_skipped_text(skipped)}" if skipped else "")
                )
                continue
            lines.append(f"{name}: {_n(len(errors), 'error')}, {_n(len(warnings), 'warning')}.")
            lines += [f"  ERROR {c.sentence()}" for c in errors]
            lines += [f"  WARNING {c.sentence()}" for c in warnings]
            if skipped:
                lines.append(f"  {_skipped_text(skipped)}")
        return "\n".join(lines)

    def _history_lines(self) -> list[str]:
        lines = []
        if self.earlier_months:
            months = sorted(self.earlier_months)
            bad = [m for m in months if self.earlier_months[m].get("errors")]
            lines.append(
                f"Earlier months also checked (every month a report reads): {len(months)}, "
                f"{months[0]} to {months[-1]}: "
                + (
                    f"{_n(len(bad), 'month')} with errors ({', '.join(bad)})."
                    if bad
                    else "all valid."
                )
            )
        for missing in self.missing_months:
            lines.append(f"  WARNING {missing_month_text(missing)}")
        return lines

    def to_json(self) -> dict:
        """Return the whole report as a JSON-ready dict (row-level: for analysts only)."""
        return {
            "month": self.month,
            "reference_date": self.reference_date.isoformat(),
            "previous_month": self.previous_month,
            "has_errors": self.has_errors,
            "summary": self.summary(),
            "checks": [c.as_dict() for c in self.checks],
            "completeness": self.completeness,
            "earlier_months": self.earlier_months,
            "missing_months": self.missing_months,
        }

    to_dict = to_json


def missing_month_text(month: str) -> str:
    """Say that a month in the middle of the history has no data."""
    return (
        f"no data for {dates.month_label(month)} ({month}): there is no {month} folder, so "
        "figures over a period that includes it (12-month rates, year to date) leave it out"
    )


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _file_name(checks: list[Check]) -> str:
    names = [c.file for c in checks if c.file and "(" not in c.file]
    return names[0] if names else f"{checks[0].dataset}.csv"


def _skipped_text(skipped: list[Check]) -> str:
    reasons = sorted({c.reason or "" for c in skipped})
    return f"{_n(len(skipped), 'rule')} not checked: " + "; ".join(r for r in reasons if r) + "."


# --- The data-quality page ---------------------------------------------------------------

_DATASET_TITLES = {
    "workforce": "Workforce (staff in post at month end)",
    "leavers": "Leavers (staff who left during the month)",
    "establishment": "Establishment (funded posts)",
    "agency_spend": "Agency spend",
    "actions": "Improvement plan actions",
    "measures": "Improvement plan measures",
}


def quality_page(report: ValidationReport, threshold: int | None = None):
    """Return the body of the "Data quality" page for officers.

    It says in plain English what was checked (the rules, per dataset), what passed,
    each warning and how complete the data is. It holds aggregate counts only: no worker
    identifier, no row number and no value from the data.

    Parameters
    ----------
    report : ValidationReport
        The month's validation report.
    threshold : int, optional
        Publication mode: counts of rows from 1 to ``threshold`` (rows breaking a rule,
        rows of a file, blank or filled cells behind a share) are shown as ``c``, and the
        row counts of the files with one row per worker are never shown (with the
        published indicators they could give back a suppressed count).

    Returns
    -------
    carelib.html.HTML
        Escaped markup: one ``<section>`` per part, each with an ``h2`` heading.
    """
    from carelib import html as h

    s = report.summary()
    label = dates.month_label(report.month)
    ref = report.reference_date
    if report.has_errors:
        verdict = h.notice(
            f"{_n(s['errors'], 'problem')} in the data for {label} stopped the report. "
            "They are listed below for the data owners to fix.",
            "error",
        )
    else:
        verdict = h.notice(
            f"The data for {label} met every rule that stops a report. "
            + (
                f"{_n(s['warnings'], 'warning')} {'is' if s['warnings'] == 1 else 'are'} "
                "listed below."
                if s["warnings"]
                else "There were no warnings."
            ),
            "info",
        )
    parts = [
        h.section(
            "Summary",
            verdict,
            h.paragraph(
                f"Before this report was made, the six data files for {label} (reference "
                f"date {ref.day} {ref:%B %Y}) were checked against {s['checks']} rules from "
                f"the council's monthly data specification: {s['passed']} passed, "
                f"{_n(s['warnings'], 'warning')} and {_n(s['errors'], 'error')}."
            ),
            h.paragraph(
                "An error (a missing file, a required value left blank, a value that cannot be "
                "right) stops the report, so no figure is published from data known to be "
                "wrong. A warning is something to look into; the report still goes ahead."
            ),
            h.table(
                _overview_frame(report), "Rules checked in each data file", row_header="Data file"
            ),
        )
    ]

    if report.earlier_months or report.missing_months:
        months = sorted(report.earlier_months)
        bad = [m for m in months if report.earlier_months[m].get("errors")]
        said = []
        if months:
            said.append(
                h.paragraph(
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
                h.bullets(
                    f"No data for {dates.month_label(m)}: figures over a period that "
                    "includes it leave it out."
                    for m in report.missing_months
                )
            )
        parts.append(h.section("Months checked", *said))

    problems = report.errors
    if problems:
        parts.append(
            h.section(
                "Problems that stopped the report",
                h.paragraph(
                    "Each problem below names the rule that was not met and how many "
                    "rows of the file broke it. The analyst's log lists the rows."
                ),
                h.bullets(_aggregate_line(c, threshold) for c in problems),
            )
        )

    warnings = report.warnings
    parts.append(
        h.section(
            "Warnings",
            h.paragraph(
                "Warnings are reported so they can be looked into; they do not stop the report."
            )
            if warnings
            else h.paragraph("There were no warnings this month."),
            h.bullets(_aggregate_line(c, threshold) for c in warnings) if warnings else h.HTML(""),
        )
    )

    skipped = [c for c in report.not_checked if not c.blocks]
    rule_lists = []
    for dataset in schema.DATASETS:
        checks = report.for_dataset(dataset)
        if checks:
            rule_lists.append(
                h.details(
                    f"{_DATASET_TITLES[dataset]}: {len(checks)} rules",
                    h.bullets(f"{_status_word(c)}: {c.description}" for c in checks),
                )
            )
    parts.append(
        h.section(
            "What was checked",
            h.paragraph(
                "Every rule below comes from the data specification the source systems "
                "follow. Rules that compare files or months check that, for example, "
                "every measure belongs to a recommendation in the action plan and every "
                "worker who is no longer in post has a leaver record."
            ),
            *rule_lists,
            h.paragraph(
                f"{_n(len(skipped), 'rule')} could not be checked because a file or column "
                "it needs was missing, or there was no earlier month to compare with."
            )
            if skipped
            else h.HTML(""),
        )
    )

    parts.append(
        h.section(
            "How complete the data is",
            h.paragraph(
                "Optional fields may be left blank in the source systems. The share of "
                "blank cells shows how far figures that use them can be relied on."
            ),
            h.table(
                _rows_frame(report, threshold), "Rows in each data file", row_header="Data file"
            ),
            h.paragraph(
                "c: not shown in the publication version, to protect individuals (a small "
                "count, or the number of rows in a file with one row per worker)."
            )
            if threshold
            else h.HTML(""),
            h.table(
                _completeness_frame(report, threshold),
                "Blank cells in optional fields",
                row_header="Data file",
            ),
        )
    )
    return h.join(parts)


def _status_word(check: Check) -> str:
    if check.status == PASSED:
        return "Passed"
    if check.status == NOT_CHECKED:
        return "Could not be checked"
    return "Error" if check.severity == "error" else "Warning"


def _small(count, threshold: int | None) -> bool:
    return bool(threshold) and count is not None and 0 < count <= threshold


def _aggregate_line(check: Check, threshold: int | None = None) -> str:
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


def _overview_frame(report: ValidationReport):
    import pandas as pd

    rows = []
    for dataset in schema.DATASETS:
        checks = report.for_dataset(dataset)
        comp = report.completeness.get(dataset, {})
        rows.append(
            {
                "Data file": comp.get("file") or f"{dataset}.csv (not found)",
                "Rules checked": len(checks),
                "Passed": sum(c.status == PASSED for c in checks),
                "Warnings": sum(c.status == FAILED and c.severity == "warning" for c in checks),
                "Errors": sum(c.blocks for c in checks),
                "Not checked": sum(c.status == NOT_CHECKED and not c.blocks for c in checks),
            }
        )
    return pd.DataFrame(rows)


#: Files with one row per worker: their row counts are people.
_PER_WORKER = ("workforce", "leavers")


def _rows_frame(report: ValidationReport, threshold: int | None = None):
    import pandas as pd

    rows = []
    for dataset in schema.DATASETS:
        comp = report.completeness.get(dataset, {})
        n = comp.get("rows", 0)
        hide = bool(threshold) and (dataset in _PER_WORKER or _small(n, threshold))
        rows.append(
            {
                "Data file": comp.get("file") or f"{dataset}.csv (not found)",
                "Rows": "c" if hide else n,
            }
        )
    return pd.DataFrame(rows)


def _completeness_frame(report: ValidationReport, threshold: int | None = None):
    import pandas as pd

    rows = []
    for dataset in schema.DATASETS:
        comp = report.completeness.get(dataset, {})
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
