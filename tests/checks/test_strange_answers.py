"""Strange learner answers through every kind of check: one sentence, within the time limit, a clean kernel.

Each answer below is something a learner's code can do that no checker was
designed for: return far too much, print without end, return an object whose
own code hangs or raises, fork, change directory, change its input, loop,
exit. It goes through a code check (2.2, run in a forked child), a value
check (2.5) or a Keras-model check (4.4, run in a thread of this process,
since TensorFlow does not survive fork). Every case must end with exactly one
✅ or ❌ result line containing the expected words, no traceback, within the
time limit plus a margin (a guard against hangs, not a speed target), and
leave the kernel as it found it: no process started by the answer, the same
threads, the same working directory and stdout, and printed output cut to
:data:`poolutils.checks.runner.PRINT_CHARS` characters and one line.

Run with ``-s`` to see the sweep table (answer, verdict, seconds).
"""

import copy
import os
import struct
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import psutil
import pytest

from poolutils.checks import RESULT_LINE, parse_results
from poolutils.checks.ex02 import check_cells_3x3_same, check_max_pool2d
from poolutils.checks.ex04 import check_gap_head
from poolutils.checks.runner import PRINT_CHARS, RESULT_BYTES, Case, collect_outcomes, from_wire, to_wire

CODE = copy.copy(check_max_pool2d)
CODE.time_limit = 4.0  # above the 3 s of the answer that works a while and then raises
# The answers below reuse the checker's reference (a poolutils function): the sweep is about the
# runner, not the rule that a write-code task forbids library calls (tests/checks/test_checks_feedback.py).
CODE.libraries = None
VALUE = check_cells_3x3_same
MODEL = copy.copy(check_gap_head)
MODEL.time_limit = 4.0  # the Keras model is warmed up first (see the `warm` fixture)
CHECKS = {"code": CODE, "value": VALUE, "model": MODEL}
# A hang guard: a check ends within its time limit per case actually run, plus this margin for a loaded machine.
MARGIN = 20.0

pool = check_max_pool2d.reference
head = check_gap_head.reference


@dataclass(frozen=True)
class Strange:
    """A strange answer: ``make(tmp)`` builds it; the verdict mark and words its result line must show."""

    name: str
    make: Any
    mark: str
    words: str


# --- strange objects an answer may return ---------------------------------------------


class Lazy:
    """A lazy array whose conversion never ends."""

    def __array__(self, dtype=None, copy=None):
        while True:
            pass

    def __repr__(self):
        return "Lazy()"


class LazyRepr:
    """An object whose text never ends."""

    def __repr__(self):
        while True:
            pass


class BadRepr:
    def __repr__(self):
        raise ValueError("no text for you")


def _refuse():
    raise RuntimeError("cannot be rebuilt")


class NoUnpickle:
    """Pickles, but unpickling it raises."""

    def __reduce__(self):
        return _refuse, ()


class Sub(np.ndarray):
    """An ndarray subclass whose comparison raises."""

    def __eq__(self, other):
        raise RuntimeError("do not compare me")

    __hash__ = None


def keras_tensor(values):
    import keras

    return keras.ops.convert_to_tensor(np.asarray(values, dtype=np.float32))


# --- answers for the code check (2.2) -------------------------------------------------


def forks_both_answer(*args):
    os.fork()  # parent and child both return
    return pool(*args)


def forks_and_leaves(tmp):
    def answer(*args):
        if os.fork() == 0:
            with open(tmp / "orphans", "a") as pids:
                pids.write(f"{os.getpid()}\n")
            while True:
                time.sleep(1)
        return pool(*args)

    return answer


def changes_directory(*args):
    os.chdir("/")
    return pool(*args)


def zeroes_its_input(fmap, pool_size, stride, padding):
    out = pool(fmap, pool_size, stride, padding)
    fmap[...] = 0
    return out


def works_then_raises(tmp):
    def answer(*args):
        with open(tmp / "calls", "a") as calls:
            calls.write("call\n")
        time.sleep(3)
        raise ValueError("gave up after 3 s")

    return answer


def endless(*args):
    while True:
        pass


def ignores_interrupts(*args):
    while True:
        try:
            time.sleep(0.01)
        except KeyboardInterrupt:
            pass


def spins_a_thread_then(then):
    spinning = []  # one thread per check: one per case would starve the answer of the GIL and time it out

    def answer(*args):
        if not spinning:
            spinning.append(threading.Thread(target=endless, daemon=True))
            spinning[0].start()
        return then(*args)

    return lambda tmp: answer


def ten_million_lines_once(then):
    done = []  # once per check (all its cases run in one process): the sweep stays short

    def answer(*args):
        if not done:
            print("\n".join(["a line of output"] * 10**7))
            done.append(True)
        return then(*args)

    return lambda tmp: answer


def recurses_deeply(*args):
    sys.setrecursionlimit(10**6)

    def down(n):
        return down(n + 1) + 1

    return down(0)


def recurses(*args):
    def down(n):
        return down(n + 1) + 1

    return down(0)


def masked(*args):
    out = pool(*args)
    return np.ma.masked_array(out, mask=np.zeros(out.shape, bool))


def subclass(*args):
    return pool(*args).view(Sub)


def plain(answer):
    return lambda tmp: answer


CODE_ANSWERS = [
    Strange(
        "1e8 elements", plain(lambda *a: np.zeros(10**8, np.uint8)), "❌", "(100,000,000 values, 95 MiB)"
    ),
    Strange(
        "1e9 elements", plain(lambda *a: np.zeros(10**9, np.uint8)), "❌", "far more than the right answer"
    ),
    Strange("1e7 lines printed at once", ten_million_lines_once(pool), "✅", "correct on all"),
    Strange("lazy __array__ never returns", plain(lambda *a: Lazy()), "❌", "returned a Lazy on case"),
    Strange("__repr__ never returns", plain(lambda *a: LazyRepr()), "❌", "could not read within 4 s"),
    Strange("__repr__ raises", plain(lambda *a: BadRepr()), "❌", "returned a BadRepr; return a NumPy array"),
    Strange("pickles, won't unpickle", plain(lambda *a: NoUnpickle()), "❌", "returned a NoUnpickle"),
    Strange("os.fork, both answer", plain(forks_both_answer), "✅", "correct on all"),
    Strange("forked child left alive", forks_and_leaves, "✅", "correct on all"),
    Strange("chdir", plain(changes_directory), "✅", "correct on all"),
    Strange("right values, then zeroes its input", plain(zeroes_its_input), "❌", "changed its input `fmap`"),
    Strange("works 3 s, then raises", works_then_raises, "❌", "raised ValueError: gave up after 3 s"),
    Strange("endless loop", plain(endless), "❌", "still running after 4 s"),
    Strange("ignores KeyboardInterrupt", plain(ignores_interrupts), "❌", "still running after 4 s"),
    Strange("os._exit", plain(lambda *a: os._exit(3)), "❌", "ended the whole process"),
    Strange("spawns a spinning thread", spins_a_thread_then(pool), "✅", "correct on all"),
    Strange("SystemExit", plain(lambda *a: sys.exit(1)), "❌", "called sys.exit()"),
    Strange("recursion past the limit", plain(recurses), "❌", "raised RecursionError"),
    # A raised limit ends in RecursionError or in the time limit, by how fast this machine recurses.
    Strange("recursion with the limit raised", plain(recurses_deeply), "❌", "case"),
    Strange("returns a generator", plain(lambda f, *a: (v for v in f)), "❌", "returned a generator"),
    Strange("returns a Keras tensor", plain(lambda *a: keras_tensor(pool(*a))), "❌", "Tensor"),
    Strange("returns a masked array", plain(masked), "✅", "correct on all"),
    Strange("returns an ndarray subclass", plain(subclass), "✅", "correct on all"),
]

# --- values for the value check (2.5, right answer [[8, 9], [8, 8]]) ------------------

VALUE_ANSWERS = [
    Strange(
        "1e8 elements",
        plain(np.zeros(10**8, np.uint8)),
        "❌",
        "your answer is an array of shape (100000000,)",
    ),
    Strange("1e9 elements", plain(np.zeros(10**9, np.uint8)), "❌", "far more than the right answer"),
    Strange(
        "lazy __array__ never returns",
        plain(Lazy()),
        "❌",
        "your answer is a Lazy that the checker could not",
    ),
    Strange(
        "__repr__ never returns", plain(LazyRepr()), "❌", "your answer is a LazyRepr that the checker could"
    ),
    Strange("__repr__ raises", plain(BadRepr()), "❌", "wrote a BadRepr"),
    Strange("pickles, won't unpickle", plain(NoUnpickle()), "❌", "wrote a NoUnpickle"),
    Strange("a list holding a strange object", plain([[8, 9], [8, BadRepr()]]), "❌", "write numbers"),
    Strange("a generator", plain(v for v in [8, 9]), "❌", "wrote a generator"),
    Strange(
        "a Keras tensor of the right numbers", lambda tmp: keras_tensor([[8, 9], [8, 8]]), "✅", "correct"
    ),
    Strange("a masked array", plain(np.ma.masked_array([[8, 9], [8, 8]])), "✅", "correct"),
    Strange("an ndarray subclass", plain(np.array([[8.0, 9], [8, 8]]).view(Sub)), "✅", "correct"),
]

# --- answers for the Keras-model check (4.4) -------------------------------------------


def model_then(effect):
    def answer(channels, classes):
        effect()
        return head(channels, classes)

    return lambda tmp: answer


def model_forks_and_leaves(tmp):
    def answer(channels, classes):
        if os.fork() == 0:
            with open(tmp / "orphans", "a") as pids:
                pids.write(f"{os.getpid()}\n")
            while True:
                time.sleep(1)
        return head(channels, classes)

    return answer


def model_works_then_raises(tmp):
    def answer(channels, classes):
        with open(tmp / "calls", "a") as calls:
            calls.write("call\n")
        time.sleep(2)
        raise ValueError("gave up after 2 s")

    return answer


MODEL_ANSWERS = [
    Strange("endless loop", plain(lambda c, k: endless()), "❌", "still running after 4 s"),
    Strange(
        "ignores KeyboardInterrupt", plain(lambda c, k: ignores_interrupts()), "❌", "still running after 4 s"
    ),
    Strange("spawns a spinning thread", spins_a_thread_then(head), "✅", "correct on all 3 cases"),
    Strange("chdir", model_then(lambda: os.chdir("/")), "✅", "correct on all 3 cases"),
    Strange("os.fork, both answer", model_then(os.fork), "✅", "correct on all 3 cases"),
    Strange("forked child left alive", model_forks_and_leaves, "✅", "correct on all 3 cases"),
    Strange("1e7 lines printed at once", ten_million_lines_once(head), "✅", "correct on all 3 cases"),
    Strange("works 2 s, then raises", model_works_then_raises, "❌", "raised ValueError: gave up after 2 s"),
    Strange("SystemExit", plain(lambda c, k: sys.exit(1)), "❌", "called sys.exit()"),
    Strange("recursion past the limit", plain(lambda c, k: recurses()), "❌", "raised RecursionError"),
    Strange("returns a generator", plain(lambda c, k: (v for v in [c, k])), "❌", "returned a generator"),
    Strange(
        "returns a Keras tensor",
        plain(lambda c, k: keras_tensor(np.zeros((2, k)))),
        "❌",
        "return a Keras model",
    ),
    Strange("__repr__ raises", plain(lambda c, k: BadRepr()), "❌", "returned a BadRepr"),
]

SWEEP = [
    *(("code", s) for s in CODE_ANSWERS),
    *(("value", s) for s in VALUE_ANSWERS),
    *(("model", s) for s in MODEL_ANSWERS),
]


@pytest.fixture(scope="module")
def warm():
    # Keras starts its threads and TensorFlow its pools on the first model: before the sweep measures threads.
    assert check_gap_head.evaluate(head).line.startswith("✅")
    assert check_max_pool2d.evaluate(pool).line.startswith("✅")


def kernel_state():
    return {
        "children": psutil.Process().children(recursive=True),
        "threads": sorted(sys._current_frames()),
        "cwd": os.getcwd(),
        "stdout": (sys.stdout, sys.stderr),
    }


def gone(pid: int, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True  # killed; its new parent reaps it
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize(("kind", "strange"), SWEEP, ids=[f"{k}: {s.name}" for k, s in SWEEP])
def test_a_strange_answer_gets_one_sentence_in_time_and_leaves_the_kernel_clean(
    kind, strange, warm, tmp_path, capsys
):
    check = CHECKS[kind]
    answer = strange.make(tmp_path)
    before = kernel_state()
    start = time.monotonic()
    check(answer)
    seconds = time.monotonic() - start
    after = kernel_state()
    out = capsys.readouterr().out

    assert len(RESULT_LINE.findall(out)) == 1, out[-2000:]
    ((status, message),) = parse_results(out).values()  # the result line, its wrapped lines joined
    mark = status.value
    print(f"\n| {kind} | {strange.name} | {mark} {message} | {seconds:.1f} s |", file=sys.__stdout__)
    assert mark == strange.mark and strange.words in message, out[-2000:]
    assert "Traceback" not in out
    assert len(out) < PRINT_CHARS + 3000  # what the answer printed is cut, with one line saying so
    assert seconds < (check.time_limit or 5.0) + MARGIN
    assert after == before
    if (tmp_path / "orphans").exists():  # the processes the answer forked and left running were ended
        assert all(gone(int(pid)) for pid in (tmp_path / "orphans").read_text().split())
    if (tmp_path / "calls").exists():  # the first failure ended the check: later cases never ran
        assert (tmp_path / "calls").read_text() == "call\n"


def test_printed_output_is_cut_with_one_line_saying_so(warm, capsys):
    CODE(ten_million_lines_once(pool)(None))
    out = capsys.readouterr().out
    assert "more characters printed by the answer are not shown]" in out
    assert out.count("a line of output") * len("a line of output\n") <= PRINT_CHARS + len("a line of output")


def test_the_sweep_covers_every_kind_of_check():
    assert {kind for kind, _ in SWEEP} == {"code", "value", "model"}
    assert CODE.takes_function and CODE.isolate
    assert not VALUE.takes_function
    assert MODEL.takes_function and not MODEL.isolate and MODEL.summarise is not None
    assert Path(__file__).name == "test_strange_answers.py"


def test_a_result_under_the_size_cap_comes_back_whole_and_one_over_it_gets_a_sentence():
    big = RESULT_BYTES // 4 - 1024  # float32 values: just under the cap
    (under,) = collect_outcomes(lambda: np.arange(big, dtype=np.float32), [Case("under")])
    assert under.status == "returned" and under.value.shape == (big,) and under.value[-1] == big - 1
    (over,) = collect_outcomes(lambda: np.zeros(RESULT_BYTES // 4 + 1, np.float32), [Case("over")])
    assert over.status == "raised" and over.error == "TooBig" and "MiB" in over.message


def test_the_wire_refuses_malformed_bytes_with_a_value_error():
    good = to_wire({"x": np.arange(3), "t": (1, "a", None, ...)})
    assert from_wire(good)["t"] == (1, "a", None, ...)
    unknown = b'{"pickle": "cos\\nsystem"}'
    for bad in (good[:-1], good + b"\0", b"\1\0\0\0\0\0\0\0{", struct.pack("<Q", len(unknown)) + unknown):
        with pytest.raises(ValueError):
            from_wire(bad)
