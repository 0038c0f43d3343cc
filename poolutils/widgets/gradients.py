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

from poolutils._validation import pool_mode
from poolutils.gradients import avg_pool_backward, max_pool_backward
from poolutils.plotting import format_value, plot_grid
from poolutils.widgets._ui import PoolWidget, build_widget, int_slider, mode_toggle, padding_toggle
from poolutils.windows import pool_windows

# Seed of the default maps: small integers, so ties in max pooling are common.
DEFAULT_SEED = 6


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
    dy2d: np.ndarray,
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
    dy2d : array_like
        Upstream gradient, shaped like the pooled output.
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
        windows send gradient to each input cell; ``readout`` (HTML).

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
    mode = pool_mode(mode)
    x2d = np.asarray(x2d, dtype=np.float32)
    dy2d = np.asarray(dy2d, dtype=np.float32)
    if x2d.ndim != 2:
        raise ValueError(f"`x2d` must be one 2-D map (H, W). Received shape {x2d.shape}.")
    geometry = pool_windows(x2d.shape, pool_size, stride, padding)
    out_shape = geometry.output_shape
    index = min(int(position), int(np.prod(out_shape)) - 1)
    row, col = (int(i) for i in np.unravel_index(index, out_shape))

    def backward(dy: np.ndarray) -> np.ndarray:
        kwargs = dict(pool_size=pool_size, strides=stride, padding=padding)
        if mode == "max":
            return max_pool_backward(dy[None, :, :, None], x2d[None, :, :, None], ties=ties, **kwargs)[
                0, :, :, 0
            ]
        return avg_pool_backward(dy[None, :, :, None], (1, *x2d.shape, 1), **kwargs)[0, :, :, 0]

    grad = backward(dy2d)
    # One backward pass per output cell with a one-hot upstream gradient: tiny maps, exact routing.
    unit = np.eye(int(np.prod(out_shape)), dtype=np.float32).reshape(-1, *out_shape)
    sends = np.stack([backward(u) != 0 for u in unit])
    contribution = backward(unit[index] * dy2d[row, col])
    receivers = [tuple(int(i) for i in c) for c in np.argwhere(sends[index])]
    info = {
        "position": (row, col),
        "receivers": receivers,
        "contribution": contribution,
        "grad": grad,
        "senders": sends.sum(axis=0),
    }
    info["readout"] = _readout(info, x2d, dy2d[row, col], geometry.window((row, col)), mode)
    return info


def _readout(info: dict, x2d: np.ndarray, dy: float, window, mode: str) -> str:
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
    dy2d: np.ndarray,
    pool_size: int,
    stride: int,
    padding: str,
    position: int,
    mode: str = "max",
    ties: str = "first",
) -> tuple[Figure, dict]:
    """The widget's figure and info for one setting of its controls.

    Examples
    --------
    >>> x, dy = default_maps()
    >>> fig, info = render_routing(x, dy, 2, 2, "valid", 4)
    >>> info["position"], len(fig.axes)
    ((1, 1), 4)
    >>> plt.close(fig)
    """
    info = route_cell(x2d, dy2d, pool_size, stride, padding, position, mode, ties)
    x2d = np.asarray(x2d)
    geometry = pool_windows(x2d.shape, pool_size, stride, padding)
    (top, bottom), (left, right) = (a.padding for a in geometry.axes)
    pad = (top, bottom, left, right)
    window = geometry.window(info["position"])
    h, w = x2d.shape
    widths = (w + left + right, geometry.output_shape[1], w + left + right, w + left + right)
    fig, axes = plt.subplots(
        1,
        4,
        figsize=(0.42 * sum(widths) + 2, 0.42 * (h + top + bottom) + 1.2),
        gridspec_kw={"width_ratios": widths},
    )
    plot_grid(axes[0], x2d, window, pad, "input x")
    plot_grid(axes[1], dy2d, np.array([info["position"]]), title="upstream dy")
    # One colour scale for both gradients, so a cell's share and the total compare at a glance.
    lo, hi = min(0.0, float(info["grad"].min())), float(info["grad"].max())
    plot_grid(axes[2], info["contribution"], window, pad, "this cell's share of dx", lo, hi)
    plot_grid(axes[3], info["grad"], window, pad, "dx: all windows added", lo, hi)
    fig.tight_layout()
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
    mode = pool_mode(mode)
    x2d = default_maps()[0] if x2d is None else np.asarray(x2d)
    if x2d.ndim != 2:
        raise ValueError(f"`x2d` must be one 2-D map (H, W). Received shape {x2d.shape}.")
    style = {"description_width": "initial"}
    biggest = min(4, *x2d.shape)
    controls = {
        "mode": mode_toggle(mode),
        "ties": ipywidgets.ToggleButtons(
            options=("first", "split"), value="first", description="ties", style=style
        ),
        "pool_size": int_slider("pool size", min(2, biggest), 1, biggest),
        "stride": int_slider("stride", 2, 1, 4),
        "padding": padding_toggle(),
        "position": int_slider("position", 0, 0, 0),
    }

    def output_shape() -> tuple[int, ...]:
        return pool_windows(
            x2d.shape, controls["pool_size"].value, controls["stride"].value, controls["padding"].value
        ).output_shape

    def fit_position(change: object = None) -> None:
        shape = output_shape()
        controls["position"].max = shape[0] * shape[1] - 1  # clamps the value too

    # Registered before build_widget's observers, so the slider is resized before each render.
    for name in ("pool_size", "stride", "padding"):
        controls[name].observe(fit_position, "value")
    fit_position()

    def render(
        mode: str, ties: str, pool_size: int, stride: int, padding: str, position: int
    ) -> tuple[Figure, dict]:
        dy = upstream(output_shape())
        return render_routing(x2d, dy, pool_size, stride, padding, position, mode, ties)

    return build_widget(render, controls, "Where does the gradient go?")
