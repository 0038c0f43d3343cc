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


# --- 5.2 shift_change --------------------------------------------------------


def _layer(x, mode, pool_size):
    return x if mode == "none" else photo_reshape(x, mode, pool_size)


def change_no_abs(image, shift, pool_size, mode):
    width = image.shape[1] - 2 * shift
    a = _layer(image[:, shift : shift + width], mode, pool_size)
    b = _layer(image[:, :width], mode, pool_size)
    return float(np.mean(b - a) / np.mean(np.abs(a)))


def change_rolled(image, shift, pool_size, mode):
    a = _layer(image, mode, pool_size)
    b = _layer(np.roll(image, shift, axis=1), mode, pool_size)
    return float(np.mean(np.abs(b - a)) / np.mean(np.abs(a)))


def change_unscaled(image, shift, pool_size, mode):
    width = image.shape[1] - 2 * shift
    a = _layer(image[:, shift : shift + width], mode, pool_size)
    b = _layer(image[:, :width], mode, pool_size)
    return float(np.mean(np.abs(b - a)))


def change_right(image, shift, pool_size, mode):
    width = image.shape[1] - 2 * shift
    base, moved = image[:, shift : shift + width], image[:, :width]
    if mode != "none":
        base, moved = photo_loops(base, mode, pool_size), photo_loops(moved, mode, pool_size)
    return float(np.abs(moved - base).mean() / np.abs(base).mean())


def change_ratio_of_sums(image, shift, pool_size, mode):
    width = image.shape[1] - 2 * shift
    a = _layer(image[:, shift : shift + width], mode, pool_size)
    b = _layer(image[:, :width], mode, pool_size)
    return float(np.sum(np.abs(b - a)) / np.sum(np.abs(a)))


# --- 5.3 fraction_unchanged --------------------------------------------------


def _crops(image, shift):
    width = image.shape[1] - 2 * shift
    return image[:, shift : shift + width], image[:, :width]


def unchanged_changed(image, shift, pool_size):
    base, moved = _crops(image, shift)
    return float(np.mean(photo_reshape(base, "max", pool_size) != photo_reshape(moved, "max", pool_size)))


def unchanged_percent(image, shift, pool_size):
    base, moved = _crops(image, shift)
    same = photo_reshape(base, "max", pool_size) == photo_reshape(moved, "max", pool_size)
    return 100.0 * same.sum() / same.size


def unchanged_count(image, shift, pool_size):
    base, moved = _crops(image, shift)
    return int(np.sum(photo_reshape(base, "max", pool_size) == photo_reshape(moved, "max", pool_size)))


def unchanged_sum_size(image, shift, pool_size):
    base, moved = _crops(image, shift)
    same = photo_loops(base, "max", pool_size) == photo_loops(moved, "max", pool_size)
    return same.sum() / same.size


def unchanged_count_ratio(image, shift, pool_size):
    base, moved = _crops(image, shift)
    a, b = photo_reshape(base, "max", pool_size), photo_reshape(moved, "max", pool_size)
    return np.count_nonzero(a == b) / a.size


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
    LearnerAnswer("5.2", change_no_abs, "signed_differences", "no absolute value"),
    LearnerAnswer("5.2", change_rolled, "np_roll", "np.roll instead of crops"),
    LearnerAnswer("5.2", change_unscaled, "not_scaled", "forgot to divide"),
    LearnerAnswer("5.3", unchanged_changed, "counted_changed", "!= instead of =="),
    LearnerAnswer("5.3", unchanged_percent, "percentage", "a percentage"),
    LearnerAnswer("5.3", unchanged_count, "count_not_fraction", "the number of cells, not the fraction"),
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
    LearnerAnswer("5.2", change_right, note="loops via photo_loops"),
    LearnerAnswer("5.2", change_ratio_of_sums, note="ratio of sums (same sizes, same value)"),
    LearnerAnswer("5.3", unchanged_sum_size, note="sum / size with loops"),
    LearnerAnswer("5.3", unchanged_count_ratio, note="count_nonzero / size"),
    LearnerAnswer("5.4", np.array([[0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]), note="as an array"),
    LearnerAnswer("5.4", [[0.0, 1.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]], note="floats"),
    LearnerAnswer("5.5", [[3 / 4, 1 / 4, 0], [1 / 4, 3 / 4, 0]], note="fractions"),
    LearnerAnswer("5.5", np.array([[0.75, 0.25, 0.0], [0.25, 0.75, 0.0]]), note="an array"),
    LearnerAnswer("5.6", blur_sliding, note="sliding_window_view"),
    LearnerAnswer("5.6", blur_separable, note="separable blur with strided slices"),
]
