"""The widgets' pictures, drawn straight into pixels with Pillow.

A widget redraws on every slider move, and a matplotlib figure of two small
grids takes 60-250 ms to lay out, draw and encode: too slow for a picture
that should follow the slider. Pillow draws the same rectangles, lines and
numbers in a few milliseconds. A :class:`Canvas` is measured in CSS pixels
and drawn at :data:`SCALE` device pixels per CSS pixel, so the PNG stays
sharp on HiDPI ("retina") screens; the widget shows it at its CSS size.

:func:`draw_grid` is the one drawing of a 2-D map the widgets share: cells
coloured by value (matplotlib's "Blues", as :mod:`poolutils.plotting`), the
values written in them, padding cells hatched grey, a window outlined.
Non-finite values are drawn, never refused: ``nan`` in its own colour, and
``inf``/``-inf`` in the colour of the scale's ends, each written out.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import matplotlib
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from poolutils.explain import format_value
from poolutils.plotting import CMAP, finite_range

SCALE = 2
# Colours as in poolutils.plotting: "tab:orange" for the window, "tab:purple" for a second one.
HIGHLIGHT = (255, 127, 14)
SECOND = (148, 103, 189)
WINNER = (214, 39, 40)
PADDING_FACE = (217, 217, 217)
PADDING_LINE = (153, 153, 153)
NAN_FACE = (250, 210, 210)
TEXT = (20, 20, 20)
MUTED = (110, 110, 110)
BLUE = (31, 119, 180)
# Cell side in CSS pixels for the course's small maps; larger maps get smaller cells.
CELL = 30
MIN_CELL = 10
# Below this side the numbers no longer fit in a cell: the colours alone show the map.
MIN_CELL_WITH_TEXT = 22
# Height of a grid's title line.
TITLE = 18
# Room for the row numbers left of a grid and the column numbers under it.
INDEX = 16
# The widest a grid may be drawn, in CSS pixels: a widget stays within a notebook's width.
GRID_SPAN = 330
FONT_FILE = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
# matplotlib's "Blues" colour map, sampled once: the same colours as the static plots.
BLUES = [tuple(int(255 * c) for c in rgba[:3]) for rgba in matplotlib.colormaps[CMAP](np.linspace(0, 1, 256))]

Colour = tuple[int, int, int]


@lru_cache(maxsize=16)
def font(size: float) -> ImageFont.FreeTypeFont:
    """DejaVu Sans (shipped with matplotlib) at ``size`` CSS pixels, scaled to device pixels."""
    return ImageFont.truetype(str(FONT_FILE), round(size * SCALE))


@lru_cache(maxsize=4096)
def text_mask(text: str, size: float, anchor: str) -> tuple[Image.Image, tuple[int, int]]:
    """``text`` rendered once as a grey mask, and its offset from the anchor point in device pixels.

    A grid writes the same few numbers on every update; pasting a cached mask
    is several times faster than laying the text out again.
    """
    left, top, right, bottom = font(size).getbbox(text, anchor=anchor)
    mask = Image.new("L", (max(right - left, 1), max(bottom - top, 1)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, fill=255, font=font(size), anchor=anchor)
    return mask, (left, top)


class Canvas:
    """A white picture of ``width`` x ``height`` CSS pixels; every coordinate is in CSS pixels.

    Examples
    --------
    >>> canvas = Canvas(40, 20)
    >>> canvas.rect(0, 0, 10, 10, fill=BLUE)
    >>> canvas.text(20, 10, "7")
    >>> png = canvas.png()
    >>> png[:4], png_size(png)
    (b'\\x89PNG', (80, 40))
    """

    def __init__(self, width: float, height: float):
        self.width, self.height = int(np.ceil(width)), int(np.ceil(height))
        self.image = Image.new("RGB", (self.width * SCALE, self.height * SCALE), "white")
        self.draw = ImageDraw.Draw(self.image)

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        fill: Colour | None = None,
        outline: Colour | None = None,
        width: float = 1,
    ) -> None:
        """A rectangle with its top-left corner at (x, y); ``width`` is the outline's, in CSS pixels."""
        box = [x * SCALE, y * SCALE, (x + w) * SCALE - 1, (y + h) * SCALE - 1]
        self.draw.rectangle(box, fill=fill, outline=outline, width=round(width * SCALE) if outline else 0)

    def line(self, points: Sequence[tuple[float, float]], colour: Colour, width: float = 1) -> None:
        self.draw.line([(x * SCALE, y * SCALE) for x, y in points], fill=colour, width=round(width * SCALE))

    def hatch(self, x: float, y: float, side: float, colour: Colour, step: float = 6) -> None:
        """Diagonal lines across the square cell whose top-left corner is (x, y)."""
        for t in np.arange(step / 2, 2 * side, step):
            start = (x + t, y) if t <= side else (x + side, y + t - side)
            stop = (x, y + t) if t <= side else (x + t - side, y + side)
            self.line([start, stop], PADDING_LINE)

    def circle(self, cx: float, cy: float, r: float, colour: Colour, width: float = 2) -> None:
        box = [(cx - r) * SCALE, (cy - r) * SCALE, (cx + r) * SCALE, (cy + r) * SCALE]
        self.draw.ellipse(box, outline=colour, width=round(width * SCALE))

    def text(
        self, x: float, y: float, text: str, size: float = 11, colour: Colour = TEXT, anchor: str = "mm"
    ) -> None:
        """``text`` placed by ``anchor`` (Pillow's: "mm" centres it on (x, y), "lm" starts it there)."""
        mask, (left, top) = text_mask(text, size, anchor)
        self.image.paste(colour, (round(x * SCALE) + left, round(y * SCALE) + top), mask)

    def paste(self, pixels: Image.Image, x: float, y: float) -> None:
        """Paste ``pixels`` (already at device scale) with its top-left corner at (x, y)."""
        self.image.paste(pixels, (round(x * SCALE), round(y * SCALE)))

    def png(self, caption: str | None = None) -> bytes:
        """The picture as PNG bytes; ``caption`` adds a line of text under it.

        Encoding favours speed (zlib level 1): the picture is redrawn on every
        slider move, and its bytes are the same on every machine.
        """
        image = self.image
        if caption:
            image = Image.new("RGB", (self.image.width, self.image.height + 24 * SCALE), "white")
            image.paste(self.image, (0, 0))
            mask, (left, top) = text_mask(caption, 12, "lm")
            image.paste(MUTED, (8 * SCALE + left, self.image.height + 12 * SCALE + top), mask)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, read from the PNG header.

    Examples
    --------
    >>> png_size(Canvas(3, 2).png())
    (6, 4)
    """
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def cell_side(rows: int, cols: int, span: float = GRID_SPAN) -> int:
    """The side of one cell, in CSS pixels, for a grid of ``rows`` x ``cols`` cells drawn within ``span``.

    Examples
    --------
    >>> cell_side(6, 6), cell_side(28, 28), cell_side(64, 64)
    (30, 11, 10)
    """
    return int(max(MIN_CELL, min(CELL, span // max(rows, cols))))


def colour_of(value: float, lo: float, hi: float) -> tuple[Colour, Colour]:
    """(face, text colour) of a cell holding ``value`` on the scale ``lo .. hi``."""
    if np.isnan(value):
        return NAN_FACE, TEXT
    share = 0.5 if hi <= lo else min(max((value - lo) / (hi - lo), 0.0), 1.0)
    return BLUES[int(share * 255)], (255, 255, 255) if share > 0.6 else TEXT


def draw_grid(
    canvas: Canvas,
    x0: float,
    y0: float,
    values: np.ndarray,
    cell: int,
    *,
    title: str = "",
    padding: tuple[int, int, int, int] = (0, 0, 0, 0),
    value_range: tuple[float, float] | None = None,
    highlight: np.ndarray | None = None,
    second: np.ndarray | None = None,
    marks: np.ndarray | None = None,
) -> None:
    """Draw the map ``values`` with its top-left padding cell at (x0, y0 + title line).

    Parameters
    ----------
    canvas : Canvas
    x0, y0 : float
        Top-left corner of the drawing (title line, then the grid), CSS pixels.
    values : ndarray, shape (H, W)
    cell : int
        Side of a cell in CSS pixels (:func:`cell_side`).
    title : str
    padding : (top, bottom, left, right)
        Padding cells drawn hatched around the map.
    value_range : (float, float), optional
        Colour scale; :func:`finite_range` of ``values`` when None.
    highlight, second : array of (row, col) cells, optional
        Outlined by their bounding box (orange, then dashed purple and inset).
    marks : array of (row, col) cells, optional
        Ringed in red.
    """
    top, bottom, left, right = padding
    height, width = values.shape
    lo, hi = finite_range(values) if value_range is None else value_range
    canvas.text(x0 + INDEX, y0 + 8, title, size=12, anchor="lm")
    gx, gy = x0 + INDEX + left * cell, y0 + TITLE + top * cell  # where cell (0, 0) starts
    # Row and column numbers, as the readouts name cells: every one, or every 4th on a large map.
    step = 1 if cell >= 16 else 4
    for r in range(0, height, step):
        canvas.text(gx - left * cell - 3, gy + (r + 0.5) * cell, str(r), size=9, colour=MUTED, anchor="rm")
    for c in range(0, width, step):
        y = gy + (height + bottom) * cell + 8
        canvas.text(gx + (c + 0.5) * cell, y, str(c), size=9, colour=MUTED)
    for r in range(-top, height + bottom):
        for c in range(-left, width + right):
            if not (0 <= r < height and 0 <= c < width):
                canvas.rect(gx + c * cell, gy + r * cell, cell, cell, fill=PADDING_FACE)
                canvas.hatch(gx + c * cell, gy + r * cell, cell, PADDING_LINE)
    with_text = cell >= MIN_CELL_WITH_TEXT
    size = 11 if cell >= CELL else 9
    for (r, c), value in np.ndenumerate(values):
        face, ink = colour_of(float(value), lo, hi)
        x, y = gx + c * cell, gy + r * cell
        canvas.rect(x, y, cell, cell, fill=face)
        if with_text:
            canvas.text(x + cell / 2, y + cell / 2, format_value(value), size=size, colour=ink)
    # White borders between cells read better than a coloured grid.
    for r in range(height + 1):
        canvas.line([(gx, gy + r * cell), (gx + width * cell, gy + r * cell)], (255, 255, 255))
    for c in range(width + 1):
        canvas.line([(gx + c * cell, gy), (gx + c * cell, gy + height * cell)], (255, 255, 255))
    for cells, colour, inset in ((highlight, HIGHLIGHT, 0), (second, SECOND, 3)):
        if cells is not None and len(cells):
            r0, c0 = np.min(cells, axis=0)
            r1, c1 = np.max(cells, axis=0) + 1
            canvas.rect(
                gx + c0 * cell + inset,
                gy + r0 * cell + inset,
                (c1 - c0) * cell - 2 * inset,
                (r1 - r0) * cell - 2 * inset,
                outline=colour,
                width=3,
            )
    for r, c in [] if marks is None else marks:
        canvas.circle(gx + (c + 0.5) * cell, gy + (r + 0.5) * cell, 0.38 * cell, WINNER)


def grid_size(
    shape: tuple[int, int], cell: int, padding: tuple[int, int, int, int] = (0, 0, 0, 0)
) -> tuple[int, int]:
    """Width and height in CSS pixels that :func:`draw_grid` covers.

    Examples
    --------
    >>> grid_size((6, 6), 30, (0, 1, 0, 1))
    (226, 244)
    """
    top, bottom, left, right = padding
    return (shape[1] + left + right) * cell + INDEX, (shape[0] + top + bottom) * cell + TITLE + INDEX


def draw_grids(panels: Sequence[dict], gap: int = 24, margin: int = 8) -> Canvas:
    """Grids side by side: each panel holds :func:`draw_grid`'s arguments (``values``, ``cell``, ...).

    Examples
    --------
    >>> canvas = draw_grids([{"values": np.eye(2), "cell": 30}, {"values": np.ones((1, 1)), "cell": 30}])
    >>> canvas.width, canvas.height
    (162, 110)
    """
    sizes = [grid_size(p["values"].shape, p["cell"], p.get("padding", (0, 0, 0, 0))) for p in panels]
    # A title wider than its grid widens the panel, so it never runs into the next one.
    sizes = [
        (max(w, INDEX + round(font(12).getlength(p.get("title", "")) / SCALE) + 4), h)
        for p, (w, h) in zip(panels, sizes)
    ]
    width = sum(w for w, _ in sizes) + gap * (len(panels) - 1) + 2 * margin
    height = max(h for _, h in sizes) + 2 * margin
    canvas = Canvas(width, height)
    x = margin
    for panel, (w, _) in zip(panels, sizes):
        draw_grid(
            canvas,
            x,
            margin,
            **{k: v for k, v in panel.items() if k not in ("values", "cell")},
            values=panel["values"],
            cell=panel["cell"],
        )
        x += w + gap
    return canvas
