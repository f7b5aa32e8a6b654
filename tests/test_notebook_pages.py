"""Every ``NN_name.ipynb`` is a page; notebooks run interactively keep plots and warnings.

The folder tests read notebooks only (no kernel). One test starts kernels: one
``carelib report`` of one month (two months of demo data) in a project with an added
``03_my_analysis.ipynb`` (its shipped notebooks stood in for by one-line ones). Each
report notebook run as JupyterLab runs it, with an analyst's plot added, is in
tests/test_notebooks.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from carelib import blocks, notebook_pages, overview, pages
from tests.conftest import ROOT

MONTH = "2025-09"
PARAMETERS = (
    'month = "latest"  # reporting month\n'
    'data_dir = "../data"  # data folder\n'
    'config_path = "../carelib.toml"  # carelib configuration file\n'
    'output_dir = ""  # folder for the CSVs behind the page\n'
    "publication = False  # publication mode\n"
)
#: An analyst's own page: a title, the run's parameters, the data, a plain chart.
MY_ANALYSIS = [
    new_markdown_cell("# My analysis\n\nSocial workers in post each month, as counted here."),
    new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
    new_code_cell(
        "import warnings\n\n"
        "from carelib import notebook\n\n"
        "ctx = notebook.setup(month, data_dir, config_path, output_dir, publication)\n"
        'warnings.warn("a warning the monthly run keeps out of the page")'
    ),
    new_markdown_cell("## Social workers in post"),
    new_code_cell(
        "import matplotlib.pyplot as plt\n\n"
        'counts = ctx.history.frame("workforce").groupby("month").size()\n'
        "fig, ax = plt.subplots()\n"
        "ax.bar(counts.index.astype(str), counts.to_numpy())\n"
        'ax.set_title("Social workers in post")'
    ),
    new_markdown_cell("## Agency rate, in the house look"),
    new_code_cell(
        "from carelib import charts, workforce\n\n"
        "rates = workforce.indicators(ctx.history, by_team=False)\n"
        'agency = rates[rates["indicator"] == "agency_rate"]\n'
        'charts.line(agency, "month", "value", unit="percent", ylabel="Agency rate",\n'
        '            title="Agency rate", alt="My alt text.", source="My source line")'
    ),
]


def write_notebook(path: Path, cells, **metadata) -> Path:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata.update(metadata)
    nbformat.write(nb, path)
    return path


def carelib(cwd: Path, *args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    return subprocess.run(
        [sys.executable, "-m", "carelib", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


# --- The folder: no kernel ---------------------------------------------------------------


def test_numbered_notebooks_are_pages_in_number_order_titled_from_the_notebook(tmp_path):
    write_notebook(tmp_path / "10_later.ipynb", [new_markdown_cell("Some text\n\n## Later on")])
    write_notebook(
        tmp_path / "03_my_analysis.ipynb",
        [new_markdown_cell("# My *own* analysis\n\nText."), new_code_cell("1")],
    )
    write_notebook(
        tmp_path / "02_from_metadata.ipynb",
        [new_markdown_cell("# Not this one")],
        carelib={"title": "Named in metadata", "description": "What it shows."},
    )
    write_notebook(tmp_path / "01_no-heading.ipynb", [new_code_cell("1")])
    write_notebook(tmp_path / "Untitled.ipynb", [new_markdown_cell("# Scratch")])
    write_notebook(tmp_path / "4_one_digit.ipynb", [new_markdown_cell("# Not a page")])
    found = notebook_pages.discover(tmp_path)
    assert [(p.number, p.filename, p.title) for p in found] == [
        (1, "no-heading.html", "No heading"),
        (2, "from_metadata.html", "Named in metadata"),
        (3, "my_analysis.html", "My own analysis"),
        (10, "later.html", "Later on"),
    ]
    assert found[1].description == "What it shows." and found[2].description is None
    assert notebook_pages.month_files(found) == [
        "index.html",
        "no-heading.html",
        "from_metadata.html",
        "my_analysis.html",
        "later.html",
        "data_quality.html",
    ]


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["03_my analysis.ipynb"], "only letters, digits"),
        (["03_index.ipynb"], "the month's overview"),
        (["05_data_quality.ipynb"], "the data quality page"),
        (["03_teams.ipynb", "04_Teams.ipynb"], "would both make the page"),
    ],
)
def test_a_notebook_that_cannot_be_a_page_is_refused_by_name(tmp_path, names, message):
    for name in names:
        write_notebook(tmp_path / name, [new_markdown_cell("# A page")])
    with pytest.raises(notebook_pages.NotebookPagesError, match=message) as caught:
        notebook_pages.discover(tmp_path)
    assert names[0] in str(caught.value)


def test_the_title_heading_leaves_the_page_body_but_not_the_audit_copy(tmp_path):
    path = write_notebook(
        tmp_path / "03_x.ipynb",
        [new_markdown_cell("# My analysis\n\nWhat it shows."), new_markdown_cell("## Part")],
    )
    nb = nbformat.read(path, as_version=4)
    body = notebook_pages.without_title(nb)
    assert [c.source for c in body.cells] == ["What it shows.", "## Part"]
    assert nb.cells[0].source == "# My analysis\n\nWhat it shows."  # untouched
    underlined = new_notebook(cells=[new_markdown_cell("My analysis\n===========")])
    assert notebook_pages.without_title(underlined).cells == []
    section_first = new_notebook(cells=[new_markdown_cell("## Only a section")])
    assert notebook_pages.without_title(section_first) is section_first


def test_navigation_and_overview_list_the_pages_they_are_given():
    report_pages = (("workforce.html", "Workforce stability"), ("my_analysis.html", "Mine"))
    info = pages.PageInfo(
        council="Example",
        title="Mine",
        filename="my_analysis.html",
        month=MONTH,
        report_pages=report_pages,
    )
    page = BeautifulSoup(pages.render(blocks.paragraph("x"), info), "html.parser")
    nav = page.find("nav", class_="pages-nav")
    assert [a["href"] for a in nav.find_all("a")] == [
        "index.html",
        "workforce.html",
        "my_analysis.html",
        "data_quality.html",
        "../index.html",
    ]
    assert nav.find("a", attrs={"aria-current": "page"})["href"] == "my_analysis.html"
    views = overview.month_body(
        MONTH,
        {},
        {"checks": 3, "errors": 0, "warnings": 0},
        [("workforce.html", "Workforce stability", None), ("my_analysis.html", "Mine", "Why.")],
    )
    listed = [b for b in blocks.walk(views) if isinstance(b, overview.PageList)][0].pages
    assert [href for _, href, _ in listed] == [
        "workforce.html",
        "my_analysis.html",
        "data_quality.html",
    ]
    assert listed[0][2] == overview.PAGE_BLURBS["workforce.html"] and listed[1][2] == "Why."
    body = str(blocks.render(views))
    assert body.index("workforce.html") < body.index("my_analysis.html")
    assert overview.PAGE_BLURBS["workforce.html"] in body and "Why." in body


def test_an_unknown_parameter_stops_the_run_before_any_kernel_starts(tmp_path, month_dir):
    """02 lacks a parameter the run passes: refused (exit 2), and 01 never ran either."""
    import carelib

    marker = tmp_path / "01-ran"
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    params = new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]})
    write_notebook(
        notebooks / "01_first.ipynb",
        [params, new_code_cell(f"open({str(marker)!r}, 'w').close()")],
    )
    short = new_code_cell(PARAMETERS.replace("publication = False", ""))
    short.metadata["tags"] = ["parameters"]
    write_notebook(notebooks / "02_second.ipynb", [short, new_code_cell("1")])
    shutil.copy(ROOT / "carelib.toml", tmp_path / "carelib.toml")
    with pytest.raises(carelib.CarelibError) as caught:
        carelib.build_reports(
            MONTH,
            data=month_dir,
            out=tmp_path / "reports",
            config=tmp_path / "carelib.toml",
            notebooks=notebooks,
        )
    assert caught.value.exit_code == 2
    assert "02_second.ipynb does not declare the parameter(s) publication" in str(caught.value)
    assert "declare them in its first code cell, tagged `parameters`" in str(caught.value)
    assert not marker.exists()
    assert not (tmp_path / "reports" / MONTH).exists()


# --- With kernels ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(demo_data, tmp_path_factory) -> Path:
    """``carelib init --with-notebooks`` with the demo's last two months in its data/.

    Its report notebooks are then stood in for by one-line notebooks of the same names
    (real kernels): the page navigation is that of the shipped notebooks, and the one
    notebook whose output the test reads is the analyst's own.
    """
    from tests.publish_support import write_standins

    folder = tmp_path_factory.mktemp("notebook-pages") / "council"
    made = carelib(folder.parent, "init", folder.name, "--with-notebooks")
    assert made.returncode == 0, made.stderr
    shipped = sorted((folder / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert len(shipped) >= 2
    write_standins(folder / "notebooks", names={p.name: p.stem[3:] for p in shipped})
    for month in ("2025-08", MONTH):
        shutil.copytree(demo_data / month, folder / "data" / month)
    return folder


def test_a_new_numbered_notebook_becomes_a_page_linked_from_every_page(project):
    write_notebook(project / "notebooks" / "03_my_analysis.ipynb", MY_ANALYSIS)
    result = carelib(project, "report", "--month", MONTH)
    assert result.returncode == 0, result.stderr
    month = project / "reports" / MONTH
    # The order every page's navigation must show: overview, notebooks by number, quality.
    numbered = sorted(
        (int(p.name[:2]), p.stem[3:]) for p in (project / "notebooks").glob("[0-9][0-9]_*.ipynb")
    )
    expected = ["index.html", *(f"{name}.html" for _, name in numbered), "data_quality.html"]
    assert "my_analysis.html" in expected and expected.index("my_analysis.html") > 2
    for name in expected:
        page = BeautifulSoup((month / name).read_text(encoding="utf-8"), "html.parser")
        nav = page.find("nav", class_="pages-nav")
        assert [a["href"] for a in nav.find_all("a")] == [*expected, "../index.html"], name
        assert nav.find("a", href="my_analysis.html").get_text() == "My analysis"
    mine = BeautifulSoup((month / "my_analysis.html").read_text(encoding="utf-8"), "html.parser")
    assert [h1.get_text() for h1 in mine.find_all("h1")] == ["My analysis: September 2025"]
    assert mine.title.get_text().startswith("My analysis – September 2025")
    assert "Social workers in post each month" in mine.get_text()
    assert mine.find("h2", string="Social workers in post") is not None
    assert mine.find("img", src=lambda s: s and s.startswith("data:image/png;base64,"))
    assert "a warning the monthly run keeps out" not in mine.get_text()
    # The chart helpers' block: title, alt text, source line and the numbers.
    (house,) = [f for f in mine.find_all("figure", class_="chart") if f.img.get("alt")]
    assert house.img["alt"] == "My alt text." and house.figcaption.get_text() == "Agency rate"
    assert house.find("p", class_="chart-source").get_text() == "Source: My source line"
    assert [th.get_text() for th in house.find("table").find_all("th")][:2] == ["month", "value"]
    # The scheduled run quietened the analyst's warning, and kept the chart.
    executed = nbformat.read(month / "executed" / "03_my_analysis.ipynb", as_version=4)
    outputs = [o for c in executed.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "stream" and "warning" in o.text]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    # The month's overview and the archive link to it too.
    index = BeautifulSoup((month / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert index.find("main").find("a", href="my_analysis.html").get_text() == "My analysis"
    archive = (project / "reports" / "index.html").read_text(encoding="utf-8")
    assert f'href="{MONTH}/my_analysis.html"' in archive
    manifest = json.loads((month / "manifest.json").read_text(encoding="utf-8"))
    assert [p["file"] for p in manifest["pages"]] == expected[1:-1]


def test_the_archive_lists_a_months_pages_from_its_manifest(tmp_path):
    month = tmp_path / MONTH
    month.mkdir()
    (month / "workforce.html").write_text("x")
    listed = {"pages": [{"file": "mine.html", "title": "Mine", "description": None}]}
    assert notebook_pages.published_pages(listed, month, ROOT / "notebooks") == [
        ("mine.html", "Mine", None)
    ]
    # A month published before manifests listed pages: those of the notebooks it has.
    assert notebook_pages.published_pages({}, month, ROOT / "notebooks") == [
        ("workforce.html", "Workforce stability", None)
    ]
    body = str(
        blocks.render(
            overview.archive_body([{"month": MONTH, "pages": [("mine.html", "Mine", None)]}])
        )
    )
    assert f'href="{MONTH}/mine.html"' in body and f'href="{MONTH}/workforce.html"' not in body
