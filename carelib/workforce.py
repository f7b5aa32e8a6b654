"""Workforce indicators at every month end, for the council and each team.

The definitions are DATA_SPEC's (the DfE children's social work workforce census
definitions applied at each month end); the formulas on counts are in
:mod:`carelib.rates`. Each month is computed from the data up to and including that
month only, so a trend line shows what the report said at the time.

Populations (from :mod:`carelib.schema`):

- *social workers*: ``employment`` permanent or fixed_term and ``role`` qualified
  (every role except ``alternatively_qualified``);
- *agency workers*: ``employment`` agency and ``role`` qualified;
- *alternatively qualified workers*: ``role`` alternatively_qualified, any employment.

Decisions on definitions the specification leaves open (also in the docstrings):

- Leavers count in the 12-month window by ``leave_date``, from leavers files of months
  up to the reference month, de-duplicated on (worker_id, leave_date).
- Starters (``starters_12m``, ``starters_fytd``) and the NQSW cohort are found in the
  union of the social-worker rows of every workforce snapshot and leavers file up to the
  reference month, one per worker_id (the worker's latest record up to the reference
  month, which also gives the team). Someone who started and left between two month
  ends is therefore counted, through the leavers file. Someone who left and re-joined
  counts once, with the latest start date.
- Team level: turnover by the leaver's team; vacancy from the team's establishment row
  (a team with no establishment row has no vacancy figure: symbol ``x``); starters and
  the NQSW cohort by the team of the worker's latest record; absence from the team's
  own monthly sickness and FTE. The teams shown for a month are those named in that
  month's workforce, leavers, establishment or agency-spend file. Council figures are
  computed over all records, so they include teams that have since closed.
- A rate with a zero denominator is "not applicable": value NaN, symbol ``z``. A figure
  whose input data are absent for the month (e.g. no establishment or agency-spend
  rows) is "not available": value NaN, symbol ``x``.

The module is split by what each part knows: :mod:`carelib.workforce_definitions` (what
each indicator is), :mod:`carelib.workforce_indicators` (counting every month end into
the indicator table) and :mod:`carelib.workforce_breakdowns` (one month's KPIs,
breakdowns, spend and cohorts). Every name is importable from here.
"""

from __future__ import annotations

from carelib.rates import is_complete, partial_text
from carelib.workforce_breakdowns import (
    CASELOAD_BANDS,
    agency_spend,
    caseload_distribution,
    council_kpis,
    leavers_breakdown,
    nqsw_cohorts,
    recruitment_against_target,
)
from carelib.workforce_definitions import (  # noqa: F401  (private ones: used by disclosure)
    COLUMNS,
    INDICATORS,
    KPIS,
    NQ,
    Indicator,
    _fy_first,
    _mi,
    _month,
    fy_label,
)
from carelib.workforce_indicators import (  # noqa: F401  (private ones: used by disclosure)
    _prepare,
    _social_worker_leavers,
    _sw_records,
    indicators,
)

__all__ = [
    "CASELOAD_BANDS",
    "COLUMNS",
    "INDICATORS",
    "KPIS",
    "NQ",
    "Indicator",
    "agency_spend",
    "caseload_distribution",
    "council_kpis",
    "fy_label",
    "indicators",
    "is_complete",
    "leavers_breakdown",
    "nqsw_cohorts",
    "partial_text",
    "recruitment_against_target",
]
