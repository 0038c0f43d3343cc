"""Checks for exercises/08_porting_between_frameworks.ipynb: PyTorch's pooling conventions rebuilt in Keras.

PyTorch is not installed here. What PyTorch computes is taken from its
documentation (https://pytorch.org/docs/stable/generated/torch.nn.MaxPool2d.html
and .../torch.nn.AvgPool2d.html):

- output size ``floor((n + 2 * padding - kernel_size) / stride) + 1``, with
  ``ceil`` instead of ``floor`` when ``ceil_mode=True``, and "sliding windows
  that would start in the right padded region are ignored";
- max pooling pads with negative infinity (the padding never wins);
- average pooling with ``count_include_pad=True`` (the default) averages the
  padding zeros too: every window divides by ``kernel_size ** 2``.

The truth of every check is a composition of Keras layers that reproduces
the convention: ``ZeroPadding`` + 'valid' pooling, or an asymmetric padding
for ``ceil_mode``, or a pad with -inf (``keras.ops.pad``) before 'valid' max
pooling.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from poolutils.checks import mistakes as m
from poolutils.checks.core import (
    Check,
    Mistake,
    Option,
    choice_check,
    compare_arrays,
    compare_exact,
    compare_floats,
    compare_numbers,
    make_cases,
    sample,
    value_check,
)
from poolutils.checks.values import grid_mistakes


def _layers():
    from poolutils.keras_check import keras  # imports Keras: only when a check runs

    return keras().layers


def keras_zero_padded(kind: str, fmap: np.ndarray, pool_size: int, strides: int, padding) -> np.ndarray:
    """``ZeroPadding2D(padding)`` then 'valid' ``MaxPooling2D``/``AveragePooling2D`` on one (H, W) map.

    Examples
    --------
    >>> float(keras_zero_padded("avg", np.ones((3, 3)), 3, 1, 1)[0, 0] * 9)  # 4 ones and 5 zeros, over 9
    4.0
    """
    layers = _layers()
    pool = {"max": layers.MaxPooling2D, "avg": layers.AveragePooling2D}[kind]
    x = np.asarray(fmap, dtype=np.float32)[None, ..., None]
    return np.asarray(pool(pool_size, strides, padding="valid")(layers.ZeroPadding2D(padding)(x)))[0, ..., 0]


def keras_minus_inf_padded_max(fmap: np.ndarray, pool_size: int, strides: int, padding: int) -> np.ndarray:
    """``keras.ops.pad`` with -inf on every side, then 'valid' ``MaxPooling2D``: PyTorch's padded max.

    Examples
    --------
    >>> keras_minus_inf_padded_max(-np.ones((2, 2)), 2, 2, 1).tolist()  # the padding never wins
    [[-1.0, -1.0], [-1.0, -1.0]]
    """
    from poolutils.keras_check import keras

    x = np.asarray(fmap, dtype=np.float32)[None, ..., None]
    pads = [[0, 0], [padding, padding], [padding, padding], [0, 0]]
    padded = keras().ops.pad(x, pads, constant_values=-np.inf)
    return np.asarray(keras().layers.MaxPooling2D(pool_size, strides, padding="valid")(padded))[0, ..., 0]


# --- 8.3 -------------------------------------------------------------------


def torch_output_size(n, kernel_size, stride, padding, ceil_mode):
    span = n + 2 * padding - kernel_size
    if not ceil_mode:
        return span // stride + 1
    out = -(-span // stride) + 1  # rounded up
    # PyTorch drops a last window that would start in the right padding.
    if (out - 1) * stride >= n + padding:
        out -= 1
    return out


def _keras_output_size(n: int, kernel_size: int, stride: int, padding: int, ceil_mode: bool) -> int:
    # ceil_mode = stride - 1 more zeros on the right, so 'valid' pooling counts a partial last window;
    # then PyTorch's documented rule removes a window that would start in the right padding.
    layers = _layers()
    extra = stride - 1 if ceil_mode else 0
    x = np.zeros((1, n, 1), dtype=np.float32)
    padded = layers.ZeroPadding1D((padding, padding + extra))(x)
    out = int(layers.MaxPooling1D(kernel_size, stride, padding="valid")(padded).shape[1])
    if ceil_mode and (out - 1) * stride >= n + padding:
        out -= 1
    return out


_SIZE_LABEL = "n={0}, kernel_size={1}, stride={2}, padding={3}, ceil_mode={4}"


def _size_rows(rng: np.random.Generator, count: int = 6) -> list[tuple[int, int, int, int, bool]]:
    rows = []
    while len(rows) < count:
        k = int(rng.integers(1, 6))
        s, p, n = int(rng.integers(1, 5)), int(rng.integers(0, k // 2 + 1)), int(rng.integers(k, 20))
        rows.append((n, k, s, p, bool(rng.integers(0, 2))))
    return rows


def _floor_size(n, k, s, p, ceil_mode):
    return (n + 2 * p - k) // s + 1


def _ceil_without_rule(n, k, s, p, ceil_mode):
    return -(-(n + 2 * p - k) // s) + 1 if ceil_mode else (n + 2 * p - k) // s + 1


def _one_side(n, k, s, p, ceil_mode):
    return torch_output_size(n - p, k, s, p, ceil_mode)


check_torch_output_size = Check(
    "8.3",
    "torch_output_size",
    libraries=False,  # the task says calling poolutils, Keras or TensorFlow is not credited
    cases=lambda: make_cases(
        [
            (7, 2, 2, 0, False),
            (7, 2, 2, 0, True),
            (6, 3, 2, 1, False),
            (6, 3, 2, 1, True),
            (5, 2, 2, 1, True),
            (10, 3, 3, 0, True),
            (8, 3, 2, 1, True),
            (9, 3, 3, 1, False),
        ],
        _SIZE_LABEL,
    ),
    reference=torch_output_size,
    oracle=_keras_output_size,
    compare=compare_exact,
    mistakes=(
        Mistake(
            _floor_size,
            "you rounded down for ceil_mode=True too; ceil_mode=True rounds (n + 2*padding - kernel_size) / stride UP.",
            "ceil_mode_ignored",
        ),
        Mistake(
            _ceil_without_rule,
            "you rounded up but kept a last window that starts in the right padding; PyTorch ignores it: "
            "if (out - 1) * stride >= n + padding, subtract 1.",
            "ceil_without_start_rule",
        ),
        Mistake(
            _one_side,
            "you counted the padding once; padding=p adds p cells on EACH side: n + 2 * padding.",
            "padding_one_side",
        ),
        Mistake(
            lambda n, k, s, p, c: (n + 2 * p - k) / s + 1,
            "you returned the division unrounded; an output size is a whole number of windows.",
            "unrounded",
        ),
        Mistake(
            lambda n, k, s, p, c: -(-n // s),
            "that is Keras' 'same' size, ceil(n / stride), which ignores the window and the padding; PyTorch "
            "pads exactly `padding` cells on each side.",
            "keras_same_size",
        ),
    ),
    hints=(
        "Without ceil_mode: floor((n + 2*padding - kernel_size) / stride) + 1. With ceil_mode: round the "
        "division up instead, then apply PyTorch's rule about the last window.",
        "With ceil_mode: out = -(-(n + 2*padding - kernel_size) // stride) + 1; if (out - 1) * stride >= "
        "n + padding the last window would start in the right padding: out -= 1.",
    ),
    draw=lambda rng: make_cases(_size_rows(rng), _SIZE_LABEL),
    kind="implement",
    minutes=8,
)


# --- 8.2 -------------------------------------------------------------------


def torch_avg_pool2d(fmap, kernel_size, stride, padding):
    # count_include_pad=True (PyTorch's default): the padding zeros are averaged with the rest.
    padded = np.pad(np.asarray(fmap, dtype=float), padding)
    out_h = (padded.shape[0] - kernel_size) // stride + 1
    out_w = (padded.shape[1] - kernel_size) // stride + 1
    out = np.empty((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = padded[
                i * stride : i * stride + kernel_size, j * stride : j * stride + kernel_size
            ].mean()
    return out


def _windowed(fmap: np.ndarray, k: int, s: int, pads: tuple, value: float, reduce: Callable) -> np.ndarray:
    padded = np.pad(np.asarray(fmap, dtype=float), pads, constant_values=value)
    rows, cols = (padded.shape[0] - k) // s + 1, (padded.shape[1] - k) // s + 1
    return np.array(
        [[reduce(padded[i * s : i * s + k, j * s : j * s + k]) for j in range(cols)] for i in range(rows)]
    )


def _ceil_windows(fmap, k, s, p):
    # ceil_mode=True by mistake: a last window that runs off the padded map averages what it covers.
    padded = np.pad(np.asarray(fmap, dtype=float), p)
    rows, cols = (-(-(n - k) // s) + 1 for n in padded.shape)
    return np.array(
        [[padded[i * s : i * s + k, j * s : j * s + k].mean() for j in range(cols)] for i in range(rows)]
    )


def _avg_real_cells(fmap, k, s, p):
    return _windowed(fmap, k, s, p, np.nan, np.nanmean)


_AVG_CASES = [
    ("5x5 map, 3x3, stride 2, padding 1", sample((5, 5), 120), 3, 2, 1),
    ("4x6 map, 3x3, stride 1, padding 1", sample((4, 6), 121), 3, 1, 1),
    ("6x7 map, 2x2, stride 2, padding 1", sample((6, 7), 122), 2, 2, 1),
    (
        "5x5 map of integers (int64), 3x3, stride 2, padding 1: fractional averages",
        sample((5, 5), 123).astype(np.int64),
        3,
        2,
        1,
    ),
    ("7x5 map, 3x3, stride 3, padding 1", sample((7, 5), 124), 3, 3, 1),
    ("6x6 map, 5x5, stride 2, padding 2", sample((6, 6), 125), 5, 2, 2),
]

check_torch_avg_pool2d = Check(
    "8.2",
    "torch_avg_pool2d",
    libraries=False,  # the task says calling poolutils, Keras or TensorFlow is not credited
    cases=lambda: make_cases(_AVG_CASES),
    reference=torch_avg_pool2d,
    oracle=lambda x, k, s, p: keras_zero_padded("avg", x, k, s, p),
    compare=compare_floats,
    mistakes=(
        Mistake(
            _ceil_windows,
            "you rounded the number of windows up (PyTorch's ceil_mode=True); the default ceil_mode=False "
            "floors it: floor((n + 2 * padding - kernel_size) / stride) + 1 windows per axis.",
            "ceil_mode_used",
        ),
        Mistake(
            _avg_real_cells,
            "you divided by the number of REAL cells (count_include_pad=False, Keras' convention); PyTorch's "
            "default count_include_pad=True averages the padding zeros too: divide by kernel_size ** 2.",
            "count_exclude_pad",
        ),
        Mistake(
            lambda x, k, s, p: _windowed(x, k, s, 0, 0.0, np.mean),
            "you did not pad: padding=p puts p zeros on every side before the windows are laid out.",
            "no_padding",
        ),
        Mistake(
            lambda x, k, s, p: _windowed(x, k, s, ((0, 2 * p), (0, 2 * p)), 0.0, np.mean),
            "you put all the padding after the map (bottom/right); PyTorch pads `padding` cells on EACH side.",
            "padding_after_only",
        ),
        Mistake(
            lambda x, k, s, p: torch_avg_pool2d(x, k, s, p).astype(np.asarray(x).dtype),
            m.int_buffer("avg").diagnosis,
            m.int_buffer("avg").key,
        ),
        Mistake(
            lambda x, k, s, p: _windowed(
                np.pad(np.asarray(x, dtype=float), p, mode="edge"), k, s, 0, 0.0, np.mean
            ),
            "you padded with copies of the edge values (np.pad mode='edge'); PyTorch pads with zeros.",
            "edge_padding",
        ),
    ),
    hints=(
        "Pad the map with `padding` zeros on every side (np.pad(fmap, padding)), then take plain 'valid' "
        "windows of kernel_size x kernel_size with the stride, and average each: the zeros count.",
        "padded = np.pad(np.asarray(fmap, dtype=float), padding); out[i, j] = padded[i*stride : i*stride + "
        "kernel_size, j*stride : j*stride + kernel_size].mean() for out_h = (padded.shape[0] - kernel_size) "
        "// stride + 1 rows (same for columns).",
    ),
    kind="implement",
    minutes=8,
)


# --- 8.4 -------------------------------------------------------------------


def torch_max_pool2d(fmap, kernel_size, stride, padding):
    padded = np.pad(fmap, padding, constant_values=-np.inf)
    out_h = (padded.shape[0] - kernel_size) // stride + 1
    out_w = (padded.shape[1] - kernel_size) // stride + 1
    out = np.empty((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = padded[
                i * stride : i * stride + kernel_size, j * stride : j * stride + kernel_size
            ].max()
    return out


_MAX_CASES = [
    ("5x5 map, 3x3, stride 2, padding 1", sample((5, 5), 130), 3, 2, 1),
    ("5x5 map, every value negative, 3x3, stride 2, padding 1", -np.abs(sample((5, 5), 131)) - 1, 3, 2, 1),
    ("4x6 map, every value negative, 3x3, stride 1, padding 1", -np.abs(sample((4, 6), 132)) - 1, 3, 1, 1),
    ("6x6 map, 2x2, stride 2, padding 1", sample((6, 6), 133), 2, 2, 1),
    (
        "5x7 map of fractions, every value negative, 5x5, stride 3, padding 2",
        -np.abs(sample((5, 7), 134)) / 4 - 0.25,
        5,
        3,
        2,
    ),
    ("4x4 map, 2x2, stride 2, no padding", sample((4, 4), 135), 2, 2, 0),
]

check_torch_max_pool2d = Check(
    "8.4",
    "torch_max_pool2d",
    cases=lambda: make_cases(_MAX_CASES),
    reference=torch_max_pool2d,
    oracle=keras_minus_inf_padded_max,
    compare=compare_arrays,
    bug=Mistake(
        lambda x, k, s, p: _windowed(x, k, s, p, 0.0, np.max),
        "np.pad pads with zeros, and where every real value of a border window is negative a padding 0 wins. "
        "Pad with -np.inf (constant_values=-np.inf).",
        "zero_padding",
    ),
    mistakes=(
        Mistake(
            None,
            "the padding value still beats real values: a constant pad (0, -1, ...) wins every border window "
            "whose real values are all below it. Pad with -np.inf (constant_values=-np.inf).",
            "zero_padding",
            relation=m.constant_pad_wins,
        ),
        Mistake(
            lambda x, k, s, p: _windowed(x, k, s, p, np.nan, np.max),
            "you padded with NaN: np.max returns NaN for every window that touches the border. Pad with -np.inf, "
            "which no real value loses to.",
            "nan_padding",
        ),
        Mistake(
            lambda x, k, s, p: _windowed(x, k, s, 0, 0.0, np.max),
            "you removed the padding altogether: padding=p still adds p cells on each side (the output keeps "
            "its size); they just must never win.",
            "no_padding",
        ),
        Mistake(
            lambda x, k, s, p: _windowed(x, k, s, ((0, 2 * p), (0, 2 * p)), -np.inf, np.max),
            "you put all the padding after the map (bottom/right); PyTorch pads `padding` cells on EACH side.",
            "padding_after_only",
        ),
        Mistake(
            lambda x, k, s, p: np.trunc(torch_max_pool2d(x, k, s, p)).astype(np.int64),
            m.int_buffer("max").diagnosis,
            m.int_buffer("max").key,
        ),
    ),
    hints=(
        "Try the function on a map whose values are all negative: what does a window that hangs over "
        "the border return, and where does that value come from?",
        "np.pad(fmap, padding, constant_values=-np.inf): the -inf cells can never be a maximum, which is "
        "what PyTorch does.",
    ),
    kind="find_the_bug",
    minutes=6,
)


# --- 8.1 -------------------------------------------------------------------

predicted_corners = [4 / 9, 1.0]


def _corners_oracle() -> list[float]:
    ones = np.ones((3, 3), dtype=np.float32)
    from poolutils.checks.core import keras_pool_map

    included = keras_zero_padded("avg", ones, 3, 1, 1)[0, 0]
    excluded = keras_pool_map("avg", ones, pool_size=3, strides=1, padding="same")[0, 0]  # pads (1, 1) here
    return [float(included), float(excluded)]


check_predicted_corners = value_check(
    "8.1",
    "predicted_corners",
    kind="predict",
    minutes=3,
    label="a 3x3 map of ones, AvgPool2d(3, stride=1, padding=1), the top-left output",
    reference=predicted_corners,
    oracle=_corners_oracle,
    compare=compare_numbers,
    mistakes=(
        (
            "padding_never_counted",
            [1.0, 1.0],
            "with count_include_pad=True the 5 padding zeros of the corner "
            "window are averaged too: 4 ones / 9 cells.",
        ),
        (
            "padding_always_counted",
            [4 / 9, 4 / 9],
            "with count_include_pad=False only the 4 real cells are averaged: 4 / 4 = 1, Keras' convention.",
        ),
        (
            "swapped",
            [1.0, 4 / 9],
            "the order is (count_include_pad=True, count_include_pad=False): include the padding first.",
        ),
        *grid_mistakes(_corners_oracle),
    ),
    hints=(
        "The top-left window is 3x3 and hangs one cell over the top and the left: 4 of its 9 cells are real "
        "(all ones), 5 are padding zeros.",
        "Included: (sum of the 9 cells) / 9. Excluded: (sum of the real cells) / (number of real cells).",
    ),
)


# --- 8.5 -------------------------------------------------------------------


def _documented_avg(fmap: np.ndarray) -> np.ndarray:
    # AvgPool2d(3, 2, padding=1) as documented: zero padding, every window divided by 9.
    return _windowed(fmap, 3, 2, 1, 0.0, np.mean)


def _port_options() -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    from poolutils.checks.core import keras_pool_map

    return {
        "A": lambda x: keras_pool_map("avg", x, pool_size=3, strides=2, padding="same"),
        "B": lambda x: keras_zero_padded("avg", x, 3, 2, 1),
        "C": lambda x: keras_pool_map(
            "avg", np.pad(x, 1), pool_size=3, strides=2, padding="same"
        ),  # ZeroPadding2D(1), then 'same'
        "D": lambda x: keras_pool_map("avg", x, pool_size=3, strides=2, padding="valid"),
    }


def _port_oracle() -> str:
    maps = [sample((5, 5), 140), sample((6, 6), 141), sample((7, 4), 142)]
    right = [
        letter
        for letter, port in _port_options().items()
        if all(compare_floats(_documented_avg(x), port(x).astype(float)) is None for x in maps)
    ]
    return right[0]


check_keras_port = choice_check(
    "8.5",
    "keras_port",
    minutes=3,
    options={
        "A": Option(
            "AveragePooling2D(3, strides=2, padding='same')",
            "'same' excludes the padding from the divisor (count_include_pad=False), and on an even input "
            "TensorFlow pads (0, 1), not (1, 1), so the windows move.",
        ),
        "B": Option(
            "ZeroPadding2D(1), then AveragePooling2D(3, strides=2, padding='valid')",
            "the zeros are real input cells for the 'valid' layer, so each window divides by 9, exactly "
            "count_include_pad=True, and the padding is 1 on each side for any input size.",
            right=True,
        ),
        "C": Option(
            "ZeroPadding2D(1), then AveragePooling2D(3, strides=2, padding='same')",
            "that pads twice: 'same' adds its own padding around the zero-padded map, so the output can have "
            "an extra row or column and the border windows read extra padding.",
        ),
        "D": Option(
            "AveragePooling2D(3, strides=2, padding='valid')",
            "no padding at all: every window starts one cell later than PyTorch's and the output is smaller.",
        ),
    },
    oracle=_port_oracle,
    hints=(
        "Two things must match: where the windows lie (1 padding cell on each side) and what each window "
        "divides by (9, padding included).",
        "Which Keras layer never excludes anything from the divisor? A 'valid' layer: all its cells are input.",
    ),
)


CHECKS = (
    check_predicted_corners,
    check_torch_avg_pool2d,
    check_torch_output_size,
    check_torch_max_pool2d,
    check_keras_port,
)
