"""Data contracts: the Great Expectations suites in ``data_contracts/`` and running them.

One suite per dataset (``workforce.json``, ``leavers.json`` ...) encodes the one-file
rules of DATA_SPEC; :mod:`carelib.crosschecks` holds the rules that span files or months.
Each expectation's ``meta`` carries the rule's name, severity (``error`` or ``warning``)
and column. Its plain-English description and the problem a failing row has are
generated from the expectation's type and parameters (:mod:`carelib.contract_messages`);
only a rule whose meaning is more than its parameters words them in its ``meta``, and
that wording is checked against the parameters when the suite is read.

Month-relative bounds are Great Expectations suite parameters, written
``{"$PARAMETER": "reference_date"}`` in the JSON and given a value for each month at run
time (:func:`month_parameters`): ``reference_date`` (last day), ``month_start`` (first
day) and ``working_days``. The suites are therefore built once and validate any month.

Importing this module does not import great_expectations (about 6 s): :class:`Validator`
imports it, once, when it is created. Build one Validator per process and pass it to
:func:`validate_month` for every month.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carelib import contract_messages, crosschecks, dates, resources, schema
from carelib.loading import MonthData, Problem, Table, load_month, load_table
from carelib.validation import (
    FAILED,
    MAX_LISTED,
    NOT_CHECKED,
    PASSED,
    SEVERITIES,
    Check,
    ValidationReport,
)

#: Where the suites live: the package ``carelib.data_contracts`` (the repository's
#: ``data_contracts/`` folder, mapped into the package; see :mod:`carelib.resources`).
CONTRACTS_DIR = resources.contracts_dir()

#: The run-time parameters a suite may use, with what they mean.
PARAMETERS = {
    "reference_date": "the month's reference date (its last day)",
    "month_start": "the first day of the month",
    "working_days": "the month's working days (weekdays less bank holidays)",
}

#: Expectation types judged on the whole column rather than row by row.
COLUMN_LEVEL = {"expect_column_to_exist", "expect_column_values_to_be_of_type"}

_REQUIRED_META = ("rule", "severity", "column")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PARAMETERS) + r")\}")


class ContractError(RuntimeError):
    """A data contract file is missing, malformed or not fully understood by GX."""


@dataclass(frozen=True)
class Rule:
    """One expectation of a suite, as carelib reports it.

    Attributes
    ----------
    rule : str
        Stable machine name, ``<dataset>.<column>.<what>``.
    dataset : str
        The dataset the suite is for.
    type : str
        The Great Expectations expectation type.
    column : str
        The column the rule is about.
    columns : tuple of str
        Every column the rule reads (its values are shown for a failing row).
    severity : str
        ``error`` or ``warning``.
    description : str
        The rule in plain English; may hold ``{reference_date}``-style placeholders.
    problem : str
        What a failing row has (follows "N rows have"); may hold placeholders.
    show_values : bool
        Whether offending values may be echoed to the analyst.
    """

    rule: str
    dataset: str
    type: str
    column: str
    columns: tuple[str, ...]
    severity: str
    description: str
    problem: str
    show_values: bool = True

    @property
    def level(self) -> str:
        """``column`` for whole-column rules, ``row`` for rules counted in rows."""
        return "column" if self.type in COLUMN_LEVEL else "row"


# --- Reading the contracts (no great_expectations needed) --------------------------------


def contract_path(dataset: str, contracts_dir: Path | str | None = None) -> Path:
    """Return the suite file of ``dataset``."""
    return Path(contracts_dir or CONTRACTS_DIR) / f"{dataset}.json"


def _condition_columns(condition) -> list[str]:
    if not isinstance(condition, dict):
        return []
    if "conditions" in condition:
        return [c for sub in condition["conditions"] for c in _condition_columns(sub)]
    column = condition.get("column")
    return [column["name"]] if isinstance(column, dict) and "name" in column else []


def expectation_columns(expectation: dict) -> list[str]:
    """Return every column an expectation reads (its own and its row condition's)."""
    kwargs = expectation.get("kwargs", {})
    found = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
    found += list(kwargs.get("column_list", []))
    found += _condition_columns(kwargs.get("row_condition"))
    return list(dict.fromkeys(found))


def _parameters_used(value) -> list[str]:
    if isinstance(value, dict):
        if "$PARAMETER" in value:
            return [value["$PARAMETER"]]
        return [p for v in value.values() for p in _parameters_used(v)]
    if isinstance(value, list):
        return [p for v in value for p in _parameters_used(v)]
    return []


def load_contract(dataset: str, contracts_dir: Path | str | None = None) -> dict:
    """Read and check the suite JSON of ``dataset``.

    Raises
    ------
    ContractError
        Naming the file, when it is missing, not JSON, or an expectation lacks the
        ``meta`` carelib needs, repeats a rule name or uses an unknown parameter.
    """
    path = contract_path(dataset, contracts_dir)
    try:
        contract = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContractError(f"data contract {path} is missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContractError(f"data contract {path} is not valid JSON: {exc}") from exc
    expectations = contract.get("expectations") if isinstance(contract, dict) else None
    if not isinstance(expectations, list) or not contract.get("name"):
        raise ContractError(f"data contract {path} needs a name and a list of expectations")
    seen: set[str] = set()
    for i, exp in enumerate(expectations):
        where = f"data contract {path}, expectation {i + 1}"
        if not isinstance(exp, dict) or not exp.get("type") or "kwargs" not in exp:
            raise ContractError(f"{where}: needs a type and kwargs")
        meta = exp.get("meta") or {}
        missing = [k for k in _REQUIRED_META if not meta.get(k)]
        if missing:
            raise ContractError(f"{where} ({exp['type']}): meta lacks {', '.join(missing)}")
        if meta["severity"] not in SEVERITIES:
            raise ContractError(f"{where}: severity {meta['severity']!r} is not error or warning")
        if meta["rule"] in seen:
            raise ContractError(f"{where}: rule {meta['rule']!r} appears twice")
        seen.add(meta["rule"])
        unknown = set(_parameters_used(exp["kwargs"])) - set(PARAMETERS)
        if unknown:
            raise ContractError(
                f"{where}: unknown parameter(s) {', '.join(sorted(unknown))} "
                f"(known: {', '.join(PARAMETERS)})"
            )
        try:
            contract_messages.messages(dataset, exp)
        except ValueError as exc:
            raise ContractError(f"{where}: {exc}") from None
        drift = contract_messages.wording_drift(dataset, exp)
        if drift:
            raise ContractError(
                f"{where} ({meta['rule']}): its description {meta['description']!r} "
                f"{'; '.join(drift)} (update the wording with the parameters)"
            )
    return contract


def load_contracts(contracts_dir: Path | str | None = None) -> dict[str, dict]:
    """Read and check the six suites, keyed by dataset."""
    return {ds: load_contract(ds, contracts_dir) for ds in schema.DATASETS}


def rules(dataset: str, contract: dict) -> list[Rule]:
    """Return the rules of a suite in file order."""
    out = []
    for exp in contract["expectations"]:
        meta = exp["meta"]
        description, problem = contract_messages.messages(dataset, exp)
        out.append(
            Rule(
                rule=meta["rule"],
                dataset=dataset,
                type=exp["type"],
                column=meta["column"],
                columns=tuple(meta.get("columns") or expectation_columns(exp) or [meta["column"]]),
                severity=meta["severity"],
                description=description,
                problem=problem,
                show_values=bool(meta.get("show_values", True)),
            )
        )
    return out


def month_parameters(month: str) -> dict[str, object]:
    """Return the suite parameter values for ``month``.

    Dates are ISO datetimes (``2025-09-30T00:00:00``): pandas 3 will not compare a
    datetime column with a bare date.
    """
    return {
        "reference_date": f"{dates.reference_date(month).isoformat()}T00:00:00",
        "month_start": f"{dates.month_start(month).isoformat()}T00:00:00",
        "working_days": dates.month_working_days(month),
    }


def display_parameters(month: str) -> dict[str, str]:
    """Return the parameter values as readers see them in rule descriptions."""
    return {
        "reference_date": dates.reference_date(month).isoformat(),
        "month_start": dates.month_start(month).isoformat(),
        "working_days": str(dates.month_working_days(month)),
    }


def fill(text: str, values: dict[str, str]) -> str:
    """Replace ``{reference_date}``-style placeholders (and nothing else) in ``text``."""
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


# --- Great Expectations --------------------------------------------------------------------


@contextlib.contextmanager
def _quiet():
    """Silence Great Expectations' warnings and log records while it works.

    Some GX modules set their own logger's level (INFO), so every ``great_expectations``
    logger is raised for the duration, not only the package's top one.
    """
    loggers = [logging.getLogger("great_expectations")] + [
        logger
        for name, logger in list(logging.root.manager.loggerDict.items())
        if name.startswith("great_expectations.") and isinstance(logger, logging.Logger)
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _import_gx():
    # Analytics off before the import: GX reads the variable when it loads.
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    with _quiet():
        import great_expectations as gx
    return gx


def build_suite(gx, contract: dict, path: Path | str):
    """Build a GX ``ExpectationSuite`` from contract JSON, checking nothing was dropped.

    Great Expectations silently drops an expectation whose type it does not know (or
    whose kwargs it rejects) when a suite is built; a partly loaded contract would
    then pass data it should reject.

    Raises
    ------
    ContractError
        Naming the file and the expectations that were not loaded.
    """
    with _quiet():
        suite = gx.ExpectationSuite(**contract)
    wanted = [e["meta"]["rule"] for e in contract["expectations"]]
    loaded = {e.meta.get("rule") for e in suite.expectations if e.meta}
    if len(suite.expectations) != len(wanted) or loaded != set(wanted):
        lost = [
            f"{e['type']} ({e['meta']['rule']})"
            for e in contract["expectations"]
            if e["meta"]["rule"] not in loaded
        ]
        raise ContractError(
            f"data contract {path} did not load fully: Great Expectations kept "
            f"{len(suite.expectations)} of {len(wanted)} expectations; not loaded: "
            f"{', '.join(lost) or 'unknown'}. Check the expectation types and kwargs "
            f"against great_expectations {gx.__version__}."
        )
    return suite


def _raised(result) -> str | None:
    """Return the exception message when GX could not evaluate an expectation."""
    info = result.exception_info or {}
    if info.get("raised_exception"):
        return str(info.get("exception_message") or "unknown error")
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message") or "unknown error")
    return None


def _index_values(indices) -> list:
    out = []
    for item in indices or []:
        if isinstance(item, dict):  # with unexpected_index_column_names
            item = next(iter(item.values()))
        out.append(item)
    return out


def _unreadable(table: Table, column: str) -> pd.Index:
    """Rows whose cell is filled in but could not be read (reported by the loader)."""
    if column not in table.raw.columns or column not in table.data.columns:
        return pd.Index([])
    filled = table.raw[column].astype("str").str.strip() != ""
    mask = filled & table.data[column].isna()
    return mask[mask].index


class Validator:
    """Validates months against the data contracts, with one GX context built once.

    Creating a Validator imports great_expectations, builds an ephemeral context with
    one pandas data source, a data asset and batch definition per dataset, and the six
    suites; :meth:`validate` then checks any number of months.

    Parameters
    ----------
    contracts_dir : path, optional
        Folder holding the suites (default: the repository's ``data_contracts/``).

    Raises
    ------
    ContractError
        When a suite is missing, malformed or did not load fully.
    """

    def __init__(self, contracts_dir: Path | str | None = None):
        self.contracts_dir = Path(contracts_dir or CONTRACTS_DIR)
        self.contracts = load_contracts(self.contracts_dir)
        self.rules = {ds: rules(ds, c) for ds, c in self.contracts.items()}
        self._by_rule = {r.rule: r for rs in self.rules.values() for r in rs}
        gx = _import_gx()
        self.gx_version = gx.__version__
        from great_expectations.data_context.types.base import ProgressBarsConfig

        with _quiet():
            context = gx.get_context(mode="ephemeral")
            # Progress bars inside a kernel become widgets that pull scripts from a CDN.
            context.variables.progress_bars = ProgressBarsConfig(globally=False)
            source = context.data_sources.add_pandas("carelib")
            self._suites, self._batches, self._expectations = {}, {}, {}
            for ds, contract in self.contracts.items():
                suite = build_suite(gx, contract, contract_path(ds, self.contracts_dir))
                self._suites[ds] = context.suites.add(suite)
                for expectation in self._suites[ds].expectations:
                    self._expectations[expectation.meta["rule"]] = expectation
                self._batches[ds] = source.add_dataframe_asset(
                    ds
                ).add_batch_definition_whole_dataframe(f"{ds} month")
        self.context = context

    # -- one dataset ------------------------------------------------------------------

    def check_table(self, table: Table, month: str) -> list[Check]:
        """Run the dataset's suite on a loaded table; return one Check per rule."""
        ds = table.dataset
        shown = display_parameters(month)
        file = table.path.name if table.path is not None else f"{ds}.csv"
        checks = {
            r.rule: Check(
                rule=r.rule,
                dataset=ds,
                column=r.column,
                severity=r.severity,
                description=fill(r.description, shown),
                problem=fill(r.problem, shown),
                source="contract",
                level=r.level,
                file=file,
                show_values=r.show_values,
            )
            for r in self.rules[ds]
        }
        skipped = unreadable_reason(table)
        if skipped:
            for check in checks.values():
                check.status, check.cause, check.reason = NOT_CHECKED, "prerequisite", skipped
            return list(checks.values())

        frame = table.data[[c for c in schema.column_names(ds) if c in table.data.columns]]
        with _quiet():
            # Batch.validate rather than ValidationDefinition.run: the latter also
            # serialises every result into the context's store, a third of the time.
            batch = self._batches[ds].get_batch(batch_parameters={"dataframe": frame})
            params = month_parameters(month)
            # Most months pass: a yes/no pass costs half of a full one, and only the
            # rules that failed are run again for their rows and values.
            result = batch.validate(
                self._suites[ds],
                expectation_parameters=params,
                result_format={"result_format": "BOOLEAN_ONLY"},
            )
            for res in result.results:
                rule = self._by_rule[res.expectation_config.meta["rule"]]
                if not res.success and _raised(res) is None:
                    res = batch.validate(
                        self._expectations[rule.rule],
                        expectation_parameters=params,
                        result_format={"result_format": "COMPLETE"},
                    )
                self._fill(checks[rule.rule], rule, res, table, frame)
        return list(checks.values())

    def _fill(self, check: Check, rule: Rule, res, table: Table, frame: pd.DataFrame) -> None:
        error = _raised(res)
        counted = res.result.get("unexpected_count")
        if error is None and rule.level == "row" and counted is None and not res.success:
            error = "no result was returned"
        if error is not None:
            check.status = NOT_CHECKED
            missing = [c for c in rule.columns if c not in frame.columns]
            if missing:
                check.cause = "prerequisite"
                check.reason = f"the {', '.join(missing)} column is missing"
            else:
                check.cause = "exception"
                check.reason = f"Great Expectations could not evaluate the rule ({error})"
            return
        if rule.level == "column":
            check.status = PASSED if res.success else FAILED
            observed = res.result.get("observed_value")
            if not res.success and observed and rule.type != "expect_column_to_exist":
                check.problem += f" (found {observed})"
            return
        index = pd.Index(_index_values(res.result.get("unexpected_index_list")))
        if rule.type == "expect_column_values_to_not_be_null":
            # A cell the loader could not read is blank once typed; it is reported once,
            # as unreadable, not a second time as an empty required cell.
            index = index.difference(_unreadable(table, rule.column))
        else:
            index = index.sort_values()
        check.unexpected_count = int(len(index))
        if len(index) == 0:
            check.status = PASSED
            return
        check.status = FAILED
        listed = index[:MAX_LISTED]
        check.rows = [Table.source_row(i) for i in listed]
        shown_cols = [c for c in rule.columns if c in table.raw.columns]
        if len(shown_cols) == 1:
            check.values = [str(table.raw.at[i, shown_cols[0]]) for i in listed]
        else:
            check.values = [
                " / ".join(f"{c} {table.raw.at[i, c] or '(blank)'}" for c in shown_cols)
                for i in listed
            ]

    # -- one month --------------------------------------------------------------------

    def validate(
        self,
        month_data: MonthData,
        previous: MonthData | None = None,
        *,
        compare_previous: bool = True,
    ) -> ValidationReport:
        """Validate a loaded month (and compare it with the month before).

        Parameters
        ----------
        month_data : MonthData
            The month, from :func:`carelib.loading.load_month`.
        previous : MonthData, optional
            The month before, when its data exists.
        compare_previous : bool
            Whether to run the month-on-month rules at all.
        """
        month = month_data.month
        checks: list[Check] = []
        for ds in schema.DATASETS:
            table = month_data.tables[ds]
            checks += loader_checks(table)
            checks += self.check_table(table, month)
        cross = crosschecks.run(month_data, previous)
        if not compare_previous:
            cross = [c for c in cross if c.rule not in crosschecks.MONTH_ON_MONTH]
        checks += cross
        return ValidationReport(
            month=month,
            checks=checks,
            completeness=completeness(month_data),
            previous_month=previous.month if previous is not None else None,
        )

    def validate_month(
        self, data_dir: Path | str, month: str, *, previous: bool = True
    ) -> ValidationReport:
        """Load ``month`` from ``data_dir`` (and the month before) and validate it."""
        month = dates.parse_month(month)
        data = load_month(data_dir, month)
        before = load_previous(data_dir, month) if previous else None
        return self.validate(data, before, compare_previous=previous)


def load_previous(data_dir: Path | str, month: str) -> MonthData | None:
    """Load the datasets of the month before ``month`` that cross-month rules need."""
    prev = dates.add_months(month, -1)
    folder = Path(data_dir) / prev
    if not folder.is_dir():
        return None
    tables = {ds: load_table(folder, ds) for ds in crosschecks.PREVIOUS_DATASETS}
    return MonthData(month=prev, folder=folder, tables=tables)


# --- Loader problems and completeness ---------------------------------------------------

_FORMAT_WORDS = {
    "date": "a date (YYYY-MM-DD or DD/MM/YYYY)",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "yes/no (true/false, y/n, 1/0)",
}


def _file_problem_text(table: Table, problem: Problem) -> str:
    if problem.rule == "file_present":
        return f"the file is missing ({problem.message})"
    text = problem.message
    if table.path is not None and text.startswith(table.path.name):
        text = text[len(table.path.name) :].lstrip(": ").strip()
    if not text.startswith("the "):
        text = "the file " + text
    return text


def unreadable_reason(table: Table) -> str | None:
    """Return why a table's file cannot be checked at all, or None when it can."""
    if any(p.column is None for p in table.problems):
        name = table.path.name if table.path is not None else f"{table.dataset}.csv"
        return f"{name} is missing or could not be read"
    return None


def loader_checks(table: Table) -> list[Check]:
    """Turn the loader's findings on ``table`` into checks, passed ones included.

    Every table gets the same checks, whatever its content: "the file is present and
    readable"; for each optional column, "the column is in the file" (a warning: it is
    read as blank); for each date, number, whole-number and yes/no column, "every value
    can be read".
    """
    ds = table.dataset
    file = table.path.name if table.path is not None else f"{ds}.csv"
    file_problems = [p for p in table.problems if p.column is None]
    skipped = unreadable_reason(table)
    readable = Check(
        rule=f"{ds}.file.readable",
        dataset=ds,
        column=None,
        severity="error",
        description=f"{ds}.csv (or .xlsx) is present and can be read as a table",
        source="loader",
        level="file",
        file=file,
    )
    if file_problems:
        readable.status = FAILED
        readable.problem = "; ".join(_file_problem_text(table, p) for p in file_problems)
    checks = [readable]
    by_column: dict[tuple[str, str], Problem] = {(p.column, p.rule): p for p in table.problems}
    for col in schema.columns(ds):
        in_file = col.name in table.raw.columns
        if not col.required:
            check = Check(
                rule=f"{ds}.{col.name}.in_file",
                dataset=ds,
                column=col.name,
                severity="warning",
                description=f"the file has the optional {col.name} column",
                problem="the optional column is not in the file, so every row counts as blank",
                source="loader",
                level="column",
                file=file,
            )
            if skipped:
                check.status, check.cause, check.reason = NOT_CHECKED, "prerequisite", skipped
            elif not in_file:
                check.status = FAILED
            checks.append(check)
        if col.kind not in _FORMAT_WORDS:
            continue
        rules_here = [f"{col.kind}_format"] + (["integer"] if col.kind == "integer" else [])
        for name in rules_here:
            what = _FORMAT_WORDS[col.kind] if name.endswith("_format") else "a whole number"
            check = Check(
                rule=f"{ds}.{col.name}.{name}",
                dataset=ds,
                column=col.name,
                severity="error",
                description=f"every {col.name} value can be read as {what}",
                source="loader",
                level="row",
                file=file,
                unexpected_count=0,
            )
            problem = by_column.get((col.name, name))
            if skipped or not in_file:
                check.status, check.cause = NOT_CHECKED, "prerequisite"
                check.unexpected_count = None
                check.reason = skipped or f"the {col.name} column is missing"
            elif problem is not None:
                check.status = FAILED
                check.severity = problem.severity
                check.problem = f"a value that {problem.message}"
                check.unexpected_count = problem.n_rows
                check.rows = list(problem.rows)
                check.values = list(problem.values)
            checks.append(check)
    known = {(c.column, c.rule.rsplit(".", 1)[-1]) for c in checks}
    for p in table.problems:  # anything the loader found that the loop above did not name
        if p.column is not None and (p.column, p.rule) not in known:
            checks.append(
                Check(
                    rule=f"{ds}.{p.column}.{p.rule}",
                    dataset=ds,
                    column=p.column,
                    severity=p.severity,
                    description=f"every {p.column} value can be read",
                    status=FAILED,
                    problem=f"a value that {p.message}",
                    source="loader",
                    unexpected_count=p.n_rows,
                    rows=list(p.rows),
                    values=list(p.values),
                    file=file,
                )
            )
    return checks


def completeness(month_data: MonthData) -> dict[str, dict]:
    """Return rows per file and the share of blank cells per column, per dataset."""
    out: dict[str, dict] = {}
    for ds in schema.DATASETS:
        table = month_data.tables[ds]
        readable = not any(p.column is None for p in table.problems)
        rows = len(table.raw) if readable else 0
        columns = {}
        for col in schema.columns(ds):
            in_file = readable and col.name in table.raw.columns
            if in_file:
                blank = int((table.raw[col.name].astype("str").str.strip() == "").sum())
            else:
                blank = rows
            columns[col.name] = {
                "required": col.required,
                "in_file": in_file,
                "blank": blank,
                "blank_share": round(blank / rows, 4) if rows else None,
            }
        out[ds] = {
            "file": table.path.name if table.path is not None else None,
            "readable": readable,
            "rows": rows,
            "columns": columns,
        }
    return out


# --- The API the runner and the CLI use ----------------------------------------------------

_default: Validator | None = None


def default_validator() -> Validator:
    """Return this process's shared Validator, creating it (and importing GX) once."""
    global _default
    if _default is None:
        _default = Validator()
    return _default


def validate_month(
    data_dir: Path | str, month: str, *, previous: bool = True, validator: Validator | None = None
) -> ValidationReport:
    """Validate one month's data against the contracts and the cross-file rules.

    Parameters
    ----------
    data_dir : path
        The data folder holding one sub-folder per month.
    month : str
        Reporting month, ``YYYY-MM``.
    previous : bool
        Also compare with the month before when its folder exists (workers who vanished
        with no leaver record, actions and measures that disappeared).
    validator : Validator, optional
        A Validator to reuse; by default this process's shared one.

    Returns
    -------
    ValidationReport
        ``has_errors`` is True when the month must not be reported on.
    """
    validator = validator or default_validator()
    return validator.validate_month(data_dir, month, previous=previous)
