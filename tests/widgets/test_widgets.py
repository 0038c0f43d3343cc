"""Every control of every widget, driven headless, checked against Keras."""

import numpy as np
import pytest

from poolutils.keras_check import keras_pool
from poolutils.plotting import format_value
from poolutils.widgets._picture import Canvas
from poolutils.widgets._ui import build_widget, int_slider
from poolutils.widgets.shapes import output_size_calculator, stack_calculator
from poolutils.widgets.stepper import default_map, pooling_stepper


def shown_png(widget):
    assert widget.picture.layout.display is None, "the picture is hidden"
    return widget.picture.value


# --- framework ---------------------------------------------------------------


def test_build_widget_renders_on_every_change_and_shows_errors():
    calls = []

    def render(k):
        calls.append(k)
        if k > 5:
            raise ValueError(f"k must be at most 5. Received: k={k}.")
        return Canvas(10 * k, 10), {"readout": f"<i>{k}</i>", "k": k}

    w = build_widget(render, {"k": int_slider("k", 2, 1, 9)}, title="demo")
    assert calls == [2] and w.state == {"readout": "<i>2</i>", "k": 2}
    first = shown_png(w)
    w.controls["k"].value = 4
    assert calls == [2, 4] and w.readout.value == "<i>4</i>"
    assert shown_png(w) != first and shown_png(w) == w.png
    w.controls["k"].value = 7
    assert "Received: k=7" in w.state["error"] and "pool-error" in w.readout.value
    assert w.png == b"" and w.picture.layout.display == "none"
    w.controls["k"].value = 3
    assert shown_png(w) == w.png != b"" and w.picture.width == "30"
    assert "pool-readout" in w.readout._dom_classes and "pool-k" in w.controls["k"]._dom_classes


# --- output-size calculator -------------------------------------------------


def keras_size(keras, n, pool_size, stride, padding):
    return keras.layers.MaxPooling1D(pool_size, stride, padding).compute_output_shape((1, n, 1))[1]


@pytest.mark.parametrize(
    ("control", "value"),
    [("n", 9), ("pool_size", 3), ("stride", 1), ("stride", 3), ("padding", "same")],
)
def test_output_size_calculator_follows_each_control(keras, control, value):
    w = output_size_calculator(n=7, pool_size=2, stride=2)
    before_png = w.png
    w.controls[control].value = value
    settings = {name: c.value for name, c in w.controls.items()}
    expected = keras_size(
        keras, settings["n"], settings["pool_size"], settings["stride"], settings["padding"]
    )
    assert w.state["output_size"] == expected
    assert f'<b class="output-size">{expected}</b>' in w.readout.value
    assert w.png != before_png
    assert "pool-stride" in w.controls["stride"]._dom_classes


@pytest.mark.parametrize(
    ("n", "pool_size", "stride"), [(6, 2, 2), (7, 3, 2), (5, 2, 2), (10, 4, 3), (4, 1, 3)]
)
def test_output_size_calculator_same_split_matches_keras(keras, n, pool_size, stride):
    w = output_size_calculator(n=n, pool_size=pool_size, stride=stride, padding="same")
    before, after = w.state["padding"]
    # Keras' first window reads pool_size - before real cells, its last one pool_size - after.
    onehots = np.eye(n, dtype=np.float32)[:, :, None]
    reads = keras_pool("max", onehots, pool_size=pool_size, strides=stride, padding="same")[..., 0]
    assert w.state["output_size"] == reads.shape[1] == keras_size(keras, n, pool_size, stride, "same")
    assert int(reads[:, 0].sum()) == min(pool_size - before, n)
    assert int(reads[:, -1].sum()) == pool_size - after or pool_size - after > n
    assert f"{before} before, {after} after" in w.readout.value
    assert f"⌈{n} / {stride}⌉" in w.readout.value


def test_output_size_calculator_valid_formula_and_refusal(keras):
    w = output_size_calculator(n=6, pool_size=2, stride=2)
    assert "⌊(6 - 2) / 2⌋ + 1 = 3" in w.readout.value
    assert "2.5, rounded up: 3" in w.readout.value
    w.controls["pool_size"].value = 6
    w.controls["n"].value = 4
    with pytest.raises(ValueError):
        keras_size(keras, 4, 6, 2, "valid")
    assert "pool_size <= n" in w.state["error"]
    w.controls["padding"].value = "same"
    assert w.state["output_size"] == keras_size(keras, 4, 6, 2, "same")


# --- stack calculator ---------------------------------------------------------


def keras_stack_shapes(keras, input_size, kernel_size, pool_size, stride, padding):
    layers = [
        keras.layers.Conv2D(8, kernel_size, padding=padding),
        keras.layers.MaxPooling2D(pool_size, stride, padding),
        keras.layers.Conv2D(16, kernel_size, padding=padding),
        keras.layers.MaxPooling2D(pool_size, stride, padding),
    ]
    shape = (1, input_size, input_size, 1)
    shapes = [shape[1:]]
    for layer in layers:
        shape = layer.compute_output_shape(shape)
        shapes.append(tuple(shape[1:]))
    return shapes


@pytest.mark.parametrize(
    ("control", "value"),
    [("input_size", 32), ("kernel_size", 5), ("pool_size", 3), ("stride", 1), ("padding", "same")],
)
def test_stack_calculator_follows_each_control(keras, control, value):
    w = stack_calculator()
    before = w.state["shapes"]
    w.controls[control].value = value
    settings = {name: c.value for name, c in w.controls.items()}
    expected = keras_stack_shapes(keras, **settings)
    assert w.state["shapes"] == expected != before
    for shape in expected:
        assert f"<code>{shape}</code>" in w.readout.value


def test_stack_calculator_reports_a_stack_that_does_not_fit(keras):
    w = stack_calculator()
    w.controls["input_size"].value = 12
    w.controls["kernel_size"].value = 5
    with pytest.raises(ValueError):
        keras_stack_shapes(keras, 12, 5, 2, 2, "valid")
    assert "does not fit: the layer 'conv 5x5, 16 filters' receives 4 cells" in w.state["error"]
    assert w.png == b"" and w.picture.layout.display == "none"
    w.controls["padding"].value = "same"
    assert w.state["shapes"] == keras_stack_shapes(keras, 12, 5, 2, 2, "same")


# --- stepper ------------------------------------------------------------------


def keras_map(x, kind, pool_size, stride, padding):
    x4 = x[None, :, :, None].astype(np.float32)
    return keras_pool(kind, x4, pool_size=pool_size, strides=stride, padding=padding)[0, :, :, 0]


def keras_window(shape, pool_size, stride, padding, position):
    size = shape[0] * shape[1]
    onehots = np.eye(size, dtype=np.float32).reshape(size, *shape, 1)
    reads = keras_pool("max", onehots, pool_size=pool_size, strides=stride, padding=padding)[
        (slice(None), *position, 0)
    ]
    return sorted(tuple(int(i) for i in np.unravel_index(k, shape)) for k in np.flatnonzero(reads))


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize(
    ("pool_size", "stride", "padding"), [(2, 2, "valid"), (3, 2, "same"), (3, 1, "valid"), (2, 3, "same")]
)
def test_stepper_shows_keras_values_for_every_position(mode, pool_size, stride, padding):
    x = default_map()
    w = pooling_stepper(mode=mode)
    w.controls["pool_size"].value = pool_size
    w.controls["stride"].value = stride
    w.controls["padding"].value = padding
    expected = keras_map(x, mode, pool_size, stride, padding)
    assert w.controls["position"].max == expected.size - 1
    np.testing.assert_allclose(w.state["output"], expected, rtol=1e-6)
    seen = set()
    for index in range(expected.size):
        w.controls["position"].value = index
        row, col = np.unravel_index(index, expected.shape)
        assert w.state["position"] == (row, col)
        assert w.state["value"] == pytest.approx(expected[row, col])
        assert f"output[{row}, {col}] = " in w.readout.value
        assert w.readout.value.split(" <small>")[0].endswith(f"= {format_value(expected[row, col])}")
        seen.add(w.png)
    assert len(seen) == expected.size  # the picture changes with the position


@pytest.mark.parametrize(
    ("pool_size", "stride", "padding"), [(2, 2, "valid"), (3, 2, "same"), (4, 3, "same")]
)
def test_stepper_highlights_the_cells_keras_reads(pool_size, stride, padding):
    x = default_map()
    w = pooling_stepper()
    w.controls["pool_size"].value = pool_size
    w.controls["stride"].value = stride
    w.controls["padding"].value = padding
    for index in (0, w.controls["position"].max):
        w.controls["position"].value = index
        cells = keras_window(x.shape, pool_size, stride, padding, w.state["position"])
        assert sorted(w.state["window_cells"]) == cells
        assert sorted(w.state["window_values"]) == sorted(int(x[c]) for c in cells)
        assert w.state["padding_cells"] == pool_size * pool_size - len(cells)


def test_stepper_position_is_clamped_when_the_output_shrinks():
    x = default_map()
    w = pooling_stepper()
    w.controls["stride"].value = 1
    w.controls["position"].value = w.controls["position"].max
    big = keras_map(x, "max", 2, 1, "valid").shape
    assert w.state["position"] == (big[0] - 1, big[1] - 1)
    w.controls["stride"].value = 3
    small = keras_map(x, "max", 2, 3, "valid").shape
    assert w.controls["position"].max == w.controls["position"].value == small[0] * small[1] - 1
    assert w.state["position"] == (small[0] - 1, small[1] - 1)


def test_stepper_padding_is_not_zero():
    x = default_map()
    w = pooling_stepper()
    w.controls["pool_size"].value = 3
    w.controls["padding"].value = "same"
    w.controls["position"].value = w.controls["position"].max
    assert w.state["padding_cells"] > 0 and w.state["value"] < 0
    zero_padded = keras_map(np.pad(x, ((0, 1), (0, 1))), "max", 3, 2, "valid")
    assert zero_padded[-1, -1] == 0 != keras_map(x, "max", 3, 2, "same")[-1, -1] == w.state["value"]
    assert "never the maximum" in w.readout.value


def test_stepper_takes_a_map_and_checks_its_arguments():
    fmap = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 6], [3, 5, 7, 2]])
    w = pooling_stepper(fmap)
    w.controls["position"].value = 1
    assert w.readout.value == "output[0, 1] = max(2, 9, 1, 7) = 9"
    assert w.controls["pool_size"].max == 4
    with pytest.raises(ValueError, match="mode='min'"):
        pooling_stepper(mode="min")
    with pytest.raises(ValueError, match=r"shape \(4,\)"):
        pooling_stepper(np.zeros(4))


# --- shared 2-D window controls ----------------------------------------------------


def test_stepper_and_router_offer_the_same_window_controls():
    from poolutils.widgets.gradients import gradient_router

    x = np.arange(20.0).reshape(4, 5)
    stepper, router = pooling_stepper(x), gradient_router(x)

    def ranges(widget):
        return {
            name: (c.min, c.max, c.value) if hasattr(c, "min") else c.options
            for name, c in widget.controls.items()
            if name in ("pool_size", "stride", "padding", "position")
        }

    assert ranges(stepper) == ranges(router)
    for widget in (stepper, router):
        widget.controls["stride"].value = 1
        rows, cols = keras_map(x, "max", 2, 1, "valid").shape
        assert widget.controls["position"].max == rows * cols - 1
