"""Peak and retained memory of poolutils' pooling for 1-D, 2-D and 3-D inputs of growing size.

Run with ``.venv/bin/python benchmarks/bench_memory.py``.

Each case runs in a fresh process. NumPy reports its array allocations to
``tracemalloc``, so the peak during the call and what is still allocated
after the result is deleted are measured exactly, in bytes:

* **peak**: the most memory the call held at once, beyond what existed
  before it (the input), as a multiple of input + output. Target: at most 3.
* **retained**: what is still allocated after ``del out``, beyond the state
  before the call. Target: no more than the documented cache of
  :mod:`poolutils.reduction`: per thread, two reusable intermediates of at
  most ``_SCRATCH_MAX_BYTES`` each, and a 64 KiB block of lowest values per
  float dtype.

Every case is 3x3 (or 3, or 3x3x3) windows with stride 1 and 'same' padding,
whose output is as large as the input, and adaptive average pooling to an
uneven size (about half the input plus one cell per axis).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

# (rank, input shape, dtype): each step doubles or quadruples the input.
CASES = [
    (1, (1, 2**18, 1), "float64"),
    (1, (1, 2**20, 1), "float64"),
    (1, (1, 2**22, 1), "float64"),
    (1, (1, 2**24, 1), "float64"),
    (2, (1, 128, 128, 8), "float32"),
    (2, (1, 256, 256, 8), "float32"),
    (2, (2, 512, 512, 8), "float32"),
    (2, (2, 1024, 1024, 8), "float32"),
    (3, (1, 16, 16, 16, 4), "float32"),
    (3, (1, 32, 32, 32, 4), "float32"),
    (3, (2, 64, 64, 64, 4), "float32"),
    (3, (2, 96, 96, 96, 4), "float32"),
]
OPS = ("max_pool", "avg_pool", "adaptive_avg_pool")
PEAK_TARGET = 3.0

PROBE = """
import gc, json, sys, time, tracemalloc
import numpy as np
import poolutils
from poolutils import reduction

op, shape, dtype = sys.argv[1], tuple(json.loads(sys.argv[2])), sys.argv[3]
x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
rank = x.ndim - 2
if op == "adaptive_avg_pool":
    call = lambda: poolutils.adaptive_avg_pool(x, tuple(n // 2 + 1 for n in shape[1:-1]))
else:
    call = lambda: getattr(poolutils, op)(x, 3, 1, "same")
tracemalloc.start()
gc.collect()
before = tracemalloc.get_traced_memory()[0]
tracemalloc.reset_peak()
start = time.perf_counter()
out = call()
seconds = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1] - before
out_bytes = out.nbytes
del out
gc.collect()
retained = tracemalloc.get_traced_memory()[0] - before
threads = reduction._HELPERS + 1
cache = threads * 2 * reduction._SCRATCH_MAX_BYTES + 2 * reduction._FLOOR_SIZE * 8
print(json.dumps(dict(seconds=seconds, peak=peak, retained=retained, in_bytes=x.nbytes, out_bytes=out_bytes,
                      cache=cache)))
"""


def measure(op: str, shape: tuple[int, ...], dtype: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, op, json.dumps(shape), dtype],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def mib(n: float) -> str:
    return f"{n / 2**20:8.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the two smallest sizes of each rank only")
    args = parser.parse_args()
    cases = [c for i, c in enumerate(CASES) if not args.quick or i % 4 < 2]
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    header = (
        f"{'op':<18}{'rank':>4}  {'input shape':<24}{'in MiB':>8}{'out MiB':>8}{'peak MiB':>9}"
        f"{'peak/(in+out)':>14}{'retained MiB':>13}{'seconds':>9}"
    )
    print(header)
    print("-" * len(header))
    worst, leaked = 0.0, False
    for rank, shape, dtype in cases:
        for op in OPS:
            r = measure(op, shape, dtype)
            ratio = r["peak"] / (r["in_bytes"] + r["out_bytes"])
            worst = max(worst, ratio)
            leaked |= r["retained"] > r["cache"]
            print(
                f"{op:<18}{rank:>4}  {f'{shape} f{dtype[5:]}':<24}{mib(r['in_bytes'])}{mib(r['out_bytes'])}"
                f"{mib(r['peak']):>9}{ratio:>14.2f}{mib(r['retained']):>13}{r['seconds']:>9.2f}"
            )
    cache = measure(OPS[0], CASES[0][1], CASES[0][2])["cache"]
    ok = worst <= PEAK_TARGET and not leaked
    print(
        f"\n{'PASS' if ok else 'FAIL'}: peak at most {worst:.2f}x (input + output), target {PEAK_TARGET}x; "
        f"retained {'within' if not leaked else 'ABOVE'} the documented cache ({cache / 2**20:.1f} MiB: "
        "two scratch intermediates per thread and the lowest-value blocks)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
