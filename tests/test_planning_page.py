"""The workforce planning notebook, executed once with papermill as the monthly run does."""

from __future__ import annotations

import re
import shutil

import nbformat
import papermill
import pytest

from carelib import notebook
from carelib.planning_report import PlanningReport
from tests.conftest import ROOT

SOURCE = ROOT / "notebooks" / "03_workforce_planning.ipynb"


@pytest.fixture(scope="session")
def executed(demo_data, tmp_path_factory):
    """The notebook run top to bottom on its defaults (../data, ../carelib.toml)."""
    root = tmp_path_factory.mktemp("planning")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(demo_data, root / "data")
    shutil.copy(ROOT / "carelib.toml", root / "carelib.toml")
    out = root / "executed.ipynb"
    papermill.execute_notebook(
        str(root / "notebooks" / SOURCE.name),
        str(out),
        parameters={"output_dir": str(root / "out")},
        kernel_name="python3",
        cwd=str(root / "notebooks"),
        progress_bar=False,
    )
    return root, nbformat.read(out, as_version=4)


def html_of(nb) -> str:
    return "".join(
        o["data"]["text/html"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {})
    )


def test_notebook_runs_without_errors_or_warnings(executed):
    _, nb = executed
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert [o for o in outputs if o.output_type == "error"] == []
    assert [o for o in outputs if o.output_type == "stream" and o.get("name") == "stderr"] == []


def test_page_says_when_and_what_it_takes(executed):
    page = html_of(executed[1])
    assert re.search(
        r"At the current pace agency reliance reaches 20% in \w+ 20\d\d \(range ", page
    )
    assert "Qualified social workers hired this financial year" in page
    assert "projected " in page and " of 25 planned" in page
    assert "When each target is met at the current pace" in page
    assert "Current pace" in page and "Recruitment freeze" in page  # scenarios side by side
    assert "mean absolute error" in page and "points away from what happened" in page


def test_charts_have_alt_text_and_tables_have_captions(executed):
    page = html_of(executed[1])
    imgs = re.findall(r"<img [^>]*>", page)
    assert len(imgs) == 4  # three projections and the time-in-post curves
    for img in imgs:
        alt = re.search(r'alt="([^"]+)"', img).group(1)
        assert len(alt) > 60
    assert page.count("<caption") >= 8  # every chart's numbers plus the tables
    assert '<th scope="row"' in page


def test_csvs_behind_the_page(executed):
    root, _ = executed
    assert (root / "out" / "workforce_projection.csv").is_file()
    text = (root / "out" / "retention_by_route.csv").read_text(encoding="utf-8")
    assert "newly_qualified" in text and "W0" not in text  # no worker identifiers


def test_publication_mode_suppresses_small_cohorts(demo_data):
    ctx = notebook.setup("2025-09", demo_data, ROOT / "carelib.toml", "", publication=True)
    report = PlanningReport(ctx)
    cohorts = report.cohorts()
    assert ">c<" in cohorts  # the demo's 2021-22 cohort has two people
    assert "Publication version" in report.summary()
