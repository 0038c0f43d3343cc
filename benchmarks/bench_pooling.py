"""Speed of poolutils' pooling against TensorFlow, the teaching loop and skimage.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_pooling.py``).

Input: float32 of shape (8, 112, 112, 64), channels last, 2x2/2 and 3x3/2
windows, max and average. All contenders are timed in the same run,
interleaved, and the table reports medians and ratios to TensorFlow, so a
busy machine moves every column together. Target: poolutils at most 1.5x
TensorFlow's time in every row, and faster than ``block_reduce``.
Peak extra memory (tracemalloc in a fresh process, beyond the output) is
reported as a multiple of the output size: there is no im2col copy of the
input, only one batch item's intermediate per thread.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial

import numpy as np

from poolutils import avg_pool, max_pool, pool2d_loop
from poolutils.keras_check import keras

SHAPE = (8, 112, 112, 64)
TARGET = 1.5
REPEATS = 30


def median_ms(contenders: dict[str, Callable[[], object]], repeats: int = REPEATS) -> dict[str, float]:
    """Median time of each contender, calls interleaved so machine load hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for fn in contenders.values():
        fn()  # warm-up: first calls pay for allocation and kernel selection
    for _ in range(repeats):
        for name, fn in contenders.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) * 1e3 for name, t in times.items()}


MEMORY_PROBE = """
import sys, tracemalloc, numpy as np, poolutils
x = np.zeros({shape}, np.float32)
tracemalloc.start()
out = getattr(poolutils, "{op}_pool")(x, {size}, {stride})
print((tracemalloc.get_traced_memory()[1] - out.nbytes) / out.nbytes)
"""


def extra_memory_ratio(op: str, size: int, stride: int) -> float:
    """Peak memory beyond the output, in a fresh process (so no buffer is reused yet)."""
    code = MEMORY_PROBE.format(shape=SHAPE, op=op, size=size, stride=stride)
    return float(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    )


def main() -> int:
    keras()  # quiet TensorFlow before importing it
    import tensorflow as tf

    try:
        from skimage.measure import block_reduce
    except ImportError:
        block_reduce = None

    x = np.random.default_rng(0).standard_normal(SHAPE).astype(np.float32)
    xt = tf.constant(x)
    ours = {"max": max_pool, "avg": avg_pool}
    theirs = {"max": tf.nn.max_pool2d, "avg": tf.nn.avg_pool2d}
    reducers = {"max": np.max, "avg": np.mean}

    print(f"input float32 {SHAPE}, channels_last; median of {REPEATS} runs; {os.cpu_count()} cores")
    header = f"{'pool':<9}{'op':<5}{'tf ms':>8}{'ours ms':>9}{'ours/tf':>9}{'loop/tf':>10}{'block_reduce/tf':>17}{'extra mem':>11}"
    print(header)
    print("-" * len(header))
    worst = 0.0
    beats_block_reduce = True
    for size, stride in [(2, 2), (3, 2)]:
        for op in ("max", "avg"):
            t = median_ms(
                {
                    "tf": partial(lambda f, *a: f(*a).numpy(), theirs[op], xt, size, stride, "VALID"),
                    "ours": partial(ours[op], x, size, stride),
                }
            )
            # The loop on one feature map, scaled to the whole input (it is linear in maps).
            one_map = x[0, :, :, 0].astype(np.float64)
            loop = median_ms({"loop": partial(pool2d_loop, one_map, size, stride, mode=op)}, repeats=3)
            t_loop = loop["loop"] * SHAPE[0] * SHAPE[3]
            block = "n/a"
            if block_reduce is not None and size == stride:
                t_block = median_ms({"b": partial(block_reduce, x, (1, size, size, 1), reducers[op])}, 5)["b"]
                block = f"{t_block / t['tf']:.2f}x"
                beats_block_reduce &= t["ours"] < t_block
            mem = extra_memory_ratio(op, size, stride)
            worst = max(worst, t["ours"] / t["tf"])
            print(
                f"{size}x{size}/{stride:<5}{op:<5}{t['tf']:8.2f}{t['ours']:9.2f}{t['ours'] / t['tf']:8.2f}x"
                f"{t_loop / t['tf']:9.0f}x{block:>17}{mem:10.2f}x"
            )
    ok = worst <= TARGET and beats_block_reduce
    verdict = "PASS" if ok else "FAIL"
    note = "" if block_reduce is not None else " (scikit-image not installed: block_reduce not timed)"
    print(
        f"\n{verdict}: poolutils takes at most {worst:.2f}x TensorFlow's time (target {TARGET}x)"
        f"{', and beats block_reduce' if block_reduce is not None and beats_block_reduce else ''}{note}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
