"""Where every file carelib ships lives: the one module that knows.

An installed carelib reads its files only through :mod:`importlib.resources`, never from
paths worked out beside its own source, so a wheel, an editable install and a zip-safe
loader all find the same files:

========================  =============================================================
package                   holds
========================  =============================================================
``carelib.notebooks``     the report notebooks (the repository's ``notebooks/``)
``carelib.data_contracts`` the Great Expectations suites (the repository's
                          ``data_contracts/``)
``carelib``               ``templates/carelib/`` (nbconvert template), ``static/`` (the
                          stylesheet), ``reference/`` (DfE benchmark data) and
                          ``templates/project/carelib.toml`` (the config template)
========================  =============================================================

The repository keeps ``notebooks/`` and ``data_contracts/`` at its top level; the build
maps them into the package (``[tool.setuptools.package-dir]`` in pyproject.toml).

:func:`code_digest` is a checksum of all of it plus the package code, computed once per
process; the month fingerprint includes it, so changing any shipped file rebuilds.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

#: The packages whose files make up carelib: package name -> what they hold.
PACKAGES = {
    "carelib": "code, templates, stylesheet, benchmark data, config template",
    "carelib.notebooks": "report notebooks",
    "carelib.data_contracts": "data contracts (Great Expectations suites)",
}

#: Files that never change a page (byte-code caches, editor and OS litter).
_IGNORED_SUFFIXES = (".pyc", ".pyo", "~", ".swp")
_IGNORED_NAMES = {"__pycache__", ".ipynb_checkpoints", ".DS_Store", ".pytest_cache"}

_files = contextlib.ExitStack()
atexit.register(_files.close)


def _path(item: Traversable) -> Path:
    """Return a real file-system path for a packaged file or folder.

    Installed from a wheel or editable, packaged files are ordinary files and this is
    their path; from a zip, they are extracted once for the life of the process.
    """
    if isinstance(item, Path):
        return item
    return _files.enter_context(resources.as_file(item))


def notebooks_dir() -> Path:
    """The packaged report notebooks' folder."""
    return _path(resources.files("carelib.notebooks"))


def contracts_dir() -> Path:
    """The packaged data contracts' folder (one ``<dataset>.json`` suite per dataset)."""
    return _path(resources.files("carelib.data_contracts"))


def templates_dir() -> Path:
    """The nbconvert template base folder (it holds the ``carelib`` template)."""
    return _path(resources.files("carelib").joinpath("templates"))


def stylesheet() -> str:
    """The report stylesheet's text."""
    return resources.files("carelib").joinpath("static", "report.css").read_text("utf-8")


def reference_file(name: str) -> Traversable:
    """A shipped DfE reference file (``carelib/reference/<name>``)."""
    return resources.files("carelib").joinpath("reference", name)


def config_template() -> str:
    """The text of the ``carelib.toml`` template that ``carelib init`` fills in."""
    return (
        resources.files("carelib")
        .joinpath("templates", "project", "carelib.toml")
        .read_text("utf-8")
    )


#: Sub-packages inside ``carelib/`` in a wheel: walked as packages of their own.
_SUBPACKAGES = {name.split(".", 1)[1] for name in PACKAGES if "." in name}


def _walk(item: Traversable, prefix: str):
    for child in sorted(item.iterdir(), key=lambda c: c.name):
        if child.name in _IGNORED_NAMES or child.name.endswith(_IGNORED_SUFFIXES):
            continue
        if prefix == "carelib" and child.name in _SUBPACKAGES:
            continue
        name = f"{prefix}/{child.name}"
        if child.is_dir():
            yield from _walk(child, name)
        else:
            yield name, child


def tree_digest(roots: dict[str, Traversable]) -> str:
    """Return one SHA-256 over every file under ``roots`` (names and contents).

    Parameters
    ----------
    roots : dict
        Label -> folder (a :class:`~pathlib.Path` or an :mod:`importlib.resources`
        traversable). Labels, not absolute paths, go into the digest, so the same files
        installed in two places give the same digest.
    """
    digest = hashlib.sha256()
    for label in sorted(roots):
        for name, item in _walk(roots[label], label):
            digest.update(name.encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(item.read_bytes()).digest())
    return digest.hexdigest()


def package_roots() -> dict[str, Traversable]:
    """The folders of every carelib package (see :data:`PACKAGES`)."""
    return {name: resources.files(name) for name in PACKAGES}


@functools.cache
def code_digest() -> str:
    """A checksum of carelib's code and every file it ships, computed once per process.

    It covers the Python modules, the nbconvert template, the stylesheet, the data
    contracts, the packaged notebooks, the DfE benchmark data and the config template.
    """
    return tree_digest(package_roots())
