"""Argument checks shared by every public function.

Each check echoes what it received and says what is allowed, in the style of
Keras' own ``compute_pooling_output_shape`` messages, so that a learner who
passes ``pool_size=0`` reads a sentence instead of a NumPy traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral

import numpy as np

PADDINGS = ("valid", "same")
MODES = ("max", "avg")
DATA_FORMATS = ("channels_last", "channels_first")


def _is_int(value: object) -> bool:
    # bool is an Integral in Python; a pool size of True is always a mistake.
    return isinstance(value, Integral) and not isinstance(value, bool)


def positive_int(value: object, name: str) -> int:
    """Return ``value`` as an int, or raise if it is not a positive integer."""
    if not _is_int(value):
        raise TypeError(
            f"`{name}` must be a positive integer. Received: {name}={value!r} of type {type(value).__name__}."
        )
    if value <= 0:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}.")
    return int(value)


def int_tuple(value: object, rank: int, name: str) -> tuple[int, ...]:
    """Normalise an int or a sequence of ``rank`` ints to a tuple of positive ints."""
    allowed = f"a positive int or a tuple of {rank} positive ints for {rank}-D pooling"
    if _is_int(value):
        values: tuple[object, ...] = (value,) * rank
    elif isinstance(value, (Sequence, np.ndarray)) and not isinstance(value, str):
        values = tuple(value)
        if len(values) != rank:
            raise ValueError(
                f"`{name}` must be {allowed}; it has {len(values)} entries. Received: {name}={value!r}."
            )
    else:
        raise TypeError(
            f"`{name}` must be {allowed}. Received: {name}={value!r} of type {type(value).__name__}."
        )
    for v in values:
        if not _is_int(v):
            raise TypeError(
                f"`{name}` must be {allowed}; {v!r} is a {type(v).__name__}. Received: {name}={value!r}."
            )
        if v <= 0:
            raise ValueError(
                f"`{name}` must be {allowed}; {v!r} is not positive. Received: {name}={value!r}."
            )
    return tuple(int(v) for v in values)


def padding_mode(padding: object) -> str:
    """Return 'valid' or 'same'; accepts any letter case, as Keras does."""
    if isinstance(padding, str) and padding.lower() in PADDINGS:
        return padding.lower()
    raise ValueError(f"`padding` must be 'valid' or 'same' (any letter case). Received: padding={padding!r}.")


def pool_mode(mode: object, allowed: tuple[str, ...] = MODES) -> str:
    """Return ``mode`` if it names a pooling the caller supports ('max', 'avg', ...)."""
    if isinstance(mode, str) and mode in allowed:
        return mode
    raise ValueError(f"`mode` must be one of {allowed}. Received: mode={mode!r}.")


def data_format_name(data_format: object) -> str:
    """Return the data format, or raise if it is not one Keras knows."""
    if isinstance(data_format, str) and data_format.lower() in DATA_FORMATS:
        return data_format.lower()
    raise ValueError(
        "`data_format` must be 'channels_last' (batch, *spatial, channels) or "
        f"'channels_first' (batch, channels, *spatial). Received: data_format={data_format!r}."
    )


def input_array(x: object, name: str = "x") -> np.ndarray:
    """Return ``x`` as a numeric array of rank 3, 4 or 5 with no empty axis."""
    arr = np.asarray(x)
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"`{name}` must hold integers or floats. Received: {name} with dtype {arr.dtype}. "
            "Convert it first, e.g. x.astype('float32')."
        )
    if not 3 <= arr.ndim <= 5:
        raise ValueError(
            f"`{name}` must have rank 3, 4 or 5: (batch, *spatial, channels) for 1-D, 2-D or "
            f"3-D pooling. Received: {name} with shape {arr.shape} (rank {arr.ndim}). "
            "A single 2-D map of shape (H, W) becomes x[None, :, :, None]."
        )
    if arr.size == 0:
        raise ValueError(f"`{name}` must not be empty. Received: {name} with shape {arr.shape}.")
    return arr


def spatial_axes(ndim: int, data_format: str) -> tuple[int, ...]:
    """Axes of the spatial dimensions for an array of rank ``ndim``."""
    return tuple(range(1, ndim - 1)) if data_format == "channels_last" else tuple(range(2, ndim))
