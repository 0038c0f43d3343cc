"""Root conftest: applies to notebooks and doctests as well as tests/."""

import os
import shutil
import tempfile

import pytest

from poolutils import training_cache

# TensorFlow runs in its default configuration (oneDNN on) everywhere; its start-up
# lines are silenced where it is imported, in poolutils.keras_check.keras().


def pytest_collectstart(collector):
    # Warnings on stderr differ between machines; nbval compares only stdout and results.
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)


def pytest_configure(config):
    # One training cache per test run (poolutils.training_cache): of strict nbval and JupyterLab,
    # the second run of notebook 07 loads the networks and rows the first trained and measured.
    # Workers of pytest-xdist and the perturbation replay's child runs inherit the variable; the
    # run that made it removes it.
    if os.environ.get(training_cache.ENV):
        return
    folder = tempfile.mkdtemp(prefix="poolutils-training-")
    os.environ[training_cache.ENV] = folder

    def remove() -> None:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(training_cache.ENV, None)

    config.add_cleanup(remove)


# The work units that take longest, longest first (as measured in a CI log on 2 cores). Under
# `make test` (pytest-xdist) the workers take units in collection order: starting with these lets
# the short ones fill in around them, so the workers finish together instead of one running
# notebook 07's perturbation replay alone at the end.
SLOWEST_FIRST = (
    "tests/notebooks/test_perturbation.py::test_compared_outputs_do_not_depend_on_summation_order[07_pooling_in_a_cnn]",
    "tests/browser",
    "tests/grading/test_grade_cheats.py",
    "notebooks/07_pooling_in_a_cnn.ipynb",
    "tests/grading/test_grade.py",
    "tests/notebooks/test_binder.py",
    "tests/grading/test_grade_docker.py",
    "tests/checks/test_strange_answers.py",
)


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to: pytest-xdist runs a unit on one worker, in order.

    A file is one unit (a notebook's cells share its kernel, a module's fixtures are built
    once), except that the browser tests share one JupyterLab and Chromium, and each
    notebook's perturbation replay is a unit of its own.

    Examples
    --------
    >>> work_unit("notebooks/02_max_pooling.ipynb::Cell 3")
    'notebooks/02_max_pooling.ipynb'
    >>> work_unit("tests/browser/test_hint.py::test_hint")
    'tests/browser'
    """
    path = nodeid.split("::")[0]
    if path.startswith("tests/browser/"):
        return "tests/browser"
    if path == "tests/notebooks/test_perturbation.py":
        return nodeid
    return path


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, which `pytest` alone does not load
def pytest_xdist_make_scheduler(config, log):
    # pytest-xdist's own --dist loadgroup passes groups by rewriting Node._nodeid, which pytest 9.2
    # no longer reads (pytest-xdist issue #1386, open): the grouping is done here instead, on node
    # ids, by a scheduler that sends whole units.
    from xdist.scheduler import LoadScopeScheduling

    class ByWorkUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    config.option.loadscopereorder = False  # keep SLOWEST_FIRST's order, not the largest unit first
    return ByWorkUnit(config, log)


def pytest_collection_modifyitems(config, items):
    rank = {unit: i for i, unit in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(work_unit(item.nodeid), len(rank)))  # stable: cells keep their order
