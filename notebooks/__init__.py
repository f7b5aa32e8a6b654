"""The report notebooks, shipped inside the package as ``carelib.notebooks``.

This folder holds notebooks, not code: the build maps it into the package (see
``[tool.setuptools.package-dir]`` in pyproject.toml) and :mod:`carelib.resources` finds
it with :mod:`importlib.resources`.
"""
