"""INSTRUCTORS.md's session plans add up, and their minutes are the notebooks' own estimates."""

import re
from pathlib import Path

import pytest

from poolutils.checks import checks_for_notebook

TEXT = (Path(__file__).resolve().parents[1] / "INSTRUCTORS.md").read_text(encoding="utf-8")
MINUTES = {c.exercise: c.minutes for n in range(1, 9) for c in checks_for_notebook(n)}


def session(title: str) -> list[list[str]]:
    """The table rows (cells) of the session whose heading starts with ``title``."""
    block = TEXT[TEXT.index(f"### {title}") :]
    table = block[block.index("| --- ") :].split("\n\n")[0].splitlines()[1:]
    return [[c.strip() for c in line.strip("|").split("|")] for line in table]


def minutes(clock: str) -> int:
    hours, mins = clock.split(":")
    return 60 * int(hours) + int(mins)


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
        listed = re.findall(r"(\d+\.\d+)[^(,]*\((\d+)\)", learners)
        for exercise, stated in listed:
            assert int(stated) == MINUTES[exercise], (exercise, stated, MINUTES[exercise])
        work = sum(int(m) for _, m in listed)
        assert demo_minutes + work <= int(total), time
        end = stop
    assert end == length
    assert f"= {length} minutes" in TEXT


def test_the_first_session_covers_00_to_03_and_the_gap_head():
    listed = {e for row in session("Session 1") for e in re.findall(r"(\d+\.\d+) ", row[3] + " ")}
    assert {"4.1", "4.3"} <= listed
    assert {e.split(".")[0] for e in listed} == {"1", "2", "3", "4"}
    assert "Grading is **not** part of the session" in TEXT


def test_notebook_totals_are_the_headings_sums():
    for number in range(1, 9):
        total = sum(c.minutes for c in checks_for_notebook(number))
        assert f"{number:02d}: {total}" in TEXT, number
