"""The top of the workforce page: headline tiles, the month's narrative, the hand-over.

:func:`tiles` and :func:`narrative` are views (:class:`carelib.blocks.View`);
:func:`tile_items` and :func:`summary_sentence` are what the overview page shows, handed
over by :func:`publish_outputs` with the CSVs behind the page. All read the same
published tables (:func:`carelib.workforce_data.build`).
"""

from __future__ import annotations

from carelib import blocks, board_lines, dates, dictionary, formatting, workforce
from carelib.views import workforce_board as board
from carelib.views import workforce_spc
from carelib.views import workforce_words as words
from carelib.workforce_data import (
    COMPARED_AS,
    HEADLINE,
    TARGETED,
    TILE_LABELS,
    WorkforceData,
)


def _tile_note(data: WorkforceData, indicator: str) -> str | None:
    row = data.row(indicator)
    has_numerator = row is not None and not formatting.is_missing(row["numerator"])
    note = words.window_note(data, indicator)
    if indicator == "agency_rate" and has_numerator:
        note = (
            f"{formatting.value(row['numerator'], 'fte')} agency FTE of "
            f"{formatting.value(row['denominator'], 'fte')} FTE"
        )
    elif indicator == "vacancy_rate" and has_numerator:
        note = f"{formatting.value(row['numerator'], 'fte')} FTE vacant posts"
    elif indicator == "average_caseload" and has_numerator:
        note = f"{formatting.value(row['numerator'], 'count')} cases; cases per case-holding FTE"
    elif indicator == "in_post_under_2y":
        note = "Share of social worker FTE who started less than 2 years ago"
    elif indicator == "starters_12m":
        window = words.window_note(data, indicator) or ""
        note = f"Qualified social workers (headcount), {window[:1].lower()}{window[1:]}"
    elif indicator == "nqsw_retained_1y":
        if has_numerator:
            note = (
                f"{formatting.value(row['numerator'], 'count')} of "
                f"{formatting.value(row['denominator'], 'count')} who started "
                "13 to 24 months ago are still in post"
            )
        else:
            note = "Of those who started 13 to 24 months ago, the share still in post"
        covered = 0 if row is None else int(row["months_covered"])
        if row is not None and covered < int(row["window_months"]):
            note += f" (only {covered} of 24 months of data)"
    return note


def tile(data: WorkforceData, indicator: str) -> blocks.Tile:
    """One headline tile: the figure, its change, target, comparators and a note."""
    note = _tile_note(data, indicator)
    value = data.text(indicator)
    if data.partial(indicator):
        row = data.row(indicator)
        value = "Not available yet"
        note = (
            f"Only {int(row['months_covered'])} of {int(row['window_months'])} months "
            f"of data ({words.month_span(row['period_start'], row['period_end'])})"
            + (": not rated against the target" if data.target(indicator) else "")
        )
    elif indicator in COMPARED_AS:
        note = (
            "Monthly-weighted: days lost over the working days each month's FTE could "
            "work (for the monthly trend)"
        )
    if value == "c":
        note = words.suppressed_reason(data) + (f". {note}" if note else "")
    return blocks.Tile(
        label=TILE_LABELS[indicator],
        value=value,
        change=words.change_words(data, indicator),
        target=words.target_text(data, indicator),
        status=words.target_status(data, indicator),
        comparison=words.comparison(data, indicator),
        note=note,
    )


def tile_items(data: WorkforceData, indicators=HEADLINE) -> list[dict]:
    """The headline tiles as the overview page takes them (JSON-ready dicts).

    Each has ``label``, ``value``, ``change``, ``target``, ``status`` (``met``,
    ``not_met`` or None), ``comparison`` and ``note``.
    """
    return [vars(tile(data, name)) for name in indicators]


def summary_sentence(data: WorkforceData) -> str:
    """One plain-English sentence for the overview page."""
    month = dates.month_label(data.month)
    change = words.change_words(data, "agency_rate")
    said = change.split(" (")[0] if change else ""
    agency = data.text("agency_rate") + (f" ({said[0].lower()}{said[1:]})" if said else "")
    judged = [s for s in (words.target_status(data, i) for i in TARGETED) if s]
    met = sum(s == "met" for s in judged)
    tail = f"; {met} of {len(judged)} workforce targets were met" if judged else ""
    names = {"turnover_rate_12m": "turnover", "absence_rate_12m": "sickness absence"}
    partial = [names.get(i, i) for i in TARGETED if data.partial(i) and data.target(i) is not None]
    if partial:
        joined = " and ".join(partial)
        tail += (
            f" ({joined} not rated: fewer than 12 months of data)"
            if judged
            else f"; {joined} not rated yet: fewer than 12 months of data"
        )
    turnover = data.text("turnover_rate_12m")
    if data.partial("turnover_rate_12m"):
        turnover = f"({data.partial('turnover_rate_12m')})"
    return (
        f"In {month} the agency rate was {agency}, the vacancy rate "
        f"{data.text('vacancy_rate')}, turnover over 12 months "
        f"{turnover} and the average caseload "
        f"{data.text('average_caseload')} cases per case-holding FTE{tail}."
    )


def indicators_csv(data: WorkforceData):
    """``workforce_indicators.csv``: the published table with a label, rounded as shown."""
    out = data.table.copy()
    out.insert(
        4, "label", out["indicator"].map({k: v.label for k, v in workforce.INDICATORS.items()})
    )
    return dictionary.round_indicators(out)


def publish_outputs(data: WorkforceData) -> None:
    """Write the CSVs behind the page and hand the headline tiles to the overview page.

    ``workforce_indicators.csv`` is the table behind the page (the council's figures for
    every trend month, each team's for the month, suppressed and withheld as on the page
    in publication mode, rounded as on the page); ``workforce_dictionary.csv`` describes
    its columns.
    """
    out = indicators_csv(data)
    data.ctx.write_csv("workforce_indicators.csv", out)
    data.ctx.write_csv("workforce_dictionary.csv", dictionary.workforce_dictionary(out.columns))
    data.ctx.headlines(
        {
            "workforce_tiles": tile_items(data),
            "workforce_summary": summary_sentence(data),
            "benchmark_source": data.bench.source,
            "board_workforce": board_lines.workforce_lines(data),
        }
    )


def tiles(data: WorkforceData, indicators=HEADLINE) -> blocks.View:
    """Tiles for the headline figures, each with change, target, England and notes.

    Parameters
    ----------
    data : carelib.workforce_data.WorkforceData
    indicators : sequence of str
        The tiles shown, in order (default :data:`~carelib.workforce_data.HEADLINE`).
    """
    day = dates.reference_date(data.month)
    parts = [
        blocks.paragraph(
            f"Figures at {day.day} {day:%B %Y} (the month end) unless a tile says it "
            "covers 12 months. A target is met when the figure as shown meets it; "
            "England's figures are from the DfE census at 30 September."
        )
    ]
    if data.publication:
        parts.append(
            blocks.notice(
                f"Publication version: counts from 1 to {data.threshold}, and figures that "
                "would let them be worked out, are shown as c (suppressed to protect "
                "individuals). Team sickness figures are left out."
            )
        )
    items = [tile(data, name) for name in indicators]
    parts.append(blocks.Tiles(items, label="Workforce headline figures"))
    return blocks.View("tiles", None, [board.section_heading(data, "tiles"), *parts])


def _paragraph(topic: str, body: str) -> blocks.Paragraph:
    return blocks.paragraph(blocks.Strong(f"{topic}. "), body)


def narrative(data: WorkforceData) -> blocks.View:
    """A short narrative of the month, every number taken from the figures.

    The finding is the agency sentence; one paragraph per topic follows.
    """
    month = dates.month_label(data.month)
    paras = []
    bits = [f"The agency rate {words.movement(data, 'agency_rate')}"]
    if words.against_target(data, "agency_rate"):
        bits.append(words.against_target(data, "agency_rate"))
    text = ", ".join(bits) + "."
    if words.england_words(data, "agency_rate"):
        text += f" {words.england_words(data, 'agency_rate')}."
    text += " " + workforce_spc.latest_sentence(data, "agency_rate")
    paras.append(("Agency reliance", text))

    partial = data.partial("turnover_rate_12m")
    text = f"Turnover over the 12 months to {month} " + (
        f"is {partial} of data, so it is not rated"
        if partial
        else words.movement(data, "turnover_rate_12m")
    )
    row = data.row("turnover_rate_12m")
    if row is not None and not formatting.is_missing(row["numerator"]):
        text += f" ({formatting.value(row['numerator'], 'fte')} FTE leavers)"
    against = words.against_target(data, "turnover_rate_12m")
    text += f", {against}." if against else "."
    if words.england_words(data, "turnover_rate_12m"):
        text += f" {words.england_words(data, 'turnover_rate_12m')}."
    text += " " + workforce_spc.latest_sentence(data, "turnover_rate_12m")
    paras.append(("Turnover", text))

    text = f"The vacancy rate {words.movement(data, 'vacancy_rate')}"
    row = data.row("vacancy_rate")
    if row is not None and not formatting.is_missing(row["numerator"]):
        text += f" ({formatting.value(row['numerator'], 'fte')} FTE vacant posts)"
    against = words.against_target(data, "vacancy_rate")
    text += f", {against}." if against else "."
    text += " " + workforce_spc.latest_sentence(data, "vacancy_rate")
    paras.append(("Vacancies", text))

    from carelib.views import workforce_people, workforce_trends

    text = (
        f"The average caseload {words.movement(data, 'average_caseload')} (cases per "
        "case-holding FTE)"
    )
    against = words.against_target(data, "average_caseload")
    text += f", {against}." if against else "."
    high = workforce_people.high_caseloads(data)
    if high is not None:
        text += f" {high}"
    text += " " + workforce_spc.latest_sentence(data, "average_caseload")
    paras.append(("Caseloads", text))

    paras.append(("Recruitment", workforce_trends.recruitment_sentence(data)))

    partial = data.partial("absence_rate_12m")
    if partial:
        text = f"Sickness absence over 12 months is {partial} of data, so it is not rated."
    else:
        text = (
            f"Sickness absence over 12 months (monthly-weighted) "
            f"{words.movement(data, 'absence_rate_12m')}"
        )
        against = words.against_target(data, "absence_rate_12m")
        text += f", {against}." if against else "."
        compared = words.comparison(data, "absence_rate_12m")
        if compared:
            text += f" {compared[0].upper()}{compared[1:]}."
    paras.append(("Sickness absence", text))
    return blocks.View(
        "narrative",
        None,
        [board.section_heading(data, "narrative")]
        + [_paragraph(topic, body) for topic, body in paras],
    )
