"""Replay what Binder (repo2docker) does with this repository, without Docker.

Usage: python tools/replay_binder.py [--workdir DIR] [--report FILE] [--with-test-tools]

repo2docker builds an image from the files it finds in the repository:
``runtime.txt`` (the Python version), ``requirements.txt`` (``pip install -r``)
and ``postBuild`` (run once, in the repository's root). Then Binder starts a
Jupyter server and opens the URL of the launch link. This script does the same
in a fresh virtual environment:

1. copies the repository's files (tracked or new, not ignored) to ``DIR/repo``;
2. creates ``DIR/env`` with the Python that ``runtime.txt`` names and runs
   ``pip install -r requirements.txt`` there (pip's cache is used);
3. runs ``postBuild`` with that environment first on ``PATH``;
4. starts JupyterLab on 127.0.0.1 with a random token, as a Binder container
   does, and through its REST API checks that it lands on the course's first
   notebook, serves it, and starts its kernel;
5. runs the landing notebook under strict nbval in that environment.

It prints one line per step and writes a JSON report (``--report``): install
time and size, what the server answered, and whether any test tool got in.
``--with-test-tools`` then also installs ``requirements-test.txt`` and
measures what ``make test`` adds. Exit status 0 when every check passed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
LANDING = "notebooks/00_start_here.ipynb"
# What requirements-test.txt adds; none of it may reach a learner's (or Binder's) environment.
TEST_TOOLS = ("hypothesis", "ruff", "playwright")
SERVER_START_TIMEOUT = 120
KERNEL_START_TIMEOUT = 120


def step(message: str) -> None:
    print(f"replay-binder: {message}", flush=True)


def run(command: list[str], log: Path, **kwargs) -> float:
    """Run ``command`` with its output in ``log``; return seconds taken, or raise with the log's tail."""
    start = time.perf_counter()
    with log.open("ab") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, **kwargs)
    if done.returncode:
        tail = log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(command)} exited with {done.returncode}:\n{tail}")
    return time.perf_counter() - start


def copy_repository(target: Path) -> None:
    """The files repo2docker would see: tracked and new files, nothing git ignores (.venv, build)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def runtime_python(repo: Path) -> str:
    """The interpreter of ``runtime.txt`` ("python-3.11" -> python3.11), if this machine has it."""
    match = re.fullmatch(r"python-(\d+\.\d+)", (repo / "runtime.txt").read_text().strip())
    if not match:
        raise RuntimeError("runtime.txt must say python-X.Y, as repo2docker expects")
    python = shutil.which(f"python{match.group(1)}")
    if python is None:
        raise RuntimeError(f"runtime.txt asks for Python {match.group(1)}, which this machine lacks")
    return python


def tree_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def installed(env: Path) -> set[str]:
    names = subprocess.run(
        [str(env / "bin" / "python"), "-m", "pip", "list", "--format=json"], capture_output=True, check=True
    ).stdout
    return {p["name"].lower() for p in json.loads(names)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request(url: str, token: str, method: str = "GET", body: dict | None = None, follow: bool = True):
    """(status, headers, parsed JSON or text) of one call to the server."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Authorization": f"token {token}"})
    opener = urllib.request.build_opener(*([] if follow else [NoRedirect]))
    try:
        with opener.open(req, timeout=30) as response:
            status, headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        status, headers, raw = err.code, err.headers, err.read()
    text = raw.decode(errors="replace")
    is_json = (headers.get("Content-Type") or "").startswith("application/json")
    return status, headers, json.loads(text) if is_json and text else text


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            result = None
        if result:
            return result
        time.sleep(0.5)
    raise RuntimeError(f"timed out after {timeout} s waiting for {what}")


# Run in the landing notebook's kernel: where poolutils comes from, and the inline figure format.
KERNEL_PROBE = """
import IPython, poolutils
print(poolutils.__file__)
print(sorted(IPython.get_ipython().config.InlineBackend.figure_formats))
"""


def ask_kernel(connection_file: Path) -> dict:
    """Connect to a kernel the server started (as the browser would) and run :data:`KERNEL_PROBE`."""
    from jupyter_client import BlockingKernelClient

    wait_for(connection_file.exists, KERNEL_START_TIMEOUT, f"{connection_file.name}")
    client = BlockingKernelClient(connection_file=str(connection_file))
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=KERNEL_START_TIMEOUT)
        lines: list[str] = []

        def collect(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                lines.extend(msg["content"]["text"].splitlines())

        reply = client.execute_interactive(KERNEL_PROBE, output_hook=collect, timeout=KERNEL_START_TIMEOUT)
    finally:
        client.stop_channels()
    status = reply["content"]["status"]
    return {
        "kernel_status": status,
        "kernel_poolutils": lines[0] if lines else None,
        "kernel_figure_formats": lines[1] if len(lines) > 1 else None,
    }


def serve_and_open(repo: Path, env: Path, work: Path, report: dict) -> None:
    """Start the server as Binder does and open the landing notebook through the REST API."""
    port, token = free_port(), secrets.token_hex(24)
    url = f"http://127.0.0.1:{port}"
    dirs = {name: work / name for name in ("jupyter-config", "jupyter-data", "jupyter-runtime", "ipython")}
    for path in dirs.values():
        path.mkdir(exist_ok=True)
    environ = {
        **os.environ,
        "PATH": f"{env / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(env),
        # The user's own Jupyter and IPython settings must not leak in: a Binder user has none.
        "JUPYTER_CONFIG_DIR": str(dirs["jupyter-config"]),
        "JUPYTER_DATA_DIR": str(dirs["jupyter-data"]),
        "JUPYTER_RUNTIME_DIR": str(dirs["jupyter-runtime"]),
        "IPYTHONDIR": str(dirs["ipython"]),
    }
    command = [
        str(env / "bin" / "jupyter"),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]
    log = work / "jupyterlab.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            command, cwd=repo, env=environ, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_for(
            lambda: server.poll() is None and request(f"{url}/api/status", token)[0] == 200,
            SERVER_START_TIMEOUT,
            "the server",
        )
        status, headers, _ = request(f"{url}/", token, follow=False)
        report["root_redirect"] = headers.get("Location")
        status, _, model = request(f"{url}/api/contents/{LANDING}", token)
        report["landing_status"] = status
        report["landing_cells"] = len(model["content"]["cells"]) if status == 200 else 0
        status, _, _ = request(f"{url}/lab/tree/{LANDING}", token)
        report["landing_page_status"] = status
        _, _, settings = request(f"{url}/lab/api/settings/@jupyterlab/apputils-extension:notification", token)
        report["news_default"] = settings["schema"]["properties"]["fetchNews"]["default"]
        body = {
            "path": LANDING,
            "name": Path(LANDING).name,
            "type": "notebook",
            "kernel": {"name": "python3"},
        }
        status, _, session = request(f"{url}/api/sessions", token, "POST", body)
        report.update(ask_kernel(dirs["jupyter-runtime"] / f"kernel-{session['kernel']['id']}.json"))
        request(f"{url}/api/sessions/{session['id']}", token, "DELETE")
    finally:
        try:
            request(f"{url}/api/shutdown", token, "POST")
            server.wait(timeout=30)
        except (urllib.error.URLError, ConnectionError, TimeoutError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    report["server_exit"] = server.returncode


def replay(work: Path, with_test_tools: bool) -> dict:
    repo, env = work / "repo", work / "env"
    log = work / "build.log"
    report: dict = {"workdir": str(work)}

    copy_repository(repo)
    python = runtime_python(repo)
    step(f"copied the repository to {repo}; creating {env} with {python}")
    run([python, "-m", "venv", str(env)], log)
    pip = [str(env / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    run([*pip, "--quiet", "--upgrade", "pip"], log)
    before = tree_size(env)
    report["install_seconds"] = round(run([*pip, "-r", "requirements.txt"], log, cwd=repo), 1)
    report["install_mb"] = round((tree_size(env) - before) / 1e6)
    step(f"pip install -r requirements.txt: {report['install_seconds']} s, {report['install_mb']} MB")

    environ = {
        **os.environ,
        "PATH": f"{env / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(env),
    }
    report["postbuild_seconds"] = round(run(["bash", "./postBuild"], log, cwd=repo, env=environ), 1)
    packages = installed(env)
    report["test_tools_installed"] = sorted(set(TEST_TOOLS) & packages)
    report["poolutils_installed"] = "poolutils" in packages
    step(
        f"postBuild: {report['postbuild_seconds']} s; test tools installed: {report['test_tools_installed']}"
    )

    serve_and_open(repo, env, work, report)
    step(
        f"server: / -> {report['root_redirect']}; {LANDING}: HTTP {report['landing_status']}, "
        f"{report['landing_cells']} cells; its kernel: {report['kernel_status']}, poolutils from "
        f"{report['kernel_poolutils']}, inline figures {report['kernel_figure_formats']}"
    )

    nbval = [str(env / "bin" / "python"), "-m", "pytest", "-p", "no:cacheprovider", "--nbval", LANDING]
    done = subprocess.run(nbval, cwd=repo, env=environ, capture_output=True, text=True)
    report["nbval_exit"] = done.returncode
    report["nbval_summary"] = (done.stdout.strip().splitlines() or [""])[-1]
    step(f"strict nbval on {LANDING}: {report['nbval_summary']}")

    if with_test_tools:
        before = tree_size(env)
        report["test_install_seconds"] = round(run([*pip, "-r", "requirements-test.txt"], log, cwd=repo), 1)
        report["test_install_mb"] = round((tree_size(env) - before) / 1e6)
        step(
            f"pip install -r requirements-test.txt: {report['test_install_seconds']} s, "
            f"{report['test_install_mb']} MB more"
        )
    return report


def passed(report: dict) -> bool:
    return (
        urlsplit(report["root_redirect"] or "").path == f"/lab/tree/{LANDING}"
        and report["landing_status"] == report["landing_page_status"] == 200
        and report["landing_cells"] > 0
        and report["kernel_status"] == "ok"
        and report["kernel_poolutils"].startswith(str(Path(report["workdir"]) / "repo" / "poolutils"))
        and report["kernel_figure_formats"] == "['retina']"
        and report["nbval_exit"] == 0
        and report["poolutils_installed"]
        and not report["test_tools_installed"]
        and report["news_default"] == "false"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="where to build (default: a new temporary folder)")
    parser.add_argument("--report", type=Path, help="write the JSON report here")
    parser.add_argument("--with-test-tools", action="store_true", help="then measure requirements-test.txt")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="replay-binder-"))
    work.mkdir(parents=True, exist_ok=True)
    report = replay(work.resolve(), args.with_test_tools)
    report["passed"] = passed(report)
    if args.report:
        args.report.write_text(json.dumps(report, indent=2))
    step("PASS" if report["passed"] else f"FAIL: {json.dumps(report)}")
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
