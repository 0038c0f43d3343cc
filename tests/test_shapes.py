"""Output-size math against Keras' compute_output_shape."""

import math

import numpy as np
import pytest

from poolutils import pool_output_shape, pool_output_size, same_padding, same_padding_total


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("f", range(1, 6))
def test_pool_output_size_matches_keras_for_every_small_case(keras, padding, f):
    for n in range(1, 31):
        for s in range(1, 6):
            layer = keras.layers.MaxPooling1D(f, s, padding=padding)
            try:
                expected = layer.compute_output_shape((1, n, 1))[1]
            except ValueError:
                with pytest.raises(ValueError, match="pool_size"):
                    pool_output_size(n, f, s, padding)
                continue
            assert pool_output_size(n, f, s, padding) == expected, (n, f, s, padding)


def test_article_formula_is_right_only_when_rounded_up():
    cases = [(n, f, s) for n in range(1, 31) for f in range(1, 6) for s in range(1, 6) if f <= n]
    for n, f, s in cases:
        assert math.ceil((n - f + 1) / s) == pool_output_size(n, f, s)
    # Unrounded, the formula is often not even an integer; rounded down it is often wrong.
    assert (6 - 2 + 1) / 2 == 2.5 and pool_output_size(6, 2, 2) == 3
    assert sum((n - f + 1) % s != 0 for n, f, s in cases) > 100
    assert any(math.floor((n - f + 1) / s) != pool_output_size(n, f, s) for n, f, s in cases)


@pytest.mark.parametrize("n", range(1, 12))
@pytest.mark.parametrize("f,s", [(1, 1), (2, 1), (2, 2), (3, 1), (3, 2), (4, 3), (2, 3)])
def test_same_padding_split_matches_tensorflow(keras, n, f, s):
    # Max pooling a ramp 0..n-1 reveals where TF put every window: output o is
    # the last real cell of window o, which starts `before` cells ahead of o*s.
    before, after = same_padding(n, f, s)
    ramp = np.arange(n, dtype="float32")[None, :, None]
    out = np.asarray(keras.layers.MaxPooling1D(f, s, padding="same")(ramp))[0, :, 0]
    expected = [min(o * s - before + f - 1, n - 1) for o in range(len(out))]
    np.testing.assert_array_equal(out, expected)
    assert after in (before, before + 1), "TensorFlow puts the odd cell after"


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("padding", ["valid", "SAME"])
@pytest.mark.parametrize(
    "shape,pool,strides",
    [((4, 9, 7, 3), (2, 3), None), ((2, 11, 5), 3, 2), ((1, 6, 5, 7, 2), (2, 1, 3), (1, 2, 2))],
)
def test_pool_output_shape_matches_layers(keras, shape, pool, strides, padding, data_format):
    rank = len(shape) - 2
    layer = getattr(keras.layers, f"AveragePooling{rank}D")(pool, strides, padding.lower(), data_format)
    try:
        expected = layer.compute_output_shape(shape)
    except ValueError:
        with pytest.raises(ValueError, match="Received: input_shape"):
            pool_output_shape(shape, pool, strides, padding, data_format)
        return
    assert pool_output_shape(shape, pool, strides, padding, data_format) == expected


def test_pool_output_shape_accepts_unknown_batch():
    assert pool_output_shape((None, 4, 4, 1), 2) == (None, 2, 2, 1)


@pytest.mark.parametrize(
    "shape", [(None, None, 4, 1), (None, 5, 4, None), (2, 5, None), (None, None, None, None, 3)]
)
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_unknown_sizes_stay_unknown_as_in_keras(keras, shape, padding):
    rank = len(shape) - 2
    layer = getattr(keras.layers, f"MaxPooling{rank}D")(2, 1, padding)
    assert pool_output_shape(shape, 2, 1, padding) == tuple(layer.compute_output_shape(shape))


def test_what_keras_refuses_is_refused():
    keras_refuses = ("a", 4, 4, 1)  # Keras: UFuncTypeError inside compute_output_shape
    with pytest.raises(TypeError, match=r"Received: input_shape=\('a', 4, 4, 1\)"):
        pool_output_shape(keras_refuses, 2)


def test_same_padding_total_is_clamped_at_zero():
    # With a stride beyond the window the windows may not reach the end: the raw total goes negative.
    negative = 0
    for n in range(1, 12):
        for f in range(1, 4):
            for s in range(f + 1, 7):
                raw = same_padding_total(n, f, s, clamp=False)
                assert same_padding_total(n, f, s) == max(raw, 0) == sum(same_padding(n, f, s))
                negative += raw < 0
    assert negative > 50
