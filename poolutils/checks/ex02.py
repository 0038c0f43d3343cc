"""Checks for exercises/02_max_pooling.ipynb: 2x2 max pooling, stride and padding, batches and channels."""

from __future__ import annotations

import numpy as np

from poolutils.checks import mistakes as m
from poolutils.checks.core import (
    Check,
    Mistake,
    Option,
    choice_check,
    compare_float_maps,
    compare_numbers,
    keras_oracle,
    keras_pool_map,
    make_cases,
    sample,
    value_check,
)
from poolutils.checks.fixtures import ARTICLE_MAP, all_negative, halves
from poolutils.checks.values import PoolSetting, pooling_grid_mistakes

#: The map 2.7's reasons quote: not 2.6's, whose answer they would give away.
CLIP_MAP = np.array([[-5, -2, -4]], dtype=np.float32)

#: A 3x3 map of negative values: 'same' padding with zeros would change every border window.
NEGATIVE_3X3 = -np.arange(1, 10, dtype=np.float32).reshape(3, 3)


def _at_example_map(*settings: object):
    # Adapter: a catalogue mistake evaluated on the 4x4 example map, for a by-hand exercise.
    return lambda fn: lambda: fn(ARTICLE_MAP, *settings)


# --- 2.1 -------------------------------------------------------------------


def max_pool_2x2(fmap):
    height, width = fmap.shape
    out = np.empty((height // 2, width // 2), dtype=fmap.dtype)
    for i in range(height // 2):
        for j in range(width // 2):
            out[i, j] = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].max()
    return out


check_max_pool_2x2 = Check(
    "2.1",
    "max_pool_2x2",
    libraries=False,  # the task says calling poolutils, Keras or TensorFlow is not credited
    cases=make_cases(
        [
            ("the 4x4 example map", ARTICLE_MAP),
            ("5x7 map (odd sizes)", sample((5, 7), 21)),
            ("6x4 map", sample((6, 4), 22)),
            ("4x6 map of negative values", all_negative((4, 6), 25)),
            ("3x3 map", sample((3, 3), 23)),
            ("2x9 map", sample((2, 9), 24)),
            ("4x4 map of halves", halves((4, 4), 26)),
        ]
    ),
    reference=max_pool_2x2,
    oracle=lambda fmap: keras_pool_map("max", fmap, pool_size=2),
    compare=compare_float_maps,
    mistakes=m.map_2x2_mistakes("max"),
    hints=(
        "Make an output of shape (H // 2, W // 2); output cell (i, j) reads fmap[2*i : 2*i+2, 2*j : 2*j+2].",
        "Two loops over i and j, and out[i, j] = fmap[2*i : 2*i+2, 2*j : 2*j+2].max().",
    ),
    minutes=4,
)


# --- 2.2 -------------------------------------------------------------------


def max_pool2d(fmap, pool_size, stride, padding):
    height, width = fmap.shape
    if padding == "same":
        out_h, out_w = -(-height // stride), -(-width // stride)
        # The padding before the map shifts windows up and left; TensorFlow puts the odd cell after.
        pad_top = max((out_h - 1) * stride + pool_size - height, 0) // 2
        pad_left = max((out_w - 1) * stride + pool_size - width, 0) // 2
    else:
        out_h, out_w = (height - pool_size) // stride + 1, (width - pool_size) // stride + 1
        pad_top = pad_left = 0
    out = np.empty((out_h, out_w), dtype=fmap.dtype)
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * stride - pad_top, j * stride - pad_left
            # Clipping the window to the map skips padding: it is never the maximum.
            out[i, j] = fmap[max(top, 0) : top + pool_size, max(left, 0) : left + pool_size].max()
    return out


check_max_pool2d = Check(
    "2.2",
    "max_pool2d",
    libraries=False,  # the task says calling poolutils, Keras or TensorFlow is not credited
    cases=make_cases(
        [
            ("the 4x4 example map, 2x2, stride 2, 'valid'", ARTICLE_MAP, 2, 2, "valid"),
            ("5x7 map, 3x3, stride 2, 'valid'", sample((5, 7), 31), 3, 2, "valid"),
            ("6x5 map, 2x2, stride 1, 'valid'", sample((6, 5), 32), 2, 1, "valid"),
            ("5x6 negative map, 2x2, stride 2, 'valid'", all_negative((5, 6), 39), 2, 2, "valid"),
            ("5x5 negative map, 3x3, stride 2, 'same'", all_negative((5, 5), 33), 3, 2, "same"),
            ("4x6 map, 2x2, stride 2, 'same'", sample((4, 6), 34), 2, 2, "same"),
            ("7x5 negative map, 2x2, stride 3, 'same'", all_negative((7, 5), 35), 2, 3, "same"),
            ("5x4 map, 3x3, stride 1, 'same'", sample((5, 4), 36), 3, 1, "same"),
            ("6x7 negative map, 2x2, stride 2, 'same'", all_negative((6, 7), 37), 2, 2, "same"),
            ("3x3 map, 5x5, stride 1, 'same' (window larger than map)", sample((3, 3), 38), 5, 1, "same"),
            ("5x5 map of halves, 3x3, stride 2, 'same'", halves((5, 5), 30), 3, 2, "same"),
            ("8x7 map, 2x2, stride 5, 'same' (negative padding total)", sample((8, 7), 29), 2, 5, "same"),
        ]
    ),
    reference=max_pool2d,
    oracle=lambda x, f, s, p: keras_pool_map("max", x, pool_size=f, strides=s, padding=p),
    compare=compare_float_maps,
    mistakes=m.map_mistakes("max"),
    hints=(
        "First compute the output size and the padding before the map (Exercises 1.2 and 1.3). "
        "Window (i, j) then starts at (i*stride - pad_top, j*stride - pad_left).",
        "Clip each window to the map: fmap[max(top, 0) : top + pool_size, max(left, 0) : left + pool_size].max(). "
        "The cells cut off are padding, and padding is never the maximum.",
    ),
    minutes=9,
)


# --- 2.3 -------------------------------------------------------------------


def max_pool_batch(x, pool_size, strides, padding):
    def starts(n, f, s):
        if padding == "same":
            out = -(-n // s)
            before = max((out - 1) * s + f - n, 0) // 2
            return [i * s - before for i in range(out)]
        return list(range(0, n - f + 1, s))

    (ph, pw), (sh, sw) = pool_size, strides
    tops, lefts = starts(x.shape[1], ph, sh), starts(x.shape[2], pw, sw)
    out = np.empty((x.shape[0], len(tops), len(lefts), x.shape[3]), dtype=x.dtype)
    for i, top in enumerate(tops):
        for j, left in enumerate(lefts):
            window = x[:, max(top, 0) : top + ph, max(left, 0) : left + pw, :]
            # One maximum per batch item and channel: reduce the two spatial axes only.
            out[:, i, j, :] = window.max(axis=(1, 2))
    return out


check_max_pool_batch = Check(
    "2.3",
    "max_pool_batch",
    libraries=False,  # the task says calling poolutils, Keras or TensorFlow is not credited
    cases=make_cases(
        [
            (
                "batch 2, 4x6, 3 channels, pool (2, 3), strides (2, 3), 'valid'",
                sample((2, 4, 6, 3), 41),
                (2, 3),
                (2, 3),
                "valid",
            ),
            (
                "batch 3, 5x7, 2 channels, pool (2, 3), strides (1, 2), 'valid'",
                sample((3, 5, 7, 2), 42),
                (2, 3),
                (1, 2),
                "valid",
            ),
            (
                "batch 2, 4x4, negative, pool (2, 2), strides (2, 2), 'valid'",
                all_negative((2, 4, 4, 2), 46),
                (2, 2),
                (2, 2),
                "valid",
            ),
            (
                "batch 2, 5x6, negative, pool (3, 2), strides (2, 2), 'same'",
                all_negative((2, 5, 6, 3), 43),
                (3, 2),
                (2, 2),
                "same",
            ),
            (
                "batch 1, 7x5, 4 channels, pool (2, 2), strides (3, 1), 'same'",
                sample((1, 7, 5, 4), 44),
                (2, 2),
                (3, 1),
                "same",
            ),
            (
                "batch 2, 6x6, negative, pool (3, 3), strides (2, 2), 'same'",
                all_negative((2, 6, 6, 2), 45),
                (3, 3),
                (2, 2),
                "same",
            ),
            (
                "batch 2, 8x5, 2 channels, pool (2, 2), strides (5, 2), 'same' (negative padding total)",
                sample((2, 8, 5, 2), 48),
                (2, 2),
                (5, 2),
                "same",
            ),
            (
                "batch 2, 4x5 of halves, pool (2, 2), strides (2, 2), 'same'",
                halves((2, 4, 5, 2), 47),
                (2, 2),
                (2, 2),
                "same",
            ),
        ]
    ),
    reference=max_pool_batch,
    oracle=lambda x, f, s, p: keras_oracle("max", x, pool_size=f, strides=s, padding=p),
    compare=compare_float_maps,
    mistakes=m.batch_mistakes("max"),
    hints=(
        "The windows are the same for every batch item and channel; only the two spatial axes (1 and 2) are pooled.",
        "Slice a window for all items and channels at once, x[:, rows, cols, :], and take .max(axis=(1, 2)).",
    ),
    minutes=7,
)


# --- 2.4 (find the bug) -----------------------------------------------------


def max_pool_valid(fmap, pool_size, stride):
    out_h = (fmap.shape[0] - pool_size) // stride + 1
    out_w = (fmap.shape[1] - pool_size) // stride + 1
    out = np.zeros((out_h, out_w), dtype=fmap.dtype)
    for i in range(out_h):
        for j in range(out_w):
            best = -np.inf  # below every value: a window may hold only negative numbers
            for a in range(pool_size):
                for b in range(pool_size):
                    best = max(best, fmap[i * stride + a, j * stride + b])
            out[i, j] = best
    return out


def _start_outside_window(fmap, pool_size, stride):
    # A half fix of 2.4: best = fmap[i, j] (the output's index) instead of the window's first cell.
    out = max_pool_valid(fmap, pool_size, stride)
    rows, cols = out.shape
    return np.maximum(out, fmap[:rows, :cols])


check_max_pool_valid = Check(
    "2.4",
    "max_pool_valid",
    kind="find_the_bug",
    cases=make_cases(
        [
            ("the 4x4 example map, 2x2, stride 2", ARTICLE_MAP, 2, 2),
            ("5x7 map, 3x3, stride 2", sample((5, 7), 71), 3, 2),
            ("4x6 negative map, 2x2, stride 2", all_negative((4, 6), 72), 2, 2),
            ("5x5 negative map, 3x3, stride 1", all_negative((5, 5), 73), 3, 1),
            ("6x6 map of halves, 2x2, stride 2", halves((6, 6), 74), 2, 2),
        ]
    ),
    reference=max_pool_valid,
    oracle=lambda x, f, s: keras_pool_map("max", x, pool_size=f, strides=s),
    compare=compare_float_maps,
    bug=m.running_max_from_zero.on(m.valid_map),
    mistakes=[
        mistake.on(m.valid_map)
        for mistake in (
            m.int_buffer("max"),
            m.last_window_missing("max"),
            m.ignores_stride("max"),
            m.stride_one_cropped("max"),
        )
    ]
    + [
        Mistake(
            _start_outside_window,
            "the running maximum starts from fmap[i, j], a cell that need not be in the window; start from "
            "the window's own first cell, fmap[i * stride, j * stride] (or -np.inf).",
            "start_outside_window",
        ),
        m.TRUNCATED,
        m.CONSTANT_START,
    ],
    hints=(
        "Run it on the map -np.ones((2, 2)): what should the max be, and what does `best` start at?",
        "The running maximum must start below every value: best = -np.inf (or the window's first cell).",
    ),
    minutes=4,
)


# --- 2.5 (by hand) ----------------------------------------------------------

cells_3x3_same = [[8, 9], [8, 8]]

check_cells_3x3_same = value_check(
    "2.5",
    "cells_3x3_same",
    kind="by_hand",
    reference=cells_3x3_same,
    oracle=lambda: keras_pool_map("max", ARTICLE_MAP, pool_size=3, strides=2, padding="same"),
    compare=compare_numbers,
    mistakes=[
        (
            "used_2x2",
            [[6, 9], [5, 8]],
            "that is the 2x2, stride 2 output of Exercise 2.1; here each window is 3x3, so neighbouring "
            "windows share a row or column, and the last ones reach into the padding.",
        ),
        *(
            mistake.on(_at_example_map(3, 2, "same"))
            for mistake in (
                m.shifted_windows("max"),
                m.same_as_valid("max"),
                m.overlapping_windows("max"),
                m.wrong_reduction("max"),
            )
        ),
        *pooling_grid_mistakes(PoolSetting(ARTICLE_MAP, "max", 3, 2, "same")),
    ],
    hints=(
        "4 cells, windows of 3, stride 2: ceil(4 / 2) = 2 windows per axis, so 1 padding cell; where does it go?",
        "TensorFlow pads after: the row windows are rows 0-2 and rows 2-3 (+ padding), the same for the columns.",
    ),
    minutes=4,
)


# --- 2.6 (predict) ----------------------------------------------------------

predicted_negative = [[-1, -3], [-7, -9]]

check_predicted_negative = value_check(
    "2.6",
    "predicted_negative",
    kind="predict",
    reference=predicted_negative,
    oracle=lambda: keras_pool_map("max", NEGATIVE_3X3, pool_size=2, padding="same"),
    compare=compare_numbers,
    mistakes=[
        mistake.on(lambda fn: lambda: fn(NEGATIVE_3X3, 2, 2, "same"))
        for mistake in (
            m.zero_padding("max"),
            m.running_max_from_zero,
            m.shifted_windows("max"),
            m.same_as_valid("max"),
        )
    ]
    + list(pooling_grid_mistakes(PoolSetting(NEGATIVE_3X3, "max", 2, 2, "same"))),
    hints=(
        "2x2 windows, stride 2, on 3 rows: ceil(3 / 2) = 2 windows per axis, the second one half padding.",
        "Max pooling takes the max over the REAL cells of a window; padding is never a candidate.",
    ),
    minutes=2,
)


# --- 2.7 (choose) -----------------------------------------------------------


def _why_clip() -> str:
    # Keras against zero padding, on a map where a padding 0 would win: B if they differ.
    keras_out = keras_pool_map("max", NEGATIVE_3X3, pool_size=2, padding="same")
    zero_padded = np.pad(NEGATIVE_3X3, ((0, 1), (0, 1)))
    as_zero = zero_padded.reshape(2, 2, 2, 2).max(axis=(1, 3))
    return "A" if np.array_equal(keras_out, as_zero) else "B"


check_why_clip = choice_check(
    "2.7",
    "why_clip",
    oracle=_why_clip,
    options={
        "A": Option(
            "Only for speed: padding with zeros gives the same output.",
            f"on the one-row map {CLIP_MAP.astype(int).tolist()}, 2x2 windows, stride 2, 'same' (a padding row "
            "below, a padding column on the right), zero padding gives [[0, 0]] and Keras [[-2, -4]]: the outputs "
            "differ wherever a window touches the padding and its real cells are negative.",
        ),
        "B": Option(
            "Keras' max pooling never takes a padding cell; a zero pad would beat negative values.",
            "TensorFlow's max pooling pads with -infinity in effect: a padding cell never wins, so the max of a "
            "border window is the max of its real cells. Clipping the slice to the map does exactly that.",
            right=True,
        ),
        "C": Option(
            "np.pad cannot pad by an odd number of cells.",
            "np.pad takes any (before, after) per axis, e.g. np.pad(x, ((0, 1), (0, 1))); the padding can be "
            "uneven, and the problem is the VALUE of the padding cells, not their number.",
        ),
        "D": Option(
            "Clipping makes the output smaller, as 'same' requires.",
            "clipping changes what a window reads, not how many windows there are: the output of 'same' has "
            "ceil(n / stride) cells either way.",
        ),
    },
    hints=(
        "Try both on the all-negative map of Exercise 2.6.",
        "Zero padding puts 0 next to -3, -6, -7, -8, -9: which value wins each border window, and what does Keras give?",
    ),
    minutes=2,
)


CHECKS = (
    check_max_pool_2x2,
    check_max_pool2d,
    check_max_pool_batch,
    check_max_pool_valid,
    check_cells_3x3_same,
    check_predicted_negative,
    check_why_clip,
)
