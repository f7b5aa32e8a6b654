"""Reading the data contracts: the suites in ``data_contracts/``, their rules and parameters.

No great_expectations is needed here. A suite is checked when it is read (a name, a
``meta`` with rule, severity and column on every expectation, known run-time
parameters, messages that can be generated or that agree with the parameters), its
rules are listed as :class:`Rule` objects with their messages
(:mod:`carelib.contract_messages`), and the month-relative parameters are given their
values for each month. Running the suites is :mod:`carelib.contracts`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from carelib import contract_messages, dates, resources, schema
from carelib.validation import (
    SEVERITIES,
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
