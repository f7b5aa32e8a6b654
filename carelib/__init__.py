"""carelib: monthly reports on workforce stability and the Ofsted improvement plan.

Importing carelib is cheap on purpose: heavy libraries (great_expectations, papermill,
nbconvert, seaborn) are imported only by the modules that need them, when they need them.
The Python API is loaded on first use:

- :func:`build_reports` and :func:`validate_month` (from :mod:`carelib.api`);
- :class:`BuildResult`, and the exceptions of :mod:`carelib.errors`: :class:`CarelibError`
  (with ``exit_code``) and its subclasses :class:`DataInvalid`, :class:`UsageError`,
  :class:`ConfigError`, :class:`ReportsLocked`, :class:`NotebookFailed`,
  :class:`MonthNotAvailable`, :class:`OutputError`, :class:`UnexpectedError`.
"""

__version__ = "0.1.0"

_LAZY = {
    "build_reports": "carelib.api",
    "validate_month": "carelib.api",
    "BuildResult": "carelib.api",
    "CarelibError": "carelib.errors",
    "DataInvalid": "carelib.errors",
    "UsageError": "carelib.errors",
    "ConfigError": "carelib.errors",
    "ReportsLocked": "carelib.errors",
    "NotebookFailed": "carelib.errors",
    "MonthNotAvailable": "carelib.errors",
    "OutputError": "carelib.errors",
    "UnexpectedError": "carelib.errors",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    """Import the API on first use (PEP 562), so ``import carelib`` stays fast."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'carelib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
