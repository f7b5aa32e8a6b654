"""The DfE agency rules, checked assignment by assignment.

Since 31 October 2024 councils in England follow the DfE statutory guidance
*Child and family social workers: agency rules* (GOV.UK, 2024) when they engage agency
child and family social workers; existing ("legacy") assignments had until 1 October 2025
to comply. carelib checks each agency assignment active in the month
(``agency_assignments.csv``, see docs/DATA_SPEC.md) against the rules the council's own
data can show:

``price_cap``
    The hourly rate within the regional price cap for the assignment's role type. The
    caps are agreed by each region (its regional improvement and innovation alliance) and
    set in ``[agency] price_caps`` with their effective dates and ``caps_source``; none is
    built in. Per the DfE *data and price caps operational guidance*, the cap covers the
    worker's hourly pay rate plus employer National Insurance and the apprenticeship levy,
    so the capped rate is the pay rate uplifted by ``cap_on_costs_percent``.
``experience``
    At least three years' post-qualifying experience (``min_pqe_years``).
``cooling_off``
    Not engaged within three months (``cooling_off_months``) of leaving a permanent social
    work post in the council or another council in the same region.
``project_team``
    A project team or packaged model names its project, and each worker in it, with an
    itemised hourly cost (the guidance's disclosure for project teams).

A breach is not always wrong: the guidance lets the council go above a cap in exceptional
circumstances with senior sign-off. So every breach shows who approved it
(``breach_approved_by``) or that no approval is recorded.

Rules apply to an assignment that started on or after ``rules_from``, and to every
assignment from ``legacy_from``; before that an assignment is "not in scope", neither
compliant nor in breach.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from carelib import dates, schema

#: DfE's five core job types for agency child and family social workers (data and price
#: caps operational guidance): the categories of ``role_type``.
ROLE_TYPES = schema.AGENCY_ROLE_TYPES
ROLE_LABELS = {
    "social_worker": "Social worker",
    "senior_social_worker": "Senior social worker",
    "advanced_practitioner": "Advanced practitioner",
    "team_manager": "Team manager",
    "iro_conference_chair": "Independent reviewing officer or conference chair",
}
#: The rules checked, in the order pages and the return list them.
RULES = ("price_cap", "experience", "cooling_off", "project_team")
RULE_LABELS = {
    "price_cap": "Within the regional price cap",
    "experience": "At least the minimum post-qualifying experience",
    "cooling_off": "Cooling-off period after a permanent post in the region",
    "project_team": "Project team named, with workers and itemised costs",
}
#: The statutory guidance the rules come from.
GUIDANCE = (
    "DfE, Child and family social workers: agency rules (statutory guidance, in force "
    "31 October 2024); DfE, Agency child and family social workers: data and price caps "
    "operational guidance"
)

_CAP_ITEM = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*:\s*(.+)$")


@dataclass(frozen=True)
class Settings:
    """The ``[agency]`` settings.

    Attributes
    ----------
    rules_from, legacy_from : datetime.date
        Assignments starting on or after ``rules_from`` are in scope; every assignment is
        from ``legacy_from``.
    min_pqe_years : float
        The experience minimum.
    cooling_off_months : int
        The cooling-off period.
    caps : tuple of (date, dict)
        Price caps by role type (GBP an hour), each from its effective date, oldest first.
    caps_source : str
        Where the caps come from (shown with them).
    cap_on_costs_percent : float
        Employer on-costs added to the pay rate before it is compared with the cap.
    fixed_rate_from : datetime.date or None
        When the council's fixed agency rate began (charts are rebased there).
    """

    rules_from: dt.date = dt.date(2024, 10, 31)
    legacy_from: dt.date = dt.date(2025, 10, 1)
    min_pqe_years: float = 3.0
    cooling_off_months: int = 3
    caps: tuple[tuple[dt.date, dict[str, float]], ...] = ()
    caps_source: str = ""
    cap_on_costs_percent: float = 0.0
    fixed_rate_from: dt.date | None = None

    def cap(self, role_type: str, day: dt.date) -> float | None:
        """The price cap for ``role_type`` in force on ``day`` (None: no cap set)."""
        found = None
        for start, caps in self.caps:
            if start <= day and role_type in caps:
                found = caps[role_type]
        return found


def settings(section: Mapping[str, Any]) -> Settings:
    """Read the ``[agency]`` section of a config.

    ``price_caps`` is a list of ``"YYYY-MM-DD: role_type = rate, ..."`` items, one per
    effective date, e.g. ``"2024-10-31: social_worker = 38.50, team_manager = 50"``.

    Raises
    ------
    carelib.config.ConfigError
        Naming the key and the item for a cap that is not understood, a role type that is
        not one of :data:`ROLE_TYPES`, a rate that is not positive, or caps without a
        source.

    Examples
    --------
    >>> s = settings({"price_caps": ["2024-10-31: social_worker = 38.5"],
    ...               "caps_source": "Region MoU 2024"})
    >>> s.cap("social_worker", dt.date(2025, 1, 1)), s.cap("social_worker", dt.date(2024, 1, 1))
    (38.5, None)
    """
    from carelib.config import ConfigError

    caps: list[tuple[dt.date, dict[str, float]]] = []
    for item in section.get("price_caps", []) or []:
        match = _CAP_ITEM.match(str(item))
        problem = f"config key agency.price_caps: {item!r}"
        if not match:
            raise ConfigError(
                f"{problem} is not 'YYYY-MM-DD: role_type = rate, ...' (the date the caps "
                "take effect, then each role type's cap in GBP an hour)"
            )
        try:
            start = dt.date.fromisoformat(match.group(1))
        except ValueError:
            raise ConfigError(f"{problem}: {match.group(1)} is not a date") from None
        rates: dict[str, float] = {}
        for part in match.group(2).split(","):
            role, _, rate = part.partition("=")
            role = role.strip()
            if role not in ROLE_TYPES:
                raise ConfigError(
                    f"{problem}: {role!r} is not a DfE role type ({', '.join(ROLE_TYPES)})"
                )
            try:
                value = float(rate)
            except ValueError:
                raise ConfigError(f"{problem}: the cap for {role} is not a number") from None
            if not value > 0:
                raise ConfigError(f"{problem}: the cap for {role} must be above 0")
            rates[role] = value
        caps.append((start, rates))
    caps.sort(key=lambda c: c[0])
    source = str(section.get("caps_source", "") or "").strip()
    if caps and not source:
        raise ConfigError(
            "config key agency.caps_source must name where the price caps come from (for "
            "example your region's memorandum of understanding and its date)"
        )
    defaults = Settings()
    return Settings(
        rules_from=section.get("rules_from") or defaults.rules_from,
        legacy_from=section.get("legacy_from") or defaults.legacy_from,
        min_pqe_years=float(section.get("min_pqe_years", defaults.min_pqe_years)),
        cooling_off_months=int(section.get("cooling_off_months", defaults.cooling_off_months)),
        caps=tuple(caps),
        caps_source=source,
        cap_on_costs_percent=float(section.get("cap_on_costs_percent", 0.0) or 0.0),
        fixed_rate_from=section.get("fixed_rate_from") or None,
    )


def _months_between(earlier: dt.date, later: dt.date) -> float:
    """Whole and part months from ``earlier`` to ``later`` (calendar months)."""
    months = (later.year - earlier.year) * 12 + (later.month - earlier.month)
    if later.day < earlier.day:
        months -= 1
    return months


def _pqe_years(row: Mapping[str, Any]) -> float | None:
    years = row.get("pqe_years")
    if years is not None and not pd.isna(years):
        return float(years)
    qualified = row.get("qualification_date")
    if qualified is None or pd.isna(qualified):
        return None
    start = pd.Timestamp(row["start_date"]).date()
    return (start - pd.Timestamp(qualified).date()).days / 365.25


def flag(value: Any) -> bool:
    """A yes/no cell as a bool: blank (missing) reads as no."""
    return False if value is None or pd.isna(value) else bool(value)


def cell_text(value: Any) -> str:
    """A text cell as text: blank (missing) reads as empty."""
    return "" if value is None or pd.isna(value) else str(value).strip()


def check(assignments: pd.DataFrame, month: str, rules: Settings) -> pd.DataFrame:
    """Check every assignment active in ``month`` against every rule.

    Parameters
    ----------
    assignments : pandas.DataFrame
        The month's ``agency_assignments`` (typed as the loader types it).
    month : str
        The month, ``YYYY-MM``; the rules in force and the caps are those of its last day.
    rules : Settings
        The ``[agency]`` settings.

    Returns
    -------
    pandas.DataFrame
        One row per assignment and rule: ``assignment_id``, ``worker_id``, ``team``,
        ``role_type``, ``rule``, ``status`` (``compliant``, ``breach``, ``not_in_scope``,
        ``not_assessed`` when the data or the cap needed is missing), ``detail`` (a
        sentence without any identifier) and ``approved_by`` (for a breach: the role
        that approved it, or empty).
    """
    day = dates.reference_date(month)
    rows = []
    for rec in assignments.to_dict("records"):
        start = pd.Timestamp(rec["start_date"]).date()
        in_scope = start >= rules.rules_from or day >= rules.legacy_from
        base = {
            "assignment_id": rec["assignment_id"],
            "worker_id": rec["worker_id"],
            "team": rec["team"],
            "role_type": rec["role_type"],
        }
        approved = cell_text(rec.get("breach_approved_by"))
        for rule in RULES:
            if not in_scope:
                status, detail = "not_in_scope", "started before the rules applied to it"
            else:
                status, detail = _RULE_CHECKS[rule](rec, day, rules)
            rows.append(
                {
                    **base,
                    "rule": rule,
                    "status": status,
                    "detail": detail,
                    "approved_by": approved if status == "breach" else "",
                }
            )
    columns = ["assignment_id", "worker_id", "team", "role_type", "rule", "status", "detail"]
    return pd.DataFrame(rows, columns=[*columns, "approved_by"])


def _price_cap(rec: Mapping[str, Any], day: dt.date, rules: Settings) -> tuple[str, str]:
    cap = rules.cap(rec["role_type"], day)
    if cap is None:
        return "not_assessed", f"no price cap is set for {ROLE_LABELS[rec['role_type']].lower()}s"
    pay = rec.get("hourly_pay_rate")
    if pay is None or pd.isna(pay):
        return "not_assessed", "no hourly pay rate recorded"
    capped = float(pay) * (1 + rules.cap_on_costs_percent / 100)
    if round(capped, 2) > cap:
        return "breach", f"£{capped:,.2f} an hour against a cap of £{cap:,.2f}"
    return "compliant", f"£{capped:,.2f} an hour, cap £{cap:,.2f}"


def _experience(rec: Mapping[str, Any], day: dt.date, rules: Settings) -> tuple[str, str]:
    years = _pqe_years(rec)
    if years is None:
        return "not_assessed", "post-qualifying experience not recorded"
    if years + 1e-9 < rules.min_pqe_years:
        return "breach", (
            f"{years:.1f} years' post-qualifying experience, under the "
            f"{rules.min_pqe_years:g}-year minimum"
        )
    return "compliant", f"{years:.1f} years' post-qualifying experience"


def _cooling_off(rec: Mapping[str, Any], day: dt.date, rules: Settings) -> tuple[str, str]:
    if not flag(rec.get("left_permanent_in_region")):
        return "compliant", "no permanent post in the region before the assignment"
    left = rec.get("left_permanent_date")
    if left is None or pd.isna(left):
        return "not_assessed", "left a permanent post in the region; the date is not recorded"
    start = pd.Timestamp(rec["start_date"]).date()
    gap = _months_between(pd.Timestamp(left).date(), start)
    if gap < rules.cooling_off_months:
        return "breach", (
            f"started {gap:g} month{'s' if gap != 1 else ''} after leaving a permanent post "
            f"in the region (cooling-off period {rules.cooling_off_months} months)"
        )
    return "compliant", f"started {gap:g} months after leaving a permanent post in the region"


def _project_team(rec: Mapping[str, Any], day: dt.date, rules: Settings) -> tuple[str, str]:
    if not flag(rec.get("project_team")):
        return "compliant", "not part of a project team"
    missing = []
    if not cell_text(rec.get("project_name")):
        missing.append("the project's name")
    rate = rec.get("hourly_charge_rate")
    if rate is None or pd.isna(rate):
        missing.append("the itemised hourly cost")
    if missing:
        return "breach", "project team without " + " and ".join(missing)
    return "compliant", "project team named, with an itemised hourly cost"


_RULE_CHECKS = {
    "price_cap": _price_cap,
    "experience": _experience,
    "cooling_off": _cooling_off,
    "project_team": _project_team,
}


def summary(checks: pd.DataFrame) -> pd.DataFrame:
    """Compliance by rule: assignments assessed, compliant, breaches, approved, rate.

    Returns
    -------
    pandas.DataFrame
        One row per rule in :data:`RULES` order: ``rule``, ``label``, ``assessed`` (in
        scope and assessable), ``compliant``, ``breaches``, ``approved`` and
        ``unapproved`` breaches, ``not_assessed``, ``not_in_scope``, and
        ``compliance_rate`` (percent of those assessed; NaN when none was).
    """
    out = []
    for rule in RULES:
        part = checks[checks["rule"] == rule]
        counts = part["status"].value_counts()
        breaches = part[part["status"] == "breach"]
        compliant = int(counts.get("compliant", 0))
        n_breach = int(counts.get("breach", 0))
        assessed = compliant + n_breach
        approved = int((breaches["approved_by"].astype(str).str.strip() != "").sum())
        out.append(
            {
                "rule": rule,
                "label": RULE_LABELS[rule],
                "assessed": assessed,
                "compliant": compliant,
                "breaches": n_breach,
                "approved": approved,
                "unapproved": n_breach - approved,
                "not_assessed": int(counts.get("not_assessed", 0)),
                "not_in_scope": int(counts.get("not_in_scope", 0)),
                "compliance_rate": compliant / assessed * 100 if assessed else float("nan"),
            }
        )
    return pd.DataFrame(out)


def rates(assignments: pd.DataFrame) -> pd.DataFrame:
    """Average hourly charge and pay rates, council and by role type, for one month.

    Each assignment counts once (the guidance's rates are per assignment, not per hour
    worked). Returns ``role_type`` (``""`` for all), ``assignments``,
    ``mean_charge_rate`` and ``mean_pay_rate`` (GBP an hour).
    """
    groups = [("", assignments)] + [
        (role, assignments[assignments["role_type"] == role]) for role in ROLE_TYPES
    ]
    return pd.DataFrame(
        [
            {
                "role_type": role,
                "assignments": len(part),
                "mean_charge_rate": float(part["hourly_charge_rate"].mean())
                if len(part)
                else float("nan"),
                "mean_pay_rate": float(part["hourly_pay_rate"].mean())
                if len(part)
                else float("nan"),
            }
            for role, part in groups
        ]
    )
