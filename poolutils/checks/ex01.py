"""Checks for exercises/01_output_size.ipynb: output sizes, 'same' padding, shapes through a stack."""

from __future__ import annotations

from typing import Any

import numpy as np

from poolutils.checks import mistakes as m
from poolutils.checks.core import (
    Case,
    Check,
    Mistake,
    Option,
    choice_check,
    compare_exact,
    compare_shape,
    make_cases,
    value_check,
)
from poolutils.keras_check import keras

# (n, pool_size, stride): odd sizes, stride below, equal to and above the window.
SIZES = [(4, 2, 2), (6, 2, 2), (7, 3, 2), (5, 2, 1), (9, 3, 3), (10, 3, 4), (1, 1, 1), (28, 5, 3), (13, 2, 5)]


def _keras_size(n: int, pool_size: int, stride: int, padding: str) -> int:
    layer = keras().layers.MaxPooling1D(pool_size, stride, padding=padding)
    return int(layer.compute_output_shape((1, n, 1))[1])


def _draw_sizes(rng: np.random.Generator, count: int = 6) -> list[tuple[int, int, int]]:
    rows = []
    for _ in range(count):
        n = int(rng.integers(1, 40))
        rows.append((n, int(rng.integers(1, min(n, 6) + 1)), int(rng.integers(1, 7))))
    return rows


# --- 1.1 -------------------------------------------------------------------


def output_size_valid(n, pool_size, stride):
    # Windows start at 0, stride, 2*stride, ... and must end inside the input.
    return (n - pool_size) // stride + 1


check_output_size_valid = Check(
    "1.1",
    "output_size_valid",
    libraries=False,  # the task says calling poolutils, Keras or TensorFlow is not credited
    cases=make_cases(SIZES, "n={0}, pool_size={1}, stride={2}"),
    draw=lambda rng: make_cases(_draw_sizes(rng), "n={0}, pool_size={1}, stride={2} [drawn]"),
    reference=output_size_valid,
    oracle=lambda n, f, s: _keras_size(n, f, s, "valid"),
    compare=compare_exact,
    mistakes=m.SIZE_MISTAKES,
    hints=(
        "Count where windows can start: 0, s, 2s, ... as long as start + f <= n.",
        "The last start is the largest multiple of s that is <= n - f, so there are (n - f) // s + 1 windows.",
    ),
    minutes=4,
)


# --- 1.2 -------------------------------------------------------------------


def output_size(n, pool_size, stride, padding):
    if padding == "same":
        # Padding makes every input cell the start of some stride step: ceil(n / stride).
        return -(-n // stride)
    return (n - pool_size) // stride + 1


_SIZE_LABEL = "n={0}, pool_size={1}, stride={2}, '{3}'"

check_output_size = Check(
    "1.2",
    "output_size",
    libraries=False,  # the task says calling poolutils, Keras or TensorFlow is not credited
    cases=make_cases(
        [(*row, p) for p in ("valid", "same") for row in SIZES] + [(3, 5, 1, "same")], _SIZE_LABEL
    ),
    draw=lambda rng: make_cases(
        [(*row, p) for row in _draw_sizes(rng) for p in ("valid", "same")], _SIZE_LABEL
    ),
    reference=output_size,
    oracle=_keras_size,
    compare=compare_exact,
    mistakes=(
        m.same_size_floored,
        m.valid_formula_for_same,
        m.same_is_n,
        *(mistake.on(m.valid_only) for mistake in m.SIZE_MISTAKES),
        Mistake(
            lambda n, f, s, p: (n + 2 * (f // 2) - f) // s + 1 if p == "same" else (n - f) // s + 1,
            "for 'same' you padded pool_size // 2 cells on each side, PyTorch's habit; TensorFlow pads just "
            "enough for ceil(n / stride) windows, so 'same' gives ceil(n / stride) cells whatever the pool size.",
            "same_symmetric_pad",
        ),
    ),
    hints=(
        "'valid' is Exercise 1.1. For 'same', imagine enough padding that a window starts at every stride step.",
        "'same' gives ceil(n / stride) whatever the pool size; in integers that is -(-n // stride).",
    ),
    minutes=5,
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


# Odd totals, a window larger than the input, and negative totals (stride > window).
_SPLITS = [(4, 3, 1), (5, 2, 2), (3, 1, 3), (8, 2, 5), (4, 2, 2), (7, 3, 2), (6, 4, 1), (8, 5, 3), (7, 1, 3)]
_SPLITS += [(10, 3, 4), (5, 4, 1)]

check_same_padding_split = Check(
    "1.3",
    "same_padding_split",
    libraries=False,  # the task says calling poolutils, Keras or TensorFlow is not credited
    cases=make_cases(_SPLITS, "n={0}, pool_size={1}, stride={2}"),
    draw=lambda rng: make_cases(_draw_sizes(rng), "n={0}, pool_size={1}, stride={2} [drawn]"),
    reference=same_padding_split,
    oracle=_split_oracle,
    compare=compare_exact,
    mistakes=m.SPLIT_MISTAKES,
    hints=(
        "First find the output size, ceil(n / s). The last window starts at (out - 1) * s and ends f cells later.",
        "total = max((out - 1) * s + f - n, 0); TensorFlow puts total // 2 before and the rest after.",
    ),
    minutes=6,
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


# The stack of Exercise 1.4, as data for the catalogue's stack mistakes.
STACK = (("conv", 3, 1, "valid", 16), ("pool", 2, 2, "valid", None), ("conv", 3, 1, "same", 32))
STACK += (("pool", 3, 2, "same", None),)


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


# 11 and 15 (and 19, 7): after the 3x3 conv the size is odd and half of it even, so a ceil
# where the first pool floors gives a different final size (elsewhere the last pool hides it).
_SHAPES = [(8, 30, 40, 3), (1, 28, 28, 1), (2, 9, 13, 5), (4, 64, 33, 3), (3, 11, 19, 3), (2, 15, 7, 1)]


def _draw_shapes(rng: np.random.Generator) -> list[Case]:
    shapes = [tuple(int(v) for v in (rng.integers(1, 5), *rng.integers(5, 70, size=2), rng.integers(1, 5)))]
    shapes += [(1, int(h), int(h) + 8, 3) for h in 4 * rng.integers(2, 12, size=2) + 3]  # odd, floor != ceil
    return make_cases([(s,) for s in shapes], "input_shape={0} [drawn]")


check_stack_output_shape = Check(
    "1.4",
    "stack_output_shape",
    libraries=True,  # the task allows building the model in Keras
    cases=make_cases([(s,) for s in _SHAPES], "input_shape={0}"),
    draw=_draw_shapes,
    reference=stack_output_shape,
    oracle=_stack_oracle,
    compare=compare_exact,
    mistakes=m.stack_mistakes(STACK),
    hints=(
        "Follow one spatial size through the four layers; the batch stays, the channels come from the last Conv2D.",
        "Conv 'valid' 3: n - 2. MaxPool 2: (n - 2) // 2 + 1. Conv 'same': n. MaxPool 3, stride 2, 'same': ceil(n / 2).",
    ),
    minutes=6,
)


# --- 1.5 (predict) -----------------------------------------------------------

predicted_shape = (1, 3, 3, 8)


def _predicted_shape_oracle() -> tuple[int, ...]:
    layer = keras().layers.MaxPooling2D(3, strides=2)
    return tuple(int(d) for d in layer.compute_output_shape((1, 7, 7, 8)))


check_predicted_shape = value_check(
    "1.5",
    "predicted_shape",
    kind="predict",
    reference=predicted_shape,
    oracle=_predicted_shape_oracle,
    compare=compare_shape,
    mistakes=[
        (
            "same_size",
            (1, 4, 4, 8),
            "4 = ceil(7 / 2) is the 'same' size; MaxPooling2D pads only with padding='same', and the default "
            "is 'valid': floor((7 - 3) / 2) + 1 = 3.",
        ),
        (
            "formula_floored",
            (1, 2, 2, 8),
            "(7 - 3 + 1) / 2 = 2.5 rounded down; the windows start at 0, 2 and 4, so there are 3 of them.",
        ),
        (
            "size_ignores_stride",
            (1, 5, 5, 8),
            "5 = 7 - 3 + 1 is the count for stride 1; here the stride is 2.",
        ),
        ("batch_dropped", (3, 3, 8), "the batch axis stays: the shape is (batch, height, width, channels)."),
        ("channels_pooled", (1, 3, 3, 3), "pooling never changes the channels: 8 maps in, 8 maps out."),
    ],
    hints=(
        "Which padding does MaxPooling2D use when you do not say? Then apply Exercise 1.1 to 7 with f=3, s=2.",
        "'valid': windows start at 0, 2, 4 (4 + 3 = 7 still fits), so 3 per axis; batch and channels stay.",
    ),
    minutes=2,
)


# --- 1.6 (design) ------------------------------------------------------------

stack_224_to_7 = [(4, 4), (4, 4), (2, 2)]

_MAX_LAYERS = 3


def _layer_list(got: Any) -> list[tuple[int, int]]:
    layers = [tuple(layer) for layer in got]
    if not all(
        len(layer) == 2
        and all(isinstance(v, int | np.integer) and not isinstance(v, bool) and v > 0 for v in layer)
        for layer in layers
    ):
        raise ValueError
    return layers


def _sizes(layers: list[tuple[int, int]], n: int = 224) -> list[int]:
    sizes = [n]
    for f, s in layers:
        sizes.append((sizes[-1] - f) // s + 1 if f <= sizes[-1] else 0)
    return sizes


def _keras_stack_size(layers: list[tuple[int, int]], n: int = 224) -> int:
    model = keras().Sequential(
        [keras().Input(shape=(n, n, 1))] + [keras().layers.MaxPooling2D(f, strides=s) for f, s in layers]
    )
    return int(model.output_shape[1])


def _compare_stack(expected: int, got: Any) -> str | None:
    try:
        layers = _layer_list(got)
    except (TypeError, ValueError):
        return "write a list of (pool_size, stride) pairs of positive ints, e.g. [(2, 2), (3, 3)]"
    if not 1 <= len(layers) <= _MAX_LAYERS:
        return f"used {len(layers)} layers; use 1 to {_MAX_LAYERS}"
    skipping = [layer for layer in layers if layer[1] > layer[0]]
    if skipping:
        return f"layer {skipping[0]} has a stride larger than its window, so some cells are never read"
    if 0 in _sizes(layers)[1:]:
        return f"a window is larger than its input along the way ({' -> '.join(map(str, _sizes(layers)))})"
    size = _keras_stack_size(layers)
    return None if size == expected else f"your stack maps 224 to {size}, not {expected}"


def _stack_size_is(compare: Any) -> Any:
    def test(got: Any) -> bool:
        sizes = _sizes(_layer_list(got))
        return 0 not in sizes and compare(sizes[-1])

    return test


check_stack_224_to_7 = Check(
    "1.6",
    "stack_224_to_7",
    kind="design",
    cases=[Case("your stack")],
    reference=stack_224_to_7,
    oracle=lambda: 7,
    compare=_compare_stack,
    mistakes=(
        Mistake(
            None,
            "a stride larger than the window jumps over cells that no window reads: keep stride <= pool_size.",
            "skips_cells",
            test=lambda got: any(s > f for f, s in _layer_list(got)),
        ),
        Mistake(
            None,
            f"the budget is {_MAX_LAYERS} layers: a window can be larger than 2 (pool_size 4 with stride 4 "
            "divides by 4 at once).",
            "too_many_layers",
            test=lambda got: len(_layer_list(got)) > _MAX_LAYERS,
        ),
        Mistake(
            None,
            "too many windows are left: each 'valid' layer with window = stride divides the size by its stride, "
            "so the strides must multiply to 224 / 7 = 32 (e.g. 4 * 4 * 2).",
            "shrinks_too_little",
            test=_stack_size_is(lambda n: n > 7),
        ),
        Mistake(
            None,
            "it shrinks too much: the strides must multiply to 224 / 7 = 32; a window larger than its "
            "stride also drops the cells at the end that cannot fill a window.",
            "shrinks_too_much",
            test=_stack_size_is(lambda n: n < 7),
        ),
    ),
    hints=(
        "224 / 7 = 32. With pool_size == stride a 'valid' layer divides the size by the stride (when it divides).",
        "32 = 4 * 4 * 2: [(4, 4), (4, 4), (2, 2)] is one answer; 32 = 8 * 4 gives a two-layer one.",
    ),
    minutes=5,
)


# --- 1.7 (choose) ------------------------------------------------------------


def _padding_side() -> str:
    # MaxPooling1D(2, strides=2, padding='same') on 0, 1, 2, 3, 4 needs 1 padding cell.
    x = np.arange(5, dtype="float32").reshape(1, 5, 1)
    out = np.asarray(keras().layers.MaxPooling1D(2, 2, padding="same")(x))[0, :, 0].tolist()
    return {(1.0, 3.0, 4.0): "B", (0.0, 2.0, 4.0): "A", (1.0, 3.0): "D"}.get(tuple(out), "C")


check_padding_side = choice_check(
    "1.7",
    "padding_side",
    answer_name="padding_side",
    oracle=_padding_side,
    options={
        "A": Option(
            "before the first cell",
            "then the windows would be [pad, 0], [1, 2], [3, 4] and the output [0, 2, 4]; Keras gives "
            "[1, 3, 4], because TensorFlow puts the odd cell after.",
        ),
        "B": Option(
            "after the last cell",
            "TensorFlow puts total // 2 cells before and the rest after, so with 1 cell the windows are "
            "[0, 1], [2, 3], [4, pad] and the output is [1, 3, 4].",
            right=True,
        ),
        "C": Option(
            "half a cell on each side",
            "padding comes in whole cells; an odd total cannot be split evenly, so one side gets the extra cell.",
        ),
        "D": Option(
            "nowhere: the last, incomplete window is dropped",
            "that is 'valid' padding (output [1, 3]); 'same' pads so that the output has ceil(5 / 2) = 3 cells.",
        ),
    },
    hints=(
        "Work out the 3 windows of MaxPooling1D(2, strides=2, padding='same') on [0, 1, 2, 3, 4] for each option.",
        "Keras gives [1, 3, 4]: which windows produce that?",
    ),
    minutes=2,
)


CHECKS = (
    check_output_size_valid,
    check_output_size,
    check_same_padding_split,
    check_stack_output_shape,
    check_predicted_shape,
    check_stack_224_to_7,
    check_padding_side,
)
