"""``carelib forecast``: the projection per indicator, as text and as JSON."""

from __future__ import annotations

import json
import shutil

import pytest

from carelib import cli
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def project_dir(demo_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("forecast")
    shutil.copy(ROOT / "carelib.toml", folder / "carelib.toml")
    return folder


def run(project_dir, demo_data, capsys, *extra):
    code = cli.main(
        [
            "forecast",
            "--config",
            str(project_dir / "carelib.toml"),
            "--data",
            str(demo_data),
            *extra,
        ]
    )
    return code, capsys.readouterr()


def test_forecast_json_per_indicator(project_dir, demo_data, capsys):
    code, out = run(project_dir, demo_data, capsys, "--month", "2025-09", "--json")
    assert code == 0, out.err
    result = json.loads(out.out)
    assert result["month"] == "2025-09"
    assert set(result["indicators"]) == {"agency_rate", "vacancy_rate", "turnover_rate_12m"}
    for item in result["indicators"].values():
        assert len(item["projection"]) == 18
        first = item["projection"][0]
        assert first["month"] == "2025-10"
        assert first["low"] <= first["central"] <= first["high"]
        assert item["target_date"] == "2026-03-31"
        if item["now"] is not None and item["now"] <= item["target"]:
            # Met already: the month first met is the reporting month itself.
            assert item["first_met"] == "2025-09"
            assert item["first_met_range"] == ["2025-09", "2025-09"]
        else:
            assert item["first_met"] is None or item["first_met"] >= "2025-10"
        assert {"by", "extra_starters_per_month", "max_leavers_per_month"} <= set(
            item["what_it_takes"]
        )
    # The demo's vacancy rate (14.2%) is within its 15% target in September 2025.
    assert result["indicators"]["vacancy_rate"]["first_met"] == "2025-09"
    rec = result["recruitment"]
    assert rec["target"] == 25 and rec["low"] <= rec["projected"] <= rec["high"]
    assert rec["financial_year_end"] == "2026-03"
    assert set(result["scenarios"]) == {
        "Larger September cohort",
        "Retention payment",
        "Recruitment freeze",
    }
    assert result["backtest"]["origin"] == "2024-09"
    assert result["backtest"]["mae"]["agency_rate"] >= 0


def test_forecast_text(project_dir, demo_data, capsys):
    code, out = run(project_dir, demo_data, capsys, "--month", "2025-03")
    assert code == 0, out.err
    lines = out.out.splitlines()
    assert lines[0] == "Northmoor Borough Council: workforce planning forward from March 2025"
    assert any(line.startswith("  Agency reliance: now ") for line in lines)
    assert any("Hires this financial year (to March 2025): projected" in line for line in lines)
    assert any(line.startswith("  Back-test from March 2024") for line in lines)


def test_forecast_for_a_month_not_there_is_a_usage_error(project_dir, demo_data, capsys):
    code, out = run(project_dir, demo_data, capsys, "--month", "2031-01")
    assert code == 4, out.err
    assert "2031-01" in out.err
