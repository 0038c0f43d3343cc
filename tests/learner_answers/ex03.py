"""Learner answers to exercises/03_average_pooling.ipynb, written from the task texts."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tests.learner_answers import LearnerAnswer as A

# --- 3.1 avg_pool_2x2 -------------------------------------------------------------


def a22_zeros_like(fmap):
    h, w = fmap.shape
    out = np.zeros_like(fmap)[: h // 2, : w // 2]
    for i in range(h // 2):
        for j in range(w // 2):
            out[i, j] = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].mean()
    return out


def a22_floor_div(fmap):
    h, w = fmap.shape
    out = np.zeros((h // 2, w // 2))
    for i in range(h // 2):
        for j in range(w // 2):
            out[i, j] = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].sum() // 4
    return out


def a22_sum(fmap):
    h, w = fmap.shape
    return fmap[: h // 2 * 2, : w // 2 * 2].reshape(h // 2, 2, w // 2, 2).sum(axis=(1, 3)).astype(float)


def a22_by_two(fmap):
    h, w = fmap.shape
    out = np.zeros((h // 2, w // 2))
    for i in range(h // 2):
        for j in range(w // 2):
            out[i, j] = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].sum() / 2
    return out


def a22_loops(fmap):
    h, w = fmap.shape
    out = np.zeros((h // 2, w // 2))
    for i in range(h // 2):
        for j in range(w // 2):
            out[i, j] = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].sum() / 4
    return out


def a22_reshape(fmap):
    h, w = fmap.shape
    return fmap[: h // 2 * 2, : w // 2 * 2].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))


def a22_sliding(fmap):
    return sliding_window_view(fmap.astype(float), (2, 2))[::2, ::2].mean(axis=(2, 3))


# --- 3.2 same_divisor --------------------------------------------------------------


def _split(n, f, s):
    out = -(-n // s)
    total = max((out - 1) * s + f - n, 0)
    return out, total // 2, total - total // 2


def div_full(height, width, pool_size, stride):
    return np.full((-(-height // stride), -(-width // stride)), pool_size * pool_size)


def div_extra_first(height, width, pool_size, stride):
    def counts(n):
        out, before, after = _split(n, pool_size, stride)
        before = after  # the odd cell first
        return [min(i * stride - before + pool_size, n) - max(i * stride - before, 0) for i in range(out)]

    return np.outer(counts(height), counts(width))


def div_from_padding_no_clamp(height, width, pool_size, stride):
    def counts(n):
        out = -(-n // stride)
        total = (out - 1) * stride + pool_size - n
        before, after = total // 2, total - total // 2
        c = [pool_size] * out
        c[0] -= max(before, 0) if total >= 0 else before
        c[-1] -= max(after, 0) if total >= 0 else after
        if total >= 0:
            c = [min(i * stride - before + pool_size, n) - max(i * stride - before, 0) for i in range(out)]
        return c

    return np.outer(counts(height), counts(width))


def div_clip(height, width, pool_size, stride):
    def counts(n):
        out, before, _ = _split(n, pool_size, stride)
        return np.array(
            [min(i * stride - before + pool_size, n) - max(i * stride - before, 0) for i in range(out)]
        )

    return counts(height)[:, None] * counts(width)[None, :]


def div_add_at(height, width, pool_size, stride):
    out_h, top, _ = _split(height, pool_size, stride)
    out_w, left, _ = _split(width, pool_size, stride)
    counts = np.zeros((out_h, out_w), dtype=int)
    for r in range(height):
        for c in range(width):
            rows = [i for i in range(out_h) if i * stride - top <= r < i * stride - top + pool_size]
            cols = [j for j in range(out_w) if j * stride - left <= c < j * stride - left + pool_size]
            np.add.at(counts, np.ix_(rows, cols), 1)
    return counts


# --- 3.3 avg_pool2d ------------------------------------------------------------------


def _windows(n, f, s, padding):
    if padding == "same":
        out, before, _ = _split(n, f, s)
        return [(i * s - before, i * s - before + f) for i in range(out)]
    return [(i * s, i * s + f) for i in range((n - f) // s + 1)]


def a2d_zero_pad(fmap, pool_size, stride, padding):
    if padding == "same":
        pads = [_split(n, pool_size, stride)[1:] for n in fmap.shape]
        fmap = np.pad(fmap, pads)
    return sliding_window_view(fmap, (pool_size, pool_size))[::stride, ::stride].mean(axis=(2, 3))


def a2d_extra_first(fmap, pool_size, stride, padding):
    h, w = fmap.shape
    rows, cols = _windows(h, pool_size, stride, padding), _windows(w, pool_size, stride, padding)
    if padding == "same":
        shift_r = _split(h, pool_size, stride)[2] - _split(h, pool_size, stride)[1]
        shift_c = _split(w, pool_size, stride)[2] - _split(w, pool_size, stride)[1]
        rows = [(a - shift_r, b - shift_r) for a, b in rows]
        cols = [(a - shift_c, b - shift_c) for a, b in cols]
    return np.array([[fmap[max(a, 0) : b, max(c, 0) : d].mean() for c, d in cols] for a, b in rows])


def a2d_zeros_like(fmap, pool_size, stride, padding):
    rows = _windows(fmap.shape[0], pool_size, stride, padding)
    cols = _windows(fmap.shape[1], pool_size, stride, padding)
    out = np.zeros_like(fmap, shape=(len(rows), len(cols)))
    for i, (a, b) in enumerate(rows):
        for j, (c, d) in enumerate(cols):
            out[i, j] = fmap[max(a, 0) : b, max(c, 0) : d].mean()
    return out


def a2d_clip(fmap, pool_size, stride, padding):
    rows = _windows(fmap.shape[0], pool_size, stride, padding)
    cols = _windows(fmap.shape[1], pool_size, stride, padding)
    return np.array([[fmap[max(a, 0) : b, max(c, 0) : d].mean() for c, d in cols] for a, b in rows])


def a2d_nan_pad(fmap, pool_size, stride, padding):
    x = fmap.astype(float)
    if padding == "same":
        x = np.pad(x, [_split(n, pool_size, stride)[1:] for n in fmap.shape], constant_values=np.nan)
    return np.nanmean(sliding_window_view(x, (pool_size, pool_size))[::stride, ::stride], axis=(2, 3))


def a2d_sum_over_counts(fmap, pool_size, stride, padding):
    x = fmap.astype(float)
    ones = np.ones_like(x)
    if padding == "same":
        pads = [_split(n, pool_size, stride)[1:] for n in fmap.shape]
        x, ones = np.pad(x, pads), np.pad(ones, pads)
    sums = sliding_window_view(x, (pool_size, pool_size))[::stride, ::stride].sum(axis=(2, 3))
    counts = sliding_window_view(ones, (pool_size, pool_size))[::stride, ::stride].sum(axis=(2, 3))
    return sums / counts


# --- 3.5 avg_pool (find the bug) ---------------------------------------------------


def ap_given(fmap, pool_size):
    out_h, out_w = fmap.shape[0] // pool_size, fmap.shape[1] // pool_size
    out = np.zeros_like(fmap, shape=(out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = fmap[i * pool_size : (i + 1) * pool_size, j * pool_size : (j + 1) * pool_size]
            out[i, j] = window.sum() / window.size
    return out


def ap_floor(fmap, pool_size):
    out_h, out_w = fmap.shape[0] // pool_size, fmap.shape[1] // pool_size
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = fmap[i * pool_size : (i + 1) * pool_size, j * pool_size : (j + 1) * pool_size]
            out[i, j] = window.sum() // window.size
    return out


def ap_full_size(fmap, pool_size):
    out_h, out_w = fmap.shape[0] // pool_size, fmap.shape[1] // pool_size
    out = np.zeros_like(fmap, dtype=float)
    for i in range(out_h):
        for j in range(out_w):
            window = fmap[i * pool_size : (i + 1) * pool_size, j * pool_size : (j + 1) * pool_size]
            out[i, j] = window.sum() / window.size
    return out


def ap_float_like(fmap, pool_size):
    out_h, out_w = fmap.shape[0] // pool_size, fmap.shape[1] // pool_size
    out = np.zeros_like(fmap, dtype=float, shape=(out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = fmap[i * pool_size : (i + 1) * pool_size, j * pool_size : (j + 1) * pool_size]
            out[i, j] = window.sum() / window.size
    return out


def ap_reshape(fmap, pool_size):
    h, w = fmap.shape[0] // pool_size, fmap.shape[1] // pool_size
    return fmap[: h * pool_size, : w * pool_size].reshape(h, pool_size, w, pool_size).mean(axis=(1, 3))


WRONG = [
    A("3.1", a22_zeros_like, "int_buffer", "np.zeros_like(fmap): an int buffer for int maps"),
    A("3.1", a22_floor_div, "floor_division", "sum // 4"),
    A("3.1", a22_sum, "summed", "sums only"),
    A("3.1", a22_by_two, "divided_by_side", "divided by 2"),
    A("3.2", div_full, "padding_counted", "pool_size ** 2 everywhere"),
    A("3.2", div_extra_first, "extra_cell_before", "odd cell first"),
    A("3.2", div_from_padding_no_clamp, "unclamped_total", "border counts from an unclamped total"),
    A("3.3", a2d_zero_pad, "padding_counted", "np.pad with zeros, then mean"),
    A("3.3", a2d_extra_first, "extra_cell_before", "odd cell first"),
    A("3.3", a2d_zeros_like, "int_buffer", "np.zeros_like(fmap, shape=...)"),
    A("3.4", [[9, 9, 9], [9, 9, 9], [9, 9, 9]], "padding_counted", "every window full"),
    A("3.4", [[4, 6, 6], [6, 9, 9], [6, 9, 9]], "extra_cell_before", "padding on top/left"),
    A("3.4", [[9, 9, 6], [9, 9, 6], [6, 6, 3]], "one_cell_off", "a slip in the corner"),
    A("3.5", ap_given, "int_buffer", "handed in unchanged"),
    A("3.5", ap_floor, "floor_division", "fixed the buffer but divided with //"),
    A("3.5", ap_full_size, "buffer_input_shape", "zeros_like(fmap, dtype=float): the input's shape"),
    A("3.6", (2, 2, "same"), "no_overlap", "windows touch but do not overlap"),
    A("3.6", (3, 2, "valid"), "valid_too_small", "'valid' gives 3x3"),
    A("3.6", (3, 1, "same"), "same_wrong_stride", "stride 1 keeps 7x7"),
]

RIGHT = [
    A("3.1", a22_loops, note="loops, / 4"),
    A("3.1", a22_reshape, note="crop + reshape + mean"),
    A("3.1", a22_sliding, note="sliding_window_view"),
    A("3.2", div_clip, note="clipped windows per axis, outer product by broadcasting"),
    A("3.2", div_add_at, note="np.add.at over every input cell"),
    A("3.3", a2d_clip, note="clipped windows"),
    A("3.3", a2d_nan_pad, note="np.pad with nan + np.nanmean"),
    A("3.3", a2d_sum_over_counts, note="sums over counts of ones"),
    A("3.4", [[9, 9, 6], [9, 9, 6], [6, 6, 4]], note="nested list"),
    A("3.5", ap_float_like, note="zeros_like with dtype=float"),
    A("3.5", ap_reshape, note="reshape + mean"),
    A("3.6", (3, 2, "same"), note="3, 2, 'same'"),
    A("3.6", (4, 1, "valid"), note="4, 1, 'valid'"),
    A("3.6", [5, 2, "same"], note="a list works too"),
]
