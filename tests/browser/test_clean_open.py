"""A stored notebook opens clean in JupyterLab: not marked unsaved, and saving it changes no byte.

JupyterLab rewrites a notebook's ``kernelspec`` and ``language_info`` with what
its kernel reports and marks the document dirty when they differ from the file,
so a learner who only opened a lesson would see ``git status`` report changes
they never made. tools/execute_notebooks.py stores exactly what JupyterLab
writes; this test opens a lesson, lets its kernel start, saves it, and
compares bytes. tests/notebooks/test_notebook_metadata.py holds every stored notebook
to the same metadata without a browser.

One field cannot match every machine: ``language_info.version`` is the Python
of the kernel that ran the notebook (3.11.x), and JupyterLab writes the running
kernel's. The lab's copy gets this machine's version first, so the test holds on
any Python 3.11, and fails on any other difference.
"""

from __future__ import annotations

import platform
import time

import nbformat
import pytest

from .conftest import NOTEBOOKS, Lab
from .test_lab import open_notebook

pytestmark = pytest.mark.browser

NAME = "01_output_size.ipynb"
# JupyterLab applies the kernel's info shortly after the kernel reports idle.
SETTLE_SECONDS = 3
DIRTY_JS = "() => window.jupyterapp.shell.currentWidget.context.model.dirty"


def test_opening_and_saving_a_lesson_changes_nothing(page, lab: Lab):
    nb = nbformat.read(NOTEBOOKS / NAME, as_version=4)
    # The lab's kernel is this interpreter (.venv's python3 kernelspec).
    nb.metadata.language_info.version = platform.python_version()
    nbformat.write(nb, lab.root / NAME)
    before = (lab.root / NAME).read_bytes()
    open_notebook(page, lab, NAME)
    time.sleep(SETTLE_SECONDS)
    assert page.evaluate(DIRTY_JS) is False, f"JupyterLab marks {NAME} unsaved as soon as it opens"
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
    time.sleep(1)
    assert (lab.root / NAME).read_bytes() == before, f"saving {NAME} unchanged rewrote the file"
