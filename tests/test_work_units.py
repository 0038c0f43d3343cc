"""How `make test` splits the suite between pytest-xdist workers (the root conftest)."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
root_conftest = importlib.util.module_from_spec(spec)
spec.loader.exec_module(root_conftest)
work_unit = root_conftest.work_unit


def test_a_notebook_runs_whole_on_one_worker():
    # Its cells share one kernel: a cell run on another worker would miss the names defined before it.
    assert {work_unit(f"notebooks/07_pooling_in_a_cnn.ipynb::Cell {i}") for i in range(40)} == {
        "notebooks/07_pooling_in_a_cnn.ipynb"
    }


def test_the_browser_tests_share_one_worker_and_a_module_stays_together():
    units = {
        work_unit(f"tests/browser/{p.name}::test_x[a]") for p in (ROOT / "tests/browser").glob("test_*.py")
    }
    assert units == {"tests/browser"}
    cheats = "tests/grading/test_grade_cheats.py"
    assert {work_unit(f"{cheats}::test_{i}") for i in range(5)} == {cheats}


def test_each_perturbation_replay_is_its_own_unit():
    ids = [f"tests/notebooks/test_perturbation.py::test_compared[{n}]" for n in ("00", "07")]
    assert len({work_unit(i) for i in ids}) == 2


@pytest.mark.parametrize("unit", root_conftest.SLOWEST_FIRST)
def test_every_unit_started_first_exists(unit):
    # A renamed file would silently lose its place at the front of the queue.
    path = ROOT / unit.split("::")[0]
    assert path.exists(), unit
    member = unit if "::" in unit else f"{unit}/test_x.py::test_x" if path.is_dir() else f"{unit}::test_x"
    assert work_unit(member) == unit
    if "[" in unit:
        from tests.notebooks.test_perturbation import NOTEBOOKS

        assert unit.split("[")[1].rstrip("]") in {Path(n).stem for n in NOTEBOOKS}
