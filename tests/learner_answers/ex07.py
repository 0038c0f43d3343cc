"""Learner-style answers to exercises/07_pooling_in_a_cnn.ipynb, written from the task texts."""

import keras

from poolutils.cnn import build_model
from tests.learner_answers import LearnerAnswer


def model_flatten(input_shape):
    return build_model("max pool + flatten", input_shape)


def model_avg_flatten(input_shape):
    # swapped max pooling for average pooling, kept the head
    x = inputs = keras.Input(input_shape)
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu")(x)
    x = keras.layers.AveragePooling2D(2)(x)
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    x = keras.layers.AveragePooling2D(2)(x)
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    x = keras.layers.Flatten()(x)
    return keras.Model(inputs, keras.layers.Dense(4)(x))


def model_no_convs(input_shape):
    return keras.Sequential(
        [keras.Input(input_shape), keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(4)]
    )


def model_bigger_pool_flatten(input_shape):
    # 4x4 pooling "to forgive bigger shifts", Flatten kept
    x = inputs = keras.Input(input_shape)
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu")(x)
    x = keras.layers.MaxPooling2D(4)(x)
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    x = keras.layers.Flatten()(x)
    return keras.Model(inputs, keras.layers.Dense(4)(x))


def model_sequential_gmp(input_shape):
    return keras.Sequential(
        [
            keras.Input(input_shape),
            keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
            keras.layers.GlobalMaxPooling2D(),
            keras.layers.Dense(4),
        ]
    )


def model_avg_gap(input_shape):
    # took 07's ready-made GAP network instead of writing the change
    return build_model("avg pool + GAP", input_shape)


def model_functional_gap(input_shape):
    x = inputs = keras.Input(input_shape)
    for filters in (16, 32):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.AveragePooling2D(2)(x)
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(4)(x), name="my_gap_net")


def model_relu_layers_gap(input_shape):
    x = inputs = keras.Input(input_shape)
    for filters in (16, 32):
        x = keras.layers.ReLU()(keras.layers.Conv2D(filters, (3, 3), padding="same")(x))
        x = keras.layers.MaxPooling2D(pool_size=(2, 2))(x)
    x = keras.layers.Activation("relu")(keras.layers.Conv2D(32, 3, padding="same")(x))
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(4)(x))


WRONG = [
    LearnerAnswer("7.1", (8192, 128), "no_biases", "forgot the biases"),
    LearnerAnswer("7.1", (4612, 132), "size_24", "used the 24x24 map"),
    LearnerAnswer("7.1", (32772, 132), "one_pooling", "halved only once"),
    LearnerAnswer("7.1", (8196, 32 * 32 * 4 + 4), "gap_counts_pixels", "GAP head counted every pixel"),
    LearnerAnswer("7.2", "A", "option_A", "max pooling is invariant"),
    LearnerAnswer("7.2", "b", "option_B", "strided convolutions + GAP"),
    LearnerAnswer("7.2", "D", "option_D", "more filters"),
    LearnerAnswer("7.3", model_flatten, "flatten_kept", "changed nothing that matters"),
    LearnerAnswer("7.3", model_avg_flatten, "avg_pool_flatten", "average pooling, Flatten kept"),
    LearnerAnswer("7.3", model_no_convs, "dropped_convolutions", "global pooling straight on the image"),
    LearnerAnswer("7.3", model_bigger_pool_flatten, "flatten_kept", "bigger pooling windows, Flatten kept"),
    LearnerAnswer("7.3", model_avg_gap, "ready_made", "build_model('avg pool + GAP'): not a design"),
    LearnerAnswer(
        "7.3", model_functional_gap, "several_changes", "average pooling AND a GAP head: three layers"
    ),
]

RIGHT = [
    LearnerAnswer("7.1", [8196, 132], note="a list"),
    LearnerAnswer("7.1", (8 * 8 * 32 * 4 + 4, 32 * 4 + 4), note="arithmetic"),
    LearnerAnswer("7.2", "c", note="lower case"),
    LearnerAnswer("7.2", " C ", note="spaces"),
    LearnerAnswer("7.3", model_sequential_gmp, note="Sequential, global max pooling"),
    LearnerAnswer("7.3", model_relu_layers_gap, note="ReLU as layers of their own, a GAP head"),
]
