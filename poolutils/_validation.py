"""Argument checks shared by every public function.

Each check names the argument as the caller passed it, echoes what it
received and says what is allowed, in the style of Keras' own
``compute_pooling_output_shape`` messages, so that a learner who passes
``pool_size=0`` reads a sentence instead of a NumPy traceback.

Two limits keep every function quick, whatever it is given:

* ``MAX_SIZE``: sizes, strides and output sizes are TensorFlow's kernel
  attributes, int32 values; Keras refuses larger ones, and so does poolutils
  (window offsets of ``2**63`` would overflow NumPy's int64 silently).
* ``MAX_AXIS_CELLS``: a window geometry lists every window along each axis,
  so no axis may have more input or output cells than this. An array's
  own axes are far below it; only a size typed by hand reaches it.
* ``MAX_ARRAY_CELLS``: an array built from a shape typed by hand (the
  average pooling gradient's ``input_shape``) holds at most this many cells,
  1 GiB of float32.
"""

from __future__ import annotations

import reprlib
import sys
from collections.abc import Sequence
from numbers import Integral

import numpy as np

PADDINGS = ("valid", "same")
MODES = ("max", "avg")
DATA_FORMATS = ("channels_last", "channels_first")
MAX_SIZE = 2**31 - 1
MAX_AXIS_CELLS = 2**24
MAX_ARRAY_CELLS = 2**28


def as_int(value: object) -> int | None:
    """``value`` as an int if it is an integer (a 0-d integer array counts), else None."""
    # bool is an Integral in Python; a pool size of True is always a mistake.
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iu":
        return int(value)
    if isinstance(value, Integral) and not isinstance(value, bool):
        return int(value)
    return None


def echo(value: object, limit: int = 200) -> str:
    """``value`` as a message shows it: its repr, shortened to about ``limit`` characters when long.

    Examples
    --------
    >>> echo([[1, 2], [3]])
    '[[1, 2], [3]]'
    >>> echo(list(range(10**6)))
    '[0, 1, 2, 3, 4, 5, ...] (a list of 1,000,000 entries)'
    """
    if isinstance(value, np.ndarray):
        with np.printoptions(threshold=20, edgeitems=3):
            text = repr(value)
    else:
        short = reprlib.Repr()
        short.maxlevel, short.maxstring, short.maxother = 3, limit, limit
        text = short.repr(value)
    if isinstance(value, (list, tuple)) and len(value) > 6:
        text += f" (a {type(value).__name__} of {len(value):,} entries)"
    return text if len(text) <= limit + 40 else f"{text[:limit]}... ({len(text):,} characters)"


def _describe(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    return type(value).__name__


def positive_int(value: object, name: str, limit: int | None = MAX_SIZE) -> int:
    """Return ``value`` as an int, or raise if it is not an integer in ``1 .. limit`` (None: no limit)."""
    allowed = "a positive integer" if limit is None else f"a positive integer (at most {limit:,})"
    number = as_int(value)
    if number is None:
        raise TypeError(
            f"`{name}` must be {allowed}. Received: {name}={echo(value)} of type {_describe(value)}."
        )
    if number <= 0 or (limit is not None and number > limit):
        raise ValueError(f"`{name}` must be {allowed}. Received: {name}={echo(value)}.")
    return number


def entries(value: object, name: str, allowed: str) -> tuple[object, ...]:
    """The entries of a sequence argument (a tuple, list or 1-D array), or raise naming it."""
    if isinstance(value, (Sequence, np.ndarray)) and not isinstance(value, (str, bytes)):
        if isinstance(value, np.ndarray) and value.ndim != 1:
            raise TypeError(f"`{name}` must be {allowed}. Received: {name}={echo(value)}.")
        return tuple(value)
    raise TypeError(f"`{name}` must be {allowed}. Received: {name}={echo(value)} of type {_describe(value)}.")


def int_tuple(value: object, rank: int, name: str) -> tuple[int, ...]:
    """Normalise an int or a sequence of ``rank`` ints to a tuple of positive ints."""
    allowed = (
        f"a positive int or a tuple of {rank} positive ints (each at most {MAX_SIZE:,}) for {rank}-D pooling"
    )
    values = (value,) * rank if as_int(value) is not None else entries(value, name, allowed)
    if len(values) != rank:
        raise ValueError(
            f"`{name}` must be {allowed}; it has {len(values)} entries. Received: {name}={echo(value)}."
        )
    out = []
    for v in values:
        number = as_int(v)
        if number is None:
            raise TypeError(
                f"`{name}` must be {allowed}; {echo(v)} is a {_describe(v)}. Received: {name}={echo(value)}."
            )
        if not 0 < number <= MAX_SIZE:
            raise ValueError(
                f"`{name}` must be {allowed}; {echo(v)} is out of range. Received: {name}={echo(value)}."
            )
        out.append(number)
    return tuple(out)


def spatial_sizes(value: object, name: str = "spatial_shape") -> tuple[int, ...]:
    """A spatial shape: 1, 2 or 3 positive ints, each at most ``MAX_AXIS_CELLS``."""
    allowed = f"a tuple of 1, 2 or 3 positive ints (each at most {MAX_AXIS_CELLS:,}), e.g. (height, width)"
    shape = entries(value, name, allowed)
    if not 1 <= len(shape) <= 3:
        raise ValueError(
            f"`{name}` must be {allowed}; it has {len(shape)} entries. Received: {name}={echo(value)}."
        )
    out = []
    for n in shape:
        number = as_int(n)
        if number is None or not 0 < number <= MAX_AXIS_CELLS:
            error = TypeError if number is None else ValueError
            raise error(f"`{name}` must be {allowed}; {echo(n)} is not. Received: {name}={echo(value)}.")
        out.append(number)
    return tuple(out)


def layer_input_shape(value: object, name: str = "input_shape", allow_none: bool = False) -> tuple:
    """A layer input's shape: 3, 4 or 5 entries, ``(batch, *spatial, channels)`` or channels first.

    With ``allow_none``, any entry may be None (unknown), as in Keras' shapes;
    an unknown spatial size stays unknown in the output.
    """
    allowed = (
        "a tuple of 3, 4 or 5 positive ints, the shape of an input of rank 3, 4 or 5: "
        "(batch, *spatial, channels) for 1-D, 2-D or 3-D pooling"
    )
    if allow_none:
        allowed += " (None for an unknown size)"
    shape = entries(value, name, allowed)
    if not 3 <= len(shape) <= 5:
        raise ValueError(
            f"`{name}` must be {allowed}; it has {len(shape)} entries. Received: {name}={echo(value)}."
        )
    out: list[int | None] = []
    for n in shape:
        number = as_int(n)
        if n is None and allow_none:
            out.append(None)
            continue
        if number is None or number <= 0:
            error = TypeError if number is None else ValueError
            raise error(f"`{name}` must be {allowed}; {echo(n)} is not. Received: {name}={echo(value)}.")
        out.append(number)
    return tuple(out)


def padding_mode(padding: object) -> str:
    """Return 'valid' or 'same'; accepts any letter case, as Keras does."""
    if isinstance(padding, str) and padding.lower() in PADDINGS:
        return padding.lower()
    raise ValueError(
        f"`padding` must be 'valid' or 'same' (any letter case). Received: padding={echo(padding)}."
    )


def pool_args(
    spatial: Sequence[int | None],
    pool_size: object,
    strides: object,
    padding: object,
    received: str,
    stride_name: str = "strides",
) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """Normalise a pooling layer's arguments for an input of spatial shape ``spatial``.

    Returns ``(pool_size, strides, padding)`` as tuples of ints and 'valid' or
    'same'; strides default to the pool size, as in Keras. With 'valid', every
    window must fit inside the input: this is the one place that says so.
    ``received`` describes the input as the caller named it, e.g.
    ``"input_shape=(1, 4, 4, 1)"``; unknown (None) sizes are not checked.
    """
    rank = len(spatial)
    pools = int_tuple(pool_size, rank, "pool_size")
    steps = pools if strides is None else int_tuple(strides, rank, stride_name)
    padding = padding_mode(padding)
    if padding == "valid" and any(n is not None and f > n for n, f in zip(spatial, pools)):
        raise ValueError(
            "With padding='valid' every window must fit inside the input: pool_size <= n, the input's "
            f"length, on every spatial axis. Received: {received}, pool_size={echo(pool_size)}, "
            f"{stride_name}={echo(strides)}. Use padding='same' or a smaller pool_size."
        )
    return pools, steps, padding


def pool_mode(mode: object, allowed: tuple[str, ...] = MODES) -> str:
    """Return ``mode`` if it names a pooling the caller supports ('max', 'avg', ...)."""
    if isinstance(mode, str) and mode in allowed:
        return mode
    raise ValueError(f"`mode` must be one of {allowed}. Received: mode={echo(mode)}.")


def data_format_name(data_format: object) -> str:
    """Return the data format, or raise if it is not one Keras knows."""
    if isinstance(data_format, str) and data_format.lower() in DATA_FORMATS:
        return data_format.lower()
    raise ValueError(
        "`data_format` must be 'channels_last' (batch, *spatial, channels) or "
        f"'channels_first' (batch, channels, *spatial). Received: data_format={echo(data_format)}."
    )


def numeric_array(x: object, name: str) -> np.ndarray:
    """``x`` as a rectangular NumPy array of integers or floats in native byte order.

    A masked array with masked cells is refused: ``np.asarray`` would drop its
    mask silently, and the masked values would be pooled as if they were real.
    """
    # Only a program that imported numpy.ma can pass a masked array; importing it here would cost every call.
    ma = sys.modules.get("numpy.ma")
    if ma is not None and isinstance(x, ma.MaskedArray) and ma.is_masked(x):
        raise ValueError(
            f"`{name}` must not have masked cells: poolutils (like Keras) reads the values, not the mask. "
            f"Received: {name}={echo(x)}. Fill the masked cells first, e.g. {name}.filled(np.nan)."
        )
    try:
        arr = np.asarray(x)
    except ValueError:  # NumPy refuses ragged nested lists
        raise ValueError(
            f"`{name}` must be a rectangular array: every row the same length. "
            f"Received: {name} as a ragged {type(x).__name__}: {echo(x)}."
        ) from None
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"`{name}` must hold integers or floats. Received: {name} with dtype {arr.dtype}: {echo(x)}. "
            f"Convert it first, e.g. {name}.astype('float32')."
        )
    # Big-endian data (e.g. read from a file) is converted once; NumPy's reductions refuse it.
    return arr if arr.dtype.isnative else arr.astype(arr.dtype.newbyteorder("="))


def input_array(x: object, name: str = "x") -> np.ndarray:
    """Return ``x`` as a numeric array of rank 3, 4 or 5 with no empty axis."""
    arr = numeric_array(x, name)
    if not 3 <= arr.ndim <= 5:
        raise ValueError(
            f"`{name}` must have rank 3, 4 or 5: (batch, *spatial, channels) for 1-D, 2-D or "
            f"3-D pooling. Received: {name} with shape {arr.shape} (rank {arr.ndim}). "
            f"A single 2-D map of shape (H, W) becomes {name}[None, :, :, None]."
        )
    if arr.size == 0:
        raise ValueError(f"`{name}` must not be empty. Received: {name} with shape {arr.shape}.")
    return arr


def spatial_axes(ndim: int, data_format: str) -> tuple[int, ...]:
    """Axes of the spatial dimensions for an array of rank ``ndim``."""
    return tuple(range(1, ndim - 1)) if data_format == "channels_last" else tuple(range(2, ndim))


def with_spatial(shape: Sequence, axes: Sequence[int], sizes: Sequence) -> tuple:
    """``shape`` with its spatial ``axes`` replaced by ``sizes``: a pooled output's shape."""
    out = list(shape)
    for axis, n in zip(axes, sizes):
        out[axis] = n
    return tuple(out)


def int_in_range(value: object, name: str, low: int, high: int, allowed: str | None = None) -> int:
    """Return ``value`` as an int, or raise if it is not an integer from ``low`` to ``high``.

    Examples
    --------
    >>> int_in_range(np.array(3), "rows", -5, 5)
    3
    >>> int_in_range(9, "rows", -5, 5)
    Traceback (most recent call last):
    ...
    ValueError: `rows` must be an integer from -5 to 5. Received: rows=9.
    """
    allowed = allowed or f"an integer from {low:,} to {high:,}"
    number = as_int(value)
    if number is None:
        raise TypeError(
            f"`{name}` must be {allowed}. Received: {name}={echo(value)} of type {_describe(value)}."
        )
    if not low <= number <= high:
        raise ValueError(f"`{name}` must be {allowed}. Received: {name}={echo(value)}.")
    return number


def real_number(value: object, name: str, low: float = -np.inf, positive: bool = False) -> float:
    """Return ``value`` as a finite float ``>= low`` (``> low`` with ``positive``), or raise naming it.

    Examples
    --------
    >>> real_number(np.float32(0.5), "noise", 0.0)
    0.5
    >>> real_number("1", "noise", 0.0)
    Traceback (most recent call last):
    ...
    TypeError: `noise` must be a finite number >= 0.0. Received: noise='1' of type str.
    """
    allowed = f"a finite number {'>' if positive else '>='} {low}" if low > -np.inf else "a finite number"
    is_real = isinstance(value, (int, float, np.integer, np.floating)) or (
        isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf"
    )
    if not is_real or isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"`{name}` must be {allowed}. Received: {name}={echo(value)} of type {_describe(value)}."
        )
    number = float(value)
    if not np.isfinite(number) or number < low or (positive and number == low):
        raise ValueError(f"`{name}` must be {allowed}. Received: {name}={echo(value)}.")
    return number


def flag(value: object, name: str) -> bool:
    """Return ``value`` as a bool if it is True or False (NumPy's too), else raise naming it.

    Examples
    --------
    >>> flag(np.True_, "ceil_mode")
    True
    >>> flag(1, "ceil_mode")
    Traceback (most recent call last):
    ...
    TypeError: `ceil_mode` must be True or False. Received: ceil_mode=1.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be True or False. Received: {name}={echo(value)}.")
    return bool(value)


def array_of_rank(x: object, name: str, ranks: Sequence[int], layout: str) -> np.ndarray:
    """``x`` as a non-empty numeric array (:func:`numeric_array`) whose rank is one of ``ranks``.

    ``layout`` says what the axes mean, e.g. ``"(height, width)"``.

    Examples
    --------
    >>> array_of_rank([[1, 2], [3, 4]], "image", (2,), "(height, width)").shape
    (2, 2)
    >>> array_of_rank(np.ones(3), "image", (2,), "(height, width)")
    Traceback (most recent call last):
    ...
    ValueError: `image` must be a non-empty array of rank 2, (height, width). Received: image with shape (3,).
    """
    arr = numeric_array(x, name)
    if arr.ndim not in ranks or arr.size == 0:
        rank = " or ".join(str(r) for r in ranks)
        raise ValueError(
            f"`{name}` must be a non-empty array of rank {rank}, {layout}. Received: {name} with shape {arr.shape}."
        )
    return arr
