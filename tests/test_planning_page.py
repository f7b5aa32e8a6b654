"""The workforce planning notebook, executed once with papermill as the monthly run does."""

from __future__ import annotations

import re
import shutil

import nbformat
import papermill
import pytest

from carelib import blocks, notebook
from carelib import planning_report as views
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


@pytest.fixture(scope="module")
def plan(demo_data):
    """The month's forecast for the views, computed once (no kernel)."""
    ctx = notebook.setup("2025-09", demo_data, ROOT / "carelib.toml", "")
    return views.load(ctx)


def test_projections_view_takes_the_analysts_arguments(plan):
    view = views.projections(plan, indicators=["agency_rate"], history_months=12)
    assert isinstance(view, blocks.View)
    assert len(view.figures) == 1
    figure = view.figures[0]
    assert figure.title.startswith("Agency")
    assert "against a target of" in figure.alt and figure.png.startswith(b"\x89PNG")
    assert list(figure.data.frame.columns)[:2] == ["Month", "Projected (%)"]
    every = views.projections(plan)
    assert len(every.figures) == len(plan.result["indicators"]) == 3


def test_sections_are_views_with_their_tables(plan):
    targets = views.targets(plan)
    frame = targets.tables[0].frame
    assert "First met at the current pace" in frame.columns
    assert len(frame) == len(plan.result["indicators"])
    assert any("At the current pace agency reliance" in s for s in views.summary(plan).sentences)
    curves = views.time_in_post(plan)
    assert len(curves.figures) == 1 and "still in post after 12 months" in curves.figures[0].alt
    assert curves.tables[-1].frame.columns[0] == "Entry route"
    assert "mean absolute error" in " ".join(views.method(plan).sentences)


def test_publication_mode_suppresses_small_cohorts(demo_data):
    ctx = notebook.setup("2025-09", demo_data, ROOT / "carelib.toml", "", publication=True)
    plan = views.load(ctx)
    cohorts = views.cohorts(plan).tables[0].frame
    # The demo's 2021-22 cohort has two people: its counts are shown as c.
    assert "c" in cohorts["Starters seen"].tolist()
    assert any("Publication version" in s for s in views.summary(plan).sentences)
