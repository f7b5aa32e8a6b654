"""What changed in the improvement plan since the previous month, as a view.

:func:`plan_changes` counts each kind of change and lists every kind that happened in
its own table; :data:`CHANGE_KINDS` names them, so an analyst can show only some.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

import pandas as pd

from carelib import blocks, formatting
from carelib.plan_data import PlanData
from carelib.views import plan_words as w

#: The kinds of change, in page order.
CHANGE_KINDS = ("new", "completed", "slipped", "worse", "better", "stale", "gone", "measures")


def _new_table(frame: pd.DataFrame, caption: str) -> blocks.Table:
    rows = w.Rows(["Action", "Owner", "Due date", "Rating"])
    for r in frame.to_dict("records"):
        rows.rows.append(
            {
                "Action": w.action_label(r["action_id"], r["action"]),
                "Owner": r["owner"],
                "Due date": w.long_date(r["due_date"]),
                "Rating": w.rating_cell(r["computed_rag"], r["officer_rag"]),
            }
        )
    return blocks.Table(rows.frame(), caption, numeric=[])


def _completed_table(frame: pd.DataFrame, caption: str) -> blocks.Table:
    rows = w.Rows(["Action", "Owner", "Due date", "Completed on"])
    for r in frame.to_dict("records"):
        rows.rows.append(
            {
                "Action": w.action_label(r["action_id"], r["action"]),
                "Owner": r["owner"],
                "Due date": w.long_date(r["due_date"]),
                "Completed on": w.long_date(r["completed_date"]),
            }
        )
    return blocks.Table(rows.frame(), caption, numeric=[])


def _slipped_table(frame: pd.DataFrame, caption: str) -> blocks.Table:
    rows = w.Rows(
        [
            "Action",
            "Owner",
            "Now due",
            "Moved this month",
            "Times moved",
            "Days moved in all",
            "First due",
        ]
    )
    for r in frame.to_dict("records"):
        rows.rows.append(
            {
                "Action": w.action_label(r["action_id"], r["action"]),
                "Owner": r["owner"],
                "Now due": w.long_date(r["due_date"]),
                "Moved this month": formatting.count(int(r["slipped_days_this_month"]), "day"),
                "Times moved": int(r["times_slipped"]),
                "Days moved in all": int(r["slipped_days_total"]),
                "First due": w.long_date(r["first_due_date"]),
            }
        )
    return blocks.Table(rows.frame(), caption, numeric=["Times moved", "Days moved in all"])


def _rag_change_table(frame: pd.DataFrame, caption: str) -> blocks.Table:
    rows = w.Rows(["Action", "Was", "Now", "Why", "Owner"])
    for r in frame.to_dict("records"):
        rows.rows.append(
            {
                "Action": w.action_label(r["action_id"], r["action"]),
                "Was": blocks.Rag(r["previous_rag"]),
                "Now": blocks.Rag(r["computed_rag"]),
                "Why": w.sentence(w.long_dates(r["rag_reason"])),
                "Owner": r["owner"],
            }
        )
    return blocks.Table(rows.frame(), caption, numeric=[])


def _stale_table(frame: pd.DataFrame, caption: str) -> blocks.Table:
    rows = w.Rows(["Action", "Owner", "Rating", "Last new update", "Months without a new update"])
    ordered = frame.sort_values("months_since_update", ascending=False, kind="stable")
    for r in ordered.to_dict("records"):
        rows.rows.append(
            {
                "Action": w.action_label(r["action_id"], r["action"]),
                "Owner": r["owner"],
                "Rating": blocks.Rag(r["computed_rag"]),
                "Last new update": w.month_label(r["last_update_month"]),
                "Months without a new update": int(r["months_since_update"]),
            }
        )
    return blocks.Table(
        rows.frame(),
        f"{caption}, longest without an update first",
        numeric=["Months without a new update"],
    )


def _gone_table(frame: pd.DataFrame, caption: str) -> blocks.Table:
    rows = w.Rows(["Action", "Owner", "Last seen", "Status then", "Rating then"])
    for r in frame.to_dict("records"):
        rows.rows.append(
            {
                "Action": w.action_label(r["action_id"], r["action"]),
                "Owner": r["owner"],
                "Last seen": w.month_label(r["last_seen_month"]),
                "Status then": w.STATUS_LABELS.get(r["status"], "Not recorded"),
                "Rating then": blocks.Rag(r["computed_rag"]),
            }
        )
    return blocks.Table(rows.frame(), caption, numeric=[])


def _measure_change_table(data: PlanData, frame: pd.DataFrame, caption: str) -> blocks.Table:
    rows = w.Rows(["Measure", "Was", "Now", "Value", "Why"])
    for r in frame.to_dict("records"):
        rows.rows.append(
            {
                "Measure": f"{r['measure_id']}: {r['name']}",
                "Was": blocks.Rag(r["previous_rag"]),
                "Now": blocks.Rag(r["rag"]),
                "Value": f"{w.figure(data, r, 'previous_value')} to {w.figure(data, r, 'value')}",
                "Why": w.sentence(w.long_dates(r["rag_reason"])),
            }
        )
    return blocks.Table(rows.frame(), caption, numeric=[])


def change_groups(
    data: PlanData,
) -> list[tuple[str, str, pd.DataFrame, Callable[[pd.DataFrame, str], blocks.Table]]]:
    """Each kind of change: ``(key, title, rows, table builder)``, in page order."""
    a = data.assessment
    acts, meas = a.actions, a.measures
    stale_months = data.config["rag"]["stale_update_months"]
    return [
        ("new", "New actions", acts[acts["new"]], _new_table),
        (
            "completed",
            "Actions completed this month",
            acts[acts["completed_this_month"]],
            _completed_table,
        ),
        (
            "slipped",
            "Due dates moved later this month",
            acts[acts["slipped_this_month"]],
            _slipped_table,
        ),
        (
            "worse",
            "Action ratings that got worse",
            acts[acts["rag_change"] == "worsened"],
            _rag_change_table,
        ),
        (
            "better",
            "Action ratings that got better",
            acts[acts["rag_change"] == "improved"],
            _rag_change_table,
        ),
        (
            "stale",
            f"Actions with no new update for {stale_months} months or more",
            acts[acts["stale"]],
            _stale_table,
        ),
        ("gone", "Actions no longer in the plan", a.disappeared, _gone_table),
        (
            "measures",
            "Progress measures whose rating changed",
            meas[meas["rag_change"].isin(["worsened", "improved"])],
            functools.partial(_measure_change_table, data),
        ),
    ]


def plan_changes(data: PlanData, *, kinds: Iterable[str] = CHANGE_KINDS) -> blocks.View:
    """What changed since the previous month.

    Parameters
    ----------
    data : carelib.plan_data.PlanData
        The month's plan tables.
    kinds : iterable of str, default :data:`CHANGE_KINDS`
        Which kinds of change to count and list.

    Returns
    -------
    carelib.blocks.View
        A count of each kind of change (``view.tables[0]``), then a table for each kind
        that happened: new actions, actions completed this month, due dates moved later
        (days this month, times and days in all), ratings worse and better, actions with
        no new update for the configured number of months, actions gone from the plan,
        and progress measures whose rating changed.
    """
    a = data.assessment
    if a.previous_month is None:
        return w.view(
            "plan_changes",
            "No changes to report: this is the first month of data",
            None,
            [
                blocks.notice(
                    "This is the first month of data, so there is nothing to compare "
                    "it with: changes start next month."
                )
            ],
            "detail-changes",
        )
    wanted = set(kinds)
    groups = [g for g in change_groups(data) if g[0] in wanted]
    since = w.month_label(a.previous_month)
    month = w.month_label(data.month)
    header = "Change since " + since
    counts = pd.DataFrame(
        [{header: title, "Number": len(frame)} for _, title, frame, _ in groups],
        columns=[header, "Number"],
        dtype=object,
    )
    parts: list[object] = [
        blocks.Table(counts, f"Changes to the plan since {since}", numeric=["Number"])
    ]
    for key, title, frame, build in groups:
        if len(frame):
            parts.append(w.heading(f"{title}: {len(frame)}", 3, f"plan-changes-{key}"))
            parts.append(build(frame, f"{title}, {month}"))
    if "gone" in wanted and len(a.disappeared):
        parts.append(
            blocks.paragraph(
                "An action that is no longer in the plan should be explained (merged or "
                "withdrawn) in the plan's governance papers."
            )
        )
    finding = (
        f"{month} compared with {since}. Each kind of change that happened is listed "
        "below the count."
    )
    n = {key: len(frame) for key, _, frame, _ in groups}
    acts = n.get("worse", 0) + n.get("better", 0)
    title = (
        f"Since {since}: {w.some(n.get('completed', 0), 'action')} completed, "
        f"{w.some(n.get('slipped', 0), 'due date')} moved later, "
        f"{w.some(acts, 'action rating')} and {w.some(n.get('measures', 0), 'measure rating')}"
        " changed"
    )
    happened = [
        f"{title.lower()}: {count}" for _, title, frame, _ in groups if (count := len(frame))
    ]
    finding = f"{month} compared with {since}: " + (
        "; ".join(happened) + "." if happened else "nothing changed."
    )
    label = "; ".join(happened) if happened else f"Nothing changed since {since}"
    shown = [w.PlanDetails(w.sentence(label), parts)]
    return w.view("plan_changes", title, finding, shown, "detail-changes")
