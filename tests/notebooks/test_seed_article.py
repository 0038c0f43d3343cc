"""The seed article's four results, reproduced exactly by Keras and by poolutils."""

import numpy as np

import poolutils as pu

FMAP = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 6], [3, 5, 7, 2]])
X = FMAP.reshape(1, 4, 4, 1)


def test_max_pooling(keras):
    article = [[6, 9], [5, 8]]
    keras_out = np.asarray(keras.layers.MaxPooling2D((2, 2), strides=2)(X)).reshape(2, 2)
    np.testing.assert_array_equal(keras_out, article)
    np.testing.assert_array_equal(pu.max_pool(X, (2, 2), strides=2).reshape(2, 2), article)


def test_average_pooling(keras):
    article = [[3.75, 4.75], [3.5, 5.75]]
    x = X.astype(np.float32)
    np.testing.assert_array_equal(
        np.asarray(keras.layers.AveragePooling2D((2, 2), strides=2)(x)).reshape(2, 2), article
    )
    np.testing.assert_array_equal(pu.avg_pool(x, (2, 2), strides=2).reshape(2, 2), article)


def test_global_pooling(keras):
    x = X.astype(np.float32)
    assert np.asarray(keras.layers.GlobalMaxPooling2D()(x)).tolist() == [[9.0]]
    assert np.asarray(keras.layers.GlobalAveragePooling2D()(x)).tolist() == [[4.4375]]
    assert pu.global_max_pool(x).tolist() == [[9.0]]
    assert pu.global_avg_pool(x).tolist() == [[4.4375]]
