"""Load and validate ``carelib.toml``, the one file that holds a council's settings.

Every key is declared here with its type and default; an unknown key, a wrong type or a
bad date is a :class:`ConfigError` naming the key, so a typo never passes silently.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_FILE = "carelib.toml"


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or invalid."""


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
    },
    "rag": {
        "due_soon_days": (_INT, 30),
        "amber_gap_share": (_FLOAT, 0.10),
        "stale_update_months": (_INT, 2),
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
    "paths": {
        "data": (_STR, "data"),
        "reports": (_STR, "reports"),
    },
    "run": {
        "kernel_name": (_STR, "python3"),
        "jobs": (_INT, 1),
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

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """Return plain values (dates as ISO text), e.g. for notebook parameters or JSON."""
        return {
            s: {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in kv.items()}
            for s, kv in self.values.items()
        }


def validate(raw: dict[str, Any], path: Path | None = None) -> Config:
    """Check a parsed TOML mapping and fill in defaults.

    Raises
    ------
    ConfigError
        Naming the key for an unknown section or key, a wrong type or a bad date.
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
    if not 1 <= values["targets"]["financial_year_start_month"] <= 12:
        raise ConfigError("config key targets.financial_year_start_month must be 1 to 12")
    if values["publication"]["threshold"] < 0:
        raise ConfigError("config key publication.threshold must be 0 or more")
    if values["run"]["jobs"] < 1:
        raise ConfigError("config key run.jobs must be 1 or more")
    if not 0 <= values["rag"]["amber_gap_share"] <= 1:
        raise ConfigError("config key rag.amber_gap_share must be between 0 and 1")
    return Config(values=values, path=path)


def load(path: str | Path | None = None) -> Config:
    """Load and validate a config file.

    Parameters
    ----------
    path : path, optional
        The file to read; defaults to ``carelib.toml`` in the current folder. When the
        default file does not exist, defaults are used.

    Raises
    ------
    ConfigError
        When an explicitly named file is missing, or the file is invalid.
    """
    explicit = path is not None
    path = Path(path or DEFAULT_FILE)
    if not path.is_file():
        if explicit:
            raise ConfigError(f"config file {path} does not exist")
        return validate({}, None)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    return validate(raw, path.resolve())
