"""The monthly run's capabilities: parallel backfill, skipping unchanged months, manifests.

Three demo months and two small stand-in report notebooks (``--notebooks``, as a council
with customised notebooks would run it) keep these runs short; validation, papermill,
kernels, export, publishing and the manifest are all the real ones. The real notebooks
are run end to end in tests/test_report_e2e.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from carelib import history_validation
from tests.conftest import ROOT

MONTHS = ["2025-07", "2025-08", "2025-09"]
PAGES = ["index.html", "workforce.html", "improvement_plan.html", "data_quality.html"]
PROGRESS = re.compile(
    r"^\[(\d+)/(\d+)\] (\d{4}-\d{2}) (published|skipped \(unchanged\)) in "
    r"\d+\.\d s$",
    re.M,
)

STAND_IN = """from IPython.display import HTML, display

display(HTML(f"<p>{title} for {month}: built from {data_dir}.</p>"))
"""


def carelib(*args):
    return subprocess.run(
        [sys.executable, "-m", "carelib", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )


def carelib_here(capsys, *args) -> subprocess.CompletedProcess:
    """The same command in this process: great_expectations is imported once for all."""
    from carelib import cli

    capsys.readouterr()
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, captured.out, captured.err)


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".carelib.lock"
    }


def progress(stderr: str) -> list[tuple[int, int, str, str]]:
    return [(int(i), int(n), month, verb) for i, n, month, verb in PROGRESS.findall(stderr)]


@pytest.fixture(scope="module")
def data(demo_data, tmp_path_factory) -> Path:
    """The last three demo months (the first of them has no month before it)."""
    out = tmp_path_factory.mktemp("runner") / "data"
    for month in MONTHS:
        shutil.copytree(demo_data / month, out / month)
    return out


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> Path:
    """Stand-in report notebooks: the real parameters, one line of output each."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    folder = tmp_path_factory.mktemp("notebooks")
    for name, title in [("01_workforce.ipynb", "Workforce"), ("02_improvement_plan.ipynb", "Plan")]:
        params = new_code_cell(
            'month = "latest"\ndata_dir = "../data"\nconfig_path = "../carelib.toml"\n'
            'output_dir = ""\npublication = False\n'
        )
        params.metadata["tags"] = ["parameters"]
        nb = new_notebook(cells=[params, new_code_cell(f"title = {title!r}\n" + STAND_IN)])
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, folder / name)
    return folder


@pytest.fixture(scope="module")
def backfill(data, notebooks, tmp_path_factory):
    """``carelib report --month all --jobs 2`` over the three months."""
    out = tmp_path_factory.mktemp("backfill") / "reports"
    result = carelib(
        "report",
        "--data",
        data,
        "--out",
        out,
        "--month",
        "all",
        "--jobs",
        2,
        "--notebooks",
        notebooks,
    )
    assert result.returncode == 0, result.stderr
    return out, result


def copy_reports(backfill, tmp_path) -> Path:
    out, _ = backfill
    copy = tmp_path / "reports"
    shutil.copytree(out, copy)
    return copy


def test_jobs_2_publishes_every_month_and_shows_progress(backfill):
    out, result = backfill
    lines = progress(result.stderr)
    assert [(i, n) for i, n, _, _ in lines] == [(1, 3), (2, 3), (3, 3)], result.stderr
    assert sorted(month for _, _, month, _ in lines) == MONTHS
    assert {verb for *_, verb in lines} == {"published"}
    for month in MONTHS:
        for page in PAGES + ["manifest.json"]:
            assert (out / month / page).is_file(), (month, page)
        assert sorted(p.name for p in (out / month / "executed").iterdir()) == [
            "01_workforce.ipynb",
            "02_improvement_plan.ipynb",
        ]
        assert f"Workforce for {month}" in (out / month / "workforce.html").read_text()
    archive = (out / "index.html").read_text()
    assert all(m in archive for m in ("July 2025", "August 2025", "September 2025"))
    # The lock, the versioned months and the validation cache (never under data; this
    # session shares one cache, CARELIB_CACHE_DIR, so it is not in the reports folder).
    hidden = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
    shared = os.environ.get(history_validation.CACHE_VARIABLE)
    assert hidden == ([] if shared else [".cache"]) + [".carelib.lock", ".versions"]
    assert result.stdout.strip().splitlines()[-1] == str(out / "index.html")


def test_manifest_records_inputs_versions_and_durations(backfill, data, notebooks):
    out, _ = backfill
    manifest = json.loads((out / "2025-08" / "manifest.json").read_text())
    assert manifest["month"] == "2025-08"
    assert manifest["carelib_version"] == manifest["packages"]["carelib"]
    expected = {f"{m}/{p.name}": p for m in ("2025-07", "2025-08") for p in (data / m).iterdir()}
    expected |= {f"notebooks/{p.name}": p for p in notebooks.glob("*.ipynb")}
    assert set(manifest["inputs"]) == set(expected)  # the month and those before, no later
    for key, path in expected.items():
        assert manifest["inputs"][key] == hashlib.sha256(path.read_bytes()).hexdigest(), key
    for package in (
        "python",
        "pandas",
        "great-expectations",
        "papermill",
        "nbconvert",
        "ipykernel",
        "matplotlib",
    ):
        assert manifest["packages"].get(package), package
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["fingerprint"])
    durations = manifest["durations_seconds"]
    for step in (
        "validate",
        "notebooks_wall",
        "execute:01_workforce.ipynb",
        "execute:02_improvement_plan.ipynb",
        "export",
        "privacy_scan",
        "total",
    ):
        assert durations[step] >= 0, step
    assert durations["total"] >= durations["notebooks_wall"] > 0
    assert manifest["validation"]["errors"] == 0 and manifest["validation"]["checks"] > 0


def test_rerun_skips_every_unchanged_month(backfill, data, notebooks, tmp_path):
    copy = copy_reports(backfill, tmp_path)
    before = tree_digest(copy)
    result = carelib(
        "report",
        "--data",
        data,
        "--out",
        copy,
        "--month",
        "all",
        "--jobs",
        2,
        "--notebooks",
        notebooks,
    )
    assert result.returncode == 0, result.stderr
    lines = progress(result.stderr)
    assert sorted(month for _, _, month, _ in lines) == MONTHS
    assert {verb for *_, verb in lines} == {"skipped (unchanged)"}
    assert tree_digest(copy) == before


def test_a_run_with_nothing_to_do_stays_light_and_leaves_the_archive(
    backfill, data, notebooks, tmp_path
):
    copy = copy_reports(backfill, tmp_path)
    archive = (copy / "index.html").stat().st_ino
    code = (
        "import sys; from carelib import cli; "
        f"code = cli.main(['report', '--data', {str(data)!r}, '--out', {str(copy)!r}, "
        f"'--month', 'all', '--notebooks', {str(notebooks)!r}]); "
        "print(code, [m for m in ('great_expectations', 'papermill', 'nbconvert', "
        "'matplotlib', 'seaborn') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.stdout.strip().splitlines()[-1] == "0 []", result.stderr
    assert (copy / "index.html").stat().st_ino == archive  # not rewritten


def test_changing_a_month_rebuilds_it_and_the_months_after_only(
    backfill, data, notebooks, tmp_path, capsys
):
    copy = copy_reports(backfill, tmp_path)
    changed = tmp_path / "data"
    shutil.copytree(data, changed)
    spend = changed / "2025-08" / "agency_spend.csv"
    lines = spend.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("spend_gbp")] = str(int(float(row[header.index("spend_gbp")])) + 1)
    lines[1] = ",".join(row)
    spend.write_text("\n".join(lines) + "\n")
    july = tree_digest(copy / "2025-07")

    result = carelib_here(
        capsys,
        "report",
        "--data",
        changed,
        "--out",
        copy,
        "--month",
        "all",
        "--notebooks",
        notebooks,
    )
    assert result.returncode == 0, result.stderr
    verbs = {month: verb for _, _, month, verb in progress(result.stderr)}
    assert verbs == {
        "2025-07": "skipped (unchanged)",
        "2025-08": "published",
        "2025-09": "published",
    }
    assert tree_digest(copy / "2025-07") == july
    new_sum = hashlib.sha256(spend.read_bytes()).hexdigest()
    for month in ("2025-08", "2025-09"):
        manifest = json.loads((copy / month / "manifest.json").read_text())
        assert manifest["inputs"]["2025-08/agency_spend.csv"] == new_sum


def test_force_rebuilds_an_unchanged_month(backfill, data, notebooks, tmp_path, capsys):
    copy = copy_reports(backfill, tmp_path)
    inode = (copy / "2025-07").stat().st_ino
    result = carelib_here(
        capsys,
        "report",
        "--data",
        data,
        "--out",
        copy,
        "--month",
        "2025-07",
        "--force",
        "--notebooks",
        notebooks,
    )
    assert result.returncode == 0, result.stderr
    assert "2025-07 published" in result.stderr
    assert (copy / "2025-07").stat().st_ino != inode  # a new folder was swapped in
    assert (copy / "2025-07" / "index.html").is_file()


def test_a_failing_month_in_a_worker_exits_with_its_code(data, notebooks, tmp_path):
    broken = tmp_path / "data"
    for month in ("2025-08", "2025-09"):
        shutil.copytree(data / month, broken / month)
    wf = broken / "2025-08" / "workforce.csv"
    lines = wf.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[3].split(",")
    row[header.index("fte")] = "1.4"
    lines[3] = ",".join(row)
    wf.write_text("\n".join(lines) + "\n")
    out = tmp_path / "reports"
    result = carelib(
        "report",
        "--data",
        broken,
        "--out",
        out,
        "--month",
        "all",
        "--jobs",
        2,
        "--notebooks",
        notebooks,
    )
    assert result.returncode == 1, result.stderr
    # Both months fail (2025-09 reads 2025-08 as its month before); whichever worker
    # ends first, the run reports the oldest month, as a serial run would, then the other.
    assert result.stderr.startswith("carelib: 2025-08: the data is not valid"), result.stderr
    assert "Also not published:\n  2025-09: the data is not valid" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (out / "2025-08").exists()
    assert not [p for p in out.iterdir() if p.name.startswith((".staging-", ".previous-"))]


def test_fingerprint_follows_data_up_to_the_month_config_notebooks_and_version(
    data, notebooks, tmp_path, monkeypatch
):
    from carelib import config, fingerprints, runner

    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    nbs = tmp_path / "notebooks"
    shutil.copytree(notebooks, nbs)
    cfg = config.load(None)
    opts = runner.RunOptions(
        config=cfg, data_dir=copy, reports_dir=tmp_path / "r", notebooks_dir=nbs
    )
    base = {m: runner.fingerprint(opts, m)[0] for m in MONTHS}
    assert runner.fingerprint(opts, "2025-08")[0] == base["2025-08"]  # stable

    (copy / "2025-08" / "measures.csv").write_text(
        (copy / "2025-08" / "measures.csv").read_text() + "\n"
    )
    after = {m: runner.fingerprint(opts, m)[0] for m in MONTHS}
    assert after["2025-07"] == base["2025-07"]
    assert after["2025-08"] != base["2025-08"] and after["2025-09"] != base["2025-09"]

    (nbs / "02_improvement_plan.ipynb").write_text(
        (nbs / "02_improvement_plan.ipynb").read_text().replace("Plan", "Plan!")
    )
    assert runner.fingerprint(opts, "2025-07")[0] != base["2025-07"]
    edited = runner.fingerprint(opts, "2025-07")[0]

    other = tmp_path / "other.toml"
    other.write_text(
        (ROOT / "carelib.toml").read_text().replace("agency_rate = 20.0", "agency_rate = 19.0")
    )
    opts.config = config.load(other)
    assert runner.fingerprint(opts, "2025-07")[0] != edited
    opts.config = cfg
    monkeypatch.setattr(fingerprints, "__version__", "99.0")
    assert runner.fingerprint(opts, "2025-07")[0] != edited


def test_pages_go_through_the_stock_html_exporter_and_one_template():
    """Every page is nbconvert's own HTMLExporter with carelib's template (no subclass).

    A notebook exports as a whole page: the shell around it, markdown headings with
    nbconvert's ids and no pilcrow link, the contents list read from those headings,
    outputs shown, code and cells tagged ``remove_cell`` left out.
    """
    import datetime as dt

    import nbformat
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from carelib import pages, runner

    assert type(runner.exporter()) is HTMLExporter
    png = base64.b64encode(
        base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
            "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
        )
    ).decode()
    code = new_code_cell(
        "secret_code()",
        outputs=[
            new_output("display_data", data={"text/html": "<p>Caf&eacute; &amp; <b>tea</b></p>"}),
            new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
            new_output(
                "execute_result", data={"text/plain": "'<plain> & text'"}, execution_count=1
            ),
        ],
    )
    hidden = new_markdown_cell("Not shown")
    hidden.metadata["tags"] = ["remove_cell"]
    nb = new_notebook(
        cells=[
            new_markdown_cell("## A heading\n\nSome *text* & more."),
            hidden,
            code,
            new_markdown_cell("## Real change or *noise*?"),
        ]
    )
    nb.metadata["language_info"] = {"name": "python"}
    info = pages.PageInfo(
        council="Northmoor <Council>",
        title="My page",
        filename="mine.html",
        month="2025-09",
        generated_at=dt.datetime(2025, 10, 5, 7, 0),
        report_pages=(("mine.html", "My page"),),
    )
    page = BeautifulSoup(pages.export(nbformat.from_dict(nb), info), "html.parser")
    assert page.h1.get_text() == "My page: September 2025"
    assert page.select_one(".council").get_text() == "Northmoor <Council>"
    assert page.select_one('nav.pages-nav a[aria-current="page"]')["href"] == "mine.html"
    headings = [(h["id"], h.get_text()) for h in page.select("main h2")]
    assert headings == [
        ("A-heading", "A heading"),
        ("Real-change-or-noise?", "Real change or noise?"),
    ]
    toc = [(a["href"], a.get_text()) for a in page.select("nav.toc a")]
    assert toc == [("#" + i, text) for i, text in headings]
    assert page.select(".anchor-link") == [] and "\u00b6" not in page.get_text()
    text = page.get_text()
    assert "Café & tea" in text and "'<plain> & text'" in text
    assert page.select_one("main img")["src"].startswith("data:image/png;base64,")
    assert "Not shown" not in text and "secret_code" not in text


def test_script_ends_the_process_with_the_exit_code_and_all_output(data):
    run = "from carelib.cli import script; script()"
    result = subprocess.run(
        [sys.executable, "-c", run, "kpis", "--data", str(data), "--month", "2025-09", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "agency_rate" in json.loads(result.stdout)  # flushed in full before the exit
    result = subprocess.run(
        [sys.executable, "-c", run, "report", "--data", str(data), "--month", "2025-13"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 2 and "2025-13" in result.stderr


def test_the_oldest_failed_month_is_reported_whichever_worker_ended_first():
    from carelib.month_runs import _oldest_failure
    from carelib.run_options import EXIT_INVALID, EXIT_NOTEBOOK, RunFailure

    ended_first = RunFailure("2025-09: a notebook failed.\nCell 4", EXIT_NOTEBOOK)
    ended_last = RunFailure("2025-08: the data is not valid.\nworkforce.csv", EXIT_INVALID)
    failure = _oldest_failure({"2025-09": ended_first, "2025-08": ended_last})
    assert failure.exit_code == EXIT_INVALID
    assert str(failure) == (
        "2025-08: the data is not valid.\nworkforce.csv\n"
        "Also not published:\n  2025-09: a notebook failed."
    )
    assert _oldest_failure({"2025-09": ended_first}) is ended_first
