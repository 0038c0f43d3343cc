"""Per-lesson quizzes and spaced recall: a few items at the end of each notebook, a few at the top of the next.

``lesson_quiz("02")`` shows the closing questions of notebook 02;
``recall("03")`` shows 2-3 questions on notebooks 01 and 02, with other
numbers than their own quizzes, at the top of notebook 03's exercises. Both
use the machinery of the concept quiz (:mod:`poolutils.quiz.items`): every
wrong option is a catalogued mistake and gets its sentence.

Examples
--------
>>> [item.id for item in lesson_items("01")]
['L01.1', 'L01.2', 'L01.3']
>>> [item.concept for item in recall_items("03")]
['same_size', 'max_same']
"""

from __future__ import annotations

from functools import cache

from poolutils.quiz.items import BUILDERS, Item

#: lesson -> (concept, numbers) of its closing quiz.
LESSONS: dict[str, tuple[tuple[str, tuple], ...]] = {
    "01": (("valid_size", (14, 4, 2)), ("same_size", (9, 2, 2)), ("padding_split", (8, 3, 3))),
    "02": (("max_same", ([[-4, -2, -6], [-8, -1, -3], [-7, -5, -9]],)), ("valid_size", (11, 3, 3))),
    "03": (("avg_same", ([[4, 2, 6], [1, 3, 5], [8, 2, 4]],)), ("divisor", (5, 6, 2, 2))),
    "04": (("gap_shape", ((4, 9, 9, 128),)), ("head_weights", (6, 6, 32, 5))),
    "05": (("shift", (1,)), ("shift", (4,))),
    "06": (("overlap_gradient", ([2, 5, 1, 0],)), ("overlap_gradient", ([1, 4, 2],))),
    "07": (("pool_weights", (2, 32)), ("head_weights", (4, 4, 64, 10))),
    "08": (("torch_average", ([[2, 2, 2], [2, 2, 2], [2, 2, 2]], 3, 2, 1)), ("same_size", (9, 4, 2))),
}

#: notebook -> (concept, numbers) of the recall questions on earlier notebooks.
RECALL: dict[str, tuple[tuple[str, tuple], ...]] = {
    "02": (("valid_size", (15, 3, 2)), ("padding_split", (7, 4, 2))),
    "03": (("same_size", (13, 4, 3)), ("max_same", ([[-6, -2, -5], [-1, -8, -3], [-9, -4, -7]],))),
    "04": (("divisor", (3, 5, 2, 2)), ("max_same", ([[-5, -9, -2], [-3, -4, -8], [-1, -6, -7]],))),
    "05": (("gap_shape", ((2, 3, 3, 16),)), ("avg_same", ([[6, 3, 9], [2, 8, 4], [7, 1, 5]],))),
    "06": (("shift", (2,)), ("head_weights", (5, 5, 16, 4)), ("ceil_size", (11, 4, 3))),
    "07": (("overlap_gradient", ([2, 6, 3],)), ("shift", (6,)), ("padding_split", (9, 4, 2))),
    "08": (("pool_weights", (3, 64)), ("divisor", (4, 5, 2, 2)), ("same_size", (10, 3, 4))),
}


def _lesson(name: object, table: dict) -> str:
    text = f"{name:02d}" if isinstance(name, int) and not isinstance(name, bool) else str(name)
    if text not in table:
        raise ValueError(f"`lesson` must be one of {', '.join(table)}. Received: {name!r}.")
    return text


@cache
def lesson_items(lesson: str | int) -> tuple[Item, ...]:
    """The closing quiz of notebook ``lesson`` ('01' ... '08'), ids ``L<lesson>.<k>``."""
    lesson = _lesson(lesson, LESSONS)
    return tuple(BUILDERS[c](f"L{lesson}.{k}", *args) for k, (c, args) in enumerate(LESSONS[lesson], start=1))


@cache
def recall_items(lesson: str | int) -> tuple[Item, ...]:
    """The recall questions at the top of notebook ``lesson`` ('02' ... '08'), ids ``R<lesson>.<k>``."""
    lesson = _lesson(lesson, RECALL)
    return tuple(BUILDERS[c](f"R{lesson}.{k}", *args) for k, (c, args) in enumerate(RECALL[lesson], start=1))
