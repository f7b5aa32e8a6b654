"""Validate every month a report reads, not only the reporting month, with a cache.

A report's 12-month and year-to-date figures read every month of data up to the
reporting month, so each of those months passes the same contracts and cross-file rules
as the month itself (:meth:`carelib.contracts.Validator.validate`, compared with the
month before it), and the rules on each worker's record across all months
(:mod:`carelib.continuity`) run over the whole history. Any blocking problem in any
month makes the reporting month's report invalid, named by month, file, column and rows.

Results are cached so a monthly run stays fast: an earlier month that passed is not
checked again while the checksums of its files (and of the month before it, which its
month-on-month rules read), the contracts, carelib's version and the validation settings
are unchanged. Within any month, checked or not, a file that passed every rule of its
suite before is not run through Great Expectations again (:class:`TableVerdicts`); the
cross-file rules always run. A month whose files all passed before is therefore
validated without importing Great Expectations at all.

The cache is a folder under the REPORTS folder (``reports/.cache/validation/``), never
under the data folder; it holds checksums and counts only, no value from the data, and a
month with an error is never cached (it is checked every run).

The environment variable ``CARELIB_CACHE_DIR`` moves the cache to ``CACHE_DIR/validation``
so that several reports folders share it (an analyst building into scratch folders, a
test session): entries are keyed by the files' checksums, so a folder can never receive
another data set's verdict. It is refused inside the data folder like the default one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

from carelib import __version__, continuity, dates, loading
from carelib.validation import ValidationReport

#: Bump when a rule in code (loader, crosschecks, continuity) changes meaning, so that
#: cached results made under the old rules are not trusted.
RULES_VERSION = "trust-1"
CACHE_FOLDER = Path(".cache") / "validation"
#: The environment variable that moves the cache (see the module notes).
CACHE_VARIABLE = "CARELIB_CACHE_DIR"


def cache_dir(reports_dir: Path | str, data_dir: Path | str) -> Path | None:
    """Return the validation cache folder, or None if unsafe.

    The folder is ``reports_dir/.cache/validation``, or ``$CARELIB_CACHE_DIR/validation``
    when that variable is set. None when it would be the data folder or inside it:
    nothing is ever written under the data folder.
    """
    shared = os.environ.get(CACHE_VARIABLE, "").strip()
    folder = Path(shared) / "validation" if shared else Path(reports_dir) / CACHE_FOLDER
    data = Path(data_dir).resolve()
    target = folder.resolve()
    if target == data or target.is_relative_to(data):
        return None
    return folder


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _month_files(data_dir: Path, month: str) -> dict[str, str]:
    folder = data_dir / month
    if not folder.is_dir():
        return {}
    return {p.name: _sha256(p) for p in sorted(folder.iterdir()) if p.is_file()}


def rules_version(validator) -> str:
    """Return a digest of everything that decides a month's verdict apart from its data."""
    digest = hashlib.sha256(f"{__version__}|{RULES_VERSION}|{validator.gx_version}".encode())
    digest.update(json.dumps(validator.contracts, sort_keys=True).encode())
    return digest.hexdigest()


def _key(version: str, checksums: dict, settings: dict) -> str:
    payload = json.dumps([version, checksums, settings], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


class Cache:
    """Verdicts of months that passed, one small JSON file per month.

    Parameters
    ----------
    folder : path or None
        The cache folder; None disables caching.
    """

    def __init__(self, folder: Path | None):
        self.folder = Path(folder) if folder is not None else None

    def get(self, name: str, key: str) -> dict | None:
        """Return the cached entry ``name`` when it was stored with ``key``."""
        if self.folder is None:
            return None
        try:
            entry = json.loads((self.folder / f"{name}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) and entry.get("key") == key else None

    def put(self, name: str, key: str, summary: dict) -> None:
        """Store a passing verdict atomically; a cache that cannot be written is skipped."""
        if self.folder is None:
            return
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"key": key, "summary": summary}, handle)
            os.replace(tmp, self.folder / f"{name}.json")


class TableVerdicts:
    """Tables that passed every rule of their suite, by month and file checksum.

    A table is let through without running its suite only when the bytes of its file,
    the month (its month-relative bounds) and the rules (``version``) are those of a run
    where every rule passed. Nothing from the data is kept: the key is made of
    checksums, and a table with any failed or unchecked rule is never remembered.

    Parameters
    ----------
    folder : path or None
        The cache folder (``tables/`` is used inside it); None remembers nothing.
    version : str
        :func:`rules_version` of the validator.
    checksums : dict, optional
        The files' SHA-256 by month and file name, when already worked out (a file not
        in it is read and hashed).
    """

    def __init__(self, folder: Path | None, version: str, checksums: dict | None = None):
        self._cache = Cache(Path(folder) / "tables" if folder is not None else None)
        self._version = version
        self._checksums = checksums or {}

    def _entry(self, table, month: str) -> tuple[str, str] | None:
        if self._cache.folder is None or table.path is None or not Path(table.path).is_file():
            return None
        path = Path(table.path)
        checksum = self._checksums.get(month, {}).get(path.name) or _sha256(path)
        return f"{month}-{table.dataset}", _key(self._version, [month, checksum], {})

    def passed(self, table, month: str) -> bool:
        """Whether this very file passed every rule of its suite for ``month`` before."""
        entry = self._entry(table, month)
        return entry is not None and self._cache.get(*entry) is not None

    def remember(self, table, month: str) -> None:
        """Remember that the table's file passed every rule for ``month``."""
        entry = self._entry(table, month)
        if entry is not None:
            self._cache.put(*entry, {"passed": True})


def _relabel(check, month: str):
    """Label a check of an earlier month with that month (``leavers.csv (2025-06)``)."""
    if check.file is None or "(" not in check.file:
        check.file = f"{check.file or check.dataset + '.csv'} ({month})"
    check.month = month
    return check


def validate_upto(
    data_dir: Path | str,
    month: str,
    *,
    validator=None,
    cache_dir: Path | None = None,
    config=None,
) -> ValidationReport:
    """Validate ``month`` and every earlier month of data; return the month's report.

    Parameters
    ----------
    data_dir : path
        The data folder.
    month : str
        The reporting month, ``YYYY-MM``.
    validator : carelib.contracts.Validator, optional
        The validator to use (by default this process's shared one).
    cache_dir : path, optional
        Where passing verdicts are cached (see :func:`cache_dir`); None: no cache.
    config : carelib.config.Config, optional
        For ``validation.allow_rehires`` (default false).

    Returns
    -------
    ValidationReport
        The reporting month's own checks, plus every blocking check of an earlier month
        (its ``file`` names the month, e.g. ``leavers.csv (2025-06)``) and the rules on
        workers across months; ``earlier_months`` and ``missing_months`` say what else
        was checked and which months have no data.

    Raises
    ------
    carelib.loading.DataError
        When the data folder itself cannot be used (a month folder not written
        ``YYYY-MM``, a symbolic link out of the data folder).
    """
    from carelib import contracts

    data_dir = Path(data_dir)
    month = dates.parse_month(month)
    validator = validator or contracts.default_validator()
    allow_rehires = bool(config["validation"]["allow_rehires"]) if config is not None else False
    settings = {"allow_rehires": allow_rehires}
    cache = Cache(cache_dir)
    version = rules_version(validator)
    months = [m for m in loading.available_months(data_dir) if m <= month]

    checksums = {m: _month_files(data_dir, m) for m in months}
    verdicts = TableVerdicts(cache_dir, version, checksums)
    data = loading.load_month(data_dir, month)
    previous = contracts.load_previous(data_dir, month)
    report = validator.validate(data, previous, verdicts=verdicts)
    report.missing_months = loading.missing_months(data_dir, month)

    for earlier in months:
        if earlier == month:
            continue
        before = dates.add_months(earlier, -1)
        key = _key(version, [checksums[earlier], checksums.get(before, {})], settings)
        hit = cache.get(earlier, key)
        if hit is not None:
            report.earlier_months[earlier] = dict(hit["summary"], cached=True)
            continue
        past = validator.validate(
            loading.load_month(data_dir, earlier),
            contracts.load_previous(data_dir, earlier),
            verdicts=verdicts,
        )
        summary = {"checks": len(past.checks), "errors": len(past.errors)}
        summary["warnings"] = len(past.warnings)
        report.earlier_months[earlier] = dict(summary, cached=False)
        if past.has_errors:
            report.checks += [_relabel(c, earlier) for c in past.errors]
        else:
            cache.put(earlier, key, summary)

    people = {
        m: {f: sha for f, sha in checksums[m].items() if Path(f).stem in ("workforce", "leavers")}
        for m in months
    }
    key = _key(version, people, settings)
    if cache.get(f"continuity-{month}", key) is None:
        workforce, leavers = {}, {}
        for m in months:
            folder = data_dir / m
            workforce[m] = loading.load_table(folder, "workforce")
            leavers[m] = loading.load_table(folder, "leavers")
        found = continuity.run(workforce, leavers, allow_rehires=allow_rehires)
        for check in found:
            label = f" ({month})"
            if check.file.endswith(label):  # the reporting month's own file: no label
                check.file = check.file[: -len(label)]
            elif "(" in check.file:
                earlier = check.file.rsplit("(", 1)[-1].rstrip(")")
                check.month = earlier if dates.is_month(earlier) else None
        report.checks += found
        if not any(c.blocks for c in found):
            cache.put(f"continuity-{month}", key, {"checks": len(found)})
    else:
        report.checks += continuity.passed_checks()
    return report
