"""Window geometry: which input cells each output cell reads.

This is the one place where windows are computed. The fast pooling code,
the teaching plots, the widgets and the exercise checkers all ask this
module, so a drawing can never disagree with a number.

Coordinates are input indices along each spatial axis. A window may reach
outside ``0 .. n-1``: those positions are padding ('same' padding adds them
before and after, as :func:`poolutils.shapes.same_padding` says).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from poolutils._validation import (
    MAX_AXIS_CELLS,
    as_int,
    data_format_name,
    entries,
    int_tuple,
    layer_input_shape,
    pool_args,
    positive_int,
    spatial_axes,
    spatial_sizes,
)
from poolutils.shapes import pool_output_size, same_padding

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
    out = pool_output_size(n, pool_size, stride, padding)
    for count, what in ((n, "input cells"), (out, "windows")):
        _check_cells(count, what, "n", f"n={n}, pool_size={pool_size!r}, stride={stride!r}")
    before = same_padding(n, pool_size, stride)[0] if padding.lower() == "same" else 0
    starts = tuple(i * stride - before for i in range(out))
    return AxisWindows(n, starts, tuple(s + pool_size for s in starts), stride)


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
    starts = tuple(i * n // output_size for i in range(output_size))
    stops = tuple(-(-(i + 1) * n // output_size) for i in range(output_size))
    return AxisWindows(n, starts, stops, None)


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

    axes: tuple[AxisWindows, ...]

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
            raise ValueError(f"`position` must be {allowed}. Received: position={received!r}.")
        lengths = [a.stops[p] - a.starts[p] for p, a in zip(position, self.axes)]
        _check_cells(
            int(np.prod(lengths, dtype=object)), "cells in its window", "position", f"position={received!r}"
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
        ``.counts()`` is the divisor map of average pooling.

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
    pools, steps, padding = pool_args(shape, pool_size, strides, padding, f"spatial_shape={spatial_shape!r}")
    return Windows(tuple(axis_windows(n, f, s, padding) for n, f, s in zip(shape, pools, steps)))


def layer_windows(
    input_shape: Sequence[int],
    pool_size: int | Sequence[int],
    strides: int | Sequence[int] | None = None,
    padding: str = "valid",
    data_format: str = "channels_last",
    name: str = "input_shape",
) -> tuple[tuple[int, ...], Windows]:
    """Spatial axes and window geometry of a pooling layer on an input of shape ``input_shape``.

    The forward and backward passes share it. ``name`` is what the caller
    calls the input, so that a message names it: "input_shape", or "x" when
    this is the shape of the caller's array ``x``.

    Examples
    --------
    >>> axes, geometry = layer_windows((8, 3, 5, 5), 2, data_format="channels_first")
    >>> axes, geometry.output_shape
    ((2, 3), (2, 2))
    """
    shape = layer_input_shape(input_shape, name)
    axes = spatial_axes(len(shape), data_format_name(data_format))
    spatial = tuple(shape[a] for a in axes)
    received = f"{name} with spatial shape {spatial}" if name == "x" else f"{name}={input_shape!r}"
    pools, steps, padding = pool_args(spatial, pool_size, strides, padding, received)
    for n in spatial:
        _check_cells(n, "cells along a spatial axis", name, received)
    # Checked with the caller's names above, so pool_windows' own checks cannot fail.
    return axes, pool_windows(spatial, pools, steps, padding)


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
    sizes = int_tuple(output_size, len(shape), "output_size")
    for o in sizes:
        _check_cells(o, "output cells along an axis", "output_size", f"output_size={output_size!r}")
    return Windows(tuple(adaptive_axis_windows(n, o) for n, o in zip(shape, sizes)))
