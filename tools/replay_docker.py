"""Replay the course image's Dockerfile without Docker, then grade in the result.

Usage: python tools/replay_docker.py [--workdir DIR] [--report FILE] [--install-apt]

No Docker daemon runs where the tests run, so this script does what
``docker build`` would do with the repository's ``Dockerfile``, step by step,
on this machine:

- ``FROM python:X.Y-...``: checks that this machine has Python X.Y (the one
  ``runtime.txt`` names too) and makes a fresh virtual environment with it,
  ``DIR/env``, standing for the image's Python;
- ``RUN apt-get ... install PKG...``: checks that each Debian package is
  installed (``--install-apt`` installs the missing ones, as root);
- ``WORKDIR`` and ``COPY``: the image's folders become folders under ``DIR/root``;
- ``RUN python -m pip ...``: runs in the virtual environment, in the
  ``WORKDIR`` (pip's cache is used, so ``--no-cache-dir`` is dropped);
- ``CMD``: run last, as ``docker run course-image`` would.

Then it grades ``solutions/01_output_size.ipynb`` as the image's copy
(``/course/solutions``) with the command INSTRUCTORS.md gives, run with
``--sandbox required`` from the image's ``WORKDIR``, and writes a JSON
report (``--report``). Exit status 0 when every step and the grading passed.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def instructions(text: str) -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (keyword, argument), continuation lines joined.

    Examples
    --------
    >>> instructions("# c\\nFROM python:3.11\\nRUN a && \\\\\\n    b\\n")
    [('FROM', 'python:3.11'), ('RUN', 'a &&     b')]
    """
    found, pending = [], ""
    for line in text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1]
            continue
        line, pending = pending + line, ""
        keyword, _, argument = line.strip().partition(" ")
        found.append((keyword.upper(), argument.strip()))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--workdir", type=Path, help="where the replay goes (default: a new temporary folder)"
    )
    parser.add_argument("--report", type=Path, help="write the JSON report here")
    parser.add_argument("--install-apt", action="store_true", help="apt-get install missing Debian packages")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="replay-docker-"))
    root, env = work / "root", work / "env"
    root.mkdir(parents=True, exist_ok=True)
    report: dict = {"steps": [], "ok": False}
    cwd = root
    python = None
    try:
        for keyword, argument in instructions((REPO / "Dockerfile").read_text(encoding="utf-8")):
            start = time.monotonic()
            if keyword == "FROM":
                version = re.match(r"python:(\d+\.\d+)", argument)
                if version is None:
                    raise SystemExit(f"FROM must name a python:X.Y image. Received: {argument!r}.")
                wanted = version.group(1)
                runtime = (REPO / "runtime.txt").read_text().strip().removeprefix("python-")
                if runtime != wanted:
                    raise SystemExit(f"runtime.txt says Python {runtime}, the Dockerfile {wanted}")
                base = shutil.which(f"python{wanted}") or (
                    sys.executable if f"{sys.version_info[0]}.{sys.version_info[1]}" == wanted else None
                )
                if base is None:
                    raise SystemExit(f"no Python {wanted} on this machine to stand for {argument}")
                subprocess.run([base, "-m", "venv", str(env)], check=True)
                python = str(env / "bin" / "python")
            elif keyword == "WORKDIR":
                cwd = root / argument.lstrip("/")
                cwd.mkdir(parents=True, exist_ok=True)
            elif keyword == "COPY":
                *sources, target = shlex.split(argument)
                for source in sources:
                    _copy(REPO / source, cwd / target, many=len(sources) > 1 or target.endswith("/"))
            elif keyword == "RUN":
                _run(argument, cwd, python, args.install_apt, report)
            elif keyword == "CMD":
                command = [python if w == "python" else w for w in json.loads(argument)]
                done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
                report["cmd_exit"] = done.returncode
            else:
                raise SystemExit(f"the replay does not know the instruction {keyword}")
            seconds = round(time.monotonic() - start, 1)
            report["steps"].append({"instruction": f"{keyword} {argument}"[:200], "seconds": seconds})
            print(f"replayed {keyword} {argument[:80]} ({seconds} s)", flush=True)
        report["grading"] = _grade(python, root, cwd)
        report["ok"] = report.get("cmd_exit") == 0 and report["grading"]["exit"] == 0
    finally:
        if args.report:
            args.report.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print("replay " + ("passed" if report["ok"] else "FAILED"), flush=True)
    return 0 if report["ok"] else 1


def _copy(source: Path, target: Path, many: bool) -> None:
    destination = target / source.name if many else target
    if source.is_dir():
        shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    else:
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, destination)


def _run(command: str, cwd: Path, python: str | None, install_apt: bool, report: dict) -> None:
    if "apt-get" in command:
        packages = re.findall(r"install\s+(?:-\S+\s+)*([^&|;]+)", command)
        names = [p for p in " ".join(packages).split() if not p.startswith("-")]
        missing = [n for n in names if subprocess.run(["dpkg", "-s", n], capture_output=True).returncode != 0]
        if missing and install_apt:
            subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, capture_output=True)
            missing = []
        report["apt_packages"], report["apt_missing"] = names, missing
        if missing:
            raise SystemExit(f"Debian packages missing here: {', '.join(missing)} (use --install-apt)")
        return
    words = shlex.split(command)
    if words[:1] != ["python"]:
        raise SystemExit(f"the replay runs only apt-get and python commands. Received: {command!r}")
    words = [python, *[w for w in words[1:] if w != "--no-cache-dir"]]
    subprocess.run(words, cwd=cwd, check=True, capture_output=True, text=True)


def _grade(python: str, root: Path, cwd: Path) -> dict:
    notebook = root / "course" / "solutions" / "01_output_size.ipynb"
    command = [python, "-m", "poolutils.grade", str(notebook), "--sandbox", "required", "--jobs", "1"]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900)
    where = subprocess.run(
        [python, "-c", "import poolutils; print(poolutils.__file__)"], capture_output=True, text=True, cwd=cwd
    )
    return {
        "exit": done.returncode,
        "stdout": done.stdout[-4000:],
        "stderr": done.stderr[-2000:],
        "poolutils": where.stdout.strip(),
    }


if __name__ == "__main__":
    raise SystemExit(main())
