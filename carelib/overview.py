"""The month's landing page and the archive index: built from the notebooks' headlines.

Each section is a small public function returning a :class:`carelib.blocks.View`;
:func:`month_body` and :func:`archive_body` list a page's views in order, and
:func:`carelib.pages.render` shows them in the page shell every page shares.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

from carelib import blocks, dates

#: Lines on the overview for the packaged notebooks' pages, by file name. Any notebook
#: gives its own in its metadata, ``carelib.description`` (see :mod:`carelib.notebook_pages`).
PAGE_BLURBS = {
    "workforce.html": (
        "Agency reliance, turnover, vacancies, caseloads, sickness absence, newly qualified "
        "social workers, recruitment and agency spend, compared with England."
    ),
    "improvement_plan.html": (
        "Progress on the Ofsted action plan: overdue, blocked and slipped actions, progress "
        "measures against their trajectories, and each recommendation's rating."
    ),
    "workforce_planning.html": (
        "Looking forward: how long social workers stay, when each target is reached at the "
        "current pace, what it would take to reach it on time, and scenarios."
    ),
}
QUALITY_TITLE = "Data quality"


def _report_pages(report_pages) -> list[tuple[str, str, str | None]]:
    """``(file name, title, line)`` of each notebook page; by default the packaged ones."""
    if report_pages is None:
        from carelib import pages

        shown = pages.month_pages()
        shown.pop("index.html")
        shown.pop("data_quality.html")
        report_pages = [(name, title, None) for name, title in shown.items()]
    return [
        (name, title, description or PAGE_BLURBS.get(name))
        for name, title, description in report_pages
    ]


@dataclass
class PageList(blocks.Block):
    """The month's pages: each a linked ``h3`` title and its line (``month-list``)."""

    kind: ClassVar[str] = "shell_page_list"
    #: ``(title, file name, line or None)`` per page.
    pages: list = field(default_factory=list)

    def children(self) -> list:
        """The titles and lines (for :func:`carelib.blocks.walk`)."""
        return [part for title, _, line in self.pages for part in (title, line) if part]


@dataclass
class ArchiveList(blocks.Block):
    """The published months, newest first: each linked, with its time and its pages."""

    kind: ClassVar[str] = "shell_archive_list"
    #: Per month: ``label``, ``href``, ``when`` (or None) and ``links`` (text, href).
    months: list = field(default_factory=list)

    def children(self) -> list:
        """The months' labels (for :func:`carelib.blocks.walk`)."""
        return [m["label"] for m in self.months]


def _tile(item: dict) -> blocks.Tile:
    return blocks.Tile(
        **{
            k: item.get(k)
            for k in ("label", "value", "change", "target", "status", "comparison", "note")
        }
    )


AT_A_GLANCE = {
    "workforce": ("workforce_tiles", "Workforce stability at a glance", "workforce_summary"),
    "plan": ("plan_tiles", "Improvement plan at a glance", "plan_summary"),
}


def at_a_glance(headlines: dict, report: str) -> blocks.View | None:
    """A report's headline figures and summary sentence (None if it handed over none).

    Parameters
    ----------
    headlines : dict
        Headline items handed over by the report notebooks.
    report : str
        ``workforce`` or ``plan``.
    """
    key, title, summary_key = AT_A_GLANCE[report]
    items = headlines.get(key) or []
    summary = headlines.get(summary_key)
    if not items and not summary:
        return None
    parts = [blocks.paragraph(summary) if summary else None]
    parts.append(blocks.Tiles([_tile(i) for i in items], label=title))
    if report == "workforce" and headlines.get("benchmark_source"):
        # Where the England, region and neighbour figures on the tiles come from.
        parts.append(blocks.paragraph(f"Comparisons: {headlines['benchmark_source']}."))
    section = blocks.Section(title, [p for p in parts if p is not None])
    # On screen only: the board summary gives these figures on the printed page.
    return blocks.View(name=f"{report}_at_a_glance", finding=None, blocks=[section], print=False)


#: The link text of each board line's detail link (read on its own by screen readers).
BOARD_LINKS = {
    "agency": "Agency reliance in detail",
    "recruitment": "Recruitment in detail",
    "nqsw": "Newly qualified social workers in detail",
    "budget": "Agency spend in detail",
    "teams": "Teams in detail",
    "plan_changes": "Plan changes in detail",
    "decisions": "What needs attention in detail",
}
BOARD_TITLE = "Board summary"


def board_lines(headlines: dict) -> list[dict]:
    """The board's lines in order: the workforce notebook's, then the plan's.

    The planning page's forecast (``planning_summary``) finishes the agency line.
    """
    lines = [dict(line) for line in headlines.get("board_workforce") or []]
    lines += [dict(line) for line in headlines.get("board_plan") or []]
    forecast = headlines.get("planning_summary")
    for line in lines:
        if line["key"] == "agency" and forecast:
            line["answer"] = f"{line['answer']} {forecast}"
    return lines


def board_summary(headlines: dict) -> blocks.View | None:
    """One row per question the improvement board asks: figure, answer, detail link.

    Parameters
    ----------
    headlines : dict
        Headline items handed over by the report notebooks (``board_workforce``,
        ``board_plan``, ``plan_decisions``; see :mod:`carelib.board_lines`).

    Returns
    -------
    carelib.blocks.View or None
        None when no notebook handed over a board line.
    """
    lines = board_lines(headlines)
    if not lines:
        return None
    rows = [
        {
            "Question": line["question"],
            "Figure": line["figure"],
            "Where we are": line["answer"],
            "Detail": blocks.Link(BOARD_LINKS.get(line["key"], "In detail"), line["href"]),
        }
        for line in lines
    ]
    table = blocks.Table(
        blocks.text_frame(rows, ["Question", "Figure", "Where we are", "Detail"]),
        "The board's questions, each with its figure, direction, target and detail",
        numeric=[],
        class_="board-summary",
    )
    parts = [table]
    items = headlines.get("plan_decisions")
    if items is not None:
        listed = [
            [
                blocks.Strong(
                    f"{i['ident']} ({i['recommendation']})"
                    if i["ident"] != i["recommendation"]
                    else i["ident"]
                ),
                f" {i['what']}: {i['why']}.",
            ]
            if i["kind"] != "impact_not_seen"
            else [blocks.Strong(i["ident"]), f": {i['why']}."]
            for i in items
        ]
        heading = blocks.Heading("Needs a decision", 3, "board-needs-a-decision")
        parts += [
            heading,
            blocks.bullets(listed) if listed else blocks.paragraph("Nothing this month."),
        ]
    section = blocks.Section(BOARD_TITLE, parts, id="board-summary")
    return blocks.View(name="board_summary", blocks=[section])


def looking_forward(headlines: dict) -> blocks.View | None:
    """The planning page's headline (from ``03_workforce_planning.ipynb``), if any."""
    summary = headlines.get("planning_summary")
    if not summary:
        return None
    link = blocks.Link("Workforce planning: the projections", "workforce_planning.html")
    section = blocks.Section("Looking forward", [blocks.paragraph(summary), blocks.paragraph(link)])
    # The forecast is in the board summary's agency line on the printed page.
    return blocks.View(name="looking_forward", blocks=[section], print=False)


def quality_line(quality: dict) -> str:
    """The data quality page's line on the overview: blocking checks apart from warnings.

    ``quality`` has validation's counts: ``checks`` (every rule checked), ``errors``
    and ``warnings`` (failed rules of each severity) and, from a month's build,
    ``blocking`` and ``warning_checks`` (the rules of each severity). Without the last
    two every check is counted as blocking.
    """
    checks = quality.get("checks", 0)
    warnings = quality.get("warnings", 0)
    blocking = quality.get("blocking", checks)
    warning_checks = quality.get("warning_checks", 0)
    errors = quality.get("errors", 0)
    plural = "s" if blocking != 1 else ""
    if errors:
        text = f"{errors} of the {blocking} data check{plural} that block a report failed"
    else:
        text = f"All {blocking} data check{plural} that block a report passed"
    if warning_checks:
        text += (
            f"; {warnings} of the {warning_checks} warning check"
            f"{'s' if warning_checks != 1 else ''} raised a warning to note."
            if warnings
            else f"; none of the {warning_checks} warning check"
            f"{'s' if warning_checks != 1 else ''} raised a warning."
        )
    elif warnings:
        text += f"; {warnings} warning{'s' if warnings != 1 else ''} to note."
    else:
        text += "."
    return text


def month_reports(month: str, quality: dict, report_pages=None) -> blocks.View:
    """Links to the month's pages, each with its line, the data quality page last."""
    pages = [(title, filename, blurb) for filename, title, blurb in _report_pages(report_pages)]
    pages.append((QUALITY_TITLE, "data_quality.html", quality_line(quality)))
    section = blocks.Section(f"Reports for {dates.month_label(month)}", [PageList(pages)])
    return blocks.View(name="month_reports", blocks=[section])


def month_body(month: str, headlines: dict, quality: dict, report_pages=None) -> list:
    """Return the landing page's views: headline figures, then links to the month's pages.

    Parameters
    ----------
    month : str
        The reporting month.
    headlines : dict
        Headline items handed over by the report notebooks: ``workforce_tiles`` and
        ``plan_tiles`` (lists of tile dicts) and ``workforce_summary`` / ``plan_summary``
        (sentences).
    quality : dict
        ``errors``, ``warnings`` and ``checks`` counts from validation.
    report_pages : sequence of (str, str, str or None), optional
        The month's notebook pages in navigation order: file name, title and the line
        to show under it (None: :data:`PAGE_BLURBS`' or none). By default the packaged
        notebooks' pages.

    Returns
    -------
    list of carelib.blocks.View
        In page order.
    """
    views = [
        board_summary(headlines),
        at_a_glance(headlines, "workforce"),
        at_a_glance(headlines, "plan"),
        looking_forward(headlines),
        month_reports(month, quality, report_pages),
    ]
    return [v for v in views if v is not None]


def _when(text: str | None) -> str | None:
    """Turn a manifest time ("2025-10-05 07:00" or ISO) into "5 October 2025 at 07:00"."""
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(str(text).replace(" ", "T"))
    except ValueError:
        return str(text)
    return f"{when.day} {when:%B %Y} at {when:%H:%M}"


def archive_intro(entries: list[dict]) -> blocks.View:
    """How many months are published and over what span."""
    months = sorted(e["month"] for e in entries)
    first, last = dates.month_label(months[0]), dates.month_label(months[-1])
    span = first if first == last else f"{first} to {last}"
    text = (
        f"Reports for {len(months)} month{'s' if len(months) != 1 else ''} ({span}), newest "
        "first. Each month has an overview, its report pages and a page on data quality."
    )
    return blocks.View(name="archive_intro", blocks=[blocks.paragraph(text, class_="lede")])


def published_months(entries: list[dict]) -> blocks.View:
    """Every published month, newest first, with links to its pages."""
    if not entries:
        none = blocks.paragraph("No month has been published yet.")
        return blocks.View(
            name="published_months", blocks=[blocks.Section("Published months", [none])]
        )
    months = []
    for e in sorted(entries, key=lambda e: e["month"], reverse=True):
        month = e["month"]
        shown = [(name, title) for name, title, _ in _report_pages(e.get("pages"))]
        months.append(
            {
                "label": dates.month_label(month),
                "href": f"{month}/index.html",
                "when": _when(e.get("generated_at")),
                "links": [
                    (text, f"{month}/{filename}")
                    for filename, text in [*shown, ("data_quality.html", QUALITY_TITLE)]
                ],
            }
        )
    section = blocks.Section("Published months", [ArchiveList(months)])
    return blocks.View(name="published_months", blocks=[section])


def archive_body(entries: list[dict]) -> list:
    """Return the archive index's views: one row per published month, newest first.

    Parameters
    ----------
    entries : list of dict
        ``month``, optional ``generated_at`` and optional ``pages`` (the month's notebook
        pages as :func:`month_body` takes them; by default the packaged notebooks') per
        published month.
    """
    if not entries:
        return [published_months(entries)]
    return [archive_intro(entries), published_months(entries)]
