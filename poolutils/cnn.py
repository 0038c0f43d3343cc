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

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from poolutils import training_cache
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
    n: int, size: int = 24, jitter: int = 2, seed: int = 0, noise: float = 0.1, margin: int = 0
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
    margin : int
        Extra background (noise included) on every side: the images are
        canvases from which :func:`shift_crops` cuts shifted ``size`` x
        ``size`` windows, so a shifted image has no blank strip.

    Returns
    -------
    images : ndarray of float32, shape (n, size + 2 * margin, size + 2 * margin, 1)
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
    >>> make_shapes(8, size=16, seed=1, margin=2)[0].shape
    (8, 20, 20, 1)
    """
    n = positive_int(n, "n")
    size = positive_int(size, "size", MAX_IMAGE_SIZE)
    if size < 12:
        raise ValueError(f"`size` must be at least 12 pixels to fit a shape. Received: size={size!r}.")
    margin = int_in_range(margin, "margin", 0, size, f"an int from 0 to size = {size}")
    side = size + 2 * margin  # of the canvas; the shape is drawn for an image of `size`
    if n * side * side > MAX_ARRAY_CELLS:
        raise ValueError(
            f"`n` images of {side}x{side} pixels must hold at most MAX_ARRAY_CELLS = {MAX_ARRAY_CELLS:,} "
            f"cells (1 GiB of float32). Received: n={n!r}, size={size!r}, margin={margin!r}."
        )
    jitter = int_in_range(jitter, "jitter", 0, size // 4, f"an int from 0 to size // 4 = {size // 4}")
    noise = real_number(noise, "noise", 0.0)
    rng = np.random.default_rng(_seed(seed))
    labels = np.arange(n) % len(SHAPES)
    images = np.empty((n, side, side, 1), dtype=np.float32)
    centre = (side - 1) / 2
    for i, label in enumerate(labels):
        offset = rng.integers(-jitter, jitter + 1, size=2)
        radius = rng.uniform(size / 8, size / 5)
        images[i, :, :, 0] = shape_mask(SHAPES[label], side, (centre + offset[0], centre + offset[1]), radius)
    # The noise is drawn after the shapes, so a margin changes the background but not the shapes.
    images += rng.normal(0, noise, images.shape).astype(np.float32)
    return images, labels


def shift_crops(canvases: np.ndarray, rows: int, cols: int, margin: int) -> np.ndarray:
    """The centre window of every canvas, its content moved ``rows`` down and ``cols`` right.

    The window leaves ``margin`` pixels of the canvas on every side; moving
    the window instead of the picture means every pixel of a shifted image
    is real background, never a filled-in 0.

    Examples
    --------
    >>> canvas = np.arange(25.0).reshape(1, 5, 5, 1)
    >>> shift_crops(canvas, 0, 0, 1)[0, :, :, 0]
    array([[ 6.,  7.,  8.],
           [11., 12., 13.],
           [16., 17., 18.]])
    >>> shift_crops(canvas, 1, -1, 1)[0, :, :, 0]
    array([[ 2.,  3.,  4.],
           [ 7.,  8.,  9.],
           [12., 13., 14.]])
    """
    canvases = _images(canvases, "canvases")
    h, w = canvases.shape[1:3]
    most = (min(h, w) - 1) // 2
    margin = int_in_range(margin, "margin", 0, most, f"an int from 0 to {most}, so a window is left")
    allowed = f"a shift of at most the margin, {margin} pixels"
    rows = int_in_range(rows, "rows", -margin, margin, allowed)
    cols = int_in_range(cols, "cols", -margin, margin, allowed)
    return canvases[:, margin - rows : h - margin - rows, margin - cols : w - margin - cols]


def _images(images: object, name: str = "images") -> np.ndarray:
    return array_of_rank(images, name, (3, 4), "(batch, height, width) or (batch, height, width, channels)")


def _seed(seed: object) -> int:
    return int_in_range(seed, "seed", 0, 2**63 - 1, "a non-negative integer")


def _model(model: object) -> Any:
    if not callable(getattr(model, "predict", None)):
        raise TypeError(f"`model` must be a Keras model. Received: model={model!r}.")
    return model


def _max_shift(max_shift: object, canvases: np.ndarray) -> int:
    most = (min(canvases.shape[1:3]) - 1) // 2
    return int_in_range(
        max_shift,
        "max_shift",
        0,
        most,
        f"an integer from 0 to {most}, so that a window of the canvas is left",
    )


def _pair_predictions(model: Any, canvases: np.ndarray, max_shift: int, seed: int) -> tuple[np.ndarray, ...]:
    """The classes predicted for two random shifts of every canvas's centre window."""
    rng = np.random.default_rng(_seed(seed))
    return tuple(_predict(model, random_shifts(canvases, max_shift, rng)) for _ in range(2))


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
    verbose: bool = False,
) -> tuple[Any, dict[str, Any]]:
    """Train one variant (Adam, seeded) and measure it on centred and shifted test images.

    Parameters
    ----------
    variant : str
        A key of :data:`VARIANTS`.
    train : (images, labels)
        Training images of the size the network takes.
    test : (canvases, labels)
        Test canvases with ``max(shifts)`` pixels of extra background on every
        side (``make_shapes(..., margin=max(shifts))``): every test image,
        centred or shifted, is a window cut out of its canvas (:func:`shift_crops`).
    shifts : tuple of int
        Shifts in pixels.
    epochs, seed : int
        The seed sets the initial weights and the order of the batches.
    verbose : bool
        Print one line when the network is trained and measured: its name,
        the seed, the seconds it took and its test accuracy.

    Notes
    -----
    When the environment variable ``POOLUTILS_TRAINING_CACHE`` names a folder
    (the test suite sets it), a network already trained and measured there
    with the same inputs, code and TensorFlow settings is loaded with its row
    instead of being trained and measured again (:mod:`poolutils.training_cache`).

    Returns
    -------
    model : keras.Model
    row : dict
        ``variant``, ``seed``, ``params`` (trainable weights: blur pooling's
        fixed kernel is not counted), ``head_params`` (the final Dense
        layer's), ``test_acc``, ``shifted_acc``: for each shift ``s``, the
        mean accuracy over the test images moved by ``s`` pixels in each of
        the four directions, and the three measures of :func:`shift_pairs`
        with shifts up to ``max(shifts)``: ``consistency``,
        ``consistency_correct`` and ``flips_per_error``.
    """
    _variant(variant)
    train, test = _labelled(train, "train"), _labelled(test, "test")
    allowed = "a non-empty tuple of positive shifts in pixels, each less than the image"
    steps = entries(shifts, "shifts", allowed)
    most = min(train[0].shape[1:3]) - 1
    if not steps or any(as_int(s) is None or not 0 < as_int(s) <= most for s in steps):
        raise ValueError(f"`shifts` must be {allowed} (at most {most}). Received: shifts={shifts!r}.")
    shifts = tuple(as_int(s) for s in steps)
    margin = max(shifts)
    if test[0].shape[1:] != (
        train[0].shape[1] + 2 * margin,
        train[0].shape[2] + 2 * margin,
        train[0].shape[3],
    ):
        raise ValueError(
            f"`test` must hold canvases with max(shifts) = {margin} pixels of background on every side of "
            f"the training images' {train[0].shape[1:3]}: make_shapes(..., margin={margin}). "
            f"Received: test images of shape {test[0].shape[1:]}."
        )
    epochs = positive_int(epochs, "epochs", MAX_EPOCHS)
    seed = _seed(seed)
    k = keras()
    import tensorflow as tf  # after keras(), which quiets it

    started = time.perf_counter()
    tf.config.experimental.enable_op_determinism()
    k.utils.set_random_seed(seed)
    model = build_model(variant, train[0].shape[1:], len(SHAPES))
    model.compile(
        optimizer=k.optimizers.Adam(3e-3),
        loss=k.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    trained_before = training_cache.fit_or_load(
        model,
        [variant, seed, epochs],
        train,
        lambda: model.fit(*train, epochs=epochs, batch_size=64, verbose=0, shuffle=True),
    )
    canvases, labels = test

    def measure() -> dict[str, Any]:
        shifted = {
            s: float(
                np.mean([_accuracy(model, shift_crops(canvases, r, c, margin), labels) for r, c in _moves(s)])
            )
            for s in shifts
        }
        return {
            "variant": variant,
            "seed": seed,
            "params": sum(int(np.prod(w.shape)) for w in model.trainable_weights),
            "head_params": model.get_layer("logits").count_params(),
            "test_acc": _accuracy(model, shift_crops(canvases, 0, 0, margin), labels),
            "shifted_acc": shifted,
            **shift_pairs(model, canvases, labels, margin, seed=seed),
        }

    row, measured_before = training_cache.measure_or_load(
        [variant, seed, epochs, shifts], (*train, *test), measure
    )
    if verbose:
        seconds = time.perf_counter() - started
        done = [
            word for word, before in (("trained", trained_before), ("measured", measured_before)) if before
        ]
        loaded = f", {' and '.join(done)} by an earlier run (training_cache)" if done else ""
        print(
            f"{variant:<18} seed {seed}: {seconds:5.1f} s, test accuracy {row['test_acc']:.2f}{loaded}",
            flush=True,
        )
    return model, row


def random_shifts(images: np.ndarray, max_shift: int, rng: np.random.Generator) -> np.ndarray:
    """Each canvas's centre window moved by its own random shift (:func:`shift_crops`).

    ``images`` are canvases (:func:`make_shapes` with ``margin``); the margin is
    ``max_shift``: rows and columns each move by
    ``-max_shift`` to ``max_shift`` pixels, and the windows are
    ``2 * max_shift`` pixels smaller than the canvases.

    Examples
    --------
    >>> x = np.ones((5, 10, 10, 1))
    >>> random_shifts(x, 2, np.random.default_rng(0)).shape
    (5, 6, 6, 1)
    """
    canvases = _images(images, "images")
    max_shift = _max_shift(max_shift, canvases)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"`rng` must be a numpy.random.Generator. Received: rng={rng!r}.")
    moves = rng.integers(-max_shift, max_shift + 1, size=(len(canvases), 2))
    h, w = canvases.shape[1:3]
    out = np.empty((len(canvases), h - 2 * max_shift, w - 2 * max_shift, *canvases.shape[3:]), canvases.dtype)
    for move in np.unique(moves, axis=0):
        same = (moves == move).all(axis=1)
        out[same] = shift_crops(canvases[same], int(move[0]), int(move[1]), max_shift)
    return out


def shift_pairs(
    model: Any, canvases: np.ndarray, labels: np.ndarray, max_shift: int = 4, seed: int = 0
) -> dict[str, float]:
    """Zhang's (ICML 2019) shift consistency, and two readings of it that accuracy cannot explain.

    Every image is cut out of its canvas twice, each time with its own
    random shift of up to ``max_shift`` pixels along rows and columns
    (:func:`random_shifts`), and the two predicted classes are compared.

    Consistency alone is tied to accuracy: two copies that are both right
    agree, so a network with accuracy ``a`` on shifted images is at least
    ``2a - 1`` consistent. The other two measures take that out.

    Returns
    -------
    dict
        ``consistency``: the fraction of pairs with the same class.
        ``consistency_correct``: the same, counted only over the images
        whose centred copy the network classifies correctly.
        ``flips_per_error``: the fraction of pairs that disagree divided by
        the error rate on the shifted copies. A disagreement needs at least
        one wrong copy, so it lies between 0 (every error is made on both
        copies alike) and 2; NaN when the network makes no error.

    Examples
    --------
    A model that ignores its input agrees with itself on every pair:

    >>> class Blind:
    ...     input_shape = (None, 6, 6, 1)
    ...     def predict(self, x, verbose=0, batch_size=None):
    ...         return np.tile([0.0, 1.0], (len(x), 1))
    >>> pairs = shift_pairs(Blind(), np.zeros((4, 10, 10, 1)), np.array([1, 1, 0, 0]), max_shift=2)
    >>> pairs["consistency"], pairs["consistency_correct"], pairs["flips_per_error"]
    (1.0, 1.0, 0.0)
    """
    model = _model(model)
    canvases, labels = _labelled((canvases, labels), "canvases")
    max_shift = _max_shift(max_shift, canvases)
    first, second = _pair_predictions(model, canvases, max_shift, seed)
    correct = _predict(model, shift_crops(canvases, 0, 0, max_shift)) == labels
    agree = first == second
    error = float(np.mean(np.concatenate([first != labels, second != labels])))
    return {
        "consistency": float(np.mean(agree)),
        "consistency_correct": float(np.mean(agree[correct])) if correct.any() else float("nan"),
        "flips_per_error": float(np.mean(~agree)) / error if error else float("nan"),
    }


def shift_consistency(model: Any, images: np.ndarray, max_shift: int = 4, seed: int = 0) -> float:
    """How often two random shifts of an image get the same class (:func:`shift_pairs`).

    ``images`` are canvases with ``max_shift`` pixels of margin, cut as in
    :func:`random_shifts`. The labels play no part: a network can be
    consistent and wrong.

    Examples
    --------
    >>> class Blind:
    ...     def predict(self, x, verbose=0, batch_size=None):
    ...         return np.tile([0.0, 1.0], (len(x), 1))
    >>> shift_consistency(Blind(), np.zeros((3, 12, 12, 1)))
    1.0
    """
    model = _model(model)
    canvases = _images(images, "images")
    first, second = _pair_predictions(model, canvases, _max_shift(max_shift, canvases), seed)
    return float(np.mean(first == second))


def _moves(s: int) -> list[tuple[int, int]]:
    return [(s, 0), (-s, 0), (0, s), (0, -s)]


def _predict(model: Any, x: np.ndarray) -> np.ndarray:
    return np.argmax(model.predict(x, verbose=0, batch_size=256), axis=1)


def _accuracy(model: Any, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(_predict(model, x) == y))


# Two-sided 95% quantiles of Student's t with n - 1 degrees of freedom, for n = 2 .. 10 runs.
_T95 = {2: 12.706, 3: 4.303, 4: 3.182, 5: 2.776, 6: 2.571, 7: 2.447, 8: 2.365, 9: 2.306, 10: 2.262}
#: The measures of a row of :func:`train_and_evaluate` that :func:`summarise` averages, as the table heads them.
COLUMNS = {
    "test_acc": "test acc",
    "consistency": "consistency",
    "consistency_correct": "on correct",
    "flips_per_error": "flips/error",
}


def _columns(row: dict[str, Any]) -> dict[str, float]:
    shifted = {f"shift {s} px": acc for s, acc in row["shifted_acc"].items()}
    return {"test acc": row["test_acc"], **shifted, **{COLUMNS[k]: row[k] for k in list(COLUMNS)[1:]}}


def summarise(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, tuple[float, float]]]:
    """Mean and 95% confidence interval of every measure, per variant, over its training seeds.

    The interval is the mean plus or minus Student's t quantile times the
    standard error, ``t * std(ddof=1) / sqrt(n)``: with 3 seeds, t = 4.303.

    Returns
    -------
    dict
        variant -> column name (as :func:`results_table` heads it) -> (mean,
        half-width of the interval). The half-width is NaN for a single seed.

    Examples
    --------
    >>> rows = [{"variant": "v", "seed": s, "test_acc": acc, "shifted_acc": {1: acc},
    ...          "consistency": 1.0, "consistency_correct": 1.0, "flips_per_error": 0.5}
    ...         for s, acc in enumerate((0.8, 0.9, 1.0))]
    >>> mean, half = summarise(rows)["v"]["test acc"]
    >>> round(mean, 3), round(half, 3)
    (0.9, 0.248)
    """
    keys = ("variant", "shifted_acc", *COLUMNS)
    allowed = f"a sequence of rows of train_and_evaluate: dicts with keys {keys} and the same shifts"
    table = entries(rows, "rows", allowed)
    if not all(isinstance(r, dict) and all(k in r for k in keys) for r in table) or any(
        not isinstance(r["shifted_acc"], dict) or r["shifted_acc"].keys() != table[0]["shifted_acc"].keys()
        for r in table
    ):
        raise ValueError(f"`rows` must be {allowed}. Received: rows={rows!r}.")
    runs: dict[str, list[dict[str, float]]] = {}
    for r in table:
        runs.setdefault(r["variant"], []).append(_columns(r))
    if any(len(v) > max(_T95) for v in runs.values()):
        raise ValueError(f"`rows` must hold at most {max(_T95)} seeds per variant. Received: rows={rows!r}.")
    summary = {}
    for variant, seeds in runs.items():
        values = {name: np.array([seed[name] for seed in seeds]) for name in seeds[0]}
        n = len(seeds)
        summary[variant] = {
            name: (
                float(np.mean(v)),
                float(_T95[n] * np.std(v, ddof=1) / np.sqrt(n)) if n > 1 else float("nan"),
            )
            for name, v in values.items()
        }
    return summary


def results_table(rows: Sequence[dict[str, Any]], digits: int = 2) -> str:
    """Rows of :func:`train_and_evaluate` as a text table: per variant, mean ± 95% half-width over seeds.

    Examples
    --------
    >>> row = {"variant": "max pool + GAP", "test_acc": 0.9512, "shifted_acc": {1: 0.9311},
    ...        "consistency": 0.9012, "consistency_correct": 0.95, "flips_per_error": 1.5}
    >>> print(results_table([row, {**row, "test_acc": 0.9712}]))
    variant             test acc   shift 1 px  consistency   on correct  flips/error
    max pool + GAP     0.96±0.13   0.93±0.00    0.90±0.00    0.95±0.00    1.50±0.00
    """
    summary = summarise(rows)
    digits = int_in_range(digits, "digits", 0, 17, "an integer from 0 to 17, float64's significant digits")
    names = list(next(iter(summary.values()))) if summary else []
    lines = [f"{'variant':<18}" + "".join(f"{name:>13}" for name in names)]
    for variant, columns in summary.items():
        cells = (
            f"{m:.{digits}f}" + (f"±{h:.{digits}f}" if not np.isnan(h) else "") for m, h in columns.values()
        )
        lines.append(f"{variant:<18}" + "".join(f"{cell:>13}" for cell in cells))
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
