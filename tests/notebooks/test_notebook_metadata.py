"""Every stored notebook carries the metadata JupyterLab writes, and nothing that changes between runs.

tools/execute_notebooks.py stores notebooks this way; the browser test
tests/browser/test_clean_open.py proves that this is what JupyterLab writes
(opening and saving changes no byte). Here every notebook of the course is
held to it without a browser, so a notebook written by another tool fails fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from execute_notebooks import KEEP_CELL_METADATA, kernelspec  # noqa: E402  (a script, not a package)

NOTEBOOKS = sorted(
    p for folder in ("notebooks", "solutions", "exercises") for p in (ROOT / folder).glob("*.ipynb")
)
# What an IPython kernel reports in kernel_info and JupyterLab saves (the version is the kernel's own).
LANGUAGE_INFO_KEYS = {
    "codemirror_mode",
    "file_extension",
    "mimetype",
    "name",
    "nbconvert_exporter",
    "pygments_lexer",
    "version",
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_stored_metadata_is_what_jupyterlab_writes(path: Path):
    nb = nbformat.read(path, as_version=4)
    assert set(nb.metadata) == {"kernelspec", "language_info"}, f"{path.name}: metadata {sorted(nb.metadata)}"
    assert nb.metadata.kernelspec == kernelspec()
    assert set(nb.metadata.language_info) == LANGUAGE_INFO_KEYS
    assert nb.metadata.language_info.version.split(".")[:2] == ["3", "11"]
    assert nb.nbformat_minor == 4
    for cell in nb.cells:
        assert "id" not in cell
        if cell.cell_type == "code":
            assert set(cell.metadata) <= KEEP_CELL_METADATA, (
                f"{path.name}: cell metadata {dict(cell.metadata)}"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_stored_output_is_a_log_line_on_stderr(path: Path):
    # A learner reads stderr as an error (JupyterLab paints it red), and TensorFlow's start-up lines
    # carry a timestamp that changes on every run: every import of Keras goes through keras_check.keras().
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            assert output.get("name") != "stderr", (
                f"{path.name} cell {index}: {output.get('text', '')[:200]!r}"
            )
