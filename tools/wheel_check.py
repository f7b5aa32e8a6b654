"""Install carelib from its wheel as a council's IT would, and run a month with it.

``make wheel-check`` (a full fresh install)::

    python tools/wheel_check.py --lock constraints.txt

builds the wheel, creates a fresh virtual environment, installs the wheel with its
dependencies pinned by the lock file, then, in a temporary folder outside the repository,
runs ``carelib init``, ``carelib demo-data`` and ``carelib report`` and checks the pages.
It prints the wheel's contents, the install time and the environment's size.

``make lowest`` runs only the month, with an interpreter that already has carelib::

    python tools/wheel_check.py --report-only --python .venv-lowest/bin/python

tests/test_wheel.py uses the same helpers with a quicker install (see there).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: What the wheel is built from (a copy, so the build leaves nothing in the repository).
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "carelib", "notebooks", "data_contracts")
MONTH = "2025-09"
PAGES = ("index.html", "workforce.html", "improvement_plan.html", "data_quality.html")


def build_wheel(out: Path, python: str = sys.executable) -> Path:
    """Build carelib's wheel into ``out`` from a copy of the sources; return its path.

    The build runs without isolation (setuptools and build come from ``python``'s
    environment: the dev extra), so it needs no network.
    """
    src = Path(tempfile.mkdtemp(prefix="carelib-src-"))
    try:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
        for name in SOURCES:
            path = ROOT / name
            if path.is_dir():
                shutil.copytree(path, src / name, ignore=ignore)
            else:
                shutil.copy2(path, src / name)
        out.mkdir(parents=True, exist_ok=True)
        _run([python, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(src)])
    finally:
        shutil.rmtree(src, ignore_errors=True)
    (wheel,) = out.glob("carelib-*.whl")
    return wheel


def wheel_contents(wheel: Path) -> list[str]:
    """The files in a wheel."""
    with zipfile.ZipFile(wheel) as archive:
        return sorted(archive.namelist())


def venv_python(folder: Path) -> Path:
    """The interpreter of the virtual environment in ``folder``."""
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def venv_script(folder: Path, name: str) -> Path:
    """A console script of the virtual environment in ``folder``."""
    return (
        folder
        / ("Scripts" if os.name == "nt" else "bin")
        / (f"{name}.exe" if os.name == "nt" else name)
    )


def site_packages(python: str | Path) -> Path:
    """The ``site-packages`` folder of an interpreter's environment."""
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(_run([str(python), "-c", code]).stdout.strip())


def folder_size(folder: Path) -> int:
    """Bytes of every file under ``folder`` (links not followed)."""
    total = 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            total += os.lstat(os.path.join(dirpath, name)).st_size
    return total


def clean_env() -> dict[str, str]:
    """Return this process's environment without anything that would point Python at the repo."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.pop("VIRTUAL_ENV", None)
    env["GX_ANALYTICS_ENABLED"] = "false"
    return env


def run_month(
    carelib: list[str], workdir: Path, init_args: tuple[str, ...] = (), before_report=None
) -> dict:
    """Run ``carelib init``, ``demo-data`` and ``report`` as a new user would.

    Parameters
    ----------
    carelib : list of str
        The command that runs carelib (its console script, or ``[python, "-m",
        "carelib"]``).
    workdir : Path
        A folder outside the repository; the project is made in ``workdir/council``.
    init_args : tuple of str
        Extra arguments for ``carelib init``.
    before_report : callable, optional
        Called with the project folder just before ``carelib report``.

    Returns
    -------
    dict
        ``project`` (the folder), ``seconds`` (per command) and ``results`` (the
        completed processes). Raises ``RuntimeError`` when a command fails.
    """
    project = workdir / "council"
    env = clean_env()
    steps = {
        "init": [*carelib, "init", str(project), *init_args],
        "demo-data": [*carelib, "demo-data"],
        "report": [*carelib, "report", "--month", MONTH],
    }
    seconds, results = {}, {}
    for step, cmd in steps.items():
        if step == "report" and before_report is not None:
            before_report(project)
        t = time.perf_counter()
        cwd = workdir if step == "init" else project
        results[step] = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
        seconds[step] = round(time.perf_counter() - t, 1)
        if results[step].returncode != 0:
            raise RuntimeError(
                f"carelib {step} exited {results[step].returncode}\n"
                f"stdout: {results[step].stdout}\nstderr: {results[step].stderr[-3000:]}"
            )
    missing = [p for p in PAGES if not (project / "reports" / MONTH / p).is_file()]
    if missing:
        raise RuntimeError(f"pages missing from {project / 'reports' / MONTH}: {missing}")
    return {"project": project, "seconds": seconds, "results": results}


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr[-3000:]}")
    return result


def full_check(lock: Path) -> None:
    """Build, install with the locked dependencies into a fresh venv, run a month, report."""
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="carelib-wheel-check-"))
    try:
        t = time.perf_counter()
        wheel = build_wheel(work / "dist")
        built = time.perf_counter() - t
        print(f"Built {wheel.name} in {built:.1f} s. Contents:")
        for name in wheel_contents(wheel):
            print(f"  {name}")
        env_dir = work / "venv"
        t = time.perf_counter()
        venv.create(env_dir, with_pip=True)
        python = str(venv_python(env_dir))
        _run([python, "-m", "pip", "install", "--quiet", "-c", str(lock), str(wheel)])
        install = time.perf_counter() - t
        print(f"Installed into {env_dir} in {install:.0f} s", flush=True)
        _run([python, "-m", "pip", "check"], cwd=work)
        code = "import carelib; print(carelib.__file__)"
        where = _run([python, "-c", code], cwd=work, env=clean_env()).stdout.strip()
        if not Path(where).is_relative_to(env_dir):
            raise RuntimeError(f"carelib imported from {where}, not the fresh environment")
        size = folder_size(env_dir)
        print(f"Checked in {time.perf_counter() - t - install:.0f} s", flush=True)
        month = run_month([str(venv_script(env_dir, "carelib"))], work)
        print(
            f"Fresh runtime-only environment (wheel + locked dependencies): installed in "
            f"{install:.0f} s, {size / 1e6:.0f} MB on disk."
        )
        print(
            "From a folder outside the repository: "
            + ", ".join(f"carelib {k} {v} s" for k, v in month["seconds"].items())
            + f"; pages in {month['project'] / 'reports' / MONTH}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"wheel-check took {time.perf_counter() - started:.0f} s in all")


def report_only(python: str) -> None:
    """Run a month with ``python``'s carelib from a folder outside the repository."""
    work = Path(tempfile.mkdtemp(prefix="carelib-month-check-"))
    try:
        month = run_month([python, "-m", "carelib"], work)
        print(f"{python}: " + ", ".join(f"carelib {k} {v} s" for k, v in month["seconds"].items()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lock", type=Path, default=ROOT / "constraints.txt")
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args(argv)
    try:
        if args.report_only:
            report_only(os.path.abspath(args.python))
        else:
            full_check(args.lock.resolve())
    except RuntimeError as exc:
        print(f"wheel check failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
