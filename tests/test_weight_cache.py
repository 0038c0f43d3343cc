"""The weight cache that lets a second run of notebook 07 in one test run skip training."""

import numpy as np
import pytest

from poolutils import cnn, weight_cache

TRAIN, TEST = cnn.make_shapes(64, seed=0), cnn.make_shapes(16, seed=1, margin=4)


def run(capsys, seed=0):
    model, row = cnn.train_and_evaluate("max pool + GAP", TRAIN, TEST, epochs=1, seed=seed, verbose=True)
    return model.get_weights(), row, capsys.readouterr().out


def test_without_the_variable_every_call_fits(monkeypatch):
    monkeypatch.delenv(weight_cache.ENV, raising=False)
    calls = []
    assert weight_cache.fit_or_load(None, ["x"], [np.zeros(2)], lambda: calls.append(1)) is False
    assert weight_cache.fit_or_load(None, ["x"], [np.zeros(2)], lambda: calls.append(1)) is False
    assert calls == [1, 1]


def test_a_second_identical_training_loads_the_same_network_and_measures_it_again(
    monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv(weight_cache.ENV, str(tmp_path))
    weights, row, out = run(capsys)
    assert "weights of an earlier run" not in out and len(list(tmp_path.glob("*.npz"))) == 1
    again, row_again, out_again = run(capsys)
    assert "weights of an earlier run (weight_cache)" in out_again
    assert row_again == row
    for a, b in zip(weights, again, strict=True):
        np.testing.assert_array_equal(a, b)
    # Another seed is another network: it is trained, not loaded.
    _, _, other = run(capsys, seed=1)
    assert "weights of an earlier run" not in other and len(list(tmp_path.glob("*.npz"))) == 2


@pytest.mark.parametrize("name", weight_cache.SETTINGS)
def test_a_setting_that_changes_the_summation_order_changes_the_key(monkeypatch, name):
    monkeypatch.delenv(name, raising=False)
    before = weight_cache.key(["max pool + GAP", 0, 8], TRAIN)
    monkeypatch.setenv(name, "1")
    assert weight_cache.key(["max pool + GAP", 0, 8], TRAIN) != before


def test_other_training_images_or_labels_change_the_key():
    images, labels = TRAIN
    before = weight_cache.key(["v"], [images, labels])
    changed = images.copy()
    changed[0, 0, 0, 0] += 1
    assert weight_cache.key(["v"], [changed, labels]) != before
    assert weight_cache.key(["v"], [images, np.roll(labels, 1)]) != before
    assert weight_cache.key(["v"], [images, labels]) == before
