"""Step through pooling one output cell at a time.

The "position" slider walks the output cells in row-major order. For each,
the window is outlined on the input, the output cell it fills is outlined on
the output, and the readout spells out the computation with the window's
values, e.g. ``output[0, 1] = max(2, 9, 1, 7) = 9``. The numbers come from
:func:`poolutils.explain.explain_cell`.
"""

from __future__ import annotations

import numpy as np

from poolutils.explain import explain_cell
from poolutils.modes import pooling
from poolutils.plotting import finite_range
from poolutils.widgets._grid import drawn_padding, feature_map, window_controls
from poolutils.widgets._picture import Canvas, cell_side, draw_grids
from poolutils.widgets._ui import PoolWidget, build_widget

# Seed of the default input: a 6x6 map whose negative values show that
# 'same' padding is not zero padding.
DEFAULT_SEED = 1


def default_map() -> np.ndarray:
    """The stepper's default input: a seeded 6x6 map of integers from -9 to 9.

    Examples
    --------
    >>> x = default_map()
    >>> x.shape, bool((x < 0).any())
    ((6, 6), True)
    """
    return np.random.default_rng(DEFAULT_SEED).integers(-9, 10, size=(6, 6))


def render_step(
    x2d: np.ndarray, pool_size: int, stride: int, padding: str, position: int, mode: str = "max"
) -> tuple[Canvas, dict]:
    """The stepper's picture and info (:func:`poolutils.explain.explain_cell`) for one setting.

    Input and output share one colour scale, over their finite values.

    Examples
    --------
    >>> canvas, info = render_step(default_map(), 2, 2, "valid", 0)
    >>> info["position"], (canvas.width, canvas.height)
    ((0, 0), (355, 230))
    """
    info = explain_cell(x2d, pool_size, stride, padding, position, mode)
    out, windows, pad = info["output"], info["windows"], drawn_padding(info["windows"])
    top, bottom, left, right = pad
    h, w = windows.input_shape
    cell = cell_side(h + top + bottom, w + left + right)
    scale = finite_range(np.asarray(x2d), out)
    return draw_grids(
        [
            {
                "values": np.asarray(x2d),
                "cell": cell,
                "title": "input",
                "padding": pad,
                "value_range": scale,
                "highlight": info["window"].cells,
            },
            {
                "values": out,
                "cell": cell,
                "title": f"{mode} pool output",
                "value_range": scale,
                "highlight": np.array([info["position"]]),
            },
        ]
    ), info


def pooling_stepper(x2d: np.ndarray | None = None, mode: str = "max") -> PoolWidget:
    """A widget that walks a 2-D pooling one window at a time.

    Parameters
    ----------
    x2d : array_like, shape (H, W), optional
        The feature map, at most :data:`~poolutils.widgets._grid.MAX_MAP_SIDE`
        (32) cells per side; NaN and infinities are drawn. :func:`default_map` when None.
    mode : {'max', 'avg'}

    Returns
    -------
    PoolWidget
        Controls ``pool_size``, ``stride``, ``padding`` and ``position``.

    Examples
    --------
    >>> w = pooling_stepper()
    >>> w.controls["position"].max
    8
    >>> w.controls["pool_size"].value = 3
    >>> w.controls["position"].max, w.state["padding_cells"]
    (3, 0)
    """
    pooling(mode)
    x2d = default_map() if x2d is None else feature_map(x2d)

    def render(pool_size: int, stride: int, padding: str, position: int) -> tuple[Canvas, dict]:
        return render_step(x2d, pool_size, stride, padding, position, mode)

    return build_widget(render, window_controls(x2d.shape), f"Step through {mode} pooling")
