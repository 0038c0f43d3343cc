"""Pictures of pooling: small grids with their values, windows and padding.

Every picture takes its geometry from :mod:`poolutils.windows`, so a drawn
window is always the window the numbers were computed with. Functions that
make a whole picture return a :class:`matplotlib.figure.Figure` and change
nothing else; end a notebook cell that draws one with ``plt.show()``.

Artists carry a ``gid`` so tests can find them: ``"value"`` (a number written
in a cell), ``"padding"`` (a padding cell), ``"highlight"`` (the window or the
output cell being explained), ``"winner"`` (the cell a max pool keeps),
``"block"`` (a boundary between blocks of cells), ``"dropped"`` (a cell no
'valid' window reads), ``"window"`` (one window drawn along an axis),
``"divisor"`` (what an average divides that window's sum by) and ``"beyond"``
(a cell a ceil-mode window reaches past the declared padding).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Patch, Rectangle

from poolutils._validation import (
    array_of_rank,
    as_int,
    entries,
    flag,
    pool_args,
    positive_int,
    real_number,
)
from poolutils.explain import format_value
from poolutils.modes import pooling
from poolutils.windows import AxisWindows, Window, Windows, pool_windows

HIGHLIGHT = "tab:orange"
# A second window drawn in the same picture, dashed so that shared edges show both.
SECOND = "tab:purple"
PADDING_FACE = "0.85"
CMAP = "Blues"
# NaN cells get their own colour ("bad"); infinities take the ends of the scale.
COLOURS = plt.get_cmap(CMAP).with_extremes(bad="mistyrose")

SECOND_STYLE = {"edgecolor": SECOND, "linestyle": "--", "gid": "highlight"}
# A cell a ceil-mode window reaches beyond the padding the layer declares.
BEYOND_STYLE = {"facecolor": "white", "edgecolor": "0.4", "hatch": "..", "linestyle": "--", "gid": "beyond"}

# A picture writes every cell it draws; beyond this many it is unreadable and slow to build.
MAX_DRAWN_CELLS = 10_000

# Figure layout in inches. Fixed margins instead of tight_layout: it costs a
# full extra draw per figure, which would make widgets lag.
CELL = 0.5
GAP = 0.5
MARGINS = {"left": 0.35, "right": 0.1, "bottom": 0.3, "top": 0.35}


def finite_range(*arrays: np.ndarray) -> tuple[float, float]:
    """The smallest and largest finite value of ``arrays``: the colour scale of maps with NaN or inf.

    NaN and infinities are drawn, never refused: they fall outside the scale
    (matplotlib shows them in its "bad" and end colours) and their cells
    say "nan", "inf" or "-inf". With no finite value the scale is (0, 1).

    Examples
    --------
    >>> finite_range(np.array([np.nan, -np.inf, 2.0]), np.array([5]))
    (2.0, 5.0)
    """
    finite = [a[np.isfinite(a)].ravel() for a in (np.asarray(a, dtype=float) for a in arrays)]
    values = np.concatenate(finite)
    return (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)


def figure_size(width: float, height: float) -> tuple[float, float]:
    """Figure size for axes of ``width`` x ``height`` inches plus the fixed margins.

    Examples
    --------
    >>> figure_size(2, 1)
    (2.45, 1.65)
    """
    width, height = (
        real_number(width, "width", 0.0, positive=True),
        real_number(height, "height", 0.0, positive=True),
    )
    return width + MARGINS["left"] + MARGINS["right"], height + MARGINS["bottom"] + MARGINS["top"]


def fixed_margins(fig: Figure, wspace: float = 0.0) -> None:
    """Set ``fig``'s margins to :data:`MARGINS` inches, whatever its size (no tight_layout)."""
    if not isinstance(fig, Figure):
        raise TypeError(f"`fig` must be a matplotlib Figure. Received: fig={fig!r}.")
    wspace = real_number(wspace, "wspace", 0.0)
    width, height = fig.get_size_inches()
    fig.subplots_adjust(
        left=MARGINS["left"] / width,
        right=1 - MARGINS["right"] / width,
        bottom=MARGINS["bottom"] / height,
        top=1 - MARGINS["top"] / height,
        wspace=wspace,
    )


def _drawn(cells: int, names: str, received: str) -> None:
    """Refuse a picture of more than MAX_DRAWN_CELLS cells, naming the arguments that make it."""
    if cells > MAX_DRAWN_CELLS:
        raise ValueError(
            f"{names} must draw at most MAX_DRAWN_CELLS = {MAX_DRAWN_CELLS:,} cells, padding included; "
            f"these draw {cells:,}. Received: {received}."
        )


def _cells(value: object, name: str) -> np.ndarray | None:
    """A Window's cells or an array of (row, col) pairs, as an int array of shape (k, 2); None stays None."""
    if value is None or isinstance(value, Window):
        return None if value is None else value.cells
    arr = array_of_rank(value, name, (2,), "(k, 2): k cells as (row, col) pairs, or a Window")
    if arr.shape[1] != 2 or arr.dtype.kind not in "iu":
        raise ValueError(
            f"`{name}` must be a Window or an int array of shape (k, 2): k cells as (row, col) pairs. "
            f"Received: {name} with shape {arr.shape} and dtype {arr.dtype}."
        )
    return arr


def _position(windows: Windows, position: object, name: str) -> tuple[int, ...] | None:
    """``position`` checked as an output cell of ``windows``, named as the caller passed it."""
    if position is None:
        return None
    allowed = f"a tuple of {len(windows.axes)} ints indexing the output of shape {windows.output_shape}"
    cell = tuple(as_int(p) for p in entries(position, name, allowed))
    if len(cell) != len(windows.axes) or not all(
        p is not None and 0 <= p < a.size for p, a in zip(cell, windows.axes)
    ):
        raise ValueError(f"`{name}` must be {allowed}. Received: {name}={position!r}.")
    return cell


def _cell_box(rows: Sequence[int], cols: Sequence[int]) -> tuple[tuple[float, float], int, int]:
    # Cell (r, c) is centred on (c, r): a block of cells spans half a cell beyond its ends.
    r0, c0 = min(rows), min(cols)
    return (c0 - 0.5, r0 - 0.5), max(cols) - c0 + 1, max(rows) - r0 + 1


def plot_grid(
    ax: Axes,
    values: np.ndarray,
    highlight: Window | np.ndarray | None = None,
    padding: tuple[int, int, int, int] = (0, 0, 0, 0),
    title: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    second: Window | np.ndarray | None = None,
    marks: np.ndarray | None = None,
    blocks: tuple[int, int] | None = None,
) -> Axes:
    """Draw a 2-D array as a heatmap with its values written in the cells.

    Parameters
    ----------
    ax : matplotlib Axes
    values : array_like, shape (H, W)
    highlight : Window or array of shape (k, 2), optional
        Cells to outline, e.g. ``pool_windows(...).window(position)``; they may
        lie in the padding. The outline is their bounding box (windows are
        rectangles).
    padding : (top, bottom, left, right)
        Padding cells to draw around the grid, hatched grey and empty: padding
        holds no value (it is never a maximum and never counted in an average).
    title : str, optional
    vmin, vmax : float, optional
        Colour scale; share it between grids that should be compared.
    second : Window or array of shape (k, 2), optional
        A second window, outlined dashed in another colour and slightly inset,
        so that an edge it shares with ``highlight`` shows both outlines.
    marks : array of shape (k, 2), optional
        Cells to ring, e.g. the cell a max pool keeps.
    blocks : (int, int), optional
        Draw thick lines between blocks of this many rows and columns, e.g.
        ``(2, 2)`` for the windows of a 2x2 pool with stride 2.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from poolutils.windows import pool_windows
    >>> fig, ax = plt.subplots()
    >>> window = pool_windows((3, 3), 2, 2, "same").window((1, 1))
    >>> _ = plot_grid(ax, np.arange(9).reshape(3, 3), highlight=window, padding=(0, 1, 0, 1))
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "value"][:4]
    ['0', '1', '2', '3']
    >>> sum(p.get_gid() == "padding" for p in ax.patches)
    7
    >>> plt.close(fig)

    Two 2x2 blocks of a 2x4 map, with the largest cell of each ringed:

    >>> fig, ax = plt.subplots()
    >>> _ = plot_grid(ax, np.array([[1, 3, 2, 9], [5, 6, 1, 7]]), marks=np.array([[1, 1], [0, 3]]), blocks=(2, 2))
    >>> sum(p.get_gid() == "winner" for p in ax.patches), len([c for c in ax.collections if c.get_gid() == "block"])
    (2, 2)
    >>> plt.close(fig)
    """
    if not isinstance(ax, Axes):
        raise TypeError(f"`ax` must be a matplotlib Axes, e.g. from plt.subplots(). Received: ax={ax!r}.")
    values = array_of_rank(values, "values", (2,), "(H, W)")
    allowed = "four non-negative ints (top, bottom, left, right)"
    pads = [as_int(p) for p in entries(padding, "padding", allowed)]
    if len(pads) != 4 or any(p is None or p < 0 for p in pads):
        raise ValueError(f"`padding` must be {allowed}. Received: padding={padding!r}.")
    height, width = values.shape
    top, bottom, left, right = pads
    _drawn(
        (height + top + bottom) * (width + left + right),
        "`values` and `padding`",
        f"values with shape {values.shape}, padding={padding!r}",
    )
    if title is not None and not isinstance(title, str):
        raise TypeError(f"`title` must be a string or None. Received: title={title!r}.")
    vmin, vmax = (None if v is None else real_number(v, name) for v, name in ((vmin, "vmin"), (vmax, "vmax")))
    highlight, second = _cells(highlight, "highlight"), _cells(second, "second")
    marks = np.empty((0, 2), dtype=int) if marks is None else _cells(marks, "marks")
    if blocks is not None:
        allowed = "two positive ints (rows, columns) or None"
        sides = [as_int(b) for b in entries(blocks, "blocks", allowed)]
        if len(sides) != 2 or any(b is None or b <= 0 for b in sides):
            raise ValueError(f"`blocks` must be {allowed}. Received: blocks={blocks!r}.")
        blocks = tuple(sides)
    # Infinities take the colour of the scale's ends; NaN keeps the colour map's "bad" colour.
    lo, hi = finite_range(values)
    shown = values.astype(float)
    shown[np.isposinf(shown)] = hi if vmax is None else vmax
    shown[np.isneginf(shown)] = lo if vmin is None else vmin
    image = ax.imshow(
        shown,
        cmap=COLOURS,
        vmin=vmin,
        vmax=vmax,
        extent=(-0.5, width - 0.5, height - 0.5, -0.5),
        interpolation="nearest",
    )
    for r in range(height):
        for c in range(width):
            shade = image.norm(shown[r, c])
            colour = "white" if np.ma.getdata(shade) > 0.6 else "black"
            ax.text(c, r, format_value(values[r, c]), ha="center", va="center", color=colour, gid="value")
    for r in range(-top, height + bottom):
        for c in range(-left, width + right):
            if not (0 <= r < height and 0 <= c < width):
                ax.add_patch(
                    Rectangle(
                        (c - 0.5, r - 0.5),
                        1,
                        1,
                        facecolor=PADDING_FACE,
                        edgecolor="0.6",
                        hatch="//",
                        gid="padding",
                    )
                )
    # Cell borders: white lines between cells read better than a coloured grid.
    ax.hlines(np.arange(height + 1) - 0.5, -0.5, width - 0.5, color="white", lw=1)
    ax.vlines(np.arange(width + 1) - 0.5, -0.5, height - 0.5, color="white", lw=1)
    if blocks is not None:
        block_h, block_w = blocks
        rows = np.arange(block_h, height, block_h) - 0.5
        cols = np.arange(block_w, width, block_w) - 0.5
        ax.hlines(rows, -0.5, width - 0.5, color="0.15", lw=2.5, gid="block", zorder=4)
        ax.vlines(cols, -0.5, height - 0.5, color="0.15", lw=2.5, gid="block", zorder=4)
    for cells, style in ((highlight, {"edgecolor": HIGHLIGHT, "gid": "highlight"}), (second, SECOND_STYLE)):
        if cells is None:
            continue
        corner, w, h = _cell_box(cells[:, 0].tolist(), cells[:, 1].tolist())
        inset = 0.1 if style is SECOND_STYLE else 0.0
        ax.add_patch(
            Rectangle(
                (corner[0] + inset, corner[1] + inset),
                w - 2 * inset,
                h - 2 * inset,
                fill=False,
                lw=3,
                zorder=5,
                **style,
            )
        )
    for r, c in marks:
        ax.add_patch(
            Circle(
                (float(c), float(r)), 0.36, fill=False, edgecolor="tab:red", lw=2.5, gid="winner", zorder=6
            )
        )
    ax.set_xlim(-left - 0.5, width + right - 0.5)
    ax.set_ylim(height + bottom - 0.5, -top - 0.5)
    ax.set_xticks(range(width))
    ax.set_yticks(range(height))
    ax.tick_params(length=0, labelsize=8)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_window_step(
    x2d: np.ndarray,
    out2d: np.ndarray,
    windows: Windows,
    position: tuple[int, int] | None = None,
    titles: tuple[str, str] = ("input", "output"),
    second_position: tuple[int, int] | None = None,
    mark_winner: bool = False,
) -> Figure:
    """Input and output side by side; one window and the output cell it fills outlined.

    Works for any geometry from :mod:`poolutils.windows` (fixed-size or
    adaptive windows).

    Parameters
    ----------
    x2d : array_like, shape (H, W)
    out2d : array_like
        The pooled map, of shape ``windows.output_shape``.
    windows : Windows
    position : (row, col), optional
        The output cell to explain; nothing is outlined when None.
    titles : (str, str)
    second_position : (row, col), optional
        A second output cell, outlined dashed with its window, e.g. to show
        two windows that share cells.
    mark_winner : bool
        Ring the largest real cell(s) of each outlined window: what max
        pooling keeps.

    Returns
    -------
    Figure

    Examples
    --------
    >>> from poolutils.windows import adaptive_windows
    >>> x = np.arange(20).reshape(4, 5)
    >>> geo = adaptive_windows(x.shape, (2, 2))
    >>> fig = plot_window_step(x, np.zeros(geo.output_shape), geo, (0, 1))
    >>> len(fig.axes)
    2
    >>> plt.close(fig)
    """
    if not isinstance(windows, Windows) or len(windows.axes) != 2:
        raise TypeError(f"`windows` must be the Windows of a 2-D pooling. Received: windows={windows!r}.")
    x2d, out2d = array_of_rank(x2d, "x2d", (2,), "(H, W)"), array_of_rank(out2d, "out2d", (2,), "(H, W)")
    if out2d.shape != windows.output_shape or x2d.shape != windows.input_shape:
        raise ValueError(
            f"`x2d` and `out2d` must have the shapes of `windows`: {windows.input_shape} and "
            f"{windows.output_shape}. Received: x2d {x2d.shape}, out2d {out2d.shape}."
        )
    (top, bottom), (left, right) = (a.padding for a in windows.axes)
    _drawn(
        (x2d.shape[0] + top + bottom) * (x2d.shape[1] + left + right),
        "`x2d` and `windows`",
        f"x2d with shape {x2d.shape}, windows with padding {(top, bottom, left, right)}",
    )
    position, second_position = (
        _position(windows, position, "position"),
        _position(windows, second_position, "second_position"),
    )
    if not all(isinstance(t, str) for t in entries(titles, "titles", "two strings")) or len(titles) != 2:
        raise ValueError(f"`titles` must be two strings (input, output). Received: titles={titles!r}.")
    mark_winner = flag(mark_winner, "mark_winner")
    lo, hi = finite_range(x2d, out2d)
    widths = (x2d.shape[1] + left + right, out2d.shape[1])
    fig, (ax_in, ax_out) = plt.subplots(
        1,
        2,
        figsize=figure_size(CELL * sum(widths) + GAP, CELL * (x2d.shape[0] + top + bottom)),
        gridspec_kw={"width_ratios": widths},
    )
    fixed_margins(fig, wspace=GAP / (CELL * sum(widths) / 2))
    outlined = [windows.window(p) if p is not None else None for p in (position, second_position)]
    winners = [_largest_cells(x2d, w) for w in outlined if w is not None] if mark_winner else []
    marks = np.concatenate(winners) if winners else None
    marks = marks if marks is not None and len(marks) else None
    plot_grid(ax_in, x2d, outlined[0], (top, bottom, left, right), titles[0], lo, hi, outlined[1], marks)
    cells = [None if p is None else np.array([p]) for p in (position, second_position)]
    plot_grid(ax_out, out2d, cells[0], title=titles[1], vmin=lo, vmax=hi, second=cells[1])
    return fig


def _largest_cells(x2d: np.ndarray, window: Window) -> np.ndarray:
    """The real cells of ``window`` holding its maximum (all of them when several tie).

    The maximum ignores NaN, as max pooling does; a window of only NaN has no winner.
    """
    real = window.real_cells
    values = x2d[real[:, 0], real[:, 1]].astype(float)
    if np.isnan(values).all():
        return real[:0]
    return real[values == np.nanmax(values)]


def plot_pooling_step(
    x2d: np.ndarray,
    pool_size: int | tuple[int, int] = 2,
    stride: int | tuple[int, int] | None = None,
    padding: str = "valid",
    position: tuple[int, int] | None = None,
    mode: str = "max",
    second_position: tuple[int, int] | None = None,
) -> Figure:
    """Pool a 2-D map and draw input -> output, with one window outlined.

    Parameters
    ----------
    x2d : array_like, shape (H, W)
    pool_size, stride : int or (int, int)
        As in Keras; the stride defaults to the pool size.
    padding : {'valid', 'same'}
        'same' padding cells are drawn hatched around the input.
    position : (row, col), optional
        The output cell to explain. For max pooling, the cell that wins its
        window is ringed in red.
    mode : {'max', 'avg'}
    second_position : (row, col), optional
        A second output cell whose window is outlined dashed.

    Returns
    -------
    Figure

    Examples
    --------
    >>> fmap = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 6], [3, 5, 7, 2]])
    >>> fig = plot_pooling_step(fmap, 2, position=(0, 1))
    >>> [t.get_text() for t in fig.axes[1].texts]
    ['6', '9', '5', '8']
    >>> [p.center for p in fig.axes[0].patches if p.get_gid() == "winner"]  # the 9: row 0, column 3
    [(3.0, 0.0)]
    >>> plt.close(fig)
    """
    pool = pooling(mode).pool  # the modes the widgets know, from one map
    x2d = array_of_rank(x2d, "x2d", (2,), "one map (H, W)")
    received = f"x2d with shape {x2d.shape}"
    pools, steps, padding = pool_args(x2d.shape, pool_size, stride, padding, received, stride_name="stride")
    windows = pool_windows(x2d.shape, pools, steps, padding)
    padded = [a.n + sum(a.padding) for a in windows.axes]
    _drawn(padded[0] * padded[1], "`x2d` and `pool_size`", f"{received}, pool_size={pool_size!r}")
    out = pool(x2d[None, :, :, None], pools, steps, padding)[0, :, :, 0]
    titles = ("input", f"{mode} pool output")
    return plot_window_step(x2d, out, windows, position, titles, second_position, mark_winner=mode == "max")


def plot_axis_windows(n: int, pool_size: int, stride: int | None = None, padding: str = "valid") -> Figure:
    """The windows of a pooling layer along one axis, one row per output cell.

    The top row is the input: real cells numbered from 0, padding cells
    hatched grey, and cells that no window reads (what 'valid' drops, or
    what a stride larger than the window skips) hatched red; a legend names
    both. Below it, output cell ``i`` is a bar over the cells its window reads.

    Parameters
    ----------
    n : int
        Input length.
    pool_size : int
    stride : int, optional
        Defaults to the pool size.
    padding : {'valid', 'same'}

    Returns
    -------
    Figure

    Examples
    --------
    Seven cells, window 2, stride 2: three windows, and 'valid' drops the last cell.

    >>> fig = plot_axis_windows(7, 2, 2)
    >>> ax = fig.axes[0]
    >>> [p.get_gid() for p in ax.patches].count("window"), [p.get_gid() for p in ax.patches].count("dropped")
    (3, 1)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['never read']
    >>> plt.close(fig)
    """
    n = positive_int(n, "n", MAX_DRAWN_CELLS)
    pools, steps, padding_name = pool_args((n,), pool_size, stride, padding, f"n={n}", stride_name="stride")
    axis = pool_windows((n,), pools, steps, padding_name).axes[0]
    before, after = axis.padding
    _drawn((n + before + after) * (axis.size + 1), "`n` and `pool_size`", f"n={n}, pool_size={pool_size!r}")
    fig, ax = plt.subplots(
        figsize=figure_size(0.45 * (n + before + after) + 0.8, 0.4 * (axis.size + 1) + 0.3)
    )
    fixed_margins(fig)
    _draw_axis(ax, axis, (-before, n + after))
    ax.set_title(
        f"n={n}, pool size={pool_size}, stride={axis.stride}, {padding!r}: {axis.size} outputs", fontsize=10
    )
    _legend(ax, fig)
    return fig


def plot_axis_conventions(
    rows: Sequence[tuple[str, AxisWindows]],
    divisors: Sequence[Sequence[int] | None] | None = None,
    padding: Sequence[tuple[int, int] | None] | None = None,
) -> Figure:
    """Several conventions' windows over the same axis, one panel each, cells aligned.

    Used to compare frameworks: e.g. Keras' 'same' windows against
    PyTorch's ``padding=1`` windows (:func:`poolutils.porting.torch_windows`).

    Parameters
    ----------
    rows : sequence of (title, AxisWindows)
        The windows to draw; all over the same input length.
    divisors : sequence of (sequence of int or None), optional
        Per panel, what each window's sum is divided by, written on its bar
        as "/ d" (for average pooling).
    padding : sequence of ((int, int) or None), optional
        Per panel, the padding the layer declares (before, after), e.g.
        PyTorch's ``(p, p)``. Cells a window reaches beyond it (what
        ``ceil_mode`` adds) are drawn dotted, "past the padding". None: every
        cell outside the input is padding, as for Keras' 'same'.

    Returns
    -------
    Figure

    Examples
    --------
    >>> from poolutils.windows import axis_windows
    >>> fig = plot_axis_conventions([("'same'", axis_windows(4, 3, 2, "same"))], divisors=[[3, 2]])
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "divisor"]
    ['/ 3', '/ 2']
    >>> plt.close(fig)

    PyTorch's ceil mode without padding: the cell after the input is past the padding.

    >>> fig = plot_axis_conventions([("ceil", axis_windows(4, 3, 2, "same"))], padding=[(0, 0)])
    >>> [p.get_gid() for p in fig.axes[0].patches].count("beyond")
    1
    >>> plt.close(fig)
    """
    allowed = "a non-empty list of (title, AxisWindows) over one input length"
    received, rows = rows, entries(rows, "rows", allowed)
    if not rows or not all(
        len(r) == 2 and isinstance(r[0], str) and isinstance(r[1], AxisWindows)
        for r in rows
        if isinstance(r, (tuple, list))
    ):
        raise ValueError(f"`rows` must be {allowed}. Received: rows={received!r}.")
    if not all(isinstance(r, (tuple, list)) for r in rows) or len({axis.n for _, axis in rows}) != 1:
        raise ValueError(
            f"`rows` must be {allowed}; these have lengths {[getattr(r[-1], 'n', None) for r in rows]}. "
            f"Received: rows={received!r}."
        )
    for name, per_row, length in (("divisors", divisors, None), ("padding", padding, 2)):
        if per_row is None:
            continue
        values = entries(per_row, name, f"one entry per row, {len(rows)} in all")
        lengths = [axis.size for _, axis in rows] if length is None else [length] * len(rows)
        if len(values) != len(rows) or any(
            v is not None
            and (len(entries(v, name, "a sequence of ints")) != k or any(as_int(d) is None for d in v))
            for v, k in zip(values, lengths)
        ):
            raise ValueError(
                f"`{name}` must have one entry per row (None or {'one int per window' if length is None else 'two ints'}). "
                f"Received: {name}={per_row!r}."
            )
    n = rows[0][1].n
    lo = min(-axis.padding[0] for _, axis in rows)
    hi = max(n + axis.padding[1] for _, axis in rows)
    _drawn(
        (hi - lo) * sum(axis.size + 1 for _, axis in rows),
        "`rows`",
        f"rows of lengths {[axis.n for _, axis in rows]}",
    )
    heights = [axis.size + 1.4 for _, axis in rows]
    fig, axes = plt.subplots(
        len(rows),
        1,
        figsize=figure_size(0.45 * (hi - lo) + 0.8, 0.4 * sum(heights) + 0.2 * len(rows)),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    fixed_margins(fig)
    fig.subplots_adjust(hspace=0.45)
    for i, (ax, (title, axis)) in enumerate(zip(axes[:, 0], rows)):
        _draw_axis(
            ax,
            axis,
            (lo, hi),
            None if divisors is None else divisors[i],
            None if padding is None else padding[i],
        )
        ax.set_title(title, fontsize=10)
    _legend(axes[-1, 0], fig)
    return fig


def _draw_axis(
    ax: Axes,
    axis: AxisWindows,
    span: tuple[int, int],
    divisors: Sequence[int] | None = None,
    declared: tuple[int, int] | None = None,
) -> None:
    """Input cells ``span[0] .. span[1] - 1`` on top, one bar per window below."""
    n = axis.n
    before, after = axis.padding
    read = np.zeros(n, dtype=bool)
    for start, stop in zip(axis.starts, axis.stops):
        read[max(start, 0) : max(min(stop, n), 0)] = True
    for c in range(-before, n + after):
        if declared is not None and not -declared[0] <= c < n + declared[1]:
            style = BEYOND_STYLE
        elif not 0 <= c < n:
            style = {"facecolor": PADDING_FACE, "hatch": "//", "gid": "padding"}
        elif not read[c]:
            style = {"facecolor": "mistyrose", "hatch": "xx", "edgecolor": "tab:red", "gid": "dropped"}
        else:
            style = {"facecolor": "white", "gid": "cell"}
        ax.add_patch(Rectangle((c - 0.5, -0.5), 1, 1, **{"edgecolor": "0.4", **style}))
        if 0 <= c < n:
            ax.text(c, 0, str(c), ha="center", va="center", fontsize=8)
    for i, (start, stop) in enumerate(zip(axis.starts, axis.stops)):
        ax.add_patch(
            Rectangle(
                (start - 0.45, i + 0.65),
                stop - start - 0.1,
                0.7,
                facecolor=HIGHLIGHT,
                alpha=0.8,
                gid="window",
            )
        )
        ax.text(start - 0.6, i + 1, f"out[{i}]", ha="right", va="center", fontsize=8)
        if divisors is not None:
            ax.text(
                (start + stop - 1) / 2,
                i + 1,
                f"/ {divisors[i]}",
                ha="center",
                va="center",
                fontsize=8,
                gid="divisor",
            )
    ax.set_xlim(span[0] - 2.2, span[1] - 0.4)
    ax.set_ylim(axis.size + 0.5, -0.6)
    ax.set_axis_off()


def _legend(ax: Axes, fig: Figure) -> None:
    """Name the padding and never-read cells, when the figure draws any."""
    gids = {p.get_gid() for a in fig.axes for p in a.patches}
    handles = []
    if "padding" in gids:
        handles.append(Patch(facecolor=PADDING_FACE, edgecolor="0.4", hatch="//", label="padding"))
    if "dropped" in gids:
        handles.append(Patch(facecolor="mistyrose", edgecolor="tab:red", hatch="xx", label="never read"))
    if "beyond" in gids:
        handles.append(
            Patch(**{k: v for k, v in BEYOND_STYLE.items() if k != "gid"}, label="past the padding")
        )
    if handles:
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.0, 0.0),
            ncol=len(handles),
            fontsize=8,
            frameon=False,
            handlelength=1.5,
        )
