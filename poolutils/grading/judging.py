"""The grader's side of a verdict: cases drawn for this run, expected values, judging, copied-code flags.

Everything here runs in the grader's own process. Per exercise and per run,
:func:`prepare` draws the cases once (``Check.case_list(seed)``) and computes
the expected values once (``Check.expected``, i.e. Keras), and every learner
is judged against that same :class:`Exercise` with ``Check.judge``.

Whose code an answer is comes from the notebook's text
(:mod:`poolutils.grading.source`): :func:`not_own_work` refuses credit to a
write-code answer that calls poolutils, Keras or TensorFlow beyond what the
reference itself uses, and :func:`copied` flags the reference's own code.
A design answer's model is rebuilt here from its Keras JSON
(:func:`rebuilt`) and measured by the checker's ``summarise``.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass, field
from typing import Any

from poolutils.checks import Check, Report, Status, checks_for_notebook
from poolutils.checks.runner import Outcome, to_json
from poolutils.grading.source import AnswerText, not_own_work, reference_uses, shape_of

# The largest model architecture rebuilt (characters of Keras JSON).
MAX_MODEL_JSON = 2**20

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
    allowed : set of str
        The library objects the reference itself uses (an answer may use them too).
    shape : str or None
        The reference's syntax tree (see :func:`poolutils.grading.source.shape_of`).
    """

    check: Check
    notebook: int
    cases: list
    request: dict
    allowed: set = field(default_factory=set)
    shape: str | None = None

    @property
    def own_work_required(self) -> bool:
        """Write-code exercises: the learner implements; a design exercise may use Keras."""
        return bool(self.check.takes_function) and getattr(self.check, "summarise", None) is None

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
        request = {
            "answer_name": check.answer_name,
            "takes_function": bool(check.takes_function),
            "cases": [to_json((tuple(c.args), dict(c.kwargs))) for c in cases],
            "model": getattr(check, "summarise", None) is not None,
            "isolate": bool(check.isolate),
        }
        shape = None
        if inspect.isfunction(check.reference):
            shape = shape_of(inspect.getsource(check.reference))
        exercises.append(Exercise(check, number, cases, request, reference_uses(check.reference), shape))
    return exercises


def check_module(number: int) -> str:
    """The module holding notebook ``number``'s checks, e.g. ``poolutils.checks.ex02``."""
    return f"poolutils.checks.ex{number:02d}"


def judge(exercise: Exercise, outcomes: list[Outcome]) -> Report:
    """``Check.judge`` on this run's cases; outcomes come from the learner's kernel."""
    return exercise.check.judge(exercise.cases, outcomes)


def outcome(data: Any) -> Outcome:
    """The :class:`Outcome` the kernel sent, decoded (:func:`~poolutils.checks.runner.from_json`); ValueError if it is none.

    Examples
    --------
    >>> outcome(Outcome("forged"))
    Traceback (most recent call last):
    ...
    ValueError: unknown outcome status 'forged'
    """
    if type(data) is not Outcome:
        raise ValueError(f"not an outcome: {type(data).__name__}")
    if data.status not in ("returned", "raised", "timeout", "not_run"):
        raise ValueError(f"unknown outcome status {data.status!r}")
    return data


def copied(exercise: Exercise, answer: AnswerText) -> str | None:
    """Why the learner's answer, as the notebook's text defines it, is the reference solution, or None.

    Compared as syntax trees (names of the function, comments, docstrings and
    formatting aside) with the reference's: what ``solution()`` prints.

    Examples
    --------
    >>> from poolutils.grading.source import read
    >>> ex = prepare(2, seed=0)[1]
    >>> cell = {"cell_type": "code", "source": inspect.getsource(ex.check.reference)}
    >>> copied(ex, read(json.dumps({"cells": [cell]}), ["max_pool2d"])["max_pool2d"])
    'the code is the reference solution (as printed by check_max_pool2d.solution())'
    """
    if exercise.shape is not None and answer.shape == exercise.shape:
        return f"the code is the reference solution (as printed by {exercise.check.name}.solution())"
    return None


def own_work(exercise: Exercise, answer: AnswerText) -> str | None:
    """Why a write-code answer earns no credit although its outputs are right, or None."""
    if not exercise.own_work_required:
        return None
    why = not_own_work(answer, exercise.allowed)
    return f"not credited: {why}." if why else None


def rebuilt(exercise: Exercise, value: Any) -> Any:
    """A design answer's output as the checker measures it: the model rebuilt here from its JSON.

    Anything else the kernel sent (a summary dict, a number) stands for a
    non-model of the learner's type, so it cannot pass as a model.
    """
    summarise = getattr(exercise.check, "summarise", None)
    if summarise is None or value is None:
        return value
    if isinstance(value, dict) and isinstance(value.get("model_json"), str):
        return summarise(_model_from_json(value["model_json"]))
    name = value.get("not_a_model") if isinstance(value, dict) else None
    return summarise(type(str(name or type(value).__name__), (), {})())


def _model_from_json(text: str) -> Any:
    if len(text) > MAX_MODEL_JSON:
        raise ValueError(f"the model's JSON is longer than {MAX_MODEL_JSON} characters")
    _refuse_code(json.loads(text))
    import keras

    return keras.models.model_from_json(text)


def _refuse_code(config: Any) -> None:
    # Only Keras' own classes are rebuilt: no Lambda layers, no classes from other modules.
    if isinstance(config, dict):
        module = config.get("module")
        if isinstance(module, str) and module.split(".")[0] != "keras":
            raise ValueError(f"the model uses a class from {module!r}; only Keras layers are rebuilt")
        if config.get("class_name") in ("Lambda", "TFOpLambda"):
            raise ValueError("the model has a Lambda layer; only Keras layers are rebuilt")
        for item in config.values():
            _refuse_code(item)
    elif isinstance(config, list):
        for item in config:
            _refuse_code(item)
