"""Demo agency assignments (``agency_assignments.csv``), made from the demo's workforce.

Each qualified agency worker in a month's ``workforce`` has one assignment, stable from
month to month (its id comes from the worker and the start date). Rates follow the demo
council's story: a fixed agency pay rate agreed from June 2024 brings new assignments'
charge rates down at once and existing ones down when they are renewed; a few
assignments breach the DfE agency rules (an urgent hire above the cap, one approved and
one not; two workers short of three years' experience; one worker back as agency one
month after leaving a permanent post in the region; a project team whose name was not
recorded). Everything is derived deterministically from the worker ids, so the demo data
is the same on every machine.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd

#: The date the demo council's fixed agency rate began (``[agency] fixed_rate_from``).
FIXED_RATE_FROM = dt.date(2024, 6, 1)
#: Role in ``workforce`` -> DfE role type (alternatively qualified workers are not social
#: workers, so the rules and the return do not cover them).
ROLE_TYPE = {
    "case_holder": "social_worker",
    "qualified_without_cases": "social_worker",
    "senior_practitioner": "advanced_practitioner",
    "first_line_manager": "team_manager",
    "middle_manager": "team_manager",
    "senior_manager": "team_manager",
}
#: Hourly charge rates (GBP) before the fixed rate and under it.
_MARKET = {
    "social_worker": 47.0,
    "senior_social_worker": 51.0,
    "advanced_practitioner": 55.0,
    "team_manager": 62.0,
    "iro_conference_chair": 56.0,
}
_FIXED = {
    "social_worker": 41.0,
    "senior_social_worker": 44.0,
    "advanced_practitioner": 47.5,
    "team_manager": 53.0,
    "iro_conference_chair": 48.0,
}
#: Share of the charge rate paid to the worker (the rest is the agency's margin).
_PAY_SHARE = 0.8
_SUPPLIERS = ("Northern Social Work Recruitment", "Practice First Agency", "Locum Care Ltd")
PROJECT_NAME = "Assessment backlog project"


def _fraction(*parts: object) -> float:
    """A number in [0, 1) fixed by the parts (the same on every machine)."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assignments(workforce: pd.DataFrame, month: str) -> pd.DataFrame:
    """The month's agency assignments for the demo's ``workforce`` frame of ``month``.

    Parameters
    ----------
    workforce : pandas.DataFrame
        The month's workforce rows as written (``start_date`` as text or dates).
    month : str
        The month, ``YYYY-MM``.
    """
    agency = workforce[
        (workforce["employment"] == "agency") & workforce["role"].isin(list(ROLE_TYPE))
    ]
    rows = []
    month_end = pd.Period(month, "M").end_time.date()
    for rec in agency.to_dict("records"):
        worker, start = str(rec["worker_id"]), pd.Timestamp(rec["start_date"]).date()
        role_type = ROLE_TYPE[rec["role"]]
        if role_type == "social_worker" and _fraction(worker, "senior") < 0.3:
            role_type = "senior_social_worker"
        if rec["role"] == "qualified_without_cases" and _fraction(worker, "iro") < 0.5:
            role_type = "iro_conference_chair"
        spread = (_fraction(worker, "rate") - 0.5) * 4.0
        # Renewed onto the fixed rate within six months of it starting.
        renewed = FIXED_RATE_FROM + dt.timedelta(days=int(_fraction(worker, "renew") * 180))
        fixed = start >= FIXED_RATE_FROM or month_end >= renewed
        charge = (_FIXED if fixed else _MARKET)[role_type] + spread
        pay = charge * _PAY_SHARE
        approved = ""
        pick = _fraction(worker, "breach")
        recent = start >= dt.date(2024, 11, 1)
        if recent and pick < 0.16:  # urgent hires above the cap
            pay, charge = pay + 9.0, charge + 11.0
            approved = "Director of Children's Services" if pick < 0.11 else ""
        pqe = round(3.0 + _fraction(worker, "pqe") * 17.0, 1)
        if recent and 0.16 <= pick < 0.30:
            pqe = 2.5
        left_region, left_date = False, None
        if recent and 0.30 <= pick < 0.40:
            left_region, left_date = True, start - dt.timedelta(days=35)
        elif 0.40 <= pick < 0.50:
            left_region, left_date = True, start - dt.timedelta(days=200)
        project = recent and 0.50 <= pick < 0.70
        rows.append(
            {
                "assignment_id": "AS-"
                + hashlib.sha256(f"{worker}|{start}".encode()).hexdigest()[:8].upper(),
                "worker_id": worker,
                "team": rec["team"],
                "role_type": role_type,
                "hourly_charge_rate": round(charge, 2),
                "hourly_pay_rate": round(pay, 2),
                "start_date": start.isoformat(),
                "end_date": "",
                "pqe_years": pqe,
                "qualification_date": "",
                "left_permanent_in_region": "true" if left_region else "false",
                "left_permanent_date": left_date.isoformat() if left_date else "",
                "project_team": "true" if project else "false",
                "project_name": PROJECT_NAME if project and _fraction(worker, "name") > 0.2 else "",
                "supplier": _SUPPLIERS[int(_fraction(worker, "supplier") * len(_SUPPLIERS))],
                "breach_approved_by": approved,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


COLUMNS = [
    "assignment_id",
    "worker_id",
    "team",
    "role_type",
    "hourly_charge_rate",
    "hourly_pay_rate",
    "start_date",
    "end_date",
    "pqe_years",
    "qualification_date",
    "left_permanent_in_region",
    "left_permanent_date",
    "project_team",
    "project_name",
    "supplier",
    "breach_approved_by",
]
