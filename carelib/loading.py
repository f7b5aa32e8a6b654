"""Load a month's data files into typed DataFrames, without ever writing to them.

Each dataset may be ``.csv`` (UTF-8, UTF-8 with BOM or Windows-1252) or ``.xlsx`` (first
sheet), read as text by :mod:`carelib.files`. Dates may be ISO or UK day-first; booleans
may be any spelling in DATA_SPEC; numbers are read strictly (no decimal commas, no
``inf``). Loading a month never raises on bad content: every problem is recorded
against the dataset, column and source row number (header = row 1) so validation can
report them all. :func:`load_history`, for reports, raises instead (nothing is ever
dropped silently), and :func:`available_months` refuses a data folder whose layout is
wrong (:func:`folder_problems`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from carelib import dates, schema
from carelib.files import header_problem, read_raw

TRUE_WORDS = {"true", "yes", "y", "1", "t"}
FALSE_WORDS = {"false", "no", "n", "0", "f"}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")

#: A number as carelib reads it: digits, an optional point and fraction, an optional
#: exponent. Nothing else (no ``inf``, ``nan``, ``1_000``, ``0x10``).
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
#: Thousands separators, accepted in money columns only: ``1,234`` or ``12,345.50``.
_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$")
_NOT_FINITE = re.compile(r"^[+-]?(?:inf|infinity|nan|n/a)$", re.IGNORECASE)
#: A folder name that is meant as a month but is not written ``YYYY-MM``.
_MONTH_LIKE = re.compile(
    r"^(?:(?:19|20)\d{2}\D{0,3}\d{1,2}\b.*|\d{1,2}\D{1,3}(?:19|20)\d{2}|\d{6})$"
)


class DataError(ValueError):
    """The data folder or a month in it cannot be used at all (exit code 1).

    Raised for a folder that looks like a month but is not written ``YYYY-MM``, a symbolic
    link that points outside the data folder or nowhere, and by :func:`load_history` for
    any file, row or value it cannot read: nothing is ever dropped silently.
    """


@dataclass
class Problem:
    """A problem found while reading a dataset.

    Attributes
    ----------
    dataset : str
        Dataset name, e.g. ``workforce``.
    column : str or None
        The column concerned, or None for a whole-file problem.
    message : str
        Plain-English description of what is wrong.
    rows : list of int
        Source row numbers as they appear in the file (header = row 1).
    values : list of str
        The offending values as written in the file (never shown in published reports).
    severity : str
        ``error`` (blocks the run) or ``warning``.
    rule : str
        Short machine name of the rule, e.g. ``date_format``.
    """

    dataset: str
    column: str | None
    message: str
    rows: list[int] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    severity: str = "error"
    rule: str = "readable"
    count: int | None = None

    @property
    def n_rows(self) -> int:
        """Number of rows affected (all of them, not only those listed)."""
        return self.count if self.count is not None else len(self.rows)


@dataclass
class Table:
    """One dataset of one month, as read.

    Attributes
    ----------
    dataset : str
        Dataset name.
    path : Path or None
        The file read, or None when no file was found.
    raw : pandas.DataFrame
        Every cell as text, exactly as in the file (blank = empty string).
    data : pandas.DataFrame
        Typed columns (dates, numbers, booleans, lower-cased categories). Optional
        columns missing from the file are added empty; extra columns are kept as text.
    problems : list of Problem
        Everything that could not be read.
    """

    dataset: str
    path: Path | None
    raw: pd.DataFrame
    data: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)

    @staticmethod
    def source_row(index) -> int:
        """Return the row number in the source file of a DataFrame index (header = 1)."""
        return int(index) + 2


@dataclass
class MonthData:
    """The datasets of one reporting month (an optional one not supplied has no rows)."""

    month: str
    folder: Path
    tables: dict[str, Table]

    @property
    def reference_date(self) -> dt.date:
        """The month's reference date (its last day)."""
        return dates.reference_date(self.month)

    @property
    def problems(self) -> list[Problem]:
        """Every reading problem across the month's datasets."""
        return [p for t in self.tables.values() for p in t.problems]

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name].data
        raise AttributeError(name)


def find_file(folder: Path, dataset: str) -> Path | None:
    """Return the file holding ``dataset`` in ``folder`` (``.csv`` preferred to ``.xlsx``)."""
    for ext in (".csv", ".xlsx"):
        path = Path(folder) / f"{dataset}{ext}"
        if path.is_file():
            return path
    return None


def _empty_raw(dataset: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="str") for c in schema.column_names(dataset)})


def _parse_dates(text: pd.Series) -> pd.Series:
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    todo = text != ""
    for fmt in _DATE_FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        ok = parsed.notna()
        out.loc[ok[ok].index] = parsed[ok].astype("datetime64[ns]")
        todo.loc[ok[ok].index] = False
    return out


def _parse_numbers(text: pd.Series, money: bool = False) -> tuple[pd.Series, dict[str, pd.Series]]:
    """Read numbers strictly; return the values and the masks of each kind of bad cell.

    Only plain numbers are read (``20.5``, ``-3``, ``1e3``; a leading ``£``). A comma is
    never taken as a decimal point: ``20,5`` is refused, not read as 205. In money
    columns (``money=True``) commas as thousands separators are accepted in their
    strict form only (``1,234`` or ``12,345.50``). ``inf``, ``nan`` and Excel's error
    values (``#DIV/0!``) are refused.
    """
    # Cell by cell in Python: for tables of tens to hundreds of rows, each pandas string
    # operation costs more than the whole column does this way (loading is most of a
    # validation). The same tests, the same regular expressions.
    cleaned = []
    for cell in text.tolist():
        cell = cell.strip().replace("£", "").strip()
        if money and _THOUSANDS.match(cell):
            cell = cell.replace(",", "")
        cleaned.append(cell)
    plain = [_PLAIN_NUMBER.match(c) is not None for c in cleaned]
    comma = [bool(c) and not p and "," in c for c, p in zip(cleaned, plain, strict=True)]
    not_finite = [
        bool(c) and not p and not k and (_NOT_FINITE.match(c) is not None or c.startswith("#"))
        for c, p, k in zip(cleaned, plain, comma, strict=True)
    ]
    numbers = [c if p else None for c, p in zip(cleaned, plain, strict=True)]
    value = pd.to_numeric(pd.Series(numbers, index=text.index, dtype="str"), errors="coerce")
    masks = {"comma_decimal": comma, "finite": not_finite}
    return value.astype("float64"), {
        k: pd.Series(v, index=text.index, dtype=bool) for k, v in masks.items()
    }


def _parse_booleans(text: pd.Series) -> pd.Series:
    words = [w.lower() for w in text.tolist()]
    flags = [True if w in TRUE_WORDS else False if w in FALSE_WORDS else pd.NA for w in words]
    return pd.Series(flags, index=text.index, dtype="boolean")


#: What each kind of unreadable number is told (follows "a value that").
NUMBER_PROBLEMS = {
    "comma_decimal": (
        "has a comma in a number: comma used as decimal point? Write 20.5, not 20,5 "
        "(thousands separators are accepted in the _gbp money columns only)"
    ),
    "finite": "is not a finite number (inf, nan or a spreadsheet error such as #DIV/0!)",
    "scientific": "is in scientific notation (such as 1e3): write the whole number in full",
}


def type_columns(dataset: str, raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Convert raw text columns to their DATA_SPEC types.

    Returns
    -------
    data : pandas.DataFrame
        Typed frame; cells that could not be read are missing.
    problems : list of Problem
        One per column with unreadable cells.
    """
    typed: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    for col in schema.columns(dataset):
        if col.name not in raw.columns:
            if col.required:
                continue  # reported by the contract as a missing required column
            cells = [""] * len(raw)
        else:
            cells = [str(v).strip() for v in raw[col.name].tolist()]
        text = pd.Series(cells, index=raw.index, dtype="str")
        blank = pd.Series([not c for c in cells], index=raw.index, dtype=bool)
        if col.kind == "date":
            value = _parse_dates(text)
            what = "a date (YYYY-MM-DD or DD/MM/YYYY)"
        elif col.kind in ("number", "integer"):
            value, bad_kinds = _parse_numbers(text, money=col.name.endswith("_gbp"))
            what = "a number"
            if col.kind == "integer":
                exponent = pd.Series(["e" in c or "E" in c for c in cells], index=raw.index)
                bad_kinds["scientific"] = value.notna() & exponent
                value = value.mask(bad_kinds["scientific"])
            for rule, mask in bad_kinds.items():
                if mask.any():
                    problems.append(
                        _problem(dataset, col.name, text, mask, NUMBER_PROBLEMS[rule], rule)
                    )
                    blank = blank | mask  # reported once, by its own rule
            if col.kind == "integer":
                fractional = value.notna() & (value != np.floor(value.fillna(0)))
                if fractional.any():
                    problems.append(
                        _problem(
                            dataset, col.name, text, fractional, "is not a whole number", "integer"
                        )
                    )
                    blank = blank | fractional  # reported once, as not whole
                value = value.mask(fractional).astype("Int64")
        elif col.kind == "boolean":
            value = _parse_booleans(text)
            what = "yes/no (true/false, y/n, 1/0)"
        elif col.kind == "category":
            value = pd.Series([c.lower() or None for c in cells], index=raw.index, dtype="str")
            what = None
        else:
            value = pd.Series([c or None for c in cells], index=raw.index, dtype="str")
            what = None
        if what is not None:
            bad = ~blank & value.isna()
            if bad.any():
                problems.append(
                    _problem(
                        dataset,
                        col.name,
                        text,
                        bad,
                        f"cannot be read as {what}",
                        f"{col.kind}_format",
                    )
                )
        typed[col.name] = value
    for extra in raw.columns:
        if extra not in typed:
            typed[extra] = raw[extra]
    return pd.DataFrame(typed, index=raw.index), problems


def _problem(dataset, column, text, mask, message, rule) -> Problem:
    idx = mask[mask].index
    return Problem(
        dataset=dataset,
        column=column,
        message=message,
        rows=[Table.source_row(i) for i in idx[:10]],
        values=[str(v) for v in text[idx[:10]]],
        rule=rule,
        count=int(mask.sum()),
    )


def load_table(folder: Path, dataset: str) -> Table:
    """Read and type one dataset from a month folder, recording every problem."""
    path = find_file(folder, dataset)
    if path is None and schema.is_optional(dataset):
        raw = _empty_raw(dataset)  # not supplied: no rows, and nothing wrong
        return Table(dataset, None, raw, type_columns(dataset, raw)[0], [])
    if path is None:
        problem = Problem(
            dataset, None, f"no {dataset}.csv or {dataset}.xlsx in {folder}", rule="file_present"
        )
        raw = _empty_raw(dataset)
        return Table(dataset, None, raw, type_columns(dataset, raw)[0], [problem])
    if path.suffix == ".csv" and (Path(folder) / f"{dataset}.xlsx").is_file():
        problem = Problem(
            dataset,
            None,
            f"is there twice, as both {dataset}.csv and {dataset}.xlsx in {folder}: carelib "
            "does not know which one is this month's extract, so remove the other one",
            rule="one_file",
        )
        raw = _empty_raw(dataset)
        return Table(dataset, path, raw, type_columns(dataset, raw)[0], [problem])
    try:
        raw = read_raw(path)
        why = header_problem(dataset, raw)
        if why:
            raise ValueError(why)
    except ValueError as exc:
        raw = _empty_raw(dataset)
        problem = Problem(
            dataset,
            None,
            f"{path.name} {exc}".replace(f"{path.name} the", f"{path.name}: the"),
            rule="readable",
        )
        return Table(dataset, path, raw, type_columns(dataset, raw)[0], [problem])
    data, problems = type_columns(dataset, raw)
    return Table(dataset, path, raw, data, problems)


def load_month(data_dir: Path | str, month: str) -> MonthData:
    """Load the datasets of ``month`` from ``data_dir/<month>/``.

    Parameters
    ----------
    data_dir : path
        The data folder holding one sub-folder per month.
    month : str
        Reporting month, ``YYYY-MM``.

    Returns
    -------
    MonthData
        Typed tables and every reading problem (the month is never rejected here;
        validation decides).
    """
    folder = Path(data_dir) / dates.parse_month(month)
    tables = {name: load_table(folder, name) for name in schema.DATASETS}
    return MonthData(month=month, folder=folder, tables=tables)


def folder_problems(data_dir: Path | str) -> list[str]:
    """Return what is wrong with the layout of the data folder (empty when nothing is).

    - a folder whose name looks like a month but is not written ``YYYY-MM``
      (``2025-9``, ``2025_09``, ``2025-13``, ``202509``): never skipped silently;
    - a symbolic link (a month folder, or a file in one) that points outside the data
      folder, or to nothing at all (anywhere two levels down): carelib reads only files
      inside the data folder.
    """
    root = Path(data_dir)
    if not root.is_dir():
        return []
    real_root = root.resolve()
    found: list[str] = []
    entries = sorted(root.iterdir())
    for entry in entries:
        if entry.name.startswith("."):
            continue
        found += _link_problems(entry, real_root, root)
        if entry.is_dir() and not dates.is_month(entry.name) and _MONTH_LIKE.match(entry.name):
            found.append(
                f"the folder {entry} looks like a month but is not written YYYY-MM "
                f"(for example 2025-09): rename it, or move it out of {root}"
            )
    for entry in entries:
        if entry.name.startswith(".") or not entry.is_dir() or entry.is_symlink():
            continue
        for item in sorted(entry.iterdir()):
            if dates.is_month(entry.name):
                found += _link_problems(item, real_root, root)
            elif item.is_symlink() and not item.exists():  # would break any listing of files
                found += _link_problems(item, real_root, root)
    return found


def _link_problems(path: Path, real_root: Path, root: Path) -> list[str]:
    if not path.is_symlink():
        return []
    where = f"{path.parent.name}/{path.name}" if path.parent != root else path.name
    target = os.readlink(path)
    if not path.exists():
        return [
            f"{where} in {root} is a symbolic link to {target}, which does not exist: "
            "replace the link with the file itself"
        ]
    if not path.resolve().is_relative_to(real_root):
        return [
            f"{where} in {root} is a symbolic link to {path.resolve()}, outside the data "
            "folder: carelib reads only files inside the data folder (copy the file in)"
        ]
    return []


def available_months(data_dir: Path | str) -> list[str]:
    """Return the months that have a folder in ``data_dir``, oldest first.

    Raises
    ------
    DataError
        When :func:`folder_problems` finds anything: a month-like folder not written
        ``YYYY-MM`` or a symbolic link out of the data folder (never a silent fallback
        to an older month as "latest").
    """
    root = Path(data_dir)
    if not root.is_dir():
        return []
    problems = folder_problems(root)
    if problems:
        raise DataError("the data folder cannot be used:\n  " + "\n  ".join(problems))
    return sorted(p.name for p in root.iterdir() if p.is_dir() and dates.is_month(p.name))


def missing_months(data_dir: Path | str, upto: str | None = None) -> list[str]:
    """Return the months with no folder between the first month of data and ``upto``."""
    months = available_months(data_dir)
    if upto is not None:
        months = [m for m in months if m <= upto]
    if len(months) < 2:
        return []
    return sorted(set(dates.month_range(months[0], months[-1])) - set(months))


@dataclass
class History:
    """Several months stacked: each frame has a ``month`` column (``YYYY-MM``)."""

    months: list[str]
    workforce: pd.DataFrame
    leavers: pd.DataFrame
    establishment: pd.DataFrame
    agency_spend: pd.DataFrame
    actions: pd.DataFrame
    measures: pd.DataFrame
    agency_assignments: pd.DataFrame

    def frame(self, dataset: str) -> pd.DataFrame:
        """Return the stacked frame of ``dataset``."""
        return getattr(self, dataset)


def stack(months: list[MonthData]) -> History:
    """Stack loaded months into a History (oldest first)."""
    months = sorted(months, key=lambda m: m.month)
    frames = {}
    for name in schema.DATASETS:
        parts = [m.tables[name].data.assign(month=m.month) for m in months]
        frames[name] = (
            pd.concat(parts, ignore_index=True)
            if parts
            else type_columns(name, _empty_raw(name))[0]
        )
    return History(months=[m.month for m in months], **frames)


def load_history(data_dir: Path | str, upto: str, n_months: int | None = None) -> History:
    """Load every available month up to and including ``upto`` (optionally the last n).

    The raw text of each dataset is stacked across months and typed once, which is many
    times faster than typing month by month. History is for reports, which run only on
    validated data (every month is validated before a report is made, and a missing file
    is an error there; here an absent file reads as no rows). Should a file that is there
    still not read (unreadable, a required column missing, a cell that cannot be
    typed), this raises rather than drop it, so no figure is computed from part of it.

    Parameters
    ----------
    data_dir : path
        The data folder.
    upto : str
        The latest month to include, ``YYYY-MM``.
    n_months : int, optional
        Keep only the last ``n_months`` months.

    Raises
    ------
    DataError
        Naming the month, file, column and rows of everything that could not be read.
    """
    wanted = [m for m in available_months(data_dir) if m <= dates.parse_month(upto)]
    if n_months is not None:
        wanted = wanted[-n_months:]
    frames, failures = {}, []
    for name in schema.DATASETS:
        parts, months, rows, files = [], [], [], []
        for month in wanted:
            folder = Path(data_dir) / month
            path = find_file(folder, name)
            if path is None:
                continue  # an absent file is empty here; validation refuses it first
            if path.suffix == ".csv" and (folder / f"{name}.xlsx").is_file():
                failures.append(f"{month}: both {name}.csv and {name}.xlsx (remove one)")
                continue
            try:
                raw = read_raw(path)
            except ValueError as exc:
                failures.append(f"{month}: {path.name} {exc}")
                continue
            missing = [c.name for c in schema.columns(name) if c.required]
            missing = [c for c in missing if c not in raw.columns]
            if missing:
                failures.append(f"{month}: {path.name} has no {', '.join(missing)} column")
                continue
            parts.append(raw)
            months += [month] * len(raw)
            rows += [Table.source_row(i) for i in raw.index]
            files += [path.name] * len(raw)
        raw = pd.concat(parts, ignore_index=True).fillna("") if parts else _empty_raw(name)
        typed, problems = type_columns(name, raw)
        for p in problems:
            where = sorted({(months[r - 2], files[r - 2]) for r in p.rows})
            for month, file in where:
                listed = [rows[r - 2] for r in p.rows if months[r - 2] == month]
                failures.append(
                    f"{month}: {file}: column {p.column}: a value that {p.message} "
                    f"(rows {', '.join(str(r) for r in listed)})"
                )
        typed["month"] = pd.Series(months, index=typed.index, dtype="str")
        frames[name] = typed
    if failures:
        raise DataError(
            "some of the data cannot be read, so no figure was computed from it:\n  "
            + "\n  ".join(failures)
        )
    return History(months=wanted, **frames)
