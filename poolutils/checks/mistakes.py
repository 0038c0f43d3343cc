"""The catalogue of known mistakes: each defined once, as a key, a diagnosis and a function.

A :class:`~poolutils.checks.core.Mistake` is a plausible learner's wrong
answer, computed exactly, with the sentence that explains it. A checker runs
its mistakes on a failing case; one that differs from the truth there and
reproduces the learner's output names the mistake.

Mistakes about pooling are parameterised by the reduction (``mode`` is
``'max'`` or ``'avg'``) and written for the signature of a 2-D exercise,
``(fmap, pool_size, stride, padding)``; :meth:`Mistake.on` with
:func:`fixed`, :func:`per_map` or :func:`valid_only` re-targets them to
another exercise's signature. The window geometry comes from
:mod:`poolutils.windows`; a mistake changes one thing about it (where the
padding goes, which windows exist, what padding cells count as).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from poolutils.checks.core import Mistake
from poolutils.shapes import pool_output_size, same_padding_total
from poolutils.windows import AxisWindows, Windows, pool_windows


def mistake(key: str, diagnosis: str) -> Callable[[Callable[..., Any]], Mistake]:
    """Decorator: the decorated wrong function becomes a :class:`Mistake` with ``key`` and ``diagnosis``."""
    return lambda fn: Mistake(fn, diagnosis, key)


# --- adapters: one mistake, several exercise signatures ----------------------


def fixed(*settings: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Adapter for an exercise with fixed settings, e.g. ``fixed(2, 2, "valid")`` for ``max_pool_2x2(fmap)``."""
    return lambda fn: lambda x, *rest: fn(x, *settings, *rest)


def per_map(fn: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    """Adapter from ``fn(map, ...)`` to a ``(batch, H, W, channels)`` input: every map alone."""

    def batched(x: np.ndarray, *rest: Any) -> np.ndarray:
        maps = [[fn(x[b, ..., c], *rest) for c in range(x.shape[-1])] for b in range(x.shape[0])]
        return np.moveaxis(np.asarray(maps), 1, -1)

    return batched


def valid_map(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Adapter from ``fn(fmap, f, s, padding)`` to ``(fmap, f, s)`` with padding 'valid'."""
    return lambda x, f, s: fn(x, f, s, "valid")


def valid_only(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Adapter from ``fn(n, f, s)`` to ``(n, f, s, padding)``: wrong for 'valid', right for 'same'."""
    return lambda n, f, s, p: fn(n, f, s) if p == "valid" else pool_output_size(n, f, s, p)


# --- output sizes: (n, pool_size, stride) -> int ----------------------------


@mistake(
    "unrounded_formula",
    "you used (n - f + 1) / s as it is; it is a fraction when the last step does not fit, "
    "and the count of windows is that number rounded UP (or floor((n - f) / s) + 1).",
)
def article_size(n: int, f: int, s: int) -> float:
    return (n - f + 1) / s


@mistake(
    "formula_floored",
    "you rounded (n - f + 1) / s down; a partial last step still leaves room for a window, "
    "so round it UP: ceil((n - f + 1) / s), or floor((n - f) / s) + 1.",
)
def article_size_floored(n: int, f: int, s: int) -> int:
    return (n - f + 1) // s


@mistake(
    "no_plus_one", "off by one: (n - f) // s counts the steps between windows; add 1 for the first window."
)
def size_without_plus_one(n: int, f: int, s: int) -> int:
    return (n - f) // s


@mistake("size_ignores_stride", "you ignored the stride: n - f + 1 is the count for stride 1 only.")
def size_ignoring_stride(n: int, f: int, s: int) -> int:
    return n - f + 1


@mistake(
    "same_formula_for_valid",
    "you used ceil(n / s), the size of 'same' padding; with 'valid' every window must fit inside the "
    "input, so there are floor((n - f) / s) + 1.",
)
def same_formula_for_valid(n: int, f: int, s: int) -> int:
    return -(-n // s)


SIZE_MISTAKES = (article_size, article_size_floored, size_without_plus_one, size_ignoring_stride)
SIZE_MISTAKES += (same_formula_for_valid,)


# --- output sizes with padding: (n, pool_size, stride, padding) -> int -------


@mistake(
    "same_floored",
    "with 'same' you rounded n / s down; padding covers the last partial step, so round UP: "
    "ceil(n / s), i.e. -(-n // s).",
)
def same_size_floored(n: int, f: int, s: int, p: str) -> int:
    return n // s if p == "same" else pool_output_size(n, f, s)


@mistake(
    "valid_formula_for_same",
    "you used the 'valid' formula for 'same' too; with 'same' the window size does not matter: "
    "the output has ceil(n / s) cells.",
)
def valid_formula_for_same(n: int, f: int, s: int, p: str) -> int:
    return (n - f) // s + 1


@mistake(
    "same_is_n",
    "with 'same' you returned n: that is only true for stride 1; the output has ceil(n / s) cells.",
)
def same_is_n(n: int, f: int, s: int, p: str) -> int:
    return n if p == "same" else pool_output_size(n, f, s)


# --- 'same' padding split: (n, pool_size, stride) -> (before, after) --------


@mistake(
    "extra_cell_before",
    "you put the odd extra padding cell before the input; TensorFlow puts it AFTER "
    "(bottom / right): before = total // 2, after = total - before.",
)
def padding_split_before(n: int, f: int, s: int) -> tuple[int, int]:
    total = same_padding_total(n, f, s)
    return total - total // 2, total // 2


@mistake(
    "padding_ignores_stride",
    "you padded f - 1 cells whatever the stride; that total is right for stride 1 only. "
    "Pad just enough for ceil(n / s) windows: (out - 1) * s + f - n.",
)
def padding_split_ignoring_stride(n: int, f: int, s: int) -> tuple[int, int]:
    total = f - 1
    return total // 2, total - total // 2


@mistake(
    "unclamped_total",
    "your padding total went negative: when the stride is larger than the window, no padding is "
    "needed, so clamp the total at 0: max((out - 1) * s + f - n, 0).",
)
def padding_split_unclamped(n: int, f: int, s: int) -> tuple[int, int]:
    total = same_padding_total(n, f, s, clamp=False)
    return total // 2, total - total // 2


@mistake(
    "odd_cell_dropped",
    "you put total // 2 on BOTH sides, so an odd total loses a cell; the after side gets the rest: "
    "after = total - total // 2.",
)
def padding_split_halved(n: int, f: int, s: int) -> tuple[int, int]:
    total = same_padding_total(n, f, s)
    return total // 2, total // 2


SPLIT_MISTAKES = (padding_split_before, padding_split_ignoring_stride, padding_split_unclamped)
SPLIT_MISTAKES += (padding_split_halved,)


# --- a stack of layers: (batch, H, W, C) -> output shape ---------------------

#: A layer of a stack: (kind 'conv' or 'pool', size, stride, padding, filters or None).
Layer = tuple[str, int, int, str, "int | None"]


def stack_shape(
    layers: Sequence[Layer], input_shape: Sequence[int], *, ceil_at: int | None = None
) -> tuple[int, ...]:
    """The output shape of ``layers`` on ``input_shape``; ``ceil_at`` rounds that layer's 'valid' size UP.

    Examples
    --------
    >>> stack_shape([("pool", 2, 2, "valid", None)], (1, 9, 8, 3)), stack_shape(
    ...     [("pool", 2, 2, "valid", None)], (1, 9, 8, 3), ceil_at=0)
    ((1, 4, 4, 3), (1, 5, 4, 3))
    """
    batch, *sizes, channels = input_shape
    for index, (_, size, stride, padding, filters) in enumerate(layers):
        if padding == "same":
            sizes = [-(-n // stride) for n in sizes]
        elif index == ceil_at:
            sizes = [-(-(n - size) // stride) + 1 for n in sizes]
        else:
            sizes = [(n - size) // stride + 1 for n in sizes]
        channels = filters or channels
    return (batch, *sizes, channels)


def stack_mistakes(layers: Sequence[Layer]) -> tuple[Mistake, ...]:
    """The classic mistakes of following a shape through ``layers`` (a conv first, a 'same' pool last)."""
    first_pool = next(i for i, layer in enumerate(layers) if layer[0] == "pool")
    last_pool = max(i for i, layer in enumerate(layers) if layer[0] == "pool")
    as_valid = [
        (*layer[:3], "valid", layer[4]) if i == last_pool else layer for i, layer in enumerate(layers)
    ]
    conv_same = [(*layers[0][:3], "same", layers[0][4]), *layers[1:]]
    return (
        Mistake(
            lambda s: (*stack_shape(layers, s)[:3], s[3]),
            "the channels: pooling keeps them, but the last Conv2D sets them: use its number of filters.",
            "channels_kept",
        ),
        Mistake(
            lambda s: (s[0], *stack_shape(layers, s)[2:0:-1], stack_shape(layers, s)[3]),
            "height and width are swapped: the shape is (batch, height, width, channels).",
            "height_width_swapped",
        ),
        Mistake(
            lambda s: stack_shape(as_valid, s),
            "the last pooling layer uses padding='same': its output is ceil(n / stride), not the 'valid' size.",
            "last_pool_valid",
        ),
        Mistake(
            lambda s: stack_shape(conv_same, s),
            "the first Conv2D has padding='valid' (the default): a 3x3 kernel shrinks each side by 2.",
            "first_conv_same",
        ),
        Mistake(
            lambda s: stack_shape(layers, s)[1:],
            "the batch size is part of the shape: return (batch, height, width, channels).",
            "batch_dropped",
        ),
        Mistake(
            lambda s: stack_shape(layers, s, ceil_at=first_pool),
            "the first pooling layer is 'valid': its size is rounded DOWN, floor((n - f) / s) + 1; "
            "rounding up there is only hidden by the later layers for some input sizes.",
            "first_pool_ceil",
        ),
    )


# --- window geometry ---------------------------------------------------------


def _shift(axis: AxisWindows, by: int) -> AxisWindows:
    return replace(axis, starts=tuple(a + by for a in axis.starts), stops=tuple(b + by for b in axis.stops))


def windows_padding_before(
    spatial_shape: Sequence[int],
    pool_size: int | Sequence[int],
    strides: int | Sequence[int] | None,
    padding: str = "same",
) -> Windows:
    """'same' windows as if the odd extra padding cell went before the input, not after.

    'valid' windows have no padding, so they come back unchanged.
    """
    geo = pool_windows(spatial_shape, pool_size, strides, padding)
    axes = []
    for a in geo.axes:
        before, after = a.padding
        axes.append(_shift(a, -1) if after > before else a)
    return Windows(tuple(axes))


def windows_unclamped(
    spatial_shape: Sequence[int],
    pool_size: int | Sequence[int],
    strides: int | Sequence[int] | None,
    padding: str = "same",
) -> Windows:
    """'same' windows placed with an unclamped padding total: a negative total shifts them forward."""
    geo = pool_windows(spatial_shape, pool_size, strides, padding)
    if padding != "same":
        return geo
    axes = []
    for a in geo.axes:
        f = a.stops[0] - a.starts[0]
        # The right windows start at i*s - clamped // 2; unclamped, at i*s - total // 2.
        clamped, total = (same_padding_total(a.n, f, a.stride, clamp=c) for c in (True, False))
        axes.append(_shift(a, clamped // 2 - total // 2))
    return Windows(tuple(axes))


def windows_drop_last(
    spatial_shape: Sequence[int],
    pool_size: int | Sequence[int],
    strides: int | Sequence[int] | None,
    padding: str = "valid",
) -> Windows:
    """The right windows but the last one on each axis missing (``range(0, n - f, s)``)."""
    geo = pool_windows(spatial_shape, pool_size, strides, padding)
    return Windows(
        tuple(replace(a, starts=a.starts[:-1] or a.starts, stops=a.stops[:-1] or a.stops) for a in geo.axes)
    )


def pool_map(
    image: np.ndarray, windows: Windows, mode: str, padding_as_zero: bool = False, start_at_zero: bool = False
) -> np.ndarray:
    """Pool one (H, W) map over ``windows``, optionally with padding cells as zeros or a running max from 0.

    With ``padding_as_zero`` a max may pick a padding 0 over negative values,
    and an average divides by the full window size: the two classic
    mistakes of 'same' padding. ``start_at_zero`` adds a 0 to every window:
    a running maximum that starts at 0.

    Examples
    --------
    >>> x = -np.ones((3, 3))
    >>> geo = pool_windows((3, 3), 2, 2, "same")
    >>> pool_map(x, geo, "max").tolist(), pool_map(x, geo, "max", padding_as_zero=True).tolist()
    ([[-1.0, -1.0], [-1.0, -1.0]], [[-1.0, 0.0], [0.0, 0.0]])
    """
    image = np.asarray(image, dtype=float)
    out = np.empty(windows.output_shape)
    for pos in np.ndindex(*windows.output_shape):
        w = windows.window(pos)
        values = image[tuple(w.real_cells.T)]
        if padding_as_zero:
            values = np.concatenate([values, np.zeros(int(w.padding.sum()))])
        if start_at_zero:
            values = np.append(values, 0.0)
        out[pos] = values.max() if mode == "max" else values.mean()
    return out


def pool_batch(x: np.ndarray, windows: Windows, mode: str, padding_as_zero: bool = False) -> np.ndarray:
    """:func:`pool_map` on every map of a (batch, H, W, channels) array."""
    x = np.asarray(x, dtype=float)
    out = np.empty((x.shape[0], *windows.output_shape, x.shape[-1]))
    for b in range(x.shape[0]):
        for c in range(x.shape[-1]):
            out[b, ..., c] = pool_map(x[b, ..., c], windows, mode, padding_as_zero)
    return out


def adaptive_windows_floor(spatial_shape: Sequence[int], output_size: Sequence[int]) -> Windows:
    """Adaptive windows that end at ``floor((i + 1) * n / out)``: they never overlap and can miss a cell.

    Examples
    --------
    >>> adaptive_windows_floor((5,), (3,)).axes[0].stops
    (1, 3, 5)
    """
    axes = []
    for n, out in zip(spatial_shape, output_size):
        starts = tuple(i * n // out for i in range(out))
        stops = tuple((i + 1) * n // out for i in range(out))
        axes.append(AxisWindows(n, starts, stops, None))
    return Windows(tuple(axes))


def _right(x: np.ndarray, f: Any, s: Any, p: str, mode: str) -> np.ndarray:
    return pool_map(x, pool_windows(np.shape(x), f, s, p), mode)


# --- pooling one map: (fmap, pool_size, stride, padding) -> map ---------------

_NAMES = {"max": "max", "avg": "average"}


def zero_padding(mode: str) -> Mistake:
    """Padding cells pooled as zeros: a 0 wins the max of negative values; an average divides by the full window."""
    if mode == "max":
        key, diagnosis = (
            "zero_padding",
            "you padded with zeros: on negative values a padding 0 wins the max. Max pooling never "
            "sees padding; take the max over the real cells of each window only.",
        )
    else:
        key, diagnosis = (
            "padding_counted",
            "you counted the padding cells in the average (zeros divided by the full window size). "
            "Keras divides by the number of real cells only (the divisor map of Exercise 3.2).",
        )
    return Mistake(
        lambda x, f, s, p: pool_map(x, pool_windows(np.shape(x), f, s, p), mode, True), diagnosis, key
    )


def shifted_windows(mode: str) -> Mistake:
    """'same' windows shifted by one: the odd extra padding cell put before the map."""
    return Mistake(
        lambda x, f, s, p: pool_map(x, windows_padding_before(np.shape(x), f, s, p), mode),
        "your 'same' windows are shifted by one: TensorFlow puts the odd extra padding cell AFTER "
        "the map (bottom / right), so pad_top = total // 2.",
        "extra_cell_before",
    )


def unclamped_windows(mode: str) -> Mistake:
    """'same' windows shifted forward by a negative, unclamped padding total."""
    return Mistake(
        lambda x, f, s, p: pool_map(x, windows_unclamped(np.shape(x), f, s, p), mode),
        "your padding total went negative (stride larger than the window) and moved the windows; "
        "clamp it at 0: max((out - 1) * s + f - n, 0), so the first window starts at cell 0.",
        "unclamped_total",
    )


def last_window_missing(mode: str) -> Mistake:
    """The loop stops one window early on each axis."""
    return Mistake(
        lambda x, f, s, p: pool_map(x, windows_drop_last(np.shape(x), f, s, p), mode),
        "off by one at the last window: your loop stops one window early in each direction "
        "(range(0, n - f, s) misses the start n - f).",
        "last_window_missing",
    )


def ignores_stride(mode: str) -> Mistake:
    """Windows that step by the pool size whatever the stride."""
    return Mistake(
        lambda x, f, s, p: _right(x, f, f, p, mode),
        "you ignored the stride: the windows step by `stride`, which need not equal `pool_size`.",
        "ignores_stride",
    )


def overlapping_windows(mode: str) -> Mistake:
    """Windows moved by one cell instead of by the stride."""
    return Mistake(
        lambda x, f, s, p: _right(x, f, 1, p, mode),
        "your windows overlap: they move by 1 cell; with stride s, window (i, j) starts at (i*s, j*s).",
        "stride_one",
    )


def same_as_valid(mode: str) -> Mistake:
    """'same' pooled like 'valid'."""
    return Mistake(
        lambda x, f, s, p: _right(x, f, s, "valid", mode),
        "you treated 'same' like 'valid': 'same' pads the map so the output has ceil(n / stride) cells.",
        "same_as_valid",
    )


def partial_window_kept(mode: str) -> Mistake:
    """'valid' pooling that keeps the partial window at the edge of an odd-sized map."""
    return Mistake(
        lambda x, f, s, p: _right(x, f, s, "same", mode),
        "you kept the partial window at the edge of an odd-sized map; 'valid' pooling drops a last "
        "row or column that cannot fill a whole window.",
        "partial_window_kept",
    )


def wrong_reduction(mode: str) -> Mistake:
    """The other reduction: a mean where the max belongs, or the reverse."""
    other = "avg" if mode == "max" else "max"
    diagnosis = {
        "max": "you averaged each window; max pooling keeps its largest value.",
        "avg": "you took the maximum of each window; average pooling takes the mean.",
    }[mode]
    return Mistake(
        lambda x, f, s, p: _right(x, f, s, p, other), diagnosis, "averaged" if mode == "max" else "took_max"
    )


def height_width_swapped(mode: str) -> Mistake:
    """The map read column-major: rows and columns swapped."""
    return Mistake(
        lambda x, f, s, p: _right(np.transpose(x), f, s, p, mode),
        "height and width are swapped: the map is (H, W), so rows come first and the output is (out_h, out_w).",
        "height_width_swapped",
    )


def reshaped_without_swap(mode: str) -> Mistake:
    """Blocks cut by ``reshape(H // f, W // f, f, f)``: each 'window' is f * f consecutive cells in row order.

    Only meaningful for non-overlapping 'valid' windows (stride = pool size),
    where reshaping into blocks is a common shortcut.
    """

    def fn(x: np.ndarray, f: Any, s: Any, p: str) -> np.ndarray:
        fh, fw = np.broadcast_to(f, (2,))
        h, w = np.shape(x)[0] // fh, np.shape(x)[1] // fw
        blocks = np.asarray(x, dtype=float)[: h * fh, : w * fw].reshape(h, w, fh, fw)
        return blocks.max(axis=(2, 3)) if mode == "max" else blocks.mean(axis=(2, 3))

    return Mistake(
        fn,
        "your blocks are not the windows: reshape(H // f, W // f, f, f) keeps the cells in row order, so each "
        "'block' holds f * f consecutive cells of the rows, not an f x f square. Reshape to "
        "(H // f, f, W // f, f) and reduce axes 1 and 3.",
        "reshaped_without_swap",
    )


def int_buffer(mode: str) -> Mistake:
    """An int output array: every value written into it loses its fraction (truncated toward 0)."""
    return Mistake(
        lambda x, f, s, p: np.trunc(_right(x, f, s, p, mode)).astype(np.int64),
        "your output array holds ints (np.zeros(..., dtype=int), or np.zeros_like of an int map), so every "
        f"{_NAMES[mode]} written into it loses its fraction. Make it a float array, e.g. np.zeros((out_h, out_w)).",
        "int_buffer",
    )


@mistake(
    "running_max_from_zero",
    "your running maximum starts at 0: on a window of negative values nothing beats 0. Start from "
    "the window's first value (or -np.inf), or take window.max().",
)
def running_max_from_zero(x: np.ndarray, f: Any, s: Any, p: str) -> np.ndarray:
    return pool_map(x, pool_windows(np.shape(x), f, s, p), "max", start_at_zero=True)


@mistake(
    "floor_division",
    "your averages are rounded down: integer division (//) drops the fraction. Divide with /.",
)
def floor_division(x: np.ndarray, f: Any, s: Any, p: str) -> np.ndarray:
    return np.floor(_right(x, f, s, p, "avg"))


def map_mistakes(mode: str) -> tuple[Mistake, ...]:
    """The mistakes of pooling one map with any stride and padding (Exercises 2.2 and 3.3)."""
    specific = (running_max_from_zero,) if mode == "max" else (floor_division,)
    return (
        zero_padding(mode),
        shifted_windows(mode),
        unclamped_windows(mode),
        last_window_missing(mode),
        ignores_stride(mode),
        same_as_valid(mode),
        *specific,
        int_buffer(mode),
        wrong_reduction(mode),
        height_width_swapped(mode),
        *_patterns(mode),
    )


def _patterns(mode: str) -> tuple[Mistake, ...]:
    # Defined at the end of the module; tried only when no wrong function reproduces the answer.
    return (TRUNCATED, CONSTANT_START) if mode == "max" else (TRUNCATED,)


def map_2x2_mistakes(mode: str) -> tuple[Mistake, ...]:
    """The mistakes of 2x2, stride 2, 'valid' pooling of one map (Exercises 2.1 and 3.1)."""
    specific = (running_max_from_zero,) if mode == "max" else (floor_division, summed, _half_divisor, _median)
    found = (
        height_width_swapped(mode),
        partial_window_kept(mode),
        last_window_missing(mode),
        overlapping_windows(mode),
        *specific,
        int_buffer(mode),
        wrong_reduction(mode),
        stride_one_cropped(mode),
    )
    return (*(m.on(fixed(2, 2, "valid")) for m in found), *_patterns(mode))


@mistake("median", "you took the median of each window; average pooling takes the mean (sum / cells).")
def _median(x: np.ndarray, f: Any, s: Any, p: str) -> np.ndarray:
    windows = pool_windows(np.shape(x), f, s, p)
    out = np.empty(windows.output_shape)
    for pos in np.ndindex(*windows.output_shape):
        out[pos] = np.median([x[tuple(cell)] for cell in windows.window(pos).real_cells])
    return out


@mistake("summed", "you summed each window without dividing by its number of cells.")
def summed(x: np.ndarray, f: Any, s: Any, p: str) -> np.ndarray:
    return _right(x, f, s, p, "avg") * np.prod(np.broadcast_to(f, (2,)))


@mistake("divided_by_side", "you divided by the window's side; a 2x2 window has 4 cells, so divide by 4.")
def _half_divisor(x: np.ndarray, f: Any, s: Any, p: str) -> np.ndarray:
    return _right(x, f, s, p, "avg") * np.prod(np.broadcast_to(f, (2,))) / np.broadcast_to(f, (2,))[0]


# --- pooling a batch: (x, (pool_h, pool_w), (stride_h, stride_w), padding) ---


def batch_mistakes(mode: str) -> tuple[Mistake, ...]:
    """The mistakes of pooling a (batch, H, W, channels) array with tuple pool sizes and strides."""

    def right(x: np.ndarray, f: Any, s: Any, p: str) -> np.ndarray:
        return pool_batch(x, pool_windows(x.shape[1:3], f, s, p), mode)

    lifted = (zero_padding(mode), shifted_windows(mode), unclamped_windows(mode), int_buffer(mode))
    specific = (running_max_from_zero,) if mode == "max" else ()
    return (
        Mistake(
            lambda x, f, s, p: right(x[..., :1], f, s, p),
            "you pooled only the first channel: pooling works on every channel separately and keeps "
            "them all, so the output has as many channels as the input.",
            "first_channel_only",
        ),
        Mistake(
            lambda x, f, s, p: right(x, f, s, p)[..., 0],
            "the channel axis is gone: the output is (batch, out_h, out_w, channels).",
            "channel_axis_dropped",
        ),
        Mistake(
            lambda x, f, s, p: right(x, tuple(f)[::-1], tuple(s)[::-1], p),
            "height and width are swapped: pool_size and strides are (height, width), and x is "
            "(batch, height, width, channels).",
            "height_width_swapped",
        ),
        Mistake(
            lambda x, f, s, p: right(x, f, s, p).max(axis=-1),
            "you reduced over the channels too: pooling reduces the two spatial axes only, so the output "
            "keeps the channel axis: (batch, out_h, out_w, channels).",
            "channels_reduced",
        ),
        Mistake(
            lambda x, f, s, p: right(x[:1], f, s, p),
            "you pooled only the first item of the batch: the output has one entry per batch item.",
            "first_item_only",
        ),
        *(m.on(per_map) for m in lifted + specific),
        first_size_for_both(mode),
        channels_first(mode),
        *batch_patterns(mode),
        *_patterns(mode),
    )


# --- the divisor map of 'same' average pooling: (height, width, pool_size, stride) ---


def _axis_counts_unclamped(n: int, f: int, s: int) -> np.ndarray:
    # Right where the total is >= 0; a negative total "removes" negative padding, adding cells.
    counts = pool_windows((n,), f, s, "same").counts()
    before, after = padding_split_unclamped.fn(n, f, s)
    if before + after < 0:
        counts[0] -= before
        counts[-1] -= after
    return counts


DIVISOR_MISTAKES = (
    Mistake(
        lambda h, w, f, s: np.full(pool_windows((h, w), f, s, "same").output_shape, f * f),
        "you counted the padding cells: Keras divides by the number of REAL cells in each window, "
        "so windows at the border have smaller divisors.",
        "padding_counted",
    ),
    Mistake(
        lambda h, w, f, s: windows_padding_before((h, w), f, s).counts(),
        "your windows are shifted by one: TensorFlow puts the odd extra padding cell AFTER the map "
        "(bottom / right), so the small divisors sit at the bottom and right.",
        "extra_cell_before",
    ),
    Mistake(
        lambda h, w, f, s: pool_windows((w, h), f, s, "same").counts(),
        "height and width are swapped: the divisor map has shape (out_h, out_w).",
        "height_width_swapped",
    ),
    Mistake(
        lambda h, w, f, s: pool_windows((h, w), f, 1, "same").counts(),
        "you ignored the stride: windows start every `stride` cells, so there are ceil(n / stride) per axis.",
        "ignores_stride",
    ),
    Mistake(
        lambda h, w, f, s: np.outer(_axis_counts_unclamped(h, f, s), _axis_counts_unclamped(w, f, s)),
        "your padding total went negative (stride larger than the window), so a border window got MORE "
        "cells than pool_size; clamp the total at 0: max((out - 1) * s + f - n, 0).",
        "unclamped_total",
    ),
)


# --- patterns of any array answer: how the learner's output relates to the truth ---


def _as_array(value: Any) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError("not numbers")
    return array


def _truncated(truth: Any, got: Any) -> bool:
    # The truth written into an int array of the learner's dtype (cast as NumPy casts: toward 0, wrapping).
    got, truth = _as_array(got), _as_array(truth)
    if got.dtype.kind not in "iu" or got.shape != truth.shape:
        return False
    with np.errstate(invalid="ignore", over="ignore"):
        return bool(np.array_equal(got, truth.astype(got.dtype)))


#: An int output of any int dtype (int32, uint8, ``np.empty(..., dtype=int)``...): the truth cast to it.
TRUNCATED = Mistake(
    None,
    "your output array holds ints, so every value written into it lost its fraction (or wrapped around, "
    "for an unsigned type). Make the output a float array, e.g. np.zeros(shape) or np.empty(shape, dtype=float).",
    "int_buffer",
    relation=_truncated,
)


def constant_pad_wins(truth: Any, got: Any) -> bool:
    """Whether ``got`` is the truth with some windows replaced by one constant above them: a padding value that won."""
    return _constant_start(truth, got, everywhere=False) is not None


#: Patterns tried on every function answer when none of its check's mistakes explains it.
FALLBACKS = (TRUNCATED,)


def _constant_start(truth: Any, got: Any, everywhere: bool = True) -> float | None:
    # Every wrong cell holds one constant above the truth there: a running max that started at it
    # (``everywhere``: no right cell is below it), or a padding value that beat a border window's cells.
    got, truth = _as_array(got).astype(float), _as_array(truth).astype(float)
    if got.shape != truth.shape:
        return None
    wrong = ~np.isclose(got, truth)
    values = np.unique(got[wrong])
    if len(values) != 1 or not (got[wrong] > truth[wrong]).all():
        return None
    if everywhere and not (truth[~wrong] >= values[0]).all():
        return None
    return float(values[0])


#: A running maximum started at a constant (0, -1, -100...) instead of the window's first value.
CONSTANT_START = Mistake(
    None,
    "your running maximum starts at a constant that beats the window's own values.",
    "running_max_from_zero",
    explain=lambda got: (
        "your running maximum starts at a constant, and wherever a window's values are all "
        "below it that constant is returned instead of the window's max. Start from the window's first value "
        "(or -np.inf), or take window.max()."
    ),
    relation=lambda truth, got: _constant_start(truth, got) is not None,
)


def batch_patterns(mode: str) -> tuple[Mistake, ...]:
    """How a (batch, out_h, out_w, channels) output can relate to the truth: one channel or one item for all."""
    reduce = np.max if mode == "max" else np.mean
    return (
        Mistake(
            None,
            "every channel holds the same values: you reduced over the channels too (an axis tuple with 3, or "
            "a window slice that kept all channels). Reduce the two spatial axes only, axis=(1, 2).",
            "channels_reduced",
            relation=lambda truth, got: (
                _as_array(got).shape == np.shape(truth)
                and np.shape(truth)[-1] > 1
                and bool(
                    np.allclose(got, np.broadcast_to(reduce(truth, axis=-1, keepdims=True), np.shape(truth)))
                )
            ),
        ),
        Mistake(
            None,
            "every batch item holds the first item's result: pool each item of the batch, x[b], on its own.",
            "first_item_only",
            relation=lambda truth, got: (
                _as_array(got).shape == np.shape(truth)
                and np.shape(truth)[0] > 1
                and bool(np.allclose(got, np.broadcast_to(np.asarray(truth)[:1], np.shape(truth))))
            ),
        ),
    )


def first_size_for_both(mode: str) -> Mistake:
    """A tuple pool size or stride whose first entry is used on both axes."""
    return Mistake(
        lambda x, f, s, p: pool_batch(x, pool_windows(x.shape[1:3], (f[0], f[0]), (s[0], s[0]), p), mode),
        "you used pool_size[0] and strides[0] on both axes: the width has its own pool_w = pool_size[1] and "
        "stride_w = strides[1].",
        "first_size_for_both",
    )


def channels_first(mode: str) -> Mistake:
    """The array read as (batch, channels, H, W): the pooled axes are the wrong ones."""
    return Mistake(
        lambda x, f, s, p: np.moveaxis(
            pool_batch(np.moveaxis(x, 1, -1), pool_windows(x.shape[2:4], f, s, p), mode), -1, 1
        ),
        "you read x as channels-first (batch, channels, H, W), as PyTorch stores it; Keras' default is "
        "channels-last: x is (batch, H, W, channels), so pool axes 1 and 2.",
        "channels_first",
    )


def stride_one_cropped(mode: str) -> Mistake:
    """Windows moved by one cell, the output cut to the expected shape."""
    return Mistake(
        lambda x, f, s, p: _right(x, f, 1, p, mode)[
            : pool_output_size(np.shape(x)[0], f, s, p), : pool_output_size(np.shape(x)[1], f, s, p)
        ],
        "your windows move by 1 cell (then the output was cut to size): with stride s, window (i, j) "
        "starts at (i*s, j*s).",
        "stride_one",
    )


# --- errors a learner's answer raises, and what they usually mean ------------

#: (exception type, text in its message, mistake): the first match names the mistake.
RAISED = (
    (
        "ValueError",
        "cannot reshape",
        Mistake(
            None,
            "a reshape into 2x2 blocks needs an even height and width: crop the odd last row or column first, "
            "fmap[: H // 2 * 2, : W // 2 * 2].",
            "reshape_odd_size",
        ),
    ),
    (
        "IndexError",
        "out of bounds",
        Mistake(
            None,
            "an index ran past the map: a window reaches beyond the last row or column. Count the windows "
            "first, then clip each window to the map (Python slices stop at the end by themselves).",
            "index_past_edge",
        ),
    ),
    (
        "ValueError",
        "could not broadcast",
        Mistake(
            None,
            "a window and the slot it is written into have different shapes: check the output's shape and "
            "which axes you reduce.",
            "shape_mismatch",
        ),
    ),
)


def raised_mistake(error: str, message: str) -> Mistake | None:
    """The known mistake behind an exception the answer raised, or None.

    Examples
    --------
    >>> raised_mistake("ValueError", "cannot reshape array of size 15 into shape (1,2,2,2)").key
    'reshape_odd_size'
    >>> raised_mistake("KeyError", "x") is None
    True
    """
    return next((m for kind, text, m in RAISED if kind == error and text in message), None)
