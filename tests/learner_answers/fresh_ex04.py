"""A fresh set of learner answers to exercises/04_global_pooling.ipynb, written from the task texts only.

See fresh_ex01.py for what ``expect`` means.
"""

import math

import numpy as np

from tests.learner_answers import LearnerAnswer as A

# --- 4.1 ---------------------------------------------------------------------


def g_right(x):
    return x.mean(axis=(1, 2))


def g_right_loops(x):
    out = np.zeros((x.shape[0], x.shape[3]))
    for b in range(x.shape[0]):
        for c in range(x.shape[3]):
            out[b, c] = x[b, :, :, c].sum() / (x.shape[1] * x.shape[2])
    return out


def g_zeros_like(x):
    out = np.zeros_like(x[:, 0, 0, :])
    for b in range(x.shape[0]):
        for c in range(x.shape[3]):
            out[b, c] = x[b, :, :, c].mean()
    return out


def g_empty_int(x):
    out = np.empty((x.shape[0], x.shape[3]), dtype=int)
    out[:] = x.mean(axis=(1, 2))
    return out


def g_axis_12_keep(x):
    return x.mean(axis=(1, 2), keepdims=True)


def g_channels_first(x):
    return x.mean(axis=(2, 3))


def g_max(x):
    return x.max(axis=(1, 2))


def g_mean_of_means_wrong(x):
    return x.mean(axis=1).mean(axis=-1)


# --- 4.2 ---------------------------------------------------------------------


def _bounds(n, out):
    return [(math.floor(i * n / out), math.ceil((i + 1) * n / out)) for i in range(out)]


def ad_right(x, output_size):
    rows, cols = _bounds(x.shape[1], output_size[0]), _bounds(x.shape[2], output_size[1])
    out = np.zeros((x.shape[0], len(rows), len(cols), x.shape[3]))
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            out[:, i, j, :] = x[:, r0:r1, c0:c1, :].mean(axis=(1, 2))
    return out


def ad_zeros_like(x, output_size):
    rows, cols = _bounds(x.shape[1], output_size[0]), _bounds(x.shape[2], output_size[1])
    out = np.zeros_like(x, shape=(x.shape[0], len(rows), len(cols), x.shape[3]))
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            out[:, i, j, :] = x[:, r0:r1, c0:c1, :].mean(axis=(1, 2))
    return out


def ad_int_division(x, output_size):
    def bounds(n, out):
        return [(i * n // out, (i + 1) * n // out) for i in range(out)]

    rows, cols = bounds(x.shape[1], output_size[0]), bounds(x.shape[2], output_size[1])
    out = np.zeros((x.shape[0], len(rows), len(cols), x.shape[3]))
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            out[:, i, j, :] = x[:, r0:r1, c0:c1, :].mean(axis=(1, 2))
    return out


def ad_fixed_stride(x, output_size):
    sh, sw = x.shape[1] // output_size[0], x.shape[2] // output_size[1]
    out = np.zeros((x.shape[0], output_size[0], output_size[1], x.shape[3]))
    for i in range(output_size[0]):
        for j in range(output_size[1]):
            out[:, i, j, :] = x[:, i * sh : (i + 1) * sh, j * sw : (j + 1) * sw, :].mean(axis=(1, 2))
    return out


def ad_hw_swapped(x, output_size):
    out_w, out_h = output_size  # read the wrong way round
    return ad_right(x, (out_h, out_w))


def ad_max(x, output_size):
    rows, cols = _bounds(x.shape[1], output_size[0]), _bounds(x.shape[2], output_size[1])
    out = np.zeros((x.shape[0], len(rows), len(cols), x.shape[3]))
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            out[:, i, j, :] = x[:, r0:r1, c0:c1, :].max(axis=(1, 2))
    return out


# --- 4.3 ---------------------------------------------------------------------


def h_right(height, width, channels, classes):
    return (height * width * channels * classes + classes, channels * classes + classes)


def h_keras(height, width, channels, classes):
    import keras

    flat = keras.Sequential(
        [keras.Input((height, width, channels)), keras.layers.Flatten(), keras.layers.Dense(classes)]
    )
    gap = keras.Sequential(
        [
            keras.Input((height, width, channels)),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(classes),
        ]
    )
    return (flat.count_params(), gap.count_params())


def h_no_bias(height, width, channels, classes):
    return (height * width * channels * classes, channels * classes)


def h_swapped(height, width, channels, classes):
    return (channels * classes + classes, height * width * channels * classes + classes)


def h_list(height, width, channels, classes):
    return [height * width * channels * classes + classes, channels * classes + classes]


def h_gap_zero(height, width, channels, classes):
    return (height * width * channels * classes + classes, 0)


def h_bias_per_input(height, width, channels, classes):
    return (height * width * channels * classes + height * width * channels, channels * classes + channels)


# --- 4.4 ---------------------------------------------------------------------


def head_right(channels, classes):
    import keras

    return keras.Sequential(
        [
            keras.Input((None, None, channels)),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(classes),
        ]
    )


def head_functional(channels, classes):
    import keras

    inputs = keras.Input((None, None, channels))
    x = keras.layers.GlobalMaxPooling2D()(inputs)
    return keras.Model(inputs, keras.layers.Dense(classes)(x))


def head_conv1x1(channels, classes):
    import keras

    return keras.Sequential(
        [
            keras.Input((None, None, channels)),
            keras.layers.Conv2D(classes, 1),
            keras.layers.GlobalAveragePooling2D(),
        ]
    )


def head_softmax(channels, classes):
    import keras

    return keras.Sequential(
        [
            keras.Input((None, None, channels)),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(classes, activation="softmax"),
        ]
    )


def head_softmax_layer(channels, classes):
    import keras

    return keras.Sequential(
        [
            keras.Input((None, None, channels)),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(classes),
            keras.layers.Softmax(),
        ]
    )


def head_flatten(channels, classes):
    import keras

    return keras.Sequential(
        [keras.Input((7, 7, channels)), keras.layers.Flatten(), keras.layers.Dense(classes)]
    )


def head_hidden(channels, classes):
    import keras

    return keras.Sequential(
        [
            keras.Input((None, None, channels)),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(classes),
        ]
    )


def head_keepdims(channels, classes):
    import keras

    return keras.Sequential(
        [
            keras.Input((None, None, channels)),
            keras.layers.GlobalAveragePooling2D(keepdims=True),
            keras.layers.Dense(classes),
        ]
    )


def head_no_dense(channels, classes):
    import keras

    return keras.Sequential([keras.Input((None, None, channels)), keras.layers.GlobalAveragePooling2D()])


RIGHT = [
    A("4.1", g_right, note="mean over axes 1 and 2"),
    A("4.1", g_right_loops, note="loops, float buffer"),
    A("4.2", ad_right, note="floor/ceil bounds from the task"),
    A("4.3", h_right, note="arithmetic"),
    A("4.3", h_keras, note="count_params() in Keras, which the task allows"),
    A("4.4", head_right, note="GAP + Dense"),
    A("4.4", head_functional, note="functional API, global max pooling"),
    A("4.4", head_conv1x1, note="1x1 conv then GAP"),
]

WRONG = [
    A("4.1", g_zeros_like, "int_buffer", "zeros_like(x[:, 0, 0, :]) of an int input"),
    A("4.1", g_empty_int, "int_buffer", "np.empty(..., dtype=int)"),
    A("4.1", g_axis_12_keep, "keepdims", "keepdims"),
    A("4.1", g_channels_first, "channels_first", "channels-first axes (2, 3)"),
    A("4.1", g_max, "max_not_mean", "max"),
    A("4.1", g_mean_of_means_wrong, "wrong_axes", "mean over height then channels"),
    A("4.2", ad_zeros_like, "int_buffer", "zeros_like of an int input"),
    A("4.2", ad_int_division, "window_end_floor", "floor for both bounds"),
    A("4.2", ad_fixed_stride, "fixed_windows", "n // out windows"),
    A("4.2", ad_hw_swapped, "height_width_swapped", "output_size read as (out_w, out_h)"),
    A("4.2", ad_max, "max_not_mean", "max instead of mean"),
    A("4.3", h_no_bias, "no_biases", "no biases"),
    A("4.3", h_swapped, "order_swapped", "order swapped"),
    A("4.3", h_list, "says:expected a tuple", "a list"),
    A("4.3", h_gap_zero, "gap_only", "GAP head counted as free"),
    A("4.3", h_bias_per_input, "bias_per_input", "a bias per input"),
    A("4.4", head_softmax, "not_logits", "Dense with softmax"),
    A("4.4", head_softmax_layer, "not_logits", "a Softmax layer"),
    A("4.4", head_flatten, "says:fixed to", "Flatten on a fixed 7x7 input"),
    A("4.4", head_hidden, "hidden_layer", "a hidden Dense"),
    A("4.4", head_keepdims, "keepdims", "keepdims=True"),
    A("4.4", head_no_dense, "no_dense", "no Dense"),
]
