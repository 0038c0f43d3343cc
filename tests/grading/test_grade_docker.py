"""The course image's Dockerfile, replayed without Docker, then a notebook graded in the result.

``tools/replay_docker.py`` replays each instruction (a fresh virtual
environment for ``FROM python:3.11``, the Debian packages checked, ``COPY``
into an image-like folder, ``pip install`` there) and grades
``solutions/01_output_size.ipynb`` with ``--sandbox required``. It installs
TensorFlow from pip's cache, so it takes minutes and is marked ``binder``
(a replayed image build, like Binder's): ``make test`` runs it,
``make test-fast`` leaves it out.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import replay_report

pytestmark = pytest.mark.binder


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("docker")
    return replay_report("replay_docker.py", work, timeout=1500) | {"work": str(work)}


def test_every_instruction_replays_and_the_image_has_the_sandbox_tools(report):
    assert report["exit"] == 0, report["log"] + json.dumps(report.get("grading"), indent=1)
    assert {"bubblewrap", "util-linux"} <= set(report["apt_packages"])
    assert report["apt_missing"] == []
    assert report["cmd_exit"] == 0


def test_the_image_grades_with_its_own_poolutils_in_the_sandbox(report):
    grading = report["grading"]
    assert grading["poolutils"].startswith(report["work"]), grading["poolutils"]
    assert "sandbox on:" in grading["stdout"]
    assert "solutions: 7/7 exercises passed" in grading["stdout"], grading
