"""A fresh set of learner answers to exercises/01_output_size.ipynb, written from the task texts only.

Written after the checkers' feedback work began, without reading the mistake
catalogue: each answer is what a learner who read only the task might hand
in. ``expect`` is the checker key whose sentence describes the real mistake,
or ``"says:<text>"`` when the result line itself names it (a type or shape
sentence); tools/score_learner_answers.py scores them.
"""

import math

from tests.learner_answers import LearnerAnswer as A

# --- 1.1 ---------------------------------------------------------------------


def v_right_floor(n, pool_size, stride):
    return (n - pool_size) // stride + 1


def v_right_math(n, pool_size, stride):
    return math.floor((n - pool_size) / stride) + 1


def v_text_formula_rounded(n, pool_size, stride):
    return round((n - pool_size + 1) / stride)


def v_no_plus_one(n, pool_size, stride):
    return (n - pool_size) // stride


def v_float(n, pool_size, stride):
    return (n - pool_size) / stride + 1


def v_counts_starts_to_n(n, pool_size, stride):
    return len(range(0, n, stride))


def v_keras(n, pool_size, stride):
    import keras
    import numpy as np

    return keras.layers.MaxPooling1D(pool_size, stride)(np.zeros((1, n, 1))).shape[1]


# --- 1.2 ---------------------------------------------------------------------


def s_right(n, pool_size, stride, padding):
    if padding == "same":
        return math.ceil(n / stride)
    return (n - pool_size) // stride + 1


def s_right_neg_floor(n, pool_size, stride, padding):
    return -(-n // stride) if padding == "same" else (n - pool_size) // stride + 1


def s_same_floor(n, pool_size, stride, padding):
    if padding == "same":
        return n // stride
    return (n - pool_size) // stride + 1


def s_same_pytorch_pad(n, pool_size, stride, padding):
    pad = pool_size // 2 if padding == "same" else 0
    return (n + 2 * pad - pool_size) // stride + 1


def s_same_is_n(n, pool_size, stride, padding):
    return n if padding == "same" else (n - pool_size) // stride + 1


def s_valid_float(n, pool_size, stride, padding):
    return math.ceil(n / stride) if padding == "same" else (n - pool_size + 1) / stride


# --- 1.3 ---------------------------------------------------------------------


def p_right(n, pool_size, stride):
    out = -(-n // stride)
    total = max((out - 1) * stride + pool_size - n, 0)
    return (total // 2, total - total // 2)


def p_extra_before(n, pool_size, stride):
    out = math.ceil(n / stride)
    total = max((out - 1) * stride + pool_size - n, 0)
    return (total - total // 2, total // 2)


def p_no_clamp(n, pool_size, stride):
    out = math.ceil(n / stride)
    total = (out - 1) * stride + pool_size - n
    return (total // 2, total - total // 2)


def p_stride_one_total(n, pool_size, stride):
    total = pool_size - 1
    return (total // 2, total - total // 2)


def p_list(n, pool_size, stride):
    out = math.ceil(n / stride)
    total = max((out - 1) * stride + pool_size - n, 0)
    return [total // 2, total - total // 2]


# --- 1.4 ---------------------------------------------------------------------


def _valid(n, f, s):
    return (n - f) // s + 1


def _same(n, s):
    return -(-n // s)


def st_right(input_shape):
    b, h, w, _ = input_shape
    h, w = _valid(h, 3, 1), _valid(w, 3, 1)
    h, w = _valid(h, 2, 2), _valid(w, 2, 2)
    return (b, _same(h, 2), _same(w, 2), 32)


def st_keras(input_shape):
    import keras

    model = keras.Sequential(
        [
            keras.Input(input_shape[1:]),
            keras.layers.Conv2D(16, 3),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(32, 3, padding="same"),
            keras.layers.MaxPooling2D(3, strides=2, padding="same"),
        ]
    )
    return (input_shape[0], *model.output_shape[1:])


def st_conv_same(input_shape):
    b, h, w, _ = input_shape
    h, w = _valid(h, 2, 2), _valid(w, 2, 2)
    return (b, _same(h, 2), _same(w, 2), 32)


def st_channels_kept(input_shape):
    b, h, w, c = input_shape
    h, w = _valid(_valid(h, 3, 1), 2, 2), _valid(_valid(w, 3, 1), 2, 2)
    return (b, _same(h, 2), _same(w, 2), c)


def st_last_valid(input_shape):
    b, h, w, _ = input_shape
    h, w = _valid(_valid(h, 3, 1), 2, 2), _valid(_valid(w, 3, 1), 2, 2)
    return (b, _valid(h, 3, 2), _valid(w, 3, 2), 32)


def st_no_batch(input_shape):
    _, h, w, _ = input_shape
    h, w = _valid(_valid(h, 3, 1), 2, 2), _valid(_valid(w, 3, 1), 2, 2)
    return (_same(h, 2), _same(w, 2), 32)


def st_hw_swapped(input_shape):
    b, h, w, _ = input_shape
    h, w = _valid(_valid(h, 3, 1), 2, 2), _valid(_valid(w, 3, 1), 2, 2)
    return (b, _same(w, 2), _same(h, 2), 32)


RIGHT = [
    A("1.1", v_right_floor, note="(n - f) // s + 1"),
    A("1.1", v_right_math, note="math.floor"),
    A("1.2", s_right, note="ceil for same"),
    A("1.2", s_right_neg_floor, note="-(-n // s)"),
    A("1.3", p_right, note="total // 2 before"),
    A("1.4", st_right, note="arithmetic"),
    A("1.4", st_keras, note="builds the model in Keras (the task allows it)"),
    A("1.5", (1, 3, 3, 8), note="floor((7 - 3) / 2) + 1 = 3"),
    A("1.5", [1, 3, 3, 8], note="as a list"),
    A("1.6", [(2, 2), (4, 4), (4, 4)], note="224 -> 112 -> 28 -> 7"),
    A("1.6", [(4, 4), (8, 8)], note="224 -> 56 -> 7"),
    A("1.6", [(32, 32)], note="one layer"),
    A("1.7", "B", note="after"),
    A("1.7", "b", note="lower case"),
]

WRONG = [
    A("1.1", v_text_formula_rounded, "formula_floored", "round() of the task's (n - f + 1) / s"),
    A("1.1", v_no_plus_one, "no_plus_one", "forgot the + 1"),
    A("1.1", v_float, "says:expected an int", "true division"),
    A("1.1", v_counts_starts_to_n, "same_formula_for_valid", "counts every start up to n: ceil(n / s)"),
    A("1.1", v_keras, "forbidden_library", "asks Keras"),
    A("1.2", s_same_floor, "same_floored", "'same' with floor"),
    A("1.2", s_same_pytorch_pad, "same_symmetric_pad", "'same' as PyTorch's pool_size // 2 on each side"),
    A("1.2", s_same_is_n, "same_is_n", "'same' keeps n"),
    A("1.2", s_valid_float, "says:expected an int", "float for 'valid'"),
    A("1.3", p_extra_before, "extra_cell_before", "the odd cell first"),
    A("1.3", p_no_clamp, "unclamped_total", "negative total kept"),
    A("1.3", p_stride_one_total, "padding_ignores_stride", "pool_size - 1 in total"),
    A("1.3", p_list, "says:expected a tuple", "a list"),
    A("1.4", st_conv_same, "first_conv_same", "forgot the first conv shrinks"),
    A("1.4", st_channels_kept, "channels_kept", "input channels kept"),
    A("1.4", st_last_valid, "last_pool_valid", "last pool as 'valid'"),
    A("1.4", st_no_batch, "says:returned 3 entries", "no batch"),
    A("1.4", st_hw_swapped, "height_width_swapped", "height and width swapped"),
    A("1.5", (1, 2, 2, 8), "formula_floored", "(7 - 3 + 1) / 2 floored"),
    A("1.5", (1, 4, 4, 8), "same_size", "ceil(7 / 2), as 'same'"),
    A("1.5", (3, 3, 8), "batch_dropped", "no batch"),
    A("1.5", (1, 3, 3, 3), "channels_pooled", "channels pooled too"),
    A("1.5", (1, 5, 5, 8), "size_ignores_stride", "stride forgotten"),
    A("1.6", [(2, 2), (2, 2), (2, 2)], "shrinks_too_little", "three halvings: 28"),
    A("1.6", [(2, 2)] * 5, "too_many_layers", "five halvings"),
    A("1.6", [(2, 4), (2, 8)], "skips_cells", "stride above pool size"),
    A("1.6", [(4, 4), (4, 4), (4, 4)], "shrinks_too_much", "224 -> 3"),
    A("1.7", "A", "option_A", "before"),
    A("1.7", "C", "option_C", "half a cell"),
    A("1.7", "D", "option_D", "dropped"),
]
