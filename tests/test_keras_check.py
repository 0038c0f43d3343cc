"""check_against_keras passes on agreement and fails loudly on disagreement."""

import numpy as np
import pytest

from poolutils import keras_check

FMAP = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 6], [3, 5, 7, 2]]).reshape(1, 4, 4, 1)


def test_prints_the_agreement(keras, capsys):
    out = keras_check.check_against_keras("avg", FMAP, pool_size=2)
    assert out.reshape(2, 2).tolist() == [[3.75, 4.75], [3.5, 5.75]]
    assert "avg_pool matches keras.layers.AveragePooling2D: shape (1, 2, 2, 1)" in capsys.readouterr().out


def test_detects_a_wrong_implementation(keras, monkeypatch):
    monkeypatch.setitem(keras_check.OURS, "max", lambda x, **kw: keras_check.OURS["avg"](x, **kw))
    with pytest.raises(AssertionError, match="MaxPooling2D"):
        keras_check.check_against_keras("max", FMAP.astype(np.float32), pool_size=2, quiet=True)


def test_unknown_kind_is_named():
    with pytest.raises(ValueError, match="kind='median'"):
        keras_check.check_against_keras("median", FMAP)
