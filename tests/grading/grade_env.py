"""Run ``python -m poolutils.grade`` the way the grading tests need: on a snapshot of the package.

The grader stops when the package it relies on changes while it grades.
Tests run it on a copy taken once (first on ``PYTHONPATH``), so an edit in
the working tree during a test run neither stops it nor changes its verdicts,
and a test may edit the copy on purpose.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def snapshot(folder: Path) -> Path:
    """Copy ``poolutils`` into ``folder`` and return the folder to put on ``PYTHONPATH``."""
    shutil.copytree(ROOT / "poolutils", folder / "poolutils", ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def grade(
    lib: Path, *args: str, cwd: Path, timeout: float = 900, env: dict | None = None
) -> subprocess.CompletedProcess:
    """``python -m poolutils.grade ARGS`` with ``lib``'s poolutils, output captured as text.

    ``env`` adds to (or overrides) the grader's environment, e.g. another HOME.
    The result also carries the grader's ``pid``: its kernels ran under
    ``sandbox.uid_block(pid)``, which no other grader on the machine uses.
    """
    with subprocess.Popen(
        [sys.executable, "-m", "poolutils.grade", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="backslashreplace",
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(lib), **(env or {})},
    ) as grader:
        try:
            stdout, stderr = grader.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            grader.kill()
            raise
    done = subprocess.CompletedProcess(grader.args, grader.returncode, stdout, stderr)
    done.pid = grader.pid
    return done
