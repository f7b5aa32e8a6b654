"""Publishing survives every fault: a kill at each step, readers meanwhile, full disks.

The kill tests run a publishing run (``publish_support.drive``: republish one month, add
another, rewrite the archive) in a subprocess that SIGKILLs itself at one named step
(``CARELIB_FAULT_AT``, the test seam in ``carelib.publish``), for every step and every
time it is reached, in each layout. Then they check what readers see before any
recovery, what the next run's recovery leaves, and that the next run completes.
Kernels are not needed: publish's functions are driven on staged folders.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import traceback
from pathlib import Path

import pytest

from carelib import publish
from tests.conftest import ROOT
from tests.publish_support import (
    MONTHS_BEFORE,
    drive,
    month_state,
    pages_state,
    publish_before,
    snapshot,
    write_standins,
)

#: (layout before the run, how the run switches months)
LAYOUTS = {
    "posix-links": ("links", "links"),
    "posix-from-0.1-folders": ("folders", "links"),
    "posix-no-exchange": ("folders", "exchange-missing"),
    "windows-renames": ("renames", "renames"),
}
#: The steps each layout's run goes through (checked, so a renamed step cannot hide).
REACHED = {
    "posix-links": {"link-created", "retired"},
    "posix-from-0.1-folders": {"link-created", "legacy-swapped"},
    "posix-no-exchange": {"link-created", "legacy-aside"},
    "windows-renames": {"old-aside"},
}
COMMON = {
    "staged",
    "version-complete",
    "switched",
    "pruned",
    "write-tmp",
    "write-manifest",
    "recover",
}
#: Where the path reports/<month> may be missing for an instant (a kill there leaves
#: the new version complete in .versions, which carelib's readers find).
GAP = {"old-aside", "legacy-aside"}

DRIVE = (
    "import sys; from pathlib import Path; from tests.publish_support import drive; "
    "drive(Path(sys.argv[1]), sys.argv[2])"
)


@pytest.fixture(scope="module")
def standins(tmp_path_factory) -> Path:
    return write_standins(tmp_path_factory.mktemp("notebooks"))


def run_killed(reports: Path, mode: str, fault: str) -> subprocess.CompletedProcess:
    """Run ``drive`` in a process of its own that is killed at ``fault``.

    Where there is ``os.fork`` the process is a fork of this one (carelib is already
    imported, so a run costs milliseconds, not a new interpreter); elsewhere a fresh
    Python. Either way it is a real process that dies by SIGKILL at the step.
    """
    if not hasattr(os, "fork"):
        env = dict(os.environ, **{publish.FAULT_ENV: fault})
        return subprocess.run(
            [sys.executable, "-c", DRIVE, str(reports), mode],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=60,
        )
    errors = reports.parent / f"{reports.name}.stderr"
    pid = os.fork()
    if pid == 0:  # the child: publish, die at the step, never return into pytest
        code = 1
        try:
            os.environ[publish.FAULT_ENV] = fault
            publish._fault_counts.clear()
            drive(reports, mode)
            code = 0
        except BaseException:
            errors.write_text(traceback.format_exc())
        finally:
            os._exit(code)
    deadline = time.monotonic() + 60
    while (ended := os.waitpid(pid, os.WNOHANG))[0] == 0:
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise AssertionError(f"the publishing run killed at {fault} did not end in 60 s")
        time.sleep(0.005)
    status = ended[1]
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    stderr = errors.read_text() if errors.exists() else ""
    return subprocess.CompletedProcess([fault], code, "", stderr)


def leftovers(reports: Path) -> list[str]:
    found = [p.name for p in reports.iterdir() if p.name.endswith(".tmp") or ".link-" in p.name]
    versions = reports / publish.VERSIONS
    found += [
        p.name
        for p in (versions.iterdir() if versions.is_dir() else [])
        if p.name.endswith((publish.PARTIAL, publish.RETIRED)) or p.name.startswith(".")
    ]
    return found


def check_readers_see_old_or_new(reports: Path, step: str) -> None:
    """Before any recovery: every month published before is there, old or new, whole."""
    for month in MONTHS_BEFORE:
        allowed = [pages_state(month, "old")] + ([pages_state(month, "new")] * (month == "2025-09"))
        found = month_state(publish.month_dir(reports, month))
        assert found in allowed, (month, found)
        shown = month_state(reports / month)
        if step in GAP and month == "2025-09":
            assert shown in allowed + [None]
        else:
            assert shown in allowed, month  # the path readers open is never missing
        assert publish.read_manifest(publish.month_dir(reports, month))["month"] == month
    assert month_state(publish.month_dir(reports, "2025-10")) in (
        None,
        pages_state("2025-10", "new"),
    )
    assert set(MONTHS_BEFORE) <= set(publish.published_months(reports))
    assert (reports / "index.html").read_text() in ("archive old", "archive new")


def check_archive_lists_every_month(reports: Path, tmp_path: Path) -> None:
    """The archive page built from this state (on a copy) lists every month published."""
    from carelib import config, runner

    copy = tmp_path / "archive-copy"
    shutil.copytree(reports, copy, symlinks=True)
    opts = runner.RunOptions(
        config=config.load(ROOT / "carelib.toml"),
        data_dir=tmp_path,
        reports_dir=copy,
        notebooks_dir=ROOT / "notebooks",
    )
    page = runner.write_archive(opts).read_text(encoding="utf-8")
    for month, label in (("2025-08", "August 2025"), ("2025-09", "September 2025")):
        assert label in page and f'href="{month}/index.html"' in page
    assert ("October 2025" in page) == (publish.month_dir(reports, "2025-10") is not None)
    shutil.rmtree(copy)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("step", publish.STEPS)
def test_a_kill_at_any_step_loses_nothing(tmp_path, layout, step):
    before, mode = LAYOUTS[layout]
    links = mode != "renames"
    reached = []
    for nth in range(1, 5):
        reports = tmp_path / f"reports-{nth}"
        publish_before(reports, before)
        result = run_killed(reports, mode, f"{step}#{nth}")
        if result.returncode == 0:
            break  # the run reaches this step fewer than nth times
        assert result.returncode == -signal.SIGKILL, result.stderr
        reached.append(nth)
        check_readers_see_old_or_new(reports, step)
        check_archive_lists_every_month(reports, tmp_path)

        # The next run's recovery: every month shown at its path, nothing left over.
        publish.recover(reports, links=links)
        assert leftovers(reports) == []
        check_readers_see_old_or_new(reports, "")  # no gap any more
        if links:
            for month in MONTHS_BEFORE:
                if (reports / month).is_symlink():
                    target = os.readlink(reports / month).split("/")[-1]
                    assert [p.name for p in (reports / ".versions").glob(f"{month}.*")] == [target]
        # And the next run completes.
        drive(reports, "links" if links else "renames")
        for month in ("2025-09", "2025-10"):
            assert month_state(reports / month) == pages_state(month, "new")
        assert month_state(reports / "2025-08") == pages_state("2025-08", "old")
        assert (reports / "index.html").read_text() == "archive new"
        assert leftovers(reports) == []
    expected = step in COMMON | REACHED[layout]
    assert bool(reached) == expected, (step, reached)


def test_the_archive_page_is_rewritten_whole(tmp_path):
    reports = tmp_path / "reports"
    publish_before(reports, "links")
    result = run_killed(reports, "links", "write-tmp")
    assert result.returncode == -signal.SIGKILL
    assert (reports / "index.html").read_text() == "archive old"
    assert [p.name for p in reports.glob(".index.html.*.tmp")]  # the killed run's copy
    publish.recover(reports)
    assert not list(reports.glob(".*.tmp"))


PUBLISHER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from carelib import publish
    reports = Path(sys.argv[1])
    for n in range(int(sys.argv[2])):
        stage = publish.staging_dir(reports, "2025-09")
        (stage / "index.html").write_text(f"2025-09 version {n} " + "x" * 5000)
        (stage / "workforce.html").write_text(f"workforce {n}")
        publish.write_manifest(stage, {"month": "2025-09", "n": n})
        publish.swap_in(stage, reports, "2025-09")
    """
)


@pytest.mark.skipif(not publish.USE_LINKS, reason="the switch by link is for POSIX")
def test_a_reader_never_finds_the_month_missing_while_it_is_republished(tmp_path):
    reports = tmp_path / "reports"
    publish.swap_in(publish_before_one(reports), reports, "2025-09")
    publisher = subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, str(reports), "150"], cwd=ROOT, stderr=subprocess.PIPE
    )
    reads, seen = 0, set()
    while publisher.poll() is None or reads == 0:
        index = (reports / "2025-09" / "index.html").read_text()  # never FileNotFoundError
        assert index.startswith("2025-09 version ") and index.endswith("x" * 5000)
        seen.add(index.split()[2])
        assert publish.read_manifest(reports / "2025-09")["month"] == "2025-09"
        assert publish.published_months(reports) == ["2025-09"]
        reads += 1
    assert publisher.wait() == 0, publisher.stderr.read()
    assert reads > 100 and len(seen) > 10, (reads, len(seen))
    assert [p.name for p in (reports / ".versions").iterdir()] == ["2025-09.151"]


def publish_before_one(reports: Path) -> Path:
    reports.mkdir()
    stage = publish.staging_dir(reports, "2025-09")
    (stage / "index.html").write_text("2025-09 version start " + "x" * 5000)
    publish.write_manifest(stage, {"month": "2025-09"})
    return stage


# --- A read-only or full reports folder, for real (a tmpfs in a user namespace) ----------


def _unshare_reason() -> str | None:
    if not shutil.which("unshare") or sys.platform != "linux":
        return "needs util-linux unshare on Linux"
    probe = subprocess.run(
        ["unshare", "-Urm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt || exit 9"],
        capture_output=True,
    )
    return None if probe.returncode == 0 else "user namespaces (unshare -Urm) are not allowed"


NO_UNSHARE = _unshare_reason()


def in_tmpfs(tmp_path: Path, prebuilt: Path, size: str, setup: str, command: list[str]):
    """Run ``command`` with ``--out`` on a tiny tmpfs holding a copy of ``prebuilt``.

    ``setup`` is shell run after the copy (``remount,ro``, filling the disk). The tmpfs
    vanishes with the namespace, so its contents are copied out to ``tmp_path/after``.
    """
    mount, after = tmp_path / "mnt", tmp_path / "after"
    mount.mkdir()
    after.mkdir()
    script = textwrap.dedent(
        f"""
        mount -t tmpfs -o size={size} tmpfs "$MNT" || exit 90
        cp -a "$PREBUILT"/. "$MNT"/ || exit 91
        {setup}
        "$@" > "$AFTER.out" 2> "$AFTER.err"
        echo $? > "$AFTER.rc"
        rm -f "$MNT/filler"
        cp -a "$MNT"/. "$AFTER"/
        """
    )
    env = dict(os.environ, MNT=str(mount), PREBUILT=str(prebuilt), AFTER=str(after))
    done = subprocess.run(
        ["unshare", "-Urm", "sh", "-c", script, "sh", *command],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    rc = int(Path(f"{after}.rc").read_text())
    return rc, Path(f"{after}.err").read_text(), after, mount


@pytest.mark.skipif(NO_UNSHARE is not None, reason=str(NO_UNSHARE))
def test_read_only_reports_folder_exits_5_and_changes_nothing(month_dir, tmp_path):
    from carelib import runner

    prebuilt = tmp_path / "prebuilt"
    publish_before(prebuilt, "links")
    command = [sys.executable, "-m", "carelib", "report", "--data", str(month_dir)]
    rc, err, after, mount = in_tmpfs(
        tmp_path,
        prebuilt,
        "4m",
        'mount -o remount,ro "$MNT" || exit 92',
        command + ["--out", str(tmp_path / "mnt"), "--month", "2025-09", "--force"],
    )
    assert rc == runner.EXIT_OUTPUT, err
    assert "cannot be written: it is on a read-only disk" in err
    assert "Traceback" not in err and "notebook" not in err
    assert snapshot(after) == snapshot(prebuilt)


@pytest.mark.skipif(NO_UNSHARE is not None, reason=str(NO_UNSHARE))
def test_full_disk_exits_5_and_keeps_the_published_month(month_dir, tmp_path, standins):
    from carelib import runner

    prebuilt = tmp_path / "prebuilt"
    publish_before(prebuilt, "links")
    # Fill the disk, then free 16 KB: enough to start the run, not to publish a month.
    fill = 'dd if=/dev/zero of="$MNT/filler" bs=4096 2>/dev/null; truncate -s -16K "$MNT/filler"'
    command = [sys.executable, "-m", "carelib", "report", "--data", str(month_dir)]
    command += ["--out", str(tmp_path / "mnt"), "--month", "2025-09", "--force"]
    rc, err, after, _ = in_tmpfs(
        tmp_path, prebuilt, "2m", fill, command + ["--notebooks", str(standins)]
    )
    assert rc == runner.EXIT_OUTPUT, err
    assert "cannot be written: the disk is full" in err, err
    assert "Traceback" not in err and "notebook" not in err.split("cannot be written")[0]
    for month in MONTHS_BEFORE:
        assert month_state(after / month) == pages_state(month, "old")
    assert (after / "index.html").read_text() == "archive old"
    assert not [p for p in (after / ".versions").iterdir() if p.name.endswith(".partial")]


def test_reports_path_that_is_a_file_exits_5(month_dir, tmp_path):
    from carelib import runner

    out = tmp_path / "reports"
    out.write_text("a file")
    result = subprocess.run(
        [sys.executable, "-m", "carelib", "report", "--data", str(month_dir), "--out", str(out)]
        + ["--month", "2025-09"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == runner.EXIT_OUTPUT, result.stderr
    assert f"the reports folder {out} is a file, not a folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert out.read_text() == "a file"
