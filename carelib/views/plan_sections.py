"""Each recommendation in detail, and the rating rules in plain English, as views."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from carelib import blocks, dates, formatting, plan
from carelib.plan_data import PlanData
from carelib.views import plan_charts, plan_findings
from carelib.views import plan_words as w

ACTION_COLUMNS = [
    "Action",
    "Status",
    "Due date",
    "Rating",
    "Owner's rating",
    "Owner",
    "Latest update",
]


def actions_table(rid: str, acts: pd.DataFrame) -> blocks.Block:
    """A recommendation's actions, worst rated first, with the owner's rating beside."""
    if not len(acts):
        return blocks.paragraph("No actions are recorded for this recommendation.")
    order = acts.assign(_rank=acts["computed_rag"].map(plan.RAG_ORDER).fillna(-1))
    order = order.sort_values("_rank", ascending=False, kind="stable")
    rows = w.Rows(ACTION_COLUMNS)
    for r in order.to_dict("records"):
        due = w.long_date(r["due_date"])
        if r["times_slipped"]:
            due += (
                f" (first due {w.long_date(r['first_due_date'])}; moved "
                f"{formatting.count(int(r['times_slipped']), 'time')}, "
                f"{formatting.count(int(r['slipped_days_total']), 'day')} in all)"
            )
        if r["status"] == "complete" and not w.missing(r["completed_date"]):
            status = f"Complete on {w.long_date(r['completed_date'])}"
        else:
            status = w.STATUS_LABELS.get(r["status"], "Not recorded")
        update = "No update recorded" if w.missing(r["update"]) else str(r["update"])
        if r["stale"]:
            months = formatting.count(int(r["months_since_update"]), "month")
            update += f" (no new update for {months})"
        # "Complete" beside a "Blue (complete)" badge says nothing new.
        reason = "" if r["computed_rag"] == "blue" else w.sentence(w.long_dates(r["rag_reason"]))
        rating = w.text(
            blocks.Rag(r["computed_rag"]),
            blocks.Span(f" {reason}", "rag-reason") if reason else None,
        )
        rows.rows.append(
            dict(
                zip(
                    ACTION_COLUMNS,
                    [
                        w.action_label(r["action_id"], r["action"]),
                        status,
                        due,
                        rating,
                        w.officer_cell(r["computed_rag"], r["officer_rag"]),
                        "Not recorded" if w.missing(r["owner"]) else r["owner"],
                        update,
                    ],
                    strict=True,
                )
            )
        )
    return blocks.Table(
        rows.frame(), f"Actions for recommendation {rid}, worst rated first", numeric=[]
    )


def _partial_notes(data: PlanData, meas: pd.DataFrame) -> list[blocks.Paragraph]:
    notes = []
    for m in meas.to_dict("records"):
        if w.missing(m["kpi"]) or m["kpi"] not in data.partial_kpis:
            continue
        last_partial, window = data.partial_kpis[m["kpi"]]
        notes.append(
            blocks.paragraph(
                f"{m['name']} is worked out over {formatting.count(window, 'month')} of workforce "
                f"data, so it is shown from "
                f"{w.month_label(dates.add_months(last_partial, 1))}, the first month "
                "with that much data."
            )
        )
    return notes


def recommendation_section(
    data: PlanData, rec: Mapping[str, Any], acts: pd.DataFrame, meas: pd.DataFrame
) -> blocks.Section:
    """One recommendation: its wording, rating, actions and progress measures."""
    rid = rec["recommendation_id"]
    sid = f"plan-{blocks.slug(rid)}"
    title = plan_findings.recommendation_heading(data, rec, acts, meas)
    wording = rec["recommendation"]
    themes = ", ".join(w.theme_name(t) for t in str(rec["themes"]).split(", ") if t)
    lead_parts: list[object] = [blocks.Rag(rec["rag"]), " ", w.driver(data, rec), "."]
    if len(acts) and int(rec["complete"]) == len(acts) and rec["rag"] not in ("blue", "green"):
        lead_parts.append(
            " Every action is complete but a measure is not yet where it should be: actions "
            "done, impact not yet seen; new actions may be needed."
        )
    lead = blocks.paragraph(w.text(*lead_parts))
    body: list[object] = [
        w.PlanQuote("Not recorded" if w.missing(wording) else str(wording)),
        blocks.SummaryList(
            [
                ("Rating", w.text(blocks.Rag(rec["rag"]), " ", w.driver(data, rec))),
                ("Themes", themes or "None recorded"),
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
        w.heading(
            f"Actions for {rid}: {int(rec['complete'])} of {len(acts)} complete, "
            f"{int(rec['red'])} red",
            4,
            f"{sid}-actions",
        ),
        actions_table(rid, acts),
        w.heading(
            f"Progress measures for {rid}: {int(rec['measures_green'])} of {len(meas)} on "
            "trajectory",
            4,
            f"{sid}-measures",
        ),
    ]
    if len(meas):
        records = meas.to_dict("records")
        body.append(
            blocks.bullets(
                [
                    w.text(blocks.Rag(m["rag"]), " ", plan_charts.measure_finding(data, m))
                    for m in records
                ]
            )
        )
        body += _partial_notes(data, meas)
        body.append(plan_charts.measures_figure(data, rid, meas))
    else:
        body.append(blocks.paragraph("This recommendation has no progress measures."))
    summary = plan_findings.recommendation_summary(data, rec, acts, meas)
    return blocks.Section(title, [lead, w.PlanDetails(summary, body)], level=3, id=sid)


def plan_recommendation_sections(
    data: PlanData, *, recommendations: Iterable[str] | None = None
) -> blocks.View:
    """One section per recommendation: its wording, actions and measures.

    Parameters
    ----------
    data : carelib.plan_data.PlanData
        The month's plan tables.
    recommendations : iterable of str, optional
        Recommendation ids to show (default all, R2 before R10).

    Returns
    -------
    carelib.blocks.View
        For each recommendation an ``h3`` section with its wording, its rating and what
        decides it, its actions as a table (status, due date, computed rating and the
        owner's rating flagged where they differ, owner, latest update), and its progress
        measures: how close each is to its target and a chart of each against its
        trajectory and target.
    """
    acts, meas = data.actions, data.measures
    sections = [
        recommendation_section(
            data,
            rec,
            acts[acts["recommendation_id"] == rec["recommendation_id"]],
            meas[meas["recommendation_id"] == rec["recommendation_id"]],
        )
        for rec in w.recommendations(data, recommendations).to_dict("records")
    ]
    recs = w.recommendations(data, recommendations)
    counts = {c: int((recs["rag"] == c).sum()) for c in ("red", "amber", "green", "blue")}
    title = (
        f"Each recommendation: {counts['red']} red, {counts['amber']} amber, "
        f"{counts['green']} green and {counts['blue']} blue"
    )
    if not sections:
        return w.view(
            "plan_recommendation_sections",
            "No recommendations this month",
            "The plan has no recommendations this month.",
            [],
            "plan-recommendations",
        )
    finding = (
        "Each recommendation's heading gives its rating and its overdue or blocked actions, "
        "the line under it what decides the rating, and the line that opens its detail its "
        "worst progress measure; open that for the wording, every action and the charts."
    )
    return w.view("plan_recommendation_sections", title, finding, sections, "plan-recommendations")


def _rule(colour: str, words: str) -> object:
    return w.text(blocks.Rag(colour), " ", words)


def plan_rules(data: PlanData) -> blocks.View:
    """The rating rules in plain English, with this configuration's thresholds.

    Returns
    -------
    carelib.blocks.View
        How actions, progress measures, recommendations and themes are rated and what
        the change flags mean, using the ``[rag]`` settings of the config.
    """
    rag = data.config["rag"]
    soon = int(rag["due_soon_days"])
    share = float(rag["amber_gap_share"])
    stale = int(rag["stale_update_months"])
    finding = (
        f"Every rating on this page is worked out the same way each month, at "
        f"the last day of the month ({w.long_date(data.reference_date)} for this report), "
        "from the plan as it stood that day."
    )
    parts = [
        w.heading("Actions", 3, "plan-rules-actions"),
        blocks.bullets(
            [
                _rule("blue", "the action is complete."),
                _rule(
                    "red",
                    "the action is blocked, or its due date has passed and it is not "
                    "complete (an action due on the last day of the month is not yet "
                    "overdue).",
                ),
                _rule(
                    "amber",
                    f"the action has not started although its start date has "
                    f"passed, or it has not started and is due within {soon} days.",
                ),
                _rule("green", "anything else: the action is on track."),
            ]
        ),
        blocks.paragraph(
            "The owner's own rating is shown beside the worked-out rating and "
            "flagged where the two differ; it does not change the worked-out "
            "rating."
        ),
        w.heading("Progress measures", 3, "plan-rules-measures"),
        blocks.paragraph(
            "Each measure has a baseline, a target and a target date. Its "
            "trajectory is a straight line from the baseline at the start of the "
            "plan to the target on the target date: where the measure should be "
            "by now if progress were steady."
        ),
        blocks.bullets(
            [
                _rule("green", "on the trajectory or better."),
                _rule(
                    "amber",
                    f"worse than the trajectory by no more than {w.fraction(share)} of the "
                    "gap between baseline and target.",
                ),
                _rule("red", "worse than the trajectory by more than that."),
                _rule("grey", "there is no value this month; this is not a judgement."),
            ]
        ),
        blocks.paragraph(
            "Whether higher or lower is better is stated for every measure. Each "
            "measure also shows how far it is from its target and how much of "
            "the gap from its baseline has been closed."
        ),
        w.heading("Recommendations and themes", 3, "plan-rules-recommendations"),
        blocks.bullets(
            [
                _rule("red", "any of its actions or measures is red."),
                _rule("amber", "otherwise, any action or measure is amber."),
                _rule("blue", "every action is complete and every measure has met its target."),
                _rule("green", "anything else."),
            ]
        ),
        blocks.paragraph(
            "The action or measure that decides the rating is named with the "
            "reason. Measures with no value add no colour but stop a "
            "recommendation being blue."
        ),
        w.heading("Changes since last month", 3, "plan-rules-changes"),
        blocks.bullets(
            [
                "A due date moved later than last month counts as a slip; the days moved "
                "this month, in all, and the number of moves are shown.",
                f"An action not complete whose progress note has not changed for {stale} "
                "months or more is flagged as having no new update.",
                "An action in last month's plan but not this month's is listed as "
                "no longer in the plan.",
            ]
        ),
        blocks.paragraph(
            "The full rules, with examples and boundary cases, are in the carelib "
            "documentation (docs/plan_rules.md)."
        ),
    ]
    title = f"Ratings follow fixed rules, judged at {w.long_date(data.reference_date)}"
    detail = w.PlanDetails("The rules for actions, measures, recommendations and changes", parts)
    return w.view("plan_rules", title, finding, [detail], "plan-rules")
