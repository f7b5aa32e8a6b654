r"""Keep personal data out of everything carelib publishes.

Workforce data is personal data (sickness is health data). After a month is rendered,
every file about to be published (pages, CSVs, executed notebooks, the manifest, any
other file except images) is scanned for the worker identifiers in the data; a single
hit stops the month from being published.

How an identifier is found
--------------------------
Text and identifiers are both *normalised* before matching, so that a leak cannot hide
behind encoding: HTML character references are decoded (``&#87;00100`` is ``W00100``,
double-encoded ones too), JSON files (executed notebooks) are read as JSON so that
``\u0057`` escapes are decoded, accents and other combining marks are dropped (NFKD),
invisible characters (Unicode format characters such as zero-width spaces, soft hyphens,
joiners, variation selectors, Hangul fillers) are removed, Cyrillic and Greek letters
that look like Latin ones and digits of other scripts are read as their Latin/ASCII
forms, full-width and other compatibility forms are folded (NFKC), and case is folded.
HTML pages are scanned a second time with their tags removed (``W<b></b>00100``).

An identifier is then found wherever its characters appear in that order, whatever is
around it (``W00100-2025``, ``W00100_sickness``, ``Team-W00100``, ``xw00100``), with one
exception: where the identifier begins or ends with a digit, a digit next to it means a
different number, not this identifier (``W001`` is not found in ``W00100``, nor ``00100``
in ``2025001001``). Letters next to it are not a boundary: a letter-initial identifier
typed after another word is still that worker's identifier, and failing a run on a
near-miss is a far smaller harm than publishing a worker's record. Identifiers must have
a non-numeric part (see docs/DATA_SPEC.md), so ordinary numbers never match.

All identifiers are found in one pass over each file with an Aho-Corasick automaton
(``pyahocorasick``), so the scan takes time in proportion to the size of the output and
the number of matches, not to the number of identifiers times the output.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick
import pandas as pd

# Base64 has no spaces: text after an inlined image (even a space later) is still scanned.
_DATA_URI = re.compile(r"data:[a-z]+/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]+")
_TAG = re.compile(r"<[^<>]*>")
#: Files never scanned: images (charts are drawn from aggregates; their bytes are not text).
#: Every other file in a month's folder is read as text.
SKIPPED_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico"}
#: Notebook output types whose text is an encoded image, not readable content.
_IMAGE_KEYS = ("image/png", "image/jpeg", "image/gif", "image/webp")

# Cyrillic and Greek letters drawn like Latin ones (Unicode's confusables for the Latin
# alphabet; the ones fonts render identically), read as the Latin letter.
_LOOKALIKES = dict(
    zip(
        "АВЕКМНОРСТХУЅІЈԚԜҺԁаеорсухѕіјԛԝһӏɑΑΒΕΖΗΙΚΜΝΟΡΤΥΧοιν",
        "ABEKMHOPCTXYSIJQWHdaeopcyxsijqwhlaABEZHIKMNOPTYXoiv",
        strict=True,
    )
)
# Invisible code points that are not category Cf (Unicode's Default_Ignorable_Code_Point).
_IGNORABLE = {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0}


@dataclass
class Leak:
    """A worker identifier found in a file that would be published."""

    path: Path
    worker_id: str
    count: int


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    """What one non-ASCII character (after NFKD) is read as before matching."""
    code = ord(ch)
    category = unicodedata.category(ch)
    if category in ("Cf", "Mn", "Me") or code in _IGNORABLE:
        return ""
    if 0xFE00 <= code <= 0xFE0F or 0xE0000 <= code <= 0xE0FFF or 0x180B <= code <= 0x180F:
        return ""  # variation selectors, tags
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    return _LOOKALIKES.get(ch, ch)


def normalise(text: str) -> str:
    r"""Return ``text`` as the scan reads it (see the module notes).

    Examples
    --------
    >>> normalise("&#87;00\u200b100 Ｗ００１００ W00100")
    'w00100 w00100 w00100'
    """
    for _ in range(3):  # "&amp;#87;" is "&#87;" once decoded, then "W"
        if "&" not in text:
            break
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    table = {ord(c): _fold_char(c) for c in set(text) if ord(c) > 127}
    text = unicodedata.normalize("NFKC", text.translate(table))
    return text.casefold()


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
        tuple((str(f), f.lstat().st_mtime_ns, f.lstat().st_size) for f in files),
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


class IdentifierMatcher:
    """All worker identifiers compiled into one automaton; finds them in normalised text.

    Parameters
    ----------
    ids : iterable of str
        The identifiers as they are in the data.
    """

    def __init__(self, ids):
        self.automaton = ahocorasick.Automaton()
        for wid in ids:
            key = normalise(str(wid).strip())
            if not key:
                continue
            known = self.automaton.get(key, None)
            names = (known[0] if known else ()) + (str(wid),)
            self.automaton.add_word(key, (names, len(key), key[0].isdigit(), key[-1].isdigit()))
        self.empty = len(self.automaton) == 0
        if not self.empty:
            self.automaton.make_automaton()

    def count(self, text: str) -> dict[str, int]:
        """Return identifier -> number of times it is in ``text`` (already normalised)."""
        found: dict[str, int] = {}
        if self.empty:
            return found
        last = len(text) - 1
        for end, (names, length, digit_start, digit_end) in self.automaton.iter(text):
            start = end - length + 1
            if digit_start and start > 0 and text[start - 1].isdigit():
                continue
            if digit_end and end < last and text[end + 1].isdigit():
                continue
            for name in names:
                found[name] = found.get(name, 0) + 1
        return found


def _readable_text(path: Path) -> list[str]:
    """The texts of a file that the scan reads, not yet normalised."""
    raw = path.read_bytes().decode("utf-8", errors="replace")
    raw = _DATA_URI.sub(" ", raw)
    suffix = path.suffix.lower()
    if suffix in (".ipynb", ".json"):
        try:
            parsed = json.loads(raw)
        except ValueError:
            return [raw]
        return ["\n".join(_json_strings(parsed))]
    if suffix in (".html", ".htm", ".svg", ".xml"):
        return [raw, _TAG.sub("", raw)]
    return [raw]


def _json_strings(node, out: list[str] | None = None) -> list[str]:
    """Every key and string value in a JSON document (decoded), images left out."""
    out = [] if out is None else out
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                out.append(str(key))
                if key not in _IMAGE_KEYS:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
        elif item is not None:
            out.append(str(item))
    return out


def scan(folder: Path, ids) -> list[Leak]:
    """Find any of ``ids`` in the files under ``folder`` (images excepted).

    Parameters
    ----------
    folder : pathlib.Path
        The month's output, as it is about to be published.
    ids : iterable of str, or IdentifierMatcher
        The worker identifiers (every month's), or a matcher already built from them.

    Returns
    -------
    list of Leak
        One per file and identifier found, with how many times; empty when clean.
    """
    matcher = ids if isinstance(ids, IdentifierMatcher) else IdentifierMatcher(ids)
    if matcher.empty:
        return []
    leaks: list[Leak] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() in SKIPPED_SUFFIXES:
            continue
        found: dict[str, int] = {}
        for text in _readable_text(path):
            for wid, n in matcher.count(normalise(text)).items():
                found[wid] = max(found.get(wid, 0), n)
        leaks += [Leak(path, wid, n) for wid, n in sorted(found.items())]
    return leaks


# --- Personal data in published free text ------------------------------------------------

#: Free-text columns that are shown to readers, so must hold no personal data.
FREE_TEXT = {
    "actions": ("recommendation", "action", "owner", "update"),
    "measures": ("name",),
    "establishment": ("team",),
}
# Matched on normalised text (see :func:`normalise`), so case, full-width forms and
# invisible characters do not hide them.
_SEPARATOR = r"[\s.-]?"
PERSONAL_DATA = {
    "Social Work England registration number": re.compile(r"(?<![a-z0-9])sw[\s-]?\d{4,7}(?!\d)"),
    "email address": re.compile(r"[a-z0-9._%+'-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}"),
    "UK phone number": re.compile(
        r"(?<![\d+])(?:\(?0|\+\s?44\s?(?:\(0\)\s?)?|0044\s?)"
        rf"(?:\d{{2}}\)?{_SEPARATOR}\d{{4}}{_SEPARATOR}\d{{4}}"
        rf"|\d{{3}}\)?{_SEPARATOR}\d{{3}}{_SEPARATOR}\d{{4}}"
        rf"|\d{{4}}\)?{_SEPARATOR}\d{{6}}"
        rf"|\d{{4}}\)?{_SEPARATOR}\d{{3}}{_SEPARATOR}\d{{3}}"
        r"|\d{9,10})(?!\d)"
    ),
}


def mask(value: str) -> str:
    """Show enough of a match to find it, never the whole of it.

    Examples
    --------
    >>> mask("sw123456"), mask("jo.bloggs@example.gov.uk")
    ('sw…(8 characters)', 'jo…(24 characters)')
    """
    return f"{value[:2]}…({len(value)} characters)"


def personal_data_checks(month_data) -> list:
    """Check the month's published free text for things that look like personal data.

    Social Work England registration numbers (``SW123456``), email addresses and UK
    phone numbers in the free-text columns of :data:`FREE_TEXT`. Each hit names the
    file, column and row (header = row 1); values are masked (:func:`mask`).

    Parameters
    ----------
    month_data : carelib.loading.MonthData
        The month as read.

    Returns
    -------
    list of carelib.validation.Check
        One passed check per dataset and kind of personal data when clean, else one
        failed check (severity ``warning``) per column that holds it. In publication
        mode the runner refuses to publish when any failed (exit 3).
    """
    from carelib import validation

    checks = []
    for dataset, columns in FREE_TEXT.items():
        table = month_data.tables.get(dataset)
        raw = getattr(table, "raw", None)
        file = table.path.name if table is not None and table.path is not None else None
        for kind, pattern in PERSONAL_DATA.items():
            failed = []
            for column in columns:
                if raw is None or column not in raw.columns:
                    continue
                rows, values = [], []
                for pos, text in zip(raw.index, raw[column], strict=True):
                    hit = pattern.search(normalise(str(text))) if text else None
                    if hit:
                        rows.append(int(pos) + 2)
                        values.append(mask(hit.group(0)))
                if rows:
                    failed.append(
                        validation.Check(
                            rule=f"{dataset}.{column}.personal_data",
                            dataset=dataset,
                            column=column,
                            severity="warning",
                            description=f"free text holds no {kind}",
                            status=validation.FAILED,
                            problem=f"what looks like {'an' if kind[0] in 'aeio' else 'a'} "
                            f"{kind} (personal data must not be published)",
                            source="privacy",
                            unexpected_count=len(rows),
                            rows=rows[: validation.MAX_LISTED],
                            values=values[: validation.MAX_LISTED],
                            file=file,
                        )
                    )
            checks += failed or [
                validation.Check(
                    rule=f"{dataset}.free_text.personal_data",
                    dataset=dataset,
                    column=None,
                    severity="warning",
                    description=f"free text holds no {kind}",
                    source="privacy",
                    file=file,
                )
            ]
    return checks
