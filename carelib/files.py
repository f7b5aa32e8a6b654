"""Read one data file as a table of text, refusing the quirks that would garble it.

A ``.csv`` (UTF-8, UTF-8 with BOM or Windows-1252) or the first sheet of an ``.xlsx`` is
read with every cell as text and its source row numbers kept (header = row 1). What an
export from a spreadsheet or a reporting tool gets wrong is refused with a message
saying what was found and what was expected: a semicolon-separated CSV, the same column
twice (ignoring case and spaces), title rows above the column names, data on a later
sheet, formulas with no saved value. Nothing here writes to a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd

from carelib import schema


def read_raw(path: Path) -> pd.DataFrame:
    """Read a ``.csv`` or ``.xlsx`` file with every cell as text.

    The frame's index is the source row number minus 2 (header = row 1), whatever blank
    rows the file holds.

    Raises
    ------
    ValueError
        With a plain-English reason when the file cannot be read as a table: not a
        workbook or a text CSV, empty, a malformed CSV, the same column twice (names
        compared ignoring case and spaces), semicolons instead of commas, or formulas
        in a workbook that hold no saved value.
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        frame = _read_xlsx(path)
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
        frame = _parse_csv(text, _wanted(path))
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    _check_header(list(frame.columns))
    return frame


def _column_key(name: str) -> str:
    return "".join(str(name).split()).lower()


def _check_header(header: list[str]) -> None:
    """Refuse a header naming one column twice, ignoring case and spaces."""
    groups: dict[str, list[str]] = {}
    for name in header:
        if name:
            groups.setdefault(_column_key(name), []).append(name)
    twice = [names for names in groups.values() if len(names) > 1]
    if twice:
        shown = "; ".join(" and ".join(repr(n) for n in names) for names in twice)
        raise ValueError(
            f"has the same column more than once in its header ({shown}; names are "
            "compared ignoring case and spaces): keep one"
        )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path) -> pd.DataFrame:
    """Read the first sheet of a workbook as text, refusing formulas with no saved value.

    A formula cell holds the value Excel last computed; a workbook written by a tool that
    does not compute formulas holds none, and reading it would turn every such cell
    blank. Data on a later sheet while the first is empty is refused with the sheet's name.
    """
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise ValueError(f"cannot be opened as an Excel workbook ({exc})") from exc
    try:
        sheets = book.worksheets
        rows = [list(r) for r in sheets[0].iter_rows(values_only=True)] if sheets else []
        if not any(_cell_text(v).strip() for r in rows for v in r):
            others = [
                ws.title
                for ws in sheets[1:]
                if any(_cell_text(v).strip() for r in ws.iter_rows(values_only=True) for v in r)
            ]
            if others:
                raise ValueError(
                    f"has an empty first sheet ({sheets[0].title!r}) and data on the sheet "
                    f"{others[0]!r}: carelib reads the first sheet only, so move the data "
                    "there (or delete the empty sheet)"
                )
            raise ValueError("the file is empty (not even a header row)")
        wanted = _wanted(path)
        if wanted and not _has_columns(rows[:10], wanted):
            for ws in sheets[1:]:
                if _has_columns(list(ws.iter_rows(values_only=True, max_row=10)), wanted):
                    raise ValueError(
                        f"has no {path.stem} column names on its first sheet "
                        f"({sheets[0].title!r}) but has them on the sheet {ws.title!r}: "
                        "carelib reads the first sheet only, so move that sheet first"
                    )
    finally:
        book.close()
    formulas = [
        (r, c)
        for r, row in enumerate(rows)
        for c, v in enumerate(row)
        if isinstance(v, str) and v.startswith("=")
    ]
    if formulas:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            saved = [list(r) for r in values.worksheets[0].iter_rows(values_only=True)]
        finally:
            values.close()
        empty = [(r, c) for r, c in formulas if saved[r][c] is None]
        if empty:
            cells = ", ".join(
                f"{openpyxl.utils.get_column_letter(c + 1)}{r + 1}" for r, c in empty[:5]
            )
            more = f" and {len(empty) - 5} more" if len(empty) > 5 else ""
            raise ValueError(
                f"has {len(empty)} formula cell(s) with no saved value (cells {cells}{more}): "
                "the workbook was saved by a tool that does not calculate formulas. Open it "
                "in Excel and save it again, or export the values"
            )
        for r, c in formulas:
            rows[r][c] = saved[r][c]
    header = [_cell_text(v).strip() for v in rows[0]]
    while header and not header[-1]:
        header.pop()
    if wanted and len(wanted & {_column_key(h) for h in header}) < 2:
        for number, row in enumerate(rows[1:10], start=2):
            if _has_columns([row], wanted):
                raise ValueError(_title_rows(header, number))
    width = len(header)
    records, index = [], []
    for number, row in enumerate(rows[1:], start=2):
        cells = [_cell_text(v) for v in row]
        if not any(c.strip() for c in cells):
            continue
        if any(c.strip() for c in cells[width:]):
            raise ValueError(
                f"has a value beyond the last named column in row {number} "
                f"(the header names {width} columns)"
            )
        records.append((cells + [""] * width)[:width])
        index.append(number - 2)
    return pd.DataFrame(records, columns=header, index=pd.Index(index, dtype="int64"), dtype="str")


def _has_columns(rows: list, wanted: set[str]) -> bool:
    return any(len(wanted & {_column_key(_cell_text(v)) for v in row}) >= 2 for row in rows)


def _wanted(path: Path) -> set[str]:
    """The folded column names of the dataset a file is named after (empty if none)."""
    return {_column_key(c.name) for c in schema.DATASETS.get(Path(path).stem, ())}


def _title_rows(header: list[str], number: int) -> str:
    shown = ", ".join(repr(c) for c in header[:3] if c) or "blank cells"
    return (
        f"has its column names in row {number}, not row 1 (found {shown} above them): "
        "delete the title rows so the column names are in row 1"
    )


def _parse_csv(text: str, wanted: set[str] = frozenset()) -> pd.DataFrame:
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
    if len(header) == 1 and header[0].count(";") >= 1:
        raise ValueError(
            "is separated by semicolons (;), not commas: found one column named "
            f"{header[0][:60]!r}. Save it as 'CSV (Comma delimited)', or as .xlsx"
        )
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
        if wanted and not len(wanted & {_column_key(h) for h in header}) >= 2:
            # A title row above the header: the real header is a longer row below it.
            again = csv.reader(io.StringIO(text, newline=""))
            for fields in again:
                if again.line_num > 10:
                    break
                if _has_columns([fields], wanted):
                    raise ValueError(_title_rows(header, again.line_num))
        rows = ", ".join(str(r) for r in too_long[:5])
        raise ValueError(
            f"is not a well-formed CSV: row(s) {rows} have more values than the header "
            f"has columns ({width})"
        )
    return pd.DataFrame(records, columns=header, index=pd.Index(index, dtype="int64"), dtype="str")


def header_problem(dataset: str, raw: pd.DataFrame) -> str | None:
    """Return why the first row is not the header when the real one is further down.

    A title or a blank line above the column names (as a report export often has) makes
    the column names look like data: carelib expects them in row 1.
    """
    wanted = {_column_key(c) for c in schema.column_names(dataset)}
    if len(wanted & {_column_key(c) for c in raw.columns}) >= 2:
        return None
    for i, (idx, row) in enumerate(raw.head(10).iterrows()):
        found = wanted & {_column_key(v) for v in row}
        if len(found) >= 2:
            return _title_rows(list(raw.columns), int(idx) + 2)
        if i >= 9:
            break
    return None
