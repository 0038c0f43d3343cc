"""Score the checkers on a set of learner-style answers: three rates per kind of exercise.

Usage: python tools/score_learner_answers.py [--set fresh|original] [--misses] [NOTEBOOK ...]

The answers live in ``tests/learner_answers/``: ``fresh_exNN.py`` (the fresh
set, written from the task texts only) or ``exNN.py`` (the original set).
Each module has ``RIGHT`` and ``WRONG`` lists of ``LearnerAnswer``. For
every kind of exercise (code, value: by hand, predict and choose; design;
find the bug) the script prints:

- correct answers that pass,
- wrong answers that fail,
- wrong answers whose feedback names the actual mistake: the report's
  mistake key is the answer's ``expect``, or, for ``expect="says:<text>"``,
  the result line contains ``<text>`` (a type or shape sentence). A wrong
  answer with ``expect=None`` has no mistake the checker could name, and
  counts as not named.

``--misses`` lists every answer that is not counted as a success, with the
checker's result line.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KIND_GROUPS = {
    "implement": "code",
    "by_hand": "value",
    "predict": "value",
    "choose": "value",
    "design": "design",
    "find_the_bug": "find the bug",
}
GROUPS = ("code", "value", "design", "find the bug")


def named(answer, report) -> bool:
    """Whether ``report`` names the mistake of the wrong ``answer``."""
    if answer.expect is None:
        return False
    if answer.expect.startswith("says:"):
        return answer.expect.removeprefix("says:") in report.line
    return report.mistake == answer.expect


def score(modules: list[str], misses: bool) -> dict[str, list[int]]:
    from poolutils.checks import Status, checks_for_notebook

    checks = {c.exercise: c for n in range(1, 10) for c in checks_for_notebook(n)}
    # per group: right passed, right total, wrong failed, wrong total, wrong named
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for name in modules:
        module = importlib.import_module(f"tests.learner_answers.{name}")
        for label, answers in (("RIGHT", module.RIGHT), ("WRONG", module.WRONG)):
            for answer in answers:
                check = checks[answer.exercise]
                report = check.evaluate(answer.answer)
                row = counts[KIND_GROUPS[check.kind]]
                if label == "RIGHT":
                    ok = report.status is Status.PASSED
                    row[0] += ok
                    row[1] += 1
                else:
                    failed = report.status is Status.FAILED
                    ok = failed and named(answer, report)
                    row[2] += failed
                    row[3] += 1
                    row[4] += ok
                if misses and not ok:
                    print(
                        f"MISS {label} {answer.exercise} {answer.note!r} expect={answer.expect}: "
                        f"{report.line} [mistake={report.mistake}]"
                    )
    return counts


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("fresh", "original"), default="fresh")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("notebooks", nargs="*", type=int, default=[1, 2, 3, 4, 5, 6, 7, 8])
    args = parser.parse_args(argv)
    prefix = "fresh_ex" if args.set == "fresh" else "ex"
    modules = [
        f"{prefix}{n:02d}"
        for n in args.notebooks
        if (ROOT / "tests" / "learner_answers" / f"{prefix}{n:02d}.py").exists()
    ]
    sys.path.insert(0, str(ROOT))
    os.environ.pop("POOLUTILS_GRADING", None)
    counts = score(modules, args.misses)
    print(f"{'kind':<14}{'correct pass':>16}{'wrong fail':>16}{'wrong named':>16}")
    total = [0] * 5
    for group in GROUPS:
        row = counts.get(group)
        if row is None:
            continue
        total = [a + b for a, b in zip(total, row)]
        print(f"{group:<14}{_rate(row[0], row[1]):>16}{_rate(row[2], row[3]):>16}{_rate(row[4], row[3]):>16}")
    print(
        f"{'all':<14}{_rate(total[0], total[1]):>16}{_rate(total[2], total[3]):>16}{_rate(total[4], total[3]):>16}"
    )
    return 0


def _rate(hits: int, total: int) -> str:
    return f"{hits}/{total} ({hits / total:.0%})" if total else "-"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
