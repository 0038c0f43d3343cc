"""Exercises 5.2 and 5.3 agree with notebook 05b: same measures, same ranking, the stride-1 control."""

import numpy as np
import pytest

from poolutils.checks import ex05
from poolutils.images import sample_image, shift_changes


@pytest.fixture(scope="module")
def photo():
    return sample_image(4)


def test_5_2_is_unnormalised_and_ranks_like_the_lesson(photo):
    # The old 5.2 divided by the mean output and ranked max pooling as the less changed; unnormalised,
    # the ranking at 1 pixel is the lesson's: average pooling changes less in place than max pooling.
    change = {mode: ex05.change_in_place(photo, 1, mode, 2) for mode in ("none", "max", "avg")}
    assert change["avg"] < change["max"] < change["none"]
    lesson = {mode: shift_changes(photo, mode, 2, (1,))["in_place"][0] for mode in ("none", "max", "avg")}
    assert sorted(change, key=change.get) == sorted(lesson, key=lesson.get)


@pytest.mark.parametrize("mode", ["none", "max", "avg"])
def test_5_3_sees_whole_cells_as_no_change_and_half_cells_as_aliasing(photo, mode):
    # A 2-pixel shift moves a stride-2 output by exactly one cell: 0 from the reference, not 0 in place.
    assert ex05.change_from_reference(photo, 2, mode, 2) == 0
    assert ex05.change_in_place(photo, 2, mode, 2) > 0.05
    # The stride-1 control is equivariant to every shift; stride 2 is not at 1 pixel.
    assert ex05.change_from_reference(photo, 1, mode, 1) == 0
    assert ex05.change_from_reference(photo, 1, mode, 2) > 0.01


def test_5_3_ranks_the_layers_like_the_lesson(photo):
    exercise = {mode: ex05.change_from_reference(photo, 1, mode, 2) for mode in ("none", "max", "avg")}
    lesson = {mode: shift_changes(photo, mode, 2, (1,))["from_shifted"][0] for mode in ("none", "max", "avg")}
    assert exercise["avg"] < exercise["max"] < exercise["none"]
    assert sorted(exercise, key=exercise.get) == sorted(lesson, key=lesson.get)
    # Within 10% of the lesson's 'same'-padded measure that leaves border columns out.
    for mode in exercise:
        assert np.isclose(exercise[mode], lesson[mode], rtol=0.1), mode
