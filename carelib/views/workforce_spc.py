"""The workforce page's "real change or noise?" section: XmR charts from the tables.

The charts are :func:`carelib.spc.xmr` over the council's published figures; the
wording and drawing are :mod:`carelib.spc_section`'s.
"""

from __future__ import annotations

import pandas as pd

from carelib import blocks, spc_section, workforce
from carelib import spc as xmr_rules
from carelib.workforce_data import SPC_INDICATORS, WorkforceData


def chart(data: WorkforceData, indicator: str) -> pd.DataFrame:
    """The indicator's XmR chart (:func:`carelib.spc.xmr`) with a ``label`` column."""
    key = ("spc", indicator)
    if key not in data.cache:
        ind = workforce.INDICATORS[indicator]
        rows, _ = data.trend_series(indicator)
        if ind.window == 12:
            # Part-year figures grow with the months they cover: they are not points of
            # the same process, so only complete 12-month windows are charted.
            rows = rows[rows["months_covered"] >= rows["window_months"]]
        found = xmr_rules.xmr(
            rows["value"],
            polarity=ind.polarity,
            baseline=xmr_rules.settings(data.config["spc"]).baseline,
            breaks=list(breaks(data, indicator, list(rows.index))),
            target=data.target(indicator),
        )
        found["label"] = rows["label"]
        data.cache[key] = found
    return data.cache[key]


def breaks(data: WorkforceData, indicator: str, months: list[str]) -> dict[str, str]:
    """Configured rebase months (``[spc] rebase_<indicator>``) inside the charted months."""
    rebase = xmr_rules.settings(data.config["spc"]).rebase.get(indicator, {})
    return {m: what for m, what in rebase.items() if months and months[0] < m <= months[-1]}


def series(data: WorkforceData, indicator: str) -> spc_section.Series:
    """What :mod:`carelib.spc_section` needs to word and draw the indicator's chart."""
    ind = workforce.INDICATORS[indicator]
    found = chart(data, indicator)
    return spc_section.Series(
        indicator=indicator,
        label=ind.label,
        unit=ind.unit,
        polarity=ind.polarity,
        chart=found,
        target=data.target(indicator),
        breaks=breaks(data, indicator, list(found.index)),
        window=ind.window,
    )


def latest_sentence(data: WorkforceData, indicator: str) -> str:
    """Whether this month is special cause (improvement or concern) or common cause."""
    return spc_section.latest_sentence(series(data, indicator), data.month)


def latest_kind(data: WorkforceData, indicator: str) -> str:
    """Return the month's reading: ``improvement``, ``concern``, ``common``, ``neither`` or ``""``.

    ``""`` when the chart has too few points or no point for this month.
    """
    found = chart(data, indicator)
    if data.month not in found.index or pd.isna(found.at[data.month, "value"]):
        return ""
    variation = str(found.at[data.month, "variation"])
    if variation == "common_cause":
        return "common"
    return "neither" if variation.startswith("neither") else variation


def reading_sentence(data: WorkforceData, indicator: str) -> str:
    """The sentences under an XmR chart, in the Making Data Count way of reading it."""
    return spc_section.reading_sentence(series(data, indicator))


def spc(data: WorkforceData, indicators=SPC_INDICATORS) -> blocks.View:
    """A summary table of variation and assurance, then an XmR chart of each indicator.

    Parameters
    ----------
    data : carelib.workforce_data.WorkforceData
    indicators : sequence of str
        The indicators charted, in order.
    """
    from carelib.views import workforce_board as board

    notes = {i: data.trend_series(i)[1] for i in indicators}
    found = [series(data, i) for i in indicators]
    parts = [
        board.section_heading(data, "spc"),
        *spc_section.section(found, notes, data.source, month=data.month),
    ]
    return blocks.View("spc", None, parts)
