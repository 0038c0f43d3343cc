"""A fresh set of learner answers to exercises/08_porting_between_frameworks.ipynb, written from the task texts only.

See fresh_ex01.py for what ``expect`` means.
"""

import math

import numpy as np

from tests.learner_answers import LearnerAnswer as A

# --- 8.2 ---------------------------------------------------------------------


def t_right(fmap, kernel_size, stride, padding):
    p = np.pad(fmap.astype(float), padding)
    oh, ow = (p.shape[0] - kernel_size) // stride + 1, (p.shape[1] - kernel_size) // stride + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = (
                p[i * stride : i * stride + kernel_size, j * stride : j * stride + kernel_size].sum()
                / kernel_size**2
            )
    return out


def t_right_sliding(fmap, kernel_size, stride, padding):
    from numpy.lib.stride_tricks import sliding_window_view

    p = np.pad(np.asarray(fmap, dtype=np.float64), ((padding, padding), (padding, padding)))
    return sliding_window_view(p, (kernel_size, kernel_size))[::stride, ::stride].mean(axis=(2, 3))


def t_real_cells(fmap, kernel_size, stride, padding):
    p = np.pad(fmap.astype(float), padding, constant_values=np.nan)
    oh, ow = (p.shape[0] - kernel_size) // stride + 1, (p.shape[1] - kernel_size) // stride + 1
    return np.array(
        [
            [
                np.nanmean(p[i * stride : i * stride + kernel_size, j * stride : j * stride + kernel_size])
                for j in range(ow)
            ]
            for i in range(oh)
        ]
    )


def t_int_buffer(fmap, kernel_size, stride, padding):
    p = np.pad(fmap, padding)
    oh, ow = (p.shape[0] - kernel_size) // stride + 1, (p.shape[1] - kernel_size) // stride + 1
    out = np.zeros_like(p, shape=(oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = p[i * stride : i * stride + kernel_size, j * stride : j * stride + kernel_size].mean()
    return out


def t_pad_after(fmap, kernel_size, stride, padding):
    p = np.pad(fmap.astype(float), ((0, 2 * padding), (0, 2 * padding)))
    oh, ow = (p.shape[0] - kernel_size) // stride + 1, (p.shape[1] - kernel_size) // stride + 1
    return np.array(
        [
            [
                p[i * stride : i * stride + kernel_size, j * stride : j * stride + kernel_size].mean()
                for j in range(ow)
            ]
            for i in range(oh)
        ]
    )


def t_no_pad(fmap, kernel_size, stride, padding):
    f = fmap.astype(float)
    oh, ow = (f.shape[0] - kernel_size) // stride + 1, (f.shape[1] - kernel_size) // stride + 1
    return np.array(
        [
            [
                f[i * stride : i * stride + kernel_size, j * stride : j * stride + kernel_size].mean()
                for j in range(ow)
            ]
            for i in range(oh)
        ]
    )


def t_edge_pad(fmap, kernel_size, stride, padding):
    p = np.pad(fmap.astype(float), padding, mode="edge")
    oh, ow = (p.shape[0] - kernel_size) // stride + 1, (p.shape[1] - kernel_size) // stride + 1
    return np.array(
        [
            [
                p[i * stride : i * stride + kernel_size, j * stride : j * stride + kernel_size].mean()
                for j in range(ow)
            ]
            for i in range(oh)
        ]
    )


def t_ceil_out(fmap, kernel_size, stride, padding):
    p = np.pad(fmap.astype(float), padding)
    oh = math.ceil((p.shape[0] - kernel_size) / stride) + 1
    ow = math.ceil((p.shape[1] - kernel_size) / stride) + 1
    return np.array(
        [
            [
                p[i * stride : i * stride + kernel_size, j * stride : j * stride + kernel_size].mean()
                for j in range(ow)
            ]
            for i in range(oh)
        ]
    )


# --- 8.3 ---------------------------------------------------------------------


def o_right(n, kernel_size, stride, padding, ceil_mode):
    span = n + 2 * padding - kernel_size
    out = (math.ceil(span / stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= n + padding:
        out -= 1
    return out


def o_no_rule(n, kernel_size, stride, padding, ceil_mode):
    span = n + 2 * padding - kernel_size
    return (math.ceil(span / stride) if ceil_mode else span // stride) + 1


def o_ceil_ignored(n, kernel_size, stride, padding, ceil_mode):
    return (n + 2 * padding - kernel_size) // stride + 1


def o_one_side(n, kernel_size, stride, padding, ceil_mode):
    span = n + padding - kernel_size
    return (math.ceil(span / stride) if ceil_mode else span // stride) + 1


def o_float(n, kernel_size, stride, padding, ceil_mode):
    span = n + 2 * padding - kernel_size
    return (math.ceil(span / stride) if ceil_mode else span / stride) + 1


def o_keras_same(n, kernel_size, stride, padding, ceil_mode):
    return math.ceil(n / stride)


# --- 8.4 (find the bug: zero padding) ----------------------------------------


def _given(fmap, kernel_size, stride, padded):
    out_h = (padded.shape[0] - kernel_size) // stride + 1
    out_w = (padded.shape[1] - kernel_size) // stride + 1
    out = np.empty((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = padded[
                i * stride : i * stride + kernel_size, j * stride : j * stride + kernel_size
            ].max()
    return out


def p_right(fmap, kernel_size, stride, padding):
    return _given(fmap, kernel_size, stride, np.pad(fmap.astype(float), padding, constant_values=-np.inf))


def p_right_min(fmap, kernel_size, stride, padding):
    low = fmap.min() - 1
    return _given(fmap, kernel_size, stride, np.pad(fmap, padding, constant_values=low))


def p_unchanged(fmap, kernel_size, stride, padding):
    return _given(fmap, kernel_size, stride, np.pad(fmap, padding))


def p_minus_one(fmap, kernel_size, stride, padding):
    return _given(fmap, kernel_size, stride, np.pad(fmap, padding, constant_values=-1))


def p_after_only(fmap, kernel_size, stride, padding):
    return _given(
        fmap, kernel_size, stride, np.pad(fmap, ((0, 2 * padding), (0, 2 * padding)), constant_values=-np.inf)
    )


def p_nan(fmap, kernel_size, stride, padding):
    return _given(fmap, kernel_size, stride, np.pad(fmap, padding, constant_values=np.nan))


RIGHT = [
    A("8.1", [4 / 9, 1.0], note="fractions"),
    A("8.1", [0.4444444444, 1], note="decimals"),
    A("8.2", t_right, note="np.pad and sum / k**2"),
    A("8.2", t_right_sliding, note="sliding_window_view"),
    A("8.3", o_right, note="floor/ceil and the start rule"),
    A("8.4", p_right, note="-inf padding"),
    A("8.4", p_right_min, note="padding below the map's minimum"),
    A("8.5", "B", note="ZeroPadding2D then 'valid'"),
]

WRONG = [
    A("8.1", [1.0, 1.0], "padding_never_counted", "padding ignored both times"),
    A("8.1", [1.0, 4 / 9], "swapped", "order swapped"),
    A("8.1", [0.44, 1.0], "rounded", "rounded to 2 decimals"),
    A("8.1", [4 / 9, 4 / 9], "padding_always_counted", "padding counted both times"),
    A("8.1", [5 / 9, 1.0], "one_cell_off", "counted the padding cells instead of the ones"),
    A("8.1", 4 / 9, "says:", "one number"),
    A("8.2", t_real_cells, "count_exclude_pad", "averages real cells only"),
    A("8.2", t_int_buffer, "int_buffer", "zeros_like of an int map"),
    A("8.2", t_pad_after, "padding_after_only", "all padding after"),
    A("8.2", t_no_pad, "no_padding", "no padding"),
    A("8.2", t_edge_pad, "edge_padding", "edge padding"),
    A("8.2", t_ceil_out, "ceil_mode_used", "ceil for the output size"),
    A("8.3", o_no_rule, "ceil_without_start_rule", "no start rule"),
    A("8.3", o_ceil_ignored, "ceil_mode_ignored", "ceil_mode ignored"),
    A("8.3", o_one_side, "padding_one_side", "padding on one side"),
    A("8.3", o_float, "says:expected an int", "a float"),
    A("8.3", o_keras_same, "keras_same_size", "Keras' 'same' size"),
    A("8.4", p_unchanged, "zero_padding", "unchanged"),
    A("8.4", p_minus_one, "zero_padding", "half fix: pad with -1"),
    A("8.4", p_after_only, "padding_after_only", "padding after only"),
    A("8.4", p_nan, "nan_padding", "NaN padding"),
    A("8.5", "A", "option_A", "'same'"),
    A("8.5", "C", "option_C", "pad then 'same'"),
    A("8.5", "D", "option_D", "'valid' only"),
]
