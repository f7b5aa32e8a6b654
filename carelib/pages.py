"""The page shell every carelib page shares, through nbconvert.

A page is one self-contained HTML file: styles inlined, images inlined, no scripts and no
external URL, so it works offline when emailed. Each has a language, a title, one ``h1``,
a skip link, landmarks, a table of contents, links between the month's pages and the
archive, and the generation time and data period.

Every page goes through the same nbconvert ``HTMLExporter`` and the same template,
``carelib/templates/carelib/index.html.j2`` (which extends nbconvert's own
``base/display_priority.j2``):

- a report notebook's page is its executed notebook;
- the pages built without a notebook (the month's overview, its data quality page, the
  archive) are views (:mod:`carelib.blocks`) put into an in-memory notebook by
  :func:`page_notebook`, one ``display_data`` output each.

The page's own facts (council, title, month, generation time, data period, marking,
navigation) reach the template as ``resources["carelib"]`` (:func:`page_resources`). The
contents list is read from the notebook, not from the finished HTML: the level-2
headings of its markdown cells (given nbconvert's own heading ids by
:func:`markdown_with_ids`) and the level-2 sections of the views of a built page
(:func:`contents`).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from urllib.parse import quote

from carelib import __version__, blocks, dates, resources

#: A contents list longer than this is set in two columns on wide screens.
TOC_COLUMNS_FROM = 7
#: Where a built page's output keeps the headings of its views (for the contents list).
HEADINGS_METADATA = "carelib"
SERVICE = "Children's social care: monthly improvement reports"


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
    #: Print the tables behind charts too (``[report] print_tables``); by default a
    #: printed page shows the charts and their findings, not the numbers under them.
    print_tables: bool = False


# --- Headings and the contents list --------------------------------------------------


def heading_id(text: str) -> str:
    """The id nbconvert gives a markdown heading with this text (``At-a-glance``).

    The same rule as nbconvert's heading anchors: spaces become hyphens, and what a URL
    fragment cannot hold is percent-encoded.
    """
    return quote(" ".join(str(text).split()).replace(" ", "-"), safe="?/:@!$&'()*+,;=")


def _token_text(token: dict) -> str:
    from carelib import notebook_pages

    return " ".join(notebook_pages._plain_text(token.get("children", [])).split())


def _inline_text(markdown: str) -> str:
    """The words of a line of inline markdown (``Real change or *noise*?`` -> no ``*``)."""
    return " ".join(_token_text({"children": _heading_parser()(markdown)}).split())


@functools.lru_cache(maxsize=1)
def _heading_parser():
    import mistune

    return mistune.create_markdown(renderer="ast")


def markdown_headings(source: str) -> list[tuple[int, str, str]]:
    """The headings of a markdown text: ``(level, text, id)``, inline markup dropped."""
    found = []
    for token in _heading_parser()(source):
        if token.get("type") == "heading":
            text = _token_text(token)
            if text:
                found.append((int(token["attrs"]["level"]), text, heading_id(text)))
    return found


def view_headings(item: object) -> list[dict]:
    """The level-2 headings of a view (its sections'), as the contents list shows them."""
    found = []
    for b in blocks.walk(item):
        if isinstance(b, blocks.Section) and b.level == 2:
            found.append({"id": b.id, "text": blocks.text_of(b.title).strip()})
        elif isinstance(b, blocks.Heading) and b.level == 2:
            found.append({"id": b.id, "text": blocks.text_of(b.text).strip()})
    return found


def contents(nb) -> list[dict]:
    """The page's contents list: ``{"id", "text"}`` of every level-2 heading, in order.

    Read from the notebook: the ``##`` headings of its markdown cells and the headings a
    built page's outputs list in their metadata (see :func:`page_notebook`).
    """
    items = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            items += [
                {"id": i, "text": t} for level, t, i in markdown_headings(cell.source) if level == 2
            ]
        for output in cell.get("outputs", []):
            items += output.get("metadata", {}).get(HEADINGS_METADATA, {}).get("headings", [])
    return items


def markdown_with_ids(context, source: str) -> str:
    """Render a markdown cell as nbconvert does, headings with ids but no pilcrow links.

    nbconvert gives headings ids only together with an anchor link; this renders with
    nbconvert's own renderer without the links, and gives each heading the id nbconvert
    would (mistune's heading-id hook), so the contents list can link to it.
    """
    from mistune.toc import add_toc_hook
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    cell = context.get("cell", {})
    renderer = IPythonRenderer(
        escape=False,
        attachments=cell.get("attachments", {}),
        path=context.get("resources", {}).get("metadata", {}).get("path", ""),
        exclude_anchor_links=True,
    )
    md = MarkdownWithMath(renderer=renderer)
    # Before rendering, a heading token holds its inline markdown unparsed ("text").
    add_toc_hook(
        md,
        min_level=1,
        max_level=6,
        heading_id=lambda token, _: heading_id(_inline_text(token.get("text", ""))),
    )
    return md.render(source)


# --- The page's facts, as template variables -------------------------------------------


def marking_css(marking: str) -> str:
    """Quote text as a CSS string that cannot end the string or the style element.

    Anything but letters, digits and plain punctuation becomes a CSS escape; the space
    after each escape ends it and is not part of the text.
    """
    return (
        '"'
        + "".join(c if c.isalnum() or c in " -_.,:;()" else f"\\{ord(c):x} " for c in marking)
        + '"'
    )


def marking_print_style(marking: str) -> str:
    """Return CSS that prints the protective marking at the top and bottom of every sheet."""
    quoted = marking_css(marking)
    box = f"content: {quoted}; font-weight: 700; font-size: 9pt; letter-spacing: 0.05em;"
    return f"@media print {{ @page {{ @top-center {{ {box} }} @bottom-center {{ {box} }} }} }}"


def nav_links(info: PageInfo) -> list[dict]:
    """The links between the month's pages and the archive: ``{"text", "href", "current"}``."""
    links = []
    prefix = "" if info.in_month_folder else f"{info.month}/"
    if info.month:
        for filename, text in month_pages(info.report_pages).items():
            current = info.in_month_folder and filename == info.filename
            links.append({"text": text, "href": prefix + filename, "current": current})
    archive = "../index.html" if info.in_month_folder else "index.html"
    current = not info.in_month_folder and info.filename == "index.html"
    links.append({"text": "All months", "href": archive, "current": current})
    return links


def page_resources(info: PageInfo) -> dict:
    """The page's facts as the template reads them (``resources["carelib"]``)."""
    generated = dates.long_datetime(info.generated_at or dt.datetime.now())
    month_text = dates.month_label(info.month) if info.month else None
    full_title = " – ".join(p for p in (info.title, month_text, info.council) if p)
    meta = [f"Data period: {info.data_period}."] if info.data_period else []
    meta.append(f"Generated {generated}.")
    return {
        "version": __version__,
        "council": info.council,
        "service": SERVICE,
        "full_title": full_title,
        "h1": f"{info.title}: {month_text}" if month_text else info.title,
        "meta": " ".join(meta),
        "lede": info.lede,
        "toc": info.toc,
        "toc_columns_from": TOC_COLUMNS_FROM,
        "marking": info.marking,
        "print_tables": info.print_tables,
        "marking_style": marking_print_style(info.marking) if info.marking else None,
        "stylesheet": stylesheet(),
        "nav": nav_links(info),
        "footer": (
            f"{full_title}. Generated {generated} by carelib {__version__} from the "
            "council's monthly data extract. No individual worker is identified."
        ),
    }


# --- The exporter and the pages built without a notebook -------------------------------

_exporter = None


def exporter():
    """Return nbconvert's ``HTMLExporter`` with carelib's page template (built once).

    Code, prompts and cells tagged ``remove_cell`` are left out; the template's filters
    ``carelib_contents`` (:func:`contents`) and ``carelib_markdown``
    (:func:`markdown_with_ids`) are registered on it.
    """
    global _exporter
    if _exporter is None:
        import jinja2
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import TagRemovePreprocessor

        exp = HTMLExporter(
            template_name="carelib",
            extra_template_basedirs=[str(resources.templates_dir())],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        exp.register_preprocessor(
            TagRemovePreprocessor(remove_cell_tags={"remove_cell"}, enabled=True), enabled=True
        )
        exp.register_filter("carelib_contents", contents)
        exp.register_filter("carelib_markdown", jinja2.pass_context(markdown_with_ids))
        _exporter = exp
    return _exporter


def export(nb, info: PageInfo) -> str:
    """Export a notebook as a whole page (shell included) and return its HTML."""
    html, _ = exporter().from_notebook_node(nb, resources={"carelib": page_resources(info)})
    return html


def page_notebook(parts) -> object:
    """An in-memory notebook showing views: one ``display_data`` output per part.

    Parameters
    ----------
    parts : iterable of carelib.blocks.Block
        The page's views and blocks, in page order (``None`` left out).

    Returns
    -------
    nbformat.NotebookNode
        Each output holds the part's ``text/html`` and, in its metadata, the level-2
        headings it shows (for the contents list).
    """
    import nbformat

    nb = nbformat.v4.new_notebook()
    for part in parts:
        if part is None:
            continue
        output = nbformat.v4.new_output(
            "display_data",
            data={"text/html": str(blocks.render(part))},
            metadata={HEADINGS_METADATA: {"headings": view_headings(part)}},
        )
        nb.cells.append(nbformat.v4.new_code_cell(source="", outputs=[output]))
    return nb


def render(parts, info: PageInfo) -> str:
    """Return the whole HTML document of a page made of views (see :func:`page_notebook`)."""
    if isinstance(parts, blocks.Block):
        parts = [parts]
    return export(page_notebook(parts), info)
