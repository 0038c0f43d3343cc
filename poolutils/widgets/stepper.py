"""Step through pooling one output cell at a time.

The "position" slider walks the output cells in row-major order. For each,
the window is outlined on the input, the output cell it fills is outlined on
the output, and the readout spells out the computation with the window's
values, e.g. ``output[0, 1] = max(2, 9, 1, 7) = 9``.
"""

from __future__ import annotations

import html

import numpy as np
from matplotlib.figure import Figure

from poolutils.modes import pooling
from poolutils.plotting import format_value, plot_window_step
from poolutils.widgets._grid import feature_map, output_cell, window_controls
from poolutils.widgets._ui import PoolWidget, build_widget
from poolutils.windows import pool_windows

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


def explain_cell(
    x2d: np.ndarray, pool_size: int, stride: int, padding: str, position: int, mode: str = "max"
) -> dict:
    """What one output cell of a 2-D pooling reads and computes.

    Parameters
    ----------
    x2d : array_like, shape (H, W)
    pool_size, stride : int
    padding : {'valid', 'same'}
    position : int
        Output cell in row-major order; clamped to the last cell.
    mode : {'max', 'avg'}

    Returns
    -------
    dict
        ``position`` (row, col), ``window_cells`` (real input cells read),
        ``padding_cells`` (how many window cells are padding),
        ``window_values``, ``value`` (the output cell), ``output`` (the whole
        pooled map), ``readout`` (HTML), and the geometry they came from:
        ``windows`` (:class:`poolutils.windows.Windows`) and ``window``.

    Examples
    --------
    >>> fmap = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 6], [3, 5, 7, 2]])
    >>> print(explain_cell(fmap, 2, 2, "valid", 1)["readout"])
    output[0, 1] = max(2, 9, 1, 7) = 9
    >>> print(explain_cell(fmap, 3, 2, "same", 3, "avg")["readout"])
    output[1, 1] = (8 + 6 + 7 + 2) / 4 = 5.75 <small>(5 padding cells are not counted)</small>
    """
    pool = pooling(mode)
    x2d = feature_map(x2d)
    windows = pool_windows(x2d.shape, pool_size, stride, padding)
    out = pool.pool(x2d[None, :, :, None], pool_size, stride, padding)[0, :, :, 0]
    row, col = output_cell(position, out.shape)
    window = windows.window((row, col))
    cells = window.real_cells
    window_values = x2d[cells[:, 0], cells[:, 1]]
    values = [format_value(v) for v in window_values]
    value = format_value(out[row, col])
    if mode == "max":
        expression = f"max({', '.join(values)})"
    else:
        expression = f"({' + '.join(values)}) / {len(values)}"
    readout = html.escape(f"output[{row}, {col}] = {expression} = {value}")
    skipped = int(window.padding.sum())
    if skipped:
        why = "never the maximum" if mode == "max" else "not counted"
        readout += f" <small>({skipped} padding cell{'s are' if skipped > 1 else ' is'} {why})</small>"
    return {
        "position": (row, col),
        "window_cells": [tuple(int(i) for i in c) for c in cells],
        "padding_cells": skipped,
        "window_values": window_values.tolist(),
        "value": out[row, col].item(),
        "output": out,
        "readout": readout,
        "windows": windows,
        "window": window,
    }


def render_step(
    x2d: np.ndarray, pool_size: int, stride: int, padding: str, position: int, mode: str = "max"
) -> tuple[Figure, dict]:
    """The stepper's figure and info for one setting of its controls.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, info = render_step(default_map(), 2, 2, "valid", 0)
    >>> info["position"], len(fig.axes)
    ((0, 0), 2)
    >>> plt.close(fig)
    """
    info = explain_cell(x2d, pool_size, stride, padding, position, mode)
    titles = ("input", f"{mode} pool output")
    fig = plot_window_step(x2d, info["output"], info["windows"], info["position"], titles)
    return fig, info


def pooling_stepper(x2d: np.ndarray | None = None, mode: str = "max") -> PoolWidget:
    """A widget that walks a 2-D pooling one window at a time.

    Parameters
    ----------
    x2d : array_like, shape (H, W), optional
        The feature map; :func:`default_map` when None.
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

    def render(pool_size: int, stride: int, padding: str, position: int) -> tuple[Figure, dict]:
        return render_step(x2d, pool_size, stride, padding, position, mode)

    return build_widget(render, window_controls(x2d.shape), f"Step through {mode} pooling")
