"""Run a learner's answer and hand back plain data: the one answer runner of the checks and the grader.

Everything the learner wrote runs here under a time limit, away from the
caller: the answer itself, then whatever the value it returns does when it is
summarised, turned into an array or printed (``__array__``, ``__repr__``...).
The caller gets :class:`Outcome` values holding plain data only (NumPy arrays
of numbers, bools or strings, NumPy scalars, int, float, complex, str, bool,
None, ``...`` and tuples, lists and dicts of those) and :class:`Opaque`
stand-ins for anything else, so comparing, printing and judging an outcome
runs none of the learner's code.

Where the answer runs
---------------------
On Linux (:func:`can_fork`) every case runs in one forked child process, in a
process group of its own. The child sends each outcome over a pipe in the
format of :func:`to_wire`: a JSON header and the arrays' raw bytes, read in
linear time and never more than :data:`RESULT_BYTES`. The caller waits
``time_limit`` seconds per case; after a timeout, a crash, or the first case
that fails, the rest are ``"not_run"``. The process group is then killed:
nothing the answer forked stays alive. What the answer printed is shown after
the run, at most :data:`PRINT_CHARS` characters and one line saying how much
was cut.

Answers that must call TensorFlow (which does not survive ``fork``) run with
``isolate=False``: in a thread of this process, stopped on a timeout by an
exception raised inside it; the working directory, ``sys.stdout`` and
``sys.stderr`` are put back, and threads and processes the answer started
are stopped. What it does to the process itself (``os._exit``, a crash) it
does to the kernel.

The runner also reports what a value cannot show: an answer that changes its
input in place, and one whose result is too big to be right, get an outcome
whose message is a sentence (:data:`RUNNER_ERRORS`).

Examples
--------
>>> collect_outcomes(lambda n: 10 // n, [Case("n=2", (2,)), Case("n=0", (0,)), Case("n=1", (1,))])
[Outcome(status='returned', value=5, error='', message=''), Outcome(status='raised', value=None, error='ZeroDivisionError', message='integer division or modulo by zero'), Outcome(status='not_run', value=None, error='', message='')]
>>> collect_value((v for v in "ab"))
Outcome(status='returned', value=<generator object <genexpr>>, error='', message='')
"""

from __future__ import annotations

import base64
import copy
import ctypes
import faulthandler
import inspect
import io
import json
import math
import os
import re
import select
import signal
import struct
import sys
import sysconfig
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

#: Seconds one case may take (the answer and the handing back of its result).
TIME_LIMIT = 5.0

#: The most bytes an answer's result may take: far more than any right answer of the course holds.
RESULT_BYTES = 16 * 2**20

#: The most characters of what an answer prints that a check shows.
PRINT_CHARS = 10_000

#: Errors of an :class:`Outcome` the runner reports itself; their message is a clause with ``{on}``.
RUNNER_ERRORS = ("InputChanged", "TooBig", "Unconvertible", "Unreadable")

# A learner's exception message may be long; the feedback shows its start.
_MESSAGE_CHARS = 500
# The deepest nesting handed back: a self-containing list must not exhaust the stack.
_MAX_DEPTH = 32
# Seconds a thread of this process gets to stop once told to.
_STOP_GRACE = 0.5
# dtype kinds handed back as raw bytes; other arrays (object, structured) come back empty, as object arrays.
_RAW_KINDS = "biufcSU"


@dataclass(frozen=True)
class Case:
    """One input for the learner's answer: a label and the call's arguments.

    ``args``/``kwargs`` hold only NumPy arrays (numeric or bool), int, float,
    str, bool, None and tuples/lists/dicts of those, so the grader can send
    them to a learner's kernel without pickle. A value exercise's case has no
    arguments.
    """

    label: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def call(self, fn: Callable[..., Any]) -> Any:
        """Call ``fn`` on private copies of the arguments (the answer may modify them)."""
        return fn(*copy.deepcopy(self.args), **copy.deepcopy(self.kwargs))


@dataclass(frozen=True)
class Outcome:
    """What the learner's answer did on one case.

    ``status`` is ``"returned"`` (with ``value``, plain data), ``"raised"``
    (with the exception's type name in ``error`` and ``str(exception)`` in
    ``message``; or one of :data:`RUNNER_ERRORS` and a sentence),
    ``"timeout"`` (the limit in ``message``; ``error`` is ``"TensorFlow"``
    when the answer waited inside TensorFlow) or ``"not_run"``.
    """

    status: str
    value: Any = None
    error: str = ""
    message: str = ""


@dataclass(frozen=True)
class Opaque:
    """Stands for a returned value that is not plain data (a generator, a Keras tensor...): its type and text.

    ``array`` holds what ``np.asarray`` made of the value where it ran (a
    tensor's numbers), or None: ``np.asarray(opaque)`` gives it back, so a
    check that accepts any container of numbers still accepts it, while one
    that asks for an ndarray can name the type.

    Examples
    --------
    >>> np.asarray(Opaque("EagerTensor", "<tf.Tensor ...>", np.ones(2)))
    array([1., 1.])
    """

    type_name: str
    text: str
    array: np.ndarray | None = field(default=None, compare=False, repr=False)

    def __repr__(self) -> str:
        return self.text

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if self.array is None:
            raise TypeError(f"a {self.type_name} is not an array of numbers")
        return self.array if dtype is None else self.array.astype(dtype)


class TooBigError(Exception):
    """Raised by :func:`plain` when a value holds more than its byte limit; the message describes it."""


def can_fork() -> bool:
    """True where answers run in a forked child process (Linux): a timed-out answer is killed."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


# --- plain data --------------------------------------------------------------


def plain(value: Any, limit: int = RESULT_BYTES) -> Any:
    """``value`` as plain data: learner objects become :class:`Opaque`, ndarray subclasses plain arrays.

    Runs whatever the value's ``__array__`` and ``__repr__`` do, so call it
    where the learner's code may run. Raises :class:`TooBigError` when the data
    would take more than ``limit`` bytes.

    Examples
    --------
    >>> plain([np.ma.masked_array([1, 2], mask=[0, 1]), (3, "a")])
    [array([1, 2]), (3, 'a')]
    >>> class Odd:
    ...     def __repr__(self):
    ...         raise ValueError
    >>> plain({"x": Odd()})
    {'x': <Odd object whose repr() raised ValueError>}
    >>> plain(np.zeros(10**9, np.uint8))
    Traceback (most recent call last):
    ...
    poolutils.checks.runner.TooBigError: an array of shape (1000000000,) (1,000,000,000 values, 954 MiB)
    """
    return _plain(value, [limit], 0)


def _plain(value: Any, budget: list[int], depth: int) -> Any:
    kind = type(value)
    if value is None or value is Ellipsis or value is NotImplemented or _is_one_of(kind, _SCALARS):
        return value  # its container paid for it
    if kind is str:
        _charge(budget, len(value), value)
        return value
    if depth > _MAX_DEPTH:
        return Opaque(kind.__name__, f"<{kind.__name__} nested too deeply>")
    if kind is tuple or kind is list:
        _charge(budget, 32 * len(value), value)
        return kind(_plain(v, budget, depth + 1) for v in value)
    if kind is dict:
        _charge(budget, 64 * len(value), value)
        return {_plain(k, budget, depth + 1): _plain(v, budget, depth + 1) for k, v in value.items()}
    if _is_one_of(kind, _NUMPY_SCALARS):
        return (
            value if value.dtype.kind in _RAW_KINDS and value.dtype.names is None else _opaque(value, budget)
        )
    if isinstance(value, np.ndarray):
        array = np.asarray(value)  # a subclass's own data: a masked array's values, a matrix as 2-D
        if array.dtype.kind not in _RAW_KINDS or array.dtype.names is not None:
            _charge(budget, array.size, value)
            return np.empty(array.shape, dtype=object)  # only its dtype and shape are judged
        _charge(budget, array.nbytes, array)
        return np.array(array, copy=True, order="C")  # no view into the learner's memory
    return _opaque(value, budget)


_SCALARS = (bool, int, float, complex)
# NumPy's scalar types, told apart by identity: comparing a learner's type may run its metaclass.
_NUMPY_SCALARS = tuple({t for t in np.sctypeDict.values() if issubclass(t, np.generic)})


def _is_one_of(kind: type, types: Sequence[type]) -> bool:
    return any(kind is t for t in types)


def _charge(budget: list[int], nbytes: int, value: Any) -> None:
    budget[0] -= nbytes
    if budget[0] < 0:
        raise TooBigError(_describe(value))


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} ({value.size:,} values, {value.nbytes / 2**20:,.0f} MiB)"
    if isinstance(value, str):
        return f"a str of {len(value):,} characters"
    if isinstance(value, tuple | list | dict):
        return f"a {type(value).__name__} of {len(value):,} entries"
    return f"a {type(value).__name__} with too much inside"


def _opaque(value: Any, budget: list[int]) -> Opaque:
    name = type(value).__name__
    array = None
    if hasattr(type(value), "__array__"):  # a tensor, a lazy array: its numbers, where its code may run
        try:
            array = np.asarray(value)
        except Exception:  # not numbers after all: the type name is all the checker shows
            array = None
        if array is not None and (array.dtype.kind not in "biuf" or array.dtype.names is not None):
            array = None
        if array is not None:
            _charge(budget, array.nbytes, value)
            array = np.array(array, copy=True, order="C")
    try:
        text = repr(value)
        text = text if isinstance(text, str) else f"<{name} object>"
    except BaseException as err:  # a learner's object may fail even to print itself
        text = f"<{name} object whose repr() raised {type(err).__name__}>"
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", text)  # no memory address: nbval compares the detail lines
    return Opaque(name, text if len(text) <= 200 else text[:197] + "...", array)


# --- the wire: JSON and raw array bytes -----------------------------------------------------


def to_wire(value: Any) -> bytes:
    """Plain data (see :func:`plain`) and outcomes as bytes: a JSON header, then each array's raw bytes.

    Examples
    --------
    >>> back = from_wire(to_wire({"x": (np.float32(1.5), [np.arange(3, dtype=np.int8)]), "n": ...}))
    >>> back["x"][0], back["x"][1][0], back["n"]
    (np.float32(1.5), array([0, 1, 2], dtype=int8), Ellipsis)
    """
    arrays: list[np.ndarray] = []
    header = json.dumps(_encode(value, arrays.append), allow_nan=False).encode()
    return b"".join([struct.pack("<Q", len(header)), header, *(a.tobytes() for a in arrays)])


def from_wire(data: bytes | bytearray | memoryview) -> Any:
    """The value :func:`to_wire` wrote; raises ValueError on anything malformed (no code runs)."""
    view = memoryview(data)
    offset = [0]

    def take(dtype: np.dtype, shape: tuple[int, ...], ref: Any) -> np.ndarray:
        size = dtype.itemsize * math.prod(shape)
        if ref is not None or offset[0] + size > len(view):
            raise ValueError("array bytes missing")
        offset[0] += size
        return np.frombuffer(view[offset[0] - size : offset[0]], dtype=dtype).reshape(shape).copy()

    with _malformed_is_value_error():
        (size,) = struct.unpack("<Q", view[:8])
        offset[0] = 8 + size
        value = _decode(json.loads(bytes(view[8 : 8 + size])), take, 0)
    if offset[0] != len(view):
        raise ValueError("bytes left after the last array")
    return value


def to_json(value: Any) -> Any:
    """Plain data (see :func:`plain`) and outcomes as JSON-ready data, arrays as base64 text.

    The format the grader writes to files; nothing but :func:`plain`'s
    types is accepted.

    Examples
    --------
    >>> to_json((np.int8(3), [1.5, float("nan")]))
    {'tuple': [{'npscalar': ['|i1', 'Aw==']}, [1.5, {'float': 'nan'}]]}
    >>> from_json(to_json({"shape": (1, 2), "x": np.ones(2, np.float32)}))
    {'shape': (1, 2), 'x': array([1., 1.], dtype=float32)}
    """
    return _encode(value, lambda array: base64.b64encode(array.tobytes()).decode("ascii"))


def from_json(data: Any) -> Any:
    """The value :func:`to_json` wrote; raises ValueError on anything malformed (no code runs)."""

    def take(dtype: np.dtype, shape: tuple[int, ...], ref: Any) -> np.ndarray:
        raw = base64.b64decode(str(ref), validate=True)
        if len(raw) != dtype.itemsize * math.prod(shape):
            raise ValueError("array bytes do not match its dtype and shape")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()

    with _malformed_is_value_error():
        return _decode(data, take, 0)


@contextmanager
def _malformed_is_value_error() -> Iterator[None]:
    try:
        yield
    except (KeyError, IndexError, TypeError, struct.error, UnicodeDecodeError, RecursionError) as err:
        raise ValueError(f"malformed data: {type(err).__name__}: {err}") from None


def _encode(value: Any, put: Callable[[np.ndarray], Any]) -> Any:
    # `put` stores an array's bytes and returns what the JSON holds for them.
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return value if math.isfinite(value) else {"float": repr(value)}
    if type(value) is complex:
        return {"complex": [repr(value.real), repr(value.imag)]}
    if value is Ellipsis:
        return {"ellipsis": True}
    if value is NotImplemented:
        return {"notimplemented": True}
    if type(value) is np.ndarray:
        if value.dtype.kind not in _RAW_KINDS or value.dtype.names is not None:
            return {"ndarray": ["object", list(value.shape), None]}
        return {"ndarray": [value.dtype.str, list(value.shape), put(np.ascontiguousarray(value))]}
    if _is_one_of(type(value), _NUMPY_SCALARS):
        return {"npscalar": [value.dtype.str, put(np.asarray(value))]}
    if type(value) is tuple:
        return {"tuple": [_encode(v, put) for v in value]}
    if type(value) is list:
        return [_encode(v, put) for v in value]
    if type(value) is dict:
        return {"dict": [[_encode(k, put), _encode(v, put)] for k, v in value.items()]}
    if type(value) is Opaque:
        array = None if value.array is None else _encode(value.array, put)
        return {"opaque": [value.type_name, value.text, array]}
    if type(value) is Outcome:
        return {"outcome": [value.status, _encode(value.value, put), value.error, value.message]}
    raise TypeError(f"not plain data: {type(value).__name__}")


def _decode(data: Any, take: Callable[[np.dtype, tuple[int, ...], Any], np.ndarray], depth: int) -> Any:
    # `take(dtype, shape, ref)` rebuilds an array from what `put` returned.
    if depth > _MAX_DEPTH + 4:  # a message and an outcome wrap the value
        raise ValueError("nested too deeply")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [_decode(v, take, depth + 1) for v in data]
    if type(data) is not dict or len(data) != 1:
        raise ValueError(f"not an encoded value: {type(data).__name__}")
    ((tag, body),) = data.items()
    if tag == "float":
        return float(body)
    if tag == "complex":
        return complex(float(body[0]), float(body[1]))
    if tag == "ellipsis":
        return Ellipsis
    if tag == "notimplemented":
        return NotImplemented
    if tag == "tuple":
        return tuple(_decode(v, take, depth + 1) for v in body)
    if tag == "dict":
        return {_decode(k, take, depth + 1): _decode(v, take, depth + 1) for k, v in body}
    if tag == "opaque":
        array = None if body[2] is None else _decode(body[2], take, depth + 1)
        if array is not None and type(array) is not np.ndarray:
            raise ValueError("an opaque value's array is not an array")
        return Opaque(str(body[0]), str(body[1]), array)
    if tag == "outcome":
        status, value, error, message = body
        return Outcome(str(status), _decode(value, take, depth + 1), str(error), str(message))
    if tag == "ndarray":
        dtype, shape, ref = body
        shape = tuple(int(n) for n in shape)
        if any(n < 0 for n in shape):
            raise ValueError(f"negative array shape {shape}")
        if dtype == "object":
            return np.empty(shape, dtype=object)  # only its dtype and shape are judged
        return take(_raw_dtype(dtype), shape, ref)
    if tag == "npscalar":
        dtype, ref = body
        return take(_raw_dtype(dtype), (), ref)[()]
    raise ValueError(f"unknown tag {tag!r}")


def _raw_dtype(text: Any) -> np.dtype:
    dtype = np.dtype(str(text))
    if dtype.kind not in _RAW_KINDS or dtype.names is not None:
        raise ValueError(f"array dtype {dtype} is not rebuilt from bytes")
    return dtype


# --- running the answer: one case ---------------------------------------------------------------


class _Stopped(BaseException):
    # BaseException: an answer's own `except Exception:` does not swallow the time limit.
    pass


def run_case(
    answer: Callable[..., Any],
    case: Case,
    summarise: Callable[[Any], Any] | None = None,
    returned: Callable[[str], None] = lambda what: None,
) -> Outcome:
    """Run ``answer`` on ``case`` where it may run, and return its outcome holding plain data only.

    The caller gives the time limit (see :func:`collect_outcomes`): this runs
    the learner's code unguarded.

    Examples
    --------
    >>> def zeroes(x):
    ...     x[:] = 0
    ...     return 1
    >>> print(run_case(zeroes, Case("x", (np.ones(2),))).message)
    changed its input `x` in place on {on}; the checker's input must stay as it was: work on a copy (x.copy())
    """
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    try:
        value = answer(*args, **kwargs)
        returned(f"returned a {type(value).__name__} on {{on}}")  # from here on, the value's own code runs
        if summarise is not None and value is not None:  # None is judged as None: "did you forget return?"
            value = summarise(value)
        value = plain(value)
        changed = _changed_argument(answer, case, args, kwargs)
    except TooBigError as big:
        return Outcome(
            "raised",
            error="TooBig",
            message=f"returned {big} on {{on}}, far more than the right answer holds, so it was not read; "
            "check the shape your answer builds",
        )
    except BaseException as err:  # SystemExit and KeyboardInterrupt too: the learner's code raised them
        return raised(err)
    if changed is not None:
        return Outcome(
            "raised",
            error="InputChanged",
            message=f"changed its input {changed} in place on {{on}}; the checker's input must stay as it "
            "was: work on a copy (x.copy())",
        )
    return Outcome("returned", value)


def run_value(
    value: Any,
    summarise: Callable[[Any], Any] | None = None,
    returned: Callable[[str], None] = lambda what: None,
) -> Outcome:
    """:func:`run_case` for a value exercise: the value, summarised and made plain."""
    returned(f"your answer is a {type(value).__name__}")
    try:
        if summarise is not None and value is not None and value is not Ellipsis:
            value = summarise(value)
        return Outcome("returned", plain(value))
    except TooBigError as big:
        return Outcome(
            "raised",
            error="TooBig",
            message=f"your answer is {big}, far more than the right answer holds, so it was not read",
        )
    except BaseException as err:
        return raised(err)


def raised(err: BaseException) -> Outcome:
    """The outcome of an answer that raised ``err``: its type name and the start of its message."""
    try:
        message = str(err)
    except BaseException:  # an exception class whose __str__ fails
        message = ""
    return Outcome("raised", error=type(err).__name__, message=message[:_MESSAGE_CHARS])


def _changed_argument(answer: Any, case: Case, args: tuple, kwargs: dict) -> str | None:
    given = [*args, *kwargs.values()]
    for index, (before, after) in enumerate(zip([*case.args, *case.kwargs.values()], given)):
        if not _unchanged(before, after):
            names = list(kwargs)
            if index >= len(args):
                return f"`{names[index - len(args)]}`"
            try:
                params = list(inspect.signature(answer).parameters)
                return f"`{params[index]}`"
            except (TypeError, ValueError, IndexError):
                return f"(argument {index + 1})"
    return None


def _unchanged(before: Any, after: Any) -> bool:
    if type(before) is np.ndarray:
        return (
            type(after) is np.ndarray
            and after.shape == before.shape
            and after.dtype == before.dtype
            and bool(np.array_equal(after, before, equal_nan=before.dtype.kind in "fc"))
        )
    if type(before) in (tuple, list):
        return (
            type(after) is type(before)
            and len(after) == len(before)
            and all(_unchanged(b, a) for b, a in zip(before, after))
        )
    if type(before) is dict:
        return (
            type(after) is dict
            and after.keys() == before.keys()
            and all(_unchanged(before[k], after[k]) for k in before)
        )
    return type(after) is type(before) and bool(after == before)


def _ends_run(outcomes: Sequence[Outcome]) -> bool:
    # The first failure ends a run: later cases are not needed for the verdict. A stub raises
    # NotImplementedError on every case, which makes it "not attempted": those go on while all do.
    last = outcomes[-1]
    if last.status == "returned":
        return False
    stub = all(o.status == "raised" and o.error == "NotImplementedError" for o in outcomes)
    return not stub


# --- running the answer: every case -------------------------------------------------------------


def collect_outcomes(
    answer: Callable[..., Any],
    cases: Sequence[Case],
    time_limit: float = TIME_LIMIT,
    *,
    isolate: bool = True,
    summarise: Callable[[Any], Any] | None = None,
    echo: bool = True,
) -> list[Outcome]:
    """Run ``answer`` on every case, ``time_limit`` seconds each, and return one :class:`Outcome` per case.

    With ``isolate`` (and on Linux) the cases run in a forked child process;
    otherwise in a thread of this process (see the module docstring). The
    first case that does not return ends the run (a stub raising
    NotImplementedError everywhere runs every case); the later cases are
    ``"not_run"``. ``summarise``, if given, turns each returned value into
    plain data (e.g. a Keras model into its output shapes) where the answer
    ran. With ``echo``, what the answer printed is printed here afterwards
    (cut at :data:`PRINT_CHARS`).

    Examples
    --------
    >>> collect_outcomes(lambda n: print("n is", n) or -n, [Case("n=2", (2,))])
    n is 2
    [Outcome(status='returned', value=-2, error='', message='')]
    """
    jobs = [lambda returned, case=case: run_case(answer, case, summarise, returned) for case in cases]
    return _collect(jobs, time_limit, isolate, echo)


def collect_value(
    value: Any,
    time_limit: float = TIME_LIMIT,
    *,
    isolate: bool = True,
    summarise: Callable[[Any], Any] | None = None,
    echo: bool = True,
) -> Outcome:
    """The outcome of a value exercise: ``value`` summarised and made plain, under ``time_limit``.

    A value that is plain data already is taken as it is; anything else is
    summarised and made plain where learner code may run, like an answer's
    result.

    Examples
    --------
    >>> collect_value((1, 3, 3, 8))
    Outcome(status='returned', value=(1, 3, 3, 8), error='', message='')
    """
    if summarise is None and _is_plain(value, [RESULT_BYTES], 0):
        return Outcome("returned", value)
    return _collect([lambda returned: run_value(value, summarise, returned)], time_limit, isolate, echo)[0]


def _is_plain(value: Any, budget: list[int], depth: int) -> bool:
    # Exact types, told apart by identity: looking at a learner's object (isinstance, ==) may run its code.
    kind = type(value)
    budget[0] -= 32 + (len(value) if kind is str else 0)
    if budget[0] < 0 or depth > _MAX_DEPTH:
        return False
    if value is None or value is Ellipsis or kind is str or _is_one_of(kind, _SCALARS):
        return True
    if kind is tuple or kind is list:
        return all(_is_plain(v, budget, depth + 1) for v in value)
    if kind is dict:
        return all(
            _is_plain(k, budget, depth + 1) and _is_plain(v, budget, depth + 1) for k, v in value.items()
        )
    if kind is np.ndarray:
        budget[0] -= value.nbytes
        return value.dtype.kind in _RAW_KINDS and value.dtype.names is None and budget[0] >= 0
    return _is_one_of(kind, _NUMPY_SCALARS) and value.dtype.kind in _RAW_KINDS


# One case's work: called with a function to call once the answer has returned, with a clause naming it.
_Job = Callable[[Callable[[str], None]], Outcome]


def _timed_out(time_limit: float, returned: str | None, tensorflow: bool = False) -> Outcome:
    if tensorflow:
        return Outcome("timeout", error="TensorFlow", message=f"{time_limit:g}")
    if returned is not None:
        return Outcome(
            "raised",
            error="Unconvertible",
            message=f"{returned} that the checker could not read within {time_limit:g} s "
            "(its own code, such as __array__ or __repr__, kept running); return a NumPy array or plain numbers",
        )
    return Outcome("timeout", message=f"{time_limit:g}")


def _collect(jobs: Sequence[_Job], time_limit: float, isolate: bool, echo: bool) -> list[Outcome]:
    printed = _Printed()
    if isolate and can_fork():
        outcomes = _collect_in_child(jobs, time_limit, printed)
    else:
        outcomes = _collect_here(jobs, time_limit, printed)
    if echo and printed.text:
        print(printed.shown(), end="")
    return outcomes + [Outcome("not_run")] * (len(jobs) - len(outcomes))


class _Printed(io.TextIOBase):
    """A text stream that keeps the first :data:`PRINT_CHARS` characters and counts the rest."""

    def __init__(self) -> None:
        self.text = ""
        self.cut = 0

    def writable(self) -> bool:
        return True

    def write(self, text: Any) -> int:
        text = text if type(text) is str else str(text)
        room = PRINT_CHARS - len(self.text)
        self.text += text[:room] if room > 0 else ""
        self.cut += max(0, len(text) - max(room, 0))
        return len(text)

    def shown(self) -> str:
        text, cut = self.text, self.cut
        if cut and "\n" in text:  # cut at the end of a line
            kept = text.rindex("\n") + 1
            text, cut = text[:kept], cut + len(text) - kept
        text = text if text.endswith("\n") else text + "\n"
        if cut:
            text += f"[{cut:,} more characters printed by the answer are not shown]\n"
        return text


# --- in a forked child --------------------------------------------------------------------------


def _collect_in_child(jobs: Sequence[_Job], time_limit: float, printed: _Printed) -> list[Outcome]:
    read_fd, write_fd = os.pipe()
    dump_read, dump_write = os.pipe()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # or the child would print the parent's buffered text again
    pid = os.fork()
    if pid == 0:  # the child: run, report, and leave without the parent's cleanup
        try:
            os.close(read_fd)
            os.close(dump_read)
            _child(jobs, write_fd, dump_write)
        finally:
            os._exit(0)
    os.close(write_fd)
    os.close(dump_write)
    try:
        os.setpgid(pid, pid)  # the child does it too: whichever runs first, the group exists before a kill
    except OSError:
        pass
    try:
        return _read_outcomes(pid, read_fd, dump_read, len(jobs), time_limit, printed)
    finally:
        for kill in (os.killpg, os.kill):  # the whole group: processes the answer forked too
            try:
                kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        os.waitpid(pid, 0)
        os.close(read_fd)
        os.close(dump_read)


def _child(jobs: Sequence[_Job], fd: int, dump_fd: int) -> None:
    os.setpgid(0, 0)
    me = os.getpid()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # output below Python (C code, os.write, subprocesses) never floods the kernel
    os.dup2(devnull, 2)
    # On SIGUSR1 the child writes where it is stuck (see _stuck_in_tensorflow).
    faulthandler.register(signal.SIGUSR1, file=os.fdopen(dump_fd, "w"), all_threads=False)
    captured = _Printed()
    sys.stdout = sys.stderr = captured
    outcomes: list[Outcome] = []

    def returned(what: str) -> None:
        if os.getpid() == me:
            _send(fd, to_wire({"returned": what}))

    for job in jobs:
        outcome = job(returned)
        if os.getpid() != me:  # a process the answer forked came back here: only the child answers
            os._exit(0)
        outcomes.append(outcome)
        message = {"outcome": outcome, "printed": captured.text, "cut": captured.cut}
        captured.text, captured.cut = "", 0
        try:
            data = to_wire(message)
        except (TypeError, ValueError) as err:  # what JSON cannot carry: an int of over 4,300 digits
            data = to_wire({"outcome": raised(err), "printed": "", "cut": 0})
        _send(fd, data)
        if _ends_run(outcomes):
            break


def _send(fd: int, data: bytes) -> None:
    view = memoryview(struct.pack("<Q", len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _read_outcomes(
    pid: int, fd: int, dump_fd: int, count: int, time_limit: float, printed: _Printed
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    # A pidfd is readable once the child has ended, even when a process it forked holds the pipe open.
    ended = os.pidfd_open(pid) if hasattr(os, "pidfd_open") else None
    try:
        deadline, returned = time.monotonic() + time_limit, None
        while len(outcomes) < count and not (outcomes and _ends_run(outcomes)):
            frame = _read_frame(fd, ended, deadline)
            if frame is None:  # the time limit passed
                outcomes.append(_timed_out(time_limit, returned, _stuck_in_tensorflow(pid, dump_fd)))
                break
            if frame is _ENDED:  # the answer ended the process (os._exit, a crash)
                outcomes.append(Outcome("raised", error="ProcessExit", message="the process ended"))
                break
            try:
                message = from_wire(frame)
                if type(message) is dict and type(message.get("returned")) is str:
                    returned = message["returned"]  # the answer returned; its value is being read
                    continue
                outcome = message["outcome"]
                printed.write(message["printed"])
                printed.cut += int(message["cut"])
                if type(outcome) is not Outcome:
                    raise ValueError("not an outcome")
            except (ValueError, TypeError, KeyError) as err:
                outcomes.append(
                    Outcome(
                        "raised",
                        error="Unreadable",
                        message=f"sent something the checker cannot read on {{on}} ({err}); "
                        "return your result instead of writing to the checker's pipe",
                    )
                )
                break
            outcomes.append(outcome)
            deadline, returned = time.monotonic() + time_limit, None
    finally:
        if ended is not None:
            os.close(ended)
    return outcomes


_ENDED = object()


def _read_frame(fd: int, ended: int | None, deadline: float) -> bytearray | object | None:
    """One frame from the child, read in linear time; None after ``deadline``, ``_ENDED`` when the child is gone."""
    header = _read_exactly(fd, 8, ended, deadline)
    if header is None or header is _ENDED:
        return header
    (size,) = struct.unpack("<Q", header)
    if size > RESULT_BYTES + 16 * PRINT_CHARS + 2**16:  # plain() keeps results under RESULT_BYTES
        return _ENDED
    return _read_exactly(fd, size, ended, deadline)


def _read_exactly(fd: int, size: int, ended: int | None, deadline: float) -> bytearray | object | None:
    data = bytearray(size)
    view = memoryview(data)
    done = 0
    while done < size:
        wait = deadline - time.monotonic()
        if wait <= 0:
            return None
        ready, _, _ = select.select([fd] if ended is None else [fd, ended], [], [], wait)
        if fd in ready:
            got = os.readv(fd, [view[done:]])
            if got == 0:  # end of file: the child is gone
                return _ENDED
            done += got
        elif ended is not None and ended in ready:
            # The child ended: what it wrote is all in the pipe now; read it without waiting.
            if not select.select([fd], [], [], 0)[0]:
                return _ENDED
    return data


def _stuck_in_tensorflow(pid: int, dump_fd: int) -> bool:
    """Whether the timed-out child waits inside TensorFlow, which a forked process cannot run.

    TensorFlow's thread pools do not survive ``fork``: an answer that calls a
    Keras layer hangs in the child. The child's Python stack tells it apart
    from an endless loop of the learner's own.
    """
    try:
        os.kill(pid, signal.SIGUSR1)
    except ProcessLookupError:
        return False
    text = b""
    while select.select([dump_fd], [], [], 0.5)[0] and len(text) < 2**20:
        chunk = os.read(dump_fd, 65536)
        if not chunk:
            break
        text += chunk
        if b"File" in text and text.endswith(b"\n"):
            break
    return b"tensorflow" in text or b"keras" in text


# --- in this process ----------------------------------------------------------------------------


def _collect_here(jobs: Sequence[_Job], time_limit: float, printed: _Printed) -> list[Outcome]:
    outcomes: list[Outcome] = []
    with _kernel_kept(printed):
        for job in jobs:
            outcome = _in_thread(job, time_limit)
            outcomes.append(outcome)
            if _ends_run(outcomes):
                break
    return outcomes


def _in_thread(job: _Job, time_limit: float) -> Outcome:
    box: list[Outcome] = []
    returned: list[str] = []
    thread = threading.Thread(target=lambda: box.append(job(returned.append)), daemon=True)
    thread.start()
    try:
        thread.join(time_limit)
    finally:
        timed_out = thread.is_alive()
        if timed_out:  # a timeout, or the learner pressed stop: the answer must not go on
            _stop_threads([thread.ident])
    if timed_out or not box:
        return _timed_out(time_limit, returned[0] if returned else None)
    return box[0]


@contextmanager
def _kernel_kept(printed: _Printed) -> Iterator[None]:
    """Puts back the working directory, ``sys.stdout``/``sys.stderr``, the threads and child processes."""
    cwd = os.getcwd()
    streams = sys.stdout, sys.stderr
    threads = set(sys._current_frames())
    children = _children()
    sys.stdout = sys.stderr = printed
    try:
        yield
    finally:
        started = [t for t, frame in sys._current_frames().items() if t not in threads and _learners(frame)]
        _stop_threads(started)  # while the streams still go to `printed`: a thread may print as it ends
        sys.stdout, sys.stderr = streams
        if os.getcwd() != cwd:
            os.chdir(cwd)
        for pid in _children() - children:  # processes the answer forked
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


def _children() -> set[int]:
    # This process's children, from /proc (Linux); elsewhere none are seen.
    me, found = os.getpid(), set()
    for name in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except (OSError, ValueError):
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == me:  # the field after the state is the parent's pid
            found.add(int(name))
    return found


def _learners(frame: Any) -> bool:
    # A thread running any code outside Python's and the installed packages' (a library's idle
    # worker waits in its own code): the answer's, which must not go on after the check.
    while frame is not None:
        if not frame.f_code.co_filename.startswith(_LIBRARY_PATHS):
            return True
        frame = frame.f_back
    return False


_LIBRARY_PATHS = tuple(
    {sysconfig.get_path(p) for p in ("stdlib", "platstdlib", "purelib", "platlib")}
    | {str(Path(__file__).parents[1]), "<frozen "}
)


def _stop_threads(idents: Sequence[int | None]) -> None:
    """Raise :class:`_Stopped` in each thread until it ends (Python code only: a C call is not interrupted)."""
    deadline = time.monotonic() + _STOP_GRACE
    alive = [i for i in idents if i is not None]
    hook = threading.excepthook
    # A thread that ends by _Stopped ends quietly; any other error is reported as usual.
    threading.excepthook = lambda args: None if args.exc_type is _Stopped else hook(args)
    try:
        while alive and time.monotonic() < deadline:
            for ident in alive:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(_Stopped))
            time.sleep(0.01)
            running = set(sys._current_frames())
            alive = [i for i in alive if i in running]
    finally:
        threading.excepthook = hook
