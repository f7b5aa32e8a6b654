"""The month's improvement plan as tables, built once for the page, its CSVs and the CLI.

:func:`build` assesses the plan at a month and at the month before it, judges every
measure in every month (for the charts) and looks up the workforce indicators that
measures link to, all from one :func:`carelib.plan.kpis_by_month` table, so a partial
12-month figure is treated the same everywhere. The page (``02_improvement_plan.ipynb``
through :mod:`carelib.views`), ``actions.csv``, ``measures.csv`` and ``carelib plan``
(text and ``--json``) all read the :class:`PlanData` it returns, so they cannot disagree.

Publication mode is applied here, once, to those tables (:func:`published`), before any
view is drawn or any CSV written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from carelib import dates, plan

if TYPE_CHECKING:
    from carelib.config import Config
    from carelib.loading import History
    from carelib.notebook import ReportContext

#: How the source line under every plan chart reads (``{council}`` from the config).
SOURCE = "{council} improvement plan tracker, month-end snapshots"


@dataclass
class PlanData:
    """The improvement plan at one month, as the page, its CSVs and the CLI read it.

    Attributes
    ----------
    month : str
        The reporting month ``YYYY-MM``.
    config : carelib.config.Config
        The configuration (``[rag]`` thresholds, ``[inspection]`` dates, council name).
    assessment : carelib.plan.PlanAssessment
        The plan assessed at the month's reference date: ``actions``, ``measures``,
        ``recommendations``, ``themes``, ``disappeared``, ``burnup``, ``exceptions``,
        ``timeline``.
    measure_history : pandas.DataFrame
        Every measure in every month up to ``month``, judged against its trajectory.
    kpi_by_month : dict
        ``{month: {indicator: record}}`` for the workforce indicators measures link to.
    partial_kpis : dict
        ``{indicator: (last month with a partial window, window months)}``.
    publication : bool
        Whether the tables are the published ones (see :func:`published`).
    history : carelib.loading.History
        The loaded months the tables come from (for :attr:`previous`).
    """

    month: str
    config: Config
    assessment: plan.PlanAssessment
    measure_history: pd.DataFrame
    kpi_by_month: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    partial_kpis: dict[str, tuple[str, int]] = field(default_factory=dict)
    publication: bool = False
    history: History | None = field(default=None, repr=False)

    @functools.cached_property
    def previous(self) -> plan.PlanAssessment | None:
        """The plan at the previous month in the data, assessed on first use.

        Only the page's "since last month" figures need it, so the command line, which
        prints this month's summary, never pays for it.
        """
        before = self.assessment.previous_month
        if before is None or self.history is None:
            return None
        kpis = self.kpi_by_month
        return plan.assess(
            self.history, before, self.config, kpi_values=kpis.get(before), kpi_by_month=kpis
        )

    @functools.cached_property
    def summary(self) -> dict[str, Any]:
        """The headline counts (:meth:`carelib.plan.PlanAssessment.summary`)."""
        return self.assessment.summary()

    @functools.cached_property
    def previous_summary(self) -> dict[str, Any] | None:
        """The previous month's headline counts, or None in the first month of data."""
        return None if self.previous is None else self.previous.summary()

    @property
    def council(self) -> str:
        """The council's name."""
        return self.config["council"]["name"]

    @property
    def source(self) -> str:
        """The source line of the plan's charts."""
        return SOURCE.format(council=self.council)

    @property
    def reference_date(self) -> dt.date:
        """The day every rating is judged at (the month's last day)."""
        return self.assessment.reference_date

    @property
    def previous_month(self) -> str | None:
        """The month compared with, or None."""
        return self.assessment.previous_month

    @property
    def actions(self) -> pd.DataFrame:
        """One row per action (``actions.csv``)."""
        return self.assessment.actions

    @property
    def measures(self) -> pd.DataFrame:
        """One row per progress measure (``measures.csv`` before rounding)."""
        return self.assessment.measures

    def due_to_date(self) -> int:
        """How many actions are due by the month's end (from the burn-up)."""
        burn = self.assessment.burnup
        row = burn[burn["month"] == self.month]
        return int(row["due_to_date"].iloc[0]) if len(row) else 0

    def csv_tables(self) -> dict[str, pd.DataFrame]:
        """The CSVs behind the page: ``actions.csv``, ``measures.csv``, ``plan_dictionary.csv``."""
        from carelib import dictionary

        actions, measures = self.assessment.actions, self.assessment.measures
        return {
            "actions.csv": actions,
            "measures.csv": dictionary.round_measures(measures),
            "plan_dictionary.csv": dictionary.plan_dictionary(measures.columns, actions.columns),
        }


def workforce_indicators(
    history: History, config: Config
) -> tuple[dict[str, dict[str, dict]], dict[str, tuple[str, int]]]:
    """Values of the workforce indicators that measures link to, month by month.

    Returns
    -------
    kpi_by_month : dict
        :func:`carelib.plan.kpis_by_month` for the history.
    partial : dict
        ``{indicator: (month, window months)}``: the last month in which each indicator
        had less than its window of data (such a figure is never judged).
    """
    out = plan.kpis_by_month(history, config["targets"]["financial_year_start_month"])
    partial: dict[str, tuple[str, int]] = {}
    for month, records in sorted(out.items()):
        for name, rec in records.items():
            if not rec["complete"]:
                partial[name] = (month, rec["window_months"])
    return out, partial


def build(history: History, month: str, config: Config, *, publication: bool = False) -> PlanData:
    """Build the month's plan tables once.

    Parameters
    ----------
    history : carelib.loading.History
        Loaded months including ``month`` (later months are ignored).
    month : str
        The reporting month ``YYYY-MM``.
    config : carelib.config.Config
        The configuration.
    publication : bool, default False
        Build the published tables (:func:`published`).

    Returns
    -------
    PlanData
    """
    month = dates.parse_month(month)
    kpis, partial = workforce_indicators(history, config)
    assessment = plan.assess(history, month, config, kpi_values=kpis.get(month), kpi_by_month=kpis)
    data = PlanData(
        month=month,
        config=config,
        assessment=assessment,
        measure_history=plan.measure_history(history, config, kpis, upto=month),
        kpi_by_month=kpis,
        partial_kpis=partial,
        history=history,
    )
    return published(data) if publication else data


def from_context(ctx: ReportContext) -> PlanData:
    """Build the plan tables for a report notebook's context (month, config, mode)."""
    return build(ctx.history, ctx.month, ctx.config, publication=ctx.publication)


#: The figures of a count measure that publication mode hides when 1 to the threshold.
COUNT_FIGURES = ("baseline", "value", "previous_value", "trajectory", "target")
#: Figures worked out from them, hidden with them (a reader could difference them back).
DERIVED_FIGURES = ("behind_trajectory", "distance_to_target", "share_of_gap_closed")
#: What a suppressed measure's progress note says instead of its figures.
SUPPRESSED_NOTE = "c: fewer than {n}, suppressed"


def suppress_measures(measures: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Hide the small counts of count measures (publication mode).

    Parameters
    ----------
    measures : pandas.DataFrame
        Progress measures (this month's, or every month's for the charts).
    threshold : int
        Counts from 1 to ``threshold`` are small.

    Returns
    -------
    pandas.DataFrame
        A copy in which every figure of :data:`COUNT_FIGURES` of a ``count`` measure that
        is 1 to ``threshold`` is empty, with the names of the hidden figures in the column
        ``suppressed`` (space-separated, empty when none). In a row with a hidden figure
        the figures worked out from it (:data:`DERIVED_FIGURES`) are empty too, and the
        progress note and rating reason, which quote figures, say it is suppressed.
        Ratings are kept: a colour discloses no count.
    """
    from carelib import suppression

    out = measures.copy()
    counted = (out["unit"] == "count").to_numpy()
    hidden = {
        col: counted & suppression.is_small(out[col].to_numpy(), threshold)
        for col in COUNT_FIGURES
        if col in out.columns
    }
    names = [" ".join(col for col, mask in hidden.items() if mask[i]) for i in range(len(out))]
    out["suppressed"] = names
    any_hidden = out["suppressed"] != ""
    for col, mask in hidden.items():
        out.loc[mask, col] = float("nan")
    for col in DERIVED_FIGURES:
        if col in out.columns:
            out.loc[any_hidden, col] = float("nan")
    note = SUPPRESSED_NOTE.format(n=threshold + 1)
    for col in ("progress_text", "rag_reason"):
        if col in out.columns:
            out.loc[any_hidden, col] = note
    return out


def published(data: PlanData) -> PlanData:
    """The tables as published outside the service: the one place publication mode acts.

    The plan holds roles, not people, and most of what it counts are actions, measures
    or recommendations, never children or staff. A progress measure in ``count`` units
    may count people, though, so its figures from 1 to the threshold are hidden here
    (:func:`suppress_measures`), in this month's table and in every month's (the charts),
    so that the page, its plain-text version, the CSVs and the CLI all show ``c``
    together. The workforce indicators that measures link to are council-level rates
    whose suppression is the workforce tables' business; if a council's free text may
    name people, this is where ``update`` and ``owner`` would be dropped.
    """
    threshold = int(data.config["publication"]["threshold"])
    assessment = dataclasses.replace(
        data.assessment, measures=suppress_measures(data.assessment.measures, threshold)
    )
    return dataclasses.replace(
        data,
        assessment=assessment,
        measure_history=suppress_measures(data.measure_history, threshold),
        publication=True,
    )


def write_csvs(data: PlanData, ctx: ReportContext) -> None:
    """Write the CSVs behind the page into the context's output folder (if any).

    Returns None, so that a notebook cell calling it shows nothing.
    """
    for name, frame in data.csv_tables().items():
        ctx.write_csv(name, frame)
