"""Image pooling explorer: a photo and its pooled version, side by side.

Moving the controls shows at a glance what the numbers of notebook 05 say:
max pooling keeps bright details, average pooling blurs them, and the
stride decides how much the picture shrinks.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from poolutils._validation import array_of_rank
from poolutils.explain import image_pooling
from poolutils.images import sample_image
from poolutils.plotting import finite_range
from poolutils.widgets._picture import NAN_FACE, SCALE, Canvas
from poolutils.widgets._ui import PoolWidget, build_widget, int_slider, mode_toggle

# The sliders' end: past 8 the default photo shrinks to a few pixels.
MAX_WINDOW = 8
# The largest image side the explorer takes: pooling and redrawing it stay far below 1 s.
MAX_IMAGE_SIDE = 1024
# Each panel fits in a square of this side, CSS pixels.
PANEL = 300


def explorer_image(image: object) -> np.ndarray:
    """``image`` as one grey image of at most :data:`MAX_IMAGE_SIDE` pixels per side, or a sentence.

    Examples
    --------
    >>> explorer_image(np.zeros((2000, 10)))
    Traceback (most recent call last):
    ...
    ValueError: `image` must be at most 1024 x 1024 pixels. Received: image with shape (2000, 10).
    """
    arr = array_of_rank(image, "image", (2,), "(H, W)")
    if max(arr.shape) > MAX_IMAGE_SIDE:
        raise ValueError(
            f"`image` must be at most {MAX_IMAGE_SIDE} x {MAX_IMAGE_SIDE} pixels. Received: image with shape {arr.shape}."
        )
    return arr


def grey_pixels(values: np.ndarray, lo: float, hi: float, size: tuple[int, int]) -> Image.Image:
    """``values`` on the grey scale ``lo .. hi`` (NaN in its own colour), resized to ``size`` device pixels.

    Nearest-neighbour resizing keeps each pooled value a sharp block.
    """
    shade = np.clip((np.nan_to_num(values, nan=lo, posinf=hi, neginf=lo) - lo) / ((hi - lo) or 1.0), 0, 1)
    rgb = np.repeat((255 * shade).astype(np.uint8)[:, :, None], 3, axis=2)
    rgb[np.isnan(values)] = NAN_FACE
    return Image.fromarray(rgb, "RGB").resize(size, Image.Resampling.NEAREST)


def render_image_pooling(image: np.ndarray, mode: str, pool_size: int, stride: int) -> tuple[Canvas, dict]:
    """Draw ``image`` and its pooled version at the same size; the numbers are
    :func:`poolutils.explain.image_pooling`'s.

    Both panels share one grey scale over the input's finite values, so
    brightness compares between them.

    Examples
    --------
    >>> canvas, info = render_image_pooling(np.eye(6), "max", 2, 2)
    >>> info["output_shape"], info["pooled"].tolist()[0], info["reduction"]
    ((3, 3), [1.0, 0.0, 0.0], 4.0)
    """
    info = image_pooling(explorer_image(image), mode, pool_size, stride)
    image = np.asarray(image, dtype=float)
    lo, hi = finite_range(image)
    h, w = image.shape
    fit = PANEL / max(h, w)
    width, height = max(round(w * fit), 1), max(round(h * fit), 1)
    canvas = Canvas(2 * width + 40, height + 34)
    for i, (values, label) in enumerate(((image, "input"), (info["pooled"], mode))):
        x = 10 + i * (width + 20)
        canvas.text(x, 12, f"{label}: {values.shape[0]} x {values.shape[1]}", size=12, anchor="lm")
        pixels = grey_pixels(np.asarray(values, dtype=float), lo, hi, (width * SCALE, height * SCALE))
        canvas.paste(pixels, x, 26)
    return canvas, info


def image_pooling_explorer(
    image: np.ndarray | None = None, mode: str = "max", pool_size: int = 4, stride: int = 4
) -> PoolWidget:
    """Pool a photo with the mode, window and stride chosen by the learner.

    Parameters
    ----------
    image : ndarray, shape (H, W), optional
        At most :data:`MAX_IMAGE_SIDE` (1024) pixels per side; NaN and
        infinities are drawn. Defaults to :func:`poolutils.images.sample_image`
        shrunk 4 times.
    mode : {'max', 'avg'}
    pool_size, stride : int
        Starting values of the sliders (1 to 8).

    Returns
    -------
    PoolWidget
        Controls ``mode``, ``pool_size`` and ``stride``.

    Examples
    --------
    >>> w = image_pooling_explorer(np.eye(8), pool_size=2, stride=2)
    >>> w.state["output_shape"]
    (4, 4)
    >>> w.controls["stride"].value = 1
    >>> w.state["output_shape"]
    (7, 7)
    """
    image = sample_image(4) if image is None else explorer_image(image)
    controls = {
        "mode": mode_toggle(mode),
        "pool_size": int_slider("pool size", pool_size, 1, MAX_WINDOW, continuous_update=False),
        "stride": int_slider("stride", stride, 1, MAX_WINDOW, continuous_update=False),
    }

    def render(mode: str, pool_size: int, stride: int) -> tuple[Canvas, dict]:
        return render_image_pooling(image, mode, pool_size, stride)

    return build_widget(render, controls, title="Pooling a photograph")
