"""What the widgets that walk a 2-D map one output cell at a time share.

The stepper and the gradient router both take one feature map, offer the
same four controls (pool size, stride, padding, position) and keep the
position slider within the current output. That is written here once.
"""

from __future__ import annotations

import ipywidgets
import numpy as np

from poolutils import explain
from poolutils.widgets._ui import int_slider, padding_toggle
from poolutils.windows import Windows, pool_windows

# The sliders' ends: windows and strides past 4 teach nothing new on the course's small maps.
MAX_POOL_SIZE = 4
MAX_STRIDE = 4
# The largest map side a grid widget takes: every cell is drawn, and the gradient
# router runs one backward pass per output cell; at 32 x 32 an update stays well under 1 s.
MAX_MAP_SIDE = 32


def feature_map(x2d: object, name: str = "x2d", limit: int = MAX_MAP_SIDE) -> np.ndarray:
    """``x2d`` as one 2-D map of at most ``limit`` x ``limit`` numbers, or a sentence naming ``name``.

    NaN and infinities are welcome: the pictures draw them.

    Examples
    --------
    >>> feature_map(np.full((2, 2), np.nan)).shape
    (2, 2)
    >>> feature_map(np.zeros((40, 8)))
    Traceback (most recent call last):
    ...
    ValueError: `x2d` must be a map of at most 32 x 32 cells: the widget draws every cell. Received: x2d with shape (40, 8).
    """
    arr = explain.feature_map(x2d, name)
    if max(arr.shape) > limit:
        raise ValueError(
            f"`{name}` must be a map of at most {limit} x {limit} cells: the widget draws every cell. "
            f"Received: {name} with shape {arr.shape}."
        )
    return arr


def window_controls(shape: tuple[int, int]) -> dict[str, ipywidgets.Widget]:
    """The controls ``pool_size``, ``stride``, ``padding`` and ``position`` for a map of ``shape``.

    The position slider's end follows the other three, so it always names an
    output cell; when the output shrinks, its value is clamped with it.

    Examples
    --------
    >>> controls = window_controls((6, 6))
    >>> controls["position"].max
    8
    >>> controls["stride"].value = 1
    >>> controls["position"].max
    24
    """
    biggest = min(MAX_POOL_SIZE, *shape)
    controls = {
        "pool_size": int_slider("pool size", min(2, biggest), 1, biggest),
        "stride": int_slider("stride", 2, 1, MAX_STRIDE),
        "padding": padding_toggle(),
        "position": int_slider("position", 0, 0, 0),
    }

    def fit_position(change: object = None) -> None:
        rows, cols = pool_windows(
            shape, controls["pool_size"].value, controls["stride"].value, controls["padding"].value
        ).output_shape
        controls["position"].max = rows * cols - 1  # clamps the value too

    # Observers run in registration order: these come before the widget's own, so the
    # position is already in range when the widget re-renders.
    for name in ("pool_size", "stride", "padding"):
        controls[name].observe(fit_position, "value")
    fit_position()
    return controls


def drawn_padding(windows: Windows) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) padding cells of a 2-D pooling, as the pictures draw them.

    Examples
    --------
    >>> drawn_padding(pool_windows((5, 5), 2, 2, "same"))
    (0, 1, 0, 1)
    """
    (top, bottom), (left, right) = (axis.padding for axis in windows.axes)
    return top, bottom, left, right
