"""Helpers for the publishing and data-safety tests: folder snapshots, stand-in notebooks."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under ``folder``: files by checksum, folders, links by their target.

    Nothing is followed, so a file added, removed, renamed or changed, a folder added or
    a link made anywhere inside changes the snapshot.
    """
    state = {}
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs + files:
            path = Path(root) / name
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                state[key] = "link -> " + os.readlink(path)
            elif path.is_dir():
                state[key] = "folder"
            else:
                state[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def month_state(folder: Path | None) -> dict[str, str] | None:
    """A published month's files (through its link) by checksum, or None if absent."""
    if folder is None or not folder.is_dir():
        return None
    state = {}
    for root, _, files in os.walk(folder, followlinks=True):
        for name in files:
            path = Path(root) / name
            state[path.relative_to(folder).as_posix()] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return state


# --- Staged months for the kill tests (no kernels: publish's functions driven directly) --

MONTHS_BEFORE = ("2025-08", "2025-09")  # published before the run under test
MONTHS_RUN = ("2025-09", "2025-10")  # the run republishes one and adds the other


def month_pages(month: str, text: str) -> dict[str, str]:
    """The files of a stand-in publication of ``month`` (``text`` tells builds apart)."""
    import json

    return {
        "index.html": f"<h1>{month} overview ({text})</h1>" + "x" * 2000,
        "workforce.html": f"<h1>{month} workforce ({text})</h1>",
        "executed/01_workforce.ipynb": json.dumps({"month": month, "text": text}),
        "manifest.json": json.dumps({"month": month, "text": text}, indent=2),
    }


def pages_state(month: str, text: str) -> dict[str, str]:
    return {
        name: hashlib.sha256(body.encode()).hexdigest()
        for name, body in month_pages(month, text).items()
    }


def stage_month(reports: Path, month: str, text: str) -> Path:
    """Build a stand-in month in a fresh ``.partial`` version, as the runner does."""
    import json

    from carelib import publish

    stage = publish.staging_dir(reports, month)
    for name, body in month_pages(month, text).items():
        if name == "manifest.json":
            publish.write_manifest(stage, json.loads(body))
            continue
        (stage / name).parent.mkdir(parents=True, exist_ok=True)
        (stage / name).write_text(body)
    return stage


def publish_before(reports: Path, layout: str) -> None:
    """Publish the months that exist before the run: ``links``, ``renames`` or ``folders``.

    ``folders`` is what carelib 0.1 left (or a copy that followed the links): real month
    folders and no ``.versions``.
    """
    from carelib import publish

    reports.mkdir(parents=True, exist_ok=True)
    for month in MONTHS_BEFORE:
        if layout == "folders":
            for name, body in month_pages(month, "old").items():
                (reports / month / name).parent.mkdir(parents=True, exist_ok=True)
                (reports / month / name).write_text(body)
        else:
            publish.swap_in(stage_month(reports, month, "old"), reports, month, layout == "links")
    (reports / "index.html").write_text("archive old")


def drive(reports: Path, mode: str) -> None:
    """One publishing run over the months of :data:`MONTHS_RUN`, then the archive.

    ``mode``: ``links``, ``renames`` (Windows), or ``exchange-missing`` (links on a file
    system without an atomic exchange, so a real month folder is moved aside first).
    """
    from carelib import publish

    links = mode != "renames"
    if mode == "exchange-missing":
        publish._exchange = lambda a, b: False  # as where the OS offers no exchange
    publish.recover(reports, links=links)
    for month in MONTHS_RUN:
        publish.swap_in(stage_month(reports, month, "new"), reports, month, links=links)
    publish.write_atomic(reports / "index.html", "archive new")


# --- Stand-in report notebooks (real kernels, one line of output each) ------------------

STAND_IN = """from IPython.display import HTML, display

display(HTML(f"<p>{title} for {month}.</p>"))
"""


def write_standins(folder: Path, extra: str = "", names: dict[str, str] | None = None) -> Path:
    """Stand-in report notebooks with the real parameters; ``extra`` ends the first one.

    As a council with customised notebooks would run them (``--notebooks``). ``names``
    maps notebook file names to page titles (by default the workforce and plan pages).
    """
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    folder.mkdir(parents=True, exist_ok=True)
    names = names or {"01_workforce.ipynb": "Workforce", "02_improvement_plan.ipynb": "Plan"}
    for name, title in names.items():
        params = new_code_cell(
            'month = "latest"\ndata_dir = "../data"\nconfig_path = "../carelib.toml"\n'
            'output_dir = ""\npublication = False\n'
        )
        params.metadata["tags"] = ["parameters"]
        code = f"title = {title!r}\n" + STAND_IN + (extra if name.startswith("01") else "")
        nb = new_notebook(cells=[params, new_code_cell(code)])
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, folder / name)
    return folder
