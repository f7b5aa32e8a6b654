"""The sections of the workforce planning page (``workforce_planning.html``).

Every figure comes from :mod:`carelib.planning`, :mod:`carelib.projection` and
:mod:`carelib.retention`; this module words and draws them. Each section returns
:class:`carelib.html.HTML`, which shows the same in JupyterLab and on the page.
"""

from __future__ import annotations

import math
import time

import pandas as pd

from carelib import charts, dates, planning, projection, retention, workforce
from carelib import html as h
from carelib.notebook import ReportContext

__all__ = ["PlanningReport"]

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


class PlanningReport:
    """Build the workforce planning page for one month.

    Parameters
    ----------
    ctx : carelib.notebook.ReportContext
        The notebook's context.
    """

    def __init__(self, ctx: ReportContext):
        self.ctx = ctx
        cfg = ctx.config
        self.month = ctx.month
        self.council = str(cfg["council"]["name"])
        self.fy_start = int(cfg["targets"]["financial_year_start_month"])
        self.publication = bool(ctx.publication)
        self.threshold = int(cfg["publication"]["threshold"])
        start = time.perf_counter()
        self.result = planning.forecast(ctx.history, self.month, cfg)
        self.seconds = time.perf_counter() - start
        self.source = SOURCE.format(council=self.council, runs=self.result["simulations"])
        table = workforce.indicators(ctx.history, by_team=False, fy_start_month=self.fy_start)
        self.actual = table.pivot_table(
            index="month", columns="indicator", values="value", aggfunc="first"
        ).sort_index()
        self.spells = retention.spells(ctx.history, self.month, self.fy_start)

    # ------------------------------------------------------------------ outputs

    def headline(self) -> str:
        """The page's headline sentence (agency reliance): also shown on the overview."""
        return planning.headline(self.result, "agency_rate")

    def publish_outputs(self) -> None:
        """Write ``workforce_projection.csv`` and hand the headline to the overview page."""
        rows = [
            {"indicator": ind, "label": item["label"], **point, "target": item["target"]}
            for ind, item in self.result["indicators"].items()
            for point in item["projection"]
        ]
        self.ctx.write_csv("workforce_projection.csv", pd.DataFrame(rows))
        summary = self._retention_table("route")
        self.ctx.write_csv("retention_by_route.csv", summary)
        self.ctx.headlines({"planning_summary": self.headline() + "."})

    # ------------------------------------------------------------------ sections

    def summary(self) -> h.HTML:
        """Headline sentences for every target, and the year's recruitment against plan."""
        items = [planning.headline(self.result, ind) + "." for ind in self.result["indicators"]]
        rec = self.result["recruitment"]
        items.append(
            f"Qualified social workers hired this financial year (to "
            f"{dates.month_label(rec['financial_year_end'])}): projected {rec['projected']} "
            f"of {rec['target']} planned (range {rec['low']} to {rec['high']})."
        )
        intro = h.paragraph(
            f"Projected from {dates.month_label(self.month)} at the current pace: starters "
            f"and leavers as in the last {self.result['window_months']} months. The range is "
            f"where {self.result['band']:.0%} of {self.result['simulations']:,} simulated "
            "futures fall."
        )
        parts = [intro, h.bullets(items)]
        if self.publication:
            parts.append(
                h.notice(
                    f"Publication version: counts from 1 to {self.threshold} in the retention "
                    "tables, and estimates from groups that small, are shown as c."
                )
            )
        return h.join(parts)

    def targets(self) -> h.HTML:
        """When each target is met, and what it would take to meet it on time."""
        rows = []
        for item in self.result["indicators"].values():
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
        return h.table(
            pd.DataFrame(rows),
            "When each target is met at the current pace, and what it would take to meet "
            "it by its due month",
            row_header="Indicator",
        )

    def _chart(self, indicator: str) -> h.HTML:
        item = self.result["indicators"][indicator]
        past = self.actual[indicator].loc[: self.month].tail(HISTORY_MONTHS).dropna()
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
            label=f"Range ({self.result['band']:.0%} of runs)",
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
            f"{item['label']}: {_pct(item['now'])} in {dates.month_label(self.month)}, "
            f"projected {last['central']:.1f}% by {dates.month_label(last['month'])} "
            f"(range {last['low']:.1f}% to {last['high']:.1f}%) against a target of "
            f"{item['target']:g}%. {planning.headline(self.result, indicator)}."
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
            source=self.source,
            data=data,
            formats={c: "{:.1f}" for c in ("Projected (%)", "Low (%)", "High (%)")},
        )

    def projections(self) -> h.HTML:
        """A chart per indicator: the last two years, then the projection and its band."""
        return h.join(self._chart(ind) for ind in self.result["indicators"])

    def scenarios(self) -> h.HTML:
        """The scenarios of ``[planning] scenarios`` beside the current pace."""
        if not self.result["scenarios"]:
            return h.paragraph("No scenarios are set in carelib.toml ([planning] scenarios).")
        base = {
            "Scenario": "Current pace",
            **{
                item["label"]: projection.month_text(item["first_met"])
                for item in self.result["indicators"].values()
            },
            "Hires this financial year": self.result["recruitment"]["projected"],
        }
        rows = [base]
        for name, res in self.result["scenarios"].items():
            row = {"Scenario": name}
            for ind, item in self.result["indicators"].items():
                row[item["label"]] = projection.month_text(res[ind])
            row["Hires this financial year"] = res["year_end_hires"]
            rows.append(row)
        return h.table(
            pd.DataFrame(rows),
            "The month each target is first met, and this year's hires, under each scenario",
            row_header="Scenario",
        )

    def _retention_table(self, by: str) -> pd.DataFrame:
        table = retention.summary(self.spells, by)
        if self.publication:
            table = retention.suppress(table, self.threshold)
        return table

    def retention(self) -> h.HTML:
        """Time-in-post curves by entry route, with median and 12- and 24-month figures."""
        curves = retention.curves(self.spells, "route", horizon=60)
        if self.publication:
            curves = retention.suppress(curves, self.threshold)
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
        table = self._retention_table("route")
        frame = self._summary_frame(table, "Entry route")
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
            source=f"{self.council} monthly workforce data (Kaplan-Meier estimates)",
        )
        note = h.paragraph(
            "From every start and leave in the data: people still in post count up to now "
            "(censored), and people who started before the data begin count from then. "
            "Intervals are 95%. 'From agency work' includes agency workers who took a "
            "permanent post here (carelib sees them change employment)."
        )
        caption = "Time in post by entry route: median and share still in post"
        numeric = [c for c in frame.columns if c not in ("Entry route",)]
        return h.join(
            [figure, note, h.table(frame, caption, row_header="Entry route", numeric=numeric)]
        )

    @staticmethod
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
                "In post at 12 months (%)": [
                    interval(r, "in_post_12m") for _, r in table.iterrows()
                ],
                "In post at 24 months (%)": [
                    interval(r, "in_post_24m") for _, r in table.iterrows()
                ],
            }
        )

    def cohorts(self) -> h.HTML:
        """Newly qualified social workers: each financial year's cohort."""
        table = self._retention_table("cohort")
        if table.empty:
            return h.paragraph("No newly qualified social workers are recorded.")
        frame = self._summary_frame(table, "Cohort")
        return h.table(
            frame,
            "Newly qualified social workers by financial year of starting: time in post "
            "(95% intervals; 'not known' where too few have been followed that long)",
            row_header="Cohort",
        )

    def leaving(self) -> h.HTML:
        """When people leave: leaving rate by months in post."""
        rates = retention.leaving_rates(self.spells)
        shown = retention.suppress(rates, self.threshold) if self.publication else rates
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
                    "c"
                    if isinstance(lo, str)
                    else ("-" if math.isnan(lo) else f"{lo:.0f} to {hi:.0f}")
                    for lo, hi in zip(shown["low"], shown["high"], strict=True)
                ],
            }
        )
        return h.table(
            frame,
            "Leaving rate of social workers by months in post: leavers per 100 person-years",
            row_header="Months in post",
        )

    def method(self) -> h.HTML:
        """How the projection works, and how well it predicted the last 12 months."""
        bt = self.result["backtest"]
        parts = [
            h.paragraph(
                "Each month the projection takes away leavers at the leaving rate of the last "
                f"{self.result['window_months']} months, adds starters at their recent monthly "
                "average, newly qualified social workers in the intake months set in "
                "carelib.toml, and agency staff who take permanent posts; agency starters and "
                "ends of assignment continue at their recent pace. Vacancies follow the funded "
                "posts, with any changes set in carelib.toml. "
                f"{self.result['simulations']:,} runs with random (Poisson) numbers of "
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
                h.paragraph(
                    f"How well it works: projected from {dates.month_label(bt['origin'])} with "
                    f"only the data to then, the same method was on average {errors} away from "
                    f"what happened over the next {bt['months']} months (mean absolute error). "
                    f"The actual figure was inside the range in {cover} of those months."
                )
            )
        else:
            parts.append(h.paragraph(f"No back-test: {bt.get('note', 'too little history')}."))
        parts.append(
            h.paragraph(
                f"The projection took {self.result['runtime_seconds']:.2f} seconds; this whole "
                f"page's figures {self.seconds:.1f} seconds."
            )
        )
        return h.join(parts)
