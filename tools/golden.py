"""Record and compare what the demo reports show, to prove a refactor changed no figure.

``record`` builds the demo reports for the given months, normal and publication mode,
into a scratch folder and writes one JSON file: for every page the visible text blocks
(headings, paragraphs, list items, table cells, captions, alt text), and every CSV
behind the pages, cell by cell. The generation time and the carelib version are
blanked. ``compare`` prints every block or CSV cell that differs between two records.

Usage::

    python tools/golden.py record OUT.json [--months 2024-03,2025-03,2025-09]
    python tools/golden.py compare BEFORE.json AFTER.json

Nothing is written under the data folder or the repository; the golden files live
wherever OUT points (they are derived from the demo data, so they are not committed).
"""

from __future__ import annotations

import argparse
import csv
import html.parser
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

MONTHS = ("2024-03", "2025-03", "2025-09")
_BLOCKS = {"h1", "h2", "h3", "h4", "p", "li", "td", "th", "caption", "figcaption", "dt", "dd"}
_GENERATED = re.compile(
    r"(Generated|generated|Built|built) [^.]*?\d{4}(,? (at )?[0-9:.apm ]+)?"
    r"|carelib \d+\.\d+[^ ]*|\d+(\.\d+)? seconds?|at \d\d:\d\d"
)


class _Text(html.parser.HTMLParser):
    """Visible text blocks of a page, with image alt text and aria labels."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._stack: list[list[str]] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("style", "script"):
            self._skip += 1
        if tag == "img" and attrs.get("alt"):
            self.blocks.append("[alt] " + attrs["alt"])
        if tag in _BLOCKS:
            self._stack.append([])

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        if tag in _BLOCKS and self._stack:
            text = " ".join("".join(self._stack.pop()).split())
            if text:
                self.blocks.append(f"[{tag}] {text}")

    def handle_data(self, data):
        if not self._skip and self._stack:
            for part in self._stack:
                part.append(data)


def page_blocks(path: Path) -> list[str]:
    """The visible text blocks of one page."""
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return [_GENERATED.sub("<generated>", b) for b in parser.blocks]


def csv_rows(path: Path) -> list[list[str]]:
    """The rows of one CSV."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return [row for row in csv.reader(fh)]


def record(out: Path, months: list[str], carelib: str) -> None:
    """Build the demo months and write what they show to ``out``."""
    found: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        subprocess.run([carelib, "demo-data", "--out", str(data)], check=True)
        for mode in ("normal", "publication"):
            reports = Path(tmp) / mode
            for month in months:
                cmd = [carelib, "report", "--data", str(data), "--out", str(reports)]
                cmd += ["--month", month, "--quiet", "--force"]
                if mode == "publication":
                    cmd.append("--publication")
                subprocess.run(cmd, check=True)
                folder = reports / month
                entry = found.setdefault(f"{mode}/{month}", {})
                for page in sorted(folder.rglob("*.html")):
                    entry[str(page.relative_to(folder))] = page_blocks(page)
                for table in sorted(folder.rglob("*.csv")):
                    entry[str(table.relative_to(folder))] = csv_rows(table)
    out.write_text(json.dumps(found, indent=1, sort_keys=True), encoding="utf-8")
    print(f"recorded {sum(len(v) for v in found.values())} files to {out}")


def compare(before: Path, after: Path) -> int:
    """Print the differences between two records; 1 when there are any."""
    old = json.loads(before.read_text(encoding="utf-8"))
    new = json.loads(after.read_text(encoding="utf-8"))
    differences = 0
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key, {}), new.get(key, {})
        for name in sorted(set(a) | set(b)):
            if name not in b or name not in a:
                print(f"{key}/{name}: only in {'before' if name in a else 'after'}")
                differences += 1
                continue
            x, y = a[name], b[name]
            if not name.endswith(".csv"):  # records made before a mask was added
                x = [_GENERATED.sub("<generated>", t) for t in x]
                y = [_GENERATED.sub("<generated>", t) for t in y]
            if x == y:
                continue
            if name.endswith(".csv"):
                for i, (r1, r2) in enumerate(zip(x, y, strict=False)):
                    if r1 != r2:
                        print(f"{key}/{name} row {i}: {r1} -> {r2}")
                        differences += 1
                if len(x) != len(y):
                    print(f"{key}/{name}: {len(x)} rows -> {len(y)} rows")
                    differences += 1
            else:
                gone = Counter(map(str, x)) - Counter(map(str, y))
                came = Counter(map(str, y)) - Counter(map(str, x))
                for text in gone:
                    print(f"{key}/{name} - {text}")
                for text in came:
                    print(f"{key}/{name} + {text}")
                differences += sum(gone.values()) + sum(came.values())
    print(f"{differences} difference(s)")
    return 1 if differences else 0


def main(argv=None) -> int:
    """Run the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("out", type=Path)
    rec.add_argument("--months", default=",".join(MONTHS))
    rec.add_argument("--carelib", default=str(Path(sys.executable).parent / "carelib"))
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "record":
        record(args.out, args.months.split(","), args.carelib)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
