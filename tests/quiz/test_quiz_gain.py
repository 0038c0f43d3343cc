"""The class's gain: a synthetic class answering from misconception profiles, graded by the CLI, every figure
recomputed here by hand; the edge cases (pre = 100%, a missing form, one learner)."""

from __future__ import annotations

import csv
import json
import math
import statistics
from pathlib import Path

import numpy as np
import pytest

from poolutils.grading import quiz as quiz_grading
from poolutils.grading.cli import main
from poolutils.quiz.answers import read_answers
from poolutils.quiz.forms import form
from poolutils.quiz.gain import LearnerScores, bootstrap_interval, class_gain, cohens_d, distractor_table

# Misconceptions a learner holds before (form A) and after (form B) the session; None: no such notebook.
PROFILES: dict[str, tuple[set[str] | None, set[str] | None]] = {
    "ann": ({"formula_floored", "same_floored", "zero_padding", "never_moves", "gap_has_params"}, set()),
    "bob": ({"unrounded_formula", "extra_cell_before", "padding_counted", "keepdims"}, {"extra_cell_before"}),
    "cat": (
        {
            "formula_floored",
            "same_is_n",
            "odd_cell_dropped",
            "zero_padding",
            "padding_counted",
            "never_moves",
        },
        {"zero_padding"},
    ),
    "dan": (
        {"size_ignores_stride", "extra_cell_before", "running_max_from_zero", "gap_has_params"},
        {"gap_has_params", "running_max_from_zero"},
    ),
    "eve": (set(), set()),  # 100% before: no individual gain
    "fay": (
        {"formula_floored", "zero_padding", "never_moves", "channels_averaged", "same_floored"},
        {"formula_floored"},
    ),
    "gus": ({"same_floored"}, None),  # no post quiz
    "hal": (None, {"keepdims"}),  # no pre quiz
}


def answer(item, profile: set[str]) -> str:
    """The letter a learner with ``profile`` picks: the first option naming a held mistake, else the key."""
    held = [letter for letter, c in item.choices.items() if c.mistake in profile]
    return held[0] if held else item.key


def percent(name: str, profile: set[str]) -> float:
    """Hand count: an item is right when none of its options names a held mistake."""
    items = form(name)
    return 100 * sum(not any(c.mistake in profile for c in i.choices.values()) for i in items) / len(items)


def notebook(name: str, learner_id: str, profile: set[str]) -> str:
    answers = {item.id: answer(item, profile) for item in form(name)}
    source = f"learner_id = {learner_id!r}\nanswers = {answers!r}\n"
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# Quiz"},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": source},
    ]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def drawn_class(size: int, seed: int) -> dict[str, tuple[set[str] | None, set[str] | None]]:
    """A class of ``size`` learners: each holds each misconception with p = 0.3 before and keeps it with
    p = 0.3 after (a few pick one up); one in ten misses the quiz after, one in fifteen the quiz before."""
    rng = np.random.default_rng(seed)
    names = sorted({c.mistake for i in [*form("A"), *form("B")] for c in i.choices.values()} - {None})
    profiles = {}
    for k in range(size):
        before = {n for n in names if rng.random() < 0.3}
        # Sorted: a set iterates in an order that changes with each process's string hash seed.
        after = {n for n in sorted(before) if rng.random() < 0.3} | {n for n in names if rng.random() < 0.03}
        draw = rng.random()
        profiles[f"learner{k:02d}"] = (None if draw > 14 / 15 else before, None if draw < 0.1 else after)
    return profiles


THIRTY = drawn_class(30, seed=7)


def grade_class(root: Path, profiles: dict) -> tuple[Path, str]:
    for learner, (pre, post) in profiles.items():
        folder = root / "submissions" / learner
        folder.mkdir(parents=True)
        if pre is not None:
            (folder / "quiz_before.ipynb").write_text(notebook("A", f"{learner}-42", pre))
        if post is not None:
            (folder / "quiz_after.ipynb").write_text(notebook("B", f"{learner}-42", post))
    out = root / "grades"
    main([str(root / "submissions"), "--summary", str(out), "--csv", str(out / "grades.csv"), "--seed", "1"])
    return out, (out / "summary.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return grade_class(tmp_path_factory.mktemp("class"), PROFILES)


@pytest.fixture(scope="module")
def graded_thirty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return grade_class(tmp_path_factory.mktemp("thirty"), THIRTY)


def paired(profiles: dict = PROFILES) -> tuple[list[float], list[float]]:
    pairs = [
        (percent("A", a), percent("B", b)) for a, b in profiles.values() if a is not None and b is not None
    ]
    return [p for p, _ in pairs], [q for _, q in pairs]


def test_the_summary_block_matches_a_hand_computation(graded):
    check_block(graded[1], PROFILES)
    # The synthetic class was built to learn: most misconceptions drop, so the gain is large and positive.
    pre, post = paired()
    assert (sum(post) - sum(pre)) / (100 * len(pre) - sum(pre)) > 0.5 and cohens_d(pre, post) > 1


def test_a_class_of_thirty_drawn_from_profiles(graded_thirty):
    check_block(graded_thirty[1], THIRTY)
    takers_a = [a for a, _ in THIRTY.values() if a is not None]
    takers_b = [b for _, b in THIRTY.values() if b is not None]
    wrong = {"A": 0, "B": 0}
    for number, (a, b) in enumerate(zip(form("A"), form("B")), start=1):
        for mistake in sorted({c.mistake for c in a.choices.values()} - {None}):
            # Who picked the option: the letter each profile leads to, counted here from the profiles.
            before = sum(a.choices[answer(a, p)].mistake == mistake for p in takers_a)
            after = sum(b.choices[answer(b, p)].mistake == mistake for p in takers_b)
            wrong["A"], wrong["B"] = wrong["A"] + before, wrong["B"] + after
            if before or after:
                row = f"| {number} {a.concept} | {mistake} | {before} of {len(takers_a)} | {after} of {len(takers_b)} |"
                assert row in graded_thirty[1]
    assert wrong["B"] / len(takers_b) < wrong["A"] / len(takers_a) / 2


def check_block(text: str, profiles: dict) -> None:
    pre, post = paired(profiles)
    only_pre = sum(a is not None and b is None for a, b in profiles.values())
    only_post = sum(a is None and b is not None for a, b in profiles.values())
    n = len(pre)
    mean_pre, mean_post = sum(pre) / n, sum(post) / n
    g = (mean_post - mean_pre) / (100 - mean_pre)
    gains = [(q - p) / (100 - p) for p, q in zip(pre, post) if p < 100]
    d = (mean_post - mean_pre) / math.sqrt((statistics.variance(pre) + statistics.variance(post)) / 2)
    assert f"n = {n} (only before: {only_pre}, only after: {only_post})" in text
    assert f"before (form A): {mean_pre:.1f}% right; after (form B): {mean_post:.1f}% right" in text
    assert f"⟨g⟩ = (post - pre) / (100 - pre) = {g:.2f}" in text
    assert f"mean of individual gains: {statistics.mean(gains):.2f} ({len(gains)} learners;" in text
    assert f"Cohen's d = {d:.2f} (95% bootstrap interval" in text


def test_a_class_that_hands_in_only_quizzes_is_graded_with_success(tmp_path, capsys):
    profiles = {"ann": ({"formula_floored"}, set()), "bob": (set(), {"keepdims"})}
    for learner, (pre, post) in profiles.items():
        folder = tmp_path / learner
        folder.mkdir()
        (folder / "quiz_before.ipynb").write_text(notebook("A", learner, pre))
        (folder / "quiz_after.ipynb").write_text(notebook("B", learner, post))
    assert main([str(tmp_path), "--seed", "1"]) == 0
    printed = capsys.readouterr().out
    assert "ann: no exercise notebooks" in printed and "0/0" not in printed
    assert "drawing cases" not in printed
    # An unreadable quiz notebook is a notebook with an error: the status says so.
    (tmp_path / "bob" / "quiz_after.ipynb").write_text("{}")
    assert main([str(tmp_path), "--seed", "1"]) == 1


def test_the_distractor_table_counts_the_profiles(graded):
    _, text = graded
    takers_a = [a for a, _ in PROFILES.values() if a is not None]
    takers_b = [b for _, b in PROFILES.values() if b is not None]
    # 'zero_padding' is offered by item 5 (max pooling) of both forms.
    before = sum("zero_padding" in p for p in takers_a)
    after = sum("zero_padding" in p for p in takers_b)
    assert f"| 5 max_same | zero_padding | {before} of {len(takers_a)} | {after} of {len(takers_b)} |" in text
    assert (before, after) == (3, 1)


def test_the_csv_has_a_row_per_learner_with_pre_post_and_g(graded):
    out, _ = graded
    with (out / "grades_quiz.csv").open(newline="", encoding="utf-8") as f:
        rows = {row["learner"]: row for row in csv.DictReader(f)}
    assert list(next(iter(rows.values()))) == list(quiz_grading.CSV_COLUMNS)
    assert set(rows) == set(PROFILES)
    ann_pre, ann_post = percent("A", PROFILES["ann"][0]), percent("B", PROFILES["ann"][1])
    assert rows["ann"] == {
        "learner": "ann",
        "learner_id": "ann-42",
        "pre": f"{ann_pre:.1f}",
        "post": f"{ann_post:.1f}",
        "g": f"{(ann_post - ann_pre) / (100 - ann_pre):.3f}",
    }
    assert rows["eve"]["pre"] == "100.0" and rows["eve"]["g"] == ""
    assert rows["gus"]["post"] == "" and rows["gus"]["g"] == ""
    assert rows["hal"]["pre"] == "" and rows["hal"]["post"] == "90.0"


def test_the_bootstrap_interval_is_seeded_and_holds_d():
    pre, post = paired()
    d = cohens_d(pre, post)
    low, high = bootstrap_interval(pre, post)
    assert low <= d <= high
    assert bootstrap_interval(pre, post) == (low, high)
    # The same resampling written out here: learners drawn with replacement, degenerate draws skipped.
    rng = np.random.default_rng(0)
    values = []
    for _ in range(2000):
        pick = rng.integers(0, len(pre), len(pre))
        a, b = [pre[i] for i in pick], [post[i] for i in pick]
        spread = math.sqrt((statistics.variance(a) + statistics.variance(b)) / 2)
        if spread:
            values.append((statistics.mean(b) - statistics.mean(a)) / spread)
    assert (low, high) == pytest.approx(tuple(np.percentile(values, [2.5, 97.5])))


def test_pre_100_percent_for_everyone_leaves_the_gains_undefined():
    gain = class_gain([LearnerScores("a", 100, 90), LearnerScores("b", 100, 100)])
    assert gain.class_gain is None and gain.mean_gain is None and gain.gains_counted == 0
    assert gain.pre == 100 and gain.post == 95


def test_learners_in_one_form_only_are_counted_not_paired():
    gain = class_gain(
        [LearnerScores("a", 50, None), LearnerScores("b", None, 80), LearnerScores("c", 20, 60)]
    )
    assert (gain.n, gain.only_pre, gain.only_post) == (1, 1, 1)
    assert gain.class_gain == pytest.approx(0.5)
    assert gain.cohens_d is None and gain.interval is None  # one pair has no spread
    assert class_gain([LearnerScores("a", 50, None)]).n == 0


def test_distractor_denominators_are_each_forms_takers():
    rows = distractor_table(["x", "y"], [{1: "m", 2: None}], [{1: None, 2: "k"}, {1: "m", 2: "k"}])
    assert [(r.number, r.mistake, r.before, r.took_before, r.after, r.took_after) for r in rows] == [
        (1, "m", 1, 1, 1, 2),
        (2, "k", 0, 1, 2, 2),
    ]


def test_unreadable_answers_get_a_sentence(tmp_path):
    assert read_answers("not json").problem == "the file is not a notebook"
    cell = {"cell_type": "code", "source": "answers = {'A1': open('x').read()}"}
    assert "not a plain literal" in read_answers(json.dumps({"cells": [cell]})).problem
    cell = {"cell_type": "code", "source": "answers = {'A1': 'a', 'B2': 'b'}"}
    assert "one form" in read_answers(json.dumps({"cells": [cell]})).problem
    (tmp_path / "quiz_before.ipynb").write_text("{}")
    result = quiz_grading.read({"zed": [tmp_path / "quiz_before.ipynb"]})["zed"]
    assert result.problems == ["quiz_before.ipynb: the file is not a notebook"]
    assert "no form read" in quiz_grading.learner_line(result)


def test_quiz_and_exercise_notebooks_are_graded_together(tmp_path, capsys):
    learner = tmp_path / "submissions" / "ann"
    learner.mkdir(parents=True)
    (learner / "01_output_size.ipynb").write_bytes(
        (Path(__file__).parents[2] / "solutions/01_output_size.ipynb").read_bytes()
    )
    (learner / "quiz_before.ipynb").write_text(notebook("A", "otter", {"formula_floored", "zero_padding"}))
    (learner / "quiz_after.ipynb").write_text(notebook("B", "otter", set()))
    out = tmp_path / "grades"
    status = main(
        [
            str(tmp_path / "submissions"),
            "--summary",
            str(out),
            "--csv",
            str(out / "grades.csv"),
            "--seed",
            "3",
            "--jobs",
            "1",
        ]
    )
    printed = capsys.readouterr().out
    pre = percent("A", {"formula_floored", "zero_padding"})
    assert f"quiz: before (form A) {pre:.0f}%, after (form B) 100%, g = 1.00" in printed
    assert "ignored: quiz" not in printed
    assert status == 0  # the quiz never fails a learner: it is not an exercise
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "| 1.1 " in summary and "## Concept quiz: what the class learned" in summary
    assert (out / "grades.csv").read_text().startswith("learner,notebook,exercise")
    assert (out / "grades_quiz.csv").read_text().splitlines()[1] == f"ann,otter,{pre:.1f},100.0,1.000"
