"""Bad input gets a sentence, at once, from every public function of poolutils.

The core (shapes, windows, pooling, gradients, keras_check) and the modules
around it (antialias, cnn, images, plotting, porting) are swept alike.

Each argument of each function has a role (an array, a size, a shape, an
option). For every role there is a list of bad values; each bad value is
passed to every function in place of each argument of that role, one at a
time, with every other argument valid. The call must raise ValueError or
TypeError within a second of this thread's CPU time (the work done before
refusing, however busy the machine is: ``make test`` runs a worker per core
beside TensorFlow's threads), and the message must name the argument as the
caller passed it, echo what was received and say what is allowed. Values
that are fine (big-endian arrays, 0-d integer arrays as sizes) must give the
same result as their plain equivalents, and no function may modify its input.

The widgets (poolutils.widgets) are swept by their own tests.
"""

from __future__ import annotations

import inspect
import time

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import poolutils as pu
from poolutils import antialias, cnn, images, keras_check, plotting, porting
from poolutils._validation import MAX_AXIS_CELLS, MAX_SIZE
from poolutils.gradients import numerical_gradient
from poolutils.shapes import same_padding_total
from poolutils.windows import adaptive_axis_windows, axis_windows, layer_windows

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 5, 6, 3)).astype(np.float32)
DY = RNG.standard_normal((2, 2, 3, 3)).astype(np.float32)  # max_pool(X, 2)'s shape
IMAGE = RNG.standard_normal((5, 6))

SHAPES_X, SHAPES_Y = cnn.make_shapes(8, seed=0)
SHAPES_PAIR = (SHAPES_X, SHAPES_Y)
SHAPES_CANVAS = cnn.make_shapes(8, seed=0, margin=2)[0]  # 28x28 canvases: 24x24 windows moved up to 2 px
MODEL = object()  # stands for a small built model (cnn.build_model), made only when a test needs it
_FIG, _AX = plt.subplots()
ROW = {
    "variant": "max pool + GAP",
    "params": 1,
    "head_params": 1,
    "test_acc": 0.5,
    "shifted_acc": {1: 0.5},
    "consistency": 0.5,
    "consistency_correct": 0.5,
    "flips_per_error": 1.0,
}
AXIS = axis_windows(4, 3, 2, "same")

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
    # antialias
    "binomial_kernel": (antialias.binomial_kernel, dict(size=3), {"size": "size"}),
    "blur_pool": (antialias.blur_pool, dict(x=X, pool_size=2, strides=2, blur_size=3), {}),
    "blur_pool_layers": (
        antialias.blur_pool_layers,
        dict(pool_size=2, strides=2, blur_size=3, rank=2, name="blur"),
        {"padding": "padding"},
    ),
    # cnn
    "shape_mask": (cnn.shape_mask, dict(kind="disk", size=12, center=(6, 6), radius=3.0), {}),
    "make_shapes": (cnn.make_shapes, dict(n=4, size=12, jitter=1, seed=0, noise=0.1), {}),
    "shift_crops": (
        cnn.shift_crops,
        dict(canvases=SHAPES_CANVAS, rows=1, cols=-2, margin=2),
        {"rows": "shift"},
    ),
    "random_shifts": (
        cnn.random_shifts,
        dict(images=SHAPES_X, max_shift=2, rng=np.random.default_rng(0)),
        {},
    ),
    "results_table": (cnn.results_table, dict(rows=[ROW], digits=2), {"rows": "table"}),
    "build_model": (cnn.build_model, dict(variant="max pool + GAP", input_shape=(24, 24, 1), filters=4), {}),
    "train_and_evaluate": (
        cnn.train_and_evaluate,
        dict(
            variant="max pool + GAP",
            train=SHAPES_PAIR,
            test=(cnn.make_shapes(8, seed=0, margin=1)[0], SHAPES_Y),
            shifts=(1,),
            epochs=1,
            seed=0,
        ),
        {},
    ),
    "shift_consistency": (
        cnn.shift_consistency,
        dict(model=MODEL, images=SHAPES_CANVAS, max_shift=2, seed=0),
        {},
    ),
    "feature_maps": (
        cnn.feature_maps,
        dict(model=MODEL, image=SHAPES_X[0], layer_names=["conv1", "down1"]),
        {"image": "image3d"},
    ),
    # images
    "sample_image": (images.sample_image, dict(downscale=8), {}),
    "pool_image": (images.pool_image, dict(image=IMAGE, mode="max", pool_size=2, stride=1), {}),
    "pooling_pyramid": (images.pooling_pyramid, dict(image=IMAGE, levels=1), {}),
    "layer_output": (images.layer_output, dict(image=IMAGE, layer="blur", stride=2, pool_size=2), {}),
    "shift_changes": (
        images.shift_changes,
        dict(image=np.tile(IMAGE, (1, 4)), layer="max", stride=2, shifts=(1, 2), pool_size=2, border=1),
        {},
    ),
    # plotting
    "format_value": (plotting.format_value, dict(value=3.75), {}),
    "figure_size": (plotting.figure_size, dict(width=2.0, height=1.0), {}),
    "fixed_margins": (plotting.fixed_margins, dict(fig=_FIG, wspace=0.1), {}),
    "plot_grid": (
        plotting.plot_grid,
        dict(
            ax=_AX,
            values=IMAGE,
            highlight=np.array([[0, 0], [1, 1]]),
            padding=(0, 1, 0, 1),
            title="x",
            vmin=-1.0,
            vmax=1.0,
            marks=np.array([[0, 0]]),
            blocks=(2, 2),
        ),
        {"padding": "grid_padding"},
    ),
    "plot_window_step": (
        plotting.plot_window_step,
        dict(x2d=IMAGE, out2d=np.zeros((2, 3)), windows=pu.pool_windows((5, 6), 2), position=(1, 2)),
        {"x2d": "array", "out2d": "array"},
    ),
    "plot_pooling_step": (
        plotting.plot_pooling_step,
        dict(x2d=IMAGE, pool_size=2, stride=2, padding="same", position=(0, 1), mode="avg"),
        {"x2d": "array"},
    ),
    "plot_axis_windows": (plotting.plot_axis_windows, dict(n=7, pool_size=2, stride=2), {}),
    "plot_axis_conventions": (
        plotting.plot_axis_conventions,
        dict(rows=[("'same'", AXIS)], divisors=[[3, 2]], padding=[(0, 0)]),
        {"rows": "axis_rows", "padding": "conv_padding"},
    ),
    # porting
    "torch_padding": (porting.torch_padding, dict(n=4, kernel_size=3, stride=2, padding=1), {}),
    "torch_output_size": (porting.torch_output_size, dict(n=4, kernel_size=3, stride=2, padding=1), {}),
    "torch_windows": (porting.torch_windows, dict(spatial_shape=(4, 5), kernel_size=3, padding=1), {}),
    "torch_divisors": (porting.torch_divisors, dict(spatial_shape=(4, 5), kernel_size=3, padding=1), {}),
    "torch_max_pool": (porting.torch_max_pool, dict(x=X, kernel_size=3, stride=2, padding=1), {}),
    "torch_avg_pool": (porting.torch_avg_pool, dict(x=X, kernel_size=3, stride=2, padding=1), {}),
}
KERAS = {"keras_pool", "keras_pool_gradient", "check_against_keras"}
# These build or train a Keras model once their arguments pass.
KERAS_MODELS = {"blur_pool_layers", "build_model", "train_and_evaluate", "shift_consistency", "feature_maps"}
# Porting's padding is PyTorch's: cells, not 'valid' or 'same'.
for _name in FUNCTIONS:
    if _name.startswith("torch_"):
        FUNCTIONS[_name][2].setdefault("padding", "torch_padding")

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
    "ceil_mode": False,
    "count_include_pad": True,
    "second_position": None,
    "titles": ("input", "output"),
    "mark_winner": False,
    "second": None,
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
    "images": "array",
    "blur_size": "size",
    "kernel_size": "size",
    "ceil_mode": "flag",
    "count_include_pad": "flag",
    "mark_winner": "flag",
    "rank": "rank",
    "name": "name",
    "size": "int",
    "levels": "int",
    "downscale": "int",
    "epochs": "int",
    "n_classes": "int",
    "filters": "int",
    "jitter": "count",
    "digits": "count",
    "border": "count",
    "max_shift": "count",
    "margin": "count",
    "canvases": "array",
    "cols": "shift",
    "seed": "seed",
    "noise": "real",
    "radius": "real",
    "wspace": "real",
    "vmin": "real",
    "vmax": "real",
    "width": "positive_real",
    "height": "positive_real",
    "value": "number",
    "center": "pair",
    "rng": "rng",
    "variant": "variant",
    "train": "labelled",
    "test": "labelled",
    "shifts": "shifts",
    "model": "model",
    "layer_names": "layer_names",
    "layer": "mode",
    "ax": "object",
    "fig": "object",
    "windows": "windows",
    "highlight": "cells",
    "second": "cells",
    "marks": "cells",
    "blocks": "blocks",
    "title": "text",
    "titles": "titles",
    "second_position": "position",
    "divisors": "divisors",
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
    "image3d": [RAGGED, np.ones((4, 4, 1), dtype=complex), np.ones((4, 4)), np.ones((0, 4, 1)), None, "abc"],
    "rank": [3, 0, "2", True, None],
    "name": [3, None],
    "count": [-1, 2.5, True, "1", None, 10**9, np.array([1])],
    "shift": [None, 2.5, "1", True, 99, -99, np.array([1])],
    "seed": [-1, 2.5, "0", True, 2**64],
    "real": [float("nan"), float("inf"), "0.1", None, True, np.ones(2)],
    "positive_real": [0, -1, float("nan"), float("inf"), "2", None, True],
    "number": ["a", None, True, np.ones(2), [1]],
    "pair": [None, 1, ("a", 1), (1,), (1, 2, 3), (float("nan"), 1)],
    "rng": [None, 0, "rng"],
    "variant": ["max pool", None, 3],
    "labelled": [
        None,
        3,
        "ab",
        (SHAPES_X, SHAPES_Y[:-1]),
        (SHAPES_X, SHAPES_Y + 10),
        (SHAPES_X[:, :, :, 0], SHAPES_Y),
    ],
    "shifts": [None, 3, "ab", (), (0,), (1.5,), (True,), (10**9,), [[1, 2]]],
    "model": [None, "model"],
    "layer_names": [None, "conv1", ["nope"], [3], []],
    "object": [None, "ax", 3],
    "windows": [None, pu.pool_windows((5,), 2), "windows"],
    "cells": [RAGGED, np.ones((2, 3), int), np.ones((2, 2)), "ab", np.ones(4, int)],
    "blocks": [0, (0, 2), (2,), "ab", (2.5, 2)],
    "text": [3, b"x"],
    "titles": [None, "ab", ("a",), (1, 2)],
    "divisors": ["ab", [[3]], [[3, 2], [1]], 3],
    "grid_padding": [None, 1, (0, 0, 0), (0, -1, 0, 0), (0, 0.5, 0, 0), "abcd", (0, 10**6, 0, 10**6)],
    "conv_padding": ["ab", [(0,)], [(0, 0), (0, 0)], 3],
    "torch_padding": [-1, 2.5, "1", None, True, (0, 0, 0), 2**63],
    "table": [None, 3, "ab", [{}], [dict(ROW, shifted_acc=None)], [ROW, dict(ROW, shifted_acc={2: 0.5})]],
    "axis_rows": [None, [], [("a", 3)], [("a", AXIS), ("b", axis_windows(5, 2, 2))], "ab"],
}
# A None is the default for these, not a mistake.
ALLOWED_NONE = {"strides", "stride", "ties"}


def _defaults_none(func, name):
    """True when None is the argument's default: then None is a choice, not a mistake."""
    parameter = inspect.signature(func).parameters.get(name)
    return parameter is not None and parameter.default is None


def sweep_cases():
    for fname, (func, kwargs, skip) in FUNCTIONS.items():
        names = list(kwargs) + [
            o for o in OPTIONAL if o in inspect.signature(func).parameters and o not in kwargs
        ]
        for name in names:
            role = skip.get(name, ROLE_OF.get(name))
            if role is None:
                continue
            for i, value in enumerate(BAD[role]):
                if value is None and (name in ALLOWED_NONE or _defaults_none(func, name)):
                    continue
                yield pytest.param(fname, name, value, id=f"{fname}-{name}-{i}")


_MODELS = {}


def _valid_kwargs(fname):
    func, kwargs, _ = FUNCTIONS[fname]
    kwargs = dict(kwargs)
    if kwargs.get("model") is MODEL:
        if not _MODELS:
            _MODELS["model"] = cnn.build_model("max pool + GAP", filters=4)
        kwargs["model"] = _MODELS["model"]
    if "rng" in kwargs:
        kwargs["rng"] = np.random.default_rng(0)  # a fresh generator: the same draws on every call
    return func, kwargs


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _received(value):
    """Fragments of which at least one must appear: the value echoed, or the array's shape or dtype."""
    if isinstance(value, np.ndarray) and value.ndim:
        return [f"shape {value.shape}", f"dtype {value.dtype}", repr(value)]
    if isinstance(value, list) and value is RAGGED:
        return [repr(value)]  # the value itself, so the learner sees which row is short
    if isinstance(value, tuple) and any(isinstance(v, np.ndarray) for v in value):
        return [f"shape {v.shape}" for v in value if isinstance(v, np.ndarray)]
    try:
        dtype = np.asarray(value).dtype
    except ValueError:  # a ragged sequence
        dtype = np.dtype(object)
    return [repr(value), f"dtype {dtype}", f"shape {np.shape(value) if dtype.kind != 'O' else ()}"]


@pytest.mark.parametrize("fname,name,value", list(sweep_cases()))
def test_bad_argument_gets_a_sentence_at_once(request, fname, name, value):
    if fname in KERAS or (fname in KERAS_MODELS and name != "model"):
        request.getfixturevalue("keras")  # import TensorFlow outside the timed call
    func, kwargs = _valid_kwargs(fname)
    kwargs[name] = value
    start = time.thread_time()
    with pytest.raises((ValueError, TypeError)) as info:
        func(**kwargs)
    seconds = time.thread_time() - start
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
    start = time.thread_time()
    with pytest.raises(ValueError, match="at most") as info:
        call()
    assert time.thread_time() - start < 1.0
    assert "16,777,216" in str(info.value)  # the limit, named


def test_huge_same_windows_answer_at_once_and_match_keras(keras):
    """Keras answers pool_size=10**6 with 'same' at once; so must poolutils (it used to loop 10**6 times)."""
    x = RNG.standard_normal((2, 7, 3)).astype(np.float32)
    dy = np.ones((2, 1, 3), dtype=np.float32)
    for kind in ("max", "avg"):
        start = time.thread_time()
        ours = getattr(pu, f"{kind}_pool")(x, 10**6, padding="same")
        grad = (
            pu.max_pool_backward(dy, x, 10**6, padding="same")
            if kind == "max"
            else pu.avg_pool_backward(dy, x.shape, 10**6, padding="same")
        )
        assert time.thread_time() - start < 1.0
        np.testing.assert_allclose(
            ours, keras_check.keras_pool(kind, x, pool_size=10**6, padding="same"), rtol=1e-6
        )
        theirs = keras_check.keras_pool_gradient(kind, x, dy, pool_size=10**6, padding="same")
        np.testing.assert_allclose(grad, theirs, rtol=1e-6)
    start = time.thread_time()
    geometry = pu.pool_windows((7,), 2**31 - 1, 1, padding="same")
    assert geometry.output_shape == (7,) and time.thread_time() - start < 1.0


def _sizes_equal(a, b):
    """The same result: arrays, geometries, figures (their written texts), or tuples and dicts of them."""
    if isinstance(a, Figure):
        return [t.get_text() for ax in a.axes for t in ax.texts] == [
            t.get_text() for ax in b.axes for t in ax.texts
        ]
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_sizes_equal(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)) and a and not np.isscalar(a[0]):
        return len(a) == len(b) and all(_sizes_equal(u, v) for u, v in zip(a, b))
    if isinstance(a, pu.Windows):
        return a == b
    return np.array_equal(np.asarray(a, dtype=object), np.asarray(b, dtype=object))


def fine_cases():
    for fname, (_, kwargs, skip) in FUNCTIONS.items():
        if fname in KERAS or fname in KERAS_MODELS:
            continue
        for name in kwargs:
            role = skip.get(name, ROLE_OF.get(name))
            if role in ("size", "int"):
                yield pytest.param(fname, name, id=f"{fname}-{name}")


@pytest.mark.parametrize("fname,name", list(fine_cases()))
def test_a_0d_integer_array_is_an_int(fname, name):
    """np.array(2) is accepted wherever 2 is, with the same result (NumPy treats it as an index too)."""
    func, kwargs = _valid_kwargs(fname)
    plain = func(**kwargs)
    _, kwargs = _valid_kwargs(fname)
    kwargs[name] = np.array(kwargs[name])
    assert _sizes_equal(func(**kwargs), plain)


def test_0d_arrays_in_shapes_and_tuples_are_ints():
    assert pu.pool_output_shape((1, np.array(4), 4, 1), (np.array(2), 2)) == (1, 2, 2, 1)
    assert pu.pool_windows((np.array(4),), np.int64(2)).output_shape == (2,)


def array_cases():
    for fname, (_, kwargs, _) in FUNCTIONS.items():
        if fname in ("train_and_evaluate", "fixed_margins"):
            continue  # a trained model's numbers are not compared; fixed_margins returns nothing
        for name, value in kwargs.items():
            if isinstance(value, np.ndarray) and value.ndim >= 2:
                yield pytest.param(fname, name, id=f"{fname}-{name}")


@pytest.mark.parametrize("fname,name", list(array_cases()))
def test_big_endian_arrays_give_the_native_result(request, fname, name):
    if fname in KERAS or fname in KERAS_MODELS:
        request.getfixturevalue("keras")
    func, kwargs = _valid_kwargs(fname)
    plain = func(**kwargs)
    _, kwargs = _valid_kwargs(fname)  # unused state again (a fresh random generator)
    kwargs[name] = kwargs[name].astype(kwargs[name].dtype.newbyteorder(">"))
    assert _sizes_equal(func(**kwargs), plain)


@pytest.mark.parametrize("fname", list(FUNCTIONS))
def test_no_function_modifies_its_input(request, fname):
    """Read-only inputs work (nothing writes into them) and keep their values."""
    if fname in KERAS or fname in KERAS_MODELS:
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


@pytest.mark.parametrize(
    "call,limit",
    [
        # blur_size=10**9 used to build a binomial row of 10**9 Python ints and kill the process
        (lambda: antialias.blur_pool(X, blur_size=10**9), "at most 1,024"),
        (lambda: antialias.blur_pool_layers(blur_size=10**9), "at most 1,024"),
        (lambda: antialias.binomial_kernel(1025), "at most 1,024"),
        (lambda: cnn.make_shapes(10**9), "MAX_ARRAY_CELLS = 268,435,456"),  # was a raw MemoryError
        (lambda: cnn.make_shapes(10**6, size=24), "MAX_ARRAY_CELLS = 268,435,456"),
        (lambda: cnn.shape_mask("disk", 10**9, (1, 1), 1), "at most 16,384"),
        (lambda: cnn.build_model("max pool + flatten", filters=10**6), "MAX_ARRAY_CELLS = 268,435,456"),
        (
            lambda: cnn.train_and_evaluate(
                "max pool + GAP",
                SHAPES_PAIR,
                (cnn.make_shapes(8, seed=0, margin=4)[0], SHAPES_Y),
                epochs=10**9,
            ),
            "at most 1,000",
        ),
        (lambda: images.pooling_pyramid(IMAGE, 10**9), "from 1 to 2"),
        (lambda: images.sample_image(10**9), "from 1 to 512"),
        (lambda: images.shift_changes(IMAGE, "max", 1, shifts=(1,) * 10**6), "at most one per column"),
        (lambda: plotting.plot_pooling_step(IMAGE, 10**9, padding="same"), "MAX_DRAWN_CELLS = 10,000"),
        (lambda: plotting.plot_axis_windows(4, 10**9, padding="same"), "MAX_DRAWN_CELLS = 10,000"),
        (lambda: plotting.plot_axis_windows(10**9, 2), "at most 10,000"),
        (lambda: plotting.plot_grid(_AX, np.zeros((200, 200))), "MAX_DRAWN_CELLS = 10,000"),
        (lambda: porting.torch_windows((10**12,), 2), "16,777,216"),
        (lambda: porting.torch_max_pool(X, 2**63), f"at most {MAX_SIZE:,}"),
    ],
)
def test_the_other_modules_refuse_work_beyond_their_limits_at_once(call, limit):
    """Outside the core, each limit is named too, and refused before any loop or allocation."""
    start = time.thread_time()
    with pytest.raises(ValueError) as info:
        call()
    assert time.thread_time() - start < 1.0
    assert limit in str(info.value) and str(info.value).count("Received:") == 1, str(info.value)


def test_blur_pool_takes_the_longest_blur_it_allows():
    """MAX_BLUR_SIZE is not arbitrary: the binomial row of that length still sums to 1 in float64."""
    kernel = antialias.binomial_kernel(antialias.MAX_BLUR_SIZE)
    assert np.isfinite(kernel).all() and abs(kernel.sum() - 1) < 1e-12
    out = antialias.blur_pool(X[:, :, :, :1], blur_size=antialias.MAX_BLUR_SIZE)
    assert out.shape == (2, 3, 3, 1) and np.isfinite(out).all()
