"""The month's landing page and the archive index: built from the notebooks' headlines."""

from __future__ import annotations

import datetime as dt

from carelib import dates
from carelib import html as h

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


def _tile(item: dict) -> h.Tile:
    return h.Tile(
        **{
            k: item.get(k)
            for k in ("label", "value", "change", "target", "status", "comparison", "note")
        }
    )


def month_body(month: str, headlines: dict, quality: dict, report_pages=None) -> h.HTML:
    """Return the landing page body: headline figures, then links to the month's pages.

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
    """
    parts = []
    for key, title, summary_key in (
        ("workforce_tiles", "Workforce stability at a glance", "workforce_summary"),
        ("plan_tiles", "Improvement plan at a glance", "plan_summary"),
    ):
        items = headlines.get(key) or []
        if items or headlines.get(summary_key):
            parts.append(
                h.section(
                    title,
                    h.paragraph(headlines.get(summary_key)) if headlines.get(summary_key) else "",
                    h.tiles([_tile(i) for i in items], label=title),
                    # Where the England, region and neighbour figures on the tiles come from.
                    h.paragraph(f"Comparisons: {headlines['benchmark_source']}.")
                    if key == "workforce_tiles" and headlines.get("benchmark_source")
                    else "",
                )
            )
    if headlines.get("planning_summary"):  # from 03_workforce_planning.ipynb
        parts.append(
            h.section(
                "Looking forward",
                h.paragraph(headlines["planning_summary"]),
                h.paragraph(
                    h.link("Workforce planning: the projections", "workforce_planning.html")
                ),
            )
        )
    checks = quality.get("checks", 0)
    warnings = quality.get("warnings", 0)
    quality_text = f"All {checks} data checks that block a report passed" + (
        f"; {warnings} warning{'s' if warnings != 1 else ''} to note." if warnings else "."
    )
    links = []
    for filename, title, blurb in [
        *_report_pages(report_pages),
        ("data_quality.html", QUALITY_TITLE, quality_text),
    ]:
        links.append(
            h.tag("li", h.tag("h3", h.link(title, filename)), h.paragraph(blurb) if blurb else "")
        )
    parts.append(
        h.section(
            f"Reports for {dates.month_label(month)}", h.tag("ul", *links, class_="month-list")
        )
    )
    return h.join(parts)


def _when(text: str | None) -> str | None:
    """Turn a manifest time ("2025-10-05 07:00" or ISO) into "5 October 2025 at 07:00"."""
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(str(text).replace(" ", "T"))
    except ValueError:
        return str(text)
    return f"{when.day} {when:%B %Y} at {when:%H:%M}"


def archive_body(entries: list[dict]) -> h.HTML:
    """Return the archive index body: one row per published month, newest first.

    Parameters
    ----------
    entries : list of dict
        ``month``, optional ``generated_at`` and optional ``pages`` (the month's notebook
        pages as :func:`month_body` takes them; by default the packaged notebooks') per
        published month.
    """
    if not entries:
        return h.section("Published months", h.paragraph("No month has been published yet."))
    months = sorted(e["month"] for e in entries)
    first, last = dates.month_label(months[0]), dates.month_label(months[-1])
    span = first if first == last else f"{first} to {last}"
    intro = h.paragraph(
        f"Reports for {len(months)} month{'s' if len(months) != 1 else ''} ({span}), newest "
        "first. Each month has an overview, its report pages and a page on data quality.",
        class_="lede",
    )
    items = []
    for e in sorted(entries, key=lambda e: e["month"], reverse=True):
        month = e["month"]
        when = _when(e.get("generated_at"))
        shown = [(name, title) for name, title, _ in _report_pages(e.get("pages"))]
        links = [
            h.tag("li", h.link(text, f"{month}/{filename}"))
            for filename, text in [*shown, ("data_quality.html", QUALITY_TITLE)]
        ]
        items.append(
            h.tag(
                "li",
                h.tag(
                    "h3",
                    h.link(dates.month_label(month), f"{month}/index.html"),
                    class_="month-title",
                ),
                h.paragraph(f"Generated {when}.", class_="meta") if when else "",
                h.tag(
                    "ul",
                    *links,
                    class_="inline-links",
                    aria_label=f"Pages for {dates.month_label(month)}",
                ),
            )
        )
    return h.join([intro, h.section("Published months", h.tag("ul", *items, class_="month-list"))])
