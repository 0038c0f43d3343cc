"""A fresh set of learner answers to exercises/02_max_pooling.ipynb, written from the task texts only.

See fresh_ex01.py for what ``expect`` means.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tests.learner_answers import LearnerAnswer as A

# --- 2.1 ---------------------------------------------------------------------


def a_right_loops(fmap):
    h, w = fmap.shape[0] // 2, fmap.shape[1] // 2
    out = np.zeros((h, w), dtype=fmap.dtype)
    for i in range(h):
        for j in range(w):
            out[i, j] = np.max(fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2])
    return out


def a_right_max_of_four(fmap):
    h, w = fmap.shape[0] // 2 * 2, fmap.shape[1] // 2 * 2
    f = fmap[:h, :w]
    return np.maximum(np.maximum(f[0::2, 0::2], f[0::2, 1::2]), np.maximum(f[1::2, 0::2], f[1::2, 1::2]))


def a_reshape_no_crop(fmap):
    h, w = fmap.shape
    return fmap.reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))


def a_best_minus_one(fmap):
    h, w = fmap.shape[0] // 2, fmap.shape[1] // 2
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            best = -1
            for v in fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].flat:
                best = max(best, v)
            out[i, j] = best
    return out


def a_uint8(fmap):
    h, w = fmap.shape[0] // 2, fmap.shape[1] // 2
    out = np.empty((h, w), dtype=np.uint8)
    for i in range(h):
        for j in range(w):
            out[i, j] = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].max()
    return out


def a_stride_one(fmap):
    return sliding_window_view(fmap, (2, 2)).max(axis=(2, 3))[: fmap.shape[0] // 2, : fmap.shape[1] // 2]


def a_ij_swapped(fmap):
    h, w = fmap.shape[0] // 2, fmap.shape[1] // 2
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            out[i, j] = fmap[2 * j : 2 * j + 2, 2 * i : 2 * i + 2].max() if 2 * j + 1 < fmap.shape[0] else 0
    return out


def a_mean(fmap):
    h, w = fmap.shape[0] // 2, fmap.shape[1] // 2
    return np.array([[fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].mean() for j in range(w)] for i in range(h)])


def a_poolutils(fmap):
    from poolutils.pooling import max_pool

    return max_pool(fmap, 2)


# --- 2.2 ---------------------------------------------------------------------


def _out_and_pad(n, f, s, padding):
    if padding == "same":
        out = -(-n // s)
        return out, max((out - 1) * s + f - n, 0) // 2
    return (n - f) // s + 1, 0


def b_right(fmap, pool_size, stride, padding):
    (oh, top), (ow, left) = (_out_and_pad(n, pool_size, stride, padding) for n in fmap.shape)
    out = np.zeros((oh, ow), dtype=float)
    for i in range(oh):
        for j in range(ow):
            r, c = i * stride - top, j * stride - left
            out[i, j] = fmap[max(r, 0) : r + pool_size, max(c, 0) : c + pool_size].max()
    return out


def b_right_pad_inf(fmap, pool_size, stride, padding):
    (oh, top), (ow, left) = (_out_and_pad(n, pool_size, stride, padding) for n in fmap.shape)
    bottom = max((oh - 1) * stride + pool_size - fmap.shape[0] - top, 0)
    right = max((ow - 1) * stride + pool_size - fmap.shape[1] - left, 0)
    padded = np.pad(fmap.astype(float), ((top, bottom), (left, right)), constant_values=-np.inf)
    return sliding_window_view(padded, (pool_size, pool_size))[::stride, ::stride].max(axis=(2, 3))[:oh, :ow]


def b_pad_zeros(fmap, pool_size, stride, padding):
    (oh, top), (ow, left) = (_out_and_pad(n, pool_size, stride, padding) for n in fmap.shape)
    bottom = max((oh - 1) * stride + pool_size - fmap.shape[0] - top, 0)
    right = max((ow - 1) * stride + pool_size - fmap.shape[1] - left, 0)
    padded = np.pad(fmap, ((top, bottom), (left, right)))
    return sliding_window_view(padded, (pool_size, pool_size))[::stride, ::stride].max(axis=(2, 3))[:oh, :ow]


def b_pad_before(fmap, pool_size, stride, padding):
    oh, ow = (_out_and_pad(n, pool_size, stride, padding)[0] for n in fmap.shape)
    tot = [max((o - 1) * stride + pool_size - n, 0) for o, n in zip((oh, ow), fmap.shape)]
    top, left = (t - t // 2 for t in tot) if padding == "same" else (0, 0)
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            r, c = i * stride - top, j * stride - left
            out[i, j] = fmap[max(r, 0) : r + pool_size, max(c, 0) : c + pool_size].max()
    return out


def b_same_like_valid(fmap, pool_size, stride, padding):
    h, w = fmap.shape
    oh, ow = (h - pool_size) // stride + 1, (w - pool_size) // stride + 1
    return np.array(
        [
            [
                fmap[i * stride : i * stride + pool_size, j * stride : j * stride + pool_size].max()
                for j in range(ow)
            ]
            for i in range(oh)
        ]
    )


def b_stride_ignored(fmap, pool_size, stride, padding):
    return b_right(fmap, pool_size, pool_size, padding)[
        : _out_and_pad(fmap.shape[0], pool_size, stride, padding)[0],
        : _out_and_pad(fmap.shape[1], pool_size, stride, padding)[0],
    ]


def b_int_out(fmap, pool_size, stride, padding):
    return b_right(fmap, pool_size, stride, padding).astype(int)


def b_start_zero(fmap, pool_size, stride, padding):
    (oh, top), (ow, left) = (_out_and_pad(n, pool_size, stride, padding) for n in fmap.shape)
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            r, c = i * stride - top, j * stride - left
            best = 0.0
            for v in fmap[max(r, 0) : r + pool_size, max(c, 0) : c + pool_size].ravel():
                best = v if v > best else best
            out[i, j] = best
    return out


# --- 2.3 ---------------------------------------------------------------------


def c_right(x, pool_size, strides, padding):
    b, h, w, ch = x.shape
    (ph, pw), (sh, sw) = pool_size, strides
    (oh, top), (ow, left) = _out_and_pad(h, ph, sh, padding), _out_and_pad(w, pw, sw, padding)
    out = np.zeros((b, oh, ow, ch), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            r, c = i * sh - top, j * sw - left
            out[:, i, j, :] = x[:, max(r, 0) : r + ph, max(c, 0) : c + pw, :].max(axis=(1, 2))
    return out


def c_right_per_map(x, pool_size, strides, padding):
    maps = [
        [_pool_rect(x[n, :, :, k], pool_size, strides, padding) for k in range(x.shape[3])]
        for n in range(x.shape[0])
    ]
    return np.array(maps).transpose(0, 2, 3, 1)


def _pool_rect(m, pool_size, strides, padding):
    (ph, pw), (sh, sw) = pool_size, strides
    (oh, top), (ow, left) = (
        _out_and_pad(m.shape[0], ph, sh, padding),
        _out_and_pad(m.shape[1], pw, sw, padding),
    )
    return np.array(
        [
            [
                m[max(i * sh - top, 0) : i * sh - top + ph, max(j * sw - left, 0) : j * sw - left + pw].max()
                for j in range(ow)
            ]
            for i in range(oh)
        ]
    )


def c_axis_3(x, pool_size, strides, padding):
    b, h, w, ch = x.shape
    (ph, pw), (sh, sw) = pool_size, strides
    (oh, top), (ow, left) = _out_and_pad(h, ph, sh, padding), _out_and_pad(w, pw, sw, padding)
    out = np.zeros((b, oh, ow, ch))
    for i in range(oh):
        for j in range(ow):
            r, c = i * sh - top, j * sw - left
            out[:, i, j, :] = x[:, max(r, 0) : r + ph, max(c, 0) : c + pw, :].max(axis=(1, 2, 3))[:, None]
    return out


def c_uses_ph_for_width(x, pool_size, strides, padding):
    ph, _ = pool_size
    sh, _ = strides
    return c_right(x, (ph, ph), (sh, sh), padding)


def c_first_item(x, pool_size, strides, padding):
    one = c_right(x[:1], pool_size, strides, padding)
    return np.repeat(one, x.shape[0], axis=0)


def c_channels_first(x, pool_size, strides, padding):
    b, ch, h, w = x.shape  # read in PyTorch's (batch, channels, H, W) layout
    (ph, pw), (sh, sw) = pool_size, strides
    (oh, top), (ow, left) = _out_and_pad(h, ph, sh, padding), _out_and_pad(w, pw, sw, padding)
    out = np.zeros((b, ch, oh, ow))
    for i in range(oh):
        for j in range(ow):
            r, c = i * sh - top, j * sw - left
            out[:, :, i, j] = x[:, :, max(r, 0) : r + ph, max(c, 0) : c + pw].max(axis=(2, 3))
    return out


def c_zero_pad(x, pool_size, strides, padding):
    b, h, w, ch = x.shape
    (ph, pw), (sh, sw) = pool_size, strides
    (oh, top), (ow, left) = _out_and_pad(h, ph, sh, padding), _out_and_pad(w, pw, sw, padding)
    bottom, right = max((oh - 1) * sh + ph - h - top, 0), max((ow - 1) * sw + pw - w - left, 0)
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    out = np.zeros((b, oh, ow, ch))
    for i in range(oh):
        for j in range(ow):
            out[:, i, j, :] = xp[:, i * sh : i * sh + ph, j * sw : j * sw + pw, :].max(axis=(1, 2))
    return out


# --- 2.4 (find the bug: best = 0) --------------------------------------------


def _given(fmap, pool_size, stride, start):
    out_h = (fmap.shape[0] - pool_size) // stride + 1
    out_w = (fmap.shape[1] - pool_size) // stride + 1
    out = np.zeros((out_h, out_w), dtype=fmap.dtype)
    for i in range(out_h):
        for j in range(out_w):
            best = start(fmap, i * stride, j * stride)
            for a in range(pool_size):
                for b in range(pool_size):
                    best = max(best, fmap[i * stride + a, j * stride + b])
            out[i, j] = best
    return out


def d_right_inf(fmap, pool_size, stride):
    return _given(fmap, pool_size, stride, lambda f, r, c: -np.inf)


def d_right_first_cell(fmap, pool_size, stride):
    return _given(fmap, pool_size, stride, lambda f, r, c: f[r, c])


def d_unchanged(fmap, pool_size, stride):
    return _given(fmap, pool_size, stride, lambda f, r, c: 0)


def d_minus_one(fmap, pool_size, stride):
    return _given(fmap, pool_size, stride, lambda f, r, c: -1)


def d_map_min_wrong_dtype(fmap, pool_size, stride):
    return _given(fmap, pool_size, stride, lambda f, r, c: -10).astype(int)


def d_window_max_but_stride_lost(fmap, pool_size, stride):
    return _given(fmap, pool_size, 1, lambda f, r, c: -np.inf)[
        : (fmap.shape[0] - pool_size) // stride + 1, : (fmap.shape[1] - pool_size) // stride + 1
    ]


RIGHT = [
    A("2.1", a_right_loops, note="loops"),
    A("2.1", a_right_max_of_four, note="np.maximum of four strided views"),
    A("2.2", b_right, note="clipped windows"),
    A("2.2", b_right_pad_inf, note="np.pad with -inf"),
    A("2.3", c_right, note="vectorised over batch and channels"),
    A("2.3", c_right_per_map, note="per map"),
    A("2.4", d_right_inf, note="best = -np.inf"),
    A("2.4", d_right_first_cell, note="best = the window's first cell"),
    A("2.5", [[8, 9], [8, 8]], note="by hand"),
    A("2.5", np.array([[8.0, 9.0], [8.0, 8.0]]), note="as an array"),
    A("2.6", [[-1, -3], [-7, -9]], note="padding never wins"),
    A("2.7", "B", note="padding never wins"),
]

WRONG = [
    A("2.1", a_reshape_no_crop, "reshape_odd_size", "reshape without cropping an odd map"),
    A("2.1", a_best_minus_one, "running_max_from_zero", "running max from -1"),
    A("2.1", a_uint8, "int_buffer", "uint8 output"),
    A("2.1", a_stride_one, "stride_one", "windows every cell"),
    A("2.1", a_ij_swapped, "height_width_swapped", "i and j swapped in the slice"),
    A("2.1", a_mean, "averaged", "mean instead of max"),
    A("2.1", a_poolutils, "forbidden_library", "calls poolutils"),
    A("2.2", b_pad_zeros, "zero_padding", "np.pad with zeros"),
    A("2.2", b_pad_before, "extra_cell_before", "odd padding cell first"),
    A("2.2", b_same_like_valid, "same_as_valid", "'same' treated as 'valid'"),
    A("2.2", b_stride_ignored, "ignores_stride", "windows step by pool_size"),
    A("2.2", b_int_out, "int_buffer", "astype(int)"),
    A("2.2", b_start_zero, "running_max_from_zero", "running max from 0.0"),
    A("2.3", c_axis_3, "channels_reduced", "max over the channels too"),
    A("2.3", c_uses_ph_for_width, "first_size_for_both", "pool_size[0] for both axes"),
    A("2.3", c_first_item, "first_item_only", "only the first batch item"),
    A("2.3", c_channels_first, "channels_first", "treats the array as channels-first"),
    A("2.3", c_zero_pad, "zero_padding", "zero padding"),
    A("2.4", d_unchanged, "running_max_from_zero", "handed in unchanged"),
    A("2.4", d_minus_one, "running_max_from_zero", "half fix: best = -1"),
    A("2.4", d_map_min_wrong_dtype, "int_buffer", "best = -10 and an int cast"),
    A("2.4", d_window_max_but_stride_lost, "stride_one", "fixed the start, lost the stride"),
    A("2.5", [[8, 9], [8, 7]], "one_cell_off", "one slip: bottom-right"),
    A("2.5", [[8, 8], [9, 8]], "transposed", "transposed"),
    A("2.5", [[6, 9], [5, 8]], "used_2x2", "2x2 stride 2"),
    A("2.5", [[8, 9]], "says:expected shape", "one row"),
    A("2.5", [[6, 9], [8, 8]], "one_cell_off", "top-left slip"),
    A("2.5", [[8, 8], [8, 8]], "one_cell_off", "the 9 missed"),
    A("2.6", [[-1, 0], [0, 0]], "zero_padding", "zeros win"),
    A("2.6", [[-1, -3], [-7, -8]], "one_cell_off", "corner slip"),
    A("2.6", [[-1, -7], [-3, -9]], "transposed", "transposed"),
    A("2.6", [[-1, -2], [-4, -5]], "extra_cell_before", "windows start one cell early: padding before"),
    A("2.6", [[-1]], "same_as_valid", "'valid' only"),
    A("2.7", "A", "option_A", "speed"),
    A("2.7", "C", "option_C", "np.pad"),
    A("2.7", "D", "option_D", "smaller output"),
]
