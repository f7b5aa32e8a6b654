"""The plan page's opening views: headline tiles, what needs attention, the timeline.

Each view is a function from :class:`carelib.plan_data.PlanData` to a
:class:`carelib.blocks.View`; :func:`plan_headlines` gives the landing page's plan tiles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from carelib import blocks, dates, plan
from carelib.plan_data import PlanData
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
        f"({s['overdue']} overdue, {s['blocked']} blocked) and "
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
            f"{w.plural(s['completed_this_month'], 'action')} completed in "
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
            f"{w.plural(s['slipped_ever'], 'action')} in the plan "
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
    return blocks.View(
        "plan_tiles",
        None,
        [
            blocks.paragraph(plan_summary_sentence(data), " ", compared, class_="lede"),
            w.heading("Actions by rating", 3, "plan-actions-by-rating"),
            blocks.Tiles(by_rag, label="Actions by rating"),
            w.heading("Delivery this month", 3, "plan-delivery-this-month"),
            blocks.Tiles(delivery, label="Delivery this month"),
        ],
    )


EXCEPTION_COLUMNS = [
    "Item",
    "Rating",
    "Why it needs attention",
    "Owner",
    "Due date",
    "Latest update",
]


def plan_exceptions(data: PlanData, *, kinds: Iterable[str] = ("action", "measure")) -> blocks.View:
    """The items that need attention, worst first, as an accessible table.

    Parameters
    ----------
    data : carelib.plan_data.PlanData
        The month's plan tables.
    kinds : iterable of str, default ``("action", "measure")``
        Which kinds of item to list.

    Returns
    -------
    carelib.blocks.View
        Every overdue, blocked or slipped action and every action or measure whose
        rating worsened since last month, with its rating (badge), the reasons, owner,
        due date and latest update; ``view.tables[0].frame`` holds the rows.
    """
    ex = data.assessment.exceptions
    ex = ex[ex["kind"].isin(list(kinds))]
    reference = w.long_date(data.reference_date)
    if not len(ex):
        return blocks.View(
            "plan_exceptions",
            f"Nothing needs attention at {reference}: no action is overdue, blocked or "
            "slipped this month, and no rating is worse than last month.",
            id="detail-attention",
        )
    acts = {r["action_id"]: r for r in data.actions.to_dict("records")}
    measures = data.measures.set_index("measure_id")
    month = w.month_label(data.month)
    rows = w.Rows(EXCEPTION_COLUMNS)
    for rec in ex.to_dict("records"):
        if rec["kind"] == "action":
            item = w.action_label(rec["id"], rec["item"])
            act = acts.get(rec["id"], {})
            update = "No update recorded" if w.missing(rec["update"]) else str(rec["update"])
            if act.get("stale"):
                update += (
                    f" (no new update for {w.plural(int(act['months_since_update']), 'month')})"
                )
            owner = "Not recorded" if w.missing(rec["owner"]) else rec["owner"]
            rating = w.rating_cell(rec["rag"], rec["officer_rag"])
            due = w.long_date(rec["due_date"])
        else:
            item = f"{rec['id']}: {rec['item']} (progress measure)"
            m = measures.loc[rec["id"]] if rec["id"] in measures.index else None
            update = (
                ""
                if m is None
                else f"{w.value(m['value'], m['unit'])} in {month} "
                f"against a trajectory of {w.value(m['trajectory'], m['unit'])}"
            )
            owner = "Not recorded (measures have no owner)"
            rating = blocks.Rag(rec["rag"])
            due = f"Target date {w.long_date(rec['due_date'])}"
        rows.rows.append(
            dict(
                zip(
                    EXCEPTION_COLUMNS,
                    [item, rating, w.sentence(w.long_dates(rec["reasons"])), owner, due, update],
                    strict=True,
                )
            )
        )
    n_act = int((ex["kind"] == "action").sum())
    n_meas = int((ex["kind"] == "measure").sum())
    finding = (
        f"{w.plural(n_act, 'action')} and {w.plural(n_meas, 'progress measure')} "
        f"need attention at {reference}, red first."
    )
    table = blocks.Table(
        rows.frame(),
        f"Actions and measures that need attention at {reference}, worst first",
        numeric=[],
        class_="exceptions",
    )
    return blocks.View("plan_exceptions", finding, [table], id="detail-attention")


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
                f"Not yet due: {w.plural(left, 'working day')} after "
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
        f"{w.plural(run, 'month')}, from {first} to {w.month_label(data.month)}"
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
    return blocks.View("plan_timeline", None, [blocks.SummaryList(pairs)])
