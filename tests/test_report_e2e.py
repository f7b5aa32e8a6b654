"""End to end: `carelib report` on the demo data, through papermill, GX and nbconvert."""

from __future__ import annotations

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

MONTH = "2025-09"
PAGES = [
    "index.html",
    "workforce.html",
    "improvement_plan.html",
    "workforce_planning.html",
    "data_quality.html",
]


def carelib(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "carelib", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        # Not the lock, nor the validation cache (reports/.cache: verdicts, no report).
        if p.is_file() and p.name != ".carelib.lock" and ".cache" not in p.parts
    }


@pytest.fixture(scope="session")
def built(demo_reports, report_builds):
    """The session's real monthly run on the demo data (conftest), and what it printed.

    Shared by the read-only checks here and the browser tests; tests that run carelib
    again work on a copy.
    """
    return demo_reports, report_builds.stdout("demo")


def read(out: Path, name: str) -> str:
    return (out / MONTH / name).read_text(encoding="utf-8")


def test_run_publishes_every_page_and_prints_the_path(built):
    out, stdout = built
    assert stdout.strip().splitlines()[-1] == str(out / MONTH / "index.html")
    for name in PAGES + [
        "workforce_indicators.csv",
        "actions.csv",
        "measures.csv",
        "manifest.json",
    ]:
        assert (out / MONTH / name).is_file(), name
    executed = sorted(p.name for p in (out / MONTH / "executed").iterdir())
    # Every numbered notebook shipped in notebooks/ ran, and only those.
    assert executed == sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert "03_workforce_planning.ipynb" in executed
    assert "September 2025" in (out / "index.html").read_text()
    # The lock, the versioned months and the validation cache (never under data; this
    # session shares one cache, CARELIB_CACHE_DIR, so it is not in the reports folder).
    hidden = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
    shared = os.environ.get(history_validation.CACHE_VARIABLE)
    assert hidden == ([] if shared else [".cache"]) + [".carelib.lock", ".versions"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_have_no_code_no_scripts_and_no_external_urls(built, name):
    out, _ = built
    page = read(out, name)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", page, re.I), "external URL"
    for code in (
        "notebook.setup",
        "from carelib",
        "Traceback",
        "In&nbsp;[",
        "DeprecationWarning",
        "UserWarning",
        "jp-",
    ):
        assert code not in page, code
    assert not re.search(r"\breport\.[a-z_]+\(\)", page), "notebook code in the page"
    assert len(re.findall(r"<h1[ >]", page)) == 1
    assert 'lang="en-GB"' in page
    assert "Northmoor Borough Council" in page and "September 2025" in page
    assert "Generated " in page
    srcs = re.findall(r'\ssrc="([^"]*)"', page)
    assert all(s.startswith("data:image/") for s in srcs)


def test_pages_have_contents_and_expected_sections(built):
    out, _ = built
    workforce = read(out, "workforce.html")
    for heading in (
        "At a glance",
        "Agency reliance",
        "Turnover and leavers",
        "Caseloads",
        "Sickness absence",
        "Newly qualified social workers",
        "Teams",
    ):
        # Listed in the contents under its name; the heading itself states the finding.
        link = re.search(rf'<a href="#([^"]+)">{heading}</a>', workforce)
        assert link, heading
        assert re.search(rf'<h2[^>]*id="{link[1]}"[^>]*>\s*\S', workforce), heading
    assert 'aria-label="Contents"' in workforce
    plan = read(out, "improvement_plan.html")
    # The plan's headings state their findings, from the figures.
    for heading in (
        r"\d+ actions? and \d+ progress measures? (is|are) red",
        r"\d+ of \d+ recommendations (is|are) red, \d+ amber and \d+ green",
        r"\d+ of \d+ actions complete against \d+ due",
    ):
        assert re.search(rf"<h2[^>]*>{heading}</h2>", plan), heading
    # Each section's computed content is rendered, not only the notebook's headings.
    for page in (workforce, plan):
        assert page.count('class="tile"') >= 6
        assert page.count("<table") >= 5
        assert page.count('<figure class="chart">') >= 3


def test_headline_figures_equal_what_carelib_computes(built, demo_data):
    from carelib import loading, workforce

    out, _ = built
    history = loading.load_history(demo_data, MONTH)
    kpis = workforce.council_kpis(history, MONTH)
    agency = f"{kpis['agency_rate']['value']:.1f}%"
    caseload = f"{kpis['average_caseload']['value']:.1f}"
    for name in ("workforce.html", "index.html"):
        page = read(out, name)
        tiles = re.findall(r'<p class="tile-value">([^<]*)</p>', page)
        assert agency in tiles, (name, agency, tiles)
        assert caseload in tiles, (name, caseload, tiles)


def test_workforce_indicators_csv_matches_the_indicators(built, demo_data):
    import pandas as pd

    from carelib import loading, workforce

    out, _ = built
    table = pd.read_csv(out / MONTH / "workforce_indicators.csv")
    kpis = workforce.council_kpis(loading.load_history(demo_data, MONTH), MONTH)
    council = table[(table["indicator"] == "agency_rate") & (table["scope"] == "council")]
    assert council["value"].iloc[-1] == pytest.approx(kpis["agency_rate"]["value"], abs=0.05)
    assert {"indicator", "scope", "value", "numerator", "denominator", "months_covered"} <= set(
        table.columns
    )


def test_manifest_records_inputs_versions_and_durations(built):
    out, _ = built
    manifest = json.loads(read(out, "manifest.json"))
    assert manifest["month"] == MONTH
    assert f"{MONTH}/workforce.csv" in manifest["inputs"]
    assert len(manifest["inputs"]["2025-09/workforce.csv"]) == 64
    assert manifest["packages"]["great-expectations"].startswith("1.")
    assert manifest["durations_seconds"]["total"] > 0


def test_rerun_skips_an_unchanged_month_and_force_rebuilds(built, demo_data, tmp_path):
    out, _ = built
    copy = tmp_path / "reports"
    shutil.copytree(out, copy)
    before = tree_digest(copy)
    result = carelib("report", "--data", str(demo_data), "--out", str(copy), "--month", MONTH)
    assert result.returncode == 0, result.stderr
    assert "skipped" in result.stderr
    assert tree_digest(copy) == before


def test_invalid_data_publishes_nothing_and_keeps_reports(built, demo_copy, tmp_path):
    """Real validation, papermill and kernels; stand-in notebooks, as they never publish.

    The first notebook would take ten minutes: validation's verdict stops its kernel.
    """
    import time

    from tests.publish_support import write_standins

    out, _ = built
    copy = tmp_path / "reports"
    shutil.copytree(out, copy)
    before = tree_digest(copy)
    wf = demo_copy / MONTH / "workforce.csv"
    lines = wf.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[3].split(",")
    row[header.index("fte")] = "1.4"
    lines[3] = ",".join(row)
    wf.write_text("\n".join(lines) + "\n")
    marker = tmp_path / "notebook-finished"
    notebooks = write_standins(
        tmp_path / "notebooks", f"import time\ntime.sleep(600)\nopen({str(marker)!r}, 'w')\n"
    )
    started = time.perf_counter()
    result = carelib(
        "report",
        "--data",
        str(demo_copy),
        "--out",
        str(copy),
        "--month",
        MONTH,
        "--force",
        "--notebooks",
        str(notebooks),
    )
    assert time.perf_counter() - started < 300 and not marker.exists()
    assert result.returncode == 1
    assert "workforce" in result.stderr and "fte" in result.stderr and "4" in result.stderr
    assert tree_digest(copy) == before


def test_failing_notebook_exits_3_keeps_it_and_publishes_nothing(built, demo_data, tmp_path):
    """A cell that raises, in the second of two stand-in notebooks (real kernels)."""
    import nbformat

    from tests.publish_support import write_standins

    out, _ = built
    copy = tmp_path / "reports"
    shutil.copytree(out, copy)
    before = tree_digest(copy)
    notebooks = write_standins(tmp_path / "notebooks")
    nb = nbformat.read(notebooks / "02_improvement_plan.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('deliberate failure')"))
    nbformat.write(nb, notebooks / "02_improvement_plan.ipynb")
    result = carelib(
        "report",
        "--data",
        str(demo_data),
        "--out",
        str(copy),
        "--month",
        MONTH,
        "--force",
        "--notebooks",
        str(notebooks),
    )
    assert result.returncode == 3, result.stderr
    assert "deliberate failure" in result.stderr and "ValueError" in result.stderr
    kept = copy / "failed" / MONTH / "02_improvement_plan.ipynb"
    assert str(kept) in result.stderr and kept.is_file()
    after = tree_digest(copy)
    after = {k: v for k, v in after.items() if not k.startswith("failed/")}
    assert after == before


def test_unknown_notebook_parameter_is_rejected(built, demo_data, tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks)
    text = (notebooks / "01_workforce.ipynb").read_text()
    (notebooks / "01_workforce.ipynb").write_text(
        text.replace("publication = False  #", "publicaton = False  #")
    )
    result = carelib(
        "report",
        "--data",
        str(demo_data),
        "--out",
        str(tmp_path / "r"),
        "--month",
        MONTH,
        "--notebooks",
        str(notebooks),
    )
    assert result.returncode == 2
    assert "publication" in result.stderr and "01_workforce.ipynb" in result.stderr


def test_held_lock_is_reported(demo_data, tmp_path):
    import multiprocessing as mp

    from tests.test_publish import _hold_lock

    ctx = mp.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(tmp_path, ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        result = carelib(
            "report", "--data", str(demo_data), "--out", str(tmp_path), "--month", MONTH
        )
    finally:
        release.set()
        holder.join(10)
    assert result.returncode == 2
    assert "another carelib run" in result.stderr


def test_usage_errors_exit_2(demo_data, tmp_path):
    assert carelib("report", "--data", str(demo_data), "--month", "2025-13").returncode == 2
    assert carelib("report", "--data", str(tmp_path / "none")).returncode == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("[council]\nnmae = 'x'\n")
    result = carelib("--config", str(bad), "report", "--data", str(demo_data))
    assert result.returncode == 2 and "council.nmae" in result.stderr
