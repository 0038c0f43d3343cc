"""What the widgets that walk a 2-D map one output cell at a time share.

The stepper and the gradient router both take one feature map, offer the
same four controls (pool size, stride, padding, position) and keep the
position slider within the current output. That is written here once.
"""

from __future__ import annotations

import ipywidgets
import numpy as np

from poolutils._validation import as_int
from poolutils.widgets._ui import array_of_rank, int_slider, padding_toggle
from poolutils.windows import pool_windows

# The sliders' ends: windows and strides past 4 teach nothing new on the course's small maps.
MAX_POOL_SIZE = 4
MAX_STRIDE = 4


def feature_map(x2d: object, name: str = "x2d") -> np.ndarray:
    """``x2d`` as one 2-D map of integers or floats, or a sentence naming ``name``.

    Examples
    --------
    >>> feature_map(np.zeros((1, 4, 4)))
    Traceback (most recent call last):
    ...
    ValueError: `x2d` must be a 2-D array with no empty axis. Received: x2d with shape (1, 4, 4).
    """
    return array_of_rank(x2d, name, 2)


def output_cell(position: object, output_shape: tuple[int, int]) -> tuple[int, int]:
    """(row, col) of output cell ``position`` in row-major order; past the end means the last cell.

    Examples
    --------
    >>> output_cell(4, (2, 3)), output_cell(99, (2, 3))
    ((1, 1), (1, 2))
    """
    index = as_int(position)
    if index is None or index < 0:
        raise ValueError(f"`position` must be an integer >= 0. Received: position={position!r}.")
    index = min(index, output_shape[0] * output_shape[1] - 1)
    row, col = np.unravel_index(index, output_shape)
    return int(row), int(col)


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
