"""Building one month: validate, run its notebooks, export its pages, publish.

The month's notebooks start first, each in its own kernel, while this process
validates the data; each page is exported as soon as its notebook has run, and the month
is published only when validation passed and every notebook succeeded. Executing a
notebook and the HTML exporter are in :mod:`carelib.runner`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from carelib import (
    __version__,
    dates,
    loading,
    notebook_pages,
    overview,
    pages,
    privacy,
    publish,
    runlog,
)
from carelib.run_options import (
    EXIT_INVALID,
    EXIT_NOTEBOOK,
    EXIT_OUTPUT,
    MonthResult,
    RunFailure,
    RunOptions,
    fingerprint,
    is_current,
    package_versions,
    report_pages,
)
from carelib.runner import (
    check_parameters,
    execute,
    exporter,
    headlines_of,
    strip_headlines,
)

# --- Building one month ----------------------------------------------------------------


def _log(opts: RunOptions, text: str) -> None:
    if not opts.quiet:
        print(text, file=sys.stderr, flush=True)


def _personal_checks(data_dir: Path, month: str) -> list:
    """The month's free-text checks for personal data (:mod:`carelib.privacy`).

    Made before any kernel starts, so that a publication they refuse starts none. Data
    that cannot even be loaded gives none: validation names the problem.
    """
    try:
        return privacy.personal_data_checks(loading.load_month(data_dir, month))
    except Exception:  # noqa: BLE001 (validation reports unreadable data properly)
        return []


def shared_validator():
    """Return this process's validator (great_expectations imported and suites built once)."""
    from carelib import contracts

    return contracts.default_validator()


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
            "print_tables": cfg["report"]["print_tables"],
        }

        t0 = time.perf_counter()
        # A publication that will be refused for personal data in free text starts no
        # kernel: the check is cheap and needs no notebook (validation still runs, so
        # invalid data is reported as such first).
        personal = _personal_checks(opts.data_dir, month)
        early = opts.publication and any(c.failed for c in personal)
        to_run = [] if early else notebooks
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
                for nb_path in to_run
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
            # Free text the pages may show (checked above): only for data that is valid.
            if report.has_errors:
                personal = []
            refused = opts.publication and any(c.failed for c in personal)
            if report.has_errors or refused:
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
                if (
                    report.has_errors
                    or refused
                    or any(isinstance(o, Exception) for o in outcomes.values())
                ):
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
        hits = [c.sentence() for c in personal if c.failed]
        if refused:
            raise RunFailure(
                f"{month}: free text looks like it holds personal data, so nothing was "
                "published (publication mode):\n  " + "\n  ".join(hits),
                EXIT_NOTEBOOK,
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
        report.checks += personal
        threshold = cfg["publication"]["threshold"] if opts.publication else None
        quality = validation.quality_page(report, threshold)
        info = pages.PageInfo(title="Data quality", filename="data_quality.html", **page_info)
        (stage / "data_quality.html").write_text(pages.render(quality, info), encoding="utf-8")
        counts = {
            "checks": len(report.checks),
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            # The checks that block a report and those that only warn, counted apart.
            "blocking": sum(c.severity == "error" for c in report.checks),
            "warning_checks": sum(c.severity != "error" for c in report.checks),
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
        if any(p.filename == "improvement_plan.html" for p in found):
            name, html = _plan_text_page(opts, month, page_info)
            (stage / name).write_text(html, encoding="utf-8")
        durations["export"] = round(export_seconds + time.perf_counter() - t, 3)

        t = time.perf_counter()
        # Every worker id in the data, any month (this one included): a former leaver
        # is personal data too.
        ids = privacy.data_worker_ids(opts.data_dir)
        leaks = privacy.scan(stage, ids)
        durations["privacy_scan"] = round(time.perf_counter() - t, 3)
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


def _plan_text_page(opts: RunOptions, month: str, page_info: dict) -> tuple[str, str]:
    """The plan as headings and lists (file name, HTML), from the plan page's tables."""
    from carelib import plan_data
    from carelib.views import plan_text

    history = loading.load_history(opts.data_dir, month)
    data = plan_data.build(history, month, opts.config, publication=bool(opts.publication))
    info = pages.PageInfo(title=plan_text.TITLE, filename=plan_text.FILENAME, **page_info)
    return plan_text.FILENAME, pages.render(plan_text.plan_text(data), info)


def _export_page(page, nb, stage: Path, page_info: dict) -> dict:
    """Write a run notebook's page and its audit copy; return the headlines it handed over."""
    import nbformat

    headlines = headlines_of(nb)
    strip_headlines(nb)
    # The layout prints the title as the page's h1: the notebook's own goes.
    info = pages.PageInfo(title=page.title, filename=page.filename, **page_info)
    html = pages.export(notebook_pages.without_title(nb), info)
    (stage / page.filename).write_text(html, encoding="utf-8")
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
    import traitlets
    from jupyter_client.manager import AsyncKernelManager

    from carelib import notebook

    handle = tempfile.NamedTemporaryFile(prefix="carelib-kernel-", suffix=".log", delete=False)
    path = Path(handle.name)
    sockets = _socket_folder()

    class QuietKernelManager(AsyncKernelManager):
        started: list = []  # this run's kernels, for _stop_kernels
        stopped = False

        @traitlets.default("transport")
        def _carelib_transport(self):
            return "ipc" if sockets is not None else "tcp"

        @traitlets.default("ip")
        def _carelib_ip(self):
            if self.transport == "ipc":
                return str(sockets / uuid.uuid4().hex[:12])
            return super()._ip_default()

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
        if sockets is not None:
            shutil.rmtree(sockets, ignore_errors=True)


#: The longest socket path every POSIX system accepts (macOS: 104 bytes, Linux: 108).
_SOCKET_PATH_LIMIT = 100


def _socket_folder() -> Path | None:
    """A private folder for the kernels' sockets, or None to use TCP ports instead.

    Kernels talk to this process over local (IPC) sockets where the system has them.
    Over TCP, jupyter_client picks free ports before the kernel binds them, so a kernel
    of another process starting at the same moment can take one first: the kernel then
    exits with "Address already in use" and, worse, the client can block for ever
    sending to a socket of the wrong kind. A socket file has a unique name, so two runs
    (or a run and an analyst's JupyterLab) can never collide. Windows has no IPC
    transport for ZeroMQ and keeps TCP (where :data:`carelib.runner.KERNEL_START_FAILURES`
    are retried), as does a system whose temporary folder's path is too long for a socket.
    """
    if os.name != "posix":
        return None
    folder = Path(tempfile.mkdtemp(prefix="carelib-k"))
    if len(str(folder)) + 20 > _SOCKET_PATH_LIMIT:  # the name and "-<port>" that follow
        folder.rmdir()
        return None
    return folder


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
