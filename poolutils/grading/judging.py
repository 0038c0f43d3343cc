"""The grader's side of a verdict: cases drawn for this run, expected values, judging, copied-code flags.

Everything here runs in the grader's own process. Per exercise and per run,
:func:`prepare` draws the cases once (``Check.case_list(seed)``) and computes
the expected values once (``Check.expected``, i.e. Keras), and every learner
is judged against that same :class:`Exercise` with ``Check.judge``.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass
from typing import Any

from poolutils.checks import Check, Report, Status, checks_for_notebook
from poolutils.checks.core import Outcome
from poolutils.grading.wire import encode

PASSED, FAILED, NOT_ATTEMPTED, NOT_RUN = "passed", "failed", "not attempted", "not run"
VERDICTS = {Status.PASSED: PASSED, Status.FAILED: FAILED, Status.NOT_ATTEMPTED: NOT_ATTEMPTED}


@dataclass(frozen=True)
class Exercise:
    """One exercise, ready to grade every learner of a run.

    Attributes
    ----------
    check : Check
    notebook : int
        The exercise notebook's number.
    cases : list of Case
        The cases of this run (fixed ones and ones drawn from the run's seed).
    request : dict
        What the learner's kernel is sent (see :mod:`poolutils.grading.harness`),
        without the per-call time limit.
    """

    check: Check
    notebook: int
    cases: list
    request: dict

    @property
    def id(self) -> str:
        return self.check.exercise


def prepare(number: int, seed: int) -> list[Exercise]:
    """The exercises of notebook ``number`` with this run's cases and their expected values computed.

    Examples
    --------
    >>> [e.id for e in prepare(1, seed=7)][:2]
    ['1.1', '1.2']
    """
    exercises = []
    for check in checks_for_notebook(number):
        cases = check.case_list(seed)
        for case in cases:
            check.expected(case)  # Keras once per case and run; judge() reuses the cached value
        # The kernel finds the check by name in its module to summarise answers JSON cannot carry.
        summarise = [check_module(number), check.name] if getattr(check, "summarise", None) else None
        request = {
            "answer_name": check.answer_name,
            "takes_function": bool(check.takes_function),
            "cases": [{"args": encode(tuple(c.args)), "kwargs": encode(dict(c.kwargs))} for c in cases],
            "summarise": summarise,
        }
        exercises.append(Exercise(check, number, cases, request))
    return exercises


def check_module(number: int) -> str:
    """The module holding notebook ``number``'s checks, e.g. ``poolutils.checks.ex02``."""
    return f"poolutils.checks.ex{number:02d}"


def judge(exercise: Exercise, outcomes: list[Outcome]) -> Report:
    """``Check.judge`` on this run's cases; outcomes come from the learner's kernel."""
    return exercise.check.judge(exercise.cases, outcomes)


def outcome(data: dict[str, Any], value: Any) -> Outcome:
    """An :class:`Outcome` from the kernel's JSON entry and the decoded value."""
    status = data.get("status")
    if status not in ("returned", "raised", "timeout", "not_run"):
        raise ValueError(f"unknown outcome status {status!r}")
    return Outcome(status, value, str(data.get("error", "")), str(data.get("message", "")))


def copied(exercise: Exercise, source: str | None, module: str | None) -> str | None:
    """Why the learner's answer is the course's reference solution, or None.

    ``module`` is where the answer was defined: a function of ``poolutils``
    itself (``check.reference`` bound to the answer's name) is flagged, and so
    is a function whose code, compared as syntax trees (names of the function,
    comments, docstrings and formatting aside), is the reference's: what
    ``solution()`` prints.

    Examples
    --------
    >>> ex = prepare(2, seed=0)[1]
    >>> import inspect
    >>> copied(ex, inspect.getsource(ex.check.reference), "__main__")
    'the code is the reference solution (as printed by check_max_pool2d.solution())'
    >>> copied(ex, "def max_pool2d(x, f, s, p):\\n    return x\\n", "__main__") is None
    True
    """
    if module and module.split(".")[0] == "poolutils":
        return f"the answer is poolutils' own function from {module} (the checker's reference)"
    reference = exercise.check.reference
    if source is None or not callable(reference):
        return None
    try:
        theirs, ours = _shape_of(source), _shape_of(inspect.getsource(reference))
    except (OSError, TypeError, SyntaxError):
        return None
    if theirs is not None and theirs == ours:
        return f"the code is the reference solution (as printed by {exercise.check.name}.solution())"
    return None


def _shape_of(source: str) -> str | None:
    # The function's syntax tree without its name, docstring and decorators: what copying keeps.
    tree = ast.parse(textwrap.dedent(source))
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    if not functions:
        return None
    fn = functions[0]
    if fn.body and isinstance(fn.body[0], ast.Expr) and isinstance(fn.body[0].value, ast.Constant):
        fn.body = fn.body[1:] or fn.body
    fn.name, fn.decorator_list = "_", []
    return ast.dump(fn)
