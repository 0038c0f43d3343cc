"""Binder's build, replayed in a fresh virtual environment (Docker and repo2docker are not needed).

``tools/replay_binder.py`` installs requirements.txt, runs postBuild, starts
JupyterLab on 127.0.0.1 with a token and opens the landing notebook through
the REST API; its report is checked here. It takes minutes (a full
TensorFlow install from pip's cache), so it is marked ``binder``:
``make test`` runs it, ``make test-fast`` leaves it out.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import replay_report

LANDING = "notebooks/00_start_here.ipynb"

pytestmark = pytest.mark.binder


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("binder")
    return replay_report("replay_binder.py", work, timeout=1500)


def test_replayed_build_installs_the_runtime_and_no_test_tools(report):
    assert report["poolutils_installed"]
    assert report["test_tools_installed"] == []
    assert report["install_mb"] > 0


def test_server_lands_on_the_first_notebook_and_serves_it(report):
    assert report["root_redirect"].split("?")[0] == f"/lab/tree/{LANDING}"
    assert report["landing_status"] == report["landing_page_status"] == 200
    assert report["landing_cells"] > 0
    assert report["news_default"] == "false"  # postBuild installed JupyterLab's overrides
    assert report["server_exit"] == 0


def test_landing_notebooks_kernel_uses_the_built_poolutils_and_retina_figures(report):
    assert report["kernel_status"] == "ok"
    assert report["kernel_poolutils"] == str(Path(report["workdir"]) / "repo" / "poolutils" / "__init__.py")
    assert report["kernel_figure_formats"] == "['retina']"


def test_landing_notebook_passes_strict_nbval_in_the_built_environment(report):
    assert report["nbval_exit"] == 0, report["nbval_summary"]
    assert "passed" in report["nbval_summary"] and "failed" not in report["nbval_summary"]


def test_replay_says_pass(report):
    assert report["passed"] and report["exit"] == 0, report["log"]
