"""Checks for exercises/03_average_pooling.ipynb: 2x2 averages, the 'same' divisor map, average pooling."""

from __future__ import annotations

from typing import Any

import numpy as np

from poolutils.checks import mistakes as m
from poolutils.checks.core import (
    Case,
    Check,
    Mistake,
    compare_arrays,
    compare_floats,
    compare_numbers,
    keras_pool_map,
    make_cases,
    sample,
    value_check,
)
from poolutils.checks.fixtures import ARTICLE_MAP, halves, int_map
from poolutils.checks.values import grid_mistakes
from poolutils.keras_check import keras
from poolutils.windows import axis_windows

# --- 3.1 -------------------------------------------------------------------


def avg_pool_2x2(fmap):
    height, width = fmap.shape
    out = np.empty((height // 2, width // 2))
    for i in range(height // 2):
        for j in range(width // 2):
            out[i, j] = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].mean()
    return out


check_avg_pool_2x2 = Check(
    "3.1",
    "avg_pool_2x2",
    libraries=False,  # the task says calling poolutils, Keras or TensorFlow is not credited
    cases=make_cases(
        [
            ("the 4x4 example map", ARTICLE_MAP),
            ("5x7 map (odd sizes)", sample((5, 7), 51)),
            ("6x4 map", sample((6, 4), 52)),
            ("2x9 map", sample((2, 9), 53)),
            ("4x6 map of ints (int64)", int_map((4, 6), 54)),
            ("5x4 map of halves", halves((5, 4), 55)),
        ]
    ),
    reference=avg_pool_2x2,
    oracle=lambda fmap: keras_pool_map("avg", fmap, pool_size=2),
    compare=compare_floats,
    mistakes=m.map_2x2_mistakes("avg"),
    hints=(
        "Same windows as Exercise 2.1; replace the maximum with the mean of the 4 cells.",
        "out = np.empty((H // 2, W // 2)) is float; out[i, j] = fmap[2*i : 2*i+2, 2*j : 2*j+2].mean().",
    ),
    minutes=4,
)


# --- 3.2 -------------------------------------------------------------------


def same_divisor(height, width, pool_size, stride):
    def counts(n):
        out = -(-n // stride)
        before = max((out - 1) * stride + pool_size - n, 0) // 2
        starts = [i * stride - before for i in range(out)]
        # Real cells of each window: the window clipped to 0 .. n.
        return np.array([min(s + pool_size, n) - max(s, 0) for s in starts])

    return np.outer(counts(height), counts(width))


def _divisor_oracle(height: int, width: int, pool_size: int, stride: int) -> np.ndarray:
    # A Conv2D with an all-ones kernel on an all-ones input sums 1 per real cell of
    # each window: Keras' count, with the same 'same' padding rule as pooling.
    conv = keras().layers.Conv2D(
        1, pool_size, strides=stride, padding="same", use_bias=False, kernel_initializer="ones"
    )
    ones = np.ones((1, height, width, 1), dtype=np.float32)
    return np.rint(np.asarray(conv(ones))[0, ..., 0]).astype(int)


# The last two have negative padding totals (stride larger than the window): clamped at 0.
_DIVISORS = [(4, 4, 3, 1), (5, 5, 2, 2), (4, 6, 3, 2), (5, 7, 3, 2), (7, 5, 2, 3), (3, 3, 5, 1), (6, 6, 2, 2)]
_DIVISORS += [(8, 5, 2, 5), (7, 9, 1, 4)]
_DIVISOR_LABEL = "{0}x{1} map, pool {2}, stride {3}"


def _draw_divisors(rng: np.random.Generator) -> list[Case]:
    rows = [
        tuple(int(v) for v in (*rng.integers(1, 12, size=2), *rng.integers(1, 6, size=2))) for _ in range(5)
    ]
    return make_cases(rows, _DIVISOR_LABEL + " [drawn]")


check_same_divisor = Check(
    "3.2",
    "same_divisor",
    libraries=False,  # the task says calling poolutils, Keras or TensorFlow is not credited
    cases=make_cases(_DIVISORS, _DIVISOR_LABEL),
    draw=_draw_divisors,
    reference=same_divisor,
    oracle=_divisor_oracle,
    compare=compare_arrays,
    mistakes=m.DIVISOR_MISTAKES,
    hints=(
        "Work one axis at a time: the window of output i covers start .. start + pool_size - 1 with "
        "start = i * stride - pad_before; count the positions inside 0 .. n - 1. "
        "The 2-D count is the product of the row count and the column count.",
        "Per axis: min(start + pool_size, n) - max(start, 0); then np.outer(row_counts, col_counts).",
    ),
    minutes=7,
)


# --- 3.3 -------------------------------------------------------------------


def avg_pool2d(fmap, pool_size, stride, padding):
    height, width = fmap.shape
    if padding == "same":
        out_h, out_w = -(-height // stride), -(-width // stride)
        pad_top = max((out_h - 1) * stride + pool_size - height, 0) // 2
        pad_left = max((out_w - 1) * stride + pool_size - width, 0) // 2
    else:
        out_h, out_w = (height - pool_size) // stride + 1, (width - pool_size) // stride + 1
        pad_top = pad_left = 0
    out = np.empty((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * stride - pad_top, j * stride - pad_left
            # The clipped window holds only real cells, so .mean() divides by their count.
            out[i, j] = fmap[max(top, 0) : top + pool_size, max(left, 0) : left + pool_size].mean()
    return out


check_avg_pool2d = Check(
    "3.3",
    "avg_pool2d",
    libraries=False,  # the task says calling poolutils, Keras or TensorFlow is not credited
    cases=make_cases(
        [
            ("the 4x4 example map, 2x2, stride 2, 'valid'", ARTICLE_MAP, 2, 2, "valid"),
            ("5x7 map, 3x3, stride 2, 'valid'", sample((5, 7), 61), 3, 2, "valid"),
            ("the 4x4 example map, 3x3, stride 1, 'same'", ARTICLE_MAP, 3, 1, "same"),
            ("5x5 map, 2x2, stride 2, 'same'", sample((5, 5), 62), 2, 2, "same"),
            ("7x5 map, 3x3, stride 2, 'same'", sample((7, 5), 63), 3, 2, "same"),
            ("6x4 map, 2x2, stride 3, 'same'", sample((6, 4), 64), 2, 3, "same"),
            ("3x3 map, 5x5, stride 1, 'same' (window larger than map)", sample((3, 3), 65), 5, 1, "same"),
            ("5x6 map of ints (int64), 2x2, stride 2, 'same'", int_map((5, 6), 66), 2, 2, "same"),
            ("8x7 map, 2x2, stride 5, 'same' (negative padding total)", sample((8, 7), 67), 2, 5, "same"),
        ]
    ),
    reference=avg_pool2d,
    oracle=lambda x, f, s, p: keras_pool_map("avg", x, pool_size=f, strides=s, padding=p),
    compare=compare_floats,
    mistakes=m.map_mistakes("avg"),
    hints=(
        "Start from your max_pool2d of Exercise 2.2, with a float output array and the mean instead of the max.",
        "Clip each window to the map before .mean(): the padding cells are then not counted, "
        "which is exactly Keras' divisor (Exercise 3.2).",
    ),
    minutes=9,
)


# --- 3.4 (by hand) ----------------------------------------------------------

divisor_6x6 = [[9, 9, 6], [9, 9, 6], [6, 6, 4]]


def _divisor_window(row: int, col: int) -> str:
    # What divisor cell (row, col) counts: the real cells of its window on the 6x6 map.
    axis = axis_windows(6, 3, 2, "same")
    (r0, r1), (c0, c1) = ((max(axis.starts[i], 0), min(axis.stops[i], 6)) for i in (row, col))
    return f"its window covers rows {r0}-{r1 - 1} and columns {c0}-{c1 - 1}: {r1 - r0} x {c1 - c0} real cells"


check_divisor_6x6 = value_check(
    "3.4",
    "divisor_6x6",
    kind="by_hand",
    reference=divisor_6x6,
    oracle=lambda: _divisor_oracle(6, 6, 3, 2),
    compare=compare_numbers,
    # The square, clamped case: only these three change its divisor map.
    mistakes=[
        mistake.on(lambda fn: lambda: fn(6, 6, 3, 2))
        for mistake in m.DIVISOR_MISTAKES
        if mistake.key in ("padding_counted", "extra_cell_before", "ignores_stride")
    ]
    + list(grid_mistakes(lambda: _divisor_oracle(6, 6, 3, 2), lambda r, c: _divisor_window(r, c))),
    hints=(
        "Per axis: 6 cells, windows of 3, stride 2: ceil(6 / 2) = 3 windows, padding total (3 - 1) * 2 + 3 - 6 = 1.",
        "TensorFlow puts that cell AFTER: the windows cover rows 0-2, 2-4 and 4-6, so 3, 3 and 2 real rows.",
    ),
    minutes=3,
)


# --- 3.5 (find the bug) -----------------------------------------------------


def avg_pool(fmap, pool_size):
    out_h, out_w = fmap.shape[0] // pool_size, fmap.shape[1] // pool_size
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = fmap[i * pool_size : (i + 1) * pool_size, j * pool_size : (j + 1) * pool_size]
            out[i, j] = window.sum() / window.size
    return out


def _input_shaped(fmap, pool_size):
    # The right averages in the top-left corner of a float array shaped like the input.
    out = np.zeros(np.shape(fmap))
    pooled = avg_pool(np.asarray(fmap, dtype=float), pool_size)
    out[: pooled.shape[0], : pooled.shape[1]] = pooled
    return out


def _square(fn: Any) -> Any:
    # Adapter to avg_pool(fmap, pool_size): stride = pool_size, 'valid'.
    return lambda x, f: fn(x, f, f, "valid")


check_avg_pool = Check(
    "3.5",
    "avg_pool",
    kind="find_the_bug",
    cases=make_cases(
        [
            ("4x4 map of ints (int64), pool 2", int_map((4, 4), 81), 2),
            ("the 4x4 example map as ints, pool 2", ARTICLE_MAP.astype(np.int64), 2),
            ("6x6 map of ints (int64), pool 3", int_map((6, 6), 82), 3),
            ("5x7 float map, pool 2", sample((5, 7), 83), 2),
            # Halves: casting the MAP to int (instead of making the output float) cuts them off.
            ("4x6 map of halves (float32), pool 2", halves((4, 6), 84), 2),
        ]
    ),
    reference=avg_pool,
    oracle=lambda x, f: keras_pool_map("avg", x, pool_size=f),
    compare=compare_floats,
    bug=m.int_buffer("avg").on(_square),
    mistakes=[
        *(mistake.on(_square) for mistake in (m.floor_division, m.wrong_reduction("avg"))),
        Mistake(
            _input_shaped,
            "your output has the input's shape: np.zeros_like(fmap, ...) copies fmap's SHAPE too. Make it "
            "(out_h, out_w): np.zeros((out_h, out_w)).",
            "buffer_input_shape",
        ),
        Mistake(
            lambda x, f: avg_pool(np.trunc(x).astype(np.int64), f).astype(float),
            "you cast the map to int: a float map loses its fractions before it is averaged. Leave the input "
            "as it is and make the OUTPUT a float array.",
            "input_cast_to_int",
        ),
    ],
    hints=(
        "Check the dtype of `out` when fmap holds ints: what does np.zeros_like copy from fmap?",
        "np.zeros_like(fmap, ...) makes an int array for an int map, and writing 2.75 into it stores 2. "
        "Use np.zeros((out_h, out_w)), which is float.",
    ),
    minutes=3,
)


# --- 3.6 (design) -----------------------------------------------------------

overlapping_avg = (3, 2, "same")


def _parse_layer(got: Any) -> tuple[int, int, str]:
    pool_size, stride, padding = got
    if not all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) and v > 0 for v in (pool_size, stride)
    ):
        raise ValueError
    if padding not in ("valid", "same"):
        raise ValueError
    return int(pool_size), int(stride), padding


def _keras_avg_shape(pool_size: int, stride: int, padding: str) -> tuple[int, int]:
    layer = keras().layers.AveragePooling2D(pool_size, strides=stride, padding=padding)
    return tuple(int(d) for d in layer.compute_output_shape((1, 7, 7, 1))[1:3])


def _compare_overlapping(expected: tuple[int, int], got: Any) -> str | None:
    try:
        f, s, p = _parse_layer(got)
    except (TypeError, ValueError):
        return "write a tuple (pool_size, stride, padding): two positive ints and 'valid' or 'same'"
    if p == "valid" and f > 7:
        return f"a {f}x{f} window does not fit in a 7x7 map with 'valid' padding"
    if f <= s:
        return f"pool_size {f} <= stride {s}: neighbouring windows do not overlap"
    shape = _keras_avg_shape(f, s, p)
    return (
        None if shape == tuple(expected) else f"AveragePooling2D{(f, s, p)} maps 7x7 to {shape[0]}x{shape[1]}"
    )


def _output_size(got: Any) -> int:
    f, s, p = _parse_layer(got)
    return -(-7 // s) if p == "same" else (7 - f) // s + 1


check_overlapping_avg = Check(
    "3.6",
    "overlapping_avg",
    kind="design",
    cases=[Case("your layer")],
    reference=overlapping_avg,
    oracle=lambda: _keras_avg_shape(*overlapping_avg),
    compare=_compare_overlapping,
    mistakes=(
        Mistake(
            None,
            "windows overlap only when each is longer than the step between them: pool_size > stride.",
            "no_overlap",
            test=lambda got: _parse_layer(got)[0] <= _parse_layer(got)[1],
        ),
        Mistake(
            None,
            "'valid' drops the windows that do not fit: (7 - f) // s + 1 cells. With stride 2 that is at most 3; "
            "use 'same' (ceil(7 / 2) = 4) or stride 1 with pool_size 4.",
            "valid_too_small",
            test=lambda got: _parse_layer(got)[2] == "valid" and _output_size(got) < 4,
        ),
        Mistake(
            None,
            "with 'same' the output has ceil(7 / stride) cells whatever the window: 4 needs stride 2.",
            "same_wrong_stride",
            test=lambda got: _parse_layer(got)[2] == "same" and _output_size(got) != 4,
        ),
    ),
    hints=(
        "'same' gives ceil(7 / stride) cells; 'valid' gives (7 - pool_size) // stride + 1. Which strides give 4?",
        "Stride 2 with 'same' gives 4; any pool_size > 2 then overlaps, e.g. (3, 2, 'same').",
    ),
    minutes=4,
)


CHECKS = (
    check_avg_pool_2x2,
    check_same_divisor,
    check_avg_pool2d,
    check_divisor_6x6,
    check_avg_pool,
    check_overlapping_avg,
)
