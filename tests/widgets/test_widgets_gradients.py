"""The gradient-routing widget, driven headless and checked against tf.GradientTape."""

import numpy as np
import pytest

from poolutils.keras_check import keras_pool_gradient
from poolutils.widgets.gradients import default_maps, gradient_router, route_cell, upstream


def tape_grad(mode, x2d, dy2d, pool_size, stride, padding):
    kwargs = dict(pool_size=pool_size, strides=stride, padding=padding)
    return keras_pool_gradient(mode, x2d[None, :, :, None], dy2d[None, :, :, None], **kwargs)[0, :, :, 0]


SETTINGS = [
    dict(mode="max", pool_size=2, stride=2, padding="valid", position=4),
    dict(mode="max", pool_size=3, stride=1, padding="valid", position=5),
    dict(mode="max", pool_size=3, stride=2, padding="same", position=8),
    dict(mode="avg", pool_size=3, stride=1, padding="same", position=0),
    dict(mode="avg", pool_size=2, stride=1, padding="valid", position=12),
]


@pytest.mark.parametrize("setting", SETTINGS)
def test_widget_routes_like_gradient_tape(keras, setting):
    w = gradient_router()
    for name, value in setting.items():
        w.controls[name].value = value
    x, _ = default_maps()
    dy = upstream(_out_shape(w))
    np.testing.assert_allclose(
        w.state["grad"], tape_grad(setting["mode"], x, dy, *_layer_args(setting)), atol=1e-6
    )
    row, col = w.state["position"]
    assert row * _out_shape(w)[1] + col == setting["position"]
    one_hot = np.zeros_like(dy)
    one_hot[row, col] = dy[row, col]
    share = tape_grad(setting["mode"], x, one_hot, *_layer_args(setting))
    np.testing.assert_allclose(w.state["contribution"], share, atol=1e-6)
    assert w.state["receivers"] == [tuple(c) for c in np.argwhere(share != 0).tolist()]
    assert w.png[:4] == b"\x89PNG"


def _layer_args(setting):
    return setting["pool_size"], setting["stride"], setting["padding"]


def _out_shape(w):
    from poolutils.windows import pool_windows

    c = w.controls
    return pool_windows((6, 6), c["pool_size"].value, c["stride"].value, c["padding"].value).output_shape


def test_changing_controls_changes_state_and_readout():
    w = gradient_router()
    seen = {(w.state["position"], w.readout.value)}
    assert "maximum of its window" in w.readout.value and "Overlap" not in w.readout.value
    w.controls["position"].value = 3
    seen.add((w.state["position"], w.readout.value))
    w.controls["stride"].value = 1  # overlapping windows
    assert w.controls["position"].max == 24
    assert int(w.state["senders"].max()) > 1 and "Overlap" in w.readout.value
    w.controls["mode"].value = "avg"
    assert "spread over the window" in w.readout.value
    w.controls["padding"].value = "same"
    w.controls["pool_size"].value = 3
    w.controls["position"].value = w.controls["position"].max
    assert "padding cells receive nothing" in w.readout.value
    seen.add((w.state["position"], w.readout.value))
    assert len(seen) == 3


def test_split_ties_share_the_cells_gradient():
    x = np.array([[1, 4], [4, 0]], dtype=np.float32)
    dy = np.array([[6]], dtype=np.float32)
    first = route_cell(x, dy, 2, 2, "valid", 0, ties="first")
    split = route_cell(x, dy, 2, 2, "valid", 0, ties="split")
    assert first["receivers"] == [(0, 1)]
    assert split["receivers"] == [(0, 1), (1, 0)]
    np.testing.assert_allclose(split["contribution"], [[0, 3], [3, 0]])
    assert "split between the tied maxima" in split["readout"]


def test_ties_control_changes_routing_of_a_tied_window():
    x = np.zeros((4, 4), dtype=np.float32)
    w = gradient_router(x)
    assert len(w.state["receivers"]) == 1
    w.controls["ties"].value = "split"
    assert len(w.state["receivers"]) == 4


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="mode"):
        gradient_router(mode="min")
    with pytest.raises(ValueError, match="x2d"):
        gradient_router(np.zeros((1, 4, 4)))
    with pytest.raises(ValueError, match="mode"):
        route_cell(np.zeros((4, 4)), np.zeros((2, 2)), 2, 2, "valid", 0, mode="sum")
