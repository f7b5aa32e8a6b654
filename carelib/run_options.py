"""What a monthly run is given and gives back: options, results, exit codes, pages.

:class:`RunOptions` (the settings of one ``carelib report`` run), :class:`MonthResult`,
:class:`RunFailure` with the exit codes, which notebooks a run uses and whether a month
is already published from the same inputs (see :mod:`carelib.fingerprints`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from carelib import (
    fingerprints,
    notebook_pages,
    publish,
    resources,
)
from carelib.config import Config

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_NOTEBOOK = 0, 1, 2, 3
#: The reports folder cannot be written (read-only, full, a file, a file held open).
EXIT_OUTPUT = 5


class RunFailure(Exception):
    """A month could not be published; ``exit_code`` says why."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code

    def __reduce__(self):
        # Raised in a --jobs worker process, it crosses back to the parent by pickle.
        return (type(self), (str(self), self.exit_code))


@dataclass
class RunOptions:
    """Settings of one ``carelib report`` run."""

    config: Config
    data_dir: Path
    reports_dir: Path
    notebooks_dir: Path
    publication: bool = False
    force: bool = False
    kernel_name: str = "python3"
    jobs: int = 1
    quiet: bool = False
    #: Run a month's notebooks side by side (True), one after the other (False), or
    #: choose (None): side by side, except in ``jobs > 1`` worker processes when there
    #: are fewer cores than kernels.
    notebooks_in_parallel: bool | None = None
    #: Append the run's events to this file as JSON lines (see :mod:`carelib.runlog`).
    log_file: Path | None = None


@dataclass
class MonthResult:
    """The outcome of building one month."""

    month: str
    status: str  # published | skipped
    path: Path
    durations: dict[str, float] = field(default_factory=dict)
    warnings: int = 0
    seconds: float = 0.0


def default_notebooks_dir(config: Config | None = None) -> Path:
    """The report notebooks a run uses when ``--notebooks`` is not given.

    A council project folder (the folder of ``config``'s file) with its own
    ``notebooks/`` holding any report notebook, ``NN_name.ipynb`` (``carelib init
    --with-notebooks`` copies the packaged ones there to adapt), uses those; otherwise
    the notebooks shipped in the package. Every ``NN_name.ipynb`` in the folder is a
    page (see :mod:`carelib.notebook_pages`).

    Parameters
    ----------
    config : Config, optional
        The run's configuration; without one (or with defaults only), the packaged
        notebooks.
    """
    if config is not None and config.path is not None:
        own = config.base_dir / "notebooks"
        if notebook_pages.page_notebooks(own):
            return own
    return resources.notebooks_dir()


# --- Fingerprints and manifests (see carelib.fingerprints) ------------------------------

fingerprint = fingerprints.fingerprint
input_files = fingerprints.input_files
package_versions = fingerprints.package_versions
KEY_PACKAGES = fingerprints.KEY_PACKAGES


def is_current(opts: RunOptions, month: str, digest: str) -> bool:
    """Whether ``month`` is published from exactly these inputs, config and version."""
    folder = publish.month_dir(opts.reports_dir, month)
    manifest = publish.read_manifest(folder)
    return manifest.get("fingerprint") == digest and all(
        (folder / name).is_file() for name in notebook_pages.month_files(report_pages(opts))
    )


def report_pages(opts: RunOptions) -> list[notebook_pages.NotebookPage]:
    """The pages the run's notebooks make, in navigation order (exit 2 if none or bad)."""
    try:
        found = notebook_pages.discover(opts.notebooks_dir)
    except notebook_pages.NotebookPagesError as exc:
        raise RunFailure(str(exc), EXIT_USAGE) from None
    if not found:
        raise RunFailure(f"no report notebook (NN_name.ipynb) in {opts.notebooks_dir}", EXIT_USAGE)
    return found
