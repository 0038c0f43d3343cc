"""exercises/ is generated from solutions/: same sources except stubs, and no solution leaks."""

import importlib.util
import inspect
import re
import textwrap
from pathlib import Path

import nbformat
import numpy as np
import pytest

from poolutils.checks import checks_for_notebook, notebook_number

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


def load_tool():
    spec = importlib.util.spec_from_file_location("make_exercises", ROOT / "tools" / "make_exercises.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_exercises = load_tool()


def regions(source: str) -> list[list[str]]:
    found, current = [], None
    for line in source.splitlines():
        if line.strip() == make_exercises.BEGIN:
            current = []
        elif line.strip() == make_exercises.END:
            found.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return found


def test_there_are_solution_notebooks():
    assert len(SOLUTIONS) >= 5


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_committed_exercise_matches_regenerated(solution):
    expected = make_exercises.exercise_notebook(nbformat.read(solution, as_version=4))
    committed = nbformat.read(ROOT / "exercises" / solution.name, as_version=4)
    assert [(c.cell_type, c.source) for c in committed.cells] == [
        (c.cell_type, c.source) for c in expected.cells
    ], "exercises/ is stale: run `make exercises`"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_no_solution_line_leaks(solution):
    nb = nbformat.read(solution, as_version=4)
    outside, inside = set(), set()
    for cell in nb.cells:
        solution_lines = {line.strip() for region in regions(cell.source) for line in region}
        inside |= solution_lines
        outside |= {line.strip() for line in cell.source.splitlines()} - solution_lines
    secret = {line for line in inside - outside if line and not line.startswith("#")}
    assert secret, "a solution notebook without solution regions"
    exercise = nbformat.read(ROOT / "exercises" / solution.name, as_version=4)
    shown = {line.strip() for cell in exercise.cells for line in cell.source.splitlines()}
    assert not secret & shown


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_every_check_has_a_stub_and_a_check_cell(solution):
    exercise = nbformat.read(ROOT / "exercises" / solution.name, as_version=4)
    code = "\n".join(c.source for c in exercise.cells if c.cell_type == "code")
    checks = checks_for_notebook(notebook_number(solution.name))
    assert checks
    for check in checks:
        assert re.search(rf"^{check.name}\({check.answer_name}\)$", code, re.MULTILINE), check.name
        if check.kind == "find_the_bug":
            assert re.search(rf"^def {check.title}\(", code, re.MULTILINE), check.name
        elif check.takes_function:
            assert f'raise NotImplementedError("{check.title} is not written yet")' in code
        else:  # a value exercise: the checkers report the Ellipsis as not attempted
            assert re.search(rf"^{check.answer_name} = \.\.\.$", code, re.MULTILINE), check.name


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_every_exercise_heading_shows_its_kind_and_minutes(solution):
    nb = nbformat.read(solution, as_version=4)
    headings = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown" and c.source]
    for check in checks_for_notebook(notebook_number(solution.name)):
        heading = next(h for h in headings if h.startswith(f"## Exercise {check.exercise}: "))
        assert f"about {check.minutes} min)" in heading, heading
        assert make_exercises.KIND_NAMES[check.kind] in heading, heading
    total = sum(c.minutes for c in checks_for_notebook(notebook_number(solution.name)))
    assert f"Estimated time: {total} minutes." in nb.cells[0].source


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_find_the_bug_exercises_show_the_bug_and_the_checker_names_it(solution):
    exercise = nbformat.read(ROOT / "exercises" / solution.name, as_version=4)
    for check in checks_for_notebook(notebook_number(solution.name)):
        if check.kind != "find_the_bug":
            continue
        cell = next(c.source for c in exercise.cells if re.search(rf"^def {check.title}\(", c.source, re.M))
        namespace = {"np": np}
        exec(cell, namespace)
        report = check.evaluate(namespace[check.title])
        assert report.mistake == check.bug.key, str(report)
        assert "the bug is still there" in (report.diagnosis or ""), str(report)


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_solution_regions_are_the_checkers_solutions(solution):
    # check_xxx.solution() prints the checker's reference: it must be the notebook's solution.
    nb = nbformat.read(solution, as_version=4)
    bodies, values, fixed = {}, {}, {}
    for cell in nb.cells:
        match = re.match(r"def (\w+)\(", cell.source)
        if match and regions(cell.source):
            bodies[match.group(1)] = "\n".join(regions(cell.source)[0])
        elif match and "### BUG: " in cell.source:
            fixed[match.group(1)] = re.sub(r"\s+### BUG: .*", "", cell.source)
        elif regions(cell.source):
            namespace = {}
            exec("\n".join(regions(cell.source)[0]), namespace)
            values.update(namespace)
    for check in checks_for_notebook(notebook_number(solution.name)):
        if not check.takes_function:
            assert values[check.answer_name] == check.reference, check.title
            continue
        reference = textwrap.dedent(inspect.getsource(check.reference)).rstrip()
        if check.kind == "find_the_bug":
            assert fixed[check.title] == reference, check.title
        else:
            assert bodies[check.title] == "\n".join(reference.splitlines()[1:]), check.title


def test_value_stub_and_bug_line():
    source = "### BEGIN SOLUTION\nanswer = [[1, 2],\n          [3, 4]]\n### END SOLUTION\ncheck(answer)"
    assert make_exercises.strip_solutions(source).splitlines()[1:] == ["answer = ...", "check(answer)"]
    assert (
        make_exercises.strip_solutions("def f():\n    x = 1  # ok  ### BUG: x = 0") == "def f():\n    x = 0"
    )


def test_unbalanced_markers_are_rejected():
    with pytest.raises(ValueError, match="without"):
        make_exercises.strip_solutions("def f():\n    ### BEGIN SOLUTION\n    return 1\n")
    with pytest.raises(ValueError, match="without"):
        make_exercises.strip_solutions("def f():\n    return 1\n    ### END SOLUTION\n")


def test_stub_keeps_indentation_and_names_the_function():
    source = "def outer(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n\nprint(1)"
    lines = make_exercises.strip_solutions(source).splitlines()
    assert lines[0] == "def outer(x):"
    assert lines[2] == '    raise NotImplementedError("outer is not written yet")'
    assert lines[-1] == "print(1)"
    assert "return x" not in lines
