"""Concept quizzes: a pre/post test in two matched forms, per-lesson quizzes, spaced recall, the class's gain.

- :mod:`~poolutils.quiz.items`: items whose right values the library computes and whose wrong options are
  catalogued mistakes;
- :mod:`~poolutils.quiz.forms`: the matched forms A (before) and B (after);
- :mod:`~poolutils.quiz.lessons`: the closing quiz of each notebook and the recall questions;
- :mod:`~poolutils.quiz.view`: the ipywidgets form and its static HTML;
- :mod:`~poolutils.quiz.answers`: the stored answers, read from a notebook file and scored;
- :mod:`~poolutils.quiz.gain`: pre, post, normalised gain, Cohen's d, the distractor table.
"""

from __future__ import annotations

from collections.abc import MutableMapping

from poolutils.quiz.forms import form
from poolutils.quiz.lessons import lesson_items, recall_items
from poolutils.quiz.view import QuizView

__all__ = ["QuizView", "concept_quiz", "form", "lesson_quiz", "recall"]


def concept_quiz(name: str, answers: MutableMapping[str, str] | None = None) -> QuizView:
    """Form ``name`` ('A' before the session, 'B' after) as a widget; clicks go into ``answers``.

    Form A gives no feedback (it measures what the class knows before); form B does.
    """
    title = (
        "Concept quiz, form " + name + (" (before the session)" if name == "A" else " (after the session)")
    )
    return QuizView(form(name), answers, feedback=name != "A", title=title)


def lesson_quiz(lesson: str | int) -> QuizView:
    """The closing questions of notebook ``lesson``, with feedback on every click."""
    return QuizView(lesson_items(lesson), title=f"Check yourself: notebook {lesson}")


def recall(lesson: str | int) -> QuizView:
    """2-3 questions on earlier notebooks for the top of notebook ``lesson``, with feedback on every click."""
    return QuizView(recall_items(lesson), title="Warm-up: questions from earlier notebooks")
