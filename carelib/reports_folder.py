"""The reports folder: where it may be, that it can be written, and who is writing to it.

Three checks before a run writes anything, and the words for when writing fails:

- :func:`check_output_dir`: the reports folder must not be, be inside, or contain the
  data folder (carelib never writes, moves or deletes anything under the data folder).
- :func:`prepare`: the reports folder exists (or can be made) and can be written;
  otherwise :class:`OutputError` says why (a file in the way, read-only, full).
- :func:`locked`: one run at a time per reports folder (the ``filelock`` package).
- :func:`output_fault` and :func:`describe` turn an ``OSError`` met while writing the
  reports (a full disk mid-run, a file held open) into a message for the analyst; the
  runner exits 5 with it.

:mod:`carelib.publish` re-exports these names.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = ".carelib.lock"
#: Where the versions of every month live (see :mod:`carelib.publish`).
VERSIONS = ".versions"


class LockHeld(RuntimeError):
    """Another carelib run holds the reports folder's lock."""


class UnsafeOutput(ValueError):
    """The reports folder is, is inside, or contains the data folder."""


class OutputError(OSError):
    """The reports folder cannot be written (read-only, full, a file, a file held open)."""


# --- Where the reports may go ----------------------------------------------------------


def _ancestors(path: Path) -> Iterator[Path]:
    """``path`` and every folder above it that exists (symlinks followed).

    The deepest part of ``path`` that exists is resolved, and the folders above its real
    location follow it: a link outside that points into a folder is seen as inside it.
    """
    path = Path(os.path.abspath(path))
    for candidate in (path, *path.parents):
        if candidate.exists():
            real = candidate.resolve()
            yield from (real, *real.parents)
            return


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.normcase(a.resolve()) == os.path.normcase(b.resolve())


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or under it, as the file system sees them.

    Each existing folder above ``path`` is compared with ``os.path.samefile``, so
    symbolic links, ``..`` and a different letter case on a case-insensitive disk are
    seen through, and ``path`` need not exist yet.
    """
    return any(_same(candidate, Path(folder)) for candidate in _ancestors(Path(path)))


def check_output_dir(reports_dir: Path, data_dir: Path) -> None:
    """Refuse a reports folder that is, is inside, or contains the data folder.

    Paths are compared as the file system sees them (``os.path.samefile`` on each existing
    folder above them), so symbolic links, ``..``, a different letter case on a
    case-insensitive disk and a reports folder not created yet are all seen through.

    Raises
    ------
    UnsafeOutput
        Naming both folders and what to do.
    """
    reports_dir, data_dir = Path(reports_dir), Path(data_dir)
    if not data_dir.exists():
        return  # nothing to protect; the run stops later on the missing data folder
    if is_inside(reports_dir, data_dir):
        where = "is" if _same(reports_dir, data_dir) else "is inside"
        raise UnsafeOutput(
            f"the reports folder {reports_dir} {where} the data folder {data_dir}: "
            "carelib never writes into the data folder. Choose another --out or "
            "paths.reports (for example reports/ beside data/)."
        )
    if reports_dir.exists() and any(_same(folder, reports_dir) for folder in _ancestors(data_dir)):
        raise UnsafeOutput(
            f"the reports folder {reports_dir} contains the data folder {data_dir}: "
            "publishing there could replace or delete raw data. Choose another --out or "
            "paths.reports (for example reports/ beside data/)."
        )


def prepare(reports_dir: Path) -> None:
    """Create the reports folder if needed and check that it can be written.

    Raises
    ------
    OutputError
        When the path is a file, cannot be created, or is read-only or full.
    """
    reports_dir = Path(reports_dir)
    if reports_dir.exists() and not reports_dir.is_dir():
        raise OutputError(
            errno.ENOTDIR,
            f"the reports folder {reports_dir} is a file, not a folder: choose another "
            "--out or paths.reports, or move the file away",
        )
    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
        versions = reports_dir / VERSIONS
        versions.mkdir(exist_ok=True)
        probe = versions / f".probe-{os.getpid()}"
        probe.write_bytes(b"carelib checks it can write here\n")
        probe.unlink()
    except OSError as exc:
        raise OutputError(exc.errno, describe(exc, reports_dir)) from None


def describe(exc: OSError, reports_dir: Path) -> str:
    """A sentence for an analyst about an ``OSError`` met while writing the reports."""
    where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(reports_dir) else ""
    reason = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EROFS: "it is on a read-only disk",
        errno.EACCES: "permission is denied",
        errno.EPERM: "permission is denied",
        errno.ENOTDIR: "part of the path is a file, not a folder",
        errno.EEXIST: "something that is not a folder is in the way",
    }.get(exc.errno, exc.strerror or str(exc))
    return (
        f"the reports folder {reports_dir} cannot be written: {reason}{where}. "
        "Nothing half-written was published and the reports already published are "
        "unchanged. Free some space, fix the folder's permissions or choose another "
        "--out or paths.reports."
    )


# --- The lock ---------------------------------------------------------------------------


@contextlib.contextmanager
def locked(reports_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``reports_dir`` for the duration of a run.

    Uses the ``filelock`` package (``flock`` on POSIX, ``LockFileEx`` on Windows). The
    holder's pid, host and start time are written in the lock file for the message
    another run shows (on Windows the locked file cannot be read, so that run says
    "another process").

    Raises
    ------
    LockHeld
        When another run holds it, naming who and since when.
    """
    import filelock

    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / LOCK_NAME
    lock = filelock.FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        try:
            holder = path.read_text(encoding="utf-8").strip()
        except (OSError, ValueError):
            holder = ""
        raise LockHeld(
            f"another carelib run is writing to {reports_dir} ({holder or 'another process'}); "
            "wait for it to finish, then run again"
        ) from None
    try:
        with contextlib.suppress(OSError), open(path, "r+", encoding="utf-8") as handle:
            handle.truncate()
            handle.write(
                f"pid {os.getpid()} on {socket.gethostname()} since "
                f"{dt.datetime.now():%Y-%m-%d %H:%M:%S}"
            )
        yield
    finally:
        with contextlib.suppress(OSError), open(path, "r+", encoding="utf-8") as handle:
            handle.truncate()
        lock.release()


def output_fault(exc: BaseException, reports_dir: Path) -> str | None:
    """The analyst's message when ``exc`` means the reports folder cannot be written.

    Recognises an ``OSError`` for a full disk, a used-up quota or a read-only disk, or a
    write refused on a path under the reports folder, whether met by this process or
    inside a notebook's kernel while it wrote its output (papermill reports that as
    ``PapermillExecutionError``). Returns None for anything else.
    """
    if isinstance(exc, OutputError):
        return str(exc.strerror or exc)
    if isinstance(exc, OSError) and exc.errno is not None:
        number, filename = exc.errno, exc.filename
    elif type(exc).__name__ == "PapermillExecutionError":
        found = re.match(r"\[Errno (\d+)\] [^:]*(?:: '(.*)')?", str(getattr(exc, "evalue", "")))
        if not found:
            return None
        number, filename = int(found.group(1)), found.group(2)
        exc = OSError(number, os.strerror(number), filename)
    else:
        return None
    if number in _FULL or (number in _REFUSED and _under(filename, reports_dir)):
        return describe(exc, reports_dir)
    return None


#: A disk that is full or read-only, wherever it is met.
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})
#: A write refused in the reports folder (not a missing file: that is a bug, not the disk).
_REFUSED = frozenset(
    {errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.EBUSY}
)


def _under(filename, reports_dir: Path) -> bool:
    if not filename:
        return False
    try:
        Path(os.path.abspath(filename)).relative_to(os.path.abspath(reports_dir))
    except ValueError:
        return False
    return True
