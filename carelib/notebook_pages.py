"""Which pages a notebooks folder makes: every ``NN_name.ipynb`` is a page ``name.html``.

The monthly run has no list of notebook names. It reads the folder it uses (a council
project's own ``notebooks/`` or the packaged ones, see
:func:`carelib.runner.default_notebooks_dir`): each notebook named with two digits, an
underscore and a name becomes the page ``name.html``, placed in the navigation in number
order between the month's overview and its data quality page. Adding
``03_my_analysis.ipynb`` adds ``my_analysis.html`` with no change to carelib.

A page's title (its ``h1``, its navigation link and its line on the overview) is the
notebook metadata's ``carelib.title`` if set, otherwise the notebook's first markdown
heading, otherwise its name (``my_analysis`` -> "My analysis"). Its line on the overview
is the metadata's ``carelib.description``. Other notebooks in the folder (``Untitled.ipynb``,
scratch work) are not pages.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path

#: A page notebook's file name: two digits, an underscore, then the page's name.
PAGE_NOTEBOOK = re.compile(r"^(?P<number>\d{2})_(?P<name>.+)\.ipynb$")
#: What a page name may hold, so that ``name.html`` is a plain, portable file name.
PAGE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
#: Pages the run writes itself, by name: no notebook may take them.
BUILT_PAGES = {"index": "the month's overview", "data_quality": "the data quality page"}
#: The month's own pages around the notebooks' pages: file name -> link text.
OVERVIEW = ("index.html", "Overview")
DATA_QUALITY = ("data_quality.html", "Data quality")


class NotebookPagesError(ValueError):
    """A notebooks folder that cannot be turned into pages (the message says why)."""


@dataclass(frozen=True)
class NotebookPage:
    """One report notebook and the page it makes.

    Attributes
    ----------
    path : Path
        The notebook.
    number : int
        Its place in the navigation (the two digits of its name).
    name : str
        The page's name: ``NN_name.ipynb`` makes ``name.html``.
    title : str
        The page's title.
    description : str or None
        Its line on the month's overview (metadata ``carelib.description``), if any.
    """

    path: Path
    number: int
    name: str
    title: str
    description: str | None = None

    @property
    def filename(self) -> str:
        """The published page's file name, ``name.html``."""
        return f"{self.name}.html"

    @property
    def notebook(self) -> str:
        """The notebook's file name, ``NN_name.ipynb``."""
        return self.path.name


def page_notebooks(folder: str | Path) -> list[Path]:
    """Return the notebooks in ``folder`` named ``NN_name.ipynb``, unread and unchecked."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.ipynb") if PAGE_NOTEBOOK.match(p.name) and p.is_file())


def discover(folder: str | Path) -> list[NotebookPage]:
    """Return the pages the notebooks in ``folder`` make, in navigation order.

    Parameters
    ----------
    folder : path
        A notebooks folder.

    Returns
    -------
    list of NotebookPage
        In number order (then by name); empty when the folder has no ``NN_name.ipynb``.

    Raises
    ------
    NotebookPagesError
        When a page name has characters other than letters, digits, ``_`` and ``-``,
        takes the name of a page the run writes itself (``index``, ``data_quality``),
        two notebooks would make the same page, or a notebook cannot be read.
    """
    found = [read_page(path) for path in page_notebooks(folder)]
    found.sort(key=lambda p: (p.number, p.name))
    seen: dict[str, NotebookPage] = {}
    for page in found:
        # Windows and macOS folders ignore case: Foo.html and foo.html are one file.
        other = seen.get(page.filename.lower())
        if other is not None:
            raise NotebookPagesError(
                f"{other.notebook} and {page.notebook} in {page.path.parent} would both "
                f"make the page {page.filename}: rename one of them"
            )
        seen[page.filename.lower()] = page
    return found


def read_page(path: str | Path) -> NotebookPage:
    """Read one ``NN_name.ipynb`` and return the page it makes (see :func:`discover`)."""
    import nbformat

    path = Path(path)
    match = PAGE_NOTEBOOK.match(path.name)
    if not match:
        raise NotebookPagesError(f"{path.name} is not named NN_name.ipynb, so it is not a page")
    name = match["name"]
    if not PAGE_NAME.match(name):
        raise NotebookPagesError(
            f"{path.name} in {path.parent}: a page name may hold only letters, digits, _ "
            f"and -, starting with a letter or digit (for example 03_my_analysis.ipynb)"
        )
    if name.lower() in BUILT_PAGES:
        raise NotebookPagesError(
            f"{path.name} in {path.parent}: {name}.html is {BUILT_PAGES[name.lower()]}, "
            "which carelib writes itself; give the notebook another name"
        )
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - any unreadable notebook gets the same message
        raise NotebookPagesError(f"{path} cannot be read as a notebook: {exc}") from None
    meta = nb.metadata.get("carelib") or {}
    heading = first_heading(nb)
    title = str(meta.get("title") or "").strip() or (heading[2] if heading else "")
    description = str(meta.get("description") or "").strip() or None
    return NotebookPage(
        path=path,
        number=int(match["number"]),
        name=name,
        title=title or name.replace("_", " ").replace("-", " ").strip().capitalize(),
        description=description,
    )


def _plain_text(tokens: list) -> str:
    """The text of a mistune AST fragment, markup dropped (``*big*`` -> ``big``)."""
    parts = []
    for token in tokens:
        if token.get("children"):
            parts.append(_plain_text(token["children"]))
        else:
            parts.append(str(token.get("raw", token.get("text", ""))))
    return "".join(parts)


def first_heading(nb) -> tuple[int, int, str] | None:
    """Return the notebook's first markdown heading as ``(cell index, level, text)``.

    Markdown is parsed with mistune (nbconvert's own markdown parser), so ATX (``# T``)
    and underlined headings both count and inline markup is dropped from the text.
    """
    import mistune

    parse = mistune.create_markdown(renderer="ast")
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for token in parse(cell.source):
            if token.get("type") == "heading":
                text = " ".join(_plain_text(token.get("children", [])).split())
                if text:
                    return index, int(token["attrs"]["level"]), text
    return None


_ATX_H1 = re.compile(r"^ {0,3}#(?:[ \t]|$)")
_SETEXT_H1 = re.compile(r"^ {0,3}=+[ \t]*$")


def without_title(nb):
    """Return the notebook without its title heading, for export under the page's own ``h1``.

    The page layout prints the title as the page's only ``h1``; a notebook's own
    ``# Title`` in a markdown cell would make a second one. That heading line is taken
    out of a copy of its cell (a cell left empty is dropped); ``nb`` itself, kept as
    the audit copy, is not changed. A notebook whose first heading is not level 1 is
    returned as it is.
    """
    heading = first_heading(nb)
    if heading is None or heading[1] != 1:
        return nb
    index = heading[0]
    lines = nb.cells[index].source.splitlines()
    for i, line in enumerate(lines):
        if _ATX_H1.match(line):
            del lines[i]
            break
        if i + 1 < len(lines) and line.strip() and _SETEXT_H1.match(lines[i + 1]):
            del lines[i : i + 2]
            break
    out = copy.copy(nb)
    out.cells = list(nb.cells)
    source = "\n".join(lines).strip()
    if source:
        cell = copy.copy(nb.cells[index])
        cell.source = source
        out.cells[index] = cell
    else:
        del out.cells[index]
    return out


def month_files(report_pages: list[NotebookPage]) -> list[str]:
    """Every page file of a month, in navigation order (overview first)."""
    return [name for name, _ in nav_links(report_pages)]


def nav_links(report_pages: list[NotebookPage]) -> list[tuple[str, str]]:
    """The month's navigation: ``(file name, link text)``, overview, pages, data quality."""
    return [OVERVIEW, *((p.filename, p.title) for p in report_pages), DATA_QUALITY]


def manifest_entries(report_pages: list[NotebookPage]) -> list[dict]:
    """The pages as the month's ``manifest.json`` records them (the archive reads them)."""
    return [
        {"file": p.filename, "title": p.title, "notebook": p.notebook, "description": p.description}
        for p in report_pages
    ]


def published_pages(manifest: dict, month_folder: Path, notebooks_dir: Path) -> list[tuple]:
    """A published month's notebook pages, ``(file name, title, description)``.

    As its manifest lists them; for a month published before manifests did, the pages
    of ``notebooks_dir`` that the month folder holds.
    """
    if "pages" in manifest:
        return [(p["file"], p["title"], p.get("description")) for p in manifest["pages"]]
    try:
        found = discover(notebooks_dir)
    except NotebookPagesError:
        return []
    return [
        (p.filename, p.title, p.description) for p in found if (month_folder / p.filename).is_file()
    ]
