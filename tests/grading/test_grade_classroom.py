"""GitHub Classroom: the committed workflow is the generated one, and its command grades as it should.

The test runs, in a folder laid out like a learner's repository, exactly the
command of the workflow's step for notebook 02: on the solved notebook it
exits 0 (the step earns its points), on the handed-out one it does not.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from poolutils.grading import classroom
from tests.grading.grade_env import snapshot

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / classroom.WORKFLOW
LEGACY = ROOT / ".github" / classroom.LEGACY


def test_the_committed_files_are_the_generated_ones():
    found = classroom.steps(ROOT / "exercises")
    assert WORKFLOW.read_text() == classroom.workflow(found), (
        "run: python -m poolutils.grading.classroom exercises --write .github"
    )
    assert LEGACY.read_text() == classroom.legacy(found)


def step_commands() -> dict[str, str]:
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["run-autograding-tests"]["steps"]
    graders = [
        s for s in steps if s.get("uses", "").startswith("classroom-resources/autograding-command-grader")
    ]
    legacy = {t["name"]: t["run"] for t in json.loads(LEGACY.read_text())["tests"]}
    commands = {s["with"]["test-name"]: s["with"]["command"] for s in graders}
    assert commands == legacy
    reporter = next(
        s for s in steps if s.get("uses", "").startswith("classroom-resources/autograding-grading-reporter")
    )
    assert reporter["with"]["runners"].split(",") == [s["id"] for s in graders]
    return commands


@pytest.mark.parametrize(("folder", "passes"), [("solutions", True), ("exercises", False)])
def test_the_step_command_passes_a_solved_notebook_and_fails_an_unsolved_one(tmp_path, folder, passes):
    command = step_commands()["02_max_pooling"]
    repo = tmp_path / "learner-repo"
    (repo / "exercises").mkdir(parents=True)
    shutil.copy(ROOT / folder / "02_max_pooling.ipynb", repo / "exercises")
    lib = snapshot(tmp_path / "lib")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(lib),
    }
    run = subprocess.run(command, shell=True, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert (run.returncode == 0) == passes, run.stdout + run.stderr[-2000:]
    feedback = (repo / "feedback" / "02_max_pooling" / "exercises.md").read_text()
    assert ("### Exercise" in feedback) != passes
