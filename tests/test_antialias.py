"""Blur pooling (Zhang, ICML 2019) against Keras: MaxPooling with stride 1, then a fixed depthwise blur."""

import numpy as np
import pytest

from poolutils import max_pool
from poolutils.antialias import binomial_kernel, blur_pool, blur_pool_layers

# Written out by hand, not computed by binomial_kernel: rows of Pascal's triangle over their sums.
BINOMIAL = {1: [1.0], 2: [1 / 2, 1 / 2], 3: [1 / 4, 2 / 4, 1 / 4], 4: [1 / 8, 3 / 8, 3 / 8, 1 / 8]}


def keras_blur_pool(keras, x, pool_size, strides, padding, blur_size):
    """Keras' own composition: MaxPoolingND(stride 1), then DepthwiseConvND with the hand-written kernel."""
    rank = x.ndim - 2
    row = np.array(BINOMIAL[blur_size], dtype=np.float32)
    kernel = row if rank == 1 else np.outer(row, row)
    channels = x.shape[-1]
    pool = getattr(keras.layers, f"MaxPooling{rank}D")(pool_size, strides=1, padding=padding)
    conv = getattr(keras.layers, f"DepthwiseConv{rank}D")(
        blur_size, strides=strides, padding=padding, use_bias=False
    )
    dense = pool(x)
    conv.build(dense.shape)
    conv.set_weights([np.repeat(kernel[..., None, None], channels, axis=-2)])
    return np.asarray(conv(dense))


# TensorFlow's depthwise convolution needs equal strides on both axes; the window may differ.
GEOMETRIES = [
    ((11,), 2, 2),
    ((11,), 3, 2),
    ((11,), 2, 1),
    ((11,), 2, 3),
    ((9, 10), 2, 2),
    ((9, 10), 3, 2),
    ((9, 10), 2, 1),
    ((9, 10), 2, 3),
    ((9, 10), (2, 3), 2),
]


@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("blur_size", [1, 2, 3, 4])
@pytest.mark.parametrize("spatial,pool_size,strides", GEOMETRIES)
def test_blur_pool_is_keras_max_then_depthwise_blur(
    keras, rng, spatial, pool_size, strides, blur_size, padding
):
    x = rng.standard_normal((2, *spatial, 3)).astype(np.float32)
    expected = keras_blur_pool(keras, x, pool_size, strides, padding, blur_size)
    ours = blur_pool(x, pool_size, strides, padding, blur_size)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("rank", [1, 2])
def test_the_model_layers_compute_blur_pool(keras, rng, rank):
    x = rng.standard_normal((2, *(10,) * rank, 4)).astype(np.float32)
    h = x
    for layer in blur_pool_layers(3, 2, "same", 3, rank=rank):
        h = layer(h)
    np.testing.assert_allclose(np.asarray(h), blur_pool(x, 3, 2, "same", 3), rtol=1e-5, atol=1e-6)
    assert not blur_pool_layers(rank=rank)[1].trainable


@pytest.mark.parametrize("size", sorted(BINOMIAL))
def test_binomial_kernel_is_pascals_triangle(size):
    np.testing.assert_allclose(binomial_kernel(size), BINOMIAL[size])


def test_without_blur_it_is_dense_max_subsampled(rng):
    x = rng.standard_normal((1, 12, 13, 2))
    np.testing.assert_array_equal(blur_pool(x, 2, 3, blur_size=1), max_pool(x, 2, 1, "same")[:, ::3, ::3])


def test_with_stride_one_a_shift_moves_the_output_and_changes_nothing_else(rng):
    # Max and blur at every position are equivariant; only the borders (padding) differ.
    x = rng.standard_normal((1, 20, 20, 1))
    moved = np.zeros_like(x)
    moved[:, :, 3:] = x[:, :, :-3]
    out, out_moved = blur_pool(x, strides=1), blur_pool(moved, strides=1)
    np.testing.assert_allclose(out_moved[:, 2:-2, 5:-2], out[:, 2:-2, 2:-5])


def test_input_is_not_modified(rng):
    x = rng.standard_normal((1, 8, 8, 2))
    copy = x.copy()
    blur_pool(x)
    np.testing.assert_array_equal(x, copy)


def test_integers_give_float32():
    assert blur_pool(np.arange(16).reshape(1, 4, 4, 1)).dtype == np.float32


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        (
            {"x": np.ones((1, 4, 4, 4, 1))},
            ValueError,
            r"1-D or 2-D.*Received: x with shape \(1, 4, 4, 4, 1\)",
        ),
        ({"x": np.ones((4, 4))}, ValueError, "Received: x with shape"),
        ({"blur_size": 0}, ValueError, "Received: blur_size=0"),
        ({"strides": 0}, ValueError, "strides"),
        ({"pool_size": 2.5}, TypeError, "pool_size"),
        ({"padding": "full"}, ValueError, "Received: padding='full'"),
        ({"padding": "valid", "blur_size": 4, "pool_size": 3}, ValueError, "blur_size=4"),
        ({"x": np.array([[["a"]]])}, TypeError, "dtype"),
    ],
)
def test_bad_arguments_get_a_sentence(kwargs, error, match):
    args = {"x": np.ones((1, 5, 5, 1)), **kwargs}
    with pytest.raises(error, match=match):
        blur_pool(**args)


def test_bad_rank_for_layers():
    with pytest.raises(ValueError, match="rank=3"):
        blur_pool_layers(rank=3)
