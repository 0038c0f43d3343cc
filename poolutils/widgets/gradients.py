"""Where the gradient goes: the backward pass of 2-D pooling, one output cell at a time.

Four grids side by side: the input with one window outlined, the upstream
gradient ``dy`` with that window's output cell outlined, the part of the
input gradient that this one cell sends back, and the whole input gradient
``dx``, in which every window's contribution has been added. With
overlapping windows (stride < pool size) the last grid shows cells that
collect gradient from several windows.

All numbers come from :func:`poolutils.explain.route_cell`, all geometry
from :mod:`poolutils.windows`; the grids are drawn by
:func:`poolutils.widgets._picture.draw_grids`.
"""

from __future__ import annotations

import ipywidgets
import numpy as np

from poolutils.explain import MAP_TIES, route_cell, upstream
from poolutils.plotting import finite_range
from poolutils.widgets._grid import drawn_padding, feature_map, window_controls
from poolutils.widgets._picture import Canvas, cell_side, draw_grids
from poolutils.widgets._ui import PoolWidget, build_widget, mode_toggle

# Seed of the default input: small integers, so ties in max pooling are common.
DEFAULT_SEED = 6


def default_maps() -> tuple[np.ndarray, np.ndarray]:
    """The widget's default input (6x6, integers 0 to 5) and upstream gradient (3x3, 1 to 4).

    The upstream gradient matches 2x2 windows with stride 2; other settings
    use the top-left corner of a larger seeded map (:func:`poolutils.explain.upstream`).

    Examples
    --------
    >>> x, dy = default_maps()
    >>> x.shape, dy.shape
    ((6, 6), (3, 3))
    """
    x = np.random.default_rng(DEFAULT_SEED).integers(0, 6, size=(6, 6)).astype(np.float32)
    return x, upstream((3, 3))


def render_routing(
    x2d: np.ndarray,
    dy2d: np.ndarray | None,
    pool_size: int,
    stride: int,
    padding: str,
    position: int,
    mode: str = "max",
    ties: str = "first",
) -> tuple[Canvas, dict]:
    """The widget's picture and info for one setting (arguments as in :func:`poolutils.explain.route_cell`).

    Examples
    --------
    >>> x, dy = default_maps()
    >>> canvas, info = render_routing(x, dy, 2, 2, "valid", 4)
    >>> info["position"], canvas.width > 3 * canvas.height
    ((1, 1), True)
    """
    info = route_cell(x2d, dy2d, pool_size, stride, padding, position, mode, ties)
    windows, window = info["windows"], info["window"]
    pad = drawn_padding(windows)
    top, bottom, left, right = pad
    h, w = windows.input_shape
    # Four grids share the width one grid of the stepper gets twice over.
    cell = cell_side(h + top + bottom, w + left + right, span=220)
    x = np.asarray(x2d)
    # One colour scale for both gradients, so a cell's share and the total compare at a glance.
    lo, hi = finite_range(info["grad"])
    scale = (min(0.0, lo), hi)
    return draw_grids(
        [
            {"values": x, "cell": cell, "title": "input x", "padding": pad, "highlight": window.cells},
            {
                "values": info["dy"],
                "cell": cell,
                "title": "upstream dy",
                "highlight": np.array([info["position"]]),
            },
            {
                "values": info["contribution"],
                "cell": cell,
                "title": "this cell's share of dx",
                "padding": pad,
                "value_range": scale,
                "highlight": window.cells,
            },
            {
                "values": info["grad"],
                "cell": cell,
                "title": "dx: all windows added",
                "padding": pad,
                "value_range": scale,
                "highlight": window.cells,
            },
        ]
    ), info


def gradient_router(x2d: np.ndarray | None = None, mode: str = "max") -> PoolWidget:
    """A widget that shows how pooling routes the gradient back to its input.

    Parameters
    ----------
    x2d : array_like, shape (H, W), optional
        The forward pass's input, at most 32 cells per side
        (:data:`~poolutils.widgets._grid.MAX_MAP_SIDE`); NaN and infinities
        are drawn. :func:`default_maps` when None. The upstream gradient is
        :func:`poolutils.explain.upstream` for the current output shape.
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
        options=MAP_TIES, value="first", description="ties", style={"description_width": "initial"}
    )
    controls = {"mode": mode_toggle(mode), "ties": ties, **window_controls(x2d.shape)}

    def render(
        mode: str, ties: str, pool_size: int, stride: int, padding: str, position: int
    ) -> tuple[Canvas, dict]:
        return render_routing(x2d, None, pool_size, stride, padding, position, mode, ties)

    return build_widget(render, controls, "Where does the gradient go?")
