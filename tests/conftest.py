"""Fixtures shared by the unit tests."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")  # the widget and plot tests draw off-screen


@pytest.fixture(scope="session")
def keras():
    from poolutils.keras_check import keras

    return keras()


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def random_input(rng, spatial, channels=3, batch=2, dtype=np.float32, data_format="channels_last"):
    """Random test input; integers span negatives so 'same' padding cannot hide behind zeros."""
    shape = (batch, *spatial, channels) if data_format == "channels_last" else (batch, channels, *spatial)
    if np.dtype(dtype).kind in "iu":
        return rng.integers(-50, 50, size=shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)
