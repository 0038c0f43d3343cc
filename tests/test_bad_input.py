"""Bad input gets a sentence, at once, from every public function of poolutils' core.

Each argument of each function has a role (an array, a size, a shape, an
option). For every role there is a list of bad values; each bad value is
passed to every function in place of each argument of that role, one at a
time, with every other argument valid. The call must raise ValueError or
TypeError within a second, and the message must name the argument as the
caller passed it, echo what was received and say what is allowed. Values
that are fine (big-endian arrays, 0-d integer arrays as sizes) must give the
same result as their plain equivalents, and no function may modify its input.

The widgets (poolutils.widgets) are swept by their own tests.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

import poolutils as pu
from poolutils import keras_check
from poolutils._validation import MAX_AXIS_CELLS, MAX_SIZE
from poolutils.gradients import numerical_gradient
from poolutils.shapes import same_padding_total
from poolutils.windows import adaptive_axis_windows, axis_windows, layer_windows

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 5, 6, 3)).astype(np.float32)
DY = RNG.standard_normal((2, 2, 3, 3)).astype(np.float32)  # max_pool(X, 2)'s shape
IMAGE = RNG.standard_normal((5, 6))

# name -> (function, valid keyword arguments, {argument: role where it differs from ROLE_OF, None to skip}).
FUNCTIONS = {
    "max_pool": (pu.max_pool, dict(x=X, pool_size=2), {}),
    "avg_pool": (pu.avg_pool, dict(x=X, pool_size=2), {}),
    "global_max_pool": (pu.global_max_pool, dict(x=X), {}),
    "global_avg_pool": (pu.global_avg_pool, dict(x=X), {}),
    "adaptive_max_pool": (pu.adaptive_max_pool, dict(x=X, output_size=2), {}),
    "adaptive_avg_pool": (pu.adaptive_avg_pool, dict(x=X, output_size=2), {}),
    "max_pool_backward": (pu.max_pool_backward, dict(dy=DY, x=X, pool_size=2), {}),
    "avg_pool_backward": (pu.avg_pool_backward, dict(dy=DY, input_shape=X.shape, pool_size=2), {}),
    "pool2d_loop": (pu.pool2d_loop, dict(image=IMAGE, pool_size=2), {}),
    "pool_output_size": (pu.pool_output_size, dict(n=5, pool_size=2), {}),
    "pool_output_shape": (pu.pool_output_shape, dict(input_shape=X.shape, pool_size=2), {}),
    "same_padding": (pu.same_padding, dict(n=5, pool_size=3, stride=2), {}),
    "same_padding_total": (same_padding_total, dict(n=5, pool_size=3, stride=2), {}),
    "pool_windows": (pu.pool_windows, dict(spatial_shape=(5, 6), pool_size=2), {}),
    "adaptive_windows": (pu.adaptive_windows, dict(spatial_shape=(5, 6), output_size=2), {}),
    "axis_windows": (axis_windows, dict(n=5, pool_size=2, stride=2), {}),
    "adaptive_axis_windows": (adaptive_axis_windows, dict(n=5, output_size=2), {}),
    "layer_windows": (layer_windows, dict(input_shape=X.shape, pool_size=2), {}),
    "Windows.window": (pu.pool_windows((5, 6), 2).window, dict(position=(1, 2)), {}),
    "numerical_gradient": (numerical_gradient, dict(f=np.sum, x=IMAGE), {"x": "any_array"}),
    "keras_pool": (keras_check.keras_pool, dict(kind="max", x=X, pool_size=2), {"pool_size": None}),
    "keras_pool_gradient": (
        keras_check.keras_pool_gradient,
        dict(kind="max", x=X, dy=DY, pool_size=2),
        {"pool_size": None},
    ),
    "check_against_keras": (
        keras_check.check_against_keras,
        dict(kind="max", x=X, pool_size=2, quiet=True),
        {"pool_size": None},
    ),
}
KERAS = {"keras_pool", "keras_pool_gradient", "check_against_keras"}

# Optional arguments swept too, with their valid default: strides, padding, data_format, ...
OPTIONAL = {
    "strides": None,
    "stride": None,
    "padding": "valid",
    "data_format": "channels_last",
    "mode": "max",
    "ties": None,
    "h": 1e-6,
    "keepdims": False,
}
ROLE_OF = {
    "x": "array",
    "dy": "array",
    "image": "array",
    "pool_size": "size",
    "strides": "size",
    "stride": "size",
    "output_size": "size",
    "n": "int",
    "input_shape": "layer_shape",
    "spatial_shape": "spatial_shape",
    "position": "position",
    "padding": "padding",
    "data_format": "data_format",
    "mode": "mode",
    "ties": "ties",
    "kind": "kind",
    "f": "function",
    "h": "step",
    "keepdims": "flag",
}

RAGGED = [[[1.0, 2.0], [3.0]], [[4.0, 5.0], [6.0, 7.0]]]
BAD = {
    "array": [
        RAGGED,
        np.ones((2, 5, 6, 3), dtype=complex),
        np.ones((2, 5, 6, 3), dtype=bool),
        np.full((2, 5, 6, 3), "a"),
        np.array([None, 1.0], dtype=object),
        None,
        "abc",
        np.float32(1.0),
        np.ones(4),
        np.ones((2, 0, 6, 3)),
    ],
    "any_array": [RAGGED, np.ones(3, dtype=complex), np.ones(3, dtype=bool), np.full(3, "a"), None, "abc"],
    "size": [
        0,
        -1,
        2.5,
        True,
        "2",
        2**63,
        MAX_SIZE + 1,
        np.array(2.0),
        np.float64(2.0),
        [2] * 4,
        np.ones((2, 2), int),
    ],
    "int": [0, -1, 2.5, True, "5", None, np.array([5]), (5,)],
    "layer_shape": [
        None,
        4,
        "abcd",
        ("a", 5, 6, 3),
        (),
        (1, 2),
        (2, 0, 6, 3),
        (2, -5, 6, 3),
        (2, 5.0, 6, 3),
        (1,) * 6,
        np.ones((2, 2), int),
    ],
    "spatial_shape": [
        None,
        4,
        "ab",
        (),
        ("a", 4),
        (0, 4),
        (4.0, 4),
        (1, 2, 3, 4),
        (10**12,),
        (MAX_AXIS_CELLS + 1, 1),
    ],
    "position": [None, 1, ("a", 0), (0,), (9, 0), (-1, 0), (0.0, 1)],
    "padding": ["full", None, 1, ""],
    "data_format": ["NHWC", None, 0],
    "mode": ["median", None, "MAX"],
    "ties": ["last", 1],
    "kind": ["median", None],
    "function": [None, 3],
    "flag": ["no", 1, None],
    "step": [0, -1e-3, float("inf"), float("nan"), "1e-6", True],
}
# A None is the default for these, not a mistake.
ALLOWED_NONE = {"strides", "stride", "ties"}


def sweep_cases():
    for fname, (func, kwargs, skip) in FUNCTIONS.items():
        names = list(kwargs) + [
            o for o in OPTIONAL if o in func.__code__.co_varnames[: func.__code__.co_argcount + 1]
        ]
        for name in names:
            role = skip.get(name, ROLE_OF.get(name))
            if role is None:
                continue
            for i, value in enumerate(BAD[role]):
                if value is None and name in ALLOWED_NONE:
                    continue
                yield pytest.param(fname, name, value, id=f"{fname}-{name}-{i}")


def _valid_kwargs(fname):
    func, kwargs, _ = FUNCTIONS[fname]
    return func, dict(kwargs)


def _received(value):
    """Fragments of which at least one must appear: the value echoed, or the array's shape or dtype."""
    if isinstance(value, np.ndarray) and value.ndim:
        return [f"shape {value.shape}", f"dtype {value.dtype}", repr(value)]
    if isinstance(value, list) and value is RAGGED:
        return ["ragged"]
    return [repr(value), f"dtype {np.asarray(value).dtype}", f"shape {np.shape(value)}"]


@pytest.mark.parametrize("fname,name,value", list(sweep_cases()))
def test_bad_argument_gets_a_sentence_at_once(request, fname, name, value):
    if fname in KERAS:
        request.getfixturevalue("keras")  # import TensorFlow outside the timed call
    func, kwargs = _valid_kwargs(fname)
    kwargs[name] = value
    start = time.perf_counter()
    with pytest.raises((ValueError, TypeError)) as info:
        func(**kwargs)
    seconds = time.perf_counter() - start
    message = str(info.value)
    assert type(info.value) in (ValueError, TypeError), f"{type(info.value).__name__}: {message}"
    assert seconds < 1.0, f"took {seconds:.1f} s to refuse"
    assert f"`{name}`" in message, f"does not name `{name}`: {message}"
    assert "Received:" in message and message.count("Received:") == 1, message
    assert any(fragment in message for fragment in _received(value)), f"does not echo {value!r}: {message}"
    assert "must" in message or "at most" in message, f"does not say what is allowed: {message}"


@pytest.mark.parametrize(
    "call,name",
    [
        # the argument as the caller named it, not a helper's name for it
        (lambda: pu.pool_output_shape((1, 0, 4, 1), 2), "input_shape"),
        (lambda: pu.pool_output_shape((1, 4, 4, 1), 5), "input_shape"),
        (lambda: pu.avg_pool_backward(np.ones((1, 2)), (1, 4), 2), "input_shape"),
        (lambda: pu.avg_pool_backward(np.ones((1, 1, 1)), (1, 4, 1), 5), "input_shape"),
        (lambda: pu.pool2d_loop(np.ones((2, 2)), 3), "image"),
        (lambda: pu.pool2d_loop(np.ones((4, 4)), 2, stride=0), "stride"),
        (lambda: pu.pool_output_size(4, 2, 0), "stride"),
        (lambda: pu.pool_windows((4, 4), 5), "spatial_shape"),
    ],
)
def test_the_argument_is_named_as_the_caller_passed_it(call, name):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert name in str(info.value) and "`x`" not in str(info.value) and "`n`" not in str(info.value)
    assert str(info.value).count("Received:") == 1


def test_shapes_are_arithmetic_but_geometry_has_a_limit():
    """pool_output_shape only computes, as Keras' compute_output_shape; what builds windows refuses."""
    assert pu.pool_output_shape((2, 10**12, 6, 3), 2) == (2, 5 * 10**11, 3, 3)
    assert pu.pool_output_size(2**63, 2) == 2**62 and pu.same_padding(2**63, 3, 2) == (0, 1)
    for call in (
        lambda: pu.avg_pool_backward(DY, (2, 10**12, 6, 3), 2),
        lambda: layer_windows((2, 10**12, 6, 3), 2),
    ):
        with pytest.raises(ValueError, match=r"`input_shape` asks for 1,000,000,000,000 cells.*16,777,216"):
            call()


def test_avg_pool_backward_refuses_a_gradient_larger_than_its_limit():
    with pytest.raises(ValueError, match="MAX_ARRAY_CELLS"):
        pu.avg_pool_backward(np.ones((1, 1, 1, 1, 1)), (4096, 4096, 4096, 1, 1), (4096, 1, 1))


@pytest.mark.parametrize(
    "call",
    [
        lambda: pu.max_pool(X, 2**63, padding="same"),
        lambda: pu.avg_pool(X, 2**63, padding="same"),
        lambda: pu.max_pool(X, 2, strides=2**63, padding="same"),
        lambda: pu.max_pool_backward(np.ones((2, 1, 1, 3)), X, 2**63, padding="same"),
        lambda: pu.avg_pool_backward(np.ones((2, 1, 1, 3)), X.shape, 2**63, padding="same"),
        lambda: pu.pool_output_size(4, 2**63, padding="same"),
        lambda: pu.same_padding(4, 2**63, 1),
    ],
)
def test_int64_overflow_is_refused_not_wrapped(call):
    """Offsets of 2**63 would wrap around in int64: max_pool returned the lowest float, avg_pool 0."""
    with pytest.raises(ValueError, match=f"at most {MAX_SIZE:,}"):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: pu.adaptive_avg_pool(X, 10**9),
        lambda: pu.adaptive_max_pool(X, (2, 10**9)),
        lambda: pu.adaptive_windows((4, 4), 10**9),
        lambda: pu.pool_windows((10**12,), 2),
        lambda: pu.pool_windows((MAX_AXIS_CELLS + 1,), MAX_AXIS_CELLS + 1),
        lambda: adaptive_axis_windows(4, MAX_AXIS_CELLS + 1),
        lambda: axis_windows(2**30, 1, 1),
        lambda: axis_windows(10**12, 10**9, 10**9),
        lambda: pu.pool_windows((4,), 10**9, padding="same").window((0,)),
    ],
)
def test_work_beyond_the_limit_is_refused_at_once(call):
    start = time.perf_counter()
    with pytest.raises(ValueError, match="at most") as info:
        call()
    assert time.perf_counter() - start < 1.0
    assert "16,777,216" in str(info.value)  # the limit, named


def test_huge_same_windows_answer_at_once_and_match_keras(keras):
    """Keras answers pool_size=10**6 with 'same' at once; so must poolutils (it used to loop 10**6 times)."""
    x = RNG.standard_normal((2, 7, 3)).astype(np.float32)
    dy = np.ones((2, 1, 3), dtype=np.float32)
    for kind in ("max", "avg"):
        start = time.perf_counter()
        ours = getattr(pu, f"{kind}_pool")(x, 10**6, padding="same")
        grad = (
            pu.max_pool_backward(dy, x, 10**6, padding="same")
            if kind == "max"
            else pu.avg_pool_backward(dy, x.shape, 10**6, padding="same")
        )
        assert time.perf_counter() - start < 1.0
        np.testing.assert_allclose(
            ours, keras_check.keras_pool(kind, x, pool_size=10**6, padding="same"), rtol=1e-6
        )
        theirs = keras_check.keras_pool_gradient(kind, x, dy, pool_size=10**6, padding="same")
        np.testing.assert_allclose(grad, theirs, rtol=1e-6)
    start = time.perf_counter()
    geometry = pu.pool_windows((7,), 2**31 - 1, 1, padding="same")
    assert geometry.output_shape == (7,) and time.perf_counter() - start < 1.0


def _sizes_equal(a, b):
    if isinstance(a, tuple) and a and isinstance(a[0], pu.Windows):
        a, b = a[1], b[1]
    if isinstance(a, pu.Windows):
        return a == b
    return np.array_equal(np.asarray(a, dtype=object), np.asarray(b, dtype=object))


def fine_cases():
    for fname, (_, kwargs, _) in FUNCTIONS.items():
        if fname in KERAS:
            continue
        for name in kwargs:
            role = ROLE_OF.get(name)
            if role in ("size", "int"):
                yield pytest.param(fname, name, id=f"{fname}-{name}")


@pytest.mark.parametrize("fname,name", list(fine_cases()))
def test_a_0d_integer_array_is_an_int(fname, name):
    """np.array(2) is accepted wherever 2 is, with the same result (NumPy treats it as an index too)."""
    func, kwargs = _valid_kwargs(fname)
    plain = func(**kwargs)
    kwargs[name] = np.array(kwargs[name])
    assert _sizes_equal(func(**kwargs), plain)


def test_0d_arrays_in_shapes_and_tuples_are_ints():
    assert pu.pool_output_shape((1, np.array(4), 4, 1), (np.array(2), 2)) == (1, 2, 2, 1)
    assert pu.pool_windows((np.array(4),), np.int64(2)).output_shape == (2,)


def array_cases():
    for fname, (_, kwargs, _) in FUNCTIONS.items():
        for name, value in kwargs.items():
            if isinstance(value, np.ndarray) and value.ndim >= 2:
                yield pytest.param(fname, name, id=f"{fname}-{name}")


@pytest.mark.parametrize("fname,name", list(array_cases()))
def test_big_endian_arrays_give_the_native_result(request, fname, name):
    if fname in KERAS:
        request.getfixturevalue("keras")
    func, kwargs = _valid_kwargs(fname)
    plain = func(**kwargs)
    kwargs[name] = kwargs[name].astype(kwargs[name].dtype.newbyteorder(">"))
    np.testing.assert_array_equal(func(**kwargs), plain)


@pytest.mark.parametrize("fname", list(FUNCTIONS))
def test_no_function_modifies_its_input(request, fname):
    """Read-only inputs work (nothing writes into them) and keep their values."""
    if fname in KERAS:
        request.getfixturevalue("keras")
    func, kwargs = _valid_kwargs(fname)
    before = {k: np.copy(v) for k, v in kwargs.items() if isinstance(v, np.ndarray)}
    for k in before:
        kwargs[k] = np.copy(kwargs[k])
        kwargs[k].setflags(write=False)
    func(**kwargs)
    for k, v in before.items():
        np.testing.assert_array_equal(kwargs[k], v)


@pytest.mark.parametrize("ragged", ["x", "dy"])
def test_ragged_nested_lists_are_named(ragged):
    x = X[:1, :4, :4, :1].tolist()
    dy = np.ones((1, 2, 2, 1)).tolist()
    (x if ragged == "x" else dy)[0][1].pop()
    with pytest.raises(ValueError, match=f"`{ragged}` must be a rectangular array"):
        pu.max_pool_backward(dy, x, 2)
