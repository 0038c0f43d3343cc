"""Help where the learner types it: ``hint(1)`` right after a ❌, in a fresh kernel, in JupyterLab.

The notebook is written into the server's temporary copy (never into the
repository): the setup cell of an exercise notebook and one wrong answer's
check. The learner then adds a cell below, types ``hint(1)`` and runs it with
Shift+Enter, as the README tells them to.
"""

from __future__ import annotations

import json

import pytest

from .conftest import Lab
from .test_lab import CELL_REPORT_JS, RUN_ALL_TIMEOUT_MS, open_notebook, run_all

pytestmark = pytest.mark.browser

NAME = "hint_after_a_failure.ipynb"
# The setup cell as the exercise notebooks have it, then a wrong prediction for Exercise 2.6.
CELLS = [
    "from poolutils.checks import hint, solution\nfrom poolutils.checks.ex02 import check_predicted_negative",
    "check_predicted_negative([[-1, -3], [-7, -8]])",
]
# Shift+Enter on the last cell runs it and adds an empty cell below: the typed cell is the third.
OUTPUT_OF_HINT_CELL_JS = """() => {
    const cells = [...window.jupyterapp.shell.currentWidget.content.model.cells];
    return cells.length > 2 ? cells[2].outputs.toJSON() : [];
}"""


def write_notebook(lab: Lab) -> None:
    cells = [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}
        for source in CELLS
    ]
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (lab.root / NAME).write_text(json.dumps(notebook))


def test_hint_typed_after_a_failure_answers_for_that_exercise(page, lab: Lab):
    write_notebook(lab)
    open_notebook(page, lab, NAME)
    report = run_all(page)
    assert not [e for cell in report for e in cell["errors"]], report
    check_output = page.evaluate(
        """() => [...window.jupyterapp.shell.currentWidget.content.model.cells][1].outputs.toJSON()"""
    )
    assert "❌ Exercise 2.6" in json.dumps(check_output, ensure_ascii=False)

    # Add a cell below the failed check, type into it as a learner would, and run it.
    page.locator(".jp-Cell").last.locator(".jp-InputPrompt").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    page.keyboard.type("hint(1)")
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        f"() => JSON.stringify(({OUTPUT_OF_HINT_CELL_JS})()).includes('Hint 1/2 for Exercise 2.6')",
        timeout=RUN_ALL_TIMEOUT_MS,
        polling=500,
    )
    outputs = page.evaluate(OUTPUT_OF_HINT_CELL_JS)
    assert not [o for o in outputs if o["output_type"] == "error"], outputs
    typed = page.evaluate(CELL_REPORT_JS)[2]
    assert typed["executed"] and typed["source"] == "hint(1)", typed
