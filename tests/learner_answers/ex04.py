"""Learner-style answers to exercises/04_global_pooling.ipynb, written from the task texts."""

import keras
import numpy as np

from tests.learner_answers import LearnerAnswer

# --- 4.1 global_avg_pool -----------------------------------------------------


def gap_keepdims(x):
    return np.mean(x, axis=(1, 2), keepdims=True)


def gap_flattened(x):
    # "one number per map": averaged everything after the batch axis
    return x.reshape(x.shape[0], -1).mean(axis=1)


def gap_max(x):
    return x.max(axis=1).max(axis=1)


def gap_loop(x):
    out = np.zeros((x.shape[0], x.shape[3]))
    for b in range(x.shape[0]):
        for c in range(x.shape[3]):
            out[b, c] = x[b, :, :, c].sum() / (x.shape[1] * x.shape[2])
    return out


def gap_two_means(x):
    return x.mean(axis=1).mean(axis=1)


# --- 4.2 adaptive_avg_pool ---------------------------------------------------


def adaptive_floor_ends(x, output_size):
    out = np.zeros((x.shape[0], *output_size, x.shape[3]))
    for i in range(output_size[0]):
        for j in range(output_size[1]):
            r0, r1 = i * x.shape[1] // output_size[0], (i + 1) * x.shape[1] // output_size[0]
            c0, c1 = j * x.shape[2] // output_size[1], (j + 1) * x.shape[2] // output_size[1]
            out[:, i, j, :] = x[:, r0:r1, c0:c1, :].mean(axis=(1, 2))
    return out


def adaptive_fixed_stride(x, output_size):
    kh, kw = x.shape[1] // output_size[0], x.shape[2] // output_size[1]
    out = np.zeros((x.shape[0], *output_size, x.shape[3]))
    for i in range(output_size[0]):
        for j in range(output_size[1]):
            out[:, i, j, :] = x[:, i * kh : (i + 1) * kh, j * kw : (j + 1) * kw, :].mean(axis=(1, 2))
    return out


def adaptive_rounded_bounds(x, output_size):
    # round() instead of floor/ceil for the window bounds
    out = np.zeros((x.shape[0], *output_size, x.shape[3]))
    for i in range(output_size[0]):
        for j in range(output_size[1]):
            r0, r1 = round(i * x.shape[1] / output_size[0]), round((i + 1) * x.shape[1] / output_size[0])
            c0, c1 = round(j * x.shape[2] / output_size[1]), round((j + 1) * x.shape[2] / output_size[1])
            out[:, i, j, :] = x[:, r0 : max(r1, r0 + 1), c0 : max(c1, c0 + 1), :].mean(axis=(1, 2))
    return out


def adaptive_math(x, output_size):
    import math

    n_h, n_w = x.shape[1], x.shape[2]
    rows = [
        (math.floor(i * n_h / output_size[0]), math.ceil((i + 1) * n_h / output_size[0]))
        for i in range(output_size[0])
    ]
    cols = [
        (math.floor(j * n_w / output_size[1]), math.ceil((j + 1) * n_w / output_size[1]))
        for j in range(output_size[1])
    ]
    return np.stack(
        [np.stack([x[:, a:b, c:d, :].mean(axis=(1, 2)) for c, d in cols], axis=1) for a, b in rows], axis=1
    )


def adaptive_np_linspace(x, output_size):
    def bounds(n, out):
        starts = np.floor(np.arange(out) * n / out).astype(int)
        stops = np.ceil((np.arange(out) + 1) * n / out).astype(int)
        return list(zip(starts, stops))

    result = np.empty((x.shape[0], output_size[0], output_size[1], x.shape[3]), dtype=np.float64)
    for i, (a, b) in enumerate(bounds(x.shape[1], output_size[0])):
        for j, (c, d) in enumerate(bounds(x.shape[2], output_size[1])):
            result[:, i, j] = x[:, a:b, c:d].mean(axis=(1, 2))
    return result


# --- 4.3 head_params ---------------------------------------------------------


def head_no_bias(height, width, channels, classes):
    return (height * width * channels * classes, channels * classes)


def head_gap_all_positions(height, width, channels, classes):
    n = height * width * channels
    return (n * classes + classes, n * classes + classes)


def head_list(height, width, channels, classes):
    return [height * width * channels * classes + classes, channels * classes + classes]


def head_bias_per_input(height, width, channels, classes):
    return (height * width * channels * (classes + 1), channels * (classes + 1))


def head_verbose(height, width, channels, classes):
    flat_inputs = height * width * channels
    gap_inputs = channels
    return (flat_inputs * classes + classes, gap_inputs * classes + classes)


def head_formula(height, width, channels, classes):
    return ((height * width * channels + 1) * classes, (channels + 1) * classes)


# --- 4.4 gap_head (design) ---------------------------------------------------


def head_flatten_fixed(channels, classes):
    return keras.Sequential(
        [keras.Input((7, 7, channels)), keras.layers.Flatten(), keras.layers.Dense(classes)]
    )


def head_hidden(channels, classes):
    return keras.Sequential(
        [
            keras.Input((None, None, channels)),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(classes),
        ]
    )


def head_pool_only(channels, classes):
    return keras.Sequential([keras.Input((None, None, channels)), keras.layers.GlobalAveragePooling2D()])


def head_keepdims(channels, classes):
    return keras.Sequential(
        [
            keras.Input((None, None, channels)),
            keras.layers.GlobalAveragePooling2D(keepdims=True),
            keras.layers.Dense(classes),
        ]
    )


def head_gmp_functional(channels, classes):
    inputs = keras.Input(shape=(None, None, channels))
    pooled = keras.layers.GlobalMaxPooling2D()(inputs)
    return keras.Model(inputs, keras.layers.Dense(classes)(pooled))


def head_conv1x1(channels, classes):
    # a 1x1 convolution to one map per class, then the average of each map
    return keras.Sequential(
        [
            keras.Input((None, None, channels)),
            keras.layers.Conv2D(classes, 1),
            keras.layers.GlobalAveragePooling2D(),
        ]
    )


WRONG = [
    LearnerAnswer("4.1", gap_keepdims, "keepdims", "kept the spatial axes"),
    LearnerAnswer("4.1", gap_flattened, "channels_too", "averaged channels together with the positions"),
    LearnerAnswer("4.1", gap_max, "max_not_mean", "took the maximum"),
    LearnerAnswer("4.2", adaptive_floor_ends, "window_end_floor", "floor for the window ends"),
    LearnerAnswer("4.2", adaptive_fixed_stride, "fixed_windows", "one window size n // out"),
    LearnerAnswer("4.2", adaptive_rounded_bounds, "rounded_bounds", "round() for both bounds"),
    LearnerAnswer("4.3", head_no_bias, "no_biases", "forgot the biases"),
    LearnerAnswer("4.3", head_gap_all_positions, "gap_counts_positions", "GAP head sees every position"),
    LearnerAnswer("4.3", head_list, None, "returned a list (right numbers): a type sentence, no mistake"),
    LearnerAnswer("4.3", head_bias_per_input, "bias_per_input", "one bias per input instead of per class"),
    LearnerAnswer("4.4", head_flatten_fixed, "flatten_fixed_size", "Flatten on a fixed 7x7 input"),
    LearnerAnswer("4.4", head_hidden, "hidden_layer", "a hidden Dense layer"),
    LearnerAnswer("4.4", head_pool_only, "no_dense", "global pooling only"),
    LearnerAnswer("4.4", head_keepdims, "keepdims", "keepdims=True"),
]

RIGHT = [
    LearnerAnswer("4.1", gap_loop, note="loops and a sum"),
    LearnerAnswer("4.1", gap_two_means, note="mean over axis 1, then axis 1 again"),
    LearnerAnswer("4.2", adaptive_math, note="math.floor / math.ceil and np.stack"),
    LearnerAnswer("4.2", adaptive_np_linspace, note="vectorised bounds"),
    LearnerAnswer("4.3", head_verbose, note="named intermediate counts"),
    LearnerAnswer("4.3", head_formula, note="(inputs + 1) * classes"),
    LearnerAnswer("4.4", head_gmp_functional, note="functional API, global max pooling"),
    LearnerAnswer("4.4", head_conv1x1, note="1x1 convolution, then global average pooling"),
]
