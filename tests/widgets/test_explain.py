"""poolutils.explain is pure: the widgets' numbers without matplotlib, ipywidgets or Pillow.

The numbers themselves are checked against Keras through the widgets that
show them (tests/test_widgets*.py); here, that notebooks and checkers can
import them without the drawing stack, and that the widgets show exactly them.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from poolutils import explain
from poolutils.widgets.gradients import gradient_router
from poolutils.widgets.shapes import output_size_calculator, stack_calculator
from poolutils.widgets.stepper import pooling_stepper


def test_explain_imports_no_drawing_or_widget_library():
    code = (
        "import sys, poolutils.explain\n"
        "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'PIL', 'tensorflow', 'keras') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_widgets_show_what_explain_computes():
    x = np.arange(36.0).reshape(6, 6)
    stepper = pooling_stepper(x)
    stepper.controls["position"].value = 4
    assert stepper.readout.value == explain.explain_cell(x, 2, 2, "valid", 4)["readout"]
    router = gradient_router(x)
    router.controls["stride"].value = 1
    router.controls["position"].value = 7
    expected = explain.route_cell(x, None, 2, 1, "valid", 7)
    assert router.readout.value == expected["readout"]
    np.testing.assert_array_equal(router.state["contribution"], expected["contribution"])
    sizes = output_size_calculator(n=9, pool_size=3, stride=2, padding="same")
    assert sizes.readout.value == explain.output_size_readout(9, 3, 2, "same")["readout"]
    stack = stack_calculator(input_size=20)
    assert stack.state["shapes"] == [s for _, s in explain.stack_shapes(20, 3, 2, 2)]


def test_route_cell_senders_count_the_windows_that_route_to_each_cell():
    # A 3x3 map whose centre is the largest: with 2x2 windows and stride 1 every window picks it.
    x = np.array([[0, 0, 0], [0, 9, 0], [0, 0, 0]], dtype=np.float32)
    info = explain.route_cell(x, np.ones((2, 2)), 2, 1, "valid", 0)
    assert info["senders"].tolist() == [[0, 0, 0], [0, 4, 0], [0, 0, 0]]
    assert info["grad"][1, 1] == 4 and info["receivers"] == [(1, 1)]
