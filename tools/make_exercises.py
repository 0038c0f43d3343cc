"""Write exercises/NN_*.ipynb from solutions/NN_*.ipynb, then run them.

Usage: python tools/make_exercises.py [SOLUTION_NOTEBOOK ...]

The solution notebooks are the single source. Every region between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` (nbgrader's markers) becomes
a stub that says what to write and raises NotImplementedError; the checkers
report such a stub as "not attempted yet", so the exercise notebook runs
clean top to bottom and shows the learner that feedback.

A region at the top level of a cell whose first line is ``name = ...``
(a value exercise: predict, by hand, choose, design) becomes ``name = ...``
with the Ellipsis, which the checkers also report as "not attempted yet".
A line ending in ``### BUG: <code>`` (a find-the-bug exercise) becomes
``<code>`` at the same indentation: the exercise shows the buggy code.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearOutputPreprocessor

sys.path.insert(0, str(Path(__file__).resolve().parent))
from execute_notebooks import execute  # a sibling script, not a package

ROOT = Path(__file__).resolve().parents[1]
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
DEF = re.compile(r"^\s*def (\w+)\(")
#: How each kind of exercise is named in the notebooks' headings.
KIND_NAMES = {
    "implement": "write code",
    "find_the_bug": "find the bug",
    "predict": "predict, then check",
    "by_hand": "by hand",
    "design": "design",
    "choose": "choose and explain",
}
ASSIGN = re.compile(r"^(\w+) = ")
BUG = re.compile(r"^(\s*).*?\s*### BUG: (.*)$")


def stub(indent: str, function: str | None) -> list[str]:
    """The lines that replace one solution region."""
    what = f"the body of `{function}`" if function else "your answer"
    name = function or "this exercise"
    return [
        f"{indent}# Your code here: write {what} (the task is in the cell above), then delete the next line.",
        f'{indent}raise NotImplementedError("{name} is not written yet")',
    ]


def value_stub(name: str) -> list[str]:
    """The lines that replace a top-level ``name = value`` solution region."""
    return ["# Your answer here: replace ... with it (the task is in the cell above).", f"{name} = ..."]


def strip_solutions(source: str) -> str:
    """``source`` with every solution region replaced by a stub.

    Examples
    --------
    >>> print(strip_solutions("def f(x):\\n    ### BEGIN SOLUTION\\n    return x\\n    ### END SOLUTION"))
    def f(x):
        # Your code here: write the body of `f` (the task is in the cell above), then delete the next line.
        raise NotImplementedError("f is not written yet")
    >>> print(strip_solutions("### BEGIN SOLUTION\\nshape = (1, 2)\\n### END SOLUTION"))
    # Your answer here: replace ... with it (the task is in the cell above).
    shape = ...
    >>> print(strip_solutions("    best = -np.inf  ### BUG: best = 0"))
        best = 0
    """
    out: list[str] = []
    function = None
    inside = False
    for number, line in enumerate(source.splitlines(), 1):
        if inside:
            if line.strip() == END:
                inside = False
            continue
        if line.strip() == BEGIN:
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            following = source.splitlines()[number:]
            value = ASSIGN.match(following[0]) if following and not indent else None
            out += value_stub(value.group(1)) if value else stub(indent, function)
            continue
        if line.strip() == END:
            raise ValueError(f"{END!r} without {BEGIN!r} on line {number} of:\n{source}")
        match = DEF.match(line)
        if match:
            function = match.group(1)
        bug = BUG.match(line)
        out.append(bug.group(1) + bug.group(2) if bug else line)
    if inside:
        raise ValueError(f"{BEGIN!r} without {END!r} in:\n{source}")
    return "\n".join(out)


def exercise_notebook(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The exercise version of a solution notebook: stubs instead of solutions, no outputs."""
    nb = nbformat.from_dict(solution)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source)
    nb, _ = ClearOutputPreprocessor().preprocess(nb, {})
    return nb


def exercise_path(solution_path: Path) -> Path:
    return ROOT / "exercises" / solution_path.name


def main(args: list[str]) -> int:
    paths = [Path(a) for a in args] or sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        target = exercise_path(path)
        nbformat.write(exercise_notebook(nbformat.read(path, as_version=4)), target)
        print(f"{target.relative_to(ROOT)}: {execute(target):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
