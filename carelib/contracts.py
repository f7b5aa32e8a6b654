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

Reading the suites is :mod:`carelib.contract_suites` and the loader's checks are
:mod:`carelib.loader_checks`; both are importable from here.

Importing this module does not import great_expectations (about 6 s): :class:`Validator`
imports it, once, when it is created (or, made with ``lazy=True``, when a table first
needs its suite run). Build one Validator per process and pass it to
:func:`validate_month` for every month.

A table whose file passed every rule of its suite for a month need not be checked again
while the file, the month and the rules are unchanged: :meth:`Validator.validate` takes
``verdicts`` (:class:`carelib.history_validation.TableVerdicts`), which remembers such
passes by the file's checksum. Only a pass is remembered (it holds no value from the
data); a table with any failed or unchecked rule is run through its suite every time.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import warnings
from pathlib import Path

import pandas as pd

from carelib import crosschecks, dates, schema
from carelib.contract_suites import (  # noqa: F401  (part of this module's API, as before)
    COLUMN_LEVEL,
    CONTRACTS_DIR,
    PARAMETERS,
    ContractError,
    Rule,
    contract_path,
    display_parameters,
    expectation_columns,
    fill,
    load_contract,
    load_contracts,
    month_parameters,
    rules,
)
from carelib.loader_checks import completeness, loader_checks, unreadable_reason
from carelib.loading import MonthData, Table, load_month, load_table
from carelib.validation import (
    FAILED,
    MAX_LISTED,
    NOT_CHECKED,
    PASSED,
    Check,
    ValidationReport,
)

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
        # A copy: GX writes its version into the ``meta`` it is given, and the contract
        # must stay as read (its digest keys the validation cache, see
        # ``history_validation.rules_version``).
        suite = gx.ExpectationSuite(**copy.deepcopy(contract))
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
    lazy : bool
        Build the GX context only when a table first needs its suite run, so a month
        whose tables all passed before (see ``verdicts``) never imports GX.

    Raises
    ------
    ContractError
        When a suite is missing or malformed, or (when it is built) did not load fully.
    """

    def __init__(self, contracts_dir: Path | str | None = None, *, lazy: bool = False):
        from importlib.metadata import version

        self.contracts_dir = Path(contracts_dir or CONTRACTS_DIR)
        self.contracts = load_contracts(self.contracts_dir)
        self.rules = {ds: rules(ds, c) for ds, c in self.contracts.items()}
        self._by_rule = {r.rule: r for rs in self.rules.values() for r in rs}
        self.gx_version = version("great_expectations")
        self.context = None
        if not lazy:
            self._build_context()

    def _build_context(self) -> None:
        """Import great_expectations and build the context, data assets and suites."""
        gx = _import_gx()
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

    def check_table(self, table: Table, month: str, verdicts=None) -> list[Check]:
        """Run the dataset's suite on a loaded table; return one Check per rule.

        ``verdicts`` (optional) remembers tables that passed every rule: such a table's
        checks are all passed again without running the suite while its file, the month
        and the rules are unchanged.
        """
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

        if verdicts is not None and verdicts.passed(table, month):
            for rule, check in zip(self.rules[ds], checks.values(), strict=True):
                check.status = PASSED  # as a passing run fills it (see _fill)
                check.unexpected_count = 0 if rule.level == "row" else None
            return list(checks.values())
        if self.context is None:
            self._build_context()
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
        if verdicts is not None and all(c.status == PASSED for c in checks.values()):
            verdicts.remember(table, month)
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
        verdicts=None,
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
        verdicts : carelib.history_validation.TableVerdicts, optional
            Tables that passed their suite before, by checksum (see the module notes).
        """
        month = month_data.month
        checks: list[Check] = []
        for ds in schema.DATASETS:
            table = month_data.tables[ds]
            checks += loader_checks(table)
            checks += self.check_table(table, month, verdicts)
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
        self, data_dir: Path | str, month: str, *, previous: bool = True, verdicts=None
    ) -> ValidationReport:
        """Load ``month`` from ``data_dir`` (and the month before) and validate it.

        ``verdicts`` as for :meth:`validate`.
        """
        month = dates.parse_month(month)
        data = load_month(data_dir, month)
        before = load_previous(data_dir, month) if previous else None
        return self.validate(data, before, compare_previous=previous, verdicts=verdicts)


def load_previous(data_dir: Path | str, month: str) -> MonthData | None:
    """Load the datasets of the month before ``month`` that cross-month rules need."""
    prev = dates.add_months(month, -1)
    folder = Path(data_dir) / prev
    if not folder.is_dir():
        return None
    tables = {ds: load_table(folder, ds) for ds in crosschecks.PREVIOUS_DATASETS}
    return MonthData(month=prev, folder=folder, tables=tables)


# --- The API the runner and the CLI use ----------------------------------------------------

_default: Validator | None = None


def default_validator() -> Validator:
    """Return this process's shared Validator, created once.

    It imports great_expectations only when a table first needs its suite run: a month
    whose every table passed before (``verdicts``) is validated without it.
    """
    global _default
    if _default is None:
        _default = Validator(lazy=True)
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
