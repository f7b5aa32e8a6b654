"""Run ``python -m carelib``."""

import sys

from carelib.cli import main

sys.exit(main())
