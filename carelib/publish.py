"""Publish a month's reports so that no fault can lose or half-change what is published.

Layout
------
Readers always open ``reports/<YYYY-MM>/index.html`` (and the month's other pages), and
``reports/index.html`` for the archive. Behind that, every build of a month is a complete
*version* folder ``reports/.versions/<YYYY-MM>.<n>/``:

1. A month is built in ``.versions/<YYYY-MM>.<n>.partial/``. Nothing reads a ``.partial``
   folder; a killed run's one is deleted by the next run (:func:`recover`).
2. When every page has succeeded (validation, notebooks, privacy scan, manifest), one
   rename makes it ``.versions/<YYYY-MM>.<n>``: complete, but not yet shown.
3. The switch. **POSIX** (Linux, macOS): ``reports/<YYYY-MM>`` is a relative symbolic link
   to ``.versions/<YYYY-MM>.<n>``; the switch writes a new link beside it and renames it
   over the old one, which the operating system does atomically. At every instant the
   path names the old version or the new one, both complete. A real folder left at
   ``reports/<YYYY-MM>`` by carelib 0.1 (or by a copy that followed the links) is
   exchanged with the new link in one step (``renameat2(RENAME_EXCHANGE)`` on Linux,
   ``renamex_np(RENAME_SWAP)`` on macOS); only where the file system offers neither is it
   moved aside first, a gap of two renames that :func:`recover` closes if a kill falls in
   it. A file system that refuses links (some network shares) is treated as on Windows.
   **Windows**: symbolic links need a privilege council laptops rarely grant, and a
   folder (or junction) cannot be renamed over another, so ``reports/<YYYY-MM>`` is a
   real folder. The old one stays in place until the new version is complete; then the
   old folder is renamed to ``.versions/<YYYY-MM>.<n>.retired`` and the new one renamed
   into place, two renames a few milliseconds apart. A kill between them leaves the new
   version complete in ``.versions``: carelib's readers (:func:`month_dir`,
   :func:`published_months`, the archive, ``runner.is_current``) find it there, and the
   next run moves it into place before doing anything else. Windows refuses a rename
   while any file inside is open (Excel, OneDrive, antivirus): each rename is retried
   with a back-off and then fails with a message naming the file held (exit 5); the old
   month is still in place.
4. The month's older versions are renamed ``.retired`` and deleted.

``reports/index.html`` is written to a temporary file and renamed over the old one.
Stale temporary files, partial and retired versions and half-made links from a killed
run are removed by the next run's :func:`recover`, which the runner calls under the lock.
Durability against power loss (``fsync``) is not attempted: a killed process loses
nothing the operating system has accepted, which is the fault this guards against.

Nothing here ever writes under the data folder: :func:`check_output_dir` refuses a
reports folder that is, is inside, or contains the data folder, before anything is
written, and :func:`prepare` checks the reports folder can be written at all (both, and
the lock, live in :mod:`carelib.reports_folder` and are re-exported here).

Faults can be injected for the tests (a test seam, not used in production): the
environment variable ``CARELIB_FAULT_AT`` names one of :data:`STEPS`; the process kills
itself with SIGKILL when it reaches that step (``STEP#2``: the second time), or, with
``STEP:ENOSPC`` (any ``errno`` name), raises that ``OSError`` there as a full disk would.
A full disk is simulated this way because a tiny file system (tmpfs) needs privileges;
where the tests can have one (``unshare``), they also fill a real one.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import signal
import sys
import time
from pathlib import Path, PurePath

from carelib.reports_folder import (
    LOCK_NAME,
    VERSIONS,
    LockHeld,
    OutputError,
    UnsafeOutput,
    check_output_dir,
    describe,
    locked,
    output_fault,
    prepare,
)

__all__ = [
    "LOCK_NAME",
    "VERSIONS",
    "LockHeld",
    "OutputError",
    "UnsafeOutput",
    "check_output_dir",
    "describe",
    "locked",
    "output_fault",
    "prepare",
    "discard",
    "fault",
    "held_files",
    "month_dir",
    "posix",
    "published_months",
    "read_manifest",
    "recover",
    "staging_dir",
    "swap_in",
    "uses_links",
    "write_atomic",
    "write_manifest",
]

PARTIAL, RETIRED = ".partial", ".retired"
#: ``reports/.<month>.link-<pid>``: a new link (or an exchanged-out old folder).
LINK_INFIX = ".link-"
#: Retries of a rename Windows refuses, and the first wait (doubled each time).
RENAME_TRIES, RENAME_WAIT = 6, 0.1
#: Whether months are switched by symbolic links (POSIX) or by two renames (Windows, or
#: a folder whose file system has no links, such as some network shares).
USE_LINKS = os.name != "nt"
FAULT_ENV = "CARELIB_FAULT_AT"

#: Every step of publishing at which a fault can be injected, in order.
STEPS = (
    "staged",  # the month's version is complete but still .partial
    "version-complete",  # renamed to .versions/<month>.<n>, not yet shown
    "link-created",  # POSIX: the new link exists beside the old one
    "legacy-swapped",  # POSIX: a real folder exchanged with the new link
    "legacy-aside",  # POSIX without exchange: the real folder moved aside
    "old-aside",  # Windows: the old folder renamed .retired
    "switched",  # the month now shows the new version
    "retired",  # an old version renamed .retired, not yet deleted
    "pruned",  # old versions deleted
    "write-tmp",  # a file's temporary copy is written, not yet renamed
    "write-manifest",  # about to write the month's manifest.json
    "recover",  # recovery has removed what a killed run left
)

_fault_counts: dict[str, int] = {}
_VERSION = re.compile(r"^(\d{4}-\d{2})\.(\d+)(\.partial|\.retired)?$")


def fault(step: str, path: Path | None = None) -> None:
    """Inject the fault the environment asks for at ``step`` (a test seam; see module).

    Parameters
    ----------
    step : str
        One of :data:`STEPS`.
    path : Path, optional
        The file being written there, named by an injected ``OSError``.
    """
    wanted = os.environ.get(FAULT_ENV, "")
    name, _, code = wanted.partition(":")
    name, _, nth = name.partition("#")
    if name != step:
        return
    _fault_counts[step] = _fault_counts.get(step, 0) + 1
    if _fault_counts[step] != int(nth or 1):
        return
    if code:
        number = getattr(errno, code)
        raise OSError(number, os.strerror(number), str(path or Path.cwd()))
    sys.stdout.flush()
    os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
    time.sleep(5)  # the signal is delivered; never carry on past the step


# --- Renames that Windows may refuse ----------------------------------------------------


def _rename(src: Path, dst: Path) -> None:
    """``os.replace``, retried with a back-off while Windows refuses it, then explained."""
    wait = RENAME_WAIT
    for attempt in range(RENAME_TRIES):
        try:
            os.replace(src, dst)
            return
        except PermissionError as exc:
            if attempt == RENAME_TRIES - 1:
                held = held_files(src) + held_files(dst)
                folder = src if src.is_dir() else src.parent
                what = held[0] if held else f"a file in {folder}"
                raise OutputError(
                    exc.errno or errno.EACCES,
                    f"cannot publish: {what} is open in another program (Excel, a "
                    "browser, OneDrive or antivirus?), "
                    f"so {src} could not be renamed to {dst} after {RENAME_TRIES} tries. "
                    "Close it and run again; the reports already published are unchanged.",
                ) from None
            time.sleep(wait)
            wait *= 2


def held_files(path: Path) -> list[Path]:
    """Files under ``path`` another program holds open so they cannot be changed.

    Opening a file for writing is what Windows refuses while Excel (or another program
    that denies sharing) has it open; on POSIX nothing is refused and the list is empty.
    """
    path = Path(path)
    if path.is_symlink() or not path.exists():
        return []
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    held = []
    for file in files:
        try:
            os.close(os.open(file, os.O_RDWR))
        except PermissionError:
            held.append(file)
        except OSError:
            pass
    return held


def _exchange(a: Path, b: Path) -> bool:
    """Swap two names in one step where the OS can; return False where it cannot."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    args = (os.fsencode(a), os.fsencode(b))
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        at_fdcwd, rename_exchange = -100, 2
        rc = libc.renameat2(at_fdcwd, args[0], at_fdcwd, args[1], rename_exchange)
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        rc = libc.renamex_np(args[0], args[1], 2)  # RENAME_SWAP
    else:
        return False
    if rc == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        with contextlib.suppress(OSError):
            path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)  # Windows: a held file waits for next run


# --- Versions and the switch ------------------------------------------------------------


def _versions(reports_dir: Path, month: str) -> list[tuple[int, str, Path]]:
    """``(n, suffix, path)`` of every version folder of ``month``, lowest ``n`` first."""
    folder = reports_dir / VERSIONS
    found = []
    if folder.is_dir():
        for entry in folder.iterdir():
            match = _VERSION.match(entry.name)
            if match and match.group(1) == month:
                found.append((int(match.group(2)), match.group(3) or "", entry))
    return sorted(found)


def staging_dir(reports_dir: Path, month: str) -> Path:
    """Create and return the next version of ``month``, still ``.partial``."""
    versions = _versions(reports_dir, month)
    n = max((v[0] for v in versions), default=0) + 1
    path = reports_dir / VERSIONS / f"{month}.{n}{PARTIAL}"
    path.mkdir(parents=True)
    return path


def swap_in(staged: Path, reports_dir: Path, month: str, links: bool | None = None) -> Path:
    """Publish the complete ``staged`` version as ``reports_dir/month``; prune old ones.

    Parameters
    ----------
    staged : Path
        The folder :func:`staging_dir` returned, every page written.
    reports_dir : Path
        The reports folder.
    month : str
        ``YYYY-MM``.
    links : bool, optional
        Switch by symbolic link (POSIX) or by two renames (Windows); by default as the
        reports folder allows (:func:`uses_links`).

    Returns
    -------
    Path
        ``reports_dir/month``.

    Raises
    ------
    OutputError
        When Windows keeps refusing a rename because a file is open (named).
    """
    links = uses_links(reports_dir) if links is None else links
    fault("staged")
    version = staged.with_name(staged.name.removesuffix(PARTIAL))
    _rename(staged, version)
    fault("version-complete")
    if links:
        _switch_link(reports_dir, month, version)
    else:
        _switch_folder(reports_dir, month, version)
    fault("switched")
    _prune(reports_dir, month)
    fault("pruned")
    return reports_dir / month


def _link_target(version: Path) -> str:
    return f"{VERSIONS}/{version.name}"


def _switch_link(reports_dir: Path, month: str, version: Path) -> None:
    stable = reports_dir / month
    tmp = reports_dir / f".{month}{LINK_INFIX}{os.getpid()}"
    _remove(tmp)
    os.symlink(_link_target(version), tmp, target_is_directory=True)
    fault("link-created")
    if stable.is_dir() and not stable.is_symlink():  # a real folder: carelib 0.1, a copy
        if _exchange(tmp, stable):
            fault("legacy-swapped")
            _remove(tmp)  # now the old real folder
            return
        aside = reports_dir / VERSIONS / f"{month}.0{RETIRED}"
        _remove(aside)
        _rename(stable, aside)
        fault("legacy-aside")
    os.replace(tmp, stable)  # atomic: the path names the old version or the new


def _switch_folder(reports_dir: Path, month: str, version: Path) -> None:
    stable = reports_dir / month
    if os.path.lexists(stable):
        aside = version.with_name(version.name + RETIRED)
        _rename(stable, aside)
        fault("old-aside")
    _rename(version, stable)


def _shown_version(reports_dir: Path, month: str) -> Path | None:
    """The version folder ``reports_dir/month`` links to, if it is a link."""
    stable = reports_dir / month
    if not stable.is_symlink():
        return None
    return reports_dir / os.readlink(stable)


def _prune(reports_dir: Path, month: str) -> None:
    """Delete every version of ``month`` except the one shown (and any being built)."""
    shown = _shown_version(reports_dir, month)
    for _, suffix, path in _versions(reports_dir, month):
        if suffix == PARTIAL or (shown is not None and path.name == shown.name):
            continue
        if suffix != RETIRED:
            retired = path.with_name(path.name + RETIRED)
            try:
                os.replace(path, retired)
            except OSError:
                continue  # Windows: held open; the next run prunes it
            fault("retired")
            path = retired
        _remove(path)


def uses_links(reports_dir: Path) -> bool:
    """Whether months in ``reports_dir`` are switched by link (see the module docstring).

    On POSIX, unless the file system refuses links (some network shares); never on
    Windows.
    """
    if not USE_LINKS:
        return False
    folder = reports_dir / VERSIONS if (reports_dir / VERSIONS).is_dir() else reports_dir
    probe = folder / f".probe-link-{os.getpid()}"
    try:
        _remove(probe)
        os.symlink(".", probe, target_is_directory=True)
    except (OSError, NotImplementedError):
        return False
    _remove(probe)
    return True


def discard(staged: Path) -> None:
    """Remove a ``.partial`` version after a failed build."""
    _remove(staged)


def recover(reports_dir: Path, links: bool | None = None) -> list[str]:
    """Tidy what an interrupted run left; put back a month a kill left unshown.

    Call only while holding the lock. Removes partial and retired versions, half-made
    links and temporary files. A month whose path is missing (a kill between the two
    renames of a Windows switch) or a dangling link gets its newest complete version.
    On POSIX, versions of a month other than the one its link shows are pruned. What
    ``reports_dir/<month>`` shows when it shows a complete month is never changed.

    Returns
    -------
    list of str
        The months put back.
    """
    links = uses_links(reports_dir) if links is None else links
    restored: list[str] = []
    if not reports_dir.is_dir():
        return restored
    from carelib import dates

    months = set()
    for entry in reports_dir.iterdir():
        name = entry.name
        if (
            LINK_INFIX in name
            or name.startswith(".probe-")
            or (name.startswith(".") and name.endswith(".tmp"))
        ):
            _remove(entry)
        elif dates.is_month(name):
            months.add(name)
    versions = reports_dir / VERSIONS
    if versions.is_dir():
        for entry in versions.iterdir():
            match = _VERSION.match(entry.name)
            if entry.name.startswith(".probe-"):
                _remove(entry)
            elif match:
                months.add(match.group(1))
                if match.group(3):
                    _remove(entry)  # .partial or .retired
    for month in sorted(months):
        stable = reports_dir / month
        if (stable / "index.html").is_file():
            if stable.is_symlink():
                _prune(reports_dir, month)
            continue
        complete = [p for _, s, p in _versions(reports_dir, month) if not s]
        complete = [p for p in complete if (p / "index.html").is_file()]
        if not complete:
            continue
        if links:
            tmp = reports_dir / f".{month}{LINK_INFIX}{os.getpid()}"
            os.symlink(_link_target(complete[-1]), tmp, target_is_directory=True)
            if stable.is_dir() and not stable.is_symlink():
                _remove(stable)  # a folder without its index page: not a publication
            os.replace(tmp, stable)
            _prune(reports_dir, month)
        else:
            if os.path.lexists(stable):
                _remove(stable)
            _rename(complete[-1], stable)
        restored.append(month)
    fault("recover")
    return restored


# --- Writing files ----------------------------------------------------------------------


def write_atomic(path: Path, text: str) -> None:
    """Write a text file so readers see the old or the new version, never half of one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        fault("write-tmp", tmp)
        _rename(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def posix(path: str | PurePath) -> str:
    """A relative path written with forward slashes, as ``manifest.json`` records paths.

    A string is read as a path of this platform (backslashes are separators on Windows
    only); a ``PureWindowsPath`` is converted on any platform.
    """
    return (path if isinstance(path, PurePath) else PurePath(path)).as_posix()


def write_manifest(folder: Path, manifest: dict) -> Path:
    """Write ``manifest.json`` into a version being built, with POSIX-style input paths."""
    fault("write-manifest", folder / "manifest.json")
    manifest = dict(manifest)
    if "inputs" in manifest:
        manifest["inputs"] = {posix(k): v for k, v in manifest["inputs"].items()}
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return path


# --- Readers: tolerant of every intermediate state --------------------------------------


def month_dir(reports_dir: Path, month: str) -> Path | None:
    """The folder holding ``month``'s published pages, or None when it is not published.

    ``reports_dir/month`` when it shows a month (the usual case); otherwise (only between
    the two renames of a Windows switch, or after a kill there) the newest complete
    version in ``.versions``.
    """
    stable = reports_dir / month
    if (stable / "index.html").is_file():
        return stable
    for _, suffix, path in reversed(_versions(reports_dir, month)):
        if not suffix and (path / "index.html").is_file():
            return path
    return None


def published_months(reports_dir: Path) -> list[str]:
    """Return the months published in ``reports_dir``, newest first."""
    from carelib import dates

    if not reports_dir.is_dir():
        return []
    names = {p.name for p in reports_dir.iterdir() if dates.is_month(p.name)}
    versions = reports_dir / VERSIONS
    if versions.is_dir():
        for entry in versions.iterdir():
            match = _VERSION.match(entry.name)
            if match and not match.group(3):
                names.add(match.group(1))
    return sorted((m for m in names if month_dir(reports_dir, m) is not None), reverse=True)


def read_manifest(month_folder: Path | None) -> dict:
    """Return a published month's run manifest (empty when absent or unreadable)."""
    if month_folder is None:
        return {}
    try:
        return json.loads((month_folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
