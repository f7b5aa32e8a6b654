"""What each workforce indicator is: name, label, unit, window, counts and polarity.

The definitions behind :mod:`carelib.workforce` (see its docstring for the decisions
DATA_SPEC leaves open): :data:`INDICATORS` in output order, the columns of the
indicator table, which rate function computes each rate from which counts, and the
month indices (:mod:`carelib.month`) the counting works in.
"""

from __future__ import annotations

from dataclasses import dataclass

from carelib import month as month_type
from carelib import rates, schema
from carelib.month import Month

NQ = "newly_qualified"
_NO_TEAM = "not recorded"
_FAR = month_type.FAR  # a month index later than any real month


@dataclass(frozen=True)
class Indicator:
    """What one indicator is and how it is computed.

    Attributes
    ----------
    name : str
        Machine name, e.g. ``agency_rate``.
    label : str
        Plain-English name for readers.
    unit : str
        ``percent``, ``cases``, ``count``, ``fte`` or ``gbp``.
    window : int or str
        Months of data the figure spans: 1 (at the month end), 12, 24, or ``"fy"``
        (financial year to date).
    numerator, denominator : str or None
        Internal count columns; denominator None for a plain count.
    polarity : str
        ``lower_is_better``, ``higher_is_better`` or ``""`` (neither).
    """

    name: str
    label: str
    unit: str
    window: int | str
    numerator: str
    denominator: str | None = None
    polarity: str = ""


def _rate_specs():
    low, high = "lower_is_better", "higher_is_better"
    return [
        Indicator("agency_rate", "Agency rate", "percent", 1, "agency_fte", "agency_den", low),
        Indicator("vacancy_rate", "Vacancy rate", "percent", 1, "vacancy_fte", "vacancy_den", low),
        Indicator(
            "turnover_rate_12m",
            "Turnover rate (12 months)",
            "percent",
            12,
            "leavers_fte_12m",
            "sw_fte",
            low,
        ),
        Indicator(
            "average_caseload", "Average caseload", "cases", 1, "cases", "case_holder_fte", low
        ),
        Indicator(
            "absence_rate_12m",
            "Sickness absence rate (12 months)",
            "percent",
            12,
            "sick_days_12m",
            "available_days_12m",
            low,
        ),
        Indicator(
            "absence_rate_dfe",
            "Sickness absence rate, DfE definition (12 months)",
            "percent",
            12,
            "sick_days_12m",
            "dfe_available_days",
            low,
        ),
        Indicator(
            # Lower is better: a high share in post under 2 years is an inexperienced
            # workforce (the churn agency reliance and turnover leave behind).
            "in_post_under_2y",
            "In post less than 2 years",
            "percent",
            1,
            "under_2y_fte",
            "sw_fte",
            low,
        ),
        Indicator(
            "agency_cover_rate",
            "Agency workers covering vacancies",
            "percent",
            1,
            "cover_fte",
            "agency_fte",
        ),
        Indicator("starters_12m", "Starters (12 months)", "count", 12, "starters_12m"),
        Indicator(
            "nqsw_retained_1y",
            "Newly qualified social workers retained after 1 year",
            "percent",
            24,
            "nqsw_retained",
            "nqsw_cohort",
            high,
        ),
    ]


def _count_specs():
    return [
        Indicator("social_worker_fte", "Social workers (FTE)", "fte", 1, "sw_fte"),
        Indicator("social_worker_headcount", "Social workers (headcount)", "count", 1, "sw_hc"),
        Indicator("agency_fte", "Agency social workers (FTE)", "fte", 1, "agency_fte"),
        Indicator("agency_headcount", "Agency social workers (headcount)", "count", 1, "agency_hc"),
        Indicator(
            "alternatively_qualified_fte",
            "Alternatively qualified workers (FTE)",
            "fte",
            1,
            "aq_fte",
        ),
        Indicator(
            "alternatively_qualified_headcount",
            "Alternatively qualified workers (headcount)",
            "count",
            1,
            "aq_hc",
        ),
        Indicator("funded_fte", "Funded posts (FTE)", "fte", 1, "funded_fte"),
        Indicator("vacancy_fte", "Vacancies (FTE)", "fte", 1, "vacancy_fte"),
        Indicator("cases", "Cases held", "count", 1, "cases"),
        Indicator(
            "leavers_fte_12m",
            "Social-worker leavers, 12 months (FTE)",
            "fte",
            12,
            "leavers_fte_12m",
        ),
        Indicator(
            "leavers_headcount_12m",
            "Social-worker leavers, 12 months (headcount)",
            "count",
            12,
            "leavers_hc_12m",
        ),
        Indicator(
            "leavers_fte_month",
            "Social-worker leavers in the month (FTE)",
            "fte",
            1,
            "leavers_fte_month",
        ),
        Indicator(
            "leavers_headcount_month",
            "Social-worker leavers in the month (headcount)",
            "count",
            1,
            "leavers_hc_month",
        ),
        Indicator(
            "starters_fytd",
            "Social-worker starters, financial year to date",
            "count",
            "fy",
            "starters_fytd",
        ),
        Indicator("agency_spend_month", "Agency spend in the month", "gbp", 1, "spend"),
        Indicator("agency_budget_month", "Agency budget for the month", "gbp", 1, "budget"),
        Indicator(
            "agency_spend_fytd", "Agency spend, financial year to date", "gbp", "fy", "spend_fytd"
        ),
        Indicator(
            "agency_budget_fytd",
            "Agency budget, financial year to date",
            "gbp",
            "fy",
            "budget_fytd",
        ),
        Indicator(
            "agency_spend_projected",
            "Agency spend, projected year end",
            "gbp",
            "fy",
            "spend_projected",
        ),
        Indicator(
            "agency_budget_projected",
            "Agency budget, projected year end",
            "gbp",
            "fy",
            "budget_projected",
        ),
    ]


#: Every indicator :func:`indicators` returns, by name, in output order.
INDICATORS: dict[str, Indicator] = {i.name: i for i in _rate_specs() + _count_specs()}

#: The headline KPIs (DATA_SPEC's workforce indicators), as in ``schema.KPIS``.
KPIS = schema.KPIS

COLUMNS = [
    "month",
    "scope",
    "team",
    "indicator",
    "value",
    "symbol",
    "numerator",
    "denominator",
    "unit",
    "months_covered",
    "window_months",
    "complete",
    "period_start",
    "period_end",
]

# Calls of the rate functions: indicator -> (function, argument columns).
_FORMULAS = {
    "agency_rate": (rates.agency_rate, ("agency_fte", "sw_fte")),
    "vacancy_rate": (rates.vacancy_rate, ("vacancy_fte", "sw_fte")),
    "turnover_rate_12m": (rates.turnover_rate, ("leavers_fte_12m", "sw_fte")),
    "average_caseload": (rates.average_caseload, ("cases", "case_holder_fte")),
    "absence_rate_12m": (rates.absence_rate, ("sick_days_12m", "available_days_12m")),
    "absence_rate_dfe": (rates.share, ("sick_days_12m", "dfe_available_days")),
    "in_post_under_2y": (rates.share, ("under_2y_fte", "sw_fte")),
    "agency_cover_rate": (rates.agency_cover_rate, ("cover_fte", "agency_fte")),
    "nqsw_retained_1y": (rates.share, ("nqsw_retained", "nqsw_cohort")),
}

# Columns that are missing ("x") rather than zero when a month has no such data.
_MAYBE_MISSING = ("funded_fte", "vacancy_fte", "spend", "budget", "spend_fytd", "budget_fytd")


# --------------------------------------------------------------------------- months
# Months are handled as month indices (carelib.month) so windows are arithmetic.

_mi_of_text = month_type.indices_of_text
_mi_of_dates = month_type.indices_of_dates
_month_end = month_type.ends_of_indices
_fy_first = month_type.financial_year_first


def _mi(month: str) -> int:
    return Month(month).ordinal


def _month(mi: int) -> Month:
    return Month.from_index(mi)


def fy_label(month: str, fy_start_month: int = 4) -> str:
    """Return the financial year of a month, e.g. ``2025-26`` (``2025`` if it starts in January).

    Examples
    --------
    >>> fy_label("2026-03"), fy_label("2026-04"), fy_label("2026-03", 1)
    ('2025-26', '2026-27', '2026')
    """
    return Month(month).financial_year(fy_start_month)
