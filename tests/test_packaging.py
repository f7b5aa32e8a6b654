"""The install story: pyproject.toml is the source of truth, environment.yml agrees.

Also the package itself (resources found through importlib.resources, licence, version),
the lock file and the Makefile's installs, the pre-commit hooks, and the digest of the
shipped files that the month fingerprint includes. tests/test_wheel.py installs the
built wheel.
"""

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower()


def _spec(requirement: str) -> str:
    return requirement.strip()[len(_name(requirement)) :].replace(" ", "")


def test_environment_yml_agrees_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r): _spec(r) for r in project["dependencies"]}
    lab = {_name(r): _spec(r) for r in project["optional-dependencies"]["lab"]}
    conda, pip_lines, in_pip = {}, [], False
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        stripped = line.split("#")[0].rstrip()
        if re.match(r"^\s+- pip:$", stripped):
            in_pip = True
            continue
        match = re.match(r"^\s+- (\S.*)$", stripped)
        if match and in_pip and line.startswith("      "):
            pip_lines.append(match.group(1))
        elif match:
            in_pip = False
            conda[_name(match.group(1))] = _spec(match.group(1))
    conda.pop("python"), conda.pop("pip")
    assert conda == {**runtime, **lab}, "environment.yml must list pyproject's runtime + lab deps"
    assert pip_lines == ["-e ."]


def test_runtime_dependencies_stay_lean():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in project["dependencies"]}
    assert not names & {"jupyter", "jupyterlab", "notebook", "jupyter-server"}
    assert {
        "papermill",
        "nbconvert",
        "ipykernel",
        "pandas",
        "seaborn",
        "great-expectations",
        "openpyxl",
    } <= names


def test_import_carelib_is_light():
    code = (
        "import sys, carelib, carelib.cli, carelib.config, carelib.loading, carelib.workforce;"
        "heavy = [m for m in ('great_expectations', 'papermill', 'nbconvert', 'matplotlib',"
        " 'seaborn', 'jupyter_server') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_nothing_generated_is_tracked():
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    if not files:
        return
    leaked = [f for f in files if re.match(r"^(data|reports)/", f) and not f.endswith("README.md")]
    assert leaked == []
    import json

    for name in (f for f in files if f.endswith(".ipynb")):
        nb = json.loads((ROOT / name).read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs") and not cell.get("execution_count"), name


# --- Installable package: resources, licence, version, lock (issue 11) -------------------


def _project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_no_module_looks_for_files_beside_its_source():
    """An installed carelib reads its files through carelib.resources only."""
    offenders = []
    for path in sorted((ROOT / "carelib").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.Name) and n.id == "__file__" for n in ast.walk(tree)):
            offenders.append(path.name)
    assert offenders == []


def test_every_packaged_resource_is_found_through_importlib_resources():
    from carelib import contracts, notebook_pages, resources, schema

    assert resources.notebooks_dir().samefile(ROOT / "notebooks")
    assert resources.contracts_dir().samefile(ROOT / "data_contracts")
    assert contracts.CONTRACTS_DIR.samefile(ROOT / "data_contracts")
    assert sorted(p.stem for p in resources.contracts_dir().glob("*.json")) == sorted(
        schema.DATASETS
    )
    assert [p.name for p in notebook_pages.page_notebooks(resources.notebooks_dir())] == sorted(
        p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
    )
    assert (resources.templates_dir() / "carelib" / "index.html.j2").is_file()
    assert resources.stylesheet() == (ROOT / "carelib/static/report.css").read_text()
    assert resources.reference_file("sn_model_2025_wide.csv").is_file()
    assert "${name_toml}" in resources.config_template()


def test_licence_version_classifiers_and_urls():
    project = _project()["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "version" not in project and project["dynamic"] == ["version"]
    version_attr = _project()["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert version_attr == "carelib.__version__"
    assert project["requires-python"] == ">=3.11"
    pythons = {c.rsplit(" ", 1)[1] for c in project["classifiers"] if ":: Python :: 3." in c}
    assert pythons == {"3.11", "3.12", "3.13"}
    assert project["urls"] and all(u.startswith("https://") for u in project["urls"].values())


def test_declared_lower_bounds_are_the_verified_ones():
    """`make lowest` verified these (see Makefile); lower ones were found to fail."""
    deps = {_name(r): _spec(r) for r in _project()["project"]["dependencies"]}
    assert deps["great-expectations"] == ">=1.8,<2"
    assert deps["matplotlib"] == ">=3.9"
    assert deps["nbconvert"] == ">=7.16.6"


def _lock() -> dict[str, list[str]]:
    pins: dict[str, list[str]] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement, _, marker = line.partition(";")
            name, version = requirement.strip().split("==")
            pins.setdefault(re.sub(r"[-_.]+", "-", name).lower(), []).append(version.strip())
    return pins


def test_the_lock_pins_every_declared_dependency_within_its_bounds():
    from packaging.requirements import Requirement

    header = (ROOT / "constraints.txt").read_text().splitlines()[:2]
    assert "autogenerated by uv" in header[0] and "make lock" in header[1]
    pins = _lock()
    project = _project()["project"]
    declared = project["dependencies"] + [
        r for extra in project["optional-dependencies"].values() for r in extra
    ]
    for text in declared:
        req = Requirement(text)
        name = re.sub(r"[-_.]+", "-", req.name).lower()
        assert name in pins, f"{name} is not in constraints.txt: run `make lock`"
        assert all(req.specifier.contains(v) for v in pins[name]), (name, pins[name])


def test_the_dev_environment_is_the_locked_one():
    from importlib import metadata

    pins = _lock()
    off = {}
    for dist in metadata.distributions():
        name = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
        if name in pins and dist.version not in pins[name]:
            off[name] = (dist.version, pins[name])
    assert off == {}, "installed versions differ from constraints.txt: run make"


def _make_dry_run(*targets: str) -> str:
    # -B: as on a fresh clone (every stamp out of date); -n: print, run nothing.
    result = subprocess.run(
        ["make", "-n", "-B", *targets], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_report_installs_only_what_running_needs():
    report = _make_dry_run("report")
    installs = [line for line in report.splitlines() if " install " in line]
    assert installs and all("-c constraints.txt" in line for line in installs if "-e" in line)
    assert not [line for line in installs if "[dev" in line or "pytest" in line]
    test = _make_dry_run("test")
    assert [line for line in test.splitlines() if "-c constraints.txt -e '.[dev]'" in line]


def test_pre_commit_hooks_are_local_and_keep_cell_ids():
    import yaml

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    hooks = {hook["id"]: hook for hook in config["repos"][0]["hooks"]}
    assert {"nbstripout", "ruff", "ruff-format"} <= set(hooks)
    assert "--keep-id" in hooks["nbstripout"]["entry"]
    bin_dir = Path(sys.executable).parent
    for hook in hooks.values():
        if hook["language"] != "fail":
            tool = hook["entry"].split()[0]
            assert shutil.which(tool, path=str(bin_dir)), f"{tool} is not in {bin_dir}"


def test_pre_commit_runs_offline_from_the_project_environment(tmp_path):
    """A real pre-commit run in a scratch repository: no network, tools from .venv."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in (".pre-commit-config.yaml", "pyproject.toml"):
        shutil.copy(ROOT / name, repo / name)
    nb = json.loads((ROOT / "notebooks" / "01_workforce.ipynb").read_text())
    ids = [cell["id"] for cell in nb["cells"]]
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["execution_count"] = 3
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["W123 Smith\n"]}]
    (repo / "report.ipynb").write_text(json.dumps(nb, indent=1))
    (repo / "messy.py").write_text('"""Messy."""\n\nx = {  "a":1 }\n')
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
    }
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run([*git, "add", "."], cwd=repo, check=True, env=env)
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == 1, run.stdout + run.stderr  # files were fixed
    assert "not found" not in run.stdout, run.stdout
    stripped = json.loads((repo / "report.ipynb").read_text())
    assert [cell["id"] for cell in stripped["cells"]] == ids
    assert "W123" not in (repo / "report.ipynb").read_text()
    assert (repo / "messy.py").read_text() == '"""Messy."""\n\nx = {"a": 1}\n'
    subprocess.run([*git, "add", "."], cwd=repo, check=True, env=env)
    again = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
    )
    assert again.returncode == 0, again.stdout
    (repo / "data").mkdir()
    (repo / "data" / "workforce.csv").write_text("worker_id\nW1\n")
    subprocess.run([*git, "add", "."], cwd=repo, check=True, env=env)
    data = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
    )
    assert data.returncode == 1 and "never committed" in data.stdout


def test_resource_digest_covers_every_kind_of_shipped_file(tmp_path):
    """A change to any shipped file changes the code digest (and so the fingerprint)."""
    from carelib import resources

    roots = {}
    for name, root in resources.package_roots().items():
        roots[name] = tmp_path / name
        shutil.copytree(root, roots[name], ignore=shutil.ignore_patterns("__pycache__"))
    base = resources.tree_digest(roots)
    assert base == resources.code_digest()  # labels, not locations, are hashed
    (roots["carelib"] / "__pycache__").mkdir(exist_ok=True)
    (roots["carelib"] / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"junk")
    assert resources.tree_digest(roots) == base  # byte-code caches do not count
    seen = {base}
    for label, relative in (
        ("carelib.data_contracts", "workforce.json"),
        ("carelib.notebooks", "02_improvement_plan.ipynb"),
        ("carelib", "plan_data.py"),
        ("carelib", "templates/carelib/index.html.j2"),
        ("carelib", "static/report.css"),
        ("carelib", "reference/csww_indicators_2017_to_2025.csv"),
        ("carelib", "templates/project/carelib.toml"),
    ):
        path = roots[label] / relative
        original = path.read_bytes()
        path.write_bytes(original + b" ")
        changed = resources.tree_digest(roots)
        assert changed not in seen, relative
        seen.add(changed)
        path.write_bytes(original)
    (roots["carelib"] / "new_module.py").write_text("x = 1\n")
    assert resources.tree_digest(roots) not in seen


def test_manifest_versions_list_every_installed_distribution():
    from importlib import metadata

    from carelib import runner

    versions = runner.package_versions()
    names = {re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower() for d in metadata.distributions()}
    assert names <= set(versions)
    assert versions["python"] == sys.version.split()[0]
    assert set(runner.KEY_PACKAGES) - {"scipy"} <= set(versions)
