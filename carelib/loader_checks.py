"""The loader's findings as checks, and how complete each file is.

Every table gets the same checks whatever its content: the file is present and
readable, each optional column is in the file, each date, number, whole-number and
yes/no column's values can be read (from :mod:`carelib.loading`'s problems); and
:func:`completeness` counts rows and blank cells per column for the Data quality page.
"""

from __future__ import annotations

from carelib import schema
from carelib.loading import MonthData, Problem, Table
from carelib.validation import (
    FAILED,
    NOT_CHECKED,
    Check,
)

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
