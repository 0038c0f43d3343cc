"""Bad input raises a ValueError or TypeError naming the argument, the value received and what is allowed."""

import subprocess
import sys

import numpy as np
import pytest

import poolutils as pu

X = np.ones((1, 4, 4, 1), dtype=np.float32)

BAD_CALLS = [
    # (function, args, kwargs, error, message fragments)
    (pu.max_pool, (X, 0), {}, ValueError, ["pool_size", "Received: pool_size=0", "positive"]),
    (pu.max_pool, (X, -2), {}, ValueError, ["pool_size", "-2"]),
    (pu.max_pool, (X, 2.0), {}, TypeError, ["pool_size", "2.0", "float"]),
    (pu.max_pool, (X, True), {}, TypeError, ["pool_size", "True"]),
    (pu.avg_pool, (X, (2, 2, 2)), {}, ValueError, ["pool_size", "tuple of 2", "3 entries"]),
    (pu.avg_pool, (X, "2"), {}, TypeError, ["pool_size", "'2'"]),
    (pu.max_pool, (X, 2), {"strides": 0}, ValueError, ["strides", "Received: strides=0"]),
    (pu.max_pool, (X, 2), {"strides": (1,)}, ValueError, ["strides", "1 entries"]),
    (pu.max_pool, (X, 2), {"strides": 1.5}, TypeError, ["strides", "1.5"]),
    (pu.max_pool, (X, 2), {"padding": "full"}, ValueError, ["padding", "'full'", "'valid' or 'same'"]),
    (pu.avg_pool, (X, 2), {"padding": None}, ValueError, ["padding", "None"]),
    (pu.max_pool, (X, 2), {"data_format": "NHWC"}, ValueError, ["data_format", "'NHWC'", "channels_last"]),
    (pu.global_avg_pool, (X,), {"data_format": "last"}, ValueError, ["data_format", "'last'"]),
    (pu.max_pool, (np.ones((4, 4)), 2), {}, ValueError, ["rank 3, 4 or 5", "(4, 4)", "x[None, :, :, None]"]),
    (pu.max_pool, (np.ones((1,) * 6), 1), {}, ValueError, ["rank 3, 4 or 5", "rank 6"]),
    (pu.global_max_pool, (np.ones((2, 3)),), {}, ValueError, ["rank 3, 4 or 5"]),
    (pu.max_pool, (X, 5), {}, ValueError, ["fit inside", "(4, 4)", "pool_size=5", "'same'"]),
    (pu.avg_pool, (X, (2, 5)), {}, ValueError, ["fit inside", "pool_size=(2, 5)"]),
    (pu.max_pool, (np.array([[["a", "b"]]]), 1), {}, TypeError, ["integers or floats", "<U1"]),
    (pu.avg_pool, (np.ones((1, 4, 1), dtype=bool), 2), {}, TypeError, ["dtype bool"]),
    (pu.max_pool, (np.ones((1, 4, 1), dtype=complex), 2), {}, TypeError, ["complex128"]),
    (pu.max_pool, (np.ones((1, 0, 1)), 1), {}, ValueError, ["empty", "(1, 0, 1)"]),
    (pu.global_max_pool, (np.ones((0, 3, 1)),), {}, ValueError, ["empty"]),
    (pu.adaptive_avg_pool, (X, 0), {}, ValueError, ["output_size", "Received: output_size=0"]),
    (pu.adaptive_max_pool, (X, (2, 2, 2)), {}, ValueError, ["output_size", "3 entries"]),
    (pu.adaptive_max_pool, (X, 2.5), {}, TypeError, ["output_size", "2.5"]),
    (pu.pool_output_size, (4, 5, 1), {}, ValueError, ["pool_size <= n", "n=4, pool_size=5"]),
    (pu.pool_output_size, (0, 2), {}, ValueError, ["`n`", "Received: n=0"]),
    (pu.pool_output_size, (4.0, 2), {}, TypeError, ["`n`", "4.0"]),
    (pu.pool_output_size, (4, 2), {"padding": "bad"}, ValueError, ["padding", "'bad'"]),
    (pu.same_padding, (4, 2, 0), {}, ValueError, ["stride", "Received: stride=0"]),
    (pu.pool_output_shape, ((1, 4),), {"pool_size": 2}, ValueError, ["input_shape", "(1, 4)"]),
    (pu.pool_output_shape, ((1, 4, 4, 1), 2), {"data_format": "x"}, ValueError, ["data_format"]),
]


@pytest.mark.parametrize(
    "func,args,kwargs,error,fragments", BAD_CALLS, ids=lambda v: getattr(v, "__name__", None)
)
def test_bad_input_gets_a_clear_message(func, args, kwargs, error, fragments):
    with pytest.raises(error) as info:
        func(*args, **kwargs)
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))


@pytest.mark.parametrize("padding", ["valid", "VALID", "Same", "SAME"])
def test_padding_is_case_insensitive_as_in_keras(padding):
    assert pu.max_pool(X, 2, padding=padding).shape == (1, 2, 2, 1)


def test_import_does_not_load_tensorflow():
    code = (
        "import poolutils, poolutils.keras_check, sys; assert 'tensorflow' not in sys.modules, 'TF imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_ragged_list_is_echoed():
    ragged = [[[1.0, 2.0], [3.0]]]
    with pytest.raises(ValueError, match=r"Received: x as a ragged list: \[\[\[1.0, 2.0\], \[3.0\]\]\]"):
        pu.max_pool(ragged, 2)


def test_a_huge_argument_is_echoed_abbreviated():
    with pytest.raises(ValueError) as info:
        pu.max_pool(X, list(range(10**6)))
    message = str(info.value)
    assert "Received: pool_size=[0, 1, 2" in message and "1,000,000 entries" in message
    assert len(message) < 600


@pytest.mark.parametrize("clamp", ["False", "True", 0, 1, None])
def test_clamp_must_be_a_bool_not_a_string(clamp):
    with pytest.raises(TypeError, match=f"`clamp` must be True or False. Received: clamp={clamp!r}"):
        pu.same_padding_total(3, 1, 3, clamp=clamp)


@pytest.mark.parametrize(
    "f,fragment",
    [
        (lambda v: v * 2, "f(x) returned array([2., 4.])"),
        (lambda v: [1.0, 2.0], "f(x) returned [1.0, 2.0] of type list"),
        (lambda v: None, "f(x) returned None"),
        (lambda v: np.max(v) > 0, "returned np.True_"),
    ],
)
def test_numerical_gradient_names_a_bad_f(f, fragment):
    from poolutils.gradients import numerical_gradient

    with pytest.raises(TypeError) as info:
        numerical_gradient(f, np.array([1.0, 2.0]))
    message = str(info.value)
    assert "`f` must be a function of one array that returns a number" in message and fragment in message
    assert "sequence" not in message


def test_masked_cells_are_refused_not_pooled_silently():
    masked = np.ma.masked_array(X, mask=np.arange(X.size).reshape(X.shape) == 5)
    with pytest.raises(ValueError, match=r"(?s)`x` must not have masked cells.*x.filled\(np.nan\)"):
        pu.max_pool(masked, 2)
    unmasked = np.ma.masked_array(X)  # nothing masked: its values are the array
    np.testing.assert_array_equal(pu.max_pool(unmasked, 2), pu.max_pool(X, 2))
