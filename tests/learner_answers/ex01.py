"""Learner answers to exercises/01_output_size.ipynb, written from the task texts."""

import math

from tests.learner_answers import LearnerAnswer as A

# --- 1.1 output_size_valid ----------------------------------------------------


def valid_ceil_no_plus_one(n, pool_size, stride):
    return math.ceil((n - pool_size) / stride)


def valid_int_of_formula(n, pool_size, stride):
    return int((n - pool_size + 1) / stride)


def valid_formula_as_is(n, pool_size, stride):
    return (n - pool_size + 1) / stride


def valid_range_stop_exclusive(n, pool_size, stride):
    return len(range(0, n - pool_size, stride))


def valid_like_same(n, pool_size, stride):
    return math.ceil(n / stride)


def valid_counting_loop(n, pool_size, stride):
    count, start = 0, 0
    while start + pool_size <= n:
        count += 1
        start += stride
    return count


def valid_range(n, pool_size, stride):
    return len(range(0, n - pool_size + 1, stride))


def valid_floor(n, pool_size, stride):
    return math.floor((n - pool_size) / stride) + 1


# --- 1.2 output_size ----------------------------------------------------------


def size_valid_floored(n, pool_size, stride, padding):
    if padding == "same":
        return math.ceil(n / stride)
    return (n - pool_size + 1) // stride


def size_same_is_n(n, pool_size, stride, padding):
    if padding == "same":
        return n
    return (n - pool_size) // stride + 1


def size_same_rounded(n, pool_size, stride, padding):
    if padding == "same":
        return round(n / stride)
    return (n - pool_size) // stride + 1


def size_same_with_window(n, pool_size, stride, padding):
    return math.ceil((n - pool_size + 1) / stride)


def size_ceil(n, pool_size, stride, padding):
    if padding == "valid":
        return math.floor((n - pool_size) / stride) + 1
    return math.ceil(n / stride)


def size_by_counting(n, pool_size, stride, padding):
    starts = range(0, n, stride) if padding == "same" else range(0, n - pool_size + 1, stride)
    return len(starts)


# --- 1.3 same_padding_split ----------------------------------------------------


def split_window_minus_one(n, pool_size, stride):
    total = pool_size - 1
    return total // 2, total - total // 2


def split_no_clamp(n, pool_size, stride):
    out = math.ceil(n / stride)
    total = (out - 1) * stride + pool_size - n
    return total // 2, total - total // 2


def split_extra_first(n, pool_size, stride):
    out = math.ceil(n / stride)
    total = max((out - 1) * stride + pool_size - n, 0)
    return math.ceil(total / 2), math.floor(total / 2)


def split_halves(n, pool_size, stride):
    out = math.ceil(n / stride)
    total = max((out - 1) * stride + pool_size - n, 0)
    return total // 2, total // 2


def split_reference_style(n, pool_size, stride):
    out = -(-n // stride)
    total = max(0, (out - 1) * stride + pool_size - n)
    before = total // 2
    return before, total - before


def split_by_last_window(n, pool_size, stride):
    last_end = (math.ceil(n / stride) - 1) * stride + pool_size  # where the last window ends
    missing = max(last_end - n, 0)
    after = (missing + 1) // 2
    return missing - after, after


# --- 1.4 stack_output_shape ------------------------------------------------------


def stack_first_pool_ceil(input_shape):
    b, h, w, _ = input_shape
    out = []
    for n in (h, w):
        n = n - 2
        n = math.ceil(n / 2)
        n = math.ceil(n / 2)
        out.append(n)
    return (b, out[0], out[1], 32)


def stack_last_pool_valid(input_shape):
    b, h, w, _ = input_shape
    out = []
    for n in (h, w):
        n = (n - 2 - 2) // 2 + 1
        n = (n - 3) // 2 + 1
        out.append(n)
    return (b, out[0], out[1], 32)


def stack_keeps_channels(input_shape):
    b, h, w, c = input_shape
    sizes = [math.ceil(((n - 2 - 2) // 2 + 1) / 2) for n in (h, w)]
    return (b, sizes[0], sizes[1], c)


def stack_conv_same(input_shape):
    b, h, w, _ = input_shape
    sizes = [math.ceil(((n - 2) // 2 + 1) / 2) for n in (h, w)]
    return (b, sizes[0], sizes[1], 32)


def stack_step_by_step(input_shape):
    batch, height, width, _ = input_shape

    def follow(n):
        n = n - 3 + 1
        n = (n - 2) // 2 + 1
        return math.ceil(n / 2)

    return (batch, follow(height), follow(width), 32)


def stack_with_helpers(input_shape):
    def valid(n, f, s):
        return (n - f) // s + 1

    def same(n, s):
        return -(-n // s)

    b, h, w, _ = input_shape
    h, w = (same(valid(valid(n, 3, 1), 2, 2), 2) for n in (h, w))
    return (b, h, w, 32)


WRONG = [
    A("1.1", valid_ceil_no_plus_one, "no_plus_one", "ceil((n - f) / s) without the + 1"),
    A("1.1", valid_int_of_formula, "formula_floored", "int() of (n - f + 1) / s"),
    A("1.1", valid_formula_as_is, "unrounded_formula", "(n - f + 1) / s as a float"),
    A("1.1", valid_range_stop_exclusive, "no_plus_one", "range(0, n - f, s): the stop is exclusive"),
    A("1.1", valid_like_same, "same_formula_for_valid", "ceil(n / s) for 'valid'"),
    A("1.2", size_valid_floored, "formula_floored", "'valid' as (n - f + 1) // s"),
    A("1.2", size_same_is_n, "same_is_n", "'same' keeps the size"),
    A("1.2", size_same_rounded, "same_floored", "round(n / s): banker's rounding rounds 2.5 down"),
    A("1.2", size_same_with_window, "valid_formula_for_same", "one formula for both paddings"),
    A("1.3", split_window_minus_one, "padding_ignores_stride", "pads f - 1 whatever the stride"),
    A("1.3", split_no_clamp, "unclamped_total", "total not clamped at 0"),
    A("1.3", split_extra_first, "extra_cell_before", "ceil(total / 2) first"),
    A("1.3", split_halves, "odd_cell_dropped", "total // 2 on both sides"),
    A("1.4", stack_first_pool_ceil, "first_pool_ceil", "ceil for both poolings"),
    A("1.4", stack_last_pool_valid, "last_pool_valid", "'valid' formula for the last pool"),
    A("1.4", stack_keeps_channels, "channels_kept", "input channels kept"),
    A("1.4", stack_conv_same, "first_conv_same", "the first conv keeps the size"),
    A("1.5", (1, 4, 4, 8), "same_size", "ceil(7 / 2)"),
    A("1.5", (1, 2, 2, 8), "formula_floored", "(7 - 3 + 1) // 2"),
    A("1.5", (1, 5, 5, 8), "size_ignores_stride", "7 - 3 + 1"),
    A("1.5", (3, 3, 8), "batch_dropped", "no batch axis"),
    A("1.6", [(2, 2), (2, 2), (2, 2), (2, 2)], "too_many_layers", "four halvings: 14, and over budget"),
    A("1.6", [(2, 2), (2, 2), (2, 2)], "shrinks_too_little", "three halvings: 28"),
    A("1.6", [(4, 8), (2, 2), (2, 2)], "skips_cells", "stride 8 with a 4-wide window"),
    A("1.6", [(4, 4), (4, 4), (3, 2)], "shrinks_too_much", "an overlapping last layer: 6"),
    A("1.7", "A", "option_A", "padding before"),
    A("1.7", "c", "option_C", "half a cell each side"),
    A("1.7", "D", "option_D", "last window dropped"),
]

RIGHT = [
    A("1.1", valid_counting_loop, note="a while loop over window starts"),
    A("1.1", valid_range, note="len(range(...)) with the right stop"),
    A("1.1", valid_floor, note="math.floor((n - f) / s) + 1"),
    A("1.2", size_ceil, note="math.floor / math.ceil"),
    A("1.2", size_by_counting, note="counts window starts for both paddings"),
    A("1.3", split_reference_style, note="output size, clamped total, floor half first"),
    A("1.3", split_by_last_window, note="from where the last window ends"),
    A("1.4", stack_step_by_step, note="one size through the layers"),
    A("1.4", stack_with_helpers, note="valid/same helpers"),
    A("1.5", (1, 3, 3, 8), note="tuple"),
    A("1.5", [1, 3, 3, 8], note="a list is fine"),
    A("1.6", [(4, 4), (4, 4), (2, 2)], note="4 * 4 * 2"),
    A("1.6", [(8, 8), (4, 4)], note="two layers"),
    A("1.6", [(32, 32)], note="one big window"),
    A("1.7", "B", note="after"),
    A("1.7", " b ", note="lower case with spaces"),
]
