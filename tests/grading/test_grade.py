"""python -m poolutils.grade: the course's own notebooks, the instructor's files, errors and exit codes.

Solutions grade 100% (exit 0) and the generated exercises 0% (exit 1), for
every exercise notebook found. The cheats of issue 12 are in
``test_grade_cheats.py``; the parts without a kernel in ``test_grade_parts.py``.
"""

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from poolutils.checks import checks_for_notebook, notebook_number
from tests.grading.grade_env import grade, snapshot

ROOT = Path(__file__).resolve().parents[2]


def exercise_notebooks(folder: str) -> list[Path]:
    return [
        p
        for p in sorted((ROOT / folder).glob("[0-9][0-9]_*.ipynb"))
        if checks_for_notebook(notebook_number(p.name))
    ]


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    return snapshot(tmp_path_factory.mktemp("lib"))


def write(path: Path, *sources: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata.kernelspec = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize(
    ("folder", "status", "verdict"), [("solutions", 0, "passed"), ("exercises", 1, "not attempted")]
)
def test_every_solution_passes_and_every_exercise_is_not_attempted(tmp_path, lib, folder, status, verdict):
    notebooks = exercise_notebooks(folder)
    assert len(notebooks) >= 6, notebooks
    learner = tmp_path / "submissions" / "frank"
    learner.mkdir(parents=True)
    for path in notebooks:
        shutil.copy(path, learner)
    run = grade(lib, str(tmp_path / "submissions"), "--csv", str(tmp_path / "g.csv"), cwd=tmp_path)
    assert run.returncode == status, run.stdout + run.stderr[-3000:]
    with open(tmp_path / "g.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    expected = [
        (c.exercise, c.title) for p in notebooks for c in checks_for_notebook(notebook_number(p.name))
    ]
    assert [(r["exercise"], r["title"]) for r in rows] == expected
    kinds = {c.exercise: c.kind for p in notebooks for c in checks_for_notebook(notebook_number(p.name))}
    # A find-the-bug exercise hands out the buggy code: unsolved, it fails, naming the bug.
    wanted = {e: "failed" if status and kind == "find_the_bug" else verdict for e, kind in kinds.items()}
    wrong = [
        (r["exercise"], r["verdict"], r["diagnosis"]) for r in rows if r["verdict"] != wanted[r["exercise"]]
    ]
    assert not wrong, run.stdout
    total = len(expected) if status == 0 else 0
    assert f"frank: {total}/{len(expected)} exercises passed" in run.stdout
    assert len(re.findall(r"^\[\d+/\d+\] frank/", run.stderr, re.MULTILINE)) == len(
        notebooks
    )  # progress lines


def test_wrong_answers_get_diagnoses_in_csv_feedback_and_class_summary(tmp_path, lib):
    solved = (ROOT / "solutions" / "02_max_pooling.ipynb").read_text()
    # A learner whose 2.2 lets a 0 win every window (as zero padding would), and one who solved it.
    window = "fmap[max(top, 0) : top + pool_size, max(left, 0) : left + pool_size].max()"
    wrong = solved.replace(window, f"max({window}, 0)")
    assert wrong != solved
    for learner, text in [("ann", solved), ("bo", wrong)]:
        nb = nbformat.reads(text, as_version=4)
        # The grader computes Keras' answers itself: the learner's kernel never imports TensorFlow.
        nb.cells.append(new_code_cell("import sys\nassert 'tensorflow' not in sys.modules, 'TensorFlow'"))
        (tmp_path / "class" / learner).mkdir(parents=True)
        nbformat.write(nb, tmp_path / "class" / learner / "02_max_pooling.ipynb")
    run = grade(
        lib,
        "class",
        *("--csv", "out/g.csv", "--feedback", "out/feedback", "--summary", "out/summary", "--seed", "7"),
        cwd=tmp_path,
    )
    assert run.returncode == 1, run.stdout + run.stderr[-3000:]
    assert "grading seed 7 (replay these cases with --seed 7)" in run.stdout
    with open(tmp_path / "out" / "g.csv", newline="", encoding="utf-8") as f:
        rows = {(r["learner"], r["exercise"]): r for r in csv.DictReader(f)}
    assert rows[("ann", "2.2")]["verdict"] == "passed" and rows[("bo", "2.2")]["verdict"] == "failed"
    feedback = (tmp_path / "out" / "feedback" / "bo.md").read_text()
    assert "### Exercise 2.2 (max_pool2d): failed" in feedback
    assert "expected:" in feedback and "got:" in feedback and "diagnosis:" in feedback
    summary = (tmp_path / "out" / "summary" / "summary.md").read_text()
    assert re.search(r"\| 2\.2 max_pool2d \| 1 of 2 \(50%\) \| 1 \|", summary), summary
    assert re.search(r"  - 1 of 2: .+", summary.split("Exercise 2.2")[1]), summary
    assert (tmp_path / "out" / "summary" / "pass_rates.png").read_bytes()[:4] == b"\x89PNG"
    assert "### Exercise" not in (tmp_path / "out" / "feedback" / "ann.md").read_text()
    assert "raised AssertionError" not in run.stdout


def test_a_cell_error_is_reported_and_later_cells_still_run(tmp_path, lib):
    check = checks_for_notebook(1)[0]
    write(
        tmp_path / "carol" / "01_output_size.ipynb",
        "1 / 0",
        f"def {check.answer_name}(*args):\n    raise NotImplementedError",
    )
    run = grade(lib, str(tmp_path / "carol"), cwd=tmp_path)
    assert run.returncode == 1
    assert "! cell 1 raised ZeroDivisionError: division by zero" in run.stdout
    assert re.search(rf"Exercise {check.exercise} +{check.title} +not attempted", run.stdout)
    assert re.search(r"Exercise 1\.2 +\w+ +not run", run.stdout)  # its answer was never defined


def test_a_broken_file_is_reported(tmp_path, lib):
    (tmp_path / "erin").mkdir()
    (tmp_path / "erin" / "03_average_pooling.ipynb").write_text("not json")
    run = grade(lib, str(tmp_path / "erin"), cwd=tmp_path)
    assert run.returncode == 1
    assert "! could not read the notebook" in run.stdout


@pytest.mark.parametrize("args", [["nobody"], [".", "--jobs", "0"], [".", "--memory", "-1"]])
def test_bad_arguments_are_usage_errors(tmp_path, lib, args):
    run = grade(lib, *args, cwd=tmp_path)
    assert run.returncode == 2
    assert "Received:" in run.stderr


def test_the_kernel_memory_limit_stops_a_huge_allocation(tmp_path, lib):
    check = checks_for_notebook(1)[0]
    write(
        tmp_path / "gus" / "01_output_size.ipynb",
        "import numpy as np\nhuge = np.ones(2**31)  # 16 GB",
        f"def {check.answer_name}(*args):\n    raise NotImplementedError",
    )
    run = grade(lib, str(tmp_path / "gus"), "--memory", "1024", cwd=tmp_path)
    assert run.returncode == 1
    assert "! cell 1 raised MemoryError" in run.stdout, run.stdout
    assert re.search(rf"Exercise {check.exercise} +{check.title} +not attempted", run.stdout)


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv")
def test_without_namespaces_auto_says_what_is_missing_and_required_refuses(tmp_path, lib):
    # A grader without capabilities (as in a default Docker container) cannot create namespaces.
    write(
        tmp_path / "dora" / "01_output_size.ipynb",
        "def output_size_valid(n, pool_size, stride):\n    return 0",
    )
    no_caps = ["setpriv", "--bounding-set=-all", "--inh-caps=-all", sys.executable, "-m", "poolutils.grade"]
    env = {**os.environ, "PYTHONPATH": str(lib)}
    refused = subprocess.run(
        [*no_caps, "dora", "--sandbox", "required"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=600,
    )
    assert refused.returncode == 4, refused.stdout + refused.stderr[-2000:]
    assert "no sandbox: bwrap cannot create namespaces here" in refused.stdout
    assert "not grading without a sandbox" in refused.stdout and "dora" not in refused.stdout
    auto = subprocess.run(
        [*no_caps, "dora"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600
    )
    first = auto.stdout.splitlines()[0]
    assert first.startswith("no sandbox: bwrap cannot create namespaces here"), auto.stdout
    assert first.endswith("kernels run as the grader user, with its files and network")
    assert "Exercise 1.1  output_size_valid   failed" in auto.stdout, auto.stdout + auto.stderr[-2000:]
