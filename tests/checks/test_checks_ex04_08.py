"""Checkers of exercises 04-08: the planted bugs, freshly drawn grading cases and the design checks.

The reference, stub and catalogued-mistake tests of every notebook live in
tests/checks/test_checks.py; this file holds only what is particular to 04-08.

The truth is Keras (each check's oracle): the planted bug is reported as still
there, the reference passes freshly drawn grading cases, and the design checks
name their mistakes and send only plain data to the grader.
"""

import json

import keras
import numpy as np
import pytest

from poolutils.checks import Status, checks_for_notebook
from poolutils.checks.core import KINDS, Case, Outcome
from poolutils.checks.ex04 import check_gap_head
from poolutils.checks.ex07 import check_shift_consistent_model
from poolutils.cnn import build_model

CHECKS = [c for n in range(4, 9) for c in checks_for_notebook(n)]
NEW_KINDS = [k for k in KINDS if k != "implement"]


def ids(value):
    return getattr(value, "exercise", None)


def test_each_new_kind_twice_and_each_notebook_two_kinds():
    kinds = [c.kind for c in CHECKS]
    assert all(kinds.count(kind) >= 2 for kind in NEW_KINDS), kinds
    for number in range(4, 9):
        checks = checks_for_notebook(number)
        assert len({c.kind for c in checks}) >= 2, number
        assert [c.exercise for c in checks] == [f"{number}.{i}" for i in range(1, len(checks) + 1)]
    assert len(checks_for_notebook(7)) >= 2 and len(checks_for_notebook(8)) >= 2


@pytest.mark.parametrize("check", [c for c in CHECKS if c.kind == "find_the_bug"], ids=ids)
def test_the_planted_bug_is_reported_as_still_there(check):
    report = check.evaluate(check.bug.fn)
    assert report.mistake == check.bug.key
    assert report.diagnosis.startswith("the bug is still there"), str(report)


# --- design checks: mistakes recognised by a property of the summary ----------


HEAD_MISTAKES = [
    (
        lambda c, k: keras.Sequential(
            [keras.Input((5, 5, c)), keras.layers.Flatten(), keras.layers.Dense(k)]
        ),
        "flatten_fixed_size",
    ),
    (
        lambda c, k: keras.Sequential(
            [
                keras.Input((None, None, c)),
                keras.layers.GlobalMaxPooling2D(keepdims=True),
                keras.layers.Dense(k),
            ]
        ),
        "keepdims",
    ),
    (
        lambda c, k: keras.Sequential([keras.Input((None, None, c)), keras.layers.GlobalMaxPooling2D()]),
        "no_dense",
    ),
    (
        lambda c, k: keras.Sequential(
            [
                keras.Input((None, None, c)),
                keras.layers.Conv2D(16, 1),
                keras.layers.GlobalAveragePooling2D(),
                keras.layers.Dense(k),
            ]
        ),
        "hidden_layer",
    ),
]


@pytest.mark.parametrize(("answer", "key"), HEAD_MISTAKES, ids=[k for _, k in HEAD_MISTAKES])
def test_head_design_mistakes_are_named(answer, key):
    report = check_gap_head.evaluate(answer)
    assert report.status is Status.FAILED
    assert report.mistake == key, str(report)


def test_a_head_with_the_wrong_number_of_logits_is_told_the_shapes():
    wide = lambda c, k: keras.Sequential(  # noqa: E731
        [keras.Input((None, None, c)), keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(2 * k)]
    )
    report = check_gap_head.evaluate(wide)
    assert report.status is Status.FAILED and "expected (2, 3)" in report.message


def avg_flatten(input_shape):
    x = inputs = keras.Input(input_shape)
    for filters in (16, 32):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.AveragePooling2D(2)(x)
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(4)(keras.layers.Flatten()(x)))


MODEL_MISTAKES = [
    (lambda s: build_model("max pool + flatten", s), "flatten_kept"),
    (avg_flatten, "avg_pool_flatten"),
    (
        lambda s: keras.Sequential(
            [keras.Input(s), keras.layers.GlobalMaxPooling2D(), keras.layers.Dense(4)]
        ),
        "dropped_convolutions",
    ),
]


@pytest.mark.parametrize(("answer", "key"), MODEL_MISTAKES, ids=[k for _, k in MODEL_MISTAKES])
def test_shift_consistency_design_mistakes_are_named(answer, key):
    report = check_shift_consistent_model.evaluate(answer)
    assert report.status is Status.FAILED
    assert report.mistake == key, str(report)


def test_blur_pooling_with_a_global_head_changes_more_than_one_layer():
    # Consistent, but the task asks for ONE changed layer of the Flatten network: blur pooling replaces
    # both poolings and the head as well.
    def blur_pool_model(input_shape):
        kernel = np.outer([1, 2, 1], [1, 2, 1]) / 16
        x = inputs = keras.Input(input_shape)
        for filters in (16, 32):
            x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
            x = keras.layers.MaxPooling2D(2, strides=1, padding="same")(x)
            blur = keras.initializers.Constant(np.repeat(kernel[..., None, None], filters, axis=-2))
            x = keras.layers.DepthwiseConv2D(
                3, 2, "same", use_bias=False, depthwise_initializer=blur, trainable=False
            )(x)
        x = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(x)
        return keras.Model(inputs, keras.layers.Dense(4)(keras.layers.GlobalAveragePooling2D()(x)))

    report = check_shift_consistent_model.evaluate(blur_pool_model)
    assert report.status is Status.FAILED and report.mistake == "several_changes", str(report)
    assert "differs from 07's Flatten network in 5 layers" in str(report)


@pytest.mark.parametrize("check", [check_gap_head, check_shift_consistent_model], ids=ids)
def test_design_summaries_are_plain_data_for_the_grader(check):
    case = check.case_list()[0]
    summary = check.summarise(case.call(check.reference))
    json.dumps(summary)  # ints, strings, bools and tuples only: no model crosses the process boundary
    assert check.summarise(summary) == summary
    assert check.judge([case], [Outcome("returned", summary)]).status is Status.PASSED


def test_a_value_check_tells_a_right_value_in_another_form_from_a_wrong_one():
    check = checks_for_notebook(6)[3]  # 6.4 dx by hand
    assert check.evaluate(np.array(check.reference, dtype=float)).status is Status.PASSED
    report = check.evaluate([[0, 0, 0, 0]])
    assert report.status is Status.FAILED and "shape" in report.message
    assert check.judge([Case("x")], [Outcome("returned", ...)]).status is Status.NOT_ATTEMPTED
