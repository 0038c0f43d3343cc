"""benchmarks/bench_suite.py: its plugin records every test's CPU time, children included, and its table adds up."""

import doctest
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_suite.py"


def test_examples(monkeypatch):
    # Under its own name in sys.modules: doctest finds a function's examples through its
    # __module__, and under `make bench-suite` the name bench_suite is the loaded plugin.
    name = "bench_suite_under_test"
    spec = importlib.util.spec_from_file_location(name, BENCH)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)
    failed, tried = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried >= 3 and failed == 0


def test_plugin_counts_a_childs_cpu_in_the_test_that_reaped_it(tmp_path):
    # One test spins in a child process for 0.3 CPU-s, the other does nothing: the child's time
    # must land in the first test's record, not in the second's.
    (tmp_path / "test_spin.py").write_text(
        textwrap.dedent(
            """
            import subprocess, sys

            def test_child_spins():
                spin = "import time\\nt = time.process_time()\\nwhile time.process_time() - t < 0.3: pass"
                subprocess.run([sys.executable, "-c", spin], check=True)

            def test_idle():
                pass
            """
        )
    )
    records = tmp_path / "records"
    records.mkdir()
    env = {**os.environ, "POOLUTILS_SUITE_CPU": str(records), "PYTHONPATH": str(BENCH.parent)}
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "bench_suite", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    (lines,) = records.glob("worker-*.jsonl")
    got = {r["id"].split("::")[1]: r for r in map(json.loads, lines.read_text().splitlines())}
    assert set(got) == {"test_child_spins", "test_idle"}
    assert got["test_child_spins"]["cpu"] >= 0.3
    assert got["test_idle"]["cpu"] < 0.1
