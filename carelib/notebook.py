"""What a report notebook needs in its first cell: config, data and an output folder.

Notebooks stay thin: the setup cell calls :func:`setup`, later cells call carelib
functions and display the blocks they return (:mod:`carelib.blocks`, shown through
``_repr_html_``), or draw an analyst's own chart and finish it with
:func:`carelib.charts.house_chart`. The same call works in JupyterLab on the defaults
and under papermill in the monthly run.

Only the monthly run quietens a notebook: its kernels have
:data:`SCHEDULED_RUN_ENV` set (see :func:`carelib.runner.build_month`), and
:func:`setup` then keeps warnings and library logging out of the page. An analyst running
the notebook in JupyterLab keeps every warning, and matplotlib's inline plots (carelib
never changes a kernel's backend, see :func:`carelib.charts.pyplot`).
"""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from carelib import config as config_mod
from carelib import dates, loading

HEADLINES_MIMETYPE = "application/vnd.carelib.headlines+json"

#: Set (to ``1``) in the environment of the monthly run's kernels, and only there.
SCHEDULED_RUN_ENV = "CARELIB_SCHEDULED_RUN"
#: matplotlib's backend for Jupyter kernels: figures become image outputs of their cell.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def scheduled_run_env() -> dict[str, str]:
    """The environment variables the monthly run gives its kernels."""
    return {SCHEDULED_RUN_ENV: "1", "MPLBACKEND": INLINE_BACKEND}


def is_scheduled_run() -> bool:
    """Whether this process is a kernel of the monthly run (not an analyst's session)."""
    return os.environ.get(SCHEDULED_RUN_ENV, "") not in ("", "0")


def quiet() -> None:
    """Keep warnings and library logging out of the rendered report.

    :func:`setup` calls it in the monthly run only; it is not for interactive use.
    """
    warnings.filterwarnings("ignore")
    logging.getLogger().setLevel(logging.ERROR)


@dataclass
class ReportContext:
    """Everything a report notebook works from.

    Attributes
    ----------
    month : str
        The reporting month, ``YYYY-MM``.
    config : carelib.config.Config
        The validated configuration.
    history : carelib.loading.History
        Every month of data up to and including ``month``.
    output_dir : Path or None
        Where CSV outputs go (the month's report folder being built), or None.
    publication : bool
        Whether pages are for publication outside the service (small numbers suppressed).
    """

    month: str
    config: config_mod.Config
    history: loading.History
    data_dir: Path
    output_dir: Path | None = None
    publication: bool = False
    emitted: dict = field(default_factory=dict)

    @property
    def reference_date(self):
        """The month's reference date."""
        return dates.reference_date(self.month)

    @property
    def label(self) -> str:
        """The month as readers write it."""
        return dates.month_label(self.month)

    def current(self, dataset: str) -> pd.DataFrame:
        """Return this month's rows of ``dataset``."""
        frame = self.history.frame(dataset)
        return frame[frame["month"] == self.month]

    def write_csv(self, name: str, frame: pd.DataFrame) -> Path | None:
        """Write a published CSV (aggregates only) into the output folder, if any."""
        if self.output_dir is None:
            return None
        path = self.output_dir / name
        safe_for_spreadsheets(frame).to_csv(path, index=False, encoding="utf-8")
        return path

    def headlines(self, items: dict) -> None:
        """Hand headline figures to the runner for the month's landing page."""
        from IPython.display import display

        self.emitted.update(items)
        display({HEADLINES_MIMETYPE: items}, raw=True)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Look-alikes a spreadsheet may read as the start of a formula, besides the NFKC forms
# (full-width and small ＝＋－＠ fold to ASCII): the minus sign.
_FORMULA_LOOKALIKES = ("\u2212",)


def starts_like_formula(text: str) -> bool:
    """Return True when a text cell could start a formula in a spreadsheet.

    ``=``, ``+``, ``-``, ``@``, tab or carriage return at the start, also after leading
    spaces or invisible characters, and their full-width and other compatibility forms
    (``＝``, ``＋``, ``－``, ``＠``, ``﹦``).

    Examples
    --------
    >>> [starts_like_formula(t) for t in ("=1+1", "＝1+1", " \u200b＠SUM(A1)", "a=b", "")]
    [True, True, True, False, False]
    """
    import unicodedata

    if text.startswith(_FORMULA_START):
        return True
    i = 0
    while i < len(text) and (text[i].isspace() or unicodedata.category(text[i]) == "Cf"):
        i += 1
    if i == len(text):
        return False
    first = unicodedata.normalize("NFKC", text[i])[:1]
    return first in _FORMULA_START or text[i] in _FORMULA_LOOKALIKES


def safe_for_spreadsheets(frame: pd.DataFrame) -> pd.DataFrame:
    """Stop free text that starts like a formula from running when a CSV opens in Excel.

    A text cell that :func:`starts_like_formula` (``=``, ``+``, ``-``, ``@``, tab or
    carriage return, their full-width forms, after leading spaces too) gets a leading
    apostrophe (OWASP's advice on CSV injection); numbers are left alone.
    """
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            text = out[col]
            risky = text.map(lambda v: isinstance(v, str) and starts_like_formula(v)).astype(bool)
            if risky.any():
                out[col] = text.where(~risky, "'" + text.astype("str"))
    return out


def resolve_month(month: str, data_dir: Path) -> str:
    """Turn ``latest`` / ``previous`` / ``YYYY-MM`` into a month that has data.

    ``previous`` is the calendar month before today (``CARELIB_TODAY`` overrides today).
    """
    available = loading.available_months(data_dir)
    if month in ("latest", "previous"):
        if not available:
            raise FileNotFoundError(f"no month folders (YYYY-MM) in {data_dir}")
        if month == "latest":
            return available[-1]
        month = dates.previous_month()  # the calendar month before today, as in the CLI
    month = dates.parse_month(month)
    if month not in available:
        raise FileNotFoundError(f"no data folder for {month} in {data_dir}")
    return month


def setup(
    month: str = "latest",
    data_dir: str | Path = "../data",
    config_path: str | Path = "../carelib.toml",
    output_dir: str | Path = "",
    publication: bool | None = None,
) -> ReportContext:
    """Load config and data for a report notebook.

    Parameters
    ----------
    month : str
        ``YYYY-MM``, ``latest`` or ``previous``.
    data_dir : path
        The data folder (one sub-folder per month).
    config_path : path
        The carelib configuration file.
    output_dir : path
        Folder for the CSVs behind the page; empty means do not write any.
    publication : bool, optional
        Publication mode; defaults to the config's ``publication.enabled``.

    Notes
    -----
    In the monthly run (:func:`is_scheduled_run`) warnings and library logging are
    silenced for the rest of the kernel's life (:func:`quiet`); interactively they are
    left as they are.
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    if is_scheduled_run():
        quiet()
    cfg = config_mod.load(config_path)
    data_dir = Path(data_dir)
    month = resolve_month(month, data_dir)
    history = loading.load_history(data_dir, month)
    out = Path(output_dir) if str(output_dir) else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    if publication is None:
        publication = bool(cfg["publication"]["enabled"])
    return ReportContext(
        month=month,
        config=cfg,
        history=history,
        data_dir=data_dir,
        output_dir=out,
        publication=bool(publication),
    )
