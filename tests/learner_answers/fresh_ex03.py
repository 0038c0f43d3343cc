"""A fresh set of learner answers to exercises/03_average_pooling.ipynb, written from the task texts only.

See fresh_ex01.py for what ``expect`` means.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tests.learner_answers import LearnerAnswer as A

# --- 3.1 ---------------------------------------------------------------------


def a_right(fmap):
    h, w = fmap.shape[0] // 2, fmap.shape[1] // 2
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            out[i, j] = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].mean()
    return out


def a_right_reshape(fmap):
    h, w = fmap.shape[0] // 2 * 2, fmap.shape[1] // 2 * 2
    return fmap[:h, :w].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3)).astype(float)


def a_zeros_like(fmap):
    h, w = fmap.shape[0] // 2, fmap.shape[1] // 2
    out = np.zeros_like(fmap[:h, :w])
    for i in range(h):
        for j in range(w):
            out[i, j] = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].mean()
    return out


def a_int_div(fmap):
    h, w = fmap.shape[0] // 2, fmap.shape[1] // 2
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            out[i, j] = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].sum() // 4
    return out


def a_div_2(fmap):
    h, w = fmap.shape[0] // 2, fmap.shape[1] // 2
    return np.array(
        [[fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].sum() / 2 for j in range(w)] for i in range(h)]
    )


def a_median(fmap):
    h, w = fmap.shape[0] // 2, fmap.shape[1] // 2
    return np.array(
        [[float(np.median(fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2])) for j in range(w)] for i in range(h)]
    )


def a_stride1(fmap):
    v = sliding_window_view(fmap, (2, 2)).mean(axis=(2, 3))
    return v[: fmap.shape[0] // 2, : fmap.shape[1] // 2]


def a_round(fmap):
    return np.round(a_right(fmap), 1)


# --- 3.2 ---------------------------------------------------------------------


def _axis_counts(n, f, s):
    out = -(-n // s)
    before = max((out - 1) * s + f - n, 0) // 2
    return np.array([min(i * s - before + f, n) - max(i * s - before, 0) for i in range(out)])


def b_right(height, width, pool_size, stride):
    return np.outer(_axis_counts(height, pool_size, stride), _axis_counts(width, pool_size, stride))


def b_right_loops(height, width, pool_size, stride):
    oh, ow = -(-height // stride), -(-width // stride)
    th = max((oh - 1) * stride + pool_size - height, 0)
    tw = max((ow - 1) * stride + pool_size - width, 0)
    out = np.zeros((oh, ow), dtype=int)
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * stride - th // 2, j * stride - tw // 2
            rows = min(r0 + pool_size, height) - max(r0, 0)
            cols = min(c0 + pool_size, width) - max(c0, 0)
            out[i, j] = rows * cols
    return out


def b_pad_before(height, width, pool_size, stride):
    def counts(n):
        out = -(-n // stride)
        total = max((out - 1) * stride + pool_size - n, 0)
        before = total - total // 2
        return np.array(
            [min(i * stride - before + pool_size, n) - max(i * stride - before, 0) for i in range(out)]
        )

    return np.outer(counts(height), counts(width))


def b_full(height, width, pool_size, stride):
    return np.full((-(-height // stride), -(-width // stride)), pool_size * pool_size)


def b_float(height, width, pool_size, stride):
    return b_right(height, width, pool_size, stride).astype(float)


def b_no_clamp(height, width, pool_size, stride):
    def counts(n):
        out = -(-n // stride)
        before = ((out - 1) * stride + pool_size - n) // 2
        return np.array(
            [min(i * stride - before + pool_size, n) - max(i * stride - before, 0) for i in range(out)]
        )

    return np.outer(counts(height), counts(width))


# --- 3.3 ---------------------------------------------------------------------


def c_right(fmap, pool_size, stride, padding):
    h, w = fmap.shape
    if padding == "same":
        oh, ow = -(-h // stride), -(-w // stride)
        top = max((oh - 1) * stride + pool_size - h, 0) // 2
        left = max((ow - 1) * stride + pool_size - w, 0) // 2
    else:
        oh, ow, top, left = (h - pool_size) // stride + 1, (w - pool_size) // stride + 1, 0, 0
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            r, c = i * stride - top, j * stride - left
            out[i, j] = fmap[max(r, 0) : r + pool_size, max(c, 0) : c + pool_size].mean()
    return out


def c_zero_pad(fmap, pool_size, stride, padding):
    h, w = fmap.shape
    if padding == "valid":
        return c_right(fmap, pool_size, stride, padding)
    oh, ow = -(-h // stride), -(-w // stride)
    th, tw = max((oh - 1) * stride + pool_size - h, 0), max((ow - 1) * stride + pool_size - w, 0)
    p = np.pad(fmap.astype(float), ((th // 2, th - th // 2), (tw // 2, tw - tw // 2)))
    return sliding_window_view(p, (pool_size, pool_size))[::stride, ::stride].mean(axis=(2, 3))[:oh, :ow]


def c_nan_pad(fmap, pool_size, stride, padding):
    h, w = fmap.shape
    if padding == "valid":
        return c_right(fmap, pool_size, stride, padding)
    oh, ow = -(-h // stride), -(-w // stride)
    th, tw = max((oh - 1) * stride + pool_size - h, 0), max((ow - 1) * stride + pool_size - w, 0)
    p = np.pad(fmap.astype(float), ((th // 2, th - th // 2), (tw // 2, tw - tw // 2)), constant_values=np.nan)
    return np.nanmean(sliding_window_view(p, (pool_size, pool_size))[::stride, ::stride], axis=(2, 3))[
        :oh, :ow
    ]


def c_int_buffer(fmap, pool_size, stride, padding):
    out = np.zeros_like(fmap, shape=c_right(fmap, pool_size, stride, padding).shape)
    out[...] = c_right(fmap, pool_size, stride, padding)
    return out


def c_same_as_valid(fmap, pool_size, stride, padding):
    return c_right(fmap, pool_size, stride, "valid")


def c_pad_before(fmap, pool_size, stride, padding):
    h, w = fmap.shape
    if padding == "valid":
        return c_right(fmap, pool_size, stride, padding)
    oh, ow = -(-h // stride), -(-w // stride)
    th, tw = max((oh - 1) * stride + pool_size - h, 0), max((ow - 1) * stride + pool_size - w, 0)
    top, left = th - th // 2, tw - tw // 2
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            r, c = i * stride - top, j * stride - left
            out[i, j] = fmap[max(r, 0) : r + pool_size, max(c, 0) : c + pool_size].mean()
    return out


def c_divide_full(fmap, pool_size, stride, padding):
    h, w = fmap.shape
    if padding == "valid":
        return c_right(fmap, pool_size, stride, padding)
    oh, ow = -(-h // stride), -(-w // stride)
    top = max((oh - 1) * stride + pool_size - h, 0) // 2
    left = max((ow - 1) * stride + pool_size - w, 0) // 2
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            r, c = i * stride - top, j * stride - left
            out[i, j] = fmap[max(r, 0) : r + pool_size, max(c, 0) : c + pool_size].sum() / pool_size**2
    return out


# --- 3.5 (find the bug) ------------------------------------------------------


def _avg(fmap, pool_size, buffer):
    out_h, out_w = fmap.shape[0] // pool_size, fmap.shape[1] // pool_size
    out = buffer((out_h, out_w), fmap)
    for i in range(out_h):
        for j in range(out_w):
            window = fmap[i * pool_size : (i + 1) * pool_size, j * pool_size : (j + 1) * pool_size]
            out[i, j] = window.sum() / window.size
    return out


def e_right_float(fmap, pool_size):
    return _avg(fmap, pool_size, lambda shape, f: np.zeros(shape, dtype=float))


def e_right_float64(fmap, pool_size):
    return _avg(fmap, pool_size, lambda shape, f: np.zeros(shape, dtype=np.float64))


def e_given_zeros_like(fmap, pool_size):
    return _avg(fmap, pool_size, lambda shape, f: np.zeros_like(f, shape=shape))


def e_int32(fmap, pool_size):
    return _avg(fmap, pool_size, lambda shape, f: np.zeros(shape, dtype=np.int32))


def e_cast_input_wrong(fmap, pool_size):
    return _avg(fmap.astype(int), pool_size, lambda shape, f: np.zeros(shape))


def e_floor_div(fmap, pool_size):
    out_h, out_w = fmap.shape[0] // pool_size, fmap.shape[1] // pool_size
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = fmap[i * pool_size : (i + 1) * pool_size, j * pool_size : (j + 1) * pool_size]
            out[i, j] = window.sum() // window.size
    return out


RIGHT = [
    A("3.1", a_right, note="loops and .mean()"),
    A("3.1", a_right_reshape, note="crop and reshape"),
    A("3.2", b_right, note="outer product of per-axis counts"),
    A("3.2", b_right_loops, note="loops"),
    A("3.3", c_right, note="clipped windows"),
    A("3.3", c_nan_pad, note="NaN padding and nanmean"),
    A("3.4", [[9, 9, 6], [9, 9, 6], [6, 6, 4]], note="by hand"),
    A("3.5", e_right_float, note="float buffer"),
    A("3.5", e_right_float64, note="float64 buffer"),
    A("3.6", (3, 2, "same"), note="3x3, stride 2, same"),
    A("3.6", (4, 1, "valid"), note="4x4, stride 1, valid"),
    A("3.6", [3, 2, "same"], note="a list"),
    A("3.6", (4, 2, "same"), note="4x4, stride 2, 'same': 4 outputs, windows overlap"),
    A("3.2", b_float, note="a float array of whole numbers: the values are right"),
    A(
        "3.2",
        b_no_clamp,
        note="unclamped split: with a negative total every window stays inside, same counts",
    ),
]

WRONG = [
    A("3.1", a_zeros_like, "int_buffer", "zeros_like of an int map"),
    A("3.1", a_int_div, "floor_division", "sum // 4"),
    A("3.1", a_div_2, "divided_by_side", "divided by 2"),
    A("3.1", a_median, "median", "median instead of mean"),
    A("3.1", a_stride1, "stride_one", "stride 1, cut to size"),
    A("3.1", a_round, "says:wrong values", "rounded to 1 decimal"),
    A("3.2", b_pad_before, "extra_cell_before", "odd cell before"),
    A("3.2", b_full, "padding_counted", "always pool_size ** 2"),
    A("3.3", c_zero_pad, "padding_counted", "zero padding"),
    A("3.3", c_int_buffer, "int_buffer", "zeros_like of an int map"),
    A("3.3", c_same_as_valid, "same_as_valid", "'same' as 'valid'"),
    A("3.3", c_pad_before, "extra_cell_before", "padding before"),
    A("3.3", c_divide_full, "padding_counted", "sum / pool_size ** 2"),
    A("3.4", [[9, 9, 6], [9, 9, 6], [6, 6, 6]], "one_cell_off", "corner slip"),
    A("3.4", [[9, 9, 9], [9, 9, 9], [9, 9, 9]], "padding_counted", "all nine"),
    A("3.4", [[4, 6, 6], [6, 9, 9], [6, 9, 9]], "extra_cell_before", "padding first"),
    A("3.4", [[9, 9, 6], [9, 9, 6], [6, 6]], "says:", "a short last row"),
    A("3.4", [[9, 9, 6], [9, 9, 6], [4, 6, 6]], "cells_off", "last row reversed"),
    A("3.5", e_given_zeros_like, "int_buffer", "zeros_like: the same bug"),
    A("3.5", e_int32, "int_buffer", "half fix: int32"),
    A("3.5", e_cast_input_wrong, "input_cast_to_int", "casts the input to int"),
    A("3.5", e_floor_div, "floor_division", "// instead of /"),
    A("3.6", (2, 2, "same"), "no_overlap", "2x2 stride 2: no overlap"),
    A("3.6", (3, 2, "valid"), "valid_too_small", "3x3 stride 2 valid: 3x3"),
    A("3.6", (3, 3, "same"), "no_overlap", "stride = pool size"),
]
