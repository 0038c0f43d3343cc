"""A fresh set of learner answers to exercises/05_real_images.ipynb, written from the task texts only.

See fresh_ex01.py for what ``expect`` means.
"""

import numpy as np

import poolutils as pu
from tests.learner_answers import LearnerAnswer as A

# --- 5.1 ---------------------------------------------------------------------


def pp_right(image, mode, pool_size):
    pool = pu.max_pool if mode == "max" else pu.avg_pool
    return pool(image[np.newaxis, :, :, np.newaxis], pool_size)[0, :, :, 0]


def pp_right_reshape(image, mode, pool_size):
    h, w = image.shape[0] // pool_size, image.shape[1] // pool_size
    blocks = image[: h * pool_size, : w * pool_size].reshape(h, pool_size, w, pool_size)
    return blocks.max(axis=(1, 3)) if mode == "max" else blocks.mean(axis=(1, 3))


def pp_right_loops(image, mode, pool_size):
    h, w = image.shape[0] // pool_size, image.shape[1] // pool_size
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            window = image[i * pool_size : (i + 1) * pool_size, j * pool_size : (j + 1) * pool_size]
            out[i, j] = np.max(window) if mode == "max" else np.mean(window)
    return out


def pp_right_windows(image, mode, pool_size):
    from numpy.lib.stride_tricks import sliding_window_view

    windows = sliding_window_view(image, (pool_size, pool_size))[::pool_size, ::pool_size]
    return windows.max(axis=(2, 3)) if mode == "max" else windows.mean(axis=(2, 3))


def pp_stride_one(image, mode, pool_size):
    pool = pu.max_pool if mode == "max" else pu.avg_pool
    return pool(image[np.newaxis, :, :, np.newaxis], pool_size, 1)[0, :, :, 0]


def pp_same(image, mode, pool_size):
    pool = pu.max_pool if mode == "max" else pu.avg_pool
    return pool(image[np.newaxis, :, :, np.newaxis], pool_size, padding="same")[0, :, :, 0]


def pp_modes_swapped(image, mode, pool_size):
    pool = pu.avg_pool if mode == "max" else pu.max_pool
    return pool(image[np.newaxis, :, :, np.newaxis], pool_size)[0, :, :, 0]


def pp_not_squeezed(image, mode, pool_size):
    pool = pu.max_pool if mode == "max" else pu.avg_pool
    return pool(image[np.newaxis, :, :, np.newaxis], pool_size)


def pp_sum(image, mode, pool_size):
    h, w = image.shape[0] // pool_size, image.shape[1] // pool_size
    blocks = image[: h * pool_size, : w * pool_size].reshape(h, pool_size, w, pool_size)
    return blocks.max(axis=(1, 3)) if mode == "max" else blocks.sum(axis=(1, 3))


def pp_reshape_wrong_order(image, mode, pool_size):
    h, w = image.shape[0] // pool_size, image.shape[1] // pool_size
    blocks = image[: h * pool_size, : w * pool_size].reshape(h, w, pool_size, pool_size)
    return blocks.max(axis=(2, 3)) if mode == "max" else blocks.mean(axis=(2, 3))


def pp_last_window_dropped(image, mode, pool_size):
    rows = range(0, image.shape[0] - pool_size, pool_size)
    cols = range(0, image.shape[1] - pool_size, pool_size)
    out = np.zeros((len(rows), len(cols)))
    for a, i in enumerate(rows):
        for b, j in enumerate(cols):
            window = image[i : i + pool_size, j : j + pool_size]
            out[a, b] = window.max() if mode == "max" else window.mean()
    return out


def pp_transposed(image, mode, pool_size):
    pool = pu.max_pool if mode == "max" else pu.avg_pool
    return pool(image.T[np.newaxis, :, :, np.newaxis], pool_size)[0, :, :, 0]


def pp_one_axis(image, mode, pool_size):
    h, w = image.shape[0] // pool_size, image.shape[1] // pool_size
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            window = image[i * pool_size : (i + 1) * pool_size, j * pool_size]  # forgot the column range
            out[i, j] = window.max() if mode == "max" else window.mean()
    return out


# --- 5.2 ---------------------------------------------------------------------


def shift_layer(x, mode, stride):
    """The notebook's cell: 2x2 windows with `stride` ('valid'); 'none' keeps every stride-th pixel."""
    if mode == "none":
        return x[::stride, ::stride]
    pool = pu.max_pool if mode == "max" else pu.avg_pool
    return pool(x[np.newaxis, :, :, np.newaxis], 2, stride)[0, :, :, 0]


def _cut(image, shift):
    width = image.shape[1] - 2 * shift
    return image[:, shift : shift + width], image[:, :width]


def ip_right(image, shift, mode, stride):
    base, moved = _cut(image, shift)
    a, b = shift_layer(base, mode, stride), shift_layer(moved, mode, stride)
    return float(np.mean(np.abs(a - b)))


def ip_right_swapped(image, shift, mode, stride):
    width = image.shape[1] - 2 * shift
    base = shift_layer(image[:, shift : shift + width], mode, stride)
    moved = shift_layer(image[:, :width], mode, stride)
    return float(np.abs(moved - base).sum() / moved.size)


def ip_right_loops(image, shift, mode, stride):
    base, moved = _cut(image, shift)
    a, b = shift_layer(base, mode, stride), shift_layer(moved, mode, stride)
    total = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            total += abs(a[i, j] - b[i, j])
    return total / (a.shape[0] * a.shape[1])


def ip_right_np_float(image, shift, mode, stride):
    base, moved = _cut(image, shift)
    return np.abs(shift_layer(base, mode, stride) - shift_layer(moved, mode, stride)).mean().item()


def ip_roll(image, shift, mode, stride):
    moved = np.roll(image, shift, axis=1)
    return float(np.mean(np.abs(shift_layer(image, mode, stride) - shift_layer(moved, mode, stride))))


def ip_rows(image, shift, mode, stride):
    height = image.shape[0] - 2 * shift
    base, moved = image[shift : shift + height, :], image[:height, :]
    return float(np.mean(np.abs(shift_layer(base, mode, stride) - shift_layer(moved, mode, stride))))


def ip_normalised(image, shift, mode, stride):
    base, moved = _cut(image, shift)
    a, b = shift_layer(base, mode, stride), shift_layer(moved, mode, stride)
    return float(np.mean(np.abs(a - b)) / np.mean(np.abs(a)))


def ip_squared(image, shift, mode, stride):
    base, moved = _cut(image, shift)
    a, b = shift_layer(base, mode, stride), shift_layer(moved, mode, stride)
    return float(np.mean((a - b) ** 2))


def ip_no_abs(image, shift, mode, stride):
    base, moved = _cut(image, shift)
    a, b = shift_layer(base, mode, stride), shift_layer(moved, mode, stride)
    return float(np.mean(a - b))


def ip_stride_two_always(image, shift, mode, stride):
    base, moved = _cut(image, shift)
    a, b = shift_layer(base, mode, 2), shift_layer(moved, mode, 2)
    return float(np.mean(np.abs(a - b)))


def ip_width_minus_shift(image, shift, mode, stride):
    width = image.shape[1] - shift
    base, moved = image[:, shift : shift + width], image[:, :width]
    a, b = shift_layer(base, mode, stride), shift_layer(moved, mode, stride)
    return float(np.mean(np.abs(a - b)))


def ip_from_reference(image, shift, mode, stride):
    base, moved = _cut(image, shift)
    a, b = shift_layer(base, mode, stride), shift_layer(moved, mode, stride)
    cells = shift // stride
    n = a.shape[1]
    return float(np.mean(np.abs(b[:, cells:] - a[:, : n - cells])))


def ip_max_diff(image, shift, mode, stride):
    base, moved = _cut(image, shift)
    a, b = shift_layer(base, mode, stride), shift_layer(moved, mode, stride)
    return float(np.max(np.abs(a - b)))


def ip_before_layer(image, shift, mode, stride):
    base, moved = _cut(image, shift)
    return float(np.mean(np.abs(base - moved)))


# --- 5.3 ---------------------------------------------------------------------


def _outputs(image, shift, mode, stride):
    base, moved = _cut(image, shift)
    return shift_layer(base, mode, stride), shift_layer(moved, mode, stride)


def fr_right(image, shift, mode, stride):
    base, moved = _outputs(image, shift, mode, stride)
    n = base.shape[1]
    low, high = shift // stride, -(-shift // stride)
    reference = (base[:, high - low : n - low] + base[:, high - high : n - high]) / 2
    return float(np.mean(np.abs(moved[:, high:] - reference)))


def fr_right_helper(image, shift, mode, stride):
    base, moved = _outputs(image, shift, mode, stride)
    n = base.shape[1]
    low = shift // stride
    high = -(-shift // stride)

    def moved_by(c):
        return base[:, high - c : n - c]

    reference = 0.5 * (moved_by(low) + moved_by(high))
    return float(np.abs(moved[:, high:] - reference).mean())


def fr_right_math_ceil(image, shift, mode, stride):
    import math

    base, moved = _outputs(image, shift, mode, stride)
    n = base.shape[1]
    low, high = math.floor(shift / stride), math.ceil(shift / stride)
    reference = np.mean([base[:, high - c : n - c] for c in (low, high)], axis=0)
    return np.mean(np.abs(moved[:, high:] - reference)).item()


def fr_right_loops(image, shift, mode, stride):
    base, moved = _outputs(image, shift, mode, stride)
    rows, n = base.shape
    low, high = shift // stride, -(-shift // stride)
    total, count = 0.0, 0
    for i in range(rows):
        for j in range(high, n):
            reference = (base[i, j - low] + base[i, j - high]) / 2
            total += abs(moved[i, j] - reference)
            count += 1
    return total / count


def fr_in_place(image, shift, mode, stride):
    base, moved = _outputs(image, shift, mode, stride)
    return float(np.mean(np.abs(moved - base)))


def fr_low_only(image, shift, mode, stride):
    base, moved = _outputs(image, shift, mode, stride)
    n = base.shape[1]
    low, high = shift // stride, -(-shift // stride)
    return float(np.mean(np.abs(moved[:, high:] - base[:, high - low : n - low])))


def fr_high_only(image, shift, mode, stride):
    base, moved = _outputs(image, shift, mode, stride)
    n = base.shape[1]
    high = -(-shift // stride)
    return float(np.mean(np.abs(moved[:, high:] - base[:, : n - high])))


def fr_high_plus_one(image, shift, mode, stride):
    base, moved = _outputs(image, shift, mode, stride)
    n = base.shape[1]
    low = shift // stride
    high = low + 1
    reference = (base[:, high - low : n - low] + base[:, high - high : n - high]) / 2
    return float(np.mean(np.abs(moved[:, high:] - reference)))


def fr_wrong_direction(image, shift, mode, stride):
    base, moved = _outputs(image, shift, mode, stride)
    n = base.shape[1]
    low, high = shift // stride, -(-shift // stride)
    reference = (base[:, low : n - high + low] + base[:, high:n]) / 2
    return float(np.mean(np.abs(moved[:, : n - high] - reference)))


def fr_pixels_not_cells(image, shift, mode, stride):
    base, moved = _outputs(image, shift, mode, stride)
    n = base.shape[1]
    return float(np.mean(np.abs(moved[:, shift:] - base[:, : n - shift])))


def fr_mean_of_distances(image, shift, mode, stride):
    base, moved = _outputs(image, shift, mode, stride)
    n = base.shape[1]
    low, high = shift // stride, -(-shift // stride)
    d_low = np.mean(np.abs(moved[:, high:] - base[:, high - low : n - low]))
    d_high = np.mean(np.abs(moved[:, high:] - base[:, : n - high]))
    return float((d_low + d_high) / 2)


def fr_normalised(image, shift, mode, stride):
    base, moved = _outputs(image, shift, mode, stride)
    n = base.shape[1]
    low, high = shift // stride, -(-shift // stride)
    reference = (base[:, high - low : n - low] + base[:, : n - high]) / 2
    return float(np.mean(np.abs(moved[:, high:] - reference)) / np.mean(reference))


def fr_rounded_move(image, shift, mode, stride):
    base, moved = _outputs(image, shift, mode, stride)
    n = base.shape[1]
    c = round(shift / stride)
    return float(np.mean(np.abs(moved[:, c:] - base[:, : n - c])))


def fr_moved_not_cropped(image, shift, mode, stride):
    base, moved = _outputs(image, shift, mode, stride)
    n = base.shape[1]
    low, high = shift // stride, -(-shift // stride)
    reference = (base[:, high - low : n - low] + base[:, : n - high]) / 2
    return float(np.mean(np.abs(moved[:, : n - high] - reference)))


# --- 5.6 ---------------------------------------------------------------------

KERNEL = np.outer([1, 2, 1], [1, 2, 1]) / 16


def bp_right_loops(fmap):
    h, w = fmap.shape
    peaks = np.zeros((h - 1, w - 1))
    for i in range(h - 1):
        for j in range(w - 1):
            peaks[i, j] = fmap[i : i + 2, j : j + 2].max()
    out = np.zeros(((h - 4) // 2 + 1, (w - 4) // 2 + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(peaks[2 * i : 2 * i + 3, 2 * j : 2 * j + 3] * KERNEL)
    return out


def bp_right_slices(fmap):
    fmap = np.asarray(fmap, dtype=float)
    peaks = np.maximum.reduce([fmap[:-1, :-1], fmap[1:, :-1], fmap[:-1, 1:], fmap[1:, 1:]])
    out_h, out_w = (fmap.shape[0] - 4) // 2 + 1, (fmap.shape[1] - 4) // 2 + 1
    out = np.zeros((out_h, out_w))
    for di in range(3):
        for dj in range(3):
            out += KERNEL[di, dj] * peaks[di : di + 2 * out_h : 2, dj : dj + 2 * out_w : 2]
    return out


def bp_right_windows(fmap):
    from numpy.lib.stride_tricks import sliding_window_view

    peaks = sliding_window_view(fmap, (2, 2)).max(axis=(2, 3))
    blocks = sliding_window_view(peaks, (3, 3))[::2, ::2]
    return np.einsum("ijkl,kl->ij", blocks, KERNEL)


def bp_right_tensordot(fmap):
    from numpy.lib.stride_tricks import sliding_window_view

    peaks = sliding_window_view(fmap.astype(np.float64), (2, 2)).max(axis=(-2, -1))
    return np.tensordot(sliding_window_view(peaks, (3, 3))[::2, ::2], KERNEL, axes=2)


def bp_int_buffer(fmap):
    h, w = fmap.shape
    peaks = np.zeros_like(fmap[:-1, :-1])
    for i in range(h - 1):
        for j in range(w - 1):
            peaks[i, j] = fmap[i : i + 2, j : j + 2].max()
    out = np.zeros_like(fmap, shape=((h - 4) // 2 + 1, (w - 4) // 2 + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(peaks[2 * i : 2 * i + 3, 2 * j : 2 * j + 3] * KERNEL)
    return out


def bp_kernel_not_normalised(fmap):
    from numpy.lib.stride_tricks import sliding_window_view

    kernel = np.outer([1, 2, 1], [1, 2, 1])
    peaks = sliding_window_view(fmap, (2, 2)).max(axis=(2, 3))
    return np.einsum("ijkl,kl->ij", sliding_window_view(peaks, (3, 3))[::2, ::2], kernel).astype(float)


def bp_kernel_over_4(fmap):
    from numpy.lib.stride_tricks import sliding_window_view

    kernel = np.outer([1, 2, 1], [1, 2, 1]) / 4
    peaks = sliding_window_view(fmap, (2, 2)).max(axis=(2, 3))
    return np.einsum("ijkl,kl->ij", sliding_window_view(peaks, (3, 3))[::2, ::2], kernel)


def bp_box_blur(fmap):
    from numpy.lib.stride_tricks import sliding_window_view

    peaks = sliding_window_view(fmap, (2, 2)).max(axis=(2, 3))
    return sliding_window_view(peaks, (3, 3))[::2, ::2].mean(axis=(2, 3))


def bp_no_subsampling(fmap):
    from numpy.lib.stride_tricks import sliding_window_view

    peaks = sliding_window_view(fmap, (2, 2)).max(axis=(2, 3))
    return np.einsum("ijkl,kl->ij", sliding_window_view(peaks, (3, 3)), KERNEL)


def bp_odd_start(fmap):
    from numpy.lib.stride_tricks import sliding_window_view

    peaks = sliding_window_view(fmap, (2, 2)).max(axis=(2, 3))
    return np.einsum("ijkl,kl->ij", sliding_window_view(peaks[1:, 1:], (3, 3))[::2, ::2], KERNEL)


def bp_peaks_stride_two(fmap):
    h, w = fmap.shape[0] // 2, fmap.shape[1] // 2
    peaks = fmap[: 2 * h, : 2 * w].reshape(h, 2, w, 2).max(axis=(1, 3))
    out = np.zeros(((h - 3) // 2 + 1, (w - 3) // 2 + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(peaks[2 * i : 2 * i + 3, 2 * j : 2 * j + 3] * KERNEL)
    return out


def bp_avg_peaks(fmap):
    from numpy.lib.stride_tricks import sliding_window_view

    peaks = sliding_window_view(fmap, (2, 2)).mean(axis=(2, 3))
    return np.einsum("ijkl,kl->ij", sliding_window_view(peaks, (3, 3))[::2, ::2], KERNEL)


def bp_blur_first(fmap):
    from numpy.lib.stride_tricks import sliding_window_view

    blurred = np.einsum("ijkl,kl->ij", sliding_window_view(fmap, (3, 3)), KERNEL)
    return sliding_window_view(blurred, (2, 2))[::2, ::2].max(axis=(2, 3))


def bp_rows_cols_mixed(fmap):
    h, w = fmap.shape
    peaks = np.zeros((h - 1, w - 1))
    for i in range(h - 1):
        for j in range(w - 1):
            peaks[i, j] = fmap[i : i + 2, j : j + 2].max()
    out = np.zeros(((h - 4) // 2 + 1, (w - 4) // 2 + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(peaks[2 * j : 2 * j + 3, 2 * i : 2 * i + 3] * KERNEL)
    return out


def bp_last_row_dropped(fmap):
    h, w = fmap.shape
    peaks = np.array(
        [[fmap[i : i + 2, j : j + 2].max() for j in range(w - 1)] for i in range(h - 1)], dtype=float
    )
    out = np.zeros(((h - 4) // 2, (w - 4) // 2))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(peaks[2 * i : 2 * i + 3, 2 * j : 2 * j + 3] * KERNEL)
    return out


RIGHT = [
    A("5.1", pp_right, note="pu.max_pool / pu.avg_pool on a (1, H, W, 1) view"),
    A("5.1", pp_right_reshape, note="crop, reshape into blocks, reduce axes 1 and 3"),
    A("5.1", pp_right_loops, note="loops over the windows"),
    A("5.1", pp_right_windows, note="sliding_window_view with a step"),
    A("5.2", ip_right, note="the three steps"),
    A("5.2", ip_right_swapped, note="moved - base, sum / size"),
    A("5.2", ip_right_loops, note="loops"),
    A("5.2", ip_right_np_float, note=".mean().item()"),
    A("5.3", fr_right, note="the three steps"),
    A("5.3", fr_right_helper, note="a helper for the move by c"),
    A("5.3", fr_right_math_ceil, note="math.floor / math.ceil, np.mean of the two moves"),
    A("5.3", fr_right_loops, note="loops"),
    A("5.4", [[0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], note="by thought"),
    A("5.4", np.array([[0.0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]), note="as a float array"),
    A("5.4", ((0, 1, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0)), note="as tuples"),
    A("5.4", [[0.0, 1.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]], note="floats"),
    A("5.5", [[0.75, 0.25, 0], [0.25, 0.75, 0]], note="by hand"),
    A("5.5", [[3 / 4, 1 / 4, 0], [1 / 4, 3 / 4, 0]], note="as fractions"),
    A("5.5", np.array([[0.75, 0.25, 0.0], [0.25, 0.75, 0.0]]), note="as an array"),
    A("5.5", ((0.75, 0.25, 0.0), (0.25, 0.75, 0.0)), note="as tuples"),
    A("5.6", bp_right_loops, note="loops"),
    A("5.6", bp_right_slices, note="four shifted slices, then nine strided slices"),
    A("5.6", bp_right_windows, note="sliding_window_view and einsum"),
    A("5.6", bp_right_tensordot, note="tensordot"),
]

WRONG = [
    A("5.1", pp_stride_one, "stride_one", "stride 1"),
    A("5.1", pp_same, "partial_window_kept", "'same' padding"),
    A("5.1", pp_modes_swapped, "modes_swapped", "max and avg swapped"),
    A("5.1", pp_not_squeezed, "batch_axes_kept", "returns the 4-D array"),
    A("5.1", pp_sum, "summed", "sum for 'avg'"),
    A("5.1", pp_reshape_wrong_order, "reshaped_without_swap", "reshape (h, w, p, p)"),
    A("5.1", pp_last_window_dropped, "last_window_missing", "range stops one window early"),
    A("5.1", pp_transposed, "height_width_swapped", "pools the transposed image"),
    A("5.1", pp_one_axis, None, "windows one column wide"),
    A("5.2", ip_roll, "np_roll", "np.roll: wraps around"),
    A("5.2", ip_rows, "rows_shifted", "shifts down, not right"),
    A("5.2", ip_normalised, "divided_by_mean", "divided by the mean output"),
    A("5.2", ip_squared, "squared_differences", "squared difference"),
    A("5.2", ip_no_abs, "signed_differences", "no abs"),
    A("5.2", ip_stride_two_always, "stride_ignored", "stride 2 whatever the stride"),
    A("5.2", ip_width_minus_shift, "crop_width", "width = W - shift"),
    A("5.2", ip_from_reference, "compared_with_reference", "compares with the shifted output"),
    A("5.2", ip_max_diff, "max_difference", "max instead of mean"),
    A("5.2", ip_before_layer, "not_pooled", "compares the inputs, not the outputs"),
    A("5.3", fr_in_place, "compared_in_place", "compares in place"),
    A("5.3", fr_low_only, "one_move", "only the low move"),
    A("5.3", fr_high_only, "one_move", "only the high move"),
    A("5.3", fr_high_plus_one, "high_is_low_plus_one", "high = low + 1 even when whole"),
    A("5.3", fr_wrong_direction, "moved_left", "moves the base the other way"),
    A("5.3", fr_pixels_not_cells, "cells_not_pixels", "moves by shift pixels, not shift / stride cells"),
    A("5.3", fr_mean_of_distances, "mean_of_distances", "mean of the two distances"),
    A("5.3", fr_normalised, "divided_by_mean", "divided by the mean reference"),
    A("5.3", fr_rounded_move, "one_move", "round(shift / stride), no interpolation"),
    A("5.3", fr_moved_not_cropped, "moved_left", "moved[:, :n - high] instead of moved[:, high:]"),
    A("5.4", [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0]], "windows_misplaced", "index 3 in the third window"),
    A("5.4", [[1, 0, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0]], "counted_from_one", "counted from 1"),
    A("5.4", [[0, 0.5, 0, 0], [0, 0.5, 0, 0], [0, 0, 0.5, 0]], "averaged", "averaged"),
    A("5.4", [[0, 1, 1, 0, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 0, 0]], "stride_one", "stride 1"),
    A("5.4", [[0, 0, 0], [1, 1, 0], [0, 0, 1], [0, 0, 0]], "transposed", "transposed"),
    A("5.4", [[0, 1, 0, 0], [0, 1, 0, 0]], "says:expected shape (3, 4)", "only two rows"),
    A(
        "5.4",
        [[0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0]],
        "says:expected shape (3, 4)",
        "a row too many (index 5 too)",
    ),
    A("5.4", [[0, 1, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0]], "never_moves", "index 4 in the second window"),
    A("5.5", [[3, 1, 0], [1, 3, 0]], "kernel_not_normalised", "forgot / 4"),
    A("5.5", [[0.25, 0.25, 0], [0, 0.5, 0]], "blur_without_max", "blurred the signal, no max step"),
    A("5.5", [[0.25, 0.75, 0], [0.75, 0.25, 0]], "rows_swapped", "rows swapped"),
    A("5.5", [[1, 1, 0], [1, 1, 0]], "max_not_blur", "max over the 3 peaks instead of the blur"),
    A("5.5", [[2 / 3, 1 / 3, 0], [1 / 3, 2 / 3, 0]], "box_blur", "box blur over 3"),
    A("5.5", [[0.75, 0.75, 0.25, 0, 0], [0.25, 0.75, 0.75, 0.25, 0]], "stride_one", "blur with stride 1"),
    A("5.5", [[0.75, 0.25], [0.25, 0.75]], "says:expected shape (2, 3)", "dropped the zeros"),
    A("5.5", [[0.5, 0.5, 0], [0.5, 0.5, 0]], None, "split evenly between the cells"),
    A("5.6", bp_int_buffer, "int_buffer", "zeros_like(fmap) of an int map"),
    A("5.6", bp_kernel_not_normalised, "kernel_not_normalised", "kernel without / 16"),
    A("5.6", bp_kernel_over_4, "kernel_not_normalised", "kernel / 4"),
    A("5.6", bp_box_blur, "box_blur", "box blur (mean of 3x3)"),
    A("5.6", bp_no_subsampling, "stride_one", "blur with stride 1"),
    A("5.6", bp_odd_start, "odd_subsampling", "blocks at odd rows and columns"),
    A("5.6", bp_peaks_stride_two, "max_subsampled", "2x2 max with stride 2 first"),
    A("5.6", bp_avg_peaks, "averaged", "average, not max, for the peaks"),
    A("5.6", bp_blur_first, "blur_before_max", "blur before the max"),
    A("5.6", bp_rows_cols_mixed, None, "row and column indices swapped in the blur"),
    A("5.6", bp_last_row_dropped, "says:expected shape (1, 1)", "(H - 4) // 2 outputs"),
]
