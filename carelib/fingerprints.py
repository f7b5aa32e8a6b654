"""What a month's pages depend on: its fingerprint, input checksums and package versions.

A month is rebuilt when its fingerprint differs from the one in its published manifest
(:func:`carelib.runner.is_current`); the manifest also records every input's checksum
and every installed package's version, for audit.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from carelib import __version__, loading, resources

if TYPE_CHECKING:
    from carelib.runner import RunOptions


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def input_files(opts: RunOptions, month: str) -> dict[str, Path]:
    """Every input file a month's reports depend on, by its key in the manifest.

    The month's data and all earlier months' (``YYYY-MM/<file>``), the report notebooks
    the run uses (``notebooks/<file>``) and any DfE benchmark files the configuration
    names (``benchmarks/<file>``). What carelib ships is covered by
    :func:`carelib.resources.code_digest`.
    """
    files = {}
    for m in loading.available_months(opts.data_dir):
        if m <= month:
            for p in sorted((opts.data_dir / m).iterdir()):
                if p.is_file():
                    files[f"{m}/{p.name}"] = p
    for p in sorted(opts.notebooks_dir.glob("*.ipynb")):
        files[f"notebooks/{p.name}"] = p
    for key in ("csww_indicators", "statistical_neighbours_file"):
        if value := opts.config["benchmarks"][key]:
            path = opts.config.resolve(value)
            if path.is_file():
                files[f"benchmarks/{path.name}"] = path
    return files


#: The libraries whose versions can change a page (their versions enter the fingerprint).
KEY_PACKAGES = (
    "pandas",
    "numpy",
    "scipy",
    "great-expectations",
    "papermill",
    "nbconvert",
    "nbformat",
    "nbclient",
    "ipykernel",
    "matplotlib",
    "seaborn",
    "lifelines",
    "openpyxl",
    "jinja2",
    "markupsafe",
    "mistune",
    "pygments",
)


def fingerprint(opts: RunOptions, month: str) -> tuple[str, dict[str, str]]:
    """Return a fingerprint of everything a month's pages depend on, and the inputs' checksums.

    It covers the input files (:func:`input_files`), the configuration, the run's
    settings, carelib's version, a checksum of carelib's code and every file it ships
    (templates, stylesheet, contracts, packaged notebooks, benchmark data; see
    :func:`carelib.resources.code_digest`, computed once per process) and the Python and
    :data:`KEY_PACKAGES` versions installed. A month whose fingerprint matches its
    manifest's is skipped as unchanged.
    """
    checksums = {key: _sha256(path) for key, path in input_files(opts, month).items()}
    versions = package_versions()
    key_versions = {n: versions.get(n, "") for n in ("python", *KEY_PACKAGES)}
    digest = hashlib.sha256()
    digest.update(json.dumps(checksums, sort_keys=True).encode())
    digest.update(json.dumps(opts.config.as_dict(), sort_keys=True, default=str).encode())
    digest.update(f"{__version__}|{opts.publication}|{opts.kernel_name}".encode())
    digest.update(resources.code_digest().encode())
    digest.update(json.dumps(key_versions, sort_keys=True).encode())
    return digest.hexdigest(), checksums


_versions: dict[str, str] | None = None


def package_versions() -> dict[str, str]:
    """Python's version and every installed distribution's, by normalised name.

    Read once per process. The manifest records all of them; the fingerprint uses
    :data:`KEY_PACKAGES`.
    """
    global _versions
    if _versions is None:
        import re
        from importlib import metadata

        found = {}
        for dist in metadata.distributions():
            name = dist.metadata["Name"]
            if name:  # a broken install can leave a nameless dist-info
                found.setdefault(re.sub(r"[-_.]+", "-", name).lower(), dist.version)
        found["carelib"] = __version__
        _versions = {"python": sys.version.split()[0], **dict(sorted(found.items()))}
    return dict(_versions)
