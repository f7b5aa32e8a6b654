"""The README's scheduling recipes, run as written with ``CARELIB_TODAY`` set.

The cron line from README.md is run by the shell exactly as cron would (the project
folder and the interpreter put in place of ``/srv/carelib`` and ``.venv/bin/carelib``),
in a project whose own ``notebooks/`` holds stand-in report notebooks (the real ones run
in the session's demo build, tests/conftest.py): on 5 October 2025 it must publish
September 2025, and on 5 November 2025, with October's extract not there, exit 4 and
publish nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from carelib import runlog
from tests.conftest import ROOT
from tests.publish_support import write_standins
from tests.test_api import write_project

README = ROOT / "README.md"
PROGRAMS = ("carelib", "carelib.exe")


def cron_line() -> str:
    block = re.search(r"```cron\n(.+?)\n```", README.read_text(encoding="utf-8"), re.S)
    assert block, "README.md has no ```cron block"
    (line,) = block.group(1).strip().splitlines()
    return line


def cron_command(project: Path) -> str:
    """The cron line's command up to its failure alert, for this project and interpreter."""
    fields = cron_line().split(None, 5)
    command = fields[5].split(" || ")[0]
    assert command.startswith("cd /srv/carelib && .venv/bin/carelib report")
    python = f"{shlex.quote(sys.executable)} -m carelib"
    return command.replace("/srv/carelib", shlex.quote(str(project)), 1).replace(
        ".venv/bin/carelib", python, 1
    )


def carelib_arguments(command: str) -> list[str]:
    """The arguments given to the carelib program, before the output redirection."""
    words = shlex.split(command.split(">>")[0].replace("\\", "/"))
    program = next(
        i
        for i, w in enumerate(words[:-1])
        if w.rsplit("/", 1)[-1] in PROGRAMS and words[i - 1] != "cd"
    )
    return words[program + 1 :]


def tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".carelib.lock"
    }


@pytest.fixture(scope="module")
def scheduled(demo_data, tmp_path_factory):
    """The cron recipe run on 5 October 2025, in a project folder like /srv/carelib."""
    project = tmp_path_factory.mktemp("srv") / "carelib"
    write_project(project, demo_data)
    write_standins(project / "notebooks")  # a project's own notebooks are the ones it runs
    (project / "logs").mkdir()
    result = run_on("2025-10-05", project)
    return project, result


def run_on(day: str, project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", cron_command(project)],
        env={**os.environ, "CARELIB_TODAY": day},
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_the_cron_recipe_publishes_the_month_that_has_just_ended(scheduled):
    project, result = scheduled
    assert result.returncode == 0, (project / "logs" / "carelib.log").read_text()
    month = project / "reports" / "2025-09"
    assert all((month / page).is_file() for page in ("index.html", "workforce.html"))
    assert "September 2025" in (month / "index.html").read_text(encoding="utf-8")
    output = (project / "logs" / "carelib.log").read_text()
    assert "2025-09: published" in output
    events = runlog.read(project / "logs" / "carelib.jsonl")
    published = [e["month"] for e in events if e["event"] == "month_published"]
    assert published == ["2025-09"] and events[-1]["exit_code"] == 0


def test_the_cron_recipe_exits_4_when_the_month_has_not_arrived(scheduled):
    project, _ = scheduled
    before = tree(project / "reports")
    result = run_on("2025-11-05", project)
    assert result.returncode == 4
    output = (project / "logs" / "carelib.log").read_text()
    assert "2025-10" in output and "not there yet" in output
    assert tree(project / "reports") == before  # nothing published, nothing changed
    finished = runlog.read(project / "logs" / "carelib.jsonl")[-1]
    assert finished["event"] == "run_finished" and finished["exit_code"] == 4


def test_the_cron_recipe_skips_an_unchanged_month_saying_so(scheduled):
    project, _ = scheduled
    result = run_on("2025-10-06", project)
    assert result.returncode == 0
    output = (project / "logs" / "carelib.log").read_text()
    assert "2025-09: skipped, unchanged" in output
    assert runlog.read(project / "logs" / "carelib.jsonl")[-2]["event"] == "month_skipped"


def test_the_task_scheduler_recipe_runs_the_same_command():
    text = " ".join(README.read_text(encoding="utf-8").split())
    windows = re.search(r"arguments `/c (\.venv\\Scripts\\carelib\.exe [^`]+)`", text)
    assert windows, "README's Task Scheduler recipe has no `/c ...carelib.exe ...` arguments"
    assert ">> logs\\carelib.log 2>&1" in windows.group(1)  # the output goes to a log
    cron = cron_line().split(None, 5)[5].split(" || ")[0]
    assert carelib_arguments(windows.group(1)) == carelib_arguments(cron)
    assert carelib_arguments(cron)[:3] == ["report", "--month", "previous"]
