"""The sample photo and the image experiments, held to Pillow and Keras."""

import numpy as np
import pytest
from matplotlib import cbook
from PIL import Image

from poolutils.antialias import blur_pool
from poolutils.images import layer_output, pool_image, pooling_pyramid, sample_image, shift_changes
from poolutils.keras_check import keras_pool


@pytest.fixture(scope="module")
def photo():
    return sample_image(4)


def test_sample_image_is_pillows_grayscale():
    with Image.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)) as img:
        pillow = np.asarray(img.convert("L"), dtype=np.float32) / 255
    ours = sample_image()
    assert ours.dtype == np.float32
    # Pillow rounds each pixel to a whole level out of 255.
    np.testing.assert_allclose(ours, pillow, atol=0.6 / 255)


def test_downscale_is_keras_block_average():
    full = sample_image()
    expected = keras_pool("avg", full[None, :, :, None], pool_size=3)[0, :, :, 0]
    np.testing.assert_allclose(sample_image(3), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("mode,kind", [("max", "max"), ("avg", "avg")])
@pytest.mark.parametrize("pool_size,stride,padding", [(2, None, "valid"), (3, 2, "same"), (5, 1, "valid")])
def test_pool_image_matches_keras(photo, mode, kind, pool_size, stride, padding):
    expected = keras_pool(kind, photo[None, :, :, None], pool_size=pool_size, strides=stride, padding=padding)
    np.testing.assert_allclose(
        pool_image(photo, mode, pool_size, stride, padding), expected[0, :, :, 0], rtol=1e-6, atol=1e-6
    )


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pyramid_is_repeated_keras_pooling(photo, keras, mode):
    layer = keras.layers.MaxPooling2D(2) if mode == "max" else keras.layers.AveragePooling2D(2)
    pyramid = pooling_pyramid(photo, 3, mode)
    assert len(pyramid) == 4
    np.testing.assert_array_equal(pyramid[0], photo)
    expected = photo[None, :, :, None]
    for level in pyramid[1:]:
        expected = np.asarray(layer(expected))
        np.testing.assert_allclose(level, expected[0, :, :, 0], rtol=1e-6, atol=1e-6)


def keras_layer(keras, layer, stride):
    """The Keras layer (or plain slicing, for 'none') that layer_output should equal."""
    if layer == "none":
        return lambda x: x[:, ::stride, ::stride]
    kind = {"max": keras.layers.MaxPooling2D, "avg": keras.layers.AveragePooling2D}[layer]
    return kind(2, strides=stride, padding="same")


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("layer", ["none", "max", "avg"])
def test_shift_changes_match_keras(photo, keras, layer, stride):
    shifts = (1, 2, 3, 4)
    changes = shift_changes(photo, layer, stride, shifts)
    pool = keras_layer(keras, layer, stride)
    width = photo.shape[1] - 8

    def out(offset):
        return np.asarray(pool(photo[None, :, offset : offset + width, None]))[0, :, :, 0].astype(np.float64)

    ref = out(4)
    n = ref.shape[1]
    keep = slice(2 + 4, n - 2)
    for k, s in enumerate(shifts):
        moved = out(4 - s)
        in_place = np.mean(np.abs(moved[:, keep] - ref[:, keep]))
        # Half a cell has no whole-cell reference: the mean of the two nearest moves stands in.
        low, high = (ref[:, keep.start - c : keep.stop - c] for c in (s // stride, -(-s // stride)))
        aligned = np.mean(np.abs(moved[:, keep] - (low + high) / 2))
        np.testing.assert_allclose(changes["in_place"][k], in_place, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(changes["from_shifted"][k], aligned, rtol=1e-5, atol=1e-7)


def test_blur_layer_is_blur_pool(photo):
    np.testing.assert_array_equal(
        layer_output(photo, "blur", 2), blur_pool(photo[None, :, :, None])[0, :, :, 0]
    )


@pytest.mark.parametrize("layer", ["none", "max", "avg", "blur"])
def test_equivariance_holds_by_design(photo, layer):
    # Stride 1: every shift moves the output and changes nothing else; stride 2: every even shift.
    assert (shift_changes(photo, layer, 1)["from_shifted"] == 0).all()
    aliased = shift_changes(photo, layer, 2)["from_shifted"]
    assert (aliased[1::2] == 0).all() and (aliased[0::2] > 0.01).all()


def test_the_half_cell_reference_is_interpolated_not_the_nearer_move():
    # A ramp is as smooth as a signal gets: its half-cell move is exactly the mean of the two whole-cell
    # moves, so no layer aliases it. The nearer whole-cell move would be a full step away.
    ramp = np.tile(np.arange(40.0), (6, 1))
    for layer in ("none", "avg", "blur"):
        np.testing.assert_allclose(
            shift_changes(ramp, layer, 2, shifts=(1, 3))["from_shifted"], 0, atol=1e-12
        )


def test_changes_are_zero_only_when_the_shift_changes_nothing():
    image = np.random.default_rng(0).random((8, 40))
    flat = np.tile(image[:, :1], (1, 40))  # every column alike: a shift changes nothing
    for layer in ("none", "max", "avg", "blur"):
        for change in shift_changes(flat, layer, 2).values():
            np.testing.assert_allclose(change, 0, atol=1e-12)
        assert (shift_changes(image, layer, 2)["in_place"] > 0).all()


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: pool_image(np.ones((4, 4)), "median", 2), "mode"),
        (lambda: pool_image(np.ones((1, 4, 4)), "max", 2), "image"),
        (lambda: pooling_pyramid(np.ones((4, 4)), 0), "levels"),
        (lambda: shift_changes(np.ones((4, 20)), "max", 2, shifts=(6,)), "shifts"),
        (lambda: shift_changes(np.ones((4, 40)), "max", 2, shifts=(0,)), "shifts"),
        (lambda: shift_changes(np.ones((4, 40)), "min", 2), "`layer`.*Received: layer='min'"),
        (lambda: shift_changes(np.ones((4, 40)), "max", 0), "stride"),
        (lambda: shift_changes(np.ones((4, 40)), "max", 2, border=-1), "border"),
        (lambda: layer_output(np.ones((1, 4, 4)), "max", 2), "image"),
        (lambda: sample_image(0), "downscale"),
    ],
)
def test_bad_arguments_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
