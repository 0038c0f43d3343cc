"""Execute notebooks in place and store them as JupyterLab would, so committed outputs are reproducible.

Usage: python tools/execute_notebooks.py NOTEBOOK_OR_FOLDER ...

Each notebook runs top to bottom in a fresh kernel from this environment,
through nbconvert's own preprocessors: ``ExecutePreprocessor`` runs it
without recording timings or widget state, ``ClearMetadataPreprocessor``
keeps only the metadata that means something (the kernel, the language and
each cell's tags, which nbval reads). The kernelspec and ``language_info``
are the ones JupyterLab writes when it saves, so opening and saving a stored
notebook changes nothing (tests/browser/test_clean_open.py), on a machine
whose Python has the patch version stored in ``language_info.version``
(elsewhere JupyterLab writes its own, and that one field changes). Outputs and
execution counts stay, because nbval compares against them. A second run
changes nothing but widget model ids.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from nbconvert.preprocessors import ClearMetadataPreprocessor, ExecutePreprocessor

KERNEL = "python3"
#: Notebook metadata worth keeping: the rest (widget state, timings) changes from run to run.
KEEP_NOTEBOOK_METADATA = {"kernelspec", "language_info"}
#: Cell metadata worth keeping: tags carry ``nbval-ignore-output``.
KEEP_CELL_METADATA = {"tags"}


def kernelspec() -> dict[str, str]:
    """The kernelspec block as JupyterLab writes it for this environment's Python kernel."""
    spec = KernelSpecManager().get_kernel_spec(KERNEL)
    return {"display_name": spec.display_name, "language": spec.language, "name": KERNEL}


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop run-to-run noise, keep outputs, execution counts and tags."""
    hygiene = ClearMetadataPreprocessor(
        preserve_nb_metadata_mask=KEEP_NOTEBOOK_METADATA, preserve_cell_metadata_mask=KEEP_CELL_METADATA
    )
    nb, _ = hygiene.preprocess(nb, {})
    nb = nbformat.from_dict(nb)
    nb.metadata.kernelspec = kernelspec()
    for cell in nb.cells:
        cell.pop("id", None)
    # nbformat 4.4 has no cell ids, and JupyterLab saves a 4.4 notebook as 4.4: diffs stay quiet.
    nb.nbformat_minor = 4
    return nb


def execute(path: Path, timeout: int = 600) -> float:
    """Run one notebook in place from its own folder; return seconds taken."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    runner = ExecutePreprocessor(
        timeout=timeout, kernel_name=KERNEL, record_timing=False, store_widget_state=False
    )
    # The kernel reports language_info (with its Python version), as it does to JupyterLab.
    runner.preprocess(nb, {"metadata": {"path": str(path.parent)}})
    seconds = time.perf_counter() - start
    nbformat.write(normalise(nb), path)
    return seconds


def notebooks(args: list[str]) -> list[Path]:
    paths: list[Path] = []
    for arg in args:
        p = Path(arg)
        paths += sorted(p.glob("*.ipynb")) if p.is_dir() else [p]
    return paths


def main(args: list[str]) -> int:
    if not args:
        print(__doc__)
        return 2
    for path in notebooks(args):
        print(f"{path}: {execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
