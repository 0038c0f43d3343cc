"""The two matched forms of the concept quiz: the same ten concepts in the same order, other numbers.

Form A is taken before the session, form B in its last minutes. Item ``k``
of both forms tests the same concept with the same catalogued mistakes as
wrong options, so the class's answers can be compared item by item.

Examples
--------
>>> [item.id for item in form("A")][:3], form("B")[0].concept
(['A1', 'A2', 'A3'], 'valid_size')
"""

from __future__ import annotations

from functools import cache

from poolutils.quiz.items import BUILDERS, Item

#: concept -> the numbers of form A and of form B (the arguments after the item id).
PLAN: tuple[tuple[str, tuple, tuple], ...] = (
    ("valid_size", (10, 2, 2), (12, 3, 3)),
    ("ceil_size", (9, 3, 2), (13, 3, 2)),
    ("same_size", (7, 3, 2), (11, 2, 3)),
    ("padding_split", (6, 3, 2), (10, 5, 2)),
    (
        "max_same",
        ([[-3, -1, -4], [-1, -2, -9], [-2, -6, -5]],),
        ([[-2, -7, -1], [-5, -3, -8], [-4, -6, -9]],),
    ),
    ("avg_same", ([[1, 2, 3], [4, 5, 6], [7, 8, 9]],), ([[2, 4, 6], [8, 1, 3], [5, 7, 9]],)),
    ("divisor", (3, 4, 2, 2), (5, 4, 2, 2)),
    ("gap_shape", ((8, 7, 7, 64),), ((16, 5, 5, 32),)),
    ("shift", (3,), (5,)),
    ("pool_weights", (2, 16), (3, 8)),
)

FORMS = ("A", "B")


@cache
def form(name: str) -> tuple[Item, ...]:
    """The items of form ``name`` ('A' or 'B'), ids ``<name>1`` ... ``<name>10``."""
    if name not in FORMS:
        raise ValueError(f"`name` must be one of {', '.join(FORMS)}. Received: {name!r}.")
    column = FORMS.index(name) + 1
    return tuple(
        BUILDERS[row[0]](f"{name}{number}", *row[column]) for number, row in enumerate(PLAN, start=1)
    )


def form_of(item_ids: object) -> str | None:
    """The form whose items the ids name (``{'A1': ...}`` -> 'A'); None when none or mixed.

    Examples
    --------
    >>> form_of({"B1": "a", "B7": "c"}), form_of({"A1": "a", "B2": "b"}), form_of({})
    ('B', None, None)
    """
    prefixes = {str(i)[:1] for i in item_ids} if item_ids else set()
    return prefixes.pop() if len(prefixes) == 1 and prefixes <= set(FORMS) else None
