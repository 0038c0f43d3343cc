"""Learner answers to exercises/02_max_pooling.ipynb, written from the task texts."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tests.learner_answers import LearnerAnswer as A

# --- 2.1 max_pool_2x2 -------------------------------------------------------------


def m22_running_max(fmap):
    h, w = fmap.shape
    out = np.zeros((h // 2, w // 2))
    for i in range(h // 2):
        for j in range(w // 2):
            best = 0
            for a in range(2):
                for b in range(2):
                    if fmap[2 * i + a, 2 * j + b] > best:
                        best = fmap[2 * i + a, 2 * j + b]
            out[i, j] = best
    return out


def m22_int_output(fmap):
    h, w = fmap.shape
    out = np.zeros((h // 2, w // 2), dtype=int)
    for i in range(h // 2):
        for j in range(w // 2):
            out[i, j] = np.max(fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2])
    return out


def m22_stops_early(fmap):
    h, w = fmap.shape
    rows = []
    for i in range(0, h - 2, 2):
        rows.append([fmap[i : i + 2, j : j + 2].max() for j in range(0, w - 2, 2)])
    return np.array(rows)


def m22_columns_first(fmap):
    h, w = fmap.shape
    out = np.zeros((w // 2, h // 2))
    for j in range(w // 2):
        for i in range(h // 2):
            out[j, i] = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].max()
    return out


def m22_loops(fmap):
    h, w = fmap.shape
    out = np.empty((h // 2, w // 2), dtype=fmap.dtype)
    for i in range(h // 2):
        for j in range(w // 2):
            out[i, j] = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].max()
    return out


def m22_reshape(fmap):
    h, w = fmap.shape
    cropped = fmap[: h // 2 * 2, : w // 2 * 2]
    return cropped.reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))


def m22_sliding(fmap):
    return sliding_window_view(fmap, (2, 2))[::2, ::2].max(axis=(2, 3))


# --- 2.2 max_pool2d -----------------------------------------------------------------


def _same_pads(n, f, s):
    out = -(-n // s)
    total = max((out - 1) * s + f - n, 0)
    return total // 2, total - total // 2


def m2d_zero_pad(fmap, pool_size, stride, padding):
    if padding == "same":
        (t, b), (left, r) = (
            _same_pads(fmap.shape[0], pool_size, stride),
            _same_pads(fmap.shape[1], pool_size, stride),
        )
        fmap = np.pad(fmap, ((t, b), (left, r)))
    windows = sliding_window_view(fmap, (pool_size, pool_size))[::stride, ::stride]
    return windows.max(axis=(2, 3))


def m2d_extra_before(fmap, pool_size, stride, padding):
    h, w = fmap.shape
    if padding == "same":
        out_h, out_w = -(-h // stride), -(-w // stride)
        th = max((out_h - 1) * stride + pool_size - h, 0)
        tw = max((out_w - 1) * stride + pool_size - w, 0)
        top, left = th - th // 2, tw - tw // 2
    else:
        out_h, out_w = (h - pool_size) // stride + 1, (w - pool_size) // stride + 1
        top = left = 0
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            r, c = i * stride - top, j * stride - left
            out[i, j] = fmap[max(r, 0) : r + pool_size, max(c, 0) : c + pool_size].max()
    return out


def m2d_running_max(fmap, pool_size, stride, padding):
    h, w = fmap.shape
    top = left = 0
    if padding == "same":
        out_h, out_w = -(-h // stride), -(-w // stride)
        top = max((out_h - 1) * stride + pool_size - h, 0) // 2
        left = max((out_w - 1) * stride + pool_size - w, 0) // 2
    else:
        out_h, out_w = (h - pool_size) // stride + 1, (w - pool_size) // stride + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            best = 0.0
            for a in range(i * stride - top, i * stride - top + pool_size):
                for b in range(j * stride - left, j * stride - left + pool_size):
                    if 0 <= a < h and 0 <= b < w:
                        best = max(best, fmap[a, b])
            out[i, j] = best
    return out


def m2d_no_clamp(fmap, pool_size, stride, padding):
    h, w = fmap.shape
    top = left = 0
    if padding == "same":
        out_h, out_w = -(-h // stride), -(-w // stride)
        top = ((out_h - 1) * stride + pool_size - h) // 2
        left = ((out_w - 1) * stride + pool_size - w) // 2
    else:
        out_h, out_w = (h - pool_size) // stride + 1, (w - pool_size) // stride + 1
    out = np.empty((out_h, out_w), dtype=fmap.dtype)
    for i in range(out_h):
        for j in range(out_w):
            r, c = i * stride - top, j * stride - left
            out[i, j] = fmap[max(r, 0) : r + pool_size, max(c, 0) : c + pool_size].max()
    return out


def m2d_clip(fmap, pool_size, stride, padding):
    h, w = fmap.shape
    top = left = 0
    if padding == "same":
        out_h, out_w = -(-h // stride), -(-w // stride)
        top = max((out_h - 1) * stride + pool_size - h, 0) // 2
        left = max((out_w - 1) * stride + pool_size - w, 0) // 2
    else:
        out_h, out_w = (h - pool_size) // stride + 1, (w - pool_size) // stride + 1
    out = np.empty((out_h, out_w), dtype=fmap.dtype)
    for i in range(out_h):
        for j in range(out_w):
            r, c = i * stride - top, j * stride - left
            out[i, j] = fmap[max(r, 0) : r + pool_size, max(c, 0) : c + pool_size].max()
    return out


def m2d_pad_minus_inf(fmap, pool_size, stride, padding):
    if padding == "same":
        pads = [_same_pads(n, pool_size, stride) for n in fmap.shape]
        fmap = np.pad(fmap, pads, constant_values=-np.inf)
    return sliding_window_view(fmap, (pool_size, pool_size))[::stride, ::stride].max(axis=(2, 3))


# --- 2.3 max_pool_batch -------------------------------------------------------------


def mb_zero_pad(x, pool_size, strides, padding):
    (ph, pw), (sh, sw) = pool_size, strides
    if padding == "same":
        (t, b), (left, r) = _same_pads(x.shape[1], ph, sh), _same_pads(x.shape[2], pw, sw)
        x = np.pad(x, ((0, 0), (t, b), (left, r), (0, 0)))
    windows = sliding_window_view(x, (ph, pw), axis=(1, 2))[:, ::sh, ::sw]
    return windows.max(axis=(-2, -1))


def mb_first_item(x, pool_size, strides, padding):
    return m2d_batch_helper(x[:1], pool_size, strides, padding)


def mb_swapped(x, pool_size, strides, padding):
    pw, ph = pool_size
    sw, sh = strides
    return m2d_batch_helper(x, (ph, pw), (sh, sw), padding)


def mb_all_maxed(x, pool_size, strides, padding):
    out = m2d_batch_helper(x, pool_size, strides, padding)
    return out.max(axis=-1)


def _pool_axis(n, f, s, padding):
    if padding == "same":
        out = -(-n // s)
        before = max((out - 1) * s + f - n, 0) // 2
        return [(i * s - before, i * s - before + f) for i in range(out)]
    return [(i * s, i * s + f) for i in range((n - f) // s + 1)]


def m2d_batch_helper(x, pool_size, strides, padding):
    rows = _pool_axis(x.shape[1], pool_size[0], strides[0], padding)
    cols = _pool_axis(x.shape[2], pool_size[1], strides[1], padding)
    out = np.empty((x.shape[0], len(rows), len(cols), x.shape[3]), dtype=x.dtype)
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            out[:, i, j, :] = x[:, max(r0, 0) : r1, max(c0, 0) : c1, :].max(axis=(1, 2))
    return out


def mb_per_map(x, pool_size, strides, padding):
    maps = []
    for b in range(x.shape[0]):
        channels = []
        for c in range(x.shape[3]):
            channels.append(
                m2d_batch_helper(x[b : b + 1, :, :, c : c + 1], pool_size, strides, padding)[0, :, :, 0]
            )
        maps.append(np.stack(channels, axis=-1))
    return np.stack(maps)


def mb_minus_inf(x, pool_size, strides, padding):
    (ph, pw), (sh, sw) = pool_size, strides
    if padding == "same":
        (t, b), (left, r) = _same_pads(x.shape[1], ph, sh), _same_pads(x.shape[2], pw, sw)
        x = np.pad(x, ((0, 0), (t, b), (left, r), (0, 0)), constant_values=-np.inf)
    return sliding_window_view(x, (ph, pw), axis=(1, 2))[:, ::sh, ::sw].max(axis=(-2, -1))


# --- 2.4 max_pool_valid (find the bug) ------------------------------------------------


def given_bug(fmap, pool_size, stride):
    out_h = (fmap.shape[0] - pool_size) // stride + 1
    out_w = (fmap.shape[1] - pool_size) // stride + 1
    out = np.zeros((out_h, out_w), dtype=fmap.dtype)
    for i in range(out_h):
        for j in range(out_w):
            best = 0
            for a in range(pool_size):
                for b in range(pool_size):
                    best = max(best, fmap[i * stride + a, j * stride + b])
            out[i, j] = best
    return out


def fixed_but_int_output(fmap, pool_size, stride):
    out_h = (fmap.shape[0] - pool_size) // stride + 1
    out_w = (fmap.shape[1] - pool_size) // stride + 1
    out = np.zeros((out_h, out_w), dtype=int)
    for i in range(out_h):
        for j in range(out_w):
            best = -np.inf
            for a in range(pool_size):
                for b in range(pool_size):
                    best = max(best, fmap[i * stride + a, j * stride + b])
            out[i, j] = best
    return out


def fixed_from_wrong_cell(fmap, pool_size, stride):
    out_h = (fmap.shape[0] - pool_size) // stride + 1
    out_w = (fmap.shape[1] - pool_size) // stride + 1
    out = np.zeros((out_h, out_w), dtype=fmap.dtype)
    for i in range(out_h):
        for j in range(out_w):
            best = fmap[i, j]
            for a in range(pool_size):
                for b in range(pool_size):
                    best = max(best, fmap[i * stride + a, j * stride + b])
            out[i, j] = best
    return out


def fixed_first_cell(fmap, pool_size, stride):
    out_h = (fmap.shape[0] - pool_size) // stride + 1
    out_w = (fmap.shape[1] - pool_size) // stride + 1
    out = np.zeros((out_h, out_w), dtype=fmap.dtype)
    for i in range(out_h):
        for j in range(out_w):
            best = fmap[i * stride, j * stride]
            for a in range(pool_size):
                for b in range(pool_size):
                    best = max(best, fmap[i * stride + a, j * stride + b])
            out[i, j] = best
    return out


def fixed_by_slicing(fmap, pool_size, stride):
    out_h = (fmap.shape[0] - pool_size) // stride + 1
    out_w = (fmap.shape[1] - pool_size) // stride + 1
    out = np.zeros((out_h, out_w), dtype=fmap.dtype)
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = fmap[i * stride : i * stride + pool_size, j * stride : j * stride + pool_size].max()
    return out


WRONG = [
    A("2.1", m22_running_max, "running_max_from_zero", "running max from 0"),
    A("2.1", m22_int_output, "int_buffer", "np.zeros(..., dtype=int)"),
    A("2.1", m22_stops_early, "last_window_missing", "range(0, h - 2, 2)"),
    A("2.1", m22_columns_first, "height_width_swapped", "out[j, i]"),
    A("2.2", m2d_zero_pad, "zero_padding", "np.pad with zeros"),
    A("2.2", m2d_extra_before, "extra_cell_before", "odd cell on top/left"),
    A("2.2", m2d_running_max, "running_max_from_zero", "running max from 0.0"),
    A("2.2", m2d_no_clamp, "unclamped_total", "padding total not clamped"),
    A("2.3", mb_zero_pad, "zero_padding", "np.pad with zeros on axes 1, 2"),
    A("2.3", mb_first_item, "first_item_only", "x[:1]"),
    A("2.3", mb_swapped, "height_width_swapped", "pw, ph = pool_size"),
    A("2.3", mb_all_maxed, "channels_reduced", "max over the channels too"),
    A("2.4", given_bug, "running_max_from_zero", "handed in unchanged"),
    A("2.4", fixed_but_int_output, "int_buffer", "fixed best, but an int output"),
    A(
        "2.4",
        fixed_from_wrong_cell,
        "start_outside_window",
        "starts from fmap[i, j], not the window's first cell",
    ),
    A("2.5", [[6, 9], [5, 8]], "used_2x2", "the 2x2/2 answer of Exercise 2.1"),
    A("2.5", [[6, 9], [6, 8]], "extra_cell_before", "padding on top/left"),
    A("2.5", [[8]], "same_as_valid", "the 'valid' output"),
    A(
        "2.5",
        [[6, 6, 9, 9], [6, 8, 9, 9], [6, 8, 8, 8], [5, 8, 8, 8]],
        "stride_one",
        "stride 1: a 4x4 output",
    ),
    A("2.6", [[-1, 0], [0, 0]], "zero_padding", "padding zeros win"),
    A("2.6", [[0, 0], [0, 0]], "running_max_from_zero", "everything is 0"),
    A("2.6", [[-1, -2], [-4, -5]], "extra_cell_before", "padding on top/left"),
    A("2.6", [[-1]], "same_as_valid", "'valid'"),
    A("2.7", "A", "option_A", "speed"),
    A("2.7", "C", "option_C", "np.pad"),
    A("2.7", "D", "option_D", "smaller output"),
]

RIGHT = [
    A("2.1", m22_loops, note="loops"),
    A("2.1", m22_reshape, note="crop + reshape trick"),
    A("2.1", m22_sliding, note="sliding_window_view"),
    A("2.2", m2d_clip, note="clipped windows"),
    A("2.2", m2d_pad_minus_inf, note="np.pad with -inf + sliding_window_view"),
    A("2.3", mb_per_map, note="one map at a time"),
    A("2.3", mb_minus_inf, note="-inf padding, vectorised"),
    A("2.3", m2d_batch_helper, note="window slices over all items and channels"),
    A("2.4", fixed_first_cell, note="starts from the window's first cell"),
    A("2.4", fixed_by_slicing, note="slice .max()"),
    A("2.5", [[8, 9], [8, 8]], note="nested list"),
    A("2.5", np.array([[8.0, 9.0], [8.0, 8.0]]), note="an array"),
    A("2.6", [[-1, -3], [-7, -9]], note="nested list"),
    A("2.7", "B", note="B"),
]
