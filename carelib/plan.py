"""The improvement (Ofsted) action plan: ratings, progress, slippage and the timeline.

Everything is computed from the plan as it stood at the end of each month (a
:class:`carelib.loading.History` stacks ``actions`` and ``measures`` with a ``month``
column). The rules are written for officers in ``docs/plan_rules.md``; keep the two in
step. Free text (action, update, names) is carried raw: escaping happens when a view is
rendered by its template.

This module is the plan's public face; the work is done, by what it knows, in

- :mod:`carelib.plan_common`: ratings, unit words and small helpers;
- :mod:`carelib.plan_actions`: the rules for actions and their month-by-month history;
- :mod:`carelib.plan_measures`: progress measures, trajectories and workforce indicators;
- :mod:`carelib.plan_rollup`: recommendations, themes, burn-up and exceptions;
- :mod:`carelib.plan_assess`: the timeline, :class:`PlanAssessment` and its summary.

The month's tables that pages, CSVs and ``carelib plan`` all read are built once by
:func:`carelib.plan_data.build`. These modules import only pandas and the light carelib
modules, so that ``carelib plan --json`` starts quickly.
"""

from __future__ import annotations

from carelib.plan_actions import ACTION_COLUMNS, action_rag
from carelib.plan_assess import (
    PlanAssessment,
    assess,
    months_run,
    plan_due_date,
    plan_summary,
    summary_text,
    timeline,
)
from carelib.plan_common import (
    MEASURE_RATINGS,
    NO_DATA,
    NOT_COMPARED,
    PLAN_DUE_WORKING_DAYS,
    RAG_ORDER,
    RAGS,
    RAGS_WORST_FIRST,
)
from carelib.plan_measures import (
    JUDGED_COLUMNS,
    MEASURE_COLUMNS,
    judge_measure,
    kpis_by_month,
    measure_history,
    trajectory,
)
from carelib.plan_rollup import EXCEPTION_COLUMNS

__all__ = [
    "ACTION_COLUMNS",
    "EXCEPTION_COLUMNS",
    "JUDGED_COLUMNS",
    "MEASURE_COLUMNS",
    "MEASURE_RATINGS",
    "NOT_COMPARED",
    "NO_DATA",
    "PLAN_DUE_WORKING_DAYS",
    "RAGS",
    "RAGS_WORST_FIRST",
    "RAG_ORDER",
    "PlanAssessment",
    "action_rag",
    "assess",
    "judge_measure",
    "kpis_by_month",
    "measure_history",
    "months_run",
    "plan_due_date",
    "plan_summary",
    "summary_text",
    "timeline",
    "trajectory",
]
