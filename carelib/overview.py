"""The month's landing page and the archive index: built from the notebooks' headlines."""

from __future__ import annotations

from carelib import dates
from carelib import html as h

PAGE_BLURBS = {
    "workforce.html": (
        "Workforce stability",
        "Agency reliance, turnover, vacancies, caseloads, sickness absence, newly qualified "
        "social workers, recruitment and agency spend, compared with England.",
    ),
    "improvement_plan.html": (
        "Improvement plan",
        "Progress on the Ofsted action plan: overdue, blocked and slipped actions, progress "
        "measures against their trajectories, and each recommendation's rating.",
    ),
    "data_quality.html": (
        "Data quality",
        "What was checked in this month's data before the reports were built, and what to "
        "bear in mind when reading them.",
    ),
}


def _tile(item: dict) -> h.Tile:
    return h.Tile(
        **{
            k: item.get(k)
            for k in ("label", "value", "change", "target", "status", "comparison", "note")
        }
    )


def month_body(month: str, headlines: dict, quality: dict) -> h.HTML:
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
                )
            )
    checks = quality.get("checks", 0)
    warnings = quality.get("warnings", 0)
    quality_text = f"All {checks} data checks that block a report passed" + (
        f"; {warnings} warning{'s' if warnings != 1 else ''} to note." if warnings else "."
    )
    links = []
    for filename, (title, blurb) in PAGE_BLURBS.items():
        text = quality_text if filename == "data_quality.html" else blurb
        links.append(h.tag("li", h.tag("h3", h.link(title, filename)), h.paragraph(text)))
    parts.append(
        h.section(
            f"Reports for {dates.month_label(month)}", h.tag("ul", *links, class_="month-list")
        )
    )
    return h.join(parts)


def archive_body(entries: list[dict]) -> h.HTML:
    """Return the archive index body: one row per published month, newest first.

    Parameters
    ----------
    entries : list of dict
        ``month`` and optional ``generated_at`` per published month.
    """
    if not entries:
        return h.section("Published months", h.paragraph("No month has been published yet."))
    items = []
    for e in entries:
        month = e["month"]
        when = f" (generated {e['generated_at']})" if e.get("generated_at") else ""
        items.append(
            h.tag(
                "li",
                h.link(dates.month_label(month), f"{month}/index.html"),
                when,
                ": ",
                h.link("workforce", f"{month}/workforce.html"),
                ", ",
                h.link("improvement plan", f"{month}/improvement_plan.html"),
                ", ",
                h.link("data quality", f"{month}/data_quality.html"),
            )
        )
    return h.section("Published months", h.tag("ul", *items, class_="month-list"))
