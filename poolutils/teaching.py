"""Pooling written for reading: one output cell at a time.

This is the version to study. It computes what :func:`poolutils.max_pool`
and :func:`poolutils.avg_pool` compute on one 2-D feature map, stride and
'same' padding included, with two plain loops. The tests prove the two
agree; the fast version is what you run on real data.
"""

from __future__ import annotations

import numpy as np

from poolutils._validation import numeric_array, pool_args, pool_mode
from poolutils.shapes import _output_size, _same_padding


def pool2d_loop(
    image: np.ndarray,
    pool_size: int | tuple[int, int] = 2,
    stride: int | tuple[int, int] | None = None,
    padding: str = "valid",
    mode: str = "max",
) -> np.ndarray:
    """Pool one 2-D feature map, one output cell at a time.

    Parameters
    ----------
    image : array_like, shape (H, W)
        A single feature map (no batch, no channels).
    pool_size, stride : int or (int, int)
        Window size and step; the stride defaults to the window size.
    padding : {'valid', 'same'}
    mode : {'max', 'avg'}

    Returns
    -------
    ndarray, shape (out_h, out_w)
        Max: the image's dtype and the fast path's values, NaN and
        infinities included (like TensorFlow, the scan starts from the
        dtype's lowest finite value and takes only strictly larger values,
        so NaN never wins). Average: float64, where the fast path keeps a
        float image's dtype and gives float32 for integers; its sums are
        added in another order, so the two may differ in the last bit.

    Examples
    --------
    >>> fmap = np.array([[1, 3, 2, 9],
    ...                  [5, 6, 1, 7],
    ...                  [4, 2, 8, 6],
    ...                  [3, 5, 7, 2]])
    >>> pool2d_loop(fmap, 2, mode="max")
    array([[6, 9],
           [5, 8]])
    >>> pool2d_loop(fmap, 3, stride=1, padding="same", mode="avg")[0]
    array([3.75      , 3.        , 4.66666667, 4.75      ])
    """
    image = numeric_array(image, "image")
    if image.ndim != 2 or image.size == 0:
        raise ValueError(
            f"`image` must be one non-empty 2-D feature map (H, W). Received: image with shape {image.shape}."
        )
    mode = pool_mode(mode)
    height, width = image.shape
    (pool_h, pool_w), (stride_h, stride_w), padding = pool_args(
        image.shape, pool_size, stride, padding, f"image with shape {image.shape}", stride_name="stride"
    )

    out_h = _output_size(height, pool_h, stride_h, padding)
    out_w = _output_size(width, pool_w, stride_w, padding)

    # 'same' shifts every window up and left by the padding added before the input.
    pad_top = pad_left = 0
    if padding == "same":
        pad_top = _same_padding(height, pool_h, stride_h)[0]
        pad_left = _same_padding(width, pool_w, stride_w)[0]

    lowest = np.finfo(image.dtype).min if image.dtype.kind == "f" else np.iinfo(image.dtype).min
    out = np.empty((out_h, out_w), dtype=image.dtype if mode == "max" else float)
    for i in range(out_h):
        for j in range(out_w):
            top = i * stride_h - pad_top
            left = j * stride_w - pad_left
            # Clipping the window to the image drops the padding cells: they are
            # never the maximum, and they are not counted in the average.
            window = image[max(top, 0) : top + pool_h, max(left, 0) : left + pool_w]
            out[i, j] = _scan_max(window, lowest) if mode == "max" else window.mean()
    return out


def _scan_max(window: np.ndarray, lowest: float) -> float:
    """TensorFlow's max: start at the lowest finite value, keep only strictly larger ones.

    ``window.max()`` would return NaN for a window holding NaN; a comparison
    with NaN is False, so here NaN never wins, and a window of only NaN or
    ``-inf`` gives ``lowest``.
    """
    best = lowest
    for value in window.flat:
        if value > best:
            best = value
    return best
