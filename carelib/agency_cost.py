"""What agency social workers cost, month by month, and whether the fixed rate saves money.

A scrutiny board heard that "despite the number of agency workers, a reduction in costs
was being made due to having a fixed pay rate". Two figures answer it and they can move
in opposite directions:

- the **average hourly charge rate** of the month's assignments (what the council pays
  the agency for an hour), which a fixed rate brings down; and
- **spend per agency FTE** (the month's agency spend over the agency FTE at the month
  end), which also moves with hours worked, overtime, project teams paid by the job and
  spend on workers who left before the month end.

:func:`by_month` lays them side by side; :func:`finding` words the answer, and says
which way each moved since the fixed rate began and why they can differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from carelib import agency_rules, dates, formatting


def by_month(
    assignments: Mapping[str, pd.DataFrame],
    spend: Mapping[str, float],
    agency_fte: Mapping[str, float],
) -> pd.DataFrame:
    """Rates and costs by month.

    Parameters
    ----------
    assignments : mapping
        Month -> that month's ``agency_assignments``.
    spend : mapping
        Month -> the month's agency spend (GBP, all teams).
    agency_fte : mapping
        Month -> agency social worker FTE at the month end.

    Returns
    -------
    pandas.DataFrame
        One row per month (sorted): ``month``, ``assignments``, ``mean_charge_rate``,
        ``mean_pay_rate`` (GBP an hour), ``spend``, ``agency_fte``,
        ``spend_per_fte`` (GBP; NaN when there is no agency FTE), and one
        ``charge_rate_<role type>`` column per DfE role type.
    """
    rows = []
    for month in sorted(assignments):
        rates = agency_rules.rates(assignments[month]).set_index("role_type")
        fte = float(agency_fte.get(month, float("nan")))
        cost = float(spend.get(month, float("nan")))
        row = {
            "month": month,
            "assignments": int(rates.at["", "assignments"]),
            "mean_charge_rate": rates.at["", "mean_charge_rate"],
            "mean_pay_rate": rates.at["", "mean_pay_rate"],
            "spend": cost,
            "agency_fte": fte,
            "spend_per_fte": cost / fte if fte > 0 else float("nan"),
        }
        for role in agency_rules.ROLE_TYPES:
            row[f"charge_rate_{role}"] = rates.at[role, "mean_charge_rate"]
        rows.append(row)
    return pd.DataFrame(rows)


def _mean(frame: pd.DataFrame, column: str) -> float:
    values = frame[column].dropna()
    return float(values.mean()) if len(values) else float("nan")


def finding(frame: pd.DataFrame, fixed_from: dt.date | None, months: int = 3) -> str:
    """The board's answer in one or two sentences.

    Compares the ``months`` months before the fixed rate began with the latest
    ``months`` months (averages, so one odd month does not decide it).

    Examples
    --------
    >>> f = pd.DataFrame({"month": ["2024-04", "2024-05", "2024-06", "2024-07"],
    ...     "mean_charge_rate": [48.0, 48.0, 42.0, 42.0],
    ...     "spend_per_fte": [7000.0, 7100.0, 7300.0, 7400.0]})
    >>> text = finding(f, dt.date(2024, 6, 1), months=2)
    >>> text.split(";")[0].split(" the ")[2]
    'average charge rate fell from £48.00 to £42.00 an hour'
    >>> "spend per agency FTE rose from £7,050 to £7,350 a month, because" in text
    True
    """
    if fixed_from is None:
        return "No fixed agency rate is set (config [agency] fixed_rate_from)."
    start = dates.month_of(fixed_from)
    before = frame[frame["month"] < start].tail(months)
    after = frame[frame["month"] >= start].tail(months)
    if before.empty or after.empty:
        return (
            f"The fixed rate began in {dates.month_label(start)}; there are not yet months "
            "on both sides of it to compare."
        )
    r0, r1 = _mean(before, "mean_charge_rate"), _mean(after, "mean_charge_rate")
    c0, c1 = _mean(before, "spend_per_fte"), _mean(after, "spend_per_fte")
    rate_verb = "fell" if r1 < r0 else "rose" if r1 > r0 else "stayed"
    text = (
        f"Since the fixed rate began in {dates.month_label(start)} the average charge rate "
        f"{rate_verb} from £{r0:,.2f} to £{r1:,.2f} an hour"
    )
    if formatting.is_missing(c0) or formatting.is_missing(c1):
        return text + "."
    cost_verb = "fell" if c1 < c0 else "rose" if c1 > c0 else "stayed"
    text += f"; spend per agency FTE {cost_verb} from £{c0:,.0f} to £{c1:,.0f} a month"
    if (r1 < r0) and (c1 > c0):
        text += (
            ", because spend also follows the hours worked, overtime and project work "
            "paid by the job, which the rate does not fix."
        )
    else:
        text += "."
    return text
