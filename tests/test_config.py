import datetime as dt

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
