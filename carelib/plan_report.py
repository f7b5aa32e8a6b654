"""The improvement plan page (``improvement_plan.html``), laid out from :mod:`carelib.plan`.

Every rating, flag and count on the page comes from :func:`carelib.plan.assess` (the rules
are in ``docs/plan_rules.md``); this module only chooses what to show and how. The
notebook ``notebooks/02_improvement_plan.ipynb`` calls the methods of :class:`PlanReport`
in page order, each under a level-2 heading the notebook provides, so nothing here
writes an ``h2``.

Free text from the plan (actions, updates, owners, recommendation wording, measure names)
is always passed to :mod:`carelib.html` as plain ``str`` so that it is escaped: shown as
text, never run. Ratings are shown with :func:`carelib.html.rag`, which carries the
rating in words and a symbol as well as colour.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import textwrap
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from carelib import charts, dates, dictionary, plan
from carelib import html as h

if TYPE_CHECKING:
    from carelib.notebook import ReportContext

#: How the source line under every chart reads (``{council}`` from the config).
SOURCE = "{council} improvement plan tracker, month-end snapshots"
#: Added to the source line of charts that include measures fed by workforce indicators.
KPI_SOURCE = "workforce indicators computed from the council's monthly workforce returns"

STATUS_LABELS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "complete": "Complete",
    "blocked": "Blocked",
}
POLARITY_WORDS = {"higher_is_better": "higher is better", "lower_is_better": "lower is better"}
#: Ratings written inside sentences.
RAG_WORDS = {
    "red": "red",
    "amber": "amber",
    "green": "green",
    "blue": "blue (complete)",
    plan.NO_DATA: "no data",
}
_UNIT_AXIS = {
    "percent": "Percent",
    "days": "Days",
    "count": "Count",
    "ratio": "Ratio",
    "gbp": "Pounds (£)",
}
_SHORT_DATE = re.compile(r"\b(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4})\b")
_LONG_MONTHS = {
    dt.date(2000, m, 1).strftime("%b"): dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)
}


# --------------------------------------------------------------------------- wording


def long_date(value: Any) -> str:
    """Write a date as readers do, e.g. ``30 September 2025`` (``no date`` when missing)."""
    if value is None or value is pd.NaT or (not isinstance(value, dt.date) and pd.isna(value)):
        return "no date"
    if isinstance(value, pd.Timestamp):
        value = value.date()
    return f"{value.day} {value:%B %Y}"


def _long_dates(text: Any) -> str:
    """Spell out the short dates ("30 Jun 2025") in reasons written by :mod:`carelib.plan`.

    Only for text carelib writes; never applied to free text from the data.
    """
    if _missing(text):
        return ""
    return _SHORT_DATE.sub(
        lambda m: f"{m.group(1)} {_LONG_MONTHS[m.group(2)]} {m.group(3)}", str(text)
    )


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _theme_name(theme: Any) -> str:
    """``out_of_borough`` -> ``Out of borough``."""
    if _missing(theme):
        return "No theme recorded"
    return _sentence(str(theme).replace("_", " "))


def format_value(value: Any, unit: Any) -> str:
    """Format a measure's value in its unit, e.g. ``83.4%``, ``29.9 days``, ``£1,200``.

    Parameters
    ----------
    value : float or None
        The value; missing gives ``no value``.
    unit : str
        ``percent``, ``days``, ``count``, ``ratio`` or ``gbp``.
    """
    if _missing(value):
        return "no value"
    value = float(value)
    whole = abs(value - round(value)) < 1e-9
    if unit == "percent":
        return f"{value:,.1f}%"
    if unit == "gbp":
        return f"£{value:,.0f}"
    if unit == "ratio":
        return f"{value:,.2f}"
    if unit == "days":
        return f"{value:,.0f} days" if whole else f"{value:,.1f} days"
    return f"{value:,.0f}" if whole else f"{value:,.1f}"


def _natural_key(ident: Any) -> tuple:
    """Sort R2 before R10."""
    parts = re.split(r"(\d+)", str(ident))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """Return a table frame that keeps :class:`carelib.html.HTML` cells as they are.

    pandas 3 gives a column of strings its string dtype, whose storage need not keep the
    HTML type (a badge would then be escaped and shown as code): keep every column object.
    """
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _identity(value: Any) -> Any:
    return value


def _count_change(now: int, before: int | None, since: str | None) -> str:
    """Words for a count's change since last month, e.g. ``Up 2 from 5 in August 2025``."""
    if before is None or since is None:
        return "First month of data: nothing to compare with"
    if now == before:
        return f"Same as {since}"
    direction = "Up" if now > before else "Down"
    return f"{direction} {abs(now - before)} from {before} in {since}"


def _mpl_text(text: Any) -> str:
    """Make data text safe for matplotlib, which would treat ``$...$`` as mathematics."""
    return "" if _missing(text) else str(text).replace("$", r"\$")


# ---------------------------------------------------------------------------- report


class PlanReport:
    """The improvement plan page for one month.

    Works everything out once, on creation; each method then returns one part of the page
    as :class:`carelib.html.HTML` (the notebook displays it under its own heading).

    Parameters
    ----------
    ctx : carelib.notebook.ReportContext
        The month, config and loaded history (from ``carelib.notebook.setup``).

    Attributes
    ----------
    assessment : carelib.plan.PlanAssessment
        The plan assessed at the month's reference date.
    previous : carelib.plan.PlanAssessment or None
        The plan assessed at the previous month in the data (for "since last month").
    measure_history : pandas.DataFrame
        Every measure in every month judged against its trajectory (for the charts).
    kpi_by_month : dict
        ``{month: {indicator: record}}`` (:func:`carelib.plan.kpis_by_month`) for the
        workforce indicators that measures link to; a record of a 12- or 24-month
        indicator without a full window of data is never judged.
    """

    def __init__(self, ctx: ReportContext):
        self.ctx = ctx
        cfg = ctx.config
        self.council = cfg["council"]["name"]
        self.source = SOURCE.format(council=self.council)
        self.kpi_by_month, self.partial_kpis = self._workforce_indicators()
        self.assessment = plan.assess(
            ctx.history,
            ctx.month,
            cfg,
            kpi_values=self.kpi_by_month.get(ctx.month),
            kpi_by_month=self.kpi_by_month,
        )
        previous = self.assessment.previous_month
        self.previous = (
            None
            if previous is None
            else plan.assess(
                ctx.history,
                previous,
                cfg,
                kpi_values=self.kpi_by_month.get(previous),
                kpi_by_month=self.kpi_by_month,
            )
        )
        self.measure_history = plan.measure_history(
            ctx.history, cfg, self.kpi_by_month, upto=ctx.month
        )
        self.summary = self.assessment.summary()
        self.previous_summary = None if self.previous is None else self.previous.summary()
        self.month_label = dates.month_label(ctx.month)
        self.previous_label = None if previous is None else dates.month_label(previous)
        self.reference = long_date(self.assessment.reference_date)
        self._actions = {r["action_id"]: r for r in self.assessment.actions.to_dict("records")}

    # ------------------------------------------------------------------ preparation

    def _workforce_indicators(
        self,
    ) -> tuple[dict[str, dict[str, dict]], dict[str, tuple[str, int]]]:
        """Values of the workforce indicators that measures link to, month by month.

        A 12-month indicator (such as turnover) worked out from fewer than 12 months of
        data is not comparable with its target, so it is left out (the measure then has
        no data for that month, or uses the file's own value if there is one).
        """
        out = plan.kpis_by_month(
            self.ctx.history, self.ctx.config["targets"]["financial_year_start_month"]
        )
        partial: dict[str, tuple[str, int]] = {}
        for month, records in sorted(out.items()):
            for name, rec in records.items():
                if not rec["complete"]:
                    partial[name] = (month, rec["window_months"])
        return out, partial

    def _action_label(self, action_id: Any, text: Any) -> str:
        return f"{action_id}: {'' if _missing(text) else text}"

    def _recommendations(self) -> pd.DataFrame:
        recs = self.assessment.recommendations
        return recs.sort_values(
            "recommendation_id", key=lambda s: s.map(_natural_key), kind="stable"
        ).reset_index(drop=True)

    def _driver(self, rec: Mapping[str, Any]) -> str:
        """Name the item that decided a rating, and why (plain text)."""
        kind, ident = rec["driver_kind"], rec["driver_id"]
        reason = _long_dates(rec["driver_reason"])
        if _missing(kind):
            return _sentence(reason)
        if kind == "action":
            act = self._actions.get(ident, {})
            name = act.get("action")
        else:
            meas = self.assessment.measures
            found = meas.loc[meas["measure_id"] == ident, "name"]
            name = found.iloc[0] if len(found) else None
        named = f"{_sentence(kind)} {ident}" + ("" if _missing(name) else f" ({name})")
        return f"{named}: {reason}"

    def _officer_cell(self, computed: Any, officer: Any) -> h.HTML:
        """Return the owner's own rating, flagged in words where it differs from the rules."""
        if _missing(officer):
            return h.HTML("Not given")
        if officer == computed:
            return h.HTML("Same")
        return h.join(
            [
                h.rag(officer),
                " ",
                h.tag(
                    "strong",
                    h.tag("span", "\u2691", aria_hidden="true"),
                    " Differs",
                    class_="rag-differs",
                ),
                f" (owner {_owner_view(computed, officer)})",
            ],
            "",
        )

    def _rating_cell(self, computed: Any, officer: Any = None) -> h.HTML:
        """Return the computed rating as a badge, and the owner's rating where it differs."""
        badge = h.rag(computed)
        if _missing(officer) or officer == computed:
            return badge
        note = _owner_view(computed, officer)
        return h.join(
            [
                badge,
                h.tag(
                    "span", " Owner's rating: ", h.rag(officer), f" ({note})", class_="rag-differs"
                ),
            ],
            " ",
        )

    # --------------------------------------------------------------------- outputs

    def headline_items(self) -> dict[str, Any]:
        """Return the landing page's headline items: ``plan_tiles`` and ``plan_summary``.

        Returns
        -------
        dict
            ``plan_tiles``: a list of tile dicts (``label``, ``value``, ``change``,
            ``target``, ``status``, ``comparison``, ``note``; plain text) and
            ``plan_summary``: one plain-English sentence. JSON-serialisable.
        """
        s, before = self.summary, self._before
        since = self.previous_label
        total = s["actions_total"]
        red = s["actions_by_rag"]["red"]
        complete = s["actions_by_rag"]["blue"]
        due = self._due_now()
        measures_green = s["measures_by_rag"]["green"]
        recs_total = len(self.assessment.recommendations)
        recs_red = s["recommendations_by_rag"]["red"]

        tiles = [
            {
                "label": "Actions rated red",
                "value": str(red),
                "change": _count_change(red, before("actions_by_rag", "red"), since),
                "target": None,
                "status": None,
                "comparison": None,
                "note": f"of {total} actions: {s['overdue']} overdue, {s['blocked']} blocked",
            },
            {
                "label": "Actions complete",
                "value": f"{complete} of {total}",
                "change": (
                    f"{_plural(s['completed_this_month'], 'action')} completed in "
                    f"{self.month_label}"
                ),
                "target": f"{due} due by {self.reference}",
                "status": "met" if complete >= due else "not_met",
                "comparison": None,
                "note": f"{_percent(complete, total)} of the plan complete",
            },
            {
                "label": "Progress measures on trajectory",
                "value": f"{measures_green} of {s['measures_total']}",
                "change": _count_change(measures_green, before("measures_by_rag", "green"), since),
                "target": None,
                "status": None,
                "comparison": None,
                "note": (
                    f"{s['measures_by_rag']['amber']} amber, {s['measures_by_rag']['red']} red"
                    + (
                        f", {s['measures_by_rag'][plan.NO_DATA]} with no data"
                        if s["measures_by_rag"][plan.NO_DATA]
                        else ""
                    )
                    + f"; {s['measures_target_met']} already at target"
                ),
            },
            {
                "label": "Recommendations rated red",
                "value": f"{recs_red} of {recs_total}",
                "change": _count_change(recs_red, before("recommendations_by_rag", "red"), since),
                "target": None,
                "status": None,
                "comparison": None,
                "note": "a recommendation is red if any of its actions or measures is red",
            },
        ]
        return {"plan_tiles": tiles, "plan_summary": self.summary_sentence()}

    def summary_sentence(self) -> str:
        """Return the plan's position in one plain-English sentence."""
        s = self.summary
        red = s["actions_by_rag"]["red"]
        return (
            f"At {self.reference}, {s['actions_by_rag']['blue']} of the "
            f"{s['actions_total']} actions in the improvement plan are complete against "
            f"{self._due_now()} due, {red} {'is' if red == 1 else 'are'} rated red "
            f"({s['overdue']} overdue, {s['blocked']} blocked) and "
            f"{s['measures_by_rag']['green']} of {s['measures_total']} progress measures "
            f"are on or ahead of their trajectory."
        )

    def _before(self, key: str, sub: str | None = None) -> int | None:
        """Return a count from the previous month's summary (None in the first month)."""
        p = self.previous_summary
        if p is None:
            return None
        return p[key][sub] if sub else p[key]

    def _due_now(self) -> int:
        burn = self.assessment.burnup
        row = burn[burn["month"] == self.ctx.month]
        return int(row["due_to_date"].iloc[0]) if len(row) else 0

    def publish_outputs(self) -> None:
        """Write ``actions.csv`` and ``measures.csv`` and hand the headlines to the runner.

        The CSVs hold the computed ratings and flags behind the page (one row per action,
        one per measure). Returns None so that the notebook cell shows nothing.
        """
        a = self.assessment
        # Publication mode: the plan holds roles, not people, and its counts are of
        # actions, not children or staff, so nothing is suppressed here. If a council's
        # free text may name people, this is the place to drop `update` and `owner`
        # from the published CSVs when self.ctx.publication is True.
        self.ctx.write_csv("actions.csv", a.actions)
        self.ctx.write_csv("measures.csv", dictionary.round_measures(a.measures))
        self.ctx.write_csv(
            "plan_dictionary.csv", dictionary.plan_dictionary(a.measures.columns, a.actions.columns)
        )
        self.ctx.headlines(self.headline_items())

    # -------------------------------------------------------------------- sections

    def headline_tiles(self) -> h.HTML:
        """Return the page's headline figures: actions by rating, then this month's delivery.

        Returns
        -------
        carelib.html.HTML
            A summary sentence and two rows of tiles: counts of actions by rating
            (each labelled with a rating badge), then overdue, blocked, slipped and
            completed actions, progress measures on trajectory and ratings in dispute.
        """
        s, before = self.summary, self._before
        since = self.previous_label
        total = s["actions_total"]

        by_rag = []
        for colour in plan.RAGS_WORST_FIRST:
            n = s["actions_by_rag"][colour]
            label = "Complete" if colour == "blue" else h.RAG_LABELS[colour]
            by_rag.append(
                h.Tile(
                    label=h.rag(colour, f"{label} actions"),
                    value=str(n),
                    change=_count_change(n, before("actions_by_rag", colour), since),
                    note=f"{_percent(n, total)} of {total} actions",
                )
            )
        measures = s["measures_by_rag"]
        no_data = measures[plan.NO_DATA]
        more = self.assessment.actions["more_optimistic"]
        optimistic, cautious = int((more == "officer").sum()), int((more == "computed").sum())
        differs_note = (
            f"the owner is more optimistic for {optimistic} and more cautious for {cautious}"
            if s["rag_disagrees"]
            else "owners and the rules agree on every action that has an owner's rating"
        )
        delivery = [
            h.Tile(
                "Overdue actions",
                str(s["overdue"]),
                _count_change(s["overdue"], before("overdue"), since),
                note="due date passed and not complete",
            ),
            h.Tile(
                "Blocked actions",
                str(s["blocked"]),
                _count_change(s["blocked"], before("blocked"), since),
            ),
            h.Tile(
                "Due dates moved later this month",
                str(s["slipped_this_month"]),
                _count_change(s["slipped_this_month"], before("slipped_this_month"), since),
                note=f"{_plural(s['slipped_ever'], 'action')} in the plan "
                f"{'has' if s['slipped_ever'] == 1 else 'have'} slipped at least once",
            ),
            h.Tile(
                "Actions completed this month",
                str(s["completed_this_month"]),
                _count_change(s["completed_this_month"], before("completed_this_month"), since),
            ),
            h.Tile(
                "Progress measures on trajectory",
                f"{measures['green']} of {s['measures_total']}",
                _count_change(measures["green"], before("measures_by_rag", "green"), since),
                note=(
                    f"{measures['amber']} amber, {measures['red']} red"
                    + (f", {no_data} with no data" if no_data else "")
                    + f"; {s['measures_target_met']} already at target"
                ),
            ),
            h.Tile(
                "Owner's rating differs from the rules",
                str(s["rag_disagrees"]),
                note=differs_note,
            ),
        ]
        compared = (
            f"Changes are since {self.previous_label}."
            if self.previous_label
            else "This is the first month of data, so there are no changes to show."
        )
        return h.join(
            [
                h.paragraph(self.summary_sentence(), " ", compared, class_="lede"),
                h.tag("h3", "Actions by rating", id="plan-actions-by-rating"),
                h.tiles(by_rag, label="Actions by rating"),
                h.tag("h3", "Delivery this month", id="plan-delivery-this-month"),
                h.tiles(delivery, label="Delivery this month"),
            ]
        )

    def exceptions(self) -> h.HTML:
        """Return the items that need attention, worst first, as an accessible table.

        Returns
        -------
        carelib.html.HTML
            Every overdue, blocked or slipped action and every action or measure whose
            rating worsened since last month, with its rating (badge), the reasons, owner,
            due date and latest update.
        """
        ex = self.assessment.exceptions
        if not len(ex):
            return h.paragraph(
                f"Nothing needs attention at {self.reference}: no action is overdue, "
                "blocked or slipped this month, and no rating is worse than last month."
            )
        acts = self._actions
        measures = self.assessment.measures.set_index("measure_id")
        rows = []
        for rec in ex.to_dict("records"):
            if rec["kind"] == "action":
                item = self._action_label(rec["id"], rec["item"])
                act = acts.get(rec["id"], {})
                update = "No update recorded" if _missing(rec["update"]) else str(rec["update"])
                if act.get("stale"):
                    months = int(act["months_since_update"])
                    update += f" (no new update for {_plural(months, 'month')})"
                owner = "Not recorded" if _missing(rec["owner"]) else rec["owner"]
                rating = self._rating_cell(rec["rag"], rec["officer_rag"])
                due = long_date(rec["due_date"])
            else:
                item = f"{rec['id']}: {rec['item']} (progress measure)"
                m = measures.loc[rec["id"]] if rec["id"] in measures.index else None
                update = (
                    ""
                    if m is None
                    else f"{format_value(m['value'], m['unit'])} in {self.month_label} "
                    f"against a trajectory of {format_value(m['trajectory'], m['unit'])}"
                )
                owner = "Not recorded (measures have no owner)"
                rating = h.rag(rec["rag"])
                due = f"Target date {long_date(rec['due_date'])}"
            rows.append(
                {
                    "Item": item,
                    "Rating": rating,
                    "Why it needs attention": _sentence(_long_dates(rec["reasons"])),
                    "Owner": owner,
                    "Due date": due,
                    "Latest update": update,
                }
            )
        n_act = int((ex["kind"] == "action").sum())
        n_meas = int((ex["kind"] == "measure").sum())
        lead = (
            f"{_plural(n_act, 'action')} and {_plural(n_meas, 'progress measure')} "
            f"need attention at {self.reference}, red first."
        )
        table = h.table(
            _frame(
                rows,
                ["Item", "Rating", "Why it needs attention", "Owner", "Due date", "Latest update"],
            ),
            f"Actions and measures that need attention at {self.reference}, worst first",
            cell_html={"Rating": _identity},
            numeric=[],
            class_="exceptions",
        )
        return h.join([h.paragraph(lead), table])

    def timeline(self) -> h.HTML:
        """Return the statutory timeline as a summary list.

        Returns
        -------
        carelib.html.HTML
            Inspection publication date, the written action plan's due date (70 working
            days after publication) and whether it has passed, the plan's start and how
            many months it has run.
        """
        t = self.assessment.timeline
        cfg = self.ctx.config["inspection"]
        pairs: list[tuple[str, object]] = []
        judgement = str(cfg.get("judgement") or "").replace("_", " ")
        framework = cfg.get("framework") or "Inspection"
        if judgement:
            pairs.append(("Inspection", f"{framework}: judged {judgement}"))
        published = t["publication_date"]
        if published is None:
            pairs.append(
                (
                    "Inspection report published",
                    "Not recorded: set inspection.publication_date in carelib.toml",
                )
            )
        else:
            pairs.append(("Inspection report published", long_date(published)))
            due = t["plan_due_date"]
            pairs.append(
                (
                    "Written action plan due",
                    f"{long_date(due)}: {t['plan_due_working_days']} working days after "
                    "publication (weekdays less bank holidays)",
                )
            )
            if t["plan_due_passed"]:
                status = (
                    f"The due date passed on {long_date(due)}. The data do not record "
                    "when the plan was submitted; the governance papers should."
                )
            else:
                left = dates.working_days(t["reference_date"] + dt.timedelta(days=1), due)
                status = (
                    f"Not yet due: {_plural(left, 'working day')} after "
                    f"{long_date(t['reference_date'])}."
                )
            pairs.append(("Has the due date passed?", status))
        start_note = (
            "set in the configuration"
            if t["plan_start_source"] == "config"
            else "taken from the first month of data, as no start date is set"
        )
        pairs.append(("Plan started", f"{long_date(t['plan_start'])} ({start_note})"))
        run = t["months_run"]
        first = dates.month_label(dates.month_of(t["plan_start"]))
        run_text = (
            f"{_plural(run, 'month')}, from {first} to {self.month_label}"
            if run
            else "Not started by this month"
        )
        pairs.append(("How long the plan has run", run_text))
        pairs.append(("Ratings judged at", f"{self.reference}, the last day of the report month"))
        return h.summary_list(pairs)

    def changes(self) -> h.HTML:
        """Return what changed since the previous month.

        Returns
        -------
        carelib.html.HTML
            A count of each kind of change, then a table for each kind that happened:
            new actions, actions completed this month, due dates moved later (days this
            month, times and days in all), ratings worse and better, actions with no new
            update for the configured number of months, actions gone from the plan, and
            progress measures whose rating changed.
        """
        a = self.assessment
        if a.previous_month is None:
            return h.notice(
                "This is the first month of data, so there is nothing to compare "
                "it with: changes start next month."
            )
        acts = a.actions
        stale_months = self.ctx.config["rag"]["stale_update_months"]
        since = self.previous_label
        meas = a.measures
        groups = [
            ("new", "New actions", acts[acts["new"]], self._new_table),
            (
                "completed",
                "Actions completed this month",
                acts[acts["completed_this_month"]],
                self._completed_table,
            ),
            (
                "slipped",
                "Due dates moved later this month",
                acts[acts["slipped_this_month"]],
                self._slipped_table,
            ),
            (
                "worse",
                "Action ratings that got worse",
                acts[acts["rag_change"] == "worsened"],
                self._rag_change_table,
            ),
            (
                "better",
                "Action ratings that got better",
                acts[acts["rag_change"] == "improved"],
                self._rag_change_table,
            ),
            (
                "stale",
                f"Actions with no new update for {stale_months} months or more",
                acts[acts["stale"]],
                self._stale_table,
            ),
            ("gone", "Actions no longer in the plan", a.disappeared, self._gone_table),
            (
                "measures",
                "Progress measures whose rating changed",
                meas[meas["rag_change"].isin(["worsened", "improved"])],
                self._measure_change_table,
            ),
        ]
        counts = _frame(
            [
                {"Change since " + since: title, "Number": len(frame)}
                for _, title, frame, _ in groups
            ],
            ["Change since " + since, "Number"],
        )
        parts = [
            h.paragraph(
                f"{self.month_label} compared with {since}. Each kind of change that "
                "happened is listed below the count."
            ),
            h.table(counts, f"Changes to the plan since {since}", numeric=["Number"]),
        ]
        for key, title, frame, build in groups:
            if len(frame):
                parts.append(h.tag("h3", f"{title}: {len(frame)}", id=f"plan-changes-{key}"))
                parts.append(build(frame, f"{title}, {self.month_label}"))
        if len(a.disappeared):
            parts.append(
                h.paragraph(
                    "An action that is no longer in the plan should be explained (merged or "
                    "withdrawn) in the plan's governance papers."
                )
            )
        return h.join(parts)

    def _new_table(self, frame: pd.DataFrame, title: str) -> h.HTML:
        rows = [
            {
                "Action": self._action_label(r["action_id"], r["action"]),
                "Owner": r["owner"],
                "Due date": long_date(r["due_date"]),
                "Rating": self._rating_cell(r["computed_rag"], r["officer_rag"]),
            }
            for r in frame.to_dict("records")
        ]
        return h.table(
            _frame(rows, ["Action", "Owner", "Due date", "Rating"]),
            title,
            cell_html={"Rating": _identity},
            numeric=[],
        )

    def _completed_table(self, frame: pd.DataFrame, title: str) -> h.HTML:
        rows = [
            {
                "Action": self._action_label(r["action_id"], r["action"]),
                "Owner": r["owner"],
                "Due date": long_date(r["due_date"]),
                "Completed on": long_date(r["completed_date"]),
            }
            for r in frame.to_dict("records")
        ]
        return h.table(
            _frame(rows, ["Action", "Owner", "Due date", "Completed on"]), title, numeric=[]
        )

    def _slipped_table(self, frame: pd.DataFrame, title: str) -> h.HTML:
        rows = [
            {
                "Action": self._action_label(r["action_id"], r["action"]),
                "Owner": r["owner"],
                "Now due": long_date(r["due_date"]),
                "Moved this month": _plural(int(r["slipped_days_this_month"]), "day"),
                "Times moved": int(r["times_slipped"]),
                "Days moved in all": int(r["slipped_days_total"]),
                "First due": long_date(r["first_due_date"]),
            }
            for r in frame.to_dict("records")
        ]
        return h.table(
            _frame(
                rows,
                [
                    "Action",
                    "Owner",
                    "Now due",
                    "Moved this month",
                    "Times moved",
                    "Days moved in all",
                    "First due",
                ],
            ),
            title,
            numeric=["Times moved", "Days moved in all"],
        )

    def _rag_change_table(self, frame: pd.DataFrame, title: str) -> h.HTML:
        rows = [
            {
                "Action": self._action_label(r["action_id"], r["action"]),
                "Was": h.rag(r["previous_rag"]),
                "Now": h.rag(r["computed_rag"]),
                "Why": _sentence(_long_dates(r["rag_reason"])),
                "Owner": r["owner"],
            }
            for r in frame.to_dict("records")
        ]
        return h.table(
            _frame(rows, ["Action", "Was", "Now", "Why", "Owner"]),
            title,
            cell_html={"Was": _identity, "Now": _identity},
            numeric=[],
        )

    def _stale_table(self, frame: pd.DataFrame, title: str) -> h.HTML:
        rows = [
            {
                "Action": self._action_label(r["action_id"], r["action"]),
                "Owner": r["owner"],
                "Rating": h.rag(r["computed_rag"]),
                "Last new update": dates.month_label(r["last_update_month"]),
                "Months without a new update": int(r["months_since_update"]),
            }
            for r in frame.sort_values(
                "months_since_update", ascending=False, kind="stable"
            ).to_dict("records")
        ]
        return h.table(
            _frame(
                rows,
                ["Action", "Owner", "Rating", "Last new update", "Months without a new update"],
            ),
            f"{title}, longest without an update first",
            cell_html={"Rating": _identity},
            numeric=["Months without a new update"],
        )

    def _gone_table(self, frame: pd.DataFrame, title: str) -> h.HTML:
        rows = [
            {
                "Action": self._action_label(r["action_id"], r["action"]),
                "Owner": r["owner"],
                "Last seen": dates.month_label(r["last_seen_month"]),
                "Status then": STATUS_LABELS.get(r["status"], "Not recorded"),
                "Rating then": h.rag(r["computed_rag"]),
            }
            for r in frame.to_dict("records")
        ]
        return h.table(
            _frame(rows, ["Action", "Owner", "Last seen", "Status then", "Rating then"]),
            title,
            cell_html={"Rating then": _identity},
            numeric=[],
        )

    def _measure_change_table(self, frame: pd.DataFrame, title: str) -> h.HTML:
        rows = [
            {
                "Measure": f"{r['measure_id']}: {r['name']}",
                "Was": h.rag(r["previous_rag"]),
                "Now": h.rag(r["rag"]),
                "Value": f"{format_value(r['previous_value'], r['unit'])} to "
                f"{format_value(r['value'], r['unit'])}",
                "Why": _sentence(_long_dates(r["rag_reason"])),
            }
            for r in frame.to_dict("records")
        ]
        return h.table(
            _frame(rows, ["Measure", "Was", "Now", "Value", "Why"]),
            title,
            cell_html={"Was": _identity, "Now": _identity},
            numeric=[],
        )

    def _group_rows(self, groups: pd.DataFrame, name_of) -> list[dict[str, Any]]:
        rows = []
        for rec in groups.to_dict("records"):
            n = int(rec["actions"])
            share = "" if _missing(rec["share_complete"]) else f" ({rec['share_complete']:.0%})"
            rows.append(
                {
                    "name": name_of(rec),
                    "Rating": h.rag(rec["rag"]),
                    "Red": int(rec["red"]),
                    "Amber": int(rec["amber"]),
                    "Green": int(rec["green"]),
                    "Complete": f"{int(rec['complete'])} of {n}{share}",
                    "Measures on trajectory": (
                        f"{int(rec['measures_green'])} of {int(rec['measures'])}"
                    ),
                    "What decides the rating": self._driver(rec),
                }
            )
        return rows

    def by_recommendation(self) -> h.HTML:
        """Return a summary table with one row per recommendation.

        Returns
        -------
        carelib.html.HTML
            A sentence counting recommendations by rating, then a table: wording, rating
            (badge), actions by rating, share complete, measures on trajectory, and the
            action or measure that decides the rating with the reason.
        """
        recs = self._recommendations()
        counts = self.summary["recommendations_by_rag"]
        lead = (
            f"Of {len(recs)} recommendations, {counts['red']} {_is_are(counts['red'])} "
            f"rated red, {counts['amber']} amber, {counts['green']} green and "
            f"{counts['blue']} blue (every action complete and every target met)."
        )
        rows = self._group_rows(
            recs,
            lambda r: (
                f"{r['recommendation_id']}: "
                f"{'' if _missing(r['recommendation']) else r['recommendation']}"
            ),
        )
        for row in rows:
            row["Recommendation"] = row.pop("name")
        cols = [
            "Recommendation",
            "Rating",
            "Red",
            "Amber",
            "Green",
            "Complete",
            "Measures on trajectory",
            "What decides the rating",
        ]
        table = h.table(
            _frame(rows, cols),
            f"Improvement plan by recommendation at {self.reference}",
            cell_html={"Rating": _identity},
            numeric=["Red", "Amber", "Green"],
        )
        return h.join([h.paragraph(lead), table])

    def by_theme(self) -> h.HTML:
        """Return a summary table with one row per theme.

        Returns
        -------
        carelib.html.HTML
            Each theme's rating (badge), recommendations, actions by rating, share
            complete, measures on trajectory and the item that decides the rating.
        """
        themes = self.assessment.themes
        if not len(themes):
            return h.paragraph("No actions have a theme recorded.")
        worst = themes[themes["rag"] == "red"]
        lead = (
            f"{len(worst)} of {_plural(len(themes), 'theme')} {_is_are(len(worst))} "
            "rated red. A measure counts towards every theme its recommendation's "
            "actions belong to."
        )
        rows = self._group_rows(themes, lambda r: _theme_name(r["theme"]))
        for row, rec in zip(rows, themes.to_dict("records"), strict=True):
            row["Theme"] = row.pop("name")
            row["Recommendations"] = int(rec["recommendations"])
        cols = [
            "Theme",
            "Rating",
            "Recommendations",
            "Red",
            "Amber",
            "Green",
            "Complete",
            "Measures on trajectory",
            "What decides the rating",
        ]
        table = h.table(
            _frame(rows, cols),
            f"Improvement plan by theme at {self.reference}",
            cell_html={"Rating": _identity},
            numeric=["Recommendations", "Red", "Amber", "Green"],
        )
        return h.join([h.paragraph(lead), table])

    # ----------------------------------------------------------------------- charts

    def _behind_since(self) -> str | None:
        """Return the first month of the current run of months with fewer complete than due."""
        burn = self.assessment.burnup
        behind = list(burn["complete"] < burn["due_to_date"])
        if not behind or not behind[-1]:
            return None
        start = len(behind) - 1
        while start > 0 and behind[start - 1]:
            start -= 1
        return burn["month"].iloc[start]

    def burnup_title(self) -> str:
        """Return the burn-up chart's title, which says what the chart shows."""
        since = self._behind_since()
        if since is None:
            return f"Completed actions are keeping pace with actions due, to {self.month_label}"
        if since == self.ctx.month:
            return f"Fewer actions were complete than due in {self.month_label}"
        return (
            f"Fewer actions have been complete than due at every month end since "
            f"{dates.month_label(since)}"
        )

    def burnup_finding(self) -> str:
        """Return the burn-up chart's finding in words (its alt text)."""
        burn = self.assessment.burnup
        last = burn.iloc[-1]
        text = (
            f"By {dates.month_label(last['month'])}, {int(last['complete'])} of "
            f"{int(last['total'])} actions were complete against {int(last['due_to_date'])} "
            f"due"
        )
        since = self._behind_since()
        if since is not None and since != self.ctx.month:
            text += (
                f"; fewer actions have been complete than due at every month end since "
                f"{dates.month_label(since)}"
            )
        elif since is not None:
            text += "; fewer actions were complete than due this month"
        else:
            text += "; completed actions are keeping pace with actions due"
        overdue = int(last["overdue"])
        return text + f", and {_plural(overdue, 'action')} {_was_were(overdue)} overdue."

    def burnup(self) -> h.HTML:
        """Return the plan burn-up chart: actions in the plan, due and complete by month.

        Returns
        -------
        carelib.html.HTML
            An accessible figure (title, alt text stating the finding, source line and
            the numbers as a table) and the finding as a sentence.
        """
        burn = self.assessment.burnup
        plt = charts.pyplot()
        fig, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
        xs = list(range(len(burn)))
        lines = [
            ("In plan", "total", charts.GREY, ":", None),
            ("Due", "due_to_date", charts.PALETTE[1], "--", "s"),
            ("Complete", "complete", charts.PALETTE[0], "-", "o"),
        ]
        ends = []
        for label, col, colour, dash, marker in lines:
            ys = burn[col].astype(float).tolist()
            ax.plot(
                xs, ys, color=colour, linestyle=dash, marker=marker, markersize=3.5, linewidth=2
            )
            ends.append((ys[-1], f"{label}: {int(ys[-1])}", colour))
        top = float(burn["total"].max()) if len(burn) else 1.0
        _label_ends(ax, xs[-1] if xs else 0, ends, gap=0.07 * max(top, 1.0))
        ax.set_ylim(0, max(top, 1.0) * 1.08)
        _month_ticks(ax, list(burn["month"]))
        ax.set_ylabel("Actions")
        ax.margins(x=0.02)
        ax.set_xlim(-0.5, len(xs) - 0.5 + max(2.5, len(xs) * 0.16))
        data = _frame(
            [
                {
                    "Month": dates.month_label(r["month"]),
                    "Actions in plan": int(r["total"]),
                    "Due by month end": int(r["due_to_date"]),
                    "Complete": int(r["complete"]),
                    "Overdue": int(r["overdue"]),
                }
                for r in burn.to_dict("records")
            ],
            ["Month", "Actions in plan", "Due by month end", "Complete", "Overdue"],
        )
        finding = self.burnup_finding()
        figure = charts.figure(
            fig,
            title=self.burnup_title(),
            alt=finding,
            source=self.source,
            data=data,
            data_caption="Actions in the plan, due and complete at each month end",
        )
        return h.join(
            [
                h.paragraph(finding),
                h.paragraph(
                    "When the complete line stays below the due line, delivery is behind "
                    "schedule. An action counts as due once its current due date has "
                    "passed, so moving a due date later takes it off the due line."
                ),
                figure,
            ]
        )

    def _measure_finding(self, m: Mapping[str, Any]) -> str:
        """One measure's position in words, for alt text and the list under the chart."""
        unit = m["unit"]
        polarity = POLARITY_WORDS.get(m["polarity"], "direction not recorded")
        name = f"{m['name']} ({polarity})"
        target = f"target {format_value(m['target'], unit)} by {long_date(m['target_date'])}"
        if _missing(m["value"]):
            reason = _long_dates(m["rag_reason"])
            return f"{name}: no value for {self.month_label}; {reason}; {target}."
        text = f"{name}: {format_value(m['value'], unit)} in {self.month_label}"
        if not _missing(m["trajectory"]):
            behind = m["behind_trajectory"]
            where = "on" if abs(behind) < 1e-9 else "ahead of" if behind < 0 else "behind"
            text += (
                f", {where} its trajectory of {format_value(m['trajectory'], unit)} "
                f"(rated {RAG_WORDS.get(m['rag'], m['rag'])})"
            )
        return f"{text}; {m['progress_text']}; {target}."

    def _measure_figure(self, rid: str, measures: pd.DataFrame) -> h.HTML:
        """One figure per recommendation: a small chart per measure (small multiples)."""
        plt = charts.pyplot()
        records = measures.to_dict("records")
        n = len(records)
        # Panels are stacked, not side by side: on a phone a half-width panel shrinks
        # to unreadable, while a full-width one keeps its labels legible.
        height = 3.4 if n == 1 else 2.7 * n
        fig, axes = plt.subplots(n, 1, figsize=(8, height), layout="constrained", squeeze=False)
        plan_start = self.assessment.timeline["plan_start"]
        table_rows = []
        for ax, m in zip(axes.flat, records, strict=True):
            table_rows += self._measure_panel(ax, m, plan_start)
        kpi_linked = any(not _missing(m["kpi"]) for m in records)
        source = self.source + (f"; {KPI_SOURCE}" if kpi_linked else "")
        on_track = sum(m["rag"] == "green" for m in records)
        if n == 1:
            where = {
                "green": "on or ahead of its trajectory",
                "amber": "a little behind its trajectory",
                "red": "behind its trajectory",
            }.get(records[0]["rag"], "no value to compare with its trajectory")
            title = f"{records[0]['name']}: {where} in {self.month_label}"
        else:
            title = (
                f"Recommendation {rid}: {on_track} of {n} progress measures on or ahead "
                f"of trajectory in {self.month_label}"
            )
        alt = " ".join(self._measure_finding(m) for m in records)
        data = _frame(table_rows, ["Month", "Measure", "Actual", "Trajectory", "Rating"])
        return charts.figure(
            fig,
            title=title,
            alt=alt,
            source=source,
            data=data,
            data_caption=f"Progress measures for recommendation {rid} by "
            "month: actual value, trajectory and rating",
        )

    def _measure_panel(self, ax, m: Mapping[str, Any], plan_start: dt.date) -> list[dict[str, Any]]:
        """Draw one measure: actual by month (solid), trajectory (dashed), target (dotted)."""
        mid, unit = m["measure_id"], m["unit"]
        hist = self.measure_history[self.measure_history["measure_id"] == mid]
        target_date = m["target_date"].date() if not _missing(m["target_date"]) else None
        first = min([*hist["month"], dates.month_of(plan_start)])
        last = max([self.ctx.month, *([dates.month_of(target_date)] if target_date else [])])
        months = dates.month_range(first, last)
        pos = {month: i for i, month in enumerate(months)}
        values = dict(zip(hist["month"], hist["value"], strict=True))
        xs = list(range(len(months)))
        actual = [values.get(month, math.nan) for month in months]
        ax.plot(
            xs,
            actual,
            color=charts.PALETTE[0],
            linestyle="-",
            marker="o",
            markersize=3,
            linewidth=2,
        )
        can_draw = not (_missing(m["baseline"]) or _missing(m["target"]) or target_date is None)
        if can_draw:
            upto = [month for month in months if month <= dates.month_of(target_date)]
            traj = [
                plan.trajectory(
                    m["baseline"], m["target"], plan_start, target_date, dates.reference_date(month)
                )
                for month in upto
            ]
            ax.plot(xs[: len(upto)], traj, color=charts.PALETTE[1], linestyle="--", linewidth=1.6)
            # Label the trajectory half way along, on the side away from the actual line,
            # where it cannot collide with the latest value's label.
            mid = len(upto) // 2
            near = [v for v in actual[max(0, mid - 2) : mid + 3] if not _missing(v)]
            above = bool(near) and sum(near) / len(near) > traj[mid]
            ax.annotate(
                "Trajectory",
                (mid, traj[mid]),
                xytext=(0, -13 if above else 13),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=8.5,
                color=charts.PALETTE[1],
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
            )
            ax.axhline(m["target"], color=charts.INK, linestyle=":", linewidth=1.3)
            ax.annotate(
                f"Target {format_value(m['target'], unit)}",
                (0, m["target"]),
                xytext=(2, 4),
                textcoords="offset points",
                fontsize=8.5,
                color=charts.INK,
            )
        now = pos.get(self.ctx.month)
        if now is not None and not _missing(actual[now]):
            # Beside the latest point, on a white patch so that no line runs through it.
            ax.annotate(
                f"{dates.month_label(self.ctx.month)[:3]} {self.ctx.month[:4]}: "
                f"{format_value(actual[now], unit)}",
                (now, actual[now]),
                xytext=(6, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=8.5,
                fontweight="bold",
                color=charts.PALETTE[0],
                bbox={"boxstyle": "square,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9},
            )
        polarity = POLARITY_WORDS.get(m["polarity"], "direction not recorded")
        ax.set_title(
            textwrap.fill(_mpl_text(m["name"]), 90) + f"\n({polarity})", fontsize=9.5, loc="left"
        )
        ax.set_ylabel(_UNIT_AXIS.get(unit, "Value"), fontsize=9)
        ax.tick_params(labelsize=8.5)
        _month_ticks(ax, months, most=8)
        ax.margins(x=0.04, y=0.18)
        rows = []
        for rec in hist.to_dict("records"):
            rows.append(
                {
                    "Month": dates.month_label(rec["month"]),
                    "Measure": f"{mid}: {m['name']}",
                    "Actual": format_value(rec["value"], unit),
                    "Trajectory": format_value(rec["trajectory"], unit),
                    "Rating": h.RAG_LABELS.get(rec["rag"], "No data"),
                }
            )
        return rows

    # -------------------------------------------------------------- recommendations

    def recommendation_sections(self) -> h.HTML:
        """Return one section per recommendation: its wording, actions and measures.

        Returns
        -------
        carelib.html.HTML
            For each recommendation, an ``h3`` section with the recommendation's wording,
            its rating and what decides it, its actions as a table (status, due date,
            computed rating and the owner's rating flagged where they differ, owner,
            latest update), and its progress measures: how close each is to its target
            and a chart of each against its trajectory and target.
        """
        parts = []
        acts = self.assessment.actions
        meas = self.assessment.measures
        for rec in self._recommendations().to_dict("records"):
            rid = rec["recommendation_id"]
            parts.append(
                self._recommendation_section(
                    rec,
                    acts[acts["recommendation_id"] == rid],
                    meas[meas["recommendation_id"] == rid],
                )
            )
        if not parts:
            return h.paragraph("The plan has no recommendations this month.")
        return h.join(parts)

    def _recommendation_section(
        self, rec: Mapping[str, Any], acts: pd.DataFrame, meas: pd.DataFrame
    ) -> h.HTML:
        rid = rec["recommendation_id"]
        sid = f"plan-{h.slug(rid)}"
        rating = RAG_WORDS.get(rec["rag"], "not rated") if not _missing(rec["rag"]) else "not rated"
        title = (
            f"Recommendation {rid}: {rating.split(' (')[0]}, {int(rec['complete'])} of "
            f"{_plural(int(rec['actions']), 'action')} complete"
        )
        wording = rec["recommendation"]
        body: list[object] = [
            h.tag(
                "blockquote",
                h.paragraph("Not recorded" if _missing(wording) else str(wording)),
                class_="recommendation-text",
            ),
            h.summary_list(
                [
                    ("Rating", h.join([h.rag(rec["rag"]), " ", self._driver(rec)], "")),
                    (
                        "Themes",
                        ", ".join(_theme_name(t) for t in str(rec["themes"]).split(", ") if t)
                        or "None recorded",
                    ),
                    (
                        "Actions",
                        f"{int(rec['red'])} red, {int(rec['amber'])} amber, "
                        f"{int(rec['green'])} green, {int(rec['blue'])} complete",
                    ),
                    (
                        "Progress measures",
                        f"{int(rec['measures_green'])} of {int(rec['measures'])} on "
                        f"trajectory, {int(rec['measures_met'])} at target",
                    ),
                ]
            ),
            h.tag("h4", f"Actions for {rid}", id=f"{sid}-actions"),
            self._actions_table(rid, acts),
        ]
        body.append(h.tag("h4", f"Progress measures for {rid}", id=f"{sid}-measures"))
        if len(meas):
            items = [
                h.join([h.rag(m["rag"]), " ", self._measure_finding(m)], "")
                for m in meas.to_dict("records")
            ]
            body.append(h.bullets(items))
            for m in meas.to_dict("records"):
                if _missing(m["kpi"]) or m["kpi"] not in self.partial_kpis:
                    continue
                last_partial, window = self.partial_kpis[m["kpi"]]
                body.append(
                    h.paragraph(
                        f"{m['name']} is worked out over {_plural(window, 'month')} of workforce "
                        f"data, so it is shown from "
                        f"{dates.month_label(dates.add_months(last_partial, 1))}, the first month "
                        "with that much data."
                    )
                )
            body.append(self._measure_figure(rid, meas))
        else:
            body.append(h.paragraph("This recommendation has no progress measures."))
        return h.section(title, *body, level=3, id=sid)

    def _actions_table(self, rid: str, acts: pd.DataFrame) -> h.HTML:
        if not len(acts):
            return h.paragraph("No actions are recorded for this recommendation.")
        order = acts.assign(_rank=acts["computed_rag"].map(plan.RAG_ORDER).fillna(-1))
        order = order.sort_values("_rank", ascending=False, kind="stable")
        rows = []
        for r in order.to_dict("records"):
            due = long_date(r["due_date"])
            if r["times_slipped"]:
                due += (
                    f" (first due {long_date(r['first_due_date'])}; moved "
                    f"{_plural(int(r['times_slipped']), 'time')}, "
                    f"{_plural(int(r['slipped_days_total']), 'day')} in all)"
                )
            if r["status"] == "complete" and not _missing(r["completed_date"]):
                status = f"Complete on {long_date(r['completed_date'])}"
            else:
                status = STATUS_LABELS.get(r["status"], "Not recorded")
            update = "No update recorded" if _missing(r["update"]) else str(r["update"])
            if r["stale"]:
                update += f" (no new update for {_plural(int(r['months_since_update']), 'month')})"
            # "Complete" beside a "Blue (complete)" badge says nothing new.
            reason = "" if r["computed_rag"] == "blue" else _sentence(_long_dates(r["rag_reason"]))
            rows.append(
                {
                    "Action": self._action_label(r["action_id"], r["action"]),
                    "Status": status,
                    "Due date": due,
                    "Rating": h.join(
                        [
                            h.rag(r["computed_rag"]),
                            h.tag("span", f" {reason}", class_="rag-reason") if reason else None,
                        ],
                        "",
                    ),
                    "Owner's rating": self._officer_cell(r["computed_rag"], r["officer_rag"]),
                    "Owner": "Not recorded" if _missing(r["owner"]) else r["owner"],
                    "Latest update": update,
                }
            )
        return h.table(
            _frame(
                rows,
                [
                    "Action",
                    "Status",
                    "Due date",
                    "Rating",
                    "Owner's rating",
                    "Owner",
                    "Latest update",
                ],
            ),
            f"Actions for recommendation {rid}, worst rated first",
            cell_html={"Rating": _identity, "Owner's rating": _identity},
            numeric=[],
        )

    # ------------------------------------------------------------------------ rules

    def rules(self) -> h.HTML:
        """Return the rating rules in plain English, with this configuration's thresholds.

        Returns
        -------
        carelib.html.HTML
            How actions, progress measures, recommendations and themes are rated and
            what the change flags mean, using the ``[rag]`` settings of the config.
        """
        rag = self.ctx.config["rag"]
        soon = int(rag["due_soon_days"])
        share = float(rag["amber_gap_share"])
        stale = int(rag["stale_update_months"])

        def rule(colour: str, text: str) -> h.HTML:
            return h.join([h.rag(colour), " ", text], "")

        return h.join(
            [
                h.paragraph(
                    f"Every rating on this page is worked out the same way each month, at "
                    f"the last day of the month ({self.reference} for this report), from "
                    "the plan as it stood that day."
                ),
                h.tag("h3", "Actions", id="plan-rules-actions"),
                h.bullets(
                    [
                        rule("blue", "the action is complete."),
                        rule(
                            "red",
                            "the action is blocked, or its due date has passed and it is not "
                            "complete (an action due on the last day of the month is not yet "
                            "overdue).",
                        ),
                        rule(
                            "amber",
                            f"the action has not started although its start date has "
                            f"passed, or it has not started and is due within {soon} days.",
                        ),
                        rule("green", "anything else: the action is on track."),
                    ]
                ),
                h.paragraph(
                    "The owner's own rating is shown beside the worked-out rating and "
                    "flagged where the two differ; it does not change the worked-out "
                    "rating."
                ),
                h.tag("h3", "Progress measures", id="plan-rules-measures"),
                h.paragraph(
                    "Each measure has a baseline, a target and a target date. Its "
                    "trajectory is a straight line from the baseline at the start of the "
                    "plan to the target on the target date: where the measure should be "
                    "by now if progress were steady."
                ),
                h.bullets(
                    [
                        rule("green", "on the trajectory or better."),
                        rule(
                            "amber",
                            f"worse than the trajectory by no more than {share:.0%} of the "
                            "gap between baseline and target.",
                        ),
                        rule("red", "worse than the trajectory by more than that."),
                        rule("grey", "there is no value this month; this is not a judgement."),
                    ]
                ),
                h.paragraph(
                    "Whether higher or lower is better is stated for every measure. Each "
                    "measure also shows how far it is from its target and how much of "
                    "the gap from its baseline has been closed."
                ),
                h.tag("h3", "Recommendations and themes", id="plan-rules-recommendations"),
                h.bullets(
                    [
                        rule("red", "any of its actions or measures is red."),
                        rule("amber", "otherwise, any action or measure is amber."),
                        rule(
                            "blue", "every action is complete and every measure has met its target."
                        ),
                        rule("green", "anything else."),
                    ]
                ),
                h.paragraph(
                    "The action or measure that decides the rating is named with the "
                    "reason. Measures with no value add no colour but stop a "
                    "recommendation being blue."
                ),
                h.tag("h3", "Changes since last month", id="plan-rules-changes"),
                h.bullets(
                    [
                        "A due date moved later than last month counts as a slip; the days moved "
                        "this month, in all, and the number of moves are shown.",
                        f"An action not complete whose progress note has not changed for {stale} "
                        "months or more is flagged as having no new update.",
                        "An action in last month's plan but not this month's is listed as "
                        "no longer in the plan.",
                    ]
                ),
                h.paragraph(
                    "The full rules, with examples and boundary cases, are in the carelib "
                    "documentation (docs/plan_rules.md)."
                ),
            ]
        )


# ------------------------------------------------------------------- chart helpers


def _owner_view(computed: str, officer: str) -> str:
    """Say whether the owner's rating is better or worse than the computed one."""
    better = plan.RAG_ORDER.get(officer, 0) < plan.RAG_ORDER.get(computed, 0)
    return "more optimistic" if better else "more cautious"


def _percent(part: int, whole: int) -> str:
    return "0%" if not whole else f"{part / whole:.0%}"


def _is_are(n: int) -> str:
    return "is" if n == 1 else "are"


def _was_were(n: int) -> str:
    return "was" if n == 1 else "were"


def _month_ticks(ax, months: list[str], most: int = 8) -> None:
    """Label the x axis with months ("Oct 2023"), at most ``most`` labels."""
    if not months:
        return
    step = max(1, math.ceil(len(months) / most))
    ticks = list(range(0, len(months), step))
    ax.set_xticks(ticks)
    ax.set_xticklabels(
        [f"{dates.month_label(months[t])[:3]} {months[t][:4]}" for t in ticks], fontsize=8.5
    )


def _label_ends(ax, x: float, ends: Iterable[tuple[float, str, str]], gap: float) -> None:
    """Write each line's label at its right end, nudged apart so none overlap."""
    placed: list[float] = []
    for y, text, colour in sorted(ends, key=lambda e: e[0]):
        pos = y if not placed else max(y, placed[-1] + gap)
        placed.append(pos)
        ax.annotate(
            text,
            (x, y),
            xytext=(x + 0.6, pos),
            textcoords="data",
            va="center",
            fontsize=9,
            color=colour,
            fontweight="bold",
        )
