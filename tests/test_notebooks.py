"""The report notebooks: thin, numbered, parameterised, and runnable on their defaults."""

from __future__ import annotations

import shutil

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell

from carelib import notebook_pages
from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_notebooks_are_numbered_and_each_is_a_page():
    pages = notebook_pages.discover(ROOT / "notebooks")
    assert [p.notebook for p in pages] == [p.name for p in NOTEBOOKS]
    for path in NOTEBOOKS:
        assert path.name[:2].isdigit() and path.name[2] == "_"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_thin_with_a_parameters_cell_first(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    declared = set(papermill.inspect_notebook(str(path)))
    assert declared == {"month", "data_dir", "config_path", "output_dir", "publication"}
    for cell in code[1:]:
        # All logic lives in carelib: no cell longer than a few lines of code (comments
        # that explain a cell to the analyst do not count), no loops or defs.
        code_lines = [
            line
            for line in cell.source.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]
        assert len(code_lines) <= 6, cell.source
        assert not any(w in cell.source for w in ("def ", "for ", "while ", "lambda"))
        assert not cell.get("outputs")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_as_jupyterlab_runs_it_keeping_an_analysts_plot_and_warning(
    path, demo_data, tmp_path, monkeypatch
):
    """From notebooks/, on its defaults (../data, ../carelib.toml), in a real kernel.

    As JupyterLab starts a kernel: without the monthly run's settings
    (``CARELIB_SCHEDULED_RUN``, ``MPLBACKEND``) and without papermill's injected
    parameters. An analyst's cell appended at the end draws a plain matplotlib chart, and
    its image is that cell's output; a warning is printed, not silenced.
    """
    from nbclient import NotebookClient

    for name in ("CARELIB_SCHEDULED_RUN", "MPLBACKEND"):
        monkeypatch.delenv(name, raising=False)
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copytree(demo_data, tmp_path / "data")
    shutil.copy(ROOT / "carelib.toml", tmp_path / "carelib.toml")
    folder = tmp_path / "notebooks"
    nb = nbformat.read(folder / path.name, as_version=4)
    nb.cells.append(
        new_code_cell(
            "import matplotlib.pyplot as plt\n\n"
            "fig, ax = plt.subplots()\n"
            'ax.plot([1, 2, 3], [3, 1, 2])\nax.set_title("My own chart")'
        )
    )
    nb.cells.append(new_code_cell('import warnings\n\nwarnings.warn("check this figure")'))
    NotebookClient(
        nb, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert [o for o in outputs if o.output_type == "error"] == []
    report_cells, (chart, warned) = nb.cells[:-2], nb.cells[-2:]
    assert any("image/png" in o.get("data", {}) for o in chart.outputs), chart.outputs
    stderr = "".join(o.text for o in warned.outputs if o.get("name") == "stderr")
    assert "UserWarning: check this figure" in stderr
    # The report's own cells show their sections (charts inside them, as blocks) and
    # no figure of their own.
    shown = [o for c in report_cells for o in c.get("outputs", [])]
    assert not any("image/png" in o.get("data", {}) for o in shown)
    html = [o["data"]["text/html"] for o in shown if "text/html" in o.get("data", {})]
    # Every section cell (each code cell after parameters and setup) shows its view.
    sections = [
        c
        for c in report_cells
        if c.cell_type == "code" and not {"parameters", "setup"} & set(c.metadata.get("tags", []))
    ]
    with_view = [c for c in sections if any("text/html" in o.get("data", {}) for o in c.outputs)]
    assert len(with_view) == len(sections) >= 1 and "September 2025" in "".join(html)
    assert not list((tmp_path / "data").rglob("*.html"))  # raw data never written
