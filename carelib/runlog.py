"""The run log: one JSON line per event of a monthly run, appended to a file.

Events go through the standard :mod:`logging` logger ``carelib.run``; a run started with
``--log-file PATH`` (or ``run.log_file`` in the config) attaches a handler that appends
each event to PATH as one JSON object per line, on failure as well as success. A
scheduler that already collects Python logging (Airflow, Prefect) sees the same events
through its own handlers, with the fields in ``record.carelib``.

Each line has ``time`` (ISO 8601, local time with offset), ``event``, ``pid`` and the
event's fields. The events:

``run_started``
    command, months asked for, data and reports folders, config file, publication,
    force, jobs, carelib version.
``month_validated``
    month, checks, errors, warnings, seconds.
``page_built``
    month, page, seconds (the notebook's run and its export).
``month_published`` / ``month_skipped`` / ``month_failed``
    month, path or reason (``unchanged`` for a skip), seconds, exit code of a failure.
``run_finished``
    exit_code, months published, skipped and failed, and for a failure the reason
    (with the traceback for an unexpected error, exit code 70).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
from collections.abc import Iterator
from pathlib import Path

LOGGER = "carelib.run"
_FIELDS = "carelib"

logger = logging.getLogger(LOGGER)
logger.setLevel(logging.INFO)
# A library's logger: never fall back to printing on stderr when nothing is configured.
logger.addHandler(logging.NullHandler())


class JsonLineFormatter(logging.Formatter):
    """Format a run event as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the event as ``{"time", "event", "pid", ...fields}`` on one line."""
        stamp = dt.datetime.fromtimestamp(record.created).astimezone()
        line = {
            "time": stamp.isoformat(timespec="milliseconds"),
            "event": record.getMessage(),
            "pid": record.process,
        }
        line.update(getattr(record, _FIELDS, {}))
        return json.dumps(line, default=str, ensure_ascii=False)


def event(name: str, **fields) -> None:
    """Record one event of the run (a no-op unless a log file or handler is attached)."""
    level = logging.ERROR if name.endswith("_failed") else logging.INFO
    logger.log(level, name, extra={_FIELDS: fields})


def _handler_for(path: Path) -> logging.Handler | None:
    for handler in logger.handlers:
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) == path:
            return handler
    return None


def attach(path: str | Path) -> logging.Handler:
    """Append events to ``path`` (once: attaching the same file twice is a no-op).

    Raises
    ------
    OSError
        When the file cannot be opened for appending.
    """
    path = Path(path).expanduser().resolve()
    handler = _handler_for(path)
    if handler is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, mode="a", encoding="utf-8")
        handler.setFormatter(JsonLineFormatter())
        logger.addHandler(handler)
    return handler


def detach(handler: logging.Handler) -> None:
    """Stop appending events through ``handler`` and close its file."""
    logger.removeHandler(handler)
    handler.close()


@contextlib.contextmanager
def to_file(path: str | Path | None) -> Iterator[Path | None]:
    """Append the events of a run to ``path`` while the block runs (None: no file)."""
    if path is None:
        yield None
        return
    already = _handler_for(Path(path).expanduser().resolve())
    handler = attach(path)
    try:
        yield Path(handler.baseFilename)
    finally:
        if already is None:  # an outer block attached it: leave it to that block
            detach(handler)


def read(path: str | Path) -> list[dict]:
    """Read a run log back: one dict per line (for tests and for the analyst)."""
    text = Path(path).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]
