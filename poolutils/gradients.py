"""Backward passes of max and average pooling: where the upstream gradient goes.

A pooling layer has no weights, so its backward pass only *routes*: each
output cell hands its upstream gradient ``dy`` back to the input cells of its
window. Max pooling gives it to the winner; average pooling spreads it evenly
over the window's real cells. Where windows overlap (stride < pool size) an
input cell collects gradient from every window it belongs to, so the
contributions are added, never overwritten. Padded cells do not exist in the
input, so whatever would reach them is dropped.

Both functions loop over the offsets inside a window (at most
``prod(pool_size)`` steps), never over output cells: for each offset one
strided view of the gradient receives one array operation, as in
:mod:`poolutils.pooling`, with the same geometry from :mod:`poolutils.windows`.

Ties in max pooling
-------------------
The derivative of ``max`` is undefined where two inputs tie, so each
framework picks a rule:

* ``"first"``: TensorFlow's 1-D and 2-D kernels. The whole gradient goes to
  the first maximum in row-major order within the window.
* ``"all"``: TensorFlow's 3-D kernel. Every tied maximum receives the whole
  gradient, so the gradient sum grows with the number of ties.
* ``"split"``: each tied maximum receives an equal share. This is the
  average of the subgradients, the symmetric choice; the total is
  conserved. TensorFlow itself makes it for ``tf.reduce_max``, so Keras'
  ``GlobalMaxPooling`` layers split ties while ``MaxPooling`` layers do not.

The default, ``ties=None``, is what TensorFlow does for the input's rank.

NaN and infinities
------------------
With ``"first"`` the winner is found as TensorFlow's 1-D/2-D kernel finds
it: start at the window's first real cell and move on only to a strictly
larger value. A NaN in the first cell therefore keeps the gradient (nothing
compares larger), while a NaN later in the window never receives any, and a
window of only ``-inf`` routes to its first cell. With ``"all"`` and
``"split"`` the maximum ignores NaN, as the forward pass does, and a window
of only NaN routes nothing, as TensorFlow's default 3-D kernel does. Average
pooling's backward pass never looks at the input, so NaN inputs change
nothing.

With oneDNN off, TensorFlow's Eigen 3-D kernels differ: with 'same' padding
and stride > pool size their forward pass shifts the windows but their
gradient does not, so that gradient is not the gradient of its own forward
pass, and their max handles NaN in its own way. These functions follow the
default kernels, which are consistent (``tests/test_tf_quirks.py`` pins the
Eigen behaviour).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from numbers import Real

import numpy as np

from poolutils._validation import (
    MAX_ARRAY_CELLS,
    echo,
    input_array,
    layer_input_shape,
    numeric_array,
    real_number,
    with_spatial,
)
from poolutils.reduction import as_float
from poolutils.windows import Windows, layer_geometry

TIES = ("first", "all", "split")


def _offset_indices(ndim: int, axes: tuple[int, ...], geometry: Windows) -> Iterator[tuple[tuple, tuple]]:
    """Full-rank ``(out_index, in_index)`` pairs, one per offset, row-major within a window."""
    per_axis = [list(a.offsets()) for a in geometry.axes]
    for combo in itertools.product(*per_axis):
        out_index, in_index = [slice(None)] * ndim, [slice(None)] * ndim
        for axis, (o, i) in zip(axes, combo):
            out_index[axis], in_index[axis] = o, i
        yield tuple(out_index), tuple(in_index)


def _upstream(dy: object, expected: tuple[int, ...]) -> np.ndarray:
    dy = numeric_array(dy, "dy")
    if dy.shape != expected:
        raise ValueError(
            f"`dy` must have the shape of the pooled output, {expected}. Received: dy with shape {dy.shape}."
        )
    return as_float(dy)


def _tie_rule(ties: object, rank: int) -> str:
    if ties is None:
        return "all" if rank == 3 else "first"
    if ties not in TIES:
        raise ValueError(f"`ties` must be None, 'first', 'all' or 'split'. Received: ties={echo(ties)}.")
    return ties


def _first_winner(x: np.ndarray, pairs: list, out_shape: tuple[int, ...]) -> np.ndarray:
    """Offset number of each window's winner under TensorFlow's scan."""
    best = np.empty(out_shape, dtype=x.dtype)
    winner = np.full(out_shape, -1, dtype=np.int64)
    for k, (out_index, in_index) in enumerate(pairs):
        cand, cur, win = x[in_index], best[out_index], winner[out_index]
        # The first real cell always starts the scan; later cells must be strictly larger.
        take = (win < 0) | (cand > cur)
        np.copyto(cur, cand, where=take)
        np.copyto(win, k, where=take)
    return winner


def _tied_maxima(x: np.ndarray, pairs: list, out_shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Each window's maximum as the forward pass computes it, and how many cells equal it.

    The forward pass ignores NaN and starts at the lowest finite value, so a
    window of only NaN or only ``-inf`` has that value for its maximum, which
    no cell holds: it routes nothing, as TensorFlow's default 3-D kernel does.
    """
    lowest = np.finfo(x.dtype).min if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    best = np.full(out_shape, lowest, dtype=x.dtype)
    for out_index, in_index in pairs:
        np.fmax(best[out_index], x[in_index], out=best[out_index])
    count = np.zeros(out_shape, dtype=np.int64)
    for out_index, in_index in pairs:
        count[out_index] += x[in_index] == best[out_index]
    return best, count


def max_pool_backward(
    dy: np.ndarray,
    x: np.ndarray,
    pool_size: int | Sequence[int],
    strides: int | Sequence[int] | None = None,
    padding: str = "valid",
    data_format: str = "channels_last",
    ties: str | None = None,
) -> np.ndarray:
    """Gradient of :func:`poolutils.max_pool` with respect to its input.

    Parameters
    ----------
    dy : array_like
        Upstream gradient, shaped like ``max_pool(x, ...)``.
    x : array_like
        The forward pass's input, rank 3, 4 or 5.
    pool_size, strides, padding, data_format
        As in :func:`poolutils.max_pool`.
    ties : {None, 'first', 'all', 'split'}
        Who receives the gradient when several cells hold the maximum (see
        the module docstring). None does what TensorFlow does: 'first' for
        1-D and 2-D pooling, 'all' for 3-D.

    Returns
    -------
    ndarray
        Shaped like ``x``, float (dtype of ``dy``, float32 for integer ``dy``).
        Each input cell holds the sum of the gradient it won in every window
        it belongs to; padded cells are not part of it.

    Examples
    --------
    The seed article's map: each 2x2 window's gradient lands on its maximum.

    >>> fmap = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 6], [3, 5, 7, 2]], dtype=np.float32)
    >>> dy = np.array([[10, 20], [30, 40]], dtype=np.float32)
    >>> max_pool_backward(dy[None, :, :, None], fmap[None, :, :, None], 2)[0, :, :, 0]
    array([[ 0.,  0.,  0., 20.],
           [ 0., 10.,  0.,  0.],
           [ 0.,  0., 40.,  0.],
           [ 0., 30.,  0.,  0.]], dtype=float32)

    Overlapping windows (3 cells, stride 1) add up on a shared maximum, and
    ties go to the first maximum unless asked otherwise:

    >>> x = np.array([1.0, 5.0, 5.0, 2.0])[None, :, None]
    >>> max_pool_backward(np.ones((1, 2, 1)), x, 3, strides=1)[0, :, 0]
    array([0., 2., 0., 0.])
    >>> max_pool_backward(np.ones((1, 2, 1)), x, 3, strides=1, ties="split")[0, :, 0]
    array([0., 1., 1., 0.])
    """
    x = input_array(x)
    axes, geometry = layer_geometry(x.shape, data_format, pool_size, strides, padding, "x")
    rule = _tie_rule(ties, len(axes))
    out_shape = with_spatial(x.shape, axes, geometry.output_shape)
    dy = _upstream(dy, out_shape)
    pairs = list(_offset_indices(x.ndim, axes, geometry))
    grad = np.zeros(x.shape, dtype=dy.dtype)
    if rule == "first":
        winner = _first_winner(x, pairs, out_shape)
        for k, (out_index, in_index) in enumerate(pairs):
            grad[in_index] += np.where(winner[out_index] == k, dy[out_index], 0)
        return grad
    best, count = _tied_maxima(x, pairs, out_shape)
    share = dy / np.maximum(count, 1) if rule == "split" else dy
    for out_index, in_index in pairs:
        grad[in_index] += np.where(x[in_index] == best[out_index], share[out_index], 0)
    return grad


def avg_pool_backward(
    dy: np.ndarray,
    input_shape: Sequence[int],
    pool_size: int | Sequence[int],
    strides: int | Sequence[int] | None = None,
    padding: str = "valid",
    data_format: str = "channels_last",
) -> np.ndarray:
    """Gradient of :func:`poolutils.avg_pool` with respect to its input.

    Each output cell's gradient is divided by its window's number of *real*
    cells (the forward pass's divisor) and added to each of them; the input's
    values do not matter, only its shape.

    Parameters
    ----------
    dy : array_like
        Upstream gradient, shaped like ``avg_pool(x, ...)``.
    input_shape : tuple of int
        Shape of the forward pass's input, rank 3, 4 or 5.
    pool_size, strides, padding, data_format
        As in :func:`poolutils.avg_pool`.

    Returns
    -------
    ndarray
        Shape ``input_shape``, float (dtype of ``dy``, float32 for integer ``dy``).

    Examples
    --------
    A 3-cell window, stride 1, 'same' padding on 3 cells: the edge windows
    have 2 real cells, so they hand out halves; the middle one thirds.
    The middle cell lies in all three windows: 3 + 2 + 3.

    >>> avg_pool_backward(np.full((1, 3, 1), 6.0), (1, 3, 1), 3, strides=1, padding="same")[0, :, 0]
    array([5., 8., 5.])
    """
    shape = layer_input_shape(input_shape)
    axes, geometry = layer_geometry(
        shape, data_format, pool_size, strides, padding, "input_shape", input_shape
    )
    if np.prod(shape, dtype=object) > MAX_ARRAY_CELLS:
        raise ValueError(
            f"`input_shape` may hold at most MAX_ARRAY_CELLS = 2**28 = {MAX_ARRAY_CELLS:,} cells, "
            f"the gradient this function allocates. Received: input_shape={echo(input_shape)}."
        )
    out_shape = with_spatial(shape, axes, geometry.output_shape)
    dy = _upstream(dy, out_shape)
    divisor = geometry.counts().reshape(with_spatial((1,) * len(shape), axes, geometry.output_shape))
    share = dy / divisor.astype(dy.dtype)
    grad = np.zeros(shape, dtype=dy.dtype)
    for out_index, in_index in _offset_indices(len(shape), axes, geometry):
        grad[in_index] += share[out_index]
    return grad


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function, one cell at a time.

    ``(f(x + h e_i) - f(x - h e_i)) / (2 h)`` for every cell ``i``: the
    standard check of a hand-written backward pass. Use float64 inputs. At a
    tie of max pooling it returns *half* the slope for each tied cell (one
    side of the step raises the maximum, the other does not), which agrees
    with no tie rule in general: compare away from ties.

    Examples
    --------
    >>> numerical_gradient(lambda v: float(np.sum(v**2)), np.array([1.0, -2.0])).round(6)
    array([ 2., -4.])
    >>> numerical_gradient(lambda v: float(np.max(v)), np.array([3.0, 3.0])).round(6)
    array([0.5, 0.5])
    """
    allowed = "a function of one array that returns a number"
    if not callable(f):
        raise TypeError(f"`f` must be {allowed}. Received: f={echo(f)}.")
    h = real_number(h, "h", 0.0, positive=True)
    x = numeric_array(x, "x").astype(np.float64)
    value = f(x.copy())  # once, before the loop, so that a bad f is named at once
    is_number = isinstance(value, (Real, np.integer, np.floating)) or (
        isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf"
    )
    if not is_number or isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"`f` must be {allowed} (e.g. a float); f(x) returned {echo(value)} of type "
            f"{type(value).__name__}. Received: f={echo(f)}. Reduce its result to one number, e.g. with np.sum."
        )
    grad = np.zeros_like(x)
    step = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
        step[i] = 0
    return grad
