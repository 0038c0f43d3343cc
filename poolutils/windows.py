"""Window geometry: which input cells each output cell reads.

This is the one place where windows are computed. The fast pooling code,
the teaching plots, the widgets and the exercise checkers all ask this
module, so a drawing can never disagree with a number.

Coordinates are input indices along each spatial axis. A window may reach
outside ``0 .. n-1``: those positions are padding ('same' padding adds them
before and after, as :func:`poolutils.shapes.same_padding` says).

Each axis comes in two forms. :class:`AxisWindows` lists every window's
start and stop as tuples, for drawing and teaching (:func:`pool_windows`,
:func:`adaptive_windows`, :func:`axis_windows`). :class:`StridedAxis` and
:class:`AdaptiveAxis` hold the same windows as a few numbers, for the fast
path and the backward passes (:func:`layer_geometry`, :func:`strided_windows`,
:func:`adaptive_geometry`): their memory does not grow with the axis.

The public functions check their arguments once, at the door;
:func:`strided_windows` and the compact forms trust what they are given.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from poolutils._validation import (
    MAX_AXIS_CELLS,
    as_int,
    data_format_name,
    echo,
    entries,
    int_tuple,
    layer_input_shape,
    pool_args,
    positive_int,
    spatial_axes,
    spatial_sizes,
)
from poolutils.shapes import _output_size, _same_padding

# Adaptive windows whose index arrays are made at once (64 Ki windows: 512 KiB per int64 array).
_ADAPTIVE_CHUNK = 1 << 16
# An index along one axis: a slice when the windows step evenly, else an array.
AxisIndex = slice | np.ndarray


@dataclass(frozen=True)
class AxisWindows:
    """The windows along one spatial axis.

    Attributes
    ----------
    n : int
        Input length.
    starts, stops : tuple of int
        Output cell ``i`` reads input positions ``starts[i] .. stops[i] - 1``.
        Positions below 0 or at ``n`` and above are padding.
    stride : int or None
        Step between consecutive windows, or None for adaptive windows,
        whose starts do not step evenly.
    """

    n: int
    starts: tuple[int, ...]
    stops: tuple[int, ...]
    stride: int | None

    @property
    def size(self) -> int:
        """Number of output cells."""
        return len(self.starts)

    @property
    def padding(self) -> tuple[int, int]:
        """Padding cells (before, after) the windows reach into."""
        return max(0, -self.starts[0]), max(0, self.stops[-1] - self.n)

    def counts(self) -> np.ndarray:
        """Number of real (non-padding) cells in each window: the average's divisor."""
        lo = np.clip(self.starts, 0, self.n)
        hi = np.clip(self.stops, 0, self.n)
        return hi - lo

    def offsets(self) -> Iterator[tuple[AxisIndex, AxisIndex]]:
        """Pairs ``(out_index, in_index)``, one per position inside a window.

        For offset ``k``, output cells ``out_index`` read input cells
        ``in_index``: their window's ``k``-th cell, when that cell is real.
        Reducing over all pairs gives the pooled result, and the reduction
        never touches padding. With evenly stepped windows both indices are
        slices, so NumPy works on strided views without copying.

        Only offsets that reach a real cell in some window are visited, fewer
        than twice the input length however large the window: a 10**9-cell
        'same' window on 4 cells costs 4 steps, not 10**9.
        """
        starts = np.asarray(self.starts)
        lengths = np.asarray(self.stops) - starts
        first = max(0, -int(starts.max()))
        for k in range(first, min(int(lengths.max()), self.n - int(starts.min()))):
            pos = starts + k
            ok = (k < lengths) & (pos >= 0) & (pos < self.n)
            if not ok.any():  # e.g. a 'same' window's tail that lies wholly in padding
                continue
            if self.stride is None:
                yield np.flatnonzero(ok), pos[ok]
                continue
            first, last = int(np.argmax(ok)), len(ok) - int(np.argmax(ok[::-1]))
            count = last - first
            yield (
                slice(first, last),
                slice(pos[first], pos[first] + self.stride * (count - 1) + 1, self.stride),
            )


@dataclass(frozen=True)
class StridedAxis:
    """Evenly stepped windows along one axis, held as five numbers instead of a list of windows.

    The fast path reads windows in this form: a 2**24-cell axis costs no more
    to describe than a 4-cell one (as tuples of Python ints, :class:`AxisWindows`
    would take about 1.3 GB for it). Output cell ``i`` reads input positions
    ``i * stride - before`` up to ``window`` cells on.

    Examples
    --------
    >>> axis = StridedAxis(n=5, window=2, stride=2, before=0, size=3)
    >>> list(axis.offsets())
    [(slice(0, 3, None), slice(0, 5, 2)), (slice(0, 2, None), slice(1, 4, 2))]
    >>> axis.explicit() == axis_windows(5, 2, 2, "same")
    True
    """

    n: int
    window: int
    stride: int
    before: int
    size: int  # number of output cells

    @property
    def starts(self) -> range:
        return range(-self.before, -self.before + self.size * self.stride, self.stride)

    @property
    def stops(self) -> range:
        return range(
            self.window - self.before, self.window - self.before + self.size * self.stride, self.stride
        )

    def counts(self) -> np.ndarray:
        """Number of real cells in each window: the average's divisor.

        Windows wholly inside the input hold ``window`` cells; only those that
        reach into the padding at either end are computed one by one.
        """
        s, b = self.stride, self.before
        head = min(self.size, max(0, -(-b // s)))  # windows that start before cell 0
        tail = max(head, (self.n - self.window + b) // s + 1)  # the first that ends past cell n - 1
        counts = np.full(self.size, self.window, dtype=np.int64)
        for part in (slice(0, head), slice(min(tail, self.size), self.size)):
            starts = np.arange(part.start, part.stop, dtype=np.int64) * s - b
            counts[part] = np.clip(starts + self.window, 0, self.n) - np.clip(starts, 0, self.n)
        return counts

    def pair(self, k: int) -> tuple[slice, slice] | None:
        """``(out_index, in_index)`` for offset ``k``: the outputs whose ``k``-th cell is real, and those cells."""
        s, b = self.stride, self.before
        first = max(0, -((k - b) // s))  # ceil((b - k) / s): the first window whose k-th cell is >= 0
        last = min(self.size - 1, (self.n - 1 + b - k) // s)
        if last < first:
            return None
        start = first * s - b + k
        return slice(first, last + 1), slice(start, start + s * (last - first) + 1, s)

    def reach(self) -> range:
        """Offsets whose cell is real in some window: at most ``n + before``, however large the window."""
        return range(
            max(0, self.before - (self.size - 1) * self.stride), min(self.window, self.n + self.before)
        )

    def full(self) -> range:
        """Offsets whose cell is real in every window: their passes leave no window out."""
        return range(
            max(self.before, 0), min(self.window, self.n + self.before - (self.size - 1) * self.stride)
        )

    def offsets(self) -> Iterator[tuple[slice, slice]]:
        """Pairs ``(out_index, in_index)`` as :meth:`AxisWindows.offsets` gives them, by arithmetic."""
        return self._pairs(self.reach())

    def partial(self) -> Iterator[tuple[slice, slice]]:
        """The pairs of offsets outside :meth:`full`, which some windows skip."""
        reach, full = self.reach(), self.full()
        if full.start >= full.stop:
            return self._pairs(reach)
        return self._pairs(itertools.chain(range(reach.start, full.start), range(full.stop, reach.stop)))

    def _pairs(self, ks: Iterable[int]) -> Iterator[tuple[slice, slice]]:
        for k in ks:
            pair = self.pair(k)
            if pair is not None:
                yield pair

    def block(self, start: int, stop: int) -> StridedAxis:
        """The windows ``start .. stop - 1`` alone, as an axis of their own."""
        return StridedAxis(self.n, self.window, self.stride, self.before - start * self.stride, stop - start)

    def explicit(self) -> AxisWindows:
        """The same windows listed one by one, for drawing and teaching."""
        return AxisWindows(self.n, tuple(self.starts), tuple(self.stops), self.stride)


@dataclass(frozen=True)
class AdaptiveAxis:
    """Adaptive windows along one axis, held as two numbers (Keras' and PyTorch's rule).

    Output cell ``i`` reads ``floor(i*n/out) .. ceil((i+1)*n/out) - 1``.

    Examples
    --------
    >>> axis = AdaptiveAxis(5, 3)
    >>> axis.starts.tolist(), axis.stops.tolist()
    ([0, 1, 3], [2, 4, 5])
    """

    n: int
    size: int

    @property
    def starts(self) -> np.ndarray:
        return np.arange(self.size, dtype=np.int64) * self.n // self.size

    @property
    def stops(self) -> np.ndarray:
        return -(-(np.arange(self.size, dtype=np.int64) + 1) * self.n // self.size)

    def counts(self) -> np.ndarray:
        return self.stops - self.starts

    def offsets(self) -> Iterator[tuple[AxisIndex, np.ndarray]]:
        """Pairs ``(out_index, in_index)``, computed when asked for a chunk of windows at a time.

        The index arrays cover at most ``_ADAPTIVE_CHUNK`` windows, so they
        stay small beside the input, however long the axis.
        """
        for first in range(0, self.size, _ADAPTIVE_CHUNK):
            i = np.arange(first, min(first + _ADAPTIVE_CHUNK, self.size), dtype=np.int64)
            starts = i * self.n // self.size
            lengths = -(-(i + 1) * self.n // self.size) - starts
            shortest, longest = int(lengths.min()), int(lengths.max())
            for k in range(longest):
                if k < shortest:
                    yield slice(first, first + len(i)), starts + k
                else:
                    some = np.flatnonzero(lengths > k)
                    yield first + some, starts[some] + k

    def explicit(self) -> AxisWindows:
        return AxisWindows(self.n, tuple(self.starts.tolist()), tuple(self.stops.tolist()), None)


def strided_axis(n: int, pool_size: int, stride: int, padding: str) -> StridedAxis:
    """The windows of a fixed-size pool along one axis, from arguments already checked (no checks here)."""
    before = _same_padding(n, pool_size, stride)[0] if padding == "same" else 0
    return StridedAxis(n, pool_size, stride, before, _output_size(n, pool_size, stride, padding))


def axis_windows(n: int, pool_size: int, stride: int, padding: str = "valid") -> AxisWindows:
    """Windows of a fixed-size pool along one axis.

    Examples
    --------
    >>> w = axis_windows(5, 2, 2, "same")
    >>> w.starts, w.stops, w.padding
    ((0, 2, 4), (2, 4, 6), (0, 1))
    >>> w.counts()
    array([2, 2, 1])

    When the stride exceeds the window, 'same' leaves cells uncovered; the
    first window still starts at cell 0, as in TensorFlow's default kernels
    (:func:`poolutils.shapes.same_padding_total` clamps the padding at 0):

    >>> axis_windows(3, 1, 3, "same").starts
    (0,)
    """
    n = positive_int(n, "n", limit=None)
    (f,), (s,), padding = pool_args((n,), pool_size, stride, padding, f"n={n}", stride_name="stride")
    # An axis has no more windows than cells: bounding the cells bounds the list.
    _check_cells(n, "input cells", "n", f"n={n}, pool_size={echo(pool_size)}, stride={echo(stride)}")
    return strided_axis(n, f, s, padding).explicit()


def adaptive_axis_windows(n: int, output_size: int) -> AxisWindows:
    """Windows of adaptive pooling along one axis (Keras' and PyTorch's rule).

    Output cell ``i`` reads ``floor(i*n/out) .. ceil((i+1)*n/out) - 1``, so
    windows may overlap by one cell and differ in length by at most one.

    Examples
    --------
    >>> w = adaptive_axis_windows(5, 3)
    >>> w.starts, w.stops
    ((0, 1, 3), (2, 4, 5))
    """
    n = positive_int(n, "n", MAX_AXIS_CELLS)
    output_size = positive_int(output_size, "output_size", MAX_AXIS_CELLS)
    return AdaptiveAxis(n, output_size).explicit()


@dataclass(frozen=True)
class Window:
    """The cells of one output's window.

    Attributes
    ----------
    cells : ndarray of shape (k, ndim)
        Input coordinates, row-major, padding positions included.
    padding : ndarray of shape (k,), bool
        True where the coordinate lies outside the input.
    """

    cells: np.ndarray
    padding: np.ndarray

    @property
    def real_cells(self) -> np.ndarray:
        """Coordinates of the cells that exist in the input."""
        return self.cells[~self.padding]


@dataclass(frozen=True)
class Windows:
    """Windows along every spatial axis; windows are products of the axis windows."""

    axes: tuple[AxisWindows | StridedAxis | AdaptiveAxis, ...]

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(a.n for a in self.axes)

    @property
    def output_shape(self) -> tuple[int, ...]:
        return tuple(a.size for a in self.axes)

    def window(self, position: Sequence[int]) -> Window:
        """The input cells read by the output cell at ``position``."""
        allowed = f"a tuple of {len(self.axes)} ints indexing the output of shape {self.output_shape}"
        received = position
        position = tuple(as_int(p) for p in entries(position, "position", allowed))
        if len(position) != len(self.axes) or not all(
            p is not None and 0 <= p < a.size for p, a in zip(position, self.axes)
        ):
            raise ValueError(f"`position` must be {allowed}. Received: position={echo(received)}.")
        lengths = [a.stops[p] - a.starts[p] for p, a in zip(position, self.axes)]
        _check_cells(
            int(np.prod(lengths, dtype=object)),
            "cells in its window",
            "position",
            f"position={echo(received)}",
        )
        ranges = [np.arange(a.starts[p], a.stops[p]) for p, a in zip(position, self.axes)]
        cells = np.stack(np.meshgrid(*ranges, indexing="ij"), axis=-1).reshape(-1, len(ranges))
        padding = ((cells < 0) | (cells >= np.array(self.input_shape))).any(axis=1)
        return Window(cells, padding)

    def counts(self) -> np.ndarray:
        """Real cells per output cell: the divisor of Keras' average pooling."""
        total = np.ones((), dtype=np.int64)
        for a in self.axes:
            total = np.multiply.outer(total, a.counts())
        return total


def pool_windows(
    spatial_shape: Sequence[int],
    pool_size: int | Sequence[int],
    strides: int | Sequence[int] | None = None,
    padding: str = "valid",
) -> Windows:
    """Geometry of a pooling layer: for each output cell, the input cells it reads.

    Parameters
    ----------
    spatial_shape : sequence of int
        The input's spatial shape, e.g. ``(H, W)``; no batch or channel axes.
    pool_size, strides : int or sequence of int
        As in the Keras layers; strides default to ``pool_size``.
    padding : {'valid', 'same'}

    Returns
    -------
    Windows
        ``.window(position)`` lists a window's cells and which are padding;
        ``.counts()`` is the divisor map of average pooling; each of
        ``.axes`` is an :class:`AxisWindows` listing its windows.

    Examples
    --------
    The bottom-right output of a 3x3 'same' pool, stride 2, on a 4x4 map reads
    one padding row and one padding column (TensorFlow pads after):

    >>> geo = pool_windows((4, 4), 3, 2, "same")
    >>> geo.output_shape
    (2, 2)
    >>> w = geo.window((1, 1))
    >>> w.cells[:3].tolist(), int(w.padding.sum())
    ([[2, 2], [2, 3], [2, 4]], 5)
    >>> geo.counts()
    array([[9, 6],
           [6, 4]])
    """
    shape = spatial_sizes(spatial_shape)
    pools, steps, padding = pool_args(
        shape, pool_size, strides, padding, f"spatial_shape={echo(spatial_shape)}"
    )
    return Windows(tuple(strided_axis(n, f, s, padding).explicit() for n, f, s in zip(shape, pools, steps)))


def strided_windows(
    spatial: Sequence[int], pools: Sequence[int], steps: Sequence[int], padding: str
) -> Windows:
    """The compact geometry (:class:`StridedAxis` per axis) of arguments that :func:`pool_args` returned.

    Nothing is checked again. An axis never has more windows than cells, so
    the bound on its cells bounds its windows too.
    """
    return Windows(tuple(strided_axis(n, f, s, padding) for n, f, s in zip(spatial, pools, steps)))


def layer_windows(
    input_shape: Sequence[int],
    pool_size: int | Sequence[int],
    strides: int | Sequence[int] | None = None,
    padding: str = "valid",
    data_format: str = "channels_last",
    name: str = "input_shape",
) -> tuple[tuple[int, ...], Windows]:
    """Spatial axes and compact window geometry of a pooling layer on an input of shape ``input_shape``.

    The forward and backward passes share it; each axis is a :class:`StridedAxis`.
    ``name`` is what the caller calls the input, so that a message names it:
    "input_shape", or "x" when this is the shape of the caller's array ``x``.

    Examples
    --------
    >>> axes, geometry = layer_windows((8, 3, 5, 5), 2, data_format="channels_first")
    >>> axes, geometry.output_shape
    ((2, 3), (2, 2))
    """
    shape = layer_input_shape(input_shape, name)
    return layer_geometry(shape, data_format, pool_size, strides, padding, name, input_shape)


def layer_geometry(
    shape: tuple[int, ...],
    data_format: object,
    pool_size: object,
    strides: object,
    padding: object,
    name: str,
    passed: object = None,
) -> tuple[tuple[int, ...], Windows]:
    """The door of every layer-shaped call: ``shape`` is already a checked shape; the rest is checked here, once.

    ``passed`` is the shape as the caller passed it, echoed in messages
    (``name`` "x": the shape of the caller's array).
    """
    axes = spatial_axes(len(shape), data_format_name(data_format))
    spatial = tuple(shape[a] for a in axes)
    received = f"{name} with spatial shape {spatial}" if name == "x" else f"{name}={echo(passed)}"
    pools, steps, padding = pool_args(spatial, pool_size, strides, padding, received)
    for n in spatial:
        _check_cells(n, "cells along a spatial axis", name, received)
    return axes, strided_windows(spatial, pools, steps, padding)


def _check_cells(count: int, what: str, name: str, received: str) -> None:
    # Geometries list every window: refuse before building what would not fit in memory.
    if count > MAX_AXIS_CELLS:
        raise ValueError(
            f"`{name}` asks for {count:,} {what}; poolutils handles at most "
            f"MAX_AXIS_CELLS = 2**24 = {MAX_AXIS_CELLS:,}. Received: {received}."
        )


def adaptive_windows(spatial_shape: Sequence[int], output_size: int | Sequence[int]) -> Windows:
    """Geometry of adaptive pooling to ``output_size`` cells per axis.

    Examples
    --------
    >>> adaptive_windows((4, 5), (2, 3)).window((0, 1)).cells.tolist()
    [[0, 1], [0, 2], [0, 3], [1, 1], [1, 2], [1, 3]]
    """
    shape = spatial_sizes(spatial_shape)
    sizes = _adaptive_sizes(shape, output_size)
    return Windows(tuple(AdaptiveAxis(n, o).explicit() for n, o in zip(shape, sizes)))


def adaptive_geometry(spatial: Sequence[int], output_size: object) -> Windows:
    """The compact geometry (:class:`AdaptiveAxis` per axis) for a checked spatial shape; checks ``output_size``."""
    sizes = _adaptive_sizes(spatial, output_size)
    # When the output size divides the input, the windows tile it: the faster strided form.
    return Windows(
        tuple(
            StridedAxis(n, n // o, n // o, 0, o) if n % o == 0 else AdaptiveAxis(n, o)
            for n, o in zip(spatial, sizes)
        )
    )


def _adaptive_sizes(spatial: Sequence[int], output_size: object) -> tuple[int, ...]:
    sizes = int_tuple(output_size, len(spatial), "output_size")
    for o in sizes:
        _check_cells(o, "output cells along an axis", "output_size", f"output_size={echo(output_size)}")
    return sizes
