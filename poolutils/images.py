"""Pooling a real photograph: the sample image, the pooling pyramid, the translation experiment.

The photo is ``grace_hopper.jpg``, which ships inside matplotlib, so the
course needs no download. Every function here is pure: an image in, arrays
or numbers out. The pooling itself is :func:`poolutils.max_pool` and
:func:`poolutils.avg_pool`, which the tests hold to Keras.
"""

from __future__ import annotations

import numpy as np

from poolutils._validation import MODES, pool_mode, positive_int
from poolutils.pooling import avg_pool, max_pool

# ITU-R BT.601 luma, the weights Pillow's convert("L") uses.
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def _image2d(image: object) -> np.ndarray:
    arr = np.asarray(image)
    if arr.ndim != 2 or arr.dtype.kind not in "iuf":
        raise ValueError(
            "`image` must be a 2-D array of numbers (height, width). "
            f"Received: image with shape {arr.shape} and dtype {arr.dtype}."
        )
    return arr


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

    downscale = positive_int(downscale, "downscale")
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
    pool = max_pool if pool_mode(mode) == "max" else avg_pool
    return pool(_image2d(image)[None, :, :, None], pool_size, stride, padding)[0, :, :, 0]


def pooling_pyramid(image: np.ndarray, levels: int, mode: str = "max") -> list[np.ndarray]:
    """The image followed by ``levels`` rounds of 2x2, stride-2 pooling.

    Each level has half the rows and columns of the one before (odd ones
    drop their last row or column, as 'valid' padding does).

    Examples
    --------
    >>> [level.shape for level in pooling_pyramid(np.ones((9, 8)), 2)]
    [(9, 8), (4, 4), (2, 2)]
    """
    levels = positive_int(levels, "levels")
    pyramid = [_image2d(image)]
    for _ in range(levels):
        pyramid.append(pool_image(pyramid[-1], mode, 2))
    return pyramid


def translation_changes(
    image: np.ndarray,
    shifts: tuple[int, ...] = (1, 2, 3),
    modes: tuple[str, ...] = ("none", "max", "avg"),
    pool_size: int = 2,
) -> dict[str, np.ndarray]:
    """How much a layer's output changes when its input moves sideways.

    The input is the image with ``max(shifts)`` columns cut from each side;
    its shifted copy is the same crop taken ``s`` columns further left, so
    the content moves ``s`` pixels right and no wrapped or invented pixels
    appear. Both go through the same layer ('none' means no pooling, else
    ``pool_size`` x ``pool_size`` pooling with stride ``pool_size``).

    Parameters
    ----------
    image : array_like, shape (H, W)
    shifts : tuple of int
        Shifts in pixels, each positive.
    modes : tuple of {'none', 'max', 'avg'}
    pool_size : int

    Returns
    -------
    dict mapping each mode to an array, one value per shift
        Mean absolute change of the output divided by the mean absolute
        value of the unshifted output: 0 means the shift went unnoticed.

    Examples
    --------
    A vertical stripe 2 pixels wide moved by one pixel still wins the same
    2x2 max-pooling windows half the time:

    >>> stripe = np.zeros((4, 12))
    >>> stripe[:, 4:6] = 1
    >>> changes = translation_changes(stripe, shifts=(1,), modes=("none", "max"))
    >>> {mode: change.round(2).tolist() for mode, change in changes.items()}
    {'none': [1.0], 'max': [0.5]}
    """
    image = _image2d(image).astype(np.float64)
    shifts = tuple(positive_int(s, "shifts") for s in shifts)
    margin = max(shifts)
    if image.shape[1] <= 2 * margin:
        raise ValueError(
            f"`shifts` must be less than half the image width {image.shape[1]}. Received: shifts={shifts!r}."
        )
    width = image.shape[1] - 2 * margin
    if not np.any(image[:, margin : margin + width]):
        raise ValueError("`image` must not be all zeros: a change relative to zero is undefined.")

    def layer(x: np.ndarray, mode: str) -> np.ndarray:
        return x if mode == "none" else pool_image(x, mode, pool_size)

    base = image[:, margin : margin + width]
    changes = {}
    for mode in modes:
        mode = pool_mode(mode, ("none", *MODES))
        ref = layer(base, mode)
        scale = np.mean(np.abs(ref))
        changes[mode] = np.array(
            [
                np.mean(np.abs(layer(image[:, margin - s : margin - s + width], mode) - ref)) / scale
                for s in shifts
            ]
        )
    return changes
