"""Checks for exercises/07_pooling_in_a_cnn.ipynb: which layer makes a CNN's prediction survive a small shift.

The checker's shift consistency is the fraction of (image, shift) pairs
whose predicted class is the same as for the unshifted image, for shifts of
1 to 4 pixels to the right. (Zhang's, in notebook 07, compares two random
shifts of each image instead; both count agreement, not correctness.) It is
measured here BEFORE training, on weights the checker sets itself (a fixed
seed, He-normal kernels, zero biases): what it finds holds by the design of
the layers, not by luck in training, and takes a fraction of a second
instead of minutes.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import numpy as np

from poolutils.checks.core import (
    Check,
    Mistake,
    Option,
    choice_check,
    compare_numbers,
    make_cases,
    model_summary_test,
    value_check,
)
from poolutils.cnn import VARIANTS, build_model, make_shapes, shift_crops
from poolutils.keras_check import keras

SHIFTS = (1, 2, 3, 4)
WEIGHT_SEEDS = (0, 1, 2)
#: Mean shift consistency a design must reach; 07's Flatten model scores about 0.65, global pooling 0.9 to 1.
CONSISTENT = 0.9
# The names build_model gives 07's ready-made networks: calling it is not a design.
_READY_MADE = {variant.replace(" ", "_").replace("+", "and") for variant in VARIANTS}


@cache
def _probe_images(size: int) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    # Noise-free shapes cut out of larger canvases, so a shifted image is exactly the same picture moved right.
    margin = max(SHIFTS)
    canvases, _ = make_shapes(64, size=size, seed=5, noise=0.0, margin=margin)
    return shift_crops(canvases, 0, 0, margin), tuple(shift_crops(canvases, 0, s, margin) for s in SHIFTS)


def _reinitialise(model: object, seed: int) -> None:
    # He-normal kernels and zero biases from a fixed seed; fixed (non-trainable) weights such as a blur are kept.
    rng = np.random.default_rng(seed)
    for weight in model.trainable_weights:
        shape = tuple(weight.shape)
        if len(shape) == 1:
            weight.assign(np.zeros(shape, dtype=np.float32))
        else:
            fan_in = int(np.prod(shape[:-1]))
            weight.assign(rng.normal(0.0, np.sqrt(2 / fan_in), shape).astype(np.float32))


def shift_consistency(model: object) -> float:
    """Fraction of (image, shift, weight seed) triples whose predicted class survives a 1-4 px shift right.

    The model's own weights are put back afterwards.
    """
    images, shifted = _probe_images(int(model.input_shape[1]))
    saved = model.get_weights()
    agree = []
    try:
        for seed in WEIGHT_SEEDS:
            _reinitialise(model, seed)
            base = np.argmax(np.asarray(model(images)), axis=1)
            agree += [np.mean(np.argmax(np.asarray(model(s)), axis=1) == base) for s in shifted]
    finally:
        model.set_weights(saved)
    return float(np.mean(agree))


# The parts of a layer's configuration that make it a different layer (names and initialisers do not).
_CONFIG_KEYS = (
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "dilation_rate",
    "pool_size",
    "units",
    "activation",
)


def layer_keys(model: object) -> tuple[str, ...]:
    """Each layer of ``model`` as a string of its type and configuration, a ReLU layer folded into the one before.

    Two models written differently (``Conv2D(16, 3, activation="relu")`` or a
    ``Conv2D`` then ``ReLU()``; ``pool_size=2`` or ``(2, 2)``) give the same keys.

    Examples
    --------
    >>> layers = keras().layers
    >>> x = inputs = keras().Input((8, 8, 1))
    >>> x = layers.ReLU()(layers.Conv2D(4, 3, padding="same")(x))
    >>> layer_keys(keras().Model(inputs, layers.Dense(2)(layers.Flatten()(x))))
    ('Conv2D(activation=relu, dilation_rate=(1, 1), filters=4, kernel_size=(3, 3), padding=same, strides=(1, 1))', 'Flatten()', 'Dense(activation=linear, units=2)')
    """
    found: list[tuple[str, dict]] = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        full = layer.get_config()
        config = {k: v for k, v in full.items() if k in _CONFIG_KEYS}
        if kind == "ReLU":
            activation = None if full.get("max_value") or full.get("negative_slope") else "relu"
        else:
            activation = config.get("activation") if kind == "Activation" else None
        if activation and found and found[-1][1].get("activation") == "linear":
            found[-1][1]["activation"] = activation
            continue
        found.append((kind, config))
    return tuple(
        f"{kind}({', '.join(f'{k}={tuple(v) if isinstance(v, list) else v}' for k, v in sorted(config.items()))})"
        for kind, config in found
    )


def layers_changed(keys: tuple[str, ...], start: tuple[str, ...]) -> int:
    """How many layers were replaced, added or removed to get from ``start`` to ``keys`` (edit distance).

    Examples
    --------
    >>> layers_changed(("Conv", "Pool", "GAP", "Dense"), ("Conv", "Pool", "Flatten", "Dense"))
    1
    >>> layers_changed(("Conv", "GAP", "Dense", "Dense"), ("Conv", "Pool", "Flatten", "Dense"))
    2
    """
    row = list(range(len(start) + 1))
    for i, key in enumerate(keys, start=1):
        previous, row[0] = row[0], i
        for j, other in enumerate(start, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (key != other))
    return row[-1]


def _changes(keys: tuple[str, ...], start: tuple[str, ...]) -> list[str]:
    """The layers added and removed, by type alone unless the same type is on both sides (then in full)."""
    # Counted, not looked up: a third Conv2D(16) is a change even though the first one has 16 filters too.
    extra, missing = Counter(keys) - Counter(start), Counter(start) - Counter(keys)
    added, removed = [k for k in keys if extra[k]], [k for k in start if missing[k]]
    kinds = {k.split("(")[0] for k in added} & {k.split("(")[0] for k in removed}
    short = {k: k if k.split("(")[0] in kinds else k.split("(")[0] for k in added + removed}
    return list(
        dict.fromkeys([f"added {short[k]}" for k in added] + [f"removed {short[k]}" for k in removed])
    )


@cache
def _flatten_keys(input_shape: tuple) -> tuple[str, ...]:
    return layer_keys(build_model("max pool + flatten", input_shape))


def summarise_model(model: object) -> dict:
    """What the checker needs to know about a model, as plain data (a summary comes back unchanged)."""
    if isinstance(model, dict) and "type" in model:
        return model
    if not hasattr(model, "layers"):
        return {"type": type(model).__name__}
    if not getattr(model, "built", True) or not model.inputs:
        # A Sequential without an Input layer has no shapes until it is called.
        return {"type": "unbuilt " + type(model).__name__}
    names = [type(layer).__name__ for layer in model.layers if type(layer).__name__ != "InputLayer"]
    keys = layer_keys(model)
    start = _flatten_keys(tuple(model.input_shape[1:])) if len(model.input_shape) == 4 else ()
    return {
        "type": "Model",
        "name": str(model.name),
        "layers": tuple(names),
        # Layers changed from 07's Flatten network for the same input (the exercise allows one).
        "changed": layers_changed(keys, start),
        "changes": _changes(keys, start),
        "input": tuple(model.input_shape),
        "output": tuple(model.output_shape),
        "convolutions": sum(name == "Conv2D" for name in names),
        "flatten": "Flatten" in names,
        "params": int(model.count_params()),
        "consistent": shift_consistency(model) >= CONSISTENT,
    }


# --- 7.3 -------------------------------------------------------------------


def shift_consistent_model(input_shape):
    layers = keras().layers
    x = inputs = keras().Input(input_shape)
    for filters in (16, 32):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D(2)(x)
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    # The one change: global average pooling instead of Flatten, so the head forgets WHERE a feature was.
    x = layers.GlobalAveragePooling2D()(x)
    return keras().Model(inputs, layers.Dense(4)(x))


def _flatten_params(input_shape: tuple) -> int:
    return int(build_model("max pool + flatten", input_shape).count_params())


def _model_oracle(input_shape: tuple) -> dict:
    return {
        **summarise_model(build_model("max pool + GAP", input_shape)),
        "budget": _flatten_params(input_shape),
    }


def _compare_model(expected: dict, got: object) -> str | None:
    if isinstance(got, dict) and str(got.get("type", "")).startswith("unbuilt"):
        return (
            f"returned an {got['type']} model: it has no input shape yet; start it with "
            "keras.Input(input_shape) (as its first layer, or with keras.Model(inputs, outputs))"
        )
    if not isinstance(got, dict) or got.get("type") != "Model":
        kind = got.get("type") if isinstance(got, dict) else type(got).__name__
        return f"returned a {kind}; return a Keras model"
    if got["input"] != expected["input"]:
        return f"the model's input is {got['input']}; build it for input_shape: {expected['input']}"
    if got["output"] != expected["output"]:
        return (
            f"the model's output is {got['output']}; 07's model returns {expected['output']} (4 class logits)"
        )
    if got["convolutions"] < 3:
        return f"the model has {got['convolutions']} Conv2D layers; keep 07's three convolutions"
    if got.get("changed", 2) > 1:
        shown = ", ".join(got.get("changes", [])[:4]) or "the layers' order"
        return (
            f"the model differs from 07's Flatten network in {got.get('changed', 'several')} layers ({shown}); "
            "change ONE layer and keep the others as they are"
        )
    if got["params"] > expected["budget"]:
        return (
            f"the model has {got['params']} parameters, more than 07's Flatten model ({expected['budget']})"
        )
    if not got["consistent"]:
        return (
            f"the predicted class changes under 1-4 px shifts too often (shift consistency below {CONSISTENT} "
            "with the checker's fixed random weights)"
        )
    if got.get("name") in _READY_MADE:
        return "the model is one of 07's ready-made networks from build_model; write its layers yourself"
    return None


check_shift_consistent_model = Check(
    "7.3",
    "shift_consistent_model",
    cases=lambda: make_cases([((24, 24, 1),), ((32, 32, 1),)], "input_shape={0}"),
    reference=shift_consistent_model,
    oracle=_model_oracle,
    compare=_compare_model,
    summarise=summarise_model,
    isolate=False,  # the answer builds a Keras model: TensorFlow is not fork-safe
    time_limit=60,  # the first model built in a kernel waits for TensorFlow to start
    mistakes=(
        Mistake(
            None,
            "keep 07's three convolutions: the exercise changes one layer, not the whole network.",
            "dropped_convolutions",
            test=model_summary_test(lambda got: got["convolutions"] < 3),
        ),
        Mistake(
            None,
            "average pooling instead of max pooling still subsamples and Flatten still remembers positions; "
            "the change that helps is in the head: global pooling.",
            "avg_pool_flatten",
            test=model_summary_test(
                lambda got: "AveragePooling2D" in got["layers"] and "Flatten" in got["layers"]
            ),
        ),
        Mistake(
            None,
            "Flatten gives every position of the last map its own weights, so a moved feature meets other "
            "weights; pool the last map globally instead.",
            "flatten_kept",
            test=model_summary_test(lambda got: "Flatten" in got["layers"] and not got["consistent"]),
        ),
        Mistake(
            None,
            "build_model returns one of 07's networks as it is; the exercise asks for the design: write the "
            "layers (keras.Input, Conv2D, MaxPooling2D, ...) and make the one change yourself.",
            "ready_made",
            test=model_summary_test(lambda got: got.get("name") in _READY_MADE),
        ),
        Mistake(
            None,
            "you added a Dense layer: the exercise changes ONE layer of 07's network and keeps its single "
            "Dense(4). Replace the layer that remembers positions instead of adding to the head.",
            "extra_dense",
            test=model_summary_test(lambda got: got["layers"].count("Dense") > 1),
        ),
        Mistake(
            None,
            "more than one layer differs from 07's Flatten network (the sentence above lists them): the task "
            "is to find the ONE layer that makes the prediction depend on where a feature is, and change only it.",
            "several_changes",
            test=model_summary_test(lambda got: got.get("changed", 2) > 1),
        ),
    ),
    hints=(
        "Which of 07's layers remembers WHERE a feature was? The convolutions and the 2x2 pooling move "
        "their output with the input; one layer does not.",
        "Write 07's stack layer by layer: Conv2D(16), MaxPooling2D(2), Conv2D(32), MaxPooling2D(2), "
        "Conv2D(32), then GlobalAveragePooling2D() (or GlobalMaxPooling2D()) and Dense(4).",
    ),
    kind="design",
    takes_function=True,
    minutes=8,
)


# --- 7.1 -------------------------------------------------------------------
# Predict: what the head costs once the images are 32x32 instead of 24x24.

predicted_params = (8196, 132)


def _logits_params(variant: str, size: int) -> int:
    return int(build_model(variant, (size, size, 1)).get_layer("logits").count_params())


check_predicted_params = value_check(
    "7.1",
    "predicted_params",
    kind="predict",
    minutes=4,
    label="parameters of the 'logits' Dense layer for 32x32 inputs: Flatten head, GAP head",
    reference=predicted_params,
    oracle=lambda: (_logits_params("max pool + flatten", 32), _logits_params("max pool + GAP", 32)),
    compare=compare_numbers,
    mistakes=(
        ("no_biases", (8192, 128), "Dense adds one bias per class: + 4 in both heads."),
        (
            "size_24",
            (4612, 132),
            "4612 is the Flatten head for 24x24 images (a 6x6x32 map); at 32x32 the two 2x2 poolings leave "
            "8x8x32 = 2048 values, so 2048 * 4 + 4.",
        ),
        (
            "one_pooling",
            (32772, 132),
            "there are two 2x2 pooling layers: 32 -> 16 -> 8, so the map before the head is 8x8x32, not 16x16x32.",
        ),
        (
            "gap_counts_pixels",
            (8196, 32 * 32 * 4 + 4),
            "global average pooling leaves one value per channel, 32, whatever the image size: 32 * 4 + 4.",
        ),
        (
            "gap_counts_positions",
            (8196, 8196),
            "global average pooling leaves one value per channel, 32, whatever the image size: 32 * 4 + 4.",
        ),
        (
            "order_swapped",
            (132, 8196),
            "the order is (flatten_head, gap_head): the Flatten head is the large one.",
        ),
        (
            "gap_free",
            (8196, 0),
            "global average pooling has no weights, but the Dense(4) after it does: 32 inputs, so 32 * 4 + 4.",
        ),
        (
            "map_too_small",
            (2052, 132),
            "2052 is the Flatten head for a 4x4x32 map; the convolutions use 'same' padding (they keep the size) "
            "and there are two 2x2 poolings, after the first two convolutions: 32 -> 16 -> 8.",
        ),
        (
            "pooling_ignored",
            (131076, 132),
            "the two 2x2 poolings halve the map twice: 32 -> 16 -> 8, so Flatten passes 8 * 8 * 32 values, "
            "not 32 * 32 * 32.",
        ),
        (
            "channels_16",
            (4100, 68),
            "the last convolution has 32 filters, so the map before the head has 32 channels: 8 * 8 * 32 "
            "inputs for Flatten, 32 for global pooling.",
        ),
        (
            "bias_per_input",
            (2048 * 4 + 2048, 32 * 4 + 32),
            "Dense has one bias per OUTPUT unit (4), not one per input: n * 4 + 4.",
        ),
        (
            "inputs_not_params",
            (2048, 32),
            "those are the numbers of values reaching Dense(4), its inputs; each input has 4 weights, plus 4 "
            "biases: n * 4 + 4.",
        ),
    ),
    hints=(
        "The convolutions keep the size ('same' padding) and each 2x2 pooling halves it. What map reaches the "
        "head? Flatten passes all its values to Dense(4); global pooling passes one per channel.",
        "Dense(4) on n inputs has n * 4 + 4 parameters. Flatten: n = 8 * 8 * 32; GAP: n = 32.",
    ),
)


# --- 7.2 -------------------------------------------------------------------

_INVARIANCE_OPTIONS = {
    "A": ("2x2 max pooling after each convolution, Flatten head", "max pool + flatten"),
    "B": ("strided convolutions (no pooling layer), global average pooling head", "strided conv + GAP"),
    "C": ("2x2 max pooling after each convolution, global average pooling head", "max pool + GAP"),
    "D": ("the Flatten network of A with twice as many filters in every convolution", "max pool + flatten"),
}
_FILTERS = {"A": 16, "B": 16, "C": 16, "D": 32}


def _invariance_oracle() -> str:
    scores = {
        letter: shift_consistency(build_model(name)) for letter, (_, name) in _INVARIANCE_OPTIONS.items()
    }
    return max(scores, key=scores.get)


check_invariance_source = choice_check(
    "7.2",
    "invariance_source",
    minutes=3,
    options={
        "A": Option(
            _INVARIANCE_OPTIONS["A"][0],
            "the max pooling layers subsample (a 1-px shift can move a maximum into the next window: aliasing), "
            "and Flatten then gives every position its own weights; with D, it is the least consistent of the four.",
        ),
        "B": Option(
            _INVARIANCE_OPTIONS["B"][0],
            "the global head forgets positions, but a stride-2 convolution subsamples its output with no fixed "
            "low-pass filter before it (it still reads every pixel): detail finer than half the new sampling "
            "rate folds into its features, so a small shift changes them before they reach the head.",
        ),
        "C": Option(
            _INVARIANCE_OPTIONS["C"][0],
            "the convolutions and the pooling are (nearly) equivariant: a shift moves their maps; the global "
            "average then forgets where things are. Invariance comes from the GLOBAL pooling, helped by the "
            "max pooling's local robustness.",
            right=True,
        ),
        "D": Option(
            _INVARIANCE_OPTIONS["D"][0],
            "more filters detect more kinds of features, but every one of them still moves with the input, and "
            "Flatten still gives each position its own weights: wider is not more invariant.",
        ),
    },
    oracle=_invariance_oracle,
    hints=(
        "Which layer throws away WHERE a feature is? Which layers only move their output when the input moves?",
        "Compare the heads first (Flatten vs global pooling), then the downsampling (pooling vs a strided "
        "convolution).",
    ),
)


CHECKS = (check_predicted_params, check_invariance_source, check_shift_consistent_model)
