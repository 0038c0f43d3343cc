"""INSTRUCTORS.md's session plans add up, and their minutes are the notebooks' own estimates.

Session 1 is planned for a first-time class: each exercise is listed as "1.1 (4 → 6)", its heading's
minutes and those minutes times the first-timer factor the guide states, rounded up.
"""

import math
import re
from pathlib import Path

import pytest

from poolutils.checks import checks_for_notebook

TEXT = (Path(__file__).resolve().parents[2] / "INSTRUCTORS.md").read_text(encoding="utf-8")
MINUTES = {c.exercise: c.minutes for n in range(1, 9) for c in checks_for_notebook(n)}
FACTOR = float(re.search(r"first-timer factor of ([\d.]+)", TEXT).group(1))
LISTED = re.compile(r"(\d+\.\d+)[^(,]*\((\d+)(?: → (\d+))?\)")


def session(title: str) -> list[list[str]]:
    """The table rows (cells) of the session whose heading starts with ``title``."""
    block = TEXT[TEXT.index(f"### {title}") :]
    table = block[block.index("| --- ") :].split("\n\n")[0].splitlines()[1:]
    return [[c.strip() for c in line.strip("|").split("|")] for line in table]


def minutes(clock: str) -> int:
    hours, mins = clock.split(":")
    return 60 * int(hours) + int(mins)


def planned(learners: str) -> list[tuple[str, int, int]]:
    """(exercise, heading minutes, planned minutes) of a "Learners do" cell."""
    return [(e, int(h), int(t or h)) for e, h, t in LISTED.findall(learners)]


@pytest.mark.parametrize(("title", "length"), [("Session 1", 90), ("Session 2", 135)])
def test_blocks_follow_each_other_and_fill_the_session(title, length):
    rows = session(title)
    end = 0
    for time, _block, demo, learners, total in rows:
        start, stop = (minutes(t) for t in time.split("\N{EN DASH}"))
        assert start == end, time
        assert stop - start == int(total), time
        stated_demo = re.search(r", (\d+)$", demo)
        demo_minutes = int(stated_demo.group(1)) if stated_demo else 0
        listed = planned(learners)
        for exercise, heading, _ in listed:
            assert heading == MINUTES[exercise], (exercise, heading, MINUTES[exercise])
        work = sum(t for _, _, t in listed)
        assert demo_minutes + work <= int(total), time
        end = stop
    assert end == length
    assert f"= {length} minutes" in TEXT


def test_the_first_session_plans_each_exercise_at_the_first_timer_factor():
    assert 1.5 <= FACTOR <= 2, "the issue expects first-timers to need 1.5-2x the headings"
    listed = [x for row in session("Session 1") for x in planned(row[3])]
    assert listed
    for exercise, heading, first_timer in listed:
        assert first_timer == math.ceil(heading * FACTOR), exercise
    headings, planned_total = sum(h for _, h, _ in listed), sum(t for _, _, t in listed)
    demo = sum(int(m.group(1)) for row in session("Session 1") if (m := re.search(r", (\d+)$", row[2])))
    assert (
        f"{headings} minutes of exercises by their\nheadings, {planned_total} at the first-timer factor"
        in TEXT
    )
    assert f"{demo} of demo" in TEXT


def test_the_first_session_is_a_core_of_about_eight_with_welcome_demo_and_quiz():
    rows = session("Session 1")
    listed = {e for row in rows for e, _, _ in planned(row[3])}
    assert 7 <= len(listed) <= 9
    assert {e.split(".")[0] for e in listed} == {"1", "2", "3", "4"}
    blocks = {row[1]: int(row[4]) for row in rows}
    assert blocks["Welcome and setup"] == 10
    assert blocks["Shift, aliasing, global pooling"] == 5
    assert rows[-2][1] == "Concept quiz, after" and "quiz_after.ipynb" in rows[-2][3]
    assert "Grading is **not** part" in TEXT


def test_session_1_homework_is_the_rest_of_01_to_04():
    listed = {e for row in session("Session 1") for e, _, _ in planned(row[3])}
    text = TEXT[TEXT.index("Homework from session 1:") :].split("\n\n")[0]
    homework = re.findall(r"(\d+\.\d+)", text)
    in_session_2 = {e for row in session("Session 2") for e, _, _ in planned(row[3])}
    later = re.findall(r"(\d+\.\d+)", TEXT[TEXT.index("Homework from session 2:") :].split("(")[0])
    expected = {e for e in MINUTES if e[0] in "1234"} - listed - in_session_2 - set(later)
    assert set(homework) == expected
    assert f"({sum(MINUTES[e] for e in homework)} minutes by their headings)" in text


def test_notebook_totals_are_the_headings_sums():
    for number in range(1, 9):
        total = sum(c.minutes for c in checks_for_notebook(number))
        assert f"{number:02d}: {total}" in TEXT, number
