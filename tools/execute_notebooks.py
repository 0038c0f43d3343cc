"""Execute notebooks in place and normalise them, so committed outputs are reproducible.

Usage: python tools/execute_notebooks.py NOTEBOOK_OR_FOLDER ...

Each notebook runs top to bottom in a fresh kernel from this environment.
Then everything that changes from run to run without meaning anything is
removed: widget state, execution timing, kernel-version metadata. Outputs
and execution counts stay, because nbval compares against them. A second
run changes nothing but widget model ids.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
# Notebook-level metadata worth keeping; the rest (widgets, language versions) is noise.
KEEP_METADATA = ("kernelspec", "language_info")
CELL_METADATA_NOISE = ("execution", "ExecuteTime", "collapsed", "scrolled")


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop run-to-run noise, keep outputs and execution counts."""
    nb.metadata = nbformat.from_dict({k: nb.metadata[k] for k in KEEP_METADATA if k in nb.metadata})
    nb.metadata.kernelspec = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata.language_info = {"name": "python", "pygments_lexer": "ipython3"}
    for cell in nb.cells:
        for key in CELL_METADATA_NOISE:
            cell.metadata.pop(key, None)
        cell.pop("id", None)
    nb.nbformat_minor = 4  # cell ids are 4.5+; without them diffs stay quiet
    return nb


def execute(path: Path, timeout: int = 600) -> float:
    """Run one notebook in place from its own folder; return seconds taken."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
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
