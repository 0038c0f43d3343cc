"""Where ``make test``'s time goes: CPU-seconds per work unit, and the floor they put under the wall time.

Run with ``.venv/bin/python benchmarks/bench_suite.py [--jobs 2] [pytest arguments]``, or
``make bench-suite``. It runs the command ``make test`` runs (``pytest -n JOBS
--maxprocesses=4``), with this file loaded as a pytest plugin in every
worker. The plugin writes one line per test: its wall time and the CPU time
of the worker and of the children it reaped during the test (kernels,
JupyterLab and Chromium, pip, the grader's sandboxes), from ``getrusage``.

The table adds the tests up by work unit, the unit the root conftest's
scheduler sends to one worker (``conftest.work_unit``). Below it:

- the CPU time of the whole run (``RUSAGE_CHILDREN`` of this script after
  pytest exited), which also counts what no test owns: start-up,
  collection, and processes reaped after a worker's last test;
- the floor: that CPU time divided by the cores. No schedule on this
  machine finishes the suite in less wall time, however the units are
  arranged. ``TARGET_SECONDS`` is the goal of issue #20;
- the unit with the longest wall time: a worker runs a unit from start to
  end, so no number of cores brings the run below it.

A child that is still running when its test ends (a JupyterLab shared by
the browser tests) is counted in the test during which it is reaped, so the
per-unit figures are close, and the whole-run figure is exact.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 300
#: The folder the plugin writes to; the plugin records nothing when it is unset.
ENV = "POOLUTILS_SUITE_CPU"


def _cpu(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _cpu_with_reaped() -> float:
    """This process's CPU time and that of the children it has reaped."""
    return _cpu() + _cpu(resource.RUSAGE_CHILDREN)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """Record one test's wall and CPU time, set-up and teardown included (a plugin hook)."""
    folder = os.environ.get(ENV)
    wall, cpu = time.perf_counter(), _cpu_with_reaped()
    yield
    if folder:
        record = {"id": item.nodeid, "wall": time.perf_counter() - wall, "cpu": _cpu_with_reaped() - cpu}
        with open(Path(folder) / f"worker-{os.getpid()}.jsonl", "a") as lines:
            lines.write(json.dumps(record) + "\n")


def by_unit(records: Iterable[dict], unit_of: Callable[[str], str]) -> list[dict]:
    """The records summed by work unit, most CPU first.

    Examples
    --------
    >>> records = [{"id": "a.py::x", "wall": 1.0, "cpu": 2.0}, {"id": "a.py::y", "wall": 1.0, "cpu": 1.0},
    ...            {"id": "b.py::z", "wall": 5.0, "cpu": 4.0}]
    >>> [(u["unit"], u["tests"], u["cpu"]) for u in by_unit(records, lambda i: i.split("::")[0])]
    [('b.py', 1, 4.0), ('a.py', 2, 3.0)]
    """
    units: dict[str, dict] = {}
    for record in records:
        name = unit_of(record["id"])
        unit = units.setdefault(name, {"unit": name, "tests": 0, "wall": 0.0, "cpu": 0.0})
        unit["tests"] += 1
        unit["wall"] += record["wall"]
        unit["cpu"] += record["cpu"]
    return sorted(units.values(), key=lambda u: -u["cpu"])


def table(units: list[dict], total_cpu: float, wall: float, jobs: int, rows: int = 25) -> str:
    """A Markdown table of the ``rows`` costliest units, the rest in one line, then the whole run and its floor.

    Examples
    --------
    >>> units = [{"unit": "b.py", "tests": 1, "wall": 5.0, "cpu": 4.0}, {"unit": "a.py", "tests": 2, "wall": 2.0, "cpu": 3.0}]
    >>> print(table(units, total_cpu=8.0, wall=4.5, jobs=2, rows=1))
    | unit | tests | wall s | CPU-s | share |
    |---|---|---|---|---|
    | b.py | 1 | 5 | 4 | 50% |
    | 1 more unit | 2 | 2 | 3 | 38% |
    | no test's (start-up, collection, reaped later) | | | 1 | 12% |
    | **whole run, 2 jobs** | 3 | **4** | **8** | |
    <BLANKLINE>
    floor on 2 cores: 8 CPU-s / 2 = 4 s of wall time (target 300 s: met)
    longest unit: b.py, 5 s of wall time in this run, on one worker from start to end
    """
    lines = ["| unit | tests | wall s | CPU-s | share |", "|---|---|---|---|---|"]
    shown, rest = units[:rows], units[rows:]
    if rest:
        shown = [*shown, {key: sum(u[key] for u in rest) for key in ("tests", "wall", "cpu")}]
        shown[-1]["unit"] = f"{len(rest)} more unit{'s' * (len(rest) > 1)}"
    for u in shown:
        lines.append(
            f"| {u['unit']} | {u['tests']} | {u['wall']:.0f} | {u['cpu']:.0f} | {u['cpu'] / total_cpu:.0%} |"
        )
    unowned = total_cpu - sum(u["cpu"] for u in units)
    lines.append(
        f"| no test's (start-up, collection, reaped later) | | | {unowned:.0f} | {unowned / total_cpu:.0%} |"
    )
    tests = sum(u["tests"] for u in units)
    lines.append(f"| **whole run, {jobs} jobs** | {tests} | **{wall:.0f}** | **{total_cpu:.0f}** | |")
    floor = total_cpu / jobs
    longest = max(units, key=lambda u: u["wall"])
    verdict = "met" if floor <= TARGET_SECONDS else "out of reach on this machine"
    lines += [
        "",
        f"floor on {jobs} cores: {total_cpu:.0f} CPU-s / {jobs} = {floor:.0f} s of wall time "
        f"(target {TARGET_SECONDS} s: {verdict})",
        f"longest unit: {longest['unit']}, {longest['wall']:.0f} s of wall time in this run, "
        "on one worker from start to end",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(os.cpu_count() or 1, 4),
        help="pytest-xdist workers (default: as make test, one per core, at most 4)",
    )
    parser.add_argument("--rows", type=int, default=25, help="units listed one by one")
    args, pytest_args = parser.parse_known_args()
    if args.jobs < 1:
        parser.error(f"--jobs must be a positive number of workers. Received: --jobs {args.jobs}.")
    sys.path.insert(0, str(ROOT))
    from conftest import work_unit  # the scheduler's own grouping

    with tempfile.TemporaryDirectory(prefix="bench-suite-") as folder:
        env = {
            **os.environ,
            ENV: folder,
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")])
            ),
            "PYTHONUNBUFFERED": "1",
        }
        load = os.getloadavg()[0]
        started = time.perf_counter()
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            str(args.jobs),
            "--maxprocesses=4",
            "-p",
            "bench_suite",
            *pytest_args,
        ]
        result = subprocess.run(command, cwd=ROOT, env=env)
        wall = time.perf_counter() - started
        total_cpu = _cpu(resource.RUSAGE_CHILDREN)  # pytest, its workers and everything they reaped
        records = [
            json.loads(line)
            for path in Path(folder).glob("worker-*.jsonl")
            for line in path.read_text().splitlines()
        ]
    print(
        f"\ncores: {os.cpu_count()}, jobs: {args.jobs}, load average at the start: {load:.2f}, after: {os.getloadavg()[0]:.2f}"
    )
    print(f"pytest exited with {result.returncode}; {len(records)} tests recorded\n")
    print(table(by_unit(records, work_unit), total_cpu, wall, args.jobs, args.rows))
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
