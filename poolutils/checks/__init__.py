"""Checkers for the exercise notebooks: ``check_xxx(your_function)``, ``check_xxx.hint(1)``.

Module ``exNN`` holds the checks of ``exercises/NN_*.ipynb``; the framework,
and how to add a checker, is described in :mod:`poolutils.checks.core`; the
known mistakes are catalogued once in :mod:`poolutils.checks.mistakes`, the
shared inputs in :mod:`poolutils.checks.fixtures`.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

from poolutils.checks.core import (
    KINDS,
    RESULT_LINE,
    Case,
    Check,
    Mistake,
    Outcome,
    Report,
    Status,
    parse_results,
)
from poolutils.checks.help import hint, solution

__all__ = [
    "KINDS",
    "RESULT_LINE",
    "Case",
    "Check",
    "Mistake",
    "Outcome",
    "Report",
    "Status",
    "checks_for_notebook",
    "hint",
    "notebook_number",
    "parse_results",
    "solution",
]


def checks_for_notebook(number: int) -> tuple[Check, ...]:
    """The checks of exercise notebook ``number`` (``exNN.CHECKS``), or () if it has none.

    Examples
    --------
    >>> [c.exercise for c in checks_for_notebook(1)][:2]
    ['1.1', '1.2']
    >>> checks_for_notebook(99)
    ()
    """
    name = f"ex{number:02d}"
    if not any(m.name == name for m in pkgutil.iter_modules(__path__)):
        return ()
    return tuple(importlib.import_module(f"{__name__}.{name}").CHECKS)


def notebook_number(filename: str) -> int | None:
    """The exercise-notebook number in a file name like ``02_max_pooling.ipynb``, or None.

    Examples
    --------
    >>> notebook_number("02_max_pooling.ipynb"), notebook_number("notes.ipynb")
    (2, None)
    """
    match = re.match(r"(\d\d)_", filename)
    return int(match.group(1)) if match else None
