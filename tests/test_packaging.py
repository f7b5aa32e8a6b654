"""The install story: pyproject.toml is the source of truth, environment.yml agrees."""

import re
import subprocess
import sys
import tomllib

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
