"""A tiny image classification task for watching pooling inside a trained CNN.

The data are generated, not downloaded: grayscale images of four simple
shapes (square, disk, cross, triangle) of random size near the centre of the
frame, with a little noise. Training images keep the shapes within a few
pixels of the centre, so moving a test image further tests what the network
learned about *where* things are, which is what pooling is meant to forget.

The models share one convolution stack and differ only where the course's
questions are: which classification head (Flatten + Dense, global average
pooling, global max pooling) and how the stack downsamples (max pooling,
average pooling, blur pooling, or a strided convolution instead of any
pooling layer).

Keras is imported only when a model is built (:func:`poolutils.keras_check.keras`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from poolutils._validation import (
    MAX_ARRAY_CELLS,
    MAX_AXIS_CELLS,
    array_of_rank,
    as_int,
    entries,
    int_in_range,
    numeric_array,
    positive_int,
    real_number,
)
from poolutils.antialias import blur_pool_layers
from poolutils.keras_check import keras

SHAPES = ("square", "disk", "cross", "triangle")
# An image of size x size pixels holds at most MAX_ARRAY_CELLS of them.
MAX_IMAGE_SIZE = int(np.sqrt(MAX_ARRAY_CELLS))
# Epochs one call may train for: enough for any experiment of the course, never an endless fit.
MAX_EPOCHS = 1000


def _square(dr: np.ndarray, dc: np.ndarray, radius: float) -> np.ndarray:
    return (np.abs(dr) <= radius) & (np.abs(dc) <= radius)


def _disk(dr: np.ndarray, dc: np.ndarray, radius: float) -> np.ndarray:
    return dr**2 + dc**2 <= (radius + 0.5) ** 2


def _cross(dr: np.ndarray, dc: np.ndarray, radius: float) -> np.ndarray:
    # Bars a third of the size wide, so a cross never looks like a filled square.
    arm = max(radius / 3, 0.5)
    return ((np.abs(dr) <= arm) & (np.abs(dc) <= radius)) | ((np.abs(dc) <= arm) & (np.abs(dr) <= radius))


def _triangle(dr: np.ndarray, dc: np.ndarray, radius: float) -> np.ndarray:
    # Apex up, base at the bottom: half-width grows linearly from 0 to radius.
    return (np.abs(dr) <= radius) & (np.abs(dc) <= (dr + radius) / 2)


_DRAW: dict[str, Callable[[np.ndarray, np.ndarray, float], np.ndarray]] = {
    "square": _square,
    "disk": _disk,
    "cross": _cross,
    "triangle": _triangle,
}


def shape_mask(kind: str, size: int, center: tuple[float, float], radius: float) -> np.ndarray:
    """A ``size`` x ``size`` boolean image of one shape.

    Examples
    --------
    >>> shape_mask("cross", 5, (2, 2), 2).astype(int)
    array([[0, 0, 1, 0, 0],
           [0, 0, 1, 0, 0],
           [1, 1, 1, 1, 1],
           [0, 0, 1, 0, 0],
           [0, 0, 1, 0, 0]])
    """
    if not isinstance(kind, str) or kind not in _DRAW:
        raise ValueError(f"`kind` must be one of {SHAPES}. Received: kind={kind!r}.")
    size = positive_int(size, "size", MAX_IMAGE_SIZE)
    allowed = "(row, col): two finite numbers"
    centre = entries(center, "center", allowed)
    if len(centre) != 2:
        raise ValueError(f"`center` must be {allowed}. Received: center={center!r}.")
    for c in centre:
        try:
            real_number(c, "center")
        except (TypeError, ValueError):
            raise TypeError(
                f"`center` must be {allowed}; {c!r} is not. Received: center={center!r}."
            ) from None
    radius = real_number(radius, "radius", 0.0)
    rows, cols = np.mgrid[0:size, 0:size]
    return _DRAW[kind](rows - center[0], cols - center[1], radius)


def make_shapes(
    n: int, size: int = 24, jitter: int = 2, seed: int = 0, noise: float = 0.1
) -> tuple[np.ndarray, np.ndarray]:
    """Generate ``n`` labelled images of simple shapes.

    Parameters
    ----------
    n : int
        Number of images; classes take turns, so they are balanced.
    size : int
        Images are ``size`` x ``size`` pixels.
    jitter : int
        Shape centres lie within ``jitter`` pixels of the image centre.
    seed : int
        Same seed, same images.
    noise : float
        Standard deviation of the Gaussian noise added to every pixel.

    Returns
    -------
    images : ndarray of float32, shape (n, size, size, 1)
        Shape pixels near 1, background near 0.
    labels : ndarray of int64, shape (n,)
        Index into :data:`SHAPES`.

    Examples
    --------
    >>> x, y = make_shapes(8, size=16, seed=1)
    >>> x.shape, x.dtype, y.tolist()
    ((8, 16, 16, 1), dtype('float32'), [0, 1, 2, 3, 0, 1, 2, 3])
    >>> bool(np.array_equal(x, make_shapes(8, size=16, seed=1)[0]))
    True
    """
    n = positive_int(n, "n")
    size = positive_int(size, "size", MAX_IMAGE_SIZE)
    if size < 12:
        raise ValueError(f"`size` must be at least 12 pixels to fit a shape. Received: size={size!r}.")
    if n * size * size > MAX_ARRAY_CELLS:
        raise ValueError(
            f"`n` images of {size}x{size} pixels must hold at most MAX_ARRAY_CELLS = {MAX_ARRAY_CELLS:,} "
            f"cells (1 GiB of float32). Received: n={n!r}, size={size!r}."
        )
    jitter = int_in_range(jitter, "jitter", 0, size // 4, f"an int from 0 to size // 4 = {size // 4}")
    noise = real_number(noise, "noise", 0.0)
    rng = np.random.default_rng(_seed(seed))
    labels = np.arange(n) % len(SHAPES)
    images = np.empty((n, size, size, 1), dtype=np.float32)
    centre = (size - 1) / 2
    for i, label in enumerate(labels):
        offset = rng.integers(-jitter, jitter + 1, size=2)
        radius = rng.uniform(size / 8, size / 5)
        mask = shape_mask(SHAPES[label], size, (centre + offset[0], centre + offset[1]), radius)
        images[i, :, :, 0] = mask + rng.normal(0, noise, (size, size))
    return images, labels


def shift_images(images: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Move every image by ``rows`` down and ``cols`` right; uncovered pixels become 0.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> shift_images(x, 1, -1)[0, :, :, 0]
    array([[0., 0., 0.],
           [1., 2., 0.],
           [4., 5., 0.]])
    """
    images = _images(images)
    h, w = images.shape[1:3]
    rows = int_in_range(rows, "rows", 1 - h, h - 1, f"a shift smaller than the image's height {h}")
    cols = int_in_range(cols, "cols", 1 - w, w - 1, f"a shift smaller than the image's width {w}")
    out = np.zeros_like(images)
    src = (slice(max(-rows, 0), h - max(rows, 0)), slice(max(-cols, 0), w - max(cols, 0)))
    dst = (slice(max(rows, 0), h - max(-rows, 0)), slice(max(cols, 0), w - max(-cols, 0)))
    out[:, dst[0], dst[1]] = images[:, src[0], src[1]]
    return out


def _images(images: object, name: str = "images") -> np.ndarray:
    return array_of_rank(images, name, (3, 4), "(batch, height, width) or (batch, height, width, channels)")


def _seed(seed: object) -> int:
    return int_in_range(seed, "seed", 0, 2**63 - 1, "a non-negative integer")


def _model(model: object) -> Any:
    if not callable(getattr(model, "predict", None)):
        raise TypeError(f"`model` must be a Keras model. Received: model={model!r}.")
    return model


def _max_shift(max_shift: object, images: np.ndarray) -> int:
    most = min(images.shape[1:3]) - 1
    return int_in_range(max_shift, "max_shift", 0, most, f"an integer from 0 to {most}, less than the image")


# Name -> (how the stack downsamples, classification head).
VARIANTS: dict[str, tuple[str, str]] = {
    "max pool + flatten": ("max", "flatten"),
    "max pool + GAP": ("max", "gap"),
    "max pool + GMP": ("max", "gmp"),
    "avg pool + GAP": ("avg", "gap"),
    "blur pool + GAP": ("blur", "gap"),
    "strided conv + GAP": ("strided", "gap"),
}


def build_model(
    variant: str, input_shape: Sequence[int] = (24, 24, 1), n_classes: int = len(SHAPES), filters: int = 16
) -> Any:
    """A small CNN: two 3x3 convolutions, each followed by a halving, then a head.

    Parameters
    ----------
    variant : str
        A key of :data:`VARIANTS`. The downsampling is ``"max"`` or ``"avg"``
        (a 2x2 pooling layer after each convolution) or ``"strided"`` (the
        convolution itself moves 2 pixels at a time: no pooling layer at all).
        ``"blur"`` is anti-aliased max pooling (:func:`poolutils.antialias.blur_pool`:
        2x2 max with stride 1, then a fixed 3x3 binomial blur with stride 2).
        The head is ``"flatten"`` (Flatten + Dense), ``"gap"``
        (GlobalAveragePooling2D + Dense) or ``"gmp"`` (GlobalMaxPooling2D + Dense).
    input_shape : (H, W, C)
    n_classes : int
    filters : int
        Filters of the first convolution; the second has twice as many.

    Returns
    -------
    keras.Model
        Not compiled. Layers are named ``conv1``, ``down1``, ``conv2``,
        ``down2`` (absent for strided variants; for blur pooling a small
        ``Sequential`` of its two layers), ``conv3``, ``head`` and ``logits``.

    Examples
    --------
    >>> build_model("max pool + GAP").output_shape
    (None, 4)
    """
    _variant(variant)
    allowed = f"(height, width, channels): three positive ints, each at most {MAX_AXIS_CELLS:,}"
    shape = entries(input_shape, "input_shape", allowed)
    sizes = [as_int(n) for n in shape]
    if len(shape) != 3 or any(n is None or not 0 < n <= MAX_AXIS_CELLS for n in sizes):
        raise ValueError(f"`input_shape` must be {allowed}. Received: input_shape={input_shape!r}.")
    n_classes = positive_int(n_classes, "n_classes", MAX_AXIS_CELLS)
    filters = positive_int(filters, "filters", MAX_AXIS_CELLS)
    # The largest weights: the 3x3 convolutions and, for Flatten, a Dense over every cell left.
    weights = 9 * 2 * filters * (sizes[2] + 3 * filters) + n_classes * 2 * filters * (
        -(-sizes[0] // 4) * -(-sizes[1] // 4) if VARIANTS[variant][1] == "flatten" else 1
    )
    if weights > MAX_ARRAY_CELLS:
        raise ValueError(
            f"`filters`, `n_classes` and `input_shape` must give a model of at most MAX_ARRAY_CELLS = "
            f"{MAX_ARRAY_CELLS:,} weights; these give about {weights:,}. "
            f"Received: input_shape={input_shape!r}, n_classes={n_classes!r}, filters={filters!r}."
        )
    layers = keras().layers
    down, head = VARIANTS[variant]
    stride = 2 if down == "strided" else 1
    pool = {"max": layers.MaxPooling2D, "avg": layers.AveragePooling2D}.get(down)
    x = inputs = keras().Input(tuple(input_shape))
    for i, n in enumerate((filters, 2 * filters), start=1):
        x = layers.Conv2D(n, 3, strides=stride, padding="same", activation="relu", name=f"conv{i}")(x)
        if pool is not None:
            x = pool(2, name=f"down{i}")(x)
        elif down == "blur":
            x = keras().Sequential(blur_pool_layers(name=f"down{i}"), name=f"down{i}")(x)
    # A third convolution widens the receptive field to the whole shape before the head.
    x = layers.Conv2D(2 * filters, 3, padding="same", activation="relu", name="conv3")(x)
    heads = {
        "flatten": layers.Flatten,
        "gap": layers.GlobalAveragePooling2D,
        "gmp": layers.GlobalMaxPooling2D,
    }
    x = heads[head](name="head")(x)
    outputs = layers.Dense(n_classes, name="logits")(x)
    return keras().Model(inputs, outputs, name=variant.replace(" ", "_").replace("+", "and"))


def _variant(variant: object) -> str:
    if not isinstance(variant, str) or variant not in VARIANTS:
        raise ValueError(f"`variant` must be one of {list(VARIANTS)}. Received: variant={variant!r}.")
    return variant


def _labelled(data: object, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A pair (images, labels) as :func:`make_shapes` returns it."""
    allowed = "a pair (images, labels) as make_shapes returns: one label per image, each in 0 .. 3"
    pair = entries(data, name, allowed) if not isinstance(data, np.ndarray) else (data,)
    if len(pair) != 2:
        raise ValueError(f"`{name}` must be {allowed}. Received: {name} with {len(pair)} entries.")
    images = array_of_rank(pair[0], name, (4,), "(batch, height, width, channels) for its images")
    labels = numeric_array(pair[1], name)
    if (
        labels.shape != images.shape[:1]
        or labels.dtype.kind not in "iu"
        or not np.isin(labels, range(4)).all()
    ):
        raise ValueError(
            f"`{name}` must be {allowed}. Received: {name} with images of shape {images.shape} "
            f"and labels of shape {labels.shape} and dtype {labels.dtype}."
        )
    return images, labels


def train_and_evaluate(
    variant: str,
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray],
    shifts: Sequence[int] = (1, 2, 3, 4),
    epochs: int = 8,
    seed: int = 0,
) -> tuple[Any, dict[str, Any]]:
    """Train one variant (Adam, seeded) and measure it on plain and shifted test images.

    Returns
    -------
    model : keras.Model
    row : dict
        ``variant``, ``params`` (trainable weights: blur pooling's fixed
        kernel is not counted), ``head_params`` (the final Dense layer's), ``test_acc``,
        ``shifted_acc``: for each shift ``s`` in ``shifts``, the mean
        accuracy over the test images moved by ``s`` pixels in each of the
        four directions, and ``consistency``: :func:`shift_consistency`
        with shifts up to ``max(shifts)``.
    """
    _variant(variant)
    train, test = _labelled(train, "train"), _labelled(test, "test")
    allowed = "a non-empty tuple of positive shifts in pixels, each less than the image"
    steps = entries(shifts, "shifts", allowed)
    most = min(test[0].shape[1:3]) - 1
    if not steps or any(as_int(s) is None or not 0 < as_int(s) <= most for s in steps):
        raise ValueError(f"`shifts` must be {allowed} (at most {most}). Received: shifts={shifts!r}.")
    epochs = positive_int(epochs, "epochs", MAX_EPOCHS)
    seed = _seed(seed)
    k = keras()
    import tensorflow as tf  # after keras(), which quiets it

    tf.config.experimental.enable_op_determinism()
    k.utils.set_random_seed(seed)
    model = build_model(variant, train[0].shape[1:], len(SHAPES))
    model.compile(
        optimizer=k.optimizers.Adam(3e-3),
        loss=k.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(*train, epochs=epochs, batch_size=64, verbose=0, shuffle=True)
    x_test, y_test = test
    shifted = {
        s: float(np.mean([_accuracy(model, shift_images(x_test, r, c), y_test) for r, c in _moves(s)]))
        for s in shifts
    }
    row = {
        "variant": variant,
        "params": sum(int(np.prod(w.shape)) for w in model.trainable_weights),
        "head_params": model.get_layer("logits").count_params(),
        "test_acc": _accuracy(model, x_test, y_test),
        "shifted_acc": shifted,
        "consistency": shift_consistency(model, x_test, max(shifts), seed=seed),
    }
    return model, row


def random_shifts(images: np.ndarray, max_shift: int, rng: np.random.Generator) -> np.ndarray:
    """Move each image by its own random shift, rows and columns each from ``-max_shift`` to ``max_shift``.

    Examples
    --------
    >>> x = np.ones((5, 6, 6, 1))
    >>> moved = random_shifts(x, 2, np.random.default_rng(0))
    >>> moved.shape, bool((moved.sum(axis=(1, 2, 3)) >= 16).all())
    ((5, 6, 6, 1), True)
    """
    images = _images(images)
    max_shift = _max_shift(max_shift, images)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"`rng` must be a numpy.random.Generator. Received: rng={rng!r}.")
    moves = rng.integers(-max_shift, max_shift + 1, size=(len(images), 2))
    out = np.empty_like(images)
    for move in np.unique(moves, axis=0):
        same = (moves == move).all(axis=1)
        out[same] = shift_images(images[same], int(move[0]), int(move[1]))
    return out


def shift_consistency(model: Any, images: np.ndarray, max_shift: int = 4, seed: int = 0) -> float:
    """Zhang's (ICML 2019) consistency: how often two random shifts of an image get the same class.

    Each image is moved twice, each time by its own random shift of up to
    ``max_shift`` pixels along rows and columns (:func:`random_shifts`), and
    the two predicted classes are compared. The labels play no part: a
    network can be consistent and wrong.
    """
    model = _model(model)
    images = _images(images)
    max_shift = _max_shift(max_shift, images)
    rng = np.random.default_rng(_seed(seed))
    first, second = (random_shifts(images, max_shift, rng) for _ in range(2))
    return float(np.mean(_predict(model, first) == _predict(model, second)))


def _moves(s: int) -> list[tuple[int, int]]:
    return [(s, 0), (-s, 0), (0, s), (0, -s)]


def _predict(model: Any, x: np.ndarray) -> np.ndarray:
    return np.argmax(model.predict(x, verbose=0, batch_size=256), axis=1)


def _accuracy(model: Any, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(_predict(model, x) == y))


def results_table(rows: Sequence[dict[str, Any]], digits: int = 2) -> str:
    """Rows of :func:`train_and_evaluate` as a fixed-width text table, accuracies rounded.

    Examples
    --------
    >>> row = {"variant": "max pool + GAP", "params": 14180, "head_params": 132,
    ...        "test_acc": 0.9512, "shifted_acc": {1: 0.9311, 4: 0.9447}, "consistency": 0.9012}
    >>> print(results_table([row]))
    variant             params  head params  test acc  shift 1 px  shift 4 px  consistency
    max pool + GAP       14180          132      0.95        0.93        0.94         0.90
    """
    keys = ("variant", "params", "head_params", "test_acc", "shifted_acc", "consistency")
    allowed = f"a sequence of rows of train_and_evaluate: dicts with keys {keys} and the same shifts"
    table = entries(rows, "rows", allowed)
    if not all(isinstance(r, dict) and all(k in r for k in keys) for r in table) or any(
        not isinstance(r["shifted_acc"], dict) or r["shifted_acc"].keys() != table[0]["shifted_acc"].keys()
        for r in table
    ):
        raise ValueError(f"`rows` must be {allowed}. Received: rows={rows!r}.")
    digits = int_in_range(digits, "digits", 0, 17, "an integer from 0 to 17, float64's significant digits")
    shifts = list(table[0]["shifted_acc"]) if table else []
    header = f"{'variant':<18} {'params':>7} {'head params':>12} {'test acc':>9}"
    lines = [header + "".join(f"{f'shift {s} px':>12}" for s in shifts) + f"{'consistency':>13}"]
    for r in table:
        line = f"{r['variant']:<18} {r['params']:>7} {r['head_params']:>12} {r['test_acc']:>9.{digits}f}"
        shifted = "".join(f"{r['shifted_acc'][s]:>12.{digits}f}" for s in shifts)
        lines.append(line + shifted + f"{r['consistency']:>13.{digits}f}")
    return "\n".join(lines)


def feature_maps(model: Any, image: np.ndarray, layer_names: Sequence[str]) -> list[np.ndarray]:
    """Outputs of the named layers for one image, without the batch axis.

    Examples
    --------
    >>> model = build_model("max pool + GAP")
    >>> before, after = feature_maps(model, np.zeros((24, 24, 1), "float32"), ["conv1", "down1"])
    >>> before.shape, after.shape
    ((24, 24, 16), (12, 12, 16))
    >>> feature_maps(model, np.zeros((24, 24, 1), "float32"), ["head"])[0].shape
    (32,)
    """
    model = _model(model)
    image = array_of_rank(image, "image", (3,), "(height, width, channels), one image")
    allowed = f"a sequence of names of the model's layers, {[layer.name for layer in model.layers]}"
    names = entries(layer_names, "layer_names", allowed)
    if not names or any(
        not isinstance(n, str) or n not in {layer.name for layer in model.layers} for n in names
    ):
        raise ValueError(f"`layer_names` must be {allowed}. Received: layer_names={layer_names!r}.")
    probe = keras().Model(model.input, [model.get_layer(name).output for name in layer_names])
    outputs = probe(np.asarray(image, dtype=np.float32)[None])
    if not isinstance(outputs, (list, tuple)):  # Keras unwraps a single output
        outputs = [outputs]
    return [np.asarray(o)[0] for o in outputs]
