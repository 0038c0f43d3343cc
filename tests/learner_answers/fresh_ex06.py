"""A fresh set of learner answers to exercises/06_gradients.ipynb, written from the task texts only.

See fresh_ex01.py for what ``expect`` means.
"""

import numpy as np

from tests.learner_answers import LearnerAnswer as A

# --- 6.1 ---------------------------------------------------------------------


def b1_right(dy, fmap):
    dx = np.zeros(fmap.shape)
    for i in range(fmap.shape[0] // 2):
        for j in range(fmap.shape[1] // 2):
            w = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            r, c = np.unravel_index(np.argmax(w), (2, 2))
            dx[2 * i + r, 2 * j + c] = dy[i, j]
    return dx


def b1_right_flat(dy, fmap):
    dx = np.zeros(fmap.shape, dtype=float)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            k = int(np.argmax(fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]))
            dx[2 * i + k // 2, 2 * j + k % 2] += dy[i, j]
    return dx


def b1_mask_all(dy, fmap):
    dx = np.zeros(fmap.shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            w = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            dx[2 * i : 2 * i + 2, 2 * j : 2 * j + 2] = (w == w.max()) * dy[i, j]
    return dx


def b1_last_max(dy, fmap):
    dx = np.zeros(fmap.shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            w = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].ravel()
            k = 3 - int(np.argmax(w[::-1]))
            dx[2 * i + k // 2, 2 * j + k % 2] = dy[i, j]
    return dx


def b1_spread(dy, fmap):
    dx = np.zeros(fmap.shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            dx[2 * i : 2 * i + 2, 2 * j : 2 * j + 2] = dy[i, j] / 4
    return dx


def b1_values(dy, fmap):
    dx = np.zeros(fmap.shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            w = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            r, c = np.unravel_index(np.argmax(w), (2, 2))
            dx[2 * i + r, 2 * j + c] = w[r, c]
    return dx


def b1_zeros_like(dy, fmap):
    dx = np.zeros_like(fmap)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            w = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            r, c = np.unravel_index(np.argmax(w), (2, 2))
            dx[2 * i + r, 2 * j + c] = dy[i, j]
    return dx


def b1_shape_of_dy(dy, fmap):
    return np.kron(dy, np.ones((2, 2)))


# --- 6.2 ---------------------------------------------------------------------


def _plan(n, f, s, padding):
    if padding == "same":
        out = -(-n // s)
        return out, max((out - 1) * s + f - n, 0) // 2
    return (n - f) // s + 1, 0


def b2_right(dy, fmap, pool_size, stride, padding):
    (oh, top), (ow, left) = (_plan(n, pool_size, stride, padding) for n in fmap.shape)
    dx = np.zeros(fmap.shape)
    for i in range(oh):
        for j in range(ow):
            r, c = max(i * stride - top, 0), max(j * stride - left, 0)
            w = fmap[r : i * stride - top + pool_size, c : j * stride - left + pool_size]
            a, b = np.unravel_index(np.argmax(w), w.shape)
            dx[r + a, c + b] += dy[i, j]
    return dx


def b2_zeros_like(dy, fmap, pool_size, stride, padding):
    (oh, top), (ow, left) = (_plan(n, pool_size, stride, padding) for n in fmap.shape)
    dx = np.zeros_like(fmap)
    for i in range(oh):
        for j in range(ow):
            r, c = max(i * stride - top, 0), max(j * stride - left, 0)
            w = fmap[r : i * stride - top + pool_size, c : j * stride - left + pool_size]
            a, b = np.unravel_index(np.argmax(w), w.shape)
            dx[r + a, c + b] += dy[i, j]
    return dx


def b2_assign(dy, fmap, pool_size, stride, padding):
    (oh, top), (ow, left) = (_plan(n, pool_size, stride, padding) for n in fmap.shape)
    dx = np.zeros(fmap.shape)
    for i in range(oh):
        for j in range(ow):
            r, c = max(i * stride - top, 0), max(j * stride - left, 0)
            w = fmap[r : i * stride - top + pool_size, c : j * stride - left + pool_size]
            a, b = np.unravel_index(np.argmax(w), w.shape)
            dx[r + a, c + b] = dy[i, j]
    return dx


def b2_zero_pad(dy, fmap, pool_size, stride, padding):
    h, w = fmap.shape
    (oh, top), (ow, left) = (_plan(n, pool_size, stride, padding) for n in fmap.shape)
    bottom, right = (
        max((oh - 1) * stride + pool_size - h - top, 0),
        max((ow - 1) * stride + pool_size - w - left, 0),
    )
    p = np.pad(fmap.astype(float), ((top, bottom), (left, right)))
    dxp = np.zeros(p.shape)
    for i in range(oh):
        for j in range(ow):
            win = p[i * stride : i * stride + pool_size, j * stride : j * stride + pool_size]
            a, b = np.unravel_index(np.argmax(win), win.shape)
            dxp[i * stride + a, j * stride + b] += dy[i, j]
    return dxp[top : top + h, left : left + w]


def b2_pad_before(dy, fmap, pool_size, stride, padding):
    h, w = fmap.shape
    oh, ow = (_plan(n, pool_size, stride, padding)[0] for n in fmap.shape)
    tot = [
        max((o - 1) * stride + pool_size - n, 0) if padding == "same" else 0 for o, n in ((oh, h), (ow, w))
    ]
    top, left = (t - t // 2 for t in tot)
    dx = np.zeros(fmap.shape)
    for i in range(oh):
        for j in range(ow):
            r, c = max(i * stride - top, 0), max(j * stride - left, 0)
            win = fmap[r : i * stride - top + pool_size, c : j * stride - left + pool_size]
            a, b = np.unravel_index(np.argmax(win), win.shape)
            dx[r + a, c + b] += dy[i, j]
    return dx


def b2_last_tie(dy, fmap, pool_size, stride, padding):
    (oh, top), (ow, left) = (_plan(n, pool_size, stride, padding) for n in fmap.shape)
    dx = np.zeros(fmap.shape)
    for i in range(oh):
        for j in range(ow):
            r, c = max(i * stride - top, 0), max(j * stride - left, 0)
            win = fmap[r : i * stride - top + pool_size, c : j * stride - left + pool_size]
            hits = np.argwhere(win == win.max())
            a, b = hits[-1]
            dx[r + a, c + b] += dy[i, j]
    return dx


# --- 6.3 ---------------------------------------------------------------------


def b3_right(dy, input_shape, pool_size, stride, padding):
    (oh, top), (ow, left) = (_plan(n, pool_size, stride, padding) for n in input_shape)
    dx = np.zeros(input_shape)
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * stride - top, j * stride - left
            rs, cs = slice(max(r0, 0), r0 + pool_size), slice(max(c0, 0), c0 + pool_size)
            cells = dx[rs, cs].size
            dx[rs, cs] += dy[i, j] / cells
    return dx


def b3_full_divisor(dy, input_shape, pool_size, stride, padding):
    (oh, top), (ow, left) = (_plan(n, pool_size, stride, padding) for n in input_shape)
    dx = np.zeros(input_shape)
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * stride - top, j * stride - left
            dx[max(r0, 0) : r0 + pool_size, max(c0, 0) : c0 + pool_size] += dy[i, j] / pool_size**2
    return dx


def b3_no_divide(dy, input_shape, pool_size, stride, padding):
    (oh, top), (ow, left) = (_plan(n, pool_size, stride, padding) for n in input_shape)
    dx = np.zeros(input_shape)
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * stride - top, j * stride - left
            dx[max(r0, 0) : r0 + pool_size, max(c0, 0) : c0 + pool_size] += dy[i, j]
    return dx


def b3_assign(dy, input_shape, pool_size, stride, padding):
    (oh, top), (ow, left) = (_plan(n, pool_size, stride, padding) for n in input_shape)
    dx = np.zeros(input_shape)
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * stride - top, j * stride - left
            rs, cs = slice(max(r0, 0), r0 + pool_size), slice(max(c0, 0), c0 + pool_size)
            dx[rs, cs] = dy[i, j] / dx[rs, cs].size
    return dx


def b3_int_dx(dy, input_shape, pool_size, stride, padding):
    return np.floor(b3_right(dy, input_shape, pool_size, stride, padding)).astype(int)


# --- 6.5 (find the bug) ------------------------------------------------------


def _blocks(fmap):
    h, w = fmap.shape[0] // 2 * 2, fmap.shape[1] // 2 * 2
    return h, w, fmap[:h, :w].reshape(h // 2, 2, w // 2, 2).transpose(0, 2, 1, 3).reshape(h // 2, w // 2, 4)


def _scatter(fmap, h, w, grads):
    dx = np.zeros(fmap.shape)
    dx[:h, :w] = grads.reshape(h // 2, w // 2, 2, 2).transpose(0, 2, 1, 3).reshape(h, w)
    return dx


def m_right(dy, fmap):
    h, w, cells = _blocks(fmap)
    mask = np.arange(4) == cells.argmax(-1)[..., None]
    return _scatter(fmap, h, w, mask * dy[..., None])


def m_right_cumsum(dy, fmap):
    h, w, cells = _blocks(fmap)
    mask = cells == cells.max(-1, keepdims=True)
    mask &= np.cumsum(mask, axis=-1) == 1
    return _scatter(fmap, h, w, mask * dy[..., None])


def m_unchanged(dy, fmap):
    h, w, cells = _blocks(fmap)
    mask = cells == cells.max(-1, keepdims=True)
    return _scatter(fmap, h, w, mask * dy[..., None])


def m_divide_by_ties(dy, fmap):
    h, w, cells = _blocks(fmap)
    mask = cells == cells.max(-1, keepdims=True)
    return _scatter(fmap, h, w, mask / mask.sum(-1, keepdims=True) * dy[..., None])


def m_last(dy, fmap):
    h, w, cells = _blocks(fmap)
    mask = np.arange(4) == (3 - cells[..., ::-1].argmax(-1))[..., None]
    return _scatter(fmap, h, w, mask * dy[..., None])


def m_half_fix_strict(dy, fmap):
    # "only one winner": a strict comparison with the max, which no cell passes
    h, w, cells = _blocks(fmap)
    tied = cells == cells.max(-1, keepdims=True)
    mask = tied & (tied.sum(-1, keepdims=True) == 1)
    return _scatter(fmap, h, w, mask * dy[..., None])


RIGHT = [
    A("6.1", b1_right, note="unravel_index of argmax"),
    A("6.1", b1_right_flat, note="flat argmax"),
    A("6.2", b2_right, note="clipped windows, +="),
    A("6.3", b3_right, note="share over the real cells"),
    A("6.4", [[0, 0, 0, 0], [0, 0, 6, 0], [0, 0, 0, 0], [0, 0, 0, 4]], note="by hand"),
    A("6.4", np.array([[0.0, 0, 0, 0], [0, 0, 6, 0], [0, 0, 0, 0], [0, 0, 0, 4]]), note="as an array"),
    A("6.5", m_right, note="argmax mask"),
    A("6.5", m_right_cumsum, note="first True via cumsum"),
]

WRONG = [
    A("6.1", b1_mask_all, "tie_all", "every tied max gets dy"),
    A("6.1", b1_last_max, "tie_last", "last max"),
    A("6.1", b1_spread, "spread_like_average", "spread evenly, as for an average"),
    A("6.1", b1_values, "values_not_gradients", "the input's values"),
    A("6.1", b1_zeros_like, "int_buffer", "zeros_like(fmap) of an int map"),
    A("6.1", b1_shape_of_dy, "gradient_everywhere", "dy copied into every cell"),
    A("6.2", b2_zeros_like, "int_buffer", "zeros_like(fmap)"),
    A("6.2", b2_assign, "overlap_assigned", "= instead of +="),
    A("6.2", b2_zero_pad, "zero_padding", "zero padding"),
    A("6.2", b2_pad_before, "extra_cell_before", "padding before"),
    A("6.2", b2_last_tie, "tie_last", "last tie"),
    A("6.3", b3_full_divisor, "divisor_full_window", "divides by pool_size ** 2"),
    A("6.3", b3_no_divide, "no_divisor", "no division"),
    A("6.3", b3_assign, "overlap_assigned", "= instead of +="),
    A("6.3", b3_int_dx, "int_buffer", "floored to ints"),
    A("6.4", [[0, 0, 0, 0], [0, 0, 6, 0], [0, 0, 0, 0], [0, 0, 0, 3]], "one_cell_off", "the 4 written as 3"),
    A("6.4", [[0, 0, 0, 0], [0, 0, 0, 0], [0, 6, 0, 0], [0, 0, 0, 4]], "tie_column_major", "the other 7"),
    A(
        "6.4",
        [[0, 0, 0, 0], [0, 0, 3, 0], [0, 0, 0, 0], [0, 0, 0, 4]],
        "overlap_assigned",
        "only the last window",
    ),
    A("6.4", [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 6, 0], [0, 0, 0, 4]], "cells_off", "6 on the 5"),
    A("6.4", [[0, 0, 0, 4], [0, 0, 0, 0], [0, 0, 6, 0], [0, 0, 0, 0]], "flipped", "rows upside down"),
    A(
        "6.4",
        [[1, 2, 0, 0], [3, 4, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
        "dy_copied",
        "dy copied into the corner",
    ),
    A(
        "6.4",
        [[0, 0, 0, 0], [0, 0, 6, 0], [0, 0, 0, 0], [0, 0, 0, 4], [0, 0, 0, 0]],
        "says:expected shape",
        "5 rows",
    ),
    A("6.5", m_unchanged, "mask_all_ties", "handed in unchanged"),
    A("6.5", m_divide_by_ties, "tie_split", "half fix: split among ties"),
    A("6.5", m_last, "tie_last", "last max"),
    A("6.5", m_half_fix_strict, "tie_dropped", "only blocks with one max get dy"),
]
