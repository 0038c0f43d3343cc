"""Grade exercise notebooks: run each in a fresh kernel and tabulate the checkers' verdicts.

Usage::

    python -m poolutils.grade PATH... [--timeout SECONDS]

A PATH is a notebook, a folder of notebooks (one learner), or a folder of
learners' folders (``submissions/<learner>/*.ipynb``). Each notebook runs
headless from its own folder, every cell within the timeout; a notebook may
live anywhere, it imports poolutils from this environment. The checkers'
result lines (see :mod:`poolutils.checks._core`) give one row per exercise:
passed, failed, not attempted, or not run (the notebook stopped before the
check, or the check cell was deleted). The exit status is 0 only when every
exercise of every notebook passed and no notebook failed to run.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from poolutils.checks import RESULT_LINE, Status, checks_for_notebook, notebook_number, parse_results

DEFAULT_TIMEOUT = 60
WORDS = {Status.PASSED: "passed", Status.FAILED: "failed", Status.NOT_ATTEMPTED: "not attempted"}
NOT_RUN = "not run"


@dataclass
class NotebookGrade:
    """The verdicts for one notebook.

    Attributes
    ----------
    path : Path
    rows : list of (exercise, title, verdict)
        ``verdict`` is 'passed', 'failed', 'not attempted' or 'not run'.
    problems : list of str
        Why the notebook did not run cleanly (a cell's error, a timeout).
    """

    path: Path
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(verdict == "passed" for _, _, verdict in self.rows)

    @property
    def ok(self) -> bool:
        """True when every exercise passed and the notebook ran without an error."""
        return bool(self.rows) and self.passed == len(self.rows) and not self.problems


def collect(paths: Sequence[str | Path]) -> dict[str, list[Path]]:
    """Group the notebooks under ``paths`` by learner (their folder's name).

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
            groups.setdefault(learner, []).extend(notebooks)
    return groups


def verdicts(nb: nbformat.NotebookNode, path: str | Path) -> NotebookGrade:
    """Read the result lines and errors of an executed notebook.

    Exercises the notebook's checks module expects but that printed no
    result line are 'not run'.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> cell = new_code_cell(outputs=[new_output(
    ...     "stream", name="stdout", text="✅ Exercise 9.1 (f): correct on all 3 cases, same as Keras.\\n")])
    >>> verdicts(new_notebook(cells=[cell]), "99_demo.ipynb").rows
    [('9.1', 'f', 'passed')]
    """
    grade = NotebookGrade(Path(path))
    text = ""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                text += output.get("text", "")
            elif output.get("output_type") == "error":
                grade.problems.append(
                    f"cell {index + 1} raised {output.get('ename')}: {output.get('evalue', '')}".rstrip()
                )
    found = parse_results(text)
    titles = {m.group(2): m.group(3) for m in RESULT_LINE.finditer(text)}
    number = notebook_number(grade.path.name)
    expected = [(c.exercise, c.title) for c in checks_for_notebook(number)] if number is not None else []
    for exercise, title in expected:
        verdict = WORDS[found[exercise][0]] if exercise in found else NOT_RUN
        grade.rows.append((exercise, title, verdict))
    known = {e for e, _ in expected}
    for exercise in sorted(set(found) - known, key=_exercise_key):
        grade.rows.append((exercise, titles[exercise], WORDS[found[exercise][0]]))
    return grade


def _exercise_key(exercise: str) -> tuple[int, ...]:
    return tuple(int(part) for part in exercise.split("."))


def grade_notebook(path: Path, timeout: int = DEFAULT_TIMEOUT) -> NotebookGrade:
    """Run one notebook in a fresh kernel from its folder and read its verdicts (nothing is saved)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    # Set before the kernel starts, which inherits the environment.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as err:  # not JSON, not a notebook: report it, grade the others
        grade = verdicts(nbformat.v4.new_notebook(), path)
        grade.problems.append(f"could not read the notebook: {type(err).__name__}: {err}")
        return grade
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.resolve().parent)}},
    )
    problem = None
    try:
        client.execute()
    except CellTimeoutError:
        problem = f"timed out: a cell ran longer than {timeout} s; the cells after it did not run"
    except DeadKernelError:
        problem = "the kernel died; the cells after that did not run"
    grade = verdicts(nb, path)
    if problem:
        grade.problems.append(problem)
    return grade


def table(grade: NotebookGrade) -> str:
    """The rows of one notebook, its problems and its total, as text.

    Examples
    --------
    >>> print(table(NotebookGrade(Path("01_x.ipynb"), [("1.1", "f", "passed"), ("1.2", "g", "failed")])))
    01_x.ipynb
      Exercise 1.1  f  passed
      Exercise 1.2  g  failed
      total: 1/2 passed
    """
    width = max((len(title) for _, title, _ in grade.rows), default=0)
    lines = [grade.path.name]
    lines += [f"  Exercise {e:<4} {t:<{width}}  {v}" for e, t, v in grade.rows]
    lines += [f"  ! {p}" for p in grade.problems]
    lines.append(f"  total: {grade.passed}/{len(grade.rows)} passed")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m poolutils.grade", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", metavar="PATH", help="notebooks or folders of notebooks")
    parser.add_argument(
        "--timeout", type=int, default=DEFAULT_TIMEOUT, help=f"seconds per cell (default {DEFAULT_TIMEOUT})"
    )
    args = parser.parse_args(argv)
    try:
        groups = collect(args.paths)
    except FileNotFoundError as err:
        parser.error(str(err))
    all_ok = True
    for learner, notebooks in groups.items():
        print(f"== {learner} ==", flush=True)
        passed = total = 0
        for path in notebooks:
            grade = grade_notebook(path, args.timeout)
            print(table(grade), flush=True)
            passed, total = passed + grade.passed, total + len(grade.rows)
            all_ok = all_ok and grade.ok
        print(f"{learner}: {passed}/{total} exercises passed\n", flush=True)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
