"""Output-size arithmetic for pooling, exactly as Keras computes it.

Along one axis of length ``n``, a window of size ``f`` moved by stride ``s``
fits ``floor((n - f) / s) + 1`` times with 'valid' padding. That equals
``ceil((n - f + 1) / s)``: the formula ``(n - f + 1) / s`` found in many
tutorials is right only when it is rounded *up*. With 'same' padding the
output has ``ceil(n / s)`` cells whatever the window size, and TensorFlow
pads the input just enough, putting the odd extra cell at the end; when the
stride exceeds the window, no padding is needed and the total is 0
(:func:`same_padding_total`).

These functions only compute: like Keras' ``compute_output_shape`` they
accept input lengths of any size; pool sizes and strides go up to
``2**31 - 1``, TensorFlow's limit.
"""

from __future__ import annotations

from collections.abc import Sequence

from poolutils._validation import (
    data_format_name,
    echo,
    flag,
    layer_input_shape,
    pool_args,
    positive_int,
    spatial_axes,
    with_spatial,
)


def pool_output_size(n: int, pool_size: int, stride: int | None = None, padding: str = "valid") -> int:
    """Number of output cells along one axis.

    Parameters
    ----------
    n : int
        Input length along the axis.
    pool_size : int
        Window length ``f``.
    stride : int, optional
        Step ``s`` between windows. Defaults to ``pool_size``, as in Keras.
    padding : {'valid', 'same'}
        'valid' keeps only windows that fit inside the input; 'same' pads so
        that every input cell is covered and the output has ``ceil(n / s)`` cells.

    Returns
    -------
    int
        ``floor((n - f) / s) + 1`` for 'valid', ``ceil(n / s)`` for 'same'.

    Raises
    ------
    ValueError
        If the window does not fit even once with 'valid' padding (``f > n``),
        where Keras refuses too.

    Examples
    --------
    The seed article's 4x4 map with a 2x2 window and stride 2:

    >>> pool_output_size(4, 2, 2)
    2

    A 6-cell axis with f=2, s=2: the article's ``(n - f + 1) / s`` gives 2.5;
    rounded up it gives the right answer.

    >>> pool_output_size(6, 2, 2), (6 - 2 + 1) / 2
    (3, 2.5)
    >>> pool_output_size(5, 3, 2, padding="same")
    3
    """
    n = positive_int(n, "n", limit=None)
    (f,), (s,), padding = pool_args((n,), pool_size, stride, padding, f"n={n}", stride_name="stride")
    return _output_size(n, f, s, padding)


def _output_size(n: int, f: int, s: int, padding: str) -> int:
    return -(-n // s) if padding == "same" else (n - f) // s + 1


def same_padding(n: int, pool_size: int, stride: int) -> tuple[int, int]:
    """Cells TensorFlow adds before and after an axis for 'same' padding.

    The total is whatever makes the last window end at or past the last cell;
    when it is odd, the extra cell goes *after* (bottom or right). PyTorch and
    some textbooks put it before, which shifts every window by one.

    Parameters
    ----------
    n : int
        Input length along the axis.
    pool_size : int
        Window length.
    stride : int
        Step between windows.

    Returns
    -------
    (before, after) : tuple of int

    Examples
    --------
    >>> same_padding(4, 3, 1)
    (1, 1)
    >>> same_padding(5, 2, 2)  # one extra cell, at the end
    (0, 1)
    >>> same_padding(4, 2, 2)  # the windows already tile the axis
    (0, 0)
    """
    n = positive_int(n, "n", limit=None)
    return _same_padding(n, positive_int(pool_size, "pool_size"), positive_int(stride, "stride"))


def _same_padding(n: int, f: int, s: int) -> tuple[int, int]:
    total = _same_total(n, f, s, clamp=True)
    return total // 2, total - total // 2


def same_padding_total(n: int, pool_size: int, stride: int, clamp: bool = True) -> int:
    """Padding cells 'same' adds to an axis in all: the one place this is computed.

    The ``ceil(n / s)`` windows span ``(out - 1) * s + f`` cells; the total is
    what they reach past ``n``. When the stride exceeds the window, the span
    can fall short of ``n`` and this difference is negative. TensorFlow's
    default kernels (and its 1-D and 2-D kernels in every configuration)
    clamp it at 0, so the first window starts at cell 0; ``clamp=False``
    returns it unclamped, as TensorFlow's Eigen 3-D kernels (oneDNN off) use
    it: they shift the windows forward by half of it (see ``tests/test_tf_quirks.py``).

    Examples
    --------
    >>> same_padding_total(5, 3, 2)
    2
    >>> same_padding_total(3, 1, 3), same_padding_total(3, 1, 3, clamp=False)
    (0, -2)
    """
    n = positive_int(n, "n", limit=None)
    f = positive_int(pool_size, "pool_size")
    s = positive_int(stride, "stride")
    return _same_total(n, f, s, flag(clamp, "clamp"))


def _same_total(n: int, f: int, s: int, clamp: bool) -> int:
    total = (-(-n // s) - 1) * s + f - n
    return max(total, 0) if clamp else total


def pool_output_shape(
    input_shape: Sequence[int],
    pool_size: int | Sequence[int],
    strides: int | Sequence[int] | None = None,
    padding: str = "valid",
    data_format: str = "channels_last",
) -> tuple[int, ...]:
    """Shape of a pooling layer's output, equal to Keras' ``compute_output_shape``.

    Parameters
    ----------
    input_shape : sequence of int
        ``(batch, *spatial, channels)`` or ``(batch, channels, *spatial)``, with
        1, 2 or 3 spatial axes. Any entry may be ``None`` (unknown),
        as in Keras; an unknown spatial size gives an unknown output size.
    pool_size, strides : int or sequence of int
        One value for all spatial axes or one per axis; strides default to
        ``pool_size``.
    padding : {'valid', 'same'}
    data_format : {'channels_last', 'channels_first'}

    Returns
    -------
    tuple
        Batch and channels unchanged, each spatial axis from
        :func:`pool_output_size`.

    Examples
    --------
    >>> pool_output_shape((1, 4, 4, 1), 2)
    (1, 2, 2, 1)
    >>> pool_output_shape((32, 3, 7, 9), (2, 3), strides=(2, 2), padding="same",
    ...                   data_format="channels_first")
    (32, 3, 4, 5)
    """
    shape = layer_input_shape(input_shape, allow_none=True)
    axes = spatial_axes(len(shape), data_format_name(data_format))
    spatial = [shape[a] for a in axes]
    pools, steps, padding = pool_args(
        spatial, pool_size, strides, padding, f"input_shape={echo(input_shape)}"
    )
    out = [None if n is None else _output_size(n, f, s, padding) for n, f, s in zip(spatial, pools, steps)]
    return with_spatial(shape, axes, out)
