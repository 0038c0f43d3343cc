"""Image pooling explorer: a photo and its pooled version, side by side.

Moving the controls shows at a glance what the numbers of notebook 05 say:
max pooling keeps bright details, average pooling blurs them, and the
stride decides how much the picture shrinks.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from poolutils.images import pool_image, sample_image
from poolutils.modes import pooling
from poolutils.widgets._ui import PoolWidget, array_of_rank, build_widget, int_slider, mode_toggle

# The sliders' end: past 8 the default photo shrinks to a few pixels.
MAX_WINDOW = 8


def render_image_pooling(image: np.ndarray, mode: str, pool_size: int, stride: int) -> tuple[Figure, dict]:
    """Draw ``image`` and its pooled version; describe the shapes.

    Parameters
    ----------
    image : ndarray, shape (H, W)
    mode : {'max', 'avg'}
    pool_size, stride : int
        Square window side and step ('valid' padding).

    Returns
    -------
    figure : matplotlib.figure.Figure
    info : dict
        ``readout`` (HTML), ``pooled`` (the pooled image), ``input_shape``,
        ``output_shape`` and ``reduction`` (input values per output value).

    Examples
    --------
    >>> fig, info = render_image_pooling(np.eye(6), "max", 2, 2)
    >>> info["output_shape"], info["pooled"].tolist()[0], info["reduction"]
    ((3, 3), [1.0, 0.0, 0.0], 4.0)
    >>> plt.close(fig)
    """
    name = pooling(mode).name
    image = array_of_rank(image, "image", 2)
    pooled = pool_image(image, mode, pool_size, stride)
    reduction = image.size / pooled.size
    fig, axes = plt.subplots(1, 2, figsize=(8, 4.2))
    # One colour scale for both panels, so brightness can be compared between them.
    lo, hi = float(image.min()), float(image.max())
    for ax, img, label in zip(axes, (image, pooled), ("input", name)):
        ax.imshow(img, cmap="gray", vmin=lo, vmax=hi, interpolation="nearest")
        ax.set_title(f"{label}: {img.shape[0]} x {img.shape[1]}")
        ax.set_axis_off()
    # Fixed margins: tight_layout would cost a second full draw on every update.
    fig.subplots_adjust(left=0.02, right=0.98, top=0.9, bottom=0.02, wspace=0.06)
    readout = (
        f"<b>{name}</b>, {pool_size}x{pool_size} windows, stride {stride}: "
        f"input <b>{image.shape[0]} x {image.shape[1]}</b> &rarr; output "
        f"<b>{pooled.shape[0]} x {pooled.shape[1]}</b> ({reduction:.1f} input values per output value)"
    )
    info = {
        "readout": readout,
        "pooled": pooled,
        "input_shape": image.shape,
        "output_shape": pooled.shape,
        "reduction": reduction,
    }
    return fig, info


def image_pooling_explorer(
    image: np.ndarray | None = None, mode: str = "max", pool_size: int = 4, stride: int = 4
) -> PoolWidget:
    """Pool a photo with the mode, window and stride chosen by the learner.

    Parameters
    ----------
    image : ndarray, shape (H, W), optional
        Defaults to :func:`poolutils.images.sample_image` shrunk 4 times.
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
    image = sample_image(4) if image is None else array_of_rank(image, "image", 2)
    controls = {
        "mode": mode_toggle(mode),
        "pool_size": int_slider("pool size", pool_size, 1, MAX_WINDOW, continuous_update=False),
        "stride": int_slider("stride", stride, 1, MAX_WINDOW, continuous_update=False),
    }

    def render(mode: str, pool_size: int, stride: int) -> tuple[Figure, dict]:
        return render_image_pooling(image, mode, pool_size, stride)

    return build_widget(render, controls, title="Pooling a photograph")
