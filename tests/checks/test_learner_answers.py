"""The checkers measured on learner-style answers written from the task texts (tests/learner_answers/).

Every WRONG answer must fail, every RIGHT one must pass, and at least 80% of
the wrong answers must get a diagnosis naming their mistake. Run with ``-s``
to see the rates per notebook.
"""

import functools
import importlib
from pathlib import Path

import pytest

from poolutils.checks import Status, checks_for_notebook
from poolutils.checks.core import Report

MODULES = sorted(p.stem for p in (Path(__file__).parents[1] / "learner_answers").glob("ex[0-9][0-9].py"))
ANSWERS = {name: importlib.import_module(f"tests.learner_answers.{name}") for name in MODULES}
WRONG = [(name, i) for name in MODULES for i in range(len(ANSWERS[name].WRONG))]
RIGHT = [(name, i) for name in MODULES for i in range(len(ANSWERS[name].RIGHT))]
MIN_DIAGNOSIS_RATE = 0.8


def check_for(exercise: str):
    number = int(exercise.split(".")[0])
    return next(c for c in checks_for_notebook(number) if c.exercise == exercise)


@functools.cache
def report(name: str, kind: str, index: int) -> Report:
    answer = getattr(ANSWERS[name], kind)[index]
    return check_for(answer.exercise).evaluate(answer.answer)


def ids(value):
    return value if isinstance(value, str) else str(value)


def test_every_notebook_with_exercises_has_learner_answers():
    assert MODULES[:3] == ["ex01", "ex02", "ex03"]
    for name in MODULES:
        exercises = {c.exercise for c in checks_for_notebook(int(name[2:]))}
        wrong = [a.exercise for a in ANSWERS[name].WRONG]
        assert {e for e in exercises if wrong.count(e) >= 3} == exercises, name
        right = {a.exercise for a in ANSWERS[name].RIGHT}
        assert right == exercises, name


@pytest.mark.parametrize(("name", "index"), WRONG, ids=ids)
def test_wrong_answer_fails(name, index):
    answer = ANSWERS[name].WRONG[index]
    found = report(name, "WRONG", index)
    assert found.status is Status.FAILED, f"{answer.note}: {found}"
    assert "Traceback" not in str(found)


@pytest.mark.parametrize(("name", "index"), RIGHT, ids=ids)
def test_right_answer_passes(name, index):
    answer = ANSWERS[name].RIGHT[index]
    found = report(name, "RIGHT", index)
    assert found.status is Status.PASSED, f"{answer.note}: {found}"


def test_diagnosis_rate():
    lines, named, total = [], 0, 0
    for name in MODULES:
        wrong = ANSWERS[name].WRONG
        hits = [
            a.expect is not None and report(name, "WRONG", i).mistake == a.expect for i, a in enumerate(wrong)
        ]
        missed = [f"{a.exercise} {a.note!r}: {report(name, 'WRONG', i).mistake}" for i, a in enumerate(wrong)]
        missed = [m for m, hit in zip(missed, hits) if not hit]
        named, total = named + sum(hits), total + len(hits)
        lines.append(f"{name}: {sum(hits)}/{len(hits)} wrong answers diagnosed ({sum(hits) / len(hits):.0%})")
        lines += [f"   not named: {m}" for m in missed]
    lines.append(f"all: {named}/{total} ({named / total:.0%}); right answers: {len(RIGHT)}")
    print("\n".join(lines))
    assert named / total >= MIN_DIAGNOSIS_RATE, "\n".join(lines)


# --- the fresh set (tests/learner_answers/fresh_exNN.py), scored as tools/score_learner_answers.py does ---

FRESH = sorted(p.stem for p in (Path(__file__).parents[1] / "learner_answers").glob("fresh_ex[0-9][0-9].py"))
FRESH_ANSWERS = {name: importlib.import_module(f"tests.learner_answers.{name}") for name in FRESH}
FRESH_WRONG = [(name, i) for name in FRESH for i in range(len(FRESH_ANSWERS[name].WRONG))]
FRESH_RIGHT = [(name, i) for name in FRESH for i in range(len(FRESH_ANSWERS[name].RIGHT))]
FRESH_MIN_NAMED = 0.9


@functools.cache
def fresh_report(name: str, kind: str, index: int) -> Report:
    answer = getattr(FRESH_ANSWERS[name], kind)[index]
    return check_for(answer.exercise).evaluate(answer.answer)


def test_the_fresh_set_covers_every_exercise_of_its_notebooks():
    assert FRESH == [
        "fresh_ex01",
        "fresh_ex02",
        "fresh_ex03",
        "fresh_ex04",
        "fresh_ex05",
        "fresh_ex06",
        "fresh_ex07",
        "fresh_ex08",
    ]
    for name in FRESH:
        exercises = {c.exercise for c in checks_for_notebook(int(name[-2:]))}
        assert {a.exercise for a in FRESH_ANSWERS[name].RIGHT} == exercises, name
        assert {a.exercise for a in FRESH_ANSWERS[name].WRONG} == exercises, name


@pytest.mark.parametrize(("name", "index"), FRESH_WRONG, ids=ids)
def test_fresh_wrong_answer_fails(name, index):
    answer = FRESH_ANSWERS[name].WRONG[index]
    found = fresh_report(name, "WRONG", index)
    assert found.status is Status.FAILED, f"{answer.note}: {found}"
    assert found.details and found.details[-1].startswith("Next: "), str(found)


@pytest.mark.parametrize(("name", "index"), FRESH_RIGHT, ids=ids)
def test_fresh_right_answer_passes(name, index):
    answer = FRESH_ANSWERS[name].RIGHT[index]
    found = fresh_report(name, "RIGHT", index)
    assert found.status is Status.PASSED, f"{answer.note}: {found}"


def test_fresh_named_rate():
    from tools.score_learner_answers import named

    hits = [named(FRESH_ANSWERS[n].WRONG[i], fresh_report(n, "WRONG", i)) for n, i in FRESH_WRONG]
    missed = [
        f"{FRESH_ANSWERS[n].WRONG[i].exercise} {FRESH_ANSWERS[n].WRONG[i].note!r}: {fresh_report(n, 'WRONG', i).line}"
        for (n, i), hit in zip(FRESH_WRONG, hits)
        if not hit
    ]
    assert sum(hits) / len(hits) >= FRESH_MIN_NAMED, "\n".join(missed)
