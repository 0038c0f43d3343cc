"""Fast NumPy pooling with Keras' semantics: max, average, global and adaptive.

The public functions check their arguments, build the window geometry
(:mod:`poolutils.windows`) and hand the reduction to
:mod:`poolutils.reduction`, whose docstring explains how it is fast.

NaN and infinities
------------------
Windowed max pooling matches TensorFlow's kernel: it starts from the lowest
finite value and ignores NaN, so ``[nan, 1]`` pools to ``1`` (``np.max``
would give ``nan``) and a window of only NaN or ``-inf`` gives the lowest
finite value of the dtype. Global max pooling follows ``tf.reduce_max`` and
propagates NaN. Average pooling propagates NaN.

Checked once
------------
Each public function checks its arguments at the door (``pool_args`` and
the array checks of :mod:`poolutils._validation`), builds the compact window
geometry (:func:`poolutils.windows.layer_geometry`) and hands plain tuples
to :mod:`poolutils.reduction`, which checks nothing again
(``tests/test_door.py`` counts the checks).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from poolutils._validation import data_format_name, flag, input_array, spatial_axes
from poolutils.reduction import float_mean, windowed_max, windowed_mean
from poolutils.windows import adaptive_geometry, layer_geometry


def _prepare(x, pool_size, strides, padding, data_format):
    # The door: every argument is checked here, once; what lies below trusts it.
    x = input_array(x)
    return (x, *layer_geometry(x.shape, data_format, pool_size, strides, padding, "x"))


def max_pool(
    x: np.ndarray,
    pool_size: int | Sequence[int],
    strides: int | Sequence[int] | None = None,
    padding: str = "valid",
    data_format: str = "channels_last",
) -> np.ndarray:
    """Max pooling in 1, 2 or 3 spatial dimensions, like ``MaxPooling{1,2,3}D``.

    Parameters
    ----------
    x : array_like
        Shape ``(batch, *spatial, channels)`` or ``(batch, channels, *spatial)``
        with 1, 2 or 3 spatial axes; integers or floats.
    pool_size : int or sequence of int
        Window size, one value for all axes or one per spatial axis.
    strides : int or sequence of int, optional
        Step between windows; defaults to ``pool_size``.
    padding : {'valid', 'same'}, case-insensitive
        'same' pads with cells that never win: the maximum is taken over the
        real cells only, so negative inputs stay negative.
    data_format : {'channels_last', 'channels_first'}

    Returns
    -------
    ndarray
        Same dtype as ``x``; spatial shape from :func:`poolutils.pool_output_shape`.

    Notes
    -----
    NaN is ignored inside a window, as TensorFlow's kernel does (see the
    module docstring); ``np.max`` would propagate it.

    Examples
    --------
    The seed article's 4x4 feature map, 2x2 windows, stride 2:

    >>> fmap = np.array([[1, 3, 2, 9],
    ...                  [5, 6, 1, 7],
    ...                  [4, 2, 8, 6],
    ...                  [3, 5, 7, 2]])
    >>> max_pool(fmap[None, :, :, None], 2)[0, :, :, 0]
    array([[6, 9],
           [5, 8]])

    'same' padding never lets a padded cell win, even over negatives:

    >>> max_pool(-np.ones((1, 3, 1)), 2, padding="same")[0, :, 0]
    array([-1., -1.])
    """
    return windowed_max(*_prepare(x, pool_size, strides, padding, data_format))


def avg_pool(
    x: np.ndarray,
    pool_size: int | Sequence[int],
    strides: int | Sequence[int] | None = None,
    padding: str = "valid",
    data_format: str = "channels_last",
) -> np.ndarray:
    """Average pooling in 1, 2 or 3 spatial dimensions, like ``AveragePooling{1,2,3}D``.

    Parameters are those of :func:`max_pool`.

    Returns
    -------
    ndarray
        Floats: float inputs keep their dtype, integer inputs give float32.
        Sums are taken in at least float32, as Keras' layers compute, so a
        float16 map of 60000s averages to 60000, not to inf (65504 is
        float16's largest value). With 'same' padding each window is divided
        by its number of *real* cells, as TensorFlow does (PyTorch's default
        counts padded zeros).

    Examples
    --------
    >>> fmap = np.array([[1, 3, 2, 9],
    ...                  [5, 6, 1, 7],
    ...                  [4, 2, 8, 6],
    ...                  [3, 5, 7, 2]], dtype=np.float32)
    >>> avg_pool(fmap[None, :, :, None], 2)[0, :, :, 0]
    array([[3.75, 4.75],
           [3.5 , 5.75]], dtype=float32)

    A 3-wide window at the edge of a 'same'-padded row averages only 2 cells:

    >>> avg_pool(np.array([[[2.], [4.], [6.]]]), 3, strides=1, padding="same")[0, :, 0]
    array([3., 4., 5.])
    """
    return windowed_mean(*_prepare(x, pool_size, strides, padding, data_format))


def _global(x, data_format, keepdims):
    x = input_array(x)
    flag(keepdims, "keepdims")
    return x, spatial_axes(x.ndim, data_format_name(data_format))


def global_max_pool(x: np.ndarray, data_format: str = "channels_last", keepdims: bool = False) -> np.ndarray:
    """Largest value of each channel over all spatial positions, like ``GlobalMaxPooling{1,2,3}D``.

    Parameters
    ----------
    x : array_like
        Rank 3, 4 or 5, as in :func:`max_pool`.
    data_format : {'channels_last', 'channels_first'}
    keepdims : bool
        Keep the spatial axes with length 1, so the result has ``x``'s rank.

    Returns
    -------
    ndarray
        ``(batch, channels)``, or ``(batch, 1, ..., 1, channels)`` with
        ``keepdims``; same dtype as ``x``. NaN propagates, as in
        ``tf.reduce_max``.

    Examples
    --------
    >>> fmap = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 6], [3, 5, 7, 2]])
    >>> global_max_pool(fmap[None, :, :, None])
    array([[9]])
    >>> global_max_pool(fmap[None, :, :, None], keepdims=True).shape
    (1, 1, 1, 1)
    """
    x, axes = _global(x, data_format, keepdims)
    return np.max(x, axis=axes, keepdims=bool(keepdims))


def global_avg_pool(x: np.ndarray, data_format: str = "channels_last", keepdims: bool = False) -> np.ndarray:
    """Mean of each channel over all spatial positions, like ``GlobalAveragePooling{1,2,3}D``.

    Parameters and shapes are those of :func:`global_max_pool`; the result
    is float (float32 for integer input).

    Examples
    --------
    >>> fmap = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 6], [3, 5, 7, 2]])
    >>> global_avg_pool(fmap[None, :, :, None])
    array([[4.4375]], dtype=float32)
    """
    x, axes = _global(x, data_format, keepdims)
    return float_mean(x, axes, bool(keepdims))


def _adaptive(x, output_size, data_format):
    x = input_array(x)
    axes = spatial_axes(x.ndim, data_format_name(data_format))
    return x, axes, adaptive_geometry(tuple(x.shape[a] for a in axes), output_size)


def adaptive_max_pool(
    x: np.ndarray, output_size: int | Sequence[int], data_format: str = "channels_last"
) -> np.ndarray:
    """Max pooling to a fixed output size, like ``AdaptiveMaxPooling{1,2,3}D``.

    Output cell ``i`` of an axis of length ``n`` covers input cells
    ``floor(i*n/out)`` to ``ceil((i+1)*n/out) - 1``
    (:func:`poolutils.windows.adaptive_axis_windows`). With output size 1
    this is global max pooling with ``keepdims=True``.

    Keras' own layer kills the Python process (SIGFPE) for output size 1
    when TensorFlow's oneDNN optimisations are on; this function does not.

    Examples
    --------
    >>> x = np.arange(10).reshape(1, 10, 1)
    >>> adaptive_max_pool(x, 3)[0, :, 0]
    array([3, 6, 9])
    """
    return windowed_max(*_adaptive(x, output_size, data_format))


def adaptive_avg_pool(
    x: np.ndarray, output_size: int | Sequence[int], data_format: str = "channels_last"
) -> np.ndarray:
    """Average pooling to a fixed output size, like ``AdaptiveAveragePooling{1,2,3}D``.

    Windows are those of :func:`adaptive_max_pool`; the result is float.

    Examples
    --------
    >>> x = np.arange(10, dtype=np.float32).reshape(1, 10, 1)
    >>> adaptive_avg_pool(x, 3)[0, :, 0]
    array([1.5, 4.5, 7.5], dtype=float32)
    """
    return windowed_mean(*_adaptive(x, output_size, data_format))
