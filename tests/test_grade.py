"""python -m poolutils.grade: tables per learner, totals, errors and timeouts reported, exit status."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from poolutils import grade

ROOT = Path(__file__).resolve().parents[1]
PASS_11 = "✅ Exercise 1.1 (output_size_valid): correct on all 9 cases, same as Keras."
FAIL_12 = "❌ Exercise 1.2 (output_size): wrong value for case 'n=7'."
TODO_13 = (
    "⏳ Exercise 1.3 (same_padding_split): not attempted yet (the stub still raises NotImplementedError)."
)


def write(path: Path, *sources: str) -> Path:
    # Synthetic notebooks print result lines directly: fast, and no Keras in the kernel.
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata.kernelspec = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, path)
    return path


def lines(*texts: str) -> str:
    return "\n".join(f"print({t!r})" for t in texts)


def test_table_per_learner_with_rows_totals_and_not_run(tmp_path, capsys):
    write(tmp_path / "alice" / "01_output_size.ipynb", lines(PASS_11, FAIL_12, TODO_13))
    write(tmp_path / "bob" / "01_output_size.ipynb", lines(PASS_11))
    status = grade.main([str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 1
    alice, bob = out.split("== bob ==")
    assert "== alice ==" in alice
    assert "Exercise 1.1  output_size_valid   passed" in alice
    assert "Exercise 1.2  output_size         failed" in alice
    assert "Exercise 1.3  same_padding_split  not attempted" in alice
    assert "Exercise 1.4  stack_output_shape  not run" in alice
    assert "total: 1/4 passed" in alice
    assert "alice: 1/4 exercises passed" in alice
    assert "bob: 1/4 exercises passed" in bob


def test_a_notebook_that_raises_is_reported_and_later_cells_still_run(tmp_path, capsys):
    path = write(tmp_path / "carol" / "01_output_size.ipynb", "1 / 0", lines(PASS_11))
    status = grade.main([str(path)])
    out = capsys.readouterr().out
    assert status == 1
    assert "! cell 1 raised ZeroDivisionError: division by zero" in out
    assert "output_size_valid   passed" in out


def test_a_notebook_that_times_out_is_reported_and_the_others_still_run(tmp_path, capsys):
    slow = write(tmp_path / "dave" / "01_output_size.ipynb", "import time\ntime.sleep(60)", lines(PASS_11))
    other = write(tmp_path / "dave" / "02_max_pooling.ipynb", lines("✅ Exercise 2.1 (max_pool_2x2): ok."))
    status = grade.main([str(slow), str(other), "--timeout", "3"])
    out = capsys.readouterr().out
    assert status == 1
    assert "! timed out: a cell ran longer than 3 s" in out
    assert "Exercise 1.1  output_size_valid   not run" in out
    assert "Exercise 2.1  max_pool_2x2    passed" in out


def test_a_broken_file_is_reported(tmp_path, capsys):
    (tmp_path / "erin").mkdir()
    (tmp_path / "erin" / "03_average_pooling.ipynb").write_text("not json")
    assert grade.main([str(tmp_path / "erin")]) == 1
    assert "! could not read the notebook" in capsys.readouterr().out


def test_a_missing_path_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as err:
        grade.main([str(tmp_path / "nobody")])
    assert err.value.code == 2


@pytest.mark.parametrize(
    ("folder", "expected_status", "verdict"),
    [("solutions", 0, "passed"), ("exercises", 1, "not attempted")],
)
def test_real_notebook_graded_from_outside_the_repo(tmp_path, folder, expected_status, verdict):
    learner = tmp_path / "submissions" / "frank"
    learner.mkdir(parents=True)
    shutil.copy(ROOT / folder / "02_max_pooling.ipynb", learner)
    run = subprocess.run(
        [sys.executable, "-m", "poolutils.grade", str(tmp_path / "submissions")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert run.returncode == expected_status, run.stdout + run.stderr
    assert "== frank ==" in run.stdout
    for exercise, title in [("2.1", "max_pool_2x2"), ("2.2", "max_pool2d"), ("2.3", "max_pool_batch")]:
        assert re.search(rf"Exercise {exercise} +{title} +{verdict}\n", run.stdout), run.stdout
    assert ("total: 3/3 passed" in run.stdout) == (expected_status == 0)
