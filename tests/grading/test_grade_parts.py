"""The grader's parts without a kernel: the JSON the kernel writes, copied-code flag, which notebooks count, reports."""

import csv
import inspect
import json
import os

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from poolutils.checks import Report, Status, checks_for_notebook
from poolutils.checks.runner import Opaque, Outcome, from_json, plain, to_json
from poolutils.grading import judging, report, sandbox
from poolutils.grading.harness import outputs
from poolutils.grading.report import NotebookGrade, Row
from poolutils.grading.source import read
from poolutils.grading.submissions import Submission, classify


def trip(value):
    """``value`` as the kernel writes it to its file and the grader reads it back."""
    return from_json(json.loads(json.dumps(to_json(value), allow_nan=False)))


@pytest.mark.parametrize(
    "value",
    [
        np.array([[1.5, np.nan], [-np.inf, 0.0]], dtype=np.float32),
        np.arange(6, dtype=np.int64).reshape(2, 3, 1),
        np.array([True, False]),
        np.zeros((0, 3), dtype=np.float16),
        np.float32(0.25),
        np.int8(-3),
        (1, 2, 3),
        [1, (2.5, "same"), None],
        {"pool_size": 2, "padding": "valid", 3: [True]},
        float("nan"),
        2**80,
        Ellipsis,
        NotImplemented,
    ],
    ids=lambda v: type(v).__name__,
)
def test_values_survive_the_trip_with_their_types(value):
    back = trip(value)
    assert type(back) is type(value)
    if isinstance(value, np.ndarray | np.generic):
        assert back.dtype == value.dtype and np.shape(back) == np.shape(value)
        np.testing.assert_array_equal(back, value)
    elif isinstance(value, float):
        assert np.isnan(back)
    else:
        assert back == value or back is value


def test_what_json_cannot_carry_comes_back_as_a_named_stand_in():
    back = trip(plain([{1, 2}, np.array([object()], dtype=object), lambda: 0]))
    assert isinstance(back[0], Opaque) and back[0].type_name == "set"
    assert back[1].dtype == object and back[1].shape == (1,)
    assert back[2].type_name == "function"


@pytest.mark.parametrize(
    "data",
    [
        {"ndarray": ["<f4", [2], "AAAA"]},  # 3 bytes for 2 float32
        {"ndarray": ["|O", [1], "AAAAAAAAAAA="]},  # object from bytes
        {"ndarray": ["<f4", [-1], ""]},
        {"pickle": "gASVAAAA"},
        {"dict": [[[1], 2]]},  # a list as a key
        {"tuple": [], "extra": 1, "more": 2},
        {"outcome": ["returned"]},
    ],
)
def test_malformed_data_is_refused_not_executed(data):
    with pytest.raises((ValueError, TypeError)):
        from_json(data)


def test_the_kernel_side_reports_raised_timeout_and_missing_names():
    def cases(*args):
        return [to_json((a, {})) for a in args]

    def slow(n):
        while True:
            pass

    def run(namespace, request):
        return [from_json(o) for o in outputs(namespace, request)["outcomes"]]

    request = {"answer_name": "f", "takes_function": True, "limit": 0.2, "model": False, "isolate": True}
    got = run({"f": lambda n: 10 // n}, dict(request, cases=cases((2,), (0,))))
    assert got[0] == Outcome("returned", 5)
    assert got[1].status == "raised" and got[1].error == "ZeroDivisionError"
    for isolate in (True, False):  # in a forked child, and in a thread of the kernel (Keras answers)
        got = run({"f": slow}, dict(request, cases=cases((1,), (2,)), isolate=isolate))
        assert [o.status for o in got] == ["timeout", "not_run"]
    exits = run({"f": lambda n: exit()}, dict(request, cases=cases((1,))))
    assert exits[0].error == "SystemExit"
    assert outputs({}, dict(request, cases=cases((1,))))["found"] is False


def test_a_forged_outcome_status_is_refused():
    with pytest.raises(ValueError, match="unknown outcome status"):
        judging.outcome(from_json(to_json(Outcome("passed", 1))))


def notebook_text(*sources: str) -> str:
    return nbformat.writes(new_notebook(cells=[new_code_cell(s) for s in sources]))


def test_the_reference_code_is_flagged_and_an_own_solution_is_not():
    exercise = next(e for n in (1, 4) for e in judging.prepare(n, seed=1) if callable(e.check.reference))
    source = inspect.getsource(exercise.check.reference)
    name = exercise.check.answer_name
    renamed = source.replace(f"def {exercise.check.reference.__name__}(", f"def {name}(", 1)
    assert "reference solution" in judging.copied(exercise, read(notebook_text(renamed), [name])[name])
    own = renamed.replace("return", "result = None\n    return", 1)
    assert judging.copied(exercise, read(notebook_text(own), [name])[name]) is None


@pytest.mark.parametrize(
    ("cells", "why"),
    [
        (
            ["import keras", "def max_pool2d(x, f, s, p):\n    return keras.ops.max(x)"],
            "it calls keras.ops.max",
        ),
        (
            ["import poolutils as pu", "h = pu.max_pool", "def max_pool2d(x, f, s, p):\n    return h(x, f)"],
            "poolutils.max_pool",
        ),
        (
            [
                "def helper(x):\n    import tensorflow as tf\n    return tf.nn.max_pool2d(x)",
                "def max_pool2d(x, f, s, p):\n    return helper(x)",
            ],
            "tensorflow",
        ),
        (
            ["from poolutils.checks.ex02 import check_max_pool2d", "max_pool2d = check_max_pool2d.reference"],
            "poolutils.checks.ex02.check_max_pool2d",
        ),
        (["def max_pool2d(x, f, s, p):\n    return __import__('ker' + 'as').ops.max(x)"], "`__import__`"),
        (["def max_pool2d(x, f, s, p):\n    return x", "globals()['max_pool2d'] = print"], "`globals`"),
        (
            [
                "import sys",
                "def max_pool2d(x, f, s, p):\n    return x",
                "sys.modules['__main__'].max_pool2d = print",
            ],
            "`sys.modules",
        ),
        (["exec('def max_pool2d(x, f, s, p): return x')"], "`exec`"),
        (["from mine import max_pool2d"], "do not define it"),
        (["def max_pool2d(x, f, s, p):\n    return x.__class__.__subclasses__()"], "`.__subclasses__`"),
    ],
)
def test_a_write_code_answer_that_is_not_the_learners_own_code_is_not_credited(cells, why):
    exercise = judging.prepare(2, seed=1)[1]
    assert exercise.check.answer_name == "max_pool2d"
    refused = judging.own_work(exercise, read(notebook_text(*cells), ["max_pool2d"])["max_pool2d"])
    assert refused is not None and why in refused, refused


def test_an_import_of_sys_at_the_top_level_is_harmless():
    exercise = judging.prepare(2, seed=1)[1]
    text = notebook_text(
        "import sys\nprint(sys.version)",
        "def max_pool2d(x, f, s, p):\n    return x",
        "assert 'keras' not in sys.modules",
    )
    assert judging.own_work(exercise, read(text, ["max_pool2d"])["max_pool2d"]) is None


def test_the_library_calls_an_exercise_allows_are_the_ones_its_reference_makes():
    photo = judging.prepare(5, seed=1)[0]
    text = notebook_text(
        "import poolutils as pu",
        "def pool_photo(image, mode, pool_size):\n    return pu.max_pool(image, pool_size)",
    )
    assert judging.own_work(photo, read(text, ["pool_photo"])["pool_photo"]) is None
    text = notebook_text(
        "import poolutils as pu",
        "def pool_photo(image, mode, pool_size):\n    return pu.max_pool2d(image, pool_size)",
    )
    assert "poolutils.max_pool2d" in judging.own_work(photo, read(text, ["pool_photo"])["pool_photo"])


def test_the_same_seed_draws_the_same_cases_and_another_seed_others():
    number = next(
        n
        for n in range(1, 10)
        if any(len(c.case_list(1)) > len(c.case_list()) for c in checks_for_notebook(n))
    )
    first, again, other = (judging.prepare(number, seed) for seed in (11, 11, 12))
    labels = [[c.label for c in e.cases] for e in first]
    assert labels == [[c.label for c in e.cases] for e in again]
    assert json.dumps([e.request for e in first]) == json.dumps([e.request for e in again])
    assert json.dumps([e.request for e in first]) != json.dumps([e.request for e in other])


def test_only_numbered_exercise_notebooks_count_once(tmp_path):
    names = ["01_output_size.ipynb", "01_output_size (1).ipynb", "notes.ipynb", "99_extra.ipynb"]
    for name in names:
        (tmp_path / name).write_text("{}")
    subs = {s.name: s for s in classify("ann", [tmp_path / n for n in names])}
    assert subs["01_output_size.ipynb"].number == 1 and subs["01_output_size.ipynb"].text == "{}"
    assert subs["01_output_size (1).ipynb"].ignored.startswith("duplicate")
    assert "no NN_ number" in subs["notes.ipynb"].ignored
    assert subs["99_extra.ipynb"].ignored == "notebook 99 has no exercises"


def _class_of_three():
    sub = Submission("ann", __import__("pathlib").Path("02_max_pooling.ipynb"), "", 2)
    details = (
        "call:      max_pool2d(x, 3, 2, 'same')",
        "expected:  [[1.]]",
        "got:       [[0.]]",
        "diagnosis: zeros!",
    )
    wrong = Report(
        "2.2", "max_pool2d", Status.FAILED, "wrong values for case 'c'.", details, "zero_padding", "c"
    )
    grades = []
    for learner, verdicts in [
        ("ann", ["passed", "failed"]),
        ("bob", ["passed", "failed"]),
        ("cy", ["failed", "passed"]),
    ]:
        rows = [
            Row("2.1", "max_pool_2x2", verdicts[0], None if verdicts[0] == "passed" else wrong),
            Row("2.2", "max_pool2d", verdicts[1], wrong if verdicts[1] == "failed" else None),
        ]
        grades.append(NotebookGrade(Submission(learner, sub.path, "", 2), rows))
    return grades


def test_csv_has_exactly_the_stable_columns(tmp_path):
    report.write_csv(_class_of_three(), tmp_path / "g.csv")
    with open(tmp_path / "g.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["learner", "notebook", "exercise", "title", "verdict", "diagnosis"]
    assert rows[2] == ["ann", "02_max_pooling.ipynb", "2.2", "max_pool2d", "failed", "zeros!"]
    assert len(rows) == 1 + 3 * 2


def test_summary_counts_diagnoses_and_feedback_shows_expected_and_obtained(tmp_path):
    grades = _class_of_three()
    grades[0].rows[0].flag = "the code is the reference solution"
    text = report.summary(grades, seed=5)
    assert (
        "## Passed with the reference solution's code (flagged)\n\n- Exercise 2.1 (max_pool_2x2): 1 of 3"
        in text
    )
    assert "| 2.2 max_pool2d | 1 of 3 (33%) | 2 | 0 | 0 |" in text
    assert "  - 2 of 3: zeros!" in text
    fb = report.feedback("ann", grades[:1], [], seed=5)
    assert "### Exercise 2.2 (max_pool2d): failed" in fb
    assert "expected:  [[1.]]" in fb and "got:       [[0.]]" in fb and "diagnosis: zeros!" in fb
    assert "Exercise 2.1 (max_pool_2x2): passed" in fb
    report.chart(grades, tmp_path / "rates.png")
    assert (tmp_path / "rates.png").read_bytes()[:4] == b"\x89PNG"


def test_learner_text_in_the_table_csv_and_feedback_has_no_control_characters(tmp_path):
    s = Submission("eve\x1b[31m\nfake passed", tmp_path / "01_x\udcff.ipynb", "", 1)
    row = Row("1.1", "f", "failed", reason="boom\n  Exercise 1.2  g  passed\x1b[0m")
    grade = NotebookGrade(s, [row], problems=["cell 1 raised E: a\rb\x07"])
    text = report.learner_table(s.learner, [grade], []) + report.feedback(s.learner, [grade], [], 1)
    assert "\x1b" not in text and "\r" not in text and "\x07" not in text
    assert "\n  Exercise 1.2  g  passed" not in text
    report.write_csv([grade], tmp_path / "g.csv")
    rows = list(csv.DictReader(open(tmp_path / "g.csv", encoding="utf-8")))
    assert rows[0]["notebook"] == "01_x\\xff.ipynb" and "\n" not in rows[0]["diagnosis"]
    assert report.file_names(["../../etc/x"])["../../etc/x"].startswith("etc_x-")


def test_a_symlinked_notebook_or_learner_folder_is_refused(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "01_output_size.ipynb").write_text("{}")
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    subs = classify("linked", [tmp_path / "linked" / "01_output_size.ipynb"])
    assert subs[0].number is None and "symbolic link" in subs[0].ignored


def test_without_root_the_sandbox_names_what_is_missing(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    available, line = sandbox.probe("auto")
    assert not available
    assert line.startswith("no sandbox: the grader is not root") and "run as the grader user" in line
    with pytest.raises(ValueError, match="Received: 'on'"):
        sandbox.probe("on")


def test_the_kernel_environment_is_an_allow_list(monkeypatch, tmp_path):
    from poolutils.grading.kernel import kernel_env

    monkeypatch.setenv("GRADER_SECRET", "hunter2")
    env = kernel_env(tmp_path)
    assert "GRADER_SECRET" not in env and "hunter2" not in "".join(env.values())
    assert env["HOME"] == str(tmp_path / "home") and env["POOLUTILS_GRADING"] == "1"
