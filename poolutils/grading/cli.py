"""Grade learners' exercise notebooks: ``python -m poolutils.grade PATH... [options]``.

A PATH is a notebook, a folder of notebooks (one learner), or a folder of
learners' folders (``submissions/<learner>/*.ipynb``). Each notebook that
counts (see :mod:`poolutils.grading.submissions`) runs with its stored outputs
cleared, in a fresh kernel, with ``--jobs`` notebooks at a time. The grader
then calls each answer on cases drawn for this run (the seed is printed;
``--seed`` replays it) and judges the outputs in its own process against
Keras. What a notebook prints is never read.

Each kernel runs in a sandbox where the platform allows it (``--sandbox``,
see :mod:`poolutils.grading.sandbox`). Whose code an answer is comes from
the notebook's text, read before any kernel starts
(:mod:`poolutils.grading.source`). A crash in the grader's handling of one
notebook marks that notebook "not graded" with the reason; the others are
graded, and the CSV gets each notebook's rows as it ends.

Exit status: 0 when every exercise of every notebook passed and no notebook
had an error; 1 otherwise; 2 for a usage error; 3 when grading stopped
because a submission changed the files the grader relies on; 4 when
``--sandbox required`` and no sandbox is possible here.
"""

from __future__ import annotations

import argparse
import compileall
import os
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path

import poolutils
from poolutils.checks import Status
from poolutils.grading import quiz as quiz_grading  # the concept quiz: read, never run
from poolutils.grading import report
from poolutils.grading.integrity import changes, fingerprint
from poolutils.grading.judging import NOT_RUN, PASSED, VERDICTS, Exercise, copied, judge, own_work, prepare
from poolutils.grading.kernel import KernelRun, Limits, run_notebook
from poolutils.grading.package import kernel_package
from poolutils.grading.report import NotebookGrade, Row
from poolutils.grading.sandbox import MODES, Sandbox, probe, python_folders
from poolutils.grading.source import AnswerText, read
from poolutils.grading.submissions import Submission, classify, collect

STOPPED = 3
NO_SANDBOX = 4


def grade(
    submission: Submission,
    exercises: list[Exercise],
    run: KernelRun,
    texts: dict[str, AnswerText] | None = None,
) -> NotebookGrade:
    """The verdicts on one notebook, judged here from the outputs its kernel gave.

    ``texts`` is what the notebook's text says about each answer
    (:func:`poolutils.grading.source.read`, computed before any kernel started).
    """
    texts = texts or {}
    result = NotebookGrade(submission, problems=list(run.problems), seconds=run.seconds)
    if run.changed:
        result.problems.append(
            "changed its copy of poolutils: " + ", ".join(run.changed) + " (no other notebook saw the change)"
        )
    for exercise in exercises:
        check = exercise.check
        answer = run.answers.get(exercise.id)
        if answer is None:
            row = Row(exercise.id, check.title, NOT_RUN, reason="the notebook stopped before it was checked")
        elif not answer.found:
            row = Row(
                exercise.id,
                check.title,
                NOT_RUN,
                reason=f"the notebook defines no `{check.answer_name}` (a cell did not run or was deleted)",
            )
        else:
            try:
                verdict = judge(exercise, answer.outcomes)
            except Exception as err:  # a checker that cannot read an output: say so, grade the rest
                reason = f"the checker could not judge the output ({type(err).__name__}: {err})"
                result.problems.append(f"Exercise {exercise.id}: {reason}")
                result.rows.append(Row(exercise.id, check.title, NOT_RUN, reason=reason))
                continue
            row = Row(exercise.id, check.title, VERDICTS[verdict.status], verdict)
            text = texts.get(check.answer_name, AnswerText(""))
            if row.verdict == PASSED:
                refused = own_work(exercise, text)
                if refused:
                    row = Row(exercise.id, check.title, VERDICTS[Status.FAILED], reason=refused)
                else:
                    row.flag = copied(exercise, text)
        result.rows.append(row)
    return result


def not_graded(submission: Submission, exercises: list[Exercise], err: BaseException) -> NotebookGrade:
    """A notebook the grader itself failed on: every exercise 'not run', the reason named."""
    why = f"not graded: the grader failed on this notebook ({type(err).__name__})"
    rows = [Row(e.id, e.check.title, NOT_RUN, reason=why) for e in exercises]
    return NotebookGrade(submission, rows, problems=[why])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m poolutils.grade",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="notebooks or folders of notebooks")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="notebooks graded at a time")
    parser.add_argument("--seed", type=int, help="replay the cases of an earlier run (its printed seed)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per cell (default 60)")
    parser.add_argument(
        "--notebook-timeout",
        type=float,
        default=300,
        help="seconds for all cells of a notebook (default 300)",
    )
    parser.add_argument(
        "--call-timeout", type=float, default=Limits.call, help="seconds per call of an answer on one case"
    )
    parser.add_argument(
        "--memory",
        type=int,
        default=Limits.memory_mb,
        help=f"address-space limit of a kernel in MB, 0 for none (default {Limits.memory_mb}; Linux only)",
    )
    parser.add_argument(
        "--sandbox",
        choices=MODES,
        default="auto",
        help="contain each kernel (namespaces, unprivileged user, read-only files): 'auto' where possible "
        "(default), 'required' refuses to grade without, 'off' never",
    )
    parser.add_argument("--csv", type=Path, metavar="FILE", help="write " + ",".join(report.CSV_COLUMNS))
    parser.add_argument("--feedback", type=Path, metavar="DIR", help="write DIR/<learner>.md")
    parser.add_argument(
        "--summary", type=Path, metavar="DIR", help="write DIR/summary.md and DIR/pass_rates.png"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    for name in ("jobs", "timeout", "notebook_timeout", "call_timeout"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive. Received: {getattr(args, name)}.")
    if args.memory < 0:
        parser.error(f"--memory must be 0 (no limit) or a number of MB. Received: {args.memory}.")
    try:
        groups = {learner: classify(learner, paths) for learner, paths in collect(args.paths).items()}
    except FileNotFoundError as err:
        parser.error(str(err))
    # Quiz answers are read now, before any kernel starts (see poolutils.grading.quiz).
    quizzes = quiz_grading.read({learner: [s.path for s in subs] for learner, subs in groups.items()})
    available, line = probe(args.sandbox)
    print(line, flush=True)
    if args.sandbox == "required" and not available:
        print("--sandbox required: not grading without a sandbox", flush=True)
        return NO_SANDBOX
    sandbox = None
    if available:
        sandbox = Sandbox(python_folders())
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    print(f"grading seed {seed} (replay these cases with --seed {seed})", flush=True)
    counted = [s for subs in groups.values() for s in subs if s.number is not None]
    numbers = sorted({s.number for s in counted})
    if numbers:
        _progress(
            f"drawing cases and computing Keras' answers for notebooks {', '.join(f'{n:02d}' for n in numbers)}"
        )
    exercises = {n: prepare(n, seed) for n in numbers}
    # Every notebook's text is parsed here, before the first kernel starts.
    texts = {id(s): _texts(s, exercises[s.number]) for s in counted}
    limits = Limits(args.timeout, args.notebook_timeout, args.call_timeout, args.memory or None)
    grades, stop = _grade_all(counted, exercises, texts, limits, args.jobs, sandbox, args.csv)

    # A class may hand in only quiz notebooks (before and after a session): read in full, that is a success.
    all_ok = not stop and bool(counted or quizzes) and not any(q.problems for q in quizzes.values())
    for learner, subs in groups.items():
        mine = [grades[id(s)] for s in subs if id(s) in grades]
        ignored = [s for s in subs if s.number is None and not quiz_grading.is_quiz(s.path)]
        ignored += [
            replace(s, ignored="not graded: grading stopped first") for s in subs if _ungraded(s, grades)
        ]
        print(report.learner_table(learner, mine, ignored), flush=True)
        if learner in quizzes:
            print(quiz_grading.learner_line(quizzes[learner]) + "\n", flush=True)
        all_ok = all_ok and all(g.ok for g in mine) and len(mine) == sum(s.number is not None for s in subs)
    ordered = [grades[id(s)] for s in counted if id(s) in grades]
    _write_outputs(args, groups, grades, ordered, seed, quizzes)
    if stop:
        print(f"STOPPED: {stop}", flush=True)
        return STOPPED
    return 0 if all_ok else 1


def _texts(submission: Submission, exercises: list[Exercise]) -> dict[str, AnswerText]:
    try:
        return read(submission.text or "", [e.check.answer_name for e in exercises])
    except Exception:  # the notebook's text defeats the reader: no answer counts as its own code
        return {}


def _ungraded(submission: Submission, grades: dict) -> bool:
    return submission.number is not None and id(submission) not in grades


def _grade_all(
    counted: list[Submission],
    exercises: dict[int, list[Exercise]],
    texts: dict[int, dict[str, AnswerText]],
    limits: Limits,
    jobs: int,
    sandbox: Sandbox | None,
    csv_path: Path | None,
) -> tuple[dict[int, NotebookGrade], str]:
    """Grade every counted notebook, ``jobs`` at a time; stop at the first change to the grader's files."""
    package = Path(poolutils.__file__).parent
    grades: dict[int, NotebookGrade] = {}
    rows = report.CsvRows(csv_path) if csv_path else None
    with tempfile.TemporaryDirectory(prefix="poolutils-grader-") as tmp:
        # Kernels copy this pristine grading copy (no reference solutions, compiled once), never the shared one.
        template = kernel_package(package, Path(tmp))
        # The shared package's bytecode, written now, is fingerprinted too: a poisoned
        # __pycache__ file would otherwise reach the next run unseen.
        compileall.compile_dir(package, quiet=2)
        shared, pristine = fingerprint(package, bytecode=True), fingerprint(template, bytecode=True)
        started: list[Submission] = []
        spans: dict[int, list[float]] = {}  # id(submission) -> [start, end] of its kernel run
        lock = threading.Lock()

        def work(submission: Submission) -> KernelRun:
            with lock:
                started.append(submission)
                spans[id(submission)] = [time.time(), float("inf")]
            try:
                run = run_notebook(
                    submission.text or "", exercises[submission.number], limits, template, sandbox
                )
                return grade(submission, exercises[submission.number], run, texts.get(id(submission)))
            except Exception as err:  # the grader's own failure on this notebook: say so, grade the rest
                return not_graded(submission, exercises[submission.number], err)
            finally:
                spans[id(submission)][1] = time.time()

        clean = 0  # started[:clean] finished before the last check that found the files unchanged
        stop = ""
        pool = ThreadPoolExecutor(max_workers=jobs)
        futures = {pool.submit(work, s): s for s in counted}
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                submission = futures[future]
                result = future.result()
                grades[id(submission)] = result
                if rows is not None:
                    rows.add(result)
                _progress(
                    f"[{done}/{len(counted)}] {report.shown(submission.learner)}/{report.shown(submission.name)}: "
                    f"{result.passed}/{len(result.rows)} passed, {result.seconds:.1f} s"
                    + (f", {len(result.problems)} problem(s)" if result.problems else "")
                )
                changed = [(package, c) for c in changes(shared, fingerprint(package, bytecode=True))]
                changed += [(template, c) for c in changes(pristine, fingerprint(template, bytecode=True))]
                if changed:
                    with lock:
                        suspects = _suspects(changed, started[clean:], spans)
                    what = ", ".join(
                        c if root == package else f"{c} (the grader's copy)" for root, c in changed
                    )
                    stop = (
                        f"poolutils changed while grading: {what}; changed by {' or '.join(suspects)}. "
                        "Restore the package (e.g. `git checkout poolutils`) and grade again; "
                        "the notebooks not listed above were not graded."
                    )
                    break
                with lock:
                    clean = len(started)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return grades, stop


def _suspects(changed: list[tuple[Path, str]], running: list[Submission], spans: dict) -> list[str]:
    """The notebooks whose kernel ran when the changed files were last written (all candidates if none)."""
    times = []
    for root, change in changed:
        path = root / change.split(" ", 1)[1]
        if path.exists():
            times.append(path.stat().st_mtime)
    named = [s for s in running if any(spans[id(s)][0] <= t <= spans[id(s)][1] for t in times)]
    return [f"{report.shown(s.learner)}/{report.shown(s.name)}" for s in (named or running)]


def _write_outputs(
    args: argparse.Namespace, groups: dict, grades: dict, ordered: list, seed: int, quizzes: dict
) -> None:
    if args.csv:
        report.write_csv(ordered, args.csv)
        _progress(f"wrote {args.csv}")
        if quizzes:
            quiz_grading.write_csv(quizzes, quiz_grading.csv_path(args.csv))
            _progress(f"wrote {quiz_grading.csv_path(args.csv)}")
    if args.feedback:
        args.feedback.mkdir(parents=True, exist_ok=True)
        names = report.file_names(list(groups))
        for learner, subs in groups.items():
            mine = [grades[id(s)] for s in subs if id(s) in grades]
            text = report.feedback(learner, mine, [s for s in subs if s.number is None], seed)
            (args.feedback / names[learner]).write_text(text, encoding="utf-8")
        _progress(f"wrote {len(groups)} feedback file(s) to {args.feedback}")
    if args.summary:
        args.summary.mkdir(parents=True, exist_ok=True)
        text = report.summary(ordered, seed) + quiz_grading.summary_block(quizzes)
        (args.summary / "summary.md").write_text(text, encoding="utf-8")
        if ordered:
            report.chart(ordered, args.summary / "pass_rates.png")
        _progress(f"wrote {args.summary / 'summary.md'} and pass_rates.png")


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
