"""carelib's exceptions and exit codes: one exception type per way a run can end badly.

Every exception a run raises on purpose is a :class:`CarelibError`; its ``exit_code`` is
what the ``carelib`` command exits with, so a scheduler calling the Python API and one
running the command see the same outcome.

=====  ==============================================================================
code   meaning
=====  ==============================================================================
0      done (every month published, or skipped because unchanged)
1      the data is invalid (:class:`DataInvalid`): nothing was published
2      usage or configuration error (:class:`UsageError`, :class:`ConfigError`), or
       another run holds the reports folder (:class:`ReportsLocked`)
3      a notebook failed, or a worker identifier reached the output (:class:`NotebookFailed`)
4      the month's data is not there yet (:class:`MonthNotAvailable`)
5      the reports folder cannot be written (:class:`OutputError`)
70     an unexpected error, a bug (:class:`UnexpectedError`; the traceback is in the log)
130    interrupted (Ctrl-C)
=====  ==============================================================================
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_NOTEBOOK = 3
EXIT_NOT_YET = 4
EXIT_OUTPUT = 5
EXIT_UNEXPECTED = 70
EXIT_INTERRUPTED = 130


class CarelibError(Exception):
    """A carelib run could not do what was asked; ``exit_code`` says why.

    Attributes
    ----------
    exit_code : int
        The ``carelib`` command's exit code for this outcome.
    result : carelib.api.BuildResult or None
        For :func:`carelib.build_reports`: what the run did before it stopped (months
        already published stay published).
    """

    exit_code = EXIT_UNEXPECTED

    def __init__(self, message: str = "", *, result=None):
        super().__init__(message)
        self.result = result


class DataInvalid(CarelibError):
    """The month's data broke the data contracts; ``report`` lists every problem."""

    exit_code = EXIT_INVALID

    def __init__(self, message: str = "", *, report=None, result=None):
        super().__init__(message, result=result)
        self.report = report


class UsageError(CarelibError):
    """Bad arguments: an unknown month, a missing data folder, a bad option."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError, ValueError):
    """The configuration file is missing, unreadable or invalid (names the key)."""


class ReportsLocked(UsageError):
    """Another carelib run is writing to the same reports folder."""


class NotebookFailed(CarelibError):
    """A report notebook failed, or a worker identifier reached the output."""

    exit_code = EXIT_NOTEBOOK


class MonthNotAvailable(CarelibError):
    """The month asked for has no data folder yet (the extract has not landed)."""

    exit_code = EXIT_NOT_YET


class OutputError(CarelibError):
    """The reports folder cannot be written (read-only, full, or a file)."""

    exit_code = EXIT_OUTPUT


class UnexpectedError(CarelibError):
    """Anything else: a bug. The original exception is its ``__cause__``."""

    exit_code = EXIT_UNEXPECTED


#: Exit code -> exception type, for outcomes reported as a code (``runner.RunFailure``).
BY_EXIT_CODE: dict[int, type[CarelibError]] = {
    EXIT_INVALID: DataInvalid,
    EXIT_USAGE: UsageError,
    EXIT_NOTEBOOK: NotebookFailed,
    EXIT_NOT_YET: MonthNotAvailable,
    EXIT_OUTPUT: OutputError,
    EXIT_UNEXPECTED: UnexpectedError,
}
