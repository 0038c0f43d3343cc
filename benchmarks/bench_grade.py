"""A class in minutes: the time to grade 30 learners x 6 solution notebooks, and one learner's kernel memory.

Run with ``.venv/bin/python benchmarks/bench_grade.py [--learners 30] [--jobs N] [--notebooks 01,02,...]``.

Grading: a temporary ``submissions/`` holds ``--learners`` copies of the
solution notebooks (by default the first six exercise notebooks, 01-06), and
``python -m poolutils.grade submissions --jobs N --summary ...`` runs on a
snapshot of the package (so edits in the working tree do not stop it). The
table gives the wall time, the CPU time of the grader and all its kernels
(``RUSAGE_CHILDREN``), and the load average before and after: on a shared
machine the wall time depends on the others' load, the CPU time much less,
so ``CPU / cores`` is also printed as the wall time an idle machine would
need at best. Target: at most 5 minutes of wall time on 2 cores.

Sandbox cost (``--compare-sandbox``): the same class graded with
``--sandbox off`` and ``--sandbox required``, alternating, ``--rounds`` times
each; prints both wall and CPU times and the ratio (target: the sandbox at
most 20% slower).

Serving (``--kernel-memory``): the resident memory and CPU time of one
learner's kernel after it ran ``solutions/02_max_pooling.ipynb`` the way a
learner does (checks on, so Keras is imported), and how many such kernels
fit a 24 GB server.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 300
SERVER_GB = 24
RESERVED_GB = 2  # the OS, JupyterHub and the proxy


def solution_notebooks(numbers: list[int] | None) -> list[Path]:
    from poolutils.checks import checks_for_notebook, notebook_number

    found = [
        p
        for p in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
        if checks_for_notebook(notebook_number(p.name))
    ]
    if numbers is None:
        return found[:6]
    return [p for p in found if notebook_number(p.name) in numbers]


SANDBOX_TARGET = 1.20


def grade_class(learners: int, notebooks: list[Path], jobs: int, sandbox: str = "auto") -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        root = Path(tmp)
        shutil.copytree(
            ROOT / "poolutils", root / "lib" / "poolutils", ignore=shutil.ignore_patterns("__pycache__")
        )
        for i in range(learners):
            folder = root / "submissions" / f"learner{i:02d}"
            folder.mkdir(parents=True)
            for path in notebooks:
                shutil.copy(path, folder)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "poolutils.grade",
                "submissions",
                "--jobs",
                str(jobs),
                "--summary",
                "summary",
                "--sandbox",
                sandbox,
            ],
            capture_output=True,
            text=True,
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root / "lib")},
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        per_notebook: dict[str, list[float]] = {}
        for name, seconds in re.findall(r"\] learner\d+/(\S+): .*?, ([\d.]+) s", run.stderr):
            per_notebook.setdefault(name, []).append(float(seconds))
        return {
            "status": run.returncode,
            "wall": wall,
            "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "load": (load_before, os.getloadavg()[0]),
            "per_notebook": {k: statistics.median(v) for k, v in per_notebook.items()},
            "summary": (root / "summary" / "summary.md").read_text()
            if (root / "summary" / "summary.md").exists()
            else "",
            "tail": run.stdout[-1500:] + run.stderr[-1500:],
        }


def kernel_memory(notebook: Path) -> dict:
    """Run ``notebook`` as a learner does (checks on) and read the kernel's resident memory."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    )
    env = {k: v for k, v in os.environ.items() if k != "POOLUTILS_GRADING"}
    with client.setup_kernel(env=env):
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        pid = client.km.provisioner.process.pid
        status = Path(f"/proc/{pid}/status").read_text()
        # utime and stime, in clock ticks, are fields 14 and 15 of /proc/PID/stat (after the command name).
        ticks = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11:13]
    fields = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.MULTILINE))
    return {
        "rss_mb": int(fields["VmRSS"]) / 1024,
        "peak_mb": int(fields["VmHWM"]) / 1024,
        "cpu_s": sum(int(t) for t in ticks) / os.sysconf("SC_CLK_TCK"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--notebooks", help="comma-separated numbers, e.g. 01,02 (default: the first six)")
    parser.add_argument("--kernel-memory", action="store_true", help="also measure one learner's kernel (02)")
    parser.add_argument("--compare-sandbox", action="store_true", help="time --sandbox off against required")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each, with --compare-sandbox")
    args = parser.parse_args()
    numbers = [int(n) for n in args.notebooks.split(",")] if args.notebooks else None
    notebooks = solution_notebooks(numbers)
    print(f"cores: {os.cpu_count()}, learners: {args.learners}, jobs: {args.jobs}")
    print(f"notebooks: {', '.join(p.name for p in notebooks)}")
    if args.compare_sandbox:
        compare_sandbox(args.learners, notebooks, args.jobs, args.rounds)
        return
    result = grade_class(args.learners, notebooks, args.jobs)
    count = args.learners * len(notebooks)
    cores = os.cpu_count() or 1
    print()
    print(
        "| notebooks graded | jobs | wall | CPU (grader + kernels) | CPU / cores | load before -> after | exit |"
    )
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {count} | {args.jobs} | {result['wall']:.0f} s ({result['wall'] / count:.2f} s each) "
        f"| {result['cpu']:.0f} s ({result['cpu'] / count:.2f} s each) | {result['cpu'] / cores:.0f} s "
        f"| {result['load'][0]:.1f} -> {result['load'][1]:.1f} | {result['status']} |"
    )
    print(
        f"\ntarget: {count} notebooks in <= {TARGET_SECONDS} s wall: {'met' if result['wall'] <= TARGET_SECONDS else 'NOT met'}"
    )
    print(
        "\nmedian wall time of one notebook, from start of its kernel to its verdicts (with the others running):"
    )
    for name, seconds in sorted(result["per_notebook"].items()):
        print(f"  {name}: {seconds:.1f} s")
    if result["status"] != 0:
        print("\nthe grader did not report every exercise passed:\n" + result["tail"])
    if args.kernel_memory:
        memory = kernel_memory(ROOT / "solutions" / "02_max_pooling.ipynb")
        fits = int((SERVER_GB - RESERVED_GB) * 1024 // memory["peak_mb"])
        print(
            f"\none learner's kernel after solutions/02_max_pooling.ipynb: RSS {memory['rss_mb']:.0f} MB "
            f"(peak {memory['peak_mb']:.0f} MB); a {SERVER_GB} GB server with {RESERVED_GB} GB reserved holds "
            f"{fits} such kernels by memory; the kernel used {memory['cpu_s']:.1f} CPU-seconds to run the notebook "
            f"once, so {fits} learners running it in the same minute need {fits * memory['cpu_s'] / 60:.1f} cores"
        )


def compare_sandbox(learners: int, notebooks: list[Path], jobs: int, rounds: int) -> None:
    """Grade the class with and without the sandbox, alternating, and print the ratio of the medians."""
    runs: dict[str, list[dict]] = {"off": [], "required": []}
    for _ in range(rounds):
        for mode in runs:
            result = grade_class(learners, notebooks, jobs, mode)
            if result["status"] != 0:
                print(
                    f"--sandbox {mode}: the grader did not report every exercise passed:\n" + result["tail"]
                )
            runs[mode].append(result)
    count = learners * len(notebooks)
    print("\n| sandbox | runs | wall (median) | CPU (median) | load before -> after (last run) |")
    print("|---|---|---|---|---|")
    for mode, results in runs.items():
        wall = statistics.median(r["wall"] for r in results)
        cpu = statistics.median(r["cpu"] for r in results)
        load = results[-1]["load"]
        print(f"| {mode} | {len(results)} | {wall:.0f} s | {cpu:.0f} s | {load[0]:.1f} -> {load[1]:.1f} |")
    ratio = statistics.median(r["wall"] for r in runs["required"]) / statistics.median(
        r["wall"] for r in runs["off"]
    )
    cpu_ratio = statistics.median(r["cpu"] for r in runs["required"]) / statistics.median(
        r["cpu"] for r in runs["off"]
    )
    verdict = "met" if ratio <= SANDBOX_TARGET else "NOT met"
    print(
        f"\n{count} notebooks: sandboxed / unsandboxed wall time {ratio:.2f}, CPU time {cpu_ratio:.2f} "
        f"(target <= {SANDBOX_TARGET:.2f}: {verdict})"
    )


if __name__ == "__main__":
    main()
