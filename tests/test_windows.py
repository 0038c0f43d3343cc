"""Window geometry against Keras: a one-hot input lights up exactly the outputs whose window holds it."""

import numpy as np
import pytest

from poolutils import adaptive_windows, pool_windows


def _one_hots(spatial):
    # One batch item per input cell, that cell 1 and all others 0.
    size = int(np.prod(spatial))
    return np.eye(size, dtype=np.float32).reshape(size, *spatial, 1)


def _covered_by(geometry):
    """cover[cell, *out] = True when output `out`'s window holds real input cell `cell`."""
    cover = np.zeros((int(np.prod(geometry.input_shape)), *geometry.output_shape), bool)
    for out in np.ndindex(*geometry.output_shape):
        for cell in geometry.window(out).real_cells:
            cover[(np.ravel_multi_index(tuple(cell), geometry.input_shape), *out)] = True
    return cover


@pytest.mark.parametrize(
    "spatial,pool,strides,padding",
    [
        ((4, 4), 2, 2, "valid"),
        ((5, 4), 3, 2, "same"),
        ((6, 5), (2, 3), (1, 2), "same"),
        ((7,), 3, 3, "valid"),
        ((3, 4, 5), 2, (1, 2, 3), "same"),
        ((3, 1, 5), 1, 3, "same"),  # 3-D, stride > pool: starts at cell 0 (oneDNN off shifts: test_tf_quirks)
    ],
)
def test_window_cells_match_keras(request, keras, spatial, pool, strides, padding):
    if spatial == (3, 1, 5):
        request.getfixturevalue("default_kernels")
    geometry = pool_windows(spatial, pool, strides, padding)
    rank = len(spatial)
    x = _one_hots(spatial)
    maxed = np.asarray(getattr(keras.layers, f"MaxPooling{rank}D")(pool, strides, padding)(x))[..., 0]
    np.testing.assert_array_equal(maxed == 1, _covered_by(geometry))
    # Averaging a one-hot gives 1/divisor where it is covered: Keras' divisor map.
    averaged = np.asarray(getattr(keras.layers, f"AveragePooling{rank}D")(pool, strides, padding)(x))[..., 0]
    divisor = 1 / averaged.max(axis=0)
    np.testing.assert_allclose(divisor, geometry.counts(), rtol=1e-6)


@pytest.mark.parametrize("spatial,output_size", [((7,), 3), ((5, 4), (3, 3)), ((4, 6), (6, 4))])
def test_adaptive_window_cells_match_keras(keras, spatial, output_size):
    geometry = adaptive_windows(spatial, output_size)
    rank = len(spatial)
    layer = getattr(keras.layers, f"AdaptiveAveragePooling{rank}D")(output_size)
    averaged = np.asarray(layer(_one_hots(spatial)))[..., 0]
    np.testing.assert_array_equal(averaged > 0, _covered_by(geometry))


def test_window_marks_padding_and_rejects_bad_positions():
    geometry = pool_windows((4, 4), 3, 2, "same")
    window = geometry.window((1, 1))
    assert window.padding.sum() == 5 and len(window.real_cells) == 4
    with pytest.raises(ValueError, match=r"Received: position=\(2, 0\)"):
        geometry.window((2, 0))
