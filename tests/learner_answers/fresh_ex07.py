"""A fresh set of learner answers to exercises/07_pooling_in_a_cnn.ipynb, written from the task texts only.

See fresh_ex01.py for what ``expect`` means. Exercise 7.3 builds and measures
Keras models, so it has few answers to stay fast.
"""

import numpy as np

from tests.learner_answers import LearnerAnswer as A

# --- 7.3 ---------------------------------------------------------------------


def _convs(keras, inputs, pool=None):
    """The Flatten network's body: three 3x3 'same' ReLU convolutions, 2x2 pooling after the first two."""
    pool = pool or keras.layers.MaxPooling2D
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    x = pool(2)(x)
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    x = pool(2)(x)
    return keras.layers.Conv2D(32, 3, padding="same", activation="relu")(x)


def sc_right_gap(input_shape):
    from poolutils.keras_check import keras

    k = keras()
    inputs = k.Input(input_shape)
    x = _convs(k, inputs)
    x = k.layers.GlobalAveragePooling2D()(x)
    return k.Model(inputs, k.layers.Dense(4)(x))


def sc_right_gmp(input_shape):
    import keras

    inputs = keras.Input(shape=input_shape)
    x = _convs(keras, inputs)
    x = keras.layers.GlobalMaxPooling2D()(x)
    outputs = keras.layers.Dense(4, name="logits")(x)
    return keras.Model(inputs=inputs, outputs=outputs)


def sc_right_sequential(input_shape):
    import keras

    return keras.Sequential(
        [
            keras.Input(input_shape),
            keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(4),
        ]
    )


def sc_unchanged(input_shape):
    import keras

    inputs = keras.Input(input_shape)
    x = keras.layers.Flatten()(_convs(keras, inputs))
    return keras.Model(inputs, keras.layers.Dense(4)(x))


def sc_build_model(input_shape):
    from poolutils.cnn import build_model

    return build_model("max pool + GAP", input_shape)


def sc_avg_pooling(input_shape):
    import keras

    inputs = keras.Input(input_shape)
    x = _convs(keras, inputs, pool=keras.layers.AveragePooling2D)
    x = keras.layers.Flatten()(x)
    return keras.Model(inputs, keras.layers.Dense(4)(x))


def sc_gap_hidden_dense(input_shape):
    import keras

    inputs = keras.Input(input_shape)
    x = keras.layers.GlobalAveragePooling2D()(_convs(keras, inputs))
    x = keras.layers.Dense(32, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(4)(x))


def sc_gap_two_convs(input_shape):
    import keras

    inputs = keras.Input(input_shape)
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(4)(x))


RIGHT = [
    A("7.1", (8196, 132), note="32 -> 16 -> 8: 8 * 8 * 32 * 4 + 4 and 32 * 4 + 4"),
    A("7.1", [8196, 132], note="as a list"),
    A("7.1", (8 * 8 * 32 * 4 + 4, 32 * 4 + 4), note="as the expression"),
    A("7.1", np.array([8196, 132]), note="as an array"),
    A("7.2", "C", note="max pooling + GAP"),
    A("7.2", "c", note="lower case"),
    A("7.3", sc_right_gap, note="Flatten -> GlobalAveragePooling2D, via keras()"),
    A("7.3", sc_right_gmp, note="Flatten -> GlobalMaxPooling2D, import keras"),
    A("7.3", sc_right_sequential, note="Sequential with GAP"),
]

WRONG = [
    A("7.1", (8192, 128), "no_biases", "no biases"),
    A("7.1", (4612, 132), "size_24", "still 24x24: 6 * 6 * 32 * 4 + 4"),
    A("7.1", (2052, 132), "map_too_small", "a pooling too many: 4 * 4 * 32"),
    A("7.1", (132, 8196), "order_swapped", "order swapped"),
    A("7.1", (8196, 0), "gap_free", "GAP head counted as free"),
    A("7.1", (32772, 132), "one_pooling", "one pooling only: 16 * 16 * 32"),
    A("7.1", (131076, 132), "pooling_ignored", "pooling forgotten: 32 * 32 * 32"),
    A("7.1", (4100, 68), "channels_16", "last conv taken as 16 filters"),
    A("7.1", (10240, 160), "bias_per_input", "a bias per input"),
    A("7.1", (2048, 32), "inputs_not_params", "the head's input sizes, not its parameters"),
    A("7.2", "A", "option_A", "max pooling + Flatten"),
    A("7.2", "B", "option_B", "strided convs + GAP"),
    A("7.2", "D", "option_D", "more filters"),
    A("7.2", "B and C", "says:answer with one of the letters", "both GAP designs"),
    A("7.3", sc_unchanged, "flatten_kept", "the Flatten network unchanged"),
    A("7.3", sc_build_model, "ready_made", "build_model('max pool + GAP')"),
    A("7.3", sc_avg_pooling, "avg_pool_flatten", "average pooling, Flatten kept"),
    A("7.3", sc_gap_hidden_dense, "extra_dense", "GAP and a hidden Dense: two layers changed"),
    A("7.3", sc_gap_two_convs, "dropped_convolutions", "GAP, third convolution dropped"),
]
