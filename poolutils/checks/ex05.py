"""Checks for exercises/05_real_images.ipynb: pooling a photo, shifts and aliasing, blur pooling.

Exercises 5.2 and 5.3 measure one shift the way notebook 05b does: the
change in place and the change from the shifted reference (interpolated at
half a cell), in brightness units, for stride 2 and its stride-1 control.

Exercises 5.4-5.6 follow Zhang, "Making Convolutional Networks Shift-Invariant
Again" (ICML 2019): max pooling with stride 1, then a fixed binomial blur that
subsamples. Their truth is that composition of Keras layers
(:func:`keras_blur_pool`: ``MaxPooling`` with stride 1, then a
``DepthwiseConv`` whose kernel is set to the binomial one, with the stride).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np

import poolutils as pu
from poolutils.antialias import binomial_kernel, blur_pool_layers
from poolutils.checks import mistakes as m
from poolutils.checks.core import (
    Case,
    Check,
    Mistake,
    compare_arrays,
    compare_close,
    compare_floats,
    compare_numbers,
    keras_pool_map,
    sample,
    value_check,
)
from poolutils.images import sample_image


@cache
def _photo() -> np.ndarray:
    # Grace Hopper's portrait from matplotlib's own files, 150x128 after 4x4 block averaging.
    return sample_image(4)


def _noise(shape: tuple[int, int], seed: int) -> np.ndarray:
    # Eighths in [0, 1]: exact in float32 and short to print.
    return (np.random.default_rng(seed).integers(0, 9, size=shape) / 8).astype(np.float32)


def _stripe() -> np.ndarray:
    image = np.zeros((4, 12), dtype=np.float32)
    image[:, 4:6] = 1
    return image


def _crops(image: np.ndarray, shift: int) -> tuple[np.ndarray, np.ndarray]:
    # The image moved `shift` pixels right, without wrapped or invented pixels.
    width = image.shape[1] - 2 * shift
    return image[:, shift : shift + width], image[:, :width]


# --- 5.1 -------------------------------------------------------------------


def pool_photo(image, mode, pool_size):
    x = image[np.newaxis, :, :, np.newaxis]  # a batch of one single-channel map
    pool = pu.max_pool if mode == "max" else pu.avg_pool
    return pool(x, pool_size)[0, :, :, 0]


def _on_photo(make: Callable[[str], Mistake]) -> Mistake:
    # A catalogued mistake of pooling one map, (x, f, s, padding), for pool_photo's (image, mode, pool_size).
    probe = make("max")
    return Mistake(lambda image, mode, f: make(mode).fn(image, f, f, "valid"), probe.diagnosis, probe.key)


def _last_window_missing(image, mode, pool_size):
    # Loops over range(0, n - pool_size, pool_size): the last window is lost when pool_size divides n.
    rows, cols = (len(range(0, n - pool_size, pool_size)) for n in image.shape)
    return pool_photo(image, mode, pool_size)[:rows, :cols]


def _photo_cases() -> list[Case]:
    return [
        Case("5x7 image, 'max', pool 2", (_noise((5, 7), 90), "max", 2)),
        Case("5x7 image, 'avg', pool 2", (_noise((5, 7), 90), "avg", 2)),
        Case("7x8 image, 'max', pool 3", (_noise((7, 8), 91), "max", 3)),
        Case("the photo (150x128), 'avg', pool 4", (_photo(), "avg", 4)),
        Case("the photo (150x128), 'max', pool 3", (_photo(), "max", 3)),
    ]


check_pool_photo = Check(
    "5.1",
    "pool_photo",
    cases=_photo_cases,
    reference=pool_photo,
    oracle=lambda image, mode, f: keras_pool_map(mode, image, pool_size=f),
    compare=compare_arrays,
    mistakes=(
        Mistake(
            lambda image, mode, f: pool_photo(image, mode, f)[np.newaxis, :, :, np.newaxis],
            "you returned the batch and channel axes too: remove them again, result[0, :, :, 0], "
            "so the result is an (H, W) image like the input.",
            "batch_axes_kept",
        ),
        Mistake(
            lambda image, mode, f: pool_photo(image, "max", f),
            "you always took the maximum: `mode` says which pooling to use ('max' or 'avg').",
            "mode_ignored",
        ),
        Mistake(
            lambda image, mode, f: pool_photo(image.T, mode, f),
            "height and width are swapped: the image is (H, W) and the result (H // pool_size, W // pool_size).",
            "height_width_swapped",
        ),
        Mistake(
            lambda image, mode, f: (pu.max_pool if mode == "max" else pu.avg_pool)(
                image[np.newaxis, :, :, np.newaxis], f, 1
            )[0, :, :, 0],
            "your windows overlap (stride 1): the stride is the pool size here.",
            "stride_one",
        ),
        Mistake(
            lambda image, mode, f: pool_photo(image, "avg" if mode == "max" else "max", f),
            "'max' and 'avg' are swapped: mode 'max' keeps each window's largest value, 'avg' takes its mean.",
            "modes_swapped",
        ),
        Mistake(
            lambda image, mode, f: (
                m.summed.fn(image, f, f, "valid") if mode == "avg" else pool_photo(image, mode, f)
            ),
            m.summed.diagnosis,
            m.summed.key,
        ),
        _on_photo(m.partial_window_kept),
        _on_photo(m.reshaped_without_swap),
        Mistake(
            _last_window_missing,
            "off by one at the last window: range(0, H - pool_size, pool_size) misses the last start, "
            "H - pool_size, whenever pool_size divides H (and likewise for W).",
            "last_window_missing",
        ),
    ),
    hints=(
        "poolutils' max_pool and avg_pool (and Keras' layers) want a batch of maps: (batch, H, W, channels).",
        "image[np.newaxis, :, :, np.newaxis] makes a batch of one map; pool it, then take [0, :, :, 0].",
    ),
    minutes=5,
)


# --- 5.2 and 5.3 -------------------------------------------------------------
# The shift experiment of notebook 05b on one shift: 2x2 windows ('valid') with stride 2 or its
# stride-1 control, differences in brightness units (no division), the half-cell reference interpolated.


def shift_layer(x, mode, stride):
    # Given to the learner: 2x2 windows with the stride ('valid'); 'none' keeps every stride-th pixel.
    if mode == "none":
        return x[::stride, ::stride]
    pool = pu.max_pool if mode == "max" else pu.avg_pool
    return pool(x[np.newaxis, :, :, np.newaxis], 2, stride)[0, :, :, 0]


def _keras_shift_layer(image: np.ndarray, mode: str, stride: int) -> np.ndarray:
    if mode == "none":
        return np.asarray(image, dtype=np.float64)[::stride, ::stride]
    return keras_pool_map(mode, image, pool_size=2, strides=stride).astype(np.float64)


def change_in_place(image, shift, mode, stride):
    width = image.shape[1] - 2 * shift
    base = shift_layer(image[:, shift : shift + width], mode, stride)
    moved = shift_layer(image[:, :width], mode, stride)  # the same content, `shift` pixels further right
    return float(np.mean(np.abs(moved - base)))


def _in_place_oracle(image: np.ndarray, shift: int, mode: str, stride: int) -> float:
    base, moved = (_keras_shift_layer(crop, mode, stride) for crop in _crops(image, shift))
    return float(np.mean(np.abs(moved - base)))


def _shift_cases(specs: list[tuple[str, np.ndarray, int, str, int]]) -> list[Case]:
    return [Case(label, (x, s, mode, stride)) for label, x, s, mode, stride in specs]


def _in_place_cases() -> list[Case]:
    return _shift_cases(
        [
            ("a 2-pixel stripe, shift 1, 'max', stride 2", _stripe(), 1, "max", 2),
            ("a 2-pixel stripe, shift 1, 'max', stride 1", _stripe(), 1, "max", 1),
            ("8x14 image, shift 2, 'avg', stride 2", _noise((8, 14), 92), 2, "avg", 2),
            ("the photo, shift 1, 'max', stride 2", _photo(), 1, "max", 2),
            ("the photo, shift 1, 'max', stride 1", _photo(), 1, "max", 1),
            ("the photo, shift 3, 'none', stride 2", _photo(), 3, "none", 2),
            ("the photo, shift 2, 'avg', stride 1", _photo(), 2, "avg", 1),
        ]
    )


def _in_place_with(
    image, shift, mode, stride, *, layer=True, scaled=False, absolute=True, axis=1, how="mean", width=None
):
    if axis == 0:
        image = image.T
    if width is None:
        base, moved = _crops(image, shift)
    else:  # crops of another width, still the same content moved `shift` pixels
        base, moved = image[:, shift : shift + width], image[:, :width]
    if axis == 0:
        base, moved = base.T, moved.T
    if layer:
        base, moved = shift_layer(base, mode, stride), shift_layer(moved, mode, stride)
    diff = moved - base
    if how == "squared":
        return float(np.mean(diff**2))
    if how == "max":
        return float(np.max(np.abs(diff)))
    change = float(np.mean(np.abs(diff) if absolute else diff))
    return change / float(np.mean(np.abs(base))) if scaled else change


def _in_place_rolled(image, shift, mode, stride):
    return float(
        np.mean(
            np.abs(
                shift_layer(np.roll(image, shift, axis=1), mode, stride) - shift_layer(image, mode, stride)
            )
        )
    )


check_change_in_place = Check(
    "5.2",
    "change_in_place",
    cases=_in_place_cases,
    reference=change_in_place,
    oracle=_in_place_oracle,
    compare=compare_close,
    mistakes=(
        Mistake(
            lambda *a: _in_place_with(*a, scaled=True),
            "you divided by the output's mean brightness: that favours layers with bright outputs, such as "
            "max pooling. Return the mean absolute difference itself, in brightness units.",
            "divided_by_mean",
        ),
        Mistake(
            lambda *a: _in_place_with(*a, layer=False),
            "you compared the crops before the layer: pass both through shift_layer(..., mode, stride) first.",
            "not_pooled",
        ),
        Mistake(
            lambda image, shift, mode, stride: _in_place_with(image, shift, mode, 2),
            "you always used stride 2: `stride` is 1 for the control (the same windows, no subsampling).",
            "stride_ignored",
        ),
        Mistake(
            lambda *a: _in_place_with(*a, absolute=False),
            "you averaged the signed differences, which cancel out; average their absolute values.",
            "signed_differences",
        ),
        Mistake(
            lambda *a: _in_place_with(*a, axis=0),
            "you shifted the rows (down); the task shifts the columns: the image moves to the RIGHT.",
            "rows_shifted",
        ),
        Mistake(
            _in_place_rolled,
            "you used np.roll, which wraps the right edge around to the left; cut the two crops instead.",
            "np_roll",
        ),
        Mistake(
            lambda *a: _in_place_with(*a, how="squared"),
            "you averaged the squared differences (a mean squared error); the task asks for the mean ABSOLUTE "
            "difference, in brightness units: np.mean(np.abs(moved - base)).",
            "squared_differences",
        ),
        Mistake(
            lambda *a: _in_place_with(*a, how="max"),
            "you took the largest difference; the task asks for the mean absolute difference over all positions.",
            "max_difference",
        ),
        Mistake(
            lambda image, shift, mode, stride: _in_place_with(
                image, shift, mode, stride, width=image.shape[1] - shift
            ),
            "your crops are W - shift wide; the task cuts both to width = W - 2 * shift "
            "(base = image[:, shift : shift + width], moved = image[:, :width]), so every case compares the same "
            "columns.",
            "crop_width",
        ),
        Mistake(
            lambda image, shift, mode, stride: change_from_reference(image, shift, mode, stride),
            "you compared the moved output with the base output moved by shift / stride cells: that is the "
            "change from the shifted reference (Exercise 5.3). Here compare the two outputs at the SAME positions.",
            "compared_with_reference",
        ),
    ),
    hints=(
        "Cut two crops of width W - 2*shift: the base starts at column `shift`, the moved one at column 0. "
        "Pass both through shift_layer(crop, mode, stride).",
        "Return float(np.mean(np.abs(moved_output - base_output))): no division.",
    ),
    minutes=6,
)


def change_from_reference(image, shift, mode, stride):
    width = image.shape[1] - 2 * shift
    base = shift_layer(image[:, shift : shift + width], mode, stride)
    moved = shift_layer(image[:, :width], mode, stride)
    n = base.shape[1]
    low, high = shift // stride, -(-shift // stride)  # the two whole-cell moves around shift / stride
    # Column j of the moved output should be column j - shift / stride of the base: interpolate.
    reference = (base[:, high - low : n - low] + base[:, : n - high]) / 2
    return float(np.mean(np.abs(moved[:, high:] - reference)))


def _reference_from(base: np.ndarray, moved: np.ndarray, shift: int, stride: int, how: str) -> float:
    n = base.shape[1]
    low, high = shift // stride, -(-shift // stride)
    if how == "pixels":  # moved by `shift` cells, as if a cell were a pixel
        low = high = shift
    if how == "round":  # shift / stride rounded (half to even, as Python's round)
        low = high = round(shift / stride)
    if how == "next":  # the move above taken as low + 1 even when shift / stride is whole
        high = low + 1
    if how == "left":  # the mirror image: the base moved left, lined up with moved[:, : n - high]
        reference = (base[:, low : n - high + low] + base[:, high:]) / 2
        return float(np.mean(np.abs(moved[:, : n - high] - reference)))
    moves = [base[:, high - c : n - c] for c in (low, high)]
    distances = [float(np.mean(np.abs(moved[:, high:] - m))) for m in moves]
    if how == "nearer":
        return min(distances)
    if how in ("low", "high"):  # one whole-cell move, no interpolation, lined up with moved[:, high:]
        return distances[0] if how == "low" else distances[1]
    if how == "distances":
        return (distances[0] + distances[1]) / 2
    reference = (moves[0] + moves[1]) / 2
    change = float(np.mean(np.abs(moved[:, high:] - reference)))
    return change / float(np.mean(np.abs(reference))) if how == "scaled" else change


def _reference_oracle(image: np.ndarray, shift: int, mode: str, stride: int) -> float:
    base, moved = (_keras_shift_layer(crop, mode, stride) for crop in _crops(image, shift))
    return _reference_from(base, moved, shift, stride, "mean")


def _reference_with(how: str) -> Callable[..., float]:
    def wrong(image, shift, mode, stride):
        base, moved = (shift_layer(crop, mode, stride) for crop in _crops(image, shift))
        return _reference_from(base, moved, shift, stride, how)

    return wrong


def _reference_cases() -> list[Case]:
    return _shift_cases(
        [
            ("a 2-pixel stripe, shift 1, 'max', stride 2", _stripe(), 1, "max", 2),
            ("a 2-pixel stripe, shift 2, 'max', stride 2", _stripe(), 2, "max", 2),
            ("8x14 image, shift 1, 'avg', stride 2", _noise((8, 14), 93), 1, "avg", 2),
            ("8x14 image, shift 2, 'max', stride 1", _noise((8, 14), 94), 2, "max", 1),
            ("the photo, shift 1, 'max', stride 2", _photo(), 1, "max", 2),
            ("the photo, shift 3, 'avg', stride 2", _photo(), 3, "avg", 2),
            ("the photo, shift 1, 'none', stride 2", _photo(), 1, "none", 2),
        ]
    )


check_change_from_reference = Check(
    "5.3",
    "change_from_reference",
    cases=_reference_cases,
    reference=change_from_reference,
    oracle=_reference_oracle,
    compare=compare_close,
    mistakes=(
        Mistake(
            lambda image, shift, mode, stride: change_in_place(image, shift, mode, stride),
            "you compared the outputs in place: a shift by `stride` pixels moves the output by a whole cell, "
            "which is equivariance, not a change. Compare with the base output moved by shift / stride cells.",
            "compared_in_place",
        ),
        Mistake(
            _reference_with("nearer"),
            "you took the nearer of the two whole-cell moves. At half a cell that measures little more than "
            "how different neighbouring cells are, which rewards any blur; use the mean of the two moves.",
            "nearer_move",
        ),
        Mistake(
            _reference_with("pixels"),
            "you moved the output by `shift` cells; one output cell is `stride` pixels wide, so the output "
            "moves by shift / stride cells.",
            "cells_not_pixels",
        ),
        Mistake(
            _reference_with("left"),
            "you moved the reference the wrong way: the content moved RIGHT, so column j of the moved output "
            "matches column j - shift / stride of the base output.",
            "moved_left",
        ),
        Mistake(
            _reference_with("low"),
            "you compared with one whole-cell move only, by low = shift // stride cells. When shift / stride is "
            "half a cell, the reference is the MEAN of the moves by low and by high = -(-shift // stride) cells.",
            "one_move",
        ),
        Mistake(
            _reference_with("high"),
            "you compared with one whole-cell move only, by high = -(-shift // stride) cells. When shift / stride "
            "is half a cell, the reference is the MEAN of the moves by low = shift // stride and by high cells.",
            "one_move",
        ),
        Mistake(
            _reference_with("round"),
            "you rounded shift / stride to a whole number of cells and compared with that one move; when it is "
            "half a cell, the reference is the MEAN of the moves by low = shift // stride and "
            "high = -(-shift // stride) cells.",
            "one_move",
        ),
        Mistake(
            _reference_with("next"),
            "when shift / stride is whole, low and high are equal (high = -(-shift // stride), not low + 1): the "
            "reference is then the base moved by exactly shift / stride cells, with no mean.",
            "high_is_low_plus_one",
        ),
        Mistake(
            _reference_with("distances"),
            "you averaged the two distances (to the move by low and to the move by high); average the two MOVES "
            "first, into one reference, then take the mean absolute difference to it.",
            "mean_of_distances",
        ),
        Mistake(
            _reference_with("scaled"),
            "you divided by the reference's mean brightness: return the mean absolute difference itself, in "
            "brightness units, as in Exercise 5.2.",
            "divided_by_mean",
        ),
    ),
    hints=(
        "With n output columns, the base moved by c whole cells is base[:, high - c : n - c], lined up with "
        "moved[:, high:], where low = shift // stride and high = -(-shift // stride).",
        "reference = (base[:, high - low : n - low] + base[:, : n - high]) / 2; return "
        "float(np.mean(np.abs(moved[:, high:] - reference))). When shift / stride is whole, low == high.",
    ),
    minutes=8,
)


# --- 5.6 -------------------------------------------------------------------
# Anti-aliased max pooling (Zhang, "Making Convolutional Networks Shift-Invariant Again", ICML 2019):
# max with stride 1, then a fixed binomial blur that also subsamples.

BINOMIAL = binomial_kernel(3)  # [1, 2, 1] / 4


def blur_pool2d(fmap):
    # 1. Max over every 2x2 window, stride 1: nothing is subsampled yet, so nothing aliases.
    peaks = np.maximum(np.maximum(fmap[:-1, :-1], fmap[:-1, 1:]), np.maximum(fmap[1:, :-1], fmap[1:, 1:]))
    # 2. Blur with the 3x3 binomial kernel (weights sum to 1) and keep every second position.
    kernel = np.outer([1, 2, 1], [1, 2, 1]) / 16
    out_h, out_w = (peaks.shape[0] - 3) // 2 + 1, (peaks.shape[1] - 3) // 2 + 1
    out = np.empty((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = np.sum(peaks[2 * i : 2 * i + 3, 2 * j : 2 * j + 3] * kernel)
    return out


def keras_blur_pool(x: np.ndarray) -> np.ndarray:
    """Zhang's max-blur pooling by Keras layers: ``MaxPooling`` (2, stride 1), then the fixed binomial blur, stride 2.

    ``x`` is ``(batch, length, channels)`` or ``(batch, H, W, channels)``; both
    layers use 'valid' padding. The layers are
    :func:`poolutils.antialias.blur_pool_layers`: a ``DepthwiseConv`` whose
    kernel is fixed to the binomial one.

    Examples
    --------
    >>> keras_blur_pool(np.array([0, 0, 1, 0, 0, 0, 0, 0.0])[None, :, None])[0, :, 0]
    array([0.75, 0.25, 0.  ], dtype=float32)
    """
    out = np.asarray(x, dtype=np.float32)
    for layer in blur_pool_layers(2, 2, "valid", 3, rank=out.ndim - 2):
        out = layer(out)
    return np.asarray(out)


def _blur_pool_oracle(fmap: np.ndarray) -> np.ndarray:
    return keras_blur_pool(np.asarray(fmap)[None, ..., None])[0, ..., 0]


def _blur_pool_cases() -> list[Case]:
    return [
        Case("5x5 map (one output cell)", (sample((5, 5), 94),)),
        Case("7x8 map", (sample((7, 8), 95),)),
        Case("6x6 map, every value negative", (-np.abs(sample((6, 6), 96)) - 1,)),
        Case("6x7 map of integers (int64): the answer has fractions", (sample((6, 7), 97).astype(np.int64),)),
        Case("the photo (150x128)", (_photo(),)),
    ]


def _blur(image: np.ndarray, kernel: np.ndarray, stride: int = 2) -> np.ndarray:
    """The weighted sum of every kernel-sized block of ``image`` starting at a multiple of ``stride``."""
    size = kernel.shape[0]
    if min(image.shape) < size:  # no whole block: an empty map (a mistake's output may be this small)
        return np.empty(tuple(max((n - size) // stride + 1, 0) for n in image.shape))
    windows = np.lib.stride_tricks.sliding_window_view(image, (size, size))[::stride, ::stride]
    return np.einsum("ijkl,kl->ij", windows, kernel)


def _scaled(truth: object, got: object) -> bool:
    # The truth times one constant other than 1 (and not 0): a blur kernel that does not sum to 1.
    truth, got = np.asarray(truth, dtype=float), np.asarray(got)
    if got.shape != truth.shape or got.dtype.kind not in "iuf" or not np.any(truth):
        return False
    k = np.flatnonzero(truth)[0]
    ratio = float(got.flat[k]) / float(truth.flat[k])
    return not np.isclose(ratio, 1) and ratio != 0 and bool(np.allclose(got, ratio * truth))


def _peaks(fmap: np.ndarray, reduce: str = "max") -> np.ndarray:
    """Every 2x2 window (stride 1) of ``fmap`` reduced by ``reduce``: 'max' (blur pooling's first step) or 'mean'."""
    windows = np.lib.stride_tricks.sliding_window_view(np.asarray(fmap, dtype=float), (2, 2))
    return getattr(windows, reduce)(axis=(2, 3))


check_blur_pool2d = Check(
    "5.6",
    "blur_pool2d",
    cases=_blur_pool_cases,
    reference=blur_pool2d,
    oracle=_blur_pool_oracle,
    compare=compare_floats,
    mistakes=(
        Mistake(
            key="blur_without_max",
            # cropped to the right answer's size, so the values are compared
            fn=lambda f: _blur(np.asarray(f, dtype=float), np.outer(BINOMIAL, BINOMIAL))[
                : (f.shape[0] - 4) // 2 + 1, : (f.shape[1] - 4) // 2 + 1
            ],
            diagnosis="you blurred the map itself: first take the max over every 2x2 window with stride 1, "
            "then blur that map of peaks.",
        ),
        Mistake(
            key="kernel_not_normalised",
            fn=lambda f: 16 * blur_pool2d(np.asarray(f, dtype=float)),
            diagnosis="your blur kernel is not normalised: np.outer([1, 2, 1], [1, 2, 1]) sums to 16; "
            "divide by 16 so a flat map keeps its value.",
        ),
        Mistake(
            key="box_blur",
            fn=lambda f: _blur(_peaks(f), np.full((3, 3), 1 / 9)),
            diagnosis="you blurred with a flat 3x3 box (1/9 each); the binomial kernel weighs the centre "
            "most: outer([1, 2, 1], [1, 2, 1]) / 16.",
        ),
        Mistake(
            key="odd_subsampling",
            fn=lambda f: _blur(_peaks(f)[1:, 1:], np.outer(BINOMIAL, BINOMIAL)),
            diagnosis="you kept the odd positions: the blurred windows start at rows and columns 0, 2, 4, ... of "
            "the map of peaks.",
        ),
        Mistake(
            key=m.int_buffer("avg").key,
            fn=lambda f: blur_pool2d(f).astype(np.asarray(f).dtype),
            diagnosis=m.int_buffer("avg").diagnosis,
        ),
        Mistake(
            key=m.running_max_from_zero.key,
            fn=lambda f: _blur(np.maximum(_peaks(f), 0), np.outer(BINOMIAL, BINOMIAL)),
            diagnosis=m.running_max_from_zero.diagnosis,
        ),
        Mistake(
            key="stride_one",
            fn=lambda f: _blur(_peaks(f), np.outer(BINOMIAL, BINOMIAL), 1),
            diagnosis="your blur keeps every position (stride 1): take only the 3x3 blocks that start at an even "
            "row and an even column, so the output is ((H - 4) // 2 + 1, (W - 4) // 2 + 1).",
        ),
        Mistake(
            key="max_subsampled",
            fn=lambda f: _blur(_peaks(f)[::2, ::2], np.outer(BINOMIAL, BINOMIAL)),
            diagnosis="your 2x2 max already subsamples (stride 2): that is the aliasing step Zhang removes. Take "
            "the max over EVERY 2x2 window (stride 1), then let the blur subsample.",
        ),
        Mistake(
            key="averaged",
            fn=lambda f: _blur(_peaks(f, "mean"), np.outer(BINOMIAL, BINOMIAL)),
            diagnosis="you averaged each 2x2 window; the first step takes its MAX (stride 1), then the blur "
            "averages.",
        ),
        Mistake(
            key="blur_before_max",
            fn=lambda f: _peaks(_blur(np.asarray(f, dtype=float), np.outer(BINOMIAL, BINOMIAL), 1))[::2, ::2],
            diagnosis="you blurred first and took the max last; the order is max over 2x2 windows (stride 1), "
            "then the blur that subsamples.",
        ),
        Mistake(
            None,
            "your values are all the right ones times one constant: the blur kernel must sum to 1, "
            "np.outer([1, 2, 1], [1, 2, 1]) / 16.",
            "kernel_not_normalised",
            relation=_scaled,
        ),
    ),
    hints=(
        "Two steps. The max over 2x2 windows with stride 1 gives an (H - 1, W - 1) map of peaks. Then every "
        "3x3 block of peaks starting at an even row and column is multiplied by outer([1, 2, 1], [1, 2, 1]) / 16 "
        "and summed.",
        "peaks = np.maximum(np.maximum(fmap[:-1, :-1], fmap[:-1, 1:]), np.maximum(fmap[1:, :-1], fmap[1:, 1:])); "
        "out[i, j] = np.sum(peaks[2*i : 2*i + 3, 2*j : 2*j + 3] * kernel), with out a float array of "
        "((H - 1 - 3) // 2 + 1, (W - 1 - 3) // 2 + 1) cells.",
    ),
    kind="implement",
    minutes=10,
)


# --- 5.4 -------------------------------------------------------------------
# Predict: one bright pixel of an 8-pixel signal at index 2, 3 and 4, through MaxPooling1D(2).

PIXEL_POSITIONS = (2, 3, 4)


def _one_pixel(position: int) -> np.ndarray:
    signal = np.zeros(8, dtype=np.float32)
    signal[position] = 1
    return signal


def _pooled_rows(pool: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    return np.array([pool(_one_pixel(p)) for p in PIXEL_POSITIONS])


def _keras_max_1d(signal: np.ndarray) -> np.ndarray:
    from poolutils.keras_check import keras_pool  # imports Keras: only when a check runs

    return keras_pool("max", signal[None, :, None], pool_size=2)[0, :, 0]


predicted_pooled = [[0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]

check_predicted_pooled = value_check(
    "5.4",
    "predicted_pooled",
    kind="predict",
    minutes=3,
    label="one bright pixel at index 2, 3, 4 of 8; MaxPooling1D(2)",
    reference=predicted_pooled,
    oracle=lambda: _pooled_rows(_keras_max_1d),
    compare=compare_numbers,
    mistakes=(
        (
            "every_shift_moves",
            [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
            "a 1-pixel shift does not always move the output: the pixel at index 3 is in the same window "
            "(2, 3) as the pixel at index 2, so nothing changes; from 3 to 4 it crosses into the next window "
            "and the output jumps a whole cell. That is aliasing.",
        ),
        (
            "never_moves",
            [[0, 1, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0]],
            "pooling does not make a 2-pixel shift disappear: moving by the stride moves the output by one "
            "cell (equivariance), it does not leave it unchanged.",
        ),
        (
            "windows_misplaced",
            [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0]],
            "output cell j covers input indices 2j and 2j + 1: index 3 is in cell 1 (with index 2), index 4 "
            "starts cell 2.",
        ),
        (
            "stride_one",
            [[0, 1, 1, 0, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 0, 0]],
            "you pooled with stride 1 (7 outputs); MaxPooling1D(2) has stride 2 by default: 4 outputs.",
        ),
        (
            "counted_from_one",
            [[1, 0, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0]],
            "indices start at 0: the pixel at index 2 is the THIRD pixel, in the window of indices (2, 3).",
        ),
        (
            "averaged",
            [[0, 0.5, 0, 0], [0, 0.5, 0, 0], [0, 0, 0.5, 0]],
            "you averaged each window; MaxPooling1D keeps its largest value, 1.",
        ),
        (
            "transposed",
            np.transpose(predicted_pooled).tolist(),
            "one ROW per bright-pixel position (index 2, 3, 4), each with the 4 outputs: shape (3, 4).",
        ),
    ),
    hints=(
        "MaxPooling1D(2) has 4 windows on 8 pixels: indices (0, 1), (2, 3), (4, 5), (6, 7). Which window holds "
        "the bright pixel in each row?",
        "Each row has a single 1, in the column of the window that contains the bright pixel.",
    ),
)


# --- 5.5 -------------------------------------------------------------------
# By hand: the same pixel at index 2 and at index 3, through max-blur pooling in 1-D.


blurred_by_hand = [[0.75, 0.25, 0.0], [0.25, 0.75, 0.0]]


def _blur_rows_1d(kernel: np.ndarray, with_max: bool = True, blur_stride: int = 2) -> list[list[float]]:
    def pool(signal: np.ndarray) -> list[float]:
        peaks = np.maximum(signal[:-1], signal[1:]) if with_max else signal
        return [float(peaks[i : i + 3] @ kernel) for i in range(0, len(peaks) - 2, blur_stride)]

    return [pool(_one_pixel(p)) for p in (2, 3)]


check_blurred_by_hand = value_check(
    "5.5",
    "blurred_by_hand",
    kind="by_hand",
    minutes=5,
    label="one bright pixel at index 2, then 3, of 8; max-blur pooling",
    reference=blurred_by_hand,
    oracle=lambda: np.array([keras_blur_pool(_one_pixel(p)[None, :, None])[0, :, 0] for p in (2, 3)]),
    compare=compare_numbers,
    mistakes=(
        (
            "kernel_not_normalised",
            _blur_rows_1d(np.array([1.0, 2.0, 1.0])),
            "divide the blur weights by their sum, 4: [1, 2, 1] / 4 = [0.25, 0.5, 0.25].",
        ),
        (
            "blur_without_max",
            _blur_rows_1d(BINOMIAL, with_max=False),
            "you skipped the first step: the max over every pair (stride 1) turns the 8 pixels into 7 peaks, "
            "and it is those peaks that are blurred.",
        ),
        (
            "box_blur",
            _blur_rows_1d(np.full(3, 1 / 3)),
            "the blur is binomial, [1, 2, 1] / 4, not a flat average of three.",
        ),
        (
            "rows_swapped",
            blurred_by_hand[::-1],
            "the first row is the pixel at index 2, the second the pixel at index 3.",
        ),
        (
            "max_not_blur",
            [[1.0, 1.0, 0.0], [1.0, 1.0, 0.0]],
            "you took the max of each 3 peaks; the second step is a weighted SUM with [1, 2, 1] / 4, which "
            "shares the response between neighbouring outputs.",
        ),
        (
            "stride_one",
            _blur_rows_1d(BINOMIAL, blur_stride=1),
            "you blurred with stride 1 (5 outputs); the blur keeps every second position: 3 outputs.",
        ),
    ),
    hints=(
        "Step 1: the max of each pair (i, i + 1) gives 7 peaks; the pixel at 2 gives peaks [0, 1, 1, 0, 0, 0, 0]. "
        "Step 2: output k is peaks[2k : 2k + 3] weighted by [0.25, 0.5, 0.25].",
        "Pixel at 2: output 0 = 0.25*0 + 0.5*1 + 0.25*1. Now do the pixel at 3 (peaks [0, 0, 1, 1, 0, 0, 0]).",
    ),
)


CHECKS = (
    check_pool_photo,
    check_change_in_place,
    check_change_from_reference,
    check_predicted_pooled,
    check_blurred_by_hand,
    check_blur_pool2d,
)
