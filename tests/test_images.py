"""The sample photo and the image experiments, held to Pillow and Keras."""

import numpy as np
import pytest
from matplotlib import cbook
from PIL import Image

from poolutils.images import pool_image, pooling_pyramid, sample_image, translation_changes
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


def test_translation_changes_match_keras(photo, keras):
    shifts = (1, 2, 3)
    changes = translation_changes(photo, shifts, pool_size=3)
    width = photo.shape[1] - 6
    layers = {
        "none": lambda x: x,
        "max": keras.layers.MaxPooling2D(3),
        "avg": keras.layers.AveragePooling2D(3),
    }
    for mode, layer in layers.items():
        ref = np.asarray(layer(photo[None, :, 3 : 3 + width, None]))
        moved = [np.asarray(layer(photo[None, :, 3 - s : 3 - s + width, None])) for s in shifts]
        expected = [np.mean(np.abs(m - ref)) / np.mean(np.abs(ref)) for m in moved]
        np.testing.assert_allclose(changes[mode], expected, rtol=1e-5)


def test_change_is_zero_only_when_the_shift_changes_nothing():
    image = np.random.default_rng(0).random((8, 20))
    # A stripe pattern with period 1 column is its own translate: nothing may change.
    flat = np.tile(image[:, :1], (1, 20))
    for change in translation_changes(flat).values():
        np.testing.assert_array_equal(change, 0)
    assert all(np.all(change > 0) for change in translation_changes(image).values())


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: pool_image(np.ones((4, 4)), "median", 2), "mode"),
        (lambda: pool_image(np.ones((1, 4, 4)), "max", 2), "image"),
        (lambda: pooling_pyramid(np.ones((4, 4)), 0), "levels"),
        (lambda: translation_changes(np.ones((4, 6)), shifts=(3,)), "shifts"),
        (lambda: translation_changes(np.ones((4, 20)), shifts=(0,)), "shifts"),
        (lambda: translation_changes(np.ones((4, 20)), modes=("min",)), "mode"),
        (lambda: translation_changes(np.zeros((4, 20))), "image"),
        (lambda: sample_image(0), "downscale"),
    ],
)
def test_bad_arguments_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
