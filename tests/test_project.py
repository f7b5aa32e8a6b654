"""``carelib init``: council project folders (no kernels)."""

from __future__ import annotations

import re
import shutil
import tomllib

import pytest

from carelib import benchmarks, cli, config, notebook_pages, project, resources, runner
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def las():
    return benchmarks.local_authorities()


def test_init_fills_in_the_council_from_its_la_code(tmp_path, las, capsys):
    code = sorted(las)[0]
    la = las[code]
    assert cli.main(["init", str(tmp_path / "p"), "--la-code", code]) == 0
    assert la.name in capsys.readouterr().out
    cfg = config.load(tmp_path / "p" / "carelib.toml")
    assert cfg["council"]["name"] == la.name
    assert cfg["council"]["la_code"] == code
    assert cfg["council"]["region"] == la.region
    assert cfg["council"]["statistical_neighbours"] == list(la.neighbours)
    assert len(la.neighbours) == 10
    # A real council's inspection dates are its own to fill in: none are made up.
    assert cfg["inspection"]["plan_start"] is None
    assert cfg["inspection"]["publication_date"] is None
    assert "# plan_start = " in (tmp_path / "p" / "carelib.toml").read_text()
    assert (tmp_path / "p" / "data").is_dir() and (tmp_path / "p" / "reports").is_dir()
    assert not (tmp_path / "p" / "notebooks").exists()
    assert cfg.data_dir == tmp_path / "p" / "data"


def test_init_council_name_is_written_safely(tmp_path, las):
    name = 'Borough of "Ŵest" \\ Fenwick & Ünder-Lyne'
    made = project.init(tmp_path / "p", la_code=sorted(las)[1], council=name)
    assert made.council == name
    assert config.load(made.config_path)["council"]["name"] == name


def test_init_without_an_la_code_is_the_demo_council_of_carelib_toml(tmp_path):
    """The template, filled in for the demo council, gives the repository's carelib.toml."""
    made = project.init(tmp_path / "p")
    assert made.la_code == "999"
    ours = config.load(made.config_path).values
    repo = config.load(ROOT / "carelib.toml").values
    assert ours == repo


def test_every_template_key_is_a_known_config_key(tmp_path):
    made = project.init(tmp_path / "p")
    raw = tomllib.loads(made.config_path.read_text())
    assert set(raw) == set(config.SCHEMA)
    text = made.config_path.read_text()
    for section, keys in raw.items():
        assert set(keys) <= set(config.SCHEMA[section]), section
        # An optional key with no default is shown commented out, with its meaning.
        for key in set(config.SCHEMA[section]) - set(keys):
            assert config.SCHEMA[section][key][1] is None, (section, key)
            assert re.search(rf"^# {key} = .+# optional", text, re.M), (section, key)


def test_unknown_la_code_is_a_usage_error_and_writes_nothing(tmp_path, capsys):
    assert cli.main(["init", str(tmp_path / "p"), "--la-code", "000"]) == 2
    err = capsys.readouterr().err
    assert "'000' is not an LA code" in err and "three-digit" in err
    assert not (tmp_path / "p").exists()


def test_an_la_name_given_as_code_is_pointed_to_its_code(tmp_path, las, capsys):
    la = las[sorted(las)[2]]
    assert cli.main(["init", str(tmp_path / "p"), "--la-code", la.name]) == 2
    assert f"is LA code {la.code}" in capsys.readouterr().err


def test_init_never_overwrites_a_carelib_toml(tmp_path, capsys):
    (tmp_path / "carelib.toml").write_text("# mine\n")
    assert cli.main(["init", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (tmp_path / "carelib.toml").read_text() == "# mine\n"


def test_with_notebooks_the_project_runs_its_own_copies(tmp_path):
    made = project.init(tmp_path / "p", with_notebooks=True)
    packaged = [p.name for p in notebook_pages.page_notebooks(resources.notebooks_dir())]
    assert packaged and sorted(p.name for p in made.notebooks.glob("*.ipynb")) == packaged
    for name in packaged:
        assert (made.notebooks / name).read_bytes() == (
            resources.notebooks_dir() / name
        ).read_bytes()
    cfg = config.load(made.config_path)
    assert runner.default_notebooks_dir(cfg) == made.notebooks

    plain = project.init(tmp_path / "q")
    assert runner.default_notebooks_dir(config.load(plain.config_path)) == (
        resources.notebooks_dir()
    )
    assert runner.default_notebooks_dir(None) == resources.notebooks_dir()


def test_with_notebooks_never_overwrites_a_councils_notebook(tmp_path):
    (tmp_path / "p" / "notebooks").mkdir(parents=True)
    (tmp_path / "p" / "notebooks" / "01_workforce.ipynb").write_text("{}")
    with pytest.raises(project.ProjectError, match="already holds 01_workforce.ipynb"):
        project.init(tmp_path / "p", with_notebooks=True)
    assert not (tmp_path / "p" / "carelib.toml").exists()


def test_a_config_edit_in_a_project_changes_the_fingerprint(tmp_path, month_dir):
    made = project.init(tmp_path / "p")
    shutil.rmtree(tmp_path / "p" / "data")
    shutil.copytree(month_dir, tmp_path / "p" / "data")

    def digest():
        cfg = config.load(made.config_path)
        opts = runner.RunOptions(
            config=cfg,
            data_dir=cfg.data_dir,
            reports_dir=cfg.reports_dir,
            notebooks_dir=runner.default_notebooks_dir(cfg),
        )
        return runner.fingerprint(opts, "2025-09")[0]

    before = digest()
    assert digest() == before
    text = made.config_path.read_text()
    made.config_path.write_text(text.replace("agency_rate = 20.0", "agency_rate = 18.0"))
    assert digest() != before
