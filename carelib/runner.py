"""The monthly run: validate, execute the report notebooks, export HTML, publish.

Everything happens in one Python process through the libraries' APIs (never their
command-line tools): great_expectations is imported once, suites are built once, each
notebook runs top to bottom in a fresh kernel via papermill, and nbconvert exports it
through carelib's template. A month's notebooks run side by side while its data is
validated; nothing is published unless validation passed and every page succeeded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from carelib import (
    __version__,
    dates,
    fingerprints,
    loading,
    notebook_pages,
    overview,
    pages,
    privacy,
    publish,
    resources,
    runlog,
)
from carelib.config import Config

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_NOTEBOOK = 0, 1, 2, 3
#: The reports folder cannot be written (read-only, full, a file, a file held open).
EXIT_OUTPUT = 5


class RunFailure(Exception):
    """A month could not be published; ``exit_code`` says why."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code

    def __reduce__(self):
        # Raised in a --jobs worker process, it crosses back to the parent by pickle.
        return (type(self), (str(self), self.exit_code))


@dataclass
class RunOptions:
    """Settings of one ``carelib report`` run."""

    config: Config
    data_dir: Path
    reports_dir: Path
    notebooks_dir: Path
    publication: bool = False
    force: bool = False
    kernel_name: str = "python3"
    jobs: int = 1
    quiet: bool = False
    #: Run a month's notebooks side by side (True), one after the other (False), or
    #: choose (None): side by side, except in ``jobs > 1`` worker processes when there
    #: are fewer cores than kernels.
    notebooks_in_parallel: bool | None = None
    #: Append the run's events to this file as JSON lines (see :mod:`carelib.runlog`).
    log_file: Path | None = None


@dataclass
class MonthResult:
    """The outcome of building one month."""

    month: str
    status: str  # published | skipped
    path: Path
    durations: dict[str, float] = field(default_factory=dict)
    warnings: int = 0
    seconds: float = 0.0


def default_notebooks_dir(config: Config | None = None) -> Path:
    """The report notebooks a run uses when ``--notebooks`` is not given.

    A council project folder (the folder of ``config``'s file) with its own
    ``notebooks/`` holding any report notebook, ``NN_name.ipynb`` (``carelib init
    --with-notebooks`` copies the packaged ones there to adapt), uses those; otherwise
    the notebooks shipped in the package. Every ``NN_name.ipynb`` in the folder is a
    page (see :mod:`carelib.notebook_pages`).

    Parameters
    ----------
    config : Config, optional
        The run's configuration; without one (or with defaults only), the packaged
        notebooks.
    """
    if config is not None and config.path is not None:
        own = config.base_dir / "notebooks"
        if notebook_pages.page_notebooks(own):
            return own
    return resources.notebooks_dir()


# --- Fingerprints and manifests (see carelib.fingerprints) ------------------------------

fingerprint = fingerprints.fingerprint
input_files = fingerprints.input_files
package_versions = fingerprints.package_versions
KEY_PACKAGES = fingerprints.KEY_PACKAGES


def is_current(opts: RunOptions, month: str, digest: str) -> bool:
    """Whether ``month`` is published from exactly these inputs, config and version."""
    folder = publish.month_dir(opts.reports_dir, month)
    manifest = publish.read_manifest(folder)
    return manifest.get("fingerprint") == digest and all(
        (folder / name).is_file() for name in notebook_pages.month_files(report_pages(opts))
    )


def report_pages(opts: RunOptions) -> list[notebook_pages.NotebookPage]:
    """The pages the run's notebooks make, in navigation order (exit 2 if none or bad)."""
    try:
        found = notebook_pages.discover(opts.notebooks_dir)
    except notebook_pages.NotebookPagesError as exc:
        raise RunFailure(str(exc), EXIT_USAGE) from None
    if not found:
        raise RunFailure(f"no report notebook (NN_name.ipynb) in {opts.notebooks_dir}", EXIT_USAGE)
    return found


# --- Notebook execution and export ---------------------------------------------------


def check_parameters(notebook: Path, parameters: dict) -> None:
    """Reject parameters the notebook does not declare (papermill only warns).

    papermill reads the declarations without a kernel; :func:`build_month` checks every
    notebook of the month before it starts any kernel.
    """
    import papermill

    declared = set(papermill.inspect_notebook(str(notebook)))
    unknown = sorted(set(parameters) - declared)
    if unknown:
        raise RunFailure(
            f"{notebook.name} does not declare the parameter(s) {', '.join(unknown)} "
            f"(it declares: {', '.join(sorted(declared)) or 'none'}); the monthly run "
            f"passes {', '.join(parameters)}: declare them in its first code cell, tagged "
            "`parameters`",
            EXIT_USAGE,
        )


def execute(notebook: Path, out: Path, parameters: dict, opts: RunOptions, kernel_manager=None):
    """Execute one notebook top to bottom in a fresh kernel; return the executed notebook.

    ``kernel_manager`` is the jupyter_client kernel manager class to start it with (see
    :func:`_kernel_stderr`); by default nbclient's own.
    """
    import papermill

    check_parameters(notebook, parameters)
    extra = {"kernel_manager_class": kernel_manager} if kernel_manager else {}
    return papermill.execute_notebook(
        str(notebook),
        str(out),
        parameters=parameters,
        kernel_name=opts.kernel_name,
        # The kernel starts in the notebook's folder. Not papermill's ``cwd``: that
        # changes this whole process's working directory while the notebook runs, under
        # the feet of the other threads (validation reads files meanwhile).
        resources={"metadata": {"path": str(notebook.parent)}},
        progress_bar=False,
        log_output=False,
        request_save_on_cell_execute=False,
        # Every output has arrived when the last cell replies: stop the kernel at once
        # rather than wait half a second or more for a graceful shutdown.
        shutdown_kernel="immediate",
        **extra,
    )


_exporter = None


def _page_exporter_class():
    """HTMLExporter without its closing BeautifulSoup pass (see ``from_notebook_node``)."""
    from nbconvert import HTMLExporter

    class PageExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter ends by parsing its whole output with BeautifulSoup to give
            # images without alt text a placeholder and JupyterLab's cell wrappers a
            # tabindex, then writes it out again: most of the export time of a page full
            # of charts. carelib's template writes every alt text itself and has no such
            # wrappers, so the pass only re-spells entities; the same steps without it
            # (tests/test_runner.py checks the result matches the stock exporter's):
            try:
                from nbconvert.exporters.templateexporter import TemplateExporter
                from nbconvert.filters.highlight import Highlight2HTML
                from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

                lang = nb.metadata.get("language_info", {})
                lexer = lang.get("pygments_lexer", lang.get("name", None))
                self.register_filter(
                    "highlight_code",
                    self.filters.get(
                        "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
                    ),
                )
                resources = self._init_resources(resources)
                self.register_filter(
                    "filter_data_type",
                    WidgetsDataTypeFilter(
                        notebook_metadata=self._nb_metadata, parent=self, resources=resources
                    ),
                )
            except (ImportError, AttributeError, TypeError):  # another nbconvert: stock path
                return super().from_notebook_node(nb, resources, **kw)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return PageExporter


def exporter(stock: bool = False):
    """Return the HTML exporter (built once per process) using carelib's template.

    Parameters
    ----------
    stock : bool
        Build a fresh, unmodified ``HTMLExporter`` instead (for comparison in tests).
    """
    global _exporter
    if _exporter is None or stock:
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import TagRemovePreprocessor

        templates = resources.templates_dir()
        exp = (HTMLExporter if stock else _page_exporter_class())(
            template_name="carelib",
            extra_template_basedirs=[str(templates)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        exp.register_preprocessor(
            TagRemovePreprocessor(remove_cell_tags={"remove_cell"}, enabled=True), enabled=True
        )
        if stock:
            return exp
        _exporter = exp
    return _exporter


def headlines_of(nb) -> dict:
    """Collect the headline items a notebook handed over (see ``ReportContext.headlines``)."""
    from carelib.notebook import HEADLINES_MIMETYPE

    found: dict = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if HEADLINES_MIMETYPE in data:
                found.update(data[HEADLINES_MIMETYPE])
    return found


def strip_headlines(nb) -> None:
    """Remove the hand-over outputs so the audit notebook holds only what readers saw."""
    from carelib.notebook import HEADLINES_MIMETYPE

    for cell in nb.cells:
        if cell.get("outputs"):
            cell["outputs"] = [
                o for o in cell["outputs"] if HEADLINES_MIMETYPE not in o.get("data", {})
            ]


# --- Building one month ----------------------------------------------------------------


def _log(opts: RunOptions, text: str) -> None:
    if not opts.quiet:
        print(text, file=sys.stderr, flush=True)


def build_month(month: str, opts: RunOptions, validator=None) -> MonthResult:
    """Build and publish one month (the caller holds the reports lock).

    The month's notebooks start first, each in its own kernel (side by side, or one after
    the other when ``opts.notebooks_in_parallel`` is False); meanwhile this process
    validates the data and exports each notebook as soon as it has run. Pages are
    published only when validation passed and every notebook succeeded; invalid data
    stops the month's kernels as soon as validation has found it.

    Parameters
    ----------
    month : str
        The month, ``YYYY-MM``.
    opts : RunOptions
        The run's settings.
    validator : carelib.contracts.Validator, optional
        The validator to use; by default this process's shared one, created (which
        imports great_expectations) once the month's kernels are starting, so that the
        import overlaps their work.

    Raises
    ------
    RunFailure
        With exit code 1 (data invalid), 2 (usage) or 3 (a notebook failed or personal
        data was found in the output). Nothing is published and previously published
        reports are untouched.
    """
    from carelib import history_validation, validation

    started = time.perf_counter()
    digest, checksums = fingerprint(opts, month)  # once per month: it reads every input
    if not opts.force and is_current(opts, month, digest):
        return MonthResult(
            month, "skipped", opts.reports_dir / month, seconds=time.perf_counter() - started
        )

    durations: dict[str, float] = {}
    generated_at = dt.datetime.now().replace(microsecond=0)
    stage = publish.staging_dir(opts.reports_dir, month)
    executed_dir = stage / "executed"
    executed_dir.mkdir()
    try:
        parameters = {
            "month": month,
            "data_dir": str(opts.data_dir.resolve()),
            "config_path": str(opts.config.path) if opts.config.path else "",
            "output_dir": str(stage.resolve()),
            "publication": bool(opts.publication),
        }
        found = report_pages(opts)
        page_of = {page.path: page for page in found}
        notebooks = [page.path for page in found]
        for nb_path in notebooks:  # all of them before any kernel starts
            check_parameters(nb_path, parameters)
        cfg = opts.config
        page_info = {
            "council": cfg["council"]["name"],
            "month": month,
            "generated_at": generated_at,
            "data_period": _data_period(opts.data_dir, month),
            "marking": cfg["publication"]["marking"] if opts.publication else None,
            "report_pages": tuple((p.filename, p.title) for p in found),
        }

        t0 = time.perf_counter()
        in_parallel = opts.notebooks_in_parallel
        workers = len(notebooks) if in_parallel or in_parallel is None else 1
        with (
            _kernel_stderr() as (kernel_log, manager),
            ThreadPoolExecutor(max_workers=workers) as pool,
        ):
            futures = {
                pool.submit(
                    _timed_execute, nb_path, executed_dir / nb_path.name, parameters, opts, manager
                ): nb_path
                for nb_path in notebooks
            }
            # Meanwhile this thread imports great_expectations (first month of the
            # process only), validates the month, and readies the exporter.
            t = time.perf_counter()
            if validator is None:
                validator = shared_validator()
                durations["validator_setup"] = round(time.perf_counter() - t, 3)
            t = time.perf_counter()
            report = history_validation.validate_upto(  # this month and every earlier one
                opts.data_dir,
                month,
                validator=validator,
                cache_dir=history_validation.cache_dir(opts.reports_dir, opts.data_dir),
                config=opts.config,
            )
            durations["validate"] = round(time.perf_counter() - t, 3)
            runlog.event(
                "month_validated",
                month=month,
                checks=len(report.checks),
                errors=len(report.errors),
                warnings=len(report.warnings),
                seconds=durations["validate"],
            )
            if report.has_errors:
                _stop_kernels(manager)  # their pages would never be published
            else:
                exporter()
            # Export each notebook as soon as it has run, while the other may still run.
            outcomes: dict[Path, object] = {}
            exported: dict[Path, dict] = {}
            export_seconds = 0.0
            for fut in as_completed(futures):
                nb_path = futures[fut]
                try:
                    outcomes[nb_path] = fut.result()
                except Exception as exc:  # reported below, after validation's verdict
                    outcomes[nb_path] = exc
                    continue
                if report.has_errors or any(isinstance(o, Exception) for o in outcomes.values()):
                    continue  # nothing will be published: do not spend time on pages
                t = time.perf_counter()
                exported[nb_path] = _export_page(
                    page_of[nb_path], outcomes[nb_path][0], stage, page_info
                )
                export_seconds += time.perf_counter() - t
                runlog.event(
                    "page_built",
                    month=month,
                    page=page_of[nb_path].filename,
                    seconds=round(outcomes[nb_path][1] + time.perf_counter() - t, 3),
                )
            sys.stderr.flush()
            kernel_chatter = kernel_log.read_text(encoding="utf-8", errors="replace")
        durations["notebooks_wall"] = round(time.perf_counter() - t0, 3)

        if report.has_errors:
            raise RunFailure(
                f"{month}: the data is not valid, so no report was published.\n" + report.to_text(),
                EXIT_INVALID,
            )
        for nb_path in notebooks:
            outcome = outcomes[nb_path]
            if isinstance(outcome, RunFailure):
                raise outcome
            if isinstance(outcome, Exception) and publish.output_fault(outcome, opts.reports_dir):
                raise RunFailure(publish.output_fault(outcome, opts.reports_dir), EXIT_OUTPUT)
            if isinstance(outcome, Exception):
                kept = _keep_failed(opts, month, executed_dir / nb_path.name)
                detail = _describe(outcome)
                if type(outcome).__name__ != "PapermillExecutionError" and kernel_chatter:
                    detail += "\nKernel messages:\n" + kernel_chatter[-1500:]
                raise RunFailure(
                    f"{month}: notebook {nb_path.name} failed, so nothing was published for "
                    f"this month.\n{detail}\nThe notebook with the error is kept "
                    f"at {kept}",
                    EXIT_NOTEBOOK,
                )

        t = time.perf_counter()
        headlines: dict = {}
        for nb_path in notebooks:
            durations[f"execute:{nb_path.name}"] = outcomes[nb_path][1]
            headlines.update(exported[nb_path])
        # Free text the pages may show: the reporting month as read (validated above).
        personal = privacy.personal_data_checks(loading.load_month(opts.data_dir, month))
        report.checks += personal
        threshold = cfg["publication"]["threshold"] if opts.publication else None
        quality = validation.quality_page(report, threshold)
        info = pages.PageInfo(title="Data quality", filename="data_quality.html", **page_info)
        (stage / "data_quality.html").write_text(pages.render(quality, info), encoding="utf-8")
        counts = {
            "checks": len(report.checks),
            "errors": len(report.errors),
            "warnings": len(report.warnings),
        }
        info = pages.PageInfo(title="Monthly report", filename="index.html", **page_info)
        (stage / "index.html").write_text(
            pages.render(
                overview.month_body(
                    month, headlines, counts, [(p.filename, p.title, p.description) for p in found]
                ),
                info,
            ),
            encoding="utf-8",
        )
        durations["export"] = round(export_seconds + time.perf_counter() - t, 3)

        t = time.perf_counter()
        # Every worker id in the data, any month (this one included): a former leaver
        # is personal data too.
        ids = privacy.data_worker_ids(opts.data_dir)
        leaks = privacy.scan(stage, ids)
        durations["privacy_scan"] = round(time.perf_counter() - t, 3)
        hits = [c.sentence() for c in personal if c.failed]
        if hits and opts.publication:
            raise RunFailure(
                f"{month}: free text looks like it holds personal data, so nothing was "
                "published (publication mode):\n  " + "\n  ".join(hits),
                EXIT_NOTEBOOK,
            )
        for sentence in hits:
            _log(opts, f"{month}: WARNING {sentence}")
        if leaks:
            listed = "; ".join(
                f"{leak.path.relative_to(stage)} ({leak.count} time(s))" for leak in leaks[:5]
            )
            raise RunFailure(
                f"{month}: a worker identifier appears in the output, so nothing was "
                f"published (personal data must never leave in a report): {listed}",
                EXIT_NOTEBOOK,
            )

        durations["total"] = round(time.perf_counter() - started, 3)
        manifest = {
            "month": month,
            "fingerprint": digest,
            "generated_at": generated_at.isoformat(),
            "carelib_version": __version__,
            "packages": package_versions(),
            "publication": bool(opts.publication),
            "kernel_name": opts.kernel_name,
            "inputs": checksums,
            "validation": counts,
            "pages": notebook_pages.manifest_entries(found),
            "durations_seconds": durations,
        }
        publish.write_manifest(stage, manifest)
        target = publish.swap_in(stage, opts.reports_dir, month)
        return MonthResult(
            month,
            "published",
            target,
            durations,
            counts["warnings"],
            seconds=time.perf_counter() - started,
        )
    except BaseException as exc:
        publish.discard(stage)
        runlog.event(
            "month_failed",
            month=month,
            exit_code=getattr(exc, "exit_code", None),
            reason=str(exc).split("\n", 1)[0] or type(exc).__name__,
            seconds=round(time.perf_counter() - started, 3),
        )
        raise


def _export_page(page, nb, stage: Path, page_info: dict) -> dict:
    """Write a run notebook's page and its audit copy; return the headlines it handed over."""
    import nbformat

    headlines = headlines_of(nb)
    strip_headlines(nb)
    # The layout prints the title as the page's h1: the notebook's own goes.
    body, _ = exporter().from_notebook_node(notebook_pages.without_title(nb))
    info = pages.PageInfo(title=page.title, filename=page.filename, **page_info)
    (stage / page.filename).write_text(pages.render(body, info), encoding="utf-8")
    nbformat.write(nb, str(stage / "executed" / page.notebook))
    return headlines


@contextlib.contextmanager
def _kernel_stderr():
    """Send the kernels' own console chatter to a file instead of the analyst's terminal.

    Kernels would inherit this process's stdout and stderr; their start-up and shutdown
    warnings are not for the reader. Each kernel is started with its output streams
    pointed at a temporary file instead (through jupyter_client's own ``launch_kernel``
    arguments), so this process's file descriptors are never touched: a program calling
    carelib keeps its own stderr. The file is shown only when a notebook fails.

    The kernels' environment also says this is the scheduled run
    (:data:`carelib.notebook.SCHEDULED_RUN_ENV`: the report's own cells then keep
    warnings out of the page, which an analyst in JupyterLab sees) and names matplotlib's
    inline backend, so a chart an analyst's cell draws reaches the page even when this
    process's ``MPLBACKEND`` says otherwise.

    Yields
    ------
    (Path, type)
        The file, and the kernel manager class to start the kernels with.
    """
    from jupyter_client.manager import AsyncKernelManager

    from carelib import notebook

    handle = tempfile.NamedTemporaryFile(prefix="carelib-kernel-", suffix=".log", delete=False)
    path = Path(handle.name)

    class QuietKernelManager(AsyncKernelManager):
        started: list = []  # this run's kernels, for _stop_kernels
        stopped = False

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            if QuietKernelManager.stopped:
                raise RuntimeError("the run stopped its notebooks before this one started")
            kw.setdefault("stdout", handle)
            kw.setdefault("stderr", handle)
            kw["env"] = {**(kw.get("env") or os.environ), **notebook.scheduled_run_env()}
            QuietKernelManager.started.append(self)
            return await super()._async_launch_kernel(kernel_cmd, **kw)

    try:
        yield path, QuietKernelManager
    finally:
        handle.close()
        with contextlib.suppress(OSError):
            path.unlink()


def _stop_kernels(manager) -> None:
    """End a run's kernels now: the month's data is invalid, so nothing will be published.

    Each notebook's papermill call then fails at once (the kernel died) instead of
    running to its end; a kernel not started yet is never started.
    """
    manager.stopped = True
    for km in manager.started:
        process = getattr(km.provisioner, "process", None)
        if process is not None and process.poll() is None:
            process.kill()


def _timed_execute(nb_path: Path, out: Path, parameters: dict, opts: RunOptions, manager=None):
    t = time.perf_counter()
    nb = execute(nb_path, out, parameters, opts, manager)
    return nb, round(time.perf_counter() - t, 3)


def _describe(exc: Exception) -> str:
    name = type(exc).__name__
    if name == "PapermillExecutionError":
        return f"Cell {exc.exec_count} raised {exc.ename}: {exc.evalue}"
    return f"{name}: {exc}"


def _keep_failed(opts: RunOptions, month: str, executed: Path) -> Path:
    """Move an errored notebook where the analyst can open it (outside any publication)."""
    folder = opts.reports_dir / "failed" / month
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / executed.name
    if executed.is_file():
        os.replace(executed, target)
    return target


def _data_period(data_dir: Path, month: str) -> str:
    months = [m for m in loading.available_months(data_dir) if m <= month]
    first = months[0] if months else month
    end = dates.long_date(dates.reference_date(month))
    gaps = loading.missing_months(data_dir, month)
    return f"{dates.long_date(dates.month_start(first))} to {end} (month end {end})" + "".join(
        f"; no data for {dates.month_label(m)}" for m in gaps
    )


# --- The archive ------------------------------------------------------------------------


def write_archive(opts: RunOptions) -> Path:
    """Rewrite ``reports/index.html`` listing every published month."""
    entries = []
    stamps = []
    for month in publish.published_months(opts.reports_dir):
        manifest = publish.read_manifest(publish.month_dir(opts.reports_dir, month))
        when = manifest.get("generated_at", "")
        stamps.append(when)
        entries.append(
            {
                "month": month,
                "generated_at": when.replace("T", " ")[:16],
                "pages": notebook_pages.published_pages(
                    manifest, publish.month_dir(opts.reports_dir, month), opts.notebooks_dir
                ),
            }
        )
    # The page's own time is that of the newest publication, so a run that publishes
    # nothing leaves the archive byte-identical.
    newest = max((s for s in stamps if s), default="")
    months = sorted(e["month"] for e in entries)
    info = pages.PageInfo(
        council=opts.config["council"]["name"],
        title="All monthly reports",
        filename="index.html",
        month=None,
        in_month_folder=False,
        generated_at=dt.datetime.fromisoformat(newest) if newest else None,
        data_period=(f"{dates.month_label(months[0])} to {dates.month_label(months[-1])}")
        if months
        else None,
        marking=(opts.config["publication"]["marking"] if opts.publication else None),
    )
    path = opts.reports_dir / "index.html"
    publish.write_atomic(path, pages.render(overview.archive_body(entries), info))
    return path


# --- Whole runs -------------------------------------------------------------------------


def run(
    months: list[str], opts: RunOptions, results: list[MonthResult] | None = None
) -> list[MonthResult]:
    """Build ``months`` (oldest first) under the reports lock; stop at the first failure.

    ``results``, when given, receives each month's result as it ends, so a caller still
    has the months done before a failure.

    With ``opts.jobs > 1`` months are built by that many worker processes, each
    publishing its months atomically; the first failure is raised after the others end.
    The archive page is rewritten when a month was published (even if a later one
    failed) or when it is missing; a run that publishes nothing leaves it untouched.

    Before anything is written the reports folder is checked: one that is, is inside or
    contains the data folder is refused (exit 2), one that cannot be written (read-only,
    a file, full) stops the run with exit 5, as does a full disk or a file held open
    while publishing. What was published before stays as it was (see
    :mod:`carelib.publish`).

    Raises
    ------
    RunFailure
        With the exit code and a message for the analyst.
    publish.LockHeld
        When another run is writing to the same reports folder.
    """
    try:
        publish.check_output_dir(opts.reports_dir, opts.data_dir)
    except publish.UnsafeOutput as exc:
        raise RunFailure(str(exc), EXIT_USAGE) from None
    results = [] if results is None else results
    try:
        publish.prepare(opts.reports_dir)
        with publish.locked(opts.reports_dir):
            publish.recover(opts.reports_dir)
            try:
                if opts.jobs > 1 and len(months) > 1:
                    _run_parallel(months, opts, results)
                else:
                    _run_serial(months, opts, results)
            finally:
                published = any(r.status == "published" for r in results)
                missing = not (opts.reports_dir / "index.html").is_file()
                if (published or missing) and publish.published_months(opts.reports_dir):
                    write_archive(opts)
    except OSError as exc:
        message = publish.output_fault(exc, opts.reports_dir)
        if message is None:
            raise
        raise RunFailure(message, EXIT_OUTPUT) from None
    return sorted(results, key=lambda r: r.month)


def _progress(opts: RunOptions, i: int, n: int, result: MonthResult) -> None:
    if n > 1 or not opts.quiet:
        verb = "skipped (unchanged)" if result.status == "skipped" else "published"
        _log(opts, f"[{i}/{n}] {result.month} {verb} in {result.seconds:.1f} s")


def shared_validator():
    """Return this process's validator (great_expectations imported and suites built once)."""
    from carelib import contracts

    return contracts.default_validator()


def _run_serial(months: list[str], opts: RunOptions, results: list[MonthResult]) -> None:
    for i, month in enumerate(months, 1):
        results.append(build_month(month, opts))
        _progress(opts, i, len(months), results[-1])


def _build_in_worker(month: str, opts: RunOptions) -> MonthResult:
    """Build one month in a worker process (progress is the parent's to print)."""
    opts.quiet = True
    if opts.log_file is not None:
        runlog.attach(opts.log_file)
    if opts.notebooks_in_parallel is None:
        # Side by side only if every kernel of every job can have a core: past that they
        # just compete (on 2 cores, 2 jobs took the same time either way; one after the
        # other keeps half as many kernels in memory).
        kernels = len(notebook_pages.page_notebooks(opts.notebooks_dir))
        opts.notebooks_in_parallel = opts.jobs * kernels <= (os.cpu_count() or 1)
    return build_month(month, opts)


def _run_parallel(months: list[str], opts: RunOptions, results: list[MonthResult]) -> None:
    """Build months in ``opts.jobs`` worker processes, oldest first; print progress.

    Each worker imports great_expectations once and publishes its months atomically.
    After a failure no further month is started; the first failure is raised once the
    months already under way have ended.
    """
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    jobs = min(opts.jobs, len(months))
    ctx = mp.get_context("spawn" if sys.platform == "win32" else "forkserver")
    failure: BaseException | None = None
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker) as pool:
        futures = {pool.submit(_build_in_worker, month, opts): month for month in months}
        for fut in as_completed(futures):
            if fut.cancelled():
                continue
            try:
                result = fut.result()
            except BaseException as exc:  # keep the first; let the running months end
                failure = failure or exc
                for other in futures:
                    other.cancel()
                continue
            results.append(result)
            _progress(opts, len(results), len(months), result)
    if failure is not None:
        raise failure


def _init_worker() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
