"""poolutils: pooling layers in NumPy, computed exactly as Keras does.

"As Keras does" means as Keras on TensorFlow in the configuration a learner
gets by default (oneDNN on). Importing this package does not import
TensorFlow; only :mod:`poolutils.keras_check` does, and only when first used.
"""

from poolutils.gradients import avg_pool_backward, max_pool_backward
from poolutils.pooling import (
    adaptive_avg_pool,
    adaptive_max_pool,
    avg_pool,
    global_avg_pool,
    global_max_pool,
    max_pool,
)
from poolutils.shapes import pool_output_shape, pool_output_size, same_padding, same_padding_total
from poolutils.teaching import pool2d_loop
from poolutils.windows import Window, Windows, adaptive_windows, pool_windows

__all__ = [
    "Window",
    "Windows",
    "adaptive_avg_pool",
    "adaptive_max_pool",
    "adaptive_windows",
    "avg_pool",
    "avg_pool_backward",
    "global_avg_pool",
    "global_max_pool",
    "max_pool",
    "max_pool_backward",
    "pool2d_loop",
    "pool_output_shape",
    "pool_output_size",
    "pool_windows",
    "same_padding",
    "same_padding_total",
]
