"""Data dictionaries of the published CSVs, and rounding to the precision the pages show.

Each page writes its CSV and, beside it, a dictionary: ``workforce_dictionary.csv``
for ``workforce_indicators.csv`` (every column, then every indicator with its unit,
window, decimals and definition) and ``plan_dictionary.csv`` for ``measures.csv`` and
``actions.csv``. A dictionary has the columns ``file``, ``name``, ``kind`` (``column``
or ``indicator``), ``unit``, ``decimals`` and ``description``.

Published figures are rounded as on the page (:func:`round_indicators`,
:func:`round_measures`): percentages, caseloads and FTE to 1 decimal place, counts to
whole numbers, money to whole pounds. Full precision stays in the package: recompute
with :func:`carelib.workforce.indicators` for analysis.
"""

from __future__ import annotations

import pandas as pd

from carelib import formatting

DICTIONARY_COLUMNS = ["file", "name", "kind", "unit", "decimals", "description"]

#: Decimal places shown on the workforce page, by unit.
WORKFORCE_DECIMALS = {
    u: formatting.DECIMALS[u] for u in ("percent", "cases", "fte", "count", "gbp")
}

#: Decimal places shown on the plan page, by measure unit (as carelib.plan shows them).
MEASURE_DECIMALS = {
    u: formatting.DECIMALS[u] for u in ("percent", "days", "count", "ratio", "gbp", "cases")
}

WORKFORCE_COLUMNS = {
    "month": "Reporting month (YYYY-MM); figures are at its last day.",
    "scope": "council (the whole council) or team.",
    "team": "Team name; empty for the council.",
    "indicator": "Machine name of the indicator (see the indicator rows below).",
    "label": "Plain-English name of the indicator.",
    "value": "The figure, rounded as on the page (see decimals); empty when a symbol "
    "stands instead.",
    "symbol": "Empty for a number; z not applicable (denominator 0), x not available "
    "(input data absent), c suppressed (publication version).",
    "numerator": "The count the figure is built from (FTE, days, cases or people), 1 "
    "decimal place.",
    "denominator": "The count it is divided by, 1 decimal place; empty for a plain count.",
    "unit": "percent, cases (per FTE), count, fte or gbp.",
    "months_covered": "Months of data the figure uses.",
    "window_months": "Months it should span: 1, 12, 24, or the months of the financial "
    "year so far.",
    "complete": "True when months_covered reaches window_months. A figure that is not "
    "complete is shown as 'not available yet' and never rated against a target.",
    "period_start": "First month of data used (YYYY-MM).",
    "period_end": "Last month of data used (YYYY-MM).",
}

#: What each indicator counts (docs/workforce_indicators.md has the DfE sources).
INDICATOR_DEFINITIONS = {
    "agency_rate": "Agency qualified social-worker FTE / (agency FTE + council-employed "
    "social-worker FTE) x 100 (DfE definition).",
    "vacancy_rate": "Vacant FTE / (vacant FTE + council-employed social-worker FTE) x 100; "
    "posts covered by agency workers are vacant (DfE definition).",
    "turnover_rate_12m": "FTE of social workers who left in the 12 months / social-worker "
    "FTE at the month end x 100 (DfE definition).",
    "average_caseload": "Cases held / FTE of qualified case holders (agency included) with "
    "at least one case (DfE definition).",
    "absence_rate_12m": "Monthly-weighted: days lost to sickness in 12 months / the working "
    "days each month's FTE could work x 100 (carelib's; for the monthly trend).",
    "absence_rate_dfe": "Days lost to sickness in 12 months / (social-worker FTE at the "
    "month end x 253) x 100 (DfE definition; set beside England).",
    "in_post_under_2y": "Social-worker FTE who started less than 2 years before the month "
    "end / social-worker FTE x 100.",
    "agency_cover_rate": "Agency FTE covering a funded vacant post / agency FTE x 100 (DfE "
    "definition).",
    "starters_12m": "Social workers (headcount) who started in the 12 months, including any "
    "who have since left.",
    "nqsw_retained_1y": "Of those who joined newly qualified 13 to 24 months before, the "
    "share (headcount) still in post.",
}

MEASURE_COLUMNS = {
    "measure_id": "Identifier of the progress measure.",
    "recommendation_id": "The Ofsted recommendation it evidences.",
    "name": "Name of the measure.",
    "unit": "percent, days, count, ratio or gbp.",
    "polarity": "higher_is_better or lower_is_better.",
    "baseline": "Value when the plan started.",
    "target": "Value to reach by target_date.",
    "target_date": "Date the target is due.",
    "kpi": "Workforce indicator that supplies the value (empty: the value is the council's own).",
    "value": "Value used this month, rounded as on the page.",
    "value_source": "kpi (computed workforce indicator), data (the measures file) or none.",
    "trajectory": "Expected value on the straight line from baseline to target.",
    "behind_trajectory": "How far the value is behind the trajectory (negative: ahead).",
    "amber_band": "How far behind the trajectory still counts as amber.",
    "rag": "green, amber, red or no data (see docs/plan_rules.md).",
    "rag_reason": "Why the rating was given.",
    "target_met": "True when the value meets the target.",
    "distance_to_target": "How far the value is from the target (negative: beaten).",
    "share_of_gap_closed": "Share of the baseline-to-target gap closed (0 to 1, 2 decimal places).",
    "progress_text": "The progress in words, as on the page.",
    "months_covered": "For a measure fed by a kpi: months of data the indicator covers.",
    "window_months": "For a measure fed by a kpi: months it should span (e.g. 12).",
    "complete": "For a measure fed by a kpi: True when it covers its whole window; a "
    "measure whose indicator is not complete has no rating ('not available yet').",
    "previous_value": "Value last month.",
    "previous_rag": "Rating last month.",
    "rag_change": "improved, worsened, same or new.",
    "new": "True for a measure first seen this month.",
    "suppressed": "Publication version only: the figures of a count measure hidden "
    "because they are 1 to the threshold (space-separated; empty when none). The "
    "figures worked out from them are empty too.",
}


def round_indicators(table: pd.DataFrame) -> pd.DataFrame:
    """Round a workforce indicator table as the page shows it.

    ``value`` to its unit's decimals (:data:`WORKFORCE_DECIMALS`), ``numerator`` and
    ``denominator`` to 1 decimal place (FTE and days are shown to 1 dp; counts are whole).
    """
    out = table.copy()
    decimals = out["unit"].map(WORKFORCE_DECIMALS).fillna(1).astype("int64")
    out["value"] = [
        round(v, d) if pd.notna(v) else v
        for v, d in zip(pd.to_numeric(out["value"], errors="coerce"), decimals, strict=True)
    ]
    for col in ("numerator", "denominator"):
        out[col] = pd.to_numeric(out[col], errors="coerce").round(1)
    return out


def round_measures(measures: pd.DataFrame) -> pd.DataFrame:
    """Round a plan measures table as the page shows it (:data:`MEASURE_DECIMALS`)."""
    out = measures.copy()
    decimals = out["unit"].map(MEASURE_DECIMALS).fillna(1).astype("int64")
    for col in (
        "value",
        "baseline",
        "target",
        "trajectory",
        "behind_trajectory",
        "amber_band",
        "distance_to_target",
        "previous_value",
    ):
        if col in out.columns:
            numbers = pd.to_numeric(out[col], errors="coerce")
            out[col] = [
                round(v, d) if pd.notna(v) else v for v, d in zip(numbers, decimals, strict=True)
            ]
    if "share_of_gap_closed" in out.columns:
        out["share_of_gap_closed"] = pd.to_numeric(
            out["share_of_gap_closed"], errors="coerce"
        ).round(2)
    return out


ACTION_COLUMNS = {
    "action_id": "Identifier of the action.",
    "recommendation_id": "The Ofsted recommendation it answers.",
    "theme": "Theme of the plan it belongs to.",
    "action": "What is to be done (free text from the plan).",
    "owner": "Role that owns the action.",
    "start_date": "Date the action starts.",
    "due_date": "Date it is due now.",
    "status": "Status recorded in the plan.",
    "completed_date": "Date it was completed (empty if not).",
    "officer_rag": "The owner's own rating.",
    "computed_rag": "carelib's evidence-based rating (docs/plan_rules.md).",
    "rag_reason": "Why the computed rating was given.",
    "rag_disagrees": "True when the owner's rating differs from the computed one.",
    "more_optimistic": "Which of the two ratings is more optimistic, when they differ.",
    "overdue": "True when past its due date and not complete.",
    "days_overdue": "Days past the due date (0 when not overdue).",
    "due_in_days": "Days from the month end to the due date (negative when past).",
    "blocked": "True when recorded as blocked.",
    "first_due_date": "The due date when the action was first seen.",
    "slipped_this_month": "True when the due date moved later since last month.",
    "slipped_days_this_month": "Days the due date moved later since last month.",
    "slipped_days_total": "Days the due date has moved later in all.",
    "times_slipped": "How many months the due date moved later.",
    "previous_rag": "Computed rating last month.",
    "rag_change": "new, worsened, improved, same or not compared.",
    "new": "True for an action first seen this month.",
    "completed_this_month": "True when completed this month.",
    "update": "Latest progress update (free text from the plan).",
    "last_update_month": "Month of the latest new update.",
    "months_since_update": "Months since the update last changed.",
    "stale": "True when not updated for rag.stale_update_months months.",
    "first_seen_month": "Month the action first appeared in the plan.",
}


def _columns(file: str, described: dict[str, str], present) -> list[dict]:
    rows = []
    for name in present:
        rows.append(
            {
                "file": file,
                "name": name,
                "kind": "column",
                "unit": "",
                "decimals": "",
                "description": described.get(name, ""),
            }
        )
    return rows


def workforce_dictionary(columns, definitions: dict[str, str] | None = None) -> pd.DataFrame:
    """Return the dictionary of ``workforce_indicators.csv``.

    Parameters
    ----------
    columns : list of str
        The CSV's columns, in order.
    definitions : dict, optional
        Indicator label -> definition as on the page (e.g. from the definitions table).
    """
    from carelib import workforce

    rows = _columns("workforce_indicators.csv", WORKFORCE_COLUMNS, columns)
    definitions = definitions or {}
    for ind in workforce.INDICATORS.values():
        window = {1: "at the month end", "fy": "financial year to date"}.get(
            ind.window, f"{ind.window} months to the month end"
        )
        what = definitions.get(ind.label) or INDICATOR_DEFINITIONS.get(ind.name, "")
        rows.append(
            {
                "file": "workforce_indicators.csv",
                "name": ind.name,
                "kind": "indicator",
                "unit": ind.unit,
                "decimals": WORKFORCE_DECIMALS.get(ind.unit, 1),
                "description": f"{ind.label} ({window})." + (f" {what}" if what else ""),
            }
        )
    return pd.DataFrame(rows, columns=DICTIONARY_COLUMNS)


def plan_dictionary(measure_columns, action_columns=()) -> pd.DataFrame:
    """Return the dictionary of ``measures.csv`` (and the columns of ``actions.csv``).

    Parameters
    ----------
    measure_columns, action_columns : list of str
        The CSVs' columns, in order (the rules behind them: ``docs/plan_rules.md``).
    """
    rows = _columns("measures.csv", MEASURE_COLUMNS, measure_columns)
    rows += _columns("actions.csv", ACTION_COLUMNS, action_columns)
    for unit, decimals in MEASURE_DECIMALS.items():
        rows.append(
            {
                "file": "measures.csv",
                "name": f"unit {unit}",
                "kind": "precision",
                "unit": unit,
                "decimals": decimals,
                "description": f"Values of measures in {unit} are rounded to {decimals} "
                "decimal places, as on the page.",
            }
        )
    return pd.DataFrame(rows, columns=DICTIONARY_COLUMNS)
