"""Checks for exercises/02_max_pooling.ipynb: 2x2 max pooling, stride and padding, batches and channels."""

from __future__ import annotations

import numpy as np

from poolutils.checks import mistakes as m
from poolutils.checks.core import Case, Check, Mistake, compare_arrays, keras_oracle, keras_pool_map, sample
from poolutils.windows import pool_windows

ARTICLE_MAP = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 6], [3, 5, 7, 2]], dtype=np.float32)


def _all_negative(shape: tuple[int, ...], seed: int) -> np.ndarray:
    # Only negative values: zero padding would win every window that touches the border.
    return -np.abs(sample(shape, seed)) - 1


# --- 2.1 -------------------------------------------------------------------


def max_pool_2x2(fmap):
    height, width = fmap.shape
    out = np.empty((height // 2, width // 2), dtype=fmap.dtype)
    for i in range(height // 2):
        for j in range(width // 2):
            out[i, j] = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].max()
    return out


def _cases_2x2() -> list[Case]:
    return [
        Case("the article's 4x4 map", (ARTICLE_MAP,)),
        Case("5x7 map (odd sizes)", (sample((5, 7), 21),)),
        Case("6x4 map", (sample((6, 4), 22),)),
        Case("3x3 map", (sample((3, 3), 23),)),
        Case("2x9 map", (sample((2, 9), 24),)),
    ]


check_max_pool_2x2 = Check(
    "2.1",
    "max_pool_2x2",
    cases=_cases_2x2,
    reference=max_pool_2x2,
    oracle=lambda fmap: keras_pool_map("max", fmap, pool_size=2),
    compare=compare_arrays,
    mistakes=(
        Mistake(
            lambda f: max_pool_2x2(f.T),
            "height and width are swapped: the map is (H, W), so rows come first and the output is (H // 2, W // 2).",
        ),
        Mistake(
            lambda f: m.pool_map(f, pool_windows(f.shape, 2, 2, "same"), "max"),
            "you kept the partial window at the edge of an odd-sized map; 'valid' pooling drops a last "
            "row or column that cannot fill a whole window.",
        ),
        Mistake(
            lambda f: m.pool_map(f, m.windows_drop_last(f.shape, 2, 2), "max"),
            "off by one at the last window: range(0, n - 2, 2) stops one window early; there are n // 2 windows.",
        ),
        Mistake(
            lambda f: m.pool_map(f, pool_windows(f.shape, 2, 1), "max"),
            "your windows overlap: with a 2x2 window and stride 2, window (i, j) starts at (2*i, 2*j).",
        ),
        Mistake(
            lambda f: m.pool_map(f, pool_windows(f.shape, 2, 2), "avg"),
            "you averaged each window; max pooling keeps its largest value.",
        ),
    ),
    hints=(
        "Make an output of shape (H // 2, W // 2); output cell (i, j) reads fmap[2*i : 2*i+2, 2*j : 2*j+2].",
        "Two loops over i and j, and out[i, j] = fmap[2*i : 2*i+2, 2*j : 2*j+2].max().",
    ),
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


def _cases_2d() -> list[Case]:
    specs = [
        ("the article's map, 2x2, stride 2, 'valid'", ARTICLE_MAP, 2, 2, "valid"),
        ("5x7 map, 3x3, stride 2, 'valid'", sample((5, 7), 31), 3, 2, "valid"),
        ("6x5 map, 2x2, stride 1, 'valid'", sample((6, 5), 32), 2, 1, "valid"),
        ("5x5 negative map, 3x3, stride 2, 'same'", _all_negative((5, 5), 33), 3, 2, "same"),
        ("4x6 map, 2x2, stride 2, 'same'", sample((4, 6), 34), 2, 2, "same"),
        ("7x5 negative map, 2x2, stride 3, 'same'", _all_negative((7, 5), 35), 2, 3, "same"),
        ("5x4 map, 3x3, stride 1, 'same'", sample((5, 4), 36), 3, 1, "same"),
        ("6x7 negative map, 2x2, stride 2, 'same'", _all_negative((6, 7), 37), 2, 2, "same"),
        ("3x3 map, 5x5, stride 1, 'same' (window larger than map)", sample((3, 3), 38), 5, 1, "same"),
    ]
    return [Case(label, (x, f, s, p)) for label, x, f, s, p in specs]


check_max_pool2d = Check(
    "2.2",
    "max_pool2d",
    cases=_cases_2d,
    reference=max_pool2d,
    oracle=lambda x, f, s, p: keras_pool_map("max", x, pool_size=f, strides=s, padding=p),
    compare=compare_arrays,
    mistakes=(
        Mistake(
            lambda x, f, s, p: m.pool_map(x, pool_windows(x.shape, f, s, p), "max", padding_as_zero=True),
            "you padded with zeros: on negative values a padding 0 wins the max. Max pooling never "
            "sees padding; take the max over the real cells of each window only.",
        ),
        Mistake(m.pool2d_over(m.windows_padding_before, "max"), m.SHIFTED_WINDOWS),
        Mistake(m.pool2d_over(m.windows_drop_last, "max"), m.LAST_WINDOW_MISSING),
        Mistake(
            lambda x, f, s, p: m.pool_map(x, pool_windows(x.shape, f, f, p), "max"),
            "you ignored the stride: the windows step by `stride`, which need not equal `pool_size`.",
        ),
        Mistake(
            lambda x, f, s, p: m.pool_map(x, pool_windows(x.shape, f, s, "valid"), "max"),
            "you treated 'same' like 'valid': 'same' pads the map so the output has ceil(n / stride) cells.",
        ),
    ),
    hints=(
        "First compute the output size and the padding before the map (Exercises 1.2 and 1.3). "
        "Window (i, j) then starts at (i*stride - pad_top, j*stride - pad_left).",
        "Clip each window to the map: fmap[max(top, 0) : top + pool_size, max(left, 0) : left + pool_size].max(). "
        "The cells cut off are padding, and padding is never the maximum.",
    ),
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


def _cases_batch() -> list[Case]:
    specs = [
        ("batch 2, 4x6, 3 channels, pool (2, 3), strides (2, 3), 'valid'", sample((2, 4, 6, 3), 41), (2, 3), (2, 3), "valid"),
        ("batch 3, 5x7, 2 channels, pool (2, 3), strides (1, 2), 'valid'", sample((3, 5, 7, 2), 42), (2, 3), (1, 2), "valid"),
        ("batch 2, 5x6, negative, pool (3, 2), strides (2, 2), 'same'", _all_negative((2, 5, 6, 3), 43), (3, 2), (2, 2), "same"),
        ("batch 1, 7x5, 4 channels, pool (2, 2), strides (3, 1), 'same'", sample((1, 7, 5, 4), 44), (2, 2), (3, 1), "same"),
        ("batch 2, 6x6, negative, pool (3, 3), strides (2, 2), 'same'", _all_negative((2, 6, 6, 2), 45), (3, 3), (2, 2), "same"),
    ]  # fmt: skip
    return [Case(label, (x, f, s, p)) for label, x, f, s, p in specs]


check_max_pool_batch = Check(
    "2.3",
    "max_pool_batch",
    cases=_cases_batch,
    reference=max_pool_batch,
    oracle=lambda x, f, s, p: keras_oracle("max", x, pool_size=f, strides=s, padding=p),
    compare=compare_arrays,
    mistakes=(
        Mistake(
            lambda x, f, s, p: max_pool_batch(x[..., :1], f, s, p),
            "you pooled only the first channel: pooling works on every channel separately and keeps "
            "them all, so the output has as many channels as the input.",
        ),
        Mistake(
            lambda x, f, s, p: max_pool_batch(x, f, s, p)[..., 0],
            "the channel axis is gone: the output is (batch, out_h, out_w, channels).",
        ),
        Mistake(
            lambda x, f, s, p: max_pool_batch(x, f[::-1], s[::-1], p),
            "height and width are swapped: pool_size and strides are (height, width), and x is "
            "(batch, height, width, channels).",
        ),
        Mistake(
            lambda x, f, s, p: m.pool_batch(
                x, pool_windows(x.shape[1:3], f, s, p), "max", padding_as_zero=True
            ),
            "you padded with zeros: on negative values a padding 0 wins the max. Take the max over "
            "the real cells of each window only.",
        ),
        Mistake(
            lambda x, f, s, p: max_pool_batch(x[:1], f, s, p),
            "you pooled only the first item of the batch: the output has one entry per batch item.",
        ),
    ),
    hints=(
        "The windows are the same for every batch item and channel; only the two spatial axes (1 and 2) are pooled.",
        "Slice a window for all items and channels at once, x[:, rows, cols, :], and take .max(axis=(1, 2)).",
    ),
)


CHECKS = (check_max_pool_2x2, check_max_pool2d, check_max_pool_batch)
