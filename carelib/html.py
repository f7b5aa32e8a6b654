"""Building blocks for report pages: safe by default.

Every function here escapes the text it is given, so free text from the data (action
wording, updates, team and measure names) is always shown as text and never becomes
markup. The results are :class:`HTML` objects: they display as HTML in a notebook (and so
in the exported report), and join with ``+`` or :func:`join`.
"""

from __future__ import annotations

import html as _html
import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

_ids = itertools.count(1)


class HTML(str):
    """A piece of trusted markup built by carelib (already escaped where needed)."""

    def _repr_html_(self) -> str:
        return str(self)

    def __add__(self, other: str) -> HTML:
        return HTML(str(self) + (other if isinstance(other, HTML) else escape(other)))


def escape(value: object) -> str:
    """Escape any value for use as HTML text or an attribute value."""
    if isinstance(value, HTML):
        return str(value)
    if hasattr(value, "__html__"):  # a carelib.blocks block (rendered by its template)
        return str(value.__html__())
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is pd.NA or value is pd.NaT:
        return ""
    return _html.escape(str(value), quote=True)


def join(parts: Iterable[object], sep: str = "\n") -> HTML:
    """Join parts into one piece of markup; plain strings are escaped."""
    return HTML(sep.join(escape(p) for p in parts if p is not None))


def tag(name: str, *children: object, **attrs: object) -> HTML:
    """Build ``<name attrs>children</name>``; attribute ``class_`` becomes ``class``."""
    attr_text = "".join(
        f' {k.rstrip("_").replace("_", "-")}="{escape(v)}"'
        for k, v in attrs.items()
        if v is not None and v is not False
    )
    return HTML(f"<{name}{attr_text}>{join(children, '')}</{name}>")


def slug(text: str) -> str:
    """Return an id made from a heading's text."""
    value = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    return value or f"section-{next(_ids)}"


def heading(text: str, level: int = 2, id: str | None = None) -> HTML:
    """Return a heading with an id (so the page's contents can link to it)."""
    return tag(f"h{level}", text, id=id or slug(text))


def paragraph(*parts: object, class_: str | None = None) -> HTML:
    """Return a paragraph of text (escaped)."""
    return tag("p", *parts, class_=class_)


def bullets(items: Iterable[object]) -> HTML:
    """Return a bulleted list."""
    return tag("ul", *(tag("li", i) for i in items))


def section(
    title: str, *children: object, level: int = 2, intro: str | None = None, id: str | None = None
) -> HTML:
    """Return a titled section: heading, optional intro paragraph, then the children."""
    sid = id or slug(title)
    body = [heading(title, level, sid)]
    if intro:
        body.append(paragraph(intro, class_="intro"))
    body += list(children)
    return tag("section", *body, aria_labelledby=sid)


def details(summary: str, *children: object) -> HTML:
    """Return a collapsible block (open when printed)."""
    return tag("details", tag("summary", summary), *children)


def link(text: str, href: str) -> HTML:
    """Return a link."""
    return tag("a", text, href=href)


# --- RAG ------------------------------------------------------------------------------

RAG_LABELS = {
    "red": "Red",
    "amber": "Amber",
    "green": "Green",
    "blue": "Blue (complete)",
    "grey": "No data",
    "": "No data",
}
RAG_SYMBOLS = {
    "red": "\u2716",
    "amber": "\u25b2",
    "green": "\u2714",
    "blue": "\u2605",
    "grey": "\u2013",
    "": "\u2013",
}


def rag(status: str | None, text: str | None = None) -> HTML:
    """Return a RAG badge that carries its meaning in text and symbol, not colour alone."""
    key = (status or "").lower() if isinstance(status, str) else ""
    if key not in RAG_LABELS:
        key = "grey"
    label = text or RAG_LABELS[key]
    return tag(
        "span",
        tag("span", RAG_SYMBOLS[key], aria_hidden="true", class_="rag-symbol"),
        " ",
        label,
        class_=f"rag rag-{key or 'grey'}",
    )


# --- Tiles ----------------------------------------------------------------------------


@dataclass
class Tile:
    """A headline figure.

    Attributes
    ----------
    label : str
        What the figure is, e.g. "Agency rate".
    value : str
        The figure, already formatted (e.g. "23.4%").
    change : str, optional
        Change since last month, formatted, with direction in words.
    target : str, optional
        The target, formatted, and whether it is met.
    status : str, optional
        ``met``, ``not_met`` or empty; shown as words and a symbol.
    comparison : str, optional
        A comparator, e.g. "England 13.0% (2025)".
    note : str, optional
        Small print, e.g. "12 months to 30 September 2025".
    """

    label: str
    value: str
    change: str | None = None
    target: str | None = None
    status: str | None = None
    comparison: str | None = None
    note: str | None = None


def tiles(items: Sequence[Tile], label: str = "Headline figures") -> HTML:
    """Return a row of headline figure tiles (a list, so screen readers count them)."""
    cells = []
    for t in items:
        parts = [tag("p", t.label, class_="tile-label"), tag("p", t.value, class_="tile-value")]
        if t.change:
            parts.append(tag("p", t.change, class_="tile-change"))
        if t.target:
            if t.status == "met":
                badge = tag("span", "\u2714 Target met", class_="tag tag-met")
            elif t.status == "not_met":
                badge = tag("span", "\u2716 Target not met", class_="tag tag-not-met")
            else:
                badge = HTML("")
            parts.append(tag("p", t.target, " ", badge, class_="tile-target"))
        if t.comparison:
            parts.append(tag("p", t.comparison, class_="tile-comparison"))
        if t.note:
            parts.append(tag("p", t.note, class_="tile-note"))
        cells.append(tag("li", *parts, class_="tile"))
    return tag("ul", *cells, class_="tiles", aria_label=label)


# --- Tables ---------------------------------------------------------------------------


def format_number(value: object, decimals: int = 1, unit: str = "") -> str:
    """Format a number for a reader: thousands separators, ``z`` style symbols kept."""
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "z" if unit != "blank" else ""
    if unit == "gbp":
        return f"£{value:,.0f}"
    text = f"{value:,.{decimals}f}"
    if unit == "percent":
        text += "%"
    return text


def table(
    frame: pd.DataFrame,
    caption: str,
    *,
    formats: dict[str, object] | None = None,
    row_header: str | None = None,
    cell_html: dict[str, object] | None = None,
    numeric: Sequence[str] | None = None,
    class_: str | None = None,
) -> HTML:
    """Return an accessible table: a caption, column headers, row headers, escaped cells.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show (aggregates only: never a worker-level record).
    caption : str
        What the table shows.
    formats : dict, optional
        Column -> format: a callable, or a ``str.format`` pattern such as ``"{:.1f}"``.
    row_header : str, optional
        Column whose cells are row headers (``<th scope="row">``); default the first.
    cell_html : dict, optional
        Column -> callable returning :class:`HTML` for a cell (e.g. a RAG badge).
    numeric : sequence of str, optional
        Columns aligned right; by default every column of numbers, including numbers
        already formatted as text ("40.9%", "£1,200", "c"), the row header aside.
    class_ : str, optional
        Extra CSS class.
    """
    formats = formats or {}
    cell_html = cell_html or {}
    if row_header is None and len(frame.columns):
        row_header = frame.columns[0]
    if numeric is None:
        numeric = [c for c in frame.columns if c != row_header and _looks_numeric(frame[c])]
    head = tag(
        "tr",
        *(
            tag("th", str(c), scope="col", class_="num" if c in numeric else None)
            for c in frame.columns
        ),
    )
    rows = []
    for record in frame.itertuples(index=False, name=None):
        cells = []
        for col, value in zip(frame.columns, record, strict=True):
            if col in cell_html:
                content = cell_html[col](value)
            elif col in formats:
                fmt = formats[col]
                content = fmt(value) if callable(fmt) else _fmt(fmt, value)
            elif isinstance(value, float):
                content = format_number(value)
            else:
                content = value
            klass = "num" if col in numeric else None
            if col == row_header:
                cells.append(tag("th", content, scope="row", class_=klass))
            else:
                # data-label lets a narrow screen show each row as a card of
                # "column: value" lines (report.css) instead of a sideways-scrolling table.
                cells.append(tag("td", content, class_=klass, data_label=str(col)))
        rows.append(tag("tr", *cells))
    return tag(
        "div",
        tag(
            "table",
            tag("caption", caption),
            tag("thead", head),
            tag("tbody", *rows),
            class_=("data-table " + (class_ or "")).strip(),
        ),
        class_="table-wrap",
        tabindex="0",
        role="region",
        aria_label=caption,
    )


#: A number as a report shows it: "1,234", "-2.5", "40.9%", "£12,000"; "c" (suppressed)
#: and "z" (not applicable) stand in a column of numbers too.
_NUMBER_TEXT = re.compile(r"^(£?-?[\d,]*\.?\d+%?|[cz])$")


def _looks_numeric(column: pd.Series) -> bool:
    """Whether a column holds numbers (or numbers already formatted as text)."""
    if pd.api.types.is_numeric_dtype(column):
        return True
    if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
        return False
    texts = [str(v).strip() for v in column if isinstance(v, str) and v.strip()]
    return (
        bool(texts)
        and all(_NUMBER_TEXT.match(t) for t in texts)
        and any(t not in ("c", "z") for t in texts)
    )


def _fmt(pattern: str, value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "z"
    if isinstance(value, str):
        return value
    return pattern.format(value)


def notice(text: object, kind: str = "info") -> HTML:
    """Return a highlighted notice (``info``, ``warning`` or ``error``), text not colour."""
    prefix = {"info": "Note: ", "warning": "Warning: ", "error": "Problem: "}[kind]
    return tag("div", tag("strong", prefix), text, class_=f"notice notice-{kind}", role="note")


def summary_list(pairs: Iterable[tuple[str, object]]) -> HTML:
    """Return a definition list of label/value pairs."""
    items = []
    for key, value in pairs:
        items += [tag("dt", key), tag("dd", value)]
    return tag("dl", *items, class_="summary-list")
