"""Pooling a real photograph: the sample image, the pooling pyramid, the shift experiments.

The photo is ``grace_hopper.jpg``, which ships inside matplotlib, so the
course needs no download. Every function here is pure: an image in, arrays
or numbers out. The pooling itself is :func:`poolutils.max_pool` and
:func:`poolutils.avg_pool`, which the tests hold to Keras; blur pooling is
:func:`poolutils.antialias.blur_pool`.

The shift experiments separate two properties that are often both called
"translation invariance":

* **equivariance**: shifting the input shifts the output by the matching
  number of output cells and changes nothing else;
* **invariance**: the output does not change at all.

:func:`shift_changes` measures both for one layer, so that a layer with
stride 2 can be compared with its own stride-1 control.
"""

from __future__ import annotations

import numpy as np

from poolutils._validation import (
    MAX_AXIS_CELLS,
    MAX_SIZE,
    array_of_rank,
    as_int,
    entries,
    int_in_range,
    pool_args,
    positive_int,
)
from poolutils.antialias import blur_pool
from poolutils.modes import pooling

# The photo's width in pixels (600 x 512): the largest factor it can shrink by.
_PHOTO_WIDTH = 512
# ITU-R BT.601 luma, the weights Pillow's convert("L") uses.
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def _image2d(image: object) -> np.ndarray:
    return array_of_rank(image, "image", (2,), "(height, width)")


def _square(image: np.ndarray, pool_size: object, stride: object, padding: object) -> tuple:
    """Pool arguments checked against ``image`` and named as the caller passed them."""
    if stride is not None:
        stride = positive_int(stride, "stride")
    received = f"image with shape {image.shape}"
    return pool_args(image.shape, pool_size, stride, padding, received, stride_name="stride")


def sample_image(downscale: int = 1) -> np.ndarray:
    """Grace Hopper's portrait from matplotlib's sample data, in grayscale.

    Parameters
    ----------
    downscale : int
        Shrink by this factor by averaging ``downscale x downscale`` blocks
        (rows and columns that do not fill a block are dropped).

    Returns
    -------
    ndarray of float32, shape (600 // downscale, 512 // downscale)
        Brightness in [0, 1].

    Examples
    --------
    >>> img = sample_image(4)
    >>> img.shape, img.dtype, bool(0 <= img.min() < img.max() <= 1)
    ((150, 128), dtype('float32'), True)
    """
    from matplotlib import cbook
    from matplotlib import image as mpimg

    downscale = int_in_range(
        downscale, "downscale", 1, _PHOTO_WIDTH, f"an integer from 1 to {_PHOTO_WIDTH}, the photo's width"
    )
    rgb = mpimg.imread(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    gray = (rgb[..., :3].astype(np.float32) @ _LUMA) / np.float32(255)
    if downscale == 1:
        return gray
    return pool_image(gray, "avg", downscale)


def pool_image(
    image: np.ndarray, mode: str, pool_size: int, stride: int | None = None, padding: str = "valid"
) -> np.ndarray:
    """Pool one 2-D image with square windows.

    Parameters
    ----------
    image : array_like, shape (H, W)
    mode : {'max', 'avg'}
    pool_size, stride : int
        Window side and step; the stride defaults to ``pool_size``.
    padding : {'valid', 'same'}

    Returns
    -------
    ndarray, shape (out_h, out_w)
        Exactly what ``MaxPooling2D`` or ``AveragePooling2D`` gives for the
        image as a batch of one single-channel map.

    Examples
    --------
    >>> pool_image(np.arange(16.0).reshape(4, 4), "max", 2)
    array([[ 5.,  7.],
           [13., 15.]])
    """
    pool = pooling(mode).pool  # the modes the widgets know, from one map
    image = _image2d(image)
    pools, steps, padding = _square(image, pool_size, stride, padding)
    return pool(image[None, :, :, None], pools, steps, padding)[0, :, :, 0]


def pooling_pyramid(image: np.ndarray, levels: int, mode: str = "max") -> list[np.ndarray]:
    """The image followed by ``levels`` rounds of 2x2, stride-2 pooling.

    Each level has half the rows and columns of the one before (odd ones
    drop their last row or column, as 'valid' padding does).

    Examples
    --------
    >>> [level.shape for level in pooling_pyramid(np.ones((9, 8)), 2)]
    [(9, 8), (4, 4), (2, 2)]
    """
    pyramid = [_image2d(image)]
    pooling(mode)
    # Each level halves the smaller side; a 2x2 window must still fit in the last one.
    most = max(int(np.log2(min(pyramid[0].shape))), 1)
    levels = int_in_range(
        levels,
        "levels",
        1,
        most,
        f"an integer from 1 to {most}, the halvings an image of shape {pyramid[0].shape} allows",
    )
    for _ in range(levels):
        pyramid.append(pool_image(pyramid[-1], mode, 2))
    return pyramid


LAYERS = ("none", "max", "avg", "blur")


def _layer(layer: object) -> str:
    if not isinstance(layer, str) or layer not in LAYERS:
        raise ValueError(f"`layer` must be one of {LAYERS}. Received: layer={layer!r}.")
    return layer


def layer_output(image: np.ndarray, layer: str, stride: int, pool_size: int = 2) -> np.ndarray:
    """One layer with 'same' padding applied to a 2-D image.

    Parameters
    ----------
    image : array_like, shape (H, W)
    layer : {'none', 'max', 'avg', 'blur'}
        'none' takes every ``stride``-th pixel (no window at all), 'max' and
        'avg' pool ``pool_size`` x ``pool_size`` windows, 'blur' is
        :func:`poolutils.antialias.blur_pool` (max with stride 1, binomial blur).
    stride : int
        1 keeps every position (the control: windows without subsampling).
    pool_size : int

    Returns
    -------
    ndarray, shape (ceil(H / stride), ceil(W / stride))

    Examples
    --------
    >>> x = np.arange(16.0).reshape(4, 4)
    >>> layer_output(x, "none", 2)
    array([[ 0.,  2.],
           [ 8., 10.]])
    >>> layer_output(x, "max", 1)[0]
    array([5., 6., 7., 7.])
    """
    image = _image2d(image)
    layer = _layer(layer)
    stride = positive_int(stride, "stride")
    pool_size, _, _ = _square(image, pool_size, stride, "same")
    if layer == "none":
        return image[::stride, ::stride]
    if layer == "blur":
        return blur_pool(image[None, :, :, None], pool_size, stride, "same")[0, :, :, 0]
    return pool_image(image, layer, pool_size, stride, "same")


def shift_changes(
    image: np.ndarray,
    layer: str,
    stride: int,
    shifts: tuple[int, ...] = (1, 2, 3, 4),
    pool_size: int = 2,
    border: int = 2,
) -> dict[str, np.ndarray]:
    """How a layer's output responds when its input moves ``s`` pixels to the right.

    The input is the image with ``max(shifts)`` columns cut from each side;
    its shifted copy is the same crop taken ``s`` columns further left, so the
    content moves ``s`` pixels right and no pixel is invented at the border.

    Parameters
    ----------
    image : array_like, shape (H, W)
    layer, stride, pool_size
        As in :func:`layer_output`.
    shifts : tuple of int
        Positive shifts in pixels.
    border : int
        Output columns left out at each end of every comparison, so that the
        padding of the 'same' layers does not count as a change.

    Returns
    -------
    dict with two arrays, one value per shift, in brightness units
        ``"in_place"``: mean absolute difference between the two outputs at
        the same positions (0 means invariant).
        ``"from_shifted"``: mean absolute difference between the shifted
        output and the unshifted output moved by ``s / stride`` cells, the
        output a perfectly equivariant layer would give (0 means
        equivariant). When ``s / stride`` is not a whole number (a 1-pixel
        shift at stride 2 is half a cell), the reference is interpolated:
        the mean of the two whole-cell moves, ``floor`` and ``ceil`` of
        ``s / stride``. (The nearer of the two would be no reference at
        all: it is about as far as the layer's stride-1 output is from its
        own neighbour, which rewards any smoothing.)
        Neither is divided by the size of the output, which would favour
        layers with brighter outputs.

    Examples
    --------
    Every second column bright: a 2-pixel shift moves 2x2/2 max pooling's
    output by one cell, unchanged, while a 1-pixel shift of plain
    subsampling turns it from white to black:

    >>> stripes = np.tile([1.0, 0.0], (6, 10))
    >>> changes = shift_changes(stripes, "max", 2, shifts=(1, 2), border=1)
    >>> {name: values.tolist() for name, values in changes.items()}
    {'in_place': [0.0, 0.0], 'from_shifted': [0.0, 0.0]}
    >>> shift_changes(stripes, "none", 2, shifts=(1, 2), border=1)["from_shifted"].tolist()
    [1.0, 0.0]
    """
    image = _image2d(image).astype(np.float64)
    layer = _layer(layer)
    stride = positive_int(stride, "stride")
    allowed = "a non-empty tuple of positive ints, shifts in pixels"
    entered = entries(shifts, "shifts", allowed)
    if not 0 < len(entered) <= image.shape[1]:
        raise ValueError(
            f"`shifts` must be {allowed}, at most one per column of the image. Received: shifts={shifts!r}."
        )
    numbers = tuple(as_int(s) for s in entered)
    if any(s is None or not 0 < s <= MAX_SIZE for s in numbers):
        bad = next(e for e, s in zip(entered, numbers) if s is None or not 0 < s <= MAX_SIZE)
        error = TypeError if as_int(bad) is None else ValueError
        raise error(f"`shifts` must be {allowed}; {bad!r} is not. Received: shifts={shifts!r}.")
    shifts = numbers
    border = int_in_range(border, "border", 0, MAX_AXIS_CELLS, "a non-negative int")
    margin = max(shifts)
    width = image.shape[1] - 2 * margin
    if width < stride * (2 * border + margin + 1):
        raise ValueError(
            f"`shifts` are too large for an image {image.shape[1]} pixels wide: the crops must keep "
            f"more than {2 * border + margin} output columns. Received: shifts={shifts!r}."
        )
    reference = layer_output(image[:, margin : margin + width], layer, stride, pool_size)
    n = reference.shape[1]
    keep = slice(border + margin, n - border)  # columns whose every moved reference is inside the crop

    def moved(cells: int) -> np.ndarray:
        return reference[:, keep.start - cells : keep.stop - cells]

    in_place, from_shifted = [], []
    for s in shifts:
        out = layer_output(image[:, margin - s : margin - s + width], layer, stride, pool_size)[:, keep]
        in_place.append(float(np.mean(np.abs(out - moved(0)))))
        # A fractional move has no whole-cell reference: interpolate between the two nearest ones.
        expected = (moved(s // stride) + moved(-(-s // stride))) / 2
        from_shifted.append(float(np.mean(np.abs(out - expected))))
    return {"in_place": np.array(in_place), "from_shifted": np.array(from_shifted)}
