"""Speed of poolutils' pooling against TensorFlow, scikit-image's block_reduce and the teaching loop.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_pooling.py [--runs N]``).

Input: float32 of shape (8, 112, 112, 64), channels last, 2x2/2 and 3x3/2
windows, max and average.

TensorFlow is timed in the configuration a learner gets by default (oneDNN
on, on x86-64 Linux) and with ``TF_ENABLE_ONEDNN_OPTS=0``. TensorFlow reads
that flag once, when it is imported, so each configuration runs in a worker
process of its own, and the workers of the two configurations alternate.
Inside a worker the contenders are called in turn, round after round, and a
ratio is the median over rounds of (contender's time / TensorFlow's time in
the same round): load from other programs on a shared machine slows both
sides of a ratio alike. The table gives, per row, the median of a ratio over
the runs and its range [min-max]; the load average is printed with it.

Target, in every row: poolutils takes at most as long as TensorFlow's
default configuration (ratio <= 1.0), the kernel a learner would otherwise
use, and less time than ``block_reduce`` (which only does non-overlapping
windows, so only the 2x2/2 rows have it). The ratio to TensorFlow with
oneDNN off is shown beside it.

Memory bandwidth, from the same rounds: a plain ``np.copyto`` of the input
is timed as one more contender, and its bytes moved (read + write) per
second are the bandwidth this machine gave a streaming NumPy pass at that
moment. A row's floor is the time to read the input once and write the
output once at that bandwidth: no kernel can go below it, and a kernel
near it is limited by memory, not by its arithmetic. The table gives
TensorFlow's and poolutils' times as multiples of the floor, so a row that
misses the target shows whether TensorFlow is already at the floor (nothing
left to win) or poolutils is far above it (its passes move more bytes).

On a busy machine both sides wait for a core most of the time, and the
wall-clock ratio measures the scheduler as much as the kernels. The CPU
time each call consumed (all its threads) is printed beside it: the work
done, which load delays but does not change.

Peak extra memory (tracemalloc in a fresh process, beyond the output) is a
multiple of the output size: there is no im2col copy of the input, only the
intermediate of one unit of work (a block of an item's rows) per thread.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial

import numpy as np

from poolutils import avg_pool, max_pool, pool2d_loop

SHAPE = (8, 112, 112, 64)
ROWS = [(2, 2, "max"), (2, 2, "avg"), (3, 2, "max"), (3, 2, "avg")]
TARGET = 1.0
ROUNDS = 30  # interleaved rounds per row in one worker
RUNS = 3  # workers per TensorFlow configuration
# What each configuration sets; None removes the variable, so TensorFlow picks its default.
CONFIGS = {"default": None, "onednn-off": "0"}
# TensorFlow logs this line at start-up when oneDNN is on (it needs TF_CPP_MIN_LOG_LEVEL=0).
ONEDNN_LINE = "oneDNN custom operations are on"


def interleaved_times(contenders: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Seconds per call of each contender, one call of each per round, so load hits all alike.

    ``"<name> cpu"`` holds the CPU seconds the process spent in each call, all
    threads together (TensorFlow's pools and poolutils' helpers alike): the
    work done, which other programs on the machine delay but do not change.

    The order rotates from round to round, so no contender always runs right
    after the same other one (whose data it would find in, or evicted from, the cache).
    """
    times: dict[str, list[float]] = {key: [] for name in contenders for key in (name, f"{name} cpu")}
    for fn in contenders.values():
        fn()  # warm-up: first calls pay for allocation and kernel selection
    names = list(contenders)
    for i in range(rounds):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            start, cpu = time.perf_counter(), time.process_time()
            contenders[name]()
            times[name].append(time.perf_counter() - start)
            times[f"{name} cpu"].append(time.process_time() - cpu)
    return times


def paired_ratio(times: dict[str, list[float]], name: str, reference: str) -> float:
    """Median over rounds of ``name``'s time divided by ``reference``'s time in the same round."""
    return statistics.median(t / r for t, r in zip(times[name], times[reference]))


def worker(rounds: int) -> dict:
    """Time every row in this process's TensorFlow configuration; ratios to TensorFlow."""
    import tensorflow as tf

    try:
        from skimage.measure import block_reduce
    except ImportError:
        block_reduce = None

    x = np.random.default_rng(0).standard_normal(SHAPE).astype(np.float32)
    copy_buffer = np.empty_like(x)
    xt = tf.constant(x)
    ours = {"max": max_pool, "avg": avg_pool}
    theirs = {"max": tf.nn.max_pool2d, "avg": tf.nn.avg_pool2d}
    reducers = {"max": np.max, "avg": np.mean}
    result = {}
    for size, stride, op in ROWS:
        contenders = {
            "tf": partial(lambda f, *a: f(*a).numpy(), theirs[op], xt, size, stride, "VALID"),
            "ours": partial(ours[op], x, size, stride),
            "copy": partial(np.copyto, copy_buffer, x),
        }
        if block_reduce is not None and size == stride:
            contenders["block_reduce"] = partial(block_reduce, x, (1, size, size, 1), reducers[op])
        times = interleaved_times(contenders, rounds)
        out_bytes = ours[op](x, size, stride).nbytes
        bandwidth = 2 * x.nbytes / statistics.median(times["copy"])  # bytes read + written per second
        floor = (x.nbytes + out_bytes) / bandwidth
        row = {
            "tf_ms": statistics.median(times["tf"]) * 1e3,
            "ours_tf": paired_ratio(times, "ours", "tf"),
            "gb_s": bandwidth / 1e9,
            "tf_floor": statistics.median(times["tf"]) / floor,
            "ours_floor": statistics.median(times["ours"]) / floor,
            "cpu_ours_tf": paired_ratio(times, "ours cpu", "tf cpu"),
        }
        if "block_reduce" in times:
            row["ours_block_reduce"] = paired_ratio(times, "ours", "block_reduce")
        # The loop on one feature map, scaled to the whole input (it is linear in maps).
        one_map = x[0, :, :, 0].astype(np.float64)
        loop = interleaved_times({"loop": partial(pool2d_loop, one_map, size, stride, mode=op)}, 3)["loop"]
        row["loop_ours"] = statistics.median(loop) * SHAPE[0] * SHAPE[3] / statistics.median(times["ours"])
        result[f"{size}x{size}/{stride} {op}"] = row
    return result


def run_worker(config: str, rounds: int) -> tuple[dict, bool]:
    """One worker in ``config``; its results and whether TensorFlow said oneDNN was on."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="0")
    env.pop("TF_ENABLE_ONEDNN_OPTS", None)
    if CONFIGS[config] is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = CONFIGS[config]
    done = subprocess.run(
        [sys.executable, __file__, "--worker", "--rounds", str(rounds)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"The {config} worker failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1]), ONEDNN_LINE in done.stderr


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


def spread(values: list[float]) -> str:
    """Median and range, e.g. ``1.02 [0.95-1.10]``."""
    return f"{statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="worker runs per TensorFlow configuration")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="interleaved rounds per row in a worker")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.rounds)))
        return 0

    load_before = os.getloadavg()[0]
    runs: dict[str, list[dict]] = {config: [] for config in CONFIGS}
    onednn: dict[str, set[bool]] = {config: set() for config in CONFIGS}
    for _ in range(args.runs):
        for config in CONFIGS:  # alternate, so a burst of load does not hit one configuration only
            result, on = run_worker(config, args.rounds)
            runs[config].append(result)
            onednn[config].add(on)
    load_after = os.getloadavg()[0]

    said = {c: "/".join("on" if on else "off" for on in sorted(v, reverse=True)) for c, v in onednn.items()}
    print(
        f"input float32 {SHAPE}, channels_last; {os.cpu_count()} cores, load average "
        f"{load_before:.1f} before, {load_after:.1f} after\n"
        f"TensorFlow default: oneDNN {said['default']}; with TF_ENABLE_ONEDNN_OPTS=0: oneDNN "
        f"{said['onednn-off']} (from TensorFlow's start-up log)\n"
        f"{args.runs} worker runs per configuration, {args.rounds} interleaved rounds per row in each; "
        "ratio = median over runs [min-max]; GB/s: np.copyto's bytes read + written per second in the same "
        "rounds; floor: reading the input once and writing the output once at that rate (TF default's runs); "
        "CPU ours/TF: median over rounds of the CPU seconds (all threads) of each call\n"
    )
    if max(load_before, load_after) > (os.cpu_count() or 1):
        print(
            "The machine was busy (load average above its core count): other programs took turns "
            "on the cores, so the ratios scatter more than on a quiet machine.\n"
        )
    header = (
        f"{'pool':<7}{'op':<5}{'TF ms dflt/off':>15}  {'ours/TF default':<18}{'ours/TF oneDNN off':<20}"
        f"{'ours/block_reduce':<19}{'GB/s':>6}{'TF/floor':>9}{'ours/floor':>11}{'CPU ours/TF':>12}{'loop/ours':>10}{'extra mem':>11}"
    )
    print(header)
    print("-" * len(header))
    worst = 0.0
    beats_block_reduce = True
    has_block_reduce = False
    for size, stride, op in ROWS:
        name = f"{size}x{size}/{stride} {op}"
        default = [r[name] for r in runs["default"]]
        off = [r[name] for r in runs["onednn-off"]]
        vs_default = [r["ours_tf"] for r in default]
        vs_off = [r["ours_tf"] for r in off]
        worst = max(worst, statistics.median(vs_default))
        gb_s = statistics.median(r["gb_s"] for r in default)
        tf_floor = statistics.median(r["tf_floor"] for r in default)
        ours_floor = statistics.median(r["ours_floor"] for r in default)
        cpu = statistics.median(r["cpu_ours_tf"] for r in default)
        block = "n/a"
        if "ours_block_reduce" in default[0]:
            has_block_reduce = True
            vs_block = [r["ours_block_reduce"] for r in default + off]
            beats_block_reduce &= statistics.median(vs_block) < 1
            block = spread(vs_block)
        tf_ms = f"{statistics.median(r['tf_ms'] for r in default):.2f}/{statistics.median(r['tf_ms'] for r in off):.2f}"
        loop = statistics.median(r["loop_ours"] for r in default + off)
        mem = extra_memory_ratio(op, size, stride)
        print(
            f"{size}x{size}/{stride:<3}{op:<5}{tf_ms:>15}  {spread(vs_default):<18}{spread(vs_off):<20}"
            f"{block:<19}{gb_s:6.1f}{tf_floor:8.2f}x{ours_floor:10.2f}x{cpu:11.2f}x{loop:9.0f}x{mem:10.2f}x"
        )
    ok = worst <= TARGET and beats_block_reduce
    note = "" if has_block_reduce else " (scikit-image not installed: block_reduce not timed)"
    print(
        f"\n{'PASS' if ok else 'FAIL'}: poolutils takes at most {worst:.2f}x the time of TensorFlow's "
        f"default configuration (target {TARGET}x)"
        f"{', and less than block_reduce' if has_block_reduce and beats_block_reduce else ''}{note}"
    )
    if has_block_reduce and not beats_block_reduce:
        print("block_reduce was faster than poolutils in a 2x2/2 row")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
