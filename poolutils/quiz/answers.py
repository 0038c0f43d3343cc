"""Stored answers: read from a quiz notebook's source, scored against keys the library computes.

The answers cell of a quiz notebook holds two plain assignments::

    learner_id = "blue-otter-17"  # any anonymous ID, the same in both quizzes
    answers = {"A1": "b", "A2": "", ...}

:func:`read_answers` finds the last top-level assignment of each name in the
code cells of the notebook file and evaluates it with
:func:`ast.literal_eval`: nothing in the notebook runs, and what the
notebook printed is never read. :func:`score` recomputes the right letters
itself (:func:`poolutils.quiz.forms.form`).
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

from poolutils.quiz.forms import form, form_of


@dataclass(frozen=True)
class StoredAnswers:
    """What a quiz notebook holds: the learner's ID, their letters, the form, and what could not be read."""

    learner_id: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    form: str | None = None
    problem: str = ""


@dataclass(frozen=True)
class Scored:
    """One learner's answers to one form: percent right and, per item id, the letter and its mistake key."""

    form: str
    percent: float
    picks: dict[str, tuple[str, str | None]]  # item id -> (letter, mistake key or None when right or blank)


def _assignments(source: str) -> dict[str, ast.expr]:
    found: dict[str, ast.expr] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            found[node.targets[0].id] = node.value
    return found


def read_answers(notebook_text: str) -> StoredAnswers:
    """The ``learner_id`` and ``answers`` assigned in a notebook's code cells (the last ones win).

    Examples
    --------
    >>> cell = {"cell_type": "code", "source": "learner_id = 'otter'\\nanswers = {'A1': 'B'}"}
    >>> read_answers(json.dumps({"cells": [cell]}))
    StoredAnswers(learner_id='otter', answers={'A1': 'b'}, form='A', problem='')
    """
    try:
        cells = json.loads(notebook_text)["cells"]
    except (ValueError, KeyError, TypeError):
        return StoredAnswers(problem="the file is not a notebook")
    values: dict[str, ast.expr] = {}
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        try:
            values.update(_assignments(source))
        except SyntaxError:
            continue  # a cell that is not Python cannot hold the answers
    if "answers" not in values:
        return StoredAnswers(problem="no `answers = {...}` cell")
    try:
        answers = ast.literal_eval(values["answers"])
        learner_id = ast.literal_eval(values["learner_id"]) if "learner_id" in values else ""
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return StoredAnswers(problem="`answers` or `learner_id` is not a plain literal")
    if not isinstance(answers, dict) or not all(isinstance(v, str) for v in answers.values()):
        return StoredAnswers(problem="`answers` is not a dict of item id -> letter")
    letters = {str(k): v.strip().lower() for k, v in answers.items()}
    name = form_of(letters)
    problem = "" if name else "the answers do not name the items of one form (A1..A10 or B1..B10)"
    return StoredAnswers(str(learner_id).strip(), letters, name, problem)


def score(stored: StoredAnswers) -> Scored:
    """Percent right over all items of the form (a blank or unknown letter counts as wrong).

    Examples
    --------
    >>> key = {item.id: item.key for item in form("A")}
    >>> score(StoredAnswers("x", {"A1": key["A1"], "A2": "z"}, "A")).percent
    10.0
    """
    if stored.form is None:
        raise ValueError(f"`stored` must name a form. Received: {stored!r}.")
    items = form(stored.form)
    picks = {}
    for item in items:
        letter = stored.answers.get(item.id, "")
        choice = item.choices.get(letter)
        picks[item.id] = (letter, choice.mistake if choice else None)
    right = sum(stored.answers.get(item.id) == item.key for item in items)
    return Scored(stored.form, 100 * right / len(items), picks)


def read_file(path: Path) -> StoredAnswers:
    """:func:`read_answers` of the file at ``path`` (a problem, not an exception, when unreadable)."""
    try:
        return read_answers(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        return StoredAnswers(problem=f"unreadable ({type(err).__name__})")
