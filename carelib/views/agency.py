"""The agency page (``agency.html``, notebook 04_agency): the DfE agency rules, the fixed rate.

From :mod:`carelib.agency_data` (the optional ``agency_assignments`` dataset, published
once): compliance with each rule this quarter (the figures of ``carelib agency-return``)
and month by month, the month's breaches with their approval (no worker identifier, no
name; counted, not listed, in publication mode), the average hourly charge rate as an
XmR chart rebased when the fixed rate began, spend per agency FTE, the rates by role
type and agency spend against budget. Its first sentence answers the board: did the
fixed rate bring the rate down, and why can spend per agency FTE still rise?

In the notebook::

    from carelib import agency_data
    from carelib.views import agency as views

    views.section(agency_data.build(ctx))
"""

from __future__ import annotations

import pandas as pd

from carelib import agency_cost, agency_rules, blocks, charts, dates, formatting, spc, spc_section
from carelib.agency_data import SHORT_LABELS, AgencyData, build
from carelib.views.workforce_words import over_under

__all__ = ["breaches_table", "build", "compliance_table", "finding", "roles_table", "section"]

SOURCE = "Monthly agency assignments extract (agency_assignments.csv), workforce and agency spend"


def _numbers(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """The columns as numbers, suppressed cells (``c``) as missing (for charts and words)."""
    out = frame.copy()
    for column in columns:
        out[column] = pd.to_numeric(out[column], errors="coerce")
    return out


def _cell(value, unit: str = "count") -> str:
    return value if isinstance(value, str) else formatting.value(value, unit)


def finding(data: AgencyData) -> str:
    """The board's answer: the charge rate and spend per agency FTE since the fixed rate."""
    costs = _numbers(data.costs, ["mean_charge_rate", "spend_per_fte"])
    return agency_cost.finding(costs, data.rules.fixed_rate_from)


def compliance_table(data: AgencyData) -> blocks.Table:
    """Compliance by rule over the quarter so far, counted as the quarterly return counts it."""
    rows = []
    for rec in data.quarter_compliance.to_dict("records"):
        compliant, assessed = rec["compliant"], rec["assessed"]
        rate = (
            "c"
            if isinstance(compliant, str)
            else formatting.value(compliant / assessed * 100 if assessed else None, "percent")
        )
        rows.append(
            {
                "Rule": rec["label"],
                "Assessed": _cell(assessed),
                "Compliant": _cell(compliant),
                "Compliance": rate,
                "Breaches": _cell(rec["breaches"]),
                "Approved": _cell(rec["approved"]),
                "No approval recorded": _cell(rec["unapproved"]),
            }
        )
    columns = list(rows[0]) if rows else ["Rule"]
    return blocks.table(
        blocks.text_frame(rows, columns),
        f"Compliance with the DfE agency rules, {quarter_words(data)}: the figures of "
        "the quarterly return",
        row_header="Rule",
        numeric=columns[1:],
    )


def quarter_words(data: AgencyData) -> str:
    """``July to September 2025 (2025-Q3)``: the quarter of the month, in words."""
    first, last = data.quarter_months[0], data.quarter_months[-1]
    name = dates.month_label(first).split()[0]
    span = dates.month_label(last) if first == last else f"{name} to {dates.month_label(last)}"
    return f"{span} ({data.quarter})"


def _compliance_words(data: AgencyData) -> str:
    q = data.quarter_compliance
    total = pd.to_numeric(q["breaches"], errors="coerce")
    if total.isna().any():
        return (
            f"In {quarter_words(data)} some assignments breached the rules; the counts are "
            "small, so they are not shown in the publication version."
        )
    unapproved = int(pd.to_numeric(q["unapproved"]).sum())
    n = int(total.sum())
    if n == 0:
        return f"In {quarter_words(data)} no assessed assignment breached the agency rules."
    worst = q.loc[total.idxmax()]
    return (
        f"In {quarter_words(data)} there {'was' if n == 1 else 'were'} {n} "
        f"breach{'es' if n != 1 else ''} of the agency rules, {unapproved} with no approval "
        f"recorded; the rule breached most often was the {SHORT_LABELS[worst['rule']]} "
        f"({int(worst['breaches'])})."
    )


def breaches_table(data: AgencyData) -> blocks.Block:
    """The month's breaches and their approval (no worker identifier, no name)."""
    if data.publication:
        return blocks.paragraph(
            "Breaches are counted above, not listed, in the publication version: each row "
            "would be one worker."
        )
    if data.breaches.empty:
        return blocks.paragraph(
            f"No assignment active in {dates.month_label(data.month)} breached a rule."
        )
    frame = data.breaches.drop(columns="rule")
    return blocks.table(
        frame,
        f"Breaches of the agency rules by assignments active in {dates.month_label(data.month)}, "
        "with their approval",
        row_header="Rule",
    )


def _compliance_figure(data: AgencyData) -> blocks.Block | None:
    """Compliance with each rule month by month since the rules applied (or why not)."""
    start = dates.month_of(data.rules.rules_from)
    shown = data.compliance[data.compliance["month"] >= start]
    if (shown["compliance_rate"].astype(str) == "c").any():
        # A chart with suppressed months left out would draw lines across the gaps.
        return blocks.paragraph(
            "Compliance month by month is not shown in the publication version: in some "
            "months the counts of breaches are small."
        )
    part = _numbers(shown, ["compliance_rate"]).dropna(subset=["compliance_rate"])
    if part.empty:
        return None
    part = part.assign(Rule=part["rule"].map(SHORT_LABELS).str.capitalize())
    latest = part[part["month"] == part["month"].max()]
    worst = latest.loc[latest["compliance_rate"].idxmin()]
    return charts.line(
        part,
        "month",
        "compliance_rate",
        hue="Rule",
        unit="percent",
        ylabel="Assignments compliant",
        title="Compliance with each agency rule, month by month",
        alt=(
            f"Line chart of the share of assessed agency assignments compliant with each "
            f"rule since {dates.month_label(start)}. In {dates.month_label(worst['month'])} "
            f"the lowest was {worst['label'].lower()}, at "
            f"{formatting.value(worst['compliance_rate'], 'percent')}."
        ),
        source=SOURCE,
        data=blocks.text_frame(
            [
                {
                    "Month": dates.month_label(r["month"]),
                    "Rule": r["label"],
                    "Compliant (%)": formatting.value(r["compliance_rate"], "percent"),
                }
                for r in part.to_dict("records")
            ],
            ["Month", "Rule", "Compliant (%)"],
        ),
    )


def _rate_spc(data: AgencyData) -> blocks.Figure | None:
    costs = _numbers(data.costs, ["mean_charge_rate"]).set_index("month")
    values = costs["mean_charge_rate"]
    if values.notna().sum() < 2:
        return None
    fixed = data.rules.fixed_rate_from
    start = dates.month_of(fixed) if fixed else None
    chart = spc.xmr(values, polarity="lower_is_better", breaks=[start] if start else [])
    chart["label"] = [charts.month_text(m) for m in chart.index]
    inside = start is not None and chart.index[0] < start <= chart.index[-1]
    series = spc_section.Series(
        indicator="average_hourly_charge_rate",
        label="Average hourly charge rate",
        unit="gbp_hour",
        polarity="lower_is_better",
        chart=chart,
        breaks={start: "fixed agency rate starts"} if inside else {},
    )
    return spc_section.figure(series, SOURCE)


def _spend_per_fte_figure(data: AgencyData) -> blocks.Figure | None:
    costs = _numbers(data.costs, ["spend_per_fte", "mean_charge_rate"])
    costs = costs.dropna(subset=["spend_per_fte"])
    if costs.empty:
        return None
    first, last = costs.iloc[0], costs.iloc[-1]
    return charts.line(
        costs,
        "month",
        "spend_per_fte",
        unit="gbp",
        ylabel="Agency spend per agency FTE",
        title="Agency spend per agency FTE each month",
        alt=(
            f"Line chart of the month's agency spend divided by the agency social worker "
            f"FTE at the month end: {formatting.value(first['spend_per_fte'], 'gbp')} in "
            f"{dates.month_label(first['month'])} and "
            f"{formatting.value(last['spend_per_fte'], 'gbp')} in "
            f"{dates.month_label(last['month'])}."
        ),
        source=SOURCE,
        data=blocks.text_frame(
            [
                {
                    "Month": dates.month_label(r["month"]),
                    "Agency spend": formatting.value(r["spend"], "gbp"),
                    "Agency FTE": formatting.value(r["agency_fte"], "fte"),
                    "Spend per agency FTE": formatting.value(r["spend_per_fte"], "gbp"),
                    "Average charge rate": formatting.value(r["mean_charge_rate"], "gbp_hour"),
                }
                for r in costs.to_dict("records")
            ],
            [
                "Month",
                "Agency spend",
                "Agency FTE",
                "Spend per agency FTE",
                "Average charge rate",
            ],
        ),
    )


def roles_table(data: AgencyData) -> blocks.Table:
    """The month's assignments and average rates by DfE role type, with the cap in force."""
    day = dates.reference_date(data.month)
    rows = []
    for rec in data.by_role.to_dict("records"):
        cap = data.rules.cap(rec["role_type"], day)
        rows.append(
            {
                "Role type": rec["label"],
                "Assignments": _cell(rec["assignments"]),
                "Average charge rate": _cell(rec["mean_charge_rate"], "gbp_hour"),
                "Average pay rate": _cell(rec["mean_pay_rate"], "gbp_hour"),
                "Price cap (pay rate plus on-costs)": formatting.value(cap, "gbp_hour", "none set"),
            }
        )
    columns = [
        "Role type",
        "Assignments",
        "Average charge rate",
        "Average pay rate",
        "Price cap (pay rate plus on-costs)",
    ]
    return blocks.table(
        blocks.text_frame(rows, columns),
        f"Agency assignments and hourly rates by role type, {dates.month_label(data.month)}",
        row_header="Role type",
        numeric=columns[1:],
    )


def _roles_by_month(data: AgencyData) -> blocks.Details:
    shown = data.costs.tail(12)
    columns = ["Month", "All role types"] + [
        agency_rules.ROLE_LABELS[r] for r in agency_rules.ROLE_TYPES
    ]
    rows = [
        {
            "Month": dates.month_label(r["month"]),
            "All role types": _cell(r["mean_charge_rate"], "gbp_hour"),
            **{
                agency_rules.ROLE_LABELS[role]: _cell(r[f"charge_rate_{role}"], "gbp_hour")
                for role in agency_rules.ROLE_TYPES
            },
        }
        for r in shown.to_dict("records")
    ]
    return blocks.Details(
        "Average hourly charge rate by role type, month by month",
        [
            blocks.table(
                blocks.text_frame(rows, columns),
                "Average hourly charge rate by role type, last 12 months",
                row_header="Month",
                numeric=columns[1:],
            )
        ],
    )


def _spend_words(data: AgencyData) -> str:
    months = [m for m in data.quarter_months]
    part = data.costs[data.costs["month"].isin(months)]
    spend, budget = float(part["spend"].sum()), float(part["budget"].sum())
    return (
        f"Agency spend in {quarter_words(data)} was {formatting.money(spend)} against a budget "
        f"of {formatting.money(budget)} ({over_under(spend - budget)})."
    )


def section(data: AgencyData) -> blocks.View:
    """The agency rules and cost section (says so when the assignment data is not supplied).

    Parameters
    ----------
    data : carelib.agency_data.AgencyData
        :func:`build` of the notebook's context.
    """
    month = dates.month_label(data.month)
    if not data.supplied:
        return blocks.View(
            "agency_rules",
            None,
            [
                blocks.paragraph(
                    f"The agency assignment data (agency_assignments.csv) is not supplied for "
                    f"{month}, so compliance with the DfE agency rules and agency hourly rates "
                    "cannot be shown. docs/DATA_SPEC.md describes the file."
                )
            ],
            id="detail-agency-rules",
        )
    caps = (
        f"Price caps: {data.rules.caps_source}."
        if data.rules.caps
        else "No price caps are set ([agency] price_caps), so the price cap is not assessed."
    )
    parts = [
        blocks.paragraph(finding(data)),
        blocks.paragraph(_compliance_words(data)),
        compliance_table(data),
        breaches_table(data),
        _compliance_figure(data),
        _rate_spc(data),
        _spend_per_fte_figure(data),
        blocks.paragraph(_spend_words(data)),
        roles_table(data),
        _roles_by_month(data),
        blocks.paragraph(
            "An assignment that started before "
            f"{dates.long_date(data.rules.rules_from)} is not assessed until "
            f"{dates.long_date(data.rules.legacy_from)}. The price cap covers the hourly pay "
            f"rate plus employer on-costs ({data.rules.cap_on_costs_percent:g}%). {caps} "
            f"Rules: {agency_rules.GUIDANCE}."
        ),
    ]
    return blocks.View(
        "agency_rules", None, [p for p in parts if p is not None], id="detail-agency-rules"
    )
