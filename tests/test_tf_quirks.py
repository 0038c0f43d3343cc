"""TensorFlow's configurations: poolutils follows the default one, and the other's quirk is pinned.

poolutils computes what TensorFlow computes as a learner gets it (oneDNN on,
the default). With ``TF_ENABLE_ONEDNN_OPTS=0`` TensorFlow runs its Eigen
kernels instead, and those differ in one place: 3-D 'same' pooling where
the stride exceeds the window. There the padding total
(:func:`poolutils.shapes.same_padding_total` with ``clamp=False``) is
negative, and the Eigen 3-D kernel shifts every window forward by half of
it (rounded toward zero), while its gradient kernels do not shift. Every
other backend, TensorFlow's 1-D and 2-D kernels included, starts the first
window at cell 0.

The oneDNN-off side runs in a fresh process (the setting is read when
TensorFlow loads). If a sentinel here starts failing, TensorFlow changed:
update this docstring and the notes in ``same_padding_total``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import poolutils as pu
from poolutils.shapes import same_padding_total
from tests.conftest import random_input
from tests.test_pooling_vs_keras import CASES, FORMATS, SPATIAL, quirk_applies

ROOT = Path(__file__).resolve().parents[1]
PRELUDE = "import json, sys\nimport numpy as np\nfrom poolutils.keras_check import keras_pool, keras_pool_gradient\n"

# (n, f, s) along one axis with stride > pool, where 'same' leaves cells uncovered.
GAPPED = [(n, f, s) for n in range(1, 9) for f in range(1, 4) for s in range(f + 1, 6)]


def run_tf(code: str, onednn: bool, stdin: str = "") -> object:
    """Run ``code`` in a fresh Python with oneDNN on or off; it prints one JSON line, returned decoded."""
    env = {**os.environ, "TF_ENABLE_ONEDNN_OPTS": "1" if onednn else "0"}
    proc = subprocess.run(
        [sys.executable, "-c", PRELUDE + code],
        input=stdin,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def eigen_3d_windows(n: int, f: int, s: int) -> list[tuple[int, int]]:
    """(start, stop) of each window as the Eigen 3-D kernel places it: shifted by trunc(total / 2)."""
    before = int(same_padding_total(n, f, s, clamp=False) / 2)  # C++ division truncates toward zero
    out = pu.pool_output_size(n, f, s, "same")
    return [(i * s - before, i * s - before + f) for i in range(out)]


def clamped_windows(n: int, f: int, s: int) -> list[tuple[int, int]]:
    """(start, stop) of each window with the padding total clamped at 0: the first starts at cell 0 or before."""
    before = pu.same_padding(n, f, s)[0]
    return [(i * s - before, i * s - before + f) for i in range(pu.pool_output_size(n, f, s, "same"))]


def ramp_pool(windows: list[tuple[int, int]], n: int, kind: str) -> list[float]:
    """Pool the ramp 1..n over the given windows, padding excluded."""
    ramp = np.arange(1, n + 1, dtype=np.float64)
    cells = [ramp[max(a, 0) : min(b, n)] for a, b in windows]
    return [float(c.max() if kind == "max" else c.mean()) for c in cells]


RAMP_CODE = """
cases = json.loads(sys.stdin.read())
out = {}
for kind in ("max", "avg"):
    for rank in (1, 2, 3):
        key = f"{kind}{rank}"
        out[key] = []
        for n, f, s in cases:
            x = np.arange(1, n + 1, dtype="float32").reshape((1,) + (1,) * (rank - 1) + (n, 1))
            pool = (1,) * (rank - 1) + (f,)
            stride = (1,) * (rank - 1) + (s,)
            y = keras_pool(kind, x, pool_size=pool, strides=stride, padding="same")
            out[key].append(np.asarray(y).ravel().tolist())
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def eigen_ramps():
    return run_tf(RAMP_CODE, onednn=False, stdin=json.dumps(GAPPED))


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_sentinel_eigen_3d_same_pooling_shifts_its_windows(eigen_ramps, kind):
    """With oneDNN off, 3-D 'same' windows start trunc(total / 2) cells late when total < 0."""
    shifted = 0
    for (n, f, s), got in zip(GAPPED, eigen_ramps[f"{kind}3"]):
        assert got == ramp_pool(eigen_3d_windows(n, f, s), n, kind), (n, f, s)
        ours = pu.max_pool if kind == "max" else pu.avg_pool
        mine = ours(
            np.arange(1, n + 1, dtype=np.float32).reshape(1, 1, 1, n, 1), (1, 1, f), (1, 1, s), "same"
        )
        differs = not np.array_equal(mine.ravel(), got)
        # The quirk shows exactly where the unclamped total is -2 or less (trunc(total / 2) != 0).
        assert differs == (same_padding_total(n, f, s, clamp=False) <= -2), (n, f, s)
        shifted += differs
    assert shifted > 10  # the example of issue 9, n=3, f=1, s=3, is among them
    assert eigen_ramps[f"{kind}3"][GAPPED.index((3, 1, 3))] == [2.0]


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("rank", [1, 2])
def test_eigen_1d_and_2d_same_pooling_start_at_cell_0(eigen_ramps, kind, rank):
    for (n, f, s), got in zip(GAPPED, eigen_ramps[f"{kind}{rank}"]):
        assert got == ramp_pool(clamped_windows(n, f, s), n, kind), (n, f, s)


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_default_3d_same_pooling_starts_at_cell_0_like_poolutils(default_kernels, kind):
    """The configuration learners get: 3-D windows clamp like 1-D and 2-D, and like poolutils."""
    ours = pu.max_pool if kind == "max" else pu.avg_pool
    from poolutils.keras_check import keras_pool

    for n, f, s in GAPPED:
        x = np.arange(1, n + 1, dtype=np.float32).reshape(1, 1, 1, n, 1)
        kwargs = dict(pool_size=(1, 1, f), strides=(1, 1, s), padding="same")
        np.testing.assert_array_equal(
            keras_pool(kind, x, **kwargs).ravel(), ramp_pool(clamped_windows(n, f, s), n, kind)
        )
        np.testing.assert_array_equal(ours(x, **kwargs), keras_pool(kind, x, **kwargs))


GRADIENT_CODE = """
NAN_ROWS = json.loads(sys.stdin.read())
x = np.array([1.0, 2.0, 3.0], dtype="float32").reshape(1, 1, 1, 3, 1)
kw = dict(pool_size=1, strides=3, padding="same")
dy = np.ones((1, 1, 1, 1, 1), dtype="float32")
out = {}
for kind in ("max", "avg"):
    h = 1e-2
    numeric = []
    for i in range(3):
        step = np.zeros_like(x)
        step.flat[i] = h
        up, down = keras_pool(kind, x + step, **kw), keras_pool(kind, x - step, **kw)
        numeric.append(float((up - down).sum() / (2 * h)))
    out[kind] = {
        "forward": np.asarray(keras_pool(kind, x, **kw)).ravel().tolist(),
        "numeric": numeric,
        "tape": keras_pool_gradient(kind, x, dy, **kw).ravel().tolist(),
    }
rows = np.array(NAN_ROWS, dtype="float32")
out["nan"] = {
    rank: [np.asarray(keras_pool("max", r.reshape((1,) * rank + (3, 1)), pool_size=(1,) * (rank - 1) + (3,))).item()
           for r in rows]
    for rank in (2, 3)
}
print(json.dumps(out))
"""
# Windows of three cells: TF's default kernels and poolutils ignore NaN and start from the lowest float.
NAN_ROWS = [[2.0, np.nan, 1.0], [1.0, np.nan, -np.inf], [-np.inf, -np.inf, -np.inf], [np.nan] * 3]
LOWEST = float(np.finfo(np.float32).min)


def test_sentinel_eigen_3d_gradient_is_not_the_gradient_of_its_forward():
    """With oneDNN off, the 3-D forward reads the shifted cell 1; the 3-D gradient kernels do not shift."""
    got = run_tf(GRADIENT_CODE, onednn=False, stdin=json.dumps(NAN_ROWS))
    for kind in ("max", "avg"):
        assert got[kind]["forward"] == [2.0], kind  # value of cell 1
        np.testing.assert_allclose(got[kind]["numeric"], [0, 1, 0], atol=1e-3)
        assert not np.allclose(got[kind]["tape"], got[kind]["numeric"]), kind
    # Eigen's 3-D max lets a NaN reset the running maximum and returns -inf and NaN windows as they
    # are; its 2-D max does what the default kernels and poolutils do.
    np.testing.assert_array_equal(got["nan"]["3"], [1.0, -np.inf, -np.inf, np.nan])
    np.testing.assert_array_equal(got["nan"]["2"], [2.0, 1.0, LOWEST, LOWEST])
    rows = np.array(NAN_ROWS, dtype=np.float32)
    np.testing.assert_array_equal(
        pu.max_pool(rows.reshape(4, 1, 1, 3, 1), (1, 1, 3)).ravel(), got["nan"]["2"]
    )


def test_default_3d_max_treats_nan_as_2d_does(default_kernels):
    from poolutils.keras_check import keras_pool

    rows = np.array(NAN_ROWS, dtype=np.float32).reshape(4, 1, 1, 3, 1)
    np.testing.assert_array_equal(
        keras_pool("max", rows, pool_size=(1, 1, 3)).ravel(), [2.0, 1.0, LOWEST, LOWEST]
    )


COMPARE_CODE = """
data = np.load(sys.stdin.read().strip(), allow_pickle=True)
out = []
for key in sorted(data.files, key=int):
    x, kind, kwargs = data[key]
    out.append(np.asarray(keras_pool(kind, x, **kwargs)).tolist())
print(json.dumps(out))
"""


# 3-D strides beyond the pool on SPATIAL[3] = (5, 6, 7): the axes of 6 and 7 cells shift under Eigen.
GAPPED_3D = [(3, 1, 3), (3, 1, (2, 4, 4))]


def test_onednn_off_agrees_with_poolutils_except_the_3d_quirk(tmp_path):
    """Every windowed case of test_pooling_vs_keras, with NaN and -inf inputs too, under the Eigen kernels."""
    rng = np.random.default_rng(0)
    calls, expected_quirk = [], []
    for kind in ("max", "avg"):
        for rank, pool, strides in CASES + GAPPED_3D:
            for padding in ("valid", "same"):
                for data_format in FORMATS:
                    x = random_input(rng, SPATIAL[rank], data_format=data_format)
                    if rank < 3:  # Eigen's 3-D max handles NaN its own way: pinned above
                        x.flat[::7] = np.nan
                        x.flat[3::11] = -np.inf
                    kwargs = dict(pool_size=pool, strides=strides, padding=padding, data_format=data_format)
                    calls.append((x, kind, kwargs))
                    expected_quirk.append(quirk_applies(rank, SPATIAL[rank], pool, strides, padding))
    path = tmp_path / "calls.npz"
    packed = {str(i): np.array(call, dtype=object) for i, call in enumerate(calls)}
    np.savez(path, **packed)
    theirs = run_tf(COMPARE_CODE, onednn=False, stdin=str(path))
    quirks = []
    for (x, kind, kwargs), t, quirk in zip(calls, theirs, expected_quirk):
        mine = pu.max_pool(x, **kwargs) if kind == "max" else pu.avg_pool(x, **kwargs)
        t = np.asarray(t, dtype=np.float32)
        if quirk and not np.allclose(mine, t, rtol=1e-6, atol=1e-6, equal_nan=True):
            quirks.append((kind, kwargs))
            continue
        np.testing.assert_allclose(mine, t, rtol=1e-6, atol=1e-6, err_msg=f"{kind} {kwargs}")
    assert quirks, "no 3-D case shows the Eigen shift any more: TensorFlow changed"
    assert len(calls) > 100
