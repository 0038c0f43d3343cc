"""The training cache that lets a second run of notebook 07 in one test run skip training and measuring."""

import numpy as np
import pytest

from poolutils import cnn, training_cache

TRAIN, TEST = cnn.make_shapes(64, seed=0), cnn.make_shapes(16, seed=1, margin=4)


def run(capsys, seed=0):
    model, row = cnn.train_and_evaluate("max pool + GAP", TRAIN, TEST, epochs=1, seed=seed, verbose=True)
    return model.get_weights(), row, capsys.readouterr().out


def test_without_the_variable_every_call_fits(monkeypatch):
    monkeypatch.delenv(training_cache.ENV, raising=False)
    calls = []
    assert training_cache.fit_or_load(None, ["x"], [np.zeros(2)], lambda: calls.append(1)) is False
    assert training_cache.fit_or_load(None, ["x"], [np.zeros(2)], lambda: calls.append(1)) is False
    assert calls == [1, 1]


def test_a_second_identical_training_loads_what_a_run_without_the_cache_computes(
    monkeypatch, tmp_path, capsys
):
    monkeypatch.delenv(training_cache.ENV, raising=False)
    fresh_weights, fresh_row, _ = run(capsys)
    monkeypatch.setenv(training_cache.ENV, str(tmp_path))
    weights, row, out = run(capsys)
    assert "earlier run" not in out
    assert len(list(tmp_path.glob("*.npz"))) == 1 and len(list(tmp_path.glob("row-*.json"))) == 1
    again, row_again, out_again = run(capsys)
    assert "trained and measured by an earlier run (training_cache)" in out_again
    # What the cache hands back is exactly what training and measuring without it give.
    assert row_again == row == fresh_row
    assert isinstance(next(iter(row_again["shifted_acc"])), int)
    for fresh, a, b in zip(fresh_weights, weights, again, strict=True):
        np.testing.assert_array_equal(a, fresh)
        np.testing.assert_array_equal(b, fresh)
    # Another seed is another network: it is trained and measured, not loaded.
    _, _, other = run(capsys, seed=1)
    assert "earlier run" not in other and len(list(tmp_path.glob("*.npz"))) == 2


def test_other_test_images_are_measured_again_on_the_loaded_network(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(training_cache.ENV, str(tmp_path))
    cnn.train_and_evaluate("max pool + GAP", TRAIN, TEST, epochs=1, verbose=True)
    other_test = cnn.make_shapes(16, seed=2, margin=4)
    _, row = cnn.train_and_evaluate("max pool + GAP", TRAIN, other_test, epochs=1, verbose=True)
    out = capsys.readouterr().out.splitlines()
    assert "earlier run" not in out[0] and out[1].endswith(", trained by an earlier run (training_cache)")
    monkeypatch.delenv(training_cache.ENV)
    _, fresh = cnn.train_and_evaluate("max pool + GAP", TRAIN, other_test, epochs=1)
    assert row == fresh


def test_a_row_with_nan_and_shift_keys_reads_back_equal(tmp_path):
    row = {"variant": "v", "seed": 0, "shifted_acc": {1: 0.25, 4: 1.0}, "flips_per_error": float("nan")}
    training_cache.save_row("k", row, tmp_path)
    back = training_cache.load_row("k", tmp_path)
    assert back["shifted_acc"] == {1: 0.25, 4: 1.0} and np.isnan(back["flips_per_error"])
    assert training_cache.load_row("other", tmp_path) is None


@pytest.mark.parametrize("name", training_cache.SETTINGS)
def test_a_setting_that_changes_the_summation_order_changes_the_key(monkeypatch, name):
    monkeypatch.delenv(name, raising=False)
    before = training_cache.key(["max pool + GAP", 0, 8], TRAIN)
    monkeypatch.setenv(name, "1")
    assert training_cache.key(["max pool + GAP", 0, 8], TRAIN) != before


def test_other_training_images_or_labels_change_the_key():
    images, labels = TRAIN
    before = training_cache.key(["v"], [images, labels])
    changed = images.copy()
    changed[0, 0, 0, 0] += 1
    assert training_cache.key(["v"], [changed, labels]) != before
    assert training_cache.key(["v"], [images, np.roll(labels, 1)]) != before
    assert training_cache.key(["v"], [images, labels]) == before
