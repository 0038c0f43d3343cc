"""Checks for exercises/01_output_size.ipynb: output sizes, 'same' padding, a shape quiz."""

from __future__ import annotations

import numpy as np

from poolutils.checks import mistakes as m
from poolutils.checks.core import Case, Check, Mistake, compare_exact
from poolutils.keras_check import keras

# (n, pool_size, stride): odd sizes, stride below, equal to and above the window.
SIZES = [(4, 2, 2), (6, 2, 2), (7, 3, 2), (5, 2, 1), (9, 3, 3), (10, 3, 4), (1, 1, 1), (28, 5, 3), (13, 2, 5)]


def _keras_size(n: int, pool_size: int, stride: int, padding: str) -> int:
    layer = keras().layers.MaxPooling1D(pool_size, stride, padding=padding)
    return int(layer.compute_output_shape((1, n, 1))[1])


# --- 1.1 -------------------------------------------------------------------


def output_size_valid(n, pool_size, stride):
    # Windows start at 0, stride, 2*stride, ... and must end inside the input.
    return (n - pool_size) // stride + 1


def _valid_cases() -> list[Case]:
    return [Case(f"n={n}, pool_size={f}, stride={s}", (n, f, s)) for n, f, s in SIZES]


check_output_size_valid = Check(
    "1.1",
    "output_size_valid",
    cases=_valid_cases,
    reference=output_size_valid,
    oracle=lambda n, f, s: _keras_size(n, f, s, "valid"),
    compare=compare_exact,
    mistakes=(
        Mistake(
            m.article_size,
            "you used (n - f + 1) / s as it is; it is a fraction when the last step does not fit, "
            "and the count of windows is that number rounded UP (or floor((n - f) / s) + 1).",
        ),
        Mistake(
            m.article_size_floored,
            "you rounded (n - f + 1) / s down; a partial last step still leaves room for a window, "
            "so round it UP: ceil((n - f + 1) / s), or floor((n - f) / s) + 1.",
        ),
        Mistake(
            m.size_without_plus_one,
            "off by one: (n - f) // s counts the steps between windows; add 1 for the first window.",
        ),
        Mistake(
            lambda n, f, s: n - f + 1,
            "you ignored the stride: n - f + 1 is the count for stride 1 only.",
        ),
    ),
    hints=(
        "Count where windows can start: 0, s, 2s, ... as long as start + f <= n.",
        "The last start is the largest multiple of s that is <= n - f, so there are (n - f) // s + 1 windows.",
    ),
)


# --- 1.2 -------------------------------------------------------------------


def output_size(n, pool_size, stride, padding):
    if padding == "same":
        # Padding makes every input cell the start of some stride step: ceil(n / stride).
        return -(-n // stride)
    return (n - pool_size) // stride + 1


def _size_cases() -> list[Case]:
    valid = [Case(f"n={n}, pool_size={f}, stride={s}, 'valid'", (n, f, s, "valid")) for n, f, s in SIZES]
    same = [Case(f"n={n}, pool_size={f}, stride={s}, 'same'", (n, f, s, "same")) for n, f, s in SIZES]
    same.append(Case("n=3, pool_size=5, stride=1, 'same' (window larger than input)", (3, 5, 1, "same")))
    return valid + same


check_output_size = Check(
    "1.2",
    "output_size",
    cases=_size_cases,
    reference=output_size,
    oracle=_keras_size,
    compare=compare_exact,
    mistakes=(
        Mistake(
            lambda n, f, s, p: m.same_size_floored(n, s) if p == "same" else output_size_valid(n, f, s),
            "with 'same' you rounded n / s down; padding covers the last partial step, so round UP: "
            "ceil(n / s), i.e. -(-n // s).",
        ),
        Mistake(
            lambda n, f, s, p: output_size_valid(n, f, s),
            "you used the 'valid' formula for 'same' too; with 'same' the window size does not matter: "
            "the output has ceil(n / s) cells.",
        ),
        Mistake(
            lambda n, f, s, p: n if p == "same" else output_size_valid(n, f, s),
            "with 'same' you returned n: that is only true for stride 1; the output has ceil(n / s) cells.",
        ),
        Mistake(
            lambda n, f, s, p: m.article_size(n, f, s) if p == "valid" else output_size(n, f, s, p),
            "for 'valid' you used (n - f + 1) / s as it is; round it UP (or use floor((n - f) / s) + 1).",
        ),
        Mistake(
            lambda n, f, s, p: m.article_size_floored(n, f, s) if p == "valid" else output_size(n, f, s, p),
            "for 'valid' you rounded (n - f + 1) / s down; round it UP.",
        ),
    ),
    hints=(
        "'valid' is Exercise 1.1. For 'same', imagine enough padding that a window starts at every stride step.",
        "'same' gives ceil(n / stride) whatever the pool size; in integers that is -(-n // stride).",
    ),
)


# --- 1.3 -------------------------------------------------------------------


def same_padding_split(n, pool_size, stride):
    out = -(-n // stride)
    # Just enough padding for the last window to end at or past the last cell (never negative).
    total = max((out - 1) * stride + pool_size - n, 0)
    # TensorFlow puts the odd extra cell after the input (bottom / right).
    return total // 2, total - total // 2


def _split_oracle(n: int, f: int, s: int) -> tuple[int, int]:
    # Keras does not report its padding; read it off MaxPooling1D on 0, 1, ..., n-1:
    # the first window's maximum is its last real index, f - 1 - before.
    x = np.arange(n, dtype="float32").reshape(1, n, 1)
    first = int(np.asarray(keras().layers.MaxPooling1D(f, s, padding="same")(x))[0, 0, 0])
    out = _keras_size(n, f, s, "same")
    before = f - 1 - first
    return before, max((out - 1) * s + f - n, 0) - before


def _split_cases() -> list[Case]:
    sizes = [
        (4, 3, 1),
        (5, 2, 2),
        (3, 1, 3),
        (8, 2, 5),
        (4, 2, 2),
        (7, 3, 2),
        (6, 4, 1),
        (8, 5, 3),
        (7, 1, 3),
        (10, 3, 4),
        (5, 4, 1),
    ]
    return [Case(f"n={n}, pool_size={f}, stride={s}", (n, f, s)) for n, f, s in sizes]


check_same_padding_split = Check(
    "1.3",
    "same_padding_split",
    cases=_split_cases,
    reference=same_padding_split,
    oracle=_split_oracle,
    compare=compare_exact,
    mistakes=(
        Mistake(
            m.padding_split_before,
            "you put the odd extra padding cell before the input; TensorFlow puts it AFTER "
            "(bottom / right): before = total // 2, after = total - before.",
        ),
        Mistake(
            m.padding_split_ignoring_stride,
            "you padded f - 1 cells whatever the stride; that total is right for stride 1 only. "
            "Pad just enough for ceil(n / s) windows: (out - 1) * s + f - n.",
        ),
        Mistake(
            m.padding_split_unclamped,
            "your total went negative: when the stride is larger than the window, no padding is "
            "needed, so clamp the total at 0.",
        ),
    ),
    hints=(
        "First find the output size, ceil(n / s). The last window starts at (out - 1) * s and ends f cells later.",
        "total = max((out - 1) * s + f - n, 0); TensorFlow puts total // 2 before and the rest after.",
    ),
)


# --- 1.4 -------------------------------------------------------------------


def stack_output_shape(input_shape):
    batch, height, width, _ = input_shape
    sizes = []
    for n in (height, width):
        n = n - 3 + 1  # Conv2D(16, 3), 'valid': the kernel must fit
        n = (n - 2) // 2 + 1  # MaxPooling2D(2), 'valid'
        # Conv2D(32, 3, padding='same') keeps the size
        n = -(-n // 2)  # MaxPooling2D(3, strides=2, padding='same'): ceil(n / 2)
        sizes.append(n)
    return (batch, sizes[0], sizes[1], 32)


def _stack_oracle(input_shape: tuple[int, int, int, int]) -> tuple[int, ...]:
    layers = keras().layers
    model = keras().Sequential(
        [
            keras().Input(shape=input_shape[1:], batch_size=input_shape[0]),
            layers.Conv2D(16, 3),
            layers.MaxPooling2D(2),
            layers.Conv2D(32, 3, padding="same"),
            layers.MaxPooling2D(3, strides=2, padding="same"),
        ]
    )
    return tuple(int(d) for d in model.output_shape)


def _stack_cases() -> list[Case]:
    shapes = [(8, 30, 40, 3), (1, 28, 28, 1), (2, 9, 13, 5), (4, 64, 33, 3)]
    return [Case(f"input_shape={s}", (s,)) for s in shapes]


def _stack_last_pool_valid(input_shape):
    b, h, w, _ = input_shape
    h, w = ((((n - 2) // 2 + 1) - 3) // 2 + 1 for n in (h - 2, w - 2))
    return (b, h, w, 32)


check_stack_output_shape = Check(
    "1.4",
    "stack_output_shape",
    cases=_stack_cases,
    reference=stack_output_shape,
    oracle=_stack_oracle,
    compare=compare_exact,
    mistakes=(
        Mistake(
            lambda s: (*stack_output_shape(s)[:3], s[3]),
            "the channels: pooling keeps them, but the last Conv2D has 32 filters, so the output has 32 channels.",
        ),
        Mistake(
            lambda s: (s[0], *stack_output_shape(s)[2:0:-1], 32),
            "height and width are swapped: the shape is (batch, height, width, channels).",
        ),
        Mistake(
            _stack_last_pool_valid,
            "the last pooling layer uses padding='same': its output is ceil(n / 2), not the 'valid' size.",
        ),
        Mistake(
            lambda s: stack_output_shape((s[0], s[1] + 2, s[2] + 2, s[3])),
            "the first Conv2D has padding='valid' (the default): a 3x3 kernel shrinks each side by 2.",
        ),
        Mistake(
            lambda s: stack_output_shape(s)[1:],
            "the batch size is part of the shape: return (batch, height, width, channels).",
        ),
    ),
    hints=(
        "Follow one spatial size through the four layers; the batch stays, the channels come from the last Conv2D.",
        "Conv 'valid' 3: n - 2. MaxPool 2: (n - 2) // 2 + 1. Conv 'same': n. MaxPool 3, stride 2, 'same': ceil(n / 2).",
    ),
)


CHECKS = (check_output_size_valid, check_output_size, check_same_padding_split, check_stack_output_shape)
