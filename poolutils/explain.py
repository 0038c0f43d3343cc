"""What the widgets say, computed without drawing: one output cell, one gradient route, one shape.

Each function here takes the numbers a learner would pass to a pooling
layer and returns plain values plus the sentence (HTML) that a widget shows
as its readout. The widgets in :mod:`poolutils.widgets` only draw these
results; notebooks and checkers call the functions directly. Nothing here
imports matplotlib or ipywidgets.

- :func:`explain_cell`: what one output cell of a 2-D pooling reads and computes.
- :func:`route_cell`: where the gradient of one output cell goes.
- :func:`output_size_readout`: the output size along one axis, with its formula.
- :func:`stack_shapes`: shapes through conv -> pool -> conv -> pool.
- :func:`adaptive_cells`: the windows and values of a 1-D adaptive pooling.
- :func:`image_pooling`: a pooled image and how much it shrank.
"""

from __future__ import annotations

import html

import numpy as np

from poolutils._validation import array_of_rank, as_int, padding_mode, positive_int
from poolutils.images import pool_image
from poolutils.modes import pooling
from poolutils.shapes import pool_output_size, same_padding
from poolutils.windows import Window, adaptive_windows, pool_windows

# Filters of the two conv layers in :func:`stack_shapes`: enough to show that
# conv layers change the channel count while pooling keeps it.
STACK_FILTERS = (8, 16)
# Seed of :func:`upstream`: small integers, so a gradient's routes read at a glance.
UPSTREAM_SEED = 7
# Max pooling's tie rules for one 2-D map: 'all' only differs from them in 3-D pooling.
MAP_TIES = ("first", "split")


def format_value(value: float) -> str:
    """A cell's value as written in readouts and plots: at most two decimals, no trailing zeros.

    NaN and the infinities are written as NumPy writes them.

    Examples
    --------
    >>> format_value(3.75), format_value(6.0), format_value(-4), format_value(14 / 3)
    ('3.75', '6', '-4', '4.67')
    >>> format_value(float("nan")), format_value(-np.inf)
    ('nan', '-inf')
    """
    is_number = isinstance(value, (int, float, np.integer, np.floating)) or (
        isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf"
    )
    if not is_number or isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"`value` must be a real number. Received: value={value!r} of type {type(value).__name__}."
        )
    return np.format_float_positional(float(value), precision=2, trim="-")


def feature_map(x2d: object, name: str = "x2d") -> np.ndarray:
    """``x2d`` as one non-empty 2-D map of integers or floats, or a sentence naming ``name``.

    Examples
    --------
    >>> feature_map(np.zeros((1, 4, 4)))
    Traceback (most recent call last):
    ...
    ValueError: `x2d` must be a non-empty array of rank 2, one map (H, W). Received: x2d with shape (1, 4, 4).
    """
    return array_of_rank(x2d, name, (2,), "one map (H, W)")


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


def explain_cell(
    x2d: np.ndarray, pool_size: int, stride: int, padding: str, position: int, mode: str = "max"
) -> dict:
    """What one output cell of a 2-D pooling reads and computes.

    Parameters
    ----------
    x2d : array_like, shape (H, W)
        NaN and infinities are allowed: the max ignores NaN, as TensorFlow's does.
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


def upstream(shape: tuple[int, int]) -> np.ndarray:
    """A seeded upstream gradient of integers 1 to 4; shapes up to 8x8 share their cells.

    Examples
    --------
    >>> bool(np.array_equal(upstream((2, 2)), upstream((3, 3))[:2, :2]))
    True
    """
    size = (max(8, shape[0]), max(8, shape[1]))
    big = np.random.default_rng(UPSTREAM_SEED).integers(1, 5, size=size).astype(np.float32)
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
    if not isinstance(ties, str) or ties not in MAP_TIES:
        raise ValueError(f"`ties` must be one of {MAP_TIES}. Received: ties={ties!r}.")
    x2d = feature_map(x2d).astype(np.float32)
    windows = pool_windows(x2d.shape, pool_size, stride, padding)
    out_shape = windows.output_shape
    if dy2d is None:
        dy2d = upstream(out_shape)
    dy2d = array_of_rank(dy2d, "dy2d", (2,), "shaped like the pooled output").astype(np.float32)
    if dy2d.shape != out_shape:
        raise ValueError(
            f"`dy2d` must have the pooled output's shape {out_shape}. Received: dy2d with shape {dy2d.shape}."
        )
    row, col = output_cell(position, out_shape)
    index = row * out_shape[1] + col
    layer = dict(pool_size=pool_size, strides=stride, padding=padding)
    grad = pool.backward(dy2d[None, :, :, None], x2d[None, :, :, None], ties, **layer)[0, :, :, 0]
    # Where each output cell sends its gradient: one backward pass whose batch holds every
    # one-hot upstream gradient, so the routing is the library's own, in a single call.
    cells = int(np.prod(out_shape))
    unit = np.eye(cells, dtype=np.float32).reshape(cells, *out_shape, 1)
    batch = np.broadcast_to(x2d[None, :, :, None], (cells, *x2d.shape, 1))
    routes = pool.backward(unit, batch, ties, **layer)[..., 0]
    contribution = routes[index] * dy2d[row, col]
    receivers = [tuple(int(i) for i in c) for c in np.argwhere(routes[index] != 0)]
    window = windows.window((row, col))
    info = {
        "position": (row, col),
        "receivers": receivers,
        "contribution": contribution,
        "grad": grad,
        "senders": (routes != 0).sum(axis=0),
        "dy": dy2d,
        "windows": windows,
        "window": window,
    }
    info["readout"] = _route_readout(info, x2d, dy2d[row, col], window, mode)
    return info


def _route_readout(info: dict, x2d: np.ndarray, dy: float, window: Window, mode: str) -> str:
    row, col = info["position"]
    head = f"dy[{row}, {col}] = {format_value(dy)}"
    receivers = info["receivers"]
    cells = ", ".join(f"x[{r}, {c}]" for r, c in receivers)
    if mode == "avg":
        n = len(window.real_cells)
        line = f"{head} is spread over the window's {n} real cells: {format_value(dy / n)} each."
    elif not receivers:
        line = f"{head} reaches no input cell: its window holds no maximum (only NaN)."
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
    if padding_mode(padding) == "same":
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
    keep the channels. All layers use the same ``padding``. A convolution
    with stride 1 shrinks an axis by the same rule as a pooling window, so
    :func:`poolutils.shapes.pool_output_size` gives every size.

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


def stack_readout(shapes: list[tuple[str, tuple[int, int, int]]]) -> str:
    """The shapes of :func:`stack_shapes` as an HTML table (class ``stack-shapes``).

    Examples
    --------
    >>> stack_readout([("input", (4, 4, 1))]).count("<tr>")
    2
    """
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td><code>{shape}</code></td></tr>" for name, shape in shapes
    )
    return f'<table class="stack-shapes"><tr><th>layer</th><th>output (H, W, C)</th></tr>{rows}</table>'


def adaptive_cells(values: np.ndarray, input_size: int, output_size: int, mode: str = "max") -> dict:
    """Adaptive pooling of ``values[:input_size]`` to ``output_size`` cells: windows, values, readout.

    Parameters
    ----------
    values : array_like, shape (n,)
        The 1-D input; its first ``input_size`` values are pooled. NaN and
        infinities are allowed.
    input_size, output_size : int
        ``input_size`` from 1 to ``n``.
    mode : {'max', 'avg'}

    Returns
    -------
    dict
        ``starts`` and ``stops`` (output cell ``i`` reads ``starts[i] ..
        stops[i] - 1``), ``pooled`` (the output) and ``readout`` (HTML table).

    Examples
    --------
    >>> info = adaptive_cells(np.arange(5.0), 5, 3)
    >>> info["starts"], info["stops"], info["pooled"].tolist()
    ((0, 1, 3), (2, 4, 5), [1.0, 3.0, 4.0])
    >>> adaptive_cells(np.arange(5.0), 6, 3)
    Traceback (most recent call last):
    ...
    ValueError: `input_size` must be from 1 to 5, the length of `values`. Received: input_size=6.
    """
    pool = pooling(mode)
    values = array_of_rank(values, "values", (1,), "(n,)")
    input_size = positive_int(input_size, "input_size")
    output_size = positive_int(output_size, "output_size")
    if input_size > len(values):
        raise ValueError(
            f"`input_size` must be from 1 to {len(values)}, the length of `values`. "
            f"Received: input_size={input_size!r}."
        )
    axis = adaptive_windows((input_size,), output_size).axes[0]
    pooled = pool.adaptive(values[None, :input_size, None], output_size)[0, :, 0]
    rows = "".join(
        f"<tr><td>out {i}</td><td>{start} .. {stop - 1}</td><td>{stop - start}</td>"
        f"<td>{format_value(value)}</td></tr>"
        for i, (start, stop, value) in enumerate(zip(axis.starts, axis.stops, pooled))
    )
    readout = (
        f"cell <i>i</i> reads inputs floor(<i>i</i>&middot;{input_size}/{output_size}) .. "
        f"ceil((<i>i</i>+1)&middot;{input_size}/{output_size}) &minus; 1"
        f"<table><tr><th>output</th><th>input cells</th><th>count</th><th>{mode}</th></tr>{rows}</table>"
    )
    return {"readout": readout, "starts": axis.starts, "stops": axis.stops, "pooled": pooled}


def image_pooling(image: np.ndarray, mode: str, pool_size: int, stride: int) -> dict:
    """Pool a grey image with square windows ('valid' padding); say how much it shrank.

    Returns
    -------
    dict
        ``pooled``, ``input_shape``, ``output_shape``, ``reduction`` (input
        values per output value) and ``readout`` (HTML).

    Examples
    --------
    >>> info = image_pooling(np.eye(6), "max", 2, 2)
    >>> info["output_shape"], info["pooled"].tolist()[0], info["reduction"]
    ((3, 3), [1.0, 0.0, 0.0], 4.0)
    """
    name = pooling(mode).name
    image = array_of_rank(image, "image", (2,), "(H, W)")
    pooled = pool_image(image, mode, pool_size, stride)
    reduction = image.size / pooled.size
    readout = (
        f"<b>{name}</b>, {pool_size}x{pool_size} windows, stride {stride}: "
        f"input <b>{image.shape[0]} x {image.shape[1]}</b> &rarr; output "
        f"<b>{pooled.shape[0]} x {pooled.shape[1]}</b> ({reduction:.1f} input values per output value)"
    )
    return {
        "readout": readout,
        "pooled": pooled,
        "input_shape": image.shape,
        "output_shape": pooled.shape,
        "reduction": reduction,
    }
