"""The pictures show what Keras computes: windows, padding, dropped cells and values.

Which input cells a Keras window reads is found by pooling one-hot inputs:
cell c is in window i exactly when the one-hot at c lights up output i.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from poolutils.keras_check import keras_pool
from poolutils.plotting import (
    format_value,
    plot_axis_conventions,
    plot_axis_windows,
    plot_grid,
    plot_pooling_step,
)

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


@pytest.mark.parametrize(("shape", "pool_size", "stride", "padding"), SETTINGS_2D)
def test_ringed_winner_holds_the_keras_maximum_and_lies_in_the_window(rng, shape, pool_size, stride, padding):
    x = rng.integers(-9, 10, size=shape)
    expected = keras_pool("max", x[None, :, :, None], pool_size=pool_size, strides=stride, padding=padding)
    for position in np.ndindex(expected.shape[1:3]):
        fig = plot_pooling_step(x, pool_size, stride, padding, position)
        window = box_cells(gid_patches(fig.axes[0], "highlight")[0])
        rings = [tuple(round(v) for v in p.center)[::-1] for p in gid_patches(fig.axes[0], "winner")]
        assert rings, "max pooling must ring its winner"
        assert all(cell in window and x[cell] == expected[(0, *position, 0)] for cell in rings)
        plt.close(fig)


def test_avg_step_rings_nothing():
    fig = plot_pooling_step(np.arange(16).reshape(4, 4), 2, position=(0, 0), mode="avg")
    assert not gid_patches(fig.axes[0], "winner")
    plt.close(fig)


def test_second_window_is_outlined_with_its_output_cell(rng):
    # 02's overlapping windows: 3x3, stride 2 on 6x6; outputs (1, 0) and (1, 1) share column 2.
    x = rng.integers(-9, 10, size=(6, 6))
    reads = keras_cells_read((6, 6), 3, 2, "valid")
    fig = plot_pooling_step(x, 3, 2, position=(1, 0), second_position=(1, 1))
    first, second = gid_patches(fig.axes[0], "highlight")
    for rect, position in ((first, (1, 0)), (second, (1, 1))):
        expected = {
            tuple(int(i) for i in np.unravel_index(k, (6, 6))) for k in np.flatnonzero(reads[:, *position])
        }
        assert box_cells(rect) == expected
    assert first.get_linestyle() != second.get_linestyle()
    assert [box_cells(p) for p in gid_patches(fig.axes[1], "highlight")] == [{(1, 0)}, {(1, 1)}]
    plt.close(fig)


def test_block_lines_fall_between_the_blocks():
    fig, ax = plt.subplots()
    plot_grid(ax, np.zeros((4, 6)), blocks=(2, 3))
    horizontal, vertical = [c for c in ax.collections if c.get_gid() == "block"]
    assert [seg[0][1] for seg in horizontal.get_segments()] == [1.5]
    assert [seg[0][0] for seg in vertical.get_segments()] == [2.5]
    plt.close(fig)


@pytest.mark.parametrize(
    ("n", "pool_size", "stride", "padding", "labels"),
    [
        (7, 2, 2, "valid", ["never read"]),
        (6, 3, 2, "same", ["padding"]),
        (7, 2, 3, "same", ["padding", "never read"]),
        (6, 2, 2, "valid", None),
    ],
)
def test_axis_legend_names_what_is_drawn(n, pool_size, stride, padding, labels):
    fig = plot_axis_windows(n, pool_size, stride, padding)
    legend = fig.axes[0].get_legend()
    assert (None if legend is None else [t.get_text() for t in legend.get_texts()]) == labels
    plt.close(fig)


def test_axis_conventions_draw_pytorch_windows_where_keras_composition_reads(keras, rng):
    # PyTorch's AvgPool1d(3, 2, padding=1) reads what 'valid' pooling reads after ZeroPadding1D(1).
    from poolutils.porting import torch_divisors, torch_windows

    n = 6
    onehots = np.eye(n, dtype=np.float32)[:, :, None]
    reads = np.asarray(keras.layers.MaxPooling1D(3, 2)(keras.layers.ZeroPadding1D(1)(onehots)))[..., 0]
    axis = torch_windows((n,), 3, 2, 1).axes[0]
    fig = plot_axis_conventions([("PyTorch", axis)], divisors=[list(torch_divisors((n,), 3, 2, 1))])
    bars = gid_patches(fig.axes[0], "window")
    assert len(bars) == reads.shape[1]
    for i, bar in enumerate(bars):
        lo, hi = bar.get_x(), bar.get_x() + bar.get_width()
        assert {c for c in range(n) if lo < c < hi} == set(np.flatnonzero(reads[:, i]).tolist())
    assert [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "divisor"] == ["/ 3"] * 3
    with pytest.raises(ValueError, match="one input length"):
        plot_axis_conventions([("a", axis), ("b", torch_windows((5,), 3, 2, 1).axes[0])])
    plt.close(fig)


@pytest.mark.parametrize(("n", "k", "s", "p"), [(4, 3, 2, 1), (6, 3, 2, 0), (5, 2, 2, 1), (7, 3, 3, 1)])
def test_cells_past_the_declared_padding_are_what_ceil_mode_adds(n, k, s, p):
    from poolutils.porting import torch_padding, torch_windows

    before, after = torch_padding(n, k, s, p, ceil_mode=True)
    axis = torch_windows((n,), k, s, p, True).axes[0]
    reach = (-axis.starts[0], axis.stops[-1] - n)  # padding cells the windows read
    fig = plot_axis_conventions([("ceil", axis)], padding=[(p, p)])
    ax = fig.axes[0]
    beyond = sorted(round(c.get_x() + 0.5) for c in gid_patches(ax, "beyond"))
    padded = sorted(round(c.get_x() + 0.5) for c in gid_patches(ax, "padding"))
    assert beyond == list(range(n + p, n + after)) == list(range(n + p, n + reach[1]))
    assert padded == [*range(-before, 0), *range(n, min(n + p, n + reach[1]))]
    plt.close(fig)
