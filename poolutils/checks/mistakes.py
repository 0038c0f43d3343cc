"""Known wrong ways to pool, written once so every checker can recognise them.

Each function is a plausible learner's mistake, computed exactly, so a
checker can run it on a failing case and, if it reproduces the learner's
output, name the mistake. The window geometry comes from
:mod:`poolutils.windows`; a mistake only changes one thing about it
(where the padding goes, which windows exist, what padding cells count as).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from poolutils.windows import AxisWindows, Windows, pool_windows


def article_size(n: int, f: int, s: int) -> float:
    """The article's ``(n - f + 1) / s`` left unrounded (a float).

    Examples
    --------
    >>> article_size(6, 2, 2)
    2.5
    """
    return (n - f + 1) / s


def article_size_floored(n: int, f: int, s: int) -> int:
    """The article's formula rounded down instead of up.

    Examples
    --------
    >>> article_size_floored(6, 2, 2)
    2
    """
    return (n - f + 1) // s


def size_without_plus_one(n: int, f: int, s: int) -> int:
    """``(n - f) // s``: the first window forgotten (off by one).

    Examples
    --------
    >>> size_without_plus_one(4, 2, 2)
    1
    """
    return (n - f) // s


def same_size_floored(n: int, s: int) -> int:
    """'same' output size rounded down: ``n // s`` instead of ``ceil(n / s)``.

    Examples
    --------
    >>> same_size_floored(5, 2)
    2
    """
    return n // s


def padding_split_before(n: int, f: int, s: int) -> tuple[int, int]:
    """The 'same' padding split with the odd extra cell first (PyTorch / textbook style).

    Examples
    --------
    >>> padding_split_before(5, 2, 2)
    (1, 0)
    """
    out = -(-n // s)
    total = max((out - 1) * s + f - n, 0)
    return total - total // 2, total // 2


def padding_split_ignoring_stride(n: int, f: int, s: int) -> tuple[int, int]:
    """The split of ``f - 1`` padding cells, the total for stride 1 whatever the stride.

    Examples
    --------
    >>> padding_split_ignoring_stride(4, 2, 2)
    (0, 1)
    """
    total = f - 1
    return total // 2, total - total // 2


def padding_split_unclamped(n: int, f: int, s: int) -> tuple[int, int]:
    """The split of a total that may go negative when the stride exceeds the window.

    Examples
    --------
    >>> padding_split_unclamped(3, 1, 3)
    (-1, -1)
    """
    out = -(-n // s)
    total = (out - 1) * s + f - n
    return total // 2, total - total // 2


def _shift(axis: AxisWindows, by: int) -> AxisWindows:
    return replace(axis, starts=tuple(a + by for a in axis.starts), stops=tuple(b + by for b in axis.stops))


def windows_padding_before(
    spatial_shape: Sequence[int],
    pool_size: int | Sequence[int],
    strides: int | Sequence[int] | None,
    padding: str = "same",
) -> Windows:
    """'same' windows as if the odd extra padding cell went before the input, not after.

    'valid' windows have no padding, so they come back unchanged.
    """
    geo = pool_windows(spatial_shape, pool_size, strides, padding)
    axes = []
    for a in geo.axes:
        before, after = a.padding
        axes.append(_shift(a, -1) if after > before else a)
    return Windows(tuple(axes))


def windows_drop_last(
    spatial_shape: Sequence[int],
    pool_size: int | Sequence[int],
    strides: int | Sequence[int] | None,
    padding: str = "valid",
) -> Windows:
    """The right windows but the last one on each axis missing (``range(0, n - f, s)``)."""
    geo = pool_windows(spatial_shape, pool_size, strides, padding)
    return Windows(
        tuple(replace(a, starts=a.starts[:-1] or a.starts, stops=a.stops[:-1] or a.stops) for a in geo.axes)
    )


def pool_map(image: np.ndarray, windows: Windows, mode: str, padding_as_zero: bool = False) -> np.ndarray:
    """Pool one (H, W) map over ``windows``, optionally treating padding cells as zeros.

    With ``padding_as_zero`` a max may pick a padding 0 over negative values,
    and an average divides by the full window size: the two classic
    mistakes of 'same' padding.

    Examples
    --------
    >>> x = -np.ones((3, 3))
    >>> geo = pool_windows((3, 3), 2, 2, "same")
    >>> pool_map(x, geo, "max").tolist(), pool_map(x, geo, "max", padding_as_zero=True).tolist()
    ([[-1.0, -1.0], [-1.0, -1.0]], [[-1.0, 0.0], [0.0, 0.0]])
    """
    image = np.asarray(image, dtype=float)
    out = np.empty(windows.output_shape)
    for pos in np.ndindex(*windows.output_shape):
        w = windows.window(pos)
        values = image[tuple(w.real_cells.T)]
        if padding_as_zero:
            values = np.concatenate([values, np.zeros(int(w.padding.sum()))])
        out[pos] = values.max() if mode == "max" else values.mean()
    return out


# Diagnoses shared by the 2-D max and average pooling exercises.
SHIFTED_WINDOWS = (
    "your 'same' windows are shifted by one: TensorFlow puts the odd extra padding cell AFTER "
    "the map (bottom / right), so pad_top = total // 2."
)
LAST_WINDOW_MISSING = "off by one at the last window: your loop stops one window early in each direction."


def pool2d_over(windows: Callable[..., Windows], mode: str) -> Callable[..., np.ndarray]:
    """A wrong ``(fmap, pool_size, stride, padding) -> map`` that pools over ``windows(shape, f, s, padding)``.

    Examples
    --------
    >>> wrong = pool2d_over(windows_drop_last, "max")
    >>> wrong(np.arange(16.0).reshape(4, 4), 2, 2, "valid").tolist()
    [[5.0]]
    """
    return lambda x, f, s, p: pool_map(x, windows(np.shape(x), f, s, p), mode)


def pool_batch(x: np.ndarray, windows: Windows, mode: str, padding_as_zero: bool = False) -> np.ndarray:
    """:func:`pool_map` on every map of a (batch, H, W, channels) array."""
    x = np.asarray(x, dtype=float)
    out = np.empty((x.shape[0], *windows.output_shape, x.shape[-1]))
    for b in range(x.shape[0]):
        for c in range(x.shape[-1]):
            out[b, ..., c] = pool_map(x[b, ..., c], windows, mode, padding_as_zero)
    return out


def adaptive_windows_floor(spatial_shape: Sequence[int], output_size: Sequence[int]) -> Windows:
    """Adaptive windows that end at ``floor((i + 1) * n / out)``: they never overlap and can miss a cell.

    Examples
    --------
    >>> adaptive_windows_floor((5,), (3,)).axes[0].stops
    (1, 3, 5)
    """
    axes = []
    for n, out in zip(spatial_shape, output_size):
        starts = tuple(i * n // out for i in range(out))
        stops = tuple((i + 1) * n // out for i in range(out))
        axes.append(AxisWindows(n, starts, stops, None))
    return Windows(tuple(axes))
