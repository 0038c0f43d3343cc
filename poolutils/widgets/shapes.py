"""Shape widgets: how many outputs a pooling layer makes, and how shapes flow through a CNN.

The arithmetic is :func:`poolutils.shapes.pool_output_size` and nothing else:
a convolution with stride 1 shrinks an axis by the same rule as a pooling
window, so the stack calculator reuses it for the conv layers too.
"""

from __future__ import annotations

import html

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from poolutils.plotting import HIGHLIGHT, plot_axis_windows
from poolutils.shapes import pool_output_size, same_padding
from poolutils.widgets._ui import PoolWidget, build_widget, int_slider, padding_toggle

# Filters of the two conv layers in the stack calculator: enough to show that
# conv layers change the channel count while pooling keeps it.
STACK_FILTERS = (8, 16)


def output_size_readout(n: int, pool_size: int, stride: int, padding: str = "valid") -> dict:
    """The output size along one axis, with the formula that gives it filled in.

    Parameters
    ----------
    n, pool_size, stride : int
    padding : {'valid', 'same'}

    Returns
    -------
    dict
        ``output_size``, ``padding`` (cells added before and after), ``formula``
        (plain text) and ``readout`` (HTML with the size in ``<b class="output-size">``).

    Examples
    --------
    >>> info = output_size_readout(6, 2, 2)
    >>> info["output_size"], info["formula"]
    (3, '⌊(n - f) / s⌋ + 1 = ⌊(6 - 2) / 2⌋ + 1 = 3')
    >>> output_size_readout(7, 3, 2, "same")["padding"]
    (1, 1)
    """
    size = pool_output_size(n, pool_size, stride, padding)
    if padding.lower() == "same":
        before, after = same_padding(n, pool_size, stride)
        formula = f"⌈n / s⌉ = ⌈{n} / {stride}⌉ = {size}"
        detail = (
            f"'same' pads {before + after} cell(s): {before} before, {after} after "
            "(TensorFlow puts an odd extra cell at the end)."
        )
    else:
        before = after = 0
        formula = f"⌊(n - f) / s⌋ + 1 = ⌊({n} - {pool_size}) / {stride}⌋ + 1 = {size}"
        ratio = (n - pool_size + 1) / stride
        detail = f"(n - f + 1) / s = {ratio:g}" + ("" if ratio == size else f", rounded up: {size}") + "."
    readout = (
        f'output size: <b class="output-size">{size}</b><br>'
        f"<code>{html.escape(formula)}</code><br>{html.escape(detail)}"
    )
    return {"output_size": size, "padding": (before, after), "formula": formula, "readout": readout}


def _render_output_size(n: int, pool_size: int, stride: int, padding: str) -> tuple[Figure, dict]:
    info = output_size_readout(n, pool_size, stride, padding)
    return plot_axis_windows(n, pool_size, stride, padding), info


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


def stack_shapes(
    input_size: int,
    kernel_size: int,
    pool_size: int,
    stride: int,
    padding: str = "valid",
    filters: tuple[int, int] = STACK_FILTERS,
) -> list[tuple[str, tuple[int, int, int]]]:
    """Shapes (H, W, C) after each layer of input -> conv -> pool -> conv -> pool.

    Conv layers have stride 1 and ``filters`` output channels; pooling layers
    keep the channels. All layers use the same ``padding``.

    Returns
    -------
    list of (layer name, shape)

    Raises
    ------
    ValueError
        If a layer's window does not fit its input with 'valid' padding; the
        message names the layer.

    Examples
    --------
    >>> for name, shape in stack_shapes(28, 3, 2, 2):
    ...     print(name, shape)
    input (28, 28, 1)
    conv 3x3, 8 filters (26, 26, 8)
    max pool 2x2, stride 2 (13, 13, 8)
    conv 3x3, 16 filters (11, 11, 16)
    max pool 2x2, stride 2 (5, 5, 16)
    """
    size, channels = input_size, 1
    shapes = [("input", (size, size, channels))]
    layers = []
    for f in filters:
        layers.append((f"conv {kernel_size}x{kernel_size}, {f} filters", kernel_size, 1, f))
        layers.append((f"max pool {pool_size}x{pool_size}, stride {stride}", pool_size, stride, None))
    for name, window, step, out_channels in layers:
        try:
            size = pool_output_size(size, window, step, padding)
        except ValueError as err:
            raise ValueError(
                f"This stack does not fit: the layer '{name}' receives {size} cells per axis. {err}"
            ) from None
        channels = out_channels or channels
        shapes.append((name, (size, size, channels)))
    return shapes


def _render_stack(
    input_size: int, kernel_size: int, pool_size: int, stride: int, padding: str
) -> tuple[Figure, dict]:
    shapes = stack_shapes(input_size, kernel_size, pool_size, stride, padding)
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td><code>{shape}</code></td></tr>" for name, shape in shapes
    )
    readout = f'<table class="stack-shapes"><tr><th>layer</th><th>output (H, W, C)</th></tr>{rows}</table>'
    fig, ax = plt.subplots(figsize=(1.6 * len(shapes), 2.4))
    scale = 1.6 / input_size
    for i, (name, (h, w, c)) in enumerate(shapes):
        face = HIGHLIGHT if name.startswith("max pool") else "tab:blue"
        ax.add_patch(Rectangle((2 * i - w * scale / 2, -h * scale / 2), w * scale, h * scale, facecolor=face))
        ax.text(2 * i, -1.0, f"{h}x{w}x{c}", ha="center", va="top", fontsize=9)
        ax.text(2 * i, 1.0, name.split(",")[0], ha="center", va="bottom", fontsize=8)
    ax.set_xlim(-1, 2 * len(shapes) - 1)
    ax.set_ylim(-1.4, 1.4)
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.subplots_adjust(left=0, right=1, bottom=0, top=1)  # tight_layout would cost an extra draw
    return fig, {
        "shapes": [shape for _, shape in shapes],
        "layers": [n for n, _ in shapes],
        "readout": readout,
    }


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
