"""Help at the learner's fingertips: ``hint(1)``, ``hint(2)`` and ``solution()`` for the last exercise checked.

Every check remembers itself when it runs (:func:`remember`), so right after
a ❌ the learner types ``hint(1)`` without the checker's name. The named
forms, ``check_NAME.hint(1)`` and ``check_NAME.solution()``, keep working
and are the way to ask about another exercise. The exercise notebooks import
``hint`` and ``solution`` from :mod:`poolutils.checks`.

Examples
--------
>>> from poolutils.checks.ex01 import check_output_size_valid
>>> remember(check_output_size_valid)
>>> hint(1)  # doctest: +ELLIPSIS
Hint 1/2 for Exercise 1.1: ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from poolutils.checks.core import Check

_last: list[Check] = []


def remember(check: Check) -> None:
    """Make ``check`` the exercise that :func:`hint` and :func:`solution` refer to."""
    _last[:] = [check]


def last_checked() -> Check | None:
    """The check that ran last in this kernel, or None."""
    return _last[0] if _last else None


def _current() -> Check:
    check = last_checked()
    if check is None:
        raise RuntimeError(
            "No exercise has been checked yet in this kernel, so `hint()` does not know which one you mean. "
            "Run an exercise's check cell first, or ask by name: check_NAME.hint(1)."
        )
    return check


def hint(level: int = 1) -> None:
    """Print hint ``level`` (1 or 2) of the last exercise checked."""
    _current().hint(level)


def solution() -> None:
    """Print the reference solution of the last exercise checked."""
    _current().solution()
