"""The exercise checkers: the reference passes, stubs are 'not attempted', known mistakes are named.

The expected answers come from Keras (each check's oracle); these tests
prove the checkers read learners' answers correctly against it.
"""

import threading
from pathlib import Path

import numpy as np
import pytest

from poolutils.checks import RESULT_LINE, Status, checks_for_notebook, core
from poolutils.checks.ex01 import check_output_size, check_output_size_valid, check_same_padding_split
from poolutils.checks.ex02 import check_max_pool2d, check_max_pool_2x2, check_max_pool_batch
from poolutils.checks.ex03 import check_avg_pool2d
from poolutils.checks.ex04 import check_global_avg_pool
from tests.test_checks_ex06 import LEARNER_MISTAKES_06

# Every solution notebook NN_*.ipynb has its checkers in poolutils.checks.exNN: all are tested here.
NOTEBOOKS = sorted(
    int(p.name[:2]) for p in (Path(__file__).parents[1] / "solutions").glob("[0-9][0-9]_*.ipynb")
)
CHECKS = [c for n in NOTEBOOKS for c in checks_for_notebook(n)]
MISTAKES = [(c, i) for c in CHECKS for i in range(len(c.mistakes))]


def ids(value):
    return value.exercise if hasattr(value, "exercise") else None


def stub(*args):
    raise NotImplementedError("not written yet")


def test_every_notebook_has_three_to_six_exercises():
    assert NOTEBOOKS[:6] == [1, 2, 3, 4, 5, 6]
    for number in NOTEBOOKS:
        checks = checks_for_notebook(number)
        assert 3 <= len(checks) <= 6
        assert [c.exercise for c in checks] == [f"{number}.{i}" for i in range(1, len(checks) + 1)]


@pytest.mark.parametrize("check", CHECKS, ids=ids)
def test_reference_passes(check):
    report = check.evaluate(check.reference)
    assert report.status is Status.PASSED, str(report)


@pytest.mark.parametrize("check", CHECKS, ids=ids)
def test_stub_is_not_attempted(check):
    report = check.evaluate(stub)
    assert report.status is Status.NOT_ATTEMPTED
    assert report.line.startswith(f"⏳ Exercise {check.exercise} ")


@pytest.mark.parametrize("check", CHECKS, ids=ids)
def test_at_least_three_known_mistakes(check):
    assert len(check.mistakes) >= 3


@pytest.mark.parametrize(("check", "index"), MISTAKES, ids=lambda v: ids(v) or str(v))
def test_each_known_mistake_fails_with_its_diagnosis(check, index):
    mistake = check.mistakes[index]
    report = check.evaluate(mistake.fn)
    assert report.status is Status.FAILED
    assert report.diagnosis == mistake.diagnosis, str(report)


# Wrong implementations written the way a learner would, independently of poolutils.checks.mistakes.


def article_formula(n, pool_size, stride):
    return (n - pool_size + 1) / stride


def size_same_floor(n, pool_size, stride, padding):
    if padding == "same":
        return n // stride
    return (n - pool_size) // stride + 1


def split_pytorch_style(n, pool_size, stride):
    total = max((-(-n // stride) - 1) * stride + pool_size - n, 0)
    return (total + 1) // 2, total // 2


def zero_padded_windows(fmap, pool_size, stride, padding):
    """Windows of ``fmap`` padded with zeros (the mistake), as a nested list."""
    before = after = (0, 0)
    if padding == "same":
        before, after = zip(*[check_same_padding_split.reference(n, pool_size, stride) for n in fmap.shape])
    padded = np.pad(fmap, [(before[0], after[0]), (before[1], after[1])])
    out_h = (padded.shape[0] - pool_size) // stride + 1
    out_w = (padded.shape[1] - pool_size) // stride + 1
    return [
        [
            padded[i * stride : i * stride + pool_size, j * stride : j * stride + pool_size]
            for j in range(out_w)
        ]
        for i in range(out_h)
    ]


def max_pool_zero_padded(fmap, pool_size, stride, padding):
    return np.array([[w.max() for w in row] for row in zero_padded_windows(fmap, pool_size, stride, padding)])


def avg_pool_count_include_pad(fmap, pool_size, stride, padding):
    # PyTorch's default: the padding zeros count in the divisor.
    return np.array(
        [[w.mean() for w in row] for row in zero_padded_windows(fmap, pool_size, stride, padding)]
    )


def max_pool_2x2_transposed(fmap):
    height, width = fmap.shape
    return np.array(
        [
            [fmap[2 * j : 2 * j + 2, 2 * i : 2 * i + 2].max() for j in range(height // 2)]
            for i in range(width // 2)
        ]
    )


def max_pool_2x2_last_window_missing(fmap):
    height, width = fmap.shape
    return np.array(
        [[fmap[i : i + 2, j : j + 2].max() for j in range(0, width - 2, 2)] for i in range(0, height - 2, 2)]
    )


def max_pool_batch_channel_zero(x, pool_size, strides, padding):
    return check_max_pool_batch.reference(x[..., :1], pool_size, strides, padding)


def global_avg_over_channels(x):
    return x.mean(axis=3)


LEARNER_MISTAKES = [
    (check_output_size_valid, article_formula, "rounded UP"),
    (check_output_size, size_same_floor, "round UP"),
    (check_same_padding_split, split_pytorch_style, "AFTER"),
    (check_max_pool2d, max_pool_zero_padded, "padded with zeros"),
    (check_avg_pool2d, avg_pool_count_include_pad, "counted the padding cells"),
    (check_max_pool_2x2, max_pool_2x2_transposed, "height and width are swapped"),
    (check_max_pool_2x2, max_pool_2x2_last_window_missing, "off by one"),
    (check_max_pool_batch, max_pool_batch_channel_zero, "only the first channel"),
    (check_global_avg_pool, global_avg_over_channels, "over the channels"),
]


@pytest.mark.parametrize(
    ("check", "answer", "phrase"),
    LEARNER_MISTAKES + LEARNER_MISTAKES_06,
    ids=lambda v: getattr(v, "__name__", None),
)
def test_learner_written_mistakes_are_diagnosed(check, answer, phrase):
    report = check.evaluate(answer)
    assert report.status is Status.FAILED
    assert phrase in (report.diagnosis or ""), str(report)


# Robustness: one clear sentence, never a traceback.


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (lambda f, k, s, p: 1 / 0, "raised ZeroDivisionError: division by zero"),
        (lambda f, k, s, p: None, "returned None"),
        (lambda f, k, s, p: f.tolist(), "returned a list; return a NumPy array"),
        (lambda f, k, s, p: np.zeros((1, 1)), "returned shape (1, 1)"),
        (lambda f, k, s, p: np.full((2, 2), "x"), "dtype <U1"),
        (lambda f, k, s, p: 3, "returned a int; return a NumPy array"),
    ],
)
def test_bad_answers_get_one_sentence(answer, phrase):
    report = check_max_pool2d.evaluate(answer)
    assert report.status is Status.FAILED
    assert phrase in report.line
    assert "Traceback" not in str(report)


def test_integer_averages_are_rejected_as_wrong_dtype():
    report = check_avg_pool2d.evaluate(lambda *a: np.round(check_avg_pool2d.reference(*a)).astype(int))
    assert report.status is Status.FAILED
    assert "averages are fractions" in report.line


def test_an_endless_loop_is_stopped(monkeypatch):
    monkeypatch.setattr(core, "TIME_LIMIT", 0.3)
    release = threading.Event()

    def endless(*args):
        while not release.is_set():
            pass

    try:
        report = check_max_pool2d.evaluate(endless)
    finally:
        release.set()  # let the abandoned thread end
    assert report.status is Status.FAILED
    assert "still running after 0.3 s" in report.line


def test_passing_a_call_result_instead_of_the_function():
    report = check_max_pool2d.evaluate(np.zeros(3))
    assert report.status is Status.FAILED
    assert "pass the function itself" in report.line


def test_printed_output_has_one_result_line_and_is_deterministic(capsys):
    check_max_pool2d(max_pool_zero_padded)
    first = capsys.readouterr().out
    check_max_pool2d(max_pool_zero_padded)
    assert capsys.readouterr().out == first
    assert len(RESULT_LINE.findall(first)) == 1
    assert first.startswith("❌ Exercise 2.2 (max_pool2d): wrong values")
    assert all(line.startswith("   ") for line in first.splitlines()[1:])


def test_hints_and_solution(capsys):
    check_max_pool2d.hint(1)
    check_max_pool2d.hint(2)
    check_max_pool2d.solution()
    out = capsys.readouterr().out
    assert "Hint 1/2 for Exercise 2.2" in out and "Hint 2/2 for Exercise 2.2" in out
    assert "def max_pool2d(fmap, pool_size, stride, padding):" in out
    with pytest.raises(ValueError, match="level"):
        check_max_pool2d.hint(3)
