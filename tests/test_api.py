"""The Python API: carelib.build_reports and carelib.validate_month, typed errors, fd 2.

Two demo months and small stand-in report notebooks (the real parameters, one line of
output each) keep these builds short; validation, papermill, kernels, export and
publishing are the real ones. The real notebooks run in tests/test_cli_schedule.py and
tests/test_report_e2e.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import carelib
from carelib import runlog
from tests.conftest import ROOT

MONTH = "2025-09"
PAGES = ["index.html", "workforce.html", "improvement_plan.html", "data_quality.html"]
#: What the stand-in notebooks' kernels write straight to their own file descriptor 2.
KERNEL_CHATTER = "KERNEL-CHATTER-ON-FD-2"

STAND_IN = f"""import os

from IPython.display import HTML, display

os.write(2, b"{KERNEL_CHATTER}\\n")
display(HTML(f"<p>{{title}} for {{month}}: built from {{data_dir}}.</p>"))
"""


def write_stand_in_notebooks(folder: Path, extra: str = "") -> Path:
    """Write the two stand-in report notebooks into ``folder`` (``extra``: more code)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    folder.mkdir(parents=True, exist_ok=True)
    for name, title in [("01_workforce.ipynb", "Workforce"), ("02_improvement_plan.ipynb", "Plan")]:
        params = new_code_cell(
            'month = "latest"\ndata_dir = "../data"\nconfig_path = "../carelib.toml"\n'
            'output_dir = ""\npublication = False\n'
        )
        params.metadata["tags"] = ["parameters"]
        code = f"title = {title!r}\n" + extra + STAND_IN
        nb = new_notebook(cells=[params, new_code_cell(code)])
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, folder / name)
    return folder


def write_project(folder: Path, data: Path, extra: str = "") -> Path:
    """Write a project's carelib.toml (the repository's, data pointing at ``data``)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "carelib.toml").read_text(encoding="utf-8")
    text = text.replace('data = "data"', f'data = "{data.as_posix()}"') + extra
    path = folder / "carelib.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> Path:
    return write_stand_in_notebooks(tmp_path_factory.mktemp("stand-in"))


@pytest.fixture
def project(tmp_path, month_dir) -> Path:
    """A project folder's config (data: the demo's 2025-08 and 2025-09)."""
    return write_project(tmp_path / "project", month_dir)


def test_build_reports_publishes_then_skips_and_logs(project, notebooks, tmp_path):
    log = tmp_path / "logs" / "run.jsonl"
    result = carelib.build_reports(config=project, notebooks=notebooks, log_file=log)
    assert isinstance(result, carelib.BuildResult)
    assert (result.months, result.published, result.skipped, result.failed) == (
        [MONTH],
        [MONTH],
        [],
        [],
    )
    assert result.exit_code == 0 and result.ok
    assert result.reports_dir == project.parent / "reports"
    assert [p.name for p in result.pages[MONTH]] == PAGES
    assert all(p.is_file() for p in result.pages[MONTH])
    assert "Workforce for 2025-09" in result.pages[MONTH][1].read_text(encoding="utf-8")

    again = carelib.build_reports(month=MONTH, config=project, notebooks=notebooks, log_file=log)
    assert (again.published, again.skipped, again.exit_code) == ([], [MONTH], 0)
    assert again.to_json()["skipped"] == [MONTH]

    events = runlog.read(log)
    names = [e["event"] for e in events]
    assert names[0] == "run_started" and names.count("run_finished") == 2
    assert {"month_validated", "page_built", "month_published", "month_skipped"} <= set(names)
    built = [e for e in events if e["event"] == "page_built"]
    assert sorted(e["page"] for e in built) == ["improvement_plan.html", "workforce.html"]
    assert all(e["seconds"] > 0 for e in built)
    skipped = next(e for e in events if e["event"] == "month_skipped")
    assert skipped["reason"] == "unchanged" and skipped["month"] == MONTH
    assert events[-1]["exit_code"] == 0 and events[-1]["skipped"] == [MONTH]
    assert all({"time", "pid"} <= set(e) for e in events)


def test_invalid_data_raises_data_invalid_with_the_result(project, notebooks, month_dir, tmp_path):
    wf = month_dir / MONTH / "workforce.csv"
    lines = wf.read_text().splitlines()
    header, row = lines[0].split(","), lines[3].split(",")
    row[header.index("fte")] = "1.4"
    lines[3] = ",".join(row)
    wf.write_text("\n".join(lines) + "\n")
    log = tmp_path / "run.jsonl"
    with pytest.raises(carelib.DataInvalid) as err:
        carelib.build_reports(config=project, notebooks=notebooks, log_file=log)
    assert err.value.exit_code == 1 and isinstance(err.value, carelib.CarelibError)
    assert "fte" in str(err.value) and err.value.result.failed == [MONTH]
    assert err.value.result.published == [] and not (project.parent / "reports" / MONTH).exists()
    events = runlog.read(log)
    failed = next(e for e in events if e["event"] == "month_failed")
    assert failed["month"] == MONTH and failed["exit_code"] == 1
    assert events[-1]["event"] == "run_finished" and events[-1]["exit_code"] == 1

    report = carelib.validate_month(MONTH, config=project, raise_on_error=False)
    assert report.has_errors
    with pytest.raises(carelib.DataInvalid) as err:
        carelib.validate_month(MONTH, config=project)
    assert err.value.report.has_errors and "fte" in str(err.value)


def test_validate_month_returns_the_report(project):
    report = carelib.validate_month("latest", config=project)
    assert not report.has_errors and len(report.checks) > 50


@pytest.mark.parametrize(
    "kwargs, error, code, words",
    [
        ({"month": "2025-10"}, carelib.MonthNotAvailable, 4, "not there yet"),
        ({"month": "2024-01"}, carelib.UsageError, 2, "no data folder for 2024-01"),
        ({"month": "Sept"}, carelib.UsageError, 2, "write YYYY-MM"),
        ({"jobs": 999}, carelib.UsageError, 2, "jobs"),
        ({"config": "missing.toml"}, carelib.ConfigError, 2, "does not exist"),
    ],
)
def test_typed_errors_carry_the_exit_code(project, notebooks, kwargs, error, code, words):
    kwargs = {"config": project, "notebooks": notebooks, **kwargs}
    with pytest.raises(error, match=words) as err:
        carelib.build_reports(**kwargs)
    assert err.value.exit_code == code
    assert not (project.parent / "reports").exists()  # stopped before anything started


def test_no_config_in_the_folder_suggests_carelib_init(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(carelib.ConfigError, match="carelib init DIR"):
        carelib.build_reports()
    with pytest.raises(carelib.ConfigError, match="carelib init DIR"):
        carelib.validate_month()


def test_a_reports_folder_that_is_a_file_is_an_output_error(project, notebooks, tmp_path):
    out = tmp_path / "reports-is-a-file"
    out.write_text("not a folder")
    with pytest.raises(carelib.OutputError) as err:
        carelib.build_reports(config=project, out=out, notebooks=notebooks)
    assert err.value.exit_code == 5 and str(out) in str(err.value)


def test_import_carelib_stays_light_until_the_api_is_used():
    code = (
        "import sys, carelib; light = 'carelib.api' not in sys.modules; "
        "carelib.build_reports, carelib.validate_month, carelib.DataInvalid; "
        "heavy = [m for m in ('great_expectations', 'papermill', 'nbconvert', 'matplotlib') "
        "if m in sys.modules]; print(light, heavy, carelib.MonthNotAvailable.exit_code)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True [] 4"


def test_library_use_leaves_the_callers_stderr_alone(project, notebooks, tmp_path):
    """A caller's fd 2 keeps receiving its writes throughout a build; kernel chatter does not.

    The caller points fd 2 at its own file and writes to it from a thread for the
    whole build. Redirecting fd 2 during the build (as carelib once did) would send
    those lines elsewhere and lose them.
    """
    caller_log = tmp_path / "caller-stderr.txt"
    script = textwrap.dedent(
        f"""
        import os, sys, threading, time
        fd = os.open({str(caller_log)!r}, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 2)
        before = os.fstat(2)
        import carelib
        written, stop = [], threading.Event()
        def write():
            i = 0
            while not stop.is_set():
                os.write(2, f"caller-line-{{i}}\\n".encode()); written.append(i); i += 1
                time.sleep(0.02)
        t = threading.Thread(target=write); t.start()
        result = carelib.build_reports(config={str(project)!r}, notebooks={str(notebooks)!r})
        stop.set(); t.join()
        after = os.fstat(2)
        same = (before.st_dev, before.st_ino) == (after.st_dev, after.st_ino)
        print(result.published, len(written), same)
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert run.returncode == 0, caller_log.read_text()
    published, count, same = run.stdout.strip().rsplit(" ", 2)
    assert published == f"['{MONTH}']" and same == "True"
    text = caller_log.read_text()
    lines = [line for line in text.splitlines() if line.startswith("caller-line-")]
    assert len(lines) == int(count) > 20  # every line the caller wrote during the build
    assert KERNEL_CHATTER not in text  # the kernels' own output went to carelib's file


def test_the_config_names_the_run_log_relative_to_itself(tmp_path, month_dir, monkeypatch):
    project = write_project(tmp_path / "project", month_dir)
    text = project.read_text(encoding="utf-8").replace(
        'log_file = ""', 'log_file = "logs/run.jsonl"'
    )
    project.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # elsewhere: the path is the config file's, not the cwd's
    with pytest.raises(carelib.MonthNotAvailable):
        carelib.build_reports(month="2025-10", config=project)
    started, finished = runlog.read(project.parent / "logs" / "run.jsonl")
    assert (started["event"], started["month"]) == ("run_started", "2025-10")
    assert finished["event"] == "run_finished" and finished["exit_code"] == 4
    assert "2025-10" in finished["reason"] and "not there yet" in finished["reason"]


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs 2 cores for jobs=2")
def test_worker_processes_write_to_the_same_run_log(project, notebooks, tmp_path):
    log = tmp_path / "run.jsonl"
    result = carelib.build_reports(
        month="all", config=project, notebooks=notebooks, jobs=2, log_file=log
    )
    assert result.published == ["2025-08", MONTH] and result.exit_code == 0
    events = runlog.read(log)
    parent = events[0]["pid"]
    built = {(e["month"], e["page"]) for e in events if e["event"] == "page_built"}
    assert len(built) == 4  # two pages of each month, from the workers
    assert {e["pid"] for e in events if e["event"] == "page_built"} - {parent}
    assert [e["month"] for e in events if e["event"] == "month_published"] == ["2025-08", MONTH]
