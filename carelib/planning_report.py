"""The sections of the workforce planning page (``workforce_planning.html``), as views.

Every figure comes from :mod:`carelib.planning`, :mod:`carelib.projection` and
:mod:`carelib.retention`; this module words and draws them. :func:`load` computes the
month's forecast once (a :class:`Planning`); each section is a small public function
from it to a :class:`carelib.blocks.View`, which shows the same in JupyterLab and on the
page. In ``notebooks/03_workforce_planning.ipynb``::

    plan = planning_report.load(ctx)
    planning_report.projections(plan, indicators=["agency_rate"], history_months=12)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import pandas as pd

from carelib import blocks, charts, dates, planning, projection, retention, workforce
from carelib.notebook import ReportContext

SOURCE = "{council} monthly workforce data; carelib projection ({runs:,} simulated runs)"
HISTORY_MONTHS = 24


def _pct(value) -> str:
    return (
        "-"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else f"{value:.1f}%"
    )


def _estimate(value) -> str:
    if isinstance(value, str):
        return value  # "c": suppressed
    return "not known" if value is None or math.isnan(value) else f"{value:.0f}"


@dataclass
class Planning:
    """The month's forecast and what the sections draw from (see :func:`load`).

    Attributes
    ----------
    ctx : carelib.notebook.ReportContext
        The notebook's context.
    result : dict
        :func:`carelib.planning.forecast`'s result.
    actual : pandas.DataFrame
        The indicators by month (columns), the whole service.
    spells : pandas.DataFrame
        Every spell in post (:func:`carelib.retention.spells`).
    seconds : float
        How long the figures took.
    """

    ctx: ReportContext
    result: dict
    actual: pd.DataFrame
    spells: pd.DataFrame
    seconds: float

    @property
    def month(self) -> str:
        """The reporting month, ``YYYY-MM``."""
        return self.ctx.month

    @property
    def council(self) -> str:
        """The council's name."""
        return str(self.ctx.config["council"]["name"])

    @property
    def publication(self) -> bool:
        """Whether this is the publication version."""
        return bool(self.ctx.publication)

    @property
    def threshold(self) -> int:
        """Publication mode's small-number threshold."""
        return int(self.ctx.config["publication"]["threshold"])

    @property
    def source(self) -> str:
        """The charts' source line."""
        return SOURCE.format(council=self.council, runs=self.result["simulations"])


def load(ctx: ReportContext) -> Planning:
    """Compute the month's forecast, indicators and spells in post, once.

    Parameters
    ----------
    ctx : carelib.notebook.ReportContext
        The notebook's context.
    """
    cfg = ctx.config
    fy_start = int(cfg["targets"]["financial_year_start_month"])
    start = time.perf_counter()
    result = planning.forecast(ctx.history, ctx.month, cfg)
    seconds = time.perf_counter() - start
    table = workforce.indicators(ctx.history, by_team=False, fy_start_month=fy_start)
    actual = table.pivot_table(
        index="month", columns="indicator", values="value", aggfunc="first"
    ).sort_index()
    spells = retention.spells(ctx.history, ctx.month, fy_start)
    return Planning(ctx, result, actual, spells, seconds)


# --- Outputs ----------------------------------------------------------------------------


def headline(plan: Planning) -> str:
    """The page's headline sentence (agency reliance): also shown on the overview."""
    return planning.headline(plan.result, "agency_rate")


def publish_outputs(plan: Planning) -> None:
    """Write ``workforce_projection.csv`` and hand the headline to the overview page."""
    rows = [
        {"indicator": ind, "label": item["label"], **point, "target": item["target"]}
        for ind, item in plan.result["indicators"].items()
        for point in item["projection"]
    ]
    plan.ctx.write_csv("workforce_projection.csv", pd.DataFrame(rows))
    summary = _retention_table(plan, "route")
    plan.ctx.write_csv("retention_by_route.csv", summary)
    plan.ctx.headlines({"planning_summary": headline(plan) + "."})


# --- Sections ---------------------------------------------------------------------------


def summary(plan: Planning) -> blocks.View:
    """Headline sentences for every target, and the year's recruitment against plan."""
    items = [planning.headline(plan.result, ind) + "." for ind in plan.result["indicators"]]
    rec = plan.result["recruitment"]
    items.append(
        f"Qualified social workers hired this financial year (to "
        f"{dates.month_label(rec['financial_year_end'])}): projected {rec['projected']} "
        f"of {rec['target']} planned (range {rec['low']} to {rec['high']})."
    )
    intro = blocks.paragraph(
        f"Projected from {dates.month_label(plan.month)} at the current pace: starters "
        f"and leavers as in the last {plan.result['window_months']} months. The range is "
        f"where {plan.result['band']:.0%} of {plan.result['simulations']:,} simulated "
        "futures fall."
    )
    parts = [intro, blocks.bullets(items)]
    if plan.publication:
        parts.append(
            blocks.notice(
                f"Publication version: counts from 1 to {plan.threshold} in the retention "
                "tables, and estimates from groups that small, are shown as c."
            )
        )
    return blocks.View(name="summary", blocks=parts)


def targets(plan: Planning) -> blocks.View:
    """When each target is met, and what it would take to meet it on time."""
    rows = []
    for item in plan.result["indicators"].values():
        take = item["what_it_takes"]
        early, late = item["first_met_range"]
        extra, cap = take["extra_starters_per_month"], take["max_leavers_per_month"]
        rows.append(
            {
                "Indicator": item["label"],
                "Now": _pct(item["now"]),
                "Target": f"{item['target']:g}%",
                "Due": dates.month_label(take["by"]),
                "First met at the current pace": projection.month_text(item["first_met"]),
                "Range": f"{projection.month_text(early)} to "
                f"{projection.month_text(late) if late else 'beyond the projection'}",
                "Extra permanent starters a month to meet it when due": "none needed"
                if extra == 0
                else ("not reachable" if extra is None else f"{extra:.1f}"),
                "Or leavers a month no more than": "-"
                if extra == 0 or cap is None
                else f"{cap:.1f} (now {take['current_leavers_per_month']:.1f})",
            }
        )
    table = blocks.table(
        pd.DataFrame(rows),
        "When each target is met at the current pace, and what it would take to meet "
        "it by its due month",
        row_header="Indicator",
    )
    return blocks.View(name="targets", blocks=[table])


def projection_chart(
    plan: Planning, indicator: str, history_months: int = HISTORY_MONTHS
) -> blocks.Figure:
    """One indicator's chart: the months before, then the projection and its band."""
    item = plan.result["indicators"][indicator]
    past = plan.actual[indicator].loc[: plan.month].tail(history_months).dropna()
    proj = pd.DataFrame(item["projection"])
    plt = charts.pyplot()
    fig, ax = charts.new_figure()
    n = len(past)
    xs_past = list(range(n))
    xs_proj = list(range(n, n + len(proj)))
    ax.plot(xs_past, past.to_numpy(), color=charts.PALETTE[0], linewidth=2, label="Actual")
    ax.fill_between(
        xs_proj,
        proj["low"],
        proj["high"],
        color=charts.PALETTE[5],
        alpha=0.35,
        label=f"Range ({plan.result['band']:.0%} of runs)",
    )
    ax.plot(
        xs_proj,
        proj["central"],
        color=charts.PALETTE[1],
        linestyle="--",
        linewidth=2,
        label="Projection at the current pace",
    )
    end = proj.iloc[-1]
    ax.annotate(
        f"{end['central']:.1f}%",
        (xs_proj[-1], end["central"]),
        xytext=(6, 0),
        textcoords="offset points",
        va="center",
        fontsize=9,
        color=charts.INK,
    )
    ax.axhline(item["target"], color=charts.INK, linestyle=(0, (6, 3)), linewidth=1.2)
    ax.annotate(
        f"Target {item['target']:g}%",
        (0, item["target"]),
        xytext=(2, 4),
        textcoords="offset points",
        fontsize=9,
        color=charts.INK,
    )
    labels = [*past.index, *proj["month"]]
    ticks = list(range(0, len(labels), 6))
    ax.set_xticks(ticks)
    ax.set_xticklabels(
        [dates.month_label(labels[t])[:3] + " " + labels[t][:4] for t in ticks], fontsize=9
    )
    ax.set_ylabel("Percent")
    ax.set_ylim(bottom=0)
    ax.legend(loc="best", fontsize=9, frameon=False)
    plt.setp(ax.get_xticklabels(), rotation=0)
    last = item["projection"][-1]
    alt = (
        f"{item['label']}: {_pct(item['now'])} in {dates.month_label(plan.month)}, "
        f"projected {last['central']:.1f}% by {dates.month_label(last['month'])} "
        f"(range {last['low']:.1f}% to {last['high']:.1f}%) against a target of "
        f"{item['target']:g}%. {planning.headline(plan.result, indicator)}."
    )
    data = proj.assign(month=[dates.month_label(m) for m in proj["month"]]).rename(
        columns={
            "month": "Month",
            "central": "Projected (%)",
            "low": "Low (%)",
            "high": "High (%)",
        }
    )
    return charts.figure(
        fig,
        title=f"{item['label']}: actual and projected, with the range",
        alt=alt,
        source=plan.source,
        data=data,
        formats={c: "{:.1f}" for c in ("Projected (%)", "Low (%)", "High (%)")},
    )


def projections(
    plan: Planning, indicators=None, history_months: int = HISTORY_MONTHS
) -> blocks.View:
    """A chart per indicator: the last two years, then the projection and its band.

    Parameters
    ----------
    plan : Planning
        The month's forecast.
    indicators : sequence of str, optional
        Which indicators to chart (``agency_rate``, ...), in order; by default every
        projected one.
    history_months : int
        How many months of actual figures each chart shows before the projection.
    """
    shown = list(plan.result["indicators"]) if indicators is None else list(indicators)
    figures = [projection_chart(plan, ind, history_months) for ind in shown]
    return blocks.View(name="projections", blocks=figures)


def scenarios(plan: Planning) -> blocks.View:
    """The scenarios of ``[planning] scenarios`` beside the current pace."""
    if not plan.result["scenarios"]:
        none = blocks.paragraph("No scenarios are set in carelib.toml ([planning] scenarios).")
        return blocks.View(name="scenarios", blocks=[none])
    base = {
        "Scenario": "Current pace",
        **{
            item["label"]: projection.month_text(item["first_met"])
            for item in plan.result["indicators"].values()
        },
        "Hires this financial year": plan.result["recruitment"]["projected"],
    }
    rows = [base]
    for name, res in plan.result["scenarios"].items():
        row = {"Scenario": name}
        for ind, item in plan.result["indicators"].items():
            row[item["label"]] = projection.month_text(res[ind])
        row["Hires this financial year"] = res["year_end_hires"]
        rows.append(row)
    table = blocks.table(
        pd.DataFrame(rows),
        "The month each target is first met, and this year's hires, under each scenario",
        row_header="Scenario",
    )
    return blocks.View(name="scenarios", blocks=[table])


def _retention_table(plan: Planning, by: str) -> pd.DataFrame:
    table = retention.summary(plan.spells, by)
    if plan.publication:
        table = retention.suppress(table, plan.threshold)
    return table


def time_in_post(plan: Planning) -> blocks.View:
    """Time-in-post curves by entry route, with median and 12- and 24-month figures."""
    curves = retention.curves(plan.spells, "route", horizon=60)
    if plan.publication:
        curves = retention.suppress(curves, plan.threshold)
    plt = charts.pyplot()
    fig, ax = charts.new_figure()
    for i, (route, label) in enumerate(retention.ROUTES.items()):
        part = curves[curves["group"] == route]
        part = part[part["in_post"] != "c"]
        if part.empty:
            continue
        ax.step(
            part["months"],
            part["in_post"].astype(float) * 100,
            where="post",
            color=charts.PALETTE[i],
            linestyle=charts.DASHES[i],
            linewidth=2,
            label=label,
        )
        last = part.iloc[-1]
        ax.annotate(
            f"{last['in_post'] * 100:.0f}%",
            (last["months"], last["in_post"] * 100),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color=charts.INK,
        )
    ax.set_xlabel("Months in post")
    ax.set_ylabel("Still in post (%)")
    ax.set_ylim(0, 102)
    ax.legend(loc="lower left", fontsize=9, frameon=False)
    plt.setp(ax.get_xticklabels(), fontsize=9)
    table = _retention_table(plan, "route")
    frame = _summary_frame(table, "Entry route")
    best = table[pd.to_numeric(table["in_post_12m"], errors="coerce").notna()]
    alt = "Share of social workers still in post by months in post, for each entry route. " + (
        "; ".join(
            f"{r['label']}: {_estimate(r['in_post_12m'])}% still in post after 12 months"
            for _, r in best.iterrows()
        )
    )
    figure = charts.figure(
        fig,
        title="Social workers still in post, by months in post and entry route",
        alt=alt,
        source=f"{plan.council} monthly workforce data (Kaplan-Meier estimates)",
    )
    note = blocks.paragraph(
        "From every start and leave in the data: people still in post count up to now "
        "(censored), and people who started before the data begin count from then. "
        "Intervals are 95%. 'From agency work' includes agency workers who took a "
        "permanent post here (carelib sees them change employment)."
    )
    caption = "Time in post by entry route: median and share still in post"
    numeric = [c for c in frame.columns if c not in ("Entry route",)]
    table = blocks.table(frame, caption, row_header="Entry route", numeric=numeric)
    return blocks.View(name="time_in_post", blocks=[figure, note, table])


def _summary_frame(table: pd.DataFrame, head: str) -> pd.DataFrame:
    def interval(row, key, missing="not known"):
        value, low, high = row[key], row[f"{key}_low"], row[f"{key}_high"]
        if isinstance(value, str):
            return value  # suppressed
        if value is None or math.isnan(value):
            return missing
        top = "not reached" if math.isnan(high) else _estimate(high)
        return f"{_estimate(value)} ({_estimate(low)} to {top})"

    return pd.DataFrame(
        {
            head: table["label"],
            "Starters seen": [str(v) for v in table["workers"]],
            "Left": [str(v) for v in table["leavers"]],
            "Median months in post": [
                interval(
                    r.rename(
                        {"median_months": "m", "median_low": "m_low", "median_high": "m_high"}
                    ),
                    "m",
                    "not reached yet",
                )
                for _, r in table.iterrows()
            ],
            "In post at 12 months (%)": [interval(r, "in_post_12m") for _, r in table.iterrows()],
            "In post at 24 months (%)": [interval(r, "in_post_24m") for _, r in table.iterrows()],
        }
    )


def cohorts(plan: Planning) -> blocks.View:
    """Newly qualified social workers: each financial year's cohort."""
    table = _retention_table(plan, "cohort")
    if table.empty:
        none = blocks.paragraph("No newly qualified social workers are recorded.")
        return blocks.View(name="cohorts", blocks=[none])
    frame = _summary_frame(table, "Cohort")
    table = blocks.table(
        frame,
        "Newly qualified social workers by financial year of starting: time in post "
        "(95% intervals; 'not known' where too few have been followed that long)",
        row_header="Cohort",
    )
    return blocks.View(name="cohorts", blocks=[table])


def leaving(plan: Planning) -> blocks.View:
    """When people leave: leaving rate by months in post."""
    rates = retention.leaving_rates(plan.spells)
    shown = retention.suppress(rates, plan.threshold) if plan.publication else rates
    frame = pd.DataFrame(
        {
            "Months in post": rates["band"],
            "Leavers": [str(v) for v in shown["leavers"]],
            "Person-years in post": [f"{v:.0f}" for v in rates["person_years"]],
            "Leaving rate a year (%)": [
                v if isinstance(v, str) else ("-" if math.isnan(v) else f"{v:.0f}")
                for v in shown["rate"]
            ],
            "95% interval": [
                "c" if isinstance(lo, str) else ("-" if math.isnan(lo) else f"{lo:.0f} to {hi:.0f}")
                for lo, hi in zip(shown["low"], shown["high"], strict=True)
            ],
        }
    )
    table = blocks.table(
        frame,
        "Leaving rate of social workers by months in post: leavers per 100 person-years",
        row_header="Months in post",
    )
    return blocks.View(name="leaving", blocks=[table])


def method(plan: Planning) -> blocks.View:
    """How the projection works, and how well it predicted the last 12 months."""
    bt = plan.result["backtest"]
    parts = [
        blocks.paragraph(
            "Each month the projection takes away leavers at the leaving rate of the last "
            f"{plan.result['window_months']} months, adds starters at their recent monthly "
            "average, newly qualified social workers in the intake months set in "
            "carelib.toml, and agency staff who take permanent posts; agency starters and "
            "ends of assignment continue at their recent pace. Vacancies follow the funded "
            "posts, with any changes set in carelib.toml. "
            f"{plan.result['simulations']:,} runs with random (Poisson) numbers of "
            "starters and leavers give the range."
        )
    ]
    if bt["mae"]:
        errors = ", ".join(
            f"{projection.INDICATORS[k].lower()} {v:.1f} points" for k, v in bt["mae"].items()
        )
        cover = ", ".join(
            f"{projection.INDICATORS[k].lower()} {v:.0%}" for k, v in bt["coverage"].items()
        )
        parts.append(
            blocks.paragraph(
                f"How well it works: projected from {dates.month_label(bt['origin'])} with "
                f"only the data to then, the same method was on average {errors} away from "
                f"what happened over the next {bt['months']} months (mean absolute error). "
                f"The actual figure was inside the range in {cover} of those months."
            )
        )
    else:
        parts.append(blocks.paragraph(f"No back-test: {bt.get('note', 'too little history')}."))
    parts.append(
        blocks.paragraph(
            f"The projection took {plan.result['runtime_seconds']:.2f} seconds; this whole "
            f"page's figures {plan.seconds:.1f} seconds."
        )
    )
    return blocks.View(name="method", blocks=parts)
