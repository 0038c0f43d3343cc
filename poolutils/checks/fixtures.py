"""Inputs shared by the checkers: the 4x4 example map and seeded maps that trigger classic mistakes.

Each maker is seeded, small enough to print, and exact in float arithmetic
(whole numbers or halves), so a checker's output is the same on every machine.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from poolutils.checks.core import sample

#: The 4x4 example map of the lessons (the seed article's): 2x2 max pooling gives [[6, 9], [5, 8]].
ARTICLE_MAP = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 6], [3, 5, 7, 2]], dtype=np.float32)


def all_negative(shape: Sequence[int], seed: int) -> np.ndarray:
    """Seeded float32 whole numbers in -10..-1: a running max that starts at 0, or a zero pad, wins every window.

    Examples
    --------
    >>> bool((all_negative((3, 4), 0) < 0).all())
    True
    """
    return -np.abs(sample(shape, seed)) - 1


def halves(shape: Sequence[int], seed: int) -> np.ndarray:
    """Seeded float32 multiples of 0.5 in -4.5..4.5: an int output buffer cuts the halves off.

    Examples
    --------
    >>> x = halves((2, 3), 1)
    >>> x.dtype, bool((x * 2 == np.round(x * 2)).all()), bool((x != np.round(x)).any())
    (dtype('float32'), True, True)
    """
    x = sample(shape, seed) / 2
    x.flat[0] = 0.5  # at least one fraction, whatever the seed
    return x


def int_map(shape: Sequence[int], seed: int) -> np.ndarray:
    """Seeded (H, W) int64 map in -9..10 whose first 2x2 average is a fraction (``np.zeros_like`` of it is an int buffer).

    Examples
    --------
    >>> int_map((2, 2), 0).dtype
    dtype('int64')
    """
    x = np.random.default_rng(seed).integers(-9, 10, size=tuple(shape)).astype(np.int64)
    if x[:2, :2].sum() % 2 == 0:  # an odd sum makes the first 2x2 average a fraction, whatever the seed
        x[0, 0] += 1
    return x


def int_batch(shape: Sequence[int], seed: int) -> np.ndarray:
    """Seeded (batch, H, W, C) int64 array in -9..10 whose first map's mean is a fraction (an int buffer truncates it).

    Examples
    --------
    >>> x = int_batch((2, 3, 3, 2), 0)
    >>> x.dtype, float(x[0, :, :, 0].mean()).is_integer()
    (dtype('int64'), False)
    """
    x = np.random.default_rng(seed).integers(-9, 10, size=tuple(shape)).astype(np.int64)
    cells = x.shape[1] * x.shape[2]
    if cells > 1 and x[0, :, :, 0].sum() % cells == 0:  # a whole mean hides an int buffer
        x[0, 0, 0, 0] += 1
    return x
