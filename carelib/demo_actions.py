"""The demo council's improvement plan: its recommendations and actions.

The Ofsted recommendations and the actions under each, with owner, theme, planned
start and due dates and how each one goes (on time, slipping, stalled, blocked). How
they progress month by month is in :mod:`carelib.demo_plan`.
"""

from __future__ import annotations

from dataclasses import dataclass

# --------------------------------------------------------------------------------------
# Improvement plan
# --------------------------------------------------------------------------------------

_RECOMMENDATIONS: tuple[tuple[str, str, str], ...] = (
    (
        "R1",
        "workforce",
        "The stability of the social work workforce, so that children benefit from "
        "consistent relationships with their social workers and fewer changes of worker.",
    ),
    (
        "R2",
        "supervision",
        "The regularity and quality of supervision, so that social workers are helped to "
        "reflect on children's experiences and plans progress without delay.",
    ),
    (
        "R3",
        "management_oversight",
        "Management oversight of children's plans, including the timeliness and recording "
        "of decisions when risks to children increase.",
    ),
    (
        "R4",
        "neglect",
        "The identification of, and response to, children living with chronic neglect, "
        "including the consistent use of a recognised assessment tool.",
    ),
    (
        "R5",
        "out_of_borough",
        "The frequency and quality of visits to children in care who live outside the local "
        "authority area, so that they are seen alone and their plans progress.",
    ),
    (
        "R6",
        "care_leavers",
        "The quality of pathway plans for care leavers and the help they receive to find "
        "and keep suitable accommodation.",
    ),
    (
        "R7",
        "edge_of_care",
        "The timeliness and effectiveness of help for adolescents at risk of entering care, "
        "including those at risk of exploitation.",
    ),
    (
        "R8",
        "family_hubs",
        "The accessibility of early help through family hubs, so that families receive the "
        "right help at the earliest opportunity.",
    ),
    (
        "R9",
        "management_oversight",
        "The timeliness of assessments and management decisions at the front door, so that "
        "children's needs are understood and met without delay.",
    ),
    (
        "R10",
        "workforce",
        "Caseloads in the assessment and child in need teams, so that social workers have "
        "the time to build relationships with children and their families.",
    ),
)

_HOS_SAFEGUARDING = "Head of Service, Safeguarding"
_HOS_CIC = "Head of Service, Children in Care and Care Leavers"
_HOS_EARLY_HELP = "Head of Service, Early Help and Family Hubs"
_HOS_EDGE = "Head of Service, Edge of Care"
_PSW = "Principal Social Worker"
_HRBP = "HR Business Partner"
_WDM = "Workforce Development Manager"
_DCS = "Director of Children's Services"
_QAM = "Quality Assurance Manager"
_PIM = "Performance and Intelligence Manager"
_SM_FRONT = "Service Manager, Front Door"
_SM_CIC = "Service Manager, Children in Care"
_SM_CL = "Service Manager, Care Leavers"
_COMMISSIONING = "Commissioning Manager, Placements"


@dataclass(frozen=True)
class _Action:
    """How one action moves through the plan (month indexes into DEMO_MONTHS)."""

    action_id: str
    recommendation_id: str
    text: str
    owner: str
    start: str
    due: str
    begin: int | None  # month work starts (None: never)
    done: int | None = None  # month completed (None: not by September 2025)
    slips: tuple[tuple[int, str, str], ...] = ()  # (month, new due date, reason)
    blocked: tuple[int, int, str] | None = None  # (from, until (exclusive), reason)
    optimistic: str | None = None  # the owner's RAG while overdue, when kinder than red
    added: int = 0
    removed: int | None = None
    stale: bool = False  # owner rarely updates the note
    notes: tuple[tuple[int, str], ...] = ()  # fixed update text in given months


_ACTIONS: tuple[_Action, ...] = (
    _Action(
        "A01",
        "R1",
        "Launch a recruitment and retention offer for experienced social "
        "workers, including a market supplement for hard-to-fill teams",
        _HRBP,
        "2023-10-01",
        "2024-03-31",
        begin=0,
        done=5,
        notes=(
            (3, "Market supplement of £3,000 a year approved for Assessment & Child in Need teams"),
        ),
    ),
    _Action(
        "A02",
        "R1",
        "Agree a phased plan to reduce reliance on agency social workers "
        "to below 20% by March 2026",
        _HOS_SAFEGUARDING,
        "2023-10-01",
        "2026-03-31",
        begin=0,
    ),
    _Action(
        "A03",
        "R1",
        "Offer permanent contracts to long-standing agency social workers who wish to stay",
        _HRBP,
        "2024-01-01",
        "2024-09-30",
        begin=3,
        done=19,
        slips=((11, "2025-03-31", "fewer conversions than planned; second round agreed"),),
    ),
    _Action(
        "A04",
        "R1",
        "Hold an exit interview with every leaver and report themes to "
        "the workforce board each quarter",
        _HRBP,
        "2023-10-01",
        "2024-01-31",
        begin=1,
        done=4,
    ),
    _Action(
        "A05",
        "R1",
        "Recruit 10 experienced social workers through an international recruitment campaign",
        _WDM,
        "2024-01-01",
        "2024-12-31",
        begin=4,
        slips=((12, "2025-06-30", "sponsorship licence took longer than expected"),),
        blocked=(8, 11, "awaiting the council's visa sponsorship licence"),
        notes=(
            (15, 'Sponsorship licence approved & 4 offers made; "arrivals delayed" by visa checks'),
        ),
    ),
    _Action(
        "A06",
        "R1",
        "Sign the regional memorandum of understanding on agency pay rates",
        _DCS,
        "2023-10-01",
        "2024-06-30",
        begin=0,
        done=8,
    ),
    _Action(
        "A07",
        "R10",
        "Set and monitor a caseload threshold of 18 children per full-time social worker",
        _HOS_SAFEGUARDING,
        "2023-10-01",
        "2024-03-31",
        begin=0,
        done=6,
    ),
    _Action(
        "A08",
        "R10",
        "Set up a time-limited agency project team to reduce caseloads in the Child in Need teams",
        _HOS_SAFEGUARDING,
        "2023-10-01",
        "2024-06-30",
        begin=0,
        done=9,
    ),
    _Action(
        "A09",
        "R10",
        "Protect newly qualified social workers' caseloads during their "
        "assessed and supported year",
        _PSW,
        "2023-10-01",
        "2024-01-31",
        begin=0,
        done=2,
    ),
    _Action(
        "A10",
        "R10",
        "Review weekly caseload data with team managers and rebalance allocations",
        _PIM,
        "2024-01-01",
        "2026-03-31",
        begin=3,
        stale=True,
    ),
    _Action(
        "A11",
        "R2",
        "Revise the supervision policy and recording template to include reflective discussion",
        _PSW,
        "2023-10-01",
        "2024-01-31",
        begin=0,
        done=3,
    ),
    _Action(
        "A12",
        "R2",
        "Deliver supervision training to all first-line managers",
        _WDM,
        "2024-01-01",
        "2024-06-30",
        begin=3,
        done=11,
        slips=((8, "2024-09-30", "trainer availability; two cohorts moved to September"),),
    ),
    _Action(
        "A13",
        "R2",
        "Audit 20 supervision records each month and report compliance to the improvement board",
        _QAM,
        "2023-11-01",
        "2025-03-31",
        begin=1,
        done=18,
    ),
    _Action(
        "A14",
        "R2",
        "Introduce group supervision in the Front Door (MASH)",
        _SM_FRONT,
        "2024-04-01",
        "2024-09-30",
        begin=7,
        done=10,
    ),
    _Action(
        "A15",
        "R3",
        "Add a management oversight recording standard to the case management system",
        _HOS_SAFEGUARDING,
        "2023-10-01",
        "2024-03-31",
        begin=1,
        done=12,
        slips=((5, "2024-09-30", "system change request queued with the supplier"),),
        blocked=(3, 6, "waiting for the case management system supplier's change request slot"),
    ),
    _Action(
        "A16",
        "R3",
        "Hold monthly practice learning days with team and service managers",
        _PSW,
        "2023-11-01",
        "2024-10-31",
        begin=2,
        done=13,
        notes=(
            (
                5,
                "Learning day on \u2018professional curiosity\u2019 held & well "
                "attended (41 staff)",
            ),
        ),
    ),
    _Action(
        "A17",
        "R3",
        "Commission an external review of management oversight in child protection",
        _DCS,
        "2023-10-01",
        "2024-06-30",
        begin=None,
        removed=11,
        notes=(
            (
                9,
                "Superseded by A15 and the practice weeks; to be removed from the "
                "plan at the next board",
            ),
        ),
    ),
    _Action(
        "A18",
        "R3",
        "Introduce practice weeks in which senior leaders observe practice and give feedback",
        _DCS,
        "2024-01-01",
        "2024-12-31",
        begin=4,
        done=14,
    ),
    _Action(
        "A19",
        "R4",
        "Refresh the neglect strategy with partners through the safeguarding children partnership",
        _HOS_SAFEGUARDING,
        "2023-10-01",
        "2024-03-31",
        begin=0,
        done=15,
        slips=(
            (5, "2024-07-31", "partners asked for a longer consultation"),
            (9, "2024-12-31", "strategy to go to the partnership board in December"),
        ),
    ),
    _Action(
        "A20",
        "R4",
        "Train all social workers to use the Graded Care Profile 2",
        _WDM,
        "2024-01-01",
        "2024-12-31",
        begin=3,
        done=14,
    ),
    _Action(
        "A21",
        "R4",
        "Make a Graded Care Profile 2 assessment mandatory before a neglect plan is agreed",
        _PSW,
        "2024-07-01",
        "2025-03-31",
        begin=10,
        optimistic="green",
        notes=(
            (19, "Practice guidance drafted; GCP2 step in the system awaits go-live <date TBC>"),
        ),
    ),
    _Action(
        "A22",
        "R4",
        "Audit neglect cases each quarter and share the learning with partners",
        _QAM,
        "2024-04-01",
        "2026-03-31",
        begin=6,
        stale=True,
    ),
    _Action(
        "A23",
        "R5",
        "Create a dedicated rota for visiting children placed out of "
        "borough, with pooled transport",
        _SM_CIC,
        "2023-10-01",
        "2024-01-31",
        begin=0,
        done=3,
    ),
    _Action(
        "A24",
        "R5",
        "Track visits to children placed out of borough weekly in the performance dashboard",
        _PIM,
        "2023-10-01",
        "2024-02-29",
        begin=1,
        done=5,
    ),
    _Action(
        "A25",
        "R5",
        "Agree reciprocal visiting arrangements with neighbouring councils "
        "for children placed far from home",
        _HOS_CIC,
        "2024-01-01",
        "2024-09-30",
        begin=5,
        blocked=(13, 99, "awaiting sign-off from two neighbouring councils' legal teams"),
    ),
    _Action(
        "A26",
        "R5",
        "Recruit 20 more in-house foster carers through Fostering & "
        "Adoption to reduce placements out of borough",
        _HOS_CIC,
        "2024-01-01",
        "2025-03-31",
        begin=3,
        slips=((17, "2025-09-30", "assessments take longer than planned"),),
        notes=((12, 'Campaign "Be the Difference" launched; 9 of 20 carers approved'),),
    ),
    _Action(
        "A27",
        "R6",
        "Relaunch the local offer for care leavers, written with the Children in Care Council",
        _SM_CL,
        "2023-10-01",
        "2024-04-30",
        begin=0,
        done=8,
    ),
    _Action(
        "A28",
        "R6",
        "Review the pathway plans of all care leavers aged 18 to 21",
        _SM_CL,
        "2023-10-01",
        "2024-03-31",
        begin=0,
        done=6,
    ),
    _Action(
        "A29",
        "R6",
        "Commission supported lodgings and a staying-close service",
        _COMMISSIONING,
        "2024-01-01",
        "2024-12-31",
        begin=4,
        slips=((13, "2025-06-30", "procurement paused while the budget was agreed"),),
        blocked=(10, 14, "procurement paused until the budget is agreed"),
        notes=((14, "Budget £40k agreed & recruitment <in progress>"),),
    ),
    _Action(
        "A30",
        "R6",
        "Offer personal adviser support to care leavers aged 21 to 25 who ask for it",
        _HOS_CIC,
        "2024-04-01",
        "2025-03-31",
        begin=6,
        done=17,
    ),
    _Action(
        "A31",
        "R7",
        "Set up an Edge of Care team offering intensive support within 48 hours",
        _HOS_EDGE,
        "2023-10-01",
        "2024-06-30",
        begin=0,
        done=8,
    ),
    _Action(
        "A32",
        "R7",
        "Introduce a multi-agency panel for adolescents at risk of care or exploitation",
        _HOS_EDGE,
        "2024-01-01",
        "2024-09-30",
        begin=3,
        done=13,
    ),
    _Action(
        "A33",
        "R7",
        "Evaluate the impact of the Edge of Care service after its first year",
        _PIM,
        "2025-04-01",
        "2025-12-31",
        begin=None,
    ),
    _Action(
        "A34",
        "R8",
        "Open four family hubs, one in each locality",
        _HOS_EARLY_HELP,
        "2023-10-01",
        "2024-09-30",
        begin=0,
        done=17,
        slips=((10, "2025-03-31", "building works at the fourth hub overran"),),
    ),
    _Action(
        "A35",
        "R8",
        "Publish the Start for Life offer and the family hub directory online",
        _HOS_EARLY_HELP,
        "2024-01-01",
        "2024-06-30",
        begin=3,
        done=8,
    ),
    _Action(
        "A36",
        "R8",
        "Agree a step-up and step-down protocol between family hubs and children's social care",
        _SM_FRONT,
        "2024-04-01",
        "2024-12-31",
        begin=7,
        slips=(
            (14, "2025-03-31", "partners' comments still being worked through"),
            (17, "2025-07-31", "sign-off moved to the July partnership board"),
        ),
        optimistic="amber",
    ),
    _Action(
        "A37",
        "R9",
        "Introduce daily management triage of all contacts in the Front Door (MASH)",
        _SM_FRONT,
        "2023-10-01",
        "2023-12-31",
        begin=0,
        done=2,
    ),
    _Action(
        "A38",
        "R9",
        "Set a 10-working-day target for first assessment visits and report it weekly",
        _HOS_SAFEGUARDING,
        "2023-10-01",
        "2024-03-31",
        begin=0,
        done=5,
    ),
    _Action(
        "A39",
        "R9",
        "Audit a sample of re-referrals each quarter to understand why families come back",
        _QAM,
        "2024-04-01",
        "2026-03-31",
        begin=7,
        blocked=(22, 99, "Quality Assurance Manager post vacant since July; audits paused"),
    ),
    _Action(
        "A40",
        "R9",
        "Agree a shared threshold document with partners, including schools and health",
        _HOS_SAFEGUARDING,
        "2023-10-01",
        "2024-03-31",
        begin=0,
        done=4,
    ),
    _Action(
        "A41",
        "R1",
        "Launch a newly qualified social worker academy with a protected first year",
        _PSW,
        "2024-04-01",
        "2024-09-30",
        begin=6,
        done=11,
        added=6,
    ),
    _Action(
        "A42",
        "R2",
        "Add supervision compliance by team to the performance dashboard",
        _PIM,
        "2025-01-01",
        "2025-06-30",
        begin=15,
        added=14,
    ),
    _Action(
        "A43",
        "R6",
        "Pilot a care leavers' hub with housing, benefits & health advice in one place",
        _SM_CL,
        "2025-06-01",
        "2026-01-31",
        begin=20,
        added=19,
    ),
)
