"""Backward passes of max and average pooling against tf.GradientTape on Keras' layers."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import poolutils as pu
from poolutils.gradients import avg_pool_backward, max_pool_backward, numerical_gradient
from poolutils.keras_check import keras_pool, keras_pool_gradient
from tests.conftest import pooling_setup, random_input
from tests.test_pooling_vs_keras import CASES, FORMATS, SPATIAL, quirk_applies


def ours(kind, x, dy, **kwargs):
    if kind == "max":
        return max_pool_backward(dy, x, **kwargs)
    return avg_pool_backward(dy, x.shape, **kwargs)


def tied_input(rng, spatial, data_format):
    # Three distinct values over many cells: almost every window has tied maxima.
    return random_input(rng, spatial, data_format=data_format, dtype=np.int32).clip(-1, 1).astype(np.float32)


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("rank,pool,strides", CASES)
def test_backward_matches_gradient_tape(keras, rng, kind, rank, pool, strides, padding, data_format):
    kwargs = dict(pool_size=pool, strides=strides, padding=padding, data_format=data_format)
    for x in (
        random_input(rng, SPATIAL[rank], data_format=data_format),
        tied_input(rng, SPATIAL[rank], data_format),
    ):
        y = getattr(pu, f"{kind}_pool")(x, **kwargs)
        dy = rng.standard_normal(y.shape).astype(np.float32)
        theirs = keras_pool_gradient(kind, x, dy, **kwargs)
        mine = ours(kind, x, dy, **kwargs)
        assert mine.shape == x.shape and mine.dtype == np.float32
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("rank", [1, 2])
def test_ties_go_to_the_first_maximum_in_1d_and_2d(keras, rank):
    x = np.ones((1,) + (4,) * rank + (1,), dtype=np.float32)
    dy = np.ones((1,) + (2,) * rank + (1,), dtype=np.float32)
    theirs = keras_pool_gradient("max", x, dy, pool_size=2)
    mine = max_pool_backward(dy, x, 2, ties="first")
    np.testing.assert_array_equal(mine, theirs)
    assert mine.sum() == dy.sum()  # one winner per window
    np.testing.assert_array_equal(max_pool_backward(dy, x, 2), mine)


def test_ties_in_3d_give_every_maximum_the_whole_gradient(keras):
    x = np.ones((1, 2, 2, 2, 1), dtype=np.float32)
    dy = np.ones((1, 1, 1, 1, 1), dtype=np.float32)
    theirs = keras_pool_gradient("max", x, dy, pool_size=2)
    np.testing.assert_array_equal(max_pool_backward(dy, x, 2), theirs)
    np.testing.assert_array_equal(max_pool_backward(dy, x, 2, ties="all"), theirs)
    assert theirs.sum() == 8  # not conserved: the reason 'all' is not the default in 2-D


def tf_split_grad(x, dy, pool, strides, padding):
    """Split-ties gradient of 2-D max pooling built from TensorFlow ops (one channel).

    tf.image.extract_patches lays the windows out explicitly; each window's
    sum of patch * (is-maximum / number-of-maxima) has exactly the split
    rule's gradient, and the tape scatters it back through the patches.
    """
    import tensorflow as tf

    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        patches = tf.image.extract_patches(
            x, [1, pool, pool, 1], [1, strides, strides, 1], [1, 1, 1, 1], padding.upper()
        )
        mask = tf.cast(patches == tf.reduce_max(patches, -1, keepdims=True), x.dtype)
        weights = tf.stop_gradient(mask / tf.reduce_sum(mask, -1, keepdims=True))
        y = tf.reduce_sum(patches * weights, -1, keepdims=True)
    return tape.gradient(y, x, output_gradients=tf.constant(dy)).numpy()


@pytest.mark.parametrize("pool,strides", [(2, 2), (3, 1), (3, 2)])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_split_ties_share_the_gradient_evenly(keras, rng, pool, strides, padding):
    # Positive values: extract_patches pads with zeros, which must never be a maximum.
    x = rng.integers(1, 3, size=(2, 7, 9, 1)).astype(np.float32)
    y = pu.max_pool(x, pool, strides, padding)
    dy = rng.standard_normal(y.shape).astype(np.float32)
    theirs = tf_split_grad(x, dy, pool, strides, padding)
    mine = max_pool_backward(dy, x, pool, strides, padding, ties="split")
    np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(mine.sum(), dy.sum(), rtol=1e-4)


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_global_max_pooling_in_keras_splits_ties(keras, rng, rank):
    """tf.reduce_max shares a tie evenly: the 'split' rule with one window over the whole input."""
    x = tied_input(rng, SPATIAL[rank], "channels_last")
    dy = rng.standard_normal((x.shape[0], x.shape[-1])).astype(np.float32)
    theirs = keras_pool_gradient("global_max", x, dy)
    whole = x.shape[1:-1]
    mine = max_pool_backward(dy.reshape(x.shape[0], *(1,) * rank, -1), x, whole, ties="split")
    np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "values",
    [[np.nan, 1, 3, 2], [np.nan, np.nan, 1, 5], [-np.inf, -np.inf, 2, np.nan], [1, np.nan, np.nan, np.nan]],
)
def test_nan_and_inf_route_as_tensorflow_in_1d_and_2d(keras, values):
    row = np.array(values, dtype=np.float32)
    for x, kwargs in [
        (row[None, :, None], dict(pool_size=2, strides=1)),
        (row.reshape(1, 2, 2, 1), dict(pool_size=2, strides=1, padding="same")),
        (np.tile(row, 3).reshape(1, 3, 4, 1), dict(pool_size=(2, 3), strides=1)),
    ]:
        y_shape = pu.max_pool(x, **kwargs).shape
        dy = np.arange(1, np.prod(y_shape) + 1, dtype=np.float32).reshape(y_shape)
        np.testing.assert_array_equal(
            max_pool_backward(dy, x, **kwargs), keras_pool_gradient("max", x, dy, **kwargs)
        )


def test_3d_max_gradient_with_nan_follows_tensorflow_default(default_kernels, rng):
    """TF's default 3-D kernel gives every NaN-ignoring maximum the gradient (ties 'all')."""
    for _ in range(20):
        x = rng.integers(-1, 2, (1, 3, 4, 3, 2)).astype(np.float32)
        x[rng.random(x.shape) < 0.25] = np.nan
        kwargs = dict(pool_size=2, strides=1, padding="same")
        dy = rng.standard_normal(pu.max_pool(x, **kwargs).shape).astype(np.float32)
        np.testing.assert_allclose(
            max_pool_backward(dy, x, **kwargs), keras_pool_gradient("max", x, dy, **kwargs), atol=1e-5
        )


def test_3d_max_gradient_of_an_all_minus_inf_window_is_tensorflows(default_kernels, rng):
    """A window of only -inf pools to the lowest finite value, which no cell holds: TF routes nothing."""
    x = np.full((1, 2, 2, 2, 1), -np.inf, dtype=np.float32)
    dy = np.ones((1, 1, 1, 1, 1), dtype=np.float32)
    theirs = keras_pool_gradient("max", x, dy, pool_size=2)
    np.testing.assert_array_equal(max_pool_backward(dy, x, 2), theirs)
    assert not theirs.any()
    for _ in range(10):  # -inf, NaN and ties mixed, overlapping windows
        x = rng.integers(-1, 2, (2, 3, 4, 3, 2)).astype(np.float32)
        x[rng.random(x.shape) < 0.4] = -np.inf
        x[rng.random(x.shape) < 0.1] = np.nan
        kwargs = dict(pool_size=2, strides=1, padding="same")
        dy = rng.standard_normal(pu.max_pool(x, **kwargs).shape).astype(np.float32)
        np.testing.assert_allclose(
            max_pool_backward(dy, x, **kwargs), keras_pool_gradient("max", x, dy, **kwargs), atol=1e-5
        )


def test_avg_backward_ignores_nan_inputs(keras):
    x = np.array([np.nan, 1, 3, 2], dtype=np.float32)[None, :, None]
    dy = np.ones((1, 3, 1), dtype=np.float32)
    theirs = keras_pool_gradient("avg", x, dy, pool_size=2, strides=1)
    np.testing.assert_array_equal(avg_pool_backward(dy, x.shape, 2, strides=1), theirs)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_property_random_configurations_match_gradient_tape(keras, eigen_3d, data):
    spatial, pool, strides, padding, data_format = data.draw(pooling_setup(largest=7, fit=True))
    rank = len(spatial)
    if eigen_3d and quirk_applies(rank, spatial, pool, strides, padding):
        return  # oneDNN off: the Eigen 3-D shift, pinned in test_tf_quirks
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16), label="seed"))
    x = (
        tied_input(rng, spatial, data_format)
        if data.draw(st.booleans())
        else random_input(rng, spatial, data_format=data_format)
    )
    kwargs = dict(pool_size=pool, strides=strides, padding=padding, data_format=data_format)
    for kind in ("max", "avg"):
        dy = rng.standard_normal(getattr(pu, f"{kind}_pool")(x, **kwargs).shape).astype(np.float32)
        np.testing.assert_allclose(
            ours(kind, x, dy, **kwargs), keras_pool_gradient(kind, x, dy, **kwargs), atol=1e-5
        )


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_3d_gradient_when_stride_exceeds_pool_is_that_of_the_forward_pass(default_kernels, kind):
    """With 'same' and stride > pool, TF's default 3-D kernels agree with their forward pass, and with ours.

    With oneDNN off they do not (the Eigen quirk): tests/test_tf_quirks.py pins that.
    """
    x = np.array([1.0, 2.0, 3.0], dtype=np.float32).reshape(1, 1, 1, 3, 1)
    kwargs = dict(pool_size=1, strides=3, padding="same")
    forward = getattr(pu, f"{kind}_pool")
    np.testing.assert_array_equal(forward(x, **kwargs), keras_pool(kind, x, **kwargs))  # value of cell 0
    assert forward(x, **kwargs).item() == 1.0
    dy = np.ones((1, 1, 1, 1, 1), dtype=np.float32)
    numeric = numerical_gradient(lambda v: np.sum(forward(v, **kwargs)), x.astype(np.float64), h=1e-3)
    np.testing.assert_allclose(ours(kind, x, dy, **kwargs), numeric, atol=1e-6)
    np.testing.assert_allclose(keras_pool_gradient(kind, x, dy, **kwargs), numeric, atol=1e-6)


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("pool,strides,padding", [(2, 2, "valid"), (3, 1, "same"), (3, 2, "same")])
def test_numerical_gradient_agrees_away_from_ties(rng, kind, pool, strides, padding):
    # Distinct values at least 1e-2 apart: a 1e-6 step can never change a window's winner.
    x = rng.permutation(30).reshape(1, 5, 6, 1) * 1e-2 + rng.uniform(0, 1e-3, (1, 5, 6, 1))
    kwargs = dict(pool_size=pool, strides=strides, padding=padding)
    y = getattr(pu, f"{kind}_pool")(x, **kwargs)
    dy = rng.standard_normal(y.shape)
    numeric = numerical_gradient(lambda v: np.sum(dy * getattr(pu, f"{kind}_pool")(v, **kwargs)), x)
    mine = ours(kind, x, dy, **kwargs)
    assert mine.dtype == np.float64
    np.testing.assert_allclose(mine, numeric, rtol=1e-6, atol=1e-8)


def test_numerical_gradient_breaks_at_ties(keras):
    # One 2x2 window whose maximum 5 appears twice: max is not differentiable there.
    x = np.array([[1.0, 5.0], [5.0, 2.0]])[None, :, :, None]
    dy = np.ones((1, 1, 1, 1))
    numeric = numerical_gradient(lambda v: np.sum(pu.max_pool(v, 2)), x)
    tf_grad = keras_pool_gradient("max", x, dy, pool_size=2)
    # Nudging either tied cell up raises the max, nudging it down does not: half a slope each.
    np.testing.assert_allclose(numeric[0, :, :, 0], [[0, 0.5], [0.5, 0]], atol=1e-6)
    assert not np.allclose(numeric, tf_grad)
    np.testing.assert_array_equal(max_pool_backward(dy, x, 2), tf_grad)


def test_padding_gradient_is_dropped_and_avg_divides_by_real_cells(keras):
    x = np.zeros((1, 3, 3, 1), dtype=np.float32)
    dy = np.ones((1, 2, 2, 1), dtype=np.float32)
    theirs = keras_pool_gradient("avg", x, dy, pool_size=2, padding="same")
    mine = avg_pool_backward(dy, x.shape, 2, padding="same")
    np.testing.assert_allclose(mine, theirs)
    np.testing.assert_allclose(mine.sum(), dy.sum())  # nothing lost to padding: every window has real cells


@pytest.mark.parametrize(
    "call,error,match",
    [
        (
            lambda: max_pool_backward(np.ones((1, 2, 1)), np.ones((1, 4, 1)), 2, ties="last"),
            ValueError,
            "ties",
        ),
        (
            lambda: max_pool_backward(np.ones((1, 3, 1)), np.ones((1, 4, 1)), 2),
            ValueError,
            r"dy.*\(1, 2, 1\)",
        ),
        (lambda: max_pool_backward(np.ones((1, 2, 1), bool), np.ones((1, 4, 1)), 2), TypeError, "dy"),
        (lambda: max_pool_backward(np.ones((1, 1, 1)), np.ones((1, 4, 1)), 5), ValueError, "fit inside"),
        (lambda: avg_pool_backward(np.ones((1, 2, 1)), 4, 2), TypeError, "input_shape"),
        (lambda: avg_pool_backward(np.ones((1, 2, 1)), (1, 0, 1), 2), ValueError, "input_shape"),
        (lambda: avg_pool_backward(np.ones((1, 2)), (1, 4), 2), ValueError, "rank 3, 4 or 5"),
        (lambda: avg_pool_backward(np.ones((1, 2, 1)), (1, 4, 1), 0), ValueError, "pool_size"),
    ],
)
def test_bad_arguments_are_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
