"""Free text that is published is checked for things that look like personal data."""

from __future__ import annotations

import browser_support as bs
import pytest

from carelib import blocks, loading, privacy, runner, validation

EMAIL, SWE, PHONE = bs.EMAIL, bs.SWE, bs.PHONE_NUMBER
_plant = bs.plant_personal_data


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("SW123456", "Social Work England registration number"),
        ("reg sw 12345", "Social Work England registration number"),
        ("jo.bloggs@example.gov.uk", "email address"),
        ("JO.BLOGGS\uff20EXAMPLE.GOV.UK", "email address"),
        ("01632 960123", "UK phone number"),
        ("(01632) 960123", "UK phone number"),
        ("+44 7700 900123", "UK phone number"),
        ("+44 (0)20 7946 0123", "UK phone number"),
        ("020-7946-0123", "UK phone number"),
        ("07700900123", "UK phone number"),
    ],
)
def test_each_kind_of_personal_data_is_recognised(text, kind):
    hits = [k for k, p in privacy.PERSONAL_DATA.items() if p.search(privacy.normalise(text))]
    assert hits == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "SW1A 1AA",  # a postcode
        "SW19",
        "2025-09-30",
        "0 5 10 15 20 25",
        "budget £1,234,567",
        "target 0.75 by March 2026",
        "a@b",
        "ref 123456789012",
    ],
)
def test_ordinary_text_is_not_taken_for_personal_data(text):
    normalised = privacy.normalise(text)
    assert not [k for k, p in privacy.PERSONAL_DATA.items() if p.search(normalised)]


def test_demo_free_text_holds_no_personal_data(demo_data):
    month = loading.load_month(demo_data, bs.MONTH)
    checks = privacy.personal_data_checks(month)
    assert checks and not [c for c in checks if c.failed]
    assert {c.dataset for c in checks} == set(privacy.FREE_TEXT)


def test_hits_name_file_column_and_row_and_never_the_whole_value(month_dir):
    rows = _plant(month_dir)
    checks = privacy.personal_data_checks(loading.load_month(month_dir, bs.MONTH))
    failed = {c.column: c for c in checks if c.failed}
    assert set(failed) == {"update", "action", "name"}
    for column, check in failed.items():
        assert check.rows == [rows[column]]
        assert check.severity == "warning" and not check.blocks
    sentences = " ".join(c.sentence() for c in failed.values())
    assert "actions.csv: column update" in sentences and "(row 4)" in sentences
    assert "measures.csv: column name" in sentences
    for value in (EMAIL, SWE, PHONE, EMAIL.lower(), SWE.lower(), "960123"):
        assert value not in sentences


def test_a_hit_is_a_warning_on_the_data_quality_page(month_dir):
    _plant(month_dir)
    report = validation.ValidationReport(bs.MONTH)
    report.checks += privacy.personal_data_checks(loading.load_month(month_dir, bs.MONTH))
    page = str(blocks.render(validation.quality_page(report)))
    assert "free text holds no email address" in page
    assert "actions.csv: 1 row did not meet the rule that free text holds no email" in page
    assert EMAIL not in page


def test_publication_refuses_free_text_with_personal_data(demo_copy, tmp_path):
    from publish_support import write_standins

    _plant(demo_copy)
    config = bs.config_with_marking(tmp_path / "publication.toml")
    out = tmp_path / "reports"
    # Notebooks that leave a mark when a kernel runs them: a refused month runs none.
    ran = tmp_path / "a-notebook-ran"
    notebooks = write_standins(tmp_path / "notebooks", f"\nopen({str(ran)!r}, 'w').close()\n")

    args = ("--publication", "--notebooks", str(notebooks))
    result = bs.report(demo_copy, out, *args, config=config)

    assert result.returncode == runner.EXIT_NOTEBOOK, result.stderr
    assert "personal data" in result.stderr and "nothing was published" in result.stderr
    assert "actions.csv: column update: 1 row has" in result.stderr
    assert "(row 4)" in result.stderr and "measures.csv: column name" in result.stderr
    for value in (EMAIL, SWE, PHONE, EMAIL.lower(), "960123"):
        assert value not in result.stderr + result.stdout
    assert not (out / bs.MONTH).exists()
    assert not ran.exists(), "a notebook ran although the month was refused before any kernel"


def test_publication_quality_page_shows_no_small_count(month_dir):
    _plant(month_dir)
    month = loading.load_month(month_dir, bs.MONTH)
    report = validation.ValidationReport(bs.MONTH)
    report.checks += privacy.personal_data_checks(month)
    report.completeness = {
        "workforce": {"file": "workforce.csv", "rows": 212, "columns": {}},
        "leavers": {
            "file": "leavers.csv",
            "rows": 9,
            "columns": {
                "destination": {
                    "required": False,
                    "in_file": True,
                    "blank": 2,
                    "blank_share": 2 / 9,
                }
            },
        },
        "actions": {"file": "actions.csv", "rows": 4, "columns": {}},
    }
    shown = str(blocks.render(validation.quality_page(report)))
    assert "1 row did not meet" in shown and ">212<" in shown and ">9<" in shown
    page = str(blocks.render(validation.quality_page(report, threshold=5)))
    assert "1 row did not meet" not in page and "c rows (a small number) did not meet" in page
    frames = bs.tables(page)
    rows = dict(zip(frames[1].column("Data file"), frames[1].column("Rows"), strict=True))
    assert rows["workforce.csv"] == rows["leavers.csv"] == rows["actions.csv"] == "c"
    assert frames[2].column("Blank cells") == ["c"]


def test_outside_publication_a_hit_is_a_warning_in_the_run_and_on_the_page(
    hostile_reports, report_builds
):
    """The session's hostile build has this personal data planted too (conftest)."""
    stderr = report_builds.stderr("hostile")

    assert "WARNING actions.csv: column update: 1 row has what looks like an email address" in (
        stderr
    )
    assert "WARNING measures.csv: column name: 1 row has what looks like a UK phone" in stderr
    assert "(row 4)" in stderr and EMAIL not in stderr
    page = (hostile_reports / bs.MONTH / "data_quality.html").read_text(encoding="utf-8")
    assert "free text holds no email address" in page and EMAIL not in page
    assert "Social Work England registration number" in page
