"""Checks for exercises/04_global_pooling.ipynb: global average pooling, adaptive pooling, a GAP head.

Exercise 4.4 is a design: the learner's function returns a Keras model, and
:func:`summarise_head` turns it into plain data (layer names, input shape,
parameter count, output shapes for several map sizes) where it ran, so the
grader can send it between processes. Several designs pass; its known
mistakes are properties of that summary (``Mistake.test``).
"""

from __future__ import annotations

import numpy as np

from poolutils.checks import mistakes as m
from poolutils.checks.core import (
    Case,
    Check,
    Mistake,
    compare_exact,
    compare_floats,
    keras_oracle,
    make_cases,
    model_summary_test,
    sample,
)
from poolutils.checks.fixtures import int_batch
from poolutils.keras_check import keras

# --- 4.1 -------------------------------------------------------------------


def global_avg_pool(x):
    # One mean per batch item and channel, over both spatial axes.
    return x.mean(axis=(1, 2))


def _global_cases() -> list[Case]:
    shapes = [(2, 4, 4, 3), (3, 5, 7, 2), (1, 1, 6, 4), (2, 3, 2, 1)]
    cases = [Case(f"x of shape {s}", (sample(s, 70 + i),)) for i, s in enumerate(shapes)]
    # An int input: a buffer made with np.zeros_like(x ...) would cut the means' fractions off.
    return [*cases, Case("x of shape (2, 3, 3, 2), ints (int64)", (int_batch((2, 3, 3, 2), 75),))]


check_global_avg_pool = Check(
    "4.1",
    "global_avg_pool",
    libraries=False,  # the task says calling poolutils, Keras or TensorFlow is not credited
    cases=_global_cases,
    reference=global_avg_pool,
    oracle=lambda x: keras_oracle("global_avg", x),
    compare=compare_floats,
    mistakes=(
        Mistake(
            lambda x: np.trunc(global_avg_pool(x)).astype(np.int64),
            "your output array holds ints (np.zeros_like(x...) of an int input, or dtype=int), so every mean "
            "written into it loses its fraction. Make it a float array, e.g. np.zeros((batch, channels)).",
            "int_buffer",
        ),
        Mistake(
            lambda x: x.mean(axis=(2, 3)),
            "you averaged axes 2 and 3, as for PyTorch's channels-first (batch, channels, H, W); Keras' x is "
            "channels-last, (batch, H, W, channels): average axes 1 and 2.",
            "channels_first",
        ),
        *(
            Mistake(
                lambda x, axes=axes: x.mean(axis=axes),
                f"you averaged axes {axes}; x is (batch, H, W, channels), so the spatial axes are 1 and 2.",
                "wrong_axes",
            )
            for axes in ((1, 3), (0, 1), (0, 2), (0, 3))
        ),
        Mistake(
            lambda x: x.mean(axis=-1),
            "you averaged over the channels (axis -1); global pooling averages over the spatial "
            "axes 1 and 2 and keeps one value per channel.",
            "channels_averaged",
        ),
        Mistake(
            lambda x: x.mean(axis=(1, 2), keepdims=True),
            "you kept the spatial axes (keepdims=True): the expected shape is (batch, channels), as "
            "GlobalAveragePooling2D returns by default.",
            "keepdims",
        ),
        Mistake(
            lambda x: x.mean(axis=(0, 1, 2)),
            "you averaged over the batch too: each batch item gets its own result, shape (batch, channels).",
            "batch_averaged",
        ),
        Mistake(
            lambda x: x.mean(axis=1),
            "you averaged over the height only (axis 1); average over height and width: axis=(1, 2).",
            "height_only",
        ),
        Mistake(
            lambda x: x.mean(axis=(1, 2, 3)),
            "you averaged the channels together with the positions (one number per batch item); keep one "
            "mean per channel: axis=(1, 2).",
            "channels_too",
        ),
        Mistake(
            lambda x: x.max(axis=(1, 2)),
            "you took the maximum; global AVERAGE pooling takes the mean.",
            "max_not_mean",
        ),
    ),
    hints=(
        "x has shape (batch, height, width, channels); which axes disappear?",
        "NumPy reductions take a tuple of axes: x.mean(axis=(1, 2)).",
    ),
    minutes=3,
)


# --- 4.2 -------------------------------------------------------------------


def adaptive_avg_pool(x, output_size):
    def windows(n, out):
        # Window i covers floor(i*n/out) .. ceil((i+1)*n/out) - 1; neighbours may share a cell.
        return [(i * n // out, -(-(i + 1) * n // out)) for i in range(out)]

    rows, cols = windows(x.shape[1], output_size[0]), windows(x.shape[2], output_size[1])
    out = np.empty((x.shape[0], len(rows), len(cols), x.shape[3]))
    for i, (top, bottom) in enumerate(rows):
        for j, (left, right) in enumerate(cols):
            out[:, i, j, :] = x[:, top:bottom, left:right, :].mean(axis=(1, 2))
    return out


def _adaptive_cases() -> list[Case]:
    specs = [
        ((2, 4, 4, 3), (2, 2)),
        ((2, 5, 7, 3), (3, 2)),
        ((1, 7, 5, 2), (3, 4)),
        ((2, 6, 6, 2), (4, 4)),
        ((1, 5, 5, 1), (1, 1)),
    ]
    cases = [
        Case(f"x of shape {s}, output_size={o}", (sample(s, 80 + i), o)) for i, (s, o) in enumerate(specs)
    ]
    ints = int_batch((1, 5, 4, 2), 86)
    return [*cases, Case("x of shape (1, 5, 4, 2), ints (int64), output_size=(2, 3)", (ints, (2, 3)))]


def _adaptive_with(x, output_size, bounds):
    rows = [bounds(i, x.shape[1], output_size[0]) for i in range(output_size[0])]
    cols = [bounds(j, x.shape[2], output_size[1]) for j in range(output_size[1])]
    out = np.empty((x.shape[0], len(rows), len(cols), x.shape[3]))
    for i, (top, bottom) in enumerate(rows):
        for j, (left, right) in enumerate(cols):
            out[:, i, j, :] = x[:, top:bottom, left:right, :].mean(axis=(1, 2))
    return out


def _adaptive_max(x, output_size):
    rows = [
        (i * x.shape[1] // output_size[0], -(-(i + 1) * x.shape[1] // output_size[0]))
        for i in range(output_size[0])
    ]
    cols = [
        (j * x.shape[2] // output_size[1], -(-(j + 1) * x.shape[2] // output_size[1]))
        for j in range(output_size[1])
    ]
    out = np.empty((x.shape[0], len(rows), len(cols), x.shape[3]))
    for i, (top, bottom) in enumerate(rows):
        for j, (left, right) in enumerate(cols):
            out[:, i, j, :] = x[:, top:bottom, left:right, :].max(axis=(1, 2))
    return out


def _fixed_windows(x, output_size):
    # The usual wrong idea: `out` windows of n // out cells each, side by side; the rest is dropped.
    return _adaptive_with(x, output_size, lambda i, n, out: (i * (n // out), (i + 1) * (n // out)))


def _rounded_windows(x, output_size):
    # round() for both bounds (at least one cell per window)
    def bounds(i, n, out):
        start, stop = round(i * n / out), round((i + 1) * n / out)
        return start, max(stop, start + 1)

    return _adaptive_with(x, output_size, bounds)


check_adaptive_avg_pool = Check(
    "4.2",
    "adaptive_avg_pool",
    libraries=False,  # the task says calling poolutils, Keras or TensorFlow is not credited
    cases=_adaptive_cases,
    reference=adaptive_avg_pool,
    oracle=lambda x, o: keras_oracle("adaptive_avg", x, output_size=o),
    compare=compare_floats,
    mistakes=(
        Mistake(
            lambda x, o: np.trunc(adaptive_avg_pool(x, o)).astype(np.int64),
            "your output array holds ints (np.zeros_like(x...) of an int input, or dtype=int), so every mean "
            "written into it loses its fraction. Make it a float array, e.g. np.zeros((batch, out_h, out_w, channels)).",
            "int_buffer",
        ),
        Mistake(
            lambda x, o: _adaptive_max(x, o),
            "you took the maximum of each window; adaptive AVERAGE pooling takes the mean.",
            "max_not_mean",
        ),
        Mistake(
            lambda x, o: m.pool_batch(x, m.adaptive_windows_floor(x.shape[1:3], o), "avg"),
            "your windows end at floor((i + 1) * n / out); Keras rounds the end UP, ceil((i + 1) * n / out), "
            "so neighbouring windows may share a cell.",
            "window_end_floor",
        ),
        Mistake(
            _fixed_windows,
            "you used one fixed window of n // out cells; adaptive windows start at floor(i * n / out) "
            "and end at ceil((i + 1) * n / out), so together they always cover the whole input.",
            "fixed_windows",
        ),
        Mistake(
            _rounded_windows,
            "you rounded the window bounds to the nearest cell; a window starts at floor(i * n / out) and ends "
            "at ceil((i + 1) * n / out), so it never misses a cell it overlaps.",
            "rounded_bounds",
        ),
        Mistake(
            lambda x, o: adaptive_avg_pool(x, o[::-1]),
            "height and width are swapped: output_size is (out_height, out_width).",
            "height_width_swapped",
        ),
    ),
    hints=(
        "Along an axis of n cells pooled to `out` cells, window i starts at floor(i * n / out) and "
        "ends (exclusive) at ceil((i + 1) * n / out).",
        "In integers: start = i * n // out, stop = -(-(i + 1) * n // out). Then average "
        "x[:, top:bottom, left:right, :] over axes (1, 2) for every pair of row and column windows.",
    ),
    minutes=8,
)


# --- 4.3 -------------------------------------------------------------------


def head_params(height, width, channels, classes):
    # Dense has one weight per (input, class) pair plus one bias per class.
    flatten = height * width * channels * classes + classes
    gap = channels * classes + classes
    return (flatten, gap)


def _head_oracle(height: int, width: int, channels: int, classes: int) -> tuple[int, int]:
    k = keras()

    def count(pool: object) -> int:
        model = k.Sequential([k.Input((height, width, channels)), pool, k.layers.Dense(classes)])
        return int(model.count_params())

    return count(k.layers.Flatten()), count(k.layers.GlobalAveragePooling2D())


def _head_cases() -> list[Case]:
    specs = [(7, 7, 512, 10), (4, 4, 64, 100), (5, 3, 8, 2), (1, 1, 16, 3)]
    return [Case(f"height={h}, width={w}, channels={c}, classes={k}", (h, w, c, k)) for h, w, c, k in specs]


def _head_rows(rng: np.random.Generator) -> list[Case]:
    rows = [
        (int(rng.integers(1, 9)), int(rng.integers(1, 9)), int(rng.integers(1, 65)), int(rng.integers(2, 21)))
    ]
    rows += [tuple(int(v) for v in rng.integers(1, 12, size=4)) for _ in range(3)]
    return [
        Case(f"height={h}, width={w}, channels={c}, classes={k} [drawn]", (h, w, c, k)) for h, w, c, k in rows
    ]


check_head_params = Check(
    "4.3",
    "head_params",
    libraries=True,  # the task allows counting with Keras' count_params()
    cases=_head_cases,
    reference=head_params,
    oracle=_head_oracle,
    compare=compare_exact,
    mistakes=(
        Mistake(
            lambda h, w, c, k: (head_params(h, w, c, k)[0], 0),
            "gap_params counts GlobalAveragePooling2D() AND the Dense(classes) after it: the pooling has no "
            "parameters, but that Dense has channels * classes + classes.",
            "gap_only",
        ),
        Mistake(
            lambda h, w, c, k: (h * w * c * k, c * k),
            "you forgot the biases: Dense adds one per class (+ classes) to both counts.",
            "no_biases",
        ),
        Mistake(
            lambda h, w, c, k: head_params(h, w, c, k)[::-1],
            "the order is swapped: return (flatten_params, gap_params).",
            "order_swapped",
        ),
        Mistake(
            lambda h, w, c, k: (h * w * c * k + k, h * w * c * k + k),
            "global average pooling leaves one value per CHANNEL, so the Dense after it sees `channels` "
            "inputs, not height * width * channels.",
            "gap_counts_positions",
        ),
        Mistake(
            lambda h, w, c, k: (h * w * c * (k + 1), c * (k + 1)),
            "Dense has one bias per OUTPUT (class), not per input: inputs * classes + classes.",
            "bias_per_input",
        ),
        Mistake(
            lambda h, w, c, k: (h * w * c * k + k, c * k + k + c),
            "GlobalAveragePooling2D has no parameters: it only averages.",
            "gap_has_params",
        ),
    ),
    hints=(
        "Dense(classes) on n inputs has n * classes weights and classes biases. How many inputs does "
        "it see after Flatten, and after GlobalAveragePooling2D?",
        "After Flatten: height * width * channels inputs. After global average pooling: channels inputs.",
    ),
    draw=lambda rng: _head_rows(rng),
    minutes=4,
)


# --- 4.4 -------------------------------------------------------------------
# Design: a classifier head that takes a feature map of ANY height and width, within a parameter budget.

_PROBE_SIZES = ((7, 7), (5, 9), (1, 1), (12, 3))


def gap_head(channels, classes):
    import keras

    # Global average pooling removes height and width, so any size works; Dense adds (channels + 1) * classes.
    return keras.Sequential(
        [
            keras.Input((None, None, channels)),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(classes),
        ]
    )


def summarise_head(model: object) -> dict:
    """What the checker needs to know about a head: its layers, input, parameters and outputs for several sizes.

    Plain data, so the grader can send it from the learner's kernel. A summary
    comes back unchanged.

    Examples
    --------
    >>> summarise_head([1, 2])
    {'type': 'list'}
    """
    if isinstance(model, dict) and "type" in model:
        return model
    if not hasattr(model, "count_params") or not hasattr(model, "input_shape"):
        return {"type": type(model).__name__}
    channels = model.input_shape[-1]
    outputs = []
    for height, width in _PROBE_SIZES:
        try:
            outputs.append(tuple(np.shape(model(np.zeros((2, height, width, channels), dtype=np.float32)))))
        except Exception as err:  # a head tied to one size raises here: that is the finding
            outputs.append(f"fails: {type(err).__name__}")
    return {
        "type": "Model",
        "layers": tuple(
            type(layer).__name__ for layer in model.layers if type(layer).__name__ != "InputLayer"
        ),
        # Logits or probabilities: the activation of every layer that has one, in order.
        "activations": tuple(
            getattr(layer.activation, "__name__", str(layer.activation))
            for layer in model.layers
            if getattr(layer, "activation", None) is not None
        ),
        "input": tuple(model.input_shape),
        "params": int(model.count_params()),
        "outputs": tuple(outputs),
    }


def _head_oracle(channels: int, classes: int) -> dict:
    import keras

    model = keras.Sequential(
        [
            keras.Input((None, None, channels)),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(classes),
        ]
    )
    return summarise_head(model)


_ACTIVATION_LAYERS = ("Softmax", "Activation", "ReLU")


def _output_activation(got: dict) -> str | None:
    # Logits or not is decided by the last layer: an activation layer, or the last layer's own activation.
    layers = got.get("layers", ())
    if layers and layers[-1] in _ACTIVATION_LAYERS:
        return layers[-1]
    last = got.get("activations", ())[-1:]
    return last[0] if last and last[0] != "linear" and layers and layers[-1] in ("Dense", "Conv2D") else None


def _compare_head(expected: dict, got: object) -> str | None:
    if not isinstance(got, dict) or got.get("type") != "Model":
        kind = got.get("type") if isinstance(got, dict) else type(got).__name__
        return f"returned a {kind}; return a Keras model (keras.Sequential([...]) or keras.Model(inputs, outputs))"
    channels, classes = expected["input"][-1], expected["outputs"][0][-1]
    if got["input"][-1] != channels or len(got["input"]) != 4:
        return f"the model's input is {got['input']}; it must take (batch, height, width, {channels}) maps"
    if got["input"][1:3] != (None, None):
        return (
            f"the model's input is fixed to {got['input'][1:]}; write keras.Input((None, None, {channels})) so "
            "it accepts any height and width"
        )
    for (height, width), shape in zip(_PROBE_SIZES, got["outputs"]):
        if shape != (2, classes):
            return (
                f"on a batch of two {height}x{width} maps the head returned {shape}; expected (2, {classes})"
            )
    squashed = _output_activation(got)
    if squashed is not None:
        return (
            f"the head ends with {squashed}, so it returns squashed scores, not logits; leave the last Dense "
            "without an activation"
        )
    budget = (channels + 1) * classes
    if got["params"] > budget:
        return f"the head has {got['params']} parameters; the budget is (channels + 1) * classes = {budget}"
    return None


check_gap_head = Check(
    "4.4",
    "gap_head",
    cases=lambda: make_cases([(8, 3), (64, 10), (32, 5)], "channels={0}, classes={1}"),
    reference=gap_head,
    oracle=_head_oracle,
    compare=_compare_head,
    summarise=summarise_head,
    isolate=False,  # the answer builds a Keras model: TensorFlow is not fork-safe
    time_limit=60,  # the first model built in a kernel waits for TensorFlow to start
    mistakes=(
        Mistake(
            None,
            "logits are the raw scores of Dense(classes); a softmax (or any activation) after it turns them into "
            "probabilities, which a loss with from_logits=True would squash twice.",
            "not_logits",
            test=model_summary_test(lambda got: _output_activation(got) is not None),
        ),
        Mistake(
            None,
            "Flatten ties the head to one map size (and costs height * width times more weights); pool the "
            "map globally so any size gives one value per channel.",
            "flatten_fixed_size",
            test=model_summary_test(lambda got: "Flatten" in got["layers"]),
        ),
        Mistake(
            None,
            "keepdims=True keeps a 1x1 spatial grid, so the head returns (batch, 1, 1, classes); use the "
            "default keepdims=False.",
            "keepdims",
            test=model_summary_test(
                lambda got: all(len(o) == 4 for o in got["outputs"] if isinstance(o, tuple))
            ),
        ),
        Mistake(
            None,
            "global pooling alone leaves one value per CHANNEL; add Dense(classes) to get one logit per class.",
            "no_dense",
            test=model_summary_test(
                lambda got: "Dense" not in got["layers"] and "Conv2D" not in got["layers"]
            ),
        ),
        Mistake(
            None,
            "a hidden layer blows the budget: one Dense(classes) after the global pooling is enough.",
            "hidden_layer",
            test=model_summary_test(
                lambda got: sum(name in ("Dense", "Conv2D") for name in got["layers"]) >= 2
            ),
        ),
    ),
    hints=(
        "Which layer turns a (height, width, channels) map of any size into a vector of fixed length? "
        "Start the model with keras.Input((None, None, channels)).",
        "keras.Sequential([keras.Input((None, None, channels)), keras.layers.GlobalAveragePooling2D(), "
        "keras.layers.Dense(classes)]) has (channels + 1) * classes parameters.",
    ),
    kind="design",
    takes_function=True,
    minutes=8,
)


CHECKS = (check_global_avg_pool, check_adaptive_avg_pool, check_head_params, check_gap_head)
