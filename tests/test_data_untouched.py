"""Nothing carelib does ever writes, moves or deletes anything under the data folder.

Each kind of run (published, skipped, invalid data, a notebook failing, a worker id
reaching the output, a run killed while publishing, the lock held, a full disk, a
reports folder overlapping the data) is checked against a snapshot of the data folder
taken before it: every file's name and bytes, every folder and link, nothing new.
Stand-in notebooks with real kernels keep the runs short (see tests/test_runner.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from carelib import publish
from tests.conftest import ROOT
from tests.publish_support import month_state, snapshot, write_standins
from tests.test_publish import hold_lock, release

MONTH = "2025-09"
LEAK = """
import csv, pathlib
with open(pathlib.Path(data_dir) / month / "workforce.csv", encoding="utf-8") as f:
    worker = next(csv.DictReader(f))["worker_id"]
display(HTML(f"<p>Checked {worker}.</p>"))
"""

# A full disk met by the notebook itself as it writes its CSV into the month being built.
DISK_FULL = """
import errno, os, pathlib
path = pathlib.Path(output_dir) / "workforce_indicators.csv"
raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
"""


@pytest.fixture(scope="module")
def data(demo_data, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("untouched") / "data"
    for month in ("2025-08", MONTH):
        shutil.copytree(demo_data / month, out / month)
    return out


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("standins")
    return {
        "good": write_standins(root / "good"),
        "failing": write_standins(root / "failing", '\nraise ValueError("stand-in failure")\n'),
        "leaking": write_standins(root / "leaking", LEAK),
        "disk-full": write_standins(root / "disk-full", DISK_FULL),
    }


def report(capsys, data: Path, out: Path, notebooks: Path, *extra) -> tuple[int, str]:
    """``carelib report`` in this process (great_expectations imported once for all)."""
    from carelib import cli

    capsys.readouterr()
    code = cli.main(
        ["report", "--data", str(data), "--out", str(out), "--month", MONTH]
        + ["--notebooks", str(notebooks), *map(str, extra)]
    )
    return code, capsys.readouterr().err


def test_published_then_skipped(capsys, data, notebooks, tmp_path):
    before = snapshot(data)
    out = tmp_path / "reports"
    code, err = report(capsys, data, out, notebooks["good"])
    assert code == 0, err
    assert (out / MONTH / "index.html").is_file()
    assert snapshot(data) == before
    code, err = report(capsys, data, out, notebooks["good"])
    assert code == 0 and "skipped" in err, err
    assert snapshot(data) == before


def test_invalid_data(capsys, data, notebooks, tmp_path):
    broken = tmp_path / "data"
    shutil.copytree(data, broken)
    workforce = broken / MONTH / "workforce.csv"
    lines = workforce.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[3].split(",")
    row[header.index("fte")] = "1.4"
    lines[3] = ",".join(row)
    workforce.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = snapshot(broken)
    code, err = report(capsys, broken, tmp_path / "reports", notebooks["good"])
    assert code == 1, err
    assert snapshot(broken) == before


@pytest.mark.parametrize("kind", ["failing", "leaking"])
def test_notebook_failure_and_privacy_leak(capsys, data, notebooks, tmp_path, kind):
    before = snapshot(data)
    out = tmp_path / "reports"
    code, err = report(capsys, data, out, notebooks[kind])
    assert code == 3, err
    assert ("stand-in failure" if kind == "failing" else "worker identifier") in err
    assert not (out / MONTH).exists()
    assert snapshot(data) == before


def test_full_disk_while_publishing(capsys, data, notebooks, tmp_path, monkeypatch):
    """A full disk, simulated at the manifest (``CARELIB_FAULT_AT=...:ENOSPC``)."""
    from carelib import runner

    before = snapshot(data)
    out = tmp_path / "reports"
    code, err = report(capsys, data, out, notebooks["good"])
    assert code == 0, err
    published = month_state(out / MONTH)
    monkeypatch.setenv(publish.FAULT_ENV, "write-manifest:ENOSPC")
    code, err = report(capsys, data, out, notebooks["good"], "--force")
    assert code == runner.EXIT_OUTPUT, err
    assert "cannot be written: the disk is full" in err and "manifest.json" in err
    assert "notebook" not in err and "Traceback" not in err
    assert month_state(out / MONTH) == published
    assert not [p for p in (out / ".versions").iterdir() if p.name.endswith(".partial")]
    assert snapshot(data) == before


def test_full_disk_inside_a_notebook_is_not_a_notebook_failure(capsys, data, notebooks, tmp_path):
    from carelib import runner

    before = snapshot(data)
    out = tmp_path / "reports"
    code, err = report(capsys, data, out, notebooks["disk-full"])
    assert code == runner.EXIT_OUTPUT, err
    assert "cannot be written: the disk is full" in err and "workforce_indicators.csv" in err
    assert "notebook" not in err and "Traceback" not in err
    assert not (out / MONTH).exists() and not (out / "failed").exists()
    assert snapshot(data) == before


def test_killed_while_publishing(capsys, data, notebooks, tmp_path):
    before = snapshot(data)
    out = tmp_path / "reports"
    code, err = report(capsys, data, out, notebooks["good"])
    assert code == 0, err
    published = month_state(out / MONTH)
    killed = subprocess.run(
        [sys.executable, "-m", "carelib", "report", "--data", str(data), "--out", str(out)]
        + ["--month", MONTH, "--force", "--notebooks", str(notebooks["good"])],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, **{publish.FAULT_ENV: "version-complete"}),
        timeout=300,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert month_state(out / MONTH) == published  # the new version is complete, not shown
    assert snapshot(data) == before
    code, err = report(capsys, data, out, notebooks["good"])  # recovers, then skips
    assert code == 0 and "skipped" in err, err
    assert snapshot(data) == before


def test_lock_held(capsys, data, notebooks, tmp_path):
    before = snapshot(data)
    out = tmp_path / "reports"
    out.mkdir()
    holder = hold_lock(out)
    try:
        code, err = report(capsys, data, out, notebooks["good"])
    finally:
        release(holder)
    assert code == 2 and "another carelib run" in err, err
    assert snapshot(data) == before


def test_reports_folder_overlapping_the_data(capsys, data, notebooks, tmp_path):
    before = snapshot(data)
    link = tmp_path / "data-link"
    link.symlink_to(data, target_is_directory=True)
    for out in (data, data / MONTH, data / "reports", data.parent, link, link / "reports"):
        code, err = report(capsys, data, out, notebooks["good"])
        assert code == 2 and "data folder" in err, (out, err)
        assert snapshot(data) == before, out


def test_paths_reports_equal_to_paths_data_in_the_config(capsys, data, notebooks, tmp_path):
    from carelib import cli

    before = snapshot(data)
    config = tmp_path / "carelib.toml"
    text = (ROOT / "carelib.toml").read_text(encoding="utf-8")
    config.write_text(
        text.replace('data = "data"', f"data = {str(data)!r}").replace(
            'reports = "reports"', f"reports = {str(data / MONTH)!r}"
        ),
        encoding="utf-8",
    )
    capsys.readouterr()
    code = cli.main(["--config", str(config), "report", "--month", MONTH])
    err = capsys.readouterr().err
    assert code == 2 and "is inside the data folder" in err, err
    assert snapshot(data) == before


def test_validate_kpis_and_plan(capsys, data):
    from carelib import cli

    before = snapshot(data)
    for command in ("validate", "kpis", "plan"):
        code = cli.main([command, "--data", str(data), "--month", MONTH])
        assert code == 0, capsys.readouterr().err
    assert snapshot(data) == before
