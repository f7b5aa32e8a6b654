"""The agency rules and cost tables of a month, built once and published.

From the optional ``agency_assignments`` dataset (docs/DATA_SPEC.md), the workforce
(agency social worker FTE) and ``agency_spend``: the month's compliance with each DfE
agency rule and its trend, the quarter so far as the return counts it
(:mod:`carelib.agency_return`), the rates and cost per agency FTE by month and by role
type (:mod:`carelib.agency_cost`) and the month's breaches. In publication mode the
counts are suppressed once, here (:func:`carelib.publication.suppress_agency`), so the
page and ``carelib kpis --publication`` read the same figures; the breaches are then
counted, never listed. No table here holds a worker identifier or a name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from carelib import agency_cost, agency_return, agency_rules, publication, schema

#: Each rule in a few words (``carelib kpis``).
SHORT_LABELS = {
    "price_cap": "price cap",
    "experience": "experience minimum",
    "cooling_off": "cooling-off period",
    "project_team": "project team disclosure",
}
#: Months of rates and compliance shown (the trend and the SPC chart).
TREND_MONTHS = 24


@dataclass
class AgencyData:
    """The month's agency tables, as published.

    Attributes
    ----------
    month : str
        The reporting month.
    supplied : bool
        Whether the month has an ``agency_assignments`` file with rows.
    rules : carelib.agency_rules.Settings
        The ``[agency]`` settings.
    costs : pandas.DataFrame
        :func:`carelib.agency_cost.by_month` for the trend months, plus
        ``budget`` (GBP); rates are NaN where suppressed.
    by_role : pandas.DataFrame
        The month's ``role_type``, ``label``, ``assignments`` and mean rates.
    compliance : pandas.DataFrame
        :func:`carelib.agency_rules.summary` of each trend month (a ``month`` column).
    quarter : str
        The quarter of the month (``YYYY-Qn``); ``quarter_months`` its months so far.
    quarter_compliance : pandas.DataFrame
        The quarter so far, counted as the return counts it (``rule``, ``label``,
        ``assessed``, ``compliant``, ``breaches``, ``approved``, ``unapproved``).
    breaches : pandas.DataFrame
        The month's breaches: ``rule``, ``Rule``, ``Role type``, ``Team``, ``What was
        found``, ``Approval`` (empty in publication mode).
    publication : bool
        Whether counts are suppressed.
    """

    month: str
    supplied: bool
    rules: agency_rules.Settings
    costs: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_role: pd.DataFrame = field(default_factory=pd.DataFrame)
    compliance: pd.DataFrame = field(default_factory=pd.DataFrame)
    quarter: str = ""
    quarter_months: tuple[str, ...] = ()
    quarter_compliance: pd.DataFrame = field(default_factory=pd.DataFrame)
    breaches: pd.DataFrame = field(default_factory=pd.DataFrame)
    publication: bool = False
    threshold: int = 5

    def latest(self) -> pd.Series | None:
        """The month's row of :attr:`costs` (None when there is none)."""
        row = self.costs[self.costs["month"] == self.month]
        return row.iloc[0] if len(row) else None


def _month_frames(history, name: str) -> dict[str, pd.DataFrame]:
    frame = history.frame(name)
    return {m: part.drop(columns="month") for m, part in frame.groupby("month", sort=True)}


def quarter_of(month: str) -> agency_return.Quarter:
    """The calendar quarter ``month`` falls in."""
    year, mm = month.split("-")
    return agency_return.quarter(f"{year}-Q{(int(mm) - 1) // 3 + 1}")


def build(ctx) -> AgencyData:
    """Build the month's agency tables from the notebook context (suppressed if asked).

    Parameters
    ----------
    ctx : carelib.notebook.ReportContext
        ``ctx.history`` up to the month, ``ctx.config`` and ``ctx.publication``.
    """
    rules = agency_rules.settings(ctx.config["agency"])
    threshold = int(ctx.config["publication"].get("threshold", 5))
    history, month = ctx.history, ctx.month
    assignments = _month_frames(history, "agency_assignments")
    data = AgencyData(
        month=month,
        supplied=month in assignments and not assignments[month].empty,
        rules=rules,
        publication=bool(ctx.publication),
        threshold=threshold,
    )
    if not data.supplied:
        return data
    months = [m for m in sorted(assignments) if m <= month][-TREND_MONTHS:]
    spend = history.frame("agency_spend")
    spend = spend[spend["month"].isin(months)].groupby("month")
    wf = history.frame("workforce")
    agency = wf[(wf["employment"] == "agency") & wf["role"].isin(list(schema.QUALIFIED_ROLES))]
    fte = agency.groupby("month")["fte"].sum()
    costs = agency_cost.by_month(
        {m: assignments[m] for m in months},
        spend["spend_gbp"].sum().to_dict(),
        {m: float(fte.get(m, 0.0)) for m in months},
    )
    costs["budget"] = costs["month"].map(spend["budget_gbp"].sum()).astype("float64")
    for role in agency_rules.ROLE_TYPES:
        costs[f"n_{role}"] = [int((assignments[m]["role_type"] == role).sum()) for m in months]
    role_rates = agency_rules.rates(assignments[month])
    by_role = role_rates[role_rates["role_type"] != ""].copy()
    by_role.insert(1, "label", by_role["role_type"].map(agency_rules.ROLE_LABELS))
    compliance = pd.concat(
        [
            agency_rules.summary(agency_rules.check(assignments[m], m, rules)).assign(month=m)
            for m in months
        ],
        ignore_index=True,
    )
    which = quarter_of(month)
    so_far = tuple(m for m in which.months if m <= month and m in assignments)
    data.costs, data.by_role, data.compliance = costs, by_role, compliance
    data.quarter, data.quarter_months = which.label, so_far
    data.quarter_compliance = quarter_compliance(
        {m: {"agency_assignments": assignments[m]} for m in so_far}, so_far, rules
    )
    data.breaches = _breaches(agency_rules.check(assignments[month], month, rules))
    if data.publication:
        publication.suppress_agency(data, threshold)
    return data


def quarter_compliance(months, which_months, rules) -> pd.DataFrame:
    """Compliance by rule over the months so far of a quarter, counted as the return is.

    Each assignment counts once, with its status in the latest month it was active
    (:func:`carelib.agency_return.latest_statuses`).
    """
    latest = agency_return.latest_statuses(months, which_months, rules)
    return agency_return.compliance_rows(latest).assign(
        label=lambda f: f["rule"].map(agency_rules.RULE_LABELS)
    )


def _breaches(checks: pd.DataFrame) -> pd.DataFrame:
    found = checks[checks["status"] == "breach"]
    out = pd.DataFrame(
        {
            "rule": found["rule"].to_numpy(),
            "Rule": found["rule"].map(agency_rules.RULE_LABELS).to_numpy(),
            "Role type": found["role_type"].map(agency_rules.ROLE_LABELS).to_numpy(),
            "Team": found["team"].to_numpy(),
            "What was found": found["detail"].to_numpy(),
            "Approval": [
                f"Approved by the {a}" if a else "No approval recorded"
                for a in found["approved_by"]
            ],
        }
    )
    order = {r: i for i, r in enumerate(agency_rules.RULES)}
    return out.sort_values(
        ["rule", "Team", "Role type"], key=lambda s: s.map(order) if s.name == "rule" else s
    ).reset_index(drop=True)


def kpis(data: AgencyData) -> dict[str, dict]:
    """The rate figures ``carelib kpis`` prints, as published (JSON-ready).

    ``average_hourly_charge_rate`` and ``cost_per_agency_fte`` for the month and
    ``compliance_<rule>`` for each rule, each ``{"label", "value", "symbol",
    "numerator", "denominator", "unit"}``; nothing when the data is not supplied.
    """
    if not data.supplied:
        return {}
    row = data.latest()

    def clean(x):
        return None if x is None or pd.isna(x) else float(x)

    def symbol(x):
        return "c" if isinstance(x, str) else ("" if clean(x) is not None else "z")

    def number(x):
        return None if isinstance(x, str) else clean(x)

    out = {
        "average_hourly_charge_rate": {
            "label": "Agency average hourly charge rate",
            "value": number(row["mean_charge_rate"]),
            "symbol": symbol(row["mean_charge_rate"]),
            "numerator": None,
            "denominator": number(row["assignments"]),
            "unit": "gbp_hour",
        },
        "cost_per_agency_fte": {
            "label": "Agency spend per agency FTE (the month)",
            "value": number(row["spend_per_fte"]),
            "symbol": symbol(row["spend_per_fte"]),
            "numerator": number(row["spend"]),
            "denominator": number(row["agency_fte"]),
            "unit": "gbp",
        },
    }
    now = data.compliance[data.compliance["month"] == data.month]
    for rec in now.to_dict("records"):
        out[f"compliance_{rec['rule']}"] = {
            "label": f"Agency rules compliance: {SHORT_LABELS[rec['rule']]}",
            "value": number(rec["compliance_rate"]),
            "symbol": symbol(rec["compliance_rate"]),
            "numerator": number(rec["compliant"]),
            "denominator": number(rec["assessed"]),
            "unit": "percent",
        }
    return out
