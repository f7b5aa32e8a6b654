"""Keep personal data out of everything carelib publishes.

Workforce data is personal data (sickness is health data). After a month is rendered,
every file about to be published, executed notebooks included, is scanned for the
worker identifiers in that month's data; a single hit stops the month from being
published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

# Base64 has no spaces: text after an inlined image (even a space later) is still scanned.
_DATA_URI = re.compile(r"data:[a-z]+/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]+")
#: Files scanned before publishing (everything carelib writes into a month is one of these).
SCANNED_SUFFIXES = {".html", ".csv", ".json", ".ipynb", ".txt", ".md"}


@dataclass
class Leak:
    """A worker identifier found in a file that would be published."""

    path: Path
    worker_id: str
    count: int


def worker_ids(*frames: pd.DataFrame) -> set[str]:
    """Return the distinct worker identifiers in the given frames."""
    ids: set[str] = set()
    for frame in frames:
        if frame is not None and "worker_id" in frame.columns:
            ids.update(str(v) for v in frame["worker_id"].dropna().unique() if str(v).strip())
    return ids


_ids_cache: dict[tuple, frozenset[str]] = {}


def data_worker_ids(data_dir: Path) -> frozenset[str]:
    """Return every worker identifier in every month's workforce and leavers files.

    Read once per process for the same files (a backfill scans 24 months with one read).
    """
    from carelib import loading

    files = sorted(Path(data_dir).glob("*/*"))
    key = (
        str(Path(data_dir).resolve()),
        tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files),
    )
    if key not in _ids_cache:
        _ids_cache.clear()
        _ids_cache[key] = frozenset(_read_worker_ids(Path(data_dir), loading))
    return _ids_cache[key]


def _read_worker_ids(data_dir: Path, loading) -> set[str]:
    ids: set[str] = set()
    for month in loading.available_months(data_dir):
        for dataset in ("workforce", "leavers"):
            path = loading.find_file(Path(data_dir) / month, dataset)
            if path is None:
                continue
            try:
                raw = loading.read_raw(path)
            except ValueError:
                continue
            if "worker_id" in raw.columns:
                ids.update(v.strip() for v in raw["worker_id"] if v.strip())
    return ids


def scan(folder: Path, ids: set[str]) -> list[Leak]:
    """Find any of ``ids`` in the text files under ``folder``.

    Identifiers are matched as whole tokens (so ``W001`` does not match ``W0012``);
    inlined images are skipped because their base64 text is not readable content.
    """
    if not ids:
        return []
    ordered = sorted((i for i in ids if i), key=len, reverse=True)
    pattern = re.compile(
        r"(?<![A-Za-z0-9_-])(" + "|".join(re.escape(i) for i in ordered) + r")(?![A-Za-z0-9_-])"
    )
    leaks: list[Leak] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in SCANNED_SUFFIXES:
            continue
        text = _DATA_URI.sub("", path.read_text(encoding="utf-8", errors="replace"))
        if path.suffix == ".ipynb":
            text = re.sub(r'"image/png":\s*"[^"]*"', "", text)
        found: dict[str, int] = {}
        for match in pattern.finditer(text):
            found[match.group(1)] = found.get(match.group(1), 0) + 1
        leaks += [Leak(path, wid, n) for wid, n in sorted(found.items())]
    return leaks
