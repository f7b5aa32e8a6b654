"""The Python API for schedulers: :func:`build_reports` and :func:`validate_month`.

The ``carelib`` command is a thin layer over these two functions: they load and check
the configuration, resolve the month, check everything that could otherwise only fail
inside a notebook (the Jupyter kernel, the benchmarks files, the settings that depend on
the month) before any kernel starts, run the build, and write the run log. A failure is
raised as a typed :class:`carelib.errors.CarelibError` whose ``exit_code`` is the
command's. Library use never touches the process's own stdout or stderr file descriptors.

Examples
--------
>>> import carelib
>>> result = carelib.build_reports(month="previous", config="carelib.toml")  # doctest: +SKIP
>>> result.published, result.exit_code  # doctest: +SKIP
(['2025-09'], 0)
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from carelib import __version__, dates, runlog
from carelib.errors import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    CarelibError,
    ConfigError,
    DataInvalid,
    MonthNotAvailable,
    OutputError,
    ReportsLocked,
    UnexpectedError,
    UsageError,
)

MONTH_WORDS = ("latest", "previous", "all")


@dataclass
class BuildResult:
    """What :func:`build_reports` did.

    Attributes
    ----------
    months : list of str
        The months the run was asked to build (``latest`` and so on resolved).
    published, skipped, failed : list of str
        Months published, skipped because their inputs were unchanged, and failed.
    pages : dict
        Month -> the paths of its pages (``index.html`` first), for each month now
        published (including skipped months, whose pages were already there).
    reports_dir : Path
        The reports folder; ``reports_dir / "index.html"`` lists every month.
    exit_code : int
        0 when every month was published or skipped, else the failure's code.
    error : str or None
        The failure's message.
    seconds : float
        Wall time of the run.
    """

    months: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    pages: dict[str, list[Path]] = field(default_factory=dict)
    reports_dir: Path | None = None
    exit_code: int = EXIT_OK
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the run ended with exit code 0."""
        return self.exit_code == EXIT_OK

    def to_json(self) -> dict:
        """Return the result as plain JSON values."""
        return {
            "months": self.months,
            "published": self.published,
            "skipped": self.skipped,
            "failed": self.failed,
            "pages": {m: [str(p) for p in paths] for m, paths in self.pages.items()},
            "reports_dir": str(self.reports_dir) if self.reports_dir else None,
            "exit_code": self.exit_code,
            "error": self.error,
            "seconds": round(self.seconds, 3),
        }


# --- Settings ----------------------------------------------------------------------------


def load_config(config=None, *, required: bool = True):
    """Return a validated :class:`carelib.config.Config`.

    Parameters
    ----------
    config : path, Config or None
        A file, an already loaded config, or None for ``./carelib.toml``.
    required : bool
        With ``config=None``, whether ``./carelib.toml`` must exist.

    Raises
    ------
    ConfigError
        When the file is missing (suggesting ``carelib init``) or invalid.
    """
    from carelib import config as config_module

    if isinstance(config, config_module.Config):
        return config
    return config_module.load(config, required=required)


def resolve_months(spec: str, data_dir: Path) -> list[str]:
    """Turn ``YYYY-MM``, ``latest``, ``previous`` or ``all`` into months with data.

    ``previous`` is the calendar month before today (:func:`carelib.dates.today`, which
    ``CARELIB_TODAY`` overrides): what a scheduler means by "last month". ``latest`` is
    the newest month folder.

    Raises
    ------
    UsageError
        When the data folder is missing, or ``spec`` is not a month.
    MonthNotAvailable
        When ``previous``'s folder (or that of a month later than every folder) is not
        there yet, or the data folder has no month at all.
    """
    from carelib import loading

    spec = str(spec).strip()
    if not data_dir.is_dir():
        raise UsageError(f"data folder {data_dir} does not exist")
    if spec not in MONTH_WORDS and not dates.is_month(spec):
        raise UsageError(f"month {spec!r}: write YYYY-MM, latest, previous or all")
    available = loading.available_months(data_dir)
    if not available:
        raise MonthNotAvailable(
            f"no month folders (YYYY-MM) in {data_dir}: the data is not there yet"
        )
    if spec == "all":
        return available
    if spec == "latest":
        return [available[-1]]
    if spec == "previous":
        try:
            month = dates.previous_month()
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    else:
        month = spec
    if month in available:
        return [month]
    if month > available[-1]:
        asked = f" (the month before {dates.long_date(dates.today())})" * (spec == "previous")
        raise MonthNotAvailable(
            f"{month}{asked}: the month's data is not there yet (no folder "
            f"{data_dir / month}; the newest is {available[-1]})"
        )
    raise UsageError(
        f"no data folder for {month} in {data_dir} (months there: {available[0]} to "
        f"{available[-1]}, {len(available)} folders)"
    )


def check_kernel(name: str) -> None:
    """Check that a Jupyter kernel called ``name`` is installed (``run.kernel_name``).

    Raises
    ------
    ConfigError
        Naming the installed kernels and how to install one.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    try:
        manager.get_kernel_spec(name)
    except NoSuchKernel:
        installed = ", ".join(sorted(manager.find_kernel_specs())) or "none"
        raise ConfigError(
            f"config key run.kernel_name: no Jupyter kernel called {name!r} is installed "
            f"(installed: {installed}); install it with `python -m ipykernel install "
            f'--sys-prefix --name {name}` or set kernel_name = "python3"'
        ) from None


def check_benchmarks(cfg) -> None:
    """Read the configured DfE benchmarks files now, rather than inside a notebook.

    Raises
    ------
    ConfigError
        Naming the key of a missing file, or of one that is not the DfE file.
    """
    from carelib import benchmarks

    readers = {
        "statistical_neighbours_file": benchmarks.read_statistical_neighbours,
        "csww_indicators": benchmarks.read_csww,
    }
    for key, reader in readers.items():
        if not cfg["benchmarks"][key].strip():
            continue
        path = cfg.resolve(cfg["benchmarks"][key])
        if not path.is_file():
            raise ConfigError(f"config key benchmarks.{key}: {path} does not exist")
        try:
            table = reader(path)
        except Exception as exc:  # any parse failure means "not the DfE file"
            raise ConfigError(
                f"config key benchmarks.{key}: {path} cannot be read as DfE's file "
                f"({type(exc).__name__}: {exc}); download it again from Explore "
                "Education Statistics, or leave the key empty to use the data shipped "
                "with carelib"
            ) from None
        if len(table) == 0:
            raise ConfigError(f"config key benchmarks.{key}: {path} has no rows")
    if cfg["benchmarks"]["csww_indicators"].strip():
        bench = benchmarks.load_benchmarks(cfg)
        if not bench.available("england"):
            raise ConfigError(
                "config key benchmarks.csww_indicators: the file has no England "
                f"({benchmarks.COLUMNS['agency_rate']}) figures; is it DfE's indicators file?"
            )


def _jobs(jobs: int | None, cfg) -> int:
    jobs = cfg["run"]["jobs"] if jobs is None else jobs
    cores = os.cpu_count() or 1
    if not isinstance(jobs, int) or not 1 <= jobs <= cores:
        raise UsageError(f"jobs (--jobs) must be 1 to {cores}, the cores this machine has")
    return jobs


def _notebooks(notebooks, cfg) -> Path:
    from carelib import notebook_pages, runner

    folder = Path(notebooks) if notebooks else runner.default_notebooks_dir(cfg)
    try:  # every NN_name.ipynb there is a page
        found = notebook_pages.discover(folder)
    except notebook_pages.NotebookPagesError as exc:
        raise UsageError(str(exc)) from None
    if not found:
        raise UsageError(f"no report notebook (NN_name.ipynb) in {folder}")
    return folder


# --- Building ---------------------------------------------------------------------------


def build_reports(
    month: str = "latest",
    data: str | Path | None = None,
    out: str | Path | None = None,
    config=None,
    publication: bool = False,
    force: bool = False,
    jobs: int | None = None,
    *,
    notebooks: str | Path | None = None,
    log_file: str | Path | None = None,
    quiet: bool = True,
) -> BuildResult:
    """Validate and build the month's reports, and publish them.

    Parameters
    ----------
    month : str
        ``YYYY-MM``, ``latest`` (the newest month folder), ``previous`` (the calendar
        month before today) or ``all``.
    data, out : path, optional
        The data and reports folders; by default ``paths.data`` and ``paths.reports``
        of the config (``data`` and ``reports`` beside it).
    config : path or Config, optional
        The configuration; by default ``./carelib.toml``, which must exist.
    publication : bool
        Publication mode (also on when ``publication.enabled`` is true).
    force : bool
        Rebuild months whose inputs are unchanged.
    jobs : int, optional
        Months built in parallel (``run.jobs`` by default; at most the machine's cores).
    notebooks : path, optional
        A folder of customised report notebooks (default: carelib's own).
    log_file : path, optional
        Append the run's events as JSON lines (default: ``run.log_file``, if set).
    quiet : bool
        Print no progress lines (on ``sys.stderr``); events still go to the log.

    Returns
    -------
    BuildResult
        The months published and skipped, their pages and the exit code (0).

    Raises
    ------
    CarelibError
        A subclass per outcome, with ``exit_code`` and ``result`` (what was done before
        the failure): :class:`DataInvalid` (1), :class:`UsageError`,
        :class:`ConfigError` or :class:`ReportsLocked` (2), :class:`NotebookFailed` (3),
        :class:`MonthNotAvailable` (4), :class:`OutputError` (5), :class:`UnexpectedError`
        (70). KeyboardInterrupt is not caught.
    """
    started = time.perf_counter()
    result = BuildResult()
    with contextlib.ExitStack() as logs:  # the run log stays open until the very end
        log = logs.enter_context(runlog.to_file(log_file))
        try:
            cfg = load_config(config)
            if log is None:
                log = logs.enter_context(runlog.to_file(cfg.log_file))
            _build(cfg, month, data, out, publication, force, jobs, notebooks, log, quiet, result)
        except BaseException as exc:
            error = _as_carelib_error(exc, result)
            result.exit_code = error.exit_code if error else EXIT_INTERRUPTED
            result.error = str(error or "interrupted")
            result.seconds = time.perf_counter() - started
            fields = (
                {"traceback": traceback.format_exc()} if isinstance(error, UnexpectedError) else {}
            )
            _finished(result, **fields)
            if error is None or error is exc:
                raise
            raise error from exc
    result.seconds = time.perf_counter() - started
    return result


def _build(cfg, month, data, out, publication, force, jobs, notebooks, log, quiet, result):
    from carelib import config as config_module
    from carelib import runner

    data_dir = Path(data) if data else cfg.data_dir
    reports_dir = Path(out) if out else cfg.reports_dir
    result.reports_dir = reports_dir
    publication = bool(publication or cfg["publication"]["enabled"])
    runlog.event(
        "run_started",
        command="report",
        month=month,
        data=str(data_dir),
        reports=str(reports_dir),
        config=str(cfg.path) if cfg.path else None,
        publication=publication,
        force=force,
        carelib_version=__version__,
    )
    months = resolve_months(month, data_dir)
    result.months = list(months)
    jobs = _jobs(jobs, cfg)
    for m in months:
        config_module.check_month(cfg, m)
    if publication:
        config_module.check_publication(cfg)
    check_kernel(cfg["run"]["kernel_name"])
    check_benchmarks(cfg)
    opts = runner.RunOptions(
        config=cfg,
        data_dir=data_dir,
        reports_dir=reports_dir,
        notebooks_dir=_notebooks(notebooks, cfg),
        publication=publication,
        force=force,
        kernel_name=cfg["run"]["kernel_name"],
        jobs=jobs,
        quiet=quiet,
        log_file=log,
    )
    done: list = []
    try:
        runner.run(months, opts, done)
    finally:
        _record(done, result, reports_dir, opts.notebooks_dir)
    _finished(result)


def _record(done, result: BuildResult, reports_dir: Path, notebooks_dir: Path) -> None:
    from carelib import notebook_pages

    names = notebook_pages.month_files(notebook_pages.discover(notebooks_dir))
    for month_result in sorted(done, key=lambda r: r.month):
        month = month_result.month
        (result.published if month_result.status == "published" else result.skipped).append(month)
        result.pages[month] = [month_result.path / name for name in names]
        if month_result.status == "published":
            runlog.event(
                "month_published",
                month=month,
                path=str(month_result.path),
                seconds=round(month_result.seconds, 3),
                warnings=month_result.warnings,
            )
        else:
            runlog.event(
                "month_skipped",
                month=month,
                reason="unchanged",
                path=str(month_result.path),
                seconds=round(month_result.seconds, 3),
            )
    result.failed = [m for m in result.months if m not in result.published + result.skipped]


def _finished(result: BuildResult, **fields) -> None:
    runlog.event(
        "run_finished",
        exit_code=result.exit_code,
        published=result.published,
        skipped=result.skipped,
        failed=result.failed if result.exit_code else [],
        reason=result.error,
        **fields,
    )


def _as_carelib_error(exc: BaseException, result: BuildResult) -> CarelibError | None:
    """Return the typed error for ``exc`` (None for an interrupt), with ``result`` set."""
    from carelib import errors, publish, runner

    if isinstance(exc, KeyboardInterrupt | SystemExit):
        return None
    if isinstance(exc, CarelibError):
        error = exc
    elif isinstance(exc, runner.RunFailure):
        error = errors.BY_EXIT_CODE.get(exc.exit_code, UnexpectedError)(str(exc))
    elif isinstance(exc, getattr(sys.modules.get("carelib.contracts"), "ContractError", ())):
        error = UsageError(str(exc))
    elif isinstance(exc, getattr(sys.modules.get("carelib.loading"), "DataError", ())):
        # a month folder or file cannot be used at all
        error = DataInvalid(f"{exc}\nNothing was published.")
    elif isinstance(exc, publish.LockHeld):
        error = ReportsLocked(str(exc))
    elif isinstance(exc, OSError) and _under(exc, result.reports_dir):
        error = OutputError(
            f"the reports folder {result.reports_dir} cannot be written ({exc}); nothing "
            "more was published"
        )
    else:
        error = UnexpectedError(
            f"unexpected error (a bug in carelib, please report it): {type(exc).__name__}: {exc}"
        )
    error.result = result
    if not result.failed and result.months:
        done = set(result.published + result.skipped)
        result.failed = [m for m in result.months if m not in done][:1]
    return error


def _under(exc: OSError, folder: Path | None) -> bool:
    if folder is None or not exc.filename:
        return False
    try:
        Path(exc.filename).resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


# --- Validating -------------------------------------------------------------------------


def validate_month(
    month: str = "latest",
    data: str | Path | None = None,
    config=None,
    *,
    raise_on_error: bool = True,
):
    """Check a month's data against the data contracts.

    Parameters
    ----------
    month : str
        ``YYYY-MM``, ``latest`` or ``previous`` (as for :func:`build_reports`).
    data : path, optional
        The data folder (default: ``paths.data`` of the config).
    config : path or Config, optional
        The configuration; by default ``./carelib.toml``, which must exist unless
        ``data`` is given (checking data needs no council settings).
    raise_on_error : bool
        Raise :class:`DataInvalid` when the data has errors (else just return the report).

    Returns
    -------
    carelib.validation.ValidationReport
        Every check with its file, column, rows and values.

    Raises
    ------
    DataInvalid
        With the report as ``report`` (unless ``raise_on_error`` is False).
    UsageError, ConfigError, MonthNotAvailable
        As for :func:`build_reports`.
    """
    from carelib import contracts, history_validation
    from carelib.loading import DataError

    cfg = load_config(config, required=data is None)
    data_dir = Path(data) if data else cfg.data_dir
    if month == "all":
        raise UsageError("validate one month at a time: YYYY-MM, latest or previous")
    try:
        (resolved,) = resolve_months(month, data_dir)
        cache = history_validation.cache_dir(cfg.reports_dir, data_dir)
        # The month and every earlier one: a figure may read any of them.
        report = history_validation.validate_upto(data_dir, resolved, cache_dir=cache, config=cfg)
    except DataError as exc:
        raise DataInvalid(f"{exc}\nNothing was published.") from exc
    except contracts.ContractError as exc:
        raise ConfigError(str(exc)) from exc
    if report.has_errors and raise_on_error:
        raise DataInvalid(f"{resolved}: the data is not valid.\n{report.to_text()}", report=report)
    return report


def agency_return(quarter: str, data: str | Path | None = None, config=None, out=None) -> Path:
    """Write the quarter's DfE return on agency social workers as a CSV.

    Built from the same validated data the pages read (:mod:`carelib.agency_return`),
    checked before it is written (columns, types, totals against the compliance rows)
    and written atomically. Never written under the data folder.

    Parameters
    ----------
    quarter : str
        ``YYYY-Qn`` (calendar quarters: ``2025-Q3`` is July to September 2025).
    data : path, optional
        The data folder (default: ``paths.data`` of the config).
    config : path or Config, optional
        The configuration (default ``./carelib.toml``, which must exist unless ``data``
        is given).
    out : path, optional
        The CSV to write (default ``agency_return_<quarter>.csv`` in the current folder).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UsageError
        A quarter not written ``YYYY-Qn``, or ``out`` inside the data folder.
    MonthNotAvailable
        A month of the quarter has no data folder or no ``agency_assignments`` file.
    DataInvalid
        The data up to the quarter's last month is not valid.
    UnexpectedError
        The built return fails its own checks (nothing is written).
    """
    from carelib import agency_return as agency
    from carelib import agency_rules, loading, publish, reports_folder

    cfg = load_config(config, required=data is None)
    data_dir = Path(data) if data else cfg.data_dir
    try:
        which = agency.quarter(quarter)
    except ValueError as exc:
        raise UsageError(f"--quarter: {exc}") from None
    target = Path(out) if out else Path.cwd() / f"agency_return_{which.label}.csv"
    if reports_folder.is_inside(target, data_dir):
        raise UsageError(
            f"{target} is inside the data folder {data_dir}: carelib never writes there "
            "(choose another --out)"
        )
    for month in which.months:
        if not (data_dir / month).is_dir():
            raise MonthNotAvailable(f"{month} has no data folder in {data_dir} yet")
        if loading.find_file(data_dir / month, "agency_assignments") is None:
            raise MonthNotAvailable(
                f"the {which.label} return needs agency_assignments.csv (or .xlsx) for every "
                f"month of the quarter: {month} has none in {data_dir / month}"
            )
    validate_month(which.months[-1], data=data_dir, config=cfg)
    history = loading.load_history(data_dir, which.months[-1], n_months=3)
    frame = agency.build(
        agency.months_from_history(history, which),
        which,
        agency_rules.settings(cfg["agency"]),
        cfg["council"]["la_code"],
    )
    problems = agency.check(frame)
    if problems:
        raise UnexpectedError(
            f"the {which.label} return failed its checks, so nothing was written:\n  "
            + "\n  ".join(problems)
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    publish.write_atomic(target, agency.csv_text(frame))
    return target
