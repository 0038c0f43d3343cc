"""Pictures of pooling: small grids with their values, windows and padding.

Every picture takes its geometry from :mod:`poolutils.windows`, so a drawn
window is always the window the numbers were computed with. Functions that
make a whole picture return a :class:`matplotlib.figure.Figure` and change
nothing else; end a notebook cell that draws one with ``plt.show()``.

Artists carry a ``gid`` so tests can find them: ``"value"`` (a number written
in a cell), ``"padding"`` (a padding cell), ``"highlight"`` (the window or the
output cell being explained), ``"dropped"`` (a cell no 'valid' window reads)
and ``"window"`` (one window drawn along an axis).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from poolutils._validation import pool_mode
from poolutils.pooling import avg_pool, max_pool
from poolutils.windows import Window, Windows, pool_windows

HIGHLIGHT = "tab:orange"
PADDING_FACE = "0.85"
CMAP = "Blues"

POOLS = {"max": max_pool, "avg": avg_pool}

# Figure layout in inches. Fixed margins instead of tight_layout: it costs a
# full extra draw per figure, which would make widgets lag.
CELL = 0.5
GAP = 0.5
MARGINS = {"left": 0.35, "right": 0.1, "bottom": 0.3, "top": 0.35}


def format_value(value: float) -> str:
    """A cell's value as written in the plots: at most two decimals, no trailing zeros.

    Examples
    --------
    >>> format_value(3.75), format_value(6.0), format_value(-4), format_value(14 / 3)
    ('3.75', '6', '-4', '4.67')
    """
    return np.format_float_positional(float(value), precision=2, trim="-")


def _figsize(width: float, height: float) -> tuple[float, float]:
    """Figure size for axes of ``width`` x ``height`` inches plus the fixed margins."""
    return width + MARGINS["left"] + MARGINS["right"], height + MARGINS["bottom"] + MARGINS["top"]


def _fixed_margins(fig: Figure, wspace: float = 0.0) -> None:
    width, height = fig.get_size_inches()
    fig.subplots_adjust(
        left=MARGINS["left"] / width,
        right=1 - MARGINS["right"] / width,
        bottom=MARGINS["bottom"] / height,
        top=1 - MARGINS["top"] / height,
        wspace=wspace,
    )


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
    """
    values = np.asarray(values)
    if values.ndim != 2:
        raise ValueError(f"`values` must be a 2-D array (H, W). Received shape {values.shape}.")
    if len(padding) != 4 or any(int(p) < 0 for p in padding):
        raise ValueError(
            f"`padding` must be four non-negative ints (top, bottom, left, right). Received: padding={padding!r}."
        )
    height, width = values.shape
    top, bottom, left, right = (int(p) for p in padding)
    image = ax.imshow(
        values.astype(float),
        cmap=CMAP,
        vmin=vmin,
        vmax=vmax,
        extent=(-0.5, width - 0.5, height - 0.5, -0.5),
        interpolation="nearest",
    )
    for r in range(height):
        for c in range(width):
            shade = image.norm(float(values[r, c]))
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
    if highlight is not None:
        cells = highlight.cells if isinstance(highlight, Window) else np.asarray(highlight)
        corner, w, h = _cell_box(cells[:, 0].tolist(), cells[:, 1].tolist())
        ax.add_patch(
            Rectangle(corner, w, h, fill=False, edgecolor=HIGHLIGHT, lw=3, gid="highlight", zorder=5)
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
    x2d, out2d = np.asarray(x2d), np.asarray(out2d)
    if out2d.shape != windows.output_shape or x2d.shape != windows.input_shape:
        raise ValueError(
            f"`x2d` and `out2d` must have the shapes of `windows`: {windows.input_shape} and "
            f"{windows.output_shape}. Received: x2d {x2d.shape}, out2d {out2d.shape}."
        )
    (top, bottom), (left, right) = (a.padding for a in windows.axes)
    lo, hi = float(min(x2d.min(), out2d.min())), float(max(x2d.max(), out2d.max()))
    widths = (x2d.shape[1] + left + right, out2d.shape[1])
    fig, (ax_in, ax_out) = plt.subplots(
        1,
        2,
        figsize=_figsize(CELL * sum(widths) + GAP, CELL * (x2d.shape[0] + top + bottom)),
        gridspec_kw={"width_ratios": widths},
    )
    _fixed_margins(fig, wspace=GAP / (CELL * sum(widths) / 2))
    window = None if position is None else windows.window(position)
    plot_grid(ax_in, x2d, window, (top, bottom, left, right), titles[0], lo, hi)
    cell = None if position is None else np.array([position])
    plot_grid(ax_out, out2d, cell, title=titles[1], vmin=lo, vmax=hi)
    return fig


def plot_pooling_step(
    x2d: np.ndarray,
    pool_size: int | tuple[int, int] = 2,
    stride: int | tuple[int, int] | None = None,
    padding: str = "valid",
    position: tuple[int, int] | None = None,
    mode: str = "max",
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
        The output cell to explain.
    mode : {'max', 'avg'}

    Returns
    -------
    Figure

    Examples
    --------
    >>> fmap = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 6], [3, 5, 7, 2]])
    >>> fig = plot_pooling_step(fmap, 2, position=(0, 1))
    >>> [t.get_text() for t in fig.axes[1].texts]
    ['6', '9', '5', '8']
    >>> plt.close(fig)
    """
    mode = pool_mode(mode)
    x2d = np.asarray(x2d)
    if x2d.ndim != 2:
        raise ValueError(f"`x2d` must be one 2-D map (H, W). Received shape {x2d.shape}.")
    windows = pool_windows(x2d.shape, pool_size, stride, padding)
    out = POOLS[mode](x2d[None, :, :, None], pool_size, stride, padding)[0, :, :, 0]
    return plot_window_step(x2d, out, windows, position, ("input", f"{mode} pool output"))


def plot_axis_windows(n: int, pool_size: int, stride: int | None = None, padding: str = "valid") -> Figure:
    """The windows of a pooling layer along one axis, one row per output cell.

    The top row is the input: real cells numbered from 0, padding cells
    hatched grey, and cells that no window reads (what 'valid' drops) hatched
    red. Below it, output cell ``i`` is a bar over the cells its window reads.

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
    >>> plt.close(fig)
    """
    axis = pool_windows((n,), pool_size, stride, padding).axes[0]
    before, after = axis.padding
    read = np.zeros(n, dtype=bool)
    for start, stop in zip(axis.starts, axis.stops):
        read[max(start, 0) : max(min(stop, n), 0)] = True
    fig, ax = plt.subplots(figsize=_figsize(0.45 * (n + before + after) + 0.8, 0.4 * (axis.size + 1) + 0.3))
    _fixed_margins(fig)
    for c in range(-before, n + after):
        if not 0 <= c < n:
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
    ax.set_xlim(-before - 2.2, n + after - 0.4)
    ax.set_ylim(axis.size + 0.5, -0.6)
    ax.set_axis_off()
    ax.set_title(
        f"n={n}, pool size={pool_size}, stride={axis.stride}, {padding!r}: {axis.size} outputs", fontsize=10
    )
    return fig
