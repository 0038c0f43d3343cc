"""PyTorch's pooling conventions, computed in NumPy, for porting models to and from Keras.

PyTorch is not a dependency of this course; nothing here imports it. The
rules below are PyTorch's documented ones, and each function says where
they come from:

* ``torch.nn.MaxPool2d`` and ``torch.nn.AvgPool2d`` (PyTorch docs) take a
  symmetric ``padding`` of at most half the kernel, and compute the output
  length as ``floor((n + 2p - k) / s) + 1``, or with ``ceil`` when
  ``ceil_mode=True``; in ceil mode a window that would *start* in the right
  padding is dropped (ATen, ``pooling_output_shape_pad_lr`` in
  ``aten/src/ATen/native/Pool.h``).
* Max pooling pads with minus infinity: padding never wins. Each window
  starts at ``-inf`` and takes a value that is larger *or NaN*, so a NaN
  anywhere in a window makes its maximum NaN, and a window of only ``-inf``
  gives ``-inf`` (ATen's CPU kernels: ``cpu_max_pool`` in
  ``aten/src/ATen/native/cpu/MaxPoolKernel.cpp``, ``(val > maxval) ||
  is_nan(val)`` from ``smallest`` = ``-infinity``; ``max_pool1d_kernel`` in
  ``aten/src/ATen/native/cpu/MaxPooling.cpp``). TensorFlow, and so
  :func:`poolutils.max_pool`, ignores NaN and starts at the lowest finite value.
* Average pooling with ``count_include_pad=True`` (the default) divides by
  the window clipped to the *padded* input, ``[-p, n + p)``: padded zeros
  count, cells that ceil mode adds beyond the padding do not (ATen,
  ``cpu_avg_pool`` in ``aten/src/ATen/native/cpu/AvgPoolKernel.cpp``).
  With ``count_include_pad=False`` it divides by the real cells, as Keras does.

In Keras every one of these conventions is a 'valid' pooling of an input
padded by :func:`torch_padding` cells, the extra ceil-mode cells going
after the input, as TensorFlow's own 'same' padding does. The tests
(``tests/test_porting.py``) check each function against that Keras
composition.

Arrays are laid out as everywhere in poolutils, ``channels_last`` by
default: a PyTorch tensor of shape ``(N, C, H, W)`` is
``data_format="channels_first"``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from poolutils._validation import (
    as_int,
    data_format_name,
    echo,
    entries,
    flag,
    input_array,
    int_tuple,
    positive_int,
    spatial_axes,
    spatial_sizes,
)
from poolutils.reduction import windowed_max, windowed_mean
from poolutils.windows import StridedAxis, Windows


def _paddings(padding: object, rank: int) -> tuple[int, ...]:
    allowed = f"a non-negative int or a tuple of {rank} non-negative ints"
    values = (padding,) * rank if as_int(padding) is not None else entries(padding, "padding", allowed)
    if len(values) != rank:
        raise ValueError(f"`padding` must be {allowed}. Received: padding={echo(padding)}.")
    numbers = [as_int(p) for p in values]
    if any(p is None for p in numbers):
        raise TypeError(f"`padding` must be {allowed}. Received: padding={echo(padding)}.")
    if any(p < 0 for p in numbers):
        raise ValueError(f"`padding` must be {allowed}. Received: padding={echo(padding)}.")
    return tuple(numbers)


def torch_padding(
    n: int, kernel_size: int, stride: int | None = None, padding: int = 0, ceil_mode: bool = False
) -> tuple[int, int]:
    """Cells to pad (before, after) one axis so that Keras' 'valid' pooling has PyTorch's windows.

    Before the input this is PyTorch's ``padding``. After it, it is the
    same ``padding`` plus whatever cells ceil mode needs for a last, partial
    window: the asymmetry of TensorFlow's 'same' padding, extra cells at the end.

    Parameters
    ----------
    n : int
        Input length along the axis.
    kernel_size, stride, padding, ceil_mode
        As in ``torch.nn.MaxPool1d``/``AvgPool1d``; ``stride`` defaults to
        ``kernel_size`` and ``padding`` may be at most ``kernel_size // 2``.

    Returns
    -------
    (before, after) : tuple of int
        What ``keras.layers.ZeroPadding1D`` (or ``ZeroPadding2D`` per axis)
        must add before a ``padding='valid'`` pooling layer.

    Raises
    ------
    ValueError
        If the padding exceeds half the kernel (PyTorch refuses it too), or
        if no window fits.

    Examples
    --------
    ``AvgPool2d(3, 2, padding=1)`` on 4 cells pads one cell on each side:

    >>> torch_padding(4, 3, 2, padding=1)
    (1, 1)

    ``ceil_mode=True`` without padding keeps a last window that hangs one
    cell over the end, exactly where TensorFlow's 'same' puts its padding:

    >>> torch_padding(4, 3, 2, ceil_mode=True)
    (0, 1)

    With both, the third window needs a second cell after the input:

    >>> torch_padding(4, 3, 2, padding=1, ceil_mode=True)
    (1, 2)
    """
    n = positive_int(n, "n")
    (k,), (s,), (p,), ceil_mode = _torch_args((n,), kernel_size, stride, padding, ceil_mode, f"n={n}")
    axis = _torch_axis(n, k, s, p, ceil_mode)
    # Ceil mode may need cells beyond the symmetric padding for its last window.
    return p, max(p, (axis.size - 1) * s + k - n - p)


def _torch_args(
    spatial: tuple[int, ...],
    kernel_size: object,
    stride: object,
    padding: object,
    ceil_mode: object,
    received: str,
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], bool]:
    """The door of every PyTorch-convention call: all arguments checked here, once, against ``spatial``."""
    rank = len(spatial)
    kernels = int_tuple(kernel_size, rank, "kernel_size")
    steps = kernels if stride is None else int_tuple(stride, rank, "stride")
    pads = _paddings(padding, rank)
    ceil_mode = flag(ceil_mode, "ceil_mode")
    for n, k, p in zip(spatial, kernels, pads):
        if p > k // 2:
            raise ValueError(
                "`padding` must be at most half the kernel size (PyTorch refuses more too). "
                f"Received: padding={echo(padding)}, kernel_size={echo(kernel_size)}."
            )
        if n + 2 * p < k:
            raise ValueError(
                "The kernel must fit inside the padded input: kernel_size <= n + 2 * padding on every axis. "
                f"Received: {received}, kernel_size={echo(kernel_size)}, padding={echo(padding)}."
            )
    return kernels, steps, pads, ceil_mode


def _torch_axis(n: int, k: int, s: int, p: int, ceil_mode: bool) -> StridedAxis:
    """PyTorch's windows along one axis, from checked arguments: they start at ``i * s - p``."""
    span = n + 2 * p - k
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1  # that window would start in the right padding: PyTorch drops it
    return StridedAxis(n, k, s, p, out)


def _torch_geometry(spatial, kernels, steps, pads, ceil_mode) -> Windows:
    return Windows(tuple(_torch_axis(*args, ceil_mode) for args in zip(spatial, kernels, steps, pads)))


def torch_output_size(
    n: int, kernel_size: int, stride: int | None = None, padding: int = 0, ceil_mode: bool = False
) -> int:
    """Output length of PyTorch's ``MaxPool``/``AvgPool`` along one axis.

    ``floor((n + 2p - k) / s) + 1``, with ``ceil`` in ceil mode, minus one
    if that last window would start in the right padding (PyTorch docs of
    ``torch.nn.MaxPool2d``; ATen's ``pooling_output_shape_pad_lr``).

    Examples
    --------
    >>> torch_output_size(4, 3, 2), torch_output_size(4, 3, 2, ceil_mode=True)
    (1, 2)
    >>> torch_output_size(224, 3, 2, padding=1)
    112
    """
    n = positive_int(n, "n")
    args = _torch_args((n,), kernel_size, stride, padding, ceil_mode, f"n={n}")
    return _torch_geometry((n,), *args).axes[0].size


def torch_windows(
    spatial_shape: Sequence[int],
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    padding: int | Sequence[int] = 0,
    ceil_mode: bool = False,
) -> Windows:
    """Geometry of a PyTorch pooling layer: the input cells each output cell reads.

    Output cell ``i`` starts at ``i * stride - padding``; positions outside
    ``0 .. n-1`` are padding (see :mod:`poolutils.windows`).

    Examples
    --------
    ``AvgPool2d(3, 2, padding=1)`` on a 4x4 map starts its windows one cell
    before those of Keras' ``AveragePooling2D(3, 2, padding='same')`` (0 and 2):

    >>> torch_windows((4, 4), 3, 2, padding=1).axes[0].starts
    (-1, 1)
    """
    shape = spatial_sizes(spatial_shape)  # bounded: every window along each axis is listed
    args = _torch_args(shape, kernel_size, stride, padding, ceil_mode, f"spatial_shape={echo(spatial_shape)}")
    return Windows(tuple(axis.explicit() for axis in _torch_geometry(shape, *args).axes))


def torch_divisors(
    spatial_shape: Sequence[int],
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    padding: int | Sequence[int] = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> np.ndarray:
    """What PyTorch's ``AvgPool`` divides each window's sum by.

    With ``count_include_pad=False``: the window's real cells (Keras' rule).
    With ``count_include_pad=True`` (PyTorch's default): the window clipped
    to the padded input ``[-padding, n + padding)``, so padded zeros count
    but the cells ceil mode reaches beyond the padding do not (ATen's
    ``cpu_avg_pool``: ``min(ih0 + kH, input_height + padH)``).

    Examples
    --------
    >>> torch_divisors((4, 4), 3, 2, padding=1)
    array([[9, 9],
           [9, 9]])
    >>> torch_divisors((4, 4), 3, 2, padding=1, count_include_pad=False)
    array([[4, 6],
           [6, 9]])

    Ceil mode on 4 cells hangs the last window one cell past the input; with
    no padding to count, the divisor is the real cells, as in Keras:

    >>> torch_divisors((4, 4), 3, 2, ceil_mode=True)
    array([[9, 6],
           [6, 4]])
    """
    shape = spatial_sizes(spatial_shape)
    args = _torch_args(shape, kernel_size, stride, padding, ceil_mode, f"spatial_shape={echo(spatial_shape)}")
    return _divisors(_torch_geometry(shape, *args), args[2], flag(count_include_pad, "count_include_pad"))


def _divisors(geometry: Windows, pads: tuple[int, ...], count_include_pad: bool) -> np.ndarray:
    if not count_include_pad:
        return geometry.counts()
    total = np.ones((), dtype=np.int64)
    for axis, p in zip(geometry.axes, pads):
        lo = np.clip(np.asarray(axis.starts), -p, axis.n + p)
        hi = np.clip(np.asarray(axis.stops), -p, axis.n + p)
        total = np.multiply.outer(total, hi - lo)
    return total


def _prepare(x, kernel_size, stride, padding, ceil_mode, data_format):
    # The door: every argument is checked here, once; what lies below trusts it.
    x = input_array(x)
    axes = spatial_axes(x.ndim, data_format_name(data_format))
    spatial = tuple(x.shape[a] for a in axes)
    args = _torch_args(spatial, kernel_size, stride, padding, ceil_mode, f"x with spatial shape {spatial}")
    return x, axes, _torch_geometry(spatial, *args), args[2]


def torch_max_pool(
    x: np.ndarray,
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    padding: int | Sequence[int] = 0,
    ceil_mode: bool = False,
    data_format: str = "channels_last",
) -> np.ndarray:
    """What ``torch.nn.MaxPool{1,2,3}d`` computes (no dilation), in NumPy.

    Padding cells are minus infinity in PyTorch: they never win, as in Keras.
    Unlike Keras, a NaN in a window wins and a window of only ``-inf`` stays
    ``-inf`` (PyTorch's CPU kernel; see the module docstring).

    Parameters
    ----------
    x : array_like
        ``(batch, *spatial, channels)``, or ``(batch, channels, *spatial)``
        (PyTorch's layout) with ``data_format="channels_first"``.
    kernel_size, stride, padding, ceil_mode
        As in PyTorch; ``stride`` defaults to ``kernel_size``.
    data_format : {'channels_last', 'channels_first'}

    Returns
    -------
    ndarray

    Examples
    --------
    >>> row = np.array([-1.0, -2.0, -3.0, -4.0]).reshape(1, 4, 1)
    >>> torch_max_pool(row, 3, 2, padding=1)[0, :, 0]
    array([-1., -2.])
    >>> torch_max_pool(np.array([np.nan, 1, -np.inf, -np.inf]).reshape(1, 4, 1), 2)[0, :, 0]
    array([ nan, -inf])
    """
    x, axes, geometry, _ = _prepare(x, kernel_size, stride, padding, ceil_mode, data_format)
    return windowed_max(x, axes, geometry, nan="propagate")


def torch_avg_pool(
    x: np.ndarray,
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    padding: int | Sequence[int] = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    data_format: str = "channels_last",
) -> np.ndarray:
    """What ``torch.nn.AvgPool{1,2,3}d`` computes (no ``divisor_override``), in NumPy.

    Parameters are those of :func:`torch_max_pool`, plus ``count_include_pad``
    (PyTorch's default True: see :func:`torch_divisors`).

    Examples
    --------
    The 4x4 map of the course, ``AvgPool2d(3, 2, padding=1)``: each window
    sum is divided by 9, padded zeros included.

    >>> fmap = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 6], [3, 5, 7, 2]], dtype=np.float32)
    >>> torch_avg_pool(fmap[None, :, :, None], 3, 2, padding=1)[0, :, :, 0] * 9
    array([[15., 28.],
           [25., 44.]], dtype=float32)
    """
    x, axes, geometry, pads = _prepare(x, kernel_size, stride, padding, ceil_mode, data_format)
    divisors = _divisors(geometry, pads, flag(count_include_pad, "count_include_pad"))
    return windowed_mean(x, axes, geometry, divisors)
