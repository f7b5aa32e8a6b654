"""The built wheel, installed into a fresh virtual environment, run as a new user would.

The wheel is built from a copy of the sources and installed with ``--no-deps`` into a
fresh venv whose site-packages has one ``.pth`` line pointing at this (the dev) venv's
site-packages, for the dependencies (and a link to its ``share/jupyter``, for their data
files): quick, and offline. Paths a ``.pth`` adds are not
scanned for further ``.pth`` files, so the dev venv's editable-carelib finder is not
loaded: the fresh venv imports only the installed wheel (checked). ``make wheel-check``
does the full install with the locked dependencies.

From a temporary folder outside the repository: ``carelib init --with-notebooks``, an
analyst's edit to the project's own notebook, ``carelib demo-data``, ``carelib report``
(its pages, showing the edit), a second ``report`` that skips the unchanged month, and
the fingerprint changing when an installed contract, report module, template or
stylesheet changes (no kernels).
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import wheel_check  # noqa: E402

pytestmark = pytest.mark.slow

ADAPTED = "Adapted for this council by its own analysts."


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with the built wheel installed (dependencies from the dev venv)."""
    work = tmp_path_factory.mktemp("wheel")
    wheel = wheel_check.build_wheel(work / "dist")
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=False)
    python = wheel_check.venv_python(env_dir)
    site = wheel_check.site_packages(python)
    dev_site = wheel_check.site_packages(sys.executable)
    (site / "carelib-dev-dependencies.pth").write_text(f"{dev_site}\n", encoding="utf-8")
    # The dependencies' data files too (nbconvert's base templates, the kernel spec):
    # Jupyter looks for them under the environment's own share/jupyter.
    dev_share = Path(sys.prefix) / "share" / "jupyter"
    if dev_share.is_dir():
        (env_dir / "share").mkdir(exist_ok=True)
        (env_dir / "share" / "jupyter").symlink_to(dev_share, target_is_directory=True)
    uv = Path(sys.executable).parent / "uv"
    subprocess.run(
        [str(uv), "pip", "install", "--quiet", "--offline", "--no-deps"]
        + ["--python", str(python), str(wheel)],
        check=True,
        capture_output=True,
    )
    return {"wheel": wheel, "venv": env_dir, "python": python, "site": site, "work": work}


@pytest.fixture(scope="module")
def month(installed):
    """init, demo-data and report with the installed console script, outside the repo."""
    work = installed["work"] / "council-folder"
    work.mkdir()
    assert not work.is_relative_to(ROOT)
    carelib = [str(wheel_check.venv_script(installed["venv"], "carelib"))]

    def adapt(project: Path) -> None:
        import nbformat

        path = project / "notebooks" / "01_workforce.ipynb"
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell(ADAPTED))
        nbformat.write(nb, path)

    done = wheel_check.run_month(carelib, work, ("--with-notebooks",), before_report=adapt)
    done["carelib"] = carelib
    return done


def _in_fresh_venv(installed, code: str, cwd: Path) -> str:
    result = subprocess.run(
        [str(installed["python"]), "-c", code],
        cwd=cwd,
        env=wheel_check.clean_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_wheel_holds_everything_a_run_needs(installed):
    names = set(wheel_check.wheel_contents(installed["wheel"]))
    expected = {f"carelib/notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")}
    expected |= {f"carelib/data_contracts/{p.name}" for p in (ROOT / "data_contracts").glob("*")}
    expected |= {
        f"carelib/{p.relative_to(ROOT / 'carelib').as_posix()}"
        for sub in ("templates", "static", "reference")
        for p in (ROOT / "carelib" / sub).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    expected |= {f"carelib/{p.name}" for p in (ROOT / "carelib").glob("*.py")}
    assert "carelib/templates/project/carelib.toml" in expected
    assert "carelib/reference/csww_indicators_2017_to_2025.csv" in expected
    expected = {n for n in expected if not n.endswith(".pyc")}
    assert expected <= names, sorted(expected - names)
    assert "carelib-0.1.0.dist-info/licenses/LICENSE" in names
    assert not [n for n in names if n.startswith(("tests/", "data/", "reports/", "docs/"))]


def test_the_wheel_metadata(installed):
    import email
    import zipfile

    with zipfile.ZipFile(installed["wheel"]) as archive:
        meta = email.message_from_bytes(archive.read("carelib-0.1.0.dist-info/METADATA"))
    from carelib import __version__

    assert meta["Version"] == __version__
    assert meta["License-Expression"] == "MIT"
    assert meta["Requires-Python"] == ">=3.11"
    classifiers = meta.get_all("Classifier")
    for minor in (11, 12, 13):
        assert f"Programming Language :: Python :: 3.{minor}" in classifiers
    assert meta.get_all("Project-URL")
    requires = meta.get_all("Requires-Dist")
    assert "great-expectations<2,>=1.8" in requires
    assert not [r for r in requires if "extra ==" not in r and r.startswith("pytest")]


def test_the_fresh_venv_imports_the_installed_wheel_only(installed, tmp_path):
    where = _in_fresh_venv(
        installed,
        "import carelib, carelib.notebooks, carelib.data_contracts, sys;"
        "print(carelib.__file__); print(carelib.notebooks.__file__);"
        "print(carelib.data_contracts.__file__);"
        "print(any('__editable__' in type(f).__module__ for f in sys.meta_path))",
        tmp_path,
    ).splitlines()
    for path in where[:3]:
        assert Path(path).is_relative_to(installed["venv"]), path
    assert where[3] == "False"


def test_init_demo_data_and_report_from_the_installed_wheel(month):
    project = month["project"]
    assert not project.is_relative_to(ROOT)
    assert (project / "carelib.toml").is_file()
    out = month["results"]["report"].stdout
    assert str(project / "reports" / wheel_check.MONTH / "index.html") in out
    for page in wheel_check.PAGES:
        html = (project / "reports" / wheel_check.MONTH / page).read_text(encoding="utf-8")
        assert "Northmoor Borough Council" in html, page
    # The project's own notebooks ran (the analyst's edit is on the page).
    workforce = (project / "reports" / wheel_check.MONTH / "workforce.html").read_text()
    assert ADAPTED in workforce
    manifest = json.loads((project / "reports" / wheel_check.MONTH / "manifest.json").read_text())
    assert manifest["packages"]["carelib"] == manifest["carelib_version"]
    assert len(manifest["packages"]) > 40  # every installed distribution, not a few


def test_init_refuses_an_existing_project(month):
    project = month["project"]
    before = (project / "carelib.toml").read_bytes()
    again = subprocess.run(
        [*month["carelib"], "init", str(project)],
        capture_output=True,
        text=True,
        env=wheel_check.clean_env(),
    )
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert (project / "carelib.toml").read_bytes() == before


def test_unchanged_month_is_skipped_and_any_shipped_file_change_is_seen(installed, month):
    """Fingerprint level: edit installed files, check the month would be rebuilt."""
    project = month["project"]
    again = subprocess.run(
        [*month["carelib"], "report", "--month", wheel_check.MONTH],
        cwd=project,
        capture_output=True,
        text=True,
        env=wheel_check.clean_env(),
    )
    assert again.returncode == 0, again.stderr
    assert "skipped (unchanged)" in again.stderr

    code = (
        "from pathlib import Path; from carelib import config, runner;"
        "cfg = config.load('carelib.toml');"
        "opts = runner.RunOptions(config=cfg, data_dir=cfg.data_dir,"
        " reports_dir=cfg.reports_dir, notebooks_dir=runner.default_notebooks_dir(cfg));"
        f"d = runner.fingerprint(opts, '{wheel_check.MONTH}')[0];"
        f"print(d, runner.is_current(opts, '{wheel_check.MONTH}', d))"
    )
    digest, current = _in_fresh_venv(installed, code, project).split()
    assert current == "True"
    seen = {digest}
    site = installed["site"] / "carelib"
    for relative in (
        "data_contracts/workforce.json",
        "workforce_data.py",
        "templates/carelib/index.html.j2",
        "static/report.css",
        "reference/sn_model_2025_wide.csv",
    ):
        path = site / relative
        original = path.read_bytes()
        try:
            path.write_bytes(original + b"\n")
            changed, current = _in_fresh_venv(installed, code, project).split()
        finally:
            path.write_bytes(original)
        assert current == "False", relative
        assert changed not in seen, relative
        seen.add(changed)
    assert _in_fresh_venv(installed, code, project).split() == [digest, "True"]
