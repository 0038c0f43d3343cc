"""One notebook in a fresh, limited kernel; then the outputs of its answers on this run's cases.

:func:`run_notebook` clears every stored output, starts a kernel with
``POOLUTILS_GRADING=1`` (check calls print one line and run nothing), runs
the cells one by one under a time limit per cell and per notebook (and an
address-space limit where the platform has ``resource.prlimit``), then sends
one request per exercise (:mod:`poolutils.grading.harness`) and reads the
outputs back as JSON. It returns outputs, never verdicts.

The kernel imports ``poolutils`` from a private copy of the grading copy of
the package (:mod:`poolutils.grading.package`: no reference solutions), runs
in an empty folder with its own HOME and TMPDIR and an allow-listed
environment, and, where the platform allows it, in a sandbox
(:mod:`poolutils.grading.sandbox`). The caller fingerprints the copy
afterwards to say what a submission changed.

What the kernel prints is discarded as it arrives (only error names and the
start of their messages are kept), and no message larger than
:data:`MAX_MESSAGE_BYTES` is accepted from it, so a flood of output cannot
grow the grader's memory.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearOutputPreprocessor

from poolutils.checks.core import GRADING_ENV, TIME_LIMIT, Outcome
from poolutils.checks.runner import from_json
from poolutils.grading.harness import request_code
from poolutils.grading.judging import Exercise, outcome, rebuilt
from poolutils.grading.sandbox import Sandbox, Watchdog, environment, prepare_folder, user_rss_kb

# The largest answer file read back (bytes): a learner returning a huge array gets "too large".
MAX_OUTPUT_BYTES = 64 * 2**20
# The largest message accepted from a kernel (bytes); a larger one closes that connection.
MAX_MESSAGE_BYTES = 8 * 2**20
# Messages a socket of the grader queues from a kernel before dropping more (output only is dropped).
MAX_QUEUED_MESSAGES = 64
# Characters kept of an error message raised in a learner's cell.
MAX_ERROR_CHARS = 300
# Seconds an interrupted kernel gets to show it is alive again before it counts as stuck.
INTERRUPT_GRACE = 10


@dataclass(frozen=True)
class Limits:
    """Resource limits of one notebook.

    Attributes
    ----------
    cell : float
        Seconds one of the learner's cells may run.
    notebook : float
        Seconds all of the learner's cells may run together.
    call : float
        Seconds one call of an answer on one case may run, unless the
        exercise sets its own (``Check.time_limit``).
    memory_mb : int or None
        Address-space limit of the kernel (``RLIMIT_AS``), None for none.
    """

    cell: float = 60
    notebook: float = 300
    call: float = TIME_LIMIT
    memory_mb: int | None = 4096


@dataclass
class Answer:
    """What the kernel gave for one exercise: whether the name exists, its outcomes, its code."""

    found: bool
    outcomes: list[Outcome] = field(default_factory=list)


@dataclass
class KernelRun:
    """The result of :func:`run_notebook`.

    Attributes
    ----------
    answers : dict
        Exercise id -> :class:`Answer`, for every exercise whose request
        completed; an exercise missing here was not verified ("not run").
        An answer's outcomes are the kernel's; a design answer's model is
        already rebuilt and summarised here.
    problems : list of str
        Cell errors, timeouts, a dead kernel, a failed request.
    changed : list of str
        Files of the kernel's private ``poolutils`` copy that the notebook changed.
    seconds : float
    rss_mb : float or None
        The kernel's resident memory after the learner's cells, where /proc has it.
    """

    answers: dict[str, Answer] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rss_mb: float | None = None


def cleared(text: str) -> nbformat.NotebookNode:
    """The notebook in ``text`` with every stored output and execution count removed.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> nb = new_notebook(cells=[new_code_cell("1", outputs=[new_output("stream", text="✅ ...")])])
    >>> cleared(nbformat.writes(nb)).cells[0].outputs
    []
    """
    nb = nbformat.reads(text, as_version=4)
    ClearOutputPreprocessor().preprocess(nb, {})  # as tools/make_exercises.py clears the exercises
    return nb


def run_notebook(
    text: str, exercises: list[Exercise], limits: Limits, package: Path, sandbox: Sandbox | None = None
) -> KernelRun:
    """Run the notebook ``text`` and ask for its answers' outputs on each exercise's cases.

    ``package`` is the pristine grading copy of ``poolutils`` the kernel's
    private copy is made from; ``sandbox`` contains the kernel (None: the
    kernel runs as the grader's user). Nothing is written back to the notebook.
    """
    from poolutils.grading.integrity import changes, fingerprint

    start = time.monotonic()
    run = KernelRun()
    try:
        nb = cleared(text)
    except Exception as err:  # not JSON, not a notebook: report it, grade the others
        run.problems.append(f"could not read the notebook: {type(err).__name__}")
        return run
    uid = sandbox.acquire_uid() if sandbox else None
    try:
        with tempfile.TemporaryDirectory(prefix="poolutils-grade-") as tmp:
            work = Path(tmp)
            lib = work / "lib"
            shutil.copytree(package, lib / "poolutils")
            prepare_folder(work, uid)
            before = fingerprint(lib / "poolutils", bytecode=True)
            _run_in_kernel(nb, exercises, limits, work, sandbox, uid, run)
            run.changed = changes(before, fingerprint(lib / "poolutils", bytecode=True))
    finally:
        if sandbox and uid is not None:
            sandbox.release_uid(uid)
    run.seconds = time.monotonic() - start
    return run


def kernel_env(work: Path) -> dict[str, str]:
    """The kernel's environment (see :func:`poolutils.grading.sandbox.environment`)."""
    extra = {GRADING_ENV: "1", "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "3"}
    # Many kernels share the cores: one thread each is faster than oversubscription.
    extra.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    extra.update(PYDEVD_DISABLE_FILE_VALIDATION="1")
    for name in ("TF_ENABLE_ONEDNN_OPTS",):  # the grader's Keras configuration, if it sets one
        if name in os.environ:
            extra[name] = os.environ[name]
    return environment(work, work / "lib", extra)


def _kernel_manager(work: Path, sandbox: Sandbox | None, uid: int | None, limits: Limits, env: dict):
    import zmq
    import zmq.asyncio
    from jupyter_client.manager import AsyncKernelManager

    prefix = sandbox.command(work, uid, limits.memory_mb, env) if sandbox else []

    class KernelManager(AsyncKernelManager):
        # The kernel command, run inside the sandbox; its connection file readable by its user alone.
        def format_kernel_cmd(self, extra_arguments=None):
            if uid is not None:
                os.chown(self.connection_file, uid, uid)
            return prefix + super().format_kernel_cmd(extra_arguments)

        def client(self, **kwargs):
            # The client's sockets come from the capped context below, not a default one.
            return super().client(context=self.context, **kwargs)

    context = zmq.asyncio.Context()
    context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
    # Few messages queued per socket: a kernel that floods its output fills no queue of the grader's.
    context.setsockopt(zmq.RCVHWM, MAX_QUEUED_MESSAGES)
    # Unix sockets in the kernel's own folder: no network, and no other kernel can reach them.
    km = KernelManager(
        kernel_name="python3",
        transport="ipc",
        connection_file=str(work / "kernel" / "connection.json"),
        context=context,
    )
    if sandbox is not None:
        # A SIGINT to the sandbox's process group would end bwrap (and the kernel with it):
        # the kernel interrupts itself when asked on its control channel.
        km.kernel_spec.interrupt_mode = "message"
    return km, context


def _client_class():
    from nbclient import NotebookClient

    class QuietClient(NotebookClient):
        """Keeps only error names and the start of their messages; everything printed is dropped."""

        def output(self, outs, msg, display_id, cell_index):
            if msg.get("msg_type") != "error":
                return None
            content = msg.get("content", {})
            out = nbformat.v4.new_output(
                "error",
                ename=str(content.get("ename", ""))[:100],
                evalue=str(content.get("evalue", ""))[:MAX_ERROR_CHARS],
                traceback=[],
            )
            outs.append(out)
            return out

        def handle_comm_msg(self, outs, msg, cell_index):
            return None  # widget state is not graded

    return QuietClient


def _run_in_kernel(
    nb: nbformat.NotebookNode,
    exercises: list[Exercise],
    limits: Limits,
    work: Path,
    sandbox: Sandbox | None,
    uid: int | None,
    run: KernelRun,
) -> None:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    env = kernel_env(work)
    km, context = _kernel_manager(work, sandbox, uid, limits, env)
    client = _client_class()(
        nb,
        km=km,
        timeout=limits.cell,
        allow_errors=True,
        record_timing=False,
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(work / "run")}},
    )
    watchdog = None
    try:
        # The kernel's own log lines (e.g. its TCP warning) would drown the grader's progress lines.
        with client.setup_kernel(
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cleanup_kc=True
        ):
            pid = _kernel_pid(client)
            if sandbox is None:
                _limit_memory(pid, limits.memory_mb, run)
            elif limits.memory_mb:
                watchdog = Watchdog(uid, limits.memory_mb, lambda: _kill(pid))
                watchdog.start()
            if not _run_cells(client, nb, limits, run, CellTimeoutError):
                return
            # In the sandbox, `pid` is bubblewrap's: the kernel's memory is its user's.
            run.rss_mb = _rss_mb(pid) if uid is None else user_rss_kb(uid) / 1024
            for exercise in exercises:
                # An exercise's own limit wins (building a Keras model waits for TensorFlow to start).
                limit = exercise.check.time_limit or limits.call
                path = work / "out" / f"{exercise.id}.json"
                cell = _appended(nb, request_code(dict(exercise.request, limit=limit), str(path)))
                client.timeout = limit * len(exercise.cases) + INTERRUPT_GRACE
                try:
                    client.execute_cell(cell, len(nb.cells) - 1)
                except CellTimeoutError:
                    run.problems.append(
                        f"the answer of Exercise {exercise.id} ran longer than {client.timeout:g} s in all; "
                        "it and the exercises after it were not run"
                    )
                    return
                answer = _read_answer(path, cell, exercise)
                if isinstance(answer, str):
                    run.problems.append(f"Exercise {exercise.id}: {answer}")
                else:
                    run.answers[exercise.id] = answer
    except DeadKernelError:
        why = (
            "its processes together used more than the memory limit" if watchdog and watchdog.exceeded else ""
        )
        run.problems.append(
            "the kernel died ("
            + (why or "os._exit, a crash, or out of memory")
            + "); the exercises not yet checked were not run"
        )
    except RuntimeError as err:  # the kernel did not start
        run.problems.append(f"the kernel did not start: {err}")
    finally:
        if watchdog is not None:
            watchdog.stop()
        context.destroy(linger=0)


def _kill(pid: int | None) -> None:
    import signal

    if pid is not None:
        try:
            os.kill(pid, signal.SIGKILL)  # the sandbox's outer process: its PID namespace goes with it
        except OSError:
            pass


def _run_cells(
    client, nb: nbformat.NotebookNode, limits: Limits, run: KernelRun, timeout_error: type
) -> bool:
    """Run the learner's cells; False when the kernel is stuck and nothing more can be asked of it."""
    deadline = time.monotonic() + limits.notebook
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        left = deadline - time.monotonic()
        if left <= 0:
            run.problems.append(
                f"the notebook ran longer than {limits.notebook:g} s in all; cells from {index + 1} on did not run"
            )
            break
        client.timeout = max(1, int(min(limits.cell, left)))
        try:
            client.execute_cell(cell, index)
        except timeout_error:
            run.problems.append(f"cell {index + 1} ran longer than {client.timeout} s; it was interrupted")
            if not _alive_after_interrupt(client, timeout_error):
                run.problems.append("the kernel did not stop after the interrupt; no exercise was checked")
                return False
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                run.problems.append(
                    f"cell {index + 1} raised {output.get('ename')}: {output.get('evalue', '')}".rstrip()
                )
    return True


def _alive_after_interrupt(client, timeout_error: type) -> bool:
    from jupyter_core.utils import run_sync

    run_sync(client.km.interrupt_kernel)()  # nbclient's kernel manager is the asynchronous one
    client.timeout = INTERRUPT_GRACE
    try:
        client.execute_cell(_appended(client.nb, "pass"), len(client.nb.cells) - 1)
    except timeout_error:
        return False
    return True


def _appended(nb: nbformat.NotebookNode, source: str) -> nbformat.NotebookNode:
    # nbclient stores each executed cell back at its index: the grader's cells go at the end.
    cell = nbformat.v4.new_code_cell(source)
    nb.cells.append(cell)
    return cell


def _read_answer(path: Path, cell: nbformat.NotebookNode, exercise: Exercise) -> Answer | str:
    """The kernel's answer for one exercise, or a sentence saying why there is none."""
    text = _read_own_file(path)
    if text is None:
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        why = f"{errors[0].get('ename')}: {errors[0].get('evalue', '')}" if errors else "no output file"
        return f"the grader's request failed in the kernel ({why}); not run"
    if len(text) > MAX_OUTPUT_BYTES:
        return f"the answer's outputs are larger than {MAX_OUTPUT_BYTES // 2**20} MB; not run"
    try:
        data = json.loads(text)
        if not data.get("found"):
            return Answer(found=False)
        outcomes = []
        for entry in data["outcomes"]:
            got = outcome(from_json(entry))
            if got.status == "returned":
                try:
                    got = Outcome("returned", rebuilt(exercise, got.value))
                except Exception as err:  # Keras refuses the architecture: the answer's failure, said so
                    message = f"the grader could not rebuild the model: {str(err)[:200]}"
                    got = Outcome("raised", error=type(err).__name__, message=message)
            outcomes.append(got)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as err:
        return (
            f"the answer's outputs could not be read back ({type(err).__name__}: {str(err)[:200]}); not run"
        )
    return Answer(True, outcomes)


def _read_own_file(path: Path) -> str | None:
    # The kernel wrote this file: never follow a link it put there, never read more than the cap.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None
        data = handle.read(MAX_OUTPUT_BYTES + 1)
    return data.decode("utf-8", errors="replace")


def _kernel_pid(client) -> int | None:
    process = getattr(getattr(client.km, "provisioner", None), "process", None)
    return getattr(process, "pid", None)


def _limit_memory(pid: int | None, memory_mb: int | None, run: KernelRun) -> None:
    # Set from outside once the kernel is up: no preexec_fn (unsafe with the grader's threads).
    if memory_mb is None or pid is None:
        return
    import resource

    if not hasattr(resource, "prlimit"):  # macOS: no memory limit, said once per notebook
        run.problems.append("no memory limit on this platform (resource.prlimit is Linux-only)")
        return
    limit = memory_mb * 2**20
    resource.prlimit(pid, resource.RLIMIT_AS, (limit, limit))


def _rss_mb(pid: int | None) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None
