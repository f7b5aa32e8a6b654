"""Load and validate ``carelib.toml``, the one file that holds a council's settings.

Every key is declared here with its type and default; an unknown key, a wrong type or a
bad date is a :class:`ConfigError` naming the key, so a typo never passes silently.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from carelib.errors import ConfigError

__all__ = ["SCHEMA", "Config", "ConfigError", "check_month", "check_publication", "load"]

DEFAULT_FILE = "carelib.toml"

#: The message when a folder has no ``carelib.toml`` (``carelib init`` makes one).
NO_CONFIG_HINT = "run `carelib init DIR` to create a project folder with one"


_STR, _INT, _FLOAT, _BOOL = "text", "whole number", "number", "true/false"
_DATE, _STRLIST = "date", "list of text"

# section -> key -> (type, default)
SCHEMA: dict[str, dict[str, tuple[str, Any]]] = {
    "council": {
        "name": (_STR, "Example Council"),
        "la_code": (_STR, ""),
        "region": (_STR, ""),
        "statistical_neighbours": (_STRLIST, []),
    },
    "inspection": {
        "framework": (_STR, "ILACS"),
        "publication_date": (_DATE, None),
        "judgement": (_STR, ""),
        "plan_start": (_DATE, None),
    },
    "targets": {
        "agency_rate": (_FLOAT, 20.0),
        "vacancy_rate": (_FLOAT, 15.0),
        "turnover_rate_12m": (_FLOAT, 15.0),
        "average_caseload": (_FLOAT, 18.0),
        "absence_rate_12m": (_FLOAT, 3.5),
        "qsw_hires_this_year": (_INT, 25),
        "financial_year_start_month": (_INT, 4),
        # Optional (unset: no target line): percent in post under 2 years (lower is
        # better), newly qualified social workers retained into year two (higher).
        "in_post_under_2y_share": (_FLOAT, None),
        "nqsw_retention": (_FLOAT, None),
    },
    "rag": {
        "due_soon_days": (_INT, 30),
        "amber_gap_share": (_FLOAT, 0.10),
        "stale_update_months": (_INT, 2),
    },
    "spc": {
        "baseline_points": (_INT, 0),
        "rebase_agency_rate": (_STRLIST, []),
        "rebase_vacancy_rate": (_STRLIST, []),
        "rebase_average_caseload": (_STRLIST, []),
        "rebase_turnover_rate_12m": (_STRLIST, []),
    },
    "publication": {
        "enabled": (_BOOL, False),
        "threshold": (_INT, 5),
        "marking": (_STR, "OFFICIAL-SENSITIVE"),
    },
    "benchmarks": {
        "csww_indicators": (_STR, ""),
        "statistical_neighbours_file": (_STR, ""),
    },
    "report": {
        "print_tables": (_BOOL, False),
    },
    "hotspots": {
        "rate_points": (_FLOAT, 10.0),
        "caseload_above": (_FLOAT, 4.0),
        "min_team_fte": (_FLOAT, 5.0),
    },
    "paths": {
        "data": (_STR, "data"),
        "reports": (_STR, "reports"),
    },
    "run": {
        "kernel_name": (_STR, "python3"),
        "jobs": (_INT, 1),
        "log_file": (_STR, ""),
    },
    "planning": {
        # Workforce planning forward (carelib.projection); the lists are parsed there.
        "horizon_months": (_INT, 18),
        "window_months": (_INT, 12),
        "simulations": (_INT, 2000),
        "seed": (_INT, 2025),
        "band": (_FLOAT, 0.8),
        "agency_rate_target_date": (_DATE, None),
        "vacancy_rate_target_date": (_DATE, None),
        "turnover_rate_12m_target_date": (_DATE, None),
        "nqsw_intake": (_STRLIST, []),
        "establishment_changes": (_STRLIST, []),
        "scenarios": (_STRLIST, []),
    },
    "agency": {
        # The DfE agency rules and the quarterly return (carelib.agency_rules; caps parsed there).
        "price_caps": (_STRLIST, []),
        "caps_source": (_STR, ""),
        "cap_on_costs_percent": (_FLOAT, 0.0),
        "min_pqe_years": (_FLOAT, 3.0),
        "cooling_off_months": (_INT, 3),
        "rules_from": (_DATE, dt.date(2024, 10, 31)),
        "legacy_from": (_DATE, dt.date(2025, 10, 1)),
        "fixed_rate_from": (_DATE, None),
    },
    "validation": {
        # A leaver in post again, or leaving twice, is a rehire (see docs/DATA_SPEC.md).
        "allow_rehires": (_BOOL, False),
    },
}

JUDGEMENTS = ("", "outstanding", "good", "requires_improvement", "inadequate")


def _check(key: str, kind: str, value: Any) -> Any:
    if kind == _STR and isinstance(value, str):
        return value
    if kind == _BOOL and isinstance(value, bool):
        return value
    if kind == _INT and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == _FLOAT and isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ConfigError(f"config key {key}: {value!r} is not a finite number")
        return float(value)
    if kind == _STRLIST and isinstance(value, list):
        if all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
            return [str(v) for v in value]
    if kind == _DATE:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                raise ConfigError(
                    f"config key {key}: {value!r} is not a date written YYYY-MM-DD"
                ) from None
    raise ConfigError(f"config key {key}: expected {kind}, got {value!r}")


@dataclass(frozen=True)
class Config:
    """A validated configuration.

    Attributes
    ----------
    values : dict
        ``{section: {key: value}}`` with every default filled in.
    path : Path or None
        The file it came from (None for pure defaults).
    """

    values: dict[str, dict[str, Any]]
    path: Path | None = None

    def __getitem__(self, section: str) -> dict[str, Any]:
        return self.values[section]

    @property
    def base_dir(self) -> Path:
        """The folder relative paths are resolved from (the config file's folder)."""
        return self.path.parent if self.path else Path.cwd()

    def resolve(self, value: str | Path) -> Path:
        """Resolve a path from the config relative to the config file."""
        path = Path(value).expanduser()
        return path if path.is_absolute() else (self.base_dir / path)

    @property
    def data_dir(self) -> Path:
        """The data folder."""
        return self.resolve(self["paths"]["data"])

    @property
    def reports_dir(self) -> Path:
        """The reports folder."""
        return self.resolve(self["paths"]["reports"])

    @property
    def log_file(self) -> Path | None:
        """The run log (``run.log_file``), or None when not set."""
        value = self["run"]["log_file"].strip()
        return self.resolve(value) if value else None

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """Return plain values (dates as ISO text), e.g. for notebook parameters or JSON."""
        return {
            s: {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in kv.items()}
            for s, kv in self.values.items()
        }


#: Numeric keys and their allowed range (inclusive): (low, high, what the range means).
RANGES: dict[str, tuple[float, float, str]] = {
    "targets.agency_rate": (0, 100, "a percent, 0 to 100"),
    "targets.vacancy_rate": (0, 100, "a percent, 0 to 100"),
    "targets.turnover_rate_12m": (0, 100, "a percent, 0 to 100"),
    "targets.absence_rate_12m": (0, 100, "a percent, 0 to 100"),
    "targets.average_caseload": (0.1, 100, "cases per case-holding FTE, 0.1 to 100"),
    "targets.in_post_under_2y_share": (0, 100, "a percent, 0 to 100"),
    "targets.nqsw_retention": (0, 100, "a percent, 0 to 100"),
    "targets.qsw_hires_this_year": (0, 10_000, "0 to 10,000"),
    "targets.financial_year_start_month": (1, 12, "a month, 1 to 12"),
    "rag.due_soon_days": (0, 366, "0 to 366 days"),
    "rag.amber_gap_share": (0, 1, "a share between 0 and 1"),
    "rag.stale_update_months": (1, 24, "1 to 24 months"),
    "planning.horizon_months": (1, 36, "1 to 36 months"),
    "planning.window_months": (3, 36, "3 to 36 months"),
    "planning.simulations": (100, 100_000, "100 to 100,000 runs"),
    "planning.band": (0.5, 0.99, "a share of runs, 0.5 to 0.99"),
    "publication.threshold": (1, 100, "1 to 100 (counts from 1 to this are suppressed)"),
    "agency.cap_on_costs_percent": (0, 100, "a percent, 0 to 100"),
    "agency.min_pqe_years": (0, 20, "0 to 20 years"),
    "agency.cooling_off_months": (0, 24, "0 to 24 months"),
}


@cache
def dfe_codes() -> frozenset[str]:
    """Return every old 3-digit LA code in the DfE files shipped with carelib.

    The statistical-neighbour model (:func:`carelib.benchmarks.local_authorities`) and
    the workforce indicators file (column ``old_la_code``).
    """
    import csv

    from carelib import benchmarks

    codes = set(benchmarks.local_authorities())
    with benchmarks.default_file(benchmarks.DEFAULT_CSWW).open(encoding="utf-8-sig") as f:
        codes |= {row["old_la_code"].strip() for row in csv.DictReader(f)}
    codes.discard("")
    return frozenset(codes)


@cache
def dfe_regions() -> tuple[str, ...]:
    """Return DfE's region names (:func:`carelib.benchmarks.regions`)."""
    from carelib import benchmarks

    return tuple(benchmarks.regions())


def _ranges(values: dict[str, dict[str, Any]]) -> list[str]:
    problems = []
    for name, (low, high, meaning) in RANGES.items():
        section, key = name.split(".")
        value = values[section][key]
        if value is not None and not low <= value <= high:
            problems.append(f"config key {name}: {value!r} is out of range ({meaning})")
    jobs, cores = values["run"]["jobs"], os.cpu_count() or 1
    if not 1 <= jobs <= cores:
        problems.append(
            f"config key run.jobs: {jobs} is out of range (1 to {cores}, the cores this "
            "machine has)"
        )
    for name in ("run.kernel_name", "paths.data", "paths.reports"):
        section, key = name.split(".")
        if not values[section][key].strip():
            problems.append(f"config key {name} must not be blank")
    publication = values["publication"]
    if publication["enabled"] and not publication["marking"].strip():
        problems.append(
            "config key publication.marking must not be blank in publication mode "
            "(publication.enabled = true): pages that leave the service carry a marking"
        )
    return problems


def _council(council: dict[str, Any]) -> list[str]:
    """Check the LA code, region and statistical neighbours against DfE's files."""
    problems = []
    code = council["la_code"] = council["la_code"].strip()
    region = council["region"] = council["region"].strip()
    neighbours = council["statistical_neighbours"]
    codes, regions = dfe_codes(), dfe_regions()
    if region and region not in regions:
        problems.append(
            f"config key council.region: {region!r} is not one of DfE's regions "
            f"({', '.join(regions)})"
        )
    if code and code not in codes and not (region and neighbours):
        problems.append(
            f"config key council.la_code: {code!r} is not an LA code in the DfE files "
            "(old 3-digit codes such as 301); for a council not in them, set "
            "council.region and council.statistical_neighbours explicitly"
        )
    seen: set[str] = set()
    for i, given in enumerate(neighbours, 1):
        neighbour = given.strip()
        where = f"config key council.statistical_neighbours (entry {i}"
        if not neighbour:
            problems.append(f"{where}): a blank code")
        elif neighbour in seen:
            problems.append(f"{where}): {neighbour!r} is listed twice")
        elif neighbour not in codes:
            problems.append(f"{where}): {neighbour!r} is not an LA code in the DfE files")
        elif code and neighbour == code:
            problems.append(f"{where}): {neighbour!r} is the council's own la_code")
        seen.add(neighbour)
    council["statistical_neighbours"] = [n.strip() for n in neighbours]
    return problems


def validate(raw: dict[str, Any], path: Path | None = None) -> Config:
    """Check a parsed TOML mapping and fill in defaults.

    Besides each key's type this checks that numbers are finite and in range (see
    :data:`RANGES`), ``run.jobs`` is within the machine's cores, publication mode has a
    marking, and the LA code, region and statistical neighbours are DfE's (an LA code
    not in the DfE files, such as the demo council's 999, needs ``council.region`` and
    ``council.statistical_neighbours`` set explicitly).

    Raises
    ------
    ConfigError
        Naming the key for an unknown section or key, a wrong type or a bad date; or
        listing every out-of-range or inconsistent value, one line per key.
    """
    values: dict[str, dict[str, Any]] = {}
    for section in raw:
        if section not in SCHEMA:
            raise ConfigError(
                f"config section [{section}] is not known (known: {', '.join(SCHEMA)})"
            )
        if not isinstance(raw[section], dict):
            raise ConfigError(f"config key {section} must be a [section] table")
    for section, keys in SCHEMA.items():
        given = raw.get(section, {})
        for key in given:
            if key not in keys:
                raise ConfigError(
                    f"config key {section}.{key} is not known "
                    f"(known in [{section}]: {', '.join(keys)})"
                )
        values[section] = {}
        for key, (kind, default) in keys.items():
            if key in given:
                values[section][key] = _check(f"{section}.{key}", kind, given[key])
            else:
                values[section][key] = default
    judgement = values["inspection"]["judgement"]
    if judgement not in JUDGEMENTS:
        raise ConfigError(
            f"config key inspection.judgement: {judgement!r} is not one of "
            f"{', '.join(j for j in JUDGEMENTS if j)}"
        )
    problems = _ranges(values) + _council(values["council"])
    if problems:
        where = f"{path}: " if path else ""
        raise ConfigError(where + ("\n  " if len(problems) > 1 else "") + "\n  ".join(problems))
    from carelib import spc  # the [spc] months are read (and refused) by the SPC module

    spc.settings(values["spc"])
    from carelib import projection  # so are the [planning] lists

    projection.settings(values["planning"])
    from carelib import agency_rules  # and the [agency] price caps

    agency_rules.settings(values["agency"])
    return Config(values=values, path=path)


def check_month(cfg: Config, month: str) -> None:
    """Check the settings that depend on the reporting month.

    Raises
    ------
    ConfigError
        When ``inspection.plan_start`` is after the end of ``month``.
    """
    from carelib import dates

    start = cfg["inspection"]["plan_start"]
    if start and start > dates.reference_date(month):
        raise ConfigError(
            f"config key inspection.plan_start: {start} is after the reporting month "
            f"{month} (the plan cannot be reported before it starts)"
        )


def check_publication(cfg: Config) -> None:
    """Check the settings publication mode needs (``--publication`` on the command line).

    Raises
    ------
    ConfigError
        When ``publication.marking`` is blank.
    """
    if not cfg["publication"]["marking"].strip():
        raise ConfigError(
            "config key publication.marking must not be blank in publication mode: pages "
            "that leave the service carry a protective marking"
        )


def read_text(path: Path) -> str:
    """Read a config file as UTF-8, with or without the byte-order mark Notepad writes.

    Raises
    ------
    ConfigError
        When the file is not UTF-8 (for example saved as "ANSI", Windows-1252).
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"config file {path} is not UTF-8 text (byte 0x{data[exc.start]:02x} on line "
            f"{line}; saved as Windows-1252 or 'ANSI'?): open it in Notepad and use "
            "File > Save As with Encoding: UTF-8"
        ) from None


def load(path: str | Path | None = None, *, required: bool = False) -> Config:
    """Load and validate a config file.

    Parameters
    ----------
    path : path, optional
        The file to read; defaults to ``carelib.toml`` in the current folder. When the
        default file does not exist, defaults are used (unless ``required``).
    required : bool
        Raise when the default file does not exist (commands that report on a
        council's data need its settings).

    Raises
    ------
    ConfigError
        When an explicitly named (or required) file is missing, or the file is invalid.
    """
    explicit = path is not None
    path = Path(path or DEFAULT_FILE)
    if not path.is_file():
        if path.is_dir():
            raise ConfigError(f"config file {path} is a folder, not a file")
        if explicit:
            raise ConfigError(f"config file {path} does not exist")
        if required:
            raise ConfigError(
                f"no {DEFAULT_FILE} in this folder ({Path.cwd()}): {NO_CONFIG_HINT}, or "
                "name one with --config"
            )
        return validate({}, None)
    try:
        raw = tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc}") from exc
    return validate(raw, path.resolve())
