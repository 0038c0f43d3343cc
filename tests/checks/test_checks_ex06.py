"""Checkers of exercises/06_gradients.ipynb: the reference passes, stubs are 'not attempted',
and each classic backward-pass bug is caught with the right diagnosis (the truth is tf.GradientTape)."""

from functools import partial

import numpy as np
import pytest

from poolutils.checks import Status, checks_for_notebook
from poolutils.checks.ex06 import (
    check_avg_pool_backward2d,
    check_max_pool_backward2d,
    check_max_pool_backward_2x2,
)

CHECKS = checks_for_notebook(6)


def test_exercises_are_numbered_in_order():
    assert [c.exercise for c in CHECKS] == ["6.1", "6.2", "6.3", "6.4", "6.5"]


# The reference, the stub and every known mistake are tested in test_checks.py and test_checks_ex04_08.py.


# Wrong backward passes written the way a learner would, independently of the checker's mistakes.


def _same_pads(n, out, f, s):
    total = max((out - 1) * s + f - n, 0)
    return total // 2, total - total // 2


def learner_backward(
    dy, fmap, f, s, padding, *, mode="max", pad_value=-np.inf, assign=False, crop_top_left=False, split=False
):
    """A learner's padded-array backward pass; each keyword switches on one classic bug."""
    (top, bottom), (left, right) = (
        _same_pads(n, o, f, s) if padding == "same" else (0, 0) for n, o in zip(fmap.shape, dy.shape)
    )
    # The task says fmap may hold ints: a float copy can take the -inf padding.
    padded = np.pad(fmap.astype(float), [(top, bottom), (left, right)], constant_values=pad_value)
    dx = np.zeros(padded.shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            rows, cols = slice(i * s, i * s + f), slice(j * s, j * s + f)
            window = padded[rows, cols]
            if mode == "avg":
                share = np.full(window.shape, dy[i, j] / window.size)  # counts the padding
            elif split:
                share = (window == window.max()) / (window == window.max()).sum() * dy[i, j]
            else:
                share = np.zeros(window.shape)
                share[np.unravel_index(np.argmax(window), window.shape)] = dy[i, j]
            if assign:
                dx[rows, cols] = np.where(share != 0, share, dx[rows, cols])
            else:
                dx[rows, cols] += share
    if crop_top_left:
        return dx[: fmap.shape[0], : fmap.shape[1]]
    return dx[top : top + fmap.shape[0], left : left + fmap.shape[1]]


def max_2x2_last_max(dy, fmap):
    dx = np.zeros(fmap.shape)
    for i in range(fmap.shape[0] // 2):
        for j in range(fmap.shape[1] // 2):
            window = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].ravel()
            k = len(window) - 1 - np.argmax(window[::-1])
            dx[2 * i + k // 2, 2 * j + k % 2] += dy[i, j]
    return dx


def avg_count_pad(dy, shape, f, s, padding):
    return learner_backward(dy, np.zeros(shape), f, s, padding, mode="avg", pad_value=0.0)


LEARNER_MISTAKES_06 = [
    (check_max_pool_backward2d, partial(learner_backward, assign=True), "SUM of their gradients"),
    (check_max_pool_backward2d, partial(learner_backward, pad_value=0.0), "padded with zeros"),
    (check_max_pool_backward2d, partial(learner_backward, crop_top_left=True), "still contains the padding"),
    (check_max_pool_backward2d, partial(learner_backward, split=True), "split the gradient"),
    (check_avg_pool_backward2d, avg_count_pad, "number of REAL cells"),
    (check_max_pool_backward_2x2, max_2x2_last_max, "LAST maximum"),
]


@pytest.mark.parametrize(
    ("check", "answer", "phrase"), LEARNER_MISTAKES_06, ids=lambda v: getattr(v, "exercise", None)
)
def test_learner_written_mistakes_are_diagnosed(check, answer, phrase):
    report = check.evaluate(answer)
    assert report.status is Status.FAILED
    assert phrase in (report.diagnosis or ""), str(report)


def test_column_major_tie_order_fails_6_1():
    # Issue 11: a column-major tie order passed 6.1, because no window had ties off its diagonal.
    def column_major(dy, fmap):
        dx = np.zeros(fmap.shape)
        for i in range(fmap.shape[0] // 2):
            for j in range(fmap.shape[1] // 2):
                k = np.argmax(fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].T)
                dx[2 * i + k % 2, 2 * j + k // 2] += dy[i, j]
        return dx

    report = check_max_pool_backward_2x2.evaluate(column_major)
    assert report.status is Status.FAILED
    assert report.mistake == "tie_column_major", str(report)


def test_learner_written_correct_answer_with_padding_passes():
    assert check_max_pool_backward2d.evaluate(learner_backward).status is Status.PASSED


def test_integer_gradient_is_rejected_as_wrong_dtype():
    report = check_avg_pool_backward2d.evaluate(
        lambda *a: np.round(check_avg_pool_backward2d.reference(*a)).astype(int)
    )
    assert report.status is Status.FAILED
    assert "fractions" in report.line
