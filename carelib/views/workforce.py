"""Every view of the workforce page, for the notebook: ``views.agency(data, months=24)``.

Build the tables once with :func:`carelib.workforce_data.build`, then call a view per
section; each returns a :class:`carelib.blocks.View` (plain data: ``view.figures[0].alt``,
``view.tables[0].frame``, ``view.sentences``) that displays itself.

========================  =====================================================
View                      Section
========================  =====================================================
:func:`tiles`             At a glance: the headline figures
:func:`narrative`         What changed this month
:func:`agency`            Agency reliance
:func:`spc`               Real change or noise? (XmR charts)
:func:`turnover`          Turnover and leavers
:func:`vacancies`         Vacancies and recruitment
:func:`caseloads`         Caseloads
:func:`absence`           Sickness absence
:func:`nqsw`              Newly qualified social workers
:func:`spend`             Agency spend against budget
:func:`teams`             Teams
:func:`definitions`       How these figures are calculated (with :func:`benchmarks`)
:func:`trend`             Any indicator month by month, in the house style
========================  =====================================================
"""

from carelib.views.workforce_headline import (
    narrative,
    publish_outputs,
    summary_sentence,
    tile_items,
    tiles,
)
from carelib.views.workforce_money import spend
from carelib.views.workforce_people import absence, caseloads, nqsw, teams, turnover
from carelib.views.workforce_reference import benchmarks, definitions
from carelib.views.workforce_spc import spc
from carelib.views.workforce_trends import agency, trend, vacancies
from carelib.workforce_data import build, plan_tables

__all__ = [
    "absence",
    "agency",
    "benchmarks",
    "build",
    "caseloads",
    "definitions",
    "narrative",
    "nqsw",
    "plan_tables",
    "publish_outputs",
    "spc",
    "spend",
    "summary_sentence",
    "teams",
    "tile_items",
    "tiles",
    "trend",
    "turnover",
    "vacancies",
]
