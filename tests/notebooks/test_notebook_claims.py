"""General claims the notebooks state and show on one example, checked here on many.

A notebook keeps one visible check per claim; the exhaustive loops live here,
so that a learner reads one line while the course still proves the rule.
Keras is the oracle wherever a claim is about what a layer does.
"""

import math

import numpy as np
import pytest

import poolutils as pu

# 01: every axis up to 40 cells, every window that fits, every stride up to 8.
IDENTITY_CASES = [(n, f, s) for n in range(1, 41) for f in range(1, n + 1) for s in range(1, 9)]

# 01: input length 1-12, window 1-4, stride 1-4, both paddings ('valid' only where the window fits).
SIZE_CASES = [
    (n, f, s, padding)
    for n in range(1, 13)
    for f in range(1, 5)
    for s in range(1, 5)
    for padding in ("valid", "same")
    if not (padding == "valid" and f > n)
]


def test_01_rounded_up_formula_equals_floor_form():
    # ceil((n - f + 1) / s) == floor((n - f) / s) + 1, the identity notebook 01 proves.
    assert len(IDENTITY_CASES) == 6560
    bad = [(n, f, s) for n, f, s in IDENTITY_CASES if math.ceil((n - f + 1) / s) != (n - f) // s + 1]
    assert not bad


def test_01_output_size_matches_keras_on_360_settings(keras):
    assert len(SIZE_CASES) == 360
    for n, f, s, padding in SIZE_CASES:
        keras_size = keras.layers.MaxPooling1D(f, s, padding=padding).compute_output_shape((1, n, 1))[1]
        assert pu.pool_output_size(n, f, s, padding) == keras_size, (n, f, s, padding)


def _cells_read(keras, n, f, s, padding):
    """Input cells whose one-hot reaches some output of Keras' MaxPooling1D."""
    reads = np.asarray(
        keras.layers.MaxPooling1D(f, s, padding=padding)(np.eye(n, dtype=np.float32)[:, :, None])
    )
    return reads.max(axis=(1, 2)) > 0


@pytest.mark.parametrize("n", range(1, 13))
def test_01_same_reads_every_cell_exactly_when_the_stride_fits_the_window(keras, n):
    # "With a stride larger than the window, some cells are never read, even with 'same'."
    for f in range(1, 5):
        for s in range(1, 6):
            read = _cells_read(keras, n, f, s, "same")
            if s <= f:
                assert read.all(), (n, f, s)
            elif n >= s:
                assert not read.all(), (n, f, s)


def test_02_zero_padding_differs_only_where_a_padded_window_is_all_negative(keras, rng):
    # 02: zero padding + 'valid' gives a wrong 0 exactly where a window that reaches
    # into the padding holds only negative values; elsewhere it agrees with 'same'.
    for trial in range(40):
        h, w = rng.integers(3, 8, size=2)
        x = rng.integers(-9, 3, size=(1, h, w, 1)).astype(np.float32)
        same = np.asarray(keras.layers.MaxPooling2D(3, 2, padding="same")(x))
        (top, bottom), (left, right) = pu.same_padding(h, 3, 2), pu.same_padding(w, 3, 2)
        padded = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
        zero = np.asarray(keras.layers.MaxPooling2D(3, 2)(padded))
        geometry = pu.pool_windows((h, w), 3, 2, "same")
        for position in np.ndindex(geometry.output_shape):
            window = geometry.window(position)
            all_negative = window.padding.any() and (x[0, *window.real_cells.T, 0] < 0).all()
            if all_negative:
                assert zero[(0, *position, 0)] == 0 != same[(0, *position, 0)], (trial, position)
            else:
                assert zero[(0, *position, 0)] == same[(0, *position, 0)], (trial, position)
        relu = np.maximum(x, 0)
        relu_padded = np.pad(relu, ((0, 0), (top, bottom), (left, right), (0, 0)))
        np.testing.assert_array_equal(
            keras.layers.MaxPooling2D(3, 2)(relu_padded),
            keras.layers.MaxPooling2D(3, 2, padding="same")(relu),
        )


@pytest.mark.parametrize("n", range(2, 15))
def test_04_adaptive_windows_read_every_cell_and_differ_by_at_most_one(keras, n):
    # 04: adaptive windows round outward: every cell is read, lengths differ by at most one.
    for out in range(1, n + 1):
        axis = pu.adaptive_windows((n,), out).axes[0]
        lengths = np.subtract(axis.stops, axis.starts)
        assert lengths.max() - lengths.min() <= 1
        readers = np.zeros(n, dtype=int)
        for start, stop in zip(axis.starts, axis.stops):
            readers[start:stop] += 1
        assert readers.min() >= 1
        # Keras' adaptive average of the positions is the mean of each window's positions.
        positions = np.arange(n, dtype=np.float32)[None, :, None]
        keras_means = np.asarray(keras.layers.AdaptiveAveragePooling1D(out)(positions))[0, :, 0]
        np.testing.assert_allclose(
            keras_means, [(start + stop - 1) / 2 for start, stop in zip(axis.starts, axis.stops)]
        )


def _keras_receptive_field(keras, layers_spec, n=128):
    """Receptive field of the first output of a linear 1-D stack, from impulse responses."""
    stack = []
    for kind, size in layers_spec:
        if kind == "conv":
            stack.append(keras.layers.Conv1D(1, size, use_bias=False, kernel_initializer="ones"))
        else:
            stack.append(keras.layers.AveragePooling1D(size))
    out = np.asarray(keras.Sequential(stack)(np.eye(n, dtype=np.float32)[:, :, None]))[:, 0, 0]
    return int(np.count_nonzero(out))


def _rule_receptive_field(layers_spec):
    field, step = 1, 1
    for kind, size in layers_spec:
        field += (size - 1) * step
        if kind == "pool":
            step *= size
    return field


@pytest.mark.parametrize("kernel", [3, 5])
@pytest.mark.parametrize("pool", [None, 2, 3])
def test_00_receptive_field_rule_matches_keras(keras, kernel, pool):
    # 00: each layer adds (window - 1) x the distance between neighbouring cells; pooling multiplies it.
    spec = []
    for _ in range(3):
        spec.append(("conv", kernel))
        if pool:
            spec.append(("pool", pool))
        assert _keras_receptive_field(keras, spec) == _rule_receptive_field(spec), spec


@pytest.mark.parametrize("cycles", range(17, 32))
def test_05b_every_wave_above_half_the_new_rate_folds_onto_one_below_it(keras, cycles):
    # 05b shows 28 cycles over 64 cells folding onto 4; every wave above 16 cycles folds onto 32 - cycles,
    # and Keras' AveragePooling1D(2) passes the folded wave with amplitude |cos(pi * cycles / 64)|.
    cells = np.arange(64)
    wave = np.cos(2 * np.pi * cycles * cells / 64).astype(np.float32)
    folded = np.cos(2 * np.pi * (32 - cycles) * cells / 64).astype(np.float32)
    np.testing.assert_allclose(wave[::2], folded[::2], atol=1e-5)
    pooled = np.asarray(keras.layers.AveragePooling1D(2)(wave[None, :, None]))[0, :, 0]
    amplitude = np.abs(np.fft.rfft(pooled))[32 - cycles] / 16
    assert np.isclose(amplitude, abs(np.cos(np.pi * cycles / 64)), atol=1e-4)


@pytest.mark.parametrize("shift", [1, 3, 5])
def test_05b_blur_pooling_is_nearer_its_interpolated_reference_than_max_pooling(keras, shift):
    # 05b's conclusion 4 on the photo, with Keras' layers and for more odd shifts than the notebook shows.
    from poolutils.images import sample_image

    photo = sample_image(4)
    width = photo.shape[1] - 2 * shift
    layers = keras.layers
    blur = layers.DepthwiseConv2D(3, strides=2, padding="same", use_bias=False)
    blur.build((None, photo.shape[0], width, 1))
    blur.set_weights([np.outer([1, 2, 1], [1, 2, 1]).astype(np.float32)[:, :, None, None] / 16])
    pools = {
        "max": layers.MaxPooling2D(2, strides=2, padding="same"),
        "blur": lambda x: blur(layers.MaxPooling2D(2, strides=1, padding="same")(x)),
    }
    distance = {}
    for name, pool in pools.items():
        base, moved = (
            np.asarray(pool(photo[None, :, start : start + width, None]))[0, :, :, 0].astype(np.float64)
            for start in (shift, 0)
        )
        low, high = shift // 2, shift // 2 + 1
        keep = slice(high + 2, base.shape[1] - 2)  # away from the 'same' padding at both ends
        reference = (
            base[:, keep.start - low : keep.stop - low] + base[:, keep.start - high : keep.stop - high]
        ) / 2
        distance[name] = np.mean(np.abs(moved[:, keep] - reference))
    assert distance["blur"] < 0.6 * distance["max"]
