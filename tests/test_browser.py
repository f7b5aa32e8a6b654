"""Every published page in a real browser: accessible, offline, printable and safe.

Headless Chromium (Debian's ``/usr/bin/chromium``) opens the pages of the demo month
from ``file://`` URLs, and axe-core checks them against WCAG 2.0, 2.1 and 2.2 A and AA
and best practice. These tests skip, saying how to enable them, where Chromium
(``apt-get install chromium``) or axe-core (``npm install``) is absent. Set
CARELIB_SCREENSHOTS to a folder to keep desktop and phone screenshots of every page.
"""

from __future__ import annotations

import functools
import io
import math
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import browser_support as bs
import pandas as pd
import pytest

from carelib import charts

BUILDS = ["demo_reports", "publication_reports"]
CHART_PAGES = [f"{bs.MONTH}/workforce.html", f"{bs.MONTH}/improvement_plan.html"]
#: A4 less the print stylesheet's margins (12 mm each side, 15 mm top and bottom) in CSS px.
A4_CONTENT_WIDTH = round((210 - 24) / 25.4 * 96)
A4_CONTENT_HEIGHT = round((297 - 30) / 25.4 * 96)


@pytest.fixture(scope="module")
def axe():
    reason = bs.axe_missing()
    if reason:
        pytest.skip(reason)
    return bs.AXE


# --- Accessibility ---------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("build", BUILDS)
@pytest.mark.parametrize("name", bs.PAGES)
def test_axe_finds_no_violations(chromium, axe, demo_reports, publication_reports, build, name):
    reports = {"demo_reports": demo_reports, "publication_reports": publication_reports}[build]
    v = bs.visit(chromium, reports / name)
    try:
        violations = bs.run_axe(v.page)
    finally:
        v.close()
    assert not violations, f"axe-core on {name} ({build}):\n" + bs.describe_violations(violations)


STRUCTURE_JS = """() => {
  const headings = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
    .filter(h => !h.closest('[hidden]')).map(h => Number(h.tagName[1]));
  const focusable = [...document.querySelectorAll('a[href],summary,[tabindex]')]
    .filter(e => e.tabIndex >= 0);
  return {
    lang: document.documentElement.lang,
    title: document.title,
    headings,
    h1: document.querySelectorAll('h1').length,
    firstFocusable: focusable.length ? focusable[0].outerHTML : '',
    banner: document.querySelectorAll('body > header').length,
    main: document.querySelectorAll('main#main').length,
    footer: document.querySelectorAll('body > footer').length,
    navs: [...document.querySelectorAll('nav')].map(n => n.getAttribute('aria-label')),
    tables: [...document.querySelectorAll('table')].map(t => ({
      caption: (t.caption ? t.caption.textContent : '').trim(),
      colHeaders: t.querySelectorAll('thead th[scope=col]').length,
      unlabelled: t.querySelectorAll('th:not([scope])').length,
      cells: t.querySelectorAll('tbody td').length})),
    meta: (document.querySelector('main .meta') || {}).textContent || '',
    text: document.body.innerText,
  };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("name", bs.PAGES)
def test_page_structure(chromium, demo_reports, name):
    v = bs.visit(chromium, demo_reports / name)
    try:
        s = v.page.evaluate(STRUCTURE_JS)
    finally:
        v.close()
    assert s["lang"] == "en-GB"
    assert "Northmoor Borough Council" in s["title"] and len(s["title"]) > 30, s["title"]
    assert s["h1"] == 1
    levels = s["headings"]
    assert levels[0] == 1 and len(levels) > 2
    skipped = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert not skipped, f"heading levels skip: {skipped} in {levels}"
    assert 'class="skip-link"' in s["firstFocusable"] and 'href="#main"' in s["firstFocusable"]
    assert (s["banner"], s["main"], s["footer"]) == (1, 1, 1)
    assert "Report pages" in s["navs"]
    for t in s["tables"]:
        assert t["caption"], "a table without a caption"
        assert t["colHeaders"] > 0 and t["unlabelled"] == 0, t
    assert "Generated" in s["meta"]
    if name.startswith(bs.MONTH):
        assert "Data period: 1 October 2023 to 30 September 2025" in s["meta"]
        assert len(s["navs"]) >= 2 or name.endswith("index.html"), "no table of contents"
    else:
        assert "(September 2025)" in s["text"]


FOCUS_JS = """() => {
  const look = e => { const c = getComputedStyle(e);
    return [c.outlineStyle, c.outlineWidth, c.boxShadow, c.backgroundColor, c.color].join('|'); };
  // Hidden: inside a closed <details>, other than as that details' own summary (so a
  // summary nested in collapsed detail is out of the tab order until it is opened).
  const hiddenInDetails = e => { for (let d = e.closest('details'); d;
      d = d.parentElement && d.parentElement.closest('details')) {
    if (!d.open && !(e.tagName === 'SUMMARY' && e.parentElement === d)) return true; }
    return false; };
  const items = [...document.querySelectorAll('a[href],summary,[tabindex="0"]')]
    .filter(e => e.getClientRects().length && !hiddenInDetails(e));
  const unchanged = [];
  for (const e of items) {
    const before = look(e); e.focus(); const after = look(e);
    if (document.activeElement !== e || before === after) unchanged.push(e.outerHTML.slice(0, 120));
    e.blur();
  }
  return {count: items.length, unchanged};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("name", bs.PAGES)
def test_keyboard_focus_is_always_visible(chromium, demo_reports, name):
    v = bs.visit(chromium, demo_reports / name)
    page = v.page
    try:
        page.keyboard.press("Tab")
        skip = page.evaluate("""() => { const e = document.activeElement;
            const r = e.getBoundingClientRect();
            return {cls: e.className, top: r.top, left: r.left, width: r.width,
                    bg: getComputedStyle(e).backgroundColor}; }""")
        assert skip["cls"] == "skip-link"
        assert skip["left"] >= 0 and skip["top"] >= 0 and skip["width"] > 50, "skip link off screen"
        assert skip["bg"] == "rgb(255, 221, 0)"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        result = page.evaluate(FOCUS_JS)
    finally:
        v.close()
    assert result["count"] > 5
    assert not result["unchanged"], f"no visible focus style: {result['unchanged'][:5]}"


CHARTS_JS = """() => [...document.querySelectorAll('img')].map(img => {
  const fig = img.closest('figure.chart');
  return {
    alt: img.getAttribute('alt'), src: img.getAttribute('src').slice(0, 22),
    current: img.currentSrc.slice(0, 22) + img.currentSrc.length,
    phone: (img.parentElement.querySelector('source') || {srcset: ''}).srcset.length,
    inFigure: !!fig,
    title: fig ? (fig.querySelector('figcaption') || {}).textContent : null,
    source: fig ? !!fig.querySelector('.chart-source') : false,
    numbers: fig ? fig.querySelectorAll('details table tbody tr').length : 0,
  };
})"""


@pytest.mark.browser
@pytest.mark.parametrize("name", CHART_PAGES)
def test_charts_state_the_finding_and_give_the_numbers(chromium, demo_reports, name):
    v = bs.visit(chromium, demo_reports / name, width=bs.PHONE)
    try:
        images = v.page.evaluate(CHARTS_JS)
    finally:
        v.close()
    assert images, "no chart on the page"
    for img in images:
        assert img["inFigure"] and img["src"] == "data:image/png;base64,", img
        assert img["title"] and img["source"], img
        alt = img["alt"] or ""
        assert len(alt.split()) >= 6 and alt != "Chart (described in the text)", alt
        assert img["numbers"] > 0, f"no table of the numbers behind {img['title']!r}"
        # On a phone the browser picks the narrower rendition (legible text).
        if img["phone"]:
            assert img["current"].endswith(str(img["phone"])), img


def _chart_images(html: str):
    import base64

    from PIL import Image

    for b64 in re.findall(r'<img[^>]*\ssrc="data:image/png;base64,([A-Za-z0-9+/=]+)"', html):
        yield Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGB")


def test_charts_use_the_colour_blind_safe_palette(demo_reports):
    """Every strong colour drawn in a chart is one of the Okabe-Ito colours (or a grey)."""
    palette = [tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in charts.PALETTE]
    checked = 0
    for name in CHART_PAGES:
        for image in _chart_images((demo_reports / name).read_text(encoding="utf-8")):
            pixels = image.width * image.height
            for count, rgb in image.getcolors(maxcolors=1 << 16):
                saturated = max(rgb) - min(rgb) > 80
                if not saturated or count < pixels * 0.002:
                    continue  # white, greys, black and anti-aliasing
                nearest = min(math.dist(rgb, p) for p in palette)
                assert nearest < 40, f"{name}: colour {rgb} is not in the palette"
                checked += 1
    assert checked > 10


@pytest.mark.browser
def test_rag_is_never_shown_by_colour_alone(chromium, demo_reports):
    v = bs.visit(chromium, demo_reports / f"{bs.MONTH}/improvement_plan.html")
    try:
        # Open every collapsed detail: a badge's words are read as rendered text.
        v.page.evaluate(
            "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"
        )
        badges = v.page.evaluate("""() => [...document.querySelectorAll(
            '[class*="rag-"], [class*="tag-"]')].filter(e => !e.matches('.rag-symbol'))
            .map(e => [e.className, e.innerText.trim()])""")
    finally:
        v.close()
    assert len(badges) > 20
    for cls, text in badges:
        if cls.startswith(("rag ", "tag ")):
            # A word as well as the colour and the symbol: "Red", "Blue (complete)", ...
            assert re.search(r"[A-Za-z]{3,}", text), (cls, text)


# --- Offline, single file, links ------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("name", bs.PAGES)
def test_pages_open_offline_as_single_files(chromium, demo_reports, name):
    path = demo_reports / name
    assert path.stat().st_size < bs.MAX_PAGE_BYTES
    v = bs.visit(chromium, path)
    try:
        dom = v.page.evaluate("""() => ({
            external: [...document.querySelectorAll('script,link,iframe,object,embed,base')]
                .map(e => e.outerHTML.slice(0, 80)),
            sources: [...document.querySelectorAll('[src],[srcset]')]
                .map(e => (e.getAttribute('src') || e.getAttribute('srcset')).slice(0, 12))})""")
    finally:
        v.close()
    assert v.requests[0] == v.url
    assert v.outside_requests() == [], v.outside_requests()
    assert not v.console and not v.errors, v.console + v.errors
    assert dom["external"] == []
    assert all(s.startswith("data:image/") for s in dom["sources"]), dom["sources"]


@functools.cache
def _links(path: Path) -> tuple[list[str], set[str]]:
    """The hrefs of a page's links and the ids of its elements."""
    page = bs.soup(path.read_text(encoding="utf-8"))
    return [a["href"] for a in page.find_all("a", href=True)], {
        e["id"] for e in page.find_all(id=True)
    }


@pytest.mark.parametrize("name", bs.PAGES)
def test_every_link_between_pages_resolves(demo_reports, name):
    path = demo_reports / name
    hrefs, _ = _links(path)
    targets = {urlsplit(h).path for h in hrefs if not urlsplit(h).scheme}
    # Each month page links to the month's other pages and to the archive.
    if name.startswith(bs.MONTH):
        assert {
            "index.html",
            "workforce.html",
            "improvement_plan.html",
            "data_quality.html",
            "../index.html",
        } <= targets
    else:
        assert {f"{bs.MONTH}/{p}" for p in bs.MONTH_PAGES} <= targets
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme:
            assert parts.scheme == "https", href  # links out are fine; loads are not
            continue
        # A browser resolves a relative link against the page's URL, lexically: a month
        # folder that is a link into reports/.versions/ still has the archive as its "..".
        target = Path(os.path.normpath(path.parent / parts.path)) if parts.path else path
        assert target.is_file(), f"{name}: broken link {href}"
        if parts.fragment:
            assert parts.fragment in _links(target)[1], f"{name}: no #{parts.fragment}"


# --- Phones and paper ---------------------------------------------------------------------


PHONE_JS = """() => (document.querySelectorAll('details').forEach(d => { d.open = true; }), {
  page: document.documentElement.scrollWidth,
  scrolling: [...document.querySelectorAll('.table-wrap')]
    .filter(w => w.checkVisibility() && w.scrollWidth > w.clientWidth + 1)
    .map(w => w.getAttribute('aria-label')),
  stacked: [...document.querySelectorAll('table')].findIndex(t =>
    t.checkVisibility() && getComputedStyle(t).display === 'block'),
  tileWidth: Math.min(...[...document.querySelectorAll('.tile')]
    .map(t => t.getBoundingClientRect().width), 9999),
})"""


@pytest.mark.browser
@pytest.mark.parametrize("name", bs.PAGES)
def test_phone_layout_fits_the_screen(chromium, demo_reports, name):
    shots = os.environ.get("CARELIB_SCREENSHOTS")
    v = bs.visit(chromium, demo_reports / name, width=bs.PHONE)
    try:
        if shots:
            stem = name.replace("/", "_").removesuffix(".html")
            Path(shots).mkdir(parents=True, exist_ok=True)
            v.page.screenshot(path=f"{shots}/{stem}_{bs.PHONE}.png", full_page=True)
            v.page.set_viewport_size({"width": bs.DESKTOP, "height": 900})
            v.page.screenshot(path=f"{shots}/{stem}_{bs.DESKTOP}.png", full_page=True)
            v.page.set_viewport_size({"width": bs.PHONE, "height": 900})
        r = v.page.evaluate(PHONE_JS)
        stacked = v.page.locator("table").nth(r["stacked"])
        snapshot = stacked.aria_snapshot() if r["stacked"] >= 0 else ""
    finally:
        v.close()
    assert r["page"] <= bs.PHONE, "the page scrolls sideways on a phone"
    assert not r["scrolling"], f"tables that scroll sideways on a phone: {r['scrolling']}"
    assert r["tileWidth"] >= 300, "headline tiles are squeezed on a phone"
    if r["stacked"] >= 0:
        # Shown as cards, the table is still a table to a screen reader, and the
        # visual "column:" labels are not read out as well as the headers.
        headers = re.findall(r'columnheader "([^"]+)"', snapshot)
        cells = re.findall(r'\bcell "(.*)"', snapshot)
        assert headers and cells and "rowheader" in snapshot, snapshot[:500]
        doubled = [c for c in cells for h in headers if c.startswith(f"{h}: ")]
        assert not doubled, doubled[:3]


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


PRINT_JS = """(width) => {
  const style = sel => [...document.querySelectorAll(sel)].map(e => getComputedStyle(e));
  return {
    hidden: style('.pages-nav, .skip-link').every(c => c.display === 'none'),
    detailTables: [...document.querySelectorAll(
      'details:not(.chart-data):not(.full-table):not(.plan-detail) table')]
      .map(t => t.offsetHeight),
    planDetail: style('details.plan-detail').map(c => c.display),
    text: document.body.innerText,
    chartTables: [...document.querySelectorAll('details.chart-data table')]
      .map(t => t.offsetHeight),
    fullTables: [...document.querySelectorAll('details.full-table table')]
      .map(t => t.offsetHeight),
    // Every table but the numbers behind a chart (and the plan's collapsed detail,
    // checked below) must print: none hidden, none squeezed to nothing.
    hiddenTables: [...document.querySelectorAll('table')]
      .filter(t => !t.closest('details.chart-data, details.plan-detail'))
      .filter(t => !t.getClientRects().length || t.offsetHeight === 0)
      .map(t => (t.caption ? t.caption.innerText : t.className).slice(0, 80)),
    tooWide: [...document.querySelectorAll('table, img, figure, .tiles')]
      .filter(e => e.getBoundingClientRect().right > width + 1)
      .map(e => e.tagName + ' ' + (e.getAttribute('aria-label') || e.className)),
    figuresWhole: style('figure.chart').every(c => c.breakInside === 'avoid'),
    rowsWhole: style('tr').every(c => c.breakInside === 'avoid'),
    headsRepeat: style('thead').every(c => c.display === 'table-header-group'),
    height: document.documentElement.scrollHeight,
  };
}"""


#: Printed A4 pages at most (issue 14): the overview is the two-sided board summary.
PRINTED_PAGES = {
    f"{bs.MONTH}/index.html": 2,
    f"{bs.MONTH}/workforce.html": 12,
    f"{bs.MONTH}/improvement_plan.html": 14,
}


@pytest.mark.browser
@pytest.mark.parametrize("name", bs.PAGES)
def test_print_gives_clean_a4(chromium, demo_reports, name):
    v = bs.visit(chromium, demo_reports / name, width=A4_CONTENT_WIDTH, media="print")
    try:
        r = v.page.evaluate(PRINT_JS, A4_CONTENT_WIDTH)
        pdf = v.page.pdf(format="A4", print_background=True)
    finally:
        v.close()
    assert r["hidden"], "navigation printed"
    assert all(h > 0 for h in r["detailTables"]), "open detail does not print"
    if r["planDetail"]:
        # The plan page's collapsed detail is left out of print only because every red
        # item and every finding is printed outside it.
        assert set(r["planDetail"]) == {"none"}
        folder = (demo_reports / name).parent
        actions = pd.read_csv(folder / "actions.csv")
        measures = pd.read_csv(folder / "measures.csv")
        red = [
            *actions.loc[actions["computed_rag"] == "red", "action_id"],
            *measures.loc[measures["rag"] == "red", "measure_id"],
        ]
        assert red and all(ident in r["text"] for ident in red), "a red item is not printed"
        for heading in bs.soup((demo_reports / name).read_text(encoding="utf-8")).select(
            "main h2, main h3"
        ):
            if not heading.find_parent("details"):
                assert " ".join(heading.get_text(" ").split()) in " ".join(r["text"].split())
    # [report] print_tables is false by default: the numbers behind charts stay on screen.
    assert all(h == 0 for h in r["chartTables"]), "the numbers behind a chart print"
    # Every other table prints, those collapsed on screen (class full-table) included.
    assert not r["hiddenTables"], f"tables left out of print: {r['hiddenTables']}"
    assert all(h > 0 for h in r["fullTables"]), "a collapsed full table does not print"
    if name.endswith("workforce.html"):
        assert len(r["fullTables"]) >= 8, r["fullTables"]
    assert not r["tooWide"], f"cut off on A4: {r['tooWide'][:5]}"
    assert r["figuresWhole"] and r["rowsWhole"] and r["headsRepeat"]
    # Page count close to the printed height: nothing blank or cut into slivers.
    expected = r["height"] / A4_CONTENT_HEIGHT
    pages = _pdf_pages(pdf)
    assert math.floor(expected * 0.8) <= pages <= math.ceil(expected * 1.4) + 1, (pages, expected)
    assert pages <= PRINTED_PAGES.get(name, pages), (name, pages)


@pytest.mark.browser
def test_publication_workforce_page_prints_every_table_on_twelve_pages(
    chromium, publication_reports
):
    path = publication_reports / bs.MONTH / "workforce.html"
    v = bs.visit(chromium, path, width=A4_CONTENT_WIDTH, media="print")
    try:
        r = v.page.evaluate(PRINT_JS, A4_CONTENT_WIDTH)
        pdf = v.page.pdf(format="A4", print_background=True)
    finally:
        v.close()
    assert not r["hiddenTables"], f"tables left out of print: {r['hiddenTables']}"
    # Publication mode leaves out the sickness table by team: seven full tables print.
    assert len(r["fullTables"]) >= 7 and all(h > 0 for h in r["fullTables"])
    assert r["chartTables"] and all(h == 0 for h in r["chartTables"])
    assert not r["tooWide"], f"cut off on A4: {r['tooWide'][:5]}"
    assert _pdf_pages(pdf) <= 12


@pytest.mark.browser
def test_print_tables_prints_the_numbers_behind_every_chart(chromium, demo_reports):
    """With ``[report] print_tables = true`` the page has class ``print-tables``."""
    v = bs.visit(
        chromium, demo_reports / bs.MONTH / "workforce.html", width=A4_CONTENT_WIDTH, media="print"
    )
    try:
        found = v.page.evaluate(PRINT_JS, A4_CONTENT_WIDTH)
        before, full = found["chartTables"], found["fullTables"]
        v.page.evaluate("() => document.body.classList.add('print-tables')")
        found = v.page.evaluate(PRINT_JS, A4_CONTENT_WIDTH)
        after = found["chartTables"]
    finally:
        v.close()
    assert before and all(h == 0 for h in before)
    assert len(after) == len(before) and all(h > 0 for h in after)
    # The full tables print either way.
    assert full and all(h > 0 for h in full) and all(h > 0 for h in found["fullTables"])


def test_print_tables_setting_marks_the_page(tmp_path):
    from carelib import pages

    info = dict(council="C", title="T", filename="t.html", toc=False)
    on = pages.render([], pages.PageInfo(**info, print_tables=True))
    off = pages.render([], pages.PageInfo(**info))
    assert '<body class="print-tables">' in on and "<body>" in off


# --- Hostile free text ------------------------------------------------------------------------


INJECTED_JS = """() => (document.querySelectorAll('details').forEach(d => { d.open = true; }), {
  pwned: typeof window.__pwned,
  scripts: document.scripts.length,
  handlers: [...document.querySelectorAll('*')].filter(e =>
      [...e.attributes].some(a => a.name.startsWith('on'))).map(e => e.outerHTML.slice(0, 80)),
  svgs: document.querySelectorAll('svg').length,
  foreignImages: document.querySelectorAll('img:not([src^="data:"])').length,
  h1: document.querySelectorAll('h1').length,
  text: document.body.innerText,
})"""


@pytest.mark.browser
def test_free_text_with_markup_is_shown_as_text(chromium, hostile_reports):
    seen = ""
    for name in bs.MONTH_PAGES:
        v = bs.visit(chromium, hostile_reports / bs.MONTH / name)
        try:
            r = v.page.evaluate(INJECTED_JS)
        finally:
            v.close()
        assert v.dialogs == [] and r["pwned"] == "undefined", (name, v.dialogs)
        assert not v.console and not v.errors, (name, v.console, v.errors)
        assert v.outside_requests() == [], (name, v.outside_requests())
        assert (r["scripts"], r["svgs"], r["foreignImages"], r["h1"]) == (0, 0, 0, 1), name
        assert r["handlers"] == [], (name, r["handlers"])
        seen += r["text"]
    for payload in bs.PAYLOADS:
        assert payload in seen, f"{payload!r} is not shown as text"
