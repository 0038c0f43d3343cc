"""Output-size arithmetic for pooling, exactly as Keras computes it.

Along one axis of length ``n``, a window of size ``f`` moved by stride ``s``
fits ``floor((n - f) / s) + 1`` times with 'valid' padding. That equals
``ceil((n - f + 1) / s)``: the formula ``(n - f + 1) / s`` found in many
tutorials is right only when it is rounded *up*. With 'same' padding the
output has ``ceil(n / s)`` cells whatever the window size, and TensorFlow
pads the input just enough, putting the odd extra cell at the end.
"""

from __future__ import annotations

from collections.abc import Sequence

from poolutils._validation import (
    data_format_name,
    int_tuple,
    padding_mode,
    positive_int,
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
    n = positive_int(n, "n")
    pool_size = positive_int(pool_size, "pool_size")
    stride = pool_size if stride is None else positive_int(stride, "stride")
    if padding_mode(padding) == "same":
        return -(-n // stride)
    if pool_size > n:
        raise ValueError(
            "With padding='valid' the window must fit inside the input: pool_size <= n. "
            f"Received: n={n}, pool_size={pool_size}, stride={stride}. "
            "Use padding='same' or a smaller pool_size."
        )
    return (n - pool_size) // stride + 1


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
    n = positive_int(n, "n")
    pool_size = positive_int(pool_size, "pool_size")
    stride = positive_int(stride, "stride")
    out = -(-n // stride)
    total = max((out - 1) * stride + pool_size - n, 0)
    return total // 2, total - total // 2


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
        1, 2 or 3 spatial axes. The batch entry may be ``None``.
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
    shape = tuple(input_shape)
    if not 3 <= len(shape) <= 5:
        raise ValueError(
            "`input_shape` must have 3, 4 or 5 entries: (batch, *spatial, channels). "
            f"Received: input_shape={input_shape!r}."
        )
    data_format = data_format_name(data_format)
    rank = len(shape) - 2
    pools = int_tuple(pool_size, rank, "pool_size")
    steps = pools if strides is None else int_tuple(strides, rank, "strides")
    spatial = shape[1:-1] if data_format == "channels_last" else shape[2:]
    try:
        out = tuple(pool_output_size(n, f, s, padding) for n, f, s in zip(spatial, pools, steps))
    except ValueError as err:
        raise ValueError(
            f"{err} Received: input_shape={input_shape!r}, pool_size={pool_size!r}, "
            f"strides={strides!r}, padding={padding!r}."
        ) from None
    if data_format == "channels_last":
        return (shape[0], *out, shape[-1])
    return (shape[0], shape[1], *out)
