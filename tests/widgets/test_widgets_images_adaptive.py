"""The image and adaptive explorers, driven headless control by control and held to Keras."""

import numpy as np
import pytest

from poolutils.images import sample_image
from poolutils.keras_check import keras_pool
from poolutils.widgets.adaptive import adaptive_pooling_explorer, default_values, render_adaptive
from poolutils.widgets.images import image_pooling_explorer


@pytest.fixture(scope="module")
def photo():
    return sample_image(8)


def keras_image(photo, mode, pool_size, stride):
    x = photo[None, :, :, None]
    return keras_pool(mode, x, pool_size=pool_size, strides=stride)[0, :, :, 0]


def test_image_explorer_starts_on_the_photo_and_matches_keras():
    w = image_pooling_explorer()
    full = sample_image(4)
    assert w.state["input_shape"] == full.shape
    np.testing.assert_allclose(w.state["pooled"], keras_image(full, "max", 4, 4), rtol=1e-6)
    assert w.png[:4] == b"\x89PNG"


def test_image_explorer_follows_every_control(photo):
    w = image_pooling_explorer(photo, mode="max", pool_size=2, stride=2)
    settings = [("mode", "avg"), ("pool_size", 5), ("stride", 3), ("mode", "max"), ("pool_size", 1)]
    for name, value in settings:
        before = w.readout.value
        w.controls[name].value = value
        mode, pool, stride = (w.controls[k].value for k in ("mode", "pool_size", "stride"))
        expected = keras_image(photo, mode, pool, stride)
        np.testing.assert_allclose(w.state["pooled"], expected, rtol=1e-6, atol=1e-7)
        assert w.state["output_shape"] == expected.shape
        assert w.readout.value != before
        assert f"{expected.shape[0]} x {expected.shape[1]}" in w.readout.value
        assert ("average" in w.readout.value) == (mode == "avg")


def keras_adaptive(values, input_size, output_size, mode):
    x = np.asarray(values[:input_size], dtype=np.float32)[None, :, None]
    return keras_pool(f"adaptive_{mode}", x, output_size=output_size)[0, :, 0]


def test_adaptive_explorer_follows_every_control():
    values = default_values()
    w = adaptive_pooling_explorer()
    settings = [
        ("output_size", 3),
        ("input_size", 16),
        ("mode", "avg"),
        ("output_size", 5),
        ("input_size", 7),
    ]
    for name, value in settings:
        before = w.readout.value
        w.controls[name].value = value
        n, out, mode = (w.controls[k].value for k in ("input_size", "output_size", "mode"))
        np.testing.assert_allclose(w.state["pooled"], keras_adaptive(values, n, out, mode), rtol=1e-6)
        assert len(w.state["starts"]) == out
        assert w.readout.value != before
        assert w.readout.value.count("<tr>") == out + 1


@pytest.mark.parametrize("n,out", [(10, 4), (7, 3), (5, 5), (3, 8)])
def test_adaptive_windows_reproduce_keras_cell_by_cell(n, out):
    # Each output must equal pooling its own listed window, which Keras computes independently.
    values = default_values()
    w = adaptive_pooling_explorer(values, input_size=n, output_size=out, mode="avg")
    for i, (start, stop) in enumerate(zip(w.state["starts"], w.state["stops"])):
        window = values[None, start:stop, None]
        np.testing.assert_allclose(w.state["pooled"][i], keras_pool("global_avg", window)[0, 0], rtol=1e-6)
    np.testing.assert_allclose(w.state["pooled"], keras_adaptive(values, n, out, "avg"), rtol=1e-6)


def test_adaptive_output_size_one_is_global_max():
    values = default_values()
    w = adaptive_pooling_explorer(values, input_size=12, output_size=1)
    expected = keras_pool("global_max", values[None, :12, None])[0]
    np.testing.assert_array_equal(w.state["pooled"], expected)
    assert (w.state["starts"], w.state["stops"]) == ((0,), (12,))


@pytest.mark.parametrize("kwargs,match", [({"input_size": 9}, "input_size"), ({"mode": "min"}, "mode")])
def test_adaptive_render_rejects_bad_arguments(kwargs, match):
    args = {"values": np.arange(4.0), "input_size": 4, "output_size": 2, "mode": "max"} | kwargs
    with pytest.raises(ValueError, match=match):
        render_adaptive(**args)
