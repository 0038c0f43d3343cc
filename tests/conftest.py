"""Fixtures shared by the unit tests."""

import matplotlib
import numpy as np
import pytest
from hypothesis import strategies as st

matplotlib.use("Agg")  # the widget and plot tests draw off-screen


@pytest.fixture(scope="session")
def keras():
    from poolutils.keras_check import keras

    return keras()


@pytest.fixture(scope="session")
def eigen_3d(keras):
    """True when TensorFlow here runs its Eigen 3-D kernels (oneDNN off), whose 'same' windows shift."""
    x = np.array([1.0, 2.0, 3.0], dtype=np.float32).reshape(1, 1, 1, 3, 1)
    return np.asarray(keras.layers.MaxPooling3D(1, 3, "same")(x)).item() != 1.0


@pytest.fixture(scope="session")
def default_kernels(keras, eigen_3d):
    """Keras as it runs TensorFlow's default kernels, the ones poolutils follows (oneDNN on).

    When TensorFlow here runs its Eigen kernels instead (TF_ENABLE_ONEDNN_OPTS=0
    exported, or a build without oneDNN), the few tests that tell the two apart
    are skipped with this reason; tests/test_tf_quirks.py pins the Eigen side.
    """
    if eigen_3d:
        pytest.skip(
            "TensorFlow runs its Eigen 3-D kernels here (TF_ENABLE_ONEDNN_OPTS=0?), not its default "
            "ones; tests/test_tf_quirks.py covers the Eigen kernels"
        )
    return keras


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@st.composite
def pooling_setup(draw, largest: int = 8, fit: bool = False) -> tuple:
    """A random layer configuration: ``(spatial, pool, strides, padding, data_format)``, rank 1 to 3.

    Axes of 1 to ``largest`` cells, windows and strides of 1 to 4. With
    ``fit``, a window larger than its axis makes the padding 'same' (the
    only padding Keras accepts then); without, 'valid' may not fit, for a
    test of the refusal.
    """
    rank = draw(st.integers(1, 3), label="rank")
    spatial = tuple(draw(st.lists(st.integers(1, largest), min_size=rank, max_size=rank), label="spatial"))
    pool = tuple(draw(st.integers(1, 4)) for _ in range(rank))
    strides = tuple(draw(st.integers(1, 4)) for _ in range(rank))
    padding = draw(st.sampled_from(["valid", "same"]), label="padding")
    if fit and any(p > n for p, n in zip(pool, spatial)):
        padding = "same"
    data_format = draw(st.sampled_from(["channels_last", "channels_first"]), label="data_format")
    return spatial, pool, strides, padding, data_format


def random_input(rng, spatial, channels=3, batch=2, dtype=np.float32, data_format="channels_last"):
    """Random test input; integers span negatives so 'same' padding cannot hide behind zeros."""
    shape = (batch, *spatial, channels) if data_format == "channels_last" else (batch, channels, *spatial)
    if np.dtype(dtype).kind in "iu":
        return rng.integers(-50, 50, size=shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def replay_report(tool: str, work, timeout: int) -> dict:
    """Run ``tools/<tool>`` (a replayed image build) in ``work`` and return its JSON report.

    The report also carries the tool's exit status and stdout, so a test can show why a step failed.
    """
    import json
    import subprocess
    import sys
    from pathlib import Path

    path = Path(work) / "report.json"
    root = Path(__file__).resolve().parents[1]
    command = [sys.executable, str(root / "tools" / tool), "--workdir", str(work), "--report", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    assert path.exists(), f"the replay stopped before its report:\n{done.stdout}\n{done.stderr[-3000:]}"
    return json.loads(path.read_text()) | {"exit": done.returncode, "log": done.stdout}
