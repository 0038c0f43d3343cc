"""The readable loop equals the fast version, which the other tests hold to Keras."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import poolutils as pu


@settings(max_examples=150, deadline=None)
@given(
    image=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=9),
        elements=st.floats(-100, 100),
    ),
    pool=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    stride=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    padding=st.sampled_from(["valid", "same"]),
    mode=st.sampled_from(["max", "avg"]),
)
def test_loop_equals_fast_version(image, pool, stride, padding, mode):
    if padding == "valid" and (pool[0] > image.shape[0] or pool[1] > image.shape[1]):
        return
    fast = getattr(pu, f"{mode}_pool")(image[None, :, :, None], pool, stride, padding)[0, :, :, 0]
    np.testing.assert_allclose(
        pu.pool2d_loop(image, pool, stride, padding, mode), fast, rtol=1e-12, atol=1e-12
    )


def test_loop_keeps_integers_for_max_and_gives_floats_for_avg():
    image = np.arange(16).reshape(4, 4)
    assert pu.pool2d_loop(image, 2).dtype == image.dtype
    assert pu.pool2d_loop(image, 2, mode="avg").dtype == np.float64


@pytest.mark.parametrize("kwargs,match", [({"mode": "median"}, "mode"), ({"pool_size": 0}, "pool_size")])
def test_loop_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pu.pool2d_loop(np.ones((4, 4)), **kwargs)
    with pytest.raises(ValueError, match="2-D"):
        pu.pool2d_loop(np.ones((1, 4, 4)))


@settings(max_examples=150, deadline=None)
@given(
    image=hnp.arrays(
        np.float32,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
        elements=st.sampled_from([np.nan, -np.inf, np.inf, -1.0, 0.0, 2.0]),
    ),
    pool=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    padding=st.sampled_from(["valid", "same"]),
)
def test_loop_max_equals_fast_version_with_nan_and_infinities(image, pool, stride, padding):
    """The scan ignores NaN and starts at the lowest float, as the fast path (held to Keras) does."""
    if padding == "valid" and (pool[0] > image.shape[0] or pool[1] > image.shape[1]):
        return
    fast = pu.max_pool(image[None, :, :, None], pool, stride, padding)[0, :, :, 0]
    loop = pu.pool2d_loop(image, pool, stride, padding, "max")
    assert loop.dtype == fast.dtype
    np.testing.assert_array_equal(loop, fast)


@pytest.mark.parametrize("dtype", [complex, bool, object])
def test_loop_refuses_what_the_fast_version_refuses(dtype):
    with pytest.raises(TypeError, match="`image` must hold integers or floats"):
        pu.pool2d_loop(np.ones((4, 4), dtype=dtype))
