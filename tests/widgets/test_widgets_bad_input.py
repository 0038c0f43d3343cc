"""Bad input to the widgets gets a sentence at once: the caller's argument named, its value echoed.

Every factory and render function is swept with the classes of bad input
that ipywidgets or NumPy would otherwise answer with a TraitError, a silent
clamp or a silent cast: empty maps, wrong ranks, ragged lists, complex
numbers, strings, modes in the wrong case, start values outside a slider.
"""

from __future__ import annotations

import numpy as np
import pytest
from traitlets import TraitError

from poolutils.widgets.adaptive import adaptive_pooling_explorer, render_adaptive
from poolutils.widgets.gradients import gradient_router, render_routing, route_cell
from poolutils.widgets.images import image_pooling_explorer, render_image_pooling
from poolutils.widgets.shapes import output_size_calculator, stack_calculator
from poolutils.widgets.stepper import explain_cell, pooling_stepper, render_step

MAP = np.arange(16.0).reshape(4, 4)
DY = np.ones((2, 2))

# Call, the argument it must name, and the value it must echo.
BAD_MAPS = [
    (np.zeros((0, 4)), "x2d with shape (0, 4)"),
    (np.zeros((4, 0)), "x2d with shape (4, 0)"),
    (np.zeros((1, 4, 4)), "x2d with shape (1, 4, 4)"),
    (np.zeros(4), "x2d with shape (4,)"),
    ([[1, 2], [3]], "x2d as a ragged list"),
    (np.ones((3, 3)) * 1j, "x2d with dtype complex128"),
    (np.array([["1", "2"], ["3", "4"]]), "x2d with dtype <U1"),
    (np.array([[True, False], [False, True]]), "x2d with dtype bool"),
    ([[None, 1], [2, 3]], "x2d with dtype object"),
]
MAP_TAKERS = {
    "pooling_stepper": lambda x: pooling_stepper(x),
    "gradient_router": lambda x: gradient_router(x),
    "explain_cell": lambda x: explain_cell(x, 2, 2, "valid", 0),
    "render_step": lambda x: render_step(x, 2, 2, "valid", 0),
    "route_cell": lambda x: route_cell(x, None, 2, 2, "valid", 0),
    "render_routing": lambda x: render_routing(x, None, 2, 2, "valid", 0),
}


@pytest.mark.parametrize("taker", MAP_TAKERS)
@pytest.mark.parametrize(("x2d", "echo"), BAD_MAPS, ids=[e for _, e in BAD_MAPS])
def test_bad_maps_are_refused_naming_x2d(taker, x2d, echo):
    with pytest.raises((ValueError, TypeError)) as err:
        MAP_TAKERS[taker](x2d)
    assert not isinstance(err.value, TraitError)
    message = str(err.value)
    assert message.startswith("`x2d` must ")
    assert f"Received: {echo}" in message


# Each widget's factory with one bad argument; the message names it and echoes the value.
BAD_ARGUMENTS = [
    (pooling_stepper, {"mode": "MAX"}, "mode='MAX'"),
    (gradient_router, {"mode": "MAX"}, "mode='MAX'"),
    (adaptive_pooling_explorer, {"mode": "MAX"}, "mode='MAX'"),
    (image_pooling_explorer, {"mode": "MAX"}, "mode='MAX'"),
    (adaptive_pooling_explorer, {"input_size": 0}, "input_size=0"),
    (adaptive_pooling_explorer, {"input_size": 2.5}, "input_size=2.5 of type float"),
    (adaptive_pooling_explorer, {"input_size": "3"}, "input_size='3' of type str"),
    (adaptive_pooling_explorer, {"input_size": True}, "input_size=True of type bool"),
    (adaptive_pooling_explorer, {"input_size": 17}, "input_size=17"),
    (adaptive_pooling_explorer, {"output_size": 0}, "output_size=0"),
    (adaptive_pooling_explorer, {"output_size": 99}, "output_size=99"),
    (adaptive_pooling_explorer, {"values": []}, "values with shape (0,)"),
    (adaptive_pooling_explorer, {"values": np.zeros(65)}, "values with shape (65,)"),
    (adaptive_pooling_explorer, {"values": [[1.0, 2.0]]}, "values with shape (1, 2)"),
    (image_pooling_explorer, {"image": np.zeros((1025, 4))}, "image with shape (1025, 4)"),
    (adaptive_pooling_explorer, {"values": np.zeros((2, 3))}, "values with shape (2, 3)"),
    (adaptive_pooling_explorer, {"values": ["a", "b"]}, "values with dtype <U1"),
    (image_pooling_explorer, {"image": np.zeros((0, 3))}, "image with shape (0, 3)"),
    (image_pooling_explorer, {"image": np.ones((4, 4)) * 1j}, "image with dtype complex128"),
    (image_pooling_explorer, {"pool_size": 0}, "pool_size=0"),
    (image_pooling_explorer, {"stride": 9}, "stride=9"),
    (output_size_calculator, {"n": 0}, "n=0"),
    (output_size_calculator, {"pool_size": 7}, "pool_size=7"),
    (output_size_calculator, {"stride": 2.0}, "stride=2.0 of type float"),
    (output_size_calculator, {"padding": "full"}, "padding='full'"),
    (stack_calculator, {"kernel_size": 0}, "kernel_size=0"),
    (stack_calculator, {"stride": 5}, "stride=5"),
    (stack_calculator, {"input_size": 3}, "input_size=3"),
]


@pytest.mark.parametrize(("factory", "kwargs", "echo"), BAD_ARGUMENTS, ids=[e for *_, e in BAD_ARGUMENTS])
def test_bad_arguments_get_our_sentence_not_a_trait_error(factory, kwargs, echo):
    with pytest.raises((ValueError, TypeError)) as err:
        factory(**kwargs)
    assert not isinstance(err.value, TraitError)
    name = next(iter(kwargs))
    assert str(err.value).startswith(f"`{name}` must ")
    assert f"Received: {echo}" in str(err.value)


def test_padding_in_any_case_is_accepted_as_keras_does():
    assert output_size_calculator(padding="SAME").controls["padding"].value == "same"


@pytest.mark.parametrize(
    ("call", "echo"),
    [
        (lambda: route_cell(MAP, np.ones((3, 3)), 2, 2, "valid", 0), "dy2d with shape (3, 3)"),
        (lambda: route_cell(MAP, DY * 1j, 2, 2, "valid", 0), "dy2d with dtype complex128"),
        (lambda: route_cell(MAP, [["a", "b"], ["c", "d"]], 2, 2, "valid", 0), "dy2d with dtype <U1"),
        (lambda: route_cell(MAP, DY, 2, 2, "valid", 0, ties="all"), "ties='all'"),
        (lambda: route_cell(MAP, DY, 2, 2, "valid", -1), "position=-1"),
        (lambda: explain_cell(MAP, 2, 2, "valid", 1.5), "position=1.5"),
        (lambda: explain_cell(MAP, 2, 2, "valid", 0, mode="Max"), "mode='Max'"),
        (lambda: render_adaptive(np.arange(4.0), 2.5, 2, "max"), "input_size=2.5"),
        (lambda: render_adaptive(np.arange(4.0), 0, 2, "max"), "input_size=0"),
        (lambda: render_adaptive(np.arange(4.0), 5, 2, "max"), "input_size=5"),
        (lambda: render_adaptive(np.arange(4.0), 4, None, "max"), "output_size=None"),
        (lambda: render_image_pooling(np.eye(4), "MAX", 2, 2), "mode='MAX'"),
    ],
)
def test_render_functions_name_the_argument(call, echo):
    with pytest.raises(
        (ValueError, TypeError), match="Received: " + echo.replace("(", r"\(").replace(")", r"\)")
    ):
        call()


def test_good_input_is_not_modified():
    x = np.arange(16).reshape(4, 4)
    dy = np.ones((2, 2))
    before_x, before_dy = x.copy(), dy.copy()
    pooling_stepper(x).controls["position"].value = 3
    gradient_router(x).controls["mode"].value = "avg"
    route_cell(x, dy, 2, 2, "valid", 0)
    np.testing.assert_array_equal(x, before_x)
    np.testing.assert_array_equal(dy, before_dy)
