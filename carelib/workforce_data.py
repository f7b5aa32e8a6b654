"""The workforce page's data: the month's typed tables, built (and published) once.

:func:`build` takes the notebook's context (:func:`carelib.notebook.setup`) and returns a
:class:`WorkforceData`: the indicator table by month and team (value, numerator,
denominator, window, months covered, symbol, ... as :func:`carelib.workforce.indicators`
gives it), the leavers, caseload-band and newly-qualified tables, agency spend and
recruitment, England's and the neighbours' figures and the targets. In publication mode
every table is suppressed here, once (:mod:`carelib.publication`), before anything is
drawn or written: the page's views (:mod:`carelib.views.workforce`), the CSVs, the
headline tiles handed to the overview page and ``carelib kpis`` all read these tables.

Small accessors (:meth:`WorkforceData.row`, :meth:`~WorkforceData.value`,
:meth:`~WorkforceData.text`, :meth:`~WorkforceData.series`, ...) are what views use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from carelib import benchmarks, dates, formatting, publication, schema, workforce
from carelib.loading import History

if TYPE_CHECKING:
    from carelib.notebook import ReportContext
    from carelib.plan_data import PlanData

#: Source line under every chart (``{council}`` and ``{england}`` filled in).
SOURCE = "{council} HR and case management monthly extracts; England: {england}"
#: Months shown in trend charts (and kept in the tables).
TREND_MONTHS = 24
#: The headline tiles, in page order.
HEADLINE = (
    "agency_rate",
    "vacancy_rate",
    "turnover_rate_12m",
    "average_caseload",
    "absence_rate_12m",
    "in_post_under_2y",
    "starters_12m",
    "nqsw_retained_1y",
)
TILE_LABELS = {
    "agency_rate": "Agency rate",
    "vacancy_rate": "Vacancy rate",
    "turnover_rate_12m": "Turnover rate (12 months)",
    "average_caseload": "Average caseload",
    "absence_rate_12m": "Sickness absence rate (12 months)",
    "in_post_under_2y": "In post under 2 years",
    "starters_12m": "Starters (12 months)",
    "nqsw_retained_1y": "Newly qualified social workers retained into year two",
}
#: Indicators drawn as XmR charts.
SPC_INDICATORS = ("agency_rate", "vacancy_rate", "average_caseload", "turnover_rate_12m")
#: Indicators with a target in config ``[targets]``.
TARGETED = (
    "agency_rate",
    "vacancy_rate",
    "turnover_rate_12m",
    "average_caseload",
    "absence_rate_12m",
    "in_post_under_2y",
    "nqsw_retained_1y",
)
#: Indicator -> its ``[targets]`` key where the two differ (optional targets: unset in
#: the config means no target line and no rating).
TARGET_KEYS = {"in_post_under_2y": "in_post_under_2y_share", "nqsw_retained_1y": "nqsw_retention"}
#: A figure defined differently from DfE's is compared through the indicator computed by
#: DfE's definition (the monthly-weighted absence rate is kept for the monthly trend;
#: DfE's is days lost over FTE at the month end x 253).
COMPARED_AS = {"absence_rate_12m": "absence_rate_dfe"}

REASON_LABELS = {
    "resignation": "Resignation",
    "retirement": "Retirement",
    "end_of_contract": "End of contract",
    "dismissal": "Dismissal",
    "redundancy": "Redundancy",
    "moved_within_la": "Moved to another role in the council",
    "other": "Other",
    "not_known": "Not known",
    "not_recorded": "Not recorded",
}
DESTINATION_LABELS = {
    "other_la": "Another local authority",
    "agency": "Agency social work",
    "outside_england": "Outside England",
    "other_social_work": "Other social work",
    "other_social_care": "Other social care",
    "non_social_care": "Work outside social care",
    "career_break": "Career break",
    "other": "Other",
    "not_known": "Not known",
    "not_recorded": "Not recorded",
}
BREAKDOWN_LABELS = {"reason": REASON_LABELS, "destination": DESTINATION_LABELS}


def short_month(month: str) -> str:
    """Return a month as on chart axes, e.g. ``Sep 2025``."""
    return dates.reference_date(month).strftime("%b %Y")


def census_label(year: int | None) -> str:
    """Return a DfE reporting year as readers know it: ``Sept 2025`` (30 September)."""
    return f"Sept {year}" if year else "year not known"


def census_words(year: int | None) -> str:
    """Return a DfE reporting year in full, e.g. ``census 30 September 2025``."""
    return f"census 30 September {year}" if year else "census year not known"


def recent(history: History, month: str, n_months: int) -> History:
    """Keep the last ``n_months`` months of a history (enough for trends and windows)."""
    first = dates.add_months(month, -(n_months - 1))
    keep = [m for m in history.months if first <= m <= month]
    if len(keep) == len(history.months):
        return history
    frames = {}
    for name in schema.DATASETS:
        frame = history.frame(name)
        frames[name] = frame[frame["month"].isin(keep)] if "month" in frame.columns else frame
    return History(months=keep, **frames)


@dataclass
class WorkforceData:
    """One month's workforce tables, as published (suppressed in publication mode).

    Attributes
    ----------
    ctx : carelib.notebook.ReportContext
        The notebook's context (month, config, full history, output folder).
    table : pandas.DataFrame
        The indicator table: council figures for every trend month, each team's for
        the month (tidy, one row per month, team and indicator).
    months : list of str
        The trend months, oldest first, ending at the reporting month.
    history : carelib.loading.History
        The months the figures are worked out from (trend months and their windows).
    leavers : dict
        ``reason`` / ``destination`` -> leavers table (label, month, 12 months; last
        row ``total``), counts or ``c``.
    bands : pandas.DataFrame
        Case-holding workers by caseload band (``attrs``: ``total``, ``upper``).
    cohorts : pandas.DataFrame
        Newly qualified social workers by financial year of starting (last row
        ``total``), counts or ``c``; ``nqsw`` is the unpublished cohort table it
        comes from (its ``complete`` and ``cohort`` columns, no counts shown).
    spend : pandas.DataFrame
        :func:`carelib.workforce.agency_spend` by team.
    recruitment : dict
        :func:`carelib.workforce.recruitment_against_target`.
    plan : carelib.plan_data.PlanData or None
        The improvement plan's published tables (:func:`plan_tables`): the actions each
        section lists and the completions its charts mark; None without a plan.
    """

    ctx: ReportContext
    table: pd.DataFrame
    months: list[str]
    history: History
    bench: benchmarks.Benchmarks
    leavers: dict[str, pd.DataFrame] = field(default_factory=dict)
    leavers_covered: int = 0
    bands: pd.DataFrame = field(default_factory=pd.DataFrame)
    cohorts: pd.DataFrame = field(default_factory=pd.DataFrame)
    nqsw: pd.DataFrame = field(default_factory=pd.DataFrame)
    spend: pd.DataFrame = field(default_factory=pd.DataFrame)
    recruitment: dict = field(default_factory=dict)
    plan: PlanData | None = None
    #: Derived tables views share (e.g. XmR charts), worked out once.
    cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self._index = self.table.set_index(["month", "team", "indicator"]).sort_index()

    # --- what the month is

    @property
    def month(self) -> str:
        """The reporting month, ``YYYY-MM``."""
        return self.ctx.month

    @property
    def config(self):
        """The carelib configuration."""
        return self.ctx.config

    @property
    def publication(self) -> bool:
        """Whether small numbers are suppressed (publication mode)."""
        return bool(self.ctx.publication)

    @property
    def threshold(self) -> int:
        """Counts from 1 to this are suppressed in publication mode."""
        return int(self.config["publication"].get("threshold", 5))

    @property
    def targets(self) -> dict:
        """The configured targets (``[targets]``)."""
        return dict(self.config["targets"])

    @property
    def fy_start(self) -> int:
        """First month of the financial year."""
        return int(self.targets.get("financial_year_start_month", 4))

    @property
    def council(self) -> str:
        """The council's name as pages show it."""
        return str(self.config["council"]["name"])

    @property
    def source(self) -> str:
        """The source line under every chart."""
        return SOURCE.format(council=self.council, england=self.bench.source)

    # --- figures

    def row(self, indicator: str, team: str = "", month: str | None = None):
        """The indicator's row (a :class:`pandas.Series`), or None when there is none."""
        key = (month or self.month, team, indicator)
        if key not in self._index.index:
            return None
        return self._index.loc[key]

    def value(self, indicator: str, team: str = "", month: str | None = None) -> float:
        """The figure as a number (NaN when missing or suppressed)."""
        row = self.row(indicator, team, month)
        return math.nan if row is None else float(row["value"])

    def unit(self, indicator: str) -> str:
        """The indicator's unit (``percent``, ``cases``, ``count``, ``gbp``, ``fte``)."""
        return workforce.INDICATORS[indicator].unit

    def text(self, indicator: str, team: str = "", month: str | None = None) -> str:
        """A figure as shown on the page (``z``/``x``/``c`` when there is no number)."""
        row = self.row(indicator, team, month)
        if row is None:
            return "x"
        return formatting.value(float(row["value"]), self.unit(indicator), str(row["symbol"]))

    def count_text(self, indicator: str, field: str = "value", team: str = "") -> str:
        """A count (or FTE) of the indicator's row as shown: its symbol when missing."""
        row = self.row(indicator, team)
        if row is None:
            return "x"
        value = float(row[field])
        if formatting.is_missing(value):
            return str(row["symbol"]) or "z"
        return formatting.value(value, "fte" if value != round(value) else "count")

    def months_text(self, indicator: str, team: str = "") -> str:
        """``11 of 12``: months of data behind the figure."""
        row = self.row(indicator, team)
        if row is None:
            return "x"
        return f"{int(row['months_covered'])} of {int(row['window_months'])}"

    def series(self, indicator: str, months: int | None = None) -> pd.DataFrame:
        """Council figures for the last ``months`` trend months, oldest first."""
        rows = self.table[
            (self.table["scope"] == "council") & (self.table["indicator"] == indicator)
        ]
        rows = rows.set_index("month").reindex(self.trend_months(months))
        rows["label"] = [short_month(m) for m in rows.index]
        return rows

    def trend_months(self, months: int | None = None) -> list[str]:
        """The last ``months`` trend months (all of them by default)."""
        return list(self.months if months is None else self.months[-int(months) :])

    def trend_series(self, indicator: str, months: int | None = None) -> tuple[pd.DataFrame, str]:
        """The months to draw: for a 12-month figure only complete 12-month windows.

        Returns the rows and a sentence saying which months are left out (or "").
        """
        rows = self.series(indicator, months)
        window = workforce.INDICATORS[indicator].window
        if window == 1 or window == "fy":
            return rows, ""
        complete = rows[rows["months_covered"] >= rows["window_months"]]
        if len(complete) >= 2 and len(complete) < len(rows):
            first = complete.index[0]
            return complete, (
                f"Shown from {dates.month_label(first)}, the first month with {window} months "
                "of data: earlier figures cover fewer months and are not comparable."
            )
        if len(complete) < len(rows):
            return rows, (
                f"Some months cover fewer than {window} months of data, so they "
                "are not comparable with a full-year figure."
            )
        return rows, ""

    def teams(self) -> list[str]:
        """The teams with figures this month, in order."""
        return sorted(self.table.loc[self.table["scope"] == "team", "team"].unique())

    def months_since(self, month: str) -> str:
        """``August`` for last month, ``December 2024`` when the year differs."""
        if month[:4] == self.month[:4]:
            return dates.reference_date(month).strftime("%B")
        return dates.month_label(month)

    # --- targets and comparators

    def target(self, indicator: str) -> float | None:
        """The configured target, for an indicator that has one."""
        key = TARGET_KEYS.get(indicator, indicator)
        if indicator not in TARGETED or self.targets.get(key) is None:
            return None
        return float(self.targets[key])

    def partial(self, indicator: str, team: str = "") -> str:
        """``not available yet: 2 of 12 months`` for a figure short of its window, else ``""``."""
        row = self.row(indicator, team)
        if row is None or workforce.INDICATORS[indicator].window in (1, "fy"):
            return ""
        return workforce.partial_text(row)

    def shown(self, indicator: str) -> str:
        """The figure as a sentence shows it: its text, or that it is not available yet."""
        return self.partial(indicator) or self.text(indicator)

    def benchmark(self, indicator: str, which: str = "england") -> benchmarks.Figure | None:
        """England's (or the region's, the neighbours') figure for the latest census."""
        try:
            benchmarks.Benchmarks.measure(indicator)
        except KeyError:
            return None
        if which != "england" and not self.bench.available(which):
            return None
        # The latest census at or before this month's end: a report for September 2025
        # compares with the census of 30 September 2025 (the same reference date), and a
        # report rebuilt for an earlier month does not quote later figures.
        last_census = benchmarks.census_year(dates.reference_date(self.month))
        return self.bench.at(indicator, which, last_census)


def plan_tables(ctx: ReportContext) -> PlanData | None:
    """The improvement plan's published tables for the month, or None without a plan.

    The same tables as the plan page's (:func:`carelib.plan_data.from_context`, published
    in publication mode), so the ratings the workforce page shows are the plan page's,
    ``actions.csv``'s and ``carelib plan``'s.
    """
    actions = ctx.history.frame("actions")
    if actions.empty or "month" not in actions or not (actions["month"] == ctx.month).any():
        return None
    from carelib import plan_data

    return plan_data.from_context(ctx)


def build(
    ctx: ReportContext,
    bench: benchmarks.Benchmarks | None = None,
    plan: PlanData | None = None,
) -> WorkforceData:
    """Build the month's workforce tables once, suppressed in publication mode.

    Parameters
    ----------
    ctx : carelib.notebook.ReportContext
        The notebook's context (:func:`carelib.notebook.setup`).
    bench : carelib.benchmarks.Benchmarks, optional
        England's, the region's and the neighbours' figures, when already loaded for
        the same configuration (several months in one process); loaded otherwise.
    plan : carelib.plan_data.PlanData, optional
        The plan's published tables (:func:`plan_tables`); without them the page shows
        no plan actions and its charts no completion markers.

    Returns
    -------
    WorkforceData
    """
    cfg = ctx.config
    month = ctx.month
    fy_start = int(dict(cfg["targets"]).get("financial_year_start_month", 4))
    threshold = int(cfg["publication"].get("threshold", 5))
    # A trend month needs up to 24 earlier months of data (the NQSW window).
    history = recent(ctx.history, month, TREND_MONTHS + 24)
    full = workforce.indicators(history, None, by_team=True, fy_start_month=fy_start)
    full = full[full["month"] <= month]
    now = full[full["month"] == month]  # the month's own figures (spend, recruitment)
    months = sorted(full["month"].unique())[-TREND_MONTHS:]
    table = full.reset_index(drop=True)
    hidden: dict[tuple, bool] = {}
    if ctx.publication:
        # Every month of the history, teams included, not only what the page shows: each
        # month is suppressed as its own page was, and a figure is checked against every
        # figure published before it.
        table, hidden = publication.suppress_table(table, history, month, threshold, fy_start)
    # Team figures for the month; council figures for the trend months.
    team_now = (table["scope"] == "team") & (table["month"] == month)
    table = table[team_now | ((table["scope"] == "council") & table["month"].isin(months))]
    table = table.reset_index(drop=True)
    target = int(dict(cfg["targets"]).get("qsw_hires_this_year", 25))
    data = WorkforceData(
        ctx=ctx,
        table=table,
        months=months,
        history=history,
        bench=bench if bench is not None else benchmarks.load_benchmarks(cfg),
        spend=workforce.agency_spend(history, month, fy_start, by_team=True, table=now),
        recruitment=workforce.recruitment_against_target(
            history, month, target, fy_start, table=now
        ),
        plan=plan,
    )
    _breakdowns(data, hidden, threshold)
    return data


def _breakdowns(data: WorkforceData, hidden: dict, threshold: int) -> None:
    """The leavers, caseload-band and cohort tables of the month, published."""
    ctx, month = data.ctx, data.month
    lv = workforce.leavers_breakdown(ctx.history, month)
    data.leavers_covered = int(lv["months_covered"].iloc[0]) if len(lv) else 0
    cols = [f"In {short_month(month)}", "In 12 months"]
    for breakdown, labels in BREAKDOWN_LABELS.items():
        part = lv[lv["breakdown"] == breakdown]
        frame = pd.DataFrame(
            {
                ("Reason" if breakdown == "reason" else "Destination"): [
                    labels.get(c, str(c)) for c in part["category"]
                ],
                cols[0]: part["headcount_month"].astype("int64").to_numpy(),
                cols[1]: part["headcount_12m"].astype("int64").to_numpy(),
            }
        )
        frame.loc[len(frame)] = [
            "All leavers",
            int(frame[cols[0]].sum()),
            int(frame[cols[1]].sum()),
        ]
        frame.index = [*range(len(frame) - 1), "total"]
        if data.publication:
            # Hidden as the month's linear-relations audit decided (carelib.disclosure);
            # the total is the council figure, hidden when that is.
            totals = tuple(
                data.text(i) == "c" for i in ("leavers_headcount_month", "leavers_headcount_12m")
            )
            frame = publication.suppress_leavers(
                frame, list(part["category"]), breakdown, hidden, totals, threshold
            )
        data.leavers[breakdown] = frame

    dist = workforce.caseload_distribution(ctx.history, month)
    bands = pd.DataFrame(
        {
            "Caseload (cases per FTE)": dist["band"].to_numpy(),
            "Workers": dist["workers"].astype("int64").to_numpy(),
            "Share": dist["share"].to_numpy("float64"),
        }
    )
    bands.attrs.update(total=int(bands["Workers"].sum()), upper=dist["lower"].to_numpy())
    data.bands = publication.suppress_bands(bands, threshold) if data.publication else bands

    cohorts = workforce.nqsw_cohorts(ctx.history, month, data.fy_start)
    data.nqsw = cohorts
    frame = pd.DataFrame(
        {
            "Financial year started": [str(c) for c in cohorts["cohort"]],
            "Started": cohorts["started"].astype("int64").to_numpy(),
            "Still in post": cohorts["in_post"].astype("int64").to_numpy(),
            "Left": cohorts["left"].astype("int64").to_numpy(),
        }
    )
    if not cohorts.empty:
        frame.loc[len(frame)] = [
            "All years",
            int(frame["Started"].sum()),
            int(frame["Still in post"].sum()),
            int(frame["Left"].sum()),
        ]
        frame.index = [*range(len(cohorts)), "total"]
        frame["Still in post (%)"] = [
            formatting.value(v, "percent")
            for v in (frame["Still in post"] / frame["Started"].where(frame["Started"] > 0) * 100)
        ]
        if data.publication:
            frame = publication.suppress_cohorts(frame, threshold)
    data.cohorts = frame


def headline_kpis(data: WorkforceData) -> dict[str, dict]:
    """The council's headline indicators at the month, as published, ready for JSON.

    The same rows as the page and ``workforce_indicators.csv`` (what ``carelib kpis``
    prints): ``{indicator: {"label", "value", "symbol", "numerator", "denominator",
    "unit", "months_covered", "window_months", "complete", "period_start",
    "period_end"}}`` for each of :data:`carelib.workforce.KPIS`; ``value`` is None when
    there is no figure (its symbol says why: ``z``, ``x`` or ``c``).
    """
    from carelib import rates

    out = {}
    for name in workforce.KPIS:
        row = data.row(name)
        if row is None:
            continue
        rec = rates.record(row["value"], row["numerator"], row["denominator"])
        rec["symbol"] = row["symbol"]
        out[name] = {
            "label": workforce.INDICATORS[name].label,
            **rec,
            "unit": row["unit"],
            "months_covered": int(row["months_covered"]),
            "window_months": int(row["window_months"]),
            "complete": bool(row["complete"]),
            "period_start": row["period_start"],
            "period_end": row["period_end"],
        }
    return out
