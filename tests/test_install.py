"""What a fresh clone installs, what Binder reads, and the Makefile's chores.

``make lab`` (and Binder) install requirements.txt only; ``make test`` adds
requirements-test.txt. The pyproject extras say the same. The Makefile is
driven with ``make -n`` and a ``VENV`` that does not exist, as on a fresh
clone, so nothing is installed here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The course's design: what a learner runs (README "Two commands").
RUNTIME = {"jupyterlab", "numpy", "matplotlib", "ipywidgets", "nbval", "keras", "ipykernel"}
TEST_TOOLS = {"hypothesis", "ruff", "playwright", "pyyaml", "pytest-timeout", "pytest-xdist", "execnet"}
LANDING = "notebooks/00_start_here.ipynb"


def requirement_lines(name: str) -> list[str]:
    lines = (REPO / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def package(line: str) -> str:
    return re.split(r"[=<>;\[ ]", line, maxsplit=1)[0].lower()


def extras() -> dict[str, list[str]]:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]


def make(*args: str, cwd: Path = REPO, venv: Path | None = None) -> subprocess.CompletedProcess:
    extra = [f"VENV={venv}"] if venv else []
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(["make", *args, *extra], cwd=cwd, capture_output=True, text=True, env=env)


@pytest.mark.parametrize(
    ("extra", "file"),
    [("lab", "requirements.txt"), ("test", "requirements-test.txt"), ("bench", "requirements-bench.txt")],
)
def test_extras_are_the_requirement_files(extra, file):
    assert extras()[extra] == requirement_lines(file)


def test_runtime_has_the_course_and_no_test_tools():
    runtime = {package(line) for line in requirement_lines("requirements.txt")}
    assert RUNTIME <= runtime
    assert {"tensorflow", "tensorflow-cpu"} <= runtime
    assert not runtime & TEST_TOOLS
    assert {package(line) for line in requirement_lines("requirements-test.txt")} == TEST_TOOLS


@pytest.mark.parametrize("file", ["requirements.txt", "requirements-test.txt", "requirements-bench.txt"])
def test_every_requirement_is_pinned_exactly(file):
    loose = [line for line in requirement_lines(file) if "==" not in line]
    assert not loose, f"{file}: not pinned with ==: {loose}"


def test_make_lab_on_a_fresh_clone_installs_only_the_runtime(tmp_path):
    done = make("-n", "lab", venv=tmp_path / "venv")
    assert done.returncode == 0, done.stderr
    assert "-r requirements.txt" in done.stdout
    assert "requirements-test.txt" not in done.stdout
    assert "install_jupyter_settings.py" in done.stdout


def test_make_test_installs_both_sets_and_runs_everything(tmp_path):
    done = make("-n", "test", venv=tmp_path / "venv")
    assert done.returncode == 0, done.stderr
    assert "-r requirements.txt" in done.stdout and "-r requirements-test.txt" in done.stdout
    assert "install_chromium.sh" in done.stdout
    pytest_line = next(line for line in done.stdout.splitlines() if "-m pytest" in line)
    assert " -m " not in pytest_line.split("-m pytest", 1)[1], "make test must not deselect markers"
    assert " -n auto --maxprocesses=4" in pytest_line  # one worker per core (tests/test_work_units.py)
    fast = make("-n", "test-fast", venv=tmp_path / "venv").stdout
    assert "not browser and not binder" in fast


def test_make_help_lists_every_commented_target():
    makefile = (REPO / "Makefile").read_text()
    commented = re.findall(r"^## ([\w-]+): (.+)$", makefile, flags=re.M)
    done = make("help")
    assert done.returncode == 0, done.stderr
    for target, comment in commented:
        assert re.search(rf"make {re.escape(target)}\s+{re.escape(comment)}$", done.stdout, flags=re.M), (
            target
        )
    phony = set(
        re.search(r"^\.PHONY: (.+?)(?<!\\)$", makefile, flags=re.M | re.S)
        .group(1)
        .replace("\\\n", " ")
        .split()
    )
    internal = {"submissions-folder"}
    assert phony - internal == {t for t, _ in commented}, "every public target needs a ## comment"
    assert make().stdout == done.stdout, "a bare `make` shows the help"


def test_make_grade_defaults_to_submissions(tmp_path):
    done = make("-n", "grade", venv=tmp_path / "venv")
    assert "-m poolutils.grade submissions" in done.stdout


def test_make_grade_says_what_to_do_without_the_folder(tmp_path):
    missing = tmp_path / "nowhere"
    done = make("grade", f"SUBMISSIONS={missing}", venv=tmp_path / "venv")
    assert done.returncode != 0
    assert f"there is no folder '{missing}'" in done.stdout
    assert "make grade SUBMISSIONS=" in done.stdout
    assert not (tmp_path / "venv").exists(), "nothing is installed before the folder is checked"


# --- Binder -------------------------------------------------------------------


def test_binder_reads_runtime_pins_and_a_postbuild():
    runtime = (REPO / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime)
    requires = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == f">={runtime.removeprefix('python-')}"
    post = REPO / "postBuild"
    assert os.access(post, os.X_OK)
    text = post.read_text()
    assert "pip install --no-deps" in text and "-e ." in text
    assert "tools/install_jupyter_settings.py --landing" in text


def test_binder_lands_where_make_lab_lands():
    config = json.loads((REPO / "jupyter" / "jupyter_lab_config.json").read_text())
    assert config["LabApp"]["default_url"] == f"/lab/tree/{LANDING}"
    assert (REPO / LANDING).exists()
    assert f"LANDING := {LANDING}" in (REPO / "Makefile").read_text()


def test_settings_go_where_jupyter_and_ipython_read_them():
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import install_jupyter_settings as settings
    finally:
        sys.path.pop(0)
    from IPython.core.application import ENV_CONFIG_DIRS, SYSTEM_CONFIG_DIRS
    from jupyter_core.paths import jupyter_config_path

    from tests.browser.conftest import lab_app_settings_dir

    places = {source.name: target for source, target in settings.targets(landing=True).items()}
    assert places["overrides.json"] == lab_app_settings_dir() / "overrides.json"
    assert str(places["ipython_kernel_config.json"].parent) in ENV_CONFIG_DIRS + SYSTEM_CONFIG_DIRS
    assert str(places["jupyter_lab_config.json"].parent) in jupyter_config_path()
    assert set(settings.targets(landing=False)) < set(settings.targets(landing=True))


def test_inline_figures_are_retina():
    config = json.loads((REPO / "jupyter" / "ipython_kernel_config.json").read_text())
    assert config["InlineBackend"]["figure_formats"] == ["retina"]


# --- browser-deps: one line, or a reason ------------------------------------------


def fake_commands(tmp_path: Path, uid: int, apt_status: int) -> dict:
    """PATH with fake id, dpkg and apt-get (which talks a lot), as on a machine without Chromium."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    scripts = {
        "id": f"echo {uid}",
        "dpkg": "exit 1",
        "apt-get": 'for i in $(seq 200); do echo "Get:$i http://deb.debian.org chromium"; done; '
        f"exit {apt_status}",
    }
    for name, body in scripts.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "CHROMIUM": str(tmp_path / "no-chromium"),
        "BROWSER_DEPS_LOG": str(tmp_path / "apt.log"),
    }


def browser_deps(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", str(REPO / "tools" / "install_chromium.sh")], env=env, capture_output=True, text=True
    )


def test_browser_deps_installs_with_one_line(tmp_path):
    done = browser_deps(fake_commands(tmp_path, uid=0, apt_status=0))
    assert done.returncode == 0
    assert done.stdout.count("\n") == 1 and done.stdout.endswith("... done\n"), done.stdout
    assert done.stderr == ""
    assert (tmp_path / "apt.log").read_text().count("Get:") == 600  # update + two installs, all logged


def test_browser_deps_says_why_it_cannot_install(tmp_path):
    done = browser_deps(fake_commands(tmp_path, uid=0, apt_status=100))
    assert done.returncode == 1
    assert done.stdout.endswith("... failed\n")
    assert "apt-get could not install chromium" in done.stderr and "make test-fast" in done.stderr
    assert done.stderr.count("\n") <= 6  # the log's last lines and one sentence


def test_browser_deps_without_root_gives_the_command(tmp_path):
    done = browser_deps(fake_commands(tmp_path, uid=1000, apt_status=0))
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "sudo apt-get install -y chromium" in done.stderr and "make test-fast" in done.stderr
