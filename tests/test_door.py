"""Check at the door, trust inside: each public call checks each argument once, however deep it goes.

Every check of :mod:`poolutils._validation` is counted wherever a module has
imported it; each public call must run ``pool_args`` (the one door of a
pooling layer's arguments) exactly once, and each argument check as many
times as the call has such arguments, whatever the rank, the padding or the
path (threaded, blocked, 3-D) the call takes.
"""

from __future__ import annotations

import sys
from collections import Counter

import numpy as np
import pytest

import poolutils as pu
from poolutils import _validation, antialias, porting, teaching
from poolutils.windows import axis_windows, layer_windows, strided_windows

CHECKS = (
    "pool_args",
    "int_tuple",
    "padding_mode",
    "positive_int",
    "input_array",
    "layer_input_shape",
    "spatial_sizes",
    "data_format_name",
    "flag",
)


@pytest.fixture
def counted(monkeypatch):
    """Counts of every check's calls, wherever poolutils' modules imported it."""
    counts: Counter = Counter()
    originals = {name: getattr(_validation, name) for name in CHECKS}

    def counter(name):
        def check(*args, **kwargs):
            counts[name] += 1
            return originals[name](*args, **kwargs)

        return check

    for module in [m for name, m in sys.modules.items() if name.startswith("poolutils") and m is not None]:
        for name, original in originals.items():
            if getattr(module, name, None) is original:
                monkeypatch.setattr(module, name, counter(name))
    return counts


X2 = np.random.default_rng(0).standard_normal((2, 9, 8, 3)).astype(np.float32)
X3 = np.random.default_rng(1).standard_normal((2, 5, 6, 7, 2)).astype(np.float32)
BIG = np.random.default_rng(2).standard_normal((4, 140, 130, 8)).astype(np.float32)  # threaded, in blocks

# (call, counts it must make): pool_args once; int_tuple once per size or stride passed.
DOOR = {
    "max_pool 2-D same": (lambda: pu.max_pool(X2, 3, 2, "same"), {"pool_args": 1, "int_tuple": 2}),
    "avg_pool 3-D": (lambda: pu.avg_pool(X3, (2, 3, 1), (1, 2, 3), "SAME"), {"pool_args": 1, "int_tuple": 2}),
    "max_pool threaded": (lambda: pu.max_pool(BIG, 3, 2, "same"), {"pool_args": 1, "int_tuple": 2}),
    "avg_pool default strides": (lambda: pu.avg_pool(X2, 2), {"pool_args": 1, "int_tuple": 1}),
    "max_pool channels_first": (
        lambda: pu.max_pool(X3, 2, 1, "valid", "channels_first"),
        {"pool_args": 1, "int_tuple": 2, "data_format_name": 1},
    ),
    "max_pool_backward 3-D": (
        lambda: pu.max_pool_backward(np.ones((2, 2, 3, 3, 2)), X3, 2),
        {"pool_args": 1, "int_tuple": 1, "input_array": 1},
    ),
    "avg_pool_backward": (
        lambda: pu.avg_pool_backward(np.ones((2, 5, 4, 3)), X2.shape, 3, 2, "same"),
        {"pool_args": 1, "int_tuple": 2, "layer_input_shape": 1},
    ),
    "pool_output_size": (lambda: pu.pool_output_size(9, 3, 2, "same"), {"pool_args": 1, "int_tuple": 2}),
    "pool_output_shape": (lambda: pu.pool_output_shape((2, 9, 8, 3), 3, 2), {"pool_args": 1, "int_tuple": 2}),
    "pool_windows": (lambda: pu.pool_windows((9, 8), 3, 2, "same"), {"pool_args": 1, "int_tuple": 2}),
    "axis_windows": (lambda: axis_windows(9, 3, 2, "same"), {"pool_args": 1, "int_tuple": 2}),
    "layer_windows": (lambda: layer_windows((2, 9, 8, 3), 3, 2), {"pool_args": 1, "int_tuple": 2}),
    "pool2d_loop": (
        lambda: teaching.pool2d_loop(X2[0, :, :, 0], 3, 2, "same"),
        {"pool_args": 1, "int_tuple": 2},
    ),
    "blur_pool": (lambda: antialias.blur_pool(X2, 2, 2, "same"), {"pool_args": 1, "int_tuple": 2}),
    "same_padding": (lambda: pu.same_padding(9, 3, 2), {"pool_args": 0, "positive_int": 3}),
    "same_padding_total": (lambda: pu.same_padding_total(9, 3, 2), {"positive_int": 3, "flag": 1}),
    "adaptive_avg_pool": (lambda: pu.adaptive_avg_pool(X2, (4, 3)), {"pool_args": 0, "int_tuple": 1}),
    "adaptive_windows": (lambda: pu.adaptive_windows((9, 8), 4), {"int_tuple": 1, "spatial_sizes": 1}),
    "global_avg_pool": (lambda: pu.global_avg_pool(X3, keepdims=True), {"input_array": 1, "flag": 1}),
    "torch_max_pool": (
        lambda: porting.torch_max_pool(X2, 3, 2, padding=1, ceil_mode=True),
        {"int_tuple": 2, "flag": 1, "input_array": 1},
    ),
    "torch_avg_pool": (
        lambda: porting.torch_avg_pool(X2, 3, 2, padding=1, ceil_mode=True),
        {"int_tuple": 2, "flag": 2, "input_array": 1},  # ceil_mode and count_include_pad
    ),
    "torch_divisors": (lambda: porting.torch_divisors((9, 8), 3, 2, 1), {"int_tuple": 2, "flag": 2}),
    "torch_padding": (lambda: porting.torch_padding(9, 3, 2, 1, True), {"int_tuple": 2, "flag": 1}),
    "torch_windows": (lambda: porting.torch_windows((9, 8), 3), {"int_tuple": 1, "spatial_sizes": 1}),
}


@pytest.mark.parametrize("name", list(DOOR))
def test_each_public_call_checks_its_arguments_once(counted, name):
    call, expected = DOOR[name]
    call()
    observed = {check: counted[check] for check in expected}
    assert observed == expected, f"{name}: {dict(counted)}"
    # Whatever is not listed runs at most once: no check runs again below the door.
    assert all(counted[check] <= max(1, expected.get(check, 1)) for check in CHECKS), dict(counted)


def test_padding_is_read_once_per_call(counted):
    pu.max_pool(X3, 3, 2, "Same")
    assert counted["padding_mode"] == 1


def test_the_builders_below_the_door_check_nothing(counted):
    geometry = strided_windows((9, 8), (3, 3), (2, 2), "same")
    from poolutils.reduction import windowed_max

    windowed_max(X2, (1, 2), geometry)
    assert sum(counted.values()) == 0, dict(counted)
