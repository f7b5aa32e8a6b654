"""Publish a month's reports atomically, under a lock, without ever losing what is there.

A month is built in a staging folder beside the published ones (same file system) and
swapped in with two renames only when every page succeeded. If a run dies between the
two renames, the next run puts the previous publication back before doing anything else.
A lock file stops two runs writing into the same reports folder at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

STAGING_PREFIX = ".staging-"
OLD_PREFIX = ".previous-"
LOCK_NAME = ".carelib.lock"


class LockHeld(RuntimeError):
    """Another carelib run holds the reports folder's lock."""


@contextlib.contextmanager
def locked(reports_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``reports_dir`` for the duration of a run.

    Raises
    ------
    LockHeld
        When another run holds it, naming who and since when.
    """
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / LOCK_NAME
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole run
    try:
        try:
            _lock_file(handle)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise LockHeld(
                f"another carelib run is writing to {reports_dir} ({holder}); "
                "wait for it to finish, then run again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(
            f"pid {os.getpid()} on {socket.gethostname()} since "
            f"{dt.datetime.now():%Y-%m-%d %H:%M:%S}"
        )
        handle.flush()
        yield
    finally:
        if not handle.closed:
            with contextlib.suppress(OSError):
                handle.seek(0)
                handle.truncate()
            _unlock_file(handle)
            handle.close()


def _lock_file(handle) -> None:
    try:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except ImportError:  # Windows
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)


def _unlock_file(handle) -> None:
    try:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except ImportError:
        import msvcrt

        with contextlib.suppress(OSError):
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)


def recover(reports_dir: Path) -> list[str]:
    """Undo what an interrupted run left: restore moved-aside months, drop staging folders.

    Call only while holding the lock. Returns the months restored.
    """
    restored = []
    if not reports_dir.is_dir():
        return restored
    for entry in sorted(reports_dir.iterdir()):
        if entry.name.startswith(OLD_PREFIX):
            month = entry.name[len(OLD_PREFIX) :].split(".")[0]
            target = reports_dir / month
            if target.exists():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.rename(target)
                restored.append(month)
        elif entry.name.startswith(STAGING_PREFIX):
            shutil.rmtree(entry, ignore_errors=True)
    return restored


def staging_dir(reports_dir: Path, month: str) -> Path:
    """Create and return a fresh staging folder for ``month``."""
    path = reports_dir / f"{STAGING_PREFIX}{month}.{os.getpid()}"
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def swap_in(staged: Path, reports_dir: Path, month: str) -> Path:
    """Replace the published ``month`` with ``staged`` (two renames, then clean up)."""
    target = reports_dir / month
    aside = reports_dir / f"{OLD_PREFIX}{month}.{os.getpid()}"
    if target.exists():
        target.rename(aside)
    staged.rename(target)
    if aside.exists():
        shutil.rmtree(aside, ignore_errors=True)
    return target


def discard(staged: Path) -> None:
    """Remove a staging folder after a failed build."""
    shutil.rmtree(staged, ignore_errors=True)


def write_atomic(path: Path, text: str) -> None:
    """Write a text file so readers see the old or the new version, never half of one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def published_months(reports_dir: Path) -> list[str]:
    """Return the months published in ``reports_dir``, newest first."""
    from carelib import dates

    if not reports_dir.is_dir():
        return []
    months = [
        p.name
        for p in reports_dir.iterdir()
        if p.is_dir() and dates.is_month(p.name) and (p / "index.html").is_file()
    ]
    return sorted(months, reverse=True)


def read_manifest(month_dir: Path) -> dict:
    """Return a published month's run manifest (empty when absent or unreadable)."""
    try:
        return json.loads((month_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
