"""Fast NumPy pooling with Keras' semantics: max, average, global and adaptive.

How the fast path works
-----------------------
A pooling window is a product of one window per axis, and both ``max`` and
``sum`` can be taken one axis at a time. So each spatial axis is reduced in
turn: for every offset ``k`` inside the window, the ``k``-th cells of all
windows form a strided *view* of the input (no copy), and one ufunc call
(``np.fmax`` or ``np.add``) folds that view into the result. A 3x3 pool is
then 3 + 3 ufunc calls over whole arrays instead of 9 Python-level passes
per output cell, and there is no im2col copy of the input.

Three details make it fast:

* the axis with the largest memory stride is reduced first, so its views are
  runs of whole rows that NumPy streams as long contiguous blocks;
* batch items are reduced in parallel threads (NumPy ufuncs release the GIL);
  only one item's intermediate per thread is alive at a time;
* 'same' padding is never materialised: offsets that would read padding are
  simply not folded into the windows they would fall in
  (:meth:`poolutils.windows.AxisWindows.offsets`).

The Python-level work (which offsets, in which order) is planned once per
call, so the threads spend their time inside NumPy, not waiting for the GIL;
reused per-thread scratch buffers spare the page faults of fresh arrays.

NaN and infinities
------------------
Windowed max pooling matches TensorFlow's kernel: it starts from the lowest
finite value and ignores NaN, so ``[nan, 1]`` pools to ``1`` (``np.max``
would give ``nan``) and a window of only NaN or ``-inf`` gives the lowest
finite value of the dtype. Global max pooling follows ``tf.reduce_max`` and
propagates NaN. Average pooling propagates NaN.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

import numpy as np

from poolutils._validation import (
    data_format_name,
    input_array,
    int_tuple,
    padding_mode,
    spatial_axes,
)
from poolutils.shapes import pool_output_size
from poolutils.windows import AxisIndex, AxisWindows, Windows, adaptive_windows, pool_windows

# Below this many output values, thread start-up costs more than it saves.
_PARALLEL_MIN_OUTPUT = 1 << 16
# Intermediates larger than this are allocated afresh rather than kept per thread.
_SCRATCH_MAX_BYTES = 64 << 20
_local = threading.local()


@cache
def _executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=os.cpu_count() or 1)


def _at(axis: int, index: AxisIndex) -> tuple:
    return (slice(None),) * axis + (index,)


def _covers(index: AxisIndex, size: int) -> bool:
    if isinstance(index, slice):
        return index.start == 0 and index.stop == size
    return len(index) == size


def _scratch(slot: int, shape: Sequence[int], dtype: np.dtype) -> np.ndarray:
    """A per-thread reusable buffer for intermediate results.

    Fresh large arrays cost a page fault per 4 KiB on first touch; reusing a
    buffer across calls and batch items avoids that. Two slots alternate so
    a 3-D pooling's second intermediate never overwrites its first.
    """
    nbytes = int(np.prod(shape)) * dtype.itemsize
    if nbytes > _SCRATCH_MAX_BYTES:
        return np.empty(shape, dtype)
    buffers = _local.__dict__.setdefault("buffers", {})
    buf = buffers.get(slot)
    if buf is None or buf.nbytes < nbytes:
        buf = buffers[slot] = np.empty(nbytes, np.uint8)
    return buf[:nbytes].view(dtype).reshape(shape)


@dataclass(frozen=True)
class _AxisPlan:
    """How to reduce one axis: the offsets whose cells exist for every output, then the rest."""

    axis: int
    size: int
    full: tuple[AxisIndex, ...]
    rest: tuple[tuple[AxisIndex, AxisIndex], ...]


def _plan_axis(axis: int, windows: AxisWindows) -> _AxisPlan:
    pairs = list(windows.offsets())
    full = tuple(i for o, i in pairs if _covers(o, windows.size))
    rest = tuple((o, i) for o, i in pairs if not _covers(o, windows.size))
    return _AxisPlan(axis, windows.size, full, rest)


@dataclass(frozen=True)
class _Job:
    plans: tuple[_AxisPlan, ...]  # outermost axis first
    ufunc: np.ufunc
    identity: float
    finish: Callable[[np.ndarray], object] | None


def _reduce_axis(src: np.ndarray, axis: int, plan: _AxisPlan, job: _Job, out: np.ndarray) -> np.ndarray:
    """Reduce ``src`` along ``axis`` as ``plan`` says, into ``out``."""
    take = [src[_at(axis, i)] for i in plan.full]
    if len(take) >= 2:
        job.ufunc(take[0], take[1], out=out)
        take = take[2:]
    elif take:
        np.copyto(out, take.pop())
    else:
        out.fill(job.identity)
    for view in take:
        job.ufunc(out, view, out=out)
    for out_index, in_index in plan.rest:
        where = _at(axis, out_index)
        if isinstance(out_index, slice):
            job.ufunc(out[where], src[_at(axis, in_index)], out=out[where])
        else:
            out[where] = job.ufunc(out[where], src[_at(axis, in_index)])
    return out


def _pool_item(x: np.ndarray, out: np.ndarray, shift: int, job: _Job) -> None:
    """Pool ``x`` into ``out``; ``shift`` is 1 when both are one batch item (axis 0 dropped)."""
    current = x
    for i, plan in enumerate(job.plans):
        axis = plan.axis - shift
        if i == len(job.plans) - 1:
            target = out
        else:
            shape = list(current.shape)
            shape[axis] = plan.size
            target = _scratch(i % 2, shape, x.dtype)
        current = _reduce_axis(current, axis, plan, job, target)
    if job.finish is not None:
        job.finish(out)  # here, while the item is still in this core's cache


def _pool(
    x: np.ndarray,
    axes: tuple[int, ...],
    geometry: Windows,
    ufunc: np.ufunc,
    identity: float,
    finish: Callable[[np.ndarray], object] | None = None,
) -> np.ndarray:
    # Planned once per call: the offsets are Python work, and threads would queue for the GIL.
    # Outermost axis first: its views are whole contiguous rows, the cheapest to stream.
    order = sorted(zip(axes, geometry.axes), key=lambda aw: -x.strides[aw[0]])
    job = _Job(tuple(_plan_axis(a, w) for a, w in order), ufunc, identity, finish)
    shape = list(x.shape)
    for axis, n_out in zip(axes, geometry.output_shape):
        shape[axis] = n_out
    out = np.empty(shape, dtype=x.dtype)
    # The batch axis is 0 and never pooled, so items are independent.
    if x.shape[0] > 1 and out.size >= _PARALLEL_MIN_OUTPUT:
        futures = [_executor().submit(_pool_item, x[b], out[b], 1, job) for b in range(x.shape[0])]
        for future in futures:
            future.result()
    else:
        _pool_item(x, out, 0, job)
    return out


def _prepare(x, pool_size, strides, padding, data_format):
    x = input_array(x)
    data_format = data_format_name(data_format)
    padding = padding_mode(padding)
    axes = spatial_axes(x.ndim, data_format)
    rank = len(axes)
    pools = int_tuple(pool_size, rank, "pool_size")
    steps = pools if strides is None else int_tuple(strides, rank, "strides")
    spatial = tuple(x.shape[a] for a in axes)
    for n, f, s in zip(spatial, pools, steps):
        try:
            pool_output_size(n, f, s, padding)
        except ValueError:
            raise ValueError(
                "With padding='valid' every window must fit inside the input. "
                f"Received: input spatial shape {spatial}, pool_size={pool_size!r}, "
                f"strides={strides!r}. Use padding='same' or a smaller pool_size."
            ) from None
    return x, axes, pool_windows(spatial, pools, steps, padding)


def _float(x: np.ndarray) -> np.ndarray:
    # Keras computes in float32 by default; float inputs keep their precision.
    return x if x.dtype.kind == "f" else x.astype(np.float32)


def _max(x: np.ndarray, axes: tuple[int, ...], geometry: Windows) -> np.ndarray:
    lowest = np.finfo(x.dtype).min if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    # TF starts each window at the lowest finite value: all-NaN or all -inf windows give it.
    clamp = (lambda out: np.fmax(out, lowest, out=out)) if x.dtype.kind == "f" else None
    return _pool(x, axes, geometry, np.fmax, lowest, clamp)


def _mean(x: np.ndarray, axes: tuple[int, ...], geometry: Windows) -> np.ndarray:
    x = _float(x)
    counts = geometry.counts()
    if counts.min() == counts.max():
        divisor: np.ndarray | float = float(counts.flat[0])
    else:
        # Shaped like one batch item, so it broadcasts over an item or the whole batch.
        shape = [1] * (x.ndim - 1)
        for axis, n_out in zip(axes, counts.shape):
            shape[axis - 1] = n_out
        divisor = counts.reshape(shape).astype(x.dtype)
    return _pool(x, axes, geometry, np.add, 0, lambda out: np.divide(out, divisor, out=out))


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
    return _max(*_prepare(x, pool_size, strides, padding, data_format))


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
        With 'same' padding each window is divided by its number of *real*
        cells, as TensorFlow does (PyTorch's default counts padded zeros).

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
    return _mean(*_prepare(x, pool_size, strides, padding, data_format))


def _global(x, data_format):
    x = input_array(x)
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
    x, axes = _global(x, data_format)
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
    x, axes = _global(x, data_format)
    x = _float(x)
    return np.mean(x, axis=axes, keepdims=bool(keepdims), dtype=x.dtype)


def _adaptive(x, output_size, data_format):
    x = input_array(x)
    axes = spatial_axes(x.ndim, data_format_name(data_format))
    geometry = adaptive_windows(tuple(x.shape[a] for a in axes), output_size)
    return x, axes, geometry


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
    return _max(*_adaptive(x, output_size, data_format))


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
    return _mean(*_adaptive(x, output_size, data_format))
