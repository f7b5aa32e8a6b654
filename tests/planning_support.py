"""Hand-built monthly histories for the retention and projection tests, written as CSV."""

from __future__ import annotations

from carelib import dates, loading

WF = (
    "worker_id,team,role,employment,fte,start_date,start_origin,asye,cases,"
    "covering_vacancy,sickness_days"
)
LV = "worker_id,team,role,employment,fte,start_date,start_origin,leave_date,reason,destination"


def write_history(root, months, snapshots, leavers, funded):
    """Write each month's files and load the history.

    ``snapshots[month]`` and ``leavers[month]`` are lists of dicts with ``id``,
    ``employment``, ``start`` (ISO date), ``origin`` and, for leavers, ``leave``.
    """
    for month in months:
        folder = root / month
        folder.mkdir(parents=True)
        rows = [WF]
        for w in snapshots.get(month, []):
            cover = "true" if w["employment"] == "agency" else ""
            rows.append(
                f"{w['id']},Team A,case_holder,{w['employment']},1.0,{w['start']},"
                f"{w.get('origin', 'other_la')},false,10,{cover},0"
            )
        (folder / "workforce.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        rows = [LV]
        for w in leavers.get(month, []):
            rows.append(
                f"{w['id']},Team A,case_holder,{w['employment']},1.0,{w['start']},"
                f"{w.get('origin', 'other_la')},{w['leave']},resignation,other_la"
            )
        (folder / "leavers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        (folder / "establishment.csv").write_text(
            f"team,funded_fte\nTeam A,{funded}\n", encoding="utf-8"
        )
        (folder / "agency_spend.csv").write_text(
            "team,spend_gbp,budget_gbp\nTeam A,1000,1000\n", encoding="utf-8"
        )
    return loading.load_history(root, months[-1])


def day(month: str, d: int) -> str:
    """The ``d``-th day of ``month`` as ISO text."""
    return dates.month_start(month).replace(day=d).isoformat()
