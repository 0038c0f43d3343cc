"""Which notebooks count: grouped by learner, read into memory before anything runs.

A notebook counts when its name starts with the two-digit number of a
notebook that has exercises (``02_max_pooling.ipynb``); the numbers come from
:func:`poolutils.checks.checks_for_notebook`, so new exercise notebooks count
as soon as their checks exist. Every other notebook is listed as ignored,
with the reason: no number, a number without exercises, or a second notebook
with the same number (the one with the shortest name counts, so
``02_max_pooling.ipynb`` wins over ``02_max_pooling-Copy1.ipynb``).

Every file is read before the first kernel starts: a notebook that writes to
another learner's files changes nothing that is graded. A notebook that is a
symbolic link, or sits in a learner folder that is one (a folder linked to
``solutions/``), is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from poolutils.checks import checks_for_notebook, notebook_number


@dataclass(frozen=True)
class Submission:
    """One notebook of one learner.

    Attributes
    ----------
    learner : str
    path : Path
    text : str or None
        The file's content, read before grading starts; None if unreadable.
    number : int or None
        The exercise-notebook number it counts for; None when it is ignored.
    ignored : str
        Why it does not count ('' when it counts).
    """

    learner: str
    path: Path
    text: str | None
    number: int | None
    ignored: str = ""

    @property
    def name(self) -> str:
        return self.path.name


def collect(paths: Sequence[str | Path]) -> dict[str, list[Path]]:
    """Group the notebooks under ``paths`` by learner (their folder's name).

    A PATH is a notebook, a folder of notebooks (one learner), or a folder of
    learners' folders (``submissions/<learner>/*.ipynb``).

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> for name in ("alice/01_output_size.ipynb", "bob/01_output_size.ipynb", "bob/02_max_pooling.ipynb"):
    ...     (root / name).parent.mkdir(exist_ok=True)
    ...     _ = (root / name).write_text("{}")
    >>> {k: [p.name for p in v] for k, v in collect([root]).items()}
    {'alice': ['01_output_size.ipynb'], 'bob': ['01_output_size.ipynb', '02_max_pooling.ipynb']}
    """
    groups: dict[str, list[Path]] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            found = {path.resolve().parent.name: [path]}
        elif path.is_dir():
            found = {}
            own = sorted(path.glob("*.ipynb"))
            if own:
                found[path.resolve().name] = own
            for sub in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")):
                notebooks = sorted(sub.glob("*.ipynb"))
                if notebooks:
                    found[sub.name] = notebooks
        else:
            raise FileNotFoundError(f"`PATH` must be a notebook or a folder. Received: {str(path)!r}.")
        for learner, notebooks in found.items():
            known = {p.resolve() for p in groups.get(learner, [])}
            groups.setdefault(learner, []).extend(p for p in notebooks if p.resolve() not in known)
    return groups


@cache
def has_exercises(number: int) -> bool:
    """Whether notebook ``number`` has checks (a ``poolutils.checks.exNN`` module)."""
    return bool(checks_for_notebook(number))


def classify(learner: str, paths: Sequence[Path]) -> list[Submission]:
    """The learner's notebooks, read, each counted for its number or ignored with a reason.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> names = ["02_max_pooling-Copy1.ipynb", "02_max_pooling.ipynb", "notes.ipynb", "00_start_here.ipynb"]
    >>> for name in names:
    ...     _ = (folder / name).write_text("{}")
    >>> for s in classify("ann", [folder / n for n in names]):
    ...     print(s.name, s.number, s.ignored or "counts")
    02_max_pooling-Copy1.ipynb None duplicate: 02_max_pooling.ipynb counts for notebook 02
    02_max_pooling.ipynb 2 counts
    notes.ipynb None not an exercise notebook (its name has no NN_ number)
    00_start_here.ipynb None notebook 00 has no exercises
    """
    counted: dict[int, Path] = {}
    for path in sorted(paths, key=lambda p: (len(p.name), p.name)):
        number = notebook_number(path.name)
        if path.is_symlink() or path.parent.is_symlink():
            continue
        if number is not None and has_exercises(number) and number not in counted:
            counted[number] = path
    result = []
    for path in paths:
        number = notebook_number(path.name)
        if path.is_symlink() or path.parent.is_symlink():
            why = "refused: a symbolic link (hand in the notebook file itself)"
            result.append(Submission(learner, path, None, None, why))
            continue
        if number is None:
            why = "not an exercise notebook (its name has no NN_ number)"
        elif not has_exercises(number):
            why = f"notebook {number:02d} has no exercises"
        elif counted[number] != path:
            why = f"duplicate: {counted[number].name} counts for notebook {number:02d}"
        else:
            result.append(Submission(learner, path, _read(path), number))
            continue
        result.append(Submission(learner, path, None, None, why))
    return result


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
