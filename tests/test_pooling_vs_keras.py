"""Every poolutils function against its Keras layer: all 18 layers."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import poolutils as pu
from poolutils.keras_check import check_against_keras, keras_pool
from poolutils.shapes import same_padding_total
from tests.conftest import pooling_setup, random_input

FORMATS = ["channels_last", "channels_first"]
SPATIAL = {1: (11,), 2: (7, 9), 3: (5, 6, 7)}
# (pool_size, strides): equal, overlapping, gapped (stride > pool), and per-axis values.
WINDOWS = {
    1: [(2, None), (3, 1), (3, 2), (2, 3)],
    2: [(2, None), (3, 1), (3, 2), (2, 3), ((2, 3), (1, 2))],
    3: [(2, None), (3, 2), ((1, 2, 3), (2, 1, 2))],
}
CASES = [(r, p, s) for r, ws in WINDOWS.items() for p, s in ws]


def quirk_applies(rank, spatial, pool, strides, padding):
    """True where TF's Eigen 3-D kernels (oneDNN off) shift the windows: tests/test_tf_quirks.py."""
    if rank != 3 or padding != "same":
        return False
    pools = pool if isinstance(pool, tuple) else (pool,) * rank
    steps = pools if strides is None else (strides if isinstance(strides, tuple) else (strides,) * rank)
    return any(same_padding_total(n, f, s, clamp=False) <= -2 for n, f, s in zip(spatial, pools, steps))


def _dtypes(kind, rank):
    # TF has no integer kernel for 3-D max pooling, and Keras' average layers refuse integers.
    return [np.float32] if rank == 3 or kind == "avg" else [np.float32, np.int32]


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("rank,pool,strides", CASES)
def test_windowed_pooling_matches_keras(keras, rng, kind, rank, pool, strides, padding, data_format):
    for dtype in _dtypes(kind, rank):
        x = random_input(rng, SPATIAL[rank], dtype=dtype, data_format=data_format)
        kwargs = dict(pool_size=pool, strides=strides, padding=padding, data_format=data_format)
        ours = getattr(pu, f"{kind}_pool")(x, **kwargs)
        theirs = keras_pool(kind, x, **kwargs)
        assert ours.shape == theirs.shape
        assert ours.dtype == (x.dtype if kind == "max" else np.float32)
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("kind", ["global_max", "global_avg"])
@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_global_pooling_matches_keras(keras, rng, kind, rank, data_format, keepdims, dtype):
    x = random_input(rng, SPATIAL[rank], dtype=dtype, data_format=data_format)
    ours = getattr(pu, f"{kind}_pool")(x, data_format=data_format, keepdims=keepdims)
    theirs = keras_pool(kind, x, data_format=data_format, keepdims=keepdims)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)


ADAPTIVE_SIZES = {1: [1, 3, 4, 11, 15], 2: [1, (2, 3), (3, 1), (7, 9), (10, 4)], 3: [1, (2, 3, 4), (1, 2, 9)]}


@pytest.mark.parametrize("kind", ["adaptive_max", "adaptive_avg"])
@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("rank,output_size", [(r, o) for r, os in ADAPTIVE_SIZES.items() for o in os])
def test_adaptive_pooling_matches_keras(keras, rng, kind, rank, output_size, data_format):
    # Output sizes of 1 for the max variant go through GlobalMaxPooling / keras.ops.max
    # inside keras_pool: Keras' AdaptiveMaxPooling can kill the process there (see below).
    dtypes = [np.float32] if kind == "adaptive_avg" or rank == 3 else [np.float32, np.int32]
    for dtype in dtypes:
        x = random_input(rng, SPATIAL[rank], dtype=dtype, data_format=data_format)
        ours = getattr(pu, f"{kind}_pool")(x, output_size, data_format=data_format)
        theirs = keras_pool(kind, x, output_size=output_size, data_format=data_format)
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)


def test_adaptive_max_to_one_equals_global_max(keras, rng):
    x = random_input(rng, (6, 5), dtype=np.float32)
    theirs = np.asarray(keras.layers.GlobalMaxPooling2D(keepdims=True)(x))
    np.testing.assert_array_equal(pu.adaptive_max_pool(x, 1), theirs)


def test_keras_adaptive_max_to_one_still_crashes_under_onednn(tmp_path):
    """Why the tests never call AdaptiveMaxPooling with output size 1 in-process.

    If this starts failing, Keras fixed the crash: simplify keras_pool and the docs.
    """
    import os
    import signal
    import subprocess
    import sys

    code = "import numpy as np, keras\nkeras.layers.AdaptiveMaxPooling1D(1)(np.ones((2, 4, 3), 'float32'))\n"
    env = {**os.environ, "TF_ENABLE_ONEDNN_OPTS": "1"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=240)
    assert proc.returncode == -signal.SIGFPE


NAN = np.nan


@pytest.mark.parametrize(
    "row",
    [[NAN, 1.0, 3.0, 2.0], [NAN, NAN, 1.0, 5.0], [-np.inf, -np.inf, 2.0, NAN], [1.0, NAN, NAN, NAN]],
)
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_nan_and_inf_follow_tensorflow(keras, row, padding):
    x = np.array(row, dtype=np.float32)[None, :, None]
    for kind in ("max", "avg"):
        check_against_keras(kind, x, pool_size=2, strides=1, padding=padding, quiet=True)
    check_against_keras("global_max", x, quiet=True)
    check_against_keras("adaptive_max", x, output_size=3, quiet=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_property_random_configurations_match_keras(keras, eigen_3d, data):
    spatial, pool, strides, padding, data_format = data.draw(pooling_setup(largest=8))
    rank = len(spatial)
    if padding == "valid" and any(p > n for p, n in zip(pool, spatial)):
        with pytest.raises(ValueError, match="fit inside"):
            pu.max_pool(np.zeros((1, *spatial, 1)), pool, strides, padding)
        return
    if eigen_3d and quirk_applies(rank, spatial, pool, strides, padding):
        return  # oneDNN off: the Eigen 3-D shift, pinned in test_tf_quirks
    seed = data.draw(st.integers(0, 2**16), label="seed")
    x = random_input(np.random.default_rng(seed), spatial, channels=2, data_format=data_format)
    for kind in ("max", "avg"):
        check_against_keras(
            kind, x, pool_size=pool, strides=strides, padding=padding, data_format=data_format, quiet=True
        )


def test_large_batch_uses_threads_and_still_matches(keras, rng):
    # Large enough to take the threaded path in poolutils.pooling.
    x = rng.standard_normal((4, 66, 66, 16)).astype(np.float32)
    for kind in ("max", "avg"):
        check_against_keras(kind, x, pool_size=3, strides=2, padding="same", quiet=True)
        check_against_keras(kind, x, pool_size=3, strides=2, data_format="channels_first", quiet=True)


def _float16_layers(keras):
    layers = keras.layers
    return {
        "avg": (lambda x: pu.avg_pool(x, 2), layers.AveragePooling2D(2)),
        "global_avg": (pu.global_avg_pool, layers.GlobalAveragePooling2D()),
        "adaptive_avg": (lambda x: pu.adaptive_avg_pool(x, (2, 1)), layers.AdaptiveAveragePooling2D((2, 1))),
        "adaptive_avg uneven": (lambda x: pu.adaptive_avg_pool(x, 3), layers.AdaptiveAveragePooling2D(3)),
    }


@pytest.mark.parametrize("name", ["avg", "global_avg", "adaptive_avg", "adaptive_avg uneven"])
def test_float16_averages_are_summed_in_float32_as_keras_does(keras, rng, name):
    """60000 is a float16, but 4 x 60000 is not: summed in float16 the mean of 60000s was inf.

    Keras' layers compute in float32 (their default dtype policy), so their
    answer is the oracle; poolutils returns it in the input's dtype, float16.
    """
    ours, layer = _float16_layers(keras)[name]
    for x in (
        np.full((1, 4, 4, 1), 60000, np.float16),
        rng.uniform(-65000, 65000, (2, 4, 4, 3)).astype(np.float16),
    ):
        mine, theirs = ours(x), np.asarray(layer(x))
        assert mine.dtype == np.float16 and np.isfinite(mine).all()
        np.testing.assert_allclose(mine.astype(np.float32), theirs, rtol=1e-3)  # float16's own precision
    assert (ours(np.full((1, 4, 4, 1), 60000, np.float16)) == 60000).all()


def test_keras_own_mean_sums_float16_in_float32(keras):
    """The rule followed: Keras' GlobalAveragePooling2D with a float16 policy answers 60000 in float16."""
    x = np.full((1, 2, 2, 1), 60000, np.float16)
    theirs = keras.layers.GlobalAveragePooling2D(dtype="float16")(x)
    assert np.asarray(theirs).dtype == np.float16 and np.asarray(theirs).item() == 60000
    assert pu.global_avg_pool(x).item() == 60000


def test_pool_image_averages_float16_without_overflow(keras):
    from poolutils.images import pool_image

    image = np.full((4, 4), 60000, np.float16)
    theirs = np.asarray(keras.layers.AveragePooling2D(2)(image[None, :, :, None]))[0, :, :, 0]
    np.testing.assert_array_equal(pool_image(image, "avg", 2).astype(np.float32), theirs)
