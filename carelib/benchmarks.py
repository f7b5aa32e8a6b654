"""Published DfE benchmarks: England, the region, statistical neighbours and the LA itself.

The data are DfE's *Children's social work workforce* indicators file and DfE's
statistical-neighbour model, shipped with carelib (``carelib/reference/``, Open
Government Licence v3.0) and used unless the ``[benchmarks]`` config paths name newer
downloads (``carelib benchmarks update FILE``). Reading and checking the files is
:mod:`carelib.dfe_files`.

Setting ``council.la_code`` alone picks the region and the ten statistical neighbours
from the model; ``council.region`` and ``council.statistical_neighbours`` override them
(and must be given for a code the model does not know, such as the demo's 999).

The DfE reporting year is at 30 September: year 2025 is the census of 30 September 2025.
A symbol is never turned into a number: it is kept as value NaN plus the symbol.

Joint returns and changed codes (see :data:`FORMER_CODES`): a council published in a
combined row (``"940 / 941"`` North and West Northamptonshire, ``"314 / 318"`` Kingston
and Richmond) takes that row's figure, and a council formed from an older one takes the
older council's figure for the years before it existed. A neighbour median says how many
neighbours it covers and names those with no published figure.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from carelib import dfe_files
from carelib.config import ConfigError
from carelib.dfe_files import (  # noqa: F401  (re-exported: the public names of this module)
    DEFAULT_CSWW,
    DEFAULT_SN_MODEL,
    LICENCE,
    SYMBOLS,
    LocalAuthority,
    default_file,
    local_authorities,
    parse_value,
    read_csww,
    read_statistical_neighbours,
    regions,
)

#: carelib indicator name -> column of the DfE indicators file.
COLUMNS = {
    "agency_rate": "agency_rate_fte",
    "vacancy_rate": "vacancy_rate_fte",
    "turnover_rate": "turnover_rate_fte",
    "average_caseload": "caseload_fte",
    "absence_rate": "absence_rate_fte",
}
#: Names of carelib's monthly indicators that have a published counterpart. The absence
#: rate compared with DfE's is ``absence_rate_dfe`` (DfE's definition), not the
#: monthly-weighted ``absence_rate_12m``.
ALIASES = {"turnover_rate_12m": "turnover_rate", "absence_rate_dfe": "absence_rate"}
WHICH = ("england", "region", "neighbours", "own")

#: Councils formed from an older one: new code -> (former code, last year published under
#: it). Source: the LA rows of DfE's indicators file 2017 to 2025 (Northamptonshire 928
#: published to 2020, then North and West Northamptonshire jointly as "940 / 941" from
#: 2021 as the DfE methodology says; Cumbria 909 to 2022, then Cumberland 942 and
#: Westmorland and Furness 943 from 2023; Dorset County 835 to 2018, then Dorset 838 from
#: 2019). Bournemouth, Christchurch and Poole (839, from 2019) has no single former
#: council (Bournemouth 837, Poole 836 and part of Dorset 835), so no figure before 2019.
FORMER_CODES = {
    "940": ("928", 2020),
    "941": ("928", 2020),
    "942": ("909", 2022),
    "943": ("909", 2022),
    "838": ("835", 2018),
}

_CODE_SPLIT = re.compile(r"\s*/\s*")


def census_date(year: int):
    """Return the reference date of a DfE reporting year (30 September)."""
    import datetime as dt

    return dt.date(int(year), 9, 30)


def census_year(month_end) -> int:
    """Return the latest census year at or before a date (the census is 30 September).

    A monthly figure is compared with that census: September 2025 with the census of 30
    September 2025, August 2025 with 30 September 2024.

    Examples
    --------
    >>> import datetime as dt
    >>> census_year(dt.date(2025, 9, 30)), census_year(dt.date(2025, 8, 31))
    (2025, 2024)
    """
    return month_end.year - (month_end < census_date(month_end.year))


@dataclass(frozen=True)
class Figure:
    """One published figure.

    Attributes
    ----------
    value : float or None
        None when a symbol stands instead.
    year : int or None
        Reporting year (census at 30 September).
    symbol : str
        DfE symbol, ``""`` for a number.
    n, of : int or None
        For a neighbour median: neighbours with a number, and neighbours in all.
    missing : tuple of str
        For a neighbour median: names of the neighbours with no published figure.
    matched : tuple of str
        How joint returns or former codes were used (e.g. ``"West Northamptonshire:
        published in the joint return North Northamptonshire / West Northamptonshire
        (940 / 941)"``).
    """

    value: float | None
    year: int | None
    symbol: str = ""
    n: int | None = None
    of: int | None = None
    missing: tuple[str, ...] = ()
    matched: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """Return the figure as a JSON-ready dict."""
        return {
            "value": self.value,
            "year": self.year,
            "symbol": self.symbol,
            "n": self.n,
            "of": self.of,
            "missing": list(self.missing),
            "matched": list(self.matched),
        }

    def coverage(self) -> str:
        """Say what a neighbour median covers, e.g. ``median of 8 of 10 neighbours; ...``.

        Empty for a figure that is not a median.
        """
        if self.of is None:
            return ""
        text = f"median of {self.n} of {self.of} neighbours"
        if self.missing:
            text += "; no published figure for " + _and(self.missing)
        return text


def _and(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class Release:
    """Which DfE files the benchmarks come from.

    Attributes
    ----------
    file, sn_file : str
        File names of the indicators file and the statistical-neighbour model.
    shipped : bool
        True when both are the copies shipped with carelib.
    first_year, last_year : int
        Reporting years in the indicators file.
    sn_model : str
        The model's name, e.g. ``2025 model``.
    """

    file: str
    sn_file: str
    shipped: bool
    first_year: int
    last_year: int
    sn_model: str

    def text(self) -> str:
        """One line naming source, release and licence (for pages and charts)."""
        where = "shipped with carelib" if self.shipped else self.file
        return (
            f"DfE, Children's social work workforce, indicators file, reporting years "
            f"{self.first_year} to {self.last_year} (latest census 30 September "
            f"{self.last_year}; {where}); DfE statistical neighbour model "
            f"({self.sn_model}); {LICENCE}"
        )


def _by_code(data: pd.DataFrame) -> pd.DataFrame:
    """LA rows keyed by each council's own code: joint rows and former codes resolved.

    Adds ``code`` (one council) and ``how`` (``""`` for its own row, else how it was
    matched). A council's own row wins over a joint row, which wins over a former code.
    """
    la = data[data["level"] == "Local authority"]
    joint = la["old_la_code"].str.contains("/", regex=False)
    own = la.assign(code=la["old_la_code"], how="", _p=0)[~joint]
    shared = la[joint].assign(code=la.loc[joint, "old_la_code"].str.split(_CODE_SPLIT))
    shared = shared.explode("code").assign(_p=1)
    shared["how"] = (
        "published in the joint return " + shared["la_name"] + " (" + shared["old_la_code"] + ")"
    )
    parts = [own, shared]
    for new, (old, last) in FORMER_CODES.items():
        rows = own[(own["code"] == old) & (own["year"] <= last)]
        parts.append(
            rows.assign(
                code=new, how="figure of the former council " + rows["la_name"] + f" ({old})", _p=2
            )
        )
    out = pd.concat(parts, ignore_index=True).sort_values("_p", kind="stable")
    out = out.drop_duplicates(["code", "year", "measure"]).drop(columns="_p")
    return out.reset_index(drop=True)


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
        Source line for charts and tables (source, release and licence).
    names : dict
        LA code -> name, for naming neighbours with no published figure.
    release : Release or None
        Which files the figures come from.
    """

    data: pd.DataFrame
    la_code: str = ""
    region_name: str = ""
    neighbours: list[str] = field(default_factory=list)
    source: str = ""
    names: dict[str, str] = field(default_factory=dict)
    release: Release | None = None

    def __post_init__(self):
        self._la = _by_code(self.data)
        self._tables: dict[tuple[str, str], pd.DataFrame] = {}

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

    def name(self, code: str) -> str:
        """Return an LA's name (its code when unknown)."""
        return self.names.get(code, code)

    def table(self, indicator: str, which: str = "england") -> pd.DataFrame:
        """Return a comparator's series as a table indexed by year.

        Parameters
        ----------
        indicator : str
            ``agency_rate``, ``vacancy_rate``, ``turnover_rate`` (or
            ``turnover_rate_12m``), ``average_caseload``, ``absence_rate`` (or
            ``absence_rate_dfe``).
        which : str
            ``england``, ``region``, ``neighbours`` (median of the statistical
            neighbours) or ``own`` (the council's own published figures).

        Returns
        -------
        pandas.DataFrame
            Index ``year``; columns ``value`` (NaN where a symbol is published),
            ``symbol`` and ``matched`` (tuple: joint returns or former codes used); for
            ``neighbours`` also ``n`` (neighbours with a number that year; the median is
            over those; symbol ``x`` when none), ``of`` (neighbours in all) and
            ``missing`` (tuple of the names of neighbours with no number).
        """
        if which not in WHICH:
            raise ValueError(f"which must be one of {', '.join(WHICH)}, not {which!r}")
        measure = self.measure(indicator)
        # Pages ask for the same comparator many times: build each table once.
        if (measure, which) not in self._tables:
            self._tables[measure, which] = self._table(measure, which)
        return self._tables[measure, which].copy()

    def _table(self, measure: str, which: str) -> pd.DataFrame:
        data = self.data[self.data["measure"] == measure]
        if which == "neighbours":
            return self._neighbours(measure)
        if which == "england":
            rows = data[data["level"] == "National"].assign(how="")
        elif which == "region":
            rows = data[(data["level"] == "Regional") & (data["region_name"] == self.region_name)]
            rows = rows.assign(how="")
        else:
            la = self._la
            rows = la[(la["measure"] == measure) & (la["code"] == self.la_code)]
            rows = rows if self.la_code else rows[:0]
        out = rows.drop_duplicates("year").set_index("year").sort_index()
        out["matched"] = [(h,) if h else () for h in out["how"]]
        return out[["value", "symbol", "matched"]]

    def _neighbours(self, measure: str) -> pd.DataFrame:
        la = self._la
        rows = la[(la["measure"] == measure) & la["code"].isin(self.neighbours)]
        years = sorted(self.data.loc[self.data["measure"] == measure, "year"].unique())
        records = []
        for year in years:
            got = rows[rows["year"] == year].set_index("code")
            numbers = got["value"].dropna()
            present = [c for c in self.neighbours if c in numbers.index]
            records.append(
                {
                    "year": year,
                    "value": float(numbers.loc[present].median()) if present else math.nan,
                    "symbol": "" if present else "x",
                    "n": len(present),
                    "of": len(self.neighbours),
                    "missing": tuple(self.name(c) for c in self.neighbours if c not in present),
                    "matched": tuple(
                        f"{self.name(c)}: {got.at[c, 'how']}" for c in present if got.at[c, "how"]
                    ),
                }
            )
        out = pd.DataFrame(
            records, columns=["year", "value", "symbol", "n", "of", "missing", "matched"]
        )
        out = out.set_index("year")
        out["n"] = out["n"].astype("int64")
        return out

    def _series(self, indicator: str, which: str) -> pd.Series:
        return self.table(indicator, which)["value"].astype("float64").rename(indicator)

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

    def at(self, indicator: str, which: str = "england", last_year: int | None = None):
        """Return the latest published figure at or before ``last_year`` (None if none).

        The latest year present is returned even when a symbol stands in place of its
        number (value None, symbol set).
        """
        table = self.table(indicator, which)
        if last_year is not None:
            table = table[table.index <= last_year]
        if table.empty:
            return None
        year = int(table.index.max())
        row = table.loc[year]
        value = float(row["value"])
        extra = {}
        if which == "neighbours":
            extra = {"n": int(row["n"]), "of": int(row["of"]), "missing": row["missing"]}
        return Figure(
            None if math.isnan(value) else value,
            year,
            str(row["symbol"]),
            matched=tuple(row["matched"]),
            **extra,
        )

    def latest(self, indicator: str, which: str = "england") -> Figure:
        """Return the latest published figure of a comparator.

        With no data at all: ``Figure(None, None, "x")``.
        """
        return self.at(indicator, which) or Figure(None, None, "x")

    def available(self, which: str) -> bool:
        """Return True when the comparator has any data (e.g. ``neighbours`` needs codes)."""
        if which == "neighbours" and not self.neighbours:
            return False
        return not self.table("agency_rate", which)["value"].isna().all()


def _check_present(path) -> list[str]:
    return dfe_files.check_csww(path, required=())


def _model_name(path) -> str:
    found = re.search(r"(20\d\d)", Path(str(path)).name)
    return f"{found.group(1)} model" if found else Path(str(path)).name


def load_benchmarks(cfg) -> Benchmarks:
    """Build the council's benchmarks from the ``[benchmarks]`` and ``[council]`` config.

    Parameters
    ----------
    cfg : carelib.config.Config
        ``benchmarks.csww_indicators`` and ``benchmarks.statistical_neighbours_file``
        (empty: the files shipped with carelib), ``council.la_code``, and, to override
        the model, ``council.region`` and ``council.statistical_neighbours``. Paths are
        resolved from the config file's folder.

    Raises
    ------
    FileNotFoundError
        When a configured file does not exist.
    carelib.config.ConfigError
        When a configured file fails the checks of :mod:`carelib.dfe_files`, when
        ``la_code`` is not in the model and the region or the neighbours are not
        configured, or a configured region is not a DfE region.
    """
    bench, council = cfg["benchmarks"], cfg["council"]
    csww = _existing(cfg, "csww_indicators") or default_file(DEFAULT_CSWW)
    sn_file = _existing(cfg, "statistical_neighbours_file") or default_file(DEFAULT_SN_MODEL)
    for key, path, check in (
        ("csww_indicators", bench.get("csww_indicators"), _check_present),
        ("statistical_neighbours_file", bench.get("statistical_neighbours_file"), None),
    ):
        # A configured download is checked as `carelib benchmarks update` checks it
        # (its values; only the columns it has need be there).
        problems = (check or dfe_files.check_sn_model)(cfg.resolve(path)) if path else []
        if problems:
            raise ConfigError(
                f"config key benchmarks.{key}: the file cannot be used:\n  " + "\n  ".join(problems)
            )
    model = local_authorities(sn_file)
    data = read_csww(csww)
    la_code = str(council.get("la_code", "")).strip()
    region = str(council.get("region", "")).strip()
    neighbours = [str(c).strip() for c in council.get("statistical_neighbours") or []]
    known = model.get(la_code)
    if la_code and known is None and not (region and neighbours):
        raise ConfigError(
            f"config key council.la_code: {la_code} is not in the DfE statistical-neighbour "
            f"model ({Path(str(sn_file)).name}): set council.region and "
            "council.statistical_neighbours, or correct the code"
        )
    if known is not None:
        region = region or known.region
        neighbours = neighbours or list(known.neighbours)
    published = set(data.loc[data["level"] == "Regional", "region_name"])
    if region and region not in published:
        raise ConfigError(
            f"config key council.region: {region!r} is not a region of the DfE file "
            f"(known: {', '.join(sorted(published))})"
        )
    names = {code: la.name for code, la in model.items()}
    la_rows = data[data["level"] == "Local authority"].drop_duplicates("old_la_code")
    for code, name in zip(la_rows["old_la_code"], la_rows["la_name"], strict=True):
        names.setdefault(code, name)
    for code in neighbours:
        # A code the DfE files do not know (a typo, or a council abolished before 2017)
        # is kept and named as having no published figure, not dropped silently.
        if code not in names and code not in FORMER_CODES:
            names[code] = f"unknown code {code}"
    first, last = int(data["year"].min()), int(data["year"].max())
    release = Release(
        file=Path(str(csww)).name,
        sn_file=Path(str(sn_file)).name,
        shipped=not bench.get("csww_indicators") and not bench.get("statistical_neighbours_file"),
        first_year=first,
        last_year=last,
        sn_model=_model_name(sn_file),
    )
    return Benchmarks(data, la_code, region, neighbours, release.text(), names, release)


def _existing(cfg, key: str) -> Path | None:
    value = cfg["benchmarks"].get(key)
    if not value:
        return None
    path = cfg.resolve(value)
    if not path.is_file():
        raise FileNotFoundError(f"config key benchmarks.{key}: {path} does not exist")
    return path
