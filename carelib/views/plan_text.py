"""The improvement plan as plain text: headings and lists only, for screen readers.

:func:`plan_text` is the page ``improvement_plan_text.html`` (built by
:mod:`carelib.month_build` from the same published plan tables as the plan page): what
needs attention, then each recommendation with its actions (owner, due date, status,
rating) and its progress measures (value, target, rating). No charts and no tables, so a
screen reader user can move through it by heading (``h2`` per recommendation, ``h3`` for
its actions and measures) and hear every item as a sentence.
"""

from __future__ import annotations

from typing import Any

from carelib import blocks, formatting, plan, plan_attention
from carelib.plan_data import PlanData
from carelib.views import plan_findings
from carelib.views import plan_words as w

#: The plain-text page's file name, and the plan page it is a version of.
FILENAME = "improvement_plan_text.html"
PLAN_PAGE = "improvement_plan.html"
TITLE = "Improvement plan as text"


def _rating(colour: Any) -> str:
    return "not rated" if w.missing(colour) else w.RAG_WORDS.get(colour, str(colour))


def action_item(r: dict[str, Any]) -> str:
    """One action as a sentence: id, wording, owner, due date, status and rating."""
    if r["status"] == "complete" and not w.missing(r["completed_date"]):
        status = f"complete on {w.long_date(r['completed_date'])}"
    else:
        status = w.STATUS_LABELS.get(r["status"], "Not recorded").lower()
    rating = _rating(r["computed_rag"])
    reason = "" if r["computed_rag"] == "blue" else w.long_dates(r["rag_reason"])
    owner = "not recorded" if w.missing(r["owner"]) else str(r["owner"])
    return (
        f"{w.action_label(r['action_id'], r['action'])}. Owner: {owner}. Due "
        f"{w.long_date(r['due_date'])}. Status: {status}. Rating: {rating}"
        + (f" ({reason})" if reason else "")
        + "."
    )


def measure_item(data: PlanData, m: dict[str, Any]) -> str:
    """One progress measure as a sentence: value, trajectory, target and rating."""
    polarity = w.POLARITY_WORDS.get(m["polarity"], "direction not recorded")
    text = (
        f"{m['measure_id']}: {m['name']} ({polarity}). Value in {w.month_label(data.month)}: "
        f"{w.figure(data, m, 'value')}."
    )
    if w.hidden(m, "trajectory") or not (w.missing(m["trajectory"]) or w.missing(m["value"])):
        text += f" Trajectory for this month: {w.figure(data, m, 'trajectory')}."
    text += (
        f" Target: {w.figure(data, m, 'target')} by {w.long_date(m['target_date'])}."
        f" Rating: {_rating(m['rag'])}."
    )
    return text


def _attention(data: PlanData) -> list[object]:
    items = plan_attention.attention(data)
    if not items:
        return [blocks.paragraph("Nothing is rated red, and nothing slipped or got worse.")]
    lines = [
        f"{i.id} ({'action' if i.kind == 'action' else 'progress measure'}, "
        f"{i.recommendation_id}): {i.name}. Rating: {_rating(i.rag)}. Why: "
        f"{'; '.join(i.reasons)}."
        for i in items
    ]
    return [blocks.bullets(lines)]


def _recommendation(data: PlanData, rec: dict[str, Any]) -> blocks.Section:
    rid = rec["recommendation_id"]
    acts = data.actions[data.actions["recommendation_id"] == rid]
    meas = data.measures[data.measures["recommendation_id"] == rid]
    order = acts.assign(_rank=acts["computed_rag"].map(plan.RAG_ORDER).fillna(-1))
    order = order.sort_values(["_rank", "action_id"], ascending=[False, True], kind="stable")
    sid = f"text-{blocks.slug(rid)}"
    wording = "Not recorded" if w.missing(rec["recommendation"]) else str(rec["recommendation"])
    parts: list[object] = [
        blocks.paragraph(f"Recommendation: {wording}"),
        blocks.paragraph(f"Rating: {_rating(rec['rag'])}. {w.driver(data, rec)}."),
        blocks.paragraph(f"{plan_findings.recommendation_summary(data, rec, acts, meas)}."),
        w.heading(
            f"Actions for {rid}: {int(rec['complete'])} of {len(acts)} complete",
            3,
            f"{sid}-actions",
        ),
        blocks.bullets([action_item(r) for r in order.to_dict("records")])
        if len(acts)
        else blocks.paragraph("No actions are recorded."),
        w.heading(
            f"Progress measures for {rid}: {int(rec['measures_green'])} of {len(meas)} on "
            "trajectory",
            3,
            f"{sid}-measures",
        ),
        blocks.bullets([measure_item(data, m) for m in meas.to_dict("records")])
        if len(meas)
        else blocks.paragraph("This recommendation has no progress measures."),
    ]
    title = plan_findings.recommendation_heading(data, rec, acts, meas)
    return blocks.Section(title, parts, level=2, id=sid)


def plan_text(data: PlanData) -> list[blocks.Block]:
    """The plan as headings and lists: the page ``improvement_plan_text.html``.

    Parameters
    ----------
    data : carelib.plan_data.PlanData
        The month's published plan tables (as the plan page reads them).

    Returns
    -------
    list of carelib.blocks.Block
        A section on the plan as a whole (with a link back to the plan page), a section
        on what needs attention, then one section per recommendation: its wording and
        rating, its actions (owner, due date, status, rating) and its progress measures
        (value, trajectory, target, rating). Only headings, paragraphs, lists and links.
    """
    s = data.summary
    overlap = plan_attention.red_overlap(data.actions)
    intro = blocks.Section(
        "About this version",
        [
            blocks.paragraph(
                "The improvement plan as text only, with no charts and no tables: one "
                "heading per recommendation, then its actions and its progress measures. "
                "The same figures, with charts and more detail, are on ",
                blocks.Link("the improvement plan page", PLAN_PAGE),
                ".",
            ),
        ],
        level=2,
        id="text-about",
    )
    position = blocks.Section(
        f"{s['actions_by_rag']['red']} of {s['actions_total']} actions are red; "
        f"{plan_attention.last_completion_phrase(data)}",
        [
            blocks.paragraph(
                f"At {w.long_date(data.reference_date)}, {s['actions_by_rag']['blue']} of "
                f"{s['actions_total']} actions are complete against {data.due_to_date()} "
                f"due. Red actions are overdue or blocked; {overlap.sentence()}. "
                f"{s['measures_by_rag']['green']} of {s['measures_total']} progress measures "
                f"are on or ahead of their trajectory. "
                f"{plan_attention.since_last_completion(data)}"
            ),
        ],
        level=2,
        id="text-position",
    )
    attention = blocks.Section(
        f"What needs attention: {formatting.count(s['actions_by_rag']['red'], 'action')} and "
        f"{formatting.count(s['measures_by_rag']['red'], 'measure')} red",
        _attention(data),
        level=2,
        id="text-attention",
    )
    recs = [_recommendation(data, rec) for rec in w.recommendations(data).to_dict("records")]
    return [intro, position, attention, *recs]
