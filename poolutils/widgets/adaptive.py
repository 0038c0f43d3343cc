"""Adaptive pooling explorer: which input cells each output cell reads.

Adaptive pooling fixes the output size and lets the windows follow. The
figure draws a 1-D input as bars and, under it, one window per output cell,
so the learner sees windows grow, shrink and overlap as the sizes change.
The windows come from :func:`poolutils.windows.adaptive_windows`.
"""

from __future__ import annotations

import numpy as np

from poolutils._validation import array_of_rank, as_int
from poolutils.explain import adaptive_cells, format_value
from poolutils.plotting import finite_range
from poolutils.widgets._picture import BLUE, HIGHLIGHT, MUTED, NAN_FACE, TEXT, Canvas
from poolutils.widgets._ui import PoolWidget, build_widget, int_slider, mode_toggle

MAX_SIZE = 16
# Where the input size slider starts when the caller does not say.
DEFAULT_INPUT_SIZE = 10
# The most values the explorer takes: one bar per value must stay wider than a few pixels.
MAX_VALUES = 64
# Bar column width and plot heights, CSS pixels.
COLUMN_SPAN = 520
BARS_HEIGHT = 110
ROW = 18
LEFT = 56


def default_values() -> np.ndarray:
    """The explorer's input: ``MAX_SIZE`` fixed integers from 0 to 9, as floats.

    Examples
    --------
    >>> default_values()[:5]
    array([8., 6., 5., 2., 3.], dtype=float32)
    """
    return np.random.default_rng(0).integers(0, 10, MAX_SIZE).astype(np.float32)


def explorer_values(values: object) -> np.ndarray:
    """``values`` as a 1-D array of 1 to :data:`MAX_VALUES` numbers, or a sentence naming ``values``.

    Examples
    --------
    >>> explorer_values(np.zeros(100))
    Traceback (most recent call last):
    ...
    ValueError: `values` must hold 1 to 64 numbers: the explorer draws one bar per value. Received: values with shape (100,).
    """
    arr = array_of_rank(values, "values", (1,), "(n,)")
    if len(arr) > MAX_VALUES:
        raise ValueError(
            f"`values` must hold 1 to {MAX_VALUES} numbers: the explorer draws one bar per value. "
            f"Received: values with shape {arr.shape}."
        )
    return arr


def render_adaptive(values: np.ndarray, input_size: int, output_size: int, mode: str) -> tuple[Canvas, dict]:
    """Draw the adaptive windows over ``values[:input_size]``; the numbers are
    :func:`poolutils.explain.adaptive_cells`'.

    Bars grow from zero; a NaN is marked "nan" on the axis, and an infinity
    is drawn to the edge of the plot and written out.

    Examples
    --------
    >>> canvas, info = render_adaptive(np.arange(5.0), 5, 3, "max")
    >>> info["starts"], info["stops"], info["pooled"].tolist()
    ((0, 1, 3), (2, 4, 5), [1.0, 3.0, 4.0])
    """
    info = adaptive_cells(explorer_values(values), input_size, output_size, mode)
    x = np.asarray(values[:input_size], dtype=float)
    column = max(min(40, COLUMN_SPAN // input_size), 8)
    canvas = Canvas(LEFT + column * input_size + 60, 30 + BARS_HEIGHT + 20 + ROW * output_size + 24)
    canvas.text(
        8, 12, f"adaptive {mode} pooling: {input_size} inputs -> {output_size} outputs", 12, anchor="lm"
    )
    lo, hi = finite_range(x)
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    span = (hi - lo) or 1.0
    top = 30

    def height_of(v: float) -> float:
        return top + BARS_HEIGHT * (hi - min(max(v, lo), hi)) / span

    zero = height_of(0.0)
    for i, v in enumerate(x):
        left = LEFT + i * column
        if np.isnan(v):
            canvas.rect(left + 1, zero - 3, column - 2, 6, fill=NAN_FACE)
            canvas.text(left + column / 2, zero - 10, "nan", size=9, colour=MUTED)
            continue
        y = height_of(v)
        canvas.rect(left + 1, min(y, zero), column - 2, max(abs(zero - y), 1), fill=BLUE)
        if np.isinf(v):
            canvas.text(
                left + column / 2, y + (8 if v > 0 else -8), format_value(v), size=9, colour=(255, 255, 255)
            )
    canvas.line([(LEFT, zero), (LEFT + column * input_size, zero)], MUTED)
    canvas.text(LEFT - 6, top, format_value(hi), size=9, colour=MUTED, anchor="rm")
    canvas.text(LEFT - 6, top + BARS_HEIGHT, format_value(lo), size=9, colour=MUTED, anchor="rm")
    rows = top + BARS_HEIGHT + 16
    for i, (start, stop, value) in enumerate(zip(info["starts"], info["stops"], info["pooled"])):
        y = rows + i * ROW
        canvas.rect(LEFT + start * column + 2, y, (stop - start) * column - 4, ROW - 4, fill=HIGHLIGHT)
        canvas.text(LEFT - 6, y + ROW / 2 - 2, f"out {i}", size=10, anchor="rm")
        canvas.text(
            LEFT + stop * column + 4, y + ROW / 2 - 2, format_value(value), size=10, colour=TEXT, anchor="lm"
        )
    y = rows + output_size * ROW + 10
    for i in range(0, input_size, 1 if column >= 16 else 4):
        canvas.text(LEFT + (i + 0.5) * column, y, str(i), size=9, colour=MUTED)
    return canvas, info


def adaptive_pooling_explorer(
    values: np.ndarray | None = None, input_size: int | None = None, output_size: int = 4, mode: str = "max"
) -> PoolWidget:
    """Choose an input size, an output size and a mode; see the adaptive windows.

    Parameters
    ----------
    values : ndarray, shape (n,), optional
        The input, 1 to :data:`MAX_VALUES` (64) numbers; NaN and infinities
        are drawn. Defaults to :func:`default_values`. The input size slider
        goes up to ``n``, the output size slider to :data:`MAX_SIZE`.
    input_size : int, optional
        Starting value of the input size slider, 1 to ``n``; None starts at
        :data:`DEFAULT_INPUT_SIZE` or ``n``, whichever is smaller.
    output_size : int
        Starting value of the output size slider.
    mode : {'max', 'avg'}

    Returns
    -------
    PoolWidget
        Controls ``input_size``, ``output_size`` and ``mode``.

    Examples
    --------
    >>> w = adaptive_pooling_explorer(np.arange(8.0), input_size=8, output_size=2)
    >>> w.state["starts"], w.state["stops"]
    ((0, 4), (4, 8))
    >>> w.controls["output_size"].value = 3
    >>> w.state["starts"], w.state["stops"]
    ((0, 2, 5), (3, 6, 8))
    """
    values = default_values() if values is None else explorer_values(values)
    if input_size is None:
        input_size = min(DEFAULT_INPUT_SIZE, len(values))
    # Start values are checked like the sliders' range, never clamped into it; the input
    # size's range comes from `values`, so its refusal says so.
    size = as_int(input_size)
    if size is not None and not isinstance(input_size, bool) and size > len(values):
        raise ValueError(
            f"`input_size` must be an integer from 1 to {len(values)}, the length of `values`. "
            f"Received: input_size={input_size!r}."
        )
    controls = {
        "input_size": int_slider("input size", input_size, 1, len(values), continuous_update=False),
        "output_size": int_slider("output size", output_size, 1, MAX_SIZE, continuous_update=False),
        "mode": mode_toggle(mode),
    }

    def render(input_size: int, output_size: int, mode: str) -> tuple[Canvas, dict]:
        return render_adaptive(values, input_size, output_size, mode)

    return build_widget(render, controls, title="Adaptive pooling windows")
