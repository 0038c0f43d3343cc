"""Every cheat of issue 12's table, graded as one class: none of them gets credit.

One grader run (a subprocess, two notebooks at a time) grades a class whose
learners each try one cheat on notebook 01, next to an honest learner
(the solution notebook: full credit) and a learner who handed in the stubs.
Each test then reads its learner's rows. Small notebooks written here keep
the run short; only the two controls are real notebooks.
"""

import csv
import shutil
from pathlib import Path

import nbformat
import pytest
from grade_env import grade, snapshot
from nbformat.v4 import new_code_cell, new_notebook, new_output

from poolutils.checks import checks_for_notebook

ROOT = Path(__file__).resolve().parents[1]
CHECKS = checks_for_notebook(1)
PASS_LINES = [f"✅ Exercise {c.exercise} ({c.title}): correct on all 9 cases, same as Keras." for c in CHECKS]
IMPORTS = f"from poolutils.checks.ex01 import {', '.join(c.name for c in CHECKS)}"
CALLS = "\n".join(f"{c.name}({c.answer_name})" for c in CHECKS)


def stubs() -> str:
    return "\n".join(
        f"def {c.answer_name}(*args, **kwargs):\n    raise NotImplementedError\n"
        if c.takes_function
        else f"{c.answer_name} = ..."
        for c in CHECKS
    )


def stored_pass(source: str) -> nbformat.NotebookNode:
    # A check cell whose stored output is an old pass line, as if run once with a real answer.
    text = "\n".join(PASS_LINES) + "\n"
    return new_code_cell(source, outputs=[new_output("stream", name="stdout", text=text)], execution_count=3)


def write(path: Path, *cells) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    cells = [c if isinstance(c, nbformat.NotebookNode) else new_code_cell(c) for c in cells]
    nb = new_notebook(cells=cells)
    nb.metadata.kernelspec = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, path)


CHEATS = {
    "fake_print": [stubs(), "\n".join(f"print({line!r})" for line in PASS_LINES)],
    "lambda_checker": [
        stubs(),
        "\n".join(f"{c.name} = lambda f, line={line!r}: print(line)" for c, line in zip(CHECKS, PASS_LINES)),
        CALLS,
    ],
    "evaluate_patched": [
        stubs(),
        IMPORTS,
        "from poolutils.checks.core import Check, Report, Status\n"
        "def passed(self, *args):\n"
        "    return Report(self.exercise, self.title, Status.PASSED, 'correct on all 9 cases, same as Keras.')\n"
        "Check.evaluate = Check.judge = passed\n"
        "Check.__call__ = lambda self, answer: print(passed(self))",
        CALLS,
    ],
    "empty_cases": [
        stubs(),
        IMPORTS,
        "\n".join(
            f"{c.name}.cases = {c.name}.case_list = lambda *a: []\n{c.name}._cases = []\n{c.name}._fixed = ()"
            for c in CHECKS
        ),
        CALLS,
    ],
    "stale_outputs_endless_loop": [
        stubs(),
        stored_pass(IMPORTS),
        "while True:\n    pass",
        stored_pass(CALLS),
    ],
    "stale_outputs_uninterruptible_loop": [
        stubs(),
        stored_pass(IMPORTS),
        "import time\nwhile True:\n    try:\n        time.sleep(0.2)\n    except KeyboardInterrupt:\n        pass",
        stored_pass(CALLS),
    ],
    "stale_outputs_os_exit": [stubs(), stored_pass(IMPORTS), "import os\nos._exit(0)", stored_pass(CALLS)],
    "edits_its_poolutils": [
        # Rewrites the framework on disk so that every later judge() passes: it only ever edits the
        # private copy its own kernel imports, and the grader judges with the code it loaded first.
        stubs(),
        "import pathlib\nimport poolutils.checks.core as core\n"
        "path = pathlib.Path(core.__file__)\n"
        "path.write_text(path.read_text() + '\\nCheck.judge = lambda self, c, o: Report('\n"
        "    'self.exercise, self.title, Status.PASSED, \"correct\")\\n')",
    ],
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    for learner, cells in CHEATS.items():
        write(root / learner / "01_output_size.ipynb", *cells)
    # Graded after the editor in alphabetical order, with one job: it would inherit an edit.
    write(root / "zz_stubs_after_the_edit" / "01_output_size.ipynb", stubs(), IMPORTS, CALLS)
    write(root / "notes_only" / "notes.ipynb", "\n".join(f"print({line!r})" for line in PASS_LINES * 5))
    (root / "twice").mkdir()
    shutil.copy(ROOT / "solutions" / "01_output_size.ipynb", root / "twice" / "01_output_size.ipynb")
    shutil.copy(ROOT / "solutions" / "01_output_size.ipynb", root / "twice" / "01_output_size (copy).ipynb")
    for folder, learner in (("solutions", "honest"), ("exercises", "unsolved")):
        (root / learner).mkdir()
        shutil.copy(ROOT / folder / "01_output_size.ipynb", root / learner)
    lib = snapshot(tmp_path_factory.mktemp("lib"))
    # 10 s per cell: the endless loops end soon, and the honest notebook's cells fit even on a busy machine.
    run = grade(lib, str(root), "--jobs", "2", "--timeout", "10", "--csv", str(root / "grades.csv"), cwd=root)
    with open(root / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return run, rows


def verdicts(graded, learner: str) -> list[str]:
    return [row["verdict"] for row in graded[1] if row["learner"] == learner]


def block(graded, learner: str) -> str:
    return graded[0].stdout.split(f"== {learner} ==")[1].split("\n== ")[0]


def test_the_controls_an_honest_learner_gets_full_credit_and_stubs_none(graded):
    assert verdicts(graded, "honest") == ["passed"] * len(CHECKS)
    assert verdicts(graded, "unsolved") == ["not attempted"] * len(CHECKS)
    assert graded[0].returncode == 1
    assert "grading seed" in graded[0].stdout


@pytest.mark.parametrize("cheat", ["fake_print", "lambda_checker", "evaluate_patched", "empty_cases"])
def test_cheats_inside_the_kernel_get_no_credit(graded, cheat):
    assert verdicts(graded, cheat) == ["not attempted"] * len(CHECKS), block(graded, cheat)


@pytest.mark.parametrize(
    ("cheat", "problem", "verdict"),
    [
        # Interrupted, the later cells run: the answers are still the stubs.
        ("stale_outputs_endless_loop", "cell 3 ran longer than 10 s; it was interrupted", "not attempted"),
        # A kernel that will not stop, or that ended itself, answers nothing: nothing was verified.
        ("stale_outputs_uninterruptible_loop", "the kernel did not stop after the interrupt", "not run"),
        ("stale_outputs_os_exit", "the kernel died", "not run"),
    ],
)
def test_stale_pass_outputs_then_a_loop_or_an_exit_get_no_credit(graded, cheat, problem, verdict):
    text = block(graded, cheat)
    assert problem in text
    assert verdicts(graded, cheat) == [verdict] * len(CHECKS), text


def test_an_unnumbered_notebook_printing_pass_lines_is_ignored(graded):
    text = block(graded, "notes_only")
    assert "ignored: notes.ipynb: not an exercise notebook" in text
    assert "notes_only: 0/0 exercises passed" in text
    assert verdicts(graded, "notes_only") == []


def test_the_same_notebook_twice_counts_once(graded):
    text = block(graded, "twice")
    assert verdicts(graded, "twice") == ["passed"] * len(CHECKS)
    assert "ignored: 01_output_size (copy).ipynb: duplicate: 01_output_size.ipynb counts" in text
    assert f"twice: {len(CHECKS)}/{len(CHECKS)} exercises passed" in text


def test_an_edit_of_its_own_poolutils_is_reported_and_reaches_no_one(graded):
    text = block(graded, "edits_its_poolutils")
    assert "changed its copy of poolutils: changed checks/core.py" in text
    assert verdicts(graded, "edits_its_poolutils") == ["not attempted"] * len(CHECKS)
    assert verdicts(graded, "zz_stubs_after_the_edit") == ["not attempted"] * len(CHECKS)


def test_an_edit_of_the_shared_package_stops_grading_and_names_the_submission(tmp_path):
    # On a copy of the package (PYTHONPATH), never the working tree.
    lib = snapshot(tmp_path / "lib")
    target = lib / "poolutils" / "checks" / "core.py"
    write(
        tmp_path / "class" / "a_editor" / "01_output_size.ipynb",
        stubs(),
        f"import pathlib\npath = pathlib.Path({str(target)!r})\npath.write_text(path.read_text() + '\\n# edited\\n')",
    )
    write(tmp_path / "class" / "b_stubs" / "01_output_size.ipynb", stubs())
    run = grade(lib, str(tmp_path / "class"), "--jobs", "1", cwd=tmp_path)
    assert run.returncode == 3, run.stdout + run.stderr
    assert "STOPPED: poolutils changed while grading: changed checks/core.py" in run.stdout
    assert "changed by a_editor/01_output_size.ipynb." in run.stdout
    assert "ignored: 01_output_size.ipynb: not graded: grading stopped first" in block((run, []), "b_stubs")
