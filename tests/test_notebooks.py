"""The report notebooks: thin, numbered, parameterised, and runnable on their defaults."""

from __future__ import annotations

import shutil

import nbformat
import papermill
import pytest

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
        # All logic lives in carelib: no cell longer than a few lines, no loops or defs.
        assert len(cell.source.splitlines()) <= 6, cell.source
        assert not any(w in cell.source for w in ("def ", "for ", "while ", "lambda"))
        assert not cell.get("outputs")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom_on_its_defaults(path, demo_data, tmp_path):
    """As an analyst would in JupyterLab: ../data and ../carelib.toml, no edits."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copytree(demo_data, tmp_path / "data")
    shutil.copy(ROOT / "carelib.toml", tmp_path / "carelib.toml")
    source = tmp_path / "notebooks" / path.name
    out = tmp_path / "executed.ipynb"
    nb = papermill.execute_notebook(
        str(source), str(out), kernel_name="python3", cwd=str(source.parent), progress_bar=False
    )
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    html_outputs = [
        o for c in nb.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})
    ]
    assert len(html_outputs) >= 8
    assert "September 2025" in "".join(o["data"]["text/html"] for o in html_outputs)
    assert not list((tmp_path / "data").rglob("*.html"))  # raw data never written
