"""Figures that rest on too little data say so: pages, CSVs and the command line agree.

A 12-month indicator built from fewer than 12 months of data is never rated against a
target, never counted in "N of M targets met", and is shown as "not available yet"; a
progress measure fed by such an indicator has no rating, in the page's CSV and in
``carelib plan`` alike, for every demo month.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from carelib import cli, config, dictionary, loading, notebook, plan, plan_data, workforce
from carelib.views import workforce as views

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "carelib.toml"


@pytest.fixture(scope="module")
def two_months(demo_data, tmp_path_factory):
    """The workforce page of a council with only two months of data (Aug, Sep 2025)."""
    import shutil

    data = tmp_path_factory.mktemp("two") / "data"
    for month in ("2025-08", "2025-09"):
        shutil.copytree(demo_data / month, data / month)
    out = tmp_path_factory.mktemp("two_out")
    ctx = notebook.setup(month="2025-09", data_dir=data, config_path=CONFIG, output_dir=out)
    data = views.build(ctx)
    views.publish_outputs(data)
    return data, out


def test_two_months_give_no_rating_and_no_n_of_m_for_12_month_figures(two_months):
    report, out = two_months
    tiles = {t["label"]: t for t in views.tile_items(report)}
    turnover = tiles["Turnover rate (12 months)"]
    assert turnover["value"] == "Not available yet" and turnover["status"] is None
    assert "Only 2 of 12 months of data" in turnover["note"]
    assert tiles["Sickness absence rate (12 months)"]["status"] is None
    sentence = views.summary_sentence(report)
    # Only the three month-end targets can be judged; the two 12-month ones are named.
    assert "of 3 workforce targets were met" in sentence
    assert "of 5 workforce targets" not in sentence
    assert "turnover and sickness absence not rated: fewer than 12 months of data" in sentence
    assert "not available yet: 2 of 12 months" in sentence
    assert "1.7%" not in sentence  # the 2-month turnover figure is not quoted as turnover
    # The CSV says how many months each figure covers and whether it is complete.
    csv = pd.read_csv(out / "workforce_indicators.csv")
    council = csv[(csv["scope"] == "council") & (csv["month"] == "2025-09")].set_index("indicator")
    assert council.loc["turnover_rate_12m", ["months_covered", "window_months"]].tolist() == [
        2,
        12,
    ]
    assert not council.loc["turnover_rate_12m", "complete"]
    assert council.loc["agency_rate", "complete"]


def test_published_csv_is_rounded_as_shown_with_a_dictionary(two_months):
    report, out = two_months
    csv = pd.read_csv(out / "workforce_indicators.csv")
    for unit, decimals in dictionary.WORKFORCE_DECIMALS.items():
        values = csv.loc[csv["unit"] == unit, "value"].dropna()
        assert (values.round(decimals) == values).all(), unit
    assert (csv["numerator"].dropna().round(1) == csv["numerator"].dropna()).all()
    agency = csv[(csv["indicator"] == "agency_rate") & (csv["team"].isna())].iloc[-1]
    assert f"{agency['value']:.1f}%" == report.text("agency_rate")
    book = pd.read_csv(out / "workforce_dictionary.csv")
    assert list(book.columns) == dictionary.DICTIONARY_COLUMNS
    described = book[book["kind"] == "column"]
    assert described["name"].tolist() == csv.columns.tolist()
    assert described["description"].notna().all()
    indicators = book[book["kind"] == "indicator"].set_index("name")
    assert set(indicators.index) == set(workforce.INDICATORS)
    assert "253" in indicators.loc["absence_rate_dfe", "description"]


def _cli_plan(data: Path, month: str) -> dict:
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = cli.main(
            ["--config", str(CONFIG), "plan", "--data", str(data), "--month", month, "--json"]
        )
    assert code == 0
    return json.loads(buf.getvalue())


def test_cli_and_csv_agree_for_kpi_measures_in_every_month(demo_data):
    """``carelib plan --json`` says what the page and measures.csv say, in every month."""
    cfg = config.load(CONFIG)
    fed = None
    partial_months = 0
    # The page's path: plan_data.build, the tables the page, actions.csv and measures.csv
    # read (from every month loaded once: a month's tables ignore later months, and the
    # command line, which loads only up to the month, must agree all the same).
    history = loading.load_history(demo_data, "2025-09")
    for month in history.months:
        page = plan_data.build(history, month, cfg)
        rows = page.csv_tables()["measures.csv"].set_index("measure_id")
        said = _cli_plan(demo_data, month)
        assert said == json.loads(json.dumps(page.summary, default=str)), month
        assert said["measure_ratings"] == rows["rag"].to_dict(), month
        fed = history.measures.dropna(subset=["kpi"])["measure_id"].unique()
        for measure in fed:
            row = rows.loc[measure]
            if row["complete"] is False or row["complete"] is pd.NA:
                assert row["rag"] == plan.NO_DATA, (month, measure)
        m11 = rows.loc["M11"]
        if not m11["complete"]:
            partial_months += 1
            assert "not available yet" in m11["rag_reason"]
            assert (m11["months_covered"], m11["window_months"]) == (
                page.kpi_by_month[month]["turnover_rate_12m"]["months_covered"],
                12,
            )
    assert "M11" in fed
    # Turnover is complete from September 2024 (the demo starts in October 2023).
    assert partial_months == 11


def test_plan_page_writes_the_same_measures_csv(demo_data, tmp_path):
    month = "2024-05"  # turnover covers 8 of 12 months
    ctx = notebook.setup(month=month, data_dir=demo_data, config_path=CONFIG, output_dir=tmp_path)
    plan_data.write_csvs(plan_data.from_context(ctx), ctx)
    csv = pd.read_csv(tmp_path / "measures.csv").set_index("measure_id")
    said = _cli_plan(demo_data, month)["measure_ratings"]
    assert csv["rag"].to_dict() == said
    assert csv.loc["M11", "rag"] == plan.NO_DATA
    assert csv.loc["M11", "months_covered"] == 8 and not csv.loc["M11", "complete"]
    book = pd.read_csv(tmp_path / "plan_dictionary.csv")
    for name in ("measures.csv", "actions.csv"):
        columns = pd.read_csv(tmp_path / name, nrows=0).columns
        described = book[(book["file"] == name) & (book["kind"] == "column")]
        assert described["name"].tolist() == columns.tolist(), name
        assert described["description"].notna().all(), name
