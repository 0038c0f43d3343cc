"""The pictures show what Keras computes: windows, padding, dropped cells and values.

Which input cells a Keras window reads is found by pooling one-hot inputs:
cell c is in window i exactly when the one-hot at c lights up output i.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from poolutils.keras_check import keras_pool
from poolutils.plotting import format_value, plot_axis_windows, plot_grid, plot_pooling_step

SETTINGS_2D = [
    ((4, 4), 2, 2, "valid"),
    ((5, 6), 3, 2, "same"),
    ((4, 4), 3, 1, "same"),
    ((5, 5), 2, 3, "valid"),
    ((4, 5), (2, 3), (1, 2), "same"),
]


def keras_cells_read(shape, pool_size, stride, padding):
    """For each output cell, the input cells Keras' MaxPooling reads (from one-hot inputs)."""
    size = int(np.prod(shape))
    onehots = np.eye(size, dtype=np.float32).reshape(size, *shape, 1)
    out = keras_pool("max", onehots, pool_size=pool_size, strides=stride, padding=padding)[..., 0]
    return out  # out[k, *position] == 1 exactly when input cell k is in that window


def gid_patches(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def box_cells(rect):
    """Integer cells (row, col) covered by a rectangle drawn in cell coordinates."""
    x0, y0 = rect.get_xy()
    cols = range(round(x0 + 0.5), round(x0 + 0.5 + rect.get_width()))
    rows = range(round(y0 + 0.5), round(y0 + 0.5 + rect.get_height()))
    return {(r, c) for r in rows for c in cols}


@pytest.mark.parametrize(("shape", "pool_size", "stride", "padding"), SETTINGS_2D)
def test_highlight_covers_the_cells_keras_reads(rng, shape, pool_size, stride, padding):
    x = rng.integers(-9, 10, size=shape)
    reads = keras_cells_read(shape, pool_size, stride, padding)
    pools = np.broadcast_to(pool_size, 2)
    for position in np.ndindex(reads.shape[1:]):
        fig = plot_pooling_step(x, pool_size, stride, padding, position)
        (window,) = gid_patches(fig.axes[0], "highlight")
        (cell,) = gid_patches(fig.axes[1], "highlight")
        covered = box_cells(window)
        real = {(r, c) for r, c in covered if 0 <= r < shape[0] and 0 <= c < shape[1]}
        expected = {
            tuple(int(i) for i in np.unravel_index(k, shape))
            for k in np.flatnonzero(reads[(slice(None), *position)])
        }
        assert real == expected
        assert (window.get_height(), window.get_width()) == tuple(pools)  # padding cells included
        assert box_cells(cell) == {position}
        plt.close(fig)


@pytest.mark.parametrize(("shape", "pool_size", "stride", "padding"), SETTINGS_2D)
def test_values_written_are_the_input_and_keras_output(rng, shape, pool_size, stride, padding):
    x = rng.integers(-9, 10, size=shape)
    for mode, kind in (("max", "max"), ("avg", "avg")):
        expected = keras_pool(
            kind, x[None, :, :, None].astype(np.float32), pool_size=pool_size, strides=stride, padding=padding
        )
        fig = plot_pooling_step(x, pool_size, stride, padding, mode=mode)
        ax_in, ax_out = fig.axes
        assert [t.get_text() for t in ax_in.texts if t.get_gid() == "value"] == [
            format_value(v) for v in x.ravel()
        ]
        assert [t.get_text() for t in ax_out.texts if t.get_gid() == "value"] == [
            format_value(v) for v in expected[0, :, :, 0].ravel()
        ]
        plt.close(fig)


@pytest.mark.parametrize(("shape", "pool_size", "stride", "padding"), SETTINGS_2D)
def test_padding_drawn_is_what_the_windows_reach_outside_the_input(shape, pool_size, stride, padding):
    # The windows' real cells are checked against Keras above; here the hatched
    # cells must be exactly the rest of the full-size windows, and only for 'same'.
    x = np.zeros(shape)
    out_shape = keras_pool(
        "max", x[None, :, :, None], pool_size=pool_size, strides=stride, padding=padding
    ).shape[1:3]
    reach = set()
    for position in np.ndindex(out_shape):
        fig = plot_pooling_step(x, pool_size, stride, padding, position)
        reach |= box_cells(gid_patches(fig.axes[0], "highlight")[0])
        drawn = set().union(*(box_cells(p) for p in gid_patches(fig.axes[0], "padding")))
        plt.close(fig)
    outside = {(r, c) for r, c in reach if not (0 <= r < shape[0] and 0 <= c < shape[1])}
    assert drawn == outside
    if padding == "valid":
        assert not drawn


@pytest.mark.parametrize(
    ("n", "pool_size", "stride", "padding"),
    [
        (6, 2, 2, "valid"),
        (7, 2, 2, "valid"),
        (7, 3, 2, "same"),
        (9, 2, 4, "valid"),
        (5, 1, 3, "same"),
        (8, 4, 1, "valid"),
    ],
)
def test_axis_windows_match_keras(n, pool_size, stride, padding):
    onehots = np.eye(n, dtype=np.float32)[:, :, None]
    reads = keras_pool("max", onehots, pool_size=pool_size, strides=stride, padding=padding)[..., 0]
    fig = plot_axis_windows(n, pool_size, stride, padding)
    ax = fig.axes[0]
    bars = gid_patches(ax, "window")
    assert len(bars) == reads.shape[1]
    for i, bar in enumerate(bars):
        real = np.flatnonzero(reads[:, i])
        lo, hi = bar.get_x(), bar.get_x() + bar.get_width()
        assert all(lo < c < hi for c in real)
        assert round(hi - lo) == pool_size
    dropped = sorted(round(p.get_x() + 0.5) for p in gid_patches(ax, "dropped"))
    assert dropped == np.flatnonzero(~reads.any(axis=1)).tolist()
    padded = gid_patches(ax, "padding")
    assert (padding == "valid") <= (not padded)
    assert all(not 0 <= round(p.get_x() + 0.5) < n for p in padded)
    plt.close(fig)


def test_plot_grid_rejects_bad_input():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="values"):
        plot_grid(ax, np.zeros(3))
    with pytest.raises(ValueError, match=r"padding=\(1, 2\)"):
        plot_grid(ax, np.zeros((2, 2)), padding=(1, 2))
    with pytest.raises(ValueError, match="mode='min'"):
        plot_pooling_step(np.zeros((2, 2)), mode="min")
    plt.close(fig)
