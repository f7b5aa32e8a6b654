"""The plan assessed at one month: the timeline, :class:`PlanAssessment` and its summary.

:func:`assess` rates every action and measure at the month's reference date and rolls
them up (:mod:`carelib.plan_rollup`); :meth:`PlanAssessment.summary` gives the headline
counts that the page's tiles and ``carelib plan`` show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from carelib import dates

if TYPE_CHECKING:  # only for annotations: plan must not pull in the loader at import
    from carelib.config import Config
    from carelib.loading import History

from carelib.plan_actions import ACTION_COLUMNS, _more_optimistic, _rag_change, _track_actions
from carelib.plan_common import (
    MEASURE_RATINGS,
    NOT_COMPARED,
    PLAN_DUE_WORKING_DAYS,
    RAGS_WORST_FIRST,
    _month_index,
    _plan_start,
)
from carelib.plan_measures import MEASURE_COLUMNS, measure_history
from carelib.plan_rollup import _burnup, _exceptions, _recommendations, _themes

# ------------------------------------------------------------------------ timeline


def plan_due_date(publication_date: dt.date) -> dt.date:
    """Return the date the written action plan is due: 70 working days after publication.

    Working days are weekdays less England and Wales bank holidays; the publication
    day itself is not counted.
    """
    return dates.add_working_days(publication_date, PLAN_DUE_WORKING_DAYS)


def months_run(plan_start: dt.date, month: str) -> int:
    """Return how many reporting months the plan has run, counting its start month as 1."""
    if dates.reference_date(month) < plan_start:
        return 0
    return _month_index(month) - _month_index(dates.month_of(plan_start)) + 1


def timeline(history: History, month: str, config: Config) -> dict[str, Any]:
    """Return the statutory timeline at ``month``.

    Returns
    -------
    dict
        ``publication_date``, ``plan_due_date`` (70 working days after publication),
        ``plan_due_working_days``, ``plan_start`` and ``plan_start_source`` (``config``
        or ``first month of data``), ``reference_date``, ``months_run`` and
        ``plan_due_passed``. Dates are ``datetime.date`` (None when not configured).
    """
    published = config["inspection"].get("publication_date")
    start, source = _plan_start(history, config)
    ref = dates.reference_date(month)
    due = plan_due_date(published) if published else None
    return {
        "publication_date": published,
        "plan_due_date": due,
        "plan_due_working_days": PLAN_DUE_WORKING_DAYS,
        "plan_due_passed": None if due is None else due <= ref,
        "plan_start": start,
        "plan_start_source": source,
        "reference_date": ref,
        "months_run": months_run(start, month),
    }


# ------------------------------------------------------------------------ assessment


@dataclass
class PlanAssessment:
    """The action plan assessed at one month's reference date.

    Attributes
    ----------
    month : str
        The reporting month ``YYYY-MM``.
    reference_date : datetime.date
        Its last day, the date every rating is judged at.
    previous_month : str or None
        The latest earlier month in the data, used for month-on-month changes.
    actions : pandas.DataFrame
        One row per action (columns :data:`ACTION_COLUMNS`), in plan order.
    measures : pandas.DataFrame
        One row per measure (columns :data:`MEASURE_COLUMNS`), in file order.
    recommendations, themes : pandas.DataFrame
        Roll-ups: rating, driver, counts by rating, share complete.
    disappeared : pandas.DataFrame
        Actions in the previous month's plan that are absent now, as last seen.
    burnup : pandas.DataFrame
        Per month: ``total``, ``due_to_date``, ``complete``, ``overdue``.
    exceptions : pandas.DataFrame
        Overdue, blocked, slipped and worsening items with owner and latest update.
    timeline : dict
        See :func:`timeline`.
    """

    month: str
    reference_date: dt.date
    previous_month: str | None
    actions: pd.DataFrame
    measures: pd.DataFrame
    recommendations: pd.DataFrame
    themes: pd.DataFrame
    disappeared: pd.DataFrame
    burnup: pd.DataFrame
    exceptions: pd.DataFrame
    timeline: dict[str, Any]

    def summary(self) -> dict[str, Any]:
        """Return the headline counts as a JSON-serialisable dict (``carelib plan --json``)."""
        acts, meas = self.actions, self.measures

        def count(mask) -> int:
            return int(pd.Series(mask, dtype="boolean").fillna(False).sum())

        def iso(value):
            return value.isoformat() if isinstance(value, dt.date) else value

        return {
            "month": self.month,
            "reference_date": self.reference_date.isoformat(),
            "compared_with": self.previous_month,
            "actions_total": len(acts),
            "actions_by_rag": {c: count(acts["computed_rag"] == c) for c in RAGS_WORST_FIRST},
            "overdue": count(acts["overdue"]),
            "blocked": count(acts["blocked"]),
            "slipped_this_month": count(acts["slipped_this_month"]),
            "slipped_ever": count(acts["times_slipped"] > 0),
            "completed_this_month": count(acts["completed_this_month"]),
            "new": count(acts["new"]),
            "disappeared": len(self.disappeared),
            "not_updated": count(acts["stale"]),
            "rag_disagrees": count(acts["rag_disagrees"]),
            "worsened": count(acts["rag_change"] == "worsened"),
            "improved": count(acts["rag_change"] == "improved"),
            "measures_total": len(meas),
            "measures_by_rag": {c: count(meas["rag"] == c) for c in MEASURE_RATINGS},
            "measures_target_met": count(meas["target_met"]),
            "measure_ratings": dict(zip(meas["measure_id"], meas["rag"], strict=True)),
            "recommendations_by_rag": {
                c: count(self.recommendations["rag"] == c) for c in RAGS_WORST_FIRST
            },
            **{k: iso(v) for k, v in self.timeline.items() if k != "reference_date"},
        }


def assess(
    history: History,
    month: str,
    config: Config,
    kpi_values: Mapping[str, Any] | None = None,
    kpi_by_month: Mapping[str, Mapping[str, Any]] | None = None,
) -> PlanAssessment:
    """Assess the action plan at the end of ``month``.

    Parameters
    ----------
    history : carelib.loading.History
        Loaded months including ``month`` (later months are ignored). Month-on-month
        changes compare with the latest earlier month loaded.
    month : str
        The reporting month ``YYYY-MM``.
    config : carelib.config.Config
        Uses ``[rag]`` thresholds and ``[inspection]`` dates.
    kpi_values : mapping, optional
        This month's workforce indicators for kpi-linked measures: ``{name: value}``
        or the result of ``carelib.workforce.council_kpis(history, month)`` (values that
        are dicts are read at ``"value"``). None or a missing indicator means no data.
    kpi_by_month : mapping, optional
        ``{month: indicators}`` for earlier months, so that kpi-linked measures can show
        a change since last month; ``kpi_values`` wins for ``month`` itself.

    Returns
    -------
    PlanAssessment

    Raises
    ------
    ValueError
        When ``month`` is not among the loaded months.
    """
    month = dates.parse_month(month)
    if month not in history.months:
        loaded = ", ".join(history.months) or "none"
        raise ValueError(f"no data loaded for {month} (months loaded: {loaded})")
    rag_cfg = config["rag"]
    months = [m for m in history.months if m <= month]
    previous = months[-2] if len(months) > 1 else None
    ref = dates.reference_date(month)

    tracked = _track_actions(history.actions, months, rag_cfg["due_soon_days"])
    actions = tracked[tracked["month"] == month].sort_values("_order", kind="stable")
    actions = actions.reset_index(drop=True)
    actions["rag_disagrees"] = (
        actions["officer_rag"].notna() & (actions["officer_rag"] != actions["computed_rag"])
    ).astype(bool)
    actions["more_optimistic"] = pd.Series(
        [
            _more_optimistic(o, c)
            for o, c in zip(actions["officer_rag"], actions["computed_rag"], strict=True)
        ],
        index=actions.index,
        dtype="str",
    )
    actions["new"] = (actions["first_seen_month"] == month) & (previous is not None)
    actions["rag_change"] = [
        "new" if new else _rag_change(prev, cur) if previous else NOT_COMPARED
        for new, prev, cur in zip(
            actions["new"], actions["previous_rag"], actions["computed_rag"], strict=True
        )
    ]
    actions["stale"] = (
        (actions["months_since_update"] >= rag_cfg["stale_update_months"])
        & (actions["status"] != "complete")
    ).astype(bool)

    if previous is None:
        disappeared = tracked.iloc[0:0]
    else:
        before = tracked[tracked["month"] == previous]
        disappeared = before[~before["action_id"].isin(actions["action_id"])]
    disappeared = disappeared.rename(columns={"month": "last_seen_month"})[
        [
            "action_id",
            "recommendation_id",
            "theme",
            "action",
            "owner",
            "due_date",
            "status",
            "computed_rag",
            "update",
            "last_seen_month",
        ]
    ].reset_index(drop=True)

    kpis = dict(kpi_by_month or {})
    if kpi_values is not None:
        kpis[month] = kpi_values
    judged = measure_history(history, config, kpis, upto=month)
    judged["previous_value"] = judged.groupby("measure_id")["value"].shift()
    judged["previous_rag"] = judged.groupby("measure_id")["rag"].shift()
    judged["_first"] = judged.groupby("measure_id")["month"].transform("min")
    measures = judged[judged["month"] == month].copy()
    measures["new"] = (measures["_first"] == month) & (previous is not None)
    measures["rag_change"] = [
        "new" if new else _rag_change(prev, cur)
        for new, prev, cur in zip(
            measures["new"], measures["previous_rag"], measures["rag"], strict=True
        )
    ]
    in_file = history.measures.loc[history.measures["month"] == month, "measure_id"]
    position = {mid: i for i, mid in enumerate(dict.fromkeys(in_file.dropna()))}
    measures = measures.sort_values("measure_id", key=lambda ids: ids.map(position), kind="stable")
    measures = measures[MEASURE_COLUMNS].reset_index(drop=True)

    texts = history.actions.loc[
        history.actions["month"] == month, ["recommendation_id", "recommendation"]
    ].dropna()
    assessment = PlanAssessment(
        month=month,
        reference_date=ref,
        previous_month=previous,
        actions=actions[ACTION_COLUMNS],
        measures=measures,
        recommendations=_recommendations(actions, measures, texts),
        themes=_themes(actions, measures),
        disappeared=disappeared,
        burnup=_burnup(tracked, months),
        exceptions=_exceptions(actions, measures),
        timeline=timeline(history, month, config),
    )
    return assessment


def plan_summary(
    history: History,
    month: str,
    config: Config,
    kpi_values: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Assess the plan at ``month`` and return :meth:`PlanAssessment.summary`."""
    return assess(history, month, config, kpi_values=kpi_values).summary()


def summary_text(summary: Mapping[str, Any]) -> str:
    """Write :meth:`PlanAssessment.summary` as a few plain lines for the terminal."""
    rag = summary["actions_by_rag"]
    measures = summary["measures_by_rag"]
    recs = summary["recommendations_by_rag"]
    compared = summary["compared_with"] or "no earlier month loaded"
    lines = [
        f"Improvement plan at {summary['reference_date']} (compared with {compared})",
        f"  actions: {summary['actions_total']}  red {rag['red']}  amber {rag['amber']}  "
        f"green {rag['green']}  blue (complete) {rag['blue']}",
        f"  overdue {summary['overdue']}  blocked {summary['blocked']}  "
        f"slipped this month {summary['slipped_this_month']}  "
        f"completed this month {summary['completed_this_month']}",
        f"  new {summary['new']}  disappeared {summary['disappeared']}  "
        f"not updated {summary['not_updated']}  officer rating differs "
        f"{summary['rag_disagrees']}",
        f"  measures: {summary['measures_total']}  red {measures['red']}  "
        f"amber {measures['amber']}  green {measures['green']}  "
        f"no data {measures['no data']}  target met {summary['measures_target_met']}",
        f"  recommendations: red {recs['red']}  amber {recs['amber']}  green {recs['green']}  "
        f"blue {recs['blue']}",
        f"  written action plan due {summary['plan_due_date'] or 'not configured'}; "
        f"plan has run {summary['months_run']} months since {summary['plan_start']}",
    ]
    return "\n".join(lines)
