"""The exercise-checking framework: run a learner's answer, compare it with Keras, explain mistakes.

Every exercise notebook ``solutions/NN_topic.ipynb`` has a module
``poolutils/checks/exNN.py`` that defines one :class:`Check` per exercise.
A learner writes a function, then calls its checker::

    check_max_pool2d(max_pool2d)      # prints one result line (and details on failure)
    check_max_pool2d.hint(1)          # first hint; hint(2) says more
    check_max_pool2d.solution()       # prints the reference code

The result line (machine-readable; :mod:`poolutils.grade` parses it)
--------------------------------------------------------------------
Each call prints exactly one line that starts with a status mark, then
``Exercise N.M``, then the exercise's title, a colon and one sentence::

    ✅ Exercise 2.2 (max_pool2d): correct on all 9 cases, same as Keras.
    ❌ Exercise 2.2 (max_pool2d): wrong values for case 'stride 1, same padding'.
    ⏳ Exercise 2.2 (max_pool2d): not attempted yet (the stub still raises NotImplementedError).

Detail lines of a failure follow, each indented by three spaces, so the
regular expression :data:`RESULT_LINE` finds the result lines and nothing else.
Output is deterministic (seeded cases, rounded numbers, no timings): nbval
compares it.

How to write a checker for a new exercise
-----------------------------------------
1. Create ``poolutils/checks/exNN.py`` (``NN`` = the notebook's two-digit
   number; :func:`all_checks` finds it by that name) with a module-level
   ``CHECKS`` tuple listing its checks in exercise order.
2. Write the reference solution as a plain function, the way a learner
   would (loops are fine, only NumPy and names the notebook imports): its
   name is the check's ``title`` and ``solution()`` prints its source. In
   ``solutions/NN_topic.ipynb`` the exercise is a markdown task, a code cell
   ``def title(...):`` whose body sits between ``### BEGIN SOLUTION`` and
   ``### END SOLUTION`` and is exactly the reference's body, and a check cell
   ``check_title(title)``. ``tests/test_exercises_generated.py`` holds the
   notebook and the checker to that, and ``tools/make_exercises.py`` turns
   the body into a stub.
3. Write ``cases()`` returning a list of :class:`Case` (seeded inputs: odd
   sizes, stride != pool size, negative values, 'same' padding, batches and
   channels). Keep inputs small so a failure prints readably.
4. Write an ``oracle`` that computes the expected answer for the case's
   arguments with Keras (``poolutils.keras_check.keras_pool`` or a layer's
   ``compute_output_shape``); it is the truth the answer is compared with.
5. Write each known wrong variant once, as a function with the learner's
   signature, wrapped in a :class:`Mistake` with its diagnosis sentence. On a
   failure the checker runs every mistake on the failing case and, if one
   reproduces the learner's output exactly, prints its diagnosis. Reusable
   variants live in :mod:`poolutils.checks.mistakes`, built on
   :mod:`poolutils.windows` geometry.
6. Build the check::

       check_max_pool2d = Check(
           "2.2", "max_pool2d", cases=cases, reference=max_pool2d_solution,
           oracle=oracle, compare=compare_arrays, mistakes=(...),
           hints=("first nudge", "more concrete nudge"),
       )

7. Test it in ``tests/`` the way ``tests/test_checks.py`` does: the
   reference passes, a stub is "not attempted", each mistake fails with its
   diagnosis.

Robustness is the framework's job, not the checker's: a stub raising
NotImplementedError is "not attempted"; an answer that raises, returns None,
a list, the wrong shape or dtype, or runs longer than :data:`TIME_LIMIT`
seconds gets one sentence, never a traceback.
"""

from __future__ import annotations

import copy
import inspect
import re
import textwrap
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np

# Seconds one call of the learner's function may take before it is abandoned.
TIME_LIMIT = 5.0

#: Matches one result line; groups: mark, exercise id, title, message.
RESULT_LINE = re.compile(r"^(✅|❌|⏳) Exercise (\d+\.\d+) \((.*?)\): (.*)$", re.MULTILINE)


class Status(Enum):
    """Outcome of one check; the value is the mark that starts the result line."""

    PASSED = "✅"
    FAILED = "❌"
    NOT_ATTEMPTED = "⏳"


@dataclass(frozen=True)
class Case:
    """One input for the learner's function: a label and the call's arguments."""

    label: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def call(self, fn: Callable[..., Any]) -> Any:
        """Call ``fn`` on private copies of the arguments (the answer may modify them)."""
        return fn(*copy.deepcopy(self.args), **copy.deepcopy(self.kwargs))


@dataclass(frozen=True)
class Mistake:
    """A known wrong variant: a function with the learner's signature and what it means."""

    fn: Callable[..., Any]
    diagnosis: str


@dataclass(frozen=True)
class Report:
    """What a check found: its status, the result line and the detail lines."""

    exercise: str
    title: str
    status: Status
    message: str
    details: tuple[str, ...] = ()

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
        return "\n".join([self.line, *("   " + d for d in self.details)])


class _TimeLimitError(Exception):
    pass


def run_with_time_limit(fn: Callable[[], Any], seconds: float) -> Any:
    """Return ``fn()``, re-raising its exception, or raise ``_TimeLimitError`` after ``seconds``.

    The call runs in a daemon thread: Python cannot kill a thread, but a
    daemon thread does not keep the kernel alive, and the learner gets an
    answer instead of a cell that never ends.
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as err:  # handed back to the caller's thread
            box["error"] = err

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise _TimeLimitError
    if "error" in box:
        raise box["error"]
    return box["value"]


def show(value: Any) -> str:
    """Short, rounded, one-line-per-row text of a value for a detail line."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        if value.size > 64 or value.ndim > 2:
            return f"array of shape {value.shape}, dtype {value.dtype}"
        text = np.array2string(value, precision=4, suppress_small=True, separator=", ", threshold=64)
        return text.replace("\n", "\n" + " " * 13)
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}, dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def sample(shape: Sequence[int], seed: int) -> np.ndarray:
    """Seeded float32 integers in -9..9: exact in any float sum, short to print, negatives included.

    Examples
    --------
    >>> sample((2, 3), seed=0).dtype, sample((2, 3), seed=0).shape
    (dtype('float32'), (2, 3))
    """
    return np.random.default_rng(seed).integers(-9, 10, size=tuple(shape)).astype(np.float32)


def keras_oracle(kind: str, x: np.ndarray, **kwargs: Any) -> np.ndarray:
    """Pool ``x`` with poolutils and with the Keras layer for ``kind``, assert they agree, return Keras'.

    The expected answer of the pooling exercises: an answer that matches it
    matches both the Keras layer and poolutils' reference.
    """
    from poolutils.keras_check import check_against_keras, keras_pool  # imports Keras: only when a check runs

    check_against_keras(kind, x, quiet=True, **kwargs)
    return keras_pool(kind, x, **kwargs)


def keras_pool_map(kind: str, fmap: np.ndarray, **kwargs: Any) -> np.ndarray:
    """:func:`keras_oracle` on one (H, W) map: the oracle of the 2-D exercises."""
    return keras_oracle(kind, np.asarray(fmap, dtype=np.float32)[None, ..., None], **kwargs)[0, ..., 0]


def _type_name(value: Any) -> str:
    return type(value).__name__


def compare_arrays(expected: np.ndarray, got: Any, *, floating: bool = False) -> str | None:
    """Why ``got`` is not ``expected`` (a sentence), or None when they agree.

    ``floating`` requires a float dtype (averages are fractions). Values
    agree within 1e-5, since float sums may be added in another order.

    Examples
    --------
    >>> compare_arrays(np.ones((2, 2)), np.ones((2, 2))) is None
    True
    >>> compare_arrays(np.ones((2, 2)), [[1, 1], [1, 1]])
    'returned a list; return a NumPy array (wrap it in np.array(...))'
    >>> compare_arrays(np.ones((2, 2)), np.ones((2, 3)))
    'returned shape (2, 3); expected shape (2, 2)'
    """
    if isinstance(got, list | tuple):
        return f"returned a {_type_name(got)}; return a NumPy array (wrap it in np.array(...))"
    if not isinstance(got, np.ndarray):
        return f"returned a {_type_name(got)}; return a NumPy array"
    if got.dtype.kind not in "biuf":
        return f"returned an array of dtype {got.dtype}; return numbers (a float or integer array)"
    if got.shape != expected.shape:
        return f"returned shape {got.shape}; expected shape {expected.shape}"
    if floating and got.dtype.kind != "f":
        return f"returned dtype {got.dtype}; averages are fractions, so return a float array"
    if not np.allclose(got, expected, rtol=1e-5, atol=1e-5, equal_nan=True):
        return "wrong values"
    return None


def compare_floats(expected: np.ndarray, got: Any) -> str | None:
    """:func:`compare_arrays` that also requires a float dtype."""
    return compare_arrays(expected, got, floating=True)


def compare_exact(expected: Any, got: Any) -> str | None:
    """Why ``got`` differs from an exact answer (an int, a tuple of ints, ...), or None.

    Examples
    --------
    >>> compare_exact(3, 3) is None, compare_exact(3, 2.5)
    (True, 'returned a float (2.5); expected an int')
    >>> compare_exact((1, 2), [1, 2])
    'returned a list; expected a tuple'
    """
    if isinstance(expected, int):
        if isinstance(got, bool) or not isinstance(got, int | np.integer):
            return f"returned a {_type_name(got)} ({show(got)}); expected an int"
        return None if got == expected else "wrong value"
    if type(got) is not type(expected):
        return f"returned a {_type_name(got)}; expected a {_type_name(expected)}"
    if isinstance(expected, tuple) and len(got) != len(expected):
        return f"returned {len(got)} entries; expected {len(expected)}"
    if isinstance(expected, tuple):
        bad = [_type_name(v) for v in got if not isinstance(v, int | np.integer) or isinstance(v, bool)]
        if bad:
            return f"returned a tuple containing a {bad[0]}; every entry must be an int"
    return None if got == expected else "wrong value"


def compare_close(expected: float, got: Any) -> str | None:
    """Why ``got`` is not the number ``expected`` (to 1e-5, relative), or None.

    Examples
    --------
    >>> compare_close(0.25, np.float32(0.25)) is None, compare_close(0.25, "0.25")
    (True, 'returned a str; expected a number')
    """
    if isinstance(got, bool) or not isinstance(got, int | float | np.integer | np.floating):
        return f"returned a {_type_name(got)}; expected a number"
    return None if _close(float(got), float(expected)) else "wrong value"


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-5 * max(1.0, abs(b))


class Check:
    """The checker of one exercise: call it on the learner's function.

    Parameters
    ----------
    exercise : str
        ``"N.M"``: notebook number and exercise number.
    title : str
        Short name, usually the function the learner writes.
    cases : callable
        Returns the list of :class:`Case` to run (called lazily: cases may
        need Keras, which is imported on first use).
    reference : callable
        The reference solution; :meth:`solution` prints its source.
    oracle : callable
        Computes the expected answer from a case's arguments, with Keras.
    compare : callable
        ``compare(expected, got)`` returns None or the sentence saying why
        ``got`` is wrong (see :func:`compare_arrays`, :func:`compare_exact`).
    mistakes : sequence of Mistake
        Known wrong variants, tried in order on the first failing case.
    hints : sequence of str
        Progressive hints, from a nudge to almost the answer.
    time_limit : float, optional
        Seconds one call may take; :data:`TIME_LIMIT` by default.
    """

    def __init__(
        self,
        exercise: str,
        title: str,
        *,
        cases: Callable[[], list[Case]],
        reference: Callable[..., Any],
        oracle: Callable[..., Any],
        compare: Callable[[Any, Any], str | None],
        mistakes: Sequence[Mistake] = (),
        hints: Sequence[str] = (),
        time_limit: float | None = None,
    ) -> None:
        if not re.fullmatch(r"\d+\.\d+", exercise):
            raise ValueError(f"`exercise` must look like '2.3'. Received: exercise={exercise!r}.")
        self.exercise = exercise
        self.title = title
        self.cases = cases
        self.reference = reference
        self.oracle = oracle
        self.compare = compare
        self.mistakes = tuple(mistakes)
        self.hints = tuple(hints)
        self.time_limit = time_limit
        self.name = f"check_{title}"

    def __repr__(self) -> str:
        return f"<check for Exercise {self.exercise} ({self.title}): call it on your answer>"

    def __call__(self, answer: Callable[..., Any]) -> None:
        """Check ``answer`` and print the result line (and details on failure)."""
        print(self.evaluate(answer))

    def hint(self, level: int = 1) -> None:
        """Print hint number ``level`` (1 is a nudge, the last one nearly gives it away)."""
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= len(self.hints):
            raise ValueError(
                f"`level` must be an int from 1 to {len(self.hints)}. Received: level={level!r}."
            )
        print(f"Hint {level}/{len(self.hints)} for Exercise {self.exercise}: {self.hints[level - 1]}")

    def solution(self) -> None:
        """Print the reference solution's code."""
        print(f"# A solution to Exercise {self.exercise} ({self.title})")
        print(textwrap.dedent(inspect.getsource(self.reference)).rstrip())

    def _report(self, status: Status, message: str, details: Sequence[str] = ()) -> Report:
        return Report(self.exercise, self.title, status, message, tuple(details))

    def evaluate(self, answer: Callable[..., Any]) -> Report:
        """Run ``answer`` on every case and say how it did (prints nothing)."""
        if not callable(answer):
            return self._report(
                Status.FAILED,
                f"expected a function, got a {_type_name(answer)}; pass the function itself, "
                "without calling it.",
            )
        limit = TIME_LIMIT if self.time_limit is None else self.time_limit
        cases = self.cases()
        for index, case in enumerate(cases):
            try:
                got = run_with_time_limit(lambda case=case: case.call(answer), limit)
            except NotImplementedError:
                return self._report(
                    Status.NOT_ATTEMPTED, "not attempted yet (the stub still raises NotImplementedError)."
                )
            except _TimeLimitError:
                return self._report(
                    Status.FAILED,
                    f"still running after {limit:g} s on case '{case.label}'; is there a loop that never ends?",
                    self._case_lines(case),
                )
            except Exception as err:
                return self._report(
                    Status.FAILED,
                    f"raised {_type_name(err)}: {err} (case '{case.label}').",
                    self._case_lines(case),
                )
            if got is None:  # before the oracle runs: it may import Keras, which takes seconds
                return self._report(
                    Status.FAILED,
                    f"returned None for case '{case.label}'; did you forget `return`?",
                    self._case_lines(case),
                )
            expected = self.oracle(*case.args, **case.kwargs)
            problem = self.compare(expected, got)
            if problem is not None:
                return self._failure(answer, cases, index, expected, got, problem, limit)
        return self._report(Status.PASSED, f"correct on all {len(cases)} cases, same as Keras.")

    def _case_lines(self, case: Case) -> list[str]:
        shown = [show(a) if np.ndim(a) == 0 or not isinstance(a, np.ndarray) else "x" for a in case.args]
        shown += [f"{k}={v!r}" for k, v in case.kwargs.items()]
        lines = [f"call:      {self.title}({', '.join(shown)})"]
        lines += [f"x:         {show(a)}" for a in case.args if isinstance(a, np.ndarray)]
        return lines

    def _failure(
        self,
        answer: Callable,
        cases: list[Case],
        index: int,
        expected: Any,
        got: Any,
        problem: str,
        limit: float,
    ) -> Report:
        case = cases[index]
        details = self._case_lines(case)
        details += [f"expected:  {show(expected)}", f"got:       {show(got)}"]
        details += _first_difference(expected, got)
        diagnosis = self.diagnose(answer, cases, index, got, limit)
        if diagnosis:
            details.append(f"diagnosis: {diagnosis}")
        elif self.hints:
            details.append(f"Stuck? Run {self.name}.hint(1).")
        return self._report(Status.FAILED, f"{problem} for case '{case.label}'.", details)

    def diagnose(self, answer: Callable, cases: list[Case], index: int, got: Any, limit: float) -> str | None:
        """The diagnosis of the known mistake that best explains the answer, or None.

        A mistake qualifies when it reproduces ``got``, the answer's output on
        the failing case ``cases[index]``. Two mistakes can agree on one case,
        so the answer also runs on the later cases, and the qualifying mistake
        that agrees with it on most cases wins.
        """
        answers = [got]
        for case in cases[index + 1 :]:
            try:
                answers.append(run_with_time_limit(lambda case=case: case.call(answer), limit))
            except Exception:  # a later case that fails differently only lowers the score
                break
        best, best_score = None, 0
        for mistake in self.mistakes:
            score = 0
            for case, out in zip(cases[index:], answers):
                try:
                    if not _same(case.call(mistake.fn), out):
                        continue
                except Exception:  # a variant may not apply to this case, e.g. it needs a 'valid' fit
                    continue
                score += 1
            first = _same_safe(cases[index], mistake.fn, got)
            if first and score > best_score:
                best, best_score = mistake.diagnosis, score
        return best


def _first_difference(expected: Any, got: Any) -> list[str]:
    # Large arrays are not printed; point at the first wrong cell instead.
    if not (isinstance(expected, np.ndarray) and isinstance(got, np.ndarray)):
        return []
    if (
        expected.shape != got.shape
        or (expected.size <= 64 and expected.ndim <= 2)
        or got.dtype.kind not in "biuf"
    ):
        return []
    wrong = np.argwhere(~np.isclose(got, expected, rtol=1e-5, atol=1e-5, equal_nan=True))
    if not len(wrong):
        return []
    index = tuple(int(i) for i in wrong[0])
    return [
        f"first difference at index {index}: expected {show(expected[index].item())}, "
        f"got {show(got[index].item())} ({len(wrong)} of {got.size} values differ)"
    ]


def _same_safe(case: Case, fn: Callable, got: Any) -> bool:
    try:
        return _same(case.call(fn), got)
    except Exception:
        return False


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.dtype.kind not in "biuf" or b.dtype.kind not in "biuf" or a.shape != b.shape:
            return False
        return bool(np.allclose(a, b, rtol=1e-5, atol=1e-5, equal_nan=True))
    if isinstance(a, float | np.floating) or isinstance(b, float | np.floating):
        try:
            return _close(float(a), float(b))
        except (TypeError, ValueError):
            return False
    return type(a) is type(b) and a == b


def parse_results(text: str) -> dict[str, tuple[Status, str]]:
    """Result lines found in printed ``text``: exercise id -> (status, message); the last line wins.

    Examples
    --------
    >>> parse_results("✅ Exercise 1.2 (output_size): correct on all 9 cases, same as Keras.\\n   x")
    {'1.2': (<Status.PASSED: '✅'>, 'correct on all 9 cases, same as Keras.')}
    """
    return {m.group(2): (Status(m.group(1)), m.group(4)) for m in RESULT_LINE.finditer(text)}
