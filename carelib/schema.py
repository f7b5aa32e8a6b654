"""The monthly data layout from DATA_SPEC: datasets, columns, types and categories.

This is what the loader needs to type a file; the full set of rules (ranges, dates
relative to the month, conditional rules) is enforced by the Great Expectations suites
in ``data_contracts/``, and a test checks that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = (
    "senior_manager",
    "middle_manager",
    "first_line_manager",
    "senior_practitioner",
    "case_holder",
    "qualified_without_cases",
    "alternatively_qualified",
)
QUALIFIED_ROLES = tuple(r for r in ROLES if r != "alternatively_qualified")
EMPLOYMENTS = ("permanent", "fixed_term", "agency")
LA_EMPLOYMENTS = ("permanent", "fixed_term")
START_ORIGINS = (
    "newly_qualified",
    "other_la",
    "agency",
    "outside_england",
    "other_social_work",
    "other_social_care",
    "non_social_care",
    "other",
    "not_known",
)
LEAVE_REASONS = (
    "resignation",
    "retirement",
    "end_of_contract",
    "dismissal",
    "redundancy",
    "moved_within_la",
    "other",
    "not_known",
)
DESTINATIONS = (
    "other_la",
    "agency",
    "outside_england",
    "other_social_work",
    "other_social_care",
    "non_social_care",
    "career_break",
    "other",
    "not_known",
)
ACTION_STATUSES = ("not_started", "in_progress", "complete", "blocked")
RAGS = ("red", "amber", "green", "blue")
UNITS = ("percent", "count", "days", "ratio", "gbp")
POLARITIES = ("higher_is_better", "lower_is_better")
#: DfE's five core job types for agency child and family social workers (DfE, *Agency
#: child and family social workers: data and price caps operational guidance*).
AGENCY_ROLE_TYPES = (
    "social_worker",
    "senior_social_worker",
    "advanced_practitioner",
    "team_manager",
    "iro_conference_chair",
)
KPIS = (
    "agency_rate",
    "vacancy_rate",
    "turnover_rate_12m",
    "average_caseload",
    "absence_rate_12m",
    "in_post_under_2y",
    "agency_cover_rate",
    "starters_12m",
    "nqsw_retained_1y",
)


@dataclass(frozen=True)
class Column:
    """One column of a dataset.

    Attributes
    ----------
    name : str
        Column name as it appears in the file header.
    kind : str
        One of ``text``, ``category``, ``number``, ``integer``, ``date``, ``boolean``.
    required : bool
        Whether every row must have a value.
    categories : tuple of str
        Allowed values for a ``category`` column.
    """

    name: str
    kind: str
    required: bool = False
    categories: tuple[str, ...] = ()


def _c(name, kind, required=False, categories=()):
    return Column(name, kind, required, tuple(categories))


_WORKER_COMMON = [
    _c("worker_id", "text", True),
    _c("team", "text", True),
    _c("role", "category", True, ROLES),
    _c("employment", "category", True, EMPLOYMENTS),
    _c("fte", "number", True),
    _c("start_date", "date", True),
    _c("start_origin", "category", False, START_ORIGINS),
]

DATASETS: dict[str, tuple[Column, ...]] = {
    "workforce": tuple(
        _WORKER_COMMON
        + [
            _c("asye", "boolean", True),
            _c("cases", "integer"),
            _c("covering_vacancy", "boolean"),
            _c("sickness_days", "number", True),
        ]
    ),
    "leavers": tuple(
        _WORKER_COMMON
        + [
            _c("leave_date", "date", True),
            _c("reason", "category", True, LEAVE_REASONS),
            _c("destination", "category", False, DESTINATIONS),
        ]
    ),
    "establishment": (_c("team", "text", True), _c("funded_fte", "number", True)),
    "agency_spend": (
        _c("team", "text", True),
        _c("spend_gbp", "number", True),
        _c("budget_gbp", "number", True),
    ),
    "actions": (
        _c("action_id", "text", True),
        _c("recommendation_id", "text", True),
        _c("recommendation", "text", True),
        _c("theme", "text", True),
        _c("action", "text", True),
        _c("owner", "text", True),
        _c("start_date", "date", True),
        _c("due_date", "date", True),
        _c("status", "category", True, ACTION_STATUSES),
        _c("completed_date", "date"),
        _c("officer_rag", "category", False, RAGS),
        _c("update", "text"),
    ),
    "measures": (
        _c("measure_id", "text", True),
        _c("recommendation_id", "text", True),
        _c("name", "text", True),
        _c("unit", "category", True, UNITS),
        _c("polarity", "category", True, POLARITIES),
        _c("baseline", "number", True),
        _c("target", "number", True),
        _c("target_date", "date", True),
        _c("value", "number"),
        _c("kpi", "category", False, KPIS),
    ),
    "agency_assignments": (
        _c("assignment_id", "text", True),
        _c("worker_id", "text", True),
        _c("team", "text", True),
        _c("role_type", "category", True, AGENCY_ROLE_TYPES),
        _c("hourly_charge_rate", "number", True),
        _c("hourly_pay_rate", "number", True),
        _c("start_date", "date", True),
        _c("end_date", "date"),
        _c("pqe_years", "number"),
        _c("qualification_date", "date"),
        _c("left_permanent_in_region", "boolean"),
        _c("left_permanent_date", "date"),
        _c("project_team", "boolean"),
        _c("project_name", "text"),
        _c("supplier", "text"),
        _c("breach_approved_by", "text"),
    ),
}

#: Datasets a month may leave out: without the file the month reads as having no rows
#: of it (and the pages that use it say it is not supplied).
OPTIONAL_DATASETS = ("agency_assignments",)

#: The key column of each dataset (unique within a file).
KEYS = {
    "workforce": "worker_id",
    "leavers": "worker_id",
    "establishment": "team",
    "agency_spend": "team",
    "actions": "action_id",
    "measures": "measure_id",
    "agency_assignments": "assignment_id",
}


def columns(dataset: str) -> tuple[Column, ...]:
    """Return the columns of ``dataset`` in specification order."""
    return DATASETS[dataset]


def is_optional(dataset: str) -> bool:
    """Whether a month may leave ``dataset`` out (see :data:`OPTIONAL_DATASETS`)."""
    return dataset in OPTIONAL_DATASETS


def column_names(dataset: str) -> list[str]:
    """Return the column names of ``dataset`` in specification order."""
    return [c.name for c in DATASETS[dataset]]
