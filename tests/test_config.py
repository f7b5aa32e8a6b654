import datetime as dt
import os
import subprocess
import sys

import pytest

from carelib import config
from tests.conftest import ROOT


def write(tmp_path, text):
    path = tmp_path / "carelib.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_project_config_loads_with_every_section():
    cfg = config.load(ROOT / "carelib.toml")
    assert cfg["council"]["name"] == "Northmoor Borough Council"
    assert cfg["inspection"]["publication_date"] == dt.date(2023, 8, 25)
    assert cfg["targets"]["qsw_hires_this_year"] == 25
    assert cfg.data_dir == ROOT / "data"
    assert set(cfg.values) == set(config.SCHEMA)


def test_defaults_fill_missing_keys(tmp_path):
    cfg = config.load(write(tmp_path, '[council]\nname = "Anytown"\n'))
    assert cfg["council"]["name"] == "Anytown"
    assert cfg["targets"]["qsw_hires_this_year"] == 25
    assert cfg["rag"]["due_soon_days"] == 30
    assert cfg["run"]["kernel_name"] == "python3"


@pytest.mark.parametrize(
    "text, key",
    [
        ('[council]\nnmae = "x"\n', "council.nmae"),
        ('[councill]\nname = "x"\n', "[councill]"),
        ('[targets]\nagency_rate = "low"\n', "targets.agency_rate"),
        ("[targets]\nqsw_hires_this_year = 2.5\n", "targets.qsw_hires_this_year"),
        ('[inspection]\npublication_date = "25/08/2023"\n', "inspection.publication_date"),
        ('[inspection]\npublication_date = "2023-02-30"\n', "inspection.publication_date"),
        ('[inspection]\njudgement = "fine"\n', "inspection.judgement"),
        ("[publication]\nenabled = 1\n", "publication.enabled"),
        ('[council]\nstatistical_neighbours = "876"\n', "council.statistical_neighbours"),
        ("[rag]\namber_gap_share = 1.5\n", "rag.amber_gap_share"),
    ],
)
def test_invalid_config_names_the_key(tmp_path, text, key):
    with pytest.raises(config.ConfigError) as err:
        config.load(write(tmp_path, text))
    assert key in str(err.value)


def test_not_toml_and_missing_file(tmp_path):
    with pytest.raises(config.ConfigError, match="not valid TOML"):
        config.load(write(tmp_path, "[council\n"))
    with pytest.raises(config.ConfigError, match="does not exist"):
        config.load(tmp_path / "nope.toml")


def test_iso_date_text_and_relative_paths(tmp_path):
    cfg = config.load(
        write(tmp_path, '[inspection]\nplan_start = "2024-01-01"\n[paths]\ndata = "extract"\n')
    )
    assert cfg["inspection"]["plan_start"] == dt.date(2024, 1, 1)
    assert cfg.data_dir == tmp_path / "extract"
    assert cfg.as_dict()["inspection"]["plan_start"] == "2024-01-01"


# --- Config cannot produce nonsense ------------------------------------------------------

DEMO_COUNCIL = (
    '[council]\nla_code = "999"\nregion = "North West"\nstatistical_neighbours = ["876", "340"]\n'
)


@pytest.mark.parametrize(
    "text, key, words",
    [
        ("[targets]\nagency_rate = -5\n", "targets.agency_rate", "out of range"),
        ("[targets]\nvacancy_rate = nan\n", "targets.vacancy_rate", "not a finite number"),
        ("[targets]\nturnover_rate_12m = inf\n", "targets.turnover_rate_12m", "finite"),
        ("[targets]\nabsence_rate_12m = 140\n", "targets.absence_rate_12m", "0 to 100"),
        ("[targets]\naverage_caseload = 0\n", "targets.average_caseload", "out of range"),
        ("[targets]\nqsw_hires_this_year = -1\n", "targets.qsw_hires_this_year", "range"),
        ("[targets]\nfinancial_year_start_month = 13\n", "financial_year_start_month", "1 to 12"),
        ("[rag]\ndue_soon_days = -3\n", "rag.due_soon_days", "out of range"),
        ("[rag]\namber_gap_share = -inf\n", "rag.amber_gap_share", "finite"),
        ("[rag]\nstale_update_months = 0\n", "rag.stale_update_months", "out of range"),
        ("[publication]\nthreshold = 0\n", "publication.threshold", "1 to 100"),
        (
            '[publication]\nenabled = true\nmarking = "  "\n',
            "publication.marking",
            "must not be blank",
        ),
        ('[council]\nregion = "North Westt"\n', "council.region", "not one of DfE's regions"),
        ('[council]\nla_code = "999"\n', "council.la_code", "not an LA code in the DfE files"),
        (
            '[council]\nla_code = "999"\nregion = "North West"\n',
            "council.la_code",
            "set council.region and council.statistical_neighbours",
        ),
        (
            '[council]\nstatistical_neighbours = ["876", "123"]\n',
            "council.statistical_neighbours (entry 2)",
            "'123' is not an LA code",
        ),
        (
            '[council]\nstatistical_neighbours = ["876", "340", "876"]\n',
            "council.statistical_neighbours (entry 3)",
            "listed twice",
        ),
        (
            '[council]\nstatistical_neighbours = ["876", " "]\n',
            "council.statistical_neighbours (entry 2)",
            "blank",
        ),
        (
            '[council]\nla_code = "876"\nstatistical_neighbours = ["340", "876"]\n',
            "council.statistical_neighbours (entry 2)",
            "own la_code",
        ),
        ('[run]\nkernel_name = ""\n', "run.kernel_name", "must not be blank"),
        ("[run]\njobs = 0\n", "run.jobs", "out of range"),
    ],
)
def test_nonsense_values_are_refused_naming_the_key(tmp_path, text, key, words):
    with pytest.raises(config.ConfigError) as err:
        config.load(write(tmp_path, text))
    assert key in str(err.value) and words in str(err.value)
    assert err.value.exit_code == 2


def test_jobs_beyond_the_machine_are_refused(tmp_path):
    cores = os.cpu_count() or 1
    assert config.load(write(tmp_path, f"[run]\njobs = {cores}\n"))["run"]["jobs"] == cores
    with pytest.raises(config.ConfigError, match=rf"run.jobs: {cores + 1} .*1 to {cores}"):
        config.load(write(tmp_path, f"[run]\njobs = {cores + 1}\n"))


def test_every_problem_is_listed_at_once(tmp_path):
    text = "[targets]\nagency_rate = -1\nvacancy_rate = 200\n[publication]\nthreshold = 0\n"
    with pytest.raises(config.ConfigError) as err:
        config.load(write(tmp_path, text))
    message = str(err.value)
    assert all(k in message for k in ("agency_rate", "vacancy_rate", "publication.threshold"))


def test_a_council_not_in_the_dfe_files_sets_region_and_neighbours(tmp_path):
    cfg = config.load(write(tmp_path, DEMO_COUNCIL))
    assert cfg["council"]["la_code"] == "999"
    assert cfg["council"]["statistical_neighbours"] == ["876", "340"]
    # A real LA needs neither: DfE's files have its region and neighbours.
    assert config.load(write(tmp_path, '[council]\nla_code = "876"\n'))["council"]["region"] == ""
    assert "999" not in config.dfe_codes() and {"876", "340", "896"} <= config.dfe_codes()
    assert "North West" in config.dfe_regions() and "London" in config.dfe_regions()


def test_plan_start_after_the_reporting_month_is_refused(tmp_path):
    cfg = config.load(write(tmp_path, "[inspection]\nplan_start = 2025-10-01\n"))
    config.check_month(cfg, "2025-10")  # the plan's first month is fine
    with pytest.raises(config.ConfigError, match=r"inspection.plan_start: 2025-10-01 .*2025-09"):
        config.check_month(cfg, "2025-09")


def test_publication_mode_from_the_command_line_needs_a_marking(tmp_path):
    cfg = config.load(write(tmp_path, '[publication]\nmarking = ""\n'))  # not enabled: fine
    with pytest.raises(config.ConfigError, match="publication.marking"):
        config.check_publication(cfg)


def test_a_notepad_file_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "carelib.toml"
    path.write_bytes(b"\xef\xbb\xbf" + '[council]\nname = "Sàint Hélens"\n'.encode())
    assert config.load(path)["council"]["name"] == "Sàint Hélens"


def test_a_windows_1252_file_gets_a_message_not_a_traceback(tmp_path):
    path = tmp_path / "carelib.toml"
    path.write_bytes('[council]\n\nname = "Café Council – North"\n'.encode("cp1252"))
    with pytest.raises(config.ConfigError) as err:
        config.load(path)
    message = str(err.value)
    assert "not UTF-8" in message and "line 3" in message and "Windows-1252" in message


def test_the_folder_without_a_config_suggests_carelib_init(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert config.load()["council"]["name"] == "Example Council"  # defaults, for notebooks
    with pytest.raises(config.ConfigError, match=r"no carelib.toml .*carelib init DIR"):
        config.load(required=True)


def test_a_bad_config_stops_the_command_before_any_kernel(tmp_path, month_dir):
    """Exit 2 naming the key, with papermill never imported and no reports folder made."""
    bad = write(tmp_path, "[targets]\nagency_rate = -5\n")
    out = tmp_path / "reports"
    code = (
        "import sys; from carelib import cli; "
        f"code = cli.main(['report', '--config', {str(bad)!r}, '--data', {str(month_dir)!r}, "
        f"'--out', {str(out)!r}]); print(code, 'papermill' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.split() == ["2", "False"], result.stderr
    assert "targets.agency_rate" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
