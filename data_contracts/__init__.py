"""The data contracts (Great Expectations suites), shipped as ``carelib.data_contracts``.

This folder holds JSON suites, not code: the build maps it into the package (see
``[tool.setuptools.package-dir]`` in pyproject.toml) and :mod:`carelib.resources` finds
it with :mod:`importlib.resources`.
"""
