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

from carelib import resources
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
