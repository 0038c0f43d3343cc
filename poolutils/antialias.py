"""Anti-aliased max pooling ("blur pooling"), after Zhang (ICML 2019).

R. Zhang, "Making Convolutional Networks Shift-Invariant Again", ICML 2019,
splits a ``k x k`` max pooling with stride ``s`` into the two things it does:

1. take the maximum over each window *densely*, with stride 1 (this part is
   shift-equivariant: moving the input moves the output, nothing else);
2. subsample by ``s``, which is where a small shift of the input changes the
   output (aliasing).

Blur pooling puts a fixed low-pass filter between the two: max with stride 1,
then a binomial blur evaluated only every ``s`` cells. In Keras it is two
layers, ``MaxPooling2D(k, strides=1)`` and a ``DepthwiseConv2D`` whose kernel
is the fixed binomial filter, with ``strides=s`` and no bias.

Padding convention: one ``padding`` for both stages, as the two Keras layers
take it. With 'same', the max stage pads as ``MaxPooling2D`` does (padding
never wins) and the blur stage pads with zeros, as ``DepthwiseConv2D`` does;
TensorFlow puts an odd padding cell after the data in both. Zhang's reference
code pads the blur by reflection instead; zero padding is what the Keras
layers give, so borders come out a little darker here than there. With
'valid', neither stage pads.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import comb

import numpy as np

from poolutils._validation import as_int, echo, input_array, pool_args, positive_int
from poolutils.reduction import as_float, windowed_max
from poolutils.shapes import _same_padding
from poolutils.windows import strided_windows

# The binomial row of length n sums to 2**(n - 1), which float64 holds up to n = 1024;
# a blur that long is already far wider than any map the course pools.
MAX_BLUR_SIZE = 1024


def binomial_kernel(size: int, name: str = "size") -> np.ndarray:
    """The normalised binomial low-pass filter of length ``size`` (a row of Pascal's triangle).

    ``size`` is at most :data:`MAX_BLUR_SIZE`; ``name`` is how an error calls it.

    Examples
    --------
    >>> binomial_kernel(3)
    array([0.25, 0.5 , 0.25])
    >>> binomial_kernel(4) * 8
    array([1., 3., 3., 1.])
    """
    return _binomial(positive_int(size, name, MAX_BLUR_SIZE))


def _binomial(size: int) -> np.ndarray:
    row = np.array([comb(size - 1, k) for k in range(size)], dtype=np.float64)
    return row / row.sum()


def _blur_axis(x: np.ndarray, axis: int, kernel: np.ndarray, stride: int, padding: str) -> np.ndarray:
    """Correlate one axis with ``kernel`` at every ``stride``-th position, zero-padding like TF's convolution."""
    n, k = x.shape[axis], kernel.size
    if padding == "same":
        widths = [(0, 0)] * x.ndim
        widths[axis] = _same_padding(n, k, stride)
        x = np.pad(x, widths)
    out = (x.shape[axis] - k) // stride + 1
    index = [slice(None)] * x.ndim
    total = np.zeros_like(np.take(x, np.arange(out) * stride, axis=axis))
    for j, weight in enumerate(kernel):
        index[axis] = slice(j, j + stride * (out - 1) + 1, stride)
        total += x.dtype.type(weight) * x[tuple(index)]
    return total


def blur_pool(
    x: np.ndarray,
    pool_size: int | Sequence[int] = 2,
    strides: int | Sequence[int] = 2,
    padding: str = "same",
    blur_size: int = 3,
) -> np.ndarray:
    """Anti-aliased max pooling: max with stride 1, a fixed binomial blur, then subsampling.

    Parameters
    ----------
    x : array_like
        Shape ``(batch, length, channels)`` or ``(batch, height, width,
        channels)``: 1-D or 2-D maps, channels last.
    pool_size : int or sequence of int
        Window of the max stage, which always moves with stride 1.
    strides : int or sequence of int
        Subsampling factor, applied by the blur stage. With ``strides=1``
        nothing is subsampled: max and blur only.
    padding : {'valid', 'same'}, case-insensitive
        Used by both stages (see the module docstring). With 'same' the output
        has ``ceil(n / strides)`` cells per axis, as ``MaxPooling2D(pool_size,
        strides, padding='same')`` has.
    blur_size : int
        Length of the binomial filter; the 2-D filter is the outer product of
        :func:`binomial_kernel` with itself (3 gives ``[1, 2, 1]`` x ``[1, 2, 1]`` / 16).
        ``blur_size=1`` is no blur: plain max pooling with stride 1, subsampled.

    Returns
    -------
    ndarray
        Floats: float inputs keep their dtype, integer inputs give float32.
        Exactly (up to rounding) what ``MaxPooling2D(pool_size, strides=1,
        padding=padding)`` followed by ``DepthwiseConv2D(blur_size,
        strides=strides, padding=padding, use_bias=False)`` with the binomial
        kernel gives (``...1D`` layers for 1-D maps).

    Examples
    --------
    A bright cell that moves one step right makes 2x2 max pooling with
    stride 2 jump by a whole output cell; blur pooling moves a quarter of it:

    >>> from poolutils import max_pool
    >>> x = np.zeros((2, 8, 1), dtype=np.float32)
    >>> x[0, 3], x[1, 4] = 1, 1
    >>> max_pool(x, 2)[:, :, 0]
    array([[0., 1., 0., 0.],
           [0., 0., 1., 0.]], dtype=float32)
    >>> blur_pool(x)[:, :, 0]
    array([[0.25, 0.75, 0.  , 0.  ],
           [0.  , 0.75, 0.25, 0.  ]], dtype=float32)
    """
    x = input_array(x)
    rank = x.ndim - 2
    if rank not in (1, 2):
        raise ValueError(
            "`x` must be a batch of 1-D or 2-D maps, channels last: (batch, length, channels) "
            f"or (batch, height, width, channels). Received: x with shape {x.shape}."
        )
    spatial = x.shape[1:-1]
    pools, steps, padding = pool_args(spatial, pool_size, strides, padding, f"x with spatial shape {spatial}")
    blur_size = positive_int(blur_size, "blur_size", MAX_BLUR_SIZE)
    if padding == "valid":
        for n, f in zip(spatial, pools):
            if n - f + 1 < blur_size:
                raise ValueError(
                    "With padding='valid' the max windows and then the blur must fit inside the input: "
                    f"n - pool_size + 1 >= blur_size on every axis. Received: input spatial shape {spatial}, "
                    f"pool_size={echo(pool_size)}, blur_size={blur_size}. Use padding='same' or smaller sizes."
                )
    axes = tuple(range(1, rank + 1))
    dense = as_float(windowed_max(x, axes, strided_windows(spatial, pools, (1,) * rank, padding)))
    kernel = _binomial(blur_size)
    for axis, s in zip(range(1, rank + 1), steps):
        dense = _blur_axis(dense, axis, kernel, s, padding)
    return dense


def blur_pool_layers(
    pool_size: int = 2,
    strides: int = 2,
    padding: str = "same",
    blur_size: int = 3,
    rank: int = 2,
    name: str = "blur",
) -> list:
    """The two Keras layers that compute :func:`blur_pool`, for use inside a model.

    ``MaxPooling{rank}D(pool_size, strides=1)`` and a ``DepthwiseConv{rank}D``
    with the fixed binomial kernel, ``strides`` and no bias. The blur is frozen
    (``trainable=False``): it is part of the architecture, not something learned.

    Examples
    --------
    >>> [type(layer).__name__ for layer in blur_pool_layers()]
    ['MaxPooling2D', 'DepthwiseConv2D']
    """
    from poolutils.keras_check import keras

    if as_int(rank) not in (1, 2):
        raise ValueError(
            f"`rank` must be 1 or 2 (Keras has no DepthwiseConv3D). Received: rank={echo(rank)}."
        )
    rank = as_int(rank)
    # The input's size is not known yet (None), so no window is checked against it.
    pool_size, strides, padding = pool_args((None,) * rank, pool_size, strides, padding, "")
    row = binomial_kernel(blur_size, "blur_size")
    blur_size = row.size
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a string, a prefix of the layer names. Received: name={echo(name)}.")
    filt = row if rank == 1 else np.outer(row, row)
    layers = keras().layers

    def fixed_blur(shape, dtype=None):
        # shape is (*kernel, channels, 1): the same filter for every channel.
        kernel = np.broadcast_to(filt.reshape((*filt.shape, 1, 1)), shape)
        return keras().ops.convert_to_tensor(kernel, dtype=dtype)

    pool = getattr(layers, f"MaxPooling{rank}D")(pool_size, strides=1, padding=padding, name=f"{name}_max")
    blur = getattr(layers, f"DepthwiseConv{rank}D")(
        blur_size,
        strides=strides,
        padding=padding,
        use_bias=False,
        depthwise_initializer=fixed_blur,
        trainable=False,
        name=f"{name}_blur",
    )
    return [pool, blur]
