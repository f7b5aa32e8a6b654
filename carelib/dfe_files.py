"""The DfE files behind the benchmarks: reading, checking and switching to a newer download.

Two published files are used, both Crown copyright under the Open Government Licence
v3.0, and both shipped in ``carelib/reference/`` (see its README):

- the *Children's social work workforce* indicators file (Explore Education Statistics),
  one row per reporting year and geography, values as text: a number or a DfE symbol
  (``z`` not applicable, ``x`` not available, ``c`` suppressed, ``low``/``k`` rounds to
  zero but is not zero, ``u`` low reliability);
- the *Children's services statistical neighbour benchmarking tool* model, one row per
  LA with its ten statistical neighbours (``SN_1`` .. ``SN_10``, old 3-digit codes).

:func:`check_csww` checks a newer indicators download before it is used, and
:func:`install` copies a checked file into the project (``reference/`` beside the
configuration file) and points the configuration at it (``carelib benchmarks update``).
"""

from __future__ import annotations

import math
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

#: Licence of the DfE files (named on every page that uses them).
LICENCE = "Open Government Licence v3.0"
DEFAULT_CSWW = "csww_indicators_2017_to_2025.csv"
DEFAULT_SN_MODEL = "sn_model_2025_wide.csv"
#: Folder (beside the configuration file) that ``carelib benchmarks update`` copies into.
PROJECT_FOLDER = "reference"

#: DfE symbols that may stand in place of a number.
SYMBOLS = ("z", "x", "c", "low", "k", "u")
LEVELS = ("National", "Regional", "Local authority")
ID_COLUMNS = ("time_period", "geographic_level", "region_name", "old_la_code", "la_name")
_NOT_MEASURES = ("time_identifier", "country_code", "country_name", "region_code", "new_la_code")
#: Measure columns carelib reads (rates and the counts behind them).
REQUIRED_MEASURES = (
    "inpost_fte",
    "leavers_fte",
    "turnover_rate_fte",
    "agency_fte",
    "agency_rate_fte",
    "vacancy_fte",
    "vacancy_rate_fte",
    "case_holders_fte",
    "cases",
    "caseload_fte",
    "working_days_lost_fte",
    "absence_rate_fte",
)
#: Rate columns that must lie between 0 and 100 when they are numbers.
PERCENT_MEASURES = ("turnover_rate_fte", "agency_rate_fte", "vacancy_rate_fte", "absence_rate_fte")

_NUMBER = re.compile(r"^-?\d[\d,]*(\.\d+)?$|^-?\.\d+$")


def default_file(name: str):
    """Return the shipped reference file ``name`` (a :mod:`importlib.resources` path).

    Parameters
    ----------
    name : str
        :data:`DEFAULT_CSWW` or :data:`DEFAULT_SN_MODEL`.
    """
    from carelib import resources

    return resources.reference_file(name)


def parse_value(text) -> tuple[float, str]:
    """Read one published cell: a number, or a DfE symbol kept as a symbol.

    Parameters
    ----------
    text : str
        The cell as published.

    Returns
    -------
    (float, str)
        ``(number, "")`` for a number; ``(nan, symbol)`` otherwise. A blank cell is
        ``(nan, "x")`` (not available).

    Examples
    --------
    >>> parse_value("13")
    (13.0, '')
    >>> parse_value("low")
    (nan, 'low')
    """
    text = "" if text is None else str(text).strip()
    if _NUMBER.match(text):
        return float(text.replace(",", "")), ""
    if text == "":
        return math.nan, "x"
    return math.nan, text.lower()


def _parse_column(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = values.fillna("").astype("str").str.strip()
    number = text.str.match(_NUMBER.pattern)
    value = pd.to_numeric(
        text.where(number).str.replace(",", "", regex=False), errors="coerce"
    ).astype("float64")
    symbol = text.str.lower().where(~number, "").mask(text == "", "x")
    return value, symbol.astype("str")


def _read_raw(path) -> pd.DataFrame:
    with open(path, encoding="utf-8-sig") as handle:
        raw = pd.read_csv(handle, dtype=str, keep_default_na=False)
    raw.columns = [c.strip() for c in raw.columns]
    return raw


def _measures(raw: pd.DataFrame) -> list[str]:
    return [c for c in raw.columns if c not in ID_COLUMNS and c not in _NOT_MEASURES]


def read_csww(path) -> pd.DataFrame:
    """Read the DfE children's social work workforce indicators file into a long table.

    Parameters
    ----------
    path : path
        The published CSV (``time_period``, ``geographic_level``, ``region_name``,
        ``old_la_code``, ``la_name`` and one column per measure).

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` (int), ``level`` (``National``, ``Regional``, ``Local
        authority``), ``region_name``, ``old_la_code`` (as published: a joint return is
        ``"314 / 318"``), ``la_name``, ``measure`` (the file's column), ``value`` (float,
        NaN for a symbol), ``symbol``.
    """
    raw = _read_raw(path)
    ids = list(ID_COLUMNS)
    long = raw.melt(id_vars=ids, value_vars=_measures(raw), var_name="measure", value_name="text")
    value, symbol = _parse_column(long["text"])
    return pd.DataFrame(
        {
            "year": pd.to_numeric(long["time_period"].str[:4]).astype("int64"),
            "level": long["geographic_level"],
            "region_name": long["region_name"],
            "old_la_code": long["old_la_code"].str.strip(),
            "la_name": long["la_name"],
            "measure": long["measure"],
            "value": value,
            "symbol": symbol,
        }
    )


def read_statistical_neighbours(path) -> dict[str, list[str]]:
    """Read DfE's statistical-neighbour model file: LA code -> its 10 neighbours' codes.

    Parameters
    ----------
    path : path
        The wide CSV with ``old_la_code`` and ``SN_1`` .. ``SN_10`` (old 3-digit codes).
    """
    return {code: list(la.neighbours) for code, la in local_authorities(path).items()}


@dataclass(frozen=True)
class LocalAuthority:
    """One LA of the DfE statistical-neighbour model: code, name, region, neighbours."""

    code: str
    name: str
    region: str
    neighbours: tuple[str, ...]


def local_authorities(path=None) -> dict[str, LocalAuthority]:
    """Return every LA of the statistical-neighbour model by old 3-digit LA code.

    Parameters
    ----------
    path : path, optional
        A DfE statistical-neighbour model CSV; by default the shipped 2025 model.
    """
    raw = _read_raw(path if path is not None else default_file(DEFAULT_SN_MODEL))
    cols = [f"SN_{i}" for i in range(1, 11) if f"SN_{i}" in raw.columns]
    missing = [c for c in ("old_la_code", "la_name", "region_name") if c not in raw.columns]
    if missing or not cols:
        raise ValueError(
            f"{Path(str(path)).name}: not a DfE statistical-neighbour model file "
            f"(missing columns: {', '.join(missing or ['SN_1 .. SN_10'])})"
        )
    return {
        row["old_la_code"].strip(): LocalAuthority(
            code=row["old_la_code"].strip(),
            name=row["la_name"].strip(),
            region=row["region_name"].strip(),
            neighbours=tuple(row[c].strip() for c in cols if row[c].strip()),
        )
        for _, row in raw.iterrows()
    }


def regions(path=None) -> list[str]:
    """Return DfE's region names (as in the statistical-neighbour model), sorted."""
    return sorted({la.region for la in local_authorities(path).values()})


def years(data: pd.DataFrame) -> tuple[int, int]:
    """Return the first and last reporting year of a :func:`read_csww` table."""
    return int(data["year"].min()), int(data["year"].max())


# --------------------------------------------------------------------- checking a file


def _rows(mask: pd.Series, limit: int = 5) -> str:
    """Row numbers as in a spreadsheet (the header is row 1)."""
    rows = [str(i + 2) for i in mask[mask].index[:limit]]
    more = int(mask.sum()) - len(rows)
    return ", ".join(rows) + (f" and {more} more" if more > 0 else "")


def check_csww(path, required=REQUIRED_MEASURES) -> list[str]:
    """Check a DfE indicators download before carelib uses it.

    Parameters
    ----------
    path : path
        The CSV to check.
    required : sequence of str, default :data:`REQUIRED_MEASURES`
        Measure columns that must be present (``carelib benchmarks update`` wants them
        all; a configured file read for a report needs only the ones it has to be valid).

    Returns
    -------
    list of str
        Problems, each naming the file, column, rows (header = row 1) and values; empty
        when the file can be used.
    """
    name = Path(str(path)).name
    try:
        raw = _read_raw(path)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        return [f"{name}: cannot be read as a UTF-8 CSV ({exc})"]
    missing = [c for c in (*ID_COLUMNS, *required) if c not in raw.columns]
    if missing:
        return [f"{name}: missing columns {', '.join(missing)}"]
    problems = []
    bad = ~raw["time_period"].str.strip().str.fullmatch(r"\d{4}(\d{2})?")
    if bad.any():
        values = ", ".join(sorted(set(raw.loc[bad, "time_period"]))[:5])
        problems.append(
            f"{name}, column time_period, rows {_rows(bad)}: not a reporting year ({values})"
        )
    bad = ~raw["geographic_level"].isin(LEVELS)
    if bad.any():
        values = ", ".join(sorted(set(raw.loc[bad, "geographic_level"]))[:5])
        problems.append(
            f"{name}, column geographic_level, rows {_rows(bad)}: expected one of "
            f"{', '.join(LEVELS)} ({values})"
        )
    for column in [c for c in REQUIRED_MEASURES if c in raw.columns]:
        text = raw[column].str.strip()
        number = text.str.match(_NUMBER.pattern)
        bad = ~number & ~text.str.lower().isin(SYMBOLS) & (text != "")
        if bad.any():
            values = ", ".join(sorted(set(raw.loc[bad, column]))[:5])
            problems.append(
                f"{name}, column {column}, rows {_rows(bad)}: neither a number nor a DfE "
                f"symbol ({', '.join(SYMBOLS)}): {values}"
            )
        if column in PERCENT_MEASURES:
            value = pd.to_numeric(text.where(number).str.replace(",", ""), errors="coerce")
            bad = (value < 0) | (value > 100)
            if bad.any():
                values = ", ".join(sorted(set(raw.loc[bad, column]))[:5])
                problems.append(
                    f"{name}, column {column}, rows {_rows(bad)}: a rate outside 0 to 100 "
                    f"({values})"
                )
    if problems:
        return problems
    national = raw[raw["geographic_level"] == "National"]["time_period"].str[:4]
    all_years = sorted(set(raw["time_period"].str[:4]))
    lacking = [y for y in all_years if y not in set(national)]
    if lacking:
        problems.append(f"{name}: no National (England) row for {', '.join(lacking)}")
    return problems


def check_sn_model(path) -> list[str]:
    """Check a DfE statistical-neighbour model download before carelib uses it.

    Returns
    -------
    list of str
        Problems naming file, column, rows and values; empty when it can be used.
    """
    name = Path(str(path)).name
    try:
        raw = _read_raw(path)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        return [f"{name}: cannot be read as a UTF-8 CSV ({exc})"]
    wanted = ["old_la_code", "la_name", "region_name"] + [f"SN_{i}" for i in range(1, 11)]
    missing = [c for c in wanted if c not in raw.columns]
    if missing:
        return [f"{name}: missing columns {', '.join(missing)}"]
    problems = []
    codes = set(raw["old_la_code"].str.strip())
    for column in wanted[:1] + wanted[3:]:
        text = raw[column].str.strip()
        bad = ~text.str.fullmatch(r"\d{3}")
        if bad.any():
            values = ", ".join(sorted(set(raw.loc[bad, column]))[:5])
            problems.append(
                f"{name}, column {column}, rows {_rows(bad)}: not a 3-digit LA code ({values})"
            )
        elif column != "old_la_code" and not text.isin(codes).all():
            bad = ~text.isin(codes)
            values = ", ".join(sorted(set(raw.loc[bad, column]))[:5])
            problems.append(
                f"{name}, column {column}, rows {_rows(bad)}: a neighbour that is not an "
                f"LA of the file ({values})"
            )
    return problems


def kind_of(path) -> str:
    """Return ``"csww"`` for an indicators file, ``"sn_model"`` for a neighbour model."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            header = [c.strip() for c in handle.readline().split(",")]
    except (OSError, UnicodeDecodeError):
        return "csww"
    return "sn_model" if "SN_1" in header else "csww"


#: Config key under [benchmarks] set by :func:`install`, by kind of file.
CONFIG_KEYS = {"csww": "csww_indicators", "sn_model": "statistical_neighbours_file"}


def check(path) -> list[str]:
    """Check a DfE download of either kind (see :func:`kind_of`)."""
    return check_sn_model(path) if kind_of(path) == "sn_model" else check_csww(path)


def install(source, cfg) -> Path:
    """Copy a checked DfE download into the project and point the config at it.

    The file goes to ``reference/`` beside the configuration file (never into the
    package, never into the data folder), and ``benchmarks.csww_indicators`` (or
    ``benchmarks.statistical_neighbours_file`` for a statistical-neighbour model) in that
    configuration file is set to it (the line is added to ``[benchmarks]`` if absent).

    Parameters
    ----------
    source : path
        The DfE download.
    cfg : carelib.config.Config
        The configuration in use (its file is edited).

    Returns
    -------
    pathlib.Path
        Where the file was copied.

    Raises
    ------
    ValueError
        When the file fails :func:`check` (the message lists every problem).
    """
    source = Path(source)
    if not source.is_file():
        raise ValueError(f"{source} does not exist")
    problems = check(source)
    if problems:
        raise ValueError("the file cannot be used:\n  " + "\n  ".join(problems))
    folder = cfg.base_dir / PROJECT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    if source.resolve() != target.resolve():
        shutil.copyfile(source, target)
    if cfg.path is not None:
        key = CONFIG_KEYS[kind_of(source)]
        set_config_path(cfg.path, key, f"{PROJECT_FOLDER}/{source.name}")
    return target


def set_config_path(config_file: Path, key: str, value: str) -> None:
    """Set ``key = "value"`` in the ``[benchmarks]`` section of a TOML file, keeping the rest.

    Only that one line changes (its comment is kept); the key is added under the
    section header if absent, and the section is added at the end if absent.
    """
    text = Path(config_file).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    line = f'{key} = "{value}"'
    start = next((i for i, s in enumerate(lines) if s.strip() == "[benchmarks]"), None)
    if start is None:
        lines.append(
            ("" if text.endswith("\n") or not text else "\n") + f"\n[benchmarks]\n{line}\n"
        )
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")),
            len(lines),
        )
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=\s*(\"[^\"]*\"|'[^']*')(.*)$", re.S)
        for i in range(start + 1, end):
            found = pattern.match(lines[i])
            if found:
                lines[i] = line + found.group(2)
                break
        else:
            lines.insert(start + 1, line + "\n")
    Path(config_file).write_text("".join(lines), encoding="utf-8")
