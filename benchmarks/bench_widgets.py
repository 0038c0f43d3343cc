"""How long one widget update takes: control change -> computation -> picture -> PNG bytes.

Run with ``.venv/bin/python benchmarks/bench_widgets.py`` on an idle machine;
the load average is printed with the table, since other work on the cores
inflates every figure.

Each update sets one control to a new value in code, exactly as a learner's
slider move does; the widget's callback computes the result, draws the
picture and encodes the PNG that the browser shows (``PoolWidget.png``, at
twice the pixels for HiDPI screens). The time of the whole chain is
measured, median over the updates, both as wall time and as the CPU time of
this process: on a shared machine the wall time also counts the time other
processes held the core, while the CPU time is close to what the wall time
would be on an idle core (the work is single-threaded). The targets apply to
the wall time measured on an idle machine; on a busy one, read the CPU column.

Targets:

- every widget at its default input: median under :data:`TARGET_MS` (30 ms)
  per update, so that the picture follows a key press within the 100 ms a
  learner perceives as instant (what remains is for the browser; its part is
  measured by tests/browser/test_latency.py);
- every widget at the largest input it accepts: median under
  :data:`LARGEST_TARGET_MS` (1 s) per update.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from poolutils.widgets._grid import MAX_MAP_SIDE
from poolutils.widgets._ui import PoolWidget
from poolutils.widgets.adaptive import MAX_VALUES, adaptive_pooling_explorer
from poolutils.widgets.gradients import gradient_router
from poolutils.widgets.images import MAX_IMAGE_SIDE, image_pooling_explorer
from poolutils.widgets.shapes import output_size_calculator, stack_calculator
from poolutils.widgets.stepper import pooling_stepper

TARGET_MS = 30.0
LARGEST_TARGET_MS = 1000.0
UPDATES = 20
LARGEST_UPDATES = 5

RNG = np.random.default_rng(0)
LARGEST_MAP = RNG.normal(size=(MAX_MAP_SIDE, MAX_MAP_SIDE))

# Widget factory, the control moved, and the values it cycles through.
Case = tuple[Callable[[], PoolWidget], str, list]
CASES: dict[str, Case] = {
    "output_size_calculator (n)": (output_size_calculator, "n", list(range(4, 16))),
    "output_size_calculator (padding)": (output_size_calculator, "padding", ["same", "valid"]),
    "stack_calculator (input size)": (stack_calculator, "input_size", list(range(20, 40))),
    "pooling_stepper (position)": (pooling_stepper, "position", list(range(9))),
    "pooling_stepper (pool size)": (pooling_stepper, "pool_size", [3, 2, 1, 4]),
    "gradient_router (position)": (gradient_router, "position", list(range(9))),
    "gradient_router (stride)": (gradient_router, "stride", [1, 2, 3]),
    "adaptive_pooling_explorer (output)": (adaptive_pooling_explorer, "output_size", list(range(2, 9))),
    "image_pooling_explorer (stride)": (image_pooling_explorer, "stride", list(range(2, 7))),
}


def _largest_router() -> PoolWidget:
    # The most work a router update can do: 1x1 windows, stride 1, so 32 x 32 output cells.
    widget = gradient_router(LARGEST_MAP)
    widget.controls["pool_size"].value = 1
    widget.controls["stride"].value = 1
    return widget


LARGEST: dict[str, Case] = {
    f"pooling_stepper {MAX_MAP_SIDE}x{MAX_MAP_SIDE} (position)": (
        lambda: pooling_stepper(LARGEST_MAP),
        "position",
        list(range(1, 20)),
    ),
    f"gradient_router {MAX_MAP_SIDE}x{MAX_MAP_SIDE}, 1x1 (position)": (
        _largest_router,
        "position",
        list(range(1, 20)),
    ),
    f"adaptive_pooling_explorer {MAX_VALUES} values (output)": (
        lambda: adaptive_pooling_explorer(RNG.normal(size=MAX_VALUES), input_size=MAX_VALUES),
        "output_size",
        [16, 8, 12],
    ),
    f"image_pooling_explorer {MAX_IMAGE_SIDE}x{MAX_IMAGE_SIDE} (stride)": (
        lambda: image_pooling_explorer(RNG.random((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))),
        "stride",
        [1, 2, 3],
    ),
}


def update_ms(
    widget: PoolWidget, control: str, values: list, updates: int = UPDATES
) -> tuple[list[float], list[float]]:
    """Wall and CPU times of ``updates`` control changes, cycling through ``values``."""
    wall, cpu = [], []
    current = widget.controls[control].value
    for i in range(updates + 1):
        value = values[i % len(values)]
        if value == current:  # an unchanged value fires no callback
            value = values[(i + 1) % len(values)]
        start, start_cpu = time.perf_counter(), time.process_time()
        widget.controls[control].value = value
        elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        assert widget.png, f"{control}={value!r} rendered no picture: {widget.state}"
        current = value
        if i:  # the first update warms the caches
            wall.append(1000 * elapsed)
            cpu.append(1000 * elapsed_cpu)
    return wall, cpu


def table(cases: dict[str, Case], target: float, updates: int) -> bool:
    print(f"{'widget update':52} {'median ms':>10} {'max ms':>8} {'CPU median ms':>14}")
    ok = True
    for name, (factory, control, values) in cases.items():
        wall, cpu = update_ms(factory(), control, values, updates)
        median = statistics.median(wall)
        ok &= median < target
        print(f"{name:52} {median:10.1f} {max(wall):8.1f} {statistics.median(cpu):14.1f}")
    print(f"{'PASS' if ok else 'FAIL'}: median update under {target:.0f} ms (wall time)")
    return ok


def main() -> int:
    print("load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    ok = table(CASES, TARGET_MS, UPDATES)
    print()
    ok &= table(LARGEST, LARGEST_TARGET_MS, LARGEST_UPDATES)
    print("load average (1, 5, 15 min) after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
