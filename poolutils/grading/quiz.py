"""The concept quiz in the grade: answers read from each learner's quiz notebooks, the class's gain.

A learner's folder may hold quiz notebooks (``quiz*.ipynb``, e.g.
``quiz_before.ipynb`` with form A and ``quiz_after.ipynb`` with form B).
They are read with the other files, before any kernel starts, and never run:
:func:`poolutils.quiz.answers.read_answers` takes the ``answers`` and
``learner_id`` literals from their source, and the grader scores them with
the keys it computes itself. The form is the one the answers name; form A is
"before", form B "after".

``--summary`` gets :func:`summary_block`; ``--csv FILE`` gets a sibling
``FILE_quiz.csv`` with exactly :data:`CSV_COLUMNS`, one row per learner with
a quiz notebook (empty cells where a form is missing or a gain undefined).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from poolutils.grading.report import shown
from poolutils.quiz.answers import Scored, read_file, score
from poolutils.quiz.forms import PLAN, form
from poolutils.quiz.gain import LearnerScores, class_gain, distractor_table, gain_lines, table_lines

CSV_COLUMNS = ("learner", "learner_id", "pre", "post", "g")
BEFORE, AFTER = "A", "B"


@dataclass
class LearnerQuiz:
    """One learner's quiz notebooks: the scored forms, the anonymous ID, what could not be read."""

    learner: str
    learner_id: str = ""
    scored: dict[str, Scored] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def scores(self) -> LearnerScores:
        pre, post = self.scored.get(BEFORE), self.scored.get(AFTER)
        return LearnerScores(self.learner, pre and pre.percent, post and post.percent)


def is_quiz(path: Path) -> bool:
    """Whether ``path`` is a quiz notebook (``quiz*.ipynb``).

    Examples
    --------
    >>> is_quiz(Path("ann/quiz_before.ipynb")), is_quiz(Path("ann/01_output_size.ipynb"))
    (True, False)
    """
    return path.name.startswith("quiz") and path.suffix == ".ipynb"


def read(groups: Mapping[str, Sequence[Path]]) -> dict[str, LearnerQuiz]:
    """Every learner's quiz notebooks, read and scored (learners without one are left out)."""
    found: dict[str, LearnerQuiz] = {}
    for learner, paths in groups.items():
        quizzes = sorted((p for p in paths if is_quiz(p)), key=lambda p: (len(p.name), p.name))
        if not quizzes:
            continue
        result = found[learner] = LearnerQuiz(learner)
        for path in quizzes:
            try:
                stored = read_file(path)
            except Exception as err:  # one unreadable quiz never stops the class's grading
                result.problems.append(f"{shown(path.name)}: not read ({type(err).__name__})")
                continue
            if stored.problem:
                result.problems.append(f"{path.name}: {stored.problem}")
                continue
            if stored.form in result.scored:
                result.problems.append(f"{path.name}: a second form {stored.form}; the first one counts")
                continue
            if result.learner_id and stored.learner_id and stored.learner_id != result.learner_id:
                result.problems.append(
                    f"{path.name}: learner_id {stored.learner_id!r} differs from {result.learner_id!r}"
                )
            result.learner_id = result.learner_id or stored.learner_id
            result.scored[stored.form] = score(stored)
    return found


def learner_line(result: LearnerQuiz | None) -> str:
    """The learner's quiz line for the terminal table ('' without a quiz notebook)."""
    if result is None:
        return ""
    parts = [
        f"{'before' if name == BEFORE else 'after'} (form {name}) {result.scored[name].percent:.0f}%"
        for name in (BEFORE, AFTER)
        if name in result.scored
    ]
    gain = result.scores.gain
    text = "quiz: " + (", ".join(parts) or "no form read") + (f", g = {gain:.2f}" if gain is not None else "")
    return "\n".join([text, *(f"  ! {shown(p)}" for p in result.problems)])


def summary_block(results: Mapping[str, LearnerQuiz]) -> str:
    """The gain block of the class summary (Markdown), or '' when nobody handed in a quiz."""
    if not results:
        return ""
    scores = [r.scores for r in results.values()]
    before = [_mistakes(r.scored[BEFORE]) for r in results.values() if BEFORE in r.scored]
    after = [_mistakes(r.scored[AFTER]) for r in results.values() if AFTER in r.scored]
    lines = ["", "## Concept quiz: what the class learned", ""]
    lines += gain_lines(class_gain(scores))
    lines += ["", "### Wrong options picked, before and after", ""]
    lines += table_lines(distractor_table([row[0] for row in PLAN], before, after))
    problems = [f"- {shown(r.learner)}: {shown(p)}" for r in results.values() for p in r.problems]
    if problems:
        lines += ["", "### Quiz notebooks that could not be read in full", "", *problems]
    return "\n".join(lines) + "\n"


def _mistakes(scored: Scored) -> dict[int, str | None]:
    return {number: scored.picks[item.id][1] for number, item in enumerate(form(scored.form), start=1)}


def csv_rows(results: Mapping[str, LearnerQuiz]) -> list[dict[str, str]]:
    """One row per learner with :data:`CSV_COLUMNS`; percentages with 1 decimal, g with 3."""

    def cell(value: float | None, digits: int) -> str:
        return "" if value is None else f"{value:.{digits}f}"

    return [
        {
            "learner": r.learner,
            "learner_id": shown(r.learner_id),
            "pre": cell(r.scores.pre, 1),
            "post": cell(r.scores.post, 1),
            "g": cell(r.scores.gain, 3),
        }
        for r in results.values()
    ]


def csv_path(grades_csv: Path) -> Path:
    """Where the quiz rows go next to the grades CSV: ``grades.csv`` -> ``grades_quiz.csv``."""
    return grades_csv.with_name(grades_csv.stem + "_quiz.csv")


def write_csv(results: Mapping[str, LearnerQuiz], path: Path) -> None:
    """Write :func:`csv_rows` to ``path`` (UTF-8, a header line, RFC 4180 quoting)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(csv_rows(results))
