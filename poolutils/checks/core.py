"""The exercise-checking framework: declare a check, judge a learner's answer against Keras, explain mistakes.

Every exercise notebook ``solutions/NN_topic.ipynb`` has a module
``poolutils/checks/exNN.py`` that defines one :class:`Check` per exercise,
in a module-level ``CHECKS`` tuple. A learner answers, then calls the checker::

    check_max_pool2d(max_pool2d)      # prints one result line (and details on failure)
    check_max_pool2d.hint(1)          # first hint; hint(2) says more
    check_max_pool2d.solution()       # prints the reference answer

Kinds of exercise (:data:`KINDS`)
---------------------------------
``implement`` and ``find_the_bug`` pass a function: the checker calls it on
each :class:`Case`. ``predict``, ``by_hand``, ``choose`` (and most
``design``) pass a value, e.g. ``check_pooled_shape((1, 3, 3, 8))``: the case
list has one case without arguments and the value itself is the output.
:func:`value_check` and :func:`choice_check` build those.

The result line (machine-readable)
----------------------------------
Each call prints exactly one line that starts with a status mark, then
``Exercise N.M``, the exercise's title in parentheses, a colon and one
sentence; :data:`RESULT_LINE` matches it::

    ✅ Exercise 2.2 (max_pool2d): correct on all 9 cases, same as Keras.
    ❌ Exercise 2.2 (max_pool2d): wrong values for case 'stride 1, same padding'.
    ⏳ Exercise 2.2 (max_pool2d): not attempted yet (the stub still raises NotImplementedError).

Detail lines follow, each indented by three spaces. Output is deterministic
(fixed cases, rounded numbers, no timings): nbval compares it. When the
environment variable ``POOLUTILS_GRADING`` is ``"1"`` a checker prints one
line saying the grader checks it and runs nothing: the grader
(:mod:`poolutils.grade`) asks the notebook only for :class:`Outcome` values
and calls :meth:`Check.judge` in its own process.

How a check works
-----------------
1. :meth:`Check.case_list` gives the cases: the fixed ones the notebook
   shows, plus, for a grading seed, freshly drawn ones.
2. :mod:`poolutils.checks.runner` runs the answer on every case in a forked
   child process (Linux; a thread elsewhere) under :data:`TIME_LIMIT`
   seconds per case: an endless loop is killed, not left running. Each case
   gives an :class:`Outcome` holding plain data only; the first case that
   does not return ends the run.
3. :meth:`Check.judge` compares the outcomes with :meth:`Check.expected`
   (Keras' answer, cached) and, on the first failing case, looks for a known
   :class:`Mistake` that differs from the truth there and reproduces the
   learner's output: its diagnosis names what went wrong.
   The ``compare_*`` functions and the oracles live in
   :mod:`poolutils.checks.compare`; they are importable from here too.

How to write a checker for a new exercise
-----------------------------------------
1. Create ``poolutils/checks/exNN.py`` (``NN`` = the notebook's number) with
   a ``CHECKS`` tuple in exercise order.
2. Write the reference solution as a plain function, the way a learner
   would: its name is the check's ``title``. In ``solutions/NN_topic.ipynb``
   the exercise is a markdown task (with its minutes), a code cell
   ``def title(...):`` whose body sits between ``### BEGIN SOLUTION`` and
   ``### END SOLUTION`` and is exactly the reference's body, and a check cell
   ``check_title(title)``. A value exercise's solution region is the single
   line ``name = value`` and ``reference`` is that value.
3. Give the cases with :func:`make_cases` (inputs from
   :mod:`poolutils.checks.fixtures`): odd sizes, stride != pool size,
   all-negative windows, fractional values, 'same' padding, batches.
4. Write an ``oracle`` computing the expected answer with Keras.
5. Take the known mistakes from :mod:`poolutils.checks.mistakes` (each is
   defined once there: key, diagnosis, function; :meth:`Mistake.on` adapts
   one to another signature) or add one there. A design exercise, with many
   right answers, gives its mistakes a ``test`` on the learner's value.
6. Build ``Check(...)`` (``kind=`` and ``minutes=``; ``bug=`` the planted
   mistake for 'find_the_bug'; ``summarise=`` when the answer returns an
   object, such as a Keras model, that must become plain data),
   :func:`value_check` (predict, by hand) or :func:`choice_check`.
7. ``tests/checks/test_checks.py`` then checks it: the reference passes, a stub is
   "not attempted", each mistake is diagnosed. Add learner-style answers to
   ``tests/learner_answers/exNN.py``.
"""

from __future__ import annotations

import copy
import functools
import inspect
import os
import pickle
import re
import sys
import textwrap
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np

# Running (runner) and comparing (compare) live in their own modules; the names the
# checkers, the grader and the tests import from here stay importable from here.
from poolutils.checks import compare as _compare
from poolutils.checks.compare import (
    compare_arrays,
    compare_close,
    compare_exact,
    compare_float_maps,
    compare_floats,
    compare_numbers,
    compare_shape,
    keras_oracle,
    keras_pool_map,
    model_summary_test,
    show,
)
from poolutils.checks.runner import (
    RUNNER_ERRORS,
    TIME_LIMIT,
    Case,
    Opaque,
    Outcome,
    collect_outcomes,
    collect_value,
)

__all__ = [
    "GRADING_ENV",
    "KINDS",
    "RESULT_LINE",
    "TIME_LIMIT",
    "Case",
    "Check",
    "ChoiceCheck",
    "Mistake",
    "Opaque",
    "Option",
    "Outcome",
    "Report",
    "Status",
    "choice_check",
    "collect_outcomes",
    "compare_arrays",
    "compare_close",
    "compare_exact",
    "compare_float_maps",
    "compare_floats",
    "compare_numbers",
    "compare_shape",
    "keras_oracle",
    "keras_pool_map",
    "make_cases",
    "model_summary_test",
    "parse_results",
    "redraw",
    "sample",
    "show",
    "value_check",
]

# Check's judging calls these by the names they had when they lived here.
_FAILED, _first_difference, _run_safe = _compare.FAILED, _compare.first_difference, _compare.run_safe
_same, _test_safe, _type_name = _compare.same, _compare.shows_mistake, _compare.type_name

#: The kinds of exercise a :class:`Check` can be.
KINDS = ("implement", "find_the_bug", "predict", "by_hand", "design", "choose")

#: Environment variable that turns the in-notebook checkers off while grading.
GRADING_ENV = "POOLUTILS_GRADING"

#: Matches one result line; groups: mark, exercise id, title, message.
RESULT_LINE = re.compile(r"^(✅|❌|⏳) Exercise (\d+\.\d+) \((.*?)\): (.*)$", re.MULTILINE)


class Status(Enum):
    """Outcome of one check; the value is the mark that starts the result line."""

    PASSED = "✅"
    FAILED = "❌"
    NOT_ATTEMPTED = "⏳"


@dataclass(frozen=True)
class Mistake:
    """A known wrong variant: a function with the learner's signature, what it means, and a short key.

    ``key`` names the mistake in class summaries (e.g. ``"zero_padding"``);
    when omitted it is derived from the function's name. A design exercise
    has many right answers and many wrong ones: there ``test(got)`` tells
    whether the learner's value shows the mistake (``fn`` is then unused).
    ``explain(got)``, if given, words the diagnosis for the learner's own
    value (e.g. which cell of a grid is off). ``relation(expected, got)``
    recognises a mistake by how the learner's output relates to the truth on
    the failing case (e.g. the truth cast to the learner's int dtype), for
    mistakes no single wrong function reproduces.
    """

    fn: Callable[..., Any] | None
    diagnosis: str
    key: str = ""
    test: Callable[[Any], bool] | None = None
    explain: Callable[[Any], str] | None = None
    relation: Callable[[Any, Any], bool] | None = None

    def __post_init__(self) -> None:
        if not self.key:
            name = getattr(self.fn, "__name__", "")
            key = name if name.isidentifier() else re.sub(r"\W+", "_", self.diagnosis.lower())[:40]
            object.__setattr__(self, "key", key.strip("_"))

    def on(
        self, adapt: Callable[[Callable[..., Any]], Callable[..., Any]], key: str | None = None
    ) -> Mistake:
        """The same mistake for another signature: ``adapt`` turns ``fn`` into the new function."""
        fn = adapt(self.fn) if self.fn is not None else None
        return Mistake(fn, self.diagnosis, key or self.key, self.test, self.explain, self.relation)


@dataclass(frozen=True)
class Option:
    """One answer of a multiple-choice exercise and the reason it is right or wrong."""

    text: str
    reason: str
    right: bool = False


@dataclass(frozen=True)
class Report:
    """What a check found: its status, the result line, the detail lines, and what failed."""

    exercise: str
    title: str
    status: Status
    message: str
    details: tuple[str, ...] = ()
    #: The matched known mistake's key, for class summaries.
    mistake: str | None = None
    #: The label of the first failing case.
    case: str | None = None

    @property
    def line(self) -> str:
        return f"{self.status.value} Exercise {self.exercise} ({self.title}): {self.message}"

    @property
    def diagnosis(self) -> str | None:
        """The diagnosis detail line's text, if a known mistake matched."""
        for d in self.details:
            if d.startswith("diagnosis: "):
                return d.removeprefix("diagnosis: ")
        return None

    def __str__(self) -> str:
        # A renderer breaks long lines anywhere (JupyterLab cut "windo/w's"), so every line is wrapped here;
        # the result line's continuations are indented by two spaces, which parse_results joins back.
        return "\n".join([_wrap(self.line, ""), *(_wrap(d, "   ") for d in self.details)])


#: Feedback lines are wrapped at this width, on word boundaries.
LINE_WIDTH = 100


def _wrap(text: str, indent: str) -> str:
    # Printed grids keep their own line breaks; only prose lines longer than the width wrap.
    if "\n" in text or len(indent) + len(text) <= LINE_WIDTH:
        return indent + text
    return textwrap.fill(
        text,
        LINE_WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def sample(shape: Sequence[int], seed: int) -> np.ndarray:
    """Seeded float32 integers in -9..9: exact in any float sum, short to print, negatives included.

    Examples
    --------
    >>> sample((2, 3), seed=0).dtype, sample((2, 3), seed=0).shape
    (dtype('float32'), (2, 3))
    """
    return np.random.default_rng(seed).integers(-9, 10, size=tuple(shape)).astype(np.float32)


def make_cases(rows: Iterable[Sequence[Any]], label: str | None = None) -> list[Case]:
    """Cases from rows of call arguments: the one case-spec helper of every checker.

    With ``label`` (a :meth:`str.format` template over a row's arguments)
    each row is the arguments; without it, each row is ``(label, *args)``.

    Examples
    --------
    >>> make_cases([(4, 2, 2)], "n={0}, pool_size={1}, stride={2}")
    [Case(label='n=4, pool_size=2, stride=2', args=(4, 2, 2), kwargs={})]
    >>> make_cases([("a 1x1 map", np.zeros((1, 1)))])[0].label
    'a 1x1 map'
    """
    if label is None:
        return [Case(row[0], tuple(row[1:])) for row in rows]
    return [Case(label.format(*row), tuple(row)) for row in rows]


def redraw(value: Any, rng: np.random.Generator) -> Any:
    """A fresh input like ``value``: arrays are redrawn with the same shape, dtype and kind of values.

    Whole numbers stay whole, halves stay halves, all-negative arrays stay
    negative, in the same range; everything else is kept.

    Examples
    --------
    >>> x = redraw(-np.ones((2, 2), "float32"), np.random.default_rng(0))
    >>> x.dtype, bool((x < 0).all())
    (dtype('float32'), True)
    """
    if isinstance(value, tuple | list):
        return type(value)(redraw(v, rng) for v in value)
    if not isinstance(value, np.ndarray) or value.size == 0:
        return value
    if value.dtype.kind == "b":
        return rng.random(value.shape) < 0.5
    step = 1.0 if np.all(value == np.round(value)) else 0.5
    low, high = float(np.min(value)), float(np.max(value))
    if low == high:
        return value.copy()
    values = low + step * rng.integers(0, int((high - low) / step) + 1, size=value.shape)
    return values.astype(value.dtype)


class Check:
    """The checker of one exercise: call it on the learner's answer.

    Parameters
    ----------
    exercise : str
        ``"N.M"``: notebook number and exercise number.
    title : str
        Short name, usually the function the learner writes; the checker is
        ``check_<title>``.
    cases : list of Case, or a callable returning it
        The fixed cases (a callable is called once, lazily).
    reference : callable or value
        The reference solution; :meth:`solution` prints it.
    oracle : callable
        Computes the expected answer from a case's arguments, with Keras.
    compare : callable
        ``compare(expected, got)`` returns None or the sentence saying why
        ``got`` is wrong (see :func:`compare_arrays`, :func:`compare_exact`).
    mistakes : sequence of Mistake
        Known wrong variants, tried on the first failing case.
    hints : sequence of str
        Progressive hints, from a nudge to almost the answer.
    time_limit : float, optional
        Seconds one call may take; :data:`TIME_LIMIT` by default.
    kind : str
        One of :data:`KINDS`.
    minutes : int
        Estimated minutes, shown in the notebook.
    answer_name : str, optional
        The name the learner binds in the notebook; ``title`` by default.
    takes_function : bool, optional
        Whether the answer is a function called on each case; by default
        True for 'implement' and 'find_the_bug', False for the other kinds.
    draw : callable, optional
        ``draw(rng)`` returns freshly drawn cases for grading; by default the
        fixed cases' arrays are redrawn (:func:`redraw`).
    isolate : bool
        Run the answer in a forked child process where possible. Turn it off
        for answers that must call TensorFlow (it is not fork-safe).
    bug : Mistake, optional
        For 'find_the_bug': the bug planted in the given code, from the
        catalogue. It is tried first, and the diagnosis says whether it is
        still there, on any case.
    libraries : bool, optional
        Whether the answer may call Keras, TensorFlow or poolutils, as the
        task text says. False: the task says such a call is not credited,
        and the check names that rule (found in the answer's code, so a
        fresh kernel gets the same verdict). True: the task allows Keras,
        so the answer runs in this process (TensorFlow is not fork-safe),
        after Keras is loaded. None (default): the task says nothing.
    summarise : callable, optional
        Turns a returned value into plain data (ints, str, tuples, arrays)
        where the answer ran, e.g. a Keras model into its output shapes; the
        oracle and compare then work on that summary. The grader applies it
        in the learner's kernel.
    """

    def __init__(
        self,
        exercise: str,
        title: str,
        *,
        cases: Sequence[Case] | Callable[[], Sequence[Case]],
        reference: Any,
        oracle: Callable[..., Any],
        compare: Callable[[Any, Any], str | None],
        mistakes: Sequence[Mistake] = (),
        hints: Sequence[str] = (),
        time_limit: float | None = None,
        kind: str = "implement",
        minutes: int = 5,
        answer_name: str | None = None,
        takes_function: bool | None = None,
        draw: Callable[[np.random.Generator], Sequence[Case]] | None = None,
        isolate: bool = True,
        summarise: Callable[[Any], Any] | None = None,
        bug: Mistake | None = None,
        libraries: bool | None = None,
    ) -> None:
        if not re.fullmatch(r"\d+\.\d+", exercise):
            raise ValueError(f"`exercise` must look like '2.3'. Received: exercise={exercise!r}.")
        if kind not in KINDS:
            raise ValueError(f"`kind` must be one of {KINDS}. Received: kind={kind!r}.")
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
            raise ValueError(f"`minutes` must be a positive int. Received: minutes={minutes!r}.")
        self.exercise = exercise
        self.title = title
        self.name = f"check_{title}"
        self.kind = kind
        self.minutes = minutes
        self.answer_name = answer_name or title
        self.takes_function = (
            kind in ("implement", "find_the_bug") if takes_function is None else takes_function
        )
        self.reference = reference
        self.oracle = oracle
        self.compare = compare
        self.bug = bug
        self.mistakes = (bug, *mistakes) if bug is not None else tuple(mistakes)
        self.hints = tuple(hints)
        self.time_limit = time_limit
        self.isolate = isolate
        self.summarise = summarise
        self.libraries = libraries
        if libraries:  # Keras answers cannot run in a forked child
            self.isolate = False
            self.time_limit = max(time_limit or TIME_LIMIT, 60)
        self._cases = cases
        self._fixed: tuple[Case, ...] | None = None
        self._draw = draw
        self._expected: dict[bytes, Any] = {}

    def __repr__(self) -> str:
        return f"<check for Exercise {self.exercise} ({self.title}): call it on your answer>"

    # --- cases and truth ---------------------------------------------------

    def case_list(self, seed: int | None = None) -> list[Case]:
        """The fixed cases; with an int ``seed``, the fixed cases plus cases drawn from that seed."""
        if self._fixed is None:
            self._fixed = tuple(self._cases() if callable(self._cases) else self._cases)
        cases = list(self._fixed)
        if seed is None or not self.takes_function:
            return cases
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
            raise TypeError(f"`seed` must be an int or None. Received: seed={seed!r}.")
        rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(self.exercise.encode())])
        if self._draw is not None:
            return cases + list(self._draw(rng))
        drawn = [
            Case(f"{c.label} [drawn, seed {seed}]", redraw(c.args, rng), c.kwargs)
            for c in cases
            if any(isinstance(a, np.ndarray) for a in c.args)
        ]
        return cases + drawn

    def expected(self, case: Case) -> Any:
        """The truth for ``case``, from the oracle (Keras); computed once per distinct case."""
        key = pickle.dumps((case.args, sorted(case.kwargs.items())))
        if key not in self._expected:
            self._expected[key] = self.oracle(*case.args, **case.kwargs)
        return self._expected[key]

    # --- running and judging ---------------------------------------------

    def __call__(self, answer: Any) -> None:
        """Check ``answer`` and print the result line (and details); only a note while grading."""
        if os.environ.get(GRADING_ENV) == "1":
            print(f"Exercise {self.exercise} ({self.title}) is checked by the grader, not in this notebook.")
            return
        from poolutils.checks import help as help_

        help_.remember(self)
        if "keras" not in sys.modules:
            print(
                "Loading Keras to compute the expected values (the first check in a kernel takes a few seconds)..."
            )
        print(self.evaluate(answer))

    def evaluate(self, answer: Any) -> Report:
        """Run ``answer`` on the fixed cases (under the time limit) and judge it (prints nothing else)."""
        cases = self.case_list()
        limit = TIME_LIMIT if self.time_limit is None else self.time_limit
        if not self.takes_function:
            outcome = collect_value(answer, limit, isolate=self.isolate, summarise=self.summarise)
            return self.judge(cases, [outcome] * len(cases))
        if not callable(answer):
            return self._report(
                Status.FAILED,
                f"expected a function, got a {_type_name(answer)}; pass the function itself, without calling it.",
            )
        if self.libraries is False:
            called = forbidden_call(answer)
            if called is not None:
                return self._report(
                    Status.FAILED,
                    f"calls {called}: this task asks for the computation itself, and calling poolutils, Keras "
                    "or TensorFlow is not credited.",
                    (f"Next: compute it with NumPy (loops are fine), then run {self.name} again.",),
                    "forbidden_library",
                )
        if not self.isolate:
            from poolutils.keras_check import keras

            keras()  # loaded before the clock starts (the import takes seconds), without TensorFlow's log lines
        outcomes = collect_outcomes(answer, cases, limit, isolate=self.isolate, summarise=self.summarise)
        return self.judge(cases, outcomes)

    def judge(self, cases: Sequence[Case], outcomes: Sequence[Outcome]) -> Report:
        """The verdict on ``outcomes`` (one per case), computed in the caller's process."""
        if len(cases) != len(outcomes):
            raise ValueError(
                f"`outcomes` must have one entry per case ({len(cases)}). Received: {len(outcomes)} outcomes."
            )
        if not cases:
            raise ValueError("`cases` must not be empty: a check on no case proves nothing.")
        outcomes = [self._stub_as_raise(o) for o in outcomes]
        unwritten = [o.status == "raised" and o.error == "NotImplementedError" for o in outcomes]
        if all(unwritten):
            what = (
                "the stub still raises NotImplementedError"
                if self.takes_function
                else "the answer is still ..."
            )
            return self._report(Status.NOT_ATTEMPTED, f"not attempted yet ({what}).")
        for index in range(len(cases)):
            report = self._judge_one(cases, outcomes, index)
            if report is not None:
                return report
        if not self.takes_function:
            message = {"design": "it works: Keras confirms your design.", "choose": "correct."}
            return self._report(
                Status.PASSED, message.get(self.kind, "correct, same as Keras."), self._passed_details()
            )
        fixed = ": the bug is fixed" if self.bug is not None else ""
        return self._report(Status.PASSED, f"correct on all {len(cases)} cases, same as Keras{fixed}.")

    def _stub_as_raise(self, outcome: Outcome) -> Outcome:
        # A value exercise's stub is `name = ...`: the Ellipsis means "not written yet".
        if not self.takes_function and outcome.status == "returned" and outcome.value is Ellipsis:
            return Outcome("raised", error="NotImplementedError")
        return outcome

    def _passed_details(self) -> tuple[str, ...]:
        return ()

    def _judge_one(self, cases: Sequence[Case], outcomes: Sequence[Outcome], index: int) -> Report | None:
        case, outcome = cases[index], outcomes[index]
        lines = self._case_lines(case)
        on = f"case '{case.label}'"
        if outcome.status == "not_run":
            return self._failed(f"not run on {on} (an earlier case stopped the answer).", lines, case)
        if outcome.status == "timeout" and outcome.error == "TensorFlow":
            return self._failed(
                f"called TensorFlow or Keras on {on}, which cannot run where the checker runs your answer "
                "(a separate process); compute the answer with NumPy: Keras is what the checker compares with.",
                lines,
                case,
            )
        if outcome.status == "timeout":
            limit = outcome.message or f"{TIME_LIMIT:g}"
            return self._failed(
                f"still running after {limit} s on {on}, so it was stopped; is there a loop that never ends?",
                lines,
                case,
            )
        if outcome.status == "raised":
            if outcome.error == "NotImplementedError":
                return self._failed(
                    f"not yet handled for {on} (it raises NotImplementedError there).", lines, case
                )
            if outcome.error == "SystemExit":
                return self._failed(
                    f"called sys.exit() (or exit()) on {on}; an answer must return its result, not end the program.",
                    lines,
                    case,
                )
            if outcome.error == "ProcessExit":
                return self._failed(
                    f"ended the whole process on {on} (os._exit or a crash); return the result instead.",
                    lines,
                    case,
                )
            if outcome.error in RUNNER_ERRORS:  # the runner's own sentence, e.g. the input was changed
                return self._failed(outcome.message.replace("{on}", on) + ".", lines, case)
            from poolutils.checks.mistakes import raised_mistake

            known = raised_mistake(outcome.error, outcome.message)
            if known is not None:
                lines = [*lines, f"diagnosis: {known.diagnosis}"]
                message = f"raised {outcome.error}: {outcome.message} ({on})."
                return self._report(Status.FAILED, message, lines, known.key, case.label)
            return self._failed(f"raised {outcome.error}: {outcome.message} ({on}).", lines, case)
        got = outcome.value
        if got is None:  # before the oracle runs: it may import Keras, which takes seconds
            return self._failed(f"returned None for {on}; did you forget `return`?", lines, case)
        expected = self.expected(case)
        problem = self.compare(expected, got)
        if problem is None:
            return None
        details = [
            *lines,
            f"expected:  {show(expected)}",
            f"got:       {show(got)}",
            *_first_difference(expected, got),
        ]
        if (
            self.kind == "choose"
        ):  # the reason of the chosen option, not the answer: the learner may try again
            details = []
        elif (
            self.kind == "design"
        ):  # the expected summary is the reference design: the sentence says what fails
            details = list(lines)
        if _same(expected, got):  # a right value in the wrong type: the sentence is about the type
            mistake, later = self._diagnose_later(cases, outcomes, index)
            details += later
        else:
            mistake = self.diagnose(cases, outcomes, index)
        text = mistake.explain(got) if mistake is not None and mistake.explain is not None else None
        if mistake is not None and self.bug is not None and mistake.key == self.bug.key:
            mistake = self.bug  # the same mistake in another form (a half fix): the bug is still there
        # Only an answer no mistake explains here is searched for the bug on the other cases.
        still = self._bug_still_there(cases, outcomes) if mistake is None else None
        if still is not None:
            mistake = self.bug
            details.append(
                f"diagnosis: the bug you were given is still there (case '{still}'): {mistake.diagnosis}"
            )
        elif mistake is not None and mistake is self.bug:
            details.append(f"diagnosis: the bug is still there: {text or mistake.diagnosis}")
        elif mistake is not None:
            details.append(f"diagnosis: {text or mistake.diagnosis}")
        if mistake is None and self.bug is not None:
            details.append(
                f"the bug you were given ({self.bug.key}) is fixed on every case; your change broke something "
                "else here."
            )
        message = f"{problem} for {on}." if self.takes_function else f"{problem}."
        return self._report(Status.FAILED, message, details, mistake and mistake.key, case.label)

    def _bug_still_there(self, cases: Sequence[Case], outcomes: Sequence[Outcome]) -> str | None:
        # A half fix: the first failing case may have moved, yet on some case the answer still
        # gives exactly the planted bug's wrong output.
        if self.bug is None or self.bug.fn is None:
            return None
        for case, outcome in zip(cases, outcomes):
            if outcome.status != "returned" or outcome.value is None:
                continue
            wrong = _run_safe(case, self.bug.fn)
            if not _same(wrong, self.expected(case)) and _same(wrong, outcome.value):
                return case.label
        return None

    def _next_step(self, mistake: str | None) -> str:
        """The one next step that ends every failed report."""
        if self.kind == "choose":
            return "Next: read why that option fails, pick another letter and run the check again."
        again = f"run {self.name}(...) again"
        if mistake is not None:
            return f"Next: fix that in your answer and {again}."
        if self.kind == "design":  # no values to compare: the sentence above names what fails
            return f"Next: change what the sentence above names and {again}; stuck? run hint(1)."
        if self.hints:
            return "Next: find the first value where you leave Keras' answer above; stuck? run hint(1)."
        return f"Next: compare your answer with Keras' values above and {again}."

    def _diagnose_later(
        self, cases: Sequence[Case], outcomes: Sequence[Outcome], index: int
    ) -> tuple[Mistake | None, list[str]]:
        # The type problem may also change values on a later case (an int array cuts off
        # fractions): diagnose there, and show that case.
        for later in range(index + 1, len(cases)):
            outcome = outcomes[later]
            if outcome.status != "returned" or outcome.value is None:
                continue
            truth = self.expected(cases[later])
            if not _same(truth, outcome.value):
                lines = [
                    f"on case '{cases[later].label}' the values differ too:",
                    f"expected:  {show(truth)}",
                    f"got:       {show(outcome.value)}",
                ]
                return self.diagnose(cases, outcomes, later), lines
        return None, []

    def diagnose(self, cases: Sequence[Case], outcomes: Sequence[Outcome], index: int) -> Mistake | None:
        """The known mistake that best explains the answer's output on the failing case ``index``, or None.

        A mistake qualifies only if, on that case, its output differs from
        the truth and equals the learner's. Two mistakes can agree on one
        case, so the one that reproduces most of the answer's wrong outputs
        on the other cases wins, then the one that agrees with most of its
        right outputs.
        """
        case, got = cases[index], outcomes[index].value
        truth = self.expected(case)
        returned = [
            (c, o.value) for c, o in zip(cases, outcomes) if o.status == "returned" and o.value is not None
        ]
        best, best_score = None, (-1, -1)
        for mistake in self.mistakes:
            if mistake.relation is not None:
                if best is None and _test_safe(functools.partial(mistake.relation, truth), got):
                    best, best_score = mistake, (0, 0)
                continue
            if mistake.test is not None:
                if best is None and _test_safe(mistake.test, got):
                    best, best_score = mistake, (0, 0)
                continue
            wrong = _run_safe(case, mistake.fn)
            if wrong is _FAILED or _same(wrong, truth) or not _same(wrong, got):
                continue
            explained, agreed = 0, 0
            for other, value in returned:
                if _same(_run_safe(other, mistake.fn), value):
                    if _same(value, self.expected(other)):
                        agreed += 1
                    else:
                        explained += 1
            if (explained, agreed) > best_score:
                best, best_score = mistake, (explained, agreed)
        if best is None and self.takes_function:
            from poolutils.checks.mistakes import FALLBACKS  # the catalogue imports this module

            best = next((m for m in FALLBACKS if _test_safe(functools.partial(m.relation, truth), got)), None)
        return best

    def _failed(self, message: str, lines: Sequence[str], case: Case) -> Report:
        return self._report(Status.FAILED, message, lines, None, case.label)

    def _lesson_lines(self, mistake: str | None) -> list[str]:
        from poolutils.checks.lessons import lesson_link

        link = lesson_link(self.exercise, mistake) if mistake is not None else None
        return [f"lesson: {link}"] if link else []

    def _report(
        self,
        status: Status,
        message: str,
        details: Sequence[str] = (),
        mistake: str | None = None,
        case: str | None = None,
    ) -> Report:
        details = list(details)
        if status is Status.FAILED and not (details and details[-1].startswith("Next:")):
            details += [*self._lesson_lines(mistake), self._next_step(mistake)]
        return Report(self.exercise, self.title, status, message, tuple(details), mistake, case)

    def _case_lines(self, case: Case) -> list[str]:
        if not self.takes_function:
            return []
        shown = [show(a) if not isinstance(a, np.ndarray) else "x" for a in case.args]
        shown += [f"{k}={v!r}" for k, v in case.kwargs.items()]
        lines = [f"call:      {self.title}({', '.join(shown)})"]
        lines += [f"x:         {show(a)}" for a in case.args if isinstance(a, np.ndarray)]
        return lines

    # --- help ------------------------------------------------------------

    def hint(self, level: int = 1) -> None:
        """Print hint number ``level`` (1 is a nudge, the last one nearly gives it away)."""
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= len(self.hints):
            raise ValueError(
                f"`level` must be an int from 1 to {len(self.hints)}. Received: level={level!r}."
            )
        print(
            _wrap(f"Hint {level}/{len(self.hints)} for Exercise {self.exercise}: {self.hints[level - 1]}", "")
        )

    def solution(self) -> None:
        """Print the reference solution: a function's code, or the value to bind."""
        print(f"# A solution to Exercise {self.exercise} ({self.title})")
        if callable(self.reference):
            print(textwrap.dedent(inspect.getsource(self.reference)).rstrip())
        else:
            print(f"{self.answer_name} = {self.reference!r}")


_LIBRARIES = ("keras", "tensorflow", "poolutils", "tf_keras")


def _library_of(value: Any) -> str | None:
    if isinstance(value, Check):  # a checker object, e.g. its .reference: not a library call
        return None
    name = value.__name__ if inspect.ismodule(value) else getattr(value, "__module__", None)
    if not isinstance(name, str):
        return None
    root = name.split(".")[0]
    return name if root in _LIBRARIES else None


def forbidden_call(answer: Any) -> str | None:
    """The Keras, TensorFlow or poolutils name the answer's code uses, or None.

    Read from the code itself (the names it loads, its globals, closures
    and the learner's own helpers it calls), so the verdict does not depend
    on what the kernel has imported or on a time limit.

    Examples
    --------
    >>> import poolutils.pooling as pooling
    >>> def answer(x):
    ...     return pooling.max_pool(x, 2)
    >>> answer.__module__ = "__main__"  # as if written in a notebook
    >>> forbidden_call(answer), forbidden_call(lambda x: x + 1)
    ('poolutils.pooling', None)
    """
    seen: set[int] = set()
    if str(getattr(answer, "__module__", "")).startswith("poolutils.checks"):
        return None  # the checker's own reference or catalogue function, handed in by a test

    def visit(fn: Any) -> str | None:
        fn = getattr(fn, "__func__", fn)
        code = getattr(fn, "__code__", None)
        if code is None or id(code) in seen:
            return None
        seen.add(id(code))
        scope = dict(getattr(fn, "__globals__", {}))
        for cell_name, cell in zip(code.co_freevars, getattr(fn, "__closure__", None) or ()):
            try:
                scope[cell_name] = cell.cell_contents
            except ValueError:  # an empty cell
                continue
        codes = [code]
        while codes:
            current = codes.pop()
            codes += [c for c in current.co_consts if inspect.iscode(c)]
            for name in (*current.co_names, *current.co_freevars):
                if name.split(".")[0] in _LIBRARIES:  # `import keras` or `from poolutils.x import y` inside
                    return name
                if name not in scope:
                    continue
                value = scope[name]
                found = _library_of(value)
                if found is not None:
                    return found
                if inspect.isfunction(value) and value.__module__ == getattr(fn, "__module__", None):
                    found = visit(value)  # the learner's own helper
                    if found is not None:
                        return found
        return None

    return visit(answer)


def value_check(
    exercise: str,
    title: str,
    *,
    kind: str,
    reference: Any,
    oracle: Callable[[], Any],
    compare: Callable[[Any, Any], str | None],
    mistakes: Iterable[tuple[str, Any, str] | Mistake] = (),
    hints: Sequence[str] = (),
    minutes: int = 3,
    answer_name: str | None = None,
    label: str = "your answer",
) -> Check:
    """A check of a value the learner writes (predict, by_hand, design): ``check_title(value)``.

    ``mistakes`` are ``(key, wrong_value, diagnosis)``, a wrong value a
    learner is likely to write and what it means, or :class:`Mistake`
    objects taking no argument (or with a ``test``).

    Examples
    --------
    >>> c = value_check("9.1", "answer", kind="predict", reference=4, oracle=lambda: 4,
    ...                 compare=compare_exact, mistakes=[("plus_one", 5, "one too many.")])
    >>> print(c.evaluate(5))
    ❌ Exercise 9.1 (answer): wrong value.
       expected:  4
       got:       5
       diagnosis: one too many.
       Next: fix that in your answer and run check_answer(...) again.
    >>> c.evaluate(...).status, c.evaluate(4).line
    (<Status.NOT_ATTEMPTED: '⏳'>, '✅ Exercise 9.1 (answer): correct, same as Keras.')
    """
    return Check(
        exercise,
        title,
        cases=[Case(label)],
        reference=reference,
        oracle=oracle,
        compare=compare,
        mistakes=[m if isinstance(m, Mistake) else Mistake(_constant(m[1]), m[2], m[0]) for m in mistakes],
        hints=hints,
        kind=kind,
        minutes=minutes,
        answer_name=answer_name,
        takes_function=False,
    )


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: copy.deepcopy(value)


class ChoiceCheck(Check):
    """A multiple-choice check: the answer is a letter; every option's reason is printed as feedback."""

    def __init__(self, exercise: str, title: str, *, options: Mapping[str, Option], **kwargs: Any) -> None:
        right = [letter for letter, option in options.items() if option.right]
        if len(right) != 1:
            raise ValueError(f"`options` must have exactly one right option. Received: right={right!r}.")
        self.options = dict(options)
        mistakes = [
            Mistake(_constant(letter), f"{letter} is not it: {o.reason}", f"option_{letter}")
            for letter, o in options.items()
            if not o.right
        ]
        super().__init__(
            exercise,
            title,
            cases=[Case("your choice")],
            reference=right[0],
            compare=self._compare,
            mistakes=mistakes,
            takes_function=False,
            **kwargs,
        )

    def _compare(self, expected: str, got: Any) -> str | None:
        letters = ", ".join(self.options)
        if not isinstance(got, str) or got.strip().upper() not in self.options:
            return f"answer with one of the letters {letters} (a string such as {next(iter(self.options))!r})"
        return None if got.strip().upper() == expected else f"{got.strip().upper()} is not the right option"

    def _passed_details(self) -> tuple[str, ...]:
        right = [f"why {letter}: {o.reason}" for letter, o in self.options.items() if o.right]
        return (
            *right,
            *(f"why not {letter}: {o.reason}" for letter, o in self.options.items() if not o.right),
        )


def choice_check(
    exercise: str,
    title: str,
    *,
    options: Mapping[str, Option],
    oracle: Callable[[], str],
    hints: Sequence[str] = (),
    minutes: int = 2,
    answer_name: str | None = None,
) -> ChoiceCheck:
    """A choose-and-explain check: ``options`` maps letters to :class:`Option`; ``oracle`` finds the right letter with Keras.

    A wrong letter fails and prints why that option is wrong; the right one
    passes and prints the reason of every option.

    Examples
    --------
    >>> c = choice_check("9.2", "which", oracle=lambda: "A", options={
    ...     "A": Option("two", "1 + 1 = 2.", right=True), "B": Option("three", "that is 1 + 2.")})
    >>> print(c.evaluate("b"))
    ❌ Exercise 9.2 (which): B is not the right option.
       diagnosis: B is not it: that is 1 + 2.
       Next: read why that option fails, pick another letter and run the check again.
    >>> print(c.evaluate("A"))
    ✅ Exercise 9.2 (which): correct.
       why A: 1 + 1 = 2.
       why not B: that is 1 + 2.
    """
    return ChoiceCheck(
        exercise,
        title,
        options=options,
        oracle=oracle,
        hints=hints,
        kind="choose",
        minutes=minutes,
        answer_name=answer_name,
    )


def parse_results(text: str) -> dict[str, tuple[Status, str]]:
    """Result lines found in printed ``text``: exercise id -> (status, message); the last line wins.

    Examples
    --------
    >>> parse_results("✅ Exercise 1.2 (output_size): correct on all 9 cases, same as Keras.\\n   x")
    {'1.2': (<Status.PASSED: '✅'>, 'correct on all 9 cases, same as Keras.')}
    >>> parse_results("⏳ Exercise 7.3 (model): not attempted yet (the stub\\n  still raises NotImplementedError).")
    {'7.3': (<Status.NOT_ATTEMPTED: '⏳'>, 'not attempted yet (the stub still raises NotImplementedError).')}
    """
    joined = re.sub(r"\n  (?=\S)", " ", text)  # a wrapped result line (see Report.__str__)
    return {m.group(2): (Status(m.group(1)), m.group(4)) for m in RESULT_LINE.finditer(joined)}
