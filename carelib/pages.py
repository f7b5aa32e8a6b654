"""The page layout every carelib report shares, and the pages built without a notebook.

A page is one self-contained HTML file: styles inlined, images inlined, no scripts and no
external URL, so it works offline when emailed. Each has a language, a title, one ``h1``,
a skip link, landmarks, a table of contents, links between the month's pages and the
archive, and the generation time and data period.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from carelib import __version__, dates, resources
from carelib import html as h


def month_pages(report_pages=None) -> dict[str, str]:
    """The pages of a month, in reading order: file name -> link text.

    Parameters
    ----------
    report_pages : sequence of (str, str), optional
        The notebooks' pages, ``(file name, title)`` in number order (see
        :mod:`carelib.notebook_pages`); by default those of the packaged notebooks.
    """
    from carelib import notebook_pages

    if report_pages is None:
        found = notebook_pages.discover(resources.notebooks_dir())
        report_pages = [(p.filename, p.title) for p in found]
    return dict([notebook_pages.OVERVIEW, *report_pages, notebook_pages.DATA_QUALITY])


_H2 = re.compile(r"<h2([^>]*)>(.*?)</h2>", re.S)
_TAGS = re.compile(r"<[^>]+>")


def stylesheet() -> str:
    """Return the report stylesheet."""
    return resources.stylesheet()


@dataclass
class PageInfo:
    """What the layout needs to know about a page."""

    council: str
    title: str
    filename: str
    month: str | None = None
    generated_at: dt.datetime | None = None
    data_period: str | None = None
    marking: str | None = None
    in_month_folder: bool = True
    toc: bool = True
    lede: str | None = None
    #: The month's notebook pages, ``(file name, title)`` in navigation order; None:
    #: the packaged notebooks' (see :func:`month_pages`).
    report_pages: tuple[tuple[str, str], ...] | None = None


def add_heading_ids(body: str) -> str:
    """Give every ``h2`` an id (and drop nbconvert's pilcrow anchor links)."""
    body = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", body, flags=re.S)
    seen: set[str] = set()

    def fix(match: re.Match) -> str:
        attrs, inner = match.group(1), match.group(2)
        found = re.search(r'id="([^"]+)"', attrs)
        ident = found.group(1) if found else h.slug(_TAGS.sub("", inner))
        base, n = ident, 2
        while ident in seen:
            ident, n = f"{base}-{n}", n + 1
        seen.add(ident)
        attrs = re.sub(r'\s*id="[^"]*"', "", attrs)
        return f'<h2 id="{ident}"{attrs}>{inner}</h2>'

    return _H2.sub(fix, body)


#: A contents list longer than this is set in two columns on wide screens.
TOC_COLUMNS_FROM = 7


def contents(body: str) -> h.HTML:
    """Return a table of contents linking to every ``h2`` in ``body``.

    A page with fewer than two sections gets none: a one-line contents list only
    repeats the heading below it.
    """
    items = []
    for match in _H2.finditer(body):
        ident = re.search(r'id="([^"]+)"', match.group(1))
        text = _TAGS.sub("", match.group(2)).strip()
        if ident and text:
            items.append(h.tag("li", h.link(h.HTML(text), f"#{ident.group(1)}")))
    if len(items) < 2:
        return h.HTML("")
    klass = "toc toc-long" if len(items) >= TOC_COLUMNS_FROM else "toc"
    return h.tag(
        "nav",
        h.tag("p", "Contents", class_="toc-title"),
        h.tag("ol", *items),
        class_=klass,
        aria_label="Contents",
    )


def _nav(info: PageInfo) -> h.HTML:
    links = []
    prefix = "" if info.in_month_folder else f"{info.month}/"
    if info.month:
        for filename, text in month_pages(info.report_pages).items():
            current = "page" if (info.in_month_folder and filename == info.filename) else None
            links.append(
                h.tag("li", h.tag("a", text, href=prefix + filename, aria_current=current))
            )
    archive = "../index.html" if info.in_month_folder else "index.html"
    current = "page" if not info.in_month_folder and info.filename == "index.html" else None
    links.append(h.tag("li", h.tag("a", "All months", href=archive, aria_current=current)))
    return h.tag("nav", h.tag("ul", *links), class_="pages-nav", aria_label="Report pages")


def _css_string(text: str) -> str:
    """Quote text as a CSS string that cannot end the string or the style element.

    Anything but letters, digits and plain punctuation becomes a CSS escape; the space
    after each escape ends it and is not part of the text.
    """
    return (
        '"'
        + "".join(c if c.isalnum() or c in " -_.,:;()" else f"\\{ord(c):x} " for c in text)
        + '"'
    )


def marking_print_style(marking: str) -> str:
    """Return CSS that prints the protective marking at the top and bottom of every sheet."""
    quoted = _css_string(marking)
    box = f"content: {quoted}; font-weight: 700; font-size: 9pt; letter-spacing: 0.05em;"
    return f"@media print {{ @page {{ @top-center {{ {box} }} @bottom-center {{ {box} }} }} }}"


def render(body: str, info: PageInfo) -> str:
    """Wrap a page body in the shared layout and return the whole HTML document."""
    body = add_heading_ids(str(body))
    generated = dates.long_datetime(info.generated_at or dt.datetime.now())
    month_text = dates.month_label(info.month) if info.month else None
    full_title = " – ".join(p for p in (info.title, month_text, info.council) if p)
    marking = h.tag("p", info.marking, class_="marking") if info.marking else h.HTML("")
    meta_bits = []
    if info.data_period:
        meta_bits.append(f"Data period: {info.data_period}.")
    meta_bits.append(f"Generated {generated}.")
    h1_text = f"{info.title}: {month_text}" if month_text else info.title
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="carelib {h.escape(__version__)}">',
        f"<title>{h.escape(full_title)}</title>",
        f"<style>{stylesheet()}</style>",
        f"<style>{marking_print_style(info.marking)}</style>" if info.marking else "",
        "</head>",
        "<body>",
        '<a class="skip-link" href="#main">Skip to main content</a>',
        str(
            h.tag(
                "header",
                marking,
                h.tag(
                    "div",
                    h.tag("p", info.council, class_="council"),
                    h.tag(
                        "p", "Children's social care: monthly improvement reports", class_="service"
                    ),
                    class_="wrap",
                ),
                class_="site-header",
            )
        ),
        str(_nav(info)),
        '<div class="wrap">',
        '<main id="main" tabindex="-1">',
        str(h.tag("h1", h1_text)),
        str(h.paragraph(" ".join(meta_bits), class_="meta")),
        str(h.paragraph(info.lede, class_="lede")) if info.lede else "",
        str(contents(body)) if info.toc else "",
        body,
        "</main>",
        "</div>",
        str(
            h.tag(
                "footer",
                h.tag(
                    "div",
                    h.paragraph(
                        f"{full_title}. Generated {generated} by carelib "
                        f"{__version__} from the council's monthly data extract. "
                        "No individual worker is identified."
                    ),
                    class_="wrap",
                ),
                marking,
                class_="site-footer",
            )
        ),
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"
