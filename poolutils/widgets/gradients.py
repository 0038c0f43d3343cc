"""Where the gradient goes: the backward pass of 2-D pooling, one output cell at a time.

Four grids side by side: the input with one window outlined, the upstream
gradient ``dy`` with that window's output cell outlined, the part of the
input gradient that this one cell sends back, and the whole input gradient
``dx``, in which every window's contribution has been added. With
overlapping windows (stride < pool size) the last grid shows cells that
collect gradient from several windows.

All numbers come from :mod:`poolutils.gradients`, all geometry from
:mod:`poolutils.windows`, all drawing from :func:`poolutils.plotting.plot_grid`.
"""

from __future__ import annotations

import html

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from poolutils.modes import pooling
from poolutils.plotting import CELL, GAP, MARGINS, format_value, plot_grid
from poolutils.widgets._grid import feature_map, output_cell, window_controls
from poolutils.widgets._ui import PoolWidget, array_of_rank, build_widget, mode_toggle
from poolutils.windows import Window, pool_windows

# Seed of the default maps: small integers, so ties in max pooling are common.
DEFAULT_SEED = 6
# The tie rules the widget offers: 'all' only matters for 3-D pooling.
WIDGET_TIES = ("first", "split")


def default_maps() -> tuple[np.ndarray, np.ndarray]:
    """The widget's default input (6x6, integers 0 to 5) and upstream gradient (3x3, 1 to 4).

    The upstream gradient matches 2x2 windows with stride 2; other settings
    use the top-left corner of a larger seeded map (:func:`upstream`).

    Examples
    --------
    >>> x, dy = default_maps()
    >>> x.shape, dy.shape
    ((6, 6), (3, 3))
    """
    x = np.random.default_rng(DEFAULT_SEED).integers(0, 6, size=(6, 6)).astype(np.float32)
    return x, upstream((3, 3))


def upstream(shape: tuple[int, int]) -> np.ndarray:
    """A seeded upstream gradient of integers 1 to 4; shapes up to 8x8 share their cells.

    Examples
    --------
    >>> bool(np.array_equal(upstream((2, 2)), upstream((3, 3))[:2, :2]))
    True
    """
    size = (max(8, shape[0]), max(8, shape[1]))
    big = np.random.default_rng(DEFAULT_SEED + 1).integers(1, 5, size=size).astype(np.float32)
    return big[: shape[0], : shape[1]]


def route_cell(
    x2d: np.ndarray,
    dy2d: np.ndarray | None,
    pool_size: int,
    stride: int,
    padding: str,
    position: int,
    mode: str = "max",
    ties: str = "first",
) -> dict:
    """The backward pass of a 2-D pooling, and what one output cell contributes to it.

    Parameters
    ----------
    x2d : array_like, shape (H, W)
        The forward pass's input.
    dy2d : array_like or None
        Upstream gradient, shaped like the pooled output; None takes
        :func:`upstream` of that shape.
    pool_size, stride : int
    padding : {'valid', 'same'}
    position : int
        Output cell in row-major order; clamped to the last cell.
    mode : {'max', 'avg'}
    ties : {'first', 'split'}
        Max pooling's tie rule (:func:`poolutils.gradients.max_pool_backward`).

    Returns
    -------
    dict
        ``position`` (row, col); ``receivers`` (input cells that get part of
        this cell's gradient); ``contribution`` (H, W), this cell's part of
        ``dx``; ``grad``, the whole ``dx``; ``senders`` (H, W), how many
        windows send gradient to each input cell; ``readout`` (HTML); and
        the geometry used: ``dy`` (the upstream gradient), ``windows``
        (:class:`poolutils.windows.Windows`) and ``window``.

    Examples
    --------
    >>> fmap = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 6], [3, 5, 7, 2]], dtype=np.float32)
    >>> dy = np.array([[10, 20], [30, 40]], dtype=np.float32)
    >>> info = route_cell(fmap, dy, 2, 2, "valid", 1)
    >>> info["receivers"], float(info["contribution"][0, 3])
    ([(0, 3)], 20.0)
    >>> print(info["readout"].split("<br>")[0])
    dy[0, 1] = 20 goes to x[0, 3] = 9, the maximum of its window.
    """
    pool = pooling(mode)
    if ties not in WIDGET_TIES:
        raise ValueError(f"`ties` must be one of {WIDGET_TIES}. Received: ties={ties!r}.")
    x2d = feature_map(x2d).astype(np.float32)
    windows = pool_windows(x2d.shape, pool_size, stride, padding)
    out_shape = windows.output_shape
    if dy2d is None:
        dy2d = upstream(out_shape)
    dy2d = array_of_rank(dy2d, "dy2d", 2).astype(np.float32)
    if dy2d.shape != out_shape:
        raise ValueError(
            f"`dy2d` must have the pooled output's shape {out_shape}. Received: dy2d with shape {dy2d.shape}."
        )
    row, col = output_cell(position, out_shape)
    index = row * out_shape[1] + col
    layer = dict(pool_size=pool_size, strides=stride, padding=padding)

    def backward(dy: np.ndarray) -> np.ndarray:
        return pool.backward(dy[None, :, :, None], x2d[None, :, :, None], ties, **layer)[0, :, :, 0]

    grad = backward(dy2d)
    # One backward pass per output cell with a one-hot upstream gradient: tiny maps, exact routing.
    unit = np.eye(int(np.prod(out_shape)), dtype=np.float32).reshape(-1, *out_shape)
    sends = np.stack([backward(u) != 0 for u in unit])
    contribution = backward(unit[index] * dy2d[row, col])
    receivers = [tuple(int(i) for i in c) for c in np.argwhere(sends[index])]
    window = windows.window((row, col))
    info = {
        "position": (row, col),
        "receivers": receivers,
        "contribution": contribution,
        "grad": grad,
        "senders": sends.sum(axis=0),
        "dy": dy2d,
        "windows": windows,
        "window": window,
    }
    info["readout"] = _readout(info, x2d, dy2d[row, col], window, mode)
    return info


def _readout(info: dict, x2d: np.ndarray, dy: float, window: Window, mode: str) -> str:
    row, col = info["position"]
    head = f"dy[{row}, {col}] = {format_value(dy)}"
    receivers = info["receivers"]
    cells = ", ".join(f"x[{r}, {c}]" for r, c in receivers)
    if mode == "avg":
        n = len(window.real_cells)
        line = f"{head} is spread over the window's {n} real cells: {format_value(dy / n)} each."
    elif len(receivers) == 1:
        r, c = receivers[0]
        line = f"{head} goes to x[{r}, {c}] = {format_value(x2d[r, c])}, the maximum of its window."
    else:
        line = f"{head} is split between the tied maxima {cells}."
    lines = [html.escape(line)]
    if int(window.padding.sum()):
        lines.append(f"{int(window.padding.sum())} padding cells receive nothing.")
    senders = info["senders"]
    if senders.max() > 1:
        r, c = (int(i) for i in np.unravel_index(int(np.argmax(senders)), senders.shape))
        lines.append(
            f"Overlap: x[{r}, {c}] receives gradient from {int(senders[r, c])} windows; "
            f"dx[{r}, {c}] = {format_value(info['grad'][r, c])} is their sum."
        )
    return "<br>".join(lines)


def render_routing(
    x2d: np.ndarray,
    dy2d: np.ndarray | None,
    pool_size: int,
    stride: int,
    padding: str,
    position: int,
    mode: str = "max",
    ties: str = "first",
) -> tuple[Figure, dict]:
    """The widget's figure and info for one setting of its controls (arguments as in :func:`route_cell`).

    Examples
    --------
    >>> x, dy = default_maps()
    >>> fig, info = render_routing(x, dy, 2, 2, "valid", 4)
    >>> info["position"], len(fig.axes)
    ((1, 1), 4)
    >>> plt.close(fig)
    """
    info = route_cell(x2d, dy2d, pool_size, stride, padding, position, mode, ties)
    windows, window = info["windows"], info["window"]
    (top, bottom), (left, right) = (a.padding for a in windows.axes)
    pad = (top, bottom, left, right)
    h, w = windows.input_shape
    widths = (w + left + right, windows.output_shape[1], w + left + right, w + left + right)
    grids_width = CELL * sum(widths) + 3 * GAP
    fig, axes = plt.subplots(
        1,
        4,
        figsize=(
            grids_width + MARGINS["left"] + MARGINS["right"],
            CELL * (h + top + bottom) + MARGINS["bottom"] + MARGINS["top"],
        ),
        gridspec_kw={"width_ratios": widths},
    )
    # Fixed margins in inches instead of tight_layout, which costs a second full draw per update.
    width, height = fig.get_size_inches()
    fig.subplots_adjust(
        left=MARGINS["left"] / width,
        right=1 - MARGINS["right"] / width,
        bottom=MARGINS["bottom"] / height,
        top=1 - MARGINS["top"] / height,
        wspace=GAP / (CELL * sum(widths) / len(widths)),
    )
    plot_grid(axes[0], np.asarray(x2d), window, pad, "input x")
    plot_grid(axes[1], info["dy"], np.array([info["position"]]), title="upstream dy")
    # One colour scale for both gradients, so a cell's share and the total compare at a glance.
    lo, hi = min(0.0, float(info["grad"].min())), float(info["grad"].max())
    plot_grid(axes[2], info["contribution"], window, pad, "this cell's share of dx", lo, hi)
    plot_grid(axes[3], info["grad"], window, pad, "dx: all windows added", lo, hi)
    return fig, info


def gradient_router(x2d: np.ndarray | None = None, mode: str = "max") -> PoolWidget:
    """A widget that shows how pooling routes the gradient back to its input.

    Parameters
    ----------
    x2d : array_like, shape (H, W), optional
        The forward pass's input; :func:`default_maps` when None. The upstream
        gradient is :func:`upstream` for the current output shape.
    mode : {'max', 'avg'}
        Initial mode; a control switches it.

    Returns
    -------
    PoolWidget
        Controls ``mode``, ``ties``, ``pool_size``, ``stride``, ``padding``
        and ``position`` (the output cell whose routing is drawn).

    Examples
    --------
    >>> w = gradient_router()
    >>> w.controls["position"].max
    8
    >>> w.controls["stride"].value = 1
    >>> w.controls["position"].max, int(w.state["senders"].max()) > 1
    (24, True)
    """
    x2d = default_maps()[0] if x2d is None else feature_map(x2d)
    ties = ipywidgets.ToggleButtons(
        options=WIDGET_TIES, value="first", description="ties", style={"description_width": "initial"}
    )
    controls = {"mode": mode_toggle(mode), "ties": ties, **window_controls(x2d.shape)}

    def render(
        mode: str, ties: str, pool_size: int, stride: int, padding: str, position: int
    ) -> tuple[Figure, dict]:
        return render_routing(x2d, None, pool_size, stride, padding, position, mode, ties)

    return build_widget(render, controls, "Where does the gradient go?")
