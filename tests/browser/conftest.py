"""JupyterLab in a subprocess and Debian's Chromium driven by Playwright.

The server runs from this environment on a temporary copy of ``notebooks/``,
with temporary settings, workspaces and runtime directories, so a test run
never touches the committed notebooks or the user's own Jupyter state. The
repository's ``jupyter/overrides.json`` is installed where ``make lab`` installs
it. Teardown stops everything it started and fails if any of it survives.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

REPO = Path(__file__).resolve().parents[2]
# BROWSER_NOTEBOOKS points the suite at another copy, e.g. notebooks regenerated but not yet committed.
NOTEBOOKS = Path(os.environ.get("BROWSER_NOTEBOOKS", REPO / "notebooks"))
OVERRIDES = REPO / "jupyter" / "overrides.json"
SCREENSHOTS = REPO / "build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
# A cold server imports jupyterlab and its extensions: seconds on a busy 2-core machine.
SERVER_START_TIMEOUT = 90
STOP_TIMEOUT = 20


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: where it listens and where its files are."""

    url: str
    token: str
    root: Path
    log: Path

    def notebook_url(self, name: str) -> str:
        # reset: open this notebook alone, not the tabs the previous test left in the workspace.
        return f"{self.url}/lab/tree/{name}?reset&token={self.token}"

    def api(self, path: str, method: str = "GET") -> dict | list:
        request = urllib.request.Request(
            f"{self.url}/{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else {}


def lab_app_settings_dir() -> Path:
    """The app-settings directory of this environment's JupyterLab (where overrides.json goes)."""
    from jupyterlab.commands import get_app_dir

    return Path(get_app_dir()) / "settings"


def install_overrides() -> Path:
    """Copy the repository's overrides.json where JupyterLab reads it, as ``make lab`` does."""
    target = lab_app_settings_dir() / "overrides.json"
    if not target.exists() or target.read_bytes() != OVERRIDES.read_bytes():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(OVERRIDES, target)
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def leftover_processes(before: frozenset[int] = frozenset()) -> list[str]:
    """Descendants of this test process, not in ``before``, that belong to JupyterLab, a kernel, Chromium or Playwright."""
    found = []
    for proc in psutil.Process().children(recursive=True):
        if proc.pid in before:
            continue
        try:
            cmdline = " ".join(proc.cmdline())
            if proc.status() != psutil.STATUS_ZOMBIE and any(
                word in cmdline for word in ("jupyter", "ipykernel", "chrom", "playwright")
            ):
                found.append(f"{proc.pid}: {cmdline[:200]}")
        except psutil.NoSuchProcess:
            continue
    return found


def stop(procs: list[psutil.Process]) -> list[psutil.Process]:
    """Terminate, wait, then kill ``procs``; return the ones still alive."""
    for proc in procs:
        try:
            proc.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(procs, timeout=STOP_TIMEOUT)
    for proc in alive:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(alive, timeout=STOP_TIMEOUT)
    return alive


def wait_until_up(server: subprocess.Popen, lab: Lab) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {server.returncode}:\n{lab.log.read_text()[-3000:]}")
        try:
            lab.api("api/status")
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise RuntimeError(
        f"JupyterLab did not answer in {SERVER_START_TIMEOUT} s:\n{lab.log.read_text()[-3000:]}"
    )


# Package scope: the server and browser stop when this suite ends, not after the rest of `make test`.
@pytest.fixture(scope="package")
def no_leftovers() -> Iterator[None]:
    """Torn down last: fails if a server, kernel or browser process this suite started survived."""
    before = frozenset(proc.pid for proc in psutil.Process().children(recursive=True))
    yield
    left = leftover_processes(before)
    assert not left, "processes left behind by the browser tests:\n" + "\n".join(left)


@pytest.fixture(scope="package")
def lab(tmp_path_factory: pytest.TempPathFactory, no_leftovers: None) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 serving a temporary copy of ``notebooks/``."""
    install_overrides()
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    dirs = {name: base / name for name in ("settings", "workspaces", "runtime", "config", "ipython")}
    for path in dirs.values():
        path.mkdir()
    port, token = free_port(), secrets.token_hex(24)
    lab = Lab(url=f"http://127.0.0.1:{port}", token=token, root=root, log=base / "jupyterlab.log")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "IPYTHONDIR": str(dirs["ipython"]),
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={dirs['settings']}",
        f"--LabApp.workspaces_dir={dirs['workspaces']}",
        # window.jupyterapp gives the tests the notebook model, the only place errors differ from stderr.
        "--LabApp.expose_app_in_browser=True",
        # CI containers run as root; the server refuses to start as root without this.
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]
    with lab.log.open("wb") as log:
        server = subprocess.Popen(command, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(server, lab)
        yield lab
    finally:
        children = psutil.Process(server.pid).children(recursive=True) if server.poll() is None else []
        try:
            # The server's own shutdown also shuts down its kernels.
            lab.api("api/shutdown", method="POST")
            server.wait(timeout=STOP_TIMEOUT)
        except (urllib.error.URLError, ConnectionError, TimeoutError, subprocess.TimeoutExpired):
            pass
        alive = stop([psutil.Process(server.pid)] if server.poll() is None else []) + stop(children)
        server.wait(timeout=STOP_TIMEOUT)
        assert not alive, f"JupyterLab processes survived kill: {[p.pid for p in alive]}"


@pytest.fixture(scope="package")
def browser(no_leftovers: None):
    """Debian's headless Chromium, launched by Playwright (which cannot download browsers here)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make browser-deps` (as root) or skip this suite with `make test-fast`"
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser, lab: Lab):
    """A fresh browser page; closed, and its kernels shut down, after the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        yield page
    finally:
        context.close()
        # Each notebook's kernel holds TensorFlow in memory: free it before the next one starts.
        for session in lab.api("api/sessions"):
            lab.api(f"api/sessions/{session['id']}", method="DELETE")


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
