"""Learner-style answers to exercises/08_porting_between_frameworks.ipynb, written from the task texts."""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tests.learner_answers import LearnerAnswer

# --- 8.2 torch_avg_pool2d ----------------------------------------------------


def avg_real_cells(fmap, kernel_size, stride, padding):
    # divides by the cells that are really there
    h, w = fmap.shape
    out_h = (h + 2 * padding - kernel_size) // stride + 1
    out_w = (w + 2 * padding - kernel_size) // stride + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            r0, c0 = i * stride - padding, j * stride - padding
            out[i, j] = fmap[max(r0, 0) : r0 + kernel_size, max(c0, 0) : c0 + kernel_size].mean()
    return out


def avg_zeros_like(fmap, kernel_size, stride, padding):
    padded = np.pad(fmap, padding)
    out_h = (padded.shape[0] - kernel_size) // stride + 1
    out_w = (padded.shape[1] - kernel_size) // stride + 1
    out = np.zeros_like(fmap)[:out_h, :out_w]
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = padded[
                i * stride : i * stride + kernel_size, j * stride : j * stride + kernel_size
            ].mean()
    return out


def avg_pad_after(fmap, kernel_size, stride, padding):
    padded = np.pad(fmap.astype(float), ((0, 2 * padding), (0, 2 * padding)))
    windows = sliding_window_view(padded, (kernel_size, kernel_size))[::stride, ::stride]
    return windows.mean(axis=(2, 3))


def avg_sliding(fmap, kernel_size, stride, padding):
    padded = np.pad(fmap.astype(np.float64), [(padding, padding), (padding, padding)], mode="constant")
    return sliding_window_view(padded, (kernel_size, kernel_size))[::stride, ::stride].mean(axis=(2, 3))


def avg_sum_divide(fmap, kernel_size, stride, padding):
    h, w = fmap.shape
    padded = np.zeros((h + 2 * padding, w + 2 * padding))
    padded[padding : padding + h, padding : padding + w] = fmap
    out = []
    for top in range(0, padded.shape[0] - kernel_size + 1, stride):
        row = []
        for left in range(0, padded.shape[1] - kernel_size + 1, stride):
            row.append(padded[top : top + kernel_size, left : left + kernel_size].sum() / kernel_size**2)
        out.append(row)
    return np.array(out)


# --- 8.3 torch_output_size ---------------------------------------------------


def size_ceil_no_rule(n, kernel_size, stride, padding, ceil_mode):
    value = (n + 2 * padding - kernel_size) / stride + 1
    return math.ceil(value) if ceil_mode else math.floor(value)


def size_floor_always(n, kernel_size, stride, padding, ceil_mode):
    return (n + 2 * padding - kernel_size) // stride + 1


def size_float(n, kernel_size, stride, padding, ceil_mode):
    value = (n + 2 * padding - kernel_size) / stride
    return (math.ceil(value) if ceil_mode else math.floor(value)) + 1.0


def size_rule_loop(n, kernel_size, stride, padding, ceil_mode):
    if not ceil_mode:
        return math.floor((n + 2 * padding - kernel_size) / stride) + 1
    out = math.ceil((n + 2 * padding - kernel_size) / stride) + 1
    while (out - 1) * stride >= n + padding:
        out -= 1
    return out


def size_count_windows(n, kernel_size, stride, padding, ceil_mode):
    # count the windows that fit in the padded input, then maybe one partial window
    count, start = 0, -padding
    while start + kernel_size <= n + padding:
        count += 1
        start += stride
    partial = start - stride + kernel_size < n + padding  # the last full window stopped short of the end
    if ceil_mode and partial and start < n:
        count += 1
    return count


# --- 8.4 torch_max_pool2d (find the bug) -------------------------------------


def max_no_padding(fmap, kernel_size, stride, padding):
    h = (fmap.shape[0] - kernel_size) // stride + 1
    w = (fmap.shape[1] - kernel_size) // stride + 1
    out = np.empty((h, w))
    for i in range(h):
        for j in range(w):
            out[i, j] = fmap[
                i * stride : i * stride + kernel_size, j * stride : j * stride + kernel_size
            ].max()
    return out


def max_nan_pad(fmap, kernel_size, stride, padding):
    # "padding that never wins": NaN, but np.max returns NaN when a NaN is in the window
    padded = np.pad(fmap.astype(float), padding, constant_values=np.nan)
    windows = sliding_window_view(padded, (kernel_size, kernel_size))[::stride, ::stride]
    return windows.max(axis=(2, 3))


def max_pad_after(fmap, kernel_size, stride, padding):
    padded = np.pad(fmap.astype(float), ((0, 2 * padding), (0, 2 * padding)), constant_values=-np.inf)
    windows = sliding_window_view(padded, (kernel_size, kernel_size))[::stride, ::stride]
    return windows.max(axis=(2, 3))


def max_min_pad(fmap, kernel_size, stride, padding):
    padded = np.pad(fmap, padding, constant_values=fmap.min())  # the map's minimum can never beat a real cell
    windows = sliding_window_view(padded, (kernel_size, kernel_size))[::stride, ::stride]
    return windows.max(axis=(2, 3))


def max_clip(fmap, kernel_size, stride, padding):
    out_h = (fmap.shape[0] + 2 * padding - kernel_size) // stride + 1
    out_w = (fmap.shape[1] + 2 * padding - kernel_size) // stride + 1
    out = np.empty((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            r, c = i * stride - padding, j * stride - padding
            out[i, j] = fmap[max(r, 0) : r + kernel_size, max(c, 0) : c + kernel_size].max()
    return out


WRONG = [
    LearnerAnswer("8.1", [1.0, 1.0], "padding_never_counted", "padding never counts"),
    LearnerAnswer("8.1", [4 / 9, 4 / 9], "padding_always_counted", "padding always counts"),
    LearnerAnswer("8.1", (1.0, 0.444), None, "swapped and rounded"),
    LearnerAnswer("8.1", [1.0, 4 / 9], "swapped", "swapped"),
    LearnerAnswer("8.2", avg_real_cells, "count_exclude_pad", "divided by the real cells"),
    LearnerAnswer("8.2", avg_zeros_like, "int_buffer", "np.zeros_like(fmap)"),
    LearnerAnswer("8.2", avg_pad_after, "padding_after_only", "all the padding after"),
    LearnerAnswer("8.3", size_ceil_no_rule, "ceil_without_start_rule", "ceil without the rule"),
    LearnerAnswer("8.3", size_floor_always, "ceil_mode_ignored", "ignored ceil_mode"),
    LearnerAnswer("8.3", size_float, "ceil_without_start_rule", "a float, and ceil without the rule"),
    LearnerAnswer("8.4", max_no_padding, "no_padding", "removed the padding"),
    LearnerAnswer("8.4", max_nan_pad, "nan_padding", "padded with NaN"),
    LearnerAnswer("8.4", max_pad_after, "padding_after_only", "padding after"),
    LearnerAnswer("8.5", "A", "option_A", "'same' padding"),
    LearnerAnswer("8.5", "c", "option_C", "padded twice"),
    LearnerAnswer("8.5", "D", "option_D", "no padding"),
]

RIGHT = [
    LearnerAnswer("8.1", [4 / 9, 1], note="fraction and an int"),
    LearnerAnswer("8.1", np.array([0.444444444, 1.0]), note="decimals in an array"),
    LearnerAnswer("8.2", avg_sliding, note="sliding_window_view"),
    LearnerAnswer("8.2", avg_sum_divide, note="sum / kernel_size ** 2 in loops"),
    LearnerAnswer("8.3", size_rule_loop, note="math.ceil and a while loop"),
    LearnerAnswer("8.3", size_count_windows, note="counts the window starts"),
    LearnerAnswer("8.4", max_min_pad, note="pads with the map's minimum"),
    LearnerAnswer("8.4", max_clip, note="clips each window to the map"),
    LearnerAnswer("8.5", "B", note="the right letter"),
    LearnerAnswer("8.5", "b", note="lower case"),
]
