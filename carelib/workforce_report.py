"""The workforce stability page (``workforce.html``), from :mod:`carelib.workforce`'s figures.

The page answers the council's monthly question, "is the social-work workforce becoming
stable, and how do we compare?", for a Director of Children's Services, the improvement
board and councillors (on a screen, a phone, paper or a screen reader).

Every figure comes from :func:`carelib.workforce.indicators` and the other functions of
:mod:`carelib.workforce`; England's figures from :mod:`carelib.benchmarks`; "real change
or noise" from :func:`carelib.spc.xmr`. This module only chooses what to show, words it
and draws it. The notebook ``notebooks/01_workforce.ipynb`` calls the methods of
:class:`WorkforceReport` in page order, each under a level-2 heading the notebook
provides, so nothing here writes an ``h2``.

Privacy: only aggregates are shown (no worker_id, no row-level record). Team names and
other text from the data are passed to :mod:`carelib.html` as plain ``str`` so they are
escaped. In publication mode small counts are suppressed with :mod:`carelib.suppression`
(primary and secondary), rates built on a suppressed count are suppressed, and
team-level sickness (health data) is left out of the page and the CSV.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from carelib import (
    benchmarks,
    charts,
    dates,
    dictionary,
    disclosure,
    spc,
    spc_section,
    suppression,
    workforce,
)
from carelib import html as h
from carelib.loading import History

if TYPE_CHECKING:
    from carelib.notebook import ReportContext

#: Source line under every chart (``{council}`` and ``{england}`` filled in).
SOURCE = "{council} HR and case management monthly extracts; England: {england}"
#: Months shown in trend charts.
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
)

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

# --- Publication suppression of the indicator table -----------------------------------
# Count behind the suppression test: key -> (indicator, column of the tidy table).
# Headcounts where they exist; FTE otherwise (conservative: FTE <= headcount).
_COUNTS = {
    "sw_hc": ("social_worker_headcount", "value"),
    "agency_hc": ("agency_headcount", "value"),
    "aq_hc": ("alternatively_qualified_headcount", "value"),
    "leavers_hc_12m": ("leavers_headcount_12m", "value"),
    "leavers_hc_month": ("leavers_headcount_month", "value"),
    "starters_12m": ("starters_12m", "value"),
    "starters_fytd": ("starters_fytd", "value"),
    "nqsw_cohort": ("nqsw_retained_1y", "denominator"),
    "nqsw_retained": ("nqsw_retained_1y", "numerator"),
    "cases": ("cases", "value"),
    "under_2y_fte": ("in_post_under_2y", "numerator"),
    "cover_fte": ("agency_cover_rate", "numerator"),
}
# Counts that run on from month to month, so that the difference of two consecutive
# council figures is a count of people (the starters or leavers first counted in between).
# A run lasts while the window keeps its first month of data (``period_start``): a
# financial year for starters_fytd; for the 12-month leavers count, the months while its
# window still starts at the first month of data. Once the 12-month window is full it
# moves on each month, so consecutive figures differ by the month in minus the month out,
# not by a count of people; starters_12m and the NQSW cohort are windows on start dates
# (they move from the first month), so they are not runs either. Money and days are not
# counts of people.
_TEAM_WITHHELD = ("absence_rate_12m", "absence_rate_dfe")  # team sickness, publication
_CUMULATIVE = ("starters_fytd", "leavers_hc_12m")
# Indicator -> the counts it reveals (directly, or with another figure shown beside it:
# vacancies = funded posts - social-worker FTE). Agency spend reveals the pay of the few
# agency workers behind it: "spend_people" is the team's agency headcount, at least 1
# when there was spend this year (the workers paid may have left by the month end).
_DEPENDS = {
    "agency_rate": ("agency_hc", "sw_hc"),
    "vacancy_rate": ("sw_hc",),
    "turnover_rate_12m": ("leavers_hc_12m", "sw_hc"),
    "average_caseload": ("cases",),
    "absence_rate_12m": ("sw_hc",),
    "absence_rate_dfe": ("sw_hc",),
    "in_post_under_2y": ("under_2y_fte", "sw_hc"),
    "agency_cover_rate": ("cover_fte", "agency_hc"),
    "starters_12m": ("starters_12m",),
    "nqsw_retained_1y": ("nqsw_retained", "nqsw_cohort"),
    "social_worker_fte": ("sw_hc",),
    "social_worker_headcount": ("sw_hc",),
    "agency_fte": ("agency_hc",),
    "agency_headcount": ("agency_hc",),
    "alternatively_qualified_fte": ("aq_hc",),
    "alternatively_qualified_headcount": ("aq_hc",),
    "funded_fte": (),
    "vacancy_fte": ("sw_hc",),
    "cases": ("cases",),
    "leavers_fte_12m": ("leavers_hc_12m",),
    "leavers_headcount_12m": ("leavers_hc_12m",),
    "leavers_fte_month": ("leavers_hc_month",),
    "leavers_headcount_month": ("leavers_hc_month",),
    "starters_fytd": ("starters_fytd",),
    "agency_spend_month": ("spend_people",),
    "agency_budget_month": (),
    "agency_spend_fytd": ("spend_people",),
    "agency_budget_fytd": (),
    "agency_spend_projected": ("spend_people",),
    "agency_budget_projected": (),
}


# --------------------------------------------------------------------------- wording


def short_month(month: str) -> str:
    """Return a month as on chart axes, e.g. ``Sep 2025``."""
    return dates.reference_date(month).strftime("%b %Y")


def census_label(year: int | None) -> str:
    """Return a DfE reporting year as readers know it: ``Sept 2025`` (30 September)."""
    return f"Sept {year}" if year else "year not known"


def census_words(year: int | None) -> str:
    """Return a DfE reporting year in full, e.g. ``census 30 September 2025``."""
    return f"census 30 September {year}" if year else "census year not known"


#: A tile whose figure is defined differently from DfE's is compared through the
#: indicator computed by DfE's definition (the monthly-weighted absence rate is kept for
#: the monthly trend; DfE's is days lost over FTE at the month end x 253).
COMPARED_AS = {"absence_rate_12m": "absence_rate_dfe"}


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _plural(n: float, word: str, plural: str | None = None) -> str:
    return word if n == 1 else (plural or word + "s")


def _decimals(unit: str) -> int:
    return 0 if unit == "count" else 1


def format_value(value, unit: str, symbol: str = "") -> str:
    """Format a figure for readers; a missing figure shows its DfE symbol (``z``, ``x``, ``c``).

    Examples
    --------
    >>> format_value(23.44, "percent"), format_value(17.21, "cases"), format_value(37.0, "count")
    ('23.4%', '17.2', '37')
    >>> format_value(float("nan"), "percent", "z"), format_value(1234.5, "gbp")
    ('z', '£1,234')
    """
    if isinstance(value, str):
        return value
    if _missing(value):
        return symbol or "z"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "cases":
        return f"{value:.1f}"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "gbp":
        return f"£{value:,.0f}"
    return f"{value:,.1f}"


def _money(value) -> str:
    return "not available" if _missing(value) else f"£{abs(value):,.0f}"


def _over_under(variance) -> str:
    if _missing(variance):
        return "not available"
    if round(variance) == 0:
        return "on budget"
    return f"{_money(variance)} {'over' if variance > 0 else 'under'} budget"


def _recent(history: History, month: str, n_months: int) -> History:
    """Keep the last ``n_months`` months of a history (enough for trends and windows)."""
    first = dates.add_months(month, -(n_months - 1))
    keep = [m for m in history.months if first <= m <= month]
    if len(keep) == len(history.months):
        return history
    frames = {}
    for name in ("workforce", "leavers", "establishment", "agency_spend", "actions", "measures"):
        frame = history.frame(name)
        frames[name] = frame[frame["month"].isin(keep)] if "month" in frame.columns else frame
    return History(months=keep, **frames)


def _month_ticks(ax, labels: list[str], most: int = 8) -> None:
    """Label at most ``most`` evenly spaced months, always including the last."""
    n = len(labels)
    if not n:
        return
    step = max(1, math.ceil(n / most))
    ticks = list(range(n - 1, -1, -step))[::-1]
    ax.set_xticks(ticks)
    ax.set_xticklabels([labels[t] for t in ticks], rotation=0, fontsize=9)


def _right_labels(ax, items: list[tuple]) -> None:
    """Write direct labels in the right margin, at their values, never on top of each other.

    ``items`` are ``(y, text, colour)`` or ``(y, text, colour, linestyle)``. Labels sit
    just outside the plot, so they never cover data; a short key line in the series'
    colour and dash style comes before each. Labels that would touch are spread apart
    around where they belong, keeping their order.
    """
    from matplotlib.transforms import blended_transform_factory

    items = sorted((i for i in items if not _missing(i[0]) and i[1]), key=lambda i: i[0])
    if not items:
        return
    low, high = ax.get_ylim()
    # Half the height of each label in data units (a line of 9 pt text is about 8.5% of
    # a 3.4 in chart's height).
    half = [0.0425 * (high - low) * (1 + i[1].count("\n")) for i in items]
    placed = [float(i[0]) for i in items]
    for _ in range(200):
        moved = False
        for k in range(len(placed) - 1):
            overlap = half[k] + half[k + 1] - (placed[k + 1] - placed[k])
            if overlap > 1e-9:
                placed[k] -= overlap / 2
                placed[k + 1] += overlap / 2
                moved = True
        if not moved:
            break
    shift = max(0.0, low - placed[0]) - max(0.0, placed[-1] - high)
    placed = [p + shift for p in placed]
    edge = blended_transform_factory(ax.transAxes, ax.transData)
    for item, y in zip(items, placed, strict=True):
        text, colour = item[1], item[2]
        style = item[3] if len(item) > 3 else "-"
        ax.plot(
            [1.01, 1.04],
            [y, y],
            transform=edge,
            color=colour,
            linestyle=style,
            linewidth=2,
            clip_on=False,
        )
        # Text in ink (or grey for reference lines) for contrast on white.
        ax.annotate(
            text,
            (1.045, y),
            xycoords=edge,
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color=charts.GREY if colour == charts.GREY else charts.INK,
            annotation_clip=False,
        )


def _drop_end_labels(ax) -> None:
    """Remove the end-of-line labels and legend ``charts.trend`` adds (we label at the edge)."""
    for text in list(ax.texts):
        text.remove()
    legend = ax.get_legend()
    if legend is not None:
        legend.remove()


def _text_frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns).astype("object")


class WorkforceReport:
    """Build the sections of the workforce stability page for one month.

    Parameters
    ----------
    ctx : carelib.notebook.ReportContext
        The notebook's context: month, config, history (all months up to the month),
        output folder and publication mode.
    """

    def __init__(self, ctx: ReportContext):
        self.ctx = ctx
        cfg = ctx.config
        self.month = ctx.month
        self.targets = dict(cfg["targets"])
        self.fy_start = int(self.targets.get("financial_year_start_month", 4))
        self.publication = bool(ctx.publication)
        self.threshold = int(cfg["publication"].get("threshold", 5))
        self.council = str(cfg["council"]["name"])
        self.bench = benchmarks.load_benchmarks(cfg)
        self.source = SOURCE.format(council=self.council, england=self.bench.source)
        # A trend month needs up to 24 earlier months of data (the NQSW window).
        self.history = _recent(ctx.history, self.month, TREND_MONTHS + 24)
        full = workforce.indicators(self.history, None, by_team=True, fy_start_month=self.fy_start)
        full = full[full["month"] <= self.month]
        months = sorted(full["month"].unique())
        self.months = months[-TREND_MONTHS:]
        table = full.reset_index(drop=True)
        self._breakdown_hidden: dict[tuple, bool] = {}
        if self.publication:
            # Every month of the history, teams included, not only what this page shows:
            # each month is suppressed as its own page was, and a figure is checked
            # against every figure published before it (see _suppress_table).
            table = self._suppress_table(table)
        # Team figures for the month; council figures for the trend months.
        team_now = (table["scope"] == "team") & (table["month"] == self.month)
        table = table[team_now | ((table["scope"] == "council") & table["month"].isin(self.months))]
        self.table = table.reset_index(drop=True)
        self._index = self.table.set_index(["month", "team", "indicator"]).sort_index()
        self._spc_cache: dict[str, pd.DataFrame] = {}
        self._bands_cache: pd.DataFrame | None = None

    # ------------------------------------------------------------------ data access

    def _suppress_table(self, table: pd.DataFrame) -> pd.DataFrame:
        """Publication mode: hide figures that rest on a small count; drop team sickness.

        Each month: small counts and their complements across teams
        (:func:`carelib.suppression.suppression_mask`). Across months: the council's
        cumulative counts (``_CUMULATIVE``) so that no step between two shown figures is
        a small count (:func:`carelib.suppression.suppress_cumulative`); a council figure
        hidden that way in a month with team figures gets a complement among the teams.
        Then every indicator resting on a hidden count is hidden.
        """
        table = table[
            ~((table["scope"] == "team") & table["indicator"].isin(_TEAM_WITHHELD))
        ].copy()
        groups = dict(list(table.groupby("month", sort=True)))
        wides = {month: self._count_frame(group) for month, group in groups.items()}
        masks = {month: self._count_mask(wide) for month, wide in wides.items()}
        for month, keys in self._cumulative_hides(table, masks).items():
            wide = wides[month]
            forced = pd.DataFrame(False, index=wide.index, columns=wide.columns)
            forced.loc["", keys] = True
            masks[month] = self._count_mask(wide, forced | masks[month])
        self._protect_flows(table, masks)
        hidden = pd.Series(False, index=table.index)
        for month, group in groups.items():
            mask = masks[month]
            for pos, team, ind in zip(group.index, group["team"], group["indicator"], strict=True):
                keys = _DEPENDS.get(ind, ())
                if team in mask.index and any(mask.at[team, k] for k in keys):
                    hidden.at[pos] = True
        hidden = hidden.to_numpy()
        table.loc[hidden, ["value", "numerator", "denominator"]] = np.nan
        table.loc[hidden, "symbol"] = suppression.SUPPRESSED
        return table.reset_index(drop=True)

    def _protect_flows(self, table: pd.DataFrame, masks: dict[str, pd.DataFrame]) -> None:
        """Suppress more of the leaver and starter counts until none can be worked out.

        Every month's council and team figures, and the leavers-by-reason and
        -by-destination tables, as one system of linear relations
        (:func:`carelib.disclosure.protect`): differences of 12-month and year-to-date
        figures, and team against council, give back no suppressed count. Updates
        ``masks`` (flow counts) and ``self._breakdown_hidden`` (this month's tables).
        """
        cells = disclosure.workforce_cells(self.history, table, self.fy_start)
        values = np.asarray(cells.values, dtype=float)
        small = suppression.is_small(values, self.threshold)
        hidden = small.copy()
        for i, key in enumerate(cells.keys):
            if key[0] in disclosure.FLOW_INDICATORS:
                indicator, team, month = key
                hidden[i] |= bool(masks[month].at[team, disclosure.FLOW_INDICATORS[indicator]])
        hidden = disclosure.protect(cells, hidden, sensitive=small)
        for key, hide in zip(cells.keys, hidden, strict=True):
            if key[0] in disclosure.FLOW_INDICATORS:
                indicator, team, month = key
                masks[month].at[team, disclosure.FLOW_INDICATORS[indicator]] = bool(hide)
            elif key[3] == self.month:
                self._breakdown_hidden[(key[0].removeprefix("leavers_by_"), key[1], key[2])] = hide

    @staticmethod
    def _count_frame(group: pd.DataFrame) -> pd.DataFrame:
        """One month's counts behind the suppression test: a row per team (council "")."""
        wide = pd.DataFrame(
            {
                key: group[group["indicator"] == ind].set_index("team")[col]
                for key, (ind, col) in _COUNTS.items()
            }
        )
        spend = group[group["indicator"] == "agency_spend_fytd"].set_index("team")["value"]
        paid = spend.reindex(wide.index).fillna(0.0).to_numpy() > 0
        wide["spend_people"] = np.where(paid, np.maximum(wide["agency_hc"].fillna(0.0), 1), 0.0)
        return wide

    def _count_mask(self, wide: pd.DataFrame, hidden: pd.DataFrame | None = None) -> pd.DataFrame:
        council = "" if "" in wide.index else None
        return suppression.suppression_mask(
            wide,
            list(wide.columns),
            self.threshold,
            total_row=council,
            axis="columns",
            hidden=hidden,
        )

    def _cumulative_hides(
        self, table: pd.DataFrame, masks: dict[str, pd.DataFrame]
    ) -> dict[str, list[str]]:
        """Month -> council counts to hide so that no step of a cumulative series is small.

        Figures already hidden in their month are not shown, so the step is taken from
        the previous figure still shown; runs are grouped by ``period_start``.
        """
        found: dict[str, list[str]] = {}
        for key in _CUMULATIVE:
            indicator, column = _COUNTS[key]
            rows = table[(table["scope"] == "council") & (table["indicator"] == indicator)]
            rows = rows.sort_values("month")
            shown = [
                suppression.SUPPRESSED if masks[m].at["", key] else v
                for m, v in zip(rows["month"], rows[column], strict=True)
            ]
            out = suppression.suppress_cumulative(
                shown, self.threshold, groups=rows["period_start"].to_numpy()
            )
            for month, before, after in zip(rows["month"], shown, out, strict=True):
                if after == suppression.SUPPRESSED and before != suppression.SUPPRESSED:
                    found.setdefault(month, []).append(key)
        return found

    def _row(self, indicator: str, team: str = "", month: str | None = None):
        key = (month or self.month, team, indicator)
        if key not in self._index.index:
            return None
        return self._index.loc[key]

    def _value(self, indicator: str, team: str = "", month: str | None = None) -> float:
        row = self._row(indicator, team, month)
        return math.nan if row is None else float(row["value"])

    def _text(self, indicator: str, team: str = "", month: str | None = None) -> str:
        """A figure as shown on the page (``z``/``x``/``c`` when there is no number)."""
        row = self._row(indicator, team, month)
        if row is None:
            return "x"
        return format_value(
            float(row["value"]), workforce.INDICATORS[indicator].unit, str(row["symbol"])
        )

    def _count_text(self, indicator: str, field: str = "value", team: str = "") -> str:
        row = self._row(indicator, team)
        if row is None:
            return "x"
        value = float(row[field])
        if _missing(value):
            return str(row["symbol"]) or "z"
        return format_value(value, "fte" if value != round(value) else "count")

    def _series(self, indicator: str) -> pd.DataFrame:
        """Council figures for the trend months, oldest first (one row per month)."""
        rows = self.table[
            (self.table["scope"] == "council") & (self.table["indicator"] == indicator)
        ]
        rows = rows.set_index("month").reindex(self.months)
        rows["label"] = [short_month(m) for m in rows.index]
        return rows

    def _trend_series(self, indicator: str) -> tuple[pd.DataFrame, str]:
        """The months to draw: for a 12-month figure only complete 12-month windows.

        Returns the rows and a sentence saying which months are left out (or "").
        """
        rows = self._series(indicator)
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

    def _months_since(self, month: str) -> str:
        """``August`` for last month, ``December 2024`` when the year differs."""
        if month[:4] == self.month[:4]:
            return dates.reference_date(month).strftime("%B")
        return dates.month_label(month)

    # ------------------------------------------------------------------ comparators

    def _benchmark(self, indicator: str, which: str = "england") -> benchmarks.Figure | None:
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

    def _comparison(self, indicator: str) -> str | None:
        """England, neighbours and region beside the figure, naming census and coverage.

        E.g. ``England 13.0%, census 30 September 2025; statistical neighbours 15.6%
        (median of 9 of 10 neighbours; no published figure for ...); North West 16.6%``.
        A figure defined differently from DfE's is compared through :data:`COMPARED_AS`.
        """
        compared = COMPARED_AS.get(indicator, indicator)
        unit = workforce.INDICATORS[compared].unit
        parts, year = [], None
        for which in ("england", "neighbours", "region"):
            fig = self._benchmark(compared, which)
            if fig is None:
                continue
            name = {
                "england": "England",
                "neighbours": "statistical neighbours",
                "region": self.bench.region_name or "region",
            }[which]
            text = f"{name} {format_value(fig.value, unit, fig.symbol)}"
            if fig.year != year:
                text += f", {census_words(fig.year)}"
                year = year or fig.year
            if which == "neighbours" and fig.of is not None and (fig.missing or fig.matched):
                text += f" ({fig.coverage()})"
            parts.append(text)
        if not parts:
            return None
        text = "; ".join(parts)
        if compared != indicator:
            row = self._row(compared)
            ours = (
                workforce.partial_text(row)
                if row is not None and not workforce.is_complete(row)
                else self._text(compared)
            )
            text = f"By DfE's definition {ours}, beside {text}"
        return text

    def _references(self, indicator: str) -> dict[str, float]:
        """Reference lines for a trend chart: England and, when known, neighbours.

        None for a figure defined differently from DfE's (:data:`COMPARED_AS`): its
        chart would set unlike definitions side by side.
        """
        unit = workforce.INDICATORS[indicator].unit
        out = {}
        for which, name in (("england", "England"), ("neighbours", "Neighbours")):
            fig = self._benchmark(indicator, which)
            if fig is not None and fig.value is not None:
                extra = f"{fig.n} of {fig.of}, " if fig.of and fig.n != fig.of else ""
                label = f"{name} {format_value(fig.value, unit)}\n({extra}{census_label(fig.year)})"
                out[label] = fig.value
        return out

    def _england_words(self, indicator: str) -> str:
        fig = self._benchmark(indicator)
        if fig is None:
            return ""
        unit = workforce.INDICATORS[indicator].unit
        return (
            f"England's figure is {format_value(fig.value, unit, fig.symbol)} "
            f"({census_words(fig.year)})"
        )

    # ------------------------------------------------------------------ targets, change

    def _target(self, indicator: str) -> float | None:
        if indicator not in TARGETED or indicator not in self.targets:
            return None
        return float(self.targets[indicator])

    def _partial(self, indicator: str, team: str = "") -> str:
        """``not available yet: 2 of 12 months`` for a figure short of its window, else ``""``."""
        row = self._row(indicator, team)
        if row is None or workforce.INDICATORS[indicator].window in (1, "fy"):
            return ""
        return workforce.partial_text(row)

    def _shown(self, indicator: str) -> str:
        """The figure as a sentence shows it: its text, or that it is not available yet."""
        return self._partial(indicator) or self._text(indicator)

    def _target_status(self, indicator: str) -> str | None:
        """``met`` / ``not_met`` judged on the figure as shown (one decimal place).

        None when there is no target or no figure, and when the figure covers fewer
        months than its window (a partial 12-month figure is never rated).
        """
        target = self._target(indicator)
        value = self._value(indicator)
        if target is None or _missing(value) or self._partial(indicator):
            return None
        shown = round(value, 1)
        polarity = workforce.INDICATORS[indicator].polarity
        met = shown >= target if polarity == "higher_is_better" else shown <= target
        return "met" if met else "not_met"

    def _target_text(self, indicator: str) -> str | None:
        target = self._target(indicator)
        if target is None:
            return None
        unit = workforce.INDICATORS[indicator].unit
        polarity = workforce.INDICATORS[indicator].polarity
        side = "or higher" if polarity == "higher_is_better" else "or lower"
        return f"Target: {format_value(target, unit)} {side}"

    def _change(self, indicator: str) -> tuple[float, str] | None:
        """Change since last month on the figures as shown, and last month's name."""
        before_month = dates.add_months(self.month, -1)
        now, before = self._value(indicator), self._value(indicator, month=before_month)
        if _missing(now) or _missing(before) or not self._comparable(indicator, before_month):
            return None
        unit = workforce.INDICATORS[indicator].unit
        d = _decimals(unit)
        return round(round(now, d) - round(before, d), d), self._months_since(before_month)

    def _comparable(self, indicator: str, other: str) -> bool:
        """Whether this month and ``other`` both cover the indicator's whole window.

        A 12-month figure over fewer months grows with the months it covers, so a change
        between two part-year figures is not a change in the thing measured.
        """
        for month in (self.month, other):
            row = self._row(indicator, month=month)
            if row is None or int(row["months_covered"]) < int(row["window_months"]):
                return workforce.INDICATORS[indicator].window in (1, "fy")
        return True

    def _change_words(self, indicator: str) -> str | None:
        found = self._change(indicator)
        if found is None:
            return None
        diff, since = found
        if diff == 0:
            return f"No change since {since}"
        ind = workforce.INDICATORS[indicator]
        amount = {"percent": f"{abs(diff):.1f} points", "cases": f"{abs(diff):.1f}"}.get(
            ind.unit, f"{abs(diff):,.0f}"
        )
        text = f"{'Up' if diff > 0 else 'Down'} {amount} since {since}"
        if ind.polarity:
            better = (diff < 0) == (ind.polarity == "lower_is_better")
            text += " (better)" if better else " (worse)"
        return text

    def _window_note(self, indicator: str) -> str | None:
        row = self._row(indicator)
        ind = workforce.INDICATORS[indicator]
        if row is None:
            return None
        covered, window = int(row["months_covered"]), int(row["window_months"])
        start, end = short_month(row["period_start"]), short_month(row["period_end"])
        if ind.window == 12:
            if covered < window:
                return (
                    f"Covers only {covered} of 12 months ({start} to {end}): fewer than "
                    "12 months of data"
                )
            return f"12 months to {dates.month_label(self.month)}"
        return None

    # ------------------------------------------------------------------ tiles

    def _tile(self, indicator: str) -> dict:
        row = self._row(indicator)
        note = self._window_note(indicator)
        if indicator == "agency_rate" and row is not None and not _missing(row["numerator"]):
            note = (
                f"{format_value(row['numerator'], 'fte')} agency FTE of "
                f"{format_value(row['denominator'], 'fte')} FTE"
            )
        elif indicator == "vacancy_rate" and row is not None and not _missing(row["numerator"]):
            note = f"{format_value(row['numerator'], 'fte')} FTE vacant posts"
        elif indicator == "average_caseload" and row is not None and not _missing(row["numerator"]):
            note = f"{row['numerator']:,.0f} cases; cases per case-holding FTE"
        elif indicator == "in_post_under_2y":
            note = "Share of social worker FTE who started less than 2 years ago"
        elif indicator == "starters_12m":
            window = self._window_note(indicator) or ""
            note = f"Qualified social workers (headcount), {window[:1].lower()}{window[1:]}"
        elif indicator == "nqsw_retained_1y":
            if row is not None and not _missing(row["numerator"]):
                note = (
                    f"{row['numerator']:,.0f} of {row['denominator']:,.0f} who started "
                    "13 to 24 months ago are still in post"
                )
            else:
                note = "Of those who started 13 to 24 months ago, the share still in post"
            covered = 0 if row is None else int(row["months_covered"])
            if row is not None and covered < int(row["window_months"]):
                note += f" (only {covered} of 24 months of data)"
        value = self._text(indicator)
        partial = self._partial(indicator)
        if partial:
            row_ = self._row(indicator)
            value = "Not available yet"
            note = (
                f"Only {int(row_['months_covered'])} of {int(row_['window_months'])} months "
                f"of data ({short_month(row_['period_start'])} to "
                f"{short_month(row_['period_end'])})"
                + (": not rated against the target" if self._target(indicator) else "")
            )
        elif indicator in COMPARED_AS:
            note = (
                "Monthly-weighted: days lost over the working days each month's FTE could "
                "work (for the monthly trend)"
            )
        return {
            "label": TILE_LABELS[indicator],
            "value": value,
            "change": self._change_words(indicator),
            "target": self._target_text(indicator),
            "status": self._target_status(indicator),
            "comparison": self._comparison(indicator),
            "note": note,
        }

    def tile_items(self) -> list[dict]:
        """Return the headline tiles as the landing page takes them.

        Each is a dict with ``label``, ``value``, ``change``, ``target``, ``status``
        (``met``, ``not_met`` or None), ``comparison`` and ``note``.
        """
        return [self._tile(name) for name in HEADLINE]

    def summary_sentence(self) -> str:
        """One plain-English sentence for the landing page."""
        month = dates.month_label(self.month)
        change = self._change_words("agency_rate")
        words = change.split(" (")[0] if change else ""
        agency = self._text("agency_rate") + (f" ({words[0].lower()}{words[1:]})" if words else "")
        statuses = [self._target_status(i) for i in TARGETED]
        judged = [s for s in statuses if s]
        met = sum(s == "met" for s in judged)
        tail = f"; {met} of {len(judged)} workforce targets were met" if judged else ""
        words = {"turnover_rate_12m": "turnover", "absence_rate_12m": "sickness absence"}
        partial = [words.get(i, i) for i in TARGETED if self._partial(i)]
        if partial:
            names = " and ".join(partial)
            tail += (
                f" ({names} not rated: fewer than 12 months of data)"
                if judged
                else f"; {names} not rated yet: fewer than 12 months of data"
            )
        turnover = self._text("turnover_rate_12m")
        if self._partial("turnover_rate_12m"):
            turnover = f"({self._partial('turnover_rate_12m')})"
        caseload = self._text("average_caseload")
        return (
            f"In {month} the agency rate was {agency}, the vacancy rate "
            f"{self._text('vacancy_rate')}, turnover over 12 months "
            f"{turnover} and the average caseload "
            f"{caseload} cases per case-holding FTE{tail}."
        )

    def publish_outputs(self) -> None:
        """Write ``workforce_indicators.csv`` and hand the headline tiles to the landing page.

        The CSV is the table behind the page: the council's figures for every trend
        month and each team's figures for the reporting month, in the tidy layout of
        :func:`carelib.workforce.indicators` plus a ``label`` column (suppressed and
        withheld as on the page in publication mode), rounded as on the page, and its
        data dictionary ``workforce_dictionary.csv``.
        """
        out = self.table.copy()
        out.insert(
            4, "label", out["indicator"].map({k: v.label for k, v in workforce.INDICATORS.items()})
        )
        # Rounded as on the page, with a data dictionary beside it (carelib.dictionary).
        self.ctx.write_csv("workforce_indicators.csv", dictionary.round_indicators(out))
        self.ctx.write_csv("workforce_dictionary.csv", dictionary.workforce_dictionary(out.columns))
        self.ctx.headlines(
            {
                "workforce_tiles": self.tile_items(),
                "workforce_summary": self.summary_sentence(),
                "benchmark_source": self.bench.source,
            }
        )

    def headline_tiles(self) -> h.HTML:
        """Tiles for the headline figures, each with change, target, England and notes."""
        items = [h.Tile(**item) for item in self.tile_items()]
        day = dates.reference_date(self.month)
        intro = h.paragraph(
            f"Figures at {day.day} {day:%B %Y} (the month end) unless a tile says it "
            "covers 12 months. A target is met when the figure as shown meets it; "
            "England's figures are from the DfE census at 30 September."
        )
        parts = [intro]
        if self.publication:
            parts.append(
                h.notice(
                    f"Publication version: counts from 1 to {self.threshold}, and figures that "
                    "would let them be worked out, are shown as c (suppressed to protect "
                    "individuals). Team sickness figures are left out."
                )
            )
        parts.append(h.tiles(items, label="Workforce headline figures"))
        return h.join(parts)

    # ------------------------------------------------------------------ SPC
    # Worded and drawn by carelib.spc_section; the rules are carelib.spc's.

    def _spc(self, indicator: str) -> pd.DataFrame:
        """The indicator's XmR chart (:func:`carelib.spc.xmr`) with a ``label`` column."""
        if indicator not in self._spc_cache:
            ind = workforce.INDICATORS[indicator]
            rows, _ = self._trend_series(indicator)
            if ind.window == 12:
                # Part-year figures grow with the months they cover: they are not points of
                # the same process, so only complete 12-month windows are charted.
                rows = rows[rows["months_covered"] >= rows["window_months"]]
            chart = spc.xmr(
                rows["value"],
                polarity=ind.polarity,
                baseline=spc.settings(self.ctx.config["spc"]).baseline,
                breaks=list(self._spc_breaks(indicator, list(rows.index))),
                target=self._target(indicator),
            )
            chart["label"] = rows["label"]
            self._spc_cache[indicator] = chart
        return self._spc_cache[indicator]

    def _spc_breaks(self, indicator: str, months: list[str]) -> dict[str, str]:
        """Configured rebase months (``[spc] rebase_<indicator>``) inside the charted months."""
        rebase = spc.settings(self.ctx.config["spc"]).rebase.get(indicator, {})
        return {m: what for m, what in rebase.items() if months and months[0] < m <= months[-1]}

    def _spc_series(self, indicator: str) -> spc_section.Series:
        ind = workforce.INDICATORS[indicator]
        chart = self._spc(indicator)
        return spc_section.Series(
            indicator=indicator,
            label=ind.label,
            unit=ind.unit,
            polarity=ind.polarity,
            chart=chart,
            target=self._target(indicator),
            breaks=self._spc_breaks(indicator, list(chart.index)),
            window=ind.window,
        )

    def _spc_latest(self, indicator: str) -> str:
        """Say whether this month is special cause (improvement or concern) or common cause."""
        return spc_section.latest_sentence(self._spc_series(indicator), self.month)

    def _spc_reading(self, indicator: str) -> str:
        """The sentences under an XmR chart, in the Making Data Count way of reading it."""
        return spc_section.reading_sentence(self._spc_series(indicator))

    def _spc_figure(self, indicator: str) -> h.HTML:
        return spc_section.figure(self._spc_series(indicator), self.source)

    def spc(self) -> h.HTML:
        """A summary table of variation and assurance, then an XmR chart of each indicator."""
        notes = {i: self._trend_series(i)[1] for i in SPC_INDICATORS}
        series = [self._spc_series(i) for i in SPC_INDICATORS]
        return spc_section.section(series, notes, self.source)

    # ------------------------------------------------------------------ narrative

    def _movement(self, indicator: str) -> str:
        """``fell from 22.7% to 21.2% this month`` and how it compares with recent months."""
        ind = workforce.INDICATORS[indicator]
        now = self._value(indicator)
        before_month = dates.add_months(self.month, -1)
        before = self._value(indicator, month=before_month)
        if _missing(now):
            return f"was not available ({self._text(indicator)})"
        if _missing(before) or not self._comparable(indicator, before_month):
            return f"was {self._text(indicator)}"
        d = _decimals(ind.unit)
        a, b = round(before, d), round(now, d)
        if a == b:
            text = f"was unchanged at {format_value(now, ind.unit)} this month"
        else:
            verb = "rose" if b > a else "fell"
            text = (
                f"{verb} from {format_value(before, ind.unit)} to "
                f"{format_value(now, ind.unit)} this month"
            )
        rows, _ = self._trend_series(indicator)
        history = rows["value"].round(d).dropna()
        if len(history) >= 6 and history.index[-1] == self.month:
            earlier = history.iloc[:-1]
            for word, beaten in (("lowest", earlier > b), ("highest", earlier < b)):
                if beaten.all():
                    text += f", its {word} in {len(history)} months"
                    break
                since = np.flatnonzero(~beaten.to_numpy())
                streak = len(earlier) - 1 - since[-1]
                if streak >= 6:
                    text += f", its {word} since {dates.month_label(earlier.index[since[-1]])}"
                    break
        return text

    def _against_target(self, indicator: str) -> str:
        target = self._target(indicator)
        status = self._target_status(indicator)
        if target is None or status is None:
            return ""
        unit = workforce.INDICATORS[indicator].unit
        if status == "met":
            return f"meeting the target of {format_value(target, unit)} or lower"
        gap = round(self._value(indicator), 1) - target
        points = " points" if unit == "percent" else ""
        return f"{abs(gap):.1f}{points} above the target of {format_value(target, unit)}"

    def narrative(self) -> h.HTML:
        """A short narrative of the month, every number taken from the figures."""
        paras = []
        bits = [f"The agency rate {self._movement('agency_rate')}"]
        if self._against_target("agency_rate"):
            bits.append(self._against_target("agency_rate"))
        text = ", ".join(bits) + "."
        if self._england_words("agency_rate"):
            text += f" {self._england_words('agency_rate')}."
        text += " " + self._spc_latest("agency_rate")
        paras.append(("Agency reliance", text))

        partial = self._partial("turnover_rate_12m")
        text = (
            f"Turnover over the 12 months to {dates.month_label(self.month)} "
            + (f"is {partial} of data, so it is not rated" if partial else "")
            + ("" if partial else self._movement("turnover_rate_12m"))
        )
        row = self._row("turnover_rate_12m")
        if row is not None and not _missing(row["numerator"]):
            text += f" ({format_value(row['numerator'], 'fte')} FTE leavers)"
        against = self._against_target("turnover_rate_12m")
        text += f", {against}." if against else "."
        if self._england_words("turnover_rate_12m"):
            text += f" {self._england_words('turnover_rate_12m')}."
        text += " " + self._spc_latest("turnover_rate_12m")
        paras.append(("Turnover", text))

        text = f"The vacancy rate {self._movement('vacancy_rate')}"
        row = self._row("vacancy_rate")
        if row is not None and not _missing(row["numerator"]):
            text += f" ({format_value(row['numerator'], 'fte')} FTE vacant posts)"
        against = self._against_target("vacancy_rate")
        text += f", {against}." if against else "."
        text += " " + self._spc_latest("vacancy_rate")
        paras.append(("Vacancies", text))

        text = (
            f"The average caseload {self._movement('average_caseload')} (cases per "
            "case-holding FTE)"
        )
        against = self._against_target("average_caseload")
        text += f", {against}." if against else "."
        high = self._high_caseloads()
        if high is not None:
            text += f" {high}"
        text += " " + self._spc_latest("average_caseload")
        paras.append(("Caseloads", text))

        paras.append(("Recruitment", self._recruitment_sentence()))

        partial = self._partial("absence_rate_12m")
        if partial:
            text = f"Sickness absence over 12 months is {partial} of data, so it is not rated."
        else:
            text = (
                f"Sickness absence over 12 months (monthly-weighted) "
                f"{self._movement('absence_rate_12m')}"
            )
            against = self._against_target("absence_rate_12m")
            text += f", {against}." if against else "."
            compared = self._comparison("absence_rate_12m")
            if compared:
                text += f" {compared[0].upper()}{compared[1:]}."
        paras.append(("Sickness absence", text))
        return h.join(h.tag("p", h.tag("strong", f"{topic}. "), body) for topic, body in paras)

    # ------------------------------------------------------------------ trend charts

    def _trend_figure(
        self, indicator: str, title: str, *, target: bool = True, references: bool = True
    ) -> h.HTML:
        ind = workforce.INDICATORS[indicator]
        rows, left_out = self._trend_series(indicator)
        frame = rows.reset_index()
        fig, ax = charts.new_figure(8.0, 3.4)
        percent = ind.unit == "percent"
        charts.trend(
            frame,
            "label",
            {"Council": "value"},
            ylabel=f"{ind.label}{' (%)' if percent else ''}",
            percent=percent,
            ax=ax,
        )
        _drop_end_labels(ax)
        labels = []
        last = rows["value"].dropna()
        if len(last):
            labels.append(
                (
                    float(last.iloc[-1]),
                    f"Council {format_value(last.iloc[-1], ind.unit)}",
                    charts.PALETTE[0],
                )
            )
        target_value = self._target(indicator) if target else None
        if target_value is not None:
            ax.axhline(target_value, color=charts.INK, linestyle=(0, (6, 3)), linewidth=1.4)
            labels.append(
                (
                    target_value,
                    f"Target {format_value(target_value, ind.unit)}",
                    charts.INK,
                    (0, (3, 1.5)),
                )
            )
        for j, (text, value) in enumerate(
            (self._references(indicator) if references else {}).items()
        ):
            style = [":", "-."][j % 2]
            ax.axhline(value, color=charts.GREY, linestyle=style, linewidth=1.4)
            labels.append((value, text, charts.GREY, style))
        _month_ticks(ax, list(frame["label"]))
        ax.margins(x=0.02)
        if percent:
            ax.set_ylim(bottom=0)
        _right_labels(ax, labels)
        valid = rows.dropna(subset=["value"])
        alt = self._trend_finding(indicator, valid)
        columns = ["Month", ind.label, "Months of data"]
        data = _text_frame(
            [
                {
                    "Month": dates.month_label(m),
                    ind.label: format_value(r["value"], ind.unit, str(r["symbol"])),
                    "Months of data": f"{int(r['months_covered'])} of {int(r['window_months'])}",
                }
                for m, r in rows.iterrows()
            ],
            columns,
        )
        if ind.window == 1:
            data = data.drop(columns=["Months of data"])
        parts = [charts.figure(fig, title=title, alt=alt, source=self.source, data=data)]
        if left_out:
            parts.insert(0, h.paragraph(left_out))
        return h.join(parts)

    def _trend_finding(self, indicator: str, valid: pd.DataFrame) -> str:
        ind = workforce.INDICATORS[indicator]
        if valid.empty:
            return f"Line chart of the {ind.label.lower()}: no figures to show."
        first, last = valid.iloc[0], valid.iloc[-1]
        a, b = round(first["value"], 1), round(last["value"], 1)
        verb = "rose" if b > a else "fell" if b < a else "was unchanged"
        text = (
            f"Line chart: the {ind.label.lower()} {verb} from "
            f"{format_value(first['value'], ind.unit)} in {dates.month_label(valid.index[0])}"
            f" to {format_value(last['value'], ind.unit)} in "
            f"{dates.month_label(valid.index[-1])}"
        )
        target = self._target(indicator)
        if target is not None:
            text += f"; the target is {format_value(target, ind.unit)} or lower"
        fig = self._benchmark(indicator)
        if fig is not None and fig.value is not None:
            text += (
                f"; England's latest figure is {format_value(fig.value, ind.unit)} "
                f"(30 September {fig.year})"
            )
        return text + "."

    # ------------------------------------------------------------------ sections

    def agency(self) -> h.HTML:
        """Agency rate trend with target and comparators; agency and LA FTE; cover rate."""
        parts = [
            self._trend_figure(
                "agency_rate",
                f"Agency rate, {short_month(self.months[0])} to {short_month(self.month)}",
            )
        ]
        sw, ag = self._series("social_worker_fte"), self._series("agency_fte")
        cover = self._series("agency_cover_rate")
        frame = pd.DataFrame({"label": sw["label"], "sw": sw["value"], "agency": ag["value"]})
        fig, ax = charts.new_figure(8.0, 3.4)
        charts.trend(
            frame.reset_index(drop=True),
            "label",
            {"Council-employed": "sw", "Agency": "agency"},
            ylabel="FTE",
            ax=ax,
        )
        _drop_end_labels(ax)
        _month_ticks(ax, list(frame["label"]))
        ax.margins(x=0.02)
        ax.set_ylim(bottom=0)
        _right_labels(
            ax,
            [
                (
                    sw["value"].iloc[-1],
                    f"Council {format_value(sw['value'].iloc[-1], 'fte')}",
                    charts.PALETTE[0],
                ),
                (
                    ag["value"].iloc[-1],
                    f"Agency {format_value(ag['value'].iloc[-1], 'fte')}",
                    charts.PALETTE[1],
                    "--",
                ),
            ],
        )
        first, last = self.months[0], self.month
        alt = (
            f"Line chart: agency social worker FTE went from "
            f"{format_value(ag['value'].iloc[0], 'fte', str(ag['symbol'].iloc[0]))} in "
            f"{dates.month_label(first)} to "
            f"{format_value(ag['value'].iloc[-1], 'fte', str(ag['symbol'].iloc[-1]))} in "
            f"{dates.month_label(last)}, while social workers employed by the council went "
            f"from {format_value(sw['value'].iloc[0], 'fte', str(sw['symbol'].iloc[0]))} to "
            f"{format_value(sw['value'].iloc[-1], 'fte', str(sw['symbol'].iloc[-1]))}."
        )
        data = _text_frame(
            [
                {
                    "Month": dates.month_label(m),
                    "Social workers (FTE)": format_value(
                        sw.at[m, "value"], "fte", sw.at[m, "symbol"]
                    ),
                    "Agency (FTE)": format_value(ag.at[m, "value"], "fte", ag.at[m, "symbol"]),
                    "Agency covering a vacancy": format_value(
                        cover.at[m, "value"], "percent", cover.at[m, "symbol"]
                    ),
                }
                for m in self.months
            ],
            ["Month", "Social workers (FTE)", "Agency (FTE)", "Agency covering a vacancy"],
        )
        parts.append(
            charts.figure(
                fig,
                title="Agency and council-employed social workers (FTE)",
                alt=alt,
                source=self.source,
                data=data,
            )
        )
        row = self._row("agency_cover_rate")
        if row is not None:
            if _missing(row["value"]):
                text = (
                    f"The share of agency workers covering a funded vacancy is "
                    f"{self._text('agency_cover_rate')} this month."
                )
            else:
                text = (
                    f"{self._text('agency_cover_rate')} of agency FTE "
                    f"({format_value(row['numerator'], 'fte')} of "
                    f"{format_value(row['denominator'], 'fte')} FTE) covered a funded "
                    "vacant post at the month end (agency cover rate); the rest are not "
                    "recorded as covering a vacancy."
                )
            change = self._change_words("agency_cover_rate")
            if change:
                text += f" {change}."
            parts.append(h.paragraph(text))
        return h.join(parts)

    def turnover(self) -> h.HTML:
        """Turnover trend and leavers by reason and by destination (month and 12 months)."""
        parts = [
            self._trend_figure(
                "turnover_rate_12m", "Turnover rate of social workers over 12 months"
            )
        ]
        lv = workforce.leavers_breakdown(self.ctx.history, self.month)
        covered = int(lv["months_covered"].iloc[0]) if len(lv) else 0
        month = dates.month_label(self.month)
        parts.append(
            h.paragraph(
                f"Leavers are social workers employed by the council (headcount) who left in "
                f"{month} and in the 12 months to {month}"
                + (f" (only {covered} months of data)" if covered and covered < 12 else "")
                + ". They include social workers who moved to another role in the council."
            )
        )
        for breakdown, labels, title in (
            ("reason", REASON_LABELS, "Leavers by reason for leaving"),
            ("destination", DESTINATION_LABELS, "Leavers by destination"),
        ):
            part = lv[lv["breakdown"] == breakdown]
            parts.append(self._leavers_table(part, labels, title, breakdown))
        return h.join(parts)

    def _leavers_table(
        self, part: pd.DataFrame, labels: dict, title: str, breakdown: str
    ) -> h.HTML:
        frame = self.leavers_frame(part, labels, breakdown)
        cols = list(frame.columns[1:])
        for col in cols:
            frame[col] = [format_value(v, "count") for v in frame[col]]
        caption = f"{title}: social workers, headcount"
        return h.table(frame.reset_index(drop=True), caption, numeric=cols)

    def leavers_frame(self, part: pd.DataFrame, labels: dict, breakdown: str) -> pd.DataFrame:
        """Leavers by reason or destination as published: counts, ``c`` when suppressed.

        ``part`` is the breakdown's rows of :func:`carelib.workforce.leavers_breakdown`;
        the last row (index ``"total"``) is all leavers.
        """
        head = "Reason" if breakdown == "reason" else "Destination"
        month = short_month(self.month)
        cols = [f"In {month}", "In 12 months"]
        frame = pd.DataFrame(
            {
                head: [labels.get(c, str(c)) for c in part["category"]],
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
        if self.publication:
            # Hidden as the month's linear-relations audit decided (carelib.disclosure);
            # the total is the council figure, hidden when that is.
            forced = pd.DataFrame(False, index=frame.index, columns=cols)
            for pos, cat in enumerate(part["category"]):
                for col, label in zip(cols, ("month", "12m"), strict=True):
                    forced.iat[pos, cols.index(col)] = self._breakdown_hidden.get(
                        (breakdown, cat, label), False
                    )
            for col, indicator in zip(
                cols, ("leavers_headcount_month", "leavers_headcount_12m"), strict=True
            ):
                forced.loc["total", col] = self._text(indicator) == suppression.SUPPRESSED
            frame = suppression.suppress_counts(
                frame, cols, self.threshold, total_row="total", axis="columns", hidden=forced
            )
        return frame

    def vacancies(self) -> h.HTML:
        """Vacancy rate trend, and recruitment against the year's hiring target."""
        parts = [self._trend_figure("vacancy_rate", "Vacancy rate of social-work posts")]
        parts.append(h.heading("Recruitment against this year's target", 3))
        parts.append(h.paragraph(self._recruitment_sentence()))
        parts.append(self._recruitment_figure())
        parts.append(self._starters_by_team())
        return h.join(parts)

    def _recruitment(self) -> dict:
        target = int(self.targets.get("qsw_hires_this_year", 25))
        return workforce.recruitment_against_target(self.history, self.month, target, self.fy_start)

    def _recruitment_sentence(self) -> str:
        r = self._recruitment()
        row = self._row("starters_fytd")
        hires = self._text("starters_fytd") if row is not None else str(r["hires"])
        when = dates.month_label(self.month)
        text = (
            f"{hires} qualified social {'worker has' if hires == '1' else 'workers have'} "
            f"started in {r['financial_year']} so far, against a target of {r['target']} "
            f"for the year. A straight-line profile expects {r['expected_by_now']:.1f} by "
            f"the end of {when}, so recruitment is "
            f"{'on or ahead of' if r['on_track'] else 'behind'} profile."
        )
        if hires == suppression.SUPPRESSED:
            text = (
                f"The number of qualified social workers who started in "
                f"{r['financial_year']} so far is suppressed (c) to protect individuals: "
                "it is small, or its rise since the last figure shown is; the target is "
                f"{r['target']} for the year."
            )
        if r["months_covered"] < r["months_elapsed"]:
            text += (
                f" Only {r['months_covered']} of the year's {r['months_elapsed']} months "
                "have data, so starters may be missing."
            )
        return text

    def _recruitment_figure(self) -> h.HTML:
        r = self._recruitment()
        fy_first = dates.add_months(self.month, -(r["months_elapsed"] - 1))
        months = [m for m in self.months if m >= fy_first]
        starters = self._series("starters_fytd").loc[months]
        target = r["target"]
        elapsed = {m: i + 1 for i, m in enumerate(dates.month_range(fy_first, self.month))}
        frame = pd.DataFrame(
            {
                "label": starters["label"].to_numpy(),
                "hires": starters["value"].to_numpy("float64"),
                "expected": [target * elapsed[m] / 12 for m in months],
            }
        )
        fig, ax = charts.new_figure(8.0, 3.4)
        charts.trend(
            frame,
            "label",
            {"Started so far this year": "hires", "Straight-line profile": "expected"},
            ylabel="Social workers (headcount)",
            ax=ax,
        )
        _drop_end_labels(ax)
        ax.axhline(target, color=charts.INK, linestyle=(0, (6, 3)), linewidth=1.4)
        _month_ticks(ax, list(frame["label"]))
        ax.margins(x=0.03)
        ax.set_ylim(bottom=0)
        # This month's figure only: when it is suppressed the line has no label, rather
        # than an earlier month's figure that would read as this month's.
        latest = frame["hires"].iloc[-1] if len(frame) else math.nan
        _right_labels(
            ax,
            [
                (
                    latest,
                    "" if _missing(latest) else f"Started {format_value(latest, 'count')}",
                    charts.PALETTE[0],
                ),
                (
                    frame["expected"].iloc[-1],
                    f"Profile {frame['expected'].iloc[-1]:.1f}",
                    charts.PALETTE[1],
                    "--",
                ),
                (float(target), f"Target {target}", charts.INK, (0, (3, 1.5))),
            ],
        )
        hires = self._text("starters_fytd")
        alt = (
            f"Line chart: {hires} qualified social workers have started in "
            f"{r['financial_year']} by {dates.month_label(self.month)}, against "
            f"{r['expected_by_now']:.1f} expected on a straight-line profile and a target "
            f"of {target} for the year."
        )
        data = _text_frame(
            [
                {
                    "Month": dates.month_label(m),
                    "Started so far this year": format_value(
                        starters.at[m, "value"], "count", starters.at[m, "symbol"]
                    ),
                    "Straight-line profile": f"{target * elapsed[m] / 12:.1f}",
                }
                for m in months
            ],
            ["Month", "Started so far this year", "Straight-line profile"],
        )
        return charts.figure(
            fig,
            title=f"Qualified social workers hired in {r['financial_year']}",
            alt=alt,
            source=self.source,
            data=data,
        )

    def _team_rows(self) -> pd.DataFrame:
        teams = self.table[(self.table["scope"] == "team")]
        return teams

    def _teams(self) -> list[str]:
        return sorted(self._team_rows()["team"].unique())

    def _starters_by_team(self) -> h.HTML:
        rows = [
            {"Team": team, "Starters (12 months)": self._count_text("starters_12m", team=team)}
            for team in self._teams()
        ]
        rows.append(
            {"Team": "Whole council", "Starters (12 months)": self._count_text("starters_12m")}
        )
        frame = _text_frame(rows, ["Team", "Starters (12 months)"])
        note = self._window_note("starters_12m") or ""
        return h.table(
            frame,
            f"Qualified social workers who started, by team ({note}; "
            "headcount, team of their latest record)",
            numeric=["Starters (12 months)"],
        )

    def caseloads(self) -> h.HTML:
        """Average caseload trend with target; caseload bands (counts only) and outliers."""
        parts = [self._trend_figure("average_caseload", "Average caseload per case-holding FTE")]
        bands = self._bands()
        labels = list(bands["Caseload (cases per FTE)"])
        counts = bands["Workers"]
        values = [math.nan if isinstance(v, str) else float(v) for v in counts]
        fig = charts.bar(
            labels, values, xlabel="Case-holding workers (headcount)", value_format="{:,.0f}"
        )
        ax = fig.axes[0]
        for y, v in enumerate(counts):
            if isinstance(v, str):
                ax.annotate(
                    f"{v} (suppressed)",
                    (0, y),
                    xytext=(4, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=9,
                    color=charts.INK,
                )
        ax.set_ylabel("Cases per FTE", fontsize=9)
        total = bands.attrs["total"]
        shown = "; ".join(
            f"{lab}: {format_value(v, 'count')}" for lab, v in zip(labels, counts, strict=True)
        )
        alt = (
            f"Bar chart of {format_value(total, 'count')} case-holding workers by cases "
            f"per FTE at {dates.month_label(self.month)}: {shown}."
        )
        data = bands.copy()
        data["Workers"] = [format_value(v, "count") for v in data["Workers"]]
        data["Share"] = [format_value(v, "percent") for v in data["Share"]]
        parts.append(
            charts.figure(
                fig,
                title=f"Caseloads by band, {dates.month_label(self.month)}",
                alt=alt,
                source=self.source,
                data=data.reset_index(drop=True),
            )
        )
        high = self._high_caseloads()
        if high:
            parts.append(
                h.paragraph(
                    high + " Caseloads are counted per FTE, so a half-time "
                    "worker with 10 cases counts as 20."
                )
            )
        return h.join(parts)

    def _bands(self) -> pd.DataFrame:
        if self._bands_cache is not None:
            return self._bands_cache
        dist = workforce.caseload_distribution(self.ctx.history, self.month)
        frame = pd.DataFrame(
            {
                "Caseload (cases per FTE)": dist["band"].to_numpy(),
                "Workers": dist["workers"].astype("int64").to_numpy(),
                "Share": dist["share"].to_numpy("float64"),
            }
        )
        total = int(frame["Workers"].sum())
        frame.attrs["total"] = total
        frame.attrs["upper"] = dist["lower"].to_numpy()
        if self.publication:
            full = pd.concat(
                [
                    frame,
                    pd.DataFrame(
                        {"Caseload (cases per FTE)": ["All"], "Workers": [total], "Share": [100.0]}
                    ),
                ],
                ignore_index=True,
            )
            full.index = [*range(len(frame)), "total"]
            full = suppression.suppress_counts(
                full,
                ["Workers"],
                self.threshold,
                total_row="total",
                dependent={"Workers": ["Share"]},
            )
            frame = full.iloc[:-1].copy()
            frame.attrs.update(total=total, upper=dist["lower"].to_numpy())
        self._bands_cache = frame
        return frame

    def _high_caseloads(self) -> str | None:
        """Counts of workers above 25 and at 10 or fewer cases per FTE (no row-level data)."""
        bands = self._bands()
        lower = bands.attrs["upper"]
        high = bands["Workers"][lower >= 25]
        if any(isinstance(v, str) for v in high):
            return "The number of workers above 25 cases per FTE is small and suppressed (c)."
        n = int(sum(high))
        if n == 0:
            return "No case-holding worker held more than 25 cases per FTE."
        return (
            f"{n} case-holding {_plural(n, 'worker')} held more than 25 cases per FTE "
            f"({format_value(n / bands.attrs['total'] * 100, 'percent')} of case holders)."
        )

    def absence(self) -> h.HTML:
        """Sickness absence over 12 months; team figures only outside publication mode."""
        compared = self._comparison("absence_rate_12m")
        parts = [
            h.paragraph(
                "The chart shows the monthly-weighted rate: days lost over the working days "
                "each month's FTE could work, which follows staffing month by month. DfE "
                "publishes days lost over (FTE at 30 September x 253 working days)"
                + (f": {compared[0].lower()}{compared[1:]}." if compared else ".")
            ),
            self._trend_figure(
                "absence_rate_12m",
                "Sickness absence rate of social workers over 12 months (monthly-weighted)",
            ),
        ]
        if self.publication:
            parts.append(
                h.notice(
                    "Team sickness figures are not published: sickness is health data, and in "
                    "small teams a rate could point to an individual."
                )
            )
            return h.join(parts)
        rows = [
            {
                "Team": team,
                "Absence rate (12 months)": self._text("absence_rate_12m", team=team),
                "Working days lost": self._count_text("absence_rate_12m", "numerator", team),
                "Months of data": self._months_text("absence_rate_12m", team),
            }
            for team in self._teams()
        ]
        rows.append(
            {
                "Team": "Whole council",
                "Absence rate (12 months)": self._text("absence_rate_12m"),
                "Working days lost": self._count_text("absence_rate_12m", "numerator"),
                "Months of data": self._months_text("absence_rate_12m", ""),
            }
        )
        frame = _text_frame(
            rows, ["Team", "Absence rate (12 months)", "Working days lost", "Months of data"]
        )
        parts.append(
            h.notice(
                "Team sickness figures are for internal use only: sickness is "
                "health data. They are left out of the publication version."
            )
        )
        parts.append(
            h.table(
                frame,
                "Sickness absence by team, 12 months (FTE working days "
                "lost as a share of FTE working days available)",
                numeric=["Absence rate (12 months)", "Working days lost"],
            )
        )
        return h.join(parts)

    def _months_text(self, indicator: str, team: str) -> str:
        row = self._row(indicator, team)
        if row is None:
            return "x"
        return f"{int(row['months_covered'])} of {int(row['window_months'])}"

    def nqsw(self) -> h.HTML:
        """Newly qualified social workers still in post, by the year they started."""
        parts = []
        row = self._row("nqsw_retained_1y")
        value = self._text("nqsw_retained_1y")
        if row is not None and not _missing(row["numerator"]):
            parts.append(
                h.paragraph(
                    f"Of the {row['denominator']:,.0f} newly qualified social workers who started "
                    f"13 to 24 months before {dates.month_label(self.month)}, "
                    f"{row['numerator']:,.0f} ({value}) are still in post: retained into their "
                    "second year."
                )
            )
        else:
            parts.append(
                h.paragraph(
                    f"Newly qualified social workers retained into their second year: {value} "
                    "(counts too small to publish are shown as c)."
                )
            )
        cohorts = workforce.nqsw_cohorts(self.ctx.history, self.month, self.fy_start)
        if cohorts.empty:
            parts.append(h.paragraph("No newly qualified social workers are recorded."))
            return h.join(parts)
        frame = pd.DataFrame(
            {
                "Financial year started": [str(c) for c in cohorts["cohort"]],
                "Started": cohorts["started"].astype("int64").to_numpy(),
                "Still in post": cohorts["in_post"].astype("int64").to_numpy(),
                "Left": cohorts["left"].astype("int64").to_numpy(),
            }
        )
        frame.loc[len(frame)] = [
            "All years",
            int(frame["Started"].sum()),
            int(frame["Still in post"].sum()),
            int(frame["Left"].sum()),
        ]
        frame.index = [*range(len(cohorts)), "total"]
        frame["Still in post (%)"] = [
            format_value(v, "percent")
            for v in (frame["Still in post"] / frame["Started"].where(frame["Started"] > 0) * 100)
        ]
        counts = ["Started", "Still in post", "Left"]
        if self.publication:
            frame = suppression.suppress_counts(
                frame,
                counts,
                self.threshold,
                total_row="total",
                total_col="Started",
                axis="both",
                dependent={
                    "Still in post": ["Still in post (%)"],
                    "Started": ["Still in post (%)"],
                },
            )
        for col in counts:
            frame[col] = [format_value(v, "count") for v in frame[col]]
        this_year = workforce.fy_label(self.month, self.fy_start)
        notes = [
            "Started before the data begin: early leavers may be missing, so retention "
            "may be overstated"
            if not ok
            else "Started this year: too early to judge retention"
            if c == this_year
            else ""
            for ok, c in zip(cohorts["complete"], cohorts["cohort"], strict=True)
        ]
        notes.append(
            "" if cohorts["complete"].all() else "Includes years that started before the data begin"
        )
        frame["Note"] = notes
        parts.append(
            h.table(
                frame.reset_index(drop=True),
                f"Newly qualified social workers by financial year of starting, and whether "
                f"still in post at {dates.month_label(self.month)} (headcount)",
                numeric=[*counts, "Still in post (%)"],
            )
        )
        return h.join(parts)

    def spend(self) -> h.HTML:
        """Agency spend against budget: the month, the year to date and projected year end."""
        table = workforce.agency_spend(self.history, self.month, self.fy_start, by_team=True)
        council = table[table["scope"] == "council"].iloc[0]
        fy = council["financial_year"]
        rows = []
        for what, label in (
            ("month", dates.month_label(self.month)),
            ("fytd", f"{fy} to date ({int(council['months_covered'])} months)"),
            ("projected", f"{fy} projected year end"),
        ):
            rows.append(
                {
                    "Period": label,
                    "Spend": _money(council[f"spend_{what}"]),
                    "Budget": _money(council[f"budget_{what}"]),
                    "Difference": _over_under(council[f"variance_{what}"]),
                }
            )
        parts = [
            h.paragraph(
                f"Agency spend in {dates.month_label(self.month)} was "
                f"{_money(council['spend_month'])} against a budget of "
                f"{_money(council['budget_month'])} ({_over_under(council['variance_month'])}). "
                f"If spending continues at this year's average rate, {fy} will end "
                f"{_over_under(council['variance_projected'])}."
            )
        ]
        parts.append(
            h.table(
                _text_frame(rows, ["Period", "Spend", "Budget", "Difference"]),
                "Agency spend against budget: whole council",
                numeric=["Spend", "Budget"],
            )
        )
        parts.append(self._spend_figure())
        parts.append(self._spend_by_team(table))
        parts.append(
            h.paragraph(
                "The projection is straight-line: spend so far this financial year divided by "
                "the months with data, times 12."
            )
        )
        return h.join(parts)

    def _spend_figure(self) -> h.HTML:
        spend, budget = self._series("agency_spend_month"), self._series("agency_budget_month")
        xs = np.arange(len(self.months))
        labels = list(spend["label"])
        fig, ax = charts.new_figure(8.0, 3.4)
        ends: list[tuple[float, str, str]] = []
        series = (
            ("Spend", spend, charts.PALETTE[1], "o", "-"),
            ("Budget", budget, charts.PALETTE[0], "s", "--"),
        )
        for name, rows, colour, marker, dash in series:
            ys = rows["value"].to_numpy("float64") / 1000
            ax.plot(
                xs,
                ys,
                color=colour,
                marker=marker,
                markersize=4,
                linestyle=dash,
                linewidth=2,
                label=name,
            )
            ok = np.flatnonzero(~np.isnan(ys))
            if len(ok):
                ends.append((ys[ok[-1]], f"{name} £{ys[ok[-1]]:,.0f}k", colour, dash))
        _month_ticks(ax, labels)
        ax.set_ylabel("£ thousands", fontsize=9)
        ax.set_ylim(bottom=0)
        ax.margins(x=0.02)
        _right_labels(ax, ends)
        over = int(((spend["value"] - budget["value"]) > 0).sum())
        alt = (
            f"Line chart of monthly agency spend against budget: spend was "
            f"{_money(spend['value'].iloc[0])} in {dates.month_label(self.months[0])} and "
            f"{_money(spend['value'].iloc[-1])} in {dates.month_label(self.month)} against "
            f"a budget of {_money(budget['value'].iloc[-1])}; spend was over budget in "
            f"{over} of the {len(self.months)} months."
        )
        data = _text_frame(
            [
                {
                    "Month": dates.month_label(m),
                    "Spend": format_value(spend.at[m, "value"], "gbp", spend.at[m, "symbol"]),
                    "Budget": format_value(budget.at[m, "value"], "gbp", budget.at[m, "symbol"]),
                    "Difference": _over_under(spend.at[m, "value"] - budget.at[m, "value"]),
                }
                for m in self.months
            ],
            ["Month", "Spend", "Budget", "Difference"],
        )
        return charts.figure(
            fig, title="Agency spend and budget each month", alt=alt, source=self.source, data=data
        )

    def _spend_by_team(self, table: pd.DataFrame) -> h.HTML:
        teams = table[table["scope"] == "team"]
        rows = []
        for _, r in teams.iterrows():
            team = str(r["team"])
            hidden = (
                self._row("agency_spend_fytd", team) is not None
                and self._row("agency_spend_fytd", team)["symbol"] == "c"
            )
            rows.append(
                {
                    "Team": team,
                    "Spend to date": "c" if hidden else _money(r["spend_fytd"]),
                    "Budget to date": _money(r["budget_fytd"]),
                    "Difference": "c" if hidden else _over_under(r["variance_fytd"]),
                    "Projected at year end": "c"
                    if hidden
                    else _over_under(r["variance_projected"]),
                }
            )
        frame = _text_frame(
            rows, ["Team", "Spend to date", "Budget to date", "Difference", "Projected at year end"]
        )
        fy = table["financial_year"].iloc[0]
        return h.table(
            frame,
            f"Agency spend against budget by team, {fy} to date",
            numeric=["Spend to date", "Budget to date"],
        )

    def teams(self) -> h.HTML:
        """One row per team: FTE, agency rate, vacancy rate, caseload and turnover."""
        spec = [
            ("Social workers (FTE)", "social_worker_fte"),
            ("Agency (FTE)", "agency_fte"),
            ("Agency rate", "agency_rate"),
            ("Vacancy rate", "vacancy_rate"),
            ("Average caseload", "average_caseload"),
            ("Turnover (12 months)", "turnover_rate_12m"),
        ]
        rows = []
        for team, name in [*((t, t) for t in self._teams()), ("", "Whole council")]:
            rows.append({"Team": name, **{col: self._text(ind, team) for col, ind in spec}})
        frame = _text_frame(rows, ["Team", *(c for c, _ in spec)])
        month = dates.month_label(self.month)
        targets = ", ".join(
            f"{workforce.INDICATORS[i].label.lower()} {format_value(self._target(i), u)}"
            for i, u in (
                ("agency_rate", "percent"),
                ("vacancy_rate", "percent"),
                ("average_caseload", "cases"),
                ("turnover_rate_12m", "percent"),
            )
            if self._target(i) is not None
        )
        parts = [h.table(frame, f"Teams at {month}", numeric=[c for c, _ in spec])]
        parts.append(
            h.paragraph(
                f"Targets (whole council): {targets}. x means the figure is not available (for "
                "example a team with no funded-post record); z means not applicable (nobody to "
                "count)"
                + ("; c means suppressed to protect individuals." if self.publication else ".")
                + " The whole-council figures include teams that have since closed, so teams may "
                "not add up to them."
            )
        )
        return h.join(parts)

    def benchmark_table(self) -> h.HTML:
        """The council's figures by DfE's definitions beside England, region and neighbours.

        Each comparator names its census; the neighbour median says how many of the
        neighbours it covers, names any with no published figure, and says where a
        joint return or a former council's figure stands in.
        """
        rows: list[dict] = []
        notes: dict[str, list[str]] = {}
        for indicator in (
            "agency_rate",
            "vacancy_rate",
            "turnover_rate_12m",
            "average_caseload",
            "absence_rate_dfe",
        ):
            ind = workforce.INDICATORS[indicator]
            row = {
                "Indicator": ind.label,
                self.council: self._partial(indicator) or self._text(indicator),
            }
            for which, name in (
                ("england", "England"),
                ("region", self.bench.region_name or "Region"),
                ("neighbours", "Statistical neighbours (median)"),
            ):
                fig = self._benchmark(indicator, which)
                shown = "x" if fig is None else format_value(fig.value, ind.unit, fig.symbol)
                row[name] = shown if fig is None else f"{shown} ({census_label(fig.year)})"
                if which == "neighbours" and fig is not None and fig.of is not None:
                    row["Neighbours covered"] = f"{fig.n} of {fig.of}"
                    for note in ([fig.coverage()] if fig.missing else []) + list(fig.matched):
                        notes.setdefault(note, []).append(ind.label.split(" (")[0])
            rows.append(row)
        frame = _text_frame(rows, list(rows[0]))
        parts = [
            h.table(
                frame,
                f"{self.council} at {dates.month_label(self.month)} beside the latest "
                "published DfE figures",
            )
        ]
        if notes:
            every = len(rows)
            parts.append(
                h.bullets(
                    [
                        f"{'Every indicator' if len(names) == every else ', '.join(names)}: {note}."
                        for note, names in notes.items()
                    ]
                )
            )
        return h.join(parts)

    def definitions(self) -> h.HTML:
        """How each figure is calculated, the symbols, and where the comparisons come from."""
        hires_target = int(self.targets.get("qsw_hires_this_year", 25))
        rows = [
            (
                "Social workers",
                "Qualified (registered) children and family social workers "
                "employed by the council, permanent or fixed term. Alternatively qualified staff "
                "(for example family support workers) are not counted.",
            ),
            (
                "Agency rate",
                "Agency qualified social workers' FTE as a share of all qualified "
                "social-worker FTE (agency plus council-employed), at the month end.",
            ),
            (
                "Vacancy rate",
                "Vacant FTE as a share of vacant plus filled FTE. A team's "
                "vacancies are its funded posts minus its council-employed social workers (never "
                "below zero); posts covered by agency staff count as vacant.",
            ),
            (
                "Turnover rate (12 months)",
                "FTE of social workers who left in the 12 months to "
                "the month end, as a share of social-worker FTE at the month end.",
            ),
            (
                "Average caseload",
                "Cases held at the month end divided by the FTE of the "
                "qualified workers (agency included) who hold at least one case.",
            ),
            (
                "Sickness absence rate (12 months)",
                "Monthly-weighted: working days lost to sickness by social "
                "workers over 12 months as a share of the working days available (each "
                "month's FTE times its working days: weekdays less England and Wales bank "
                "holidays). Used for the monthly trend and the target.",
            ),
            (
                "Sickness absence rate, DfE definition",
                "Working days lost to sickness by social workers over 12 months divided by "
                "(social-worker FTE at the month end times 253 working days), as DfE "
                "publishes it. This is the figure set beside England, the region and the "
                "statistical neighbours.",
            ),
            (
                "In post under 2 years",
                "Share of social-worker FTE who started with the council "
                "less than 2 years before the month end.",
            ),
            ("Agency cover rate", "Share of agency FTE covering a funded vacant post."),
            (
                "Starters (12 months)",
                "Social workers (headcount) whose start date is in the 12 "
                "months to the month end, including any who have since left.",
            ),
            (
                "Newly qualified social workers retained into year two",
                "Of the social workers "
                "who joined as newly qualified 13 to 24 months before the month end, the share "
                "(headcount) still in post.",
            ),
            (
                "Recruitment against target",
                "Social workers who started in the financial year "
                f"so far, against the year's target ({hires_target}); the straight-line profile "
                "is the target times the months elapsed over 12.",
            ),
            (
                "Agency spend",
                "Spend and budget from the monthly agency spend return; the "
                "projected year end is spend so far divided by the months with data, times 12.",
            ),
        ]
        frame = _text_frame(
            [{"Figure": a, "How it is calculated": b} for a, b in rows],
            ["Figure", "How it is calculated"],
        )
        parts = [
            h.paragraph(
                "Figures follow the definitions of the Department for Education's "
                "children's social work workforce census, applied at each month end "
                "(the census itself is taken at 30 September). Each month is worked "
                "out from the data up to that month only."
            ),
            h.table(frame, "How each figure is calculated"),
            h.heading("Symbols", 3),
            h.bullets(
                [
                    "z: not applicable (for example a rate with nobody to count).",
                    "x: not available (the data for it were not supplied).",
                    "c: suppressed, to protect individuals (publication version only): counts from "
                    f"1 to {self.threshold}, and other figures that would let them be worked out.",
                    "A 12-month figure worked out from fewer than 12 months of data says so.",
                ]
            ),
            h.heading("Comparisons and targets", 3),
            h.paragraph(
                f"England, regional and statistical-neighbour figures: {self.bench.source}. "
                "They are the census at 30 September of each year; each month is compared "
                "with the latest census at or before its month end (a September report "
                "with that September's census). A council figure set beside them is worked "
                "out by DfE's definition."
            ),
            self.benchmark_table(),
            h.paragraph(
                "Targets come from the council's configuration file (targets section); "
                "a target is met when the figure as shown, to one decimal place, "
                "meets it."
            ),
            h.heading("Real change or noise", 3),
            h.paragraph(
                "The statistical process control (XmR) charts follow NHS England's Making Data "
                "Count: process limits are the mean plus or minus 2.66 times the average "
                "month-to-month change. A month outside the limits, a run of 7 months on one "
                "side of the mean, or a trend of 7 months moving the same way is special-cause "
                "variation; anything else is common-cause (normal) variation."
            ),
            h.heading("Data", 3),
            h.paragraph(
                f"Source: {self.council} HR and case management monthly extracts. The "
                "page shows totals only; no individual worker is identified. The "
                "numbers behind every chart are under its 'Show the numbers' link, "
                "and all figures are in workforce_indicators.csv."
            ),
        ]
        return h.join(parts)
