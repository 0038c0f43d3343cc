"""Feedback that names the mistake: grid diagnoses, lesson links, one next step, help for the last check.

The expected grids come from Keras (each check's oracle); these tests prove
the feedback around a verdict: what a ❌ says and where it points.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from poolutils.checks import Status, checks_for_notebook, help, hint, lessons, solution
from poolutils.checks.core import LINE_WIDTH, forbidden_call, parse_results
from poolutils.checks.ex02 import check_cells_3x3_same, check_predicted_negative, check_why_clip
from poolutils.checks.ex07 import check_shift_consistent_model
from poolutils.checks.values import PoolSetting, grid_mistakes, pooling_grid_mistakes

ROOT = Path(__file__).parents[2]
CHECKS = [c for n in (1, 2, 3, 4, 6, 8) for c in checks_for_notebook(n)]
GRIDS = [c for c in CHECKS if c.kind in ("by_hand", "predict") and np.ndim(c.reference) == 2]


def headings(notebook: Path) -> set[str]:
    found = set()
    for cell in json.loads(notebook.read_text())["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("#"):
                    found.add(line.lstrip("#").strip())
    return found


def test_every_lesson_link_resolves_to_a_heading_of_the_lesson():
    links = {lessons.lesson_link(e, None) for e in lessons.EXERCISES}
    links |= {lessons.lesson_link("1.1", key) for key in lessons.MISTAKES}
    for link in links:
        path, anchor = link.split("#")
        notebook = (ROOT / "exercises" / path).resolve()
        assert notebook.exists(), link
        assert anchor in {lessons.anchor(h) for h in headings(notebook)}, link


def test_every_exercise_has_a_lesson_section():
    assert {c.exercise for c in CHECKS} <= set(lessons.EXERCISES)


@pytest.mark.parametrize("check", GRIDS, ids=lambda c: c.exercise)
def test_by_hand_and_predict_grids_name_a_one_cell_slip_and_the_transpose(check):
    right = np.asarray(check.expected(check.case_list()[0]), dtype=float)
    slip = right.copy()
    slip[-1, -1] += 1
    report = check.evaluate(slip.tolist())
    assert report.mistake == "one_cell_off", str(report)
    assert f"row {right.shape[0] - 1}, column {right.shape[1] - 1}" in report.diagnosis
    transposed = right.T
    if not np.allclose(transposed, right):
        report = check.evaluate(transposed.tolist())
        assert report.status is Status.FAILED
        assert report.mistake in ("transposed", "tie_column_major"), str(report)


def test_a_one_cell_slip_names_the_window_and_its_values():
    report = check_cells_3x3_same.evaluate([[8, 9], [8, 7]])
    assert "rows 2-3, columns 2-3 of the map: [[8, 6], [7, 2]]" in report.diagnosis
    assert "padding" in report.diagnosis


def test_other_configurations_are_named_from_keras():
    setting = PoolSetting(np.arange(16.0).reshape(4, 4), "max", 2, 2)
    assert [m.key for m in pooling_grid_mistakes(setting)][:1] == ["config_same_for_valid"]
    valid = check_predicted_negative.evaluate([[-1]])
    assert valid.status is Status.FAILED and valid.mistake is not None
    average = check_cells_3x3_same.evaluate([[3.5555556, 5.0], [5.5, 5.75]])
    assert average.status is Status.FAILED


def test_grid_patterns_never_name_the_right_grid():
    right = [[1, 2], [3, 4]]
    assert not any(m.test(right) for m in grid_mistakes(lambda: right))


def test_every_failure_ends_with_one_next_step():
    for report in (
        check_cells_3x3_same.evaluate([[8, 9], [8, 7]]),
        check_cells_3x3_same.evaluate([[0, 0, 0]]),
        check_why_clip.evaluate("A"),
        checks_for_notebook(2)[0].evaluate(lambda fmap: fmap.reshape(2, 2, -1, 2).max(axis=(1, 3))),
    ):
        assert report.status is Status.FAILED
        assert report.details[-1].startswith("Next: "), str(report)
        assert sum(d.startswith("Next: ") for d in report.details) == 1


def test_named_mistakes_link_to_their_lesson():
    report = check_predicted_negative.evaluate([[-1, 0], [0, 0]])
    assert report.mistake == "zero_padding"
    assert "lesson: ../notebooks/02_max_pooling.ipynb#'same'-padding-is-not-zero-padding" in report.details


def test_feedback_wraps_on_word_boundaries():
    report = check_cells_3x3_same.evaluate([[8, 9], [0, 0]])
    words = set(re.findall(r"[\w']+", " ".join([report.line, *report.details])))
    for line in str(report).splitlines():
        assert len(line) <= LINE_WIDTH or " " not in line.strip(), line
    wrapped = " ".join(line.strip() for line in str(report).splitlines())
    assert set(re.findall(r"[\w']+", wrapped)) == words


def test_a_long_result_line_and_a_hint_wrap_and_parse_back(capsys):
    report = check_shift_consistent_model.evaluate(lambda input_shape: "a model")
    assert len(report.line) > LINE_WIDTH
    assert all(len(line) <= LINE_WIDTH for line in str(report).splitlines())
    assert parse_results(str(report)) == {"7.3": (report.status, report.message)}
    check_shift_consistent_model.hint(1)
    printed = capsys.readouterr().out
    assert all(len(line) <= LINE_WIDTH for line in printed.splitlines()) and printed.count("\n") > 1


def test_hint_and_solution_refer_to_the_last_exercise_checked(capsys):
    check_predicted_negative([[-1, -3], [-7, -8]])
    hint(1)
    solution()
    out = capsys.readouterr().out
    assert "Hint 1/2 for Exercise 2.6" in out
    assert "predicted_negative = [[-1, -3], [-7, -9]]" in out
    check_cells_3x3_same([[8, 9], [8, 8]])
    hint(2)
    assert "Hint 2/2 for Exercise 2.5" in capsys.readouterr().out


def test_hint_before_any_check_says_what_to_do(monkeypatch):
    monkeypatch.setattr(help, "_last", [])
    with pytest.raises(RuntimeError, match=r"check_NAME\.hint"):
        hint(1)


def test_the_first_check_in_a_kernel_says_it_is_loading_keras():
    code = "from poolutils.checks.ex01 import check_predicted_shape as c; c((1, 3, 3, 8)); c((1, 3, 3, 8))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300).stdout
    assert out.splitlines()[0].startswith("Loading Keras to compute the expected values")
    assert out.count("Loading Keras") == 1


def test_the_library_rule_is_read_from_the_code_the_same_in_a_fresh_process():
    code = (
        "from poolutils.checks.ex02 import check_max_pool_2x2 as c\n"
        "def answer(fmap):\n"
        "    import keras\n"
        "    return keras.layers.MaxPooling2D(2)(fmap[None, ..., None])[0, ..., 0]\n"
        "print(c.evaluate(answer).line)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300).stdout
    assert "is not credited" in out, out


def test_forbidden_call_sees_helpers_aliases_and_closures():
    import poolutils.pooling as pooling

    def helper(x):
        return pooling.max_pool(x, 2)

    assert forbidden_call(lambda x: helper(x)) == "poolutils.pooling"
    assert forbidden_call(lambda x: np.max(x)) is None


def test_keras_is_allowed_where_the_task_allows_it():
    from poolutils.checks.ex04 import check_head_params

    def with_keras(height, width, channels, classes):
        import keras

        dense = keras.layers.Dense(classes)
        flat = keras.Sequential([keras.Input((height * width * channels,)), dense])
        gap = keras.Sequential([keras.Input((channels,)), keras.layers.Dense(classes)])
        return (flat.count_params(), gap.count_params())

    assert check_head_params.evaluate(with_keras).status is Status.PASSED


def test_why_clip_does_not_give_away_its_neighbour():
    # 2.7's reasons quote another map, not 2.6's answer.
    from poolutils.checks.core import keras_pool_map
    from poolutils.checks.ex02 import CLIP_MAP

    reasons = " ".join(o.reason for o in check_why_clip.options.values())
    assert "[[-1, -3], [-7, -9]]" not in reasons
    assert keras_pool_map("max", CLIP_MAP, pool_size=2, padding="same").tolist() == [[-2.0, -4.0]]
    padded = np.pad(CLIP_MAP, ((0, 1), (0, 1)))
    assert keras_pool_map("max", padded, pool_size=2).tolist() == [[0.0, 0.0]]
