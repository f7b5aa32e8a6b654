"""Load a month's data files into typed DataFrames, without ever writing to them.

Each dataset may be ``.csv`` (UTF-8, UTF-8 with BOM or Windows-1252) or ``.xlsx`` (first
sheet). Dates may be ISO or UK day-first; booleans may be any spelling in DATA_SPEC.
Loading never raises on bad content: every problem is recorded against the dataset,
column and source row number (header = row 1) so validation can report them all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from carelib import dates, schema

TRUE_WORDS = {"true", "yes", "y", "1", "t"}
FALSE_WORDS = {"false", "no", "n", "0", "f"}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


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
    """All six datasets of one reporting month."""

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


def read_raw(path: Path) -> pd.DataFrame:
    """Read a ``.csv`` or ``.xlsx`` file with every cell as text.

    Raises
    ------
    ValueError
        With a plain-English reason when the file cannot be read as a table.
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        try:
            frame = pd.read_excel(path, sheet_name=0, dtype=str, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for a broken workbook
            raise ValueError(f"cannot be opened as an Excel workbook ({exc})") from exc
        frame = frame.fillna("")
        frame = frame[(frame.astype(str).apply(lambda c: c.str.strip()) != "").any(axis=1)]
    else:
        data = path.read_bytes()
        if not data.strip():
            raise ValueError("the file is empty (not even a header row)")
        if b"\x00" in data[:4096]:
            raise ValueError("the file is not a text CSV (it contains binary data)")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        frame = _parse_csv(text)
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    return frame


def _parse_csv(text: str) -> pd.DataFrame:
    """Parse CSV text keeping each row's line number (blank lines are skipped).

    The frame's index is the source line number minus 2, so ``index + 2`` is the row
    number an analyst sees in Excel whatever blank lines the file holds.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ValueError("the file is empty (not even a header row)") from None
    except csv.Error as exc:
        raise ValueError(f"is not a well-formed CSV: {exc}") from None
    duplicated = sorted({h for h in header if header.count(h) > 1 and h})
    if duplicated:
        raise ValueError(f"has the column(s) {', '.join(duplicated)} more than once in its header")
    width = len(header)
    records, index, too_long = [], [], []
    try:
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            if len(fields) > width and any(f.strip() for f in fields[width:]):
                too_long.append(reader.line_num)
            records.append((fields + [""] * width)[:width])
            index.append(reader.line_num - 2)
    except csv.Error as exc:
        raise ValueError(f"is not a well-formed CSV (row {reader.line_num}): {exc}") from None
    if too_long:
        rows = ", ".join(str(r) for r in too_long[:5])
        raise ValueError(
            f"is not a well-formed CSV: row(s) {rows} have more values than the header "
            f"has columns ({width})"
        )
    return pd.DataFrame(records, columns=header, index=pd.Index(index, dtype="int64"), dtype="str")


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


def _parse_numbers(text: pd.Series) -> pd.Series:
    cleaned = text.str.replace(",", "", regex=False).str.replace("£", "", regex=False)
    return pd.to_numeric(cleaned.str.strip(), errors="coerce").astype("float64")


def _parse_booleans(text: pd.Series) -> pd.Series:
    low = text.str.lower()
    out = pd.Series(pd.NA, index=text.index, dtype="boolean")
    out[low.isin(TRUE_WORDS)] = True
    out[low.isin(FALSE_WORDS)] = False
    return out


def type_columns(dataset: str, raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Convert raw text columns to their DATA_SPEC types.

    Returns
    -------
    data : pandas.DataFrame
        Typed frame; cells that could not be read are missing.
    problems : list of Problem
        One per column with unreadable cells.
    """
    data = pd.DataFrame(index=raw.index)
    problems: list[Problem] = []
    for col in schema.columns(dataset):
        if col.name not in raw.columns:
            if col.required:
                continue  # reported by the contract as a missing required column
            text = pd.Series("", index=raw.index, dtype="str")
        else:
            text = raw[col.name].astype("str").str.strip()
        blank = text == ""
        if col.kind == "date":
            value = _parse_dates(text)
            what = "a date (YYYY-MM-DD or DD/MM/YYYY)"
        elif col.kind in ("number", "integer"):
            value = _parse_numbers(text)
            what = "a number"
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
            value = text.str.lower().mask(blank)
            what = None
        else:
            value = text.mask(blank)
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
        data[col.name] = value
    for extra in raw.columns:
        if extra not in data.columns:
            data[extra] = raw[extra]
    return data, problems


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
    if path is None:
        problem = Problem(
            dataset, None, f"no {dataset}.csv or {dataset}.xlsx in {folder}", rule="file_present"
        )
        raw = _empty_raw(dataset)
        return Table(dataset, None, raw, type_columns(dataset, raw)[0], [problem])
    try:
        raw = read_raw(path)
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
    """Load the six datasets of ``month`` from ``data_dir/<month>/``.

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


def available_months(data_dir: Path | str) -> list[str]:
    """Return the months that have a folder in ``data_dir``, oldest first."""
    root = Path(data_dir)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and dates.is_month(p.name))


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
    times faster than typing month by month. Reading problems are not collected here:
    history is for reports, which run only on validated data (use :func:`load_month` to
    check a month).

    Parameters
    ----------
    data_dir : path
        The data folder.
    upto : str
        The latest month to include, ``YYYY-MM``.
    n_months : int, optional
        Keep only the last ``n_months`` months.
    """
    wanted = [m for m in available_months(data_dir) if m <= dates.parse_month(upto)]
    if n_months is not None:
        wanted = wanted[-n_months:]
    frames = {}
    for name in schema.DATASETS:
        parts = []
        for month in wanted:
            path = find_file(Path(data_dir) / month, name)
            try:
                raw = read_raw(path) if path is not None else None
            except ValueError:
                raw = None
            if raw is not None and len(raw):
                parts.append(raw.assign(month=month))
        raw = pd.concat(parts, ignore_index=True).fillna("") if parts else _empty_raw(name)
        month_col = raw.pop("month") if "month" in raw.columns else pd.Series([], dtype="str")
        typed, _ = type_columns(name, raw)
        typed["month"] = month_col.astype("str").to_numpy()
        frames[name] = typed
    return History(months=wanted, **frames)
