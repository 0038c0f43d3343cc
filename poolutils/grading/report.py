"""What the instructor gets: the terminal table, the CSV, a feedback file per learner, a class summary.

The CSV has exactly the columns :data:`CSV_COLUMNS`, one row per learner and
exercise of every notebook that counts; ``verdict`` is one of 'passed',
'failed', 'not attempted', 'not run'; ``diagnosis`` is the named mistake's
sentence when a known mistake matched, otherwise the verdict's one-sentence
reason, and for a passed answer whose code is the reference solution the
flag (empty otherwise).

Every text that came from a learner (names, messages, problems) goes through
:func:`shown` or :func:`block` first: no control characters (no ANSI
escapes, no line breaks that would forge a row), and names that are not
UTF-8 shown with backslash escapes.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from poolutils.checks import Report
from poolutils.grading.judging import FAILED, NOT_ATTEMPTED, NOT_RUN, PASSED
from poolutils.grading.submissions import Submission

CSV_COLUMNS = ("learner", "notebook", "exercise", "title", "verdict", "diagnosis")
# Characters kept of one learner-made text in the table, CSV and feedback.
MAX_TEXT = 500
# Unicode categories never printed: controls, format characters (bidi overrides), surrogates, unassigned.
_HIDDEN = ("Cc", "Cf", "Cs", "Co", "Cn")


def shown(text: object, limit: int = MAX_TEXT) -> str:
    r"""``text`` safe to print on one line: control characters removed, undecodable bytes escaped.

    Examples
    --------
    >>> shown("ok\x1b[2J\npassed")
    'ok[2J passed'
    >>> shown("caf\udce9.ipynb")
    'caf\\xe9.ipynb'
    """
    text = str(text)
    if any("\udc80" <= c <= "\udcff" for c in text):  # a file name that was not UTF-8
        text = os.fsencode(text).decode("utf-8", errors="backslashreplace")
    kept = [
        " " if c in "\n\r\t" else c for c in text if c in "\n\r\t" or unicodedata.category(c) not in _HIDDEN
    ]
    out = "".join(kept)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def block(text: object) -> str:
    """Learner text for a fenced block in the feedback: each line :func:`shown`, no closing fence."""
    return "\n".join(shown(part) for part in str(text).splitlines()).replace("`" * 3, "'" * 3)


def file_names(learners: Sequence[str]) -> dict[str, str]:
    """A feedback file name per learner: safe characters only, distinct even when two names clean alike.

    Examples
    --------
    >>> names = file_names(["ann", "../x"])
    >>> names["ann"], names["../x"][:4]
    ('ann.md', 'x-d6')
    """
    names = {}
    for learner in learners:
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", shown(learner, 80)).strip("._") or "learner"
        if safe != learner:
            safe = f"{safe}-{hashlib.sha256(os.fsencode(learner)).hexdigest()[:8]}"
        names[learner] = safe + ".md"
    return names


@dataclass
class Row:
    """The verdict on one exercise of one notebook.

    Attributes
    ----------
    exercise, title, verdict : str
    report : Report or None
        The checker's report (None when the exercise was not run).
    reason : str
        Why it was not run, when it was not.
    flag : str or None
        Set when the answer's code is the reference solution.
    """

    exercise: str
    title: str
    verdict: str
    report: Report | None = None
    reason: str = ""
    flag: str | None = None

    @property
    def diagnosis(self) -> str:
        """The CSV's diagnosis column (see the module docstring)."""
        if self.verdict == PASSED:
            return f"flag: {self.flag}" if self.flag else ""
        if self.report is None:
            return self.reason
        return self.report.diagnosis or self.report.message


@dataclass
class NotebookGrade:
    """The rows, problems and run time of one counted notebook."""

    submission: Submission
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        return sum(row.verdict == PASSED for row in self.rows)

    @property
    def ok(self) -> bool:
        """True when every exercise passed and the notebook ran without an error."""
        return bool(self.rows) and self.passed == len(self.rows) and not self.problems


def table(grade: NotebookGrade) -> str:
    """The rows of one notebook, its problems and its total, as text.

    Examples
    --------
    >>> s = Submission("ann", Path("01_x.ipynb"), "", 1)
    >>> print(table(NotebookGrade(s, [Row("1.1", "f", "passed"), Row("1.2", "g", "failed")])))
    01_x.ipynb
      Exercise 1.1  f  passed
      Exercise 1.2  g  failed
      total: 1/2 passed
    """
    width = max((len(row.title) for row in grade.rows), default=0)
    lines = [shown(grade.submission.name)]
    for row in grade.rows:
        flag = f"  (flag: {row.flag})" if row.flag else ""
        lines.append(f"  Exercise {row.exercise:<4} {row.title:<{width}}  {row.verdict}{flag}")
    lines += [f"  ! {shown(p)}" for p in grade.problems]
    lines.append(f"  total: {grade.passed}/{len(grade.rows)} passed")
    return "\n".join(lines)


def learner_table(learner: str, grades: Sequence[NotebookGrade], ignored: Sequence[Submission]) -> str:
    """One learner's block: each notebook's table, the ignored notebooks, the learner's total."""
    lines = [f"== {shown(learner)} =="]
    lines += [table(g) for g in grades]
    lines += [f"ignored: {shown(s.name)}: {s.ignored}" for s in ignored]
    passed, total = sum(g.passed for g in grades), sum(len(g.rows) for g in grades)
    if grades or ignored:
        lines.append(f"{shown(learner)}: {passed}/{total} exercises passed\n")
    else:  # only quiz notebooks: their line follows
        lines.append(f"{shown(learner)}: no exercise notebooks\n")
    return "\n".join(lines)


def csv_rows(grades: Sequence[NotebookGrade]) -> list[dict[str, str]]:
    """One dict per learner and exercise, with exactly :data:`CSV_COLUMNS`."""
    return [
        {
            "learner": shown(g.submission.learner),
            "notebook": shown(g.submission.name),
            "exercise": row.exercise,
            "title": row.title,
            "verdict": row.verdict,
            "diagnosis": shown(row.diagnosis),
        }
        for g in grades
        for row in g.rows
    ]


def write_csv(grades: Sequence[NotebookGrade], path: Path) -> None:
    """Write :func:`csv_rows` to ``path`` (UTF-8, a header line, RFC 4180 quoting), replacing it whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with partial.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(csv_rows(grades))
    os.replace(partial, path)


class CsvRows:
    """The CSV written as grading goes: each notebook's rows appended as it ends.

    :func:`write_csv` then replaces the file with every row in the class's
    order; if grading stops early, the file holds every notebook graded so far.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with path.open("w", newline="", encoding="utf-8") as out:
            csv.DictWriter(out, fieldnames=CSV_COLUMNS).writeheader()

    def add(self, grade: NotebookGrade) -> None:
        with self.path.open("a", newline="", encoding="utf-8") as out:
            csv.DictWriter(out, fieldnames=CSV_COLUMNS).writerows(csv_rows([grade]))


def feedback(learner: str, grades: Sequence[NotebookGrade], ignored: Sequence[Submission], seed: int) -> str:
    """A learner's Markdown feedback: verdicts, and for each exercise not passed what failed and why."""
    passed, total = sum(g.passed for g in grades), sum(len(g.rows) for g in grades)
    lines = [
        f"# Feedback for {shown(learner)}",
        "",
        f"{passed} of {total} exercises passed (grading seed {seed}).",
        "",
    ]
    for grade in grades:
        lines += [f"## {shown(grade.submission.name)}: {grade.passed}/{len(grade.rows)} passed", ""]
        lines += [f"- Exercise {r.exercise} ({r.title}): {r.verdict}" for r in grade.rows]
        lines += [f"- Note: {shown(p)}" for p in grade.problems]
        lines.append("")
        for row in grade.rows:
            if row.verdict == PASSED:
                continue
            lines += [f"### Exercise {row.exercise} ({row.title}): {row.verdict}", ""]
            if row.report is None:
                lines += [shown(row.reason), ""]
                continue
            lines += [shown(row.report.message), ""]
            if row.report.details:
                lines += ["```text", *[block(d) for d in row.report.details], "```", ""]
    if ignored:
        lines += ["## Not graded", ""]
        lines += [f"- {shown(s.name)}: {s.ignored}" for s in ignored]
        lines.append("")
    return "\n".join(lines)


def summary(grades: Sequence[NotebookGrade], seed: int, top: int = 3) -> str:
    """The class summary in Markdown: per exercise the pass rate and the most frequent diagnoses.

    Examples
    --------
    >>> s = Submission("ann", Path("01_x.ipynb"), "", 1)
    >>> print(summary([NotebookGrade(s, [Row("1.1", "f", "passed")])], seed=3))
    # Class summary
    <BLANKLINE>
    1 learner, 1 notebook graded (grading seed 3).
    <BLANKLINE>
    | exercise | passed | failed | not attempted | not run |
    |---|---|---|---|---|
    | 1.1 f | 1 of 1 (100%) | 0 | 0 | 0 |
    <BLANKLINE>
    ## What the class got wrong
    <BLANKLINE>
    No known mistake was diagnosed.
    <BLANKLINE>
    """
    per_exercise: dict[tuple[str, str], list[Row]] = {}
    for grade in grades:
        for row in grade.rows:
            per_exercise.setdefault((row.exercise, row.title), []).append(row)
    learners = len({g.submission.learner for g in grades})
    lines = [
        "# Class summary",
        "",
        f"{_plural(learners, 'learner')}, {_plural(len(grades), 'notebook')} graded (grading seed {seed}).",
        "",
        "| exercise | passed | failed | not attempted | not run |",
        "|---|---|---|---|---|",
    ]
    for (exercise, title), rows in sorted(per_exercise.items(), key=lambda kv: _key(kv[0][0])):
        counts = Counter(row.verdict for row in rows)
        rate = f"{counts[PASSED]} of {len(rows)} ({100 * counts[PASSED] / len(rows):.0f}%)"
        lines.append(
            f"| {exercise} {title} | {rate} | {counts[FAILED]} | {counts[NOT_ATTEMPTED]} | {counts[NOT_RUN]} |"
        )
    ordered = sorted(per_exercise.items(), key=lambda kv: _key(kv[0][0]))
    lines += ["", "## What the class got wrong", ""]
    found = False
    for (exercise, title), rows in ordered:
        mistakes = Counter(
            (row.report.mistake, row.report.diagnosis)
            for row in rows
            if row.report is not None and row.report.mistake
        )
        if mistakes:
            found = True
            lines.append(f"- Exercise {exercise} ({title}):")
            lines += [
                f"  - {n} of {len(rows)}: {shown(diagnosis)}"
                for (_, diagnosis), n in mistakes.most_common(top)
            ]
    if not found:
        lines.append("No known mistake was diagnosed.")
    flagged = [(e, t, sum(r.flag is not None for r in rows), len(rows)) for (e, t), rows in ordered]
    if any(n for _, _, n, _ in flagged):
        lines += ["", "## Passed with the reference solution's code (flagged)", ""]
        lines += [f"- Exercise {e} ({t}): {n} of {total}" for e, t, n, total in flagged if n]
    lines.append("")
    return "\n".join(lines)


def pass_rates(grades: Sequence[NotebookGrade]) -> dict[str, float]:
    """Exercise id -> fraction of the class that passed it, in exercise order."""
    rows: dict[str, list[bool]] = {}
    for grade in grades:
        for row in grade.rows:
            rows.setdefault(row.exercise, []).append(row.verdict == PASSED)
    return {e: sum(v) / len(v) for e, v in sorted(rows.items(), key=lambda kv: _key(kv[0]))}


def chart(grades: Sequence[NotebookGrade], path: Path) -> None:
    """Save a bar chart of the pass rate per exercise as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rates = pass_rates(grades)
    fig, ax = plt.subplots(figsize=(max(4.0, 0.45 * len(rates) + 1.5), 3.2))
    ax.bar(list(rates), [100 * r for r in rates.values()], color="#4c72b0")
    ax.set_ylim(0, 100)
    ax.set_ylabel("passed (% of class)")
    ax.set_xlabel("exercise")
    ax.set_title("Pass rate per exercise")
    ax.tick_params(axis="x", labelrotation=90)
    fig.subplots_adjust(bottom=0.25, left=0.12, right=0.98)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _key(exercise: str) -> tuple[int, ...]:
    return tuple(int(part) for part in exercise.split("."))
