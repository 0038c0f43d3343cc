"""Each learner's kernel in its own sandbox: namespaces, an unprivileged user, read-only files, limits.

The kernel is started through bubblewrap (``bwrap``, Debian's ``bubblewrap``
package: a maintained tool, so no namespace code of our own), then util-linux's
``prlimit`` and ``setpriv``. Inside it:

- its own PID namespace (every process the learner starts dies with the
  kernel, whatever session it made), no network (the grader talks to it over
  Unix sockets in the kernel's own folder), its own IPC and mount namespaces;
- an unprivileged user id of its own (one per kernel running at a time), no
  capabilities and no new privileges;
- a new root holding only the system's folders (:data:`SYSTEM`) and the
  Python environment, read-only: no course checkout (solutions, the grader's
  package), no submissions, no HOME, no other kernel's folder, an empty
  ``/tmp``; writable only its own HOME (``IPYTHONDIR``, ``KERAS_HOME``,
  Matplotlib's cache), ``TMPDIR`` and working folder, all discarded after the
  notebook;
- only the environment variables listed in :func:`environment`;
- a process-count limit (``RLIMIT_NPROC`` of its user id) and a memory limit
  for its whole process tree (``RLIMIT_AS`` per process and a watchdog,
  :class:`Watchdog`, that kills the sandbox when the tree's resident memory
  together passes the limit).

``--sandbox auto`` (the default) uses it where it works and otherwise says in
one line what is missing (:func:`probe`); ``required`` refuses to grade
without it; ``off`` runs kernels as the grader's user, as before.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

MODES = ("off", "auto", "required")
# Processes (threads count too) one kernel's user may have: TensorFlow starts a few dozen threads.
MAX_PROCESSES = 512
# The kernels' user ids: far above any login user; each grader process takes its own block of
# UIDS_PER_GRADER (by its process id), so two graders on one machine never share a user id.
FIRST_UID = 100_000
UIDS_PER_GRADER = 1_000
# Seconds between two looks of the memory watchdog.
WATCH_INTERVAL = 0.2
# The system folders a kernel sees (read-only); links such as /lib -> usr/lib stay links.
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")


def uid_block(pid: int) -> range:
    """The user ids the kernels of the grader with process id ``pid`` run under.

    Examples
    --------
    >>> uid_block(1234)
    range(334000, 335000)
    """
    first = FIRST_UID + (pid % 1000) * UIDS_PER_GRADER
    return range(first, first + UIDS_PER_GRADER)


@dataclass(frozen=True)
class Sandbox:
    """How kernels are contained in this run.

    Attributes
    ----------
    visible : tuple of Path
        The folders a kernel sees besides the system's (:data:`SYSTEM`), read-only:
        the Python environment (see :func:`python_folders`).
    uids : range
        The user ids this run's kernels get, one each (:func:`uid_block` of this process).
    """

    visible: tuple[Path, ...] = ()
    uids: range = field(default_factory=lambda: uid_block(os.getpid()))
    _uids: list[int] = field(default_factory=list, compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def acquire_uid(self) -> int:
        """A user id no running kernel of this run has."""
        with self._lock:
            uid = next(u for u in self.uids if u not in self._uids)
            self._uids.append(uid)
            return uid

    def release_uid(self, uid: int) -> None:
        _kill_user(uid)  # belt and braces: the PID namespace has already ended them
        with self._lock:
            self._uids.remove(uid)

    def command(self, work: Path, uid: int, memory_mb: int | None, env: dict[str, str]) -> list[str]:
        """The argv prefix that runs a kernel command in the sandbox rooted at ``work``."""
        bwrap = [
            shutil.which("bwrap") or "bwrap",
            "--die-with-parent",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-ipc",
            "--unshare-uts",
        ]
        # A new root: the system's folders and the Python environment, read-only; nothing else
        # (no course checkout, no submissions, no HOME, no other kernel's folder).
        for folder in SYSTEM:
            path = Path(folder)
            if path.is_symlink():
                bwrap += ["--symlink", os.readlink(path), folder]
            elif path.is_dir():
                bwrap += ["--ro-bind", folder, folder]
        # First the fresh /tmp: the Python environment or the kernel's folder may live under it.
        bwrap += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/dev/shm"]
        made: set[Path] = set()
        for folder in [*self.visible, work]:
            # Folders above a mount point: traversable (bwrap would make them 0700, closed to the kernel's user).
            for parent in reversed(folder.parents):
                if (
                    parent != Path("/")
                    and parent not in made
                    and not any(parent.is_relative_to(s) for s in SYSTEM)
                ):
                    made.add(parent)
                    bwrap += ["--perms", "0755", "--dir", str(parent)]
            if folder != work:
                bwrap += ["--ro-bind", str(folder), str(folder)]
        # The kernel's own folder: its HOME, TMPDIR, working folder and sockets (the package copy stays read-only).
        bwrap += ["--bind", str(work), str(work), "--ro-bind", str(work / "lib"), str(work / "lib")]
        bwrap += ["--chdir", str(work / "run"), "--clearenv"]
        for name, value in env.items():
            bwrap += ["--setenv", name, value]
        limits = [f"--nproc={MAX_PROCESSES}", "--core=0"]
        if memory_mb:
            limits.append(f"--as={memory_mb * 2**20}")
        privileges = [
            "setpriv",
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "--no-new-privs",
            "--inh-caps=-all",
            "--bounding-set=-all",
        ]
        return [*bwrap, "--", "prlimit", *limits, "--", *privileges, "--"]


def environment(work: Path, lib: Path, extra: dict[str, str]) -> dict[str, str]:
    """The kernel's whole environment: nothing of the grader's but the locale and ``PATH``.

    Examples
    --------
    >>> env = environment(Path("/k"), Path("/k/lib"), {"POOLUTILS_GRADING": "1"})
    >>> env["HOME"], env["KERAS_HOME"], env["TMPDIR"], "AWS_SECRET" in env
    ('/k/home', '/k/home/.keras', '/k/tmp', False)
    """
    home = work / "home"
    env = {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "USER": "learner",
        "IPYTHONDIR": str(home / ".ipython"),
        "KERAS_HOME": str(home / ".keras"),
        "MPLCONFIGDIR": str(home / ".config" / "matplotlib"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_DATA_DIR": str(home / ".local" / "share" / "jupyter"),
        "TMPDIR": str(work / "tmp"),
        "PYTHONPATH": str(lib),
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update(extra)
    return env


def prepare_folder(work: Path, uid: int | None) -> None:
    """Make the kernel's folders; in a sandbox they belong to the kernel's user (the package copy does not)."""
    for name in ("home", "tmp", "run", "out", "kernel"):
        (work / name).mkdir(mode=0o700)
        if uid is not None:
            os.chown(work / name, uid, uid)
    if uid is not None:
        work.chmod(0o711)


def probe(mode: str) -> tuple[bool, str]:
    """Whether kernels can be sandboxed here, and if not, one sentence naming what is missing.

    Examples
    --------
    >>> probe("off")
    (False, 'sandbox off (--sandbox off): kernels run as the grader user, with its files and network')
    """
    if mode not in MODES:
        raise ValueError(f"`sandbox` must be one of {', '.join(MODES)}. Received: {mode!r}.")
    if mode == "off":
        return (
            False,
            "sandbox off (--sandbox off): kernels run as the grader user, with its files and network",
        )
    missing = _missing()
    if missing:
        return False, f"no sandbox: {missing}; kernels run as the grader user, with its files and network"
    return True, "sandbox on: each kernel in its own namespaces, as an unprivileged user, files read-only"


def _missing() -> str:
    if not sys.platform.startswith("linux"):
        return f"Linux namespaces are not available on {sys.platform}"
    if os.geteuid() != 0:
        return "the grader is not root (switching kernels to unprivileged users needs root)"
    for tool, package in (("bwrap", "bubblewrap"), ("setpriv", "util-linux"), ("prlimit", "util-linux")):
        if shutil.which(tool) is None:
            return f"`{tool}` is not installed (apt-get install {package})"
    test = ["bwrap", "--die-with-parent", "--unshare-pid", "--unshare-net", "--unshare-ipc"]
    test += ["--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--"]
    test += [
        "setpriv",
        f"--reuid={FIRST_UID}",
        f"--regid={FIRST_UID}",
        "--clear-groups",
        "--no-new-privs",
        "true",
    ]
    try:
        done = subprocess.run(test, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"bwrap could not start ({err})"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"bwrap cannot create namespaces here ({last})"
    return ""


def python_folders() -> tuple[Path, ...]:
    """The folders the kernel's Python needs: the environment, its base installation, the interpreter's."""
    needed = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent.parent}
    needed = {p.resolve() for p in needed}
    inside_system = {p for p in needed if any(p.is_relative_to(s) for s in SYSTEM if s != "/")}
    return tuple(sorted(needed - inside_system))


class Watchdog(threading.Thread):
    """Kill a sandbox when the resident memory of all its user's processes passes ``limit_mb``."""

    def __init__(self, uid: int, limit_mb: int, on_exceed) -> None:
        super().__init__(daemon=True)
        self.uid, self.limit_kb, self.on_exceed = uid, limit_mb * 1024, on_exceed
        self.exceeded = False
        self._stop = threading.Event()

    def run(self) -> None:
        while not self._stop.wait(WATCH_INTERVAL):
            if user_rss_kb(self.uid) > self.limit_kb:
                self.exceeded = True
                self.on_exceed()
                _kill_user(self.uid)
                return

    def stop(self) -> None:
        self._stop.set()


def user_processes(uid: int) -> list[int]:
    """The process ids of ``uid`` (read from /proc)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def user_rss_kb(uid: int) -> int:
    """The resident memory of all of ``uid``'s processes together, in kB."""
    total = 0
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    for pid in user_processes(uid):
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page_kb
        except (OSError, IndexError, ValueError):
            continue
    return total


def _kill_user(uid: int) -> None:
    import signal

    for pid in user_processes(uid):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            continue
