"""The pooling modes, written once: each mode's name and its forward, adaptive and backward functions.

Plots, the image helpers and every widget look a mode up here, so "max" and
"avg" mean the same functions everywhere.

Examples
--------
>>> POOLINGS["avg"].name, POOLINGS["max"].pool.__name__
('average pooling', 'max_pool')
>>> pooling("MAX")
Traceback (most recent call last):
...
ValueError: `mode` must be one of ('max', 'avg'). Received: mode='MAX'.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from poolutils._validation import pool_mode
from poolutils.gradients import avg_pool_backward, max_pool_backward
from poolutils.pooling import adaptive_avg_pool, adaptive_max_pool, avg_pool, max_pool


@dataclass(frozen=True)
class Pooling:
    """One pooling mode.

    Attributes
    ----------
    name : str
        How the readouts and titles call it.
    pool, adaptive : callable
        Fixed-window and adaptive pooling (:mod:`poolutils.pooling`).
    backward : callable
        ``backward(dy, x, ties, **layer)``: the gradient with respect to ``x``
        (:mod:`poolutils.gradients`); ``ties`` matters to max pooling only.
    """

    name: str
    pool: Callable[..., np.ndarray]
    adaptive: Callable[..., np.ndarray]
    backward: Callable[..., np.ndarray]


def _max_backward(dy: np.ndarray, x: np.ndarray, ties: str, **layer: Any) -> np.ndarray:
    return max_pool_backward(dy, x, ties=ties, **layer)


def _avg_backward(dy: np.ndarray, x: np.ndarray, ties: str, **layer: Any) -> np.ndarray:
    # Average pooling has no ties: every real cell of a window gets the same share.
    return avg_pool_backward(dy, x.shape, **layer)


POOLINGS = {
    "max": Pooling("max pooling", max_pool, adaptive_max_pool, _max_backward),
    "avg": Pooling("average pooling", avg_pool, adaptive_avg_pool, _avg_backward),
}


def pooling(mode: object) -> Pooling:
    """The :class:`Pooling` of ``mode``, or the sentence that says which modes exist."""
    return POOLINGS[pool_mode(mode, tuple(POOLINGS))]
