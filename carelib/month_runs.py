"""Whole runs: many months one after the other or in worker processes, and the archive.

:func:`run` builds each month asked for (skipping those already published from the
same inputs) under the reports lock, serially or with ``jobs`` worker processes that
share nothing but the options, then rewrites the archive page of every month.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from concurrent.futures import as_completed
from pathlib import Path

from carelib import (
    dates,
    notebook_pages,
    overview,
    pages,
    publish,
    runlog,
)
from carelib.month_build import _log, build_month
from carelib.run_options import (
    EXIT_OUTPUT,
    EXIT_USAGE,
    MonthResult,
    RunFailure,
    RunOptions,
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
    failures: dict[str, BaseException] = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker) as pool:
        futures = {pool.submit(_build_in_worker, month, opts): month for month in months}
        for fut in as_completed(futures):
            if fut.cancelled():
                continue
            try:
                result = fut.result()
            except BaseException as exc:  # stop starting months; let the running ones end
                failures[futures[fut]] = exc
                for other in futures:
                    other.cancel()
                continue
            results.append(result)
            _progress(opts, len(results), len(months), result)
    if failures:
        raise _oldest_failure(failures)


def _oldest_failure(failures: dict[str, BaseException]) -> BaseException:
    """The failure of the oldest month, naming the other months that failed too.

    Months in worker processes end in any order; the run reports the month a serial run
    would have stopped at, whichever finished first.
    """
    first = min(failures)
    exc = failures[first]
    others = [failures[m] for m in sorted(failures) if m != first]
    if not others or not isinstance(exc, RunFailure):
        return exc
    also = "\n".join(f"  {str(o).splitlines()[0]}" for o in others if str(o))
    return RunFailure(f"{exc}\nAlso not published:\n{also}", exc.exit_code)


def _init_worker() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
