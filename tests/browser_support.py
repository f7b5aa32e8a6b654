"""Helpers for the browser, privacy and publication tests.

They build a month of reports with the real command line, drive headless Chromium (one
browser per test session, see the ``chromium`` fixture in conftest.py), run axe-core in
the page, and read the tables carelib publishes back out of the HTML.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MONTH = "2025-09"
#: Debian's Chromium (``apt-get install chromium``); CARELIB_CHROMIUM overrides it.
CHROMIUM = Path(os.environ.get("CARELIB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
#: Every page a month publishes, plus the archive (relative to the reports folder).
MONTH_PAGES = ["index.html", "workforce.html", "improvement_plan.html", "data_quality.html"]
PAGES = [f"{MONTH}/{name}" for name in MONTH_PAGES] + ["index.html"]
DESKTOP, PHONE = 1280, 390
MAX_PAGE_BYTES = 2 * 1024 * 1024


#: The protective marking the publication build's configuration sets.
MARKING = 'OFFICIAL-SENSITIVE: PERSONAL & "HR" <staff>'


def config_with_marking(path: Path, marking: str = MARKING) -> Path:
    """Write a copy of carelib.toml whose publication marking is ``marking``."""
    text = (ROOT / "carelib.toml").read_text(encoding="utf-8")
    line = 'marking = "OFFICIAL-SENSITIVE"'
    assert line in text
    path.write_text(text.replace(line, f"marking = {json.dumps(marking)}"), encoding="utf-8")
    return path


def _command(data: Path, out: Path, args, config: Path | None) -> list[str]:
    options = ["--config", str(config)] if config else []
    return [
        sys.executable,
        "-m",
        "carelib",
        *options,
        "report",
        "--data",
        str(data),
        "--out",
        str(out),
        "--month",
        MONTH,
        *args,
    ]


def report(
    data: Path, out: Path, *args: str, config: Path | None = None, timeout: int = 600
) -> subprocess.CompletedProcess:
    """Run ``python -m carelib report`` for the test month, as an analyst would."""
    return subprocess.run(
        _command(data, out, args, config), cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


#: Runs a build and then writes its exit code to a file, so that any pytest worker (not
#: only the one that started it) can tell when it has finished and how.
_WRAPPER = """
import os, subprocess, sys
code = subprocess.call(sys.argv[2:])
with open(sys.argv[1] + ".tmp", "w") as handle:
    handle.write(str(code))
os.replace(sys.argv[1] + ".tmp", sys.argv[1])
"""


class Builds:
    """Monthly runs started side by side, each waited for when a test first needs it.

    A run spends much of its time starting kernels and importing libraries, so two or
    three at once finish well before the same runs one after another. The folder may be
    shared by several pytest workers (``make test`` runs two): the first to ask starts a
    build, under a file lock, and every worker waits for the same one.

    Parameters
    ----------
    folder : path
        Where the builds go: ``<folder>/<key>/reports``.
    shared : bool
        True when other workers use the folder too: a worker then lets the builds it
        started finish at the end of its session (another worker may still need them)
        instead of ending them.
    """

    def __init__(self, folder: Path, shared: bool = False):
        from filelock import FileLock

        self.folder = folder
        self.shared = shared
        #: Held while a build is started (a worker may hold it over several).
        self.lock = FileLock(str(folder / "builds.lock"))
        self._started: dict[str, subprocess.Popen] = {}

    def start(self, key: str, data: Path, *args: str, config: Path | None = None) -> None:
        """Start building the test month from ``data`` into ``<folder>/<key>/reports``.

        Nothing happens when this or another worker has started the same build.
        """
        out = self.folder / key / "reports"
        with self.lock:
            if self.started(key):
                return
            out.parent.mkdir(parents=True)
            log = out.parent / "carelib.log"
            with log.open("w") as handle, (out.parent / "stdout.txt").open("w") as stdout:
                self._started[key] = subprocess.Popen(
                    [sys.executable, "-c", _WRAPPER, str(out.parent / "exit-code")]
                    + _command(data, out, args, config),
                    cwd=ROOT,
                    stdout=stdout,
                    stderr=handle,
                    start_new_session=True,
                )

    def started(self, key: str) -> bool:
        """Whether this or another worker has started the build ``key``."""
        return (self.folder / key).exists()

    def wait(self, key: str, timeout: int = 600) -> Path:
        """Wait for a build; return its reports folder, or fail with carelib's output."""
        folder = self.folder / key
        done = folder / "exit-code"
        deadline = time.monotonic() + timeout
        while not done.exists():
            proc = self._started.get(key)
            if proc is not None and proc.poll() is not None and not done.exists():
                raise AssertionError(f"the build of {key} ended without an exit code")
            if time.monotonic() > deadline:
                raise AssertionError(f"carelib report ({key}) still running after {timeout} s")
            time.sleep(0.2)
        code = int(done.read_text())
        assert code == 0, f"carelib report ({key}) exited {code}:\n" + (
            (folder / "carelib.log").read_text()
        )
        return folder / "reports"

    def stdout(self, key: str) -> str:
        """What a finished build printed on stdout (the path of the month's overview)."""
        return (self.folder / key / "stdout.txt").read_text(encoding="utf-8")

    def stderr(self, key: str) -> str:
        """What a finished build printed on stderr (its progress and warnings)."""
        return (self.folder / key / "carelib.log").read_text(encoding="utf-8")

    def stop(self) -> None:
        """End the builds this worker started that nobody waited for (a run cut short).

        A shared folder's builds are let finish instead: another worker may need them.
        """
        for proc in self._started.values():
            if proc.poll() is None and self.shared:
                proc.wait(timeout=600)
            elif proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)  # the run and its kernels
                proc.wait()


# --- Chromium and axe ------------------------------------------------------------------


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed: pip install -e '.[dev]' to run the browser tests"
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        return (
            f"Chromium not found at {CHROMIUM}: run `apt-get install chromium` (or set "
            "CARELIB_CHROMIUM) to run the browser tests"
        )
    return None


def axe_missing() -> str | None:
    """Why axe-core cannot run here, or None when it can."""
    if not AXE.is_file():
        return (
            f"axe-core not found at {AXE.relative_to(ROOT)}: run `npm install` (or "
            "`make node`) to run the accessibility tests"
        )
    return None


def launch(playwright):
    """Start headless Chromium with no background network traffic."""
    path = CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium"))
    return playwright.chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS)


@dataclass
class Visit:
    """A page opened in Chromium, with everything it tried to do while loading."""

    page: object
    url: str
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def close(self) -> None:
        """Close the page's browser context."""
        self.page.context.close()

    def outside_requests(self) -> list[str]:
        """Requests other than the page itself and inline ``data:`` URLs."""
        return [u for u in self.requests if u != self.url and not u.startswith("data:")]


def visit(browser, path: Path, width: int = DESKTOP, media: str | None = None) -> Visit:
    """Open ``path`` in a fresh browser context and record requests, console and dialogs."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    v = Visit(page, path.resolve().as_uri())
    page.on("request", lambda r: v.requests.append(r.url))
    page.on("console", lambda m: v.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: v.errors.append(str(e)))

    def dialog(d):
        v.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    if media:
        page.emulate_media(media=media)
    page.goto(v.url, wait_until="load")
    return v


def run_axe(page) -> list[dict]:
    """Run axe-core in the page (WCAG 2.0-2.2 A and AA, and best practice)."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return page.evaluate(
        """async (options) => {
            const result = await axe.run(document, options);
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                          summary: n.failureSummary}))}));
        }""",
        options,
    )


def describe_violations(violations: list[dict], limit: int = 5) -> str:
    """One block per violation: id, impact, help and the selectors of failing nodes."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])} node(s)]")
        for node in v["nodes"][:limit]:
            summary = " ".join((node["summary"] or "").split())[:300]
            lines.append(f"    {node['target']}\n        {summary}")
    return "\n".join(lines)


# --- Reading what was published -----------------------------------------------------------


@dataclass
class Table:
    """A table read back from a published page: caption, header row and body rows."""

    caption: str
    header: list[str]
    rows: list[list[str]]

    def column(self, name: str) -> list[str]:
        """The cells of one column, by its header text."""
        i = self.header.index(name)
        return [row[i] for row in self.rows]


def soup(html: str):
    """Parse a page (BeautifulSoup, which nbconvert already depends on)."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def _text(element) -> str:
    return " ".join(element.get_text(" ").split())


def tables(html: str) -> list[Table]:
    """Every table in a page: caption, header cells and body rows as text."""
    found = []
    for t in soup(html).find_all("table"):
        header = [_text(c) for c in t.thead.find_all("th")] if t.thead else []
        rows = [
            [_text(c) for c in tr.find_all(["th", "td"])]
            for tr in (t.tbody or t).find_all("tr", recursive=False)
        ]
        found.append(Table(_text(t.caption) if t.caption else "", header, rows))
    return found


def table(html: str, caption_starts: str) -> Table:
    """The one table whose caption starts with ``caption_starts``."""
    found = [t for t in tables(html) if t.caption.startswith(caption_starts)]
    assert len(found) == 1, (caption_starts, [t.caption for t in tables(html)])
    return found[0]


def worker_ids(data_dir: Path) -> set[str]:
    """Every worker identifier in every month of the data (workforce and leavers)."""
    import pandas as pd

    ids: set[str] = set()
    for path in sorted(data_dir.glob("*/workforce.csv")) + sorted(data_dir.glob("*/leavers.csv")):
        ids.update(pd.read_csv(path, usecols=["worker_id"], dtype=str)["worker_id"].dropna())
    return ids


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes), the lock file aside."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".carelib.lock"
    }


def notebook_outputs(path: Path) -> list[str]:
    """The text of every output of an executed notebook (images left out)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    texts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = {k: v for k, v in output.get("data", {}).items() if not k.startswith("image/")}
            texts.append(
                json.dumps(data)
                + "".join(output.get("text", ""))
                + "".join(output.get("traceback", []))
            )
    return texts


# --- Hostile free text ---------------------------------------------------------------------

SCRIPT = "<script>window.__pwned=1</script>"
BREAKOUT = '"><svg onload=alert(1)>'
TABLE_BREAK = "</table><h1>x</h1>"
ENTITY = "R&amp;D"
IMG = "<img src=x onerror=alert(1)>"
TEAM = f"Team {IMG}"
PAYLOADS = [SCRIPT, BREAKOUT, TABLE_BREAK, ENTITY, IMG, TEAM]


def poison(data: Path, since: str = "") -> None:
    """Put injection payloads into free-text fields, the same way in every month.

    A team is renamed in every file that names teams; the first action gets a script
    in its wording, an attribute break-out as its owner and markup in its update; the
    first recommendation closes a table and opens a heading; the first measure's name
    carries a script and an HTML entity. ``since`` (``YYYY-MM``) poisons only that month
    and those after it: every page reads the reporting month and the one before, and the
    earlier months then keep the checksums whose verdicts the validation cache holds.
    """
    import pandas as pd

    def rewrite(path: Path, change) -> None:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        change(frame)
        frame.to_csv(path, index=False)

    team = sorted(pd.read_csv(next(data.glob("*/establishment.csv")), dtype=str)["team"])[0]

    def teams(frame):
        frame["team"] = frame["team"].replace(team, TEAM)

    def actions(frame):
        first = frame["action_id"] == frame["action_id"].iloc[0]
        frame.loc[first, "action"] = SCRIPT + " " + frame.loc[first, "action"]
        frame.loc[first, "owner"] = "Head of Service " + BREAKOUT
        frame.loc[first, "update"] = frame.loc[first, "update"] + f" {ENTITY} {IMG}"
        rec = frame["recommendation_id"] == frame["recommendation_id"].iloc[0]
        frame.loc[rec, "recommendation"] = frame.loc[rec, "recommendation"] + " " + TABLE_BREAK

    def measures(frame):
        first = frame["measure_id"] == frame["measure_id"].iloc[0]
        frame.loc[first, "name"] = frame.loc[first, "name"] + f" {SCRIPT} {ENTITY}"

    for month in sorted(p for p in data.iterdir() if p.is_dir() and p.name >= since):
        for dataset in ("workforce", "leavers", "establishment", "agency_spend"):
            rewrite(month / f"{dataset}.csv", teams)
        if (month / "agency_assignments.csv").is_file():  # optional
            rewrite(month / "agency_assignments.csv", teams)
        rewrite(month / "actions.csv", actions)
        rewrite(month / "measures.csv", measures)


def printed_pages(browser, path: Path) -> int:
    """How many A4 pages Chromium's print-to-PDF makes of the page at ``path``.

    Uses the page's own print styles (``@media print``), as a reader's "Save as PDF" does.
    """
    import re

    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    try:
        page = context.new_page()
        page.goto(path.resolve().as_uri(), wait_until="load")
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    finally:
        context.close()
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


# --- Free text that looks like personal data -------------------------------------------

EMAIL = "jo.bloggs@example.gov.uk"
SWE = "SW123456"
PHONE_NUMBER = "01632 960123"


def plant_personal_data(data: Path, month: str = MONTH) -> dict[str, int]:
    """Put an email, a SWE number and a phone number into free text; return their rows."""
    import pandas as pd

    folder = data / month
    actions = pd.read_csv(folder / "actions.csv", dtype=str, keep_default_na=False)
    actions.loc[2, "update"] = f"Ask {EMAIL} for the audit"
    actions.loc[4, "action"] = actions.loc[4, "action"] + f" (lead: \uff33\uff37{SWE[2:]})"
    actions.to_csv(folder / "actions.csv", index=False)
    measures = pd.read_csv(folder / "measures.csv", dtype=str, keep_default_na=False)
    measures.loc[1, "name"] = f"Calls to {PHONE_NUMBER} answered"
    measures.to_csv(folder / "measures.csv", index=False)
    return {"update": 4, "action": 6, "name": 3}  # header is row 1
