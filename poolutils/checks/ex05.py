"""Checks for exercises/05_real_images.ipynb: pooling a photo and measuring translation invariance."""

from __future__ import annotations

from functools import cache

import numpy as np

import poolutils as pu
from poolutils.checks.core import Case, Check, Mistake, compare_arrays, compare_close, keras_pool_map
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


def _keras_layer(image: np.ndarray, mode: str, pool_size: int) -> np.ndarray:
    return image if mode == "none" else keras_pool_map(mode, image, pool_size=pool_size)


def _crops(image: np.ndarray, shift: int) -> tuple[np.ndarray, np.ndarray]:
    # The image moved `shift` pixels right, without wrapped or invented pixels.
    width = image.shape[1] - 2 * shift
    return image[:, shift : shift + width], image[:, :width]


# --- 5.1 -------------------------------------------------------------------


def pool_photo(image, mode, pool_size):
    x = image[np.newaxis, :, :, np.newaxis]  # a batch of one single-channel map
    pool = pu.max_pool if mode == "max" else pu.avg_pool
    return pool(x, pool_size)[0, :, :, 0]


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
        ),
        Mistake(
            lambda image, mode, f: pool_photo(image, "max", f),
            "you always took the maximum: `mode` says which pooling to use ('max' or 'avg').",
        ),
        Mistake(
            lambda image, mode, f: pool_photo(image.T, mode, f),
            "height and width are swapped: the image is (H, W) and the result (H // pool_size, W // pool_size).",
        ),
        Mistake(
            lambda image, mode, f: (pu.max_pool if mode == "max" else pu.avg_pool)(
                image[np.newaxis, :, :, np.newaxis], f, 1
            )[0, :, :, 0],
            "your windows overlap (stride 1): the stride is the pool size here.",
        ),
    ),
    hints=(
        "poolutils' max_pool and avg_pool (and Keras' layers) want a batch of maps: (batch, H, W, channels).",
        "image[np.newaxis, :, :, np.newaxis] makes a batch of one map; pool it, then take [0, :, :, 0].",
    ),
)


# --- 5.2 -------------------------------------------------------------------


def shift_change(image, shift, pool_size, mode):
    width = image.shape[1] - 2 * shift
    base = image[:, shift : shift + width]
    shifted = image[:, :width]  # the same content, `shift` pixels further right

    def layer(x):
        return x if mode == "none" else pool_photo(x, mode, pool_size)

    reference = layer(base)
    return float(np.mean(np.abs(layer(shifted) - reference)) / np.mean(np.abs(reference)))


def _change_oracle(image: np.ndarray, shift: int, pool_size: int, mode: str) -> float:
    base, shifted = _crops(image, shift)
    ref = _keras_layer(base, mode, pool_size).astype(np.float64)
    return float(np.mean(np.abs(_keras_layer(shifted, mode, pool_size) - ref)) / np.mean(np.abs(ref)))


def _change_cases() -> list[Case]:
    specs = [
        ("a 2-pixel stripe, shift 1, pool 2, 'max'", _stripe(), 1, 2, "max"),
        ("a 2-pixel stripe, shift 1, no pooling", _stripe(), 1, 2, "none"),
        ("8x14 image, shift 2, pool 2, 'avg'", _noise((8, 14), 92), 2, 2, "avg"),
        ("the photo, shift 1, pool 2, 'max'", _photo(), 1, 2, "max"),
        ("the photo, shift 3, pool 4, 'avg'", _photo(), 3, 4, "avg"),
        ("the photo, shift 2, no pooling", _photo(), 2, 2, "none"),
    ]
    return [Case(label, (x, s, f, mode)) for label, x, s, f, mode in specs]


def _change_without(image, shift, pool_size, mode, *, pooled=True, scaled=True, absolute=True, axis=1):
    if axis == 0:
        image = image.T
    base, shifted = _crops(image, shift)
    if axis == 0:
        base, shifted = base.T, shifted.T
    if pooled and mode != "none":
        base, shifted = pool_photo(base, mode, pool_size), pool_photo(shifted, mode, pool_size)
    diff = shifted - base
    change = np.mean(np.abs(diff) if absolute else diff)
    return float(change / np.mean(np.abs(base))) if scaled else float(change)


def _change_rolled(image, shift, pool_size, mode):
    rolled = np.roll(image, shift, axis=1)
    layer = (lambda x: x) if mode == "none" else (lambda x: pool_photo(x, mode, pool_size))
    return float(np.mean(np.abs(layer(rolled) - layer(image))) / np.mean(np.abs(layer(image))))


check_shift_change = Check(
    "5.2",
    "shift_change",
    cases=_change_cases,
    reference=shift_change,
    oracle=_change_oracle,
    compare=compare_close,
    mistakes=(
        Mistake(
            lambda *a: _change_without(*a, pooled=False),
            "you compared the images before pooling: pool both crops (unless mode is 'none'), then compare.",
        ),
        Mistake(
            lambda *a: _change_without(*a, scaled=False),
            "you did not divide by np.mean(np.abs(reference)): without it a darker image would look "
            "more shift-invariant.",
        ),
        Mistake(
            lambda *a: _change_without(*a, absolute=False),
            "you averaged the signed differences, which cancel out; average their absolute values.",
        ),
        Mistake(
            lambda *a: _change_without(*a, axis=0),
            "you shifted the rows (down); the task shifts the columns: the image moves to the RIGHT.",
        ),
        Mistake(
            _change_rolled,
            "you used np.roll, which wraps the right edge around to the left; cut the two crops instead.",
        ),
    ),
    hints=(
        "Cut two crops of width W - 2*shift: base starts at column `shift`, shifted at column 0. "
        "Pool both with pool_photo (or leave them if mode is 'none').",
        "change = np.mean(np.abs(pooled_shifted - pooled_base)) / np.mean(np.abs(pooled_base)); return it as a float.",
    ),
)


# --- 5.3 -------------------------------------------------------------------


def fraction_unchanged(image, shift, pool_size):
    width = image.shape[1] - 2 * shift
    base = pool_photo(image[:, shift : shift + width], "max", pool_size)
    shifted = pool_photo(image[:, :width], "max", pool_size)
    return float(np.mean(shifted == base))


def _unchanged_oracle(image: np.ndarray, shift: int, pool_size: int) -> float:
    base, shifted = _crops(image, shift)
    return float(np.mean(_keras_layer(shifted, "max", pool_size) == _keras_layer(base, "max", pool_size)))


def _unchanged_cases() -> list[Case]:
    specs = [
        ("a 2-pixel stripe, shift 1, pool 2", _stripe(), 1, 2),
        ("8x14 image, shift 1, pool 2", _noise((8, 14), 93), 1, 2),
        ("the photo, shift 1, pool 2", _photo(), 1, 2),
        ("the photo, shift 1, pool 4", _photo(), 1, 4),
        ("the photo, shift 3, pool 4", _photo(), 3, 4),
    ]
    return [Case(label, (x, s, f)) for label, x, s, f in specs]


check_fraction_unchanged = Check(
    "5.3",
    "fraction_unchanged",
    cases=_unchanged_cases,
    reference=fraction_unchanged,
    oracle=_unchanged_oracle,
    compare=compare_close,
    mistakes=(
        Mistake(
            lambda *a: 1 - fraction_unchanged(*a),
            "you counted the cells that CHANGED; the task asks for the fraction that stayed the same.",
        ),
        Mistake(
            lambda *a: 100 * fraction_unchanged(*a),
            "you returned a percentage; return a fraction between 0 and 1.",
        ),
        Mistake(
            lambda image, s, f: fraction_unchanged(image, s, 1),
            "you compared the images before pooling; compare the max-pooled crops.",
        ),
        Mistake(
            lambda image, s, f: float(
                np.mean(
                    pool_photo(_crops(image, s)[1], "avg", f) == pool_photo(_crops(image, s)[0], "avg", f)
                )
            ),
            "you used average pooling; this exercise measures MAX pooling.",
        ),
    ),
    hints=(
        "Same two crops as Exercise 5.2, both max-pooled. Comparing the arrays with == gives a boolean "
        "array: True where the pooled value did not change.",
        "The mean of a boolean array is the fraction of True: float(np.mean(pooled_shifted == pooled_base)).",
    ),
)


CHECKS = (check_pool_photo, check_shift_change, check_fraction_unchanged)
