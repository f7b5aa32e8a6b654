"""Report sections as views: small public functions from published tables to a View.

A view (:class:`carelib.blocks.View`) is plain data (a finding, sentences, figures with
alt text and the numbers behind them, tables) that displays itself through its Jinja2
template in JupyterLab and in the exported page alike. Notebooks call these functions
with the arguments an analyst may change, e.g. ``views.plan_burnup(plan_data, months=12)``.
The workforce page's views are in :mod:`carelib.views.workforce` (``from carelib.views
import workforce as views``).
"""

from carelib.blocks import View

# --- improvement plan views (carelib/views/plan_*.py) ------------------------------------
from carelib.views.plan_changes import CHANGE_KINDS, plan_changes
from carelib.views.plan_charts import plan_burnup
from carelib.views.plan_groups import plan_by_recommendation, plan_by_theme
from carelib.views.plan_sections import plan_recommendation_sections, plan_rules
from carelib.views.plan_summary import (
    plan_exceptions,
    plan_headlines,
    plan_summary_sentence,
    plan_tiles,
    plan_timeline,
)

__all__ = [
    "View",
    # improvement plan
    "CHANGE_KINDS",
    "plan_burnup",
    "plan_by_recommendation",
    "plan_by_theme",
    "plan_changes",
    "plan_exceptions",
    "plan_headlines",
    "plan_recommendation_sections",
    "plan_rules",
    "plan_summary_sentence",
    "plan_tiles",
    "plan_timeline",
]
