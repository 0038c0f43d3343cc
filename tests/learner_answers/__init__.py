"""Learner-style answers, written from the task texts, that measure the checkers.

One module per exercise notebook, ``exNN.py``, with ``WRONG`` and ``RIGHT``
lists of :class:`LearnerAnswer`. They were written the way a learner would
answer each task (loops, ``sliding_window_view``, reshape tricks, ``np.pad``,
``np.add.at``...), not from :mod:`poolutils.checks.mistakes`:
``tests/checks/test_learner_answers.py`` checks that every WRONG answer fails, every
RIGHT one passes, and that most wrong answers get a diagnosis naming their
mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LearnerAnswer:
    """One answer to exercise ``exercise``: a function or a value, with the mistake it should be told."""

    exercise: str
    answer: Any
    #: For a WRONG answer: the Mistake key the diagnosis should name (None: no known mistake).
    expect: str | None = None
    #: What the learner did, in words.
    note: str = ""
