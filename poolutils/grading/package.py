"""The ``poolutils`` that learners' kernels import while grading: no checks, no reference solutions.

The grader's own package holds every exercise's reference solution (in
``poolutils.checks``). Kernels get a copy made by :func:`kernel_package`
instead: the library as learners use it, the grader's two kernel-side
module (:mod:`~poolutils.grading.harness`) with the answer runner it uses
(:mod:`poolutils.checks.runner`, which holds no exercise), and in place of each ``poolutils.checks.exNN`` a module whose check objects
only say that the grader checks the exercise. ``check.solution()`` and
``check.reference`` hold nothing.
"""

from __future__ import annotations

import compileall
import shutil
from pathlib import Path

from poolutils.checks import checks_for_notebook

# The kernel-side modules of the grading package; the rest of it stays with the grader.
KERNEL_SIDE = ("__init__.py", "harness.py")
NOTEBOOKS = range(1, 100)

_STUB = '''"""Grading copy of poolutils.checks: the grader checks each exercise after the notebook ran."""


class GradingCheck:
    """Stands in for a check while grading: no cases, no reference solution."""

    reference = None

    def __init__(self, exercise, title, answer_name):
        self.exercise, self.title, self.answer_name = exercise, title, answer_name

    def __call__(self, answer):
        print(f"Exercise {self.exercise} ({self.title}) is checked by the grader, not in this notebook.")

    def solution(self):
        print("The reference solution is not available while grading.")

    def hint(self, *args, **kwargs):
        print("Hints are not available while grading.")
'''

_CHECKS_INIT = '''"""Grading copy: the checks run in the grader."""


def hint(level=1):
    print("Hints are not available while grading.")


def solution():
    print("The reference solution is not available while grading.")
'''

_QUIZ_STUB = '''"""Grading copy of poolutils.quiz: quiz notebooks are read by the grader, never run."""


def _not_shown(*args, **kwargs):
    print("The quiz is not shown while grading.")


concept_quiz = lesson_quiz = recall = _not_shown
'''


def kernel_package(package: Path, target: Path) -> Path:
    """Write the kernels' copy of ``package`` to ``target/poolutils``, compiled; return it.

    Examples
    --------
    >>> import tempfile, poolutils
    >>> copy = kernel_package(Path(poolutils.__file__).parent, Path(tempfile.mkdtemp()))
    >>> "def max_pool2d" in (copy / "checks" / "ex02.py").read_text()
    False
    >>> sorted(p.name for p in (copy / "grading").glob("*.py"))
    ['__init__.py', 'harness.py']
    >>> sorted(p.name for p in (copy / "checks").glob("*.py"))[:3]
    ['__init__.py', '_grading.py', 'ex01.py']
    >>> (copy / "checks" / "runner.py").exists()
    True
    """
    copy = target / "poolutils"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "checks", "grading"))
    (copy / "grading").mkdir()
    for name in KERNEL_SIDE:
        shutil.copy(package / "grading" / name, copy / "grading" / name)
    checks = copy / "checks"
    checks.mkdir()
    (checks / "__init__.py").write_text(_CHECKS_INIT, encoding="utf-8")
    # The harness runs answers as a check in the notebook does; the runner holds no exercise.
    shutil.copy(package / "checks" / "runner.py", checks / "runner.py")
    # The quiz's distractors are the checks' mistakes: kernels get questions that say they are not shown.
    shutil.rmtree(copy / "quiz", ignore_errors=True)
    (copy / "quiz").mkdir()
    (copy / "quiz" / "__init__.py").write_text(_QUIZ_STUB, encoding="utf-8")
    (checks / "_grading.py").write_text(_STUB, encoding="utf-8")
    for number in NOTEBOOKS:
        found = checks_for_notebook(number)
        if not found:
            continue
        lines = [
            '"""Grading copy: the grader checks these exercises."""',
            "",
            "from poolutils.checks._grading import GradingCheck",
            "",
        ]
        lines += [f"{c.name} = GradingCheck({c.exercise!r}, {c.title!r}, {c.answer_name!r})" for c in found]
        (checks / f"ex{number:02d}.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    compileall.compile_dir(copy, quiet=2)
    return copy
