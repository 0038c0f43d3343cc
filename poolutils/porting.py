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
* Max pooling pads with minus infinity: padding never wins.
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
    entries,
    flag,
    input_array,
    int_tuple,
    positive_int,
    spatial_axes,
    spatial_sizes,
)
from poolutils.reduction import windowed_max, windowed_mean
from poolutils.windows import AxisWindows, Windows


def _paddings(padding: object, rank: int) -> tuple[int, ...]:
    allowed = f"a non-negative int or a tuple of {rank} non-negative ints"
    values = (padding,) * rank if as_int(padding) is not None else entries(padding, "padding", allowed)
    if len(values) != rank:
        raise ValueError(f"`padding` must be {allowed}. Received: padding={padding!r}.")
    numbers = [as_int(p) for p in values]
    if any(p is None for p in numbers):
        raise TypeError(f"`padding` must be {allowed}. Received: padding={padding!r}.")
    if any(p < 0 for p in numbers):
        raise ValueError(f"`padding` must be {allowed}. Received: padding={padding!r}.")
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
    kernel_size = positive_int(kernel_size, "kernel_size")
    stride = kernel_size if stride is None else positive_int(stride, "stride")
    (padding,) = _paddings(padding, 1)
    ceil_mode = flag(ceil_mode, "ceil_mode")
    if padding > kernel_size // 2:
        raise ValueError(
            "`padding` must be at most half the kernel size (PyTorch refuses more too). "
            f"Received: padding={padding}, kernel_size={kernel_size}."
        )
    span = n + 2 * padding - kernel_size
    if span < 0:
        raise ValueError(
            "The kernel must fit inside the padded input: kernel_size <= n + 2 * padding. "
            f"Received: n={n}, kernel_size={kernel_size}, padding={padding}."
        )
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= n + padding:
        out -= 1  # that window would start in the right padding: PyTorch drops it
    # Ceil mode may need cells beyond the symmetric padding for its last window.
    return padding, max(padding, (out - 1) * stride + kernel_size - n - padding)


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
    before, after = torch_padding(n, kernel_size, stride, padding, ceil_mode)
    stride = kernel_size if stride is None else stride
    return (n + before + after - kernel_size) // stride + 1


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
    rank = len(shape)
    kernels = int_tuple(kernel_size, rank, "kernel_size")
    steps = kernels if stride is None else int_tuple(stride, rank, "stride")
    pads = _paddings(padding, rank)
    axes = []
    for n, k, s, p in zip(shape, kernels, steps, pads):
        before, after = torch_padding(n, k, s, p, ceil_mode)
        starts = tuple(range(-before, n + after - k + 1, s))
        axes.append(AxisWindows(n, starts, tuple(start + k for start in starts), s))
    return Windows(tuple(axes))


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
    geometry = torch_windows(spatial_shape, kernel_size, stride, padding, ceil_mode)
    if not flag(count_include_pad, "count_include_pad"):
        return geometry.counts()
    pads = _paddings(padding, len(geometry.axes))
    total = np.ones((), dtype=np.int64)
    for axis, p in zip(geometry.axes, pads):
        lo = np.clip(axis.starts, -p, axis.n + p)
        hi = np.clip(axis.stops, -p, axis.n + p)
        total = np.multiply.outer(total, hi - lo)
    return total


def _prepare(x, kernel_size, stride, padding, ceil_mode, data_format):
    x = input_array(x)
    axes = spatial_axes(x.ndim, data_format_name(data_format))
    spatial = tuple(x.shape[a] for a in axes)
    return x, axes, spatial, torch_windows(spatial, kernel_size, stride, padding, ceil_mode)


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
    """
    x, axes, _, geometry = _prepare(x, kernel_size, stride, padding, ceil_mode, data_format)
    return windowed_max(x, axes, geometry)


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
    x, axes, spatial, geometry = _prepare(x, kernel_size, stride, padding, ceil_mode, data_format)
    divisors = torch_divisors(spatial, kernel_size, stride, padding, ceil_mode, count_include_pad)
    return windowed_mean(x, axes, geometry, divisors)
