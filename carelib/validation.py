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


# --- The data-quality page (built in carelib.quality_page) ------------------------------


def quality_page(report: ValidationReport, threshold: int | None = None) -> list:
    """Return the views of the "Data quality" page (see :func:`carelib.quality_page.views`)."""
    from carelib import quality_page

    return quality_page.views(report, threshold)
