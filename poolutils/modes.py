"""The pooling modes, written once: each mode's functions and the Keras layer that is its oracle.

Plots, the image helpers and every widget look a mode up in :data:`POOLINGS`
(name, forward, adaptive and backward functions); :mod:`poolutils.keras_check`
looks a layer kind up in :data:`KINDS` (our function and the Keras layer it
is compared with). So "max" and "avg" mean the same functions everywhere.

Examples
--------
>>> POOLINGS["avg"].name, POOLINGS["max"].pool.__name__
('average pooling', 'max_pool')
>>> KINDS["global_avg"].layer(2), KINDS["global_avg"].ours.__name__
('GlobalAveragePooling2D', 'global_avg_pool')
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
from poolutils.pooling import (
    adaptive_avg_pool,
    adaptive_max_pool,
    avg_pool,
    global_avg_pool,
    global_max_pool,
    max_pool,
)


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


@dataclass(frozen=True)
class Kind:
    """One kind of pooling layer: our function and the Keras layer it must agree with.

    Attributes
    ----------
    ours : callable
        The :mod:`poolutils.pooling` function, called with Keras' arguments.
    keras_layer : str
        The Keras layer's name with ``{}`` for the spatial rank, e.g. ``"MaxPooling{}D"``.
    """

    ours: Callable[..., np.ndarray]
    keras_layer: str

    def layer(self, rank: int) -> str:
        """The Keras layer's name for inputs with ``rank`` spatial axes."""
        return self.keras_layer.format(rank)


KINDS = {
    "max": Kind(max_pool, "MaxPooling{}D"),
    "avg": Kind(avg_pool, "AveragePooling{}D"),
    "global_max": Kind(global_max_pool, "GlobalMaxPooling{}D"),
    "global_avg": Kind(global_avg_pool, "GlobalAveragePooling{}D"),
    "adaptive_max": Kind(adaptive_max_pool, "AdaptiveMaxPooling{}D"),
    "adaptive_avg": Kind(adaptive_avg_pool, "AdaptiveAveragePooling{}D"),
}


def kind(name: object) -> Kind:
    """The :class:`Kind` called ``name``, or the sentence that lists the kinds."""
    if not isinstance(name, str) or name not in KINDS:
        raise ValueError(f"`kind` must be one of {sorted(KINDS)}. Received: kind={name!r}.")
    return KINDS[name]
