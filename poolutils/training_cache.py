"""Trained networks and their measurements, kept for a later run that would repeat them exactly.

Notebook 07 trains and measures 18 small networks, about 110 s of CPU. The
test suite runs it twice under the same inputs and settings: strict nbval and
JupyterLab in Chromium. When the environment variable :data:`ENV` names a
folder, :func:`poolutils.cnn.train_and_evaluate` saves there the weights it
trained (:func:`fit_or_load`) and the row it measured (:func:`measure_or_load`),
and a later call with the same key loads them instead of computing them again.
A learner never sets it; unset, every call trains and measures.

The key covers everything that decides the result: the caller's parts
(variant, seed, epochs, shifts), the arrays (training images and labels, and
for a row the test canvases and labels), the source of :mod:`poolutils.cnn`,
the TensorFlow and Keras versions, the CPUs this process may use and the
settings that change TensorFlow's summation order (:data:`SETTINGS`). So the
perturbation replay of notebook 07 (``tests/notebooks/test_perturbation.py``),
which runs under other thread and kernel settings, trains and measures afresh;
``tests/test_training_cache.py`` checks that a loaded row equals one measured
with the cache off.

Examples
--------
>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> k = key(["max pool + GAP", 0], [np.zeros(3)])
>>> load(k, folder) is None
True
>>> save(k, [np.ones((2, 2)), np.zeros(4)], folder)
>>> [w.shape for w in load(k, folder)]
[(2, 2), (4,)]
>>> save_row(k, {"variant": "max pool + GAP", "shifted_acc": {1: 0.5}, "flips_per_error": float("nan")}, folder)
>>> load_row(k, folder)
{'variant': 'max pool + GAP', 'shifted_acc': {1: 0.5}, 'flips_per_error': nan}
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

#: The environment variable that names the cache folder; the root conftest sets it for one test run.
ENV = "POOLUTILS_TRAINING_CACHE"
#: Environment variables that change the order in which TensorFlow adds floats, hence the results.
SETTINGS = ("TF_ENABLE_ONEDNN_OPTS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS")


def fit_or_load(
    model: Any, parts: Sequence[object], arrays: Sequence[np.ndarray], fit: Callable[[], object]
) -> bool:
    """Call ``fit()``, or give ``model`` the weights an earlier fit with the same key saved.

    Without a cache folder (:data:`ENV` unset) this is just ``fit()``.
    Returns True when the weights were loaded.
    """
    # What is saved after a fit is the model's weights, not what fit() returns.
    weights, loaded = _computed_or_loaded(
        "", parts, arrays, fit, load, lambda digest, _, where: save(digest, model.get_weights(), where)
    )
    if loaded:
        model.set_weights(weights)
    return loaded


def measure_or_load(
    parts: Sequence[object], arrays: Sequence[np.ndarray], measure: Callable[[], dict[str, Any]]
) -> tuple[dict[str, Any], bool]:
    """``measure()``, or the row an earlier measurement with the same key saved.

    Without a cache folder (:data:`ENV` unset) this is just ``measure()``.
    Returns the row and True when it was loaded.
    """
    return _computed_or_loaded("row-", parts, arrays, measure, load_row, save_row)


def _computed_or_loaded(
    prefix: str,
    parts: Sequence[object],
    arrays: Sequence[np.ndarray],
    compute: Callable[[], Any],
    read: Callable[[str, Path], Any],
    write: Callable[[str, Any, Path], None],
) -> tuple[Any, bool]:
    """``compute()``, or what ``read`` finds under the key; a computed result is written, under a lock."""
    where = folder()
    if where is None:
        return compute(), False
    digest = prefix + key(parts, arrays)
    with _exclusive(digest, where):
        found = read(digest, where)
        if found is not None:
            return found, True
        result = compute()
        write(digest, result, where)
        return result, False


@contextlib.contextmanager
def _exclusive(digest: str, where: Path) -> Iterator[None]:
    # A run computing the same result right now (another pytest-xdist worker) finishes first.
    import fcntl  # POSIX only, and needed only when the test suite sets ENV

    where.mkdir(parents=True, exist_ok=True)
    with open(where / f"{digest}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def folder() -> Path | None:
    """The cache folder :data:`ENV` names, or None when it names none."""
    name = os.environ.get(ENV)
    return Path(name) if name else None


def key(parts: Sequence[object], arrays: Sequence[np.ndarray]) -> str:
    """A hex digest of ``parts`` (their reprs), ``arrays`` (bytes, dtype, shape) and this machine's settings."""
    import tensorflow as tf  # after keras(), which quiets it

    from poolutils import cnn
    from poolutils.keras_check import keras

    digest = hashlib.sha256()
    machine = [tf.__version__, keras().__version__, sorted(os.sched_getaffinity(0))]
    machine += [os.environ.get(name) for name in SETTINGS]
    for part in (*parts, *machine, Path(cnn.__file__).read_bytes()):
        digest.update(repr(part).encode())
    for array in arrays:
        digest.update(f"{array.dtype}{array.shape}".encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def load(digest: str, where: Path | str) -> list[np.ndarray] | None:
    """The weights saved under ``digest`` in ``where``, or None."""
    path = Path(where) / f"{digest}.npz"
    if not path.is_file():
        return None
    with np.load(path) as saved:
        return [saved[f"arr_{i}"] for i in range(len(saved.files))]


def save(digest: str, weights: Sequence[np.ndarray], where: Path | str) -> None:
    """Save ``weights`` under ``digest`` in ``where``; a reader never sees half a file."""
    with _replaced(Path(where) / f"{digest}.npz") as f:
        np.savez(f, *weights)


def load_row(digest: str, where: Path | str) -> dict[str, Any] | None:
    """The row saved under ``digest`` in ``where``, or None."""
    path = Path(where) / f"{digest}.json"
    if not path.is_file():
        return None
    # JSON writes every key as a string; a row's integer keys are its shifts in pixels.
    return json.loads(
        path.read_text(), object_pairs_hook=lambda pairs: {_shift_or_name(k): v for k, v in pairs}
    )


def _shift_or_name(name: str) -> str | int:
    return int(name) if name.isdigit() else name


def save_row(digest: str, row: dict[str, Any], where: Path | str) -> None:
    """Save ``row`` (strings, numbers, NaN, dicts of them) under ``digest`` in ``where``, all at once."""
    with _replaced(Path(where) / f"{digest}.json") as f:
        # Python's json writes NaN (a network without errors has no flips per error) and reads it back.
        f.write(json.dumps(row).encode())


@contextlib.contextmanager
def _replaced(path: Path) -> Iterator[Any]:
    # Written beside its final name, then renamed: a reader never sees half a file.
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=path.parent, suffix=path.suffix)
    with os.fdopen(handle, "wb") as f:
        yield f
    os.replace(partial, path)
