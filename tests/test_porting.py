"""PyTorch's pooling conventions (poolutils.porting) against the Keras compositions that reproduce them.

PyTorch is not installed, so its layers cannot be the oracle. Each
convention is instead rebuilt from Keras layers, as notebook 08 teaches:

* symmetric padding and ceil mode: pad each axis by ``torch_padding`` cells
  (minus infinity for max, zeros for average) and pool with 'valid';
* the divisor: the same composition applied to a map of ones, padded so that
  exactly the cells PyTorch counts are ones.

A wrong window start, a wrong output length or a wrong divisor changes a
value or a shape below, so every test can fail.
"""

import numpy as np
import pytest

import poolutils as pu
from poolutils import same_padding
from poolutils.porting import (
    torch_avg_pool,
    torch_divisors,
    torch_max_pool,
    torch_output_size,
    torch_padding,
    torch_windows,
)

# 1-D settings: every input length up to 8, kernels up to 4, strides up to 4, every legal padding.
SETTINGS_1D = [
    (n, k, s, p, ceil)
    for n in range(1, 9)
    for k in range(1, 5)
    for s in range(1, 5)
    for p in range(k // 2 + 1)
    for ceil in (False, True)
    if k <= n + 2 * p
]


def _pad_widths(x, pads):
    return [(0, 0), *pads, (0, 0)]


def keras_padded_max(keras, x, kernel_size, stride, pads):
    """'valid' max pooling of ``x`` padded with minus infinity by ``pads`` ((before, after) per axis)."""
    layer = getattr(keras.layers, f"MaxPooling{x.ndim - 2}D")(kernel_size, stride, padding="valid")
    padded = keras.ops.pad(x, _pad_widths(x, pads), constant_values=-np.inf)
    return np.asarray(layer(padded))


def keras_padded_mean(keras, x, kernel_size, stride, pads, counted):
    """Zero padding + 'valid' average pooling, divided by the same pooling of a map of ones.

    ``counted`` gives, per axis, the (before, after) cells of padding that
    count in the divisor: they are ones in the divisor map, the rest zeros.
    """
    rank = x.ndim - 2
    layers = keras.layers
    pool = getattr(layers, f"AveragePooling{rank}D")(kernel_size, stride, padding="valid")
    zero_pad = getattr(layers, f"ZeroPadding{rank}D")

    def amounts(widths):  # ZeroPadding1D takes one (before, after) pair, 2D/3D one per axis
        return tuple(widths[0]) if rank == 1 else tuple(widths)

    sums = np.asarray(pool(zero_pad(amounts(pads))(x)))
    ones = keras.ops.pad(np.ones_like(x), _pad_widths(x, counted), constant_values=1.0)
    rest = [(b - cb, a - ca) for (b, a), (cb, ca) in zip(pads, counted)]
    divisors = np.asarray(pool(zero_pad(amounts(rest))(ones)))
    return sums / divisors


@pytest.mark.parametrize(("n", "k", "s", "p", "ceil"), SETTINGS_1D)
def test_max_pool_matches_keras_padded_with_minus_infinity(keras, rng, n, k, s, p, ceil):
    x = rng.standard_normal((2, n, 3)).astype(np.float32) - 3.0  # negatives: a zero pad would win
    pads = [torch_padding(n, k, s, p, ceil)]
    np.testing.assert_array_equal(torch_max_pool(x, k, s, p, ceil), keras_padded_max(keras, x, k, s, pads))


@pytest.mark.parametrize(("n", "k", "s", "p", "ceil"), SETTINGS_1D)
@pytest.mark.parametrize("count_include_pad", [True, False])
def test_avg_pool_matches_keras_ratio_of_padded_means(keras, rng, n, k, s, p, ceil, count_include_pad):
    x = rng.standard_normal((2, n, 3)).astype(np.float32) + 2.0
    pads = [torch_padding(n, k, s, p, ceil)]
    counted = [(p, p)] if count_include_pad else [(0, 0)]
    expected = keras_padded_mean(keras, x, k, s, pads, counted)
    ours = torch_avg_pool(x, k, s, p, ceil, count_include_pad)
    assert ours.shape == expected.shape
    np.testing.assert_allclose(ours, expected, rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize(("n", "k", "s", "p", "ceil"), SETTINGS_1D)
def test_output_size_is_the_shape_keras_gives_the_padded_input(keras, n, k, s, p, ceil):
    before, after = torch_padding(n, k, s, p, ceil)
    layer = keras.layers.MaxPooling1D(k, s, padding="valid")
    assert torch_output_size(n, k, s, p, ceil) == layer.compute_output_shape((1, n + before + after, 1))[1]


@pytest.mark.parametrize(("n", "k", "s", "p", "ceil"), SETTINGS_1D)
def test_documented_formula_and_last_window_rule(n, k, s, p, ceil):
    # torch.nn.MaxPool1d docs: floor (or ceil) of (n + 2p - k) / s, plus 1; in ceil
    # mode a window that would start in the right padding is dropped.
    rounded = -(-(n + 2 * p - k) // s) if ceil else (n + 2 * p - k) // s
    out = rounded + 1
    if ceil and (out - 1) * s >= n + p:
        out -= 1
    axis = torch_windows((n,), k, s, p, ceil).axes[0]
    assert axis.size == out == torch_output_size(n, k, s, p, ceil)
    assert axis.starts == tuple(i * s - p for i in range(out))
    assert all(start < n + p for start in axis.starts)  # every window starts in the input or the left padding


def test_count_include_pad_true_is_zero_padding_then_valid_pooling(keras, rng):
    # The composition notebook 08 shows: ZeroPadding2D(p) + AveragePooling2D('valid').
    x = rng.standard_normal((2, 7, 6, 3)).astype(np.float32)
    keras_out = np.asarray(keras.layers.AveragePooling2D(3, 2)(keras.layers.ZeroPadding2D(1)(x)))
    np.testing.assert_allclose(torch_avg_pool(x, 3, 2, padding=1), keras_out, rtol=1e-6, atol=1e-6)


def test_ceil_mode_is_asymmetric_padding_with_the_extra_cells_after(keras, rng):
    x = rng.standard_normal((1, 8, 9, 2)).astype(np.float32)
    pads = [torch_padding(8, 3, 2, 1, True), torch_padding(9, 3, 2, 1, True)]
    assert pads == [(1, 2), (1, 1)]
    keras_max = keras_padded_max(keras, x, 3, 2, pads)
    np.testing.assert_array_equal(torch_max_pool(x, 3, 2, padding=1, ceil_mode=True), keras_max)
    keras_avg = keras_padded_mean(keras, x, 3, 2, pads, counted=[(1, 1), (1, 1)])
    np.testing.assert_allclose(torch_avg_pool(x, 3, 2, 1, True), keras_avg, rtol=2e-6, atol=1e-6)


def test_2d_mixed_settings_per_axis(keras, rng):
    x = rng.integers(-20, 20, size=(2, 7, 10, 3)).astype(np.float32)
    kernel, stride, padding = (3, 4), (2, 3), (1, 2)
    pads = [torch_padding(n, k, s, p, True) for n, k, s, p in zip((7, 10), kernel, stride, padding)]
    np.testing.assert_array_equal(
        torch_max_pool(x, kernel, stride, padding, ceil_mode=True),
        keras_padded_max(keras, x, kernel, stride, pads),
    )
    expected = keras_padded_mean(keras, x, kernel, stride, pads, counted=[(1, 1), (2, 2)])
    np.testing.assert_allclose(
        torch_avg_pool(x, kernel, stride, padding, True), expected, rtol=2e-6, atol=1e-6
    )


def test_channels_first_is_pytorch_layout(rng):
    x = rng.standard_normal((2, 3, 6, 5)).astype(np.float32)
    channels_last = torch_avg_pool(x.transpose(0, 2, 3, 1), 3, 2, 1, True)
    np.testing.assert_array_equal(
        torch_avg_pool(x, 3, 2, 1, True, data_format="channels_first"), channels_last.transpose(0, 3, 1, 2)
    )


@pytest.mark.parametrize("n", range(3, 12))
def test_tf_same_is_padding_with_the_odd_cell_after(keras, rng, n):
    # TensorFlow's 'same' = explicit (before, after) padding, extra cell after, then 'valid'.
    x = rng.standard_normal((1, n, 2)).astype(np.float32) - 3.0
    pads = [same_padding(n, 3, 2)]
    same_max = np.asarray(keras.layers.MaxPooling1D(3, 2, padding="same")(x))
    np.testing.assert_array_equal(same_max, keras_padded_max(keras, x, 3, 2, pads))
    same_avg = np.asarray(keras.layers.AveragePooling1D(3, 2, padding="same")(x))
    np.testing.assert_allclose(same_avg, keras_padded_mean(keras, x, 3, 2, pads, [(0, 0)]), rtol=2e-6)


@pytest.mark.parametrize("n", range(3, 12))
def test_torch_padding_1_agrees_with_keras_same_only_on_odd_lengths(keras, rng, n):
    # AvgPool1d(3, 2, padding=1, count_include_pad=False) against AveragePooling1D(3, 2, 'same').
    x = rng.standard_normal((1, n, 2)).astype(np.float32)
    keras_same = np.asarray(keras.layers.AveragePooling1D(3, 2, padding="same")(x))
    ours = torch_avg_pool(x, 3, 2, padding=1, count_include_pad=False)
    assert ours.shape == keras_same.shape  # both ceil(n / 2) cells
    same = np.allclose(ours, keras_same, rtol=1e-6)
    assert same == (n % 2 == 1), f"n={n}: windows coincide only when n is odd"


def test_divisors_of_the_03_example():
    # 03's 4x4 map, 3x3 windows, stride 2: the layer with Keras' 'same' windows is
    # AvgPool2d(3, 2, ceil_mode=True), whose divisor is clipped at the (unpadded) input.
    np.testing.assert_array_equal(torch_divisors((4, 4), 3, 2, ceil_mode=True), [[9, 6], [6, 4]])
    np.testing.assert_array_equal(torch_divisors((4, 4), 3, 2, 1), [[9, 9], [9, 9]])
    np.testing.assert_array_equal(torch_divisors((4, 4), 3, 2, 1, True), [[9, 9, 6], [9, 9, 6], [6, 6, 4]])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"padding": 2}, ValueError, "at most half the kernel size .*Received: padding=2, kernel_size=3"),
        ({"padding": -1}, ValueError, "non-negative int"),
        ({"padding": (1, 1)}, ValueError, "Received: padding=\\(1, 1\\)"),
        ({"ceil_mode": 1}, TypeError, "`ceil_mode` must be True or False. Received: ceil_mode=1"),
        ({"kernel_size": 0}, ValueError, "kernel_size"),
        ({"stride": 1.5}, TypeError, "stride"),
    ],
)
def test_bad_arguments_get_a_sentence(kwargs, error, match):
    args = {"n": 4, "kernel_size": 3, "stride": 2, **kwargs}
    with pytest.raises(error, match=match):
        torch_padding(**args)


def test_kernel_larger_than_padded_input_is_refused():
    with pytest.raises(ValueError, match="Received: n=2, kernel_size=5, padding=1"):
        torch_output_size(2, 5, 1, padding=1)


def test_count_include_pad_must_be_a_flag():
    with pytest.raises(TypeError, match="Received: count_include_pad='yes'"):
        torch_divisors((4,), 3, 2, 1, False, "yes")


def test_a_huge_shape_is_refused_at_once():
    with pytest.raises(ValueError, match="spatial_shape"):
        torch_windows((2**40,), 3, 1)


def aten_max(window):
    """ATen's CPU scan (cpu_max_pool in aten/src/ATen/native/cpu/MaxPoolKernel.cpp), written out.

    maxval starts at ``smallest`` (-infinity for floats) and becomes ``val``
    when ``(val > maxval) || is_nan(val)``.
    """
    best = -np.inf
    for val in window:
        if val > best or np.isnan(val):
            best = val
    return best


def test_torch_max_pool_propagates_nan_and_keeps_minus_infinity():
    x = np.array([np.nan, 1, -np.inf, -np.inf], dtype=np.float32).reshape(1, 4, 1)
    out = torch_max_pool(x, 2)[0, :, 0]
    assert np.isnan(out[0]) and out[1] == -np.inf  # TensorFlow's rule gives [1, -3.4e38]
    np.testing.assert_array_equal(pu.max_pool(x, 2)[0, :, 0], [1, np.finfo(np.float32).min])


@pytest.mark.parametrize(("n", "k", "s", "p", "ceil"), SETTINGS_1D)
def test_torch_max_pool_follows_atens_scan_on_nan_and_inf(rng, n, k, s, p, ceil):
    x = rng.standard_normal((3, n, 4)).astype(np.float32)
    x[rng.random(x.shape) < 0.2] = np.nan
    x[rng.random(x.shape) < 0.3] = -np.inf
    x[1] = -np.inf  # an item of only -inf: every window is -inf
    before, _ = torch_padding(n, k, s, p, ceil)
    out_n = torch_output_size(n, k, s, p, ceil)
    expected = np.empty((3, out_n, 4), np.float32)
    for i in range(out_n):
        start = i * s - before
        window = x[:, max(start, 0) : start + k]  # padding is -inf in ATen: it never changes the scan
        for b, c in np.ndindex(3, 4):
            expected[b, i, c] = aten_max(window[b, :, c])
    np.testing.assert_array_equal(torch_max_pool(x, k, s, p, ceil), expected)


def test_torch_avg_pool_sums_float16_in_float32(keras):
    x = np.full((1, 4, 1), 60000, np.float16)
    ours = torch_avg_pool(x, 2)
    theirs = np.asarray(keras.layers.AveragePooling1D(2)(x))  # Keras computes in float32
    assert ours.dtype == np.float16
    np.testing.assert_array_equal(ours.astype(np.float32), theirs)
