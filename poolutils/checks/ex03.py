"""Checks for exercises/03_average_pooling.ipynb: 2x2 averages, the 'same' divisor map, average pooling."""

from __future__ import annotations

import numpy as np

from poolutils.checks import mistakes as m
from poolutils.checks.core import (
    Case,
    Check,
    Mistake,
    compare_arrays,
    compare_floats,
    keras_pool_map,
    sample,
)
from poolutils.checks.ex02 import ARTICLE_MAP
from poolutils.keras_check import keras
from poolutils.windows import pool_windows

# --- 3.1 -------------------------------------------------------------------


def avg_pool_2x2(fmap):
    height, width = fmap.shape
    out = np.empty((height // 2, width // 2))
    for i in range(height // 2):
        for j in range(width // 2):
            out[i, j] = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].mean()
    return out


def _cases_2x2() -> list[Case]:
    return [
        Case("the article's 4x4 map", (ARTICLE_MAP,)),
        Case("5x7 map (odd sizes)", (sample((5, 7), 51),)),
        Case("6x4 map", (sample((6, 4), 52),)),
        Case("2x9 map", (sample((2, 9), 53),)),
    ]


check_avg_pool_2x2 = Check(
    "3.1",
    "avg_pool_2x2",
    cases=_cases_2x2,
    reference=avg_pool_2x2,
    oracle=lambda fmap: keras_pool_map("avg", fmap, pool_size=2),
    compare=compare_floats,
    mistakes=(
        Mistake(
            lambda f: np.floor(avg_pool_2x2(f)),
            "your averages are rounded down: integer division (//) or an int output array drops the "
            "fraction. Divide with / into a float array.",
        ),
        Mistake(
            lambda f: avg_pool_2x2(f) * 4,
            "you summed each window without dividing by its 4 cells.",
        ),
        Mistake(
            lambda f: avg_pool_2x2(f) * 2,
            "you divided by 2; a 2x2 window has 4 cells.",
        ),
        Mistake(
            lambda f: avg_pool_2x2(f.T),
            "height and width are swapped: the map is (H, W) and the output is (H // 2, W // 2).",
        ),
        Mistake(
            lambda f: m.pool_map(f, pool_windows(f.shape, 2, 2), "max"),
            "you took the maximum of each window; average pooling takes the mean.",
        ),
    ),
    hints=(
        "Same windows as Exercise 2.1; replace the maximum with the mean of the 4 cells.",
        "out = np.empty((H // 2, W // 2)) is float; out[i, j] = fmap[2*i : 2*i+2, 2*j : 2*j+2].mean().",
    ),
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


def _divisor_cases() -> list[Case]:
    specs = [(4, 4, 3, 1), (5, 5, 2, 2), (4, 6, 3, 2), (5, 7, 3, 2), (7, 5, 2, 3), (3, 3, 5, 1), (6, 6, 2, 2)]
    return [Case(f"{h}x{w} map, pool {f}, stride {s}", (h, w, f, s)) for h, w, f, s in specs]


check_same_divisor = Check(
    "3.2",
    "same_divisor",
    cases=_divisor_cases,
    reference=same_divisor,
    oracle=_divisor_oracle,
    compare=compare_arrays,
    mistakes=(
        Mistake(
            lambda h, w, f, s: np.full(pool_windows((h, w), f, s, "same").output_shape, f * f),
            "you counted the padding cells: Keras divides by the number of REAL cells in each window, "
            "so windows at the border have smaller divisors.",
        ),
        Mistake(
            lambda h, w, f, s: m.windows_padding_before((h, w), f, s).counts(),
            "your windows are shifted by one: TensorFlow puts the odd extra padding cell AFTER the map "
            "(bottom / right), so the small divisors sit at the bottom and right.",
        ),
        Mistake(
            lambda h, w, f, s: same_divisor(w, h, f, s),
            "height and width are swapped: the divisor map has shape (out_h, out_w).",
        ),
        Mistake(
            lambda h, w, f, s: pool_windows((h, w), f, 1, "same").counts(),
            "you ignored the stride: windows start every `stride` cells, so there are ceil(n / stride) per axis.",
        ),
    ),
    hints=(
        "Work one axis at a time: the window of output i covers start .. start + pool_size - 1 with "
        "start = i * stride - pad_before; count the positions inside 0 .. n - 1. "
        "The 2-D count is the product of the row count and the column count.",
        "Per axis: min(start + pool_size, n) - max(start, 0); then np.outer(row_counts, col_counts).",
    ),
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


def _cases_2d() -> list[Case]:
    specs = [
        ("the article's map, 2x2, stride 2, 'valid'", ARTICLE_MAP, 2, 2, "valid"),
        ("5x7 map, 3x3, stride 2, 'valid'", sample((5, 7), 61), 3, 2, "valid"),
        ("the article's map, 3x3, stride 1, 'same'", ARTICLE_MAP, 3, 1, "same"),
        ("5x5 map, 2x2, stride 2, 'same'", sample((5, 5), 62), 2, 2, "same"),
        ("7x5 map, 3x3, stride 2, 'same'", sample((7, 5), 63), 3, 2, "same"),
        ("6x4 map, 2x2, stride 3, 'same'", sample((6, 4), 64), 2, 3, "same"),
        ("3x3 map, 5x5, stride 1, 'same' (window larger than map)", sample((3, 3), 65), 5, 1, "same"),
    ]
    return [Case(label, (x, f, s, p)) for label, x, f, s, p in specs]


check_avg_pool2d = Check(
    "3.3",
    "avg_pool2d",
    cases=_cases_2d,
    reference=avg_pool2d,
    oracle=lambda x, f, s, p: keras_pool_map("avg", x, pool_size=f, strides=s, padding=p),
    compare=compare_floats,
    mistakes=(
        Mistake(
            lambda x, f, s, p: m.pool_map(x, pool_windows(x.shape, f, s, p), "avg", padding_as_zero=True),
            "you counted the padding cells in the average (zeros divided by the full window size). "
            "Keras divides by the number of real cells: see Exercise 3.2.",
        ),
        Mistake(m.pool2d_over(m.windows_padding_before, "avg"), m.SHIFTED_WINDOWS),
        Mistake(m.pool2d_over(m.windows_drop_last, "avg"), m.LAST_WINDOW_MISSING),
        Mistake(
            lambda x, f, s, p: np.floor(avg_pool2d(x, f, s, p)),
            "your averages are rounded down: integer division (//) or an int output array drops the "
            "fraction. Divide with / into a float array.",
        ),
        Mistake(
            lambda x, f, s, p: m.pool_map(x, pool_windows(x.shape, f, s, p), "max"),
            "you took the maximum of each window; average pooling takes the mean.",
        ),
    ),
    hints=(
        "Start from your max_pool2d of Exercise 2.2, with a float output array and the mean instead of the max.",
        "Clip each window to the map before .mean(): the padding cells are then not counted, "
        "which is exactly Keras' divisor (Exercise 3.2).",
    ),
)


CHECKS = (check_avg_pool_2x2, check_same_divisor, check_avg_pool2d)
