"""The pieces a report view is made of, as plain data, and how they display.

A view (:class:`carelib.views.View`) is a list of blocks: paragraphs, figures, tables,
tiles, notices, lists, collapsible details and sections. Each block is a small dataclass
that tests can read directly (``view.figures[0].alt``, ``view.tables[0].frame``) and that
displays itself through its Jinja2 template (``carelib/templates/views/<kind>.html.j2``,
autoescaped) via ``_repr_html_``, so it looks the same in JupyterLab and in the exported
page. No markup is built in Python: text from the data is escaped by the template.

Text inside a block may mix plain strings with inline pieces (:class:`Rag`,
:class:`Link`, :class:`Strong`); plain strings are always shown as text.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd
from markupsafe import Markup

from carelib import formatting

_ids = itertools.count(1)


# --- Rendering --------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment of the view templates (autoescaped, built once)."""
    import jinja2

    from carelib import resources

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.templates_dir() / "views")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["render"] = render
    env.globals["zip"] = zip
    env.filters["render"] = render
    return env


def render(item: object) -> Markup:
    """Render a block, an inline piece, a list of them or plain text (escaped) as HTML."""
    if item is None:
        return Markup("")
    if isinstance(item, Markup):
        return item
    if isinstance(item, Block | Inline):
        template = environment().get_template(f"{item.kind}.html.j2")
        return Markup(template.render(b=item).strip())
    if isinstance(item, list | tuple):
        parts = [render(p) for p in item if p is not None]
        return (
            Markup("\n").join(parts)
            if any(isinstance(p, Block) for p in item)
            else Markup("").join(parts)
        )
    if isinstance(item, float) and math.isnan(item):
        return Markup("")
    if item is pd.NA or item is pd.NaT:
        return Markup("")
    return Markup.escape(str(item))


class _Displays:
    kind: ClassVar[str] = ""

    def _repr_html_(self) -> str:
        return str(render(self))

    def __html__(self) -> str:
        return str(render(self))


# --- Inline pieces ----------------------------------------------------------------------


class Inline(_Displays):
    """A piece of text with meaning beyond its words (a badge, a link, emphasis)."""


RAG_LABELS = {
    "red": "Red",
    "amber": "Amber",
    "green": "Green",
    "blue": "Blue (complete)",
    "grey": "No data",
}
RAG_SYMBOLS = {
    "red": "\u2716",
    "amber": "\u25b2",
    "green": "\u2714",
    "blue": "\u2605",
    "grey": "\u2013",
}


@dataclass(frozen=True)
class Rag(Inline):
    """A RAG badge that carries its meaning in words and a symbol, not colour alone."""

    kind: ClassVar[str] = "rag"
    status: str
    text: str | None = None

    @property
    def key(self) -> str:
        key = self.status.lower() if isinstance(self.status, str) else ""
        return key if key in RAG_LABELS else "grey"

    @property
    def label(self) -> str:
        return self.text or RAG_LABELS[self.key]

    @property
    def symbol(self) -> str:
        return RAG_SYMBOLS[self.key]

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Link(Inline):
    """A link (within the month's pages, or to an anchor on the page)."""

    kind: ClassVar[str] = "link"
    text: Any
    href: str
    current: bool = False

    def __str__(self) -> str:
        return str(self.text)


@dataclass(frozen=True)
class Strong(Inline):
    """Text read with emphasis."""

    kind: ClassVar[str] = "strong"
    text: Any

    def __str__(self) -> str:
        return str(self.text)


@dataclass(frozen=True)
class Span(Inline):
    """Text with a style class (e.g. a tag or a small note), optionally hidden from readers."""

    kind: ClassVar[str] = "span"
    text: Any
    class_: str = ""
    hidden: bool = False

    def __str__(self) -> str:
        return str(self.text)


def text_of(item: object) -> str:
    """The words of a block or inline piece, as a screen reader would read them."""
    if item is None:
        return ""
    if isinstance(item, list | tuple):
        return "".join(text_of(p) for p in item)
    if isinstance(item, Block):
        return " ".join(text_of(p) for p in item.children())
    return str(item)


# --- Blocks -----------------------------------------------------------------------------


class Block(_Displays):
    """A block of a page."""

    def children(self) -> list:
        """The blocks and text inside (for :func:`walk`)."""
        return []


def walk(item: object) -> Iterable[Block]:
    """Every block in ``item``, depth first, in page order."""
    if isinstance(item, list | tuple):
        for part in item:
            yield from walk(part)
    elif isinstance(item, Block):
        yield item
        for child in item.children():
            yield from walk(child)


@dataclass
class Paragraph(Block):
    """A paragraph of text."""

    kind: ClassVar[str] = "paragraph"
    parts: list = field(default_factory=list)
    class_: str | None = None

    def children(self) -> list:
        return list(self.parts)

    @property
    def text(self) -> str:
        return text_of(self.parts)


@dataclass
class Bullets(Block):
    """A bulleted list; each item is text or a list of text and inline pieces."""

    kind: ClassVar[str] = "bullets"
    items: list = field(default_factory=list)
    class_: str | None = None

    def children(self) -> list:
        return list(self.items)


@dataclass
class Notice(Block):
    """A highlighted notice (``info``, ``warning`` or ``error``), in words not colour."""

    kind: ClassVar[str] = "notice"
    text: Any = ""
    level: str = "info"

    PREFIX: ClassVar[dict] = {"info": "Note: ", "warning": "Warning: ", "error": "Problem: "}

    def children(self) -> list:
        return [self.text]


@dataclass
class Heading(Block):
    """A heading with an id (so the contents can link to it)."""

    kind: ClassVar[str] = "heading"
    text: Any = ""
    level: int = 2
    id: str = ""
    label: str = ""  # a short name for the contents list when the heading is a finding

    def __post_init__(self):
        self.id = self.id or slug(text_of(self.text))

    def children(self) -> list:
        return [self.text]


@dataclass
class Group(Block):
    """Blocks shown one after the other (in a ``div`` of that class when given one)."""

    kind: ClassVar[str] = "group"
    blocks: list = field(default_factory=list)
    class_: str | None = None  # e.g. ``spc-indicator``: laid out by report.css

    def children(self) -> list:
        return list(self.blocks)


@dataclass
class Section(Block):
    """A titled section: heading, optional intro paragraph, then the blocks."""

    kind: ClassVar[str] = "section"
    title: Any = ""
    blocks: list = field(default_factory=list)
    level: int = 2
    intro: str | None = None
    id: str = ""

    def __post_init__(self):
        self.id = self.id or slug(text_of(self.title))

    def children(self) -> list:
        return [self.title, *([self.intro] if self.intro else []), *self.blocks]


@dataclass
class Details(Block):
    """A collapsible block with a visible summary (open when printed)."""

    kind: ClassVar[str] = "details"
    summary: Any = ""
    blocks: list = field(default_factory=list)
    open: bool = False
    class_: str | None = None  # ``full-table``: a table collapsed on screen, printed open

    def children(self) -> list:
        return [self.summary, *self.blocks]


@dataclass
class SummaryList(Block):
    """Label and value pairs (a definition list)."""

    kind: ClassVar[str] = "summary_list"
    pairs: list = field(default_factory=list)

    def children(self) -> list:
        return [p for pair in self.pairs for p in pair]


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


@dataclass
class Tiles(Block):
    """A row of headline figures (a list, so screen readers count them)."""

    kind: ClassVar[str] = "tiles"
    items: list[Tile] = field(default_factory=list)
    label: str = "Headline figures"

    def children(self) -> list:
        return [t.label for t in self.items] + [t.value for t in self.items]


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


@dataclass
class Table(Block):
    """An accessible table: caption, column headers, row headers, cells shown as text.

    Attributes
    ----------
    frame : pandas.DataFrame
        The rows as the reader sees them (aggregates only: never a worker-level record).
        Cells are text, numbers (formatted by :func:`carelib.formatting.number`) or
        inline pieces such as :class:`Rag`.
    caption : str
        What the table shows.
    row_header : str, optional
        Column whose cells are row headers; default the first.
    numeric : sequence of str, optional
        Columns aligned right; by default every column of numbers, including numbers
        already formatted as text ("40.9%", "£1,200", "c"), the row header aside.
    class_ : str, optional
        Extra CSS class.
    """

    kind: ClassVar[str] = "table"
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    caption: str = ""
    row_header: str | None = None
    numeric: Sequence[str] | None = None
    class_: str | None = None

    def __post_init__(self):
        if self.row_header is None and len(self.frame.columns):
            self.row_header = self.frame.columns[0]
        if self.numeric is None:
            self.numeric = [
                c
                for c in self.frame.columns
                if c != self.row_header and _looks_numeric(self.frame[c])
            ]

    def rows(self) -> list[list]:
        """The cells as shown: floats formatted, inline pieces kept."""
        return [
            [formatting.number(v) if isinstance(v, float) else v for v in record]
            for record in self.frame.itertuples(index=False, name=None)
        ]

    def children(self) -> list:
        return [self.caption]


def text_frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """Rows of figures already worded for readers, as a frame for :func:`table`."""
    return pd.DataFrame(rows, columns=columns).astype("object")


def table(
    frame: pd.DataFrame,
    caption: str,
    *,
    formats: Mapping[str, object] | None = None,
    row_header: str | None = None,
    cell_html: Mapping[str, Callable] | None = None,
    numeric: Sequence[str] | None = None,
    class_: str | None = None,
) -> Table:
    """Build a :class:`Table`, formatting columns first.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show.
    caption : str
        What the table shows.
    formats : mapping, optional
        Column -> format: a callable, or a ``str.format`` pattern such as ``"{:.1f}"``.
    row_header, numeric, class_
        As :class:`Table`.
    cell_html : mapping, optional
        Column -> callable returning an inline piece for a cell (e.g. :class:`Rag`).
    """
    shown = frame.copy()
    if numeric is None:
        rh = (
            row_header
            if row_header is not None
            else (frame.columns[0] if len(frame.columns) else None)
        )
        numeric = [c for c in frame.columns if c != rh and _looks_numeric(frame[c])]
    for col, fmt in {**dict(formats or {}), **dict(cell_html or {})}.items():
        if col in shown.columns:
            shown[col] = [
                fmt(v) if callable(fmt) else formatting.pattern(fmt, v) for v in frame[col]
            ]
            shown[col] = shown[col].astype(object)
    return Table(shown, caption, row_header=row_header, numeric=numeric, class_=class_)


@dataclass
class Figure(Block):
    """A chart: its title, the image (desktop and phone), alt text, source and numbers.

    Attributes
    ----------
    title : str
        What the chart shows (shown above it).
    png : bytes
        The chart at desktop width.
    alt : str
        Alt text that states the finding.
    source : str
        Where the numbers come from.
    data : Table, optional
        The numbers behind the chart, under a "Show the numbers" control.
    phone_png : bytes, optional
        The chart redrawn for narrow screens.
    """

    kind: ClassVar[str] = "figure"
    title: str = ""
    png: bytes = b""
    alt: str = ""
    source: str = ""
    data: Table | None = None
    phone_png: bytes | None = None
    id: str = ""  # an anchor other pages can link to
    class_: str | None = None  # e.g. ``compact``: drawn smaller

    def children(self) -> list:
        return [self.title, self.data] if self.data is not None else [self.title]

    @property
    def src(self) -> str:
        return formatting.data_uri(self.png)

    @property
    def phone_src(self) -> str | None:
        return formatting.data_uri(self.phone_png) if self.phone_png else None


@dataclass
class View(Block):
    """One section of a report page, as data: what it finds and what shows it.

    Attributes
    ----------
    name : str
        The section's name, e.g. ``agency`` (the view function's name).
    finding : str, optional
        The finding in one sentence, shown first (and usable as a heading).
    blocks : list
        What the section shows, in page order.
    id : str, optional
        A stable anchor for the view (e.g. ``detail-agency``), the same whatever its
        heading says, so other pages can link to it; none when empty.
    print : bool, default True
        False leaves the view out of the printed page (shown on screen only).
    """

    kind: ClassVar[str] = "view"
    name: str = ""
    finding: str | None = None
    blocks: list = field(default_factory=list)
    id: str = ""
    print: bool = True

    def children(self) -> list:
        return list(self.blocks)

    def _repr_mimebundle_(self, include=None, exclude=None):
        # Headings given a contents label (findings as headings) are listed in the page's
        # contents under that label, as the markdown cells' ``##`` headings are.
        headings = [
            {"id": b.id, "text": b.label}
            for b in walk(self.blocks)
            if isinstance(b, Heading) and b.level == 2 and b.label
        ]
        meta = {"carelib": {"headings": headings}} if headings else {}
        return {"text/html": str(render(self))}, meta

    @property
    def figures(self) -> list[Figure]:
        """Every chart in the view, in page order."""
        return [b for b in walk(self.blocks) if isinstance(b, Figure)]

    @property
    def tables(self) -> list[Table]:
        """Every table in the view (those behind charts included), in page order."""
        return [b for b in walk(self.blocks) if isinstance(b, Table)]

    @property
    def sentences(self) -> list[str]:
        """The text of every paragraph, list item and notice, in page order."""
        found = [self.finding] if self.finding else []
        for b in walk(self.blocks):
            if isinstance(b, Paragraph):
                found.append(b.text)
            elif isinstance(b, Bullets):
                found += [text_of(i) for i in b.items]
            elif isinstance(b, Notice):
                found.append(text_of(b.text))
        return found


# --- Constructors with the old names ----------------------------------------------------


def slug(text: str) -> str:
    """Return an id made from a heading's text."""
    value = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    return value or f"section-{next(_ids)}"


def paragraph(*parts: object, class_: str | None = None) -> Paragraph:
    """A paragraph of text and inline pieces."""
    return Paragraph([p for p in parts if p is not None], class_)


def bullets(items: Iterable[object], class_: str | None = None) -> Bullets:
    """A bulleted list."""
    return Bullets(list(items), class_)


def notice(text: object, kind: str = "info") -> Notice:
    """A highlighted notice (``info``, ``warning`` or ``error``)."""
    return Notice(text, kind)


def group(parts: Iterable[object]) -> Group:
    """Blocks one after the other (``None`` left out)."""
    return Group([p for p in parts if p is not None])
