"""How long one widget update takes: control change -> render -> PNG bytes.

Run with ``.venv/bin/python benchmarks/bench_widgets.py``.

Each update sets one control to a new value in code, exactly as a learner's
slider move does; the widget's callback renders the figure and turns it into
the PNG that the notebook shows (``PoolWidget.png``, at twice the pixels for
HiDPI screens). The time of the whole chain is measured, median over the
updates. Target: median under 100 ms per update for every widget, so a slider
feels immediate.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

from poolutils.widgets._ui import PoolWidget
from poolutils.widgets.adaptive import adaptive_pooling_explorer
from poolutils.widgets.gradients import gradient_router
from poolutils.widgets.images import image_pooling_explorer
from poolutils.widgets.shapes import output_size_calculator, stack_calculator
from poolutils.widgets.stepper import pooling_stepper

TARGET_MS = 100.0
UPDATES = 20

# Widget factory, the control moved, and the values it cycles through.
CASES: dict[str, tuple[Callable[[], PoolWidget], str, list]] = {
    "output_size_calculator (n)": (output_size_calculator, "n", list(range(4, 16))),
    "output_size_calculator (padding)": (output_size_calculator, "padding", ["same", "valid"]),
    "stack_calculator (input size)": (stack_calculator, "input_size", list(range(20, 40))),
    "pooling_stepper (position)": (pooling_stepper, "position", list(range(9))),
    "pooling_stepper (pool size)": (pooling_stepper, "pool_size", [3, 2, 1, 4]),
    "gradient_router (position)": (gradient_router, "position", list(range(9))),
    "adaptive_pooling_explorer (output)": (adaptive_pooling_explorer, "output_size", list(range(2, 9))),
    "image_pooling_explorer (stride)": (image_pooling_explorer, "stride", list(range(2, 7))),
}


def update_ms(widget: PoolWidget, control: str, values: list, updates: int = UPDATES) -> list[float]:
    """Times of ``updates`` control changes, cycling through ``values``."""
    times = []
    current = widget.controls[control].value
    for i in range(updates + 1):
        value = values[i % len(values)]
        if value == current:  # an unchanged value fires no callback
            value = values[(i + 1) % len(values)]
        start = time.perf_counter()
        widget.controls[control].value = value
        elapsed = (time.perf_counter() - start) * 1000
        assert widget.png, f"{control}={value!r} rendered no figure: {widget.state}"
        current = value
        if i:  # the first update warms matplotlib's caches
            times.append(elapsed)
    return times


def main() -> int:
    print(f"{'widget update':36} {'median ms':>10} {'max ms':>8}")
    ok = True
    for name, (factory, control, values) in CASES.items():
        times = update_ms(factory(), control, values)
        median = statistics.median(times)
        ok &= median < TARGET_MS
        print(f"{name:36} {median:10.1f} {max(times):8.1f}")
    print(f"{'PASS' if ok else 'FAIL'}: median update under {TARGET_MS:.0f} ms for every widget")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
