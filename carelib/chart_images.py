"""A chart as the page carries it: small PNGs at desktop and phone widths.

:func:`carelib.charts.figure` calls these; they know matplotlib's rendering and PNG
palettes, nothing about what a chart shows.
"""

from __future__ import annotations

import io


def _plt():
    import matplotlib.pyplot as plt

    return plt


#: Phone renditions: a narrower figure, so its text is still legible on a 360-400 px
#: screen (the desktop image shrunk to that width has 4-5 px text).
PHONE_WIDTH_IN = 4.2
PHONE_DPI = 144
#: The media query under which browsers pick the phone rendition (matches report.css).
PHONE_MEDIA = "(max-width: 40em)"
#: Colours kept when a chart PNG is palettised: charts are flat colours plus
#: anti-aliasing, so 64 look the same and the file is about a third of the size.
PNG_COLOURS = 64


def figure_png(fig, *, close: bool = True, dpi: float | None = None) -> bytes:
    """Render a figure to a small PNG (palettised) and, by default, close it."""
    plt = _plt()
    buffer = io.BytesIO()
    # Only palettised below, so the first PNG is compressed as little as possible.
    fig.savefig(
        buffer,
        format="png",
        bbox_inches="tight",
        dpi=dpi or plt.rcParams["savefig.dpi"],
        pil_kwargs={"compress_level": 1},
    )
    if close:
        plt.close(fig)
    return _palettised(buffer.getvalue())


def _palettised(png: bytes) -> bytes:
    from PIL import Image  # a dependency of matplotlib

    with Image.open(io.BytesIO(png)) as image:
        small = image.convert("RGB").quantize(
            colors=PNG_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue() if out.tell() < len(png) else png


#: Most x-axis labels a phone rendition keeps (month labels such as "Sep 2025").
PHONE_MAX_XLABELS = 5


def _thin_tick_labels(fig) -> None:
    """Keep at most ``PHONE_MAX_XLABELS`` evenly spaced x tick labels on each axis.

    Counting labels, rather than measuring them, saves a full draw of every chart.
    """
    for ax in fig.axes:
        low, high = sorted(ax.get_xlim())
        ticks = [t for t in ax.get_xticks() if low <= t <= high]
        labels = [t.get_text() for t in ax.get_xticklabels() if low <= t.get_position()[0] <= high]
        if len(labels) != len(ticks) or len(ticks) <= PHONE_MAX_XLABELS or not any(labels):
            continue
        step = -(-len(ticks) // PHONE_MAX_XLABELS)
        ax.set_xticks(ticks[::step], labels[::step])


def phone_png(fig) -> bytes | None:
    """Render a narrower copy of ``fig`` for phones, or None if it is narrow already.

    The figure is resized in place (the caller closes it afterwards); crowded x-axis
    labels are thinned so they do not overlap.
    """
    width, height = fig.get_size_inches()
    if width <= PHONE_WIDTH_IN * 1.15:
        return None
    fig.set_size_inches(PHONE_WIDTH_IN, height * 1.1)
    _thin_tick_labels(fig)
    return figure_png(fig, close=False, dpi=PHONE_DPI)
