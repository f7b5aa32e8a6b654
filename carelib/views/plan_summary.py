"""The plan page's opening views: headline tiles, what needs attention, the timeline.

Each view is a function from :class:`carelib.plan_data.PlanData` to a
:class:`carelib.blocks.View`; :func:`plan_headlines` gives the landing page's plan tiles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from carelib import blocks, dates, formatting, plan, plan_attention
from carelib.plan_data import PlanData
from carelib.views import plan_charts
from carelib.views import plan_words as w


def _before(data: PlanData, key: str, sub: str | None = None) -> int | None:
    """A count from the previous month's summary (None in the first month)."""
    p = data.previous_summary
    if p is None:
        return None
    return p[key][sub] if sub else p[key]


def plan_summary_sentence(data: PlanData) -> str:
    """The plan's position in one plain-English sentence."""
    s = data.summary
    red = s["actions_by_rag"]["red"]
    return (
        f"At {w.long_date(data.reference_date)}, {s['actions_by_rag']['blue']} of the "
        f"{s['actions_total']} actions in the improvement plan are complete against "
        f"{data.due_to_date()} due, {red} {'is' if red == 1 else 'are'} rated red "
        f"({plan_attention.red_overlap(data.actions).reasons()}) and "
        f"{s['measures_by_rag']['green']} of {s['measures_total']} progress measures "
        f"are on or ahead of their trajectory."
    )


def _measures_note(s: dict[str, Any]) -> str:
    measures = s["measures_by_rag"]
    no_data = measures[plan.NO_DATA]
    return (
        f"{measures['amber']} amber, {measures['red']} red"
        + (f", {no_data} with no data" if no_data else "")
        + f"; {s['measures_target_met']} already at target"
    )


def plan_headlines(data: PlanData) -> dict[str, Any]:
    """The landing page's headline items: ``plan_tiles`` and ``plan_summary``.

    Returns
    -------
    dict
        ``plan_tiles``: a list of tile dicts (``label``, ``value``, ``change``,
        ``target``, ``status``, ``comparison``, ``note``; plain text) and
        ``plan_summary``: one plain-English sentence. JSON-serialisable.
    """
    s = data.summary
    since = w.month_label(data.previous_month)
    total = s["actions_total"]
    red = s["actions_by_rag"]["red"]
    complete = s["actions_by_rag"]["blue"]
    due = data.due_to_date()
    green = s["measures_by_rag"]["green"]
    recs_red = s["recommendations_by_rag"]["red"]

    def tile(label, value, change, note, target=None, status=None) -> dict[str, Any]:
        return {
            "label": label,
            "value": value,
            "change": change,
            "target": target,
            "status": status,
            "comparison": None,
            "note": note,
        }

    tiles = [
        tile(
            "Actions rated red",
            str(red),
            w.count_change(red, _before(data, "actions_by_rag", "red"), since),
            f"of {total} actions: {s['overdue']} overdue, {s['blocked']} blocked",
        ),
        tile(
            "Actions complete",
            f"{complete} of {total}",
            f"{formatting.count(s['completed_this_month'], 'action')} completed in "
            f"{w.month_label(data.month)}",
            f"{w.share(complete, total)} of the plan complete",
            target=f"{due} due by {w.long_date(data.reference_date)}",
            status="met" if complete >= due else "not_met",
        ),
        tile(
            "Progress measures on trajectory",
            f"{green} of {s['measures_total']}",
            w.count_change(green, _before(data, "measures_by_rag", "green"), since),
            _measures_note(s),
        ),
        tile(
            "Recommendations rated red",
            f"{recs_red} of {len(data.assessment.recommendations)}",
            w.count_change(recs_red, _before(data, "recommendations_by_rag", "red"), since),
            "a recommendation is red if any of its actions or measures is red",
        ),
    ]
    from carelib import board_lines

    return {
        "plan_tiles": tiles,
        "plan_summary": plan_summary_sentence(data),
        "board_plan": board_lines.plan_lines(data),
        "plan_decisions": board_lines.decision_items(data),
        "plan_red_overlap": plan_attention.red_overlap(data.actions).sentence(),
        "plan_last_completion": plan_attention.since_last_completion(data),
    }


def plan_tiles(data: PlanData) -> blocks.View:
    """The page's headline figures: actions by rating, then this month's delivery.

    Returns
    -------
    carelib.blocks.View
        A summary sentence, then two rows of tiles: counts of actions by rating (each
        labelled with a rating badge), then overdue, blocked, slipped and completed
        actions, progress measures on trajectory and ratings in dispute.
    """
    s = data.summary
    since = w.month_label(data.previous_month)
    total = s["actions_total"]
    by_rag = []
    for colour in plan.RAGS_WORST_FIRST:
        n = s["actions_by_rag"][colour]
        label = "Complete" if colour == "blue" else blocks.RAG_LABELS[colour]
        by_rag.append(
            blocks.Tile(
                label=blocks.Rag(colour, f"{label} actions"),
                value=str(n),
                change=w.count_change(n, _before(data, "actions_by_rag", colour), since),
                note=f"{w.share(n, total)} of {total} actions",
            )
        )
    more = data.actions["more_optimistic"]
    optimistic, cautious = int((more == "officer").sum()), int((more == "computed").sum())
    differs_note = (
        f"the owner is more optimistic for {optimistic} and more cautious for {cautious}"
        if s["rag_disagrees"]
        else "owners and the rules agree on every action that has an owner's rating"
    )

    def counted(label: str, key: str, note: str | None = None) -> blocks.Tile:
        return blocks.Tile(
            label, str(s[key]), w.count_change(s[key], _before(data, key), since), note=note
        )

    green = s["measures_by_rag"]["green"]
    delivery = [
        counted("Overdue actions", "overdue", "due date passed and not complete"),
        counted("Blocked actions", "blocked"),
        counted(
            "Due dates moved later this month",
            "slipped_this_month",
            f"{formatting.count(s['slipped_ever'], 'action')} in the plan "
            f"{'has' if s['slipped_ever'] == 1 else 'have'} slipped at least once",
        ),
        counted("Actions completed this month", "completed_this_month"),
        blocks.Tile(
            "Progress measures on trajectory",
            f"{green} of {s['measures_total']}",
            w.count_change(green, _before(data, "measures_by_rag", "green"), since),
            note=_measures_note(s),
        ),
        blocks.Tile(
            "Owner's rating differs from the rules", str(s["rag_disagrees"]), note=differs_note
        ),
    ]
    compared = (
        f"Changes are since {since}."
        if since
        else "This is the first month of data, so there are no changes to show."
    )
    rag = s["actions_by_rag"]
    month = w.month_label(data.month)
    return w.view(
        "plan_tiles",
        tiles_title(data),
        None,
        [
            blocks.paragraph(plan_summary_sentence(data), " ", compared, class_="lede"),
            blocks.paragraph(
                "The plan is also on one page as text, with headings and lists only: ",
                blocks.Link("the improvement plan as text", "improvement_plan_text.html"),
                ".",
            ),
            blocks.paragraph(plan_attention.since_last_completion(data)),
            w.heading(
                f"{rag['red']} red, {rag['amber']} amber, {rag['green']} green and "
                f"{rag['blue']} complete actions",
                3,
                "plan-actions-by-rating",
            ),
            blocks.Tiles(by_rag, label="Actions by rating"),
            w.heading(
                f"In {month}: {w.some(s['completed_this_month'], 'action')} completed, "
                f"{w.some(s['slipped_this_month'], 'due date')} moved later",
                3,
                "plan-delivery-this-month",
            ),
            blocks.Tiles(delivery, label="Delivery this month"),
        ],
        "plan-at-a-glance",
    )


def tiles_title(data: PlanData) -> str:
    """The plan page's first heading: red recommendations and actions complete."""
    s = data.summary
    recs = len(data.assessment.recommendations)
    red = s["recommendations_by_rag"]["red"]
    red_a = s["actions_by_rag"]["red"]
    return (
        f"{red} of {recs} recommendations and {red_a} of {s['actions_total']} actions "
        f"{w.is_are(red_a)} red; {plan_attention.last_completion_phrase(data)}"
    )


EXCEPTION_COLUMNS = [
    "Item",
    "Rating",
    "Why it needs attention",
    "Owner",
    "Due date",
    "Latest update",
]


def _measure_update(data: PlanData, m: Any) -> str:
    """A measure's value against its trajectory and its target, in plain words."""
    return plan_charts.measure_position(data, m)


def attention_title(data: PlanData) -> str:
    """The attention list's heading: how many actions and measures are red."""
    s = data.summary
    red_a, red_m = s["actions_by_rag"]["red"], s["measures_by_rag"]["red"]
    if not red_a and not red_m:
        return "Nothing is rated red"
    return (
        f"{formatting.count(red_a, 'action')} and {formatting.count(red_m, 'progress measure')} "
        f"{w.is_are(red_a + red_m)} red"
    )


def plan_exceptions(data: PlanData, *, kinds: Iterable[str] = ("action", "measure")) -> blocks.View:
    """Every red action and measure, and anything that slipped or worsened, worst first.

    Parameters
    ----------
    data : carelib.plan_data.PlanData
        The month's plan tables.
    kinds : iterable of str, default ``("action", "measure")``
        Which kinds of item to list.

    Returns
    -------
    carelib.blocks.View
        A heading counting the red items, the red actions split by reason (overdue,
        blocked, both), then a table (``view.tables[0].frame``) of the items from
        :func:`carelib.plan_attention.attention`: rating (badge), why each is there
        (overdue by N days, blocked, red for N months, past its target date, worsening),
        owner, due or target date and the latest update or value.
    """
    wanted = set(kinds)
    items = [i for i in plan_attention.attention(data) if i.kind in wanted]
    reference = w.long_date(data.reference_date)
    title = attention_title(data)
    if not items:
        return w.view(
            "plan_exceptions",
            title,
            f"Nothing needs attention at {reference}: no action or measure is red, and "
            "none slipped or got worse this month.",
            [],
            "detail-attention",
        )
    measures = data.measures.set_index("measure_id")
    rows = w.Rows(EXCEPTION_COLUMNS)
    for i in items:
        if i.kind == "action":
            rows.rows.append(
                {
                    "Item": w.action_label(i.id, i.name) + f" ({i.recommendation_id})",
                    "Rating": w.rating_cell(i.rag, i.officer_rag),
                    "Why it needs attention": w.sentence("; ".join(i.reasons)) + ".",
                    "Owner": i.owner or "Not recorded",
                    "Due date": w.long_date(i.due),
                    "Latest update": i.update or "No update recorded",
                }
            )
        else:
            m = measures.loc[i.id]
            rows.rows.append(
                {
                    "Item": f"{i.id}: {i.name} ({i.recommendation_id}, progress measure)",
                    "Rating": blocks.Rag(i.rag),
                    "Why it needs attention": w.sentence("; ".join(i.reasons)) + ".",
                    "Owner": "",
                    "Due date": f"Target date {w.long_date(i.due)}",
                    "Latest update": _measure_update(data, m),
                }
            )
    n_act = sum(i.kind == "action" for i in items)
    n_meas = len(items) - n_act
    n_red_act = sum(i.kind == "action" and i.rag == "red" for i in items)
    n_red_meas = sum(i.kind != "action" and i.rag == "red" for i in items)
    overlap = plan_attention.red_overlap(data.actions)
    finding = (
        f"{formatting.count(n_act, 'action')} and {formatting.count(n_meas, 'progress measure')} "
        f"need attention at {reference}, worst first: every red item "
        f"({formatting.count(n_red_act, 'action')} and "
        f"{formatting.count(n_red_meas, 'measure')}), then "
        f"anything else that slipped or got worse. Red actions are overdue or blocked; "
        f"{overlap.sentence()}."
    )
    notes = [
        blocks.paragraph(
            "Progress measures have no owner in the plan: the owner column is left empty for them."
        )
    ]
    table = blocks.Table(
        rows.frame(),
        f"Actions and measures that need attention at {reference}, worst first",
        numeric=[],
        class_="exceptions",
    )
    return w.view("plan_exceptions", title, finding, [table, *notes], "detail-attention")


def plan_timeline(data: PlanData) -> blocks.View:
    """The statutory timeline as a summary list.

    Returns
    -------
    carelib.blocks.View
        Inspection publication date, the written action plan's due date (70 working
        days after publication) and whether it has passed, the plan's start and how
        many months it has run (``view.blocks[0].pairs``).
    """
    t = data.assessment.timeline
    cfg = data.config["inspection"]
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
        pairs.append(("Inspection report published", w.long_date(published)))
        due = t["plan_due_date"]
        pairs.append(
            (
                "Written action plan due",
                f"{w.long_date(due)}: {t['plan_due_working_days']} working days after "
                "publication (weekdays less bank holidays)",
            )
        )
        if t["plan_due_passed"]:
            status = (
                f"The due date passed on {w.long_date(due)}. The data do not record "
                "when the plan was submitted; the governance papers should."
            )
        else:
            left = dates.working_days(t["reference_date"] + dt.timedelta(days=1), due)
            status = (
                f"Not yet due: {formatting.count(left, 'working day')} after "
                f"{w.long_date(t['reference_date'])}."
            )
        pairs.append(("Has the due date passed?", status))
    start_note = (
        "set in the configuration"
        if t["plan_start_source"] == "config"
        else "taken from the first month of data, as no start date is set"
    )
    pairs.append(("Plan started", f"{w.long_date(t['plan_start'])} ({start_note})"))
    run = t["months_run"]
    first = w.month_label(dates.month_of(t["plan_start"]))
    run_text = (
        f"{formatting.count(run, 'month')}, from {first} to {w.month_label(data.month)}"
        if run
        else "Not started by this month"
    )
    pairs.append(("How long the plan has run", run_text))
    pairs.append(
        (
            "Ratings judged at",
            f"{w.long_date(data.reference_date)}, the last day of the report month",
        )
    )
    if published is None:
        title = f"The plan has run for {formatting.count(run, 'month')}"
    else:
        verb = "was" if t["plan_due_passed"] else "is"
        title = (
            f"The written action plan {verb} due on {w.long_date(t['plan_due_date'])}; the "
            f"plan has run for {formatting.count(run, 'month')}"
        )
    return w.view("plan_timeline", title, None, [blocks.SummaryList(pairs)], "plan-timeline")
