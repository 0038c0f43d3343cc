"""Learner-style answers to exercises/05_real_images.ipynb, written from the task texts."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import poolutils as pu
from tests.learner_answers import LearnerAnswer

# --- 5.1 pool_photo ----------------------------------------------------------


def photo_batch_kept(image, mode, pool_size):
    x = image[None, :, :, None]
    return pu.max_pool(x, pool_size) if mode == "max" else pu.avg_pool(x, pool_size)


def photo_max_only(image, mode, pool_size):
    return pu.max_pool(image[None, :, :, None], pool_size)[0, :, :, 0]


def photo_stride_one(image, mode, pool_size):
    windows = sliding_window_view(image, (pool_size, pool_size))
    return windows.max(axis=(2, 3)) if mode == "max" else windows.mean(axis=(2, 3))


def photo_reshape(image, mode, pool_size):
    h, w = image.shape[0] // pool_size, image.shape[1] // pool_size
    blocks = image[: h * pool_size, : w * pool_size].reshape(h, pool_size, w, pool_size)
    return blocks.max(axis=(1, 3)) if mode == "max" else blocks.mean(axis=(1, 3))


def photo_loops(image, mode, pool_size):
    h, w = image.shape[0] // pool_size, image.shape[1] // pool_size
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            block = image[i * pool_size : (i + 1) * pool_size, j * pool_size : (j + 1) * pool_size]
            out[i, j] = np.max(block) if mode == "max" else np.mean(block)
    return out


# --- 5.2 change_in_place and 5.3 change_from_reference -----------------------
# The exercise notebook gives shift_layer(x, mode, stride); learners call it or write their own.


def _pooled(x, mode, stride):
    if mode == "none":
        return x[::stride, ::stride]
    h, w = (x.shape[0] - 2) // stride + 1, (x.shape[1] - 2) // stride + 1
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            block = x[i * stride : i * stride + 2, j * stride : j * stride + 2]
            out[i, j] = block.max() if mode == "max" else block.mean()
    return out


def _crops(image, shift):
    width = image.shape[1] - 2 * shift
    return image[:, shift : shift + width], image[:, :width]


def in_place_loops(image, shift, mode, stride):
    base, moved = (_pooled(c, mode, stride) for c in _crops(image, shift))
    return float(np.abs(moved - base).mean())


def in_place_sliding(image, shift, mode, stride):
    def layer(x):
        if mode == "none":
            return x[::stride, ::stride]
        windows = sliding_window_view(x, (2, 2))[::stride, ::stride]
        return windows.max(axis=(2, 3)) if mode == "max" else windows.mean(axis=(2, 3))

    base, moved = (layer(c) for c in _crops(image, shift))
    return float(np.sum(np.abs(moved - base)) / base.size)


def in_place_relative(image, shift, mode, stride):
    # "how much does it change" read as a relative change, as the old exercise asked
    base, moved = (_pooled(c, mode, stride) for c in _crops(image, shift))
    return float(np.mean(np.abs(moved - base)) / np.mean(np.abs(base)))


def in_place_always_stride_two(image, shift, mode, stride):
    base, moved = (_pooled(c, mode, 2) for c in _crops(image, shift))
    return float(np.mean(np.abs(moved - base)))


def in_place_before_layer(image, shift, mode, stride):
    base, moved = _crops(image, shift)
    return float(np.mean(np.abs(moved - base)))


def in_place_max_difference(image, shift, mode, stride):
    base, moved = (_pooled(c, mode, stride) for c in _crops(image, shift))
    return float(np.max(np.abs(moved - base)))


def reference_right(image, shift, mode, stride):
    base, moved = (_pooled(c, mode, stride) for c in _crops(image, shift))
    cells = shift / stride
    low, high = int(np.floor(cells)), int(np.ceil(cells))
    n = base.shape[1]
    total = 0.0
    for j in range(high, n):
        expected = (base[:, j - low] + base[:, j - high]) / 2
        total += np.abs(moved[:, j] - expected).sum()
    return float(total / (base.shape[0] * (n - high)))


def reference_weights(image, shift, mode, stride):
    # A linear interpolation written with weights: (1 - t) * floor move + t * ceil move, t = 0.5 here.
    base, moved = (_pooled(c, mode, stride) for c in _crops(image, shift))
    cells = shift / stride
    low, high, t = int(cells), int(np.ceil(cells)), cells - int(cells)
    n = base.shape[1]
    reference = (1 - t) * base[:, high - low : n - low] + t * base[:, : n - high]
    return float(np.mean(np.abs(moved[:, high:] - reference)))


def reference_in_place(image, shift, mode, stride):
    base, moved = (_pooled(c, mode, stride) for c in _crops(image, shift))
    return float(np.mean(np.abs(moved - base)))


def reference_nearer(image, shift, mode, stride):
    base, moved = (_pooled(c, mode, stride) for c in _crops(image, shift))
    n = base.shape[1]
    high = -(-shift // stride)
    return min(
        float(np.mean(np.abs(moved[:, high:] - base[:, high - c : n - c]))) for c in (shift // stride, high)
    )


def reference_pixels(image, shift, mode, stride):
    base, moved = (_pooled(c, mode, stride) for c in _crops(image, shift))
    return float(np.mean(np.abs(moved[:, shift:] - base[:, : base.shape[1] - shift])))


def reference_round(image, shift, mode, stride):
    # Rounds half a cell to a whole one: round(0.5) == 0 in Python, so the output is compared in place.
    base, moved = (_pooled(c, mode, stride) for c in _crops(image, shift))
    c = round(shift / stride)
    return float(np.mean(np.abs(moved[:, c:] - base[:, : base.shape[1] - c])))


# --- 5.6 blur_pool2d ---------------------------------------------------------


def blur_no_max(fmap):
    kernel = np.outer([1, 2, 1], [1, 2, 1]) / 16
    rows, cols = (fmap.shape[0] - 4) // 2 + 1, (fmap.shape[1] - 4) // 2 + 1
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = np.sum(fmap[2 * i : 2 * i + 3, 2 * j : 2 * j + 3] * kernel)
    return out


def blur_zeros_like(fmap):
    peaks = np.maximum(np.maximum(fmap[:-1, :-1], fmap[:-1, 1:]), np.maximum(fmap[1:, :-1], fmap[1:, 1:]))
    kernel = np.outer([1, 2, 1], [1, 2, 1]) / 16
    out = np.zeros_like(fmap)[: (peaks.shape[0] - 3) // 2 + 1, : (peaks.shape[1] - 3) // 2 + 1]
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(peaks[2 * i : 2 * i + 3, 2 * j : 2 * j + 3] * kernel)
    return out


def blur_unnormalised(fmap):
    peaks = sliding_window_view(fmap, (2, 2)).max(axis=(2, 3))
    kernel = np.outer([1, 2, 1], [1, 2, 1])
    return (sliding_window_view(peaks, (3, 3))[::2, ::2] * kernel).sum(axis=(2, 3))


def blur_running_max_zero(fmap):
    h, w = fmap.shape
    peaks = np.zeros((h - 1, w - 1))
    for i in range(h - 1):
        for j in range(w - 1):
            best = 0
            for v in fmap[i : i + 2, j : j + 2].ravel():
                if v > best:
                    best = v
            peaks[i, j] = best
    kernel = np.outer([1, 2, 1], [1, 2, 1]) / 16
    return (sliding_window_view(peaks, (3, 3))[::2, ::2] * kernel).sum(axis=(2, 3))


def blur_sliding(fmap):
    peaks = sliding_window_view(np.asarray(fmap, dtype=float), (2, 2)).max(axis=(2, 3))
    kernel = np.outer([1, 2, 1], [1, 2, 1]) / 16
    return (sliding_window_view(peaks, (3, 3))[::2, ::2] * kernel).sum(axis=(2, 3))


def blur_separable(fmap):
    x = np.asarray(fmap, dtype=np.float64)
    peaks = np.max([x[:-1, :-1], x[:-1, 1:], x[1:, :-1], x[1:, 1:]], axis=0)
    b = np.array([0.25, 0.5, 0.25])
    rows = b[0] * peaks[:-2:2] + b[1] * peaks[1:-1:2] + b[2] * peaks[2::2]
    return b[0] * rows[:, :-2:2] + b[1] * rows[:, 1:-1:2] + b[2] * rows[:, 2::2]


WRONG = [
    LearnerAnswer("5.1", photo_batch_kept, "batch_axes_kept", "returned (1, H, W, 1)"),
    LearnerAnswer("5.1", photo_max_only, "mode_ignored", "always max"),
    LearnerAnswer("5.1", photo_stride_one, "stride_one", "sliding windows with stride 1"),
    LearnerAnswer("5.2", in_place_relative, "divided_by_mean", "a relative change"),
    LearnerAnswer("5.2", in_place_always_stride_two, "stride_ignored", "stride 2 hard-coded"),
    LearnerAnswer("5.2", in_place_before_layer, "not_pooled", "compared the crops"),
    LearnerAnswer("5.2", in_place_max_difference, None, "the largest difference, not the mean"),
    LearnerAnswer("5.3", reference_in_place, "compared_in_place", "no move at all"),
    LearnerAnswer("5.3", reference_nearer, "nearer_move", "the nearer whole-cell move"),
    LearnerAnswer("5.3", reference_pixels, "cells_not_pixels", "moved by shift cells"),
    LearnerAnswer("5.3", reference_round, None, "round(shift / stride)"),
    LearnerAnswer(
        "5.4", [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], "every_shift_moves", "every shift moves a cell"
    ),
    LearnerAnswer("5.4", [[0, 1, 0, 0]] * 3, "never_moves", "pooling is invariant"),
    LearnerAnswer(
        "5.4", [[0, 1, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], None, "four rows (shape sentence)"
    ),
    LearnerAnswer(
        "5.4", [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0]], "windows_misplaced", "index 3 in window 2"
    ),
    LearnerAnswer("5.5", [[3, 1, 0], [1, 3, 0]], "kernel_not_normalised", "forgot the / 4"),
    LearnerAnswer("5.5", [[0.25, 0.25, 0], [0, 0.5, 0]], "blur_without_max", "blurred the raw signal"),
    LearnerAnswer("5.5", [[2 / 3, 1 / 3, 0], [1 / 3, 2 / 3, 0]], "box_blur", "averaged three peaks"),
    LearnerAnswer("5.6", blur_no_max, "blur_without_max", "blurred the map itself"),
    LearnerAnswer("5.6", blur_zeros_like, "int_buffer", "np.zeros_like(fmap) on an int map"),
    LearnerAnswer("5.6", blur_unnormalised, "kernel_not_normalised", "kernel not divided by 16"),
    LearnerAnswer("5.6", blur_running_max_zero, "running_max_from_zero", "running max from 0"),
]

RIGHT = [
    LearnerAnswer("5.1", photo_reshape, note="reshape trick"),
    LearnerAnswer("5.1", photo_loops, note="loops"),
    LearnerAnswer("5.2", in_place_loops, note="loops"),
    LearnerAnswer("5.2", in_place_sliding, note="sliding_window_view, sum / size"),
    LearnerAnswer("5.3", reference_right, note="a loop over the output columns"),
    LearnerAnswer("5.3", reference_weights, note="interpolation weights (1 - t, t)"),
    LearnerAnswer("5.4", np.array([[0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]), note="as an array"),
    LearnerAnswer("5.4", [[0.0, 1.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]], note="floats"),
    LearnerAnswer("5.5", [[3 / 4, 1 / 4, 0], [1 / 4, 3 / 4, 0]], note="fractions"),
    LearnerAnswer("5.5", np.array([[0.75, 0.25, 0.0], [0.25, 0.75, 0.0]]), note="an array"),
    LearnerAnswer("5.6", blur_sliding, note="sliding_window_view"),
    LearnerAnswer("5.6", blur_separable, note="separable blur with strided slices"),
]
