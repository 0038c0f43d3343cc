"""Keras, the oracle: run the same input through poolutils and through Keras, and compare.

This is the one module that talks to TensorFlow. :func:`keras` imports it
in the configuration a learner gets by default (oneDNN on, as after a plain
``pip install`` or on Colab), only quieter, and every notebook, test and
checker imports Keras through it. Keras is imported only when one of these
functions is first called: TensorFlow takes seconds to import and
``import poolutils`` must stay instant.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np

from poolutils._validation import data_format_name, input_array, int_tuple, numeric_array, spatial_axes
from poolutils.modes import kind as pooling_kind


def keras() -> Any:
    """Import Keras (on TensorFlow) in its default configuration, without its start-up lines.

    TensorFlow's kernels are left as they are: oneDNN stays on unless the
    user's environment turns it off (``TF_ENABLE_ONEDNN_OPTS=0``). Only the
    log lines go: ``TF_CPP_MIN_LOG_LEVEL`` (unless already set) silences
    TensorFlow's C++ logging, and the lines printed before that logging
    starts ("oneDNN custom operations are on", absl's warning) are written
    straight to file descriptor 2, so it points at ``/dev/null`` during the
    import and is restored afterwards, even if the import fails. Whoever
    sets ``TF_CPP_MIN_LOG_LEVEL=0`` asked for every line, and gets them.
    """
    if "keras" in sys.modules:
        return sys.modules["keras"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # must be set before TensorFlow loads
    if os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0":
        import keras as _keras

        return _keras
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        import keras as _keras
        import tensorflow  # noqa: F401  (loads its kernels now, while stderr is quiet)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    return _keras


def layer_name(kind: str, rank: int) -> str:
    """Name of the Keras layer for ``kind`` ('max', 'avg', 'global_max', ...) and spatial rank."""
    return pooling_kind(kind).layer(rank)


def keras_pool(kind: str, x: np.ndarray, **kwargs: Any) -> np.ndarray:
    """Pool ``x`` with the Keras layer for ``kind``; keyword arguments go to the layer.

    Examples
    --------
    >>> keras_pool("max", np.arange(4.0).reshape(1, 4, 1), pool_size=2)[0, :, 0]
    array([1., 3.], dtype=float32)
    """
    x = input_array(x)
    rank = x.ndim - 2
    layers = keras().layers
    if kind == "adaptive_max":
        return _adaptive_max(x, rank, **kwargs)
    return np.asarray(getattr(layers, layer_name(kind, rank))(**kwargs)(x))


def _adaptive_max(
    x: np.ndarray, rank: int, output_size: Any, data_format: str = "channels_last"
) -> np.ndarray:
    # Keras' AdaptiveMaxPooling kills the process (SIGFPE) for an output size of 1
    # under oneDNN. Axes pooled to 1 are reduced with keras.ops.max instead, and
    # the others with the lower-rank adaptive layer, which is the same result.
    layers, ops = keras().layers, keras().ops
    sizes = int_tuple(output_size, rank, "output_size")
    axes = spatial_axes(x.ndim, data_format_name(data_format))
    ones = tuple(a for a, o in zip(axes, sizes) if o == 1)
    if not ones:
        return np.asarray(
            getattr(layers, layer_name("adaptive_max", rank))(sizes, data_format=data_format)(x)
        )
    if len(ones) == rank:
        pool = getattr(layers, layer_name("global_max", rank))(data_format=data_format, keepdims=True)
        return np.asarray(pool(x))
    rest = tuple(o for o in sizes if o != 1)
    reduced = ops.squeeze(ops.max(x, axis=ones, keepdims=True), axis=ones)
    pooled = getattr(layers, layer_name("adaptive_max", len(rest)))(rest, data_format=data_format)(reduced)
    return np.expand_dims(np.asarray(pooled), ones)


def keras_pool_gradient(kind: str, x: np.ndarray, dy: np.ndarray, **kwargs: Any) -> np.ndarray:
    """The oracle: TensorFlow's gradient of ``sum(dy * layer(x))`` for a Keras pooling layer.

    Parameters
    ----------
    kind : {'max', 'avg', 'global_max', 'global_avg', 'adaptive_avg'}
        As in :func:`keras_pool`.
    x, dy : array_like
        Input and upstream gradient; both are computed in float32, as Keras does.
    **kwargs
        Arguments of the layer, e.g. ``pool_size=2, strides=1``.

    Returns
    -------
    ndarray of float32, shaped like ``x``

    Examples
    --------
    Both windows of ``[5, 5, 2, 2]`` hold a tie; MaxPooling1D picks the first cell:

    >>> x = np.array([5.0, 5.0, 2.0, 2.0]).reshape(1, 4, 1)
    >>> keras_pool_gradient("max", x, np.ones((1, 2, 1)), pool_size=2)[0, :, 0]
    array([1., 0., 1., 0.], dtype=float32)
    """
    x = input_array(x)
    layer = getattr(keras().layers, layer_name(kind, x.ndim - 2))(**kwargs)
    import tensorflow as tf  # already loaded, quietly, by keras()

    xt = tf.constant(x, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = layer(xt)
    dy = numeric_array(dy, "dy")
    if dy.shape != tuple(y.shape):
        raise ValueError(
            f"`dy` must have the shape of the layer's output, {tuple(y.shape)}. Received: dy with shape {dy.shape}."
        )
    return tape.gradient(y, xt, output_gradients=tf.constant(dy, dtype=tf.float32)).numpy()


def check_against_keras(
    kind: str, x: np.ndarray, *, rtol: float = 1e-5, atol: float = 1e-5, quiet: bool = False, **kwargs: Any
) -> np.ndarray:
    """Pool ``x`` with poolutils and with Keras, assert they agree, and return ours.

    Parameters
    ----------
    kind : {'max', 'avg', 'global_max', 'global_avg', 'adaptive_max', 'adaptive_avg'}
    x : array_like
        Input of rank 3, 4 or 5.
    rtol, atol : float
        Tolerances of :func:`numpy.testing.assert_allclose` (float sums may
        be added in another order).
    quiet : bool
        Print nothing when True. Otherwise one line is printed that is the
        same on every machine: a max says whether its values are identical;
        an average only that they agree within the tolerances, because its
        last bits depend on the order of the additions.
    **kwargs
        Arguments of both functions, e.g. ``pool_size=2, padding="same"``.

    Returns
    -------
    ndarray
        poolutils' result.

    Examples
    --------
    >>> fmap = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 6], [3, 5, 7, 2]])
    >>> out = check_against_keras("max", fmap[None, :, :, None], pool_size=2)
    max_pool matches keras.layers.MaxPooling2D: shape (1, 2, 2, 1), identical values
    >>> out = check_against_keras("avg", fmap[None, :, :, None], pool_size=2)
    avg_pool matches keras.layers.AveragePooling2D: shape (1, 2, 2, 1), values within rtol=1e-05, atol=1e-05
    """
    x = input_array(x)
    name = layer_name(kind, x.ndim - 2)
    function = pooling_kind(kind).ours
    ours = function(x, **kwargs)
    # Keras' average layers refuse integers; they would see float32 anyway.
    theirs = keras_pool(kind, x.astype(np.float32) if "avg" in kind and x.dtype.kind != "f" else x, **kwargs)
    if ours.shape != theirs.shape:
        raise AssertionError(
            f"{function.__name__} gives shape {ours.shape}, keras.layers.{name} {theirs.shape}."
        )
    if x.dtype.kind in "iu" and theirs.dtype.kind in "iu" and ours.dtype != theirs.dtype:
        raise AssertionError(
            f"{function.__name__} gives dtype {ours.dtype}, keras.layers.{name} {theirs.dtype}."
        )
    np.testing.assert_allclose(
        ours, theirs, rtol=rtol, atol=atol, err_msg=f"poolutils differs from keras.layers.{name}"
    )
    if not quiet:
        print(
            f"{function.__name__} matches keras.layers.{name}: shape {ours.shape}, {_agreement(kind, ours, theirs, rtol, atol)}"
        )
    return ours


def _agreement(kind: str, ours: np.ndarray, theirs: np.ndarray, rtol: float, atol: float) -> str:
    # A max picks one of its inputs, so whether it is identical is the same on every machine. A
    # mean's last bits depend on the order of the additions (CPU, threads, oneDNN), so for averages
    # only the tolerance is printed, never "identical": a printed line nbval compares must not vary.
    if "avg" in kind:
        return f"values within rtol={rtol:g}, atol={atol:g}"
    same = np.array_equal(ours.astype(np.float64), theirs.astype(np.float64), equal_nan=True)
    return "identical values" if same else f"values within rtol={rtol:g}, atol={atol:g}"
