"""Run ``python -m carelib``."""

from carelib.cli import script

script()
