"""Windowed max and mean over any window geometry: the fast engine behind :mod:`poolutils.pooling`.

How the fast path works
-----------------------
A pooling window is a product of one window per axis, and both ``max`` and
``sum`` can be taken one axis at a time. So each spatial axis is reduced in
turn: for every offset ``k`` inside the window, the ``k``-th cells of all
windows form a strided *view* of the input (no copy), and one ufunc call
(``np.fmax`` or ``np.add``) folds that view into the result. A 3x3 pool is
then 3 + 3 ufunc calls over whole arrays instead of 9 Python-level passes
per output cell, and there is no im2col copy of the input.

Four details make it fast:

* the axis with the largest memory stride is reduced first, so its views are
  runs of whole rows that NumPy streams as long contiguous blocks;
* batch items are reduced in parallel (NumPy ufuncs release the GIL), one
  unit's intermediate per thread alive at a time. A large item is cut into
  blocks of rows, about 2 MiB of input each, so a single large image runs
  in parallel too (25% less time for one 448x448x64 image at load 11 on 2
  cores) (:func:`_units`). The calling thread pools units too, so on a busy
  machine, where a helper thread may wake up late, the caller does its
  share instead of waiting (:func:`_for_each`);
* a float max is raised to the lowest finite value (TensorFlow's start
  value) against a block of that value, never a scalar: NumPy's ``fmax``
  with a scalar operand has no SIMD loop and ran 4x slower, as slow as the
  reduction of a whole axis (:func:`_raise_to_floor`);
* 'same' padding is never materialised: offsets that would read padding are
  simply not folded into the windows they would fall in
  (:meth:`poolutils.windows.StridedAxis.offsets`).

The Python-level work (which offsets, in which order) is arithmetic on five
numbers per axis (:class:`poolutils.windows.StridedAxis`), about a
microsecond per offset, so nothing is planned ahead or cached.

Memory: a call allocates its output and, per thread, at most two
intermediates. Intermediates up to ``_SCRATCH_MAX_BYTES`` (4 MiB) are kept
per thread and reused by the next call, which spares the page faults of
fresh arrays; that is all a call leaves behind (at most 2 x 4 MiB per
thread, 16 MiB on 2 cores, and a 64 KiB block of lowest values per float
dtype, :func:`_floor`); ``benchmarks/bench_memory.py`` measures it.

Where the time goes: the first axis' passes stream whole rows, while each
pass over the second axis reads runs only as long as the channel axis (64
floats in the benchmark), and NumPy's cost per run, not memory traffic,
makes such a pass as slow as a first-axis pass. So two ideas did not pay:

* blocks of rows small enough for their intermediate to stay in the L2
  cache: per-pass times unchanged within 3% for 14- and 28-row blocks of a
  112x112x64 item, worse for 7 rows (more ufunc calls). The blocks above
  are kept as units of work for the threads, not for the cache;
* folding all k*k strided views of a window straight into the output: all
  k*k calls then read short runs, 1.6x (2x2) to 1.9x (3x3) slower than the
  k + k calls here.
"""

from __future__ import annotations

import itertools
import math
import os
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from poolutils.windows import AdaptiveAxis, AxisIndex, StridedAxis, Windows

Axis = StridedAxis | AdaptiveAxis

# Below this many output values, thread start-up costs more than it saves.
_PARALLEL_MIN_OUTPUT = 1 << 16
# Intermediates larger than this are allocated afresh rather than kept per thread.
_SCRATCH_MAX_BYTES = 4 << 20
# Bytes of input per unit of threaded work (see _units).
_UNIT_BYTES = 2 << 20
# Above this many offsets shared by every window, they are reduced in one call (_reduce_wide).
_REDUCE_MIN_OFFSETS = 16
# Elements in the block of lowest values a float max is raised to (64 KiB of float32).
_FLOOR_SIZE = 1 << 14
_local = threading.local()


# Helper threads beside the calling thread: with it, one thread per core.
_HELPERS = (os.cpu_count() or 1) - 1


@cache
def _helper_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=_HELPERS)


def _for_each(n: int, work: Callable[[int], None]) -> None:
    """``work(i)`` for ``i`` in ``range(n)``, on the calling thread and the helper threads.

    The calling thread takes items too, from the same queue. On a busy
    machine a helper may wake up late; the caller then does its share
    instead of waiting, and a helper that never started is cancelled. So
    a forked child, which has no helper threads (fork copies only the
    calling thread), still finishes: the caller does every item.
    """
    todo = queue.SimpleQueue()
    for i in range(n):
        todo.put(i)

    def drain() -> None:
        while True:
            try:
                i = todo.get_nowait()
            except queue.Empty:
                return
            work(i)

    started = [_helper_pool().submit(drain) for _ in range(min(_HELPERS, n - 1))]
    drain()
    for future in started:
        if not future.cancel():
            future.result()  # a helper still finishing its item (or raising)


def _at(axis: int, index: AxisIndex) -> tuple:
    return (slice(None),) * axis + (index,)


def _scratch(slot: int, shape: Sequence[int], dtype: np.dtype) -> np.ndarray:
    """A per-thread reusable buffer for intermediate results.

    Fresh large arrays cost a page fault per 4 KiB on first touch; reusing a
    buffer across calls and batch items avoids that. Two slots alternate so
    a 3-D pooling's second intermediate never overwrites its first.
    """
    nbytes = math.prod(shape) * dtype.itemsize  # not np.prod: 10x slower on a short list
    if nbytes > _SCRATCH_MAX_BYTES:
        return np.empty(shape, dtype)
    buffers = _local.__dict__.setdefault("buffers", {})
    buf = buffers.get(slot)
    if buf is None or buf.nbytes < nbytes:
        buf = buffers[slot] = np.empty(nbytes, np.uint8)
    return buf[:nbytes].view(dtype).reshape(shape)


def _passes(windows: Axis) -> tuple[Iterator[AxisIndex], Iterator[tuple[AxisIndex, AxisIndex]]]:
    """The input views of offsets whose cell is real in every window, then the other ``(out, in)`` pairs.

    Both are generated as they are used and nothing is cached: a strided
    axis computes each pair by arithmetic in about a microsecond, so a call
    keeps nothing alive beyond its own arrays. (A cache of such plans, keyed
    by window lists, used to hold about 100 MiB per 8 MiB signal.)
    """
    if isinstance(windows, StridedAxis):
        return (windows.pair(k)[1] for k in windows.full()), windows.partial()
    # Adaptive windows: index arrays, one offset at a time; the result starts from the identity.
    return iter(()), windows.offsets()


@dataclass(frozen=True)
class _Job:
    plans: tuple[tuple[int, Axis], ...]  # (axis, its windows), outermost axis first
    ufunc: np.ufunc
    identity: float
    # Called on each finished unit of output with the rows it holds (see _units).
    finish: Callable[[np.ndarray, slice], object] | None


def _reduce_axis(src: np.ndarray, axis: int, windows: Axis, job: _Job, out: np.ndarray) -> np.ndarray:
    """Reduce ``src`` along ``axis`` over ``windows``, into ``out``."""
    if isinstance(windows, StridedAxis) and len(windows.full()) > _REDUCE_MIN_OFFSETS:
        return _reduce_wide(src, axis, windows, job, out)
    full, rest = _passes(windows)
    first = next(full, None)
    second = None if first is None else next(full, None)
    if second is not None:
        job.ufunc(src[_at(axis, first)], src[_at(axis, second)], out=out)
    elif first is not None:
        np.copyto(out, src[_at(axis, first)])
    else:
        out.fill(job.identity)
    for in_index in full:
        job.ufunc(out, src[_at(axis, in_index)], out=out)
    for out_index, in_index in rest:
        where = _at(axis, out_index)
        if isinstance(out_index, slice):
            job.ufunc(out[where], src[_at(axis, in_index)], out=out[where])
        else:
            out[where] = job.ufunc(out[where], src[_at(axis, in_index)])
    return out


def _reduce_wide(src: np.ndarray, axis: int, windows: StridedAxis, job: _Job, out: np.ndarray) -> np.ndarray:
    """:func:`_reduce_axis` for wide windows: the offsets every window shares in one ``ufunc.reduce``.

    A window of thousands of cells would otherwise cost thousands of Python
    steps, one ufunc call each; here the shared offsets are one strided view
    (output cells x offsets, no copy) reduced along its last axis in C.
    """
    full = windows.full()
    start = full.start - windows.before  # input position of window 0's first shared offset
    lanes = sliding_window_view(src, len(full), axis=axis)
    stop = start + windows.stride * (windows.size - 1) + 1
    job.ufunc.reduce(lanes[_at(axis, slice(start, stop, windows.stride))], axis=-1, out=out)
    for out_index, in_index in windows.partial():
        where = _at(axis, out_index)
        job.ufunc(out[where], src[_at(axis, in_index)], out=out[where])
    return out


def _pool_item(x: np.ndarray, out: np.ndarray, shift: int, job: _Job, rows: slice = slice(None)) -> None:
    """Pool ``x`` into ``out``; ``shift`` is 1 when both are one batch item (axis 0 dropped).

    ``out`` may be a block of an item's output: ``rows`` of its first axis.
    """
    current = x
    for i, (axis, windows) in enumerate(job.plans):
        axis -= shift
        if i == len(job.plans) - 1:
            target = out
        else:
            shape = list(current.shape)
            shape[axis] = windows.size
            target = _scratch(i % 2, shape, current.dtype)
        current = _reduce_axis(current, axis, windows, job, target)
    if job.finish is not None:
        job.finish(out, rows)  # here, while the output is still in this core's cache


def _units(x: np.ndarray, job: _Job) -> list[tuple[slice, _Job]]:
    """How to cut each batch item into units of work for the threads: blocks of rows, and their jobs.

    Blocks let the threads share a single large image, and when a thread is
    paused mid-unit on a busy machine, the others wait for a smaller unit.
    An item is cut along the axis reduced first when that axis is also its
    outermost (channels last) and its windows step evenly, so each block of
    output is contiguous; a block reads about ``_UNIT_BYTES`` of input. Each
    block has its own windows for that axis: the same windows, fewer of them.
    """
    axis, windows = job.plans[0]
    n_blocks = 1
    if axis == 1 and isinstance(windows, StridedAxis):
        n_blocks = min(windows.size, -(-x[0].nbytes // _UNIT_BYTES))
    if n_blocks == 1:
        return [(slice(None), job)]
    bounds = np.linspace(0, windows.size, n_blocks + 1).astype(int).tolist()
    return [
        (slice(start, stop), replace(job, plans=((axis, windows.block(start, stop)), *job.plans[1:])))
        for start, stop in itertools.pairwise(bounds)
    ]


def _pool(
    x: np.ndarray,
    axes: tuple[int, ...],
    geometry: Windows,
    ufunc: np.ufunc,
    identity: float,
    finish: Callable[[np.ndarray, slice], object] | None = None,
    dtype: np.dtype | None = None,
) -> np.ndarray:
    """Reduce every window; the result has ``dtype`` (default ``x.dtype``), and so do the intermediates."""
    # Outermost axis first: its views are whole contiguous rows, the cheapest to stream.
    order = sorted(zip(axes, geometry.axes), key=lambda aw: -x.strides[aw[0]])
    job = _Job(tuple(order), ufunc, identity, finish)
    shape = list(x.shape)
    for axis, n_out in zip(axes, geometry.output_shape):
        shape[axis] = n_out
    out = np.empty(shape, dtype=x.dtype if dtype is None else dtype)
    if out.size < _PARALLEL_MIN_OUTPUT:
        _pool_item(x, out, 0, job)
        return out
    # The batch axis is 0 and never pooled, so items, and blocks of an item's rows, are independent.
    blocks = _units(x, job)
    units = [(b, rows, block_job) for b in range(x.shape[0]) for rows, block_job in blocks]

    def work(i: int) -> None:
        b, rows, block_job = units[i]
        _pool_item(x[b], out[b, rows], 1, block_job, rows)

    _for_each(len(units), work)
    return out


def as_float(x: np.ndarray) -> np.ndarray:
    """``x`` itself if it is float, else as float32 (what Keras computes averages in).

    Examples
    --------
    >>> as_float(np.array([1, 2])).dtype, as_float(np.array([1.0, 2.0])).dtype
    (dtype('float32'), dtype('float64'))
    """
    # Keras computes in float32 by default; float inputs keep their precision.
    return x if x.dtype.kind == "f" else x.astype(np.float32)


def _summable(x: np.ndarray) -> np.ndarray:
    """``x`` in a dtype that sums safely: float32 for integers and float16, else ``x`` itself.

    float16 tops out at 65504: four cells of 60000 summed in float16 give
    inf. Keras' ``ops.mean`` adds float16 in float32 and casts the mean back,
    so poolutils does the same.
    """
    return x.astype(np.float32) if x.dtype.kind != "f" or x.dtype.itemsize < 4 else x


def float_mean(x: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
    """Mean over ``axes``, summed in at least float32; float inputs keep their dtype, integers give float32.

    Examples
    --------
    >>> float_mean(np.full((1, 2, 2, 1), 60000, np.float16), (1, 2), False)
    array([[6.e+04]], dtype=float16)
    """
    summable = _summable(x)
    return np.mean(summable, axis=axes, keepdims=keepdims).astype(as_float(x[:0]).dtype, copy=False)


@cache
def _floor(dtype: np.dtype) -> np.ndarray:
    """A read-only block of the lowest finite value of ``dtype``, the floor of a windowed max."""
    floor = np.full(_FLOOR_SIZE, np.finfo(dtype).min, dtype)
    floor.flags.writeable = False
    return floor


def _raise_to_floor(out: np.ndarray) -> None:
    """``np.fmax(out, lowest, out=out)``, in place, without a scalar operand.

    NumPy's ``fmax`` against a scalar runs about 4x slower than against an
    array (no SIMD loop for a broadcast operand), and this pass would cost as
    much as a whole axis' reduction. So ``out`` is seen as rows of a cached
    block of lowest values, and both operands stream contiguously.
    """
    flat = out.reshape(-1)  # a view: out is a fresh array or one batch item of it, C-contiguous
    floor = _floor(out.dtype)
    whole = flat.size - flat.size % floor.size
    rows = flat[:whole].reshape(-1, floor.size)
    np.fmax(rows, floor, out=rows)
    np.fmax(flat[whole:], floor[: flat.size - whole], out=flat[whole:])


def windowed_max(x: np.ndarray, axes: tuple[int, ...], geometry: Windows, nan: str = "ignore") -> np.ndarray:
    """Max of every window of ``geometry`` over ``axes`` of ``x``, never reading padding; dtype kept.

    With ``nan="ignore"`` (TensorFlow's rule) NaN is ignored and every
    window starts at the lowest finite value, so a window of only NaN or
    ``-inf`` gives that value. With ``nan="propagate"`` (PyTorch's CPU
    kernels, see :func:`poolutils.porting.torch_max_pool`) a NaN anywhere in
    a window makes it NaN and a window of only ``-inf`` gives ``-inf``.

    Examples
    --------
    >>> from poolutils.windows import pool_windows
    >>> x = np.array([[[-3.0], [np.nan], [np.nan], [np.nan], [-1.0]]])  # (batch, 5, channels)
    >>> windowed_max(x, (1,), pool_windows((5,), 2, 2, "same"))[0, :, 0]
    array([-3.00000000e+000, -1.79769313e+308, -1.00000000e+000])
    """
    is_float = x.dtype.kind == "f"
    if nan == "propagate":
        return _pool(x, axes, geometry, np.maximum, -np.inf if is_float else np.iinfo(x.dtype).min)
    lowest = np.finfo(x.dtype).min if is_float else np.iinfo(x.dtype).min
    # TF starts each window at the lowest finite value: all-NaN or all -inf windows give it.
    floor = (lambda out, rows: _raise_to_floor(out)) if is_float else None
    return _pool(x, axes, geometry, np.fmax, lowest, floor)


def _divisor(counts: np.ndarray, x: np.ndarray, axes: tuple[int, ...]) -> np.ndarray | float:
    """One number when every window has the same divisor, else ``counts`` shaped like one batch item of ``x``.

    Shaped like one batch item, it broadcasts over an item or the whole
    batch; ``counts`` itself is freed on return, before the pooling starts.
    """
    if counts.min() == counts.max():
        return float(counts.flat[0])
    shape = [1] * (x.ndim - 1)
    for axis, n_out in zip(axes, counts.shape):
        shape[axis - 1] = n_out
    return counts.reshape(shape).astype(x.dtype)


def windowed_mean(
    x: np.ndarray, axes: tuple[int, ...], geometry: Windows, counts: np.ndarray | None = None
) -> np.ndarray:
    """Sum of every window of ``geometry`` over ``axes`` of ``x``, divided by ``counts``.

    ``counts`` (shaped like the output's spatial axes) defaults to each
    window's number of real cells, Keras' divisor; another convention, such
    as PyTorch's ``count_include_pad=True``, passes its own. Sums are taken
    in at least float32 (:func:`float_mean`); float inputs keep their dtype.

    Examples
    --------
    >>> from poolutils.windows import pool_windows
    >>> x = np.arange(1.0, 6.0).reshape(1, 5, 1)
    >>> geometry = pool_windows((5,), 2, 2, "same")
    >>> windowed_mean(x, (1,), geometry)[0, :, 0]  # the last window has one real cell
    array([1.5, 3.5, 5. ])
    >>> windowed_mean(x, (1,), geometry, counts=np.array([2, 2, 2]))[0, :, 0]
    array([1.5, 3.5, 2.5])
    """
    dtype = as_float(x[:0]).dtype
    x = _summable(x)
    divisor = _divisor(geometry.counts() if counts is None else np.asarray(counts), x, axes)

    def divide(out: np.ndarray, rows: slice) -> None:
        np.divide(out, divisor if isinstance(divisor, float) else divisor[rows], out=out)

    return _pool(x, axes, geometry, np.add, 0, divide).astype(dtype, copy=False)
