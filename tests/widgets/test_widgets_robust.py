"""Widgets and plots under extreme input: NaN and infinities are drawn, sizes are capped with a sentence.

A learner's map may hold NaN (a division by zero upstream) or ±inf (an
overflow). Every picture draws such cells, with the value written out and a
colour that says what it is: NaN its own colour, +inf and -inf the ends of
the colour scale of the finite values. Nothing blames a ``vmin`` or
``vmax`` the learner never passed. Each widget caps the map it takes, and
the refusal names the argument, echoes its shape and says the limit; the
time per update at the largest allowed size is in benchmarks/bench_widgets.py.
"""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pytest
from PIL import Image

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from poolutils.keras_check import keras_pool
from poolutils.plotting import finite_range, plot_grid, plot_pooling_step
from poolutils.widgets._grid import MAX_MAP_SIDE
from poolutils.widgets._picture import BLUES, INDEX, NAN_FACE, SCALE, TITLE, cell_side
from poolutils.widgets.adaptive import MAX_VALUES, adaptive_pooling_explorer
from poolutils.widgets.gradients import gradient_router
from poolutils.widgets.images import MAX_IMAGE_SIDE, image_pooling_explorer
from poolutils.widgets.stepper import pooling_stepper

EXTREME = np.array(
    [
        [1.0, 2.0, np.nan, 4.0],
        [5.0, np.inf, 7.0, 8.0],
        [9.0, 10.0, -np.inf, 12.0],
        [13.0, 14.0, 15.0, 16.0],
    ]
)
MARGIN = 8  # draw_grids' margin, CSS pixels


def pixel(png: bytes, x: float, y: float) -> tuple[int, int, int]:
    """The colour at CSS pixel (x, y) of a widget picture."""
    return Image.open(io.BytesIO(png)).convert("RGB").getpixel((round(x * SCALE), round(y * SCALE)))


def input_cell_corner(widget, row: int, col: int) -> tuple[float, float]:
    """A point inside input cell (row, col) of a stepper picture with no padding, clear of its text."""
    cell = cell_side(*EXTREME.shape)
    return MARGIN + INDEX + col * cell + 3, MARGIN + TITLE + row * cell + 3


def test_stepper_draws_nan_and_infinities_in_their_colours():
    w = pooling_stepper(EXTREME)
    assert "error" not in w.state
    assert pixel(w.png, *input_cell_corner(w, 0, 2)) == NAN_FACE
    assert pixel(w.png, *input_cell_corner(w, 1, 1)) == BLUES[-1]  # +inf: the top of the scale
    assert pixel(w.png, *input_cell_corner(w, 2, 2)) == BLUES[0]  # -inf: the bottom
    assert pixel(w.png, *input_cell_corner(w, 3, 3)) == BLUES[-1]  # 16, the largest finite value
    # The windows' values as Keras computes them, NaN ignored by the max.
    expected = keras_pool("max", EXTREME[None, :, :, None].astype(np.float32), pool_size=2)[0, :, :, 0]
    np.testing.assert_array_equal(w.state["output"], expected)
    w.controls["position"].value = 1
    assert w.readout.value == "output[0, 1] = max(nan, 4, 7, 8) = 8"


def test_stepper_in_average_mode_writes_nan_where_keras_gets_nan():
    w = pooling_stepper(EXTREME, mode="avg")
    expected = keras_pool("avg", EXTREME[None, :, :, None].astype(np.float32), pool_size=2)[0, :, :, 0]
    np.testing.assert_array_equal(w.state["output"], expected)
    assert w.readout.value.endswith("= inf") and "error" not in w.state


def test_a_map_of_only_nan_is_drawn():
    w = pooling_stepper(np.full((3, 3), np.nan))
    assert "error" not in w.state and pixel(w.png, *input_cell_corner(w, 0, 0)) == NAN_FACE


def test_gradient_router_takes_nan_and_infinities():
    w = gradient_router(EXTREME)
    assert "error" not in w.state and w.png
    for position in range(4):
        w.controls["position"].value = position
        assert "error" not in w.state
    w.controls["mode"].value = "avg"
    assert "error" not in w.state


def test_adaptive_and_image_explorers_take_nan_and_infinities():
    values = np.array([3.0, np.nan, np.inf, -np.inf, 1.0, 2.0])
    w = adaptive_pooling_explorer(values, input_size=6, output_size=3)
    assert "error" not in w.state and w.png
    assert "<td>inf</td>" in w.readout.value
    w = image_pooling_explorer(EXTREME, pool_size=2, stride=2)
    assert "error" not in w.state and w.png


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_plot_pooling_step_draws_extremes_without_blaming_vmin(mode):
    fig = plot_pooling_step(EXTREME, 2, position=(0, 1), mode=mode)
    written = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "value"]
    assert {"nan", "inf", "-inf"} <= set(written)
    plt.close(fig)
    for fill in (np.nan, np.inf, -np.inf):
        plt.close(plot_pooling_step(np.full((4, 4), fill), 2, position=(0, 0), mode=mode))


def test_plot_grid_colours_infinities_at_the_scale_ends():
    fig, ax = plt.subplots()
    plot_grid(ax, EXTREME)
    image = ax.images[0]
    shown = image.get_array()
    assert shown[1, 1] == 16.0 and shown[2, 2] == 1.0  # inf and -inf take the finite ends
    assert np.ma.is_masked(shown[0, 2])  # NaN: the colour map's "bad" colour
    plt.close(fig)


def test_finite_range_ignores_nan_and_infinities():
    assert finite_range(EXTREME) == (1.0, 16.0)
    assert finite_range(np.array([np.nan, np.inf])) == (0.0, 1.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: pooling_stepper(np.zeros((33, 4))), "`x2d` must be a map of at most 32 x 32 cells"),
        (lambda: gradient_router(np.zeros((64, 64))), "`x2d` must be a map of at most 32 x 32 cells"),
        (lambda: adaptive_pooling_explorer(np.zeros(2000)), "`values` must hold 1 to 64 numbers"),
        (lambda: image_pooling_explorer(np.zeros((4, 2048))), "`image` must be at most 1024 x 1024 pixels"),
    ],
)
def test_sizes_past_the_limit_are_refused_with_a_sentence(call, message):
    with pytest.raises(ValueError, match="Received: ") as err:
        call()
    assert str(err.value).startswith(message) and "with shape (" in str(err.value)


def test_the_largest_allowed_sizes_are_drawn():
    side = MAX_MAP_SIDE
    x = np.random.default_rng(0).normal(size=(side, side))
    router = gradient_router(x)
    router.controls["pool_size"].value = 1
    router.controls["stride"].value = 1
    assert router.controls["position"].max == side * side - 1
    router.controls["position"].value = side * side - 1
    assert router.state["receivers"] == [(side - 1, side - 1)]
    assert adaptive_pooling_explorer(np.arange(float(MAX_VALUES)), input_size=MAX_VALUES).png
    assert image_pooling_explorer(np.zeros((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))).png
