"""Team hotspots: teams whose rates are well beyond the whole council's.

A team is a hotspot on an indicator when its figure is at least ``[hotspots]
rate_points`` percentage points above the council's (turnover, agency and vacancy
rates; all three are worse when higher) or ``caseload_above`` cases above the council's
average caseload, and it has at least ``min_team_fte`` social worker FTE. Everything is
read from the published indicator table (:func:`carelib.workforce_data.build`), so in
publication mode a suppressed figure (``c``) is never judged or named, and the words
show each figure exactly as the teams table does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from carelib import formatting

#: The indicators judged, with the config key of their threshold and how a gap reads.
JUDGED = {
    "turnover_rate_12m": ("rate_points", "turnover over 12 months"),
    "agency_rate": ("rate_points", "agency rate"),
    "vacancy_rate": ("rate_points", "vacancy rate"),
    "average_caseload": ("caseload_above", "average caseload"),
}


@dataclass(frozen=True)
class Hotspot:
    """One team's figure well beyond the council's.

    Attributes
    ----------
    team : str
        The team's name.
    indicator : str
        The indicator's key, e.g. ``agency_rate``.
    what : str
        The indicator in words, e.g. "agency rate".
    team_value, council_value : float
        The figures as published (unrounded).
    team_text, council_text : str
        The figures as the page shows them, e.g. "38.2%".
    """

    team: str
    indicator: str
    what: str
    team_value: float
    council_value: float
    team_text: str
    council_text: str

    @property
    def gap_text(self) -> str:
        """How far beyond the council's: "17.0 points" or "5.1 cases"."""
        gap = self.team_value - self.council_value
        if self.indicator == "average_caseload":
            return f"{formatting.number(gap, 1)} cases"
        return f"{formatting.number(gap, 1)} points"

    @property
    def words(self) -> str:
        """E.g. "agency rate 38.2% against the council's 21.2% (17.0 points above)"."""
        return (
            f"{self.what} {self.team_text} against the council's {self.council_text} "
            f"({self.gap_text} above)"
        )


def thresholds(config) -> dict[str, float]:
    """The ``[hotspots]`` settings (defaults from :data:`carelib.config.SCHEMA`)."""
    from carelib.config import SCHEMA

    try:
        given = dict(config["hotspots"] or {})
    except (KeyError, TypeError):
        given = {}
    return {key: float(given.get(key, default)) for key, (_, default) in SCHEMA["hotspots"].items()}


def _number(row) -> float:
    if row is None or str(row["symbol"]) not in ("", "nan", "None"):
        return math.nan
    try:
        return float(row["value"])
    except (TypeError, ValueError):
        return math.nan


def find(data) -> list[Hotspot]:
    """Every team hotspot this month, worst gap first within each team, teams in order.

    Parameters
    ----------
    data : carelib.workforce_data.WorkforceData
        The month's published tables.

    Returns
    -------
    list of Hotspot
        Empty when no team is beyond the thresholds (or every figure is suppressed).
    """
    limits = thresholds(data.config)
    found = []
    for team in data.teams():
        size = _number(data.row("social_worker_fte", team))
        if math.isnan(size) or size < limits["min_team_fte"]:
            continue
        mine = []
        for indicator, (key, what) in JUDGED.items():
            team_value = _number(data.row(indicator, team))
            council_value = _number(data.row(indicator))
            if math.isnan(team_value) or math.isnan(council_value):
                continue
            if team_value - council_value >= limits[key]:
                mine.append(
                    Hotspot(
                        team=team,
                        indicator=indicator,
                        what=what,
                        team_value=team_value,
                        council_value=council_value,
                        team_text=data.text(indicator, team),
                        council_text=data.text(indicator),
                    )
                )
        found += sorted(
            mine,
            key=lambda h: (
                -(h.team_value - h.council_value) / max(limits[JUDGED[h.indicator][0]], 1e-9)
            ),
        )
    return found


def by_team(hotspots: list[Hotspot]) -> dict[str, list[Hotspot]]:
    """The hotspots grouped by team, teams in the order found."""
    out: dict[str, list[Hotspot]] = {}
    for h in hotspots:
        out.setdefault(h.team, []).append(h)
    return out


def sentence(hotspots: list[Hotspot], config=None) -> str:
    """The hotspots in one plain-English paragraph (what the teams section and overview say).

    Parameters
    ----------
    hotspots : list of Hotspot
    config : mapping, optional
        The configuration, to state the thresholds.
    """
    limits = thresholds(config or {})
    rule = (
        f"a rate {formatting.number(limits['rate_points'], 0)} points or more above the "
        f"council's, or an average caseload {formatting.number(limits['caseload_above'], 0)} "
        f"or more cases above it, in teams of at least "
        f"{formatting.number(limits['min_team_fte'], 0)} social worker FTE"
    )
    if not hotspots:
        return f"No team is a hotspot this month ({rule})."
    teams = by_team(hotspots)
    parts = [f"{team}: " + "; ".join(h.words for h in items) for team, items in teams.items()]
    n = len(teams)
    return (
        f"{n} team{'s are' if n != 1 else ' is'} well beyond the council ({rule}). "
        + ". ".join(parts)
        + "."
    )
