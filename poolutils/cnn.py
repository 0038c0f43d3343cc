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

from poolutils._validation import positive_int
from poolutils.antialias import blur_pool_layers
from poolutils.keras_check import keras

SHAPES = ("square", "disk", "cross", "triangle")


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
    if kind not in _DRAW:
        raise ValueError(f"`kind` must be one of {SHAPES}. Received: kind={kind!r}.")
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
    size = positive_int(size, "size")
    if size < 12:
        raise ValueError(f"`size` must be at least 12 pixels to fit a shape. Received: size={size!r}.")
    if not isinstance(jitter, int) or not 0 <= jitter <= size // 4:
        raise ValueError(
            f"`jitter` must be an int from 0 to size // 4 = {size // 4}. Received: jitter={jitter!r}."
        )
    rng = np.random.default_rng(seed)
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
    images = np.asarray(images)
    out = np.zeros_like(images)
    h, w = images.shape[1:3]
    if abs(rows) >= h or abs(cols) >= w:
        raise ValueError(
            f"A shift must be smaller than the image {h}x{w}. Received: rows={rows}, cols={cols}."
        )
    src = (slice(max(-rows, 0), h - max(rows, 0)), slice(max(-cols, 0), w - max(cols, 0)))
    dst = (slice(max(rows, 0), h - max(-rows, 0)), slice(max(cols, 0), w - max(-cols, 0)))
    out[:, dst[0], dst[1]] = images[:, src[0], src[1]]
    return out


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
    if variant not in VARIANTS:
        raise ValueError(f"`variant` must be one of {list(VARIANTS)}. Received: variant={variant!r}.")
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
    rng = np.random.default_rng(seed)
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
    shifts = list(rows[0]["shifted_acc"]) if rows else []
    header = f"{'variant':<18} {'params':>7} {'head params':>12} {'test acc':>9}"
    lines = [header + "".join(f"{f'shift {s} px':>12}" for s in shifts) + f"{'consistency':>13}"]
    for r in rows:
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
    probe = keras().Model(model.input, [model.get_layer(name).output for name in layer_names])
    outputs = probe(np.asarray(image, dtype=np.float32)[None])
    if not isinstance(outputs, (list, tuple)):  # Keras unwraps a single output
        outputs = [outputs]
    return [np.asarray(o)[0] for o in outputs]
