"""The ``carelib`` command: global options anywhere, checks before kernels, exit codes.

Builds use two demo months and the stand-in notebooks of tests/test_api.py; most
commands run in this process (``cli.main``) so great_expectations is imported once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from carelib import cli, runlog
from tests.test_api import MONTH, write_project, write_stand_in_notebooks


def run_here(capsys, *args) -> subprocess.CompletedProcess:
    capsys.readouterr()
    code = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out.out, out.err)


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> Path:
    return write_stand_in_notebooks(tmp_path_factory.mktemp("stand-in"))


@pytest.fixture
def project(tmp_path, month_dir) -> Path:
    return write_project(tmp_path / "project", month_dir)


def test_global_options_work_before_or_after_the_command(capsys, project, notebooks, tmp_path):
    out, log = tmp_path / "reports", tmp_path / "run.jsonl"
    first = run_here(
        capsys,
        "--config", project, "--out", out, "--quiet", "--log-file", log,
        "report", "--notebooks", notebooks,
    )  # fmt: skip
    assert first.returncode == 0, first.err
    assert first.stdout.splitlines() == [f"{MONTH}: published", str(out / MONTH / "index.html")]
    assert first.stderr == ""  # --quiet before the command still counts
    second = run_here(
        capsys,
        "report", "--notebooks", notebooks,
        "--config", project, "--out", out, "--quiet", "--log-file", log,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[0].startswith(f"{MONTH}: skipped, unchanged")
    assert [e["event"] for e in runlog.read(log)].count("run_finished") == 2
    for args in (
        ["--config", project, "validate", "--month", MONTH],
        ["validate", "--month", MONTH, "--config", project],
    ):
        result = run_here(capsys, *args)
        assert result.returncode == 0 and "valid" in result.stdout
    mixed = run_here(capsys, "--config", project, "kpis", "--json", "--data", project.parent)
    assert mixed.returncode == 4  # --data after the command wins: a folder with no months


@pytest.mark.parametrize(
    "old, new, words",
    [
        ('kernel_name = "python3"', 'kernel_name = "no-such"', "run.kernel_name: no Jupyter"),
        ('csww_indicators = ""', 'csww_indicators = "nope.csv"', "nope.csv does not exist"),
        ('csww_indicators = ""', 'csww_indicators = "garbage.csv"', "cannot be read as DfE"),
        (
            'statistical_neighbours_file = ""',
            'statistical_neighbours_file = "garbage.csv"',
            "benchmarks.statistical_neighbours_file",
        ),
        ('marking = "OFFICIAL-SENSITIVE"', 'marking = ""', "publication.marking"),
    ],
)
def test_what_would_fail_in_a_notebook_is_refused_before_any_kernel(
    capsys, tmp_path, month_dir, notebooks, old, new, words
):
    project = write_project(tmp_path / "project", month_dir)
    text = project.read_text(encoding="utf-8")
    assert old in text
    project.write_text(text.replace(old, new), encoding="utf-8")
    (project.parent / "garbage.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00not a csv")
    result = run_here(
        capsys, "report", "--config", project, "--notebooks", notebooks, "--publication"
    )
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert not (project.parent / "reports").exists()


def test_no_config_in_the_folder_exits_2_suggesting_init(capsys, tmp_path, monkeypatch, month_dir):
    monkeypatch.chdir(tmp_path)
    for command in (["report"], ["validate"], ["kpis"], ["report", "--data", month_dir]):
        result = run_here(capsys, *command)
        assert result.returncode == 2
        assert "no carelib.toml" in result.stderr and "carelib init DIR" in result.stderr
    # Checking a data folder needs no council settings.
    assert run_here(capsys, "validate", "--data", month_dir).returncode == 0


def test_jobs_beyond_the_machine_exit_2(capsys, project, notebooks):
    cores = os.cpu_count() or 1
    result = run_here(capsys, "report", "--config", project, "--jobs", cores + 1)
    assert result.returncode == 2 and f"1 to {cores}" in result.stderr


def test_bad_carelib_today_exits_2(capsys, project, monkeypatch):
    monkeypatch.setenv("CARELIB_TODAY", "5/10/2025")
    result = run_here(capsys, "validate", "--config", project, "--month", "previous")
    assert result.returncode == 2 and "CARELIB_TODAY" in result.stderr


def test_invalid_data_is_exit_1_and_logged(capsys, project, notebooks, month_dir, tmp_path):
    wf = month_dir / MONTH / "workforce.csv"
    lines = wf.read_text().splitlines()
    header, row = lines[0].split(","), lines[5].split(",")
    row[header.index("fte")] = "7"
    lines[5] = ",".join(row)
    wf.write_text("\n".join(lines) + "\n")
    log = tmp_path / "run.jsonl"
    result = run_here(
        capsys, "report", "--config", project, "--notebooks", notebooks, "--log-file", log
    )
    assert result.returncode == 1 and "fte" in result.stderr
    assert result.stdout == ""  # nothing published, no page to open
    events = runlog.read(log)
    assert [e["event"] for e in events][-2:] == ["month_failed", "run_finished"]
    assert events[-1]["exit_code"] == 1 and "not valid" in events[-1]["reason"]


def test_an_unexpected_error_is_exit_70_with_the_traceback_in_the_log(project, tmp_path):
    """A fault from a library (here: jupyter_client) is a bug report, never "data invalid"."""
    log = tmp_path / "run.jsonl"
    script = textwrap.dedent(
        f"""
        from jupyter_client.kernelspec import KernelSpecManager
        def broken(self, name):
            raise RuntimeError("kernelspec store unreadable")
        KernelSpecManager.get_kernel_spec = broken
        from carelib import cli
        raise SystemExit(cli.main(["report", "--config", {str(project)!r},
                                   "--log-file", {str(log)!r}]))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 70
    assert "unexpected error" in result.stderr and "kernelspec store unreadable" in result.stderr
    assert "Traceback" in result.stderr and "not valid" not in result.stderr
    finished = runlog.read(log)[-1]
    assert finished["event"] == "run_finished" and finished["exit_code"] == 70
    assert "RuntimeError: kernelspec store unreadable" in finished["traceback"]


def test_ctrl_c_is_exit_130_and_publishes_nothing(project, tmp_path):
    """Interrupted while the notebooks run: 130, nothing published, logged.

    The stand-in notebooks sleep, and the interrupt comes once the month is validated
    (great_expectations imported), so it always lands while the kernels are running.
    """
    slow = write_stand_in_notebooks(tmp_path / "slow", extra="import time\ntime.sleep(8)\n")
    log = tmp_path / "run.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "carelib", "report", "--config", str(project)]
        + ["--log-file", str(log), "--notebooks", str(slow)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and "month_validated" not in (
        log.read_text() if log.exists() else ""
    ):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    events = log.read_text()
    assert (proc.returncode, "interrupted" in err) == (130, True), f"{out}\n{err}\n{events}"
    assert not (project.parent / "reports" / MONTH).exists()
    finished = runlog.read(log)[-1]
    assert finished["event"] == "run_finished" and finished["exit_code"] == 130, events


def test_help_lists_every_exit_code():
    result = subprocess.run(
        [sys.executable, "-m", "carelib", "--help"], capture_output=True, text=True, timeout=60
    )
    text = " ".join(result.stdout.split())
    for code in ("0 done", "1 data invalid", "2 usage", "3 a notebook", "4 the month", "5 the"):
        assert code in text
    assert "70 unexpected" in text and "130 interrupted" in text
