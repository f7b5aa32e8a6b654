"""Published DfE benchmarks: England, the region, statistical neighbours and the LA itself.

The source is DfE's "Children's social work workforce" indicators file as published on
Explore Education Statistics (one row per year and geography, values as text). A value
is a number or a DfE symbol (``z`` not applicable, ``x`` not available, ``c``
suppressed, ``low``/``k`` rounds to zero but is not zero, ``u`` low reliability). A
symbol is never turned into a number: it is kept as value NaN plus the symbol.

The DfE reporting year is at 30 September: year 2025 is the census of 30 September 2025.

With no file configured, an embedded England headline series is used (see
:data:`ENGLAND`), so reports always have a national comparison.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

SOURCE = "DfE, Children's social work workforce, reporting year 2025, Explore Education Statistics"

#: carelib indicator name -> column of the DfE indicators file.
COLUMNS = {
    "agency_rate": "agency_rate_fte",
    "vacancy_rate": "vacancy_rate_fte",
    "turnover_rate": "turnover_rate_fte",
    "average_caseload": "caseload_fte",
    "absence_rate": "absence_rate_fte",
}
#: Names of carelib's monthly indicators that have a published counterpart.
ALIASES = {"turnover_rate_12m": "turnover_rate", "absence_rate_12m": "absence_rate"}
#: DfE symbols that may stand in place of a number.
SYMBOLS = ("z", "x", "c", "low", "k", "u")
WHICH = ("england", "region", "neighbours", "own")

# England headline figures, typed from the published national rows (percent; caseload
# in cases per case-holding FTE), reporting years at 30 September. Source: SOURCE.
# year: agency_rate, vacancy_rate, turnover_rate, average_caseload, absence_rate
ENGLAND = {
    2017: (15.8, 17.0, 13.4, 17.7, 3.1),
    2018: (15.4, 16.5, 15.1, 17.4, 3.2),
    2019: (15.8, 16.4, 15.0, 16.9, 3.1),
    2020: (15.4, 16.1, 13.5, 16.3, 2.9),
    2021: (15.5, 16.7, 15.4, 16.3, 3.1),
    2022: (17.6, 20.0, 17.2, 16.6, 3.5),
    2023: (17.9, 18.9, 15.9, 16.0, 3.3),
    2024: (16.2, 17.3, 13.9, 15.4, 3.4),
    2025: (13.0, 14.2, 11.8, 15.2, 3.5),
}

_NUMBER = re.compile(r"^-?\d[\d,]*(\.\d+)?$|^-?\.\d+$")


def census_date(year: int) -> dt.date:
    """Return the reference date of a DfE reporting year (30 September)."""
    return dt.date(int(year), 9, 30)


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


def read_csww(path: str | Path) -> pd.DataFrame:
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
        authority``), ``region_name``, ``old_la_code``, ``la_name``, ``measure`` (the
        file's column), ``value`` (float, NaN for a symbol), ``symbol``.
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [c.strip() for c in raw.columns]
    ids = ["time_period", "geographic_level", "region_name", "old_la_code", "la_name"]
    measures = [
        c
        for c in raw.columns
        if c not in ids
        and c
        not in ("time_identifier", "country_code", "country_name", "region_code", "new_la_code")
    ]
    long = raw.melt(id_vars=ids, value_vars=measures, var_name="measure", value_name="text")
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


def read_statistical_neighbours(path: str | Path) -> dict[str, list[str]]:
    """Read DfE's statistical-neighbour model file: LA code -> its 10 neighbours' codes.

    Parameters
    ----------
    path : path
        The wide CSV with ``old_la_code`` and ``SN_1`` .. ``SN_10`` (old 3-digit codes).
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [c.strip() for c in raw.columns]
    cols = [f"SN_{i}" for i in range(1, 11) if f"SN_{i}" in raw.columns]
    return {
        row["old_la_code"].strip(): [row[c].strip() for c in cols if row[c].strip()]
        for _, row in raw.iterrows()
    }


def _embedded() -> pd.DataFrame:
    rows = [
        {
            "year": year,
            "level": "National",
            "region_name": "",
            "old_la_code": "",
            "la_name": "",
            "measure": COLUMNS[name],
            "value": value,
            "symbol": "",
        }
        for year, values in ENGLAND.items()
        for name, value in zip(COLUMNS, values, strict=True)
    ]
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Figure:
    """One published figure: value (None when a symbol stands instead), year, symbol."""

    value: float | None
    year: int | None
    symbol: str = ""

    def as_dict(self) -> dict:
        """Return ``{"value", "year", "symbol"}``."""
        return {"value": self.value, "year": self.year, "symbol": self.symbol}


@dataclass
class Benchmarks:
    """Published comparators for one council.

    Attributes
    ----------
    data : pandas.DataFrame
        Long table as returned by :func:`read_csww`.
    la_code : str
        The council's old 3-digit LA code.
    region_name : str
        The council's region name, as in the file.
    neighbours : list of str
        Old LA codes of the statistical neighbours.
    source : str
        Source line for charts and tables.
    embedded : bool
        True when only the embedded England series is available.
    """

    data: pd.DataFrame
    la_code: str = ""
    region_name: str = ""
    neighbours: list[str] = field(default_factory=list)
    source: str = SOURCE
    embedded: bool = False

    @staticmethod
    def measure(indicator: str) -> str:
        """Return the file column for a carelib indicator name (or a file column itself).

        Raises
        ------
        KeyError
            When the indicator has no published counterpart.
        """
        name = ALIASES.get(indicator, indicator)
        if name in COLUMNS:
            return COLUMNS[name]
        if name in COLUMNS.values():
            return name
        raise KeyError(f"no published benchmark for {indicator!r} (known: {', '.join(COLUMNS)})")

    def table(self, indicator: str, which: str = "england") -> pd.DataFrame:
        """Return a comparator's series as a table indexed by year.

        Parameters
        ----------
        indicator : str
            ``agency_rate``, ``vacancy_rate``, ``turnover_rate`` (or
            ``turnover_rate_12m``), ``average_caseload``, ``absence_rate`` (or
            ``absence_rate_12m``).
        which : str
            ``england``, ``region``, ``neighbours`` (median of the statistical
            neighbours) or ``own`` (the council's own published figures).

        Returns
        -------
        pandas.DataFrame
            Index ``year``; columns ``value`` (NaN where a symbol is published),
            ``symbol``; for ``neighbours`` also ``n`` (neighbours with a number that
            year; the median is over those; symbol ``x`` when none).
        """
        if which not in WHICH:
            raise ValueError(f"which must be one of {', '.join(WHICH)}, not {which!r}")
        data = self.data[self.data["measure"] == self.measure(indicator)]
        if which == "england":
            rows = data[data["level"] == "National"]
        elif which == "region":
            rows = data[(data["level"] == "Regional") & (data["region_name"] == self.region_name)]
        elif which == "own":
            rows = (
                data[(data["level"] == "Local authority") & (data["old_la_code"] == self.la_code)]
                if self.la_code
                else data[:0]
            )
        else:
            rows = data[
                (data["level"] == "Local authority") & data["old_la_code"].isin(self.neighbours)
            ]
            years = sorted(rows["year"].unique())
            grouped = rows.groupby("year")["value"]
            out = pd.DataFrame({"value": grouped.median(), "n": grouped.count()}).reindex(years)
            out["n"] = out["n"].fillna(0).astype("int64")
            out["symbol"] = ["" if n else "x" for n in out["n"]]
            out.index.name = "year"
            return out[["value", "symbol", "n"]]
        out = rows.drop_duplicates("year").set_index("year").sort_index()[["value", "symbol"]]
        return out

    def _series(self, indicator: str, which: str) -> pd.Series:
        return self.table(indicator, which)["value"].rename(indicator)

    def england(self, indicator: str) -> pd.Series:
        """Return England's published series by year (NaN where a symbol is published)."""
        return self._series(indicator, "england")

    def region(self, indicator: str) -> pd.Series:
        """Return the council's region's published series by year (empty if unknown)."""
        return self._series(indicator, "region")

    def neighbours_median(self, indicator: str) -> pd.Series:
        """Return the median of the statistical neighbours' published figures by year."""
        return self._series(indicator, "neighbours")

    def own(self, indicator: str) -> pd.Series:
        """Return the council's own published census figures by year (empty if none)."""
        return self._series(indicator, "own")

    def latest(self, indicator: str, which: str = "england") -> Figure:
        """Return the latest published figure of a comparator.

        The latest year present is returned even when a symbol stands in place of its
        number (value None, symbol set). With no data at all: ``Figure(None, None, "x")``.
        """
        table = self.table(indicator, which)
        if table.empty:
            return Figure(None, None, "x")
        year = int(table.index.max())
        row = table.loc[year]
        value = float(row["value"])
        return Figure(None if math.isnan(value) else value, year, str(row["symbol"]))

    def available(self, which: str) -> bool:
        """Return True when the comparator has any data (e.g. ``region`` needs the file)."""
        return not self.table("agency_rate", which).empty


def load_benchmarks(cfg) -> Benchmarks:
    """Build the council's benchmarks from the ``[benchmarks]`` and ``[council]`` config.

    Parameters
    ----------
    cfg : carelib.config.Config
        ``benchmarks.csww_indicators`` (empty = embedded England series only),
        ``benchmarks.statistical_neighbours_file``, ``council.la_code``,
        ``council.region`` and ``council.statistical_neighbours`` (used when given, else
        read from the statistical-neighbour file). Paths are resolved from the config
        file's folder.

    Raises
    ------
    FileNotFoundError
        When a configured file does not exist.
    """
    bench, council = cfg["benchmarks"], cfg["council"]
    la_code = str(council.get("la_code", "")).strip()
    neighbours = [str(c).strip() for c in council.get("statistical_neighbours") or []]
    if not neighbours and bench.get("statistical_neighbours_file"):
        sn_path = _existing(cfg, "statistical_neighbours_file")
        neighbours = read_statistical_neighbours(sn_path).get(la_code, [])
    if not bench.get("csww_indicators"):
        return Benchmarks(
            _embedded(), la_code, council.get("region", ""), neighbours, SOURCE, embedded=True
        )
    path = _existing(cfg, "csww_indicators")
    data = read_csww(path)
    source = (
        f"DfE, Children's social work workforce, reporting year {data['year'].max()}, "
        f"Explore Education Statistics ({path.name})"
    )
    return Benchmarks(data, la_code, council.get("region", ""), neighbours, source)


def _existing(cfg, key: str) -> Path:
    path = cfg.resolve(cfg["benchmarks"][key])
    if not path.is_file():
        raise FileNotFoundError(f"config key benchmarks.{key}: {path} does not exist")
    return path


# --- The shipped default data ------------------------------------------------------------

#: Licence of the shipped DfE files (named on every page that uses them).
LICENCE = "Open Government Licence v3.0"
DEFAULT_CSWW = "csww_indicators_2017_to_2025.csv"
DEFAULT_SN_MODEL = "sn_model_2025_wide.csv"


def default_file(name: str):
    """Return the shipped reference file ``name`` (a :mod:`importlib.resources` path).

    Parameters
    ----------
    name : str
        :data:`DEFAULT_CSWW` or :data:`DEFAULT_SN_MODEL`.
    """
    from carelib import resources

    return resources.reference_file(name)


@dataclass(frozen=True)
class LocalAuthority:
    """One LA of the DfE statistical-neighbour model: code, name, region, neighbours."""

    code: str
    name: str
    region: str
    neighbours: tuple[str, ...]


def local_authorities(path: str | Path | None = None) -> dict[str, LocalAuthority]:
    """Return every LA of the statistical-neighbour model by old 3-digit LA code.

    Parameters
    ----------
    path : path, optional
        A DfE statistical-neighbour model CSV; by default the shipped 2025 model.
    """
    source = path if path is not None else default_file(DEFAULT_SN_MODEL)
    with open(source, encoding="utf-8-sig") as handle:
        raw = pd.read_csv(handle, dtype=str, keep_default_na=False)
    raw.columns = [c.strip() for c in raw.columns]
    cols = [f"SN_{i}" for i in range(1, 11) if f"SN_{i}" in raw.columns]
    return {
        row["old_la_code"].strip(): LocalAuthority(
            code=row["old_la_code"].strip(),
            name=row["la_name"].strip(),
            region=row["region_name"].strip(),
            neighbours=tuple(row[c].strip() for c in cols if row[c].strip()),
        )
        for _, row in raw.iterrows()
    }


def regions(path: str | Path | None = None) -> list[str]:
    """Return DfE's region names (as in the statistical-neighbour model), sorted."""
    return sorted({la.region for la in local_authorities(path).values()})
