"""The monthly run: validate, execute the report notebooks, export HTML, publish.

Everything happens in one Python process through the libraries' APIs (never their
command-line tools): great_expectations is imported once, suites are built once, each
notebook runs top to bottom in a fresh kernel via papermill, and nbconvert exports it
through carelib's template. A month's notebooks run side by side while its data is
validated; nothing is published unless validation passed and every page succeeded.

The run is split by what each part knows: :mod:`carelib.run_options` (options,
results, exit codes), :mod:`carelib.month_build` (one month),
:mod:`carelib.month_runs` (whole runs and the archive); this module executes a notebook
and exports it. Every name is importable from here as before.
"""

from __future__ import annotations

from pathlib import Path

from carelib.run_options import (  # noqa: F401  (all but three re-exported, as before)
    EXIT_INVALID,
    EXIT_NOTEBOOK,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_USAGE,
    KEY_PACKAGES,
    MonthResult,
    RunFailure,
    RunOptions,
    default_notebooks_dir,
    fingerprint,
    input_files,
    is_current,
    package_versions,
    report_pages,
)

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


#: What nbclient says when a kernel dies or never answers while it starts, before any
#: cell runs. Over TCP (Windows; elsewhere the run's kernels use socket files, see
#: ``month_build._socket_folder``) two kernels starting at once can be handed the same
#: free port, and the second exits with "Address already in use". Such a start is tried
#: once more.
KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond")


def _failed_to_start(exc: Exception) -> bool:
    return type(exc).__name__ != "PapermillExecutionError" and any(
        text in str(exc) for text in KERNEL_START_FAILURES
    )


def execute(notebook: Path, out: Path, parameters: dict, opts: RunOptions, kernel_manager=None):
    """Execute one notebook top to bottom in a fresh kernel; return the executed notebook.

    ``kernel_manager`` is the jupyter_client kernel manager class to start it with (see
    :func:`_kernel_stderr`); by default nbclient's own. A kernel that fails to start
    (:data:`KERNEL_START_FAILURES`: no cell has run) is started once more.
    """
    check_parameters(notebook, parameters)
    try:
        return _execute(notebook, out, parameters, opts, kernel_manager)
    except Exception as exc:
        if not _failed_to_start(exc):
            raise
        from carelib import runlog

        runlog.event("kernel_start_retried", notebook=notebook.name, reason=str(exc)[:200])
        return _execute(notebook, out, parameters, opts, kernel_manager)


def _execute(notebook: Path, out: Path, parameters: dict, opts: RunOptions, kernel_manager):
    import papermill

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


def exporter():
    """Return the HTML exporter every page goes through (see :func:`carelib.pages.exporter`)."""
    from carelib import pages

    return pages.exporter()


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


# --- Building and running months, importable from here as before ----------------------

# Building and running months use this module's notebook execution and exporter, so
# they are imported when first asked for (PEP 562), not while this module loads.
_LATER = {
    "build_month": "carelib.month_build",
    "shared_validator": "carelib.month_build",
    "_data_period": "carelib.month_build",
    "_export_page": "carelib.month_build",
    "_kernel_stderr": "carelib.month_build",
    "run": "carelib.month_runs",
    "write_archive": "carelib.month_runs",
}


def __getattr__(name: str):
    if name in _LATER:
        import importlib

        return getattr(importlib.import_module(_LATER[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
