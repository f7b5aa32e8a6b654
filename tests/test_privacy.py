"""No worker identifier or row-level record leaves in anything carelib publishes.

Workforce data is personal data (sickness is health data). These tests read back what a
real run published, pages, CSVs, manifest and the executed notebooks kept for audit, and
prove that a notebook which leaks an identifier stops the run with nothing published.
"""

from __future__ import annotations

import json
import re
import shutil

import browser_support as bs
import nbformat

from carelib import notebook_pages, privacy, runner, schema

#: Columns that only a row-level (per-worker) record has.
ROW_LEVEL_COLUMNS = {
    "worker_id",
    "sickness_days",
    "leave_date",
    "asye",
    "covering_vacancy",
    "start_origin",
    "destination",
}


# --- The scanner ---------------------------------------------------------------------------


def test_scan_finds_whole_identifiers_in_every_kind_of_published_file(tmp_path):
    (tmp_path / "executed").mkdir()
    (tmp_path / "page.html").write_text("<td>W00123</td><td>W001234</td>", encoding="utf-8")
    (tmp_path / "teams.csv").write_text("team,worker\nA,W00777\n", encoding="utf-8")
    (tmp_path / "executed" / "01.ipynb").write_text(
        json.dumps({"cells": [{"outputs": [{"text": "W00123 and W00123"}]}]}), encoding="utf-8"
    )
    # A letter before a letter-initial id does not make it another id: still a leak.
    (tmp_path / "manifest.json").write_text('{"note": "xW00555"}', encoding="utf-8")
    (tmp_path / "chart.png").write_bytes(b"W00123")  # not text: images are not scanned

    leaks = privacy.scan(tmp_path, {"W00123", "W00777", "W00555", "W00999"})

    found = {
        (leak.path.relative_to(tmp_path).as_posix(), leak.worker_id, leak.count) for leak in leaks
    }
    assert found == {
        ("page.html", "W00123", 1),
        ("teams.csv", "W00777", 1),
        ("executed/01.ipynb", "W00123", 2),
        ("manifest.json", "W00555", 1),
    }


def test_scan_skips_inline_images_but_not_text_beside_them(tmp_path):
    image = "data:image/png;base64,iVBORw0KGgoW00123+/="
    (tmp_path / "page.html").write_text(
        f'<img src="{image}" alt="chart"><p>{image} W00123</p>', encoding="utf-8"
    )
    nb = {"cells": [{"outputs": [{"data": {"image/png": "AAAW00777AAA", "text/plain": "W00777"}}]}]}
    (tmp_path / "nb.ipynb").write_text(json.dumps(nb), encoding="utf-8")

    leaks = privacy.scan(tmp_path, {"W00123", "W00777"})

    assert sorted((leak.path.name, leak.worker_id, leak.count) for leak in leaks) == [
        ("nb.ipynb", "W00777", 1),
        ("page.html", "W00123", 1),
    ]


def test_scan_with_no_identifiers_finds_nothing(tmp_path):
    (tmp_path / "page.html").write_text("<p>anything</p>", encoding="utf-8")
    assert privacy.scan(tmp_path, set()) == []


# --- What a real run published ---------------------------------------------------------


def test_published_month_holds_no_worker_identifier(demo_reports, demo_data):
    ids = bs.worker_ids(demo_data)  # every month's staff and leavers, not just this month's
    assert len(ids) > 200
    leaks = privacy.scan(demo_reports, ids)
    assert not leaks, [(str(leak.path), leak.worker_id) for leak in leaks[:5]]
    scanned = [p for p in demo_reports.rglob("*") if p.suffix in (".html", ".csv", ".ipynb")]
    assert len(scanned) >= 10


def test_published_csvs_hold_aggregates_only(demo_reports):
    worker_columns = set(schema.column_names("workforce")) | set(schema.column_names("leavers"))
    assert ROW_LEVEL_COLUMNS <= worker_columns
    csvs = sorted((demo_reports / bs.MONTH).glob("*.csv"))
    assert {p.name for p in csvs} >= {"workforce_indicators.csv", "actions.csv", "measures.csv"}
    for path in csvs:
        header = set(path.read_text(encoding="utf-8").splitlines()[0].split(","))
        assert not header & ROW_LEVEL_COLUMNS, (path.name, header & ROW_LEVEL_COLUMNS)


def test_executed_notebooks_hold_no_row_level_data(demo_reports, publication_reports, demo_data):
    ids = bs.worker_ids(demo_data)
    pattern = re.compile(r"\b(" + "|".join(sorted(ids)) + r")\b")
    for reports in (demo_reports, publication_reports):
        notebooks = sorted((reports / bs.MONTH / "executed").glob("*.ipynb"))
        assert [p.name for p in notebooks] == [
            p.name for p in notebook_pages.page_notebooks(bs.ROOT / "notebooks")
        ]
        for path in notebooks:
            outputs = bs.notebook_outputs(path)
            cells = nbformat.read(path, as_version=4).cells
            skip = {"parameters", "injected-parameters", "setup"}
            views = [
                c
                for c in cells
                if c.cell_type == "code" and not skip & set(c.metadata.get("tags", []))
            ]
            assert views and len(outputs) >= len(views), path  # every view cell shows
            for text in outputs:
                assert not pattern.search(text), f"{path.name}: {pattern.search(text)[0]}"
                # No data frame of worker records was displayed (its columns would show).
                assert not re.search(r"\b(worker_id|sickness_days|leave_date)\b", text), path
    # Team-level sickness is health data: it stays out of the publication's notebooks too.
    for path in (publication_reports / bs.MONTH / "executed").glob("*.ipynb"):
        assert "Sickness absence by team" not in "".join(bs.notebook_outputs(path))


def test_the_personal_data_scan_fails_a_run_whose_notebook_leaks_an_identifier(
    demo_reports, demo_data, tmp_path
):
    """The personal-data scan fails a run whose notebook leaks an identifier.

    The one leaky notebook is a stand-in for the plan page (one small kernel) whose one
    cell shows a worker identifier from the month's data, as an analyst's cell might.
    """
    from publish_support import write_standins

    notebooks = write_standins(tmp_path / "notebooks", names={"02_improvement_plan.ipynb": "Plan"})
    leaky = notebooks / "02_improvement_plan.ipynb"
    nb = json.loads(leaky.read_text(encoding="utf-8"))
    nb["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "leak",
            "metadata": {},
            "outputs": [],
            "source": [
                "import pandas as pd\n",
                "from IPython.display import HTML, display\n",
                "workers = pd.read_csv(f'{data_dir}/{month}/workforce.csv', dtype=str)\n",
                "display(HTML(workers['worker_id'].iloc[0]))",
            ],
        }
    )
    leaky.write_text(json.dumps(nb), encoding="utf-8")
    reports = tmp_path / "reports"
    shutil.copytree(demo_reports, reports)
    before = bs.snapshot(reports)

    result = bs.report(demo_data, reports, "--notebooks", str(notebooks))

    assert result.returncode == runner.EXIT_NOTEBOOK, result.stderr
    assert "a worker identifier appears in the output" in result.stderr
    assert "nothing was published" in result.stderr
    assert "improvement_plan.html" in result.stderr  # where it was found
    after = bs.snapshot(reports)
    assert sorted(after) == sorted(before), "files were added or removed"
    for name, content in before.items():
        if name == "index.html":
            continue  # the archive is rewritten after every run: compared below
        assert after[name] == content, f"{name} changed"
    # The archive lists the same months; only its "Generated" time may differ.
    generated = re.compile(rb"Generated \d+ \w+ \d{4} at \d\d:\d\d")
    assert generated.sub(b"", after["index.html"]) == generated.sub(b"", before["index.html"])
    assert not (reports / "failed").exists()


def test_scan_is_not_fooled_by_markup_around_an_identifier(tmp_path):
    (tmp_path / "page.html").write_text("<b>W00123</b>&nbsp;W00124<br>", encoding="utf-8")
    leaks = privacy.scan(tmp_path, {"W00123", "W00124"})
    assert sorted(leak.worker_id for leak in leaks) == ["W00123", "W00124"]


def test_every_file_a_month_publishes_is_scanned(demo_reports):
    kinds = {p.suffix for p in (demo_reports / bs.MONTH).rglob("*") if p.is_file()}
    assert kinds and not kinds & privacy.SKIPPED_SUFFIXES, kinds & privacy.SKIPPED_SUFFIXES
