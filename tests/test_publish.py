"""Publishing: the lock, where reports may go, versioned months, readers, Windows renames.

Kill tests at every step are in tests/test_publish_faults.py; the proof that nothing is
ever written under the data folder is in tests/test_data_untouched.py.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
from pathlib import Path, PureWindowsPath

import pytest

from carelib import publish
from tests.conftest import ROOT
from tests.publish_support import snapshot

HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from carelib import publish
    with publish.locked(Path(sys.argv[1])):
        print("held", flush=True)
        sys.stdin.readline()
    """
)


def hold_lock(folder: Path) -> subprocess.Popen:
    """A real second process holding the reports lock until its stdin is closed."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def release(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    assert holder.wait(20) == 0


def _hold_lock(folder, ready, release):
    """Hold the lock in a forked process (tests/test_report_e2e.py uses it)."""
    with publish.locked(folder):
        ready.set()
        release.wait(20)


def publish_month(reports: Path, month: str, text: str, links: bool | None = None) -> Path:
    stage = publish.staging_dir(reports, month)
    (stage / "index.html").write_text(f"{month} {text}")
    (stage / "executed").mkdir()
    (stage / "executed" / "01_workforce.ipynb").write_text(text)
    publish.write_manifest(stage, {"month": month, "text": text, "inputs": {}})
    return publish.swap_in(stage, reports, month, links=links)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- The lock ---------------------------------------------------------------------------


def test_lock_held_by_another_process_is_reported(tmp_path):
    holder = hold_lock(tmp_path)
    try:
        with pytest.raises(publish.LockHeld) as err:
            with publish.locked(tmp_path):
                pass
        assert f"pid {holder.pid}" in str(err.value)
        assert str(tmp_path) in str(err.value)
    finally:
        release(holder)
    with publish.locked(tmp_path):  # free again once the holder is done
        pass


def test_report_exits_2_while_another_process_holds_the_lock(month_dir, tmp_path):
    from carelib import cli

    reports = tmp_path / "reports"
    reports.mkdir()
    holder = hold_lock(reports)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "carelib", "report", "--data", str(month_dir)]
            + ["--out", str(reports), "--month", "2025-09"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
    finally:
        release(holder)
    assert result.returncode == cli.EXIT_USAGE, result.stderr
    assert "another carelib run is writing to" in result.stderr
    assert f"pid {holder.pid}" in result.stderr
    assert "Traceback" not in result.stderr
    assert names(reports) == [".carelib.lock", ".versions"]


# --- Where reports may go ---------------------------------------------------------------


def test_reports_folder_overlapping_the_data_folder_is_refused(tmp_path):
    data = tmp_path / "data"
    (data / "2025-09").mkdir(parents=True)
    (tmp_path / "link-to-data").symlink_to(data, target_is_directory=True)
    (tmp_path / "link-to-month").symlink_to(data / "2025-09", target_is_directory=True)
    refused = {
        "equal": data,
        "equal with ..": data / "2025-09" / "..",
        "inside": data / "2025-09",
        "inside, not yet made": data / "reports" / "new",
        "through a link": tmp_path / "link-to-data",
        "inside, through a link": tmp_path / "link-to-data" / "out",
        "inside, through a link to a month": tmp_path / "link-to-month" / "out",
        "containing": tmp_path,
    }
    for why, reports in refused.items():
        with pytest.raises(publish.UnsafeOutput, match="data folder") as err:
            publish.check_output_dir(reports, data)
        assert "carelib never writes into the data folder" in str(err.value) or (
            "contains" in str(err.value)
        ), why
    publish.check_output_dir(tmp_path / "reports", data)  # beside it: fine
    publish.check_output_dir(tmp_path / "data-reports", data)  # a prefix is not a parent


def test_reports_folder_in_another_letter_case_is_seen_through(tmp_path):
    data = tmp_path / "Data"
    data.mkdir()
    if not (tmp_path / "DATA").exists():
        pytest.skip("this file system tells letter case apart")
    with pytest.raises(publish.UnsafeOutput):
        publish.check_output_dir(tmp_path / "DATA", data)


def test_report_with_out_equal_to_data_exits_2_and_writes_nothing(month_dir, tmp_path):
    from carelib import cli

    before = snapshot(month_dir)
    for out in (month_dir, month_dir / "2025-09", month_dir.parent):
        result = subprocess.run(
            [sys.executable, "-m", "carelib", "report", "--data", str(month_dir)]
            + ["--out", str(out), "--month", "2025-09"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert result.returncode == cli.EXIT_USAGE, (out, result.stderr)
        assert "data folder" in result.stderr and "Traceback" not in result.stderr
        assert snapshot(month_dir) == before, (
            out
        )  # not a byte changed, not a file (or folder) added
    assert names(month_dir.parent) == ["data"]


def test_prepare_refuses_a_file_and_an_unwritable_path(tmp_path):
    file = tmp_path / "reports"
    file.write_text("not a folder")
    with pytest.raises(publish.OutputError, match="is a file, not a folder"):
        publish.prepare(file)
    with pytest.raises(publish.OutputError, match="part of the path is a file"):
        publish.prepare(file / "inside")
    assert file.read_text() == "not a folder"


# --- Versions, the switch and the readers -----------------------------------------------


@pytest.mark.parametrize("links", [True, False], ids=["posix-links", "windows-renames"])
def test_each_publication_replaces_the_month_and_prunes_old_versions(tmp_path, links):
    reports = tmp_path / "reports"
    publish.prepare(reports)
    for text in ("one", "two", "three"):
        target = publish_month(reports, "2025-09", text, links=links)
        assert target == reports / "2025-09"
        assert (target / "index.html").read_text() == f"2025-09 {text}"
        assert publish.read_manifest(target)["text"] == text
    publish_month(reports, "2025-08", "one", links=links)
    assert names(reports) == [".versions", "2025-08", "2025-09"]
    if links:
        assert names(reports / ".versions") == ["2025-08.1", "2025-09.3"]
        assert os.readlink(reports / "2025-09") == ".versions/2025-09.3"  # relative
    else:
        assert names(reports / ".versions") == []
        assert not (reports / "2025-09").is_symlink()
    assert publish.published_months(reports) == ["2025-09", "2025-08"]


def test_a_folder_left_by_carelib_0_1_is_replaced_in_one_step(tmp_path):
    reports = tmp_path / "reports"
    (reports / "2025-09").mkdir(parents=True)
    (reports / "2025-09" / "index.html").write_text("0.1")
    publish_month(reports, "2025-09", "new", links=True)
    assert (reports / "2025-09").is_symlink()
    assert (reports / "2025-09" / "index.html").read_text() == "2025-09 new"
    assert names(reports) == [".versions", "2025-09"]
    assert names(reports / ".versions") == ["2025-09.1"]


def test_readers_find_a_month_between_the_two_renames_of_a_windows_switch(tmp_path):
    reports = tmp_path / "reports"
    publish_month(reports, "2025-09", "old", links=False)
    stage = publish.staging_dir(reports, "2025-09")
    (stage / "index.html").write_text("new")
    publish.write_manifest(stage, {"text": "new"})
    version = stage.with_name(stage.name.removesuffix(publish.PARTIAL))
    stage.rename(version)
    # Complete but not shown: readers see the old publication.
    assert publish.month_dir(reports, "2025-09") == reports / "2025-09"
    (reports / "2025-09").rename(version.with_name(version.name + publish.RETIRED))
    # The old one moved aside, the new one not yet in place: readers find the new one.
    assert publish.month_dir(reports, "2025-09") == version
    assert publish.published_months(reports) == ["2025-09"]
    assert publish.read_manifest(publish.month_dir(reports, "2025-09"))["text"] == "new"
    assert publish.recover(reports, links=False) == ["2025-09"]
    assert (reports / "2025-09" / "index.html").read_text() == "new"
    assert names(reports / ".versions") == []


def test_recover_removes_what_a_killed_run_left(tmp_path):
    reports = tmp_path / "reports"
    publish_month(reports, "2025-09", "kept", links=True)
    (reports / ".versions" / "2025-09.7.partial").mkdir()
    (reports / ".versions" / "2025-08.2.retired" / "executed").mkdir(parents=True)
    (reports / ".versions" / f".probe-{os.getpid()}").write_text("x")
    (reports / f".index.html.{os.getpid()}.tmp").write_text("half")
    (reports / f".2025-09{publish.LINK_INFIX}123").symlink_to(".versions/2025-09.1")
    assert publish.recover(reports) == []
    assert names(reports) == [".versions", "2025-09"]
    assert names(reports / ".versions") == ["2025-09.1"]
    assert (reports / "2025-09" / "index.html").read_text() == "2025-09 kept"


def test_write_atomic(tmp_path):
    path = tmp_path / "index.html"
    publish.write_atomic(path, "one")
    publish.write_atomic(path, "two")
    assert path.read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]


def test_manifest_paths_are_written_posix_style(tmp_path):
    assert publish.posix(PureWindowsPath("2025-09\\workforce.csv")) == "2025-09/workforce.csv"
    assert publish.posix("2025-09/workforce.csv") == "2025-09/workforce.csv"
    publish.write_manifest(tmp_path, {"inputs": {PureWindowsPath("2025-09\\leavers.csv"): "ab"}})
    assert publish.read_manifest(tmp_path)["inputs"] == {"2025-09/leavers.csv": "ab"}


# --- Windows refusing a rename ----------------------------------------------------------


def flaky_replace(monkeypatch, folder: Path, refusals: int, held: Path | None = None):
    """Renaming ``folder`` refused ``refusals`` times, as Windows does while a file is open.

    With ``held``, opening that file for writing is refused too, as Windows does while
    Excel has it open.
    """
    real_replace, real_open = os.replace, os.open
    refused = []

    def replace(src, dst):
        if Path(src) == folder and len(refused) < refusals:
            refused.append(src)
            raise PermissionError(errno.EACCES, "Access is denied", str(src), None, str(dst))
        return real_replace(src, dst)

    def open_(path, flags, *args, **kw):
        if held is not None and Path(path) == held and flags & os.O_RDWR:
            raise PermissionError(errno.EACCES, "The process cannot access the file", path)
        return real_open(path, flags, *args, **kw)

    monkeypatch.setattr(publish, "RENAME_WAIT", 0.01)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "open", open_)
    return refused


def test_a_refused_rename_is_retried(tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    publish_month(reports, "2025-09", "old", links=False)
    refused = flaky_replace(monkeypatch, reports / "2025-09", refusals=3)
    publish_month(reports, "2025-09", "new", links=False)
    assert len(refused) == 3
    assert (reports / "2025-09" / "index.html").read_text() == "2025-09 new"
    assert names(reports / ".versions") == []


def test_a_rename_refused_every_time_names_the_file_held(tmp_path, monkeypatch):
    from carelib import runner

    reports = tmp_path / "reports"
    publish_month(reports, "2025-09", "old", links=False)
    held = reports / "2025-09" / "executed" / "01_workforce.ipynb"
    flaky_replace(monkeypatch, reports / "2025-09", refusals=10**6, held=held)
    with pytest.raises(publish.OutputError) as err:
        publish_month(reports, "2025-09", "new", links=False)
    message = str(err.value)
    assert f"{held} is open in another program" in message
    assert "Close it and run again" in message
    assert publish.output_fault(err.value, reports) == err.value.strerror
    monkeypatch.undo()
    assert (reports / "2025-09" / "index.html").read_text() == "2025-09 old"
    assert runner.EXIT_OUTPUT == 5
    # The new version is complete aside; the next run's recovery leaves the old shown.
    publish.recover(reports, links=False)
    assert (reports / "2025-09" / "index.html").read_text() == "2025-09 old"


def test_a_file_system_without_links_is_published_as_on_windows(tmp_path, monkeypatch):
    def refuse(*args, **kw):
        raise OSError(errno.EPERM, "Operation not permitted")

    reports = tmp_path / "reports"
    publish.prepare(reports)
    monkeypatch.setattr(os, "symlink", refuse)
    assert not publish.uses_links(reports)
    for text in ("old", "new"):
        publish_month(reports, "2025-09", text)  # the default: as the folder allows
    assert not (reports / "2025-09").is_symlink()
    assert (reports / "2025-09" / "index.html").read_text() == "2025-09 new"
    assert names(reports / ".versions") == []
    monkeypatch.undo()
    assert publish.uses_links(reports) == publish.USE_LINKS


def test_output_faults_are_told_apart_from_other_errors(tmp_path):
    from papermill.exceptions import PapermillExecutionError

    reports = tmp_path / "reports"
    inside, data = str(reports / "2025-09" / "a.csv"), str(tmp_path / "data" / "a.csv")

    def in_kernel(number, path):
        evalue = f"[Errno {number}] {os.strerror(number)}: '{path}'"
        return PapermillExecutionError(1, 2, "src", "OSError", evalue, [])

    full = OSError(errno.ENOSPC, "No space left on device", data)
    assert "the disk is full" in publish.output_fault(full, reports)
    assert "read-only" in publish.output_fault(OSError(errno.EROFS, "x", inside), reports)
    assert "permission" in publish.output_fault(PermissionError(errno.EACCES, "x", inside), reports)
    assert "the disk is full" in publish.output_fault(in_kernel(errno.ENOSPC, inside), reports)
    assert publish.output_fault(PermissionError(errno.EACCES, "x", data), reports) is None
    assert publish.output_fault(FileNotFoundError(errno.ENOENT, "x", inside), reports) is None
    assert publish.output_fault(in_kernel(errno.ENOENT, inside), reports) is None
    assert publish.output_fault(ValueError("a notebook bug"), reports) is None
