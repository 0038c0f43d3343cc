"""Shape widgets: how many outputs a pooling layer makes, and how shapes flow through a CNN.

The arithmetic is :func:`poolutils.explain.output_size_readout` and
:func:`poolutils.explain.stack_shapes`; the windows come from
:mod:`poolutils.windows`. This module only draws them.
"""

from __future__ import annotations

import numpy as np

from poolutils.explain import output_size_readout, stack_readout, stack_shapes
from poolutils.widgets._picture import BLUE, HIGHLIGHT, MUTED, PADDING_FACE, PADDING_LINE, Canvas
from poolutils.widgets._ui import PoolWidget, build_widget, int_slider, padding_toggle
from poolutils.windows import AxisWindows, pool_windows

# Cell side and window-bar height of the axis picture, CSS pixels.
AXIS_CELL = 26
BAR = 20
# Left margin for the "out[i]" labels.
LABELS = 52
DROPPED_FACE = (255, 228, 225)
DROPPED_LINE = (214, 39, 40)


def draw_axis(axis: AxisWindows, title: str) -> Canvas:
    """The windows along one axis: the input cells on top, one bar per output cell below.

    Padding cells are hatched grey, cells no window reads (what 'valid'
    drops, or what a stride larger than the window skips) hatched red.

    Examples
    --------
    >>> canvas = draw_axis(pool_windows((7,), 2, 2, "valid").axes[0], "7 cells")
    >>> canvas.width, canvas.height
    (244, 152)
    """
    n = axis.n
    before, after = axis.padding
    read = np.zeros(n, dtype=bool)
    for start, stop in zip(axis.starts, axis.stops):
        read[max(start, 0) : max(min(stop, n), 0)] = True
    x0 = LABELS + before * AXIS_CELL  # where cell 0 starts
    top = 26
    legend = {}
    # About 7 CSS pixels per character of the 12 px title.
    width = max(LABELS + (n + before + after) * AXIS_CELL + 10, 16 + 7 * len(title))
    canvas = Canvas(width, top + AXIS_CELL + BAR * axis.size + 40)
    canvas.text(8, 12, title, size=12, anchor="lm")
    for c in range(-before, n + after):
        x = x0 + c * AXIS_CELL
        if not 0 <= c < n:
            canvas.rect(x, top, AXIS_CELL, AXIS_CELL, fill=PADDING_FACE, outline=MUTED)
            canvas.hatch(x, top, AXIS_CELL, PADDING_LINE)
            legend["padding"] = (PADDING_FACE, PADDING_LINE)
            continue
        if read[c]:
            canvas.rect(x, top, AXIS_CELL, AXIS_CELL, fill=(255, 255, 255), outline=MUTED)
        else:
            canvas.rect(x, top, AXIS_CELL, AXIS_CELL, fill=DROPPED_FACE, outline=DROPPED_LINE)
            canvas.hatch(x, top, AXIS_CELL, DROPPED_LINE)
            legend["never read"] = (DROPPED_FACE, DROPPED_LINE)
        canvas.text(x + AXIS_CELL / 2, top + AXIS_CELL / 2, str(c), size=10)
    for i, (start, stop) in enumerate(zip(axis.starts, axis.stops)):
        y = top + AXIS_CELL + 4 + i * BAR
        canvas.rect(x0 + start * AXIS_CELL + 2, y, (stop - start) * AXIS_CELL - 4, BAR - 4, fill=HIGHLIGHT)
        canvas.text(x0 + start * AXIS_CELL - 4, y + BAR / 2 - 2, f"out[{i}]", size=10, anchor="rm")
    y = canvas.height - 18
    x = LABELS
    for label, (face, line) in legend.items():
        canvas.rect(x, y - 7, 14, 14, fill=face, outline=line)
        canvas.hatch(x, y - 7, 14, line)
        canvas.text(x + 20, y, label, size=10, anchor="lm")
        x += 30 + 7 * len(label)
    return canvas


def _render_output_size(n: int, pool_size: int, stride: int, padding: str) -> tuple[Canvas, dict]:
    info = output_size_readout(n, pool_size, stride, padding)
    axis = pool_windows((n,), pool_size, stride, padding).axes[0]
    title = f"n={n}, pool size={pool_size}, stride={stride}, {padding!r}: {axis.size} outputs"
    return draw_axis(axis, title), info


def output_size_calculator(
    n: int = 6, pool_size: int = 2, stride: int = 2, padding: str = "valid"
) -> PoolWidget:
    """Sliders for n, pool size and stride; the windows along the axis and the output size.

    Examples
    --------
    >>> w = output_size_calculator()
    >>> w.state["output_size"]
    3
    >>> w.controls["stride"].value = 1
    >>> w.state["output_size"]
    5
    """
    controls = {
        "n": int_slider("n", n, 1, 16),
        "pool_size": int_slider("pool size", pool_size, 1, 6),
        "stride": int_slider("stride", stride, 1, 6),
        "padding": padding_toggle(padding),
    }
    return build_widget(_render_output_size, controls, "Output size along one axis")


def _render_stack(
    input_size: int, kernel_size: int, pool_size: int, stride: int, padding: str
) -> tuple[Canvas, dict]:
    shapes = stack_shapes(input_size, kernel_size, pool_size, stride, padding)
    box = 64  # the input's side in CSS pixels; every map is drawn to the same scale
    canvas = Canvas(96 * len(shapes), box + 56)
    for i, (name, (h, w, c)) in enumerate(shapes):
        side_h, side_w = max(h * box / input_size, 1), max(w * box / input_size, 1)
        cx, cy = 48 + 96 * i, 18 + box / 2
        face = HIGHLIGHT if name.startswith("max pool") else BLUE
        canvas.rect(cx - side_w / 2, cy - side_h / 2, side_w, side_h, fill=face)
        canvas.text(cx, 9, name.split(",")[0], size=10)
        canvas.text(cx, 30 + box, f"{h}x{w}x{c}", size=11)
    info = {"shapes": [shape for _, shape in shapes], "layers": [n for n, _ in shapes]}
    return canvas, {**info, "readout": stack_readout(shapes)}


def stack_calculator(
    input_size: int = 28, kernel_size: int = 3, pool_size: int = 2, stride: int = 2, padding: str = "valid"
) -> PoolWidget:
    """Follow a square input through conv -> pool -> conv -> pool.

    Examples
    --------
    >>> w = stack_calculator()
    >>> w.state["shapes"][-1]
    (5, 5, 16)
    >>> w.controls["padding"].value = "same"
    >>> w.state["shapes"][-1]
    (7, 7, 16)
    """
    controls = {
        "input_size": int_slider("input size", input_size, 4, 64),
        "kernel_size": int_slider("conv kernel", kernel_size, 1, 7, name="kernel_size"),
        "pool_size": int_slider("pool size", pool_size, 1, 4),
        "stride": int_slider("pool stride", stride, 1, 4, name="stride"),
        "padding": padding_toggle(padding),
    }
    return build_widget(_render_stack, controls, "Shapes through conv -> pool -> conv -> pool")
