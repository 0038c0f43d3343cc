"""Fingerprints of the files the grader relies on: a change made while grading stops the run.

Examples
--------
>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> _ = (root / "a.py").write_text("x = 1")
>>> before = fingerprint(root)
>>> _ = (root / "a.py").write_text("x = 2")
>>> _ = (root / "b.py").write_text("")
>>> changes(before, fingerprint(root))
['changed a.py', 'added b.py']
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def fingerprint(root: Path, *, bytecode: bool = False) -> dict[str, str]:
    """SHA-256 of every file under ``root`` by relative path; ``__pycache__`` only when ``bytecode``.

    The grader compiles the shared package first and then fingerprints its
    bytecode too, so a poisoned ``__pycache__`` file stops grading instead of
    reaching the next run; the kernels themselves import from copies (see
    :mod:`poolutils.grading.kernel`), and in the sandbox cannot see the package.
    """
    prints = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or (not bytecode and "__pycache__" in path.parts):
            continue
        prints[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return prints


def changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """What differs between two fingerprints: 'changed x', 'added y', 'removed z'."""
    found = [f"changed {p}" for p in before if p in after and after[p] != before[p]]
    found += [f"added {p}" for p in after if p not in before]
    found += [f"removed {p}" for p in before if p not in after]
    return found
