"""Insert the quiz cells into the course notebooks, once: ``python tools/insert_quiz_cells.py [--check] [PATH...]``.

- A tutorial notebook ``notebooks/NN_*.ipynb`` (01-08) gets a closing quiz,
  ``lesson_quiz("NN")``, after its last cell.
- A solution notebook ``solutions/NN_*.ipynb`` (02-08; the exercise notebooks
  are generated from them) gets the recall questions on earlier notebooks,
  ``recall("NN")``, right after its setup cell (the first code cell).

Each insertion is a Markdown cell that says why and a code cell; a notebook
that already has the code cell is left alone, so running the script twice
changes nothing. With ``--check`` nothing is written and the exit status is 1
when a notebook lacks its cells. Re-run the notebooks afterwards
(``tools/execute_notebooks.py``) and regenerate the exercises.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
LESSON_TEXT = (
    "## Check yourself\n\n"
    "A few questions on this notebook. Click an option: a wrong one tells you which mistake it stands for, "
    "a right one why it is right. Nothing here is graded."
)
RECALL_TEXT = (
    "## Warm-up: questions from earlier notebooks\n\n"
    "Two or three quick questions on what came before, to bring it back before the exercises. "
    "Click an option to see why it is right or which mistake it stands for."
)


def lesson_of(path: Path) -> str | None:
    match = re.match(r"(\d\d)_", path.name)
    return match.group(1) if match else None


def planned_cells(path: Path) -> tuple[str, str, str] | None:
    """(where, markdown, code) for ``path``: 'end' of a tutorial, 'after_setup' of a solution; None if neither."""
    from poolutils.quiz.lessons import LESSONS, RECALL

    lesson = lesson_of(path)
    if path.parent.name == "notebooks" and lesson in LESSONS:
        return "end", LESSON_TEXT, f'from poolutils.quiz import lesson_quiz\n\nlesson_quiz("{lesson}")'
    if path.parent.name == "solutions" and lesson in RECALL:
        return "after_setup", RECALL_TEXT, f'from poolutils.quiz import recall\n\nrecall("{lesson}")'
    return None


def _cell(kind: str, source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
    cell.pop("id", None)  # the course's notebooks are nbformat 4.4, without cell ids
    return cell


def insert(path: Path, write: bool = True) -> bool:
    """Insert the cells into ``path`` unless they are there; True when it changed (or would change)."""
    plan = planned_cells(path)
    if plan is None:
        return False
    where, markdown, code = plan
    nb = nbformat.read(path, as_version=4)
    if any(cell.cell_type == "code" and cell.source.strip() == code for cell in nb.cells):
        return False
    new = [_cell("markdown", markdown), _cell("code", code)]
    if where == "end":
        nb.cells += new
    else:
        first_code = next(i for i, cell in enumerate(nb.cells) if cell.cell_type == "code")
        nb.cells[first_code + 1 : first_code + 1] = new
    if write:
        nbformat.write(nb, path)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: notebooks/ and solutions/)")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a notebook lacks its cells"
    )
    args = parser.parse_args(argv)
    paths = args.paths or sorted([*REPO.glob("notebooks/0*.ipynb"), *REPO.glob("solutions/0*.ipynb")])
    missing = [p for p in paths if not p.is_file()]
    if missing:
        parser.error(f"PATH must be a notebook. Received: {', '.join(map(str, missing))}.")
    changed = [p for p in paths if insert(p, write=not args.check)]
    verb = "lacks its quiz cells" if args.check else "quiz cells inserted"
    for path in changed:
        print(f"{path}: {verb}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
