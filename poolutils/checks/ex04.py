"""Checks for exercises/04_global_pooling.ipynb: global average pooling, adaptive pooling, a GAP head."""

from __future__ import annotations

import numpy as np

from poolutils.checks import mistakes as m
from poolutils.checks.core import Case, Check, Mistake, compare_exact, compare_floats, keras_oracle, sample
from poolutils.keras_check import keras
from poolutils.windows import pool_windows

# --- 4.1 -------------------------------------------------------------------


def global_avg_pool(x):
    # One mean per batch item and channel, over both spatial axes.
    return x.mean(axis=(1, 2))


def _global_cases() -> list[Case]:
    shapes = [(2, 4, 4, 3), (3, 5, 7, 2), (1, 1, 6, 4), (2, 3, 2, 1)]
    return [Case(f"x of shape {s}", (sample(s, 70 + i),)) for i, s in enumerate(shapes)]


check_global_avg_pool = Check(
    "4.1",
    "global_avg_pool",
    cases=_global_cases,
    reference=global_avg_pool,
    oracle=lambda x: keras_oracle("global_avg", x),
    compare=compare_floats,
    mistakes=(
        Mistake(
            lambda x: x.mean(axis=-1),
            "you averaged over the channels (axis -1); global pooling averages over the spatial "
            "axes 1 and 2 and keeps one value per channel.",
        ),
        Mistake(
            lambda x: x.mean(axis=(1, 2), keepdims=True),
            "you kept the spatial axes (keepdims=True): the expected shape is (batch, channels), as "
            "GlobalAveragePooling2D returns by default.",
        ),
        Mistake(
            lambda x: x.mean(axis=(0, 1, 2)),
            "you averaged over the batch too: each batch item gets its own result, shape (batch, channels).",
        ),
        Mistake(
            lambda x: x.mean(axis=1),
            "you averaged over the height only (axis 1); average over height and width: axis=(1, 2).",
        ),
        Mistake(
            lambda x: x.max(axis=(1, 2)),
            "you took the maximum; global AVERAGE pooling takes the mean.",
        ),
    ),
    hints=(
        "x has shape (batch, height, width, channels); which axes disappear?",
        "NumPy reductions take a tuple of axes: x.mean(axis=(1, 2)).",
    ),
)


# --- 4.2 -------------------------------------------------------------------


def adaptive_avg_pool(x, output_size):
    def windows(n, out):
        # Window i covers floor(i*n/out) .. ceil((i+1)*n/out) - 1; neighbours may share a cell.
        return [(i * n // out, -(-(i + 1) * n // out)) for i in range(out)]

    rows, cols = windows(x.shape[1], output_size[0]), windows(x.shape[2], output_size[1])
    out = np.empty((x.shape[0], len(rows), len(cols), x.shape[3]))
    for i, (top, bottom) in enumerate(rows):
        for j, (left, right) in enumerate(cols):
            out[:, i, j, :] = x[:, top:bottom, left:right, :].mean(axis=(1, 2))
    return out


def _adaptive_cases() -> list[Case]:
    specs = [
        ((2, 4, 4, 3), (2, 2)),
        ((2, 5, 7, 3), (3, 2)),
        ((1, 7, 5, 2), (3, 4)),
        ((2, 6, 6, 2), (4, 4)),
        ((1, 5, 5, 1), (1, 1)),
    ]
    return [
        Case(f"x of shape {s}, output_size={o}", (sample(s, 80 + i), o)) for i, (s, o) in enumerate(specs)
    ]


def _fixed_windows(x, output_size):
    # The usual wrong idea: one window size n // out, stepped by itself.
    sizes = tuple(n // o for n, o in zip(x.shape[1:3], output_size))
    return m.pool_batch(x, pool_windows(x.shape[1:3], sizes, sizes), "avg")


check_adaptive_avg_pool = Check(
    "4.2",
    "adaptive_avg_pool",
    cases=_adaptive_cases,
    reference=adaptive_avg_pool,
    oracle=lambda x, o: keras_oracle("adaptive_avg", x, output_size=o),
    compare=compare_floats,
    mistakes=(
        Mistake(
            lambda x, o: m.pool_batch(x, m.adaptive_windows_floor(x.shape[1:3], o), "avg"),
            "your windows end at floor((i + 1) * n / out); Keras rounds the end UP, ceil((i + 1) * n / out), "
            "so neighbouring windows may share a cell.",
        ),
        Mistake(
            _fixed_windows,
            "you used one fixed window of n // out cells; adaptive windows start at floor(i * n / out) "
            "and end at ceil((i + 1) * n / out), so together they always cover the whole input.",
        ),
        Mistake(
            lambda x, o: adaptive_avg_pool(x, o[::-1]),
            "height and width are swapped: output_size is (out_height, out_width).",
        ),
    ),
    hints=(
        "Along an axis of n cells pooled to `out` cells, window i starts at floor(i * n / out) and "
        "ends (exclusive) at ceil((i + 1) * n / out).",
        "In integers: start = i * n // out, stop = -(-(i + 1) * n // out). Then average "
        "x[:, top:bottom, left:right, :] over axes (1, 2) for every pair of row and column windows.",
    ),
)


# --- 4.3 -------------------------------------------------------------------


def head_params(height, width, channels, classes):
    # Dense has one weight per (input, class) pair plus one bias per class.
    flatten = height * width * channels * classes + classes
    gap = channels * classes + classes
    return (flatten, gap)


def _head_oracle(height: int, width: int, channels: int, classes: int) -> tuple[int, int]:
    k = keras()

    def count(pool: object) -> int:
        model = k.Sequential([k.Input((height, width, channels)), pool, k.layers.Dense(classes)])
        return int(model.count_params())

    return count(k.layers.Flatten()), count(k.layers.GlobalAveragePooling2D())


def _head_cases() -> list[Case]:
    specs = [(7, 7, 512, 10), (4, 4, 64, 100), (5, 3, 8, 2), (1, 1, 16, 3)]
    return [Case(f"height={h}, width={w}, channels={c}, classes={k}", (h, w, c, k)) for h, w, c, k in specs]


check_head_params = Check(
    "4.3",
    "head_params",
    cases=_head_cases,
    reference=head_params,
    oracle=_head_oracle,
    compare=compare_exact,
    mistakes=(
        Mistake(
            lambda h, w, c, k: (h * w * c * k, c * k),
            "you forgot the biases: Dense adds one per class (+ classes) to both counts.",
        ),
        Mistake(
            lambda h, w, c, k: head_params(h, w, c, k)[::-1],
            "the order is swapped: return (flatten_params, gap_params).",
        ),
        Mistake(
            lambda h, w, c, k: (h * w * c * k + k, h * w * c * k + k),
            "global average pooling leaves one value per CHANNEL, so the Dense after it sees `channels` "
            "inputs, not height * width * channels.",
        ),
        Mistake(
            lambda h, w, c, k: (h * w * c * k + k, c * k + k + c),
            "GlobalAveragePooling2D has no parameters: it only averages.",
        ),
    ),
    hints=(
        "Dense(classes) on n inputs has n * classes weights and classes biases. How many inputs does "
        "it see after Flatten, and after GlobalAveragePooling2D?",
        "After Flatten: height * width * channels inputs. After global average pooling: channels inputs.",
    ),
)


CHECKS = (check_global_avg_pool, check_adaptive_avg_pool, check_head_params)
