"""tools/insert_quiz_cells.py puts the lesson quiz at the end of each tutorial and recall at the top of each
exercise notebook, once; the cells it inserts run."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("insert_quiz_cells", REPO / "tools" / "insert_quiz_cells.py")
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    for folder in ("notebooks", "solutions"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return tmp_path


def quiz_cell(cell) -> bool:
    """A cell the tool inserts: a heading it writes or a call of the quiz."""
    source = cell.source
    return source.startswith(("## Check yourself", "## Warm-up")) or source.startswith(
        "from poolutils.quiz import "
    )


def test_inserts_once_where_planned(course: Path):
    paths = sorted([*course.glob("notebooks/0*.ipynb"), *course.glob("solutions/0*.ipynb")])
    committed = {p: [c.source for c in nbformat.read(p, as_version=4).cells] for p in paths}
    # The committed course already has its cells: checking finds nothing to do, and a run changes no byte.
    before = {p: p.read_bytes() for p in paths}
    assert tool.main(["--check", *map(str, paths)]) == 0
    assert tool.main(list(map(str, paths))) == 0
    assert {p: p.read_bytes() for p in paths} == before
    # Without them, checking reports the gap, and a run puts back exactly the committed cells.
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        nb.cells = [c for c in nb.cells if not quiz_cell(c)]
        nbformat.write(nb, path)
    assert tool.main(["--check", *map(str, paths)]) == 1
    assert tool.main(list(map(str, paths))) == 0
    for path in paths:
        cells = nbformat.read(path, as_version=4).cells
        assert [c.source for c in cells] == committed[path], path.name
        lesson = path.name[:2]
        if path.parent.name == "notebooks" and lesson not in ("00", "05"):
            assert cells[-1].source == f'from poolutils.quiz import lesson_quiz\n\nlesson_quiz("{lesson}")'
            assert cells[-2].source.startswith("## Check yourself")
        if path.parent.name == "solutions" and lesson != "01":
            first_code = next(i for i, c in enumerate(cells) if c.cell_type == "code")
            assert cells[first_code + 1].source.startswith("## Warm-up")
            assert cells[first_code + 2].source == f'from poolutils.quiz import recall\n\nrecall("{lesson}")'
    untouched = [course / "notebooks/00_start_here.ipynb", course / "solutions/01_output_size.ipynb"]
    for path in untouched:
        assert [c.source for c in nbformat.read(path, as_version=4).cells] == committed[path]
        assert not any(quiz_cell(c) for c in nbformat.read(path, as_version=4).cells)


def test_the_inserted_cells_run():
    from poolutils.quiz import lesson_quiz, recall

    for lesson in ("01", "02", "03", "04", "05", "06", "07", "08"):
        assert lesson_quiz(lesson).items
    for lesson in ("02", "03", "04", "05", "06", "07", "08"):
        assert 2 <= len(recall(lesson).items) <= 3


def test_a_missing_path_gets_a_sentence(capsys):
    with pytest.raises(SystemExit):
        tool.main(["no/such.ipynb"])
    assert "PATH must be a notebook. Received: no/such.ipynb." in capsys.readouterr().err
