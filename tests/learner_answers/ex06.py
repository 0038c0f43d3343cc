"""Learner-style answers to exercises/06_gradients.ipynb, written from the task texts."""

import numpy as np

from tests.learner_answers import LearnerAnswer

# --- 6.1 max_pool_backward_2x2 -----------------------------------------------


def back2x2_column_major(dy, fmap):
    dx = np.zeros(fmap.shape)
    for i in range(fmap.shape[0] // 2):
        for j in range(fmap.shape[1] // 2):
            window = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            k = np.argmax(window.T)  # transposed by accident: column by column
            dx[2 * i + k % 2, 2 * j + k // 2] += dy[i, j]
    return dx


def back2x2_mask(dy, fmap):
    dx = np.zeros(fmap.shape)
    for i in range(fmap.shape[0] // 2):
        for j in range(fmap.shape[1] // 2):
            window = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            dx[2 * i : 2 * i + 2, 2 * j : 2 * j + 2] = (window == window.max()) * dy[i, j]
    return dx


def back2x2_values(dy, fmap):
    dx = np.zeros(fmap.shape)
    for i in range(fmap.shape[0] // 2):
        for j in range(fmap.shape[1] // 2):
            window = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            r, c = np.unravel_index(window.argmax(), (2, 2))
            dx[2 * i + r, 2 * j + c] = window.max()
    return dx


def back2x2_last(dy, fmap):
    dx = np.zeros(fmap.shape)
    for i in range(fmap.shape[0] // 2):
        for j in range(fmap.shape[1] // 2):
            window = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            for r in range(2):
                for c in range(2):
                    if window[r, c] == window.max():
                        best = (r, c)  # keeps overwriting: the last maximum wins
            dx[2 * i + best[0], 2 * j + best[1]] += dy[i, j]
    return dx


def back2x2_strict_loop(dy, fmap):
    dx = np.zeros_like(fmap, dtype=float)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            best, where = -np.inf, None
            for r in range(2):
                for c in range(2):
                    if fmap[2 * i + r, 2 * j + c] > best:  # strict: the first maximum stays
                        best, where = fmap[2 * i + r, 2 * j + c], (2 * i + r, 2 * j + c)
            dx[where] += dy[i, j]
    return dx


def back2x2_reshape(dy, fmap):
    h, w = dy.shape
    blocks = fmap[: 2 * h, : 2 * w].reshape(h, 2, w, 2).transpose(0, 2, 1, 3).reshape(h, w, 4)
    first = blocks.argmax(axis=2)
    dx = np.zeros(fmap.shape)
    rows = 2 * np.arange(h)[:, None] + first // 2
    cols = 2 * np.arange(w)[None, :] + first % 2
    dx[rows, cols] = dy
    return dx


# --- 6.2 max_pool_backward2d -------------------------------------------------


def _pads(n, out, f, s, padding):
    if padding == "valid":
        return 0
    return max((out - 1) * s + f - n, 0) // 2


def back2d_assign(dy, fmap, pool_size, stride, padding):
    top, left = (
        _pads(fmap.shape[0], dy.shape[0], pool_size, stride, padding),
        _pads(fmap.shape[1], dy.shape[1], pool_size, stride, padding),
    )
    dx = np.zeros(fmap.shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            r0, c0 = i * stride - top, j * stride - left
            window = fmap[max(r0, 0) : r0 + pool_size, max(c0, 0) : c0 + pool_size]
            r, c = np.unravel_index(np.argmax(window), window.shape)
            dx[max(r0, 0) + r, max(c0, 0) + c] = dy[i, j]
    return dx


def back2d_zero_pad(dy, fmap, pool_size, stride, padding):
    top = _pads(fmap.shape[0], dy.shape[0], pool_size, stride, padding)
    left = _pads(fmap.shape[1], dy.shape[1], pool_size, stride, padding)
    bottom = max((dy.shape[0] - 1) * stride + pool_size - fmap.shape[0] - top, 0)
    right = max((dy.shape[1] - 1) * stride + pool_size - fmap.shape[1] - left, 0)
    padded = np.pad(fmap, ((top, bottom), (left, right)))
    dpad = np.zeros(padded.shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            window = padded[i * stride : i * stride + pool_size, j * stride : j * stride + pool_size]
            r, c = np.unravel_index(np.argmax(window), window.shape)
            dpad[i * stride + r, j * stride + c] += dy[i, j]
    return dpad[top : top + fmap.shape[0], left : left + fmap.shape[1]]


def back2d_pad_first(dy, fmap, pool_size, stride, padding):
    # the odd padding cell at the top/left
    total_h = max((dy.shape[0] - 1) * stride + pool_size - fmap.shape[0], 0) if padding == "same" else 0
    total_w = max((dy.shape[1] - 1) * stride + pool_size - fmap.shape[1], 0) if padding == "same" else 0
    top, left = total_h - total_h // 2, total_w - total_w // 2
    padded = np.pad(fmap, ((top, total_h - top), (left, total_w - left)), constant_values=-np.inf)
    dpad = np.zeros(padded.shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            window = padded[i * stride : i * stride + pool_size, j * stride : j * stride + pool_size]
            r, c = np.unravel_index(np.argmax(window), window.shape)
            dpad[i * stride + r, j * stride + c] += dy[i, j]
    return dpad[top : top + fmap.shape[0], left : left + fmap.shape[1]]


def back2d_neg_inf(dy, fmap, pool_size, stride, padding):
    top = _pads(fmap.shape[0], dy.shape[0], pool_size, stride, padding)
    left = _pads(fmap.shape[1], dy.shape[1], pool_size, stride, padding)
    bottom = max((dy.shape[0] - 1) * stride + pool_size - fmap.shape[0] - top, 0)
    right = max((dy.shape[1] - 1) * stride + pool_size - fmap.shape[1] - left, 0)
    padded = np.pad(fmap.astype(float), ((top, bottom), (left, right)), constant_values=-np.inf)
    dpad = np.zeros(padded.shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            window = padded[i * stride : i * stride + pool_size, j * stride : j * stride + pool_size]
            r, c = np.unravel_index(np.argmax(window), window.shape)
            dpad[i * stride + r, j * stride + c] += dy[i, j]
    return dpad[top : top + fmap.shape[0], left : left + fmap.shape[1]]


def back2d_add_at(dy, fmap, pool_size, stride, padding):
    top = _pads(fmap.shape[0], dy.shape[0], pool_size, stride, padding)
    left = _pads(fmap.shape[1], dy.shape[1], pool_size, stride, padding)
    rows, cols, grads = [], [], []
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            r0, c0 = max(i * stride - top, 0), max(j * stride - left, 0)
            r1, c1 = i * stride - top + pool_size, j * stride - left + pool_size
            window = fmap[r0:r1, c0:c1]
            k = int(np.argmax(window))
            rows.append(r0 + k // window.shape[1])
            cols.append(c0 + k % window.shape[1])
            grads.append(dy[i, j])
    dx = np.zeros(fmap.shape)
    np.add.at(dx, (rows, cols), grads)
    return dx


# --- 6.3 avg_pool_backward2d -------------------------------------------------


def back_avg_full_divisor(dy, input_shape, pool_size, stride, padding):
    top = _pads(input_shape[0], dy.shape[0], pool_size, stride, padding)
    left = _pads(input_shape[1], dy.shape[1], pool_size, stride, padding)
    dx = np.zeros(input_shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            r0, c0 = i * stride - top, j * stride - left
            dx[max(r0, 0) : r0 + pool_size, max(c0, 0) : c0 + pool_size] += dy[i, j] / pool_size**2
    return dx


def back_avg_no_divide(dy, input_shape, pool_size, stride, padding):
    top = _pads(input_shape[0], dy.shape[0], pool_size, stride, padding)
    left = _pads(input_shape[1], dy.shape[1], pool_size, stride, padding)
    dx = np.zeros(input_shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            r0, c0 = i * stride - top, j * stride - left
            dx[max(r0, 0) : r0 + pool_size, max(c0, 0) : c0 + pool_size] += dy[i, j]
    return dx


def back_avg_assign(dy, input_shape, pool_size, stride, padding):
    top = _pads(input_shape[0], dy.shape[0], pool_size, stride, padding)
    left = _pads(input_shape[1], dy.shape[1], pool_size, stride, padding)
    dx = np.zeros(input_shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            r0, c0 = i * stride - top, j * stride - left
            block = dx[max(r0, 0) : r0 + pool_size, max(c0, 0) : c0 + pool_size]
            block[...] = dy[i, j] / block.size
    return dx


def back_avg_counts(dy, input_shape, pool_size, stride, padding):
    top = _pads(input_shape[0], dy.shape[0], pool_size, stride, padding)
    left = _pads(input_shape[1], dy.shape[1], pool_size, stride, padding)
    dx = np.zeros(input_shape, dtype=np.float64)
    for i in range(dy.shape[0]):
        r0, r1 = max(i * stride - top, 0), min(i * stride - top + pool_size, input_shape[0])
        for j in range(dy.shape[1]):
            c0, c1 = max(j * stride - left, 0), min(j * stride - left + pool_size, input_shape[1])
            dx[r0:r1, c0:c1] = dx[r0:r1, c0:c1] + dy[i, j] / ((r1 - r0) * (c1 - c0))
    return dx


def back_avg_padded(dy, input_shape, pool_size, stride, padding):
    top = _pads(input_shape[0], dy.shape[0], pool_size, stride, padding)
    left = _pads(input_shape[1], dy.shape[1], pool_size, stride, padding)
    h = (dy.shape[0] - 1) * stride + pool_size
    w = (dy.shape[1] - 1) * stride + pool_size
    real = np.zeros((max(h, top + input_shape[0]), max(w, left + input_shape[1])))
    real[top : top + input_shape[0], left : left + input_shape[1]] = 1
    dpad = np.zeros(real.shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            win = (slice(i * stride, i * stride + pool_size), slice(j * stride, j * stride + pool_size))
            dpad[win] += real[win] * dy[i, j] / real[win].sum()
    return dpad[top : top + input_shape[0], left : left + input_shape[1]]


# --- 6.5 mask_backward (find the bug) ----------------------------------------


def mask_unchanged(dy, fmap):
    h, w = fmap.shape[0] // 2 * 2, fmap.shape[1] // 2 * 2
    blocks = fmap[:h, :w].reshape(h // 2, 2, w // 2, 2)
    mask = blocks >= blocks.max(axis=(1, 3), keepdims=True)  # "fixed" the comparison, same bug
    dx = np.zeros(fmap.shape)
    dx[:h, :w] = (mask * dy[:, None, :, None]).reshape(h, w)
    return dx


def mask_divided(dy, fmap):
    h, w = fmap.shape[0] // 2 * 2, fmap.shape[1] // 2 * 2
    blocks = fmap[:h, :w].reshape(h // 2, 2, w // 2, 2)
    mask = blocks == blocks.max(axis=(1, 3), keepdims=True)
    mask = mask / mask.sum(axis=(1, 3), keepdims=True)  # share the gradient between the ties
    dx = np.zeros(fmap.shape)
    dx[:h, :w] = (mask * dy[:, None, :, None]).reshape(h, w)
    return dx


def mask_argmax_wrong_order(dy, fmap):
    h, w = fmap.shape[0] // 2 * 2, fmap.shape[1] // 2 * 2
    blocks = fmap[:h, :w].reshape(h // 2, 2, w // 2, 2)
    flat = blocks.transpose(0, 2, 3, 1).reshape(h // 2, w // 2, 4)  # columns first
    first = flat.argmax(axis=-1)
    mask = (np.arange(4) == first[..., None]).reshape(h // 2, w // 2, 2, 2).transpose(0, 3, 1, 2)
    dx = np.zeros(fmap.shape)
    dx[:h, :w] = (mask * dy[:, None, :, None]).reshape(h, w)
    return dx


def mask_cumsum(dy, fmap):
    h, w = fmap.shape[0] // 2 * 2, fmap.shape[1] // 2 * 2
    blocks = fmap[:h, :w].reshape(h // 2, 2, w // 2, 2).transpose(0, 2, 1, 3).reshape(h // 2, w // 2, 4)
    is_max = blocks == blocks.max(axis=-1, keepdims=True)
    first = is_max & (np.cumsum(is_max, axis=-1) == 1)  # only the first True survives
    grads = first * dy[..., None]
    dx = np.zeros(fmap.shape)
    dx[:h, :w] = grads.reshape(h // 2, w // 2, 2, 2).transpose(0, 2, 1, 3).reshape(h, w)
    return dx


def mask_loop_fix(dy, fmap):
    h, w = fmap.shape[0] // 2 * 2, fmap.shape[1] // 2 * 2
    dx = np.zeros(fmap.shape)
    for i in range(h // 2):
        for j in range(w // 2):
            block = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            r, c = divmod(int(np.argmax(block)), 2)
            dx[2 * i + r, 2 * j + c] = dy[i, j]
    return dx


WRONG = [
    LearnerAnswer("6.1", back2x2_column_major, "tie_column_major", "argmax of the transposed window"),
    LearnerAnswer("6.1", back2x2_mask, "tie_all", "a mask window == max"),
    LearnerAnswer("6.1", back2x2_values, "values_not_gradients", "put the maximum's value in dx"),
    LearnerAnswer("6.1", back2x2_last, "tie_last", "a loop that keeps the last maximum"),
    LearnerAnswer("6.2", back2d_assign, "overlap_assigned", "= instead of +="),
    LearnerAnswer("6.2", back2d_zero_pad, "zero_padding", "np.pad with zeros"),
    LearnerAnswer("6.2", back2d_pad_first, "extra_cell_before", "odd padding cell first"),
    LearnerAnswer("6.3", back_avg_full_divisor, "divisor_full_window", "divided by pool_size ** 2"),
    LearnerAnswer("6.3", back_avg_no_divide, "no_divisor", "forgot to divide"),
    LearnerAnswer("6.3", back_avg_assign, "overlap_assigned", "assigned the shares"),
    LearnerAnswer(
        "6.4",
        [[0, 0, 0, 0], [0, 0, 0, 0], [0, 6, 0, 0], [0, 0, 0, 4]],
        "tie_column_major",
        "took the 7 at (2, 1)",
    ),
    LearnerAnswer(
        "6.4",
        [[0, 0, 0, 0], [0, 0, 3, 0], [0, 0, 0, 0], [0, 0, 0, 4]],
        "overlap_assigned",
        "kept only the last window's dy",
    ),
    LearnerAnswer(
        "6.4", [[0, 0, 0, 0], [0, 0, 3, 0], [0, 3, 0, 0], [0, 0, 0, 4]], "tie_split", "split between the 7s"
    ),
    LearnerAnswer(
        "6.4",
        [[0, 0, 0, 0], [0, 0, 7, 0], [0, 0, 0, 0], [0, 0, 0, 8]],
        "values_not_gradients",
        "wrote the maxima",
    ),
    LearnerAnswer("6.5", mask_unchanged, "mask_all_ties", ">= instead of =="),
    LearnerAnswer("6.5", mask_divided, "tie_split", "shared the gradient between ties"),
    LearnerAnswer("6.5", mask_argmax_wrong_order, "tie_column_major", "flattened the block column by column"),
]

RIGHT = [
    LearnerAnswer("6.1", back2x2_strict_loop, note="loops with a strict >"),
    LearnerAnswer("6.1", back2x2_reshape, note="reshape and fancy indexing"),
    LearnerAnswer("6.2", back2d_neg_inf, note="np.pad with -inf, crop the padding"),
    LearnerAnswer("6.2", back2d_add_at, note="np.add.at"),
    LearnerAnswer("6.3", back_avg_counts, note="explicit clipped bounds"),
    LearnerAnswer("6.3", back_avg_padded, note="a map of real cells on the padded grid"),
    LearnerAnswer("6.4", np.array([[0, 0, 0, 0], [0, 0, 6, 0], [0, 0, 0, 0], [0, 0, 0, 4]]), note="an array"),
    LearnerAnswer("6.4", [[0.0] * 4, [0.0, 0.0, 6.0, 0.0], [0.0] * 4, [0.0, 0.0, 0.0, 4.0]], note="floats"),
    LearnerAnswer("6.5", mask_cumsum, note="cumsum keeps the first True"),
    LearnerAnswer("6.5", mask_loop_fix, note="gave up vectorising: a loop with argmax"),
]
