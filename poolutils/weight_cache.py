"""Trained weights kept for a later run that would train the same network the same way.

Notebook 07 trains 18 small networks, about 90 s of CPU. The test suite runs
it twice under the same inputs and settings: strict nbval, then JupyterLab in
Chromium. When the environment variable :data:`ENV` names a folder,
:func:`poolutils.cnn.train_and_evaluate` saves what it trained there, and a
later call with the same key loads those weights instead of training again.
A learner never sets it; unset, every call trains.

The key covers everything that decides the weights: the variant, seed and
epochs, the training arrays, the source of :mod:`poolutils.cnn`, the
TensorFlow and Keras versions, the CPUs this process may use and the
settings that change TensorFlow's summation order (:data:`SETTINGS`). So the
perturbation replay of notebook 07 (``tests/notebooks/test_perturbation.py``),
which runs under other thread and kernel settings, trains afresh.

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
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

#: The environment variable that names the cache folder; the root conftest sets it for one test run.
ENV = "POOLUTILS_WEIGHT_CACHE"
#: Environment variables that change the order in which TensorFlow adds floats, hence the weights.
SETTINGS = ("TF_ENABLE_ONEDNN_OPTS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS")


def fit_or_load(
    model: Any, parts: Sequence[object], arrays: Sequence[np.ndarray], fit: Callable[[], object]
) -> bool:
    """Call ``fit()``, or give ``model`` the weights an earlier fit with the same key saved.

    Without a cache folder (:data:`ENV` unset) this is just ``fit()``.
    Returns True when the weights were loaded.
    """
    where = folder()
    if where is None:
        fit()
        return False
    import fcntl  # POSIX only, and needed only when the test suite sets ENV

    digest = key(parts, arrays)
    where.mkdir(parents=True, exist_ok=True)
    with open(where / f"{digest}.lock", "w") as lock:
        # A run training the same network right now (another pytest-xdist worker) finishes first.
        fcntl.flock(lock, fcntl.LOCK_EX)
        weights = load(digest, where)
        if weights is None:
            fit()
            save(digest, model.get_weights(), where)
            return False
    model.set_weights(weights)
    return True


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
    where = Path(where)
    where.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=where, suffix=".npz")
    with os.fdopen(handle, "wb") as f:
        np.savez(f, *weights)
    os.replace(partial, where / f"{digest}.npz")
