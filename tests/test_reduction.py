"""The fast engine's own machinery: the threaded batch path and the floor of a float max.

tests/test_pooling_vs_keras.py compares small inputs, which take neither the
threaded path (outputs of 2**16 values and more) nor more than one block of
the floor (2**14 values); these inputs take both, with a remainder.
"""

import threading

import numpy as np
import pytest

import poolutils as pu
from poolutils import reduction
from poolutils.keras_check import keras_pool


def _with_nan_and_inf_windows(rng, shape):
    """Random input whose first and last 2x2 windows of every item are all NaN or all -inf."""
    x = rng.standard_normal(shape).astype(np.float32)
    x[:, :2, :2, :] = np.nan
    x[:, -2:, -2:, :] = -np.inf
    x[:, :2, -2:, : shape[3] // 2] = np.nan
    x[:, :2, -2:, shape[3] // 2 :] = -np.inf
    return x


@pytest.mark.parametrize(
    "shape",
    [
        (2, 66, 66, 16),  # one thread; output 2 * 17424 values: two floor blocks and a remainder
        (4, 130, 130, 8),  # threaded; each item's 33800 values: two floor blocks and a remainder
    ],
)
def test_max_over_large_outputs_matches_keras_on_nan_and_inf(keras, rng, shape):
    x = _with_nan_and_inf_windows(rng, shape)
    ours = pu.max_pool(x, 2)
    assert (ours.size >= reduction._PARALLEL_MIN_OUTPUT) == (shape[0] == 4)
    assert ours[0].size > reduction._FLOOR_SIZE and ours[0].size % reduction._FLOOR_SIZE
    np.testing.assert_array_equal(ours, keras_pool("max", x, pool_size=2))
    # The all-NaN and all -inf windows are raised to the floor, at both ends of every item.
    lowest = np.finfo(np.float32).min
    assert (ours[:, 0, 0] == lowest).all() and (ours[:, -1, -1] == lowest).all()


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_threaded_batch_matches_keras_with_same_padding(keras, rng, kind):
    x = rng.standard_normal((3, 101, 67, 24)).astype(np.float32)
    kwargs = dict(pool_size=3, strides=2, padding="same")
    ours = getattr(pu, f"{kind}_pool")(x, **kwargs)
    assert ours.size >= reduction._PARALLEL_MIN_OUTPUT
    np.testing.assert_allclose(ours, keras_pool(kind, x, **kwargs), rtol=1e-6, atol=1e-6)


# Every threaded path, on inputs small enough to test quickly: blocks of a few rows.
BLOCKED = [
    ("max", (3, 17, 5), dict(pool_size=3, strides=2, padding="same")),
    ("avg", (3, 17, 5), dict(pool_size=3, strides=2, padding="same")),
    ("max", (2, 19, 13, 4), dict(pool_size=3, strides=2, padding="same")),
    ("avg", (2, 19, 13, 4), dict(pool_size=(3, 2), strides=(2, 3), padding="same")),
    ("avg", (1, 20, 11, 3), dict(pool_size=2, padding="valid")),
    ("max", (2, 4, 19, 13), dict(pool_size=3, strides=2, padding="same", data_format="channels_first")),
    ("max", (2, 9, 7, 6, 3), dict(pool_size=3, strides=2, padding="same")),
    ("avg", (2, 9, 7, 6, 3), dict(pool_size=(2, 3, 1), strides=(3, 1, 2), padding="same")),
    ("adaptive_max", (2, 19, 13, 4), dict(output_size=(7, 5))),
    ("adaptive_avg", (2, 19, 13, 4), dict(output_size=(7, 5))),
]


@pytest.mark.parametrize("kind,shape,kwargs", BLOCKED)
def test_blocks_of_rows_match_keras(keras, rng, monkeypatch, kind, shape, kwargs):
    """Every output is threaded, and items are cut into blocks of a few rows each."""
    monkeypatch.setattr(reduction, "_PARALLEL_MIN_OUTPUT", 1)
    monkeypatch.setattr(reduction, "_UNIT_BYTES", 256)
    x = rng.standard_normal(shape).astype(np.float32)
    x[:, 4:8] = np.nan if kind.endswith("max") else x[:, 4:8]  # all-NaN windows inside a block
    ours = getattr(pu, f"{kind}_pool")(x, **kwargs)
    np.testing.assert_allclose(ours, keras_pool(kind, x, **kwargs), rtol=1e-6, atol=1e-6)


def test_a_large_batch_item_is_cut_into_blocks(keras, rng, monkeypatch):
    x = rng.standard_normal((2, 300, 50, 40)).astype(np.float32)  # 2.4 MB per item: two blocks
    x[:, 148:152] = np.nan  # windows of only NaN where the blocks meet
    units = []
    for_each = reduction._for_each
    monkeypatch.setattr(reduction, "_for_each", lambda n, work: (units.append(n), for_each(n, work)))
    kwargs = dict(pool_size=3, strides=2, padding="same")
    np.testing.assert_array_equal(pu.max_pool(x, **kwargs), keras_pool("max", x, **kwargs))
    assert units == [4]  # 2 items, 2 blocks each
    y = x[:, :, :, :24]  # 1.4 MB per item: one block
    np.testing.assert_allclose(pu.avg_pool(y, **kwargs), keras_pool("avg", y, **kwargs), rtol=1e-6, atol=1e-6)
    assert units == [4, 2]


def test_for_each_does_every_item_once_across_threads():
    done, threads = [], set()

    def work(i):
        done.append(i)
        threads.add(threading.get_ident())
        np.ones(1 << 20).sum()  # release the GIL for a while, so the helper gets items

    reduction._for_each(64, work)
    assert sorted(done) == list(range(64))
    assert threading.get_ident() in threads  # the caller works too


def test_for_each_does_not_wait_for_a_busy_helper():
    """With every helper busy, the caller does all items and returns, instead of queueing behind them."""
    release = threading.Event()
    busy = [reduction._helper_pool().submit(release.wait) for _ in range(reduction._HELPERS)]
    done = []
    caller = threading.Thread(target=reduction._for_each, args=(8, done.append))
    caller.start()
    caller.join(timeout=10)
    finished = not caller.is_alive()
    release.set()
    for future in busy:
        future.result()
    caller.join()
    assert finished, "_for_each waited for a helper that was busy elsewhere"
    assert sorted(done) == list(range(8))


def test_for_each_raises_the_error_of_an_item():
    def work(i):
        if i == 5:
            raise ValueError("item 5")

    with pytest.raises(ValueError, match="item 5"):
        reduction._for_each(8, work)


def _pool_in_forked_child(x, conn):
    conn.send(float(pu.max_pool(x, 2).sum()))


def test_threaded_pooling_works_in_a_forked_child():
    """A forked child has no helper threads (fork copies only the calling thread), yet finishes.

    The grader runs learner answers in forked children. Were the caller to wait for
    the helpers, the first threaded pooling in such a child would wait forever.
    """
    import multiprocessing

    x = np.random.default_rng(0).standard_normal((4, 130, 130, 8)).astype(np.float32)
    expected = float(pu.max_pool(x, 2).sum())  # the parent's helper threads now exist
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("fork").Process(target=_pool_in_forked_child, args=(x, child))
    process.start()
    answered = parent.poll(60)
    process.kill()
    process.join()
    assert answered, "pooling in a forked child did not finish within 60 s"
    assert parent.recv() == expected


WIDE = [
    ("max", (2, 300, 3), dict(pool_size=100, strides=7, padding="same")),
    ("avg", (2, 300, 3), dict(pool_size=100, strides=7, padding="same")),
    ("max", (2, 300, 3), dict(pool_size=300, padding="valid")),
    ("avg", (2, 40, 50, 2), dict(pool_size=(20, 33), strides=(3, 1), padding="same")),
    ("max", (2, 40, 50, 2), dict(pool_size=(3, 40), strides=(2, 5), padding="valid")),
]


@pytest.mark.parametrize("kind,shape,kwargs", WIDE)
def test_wide_windows_reduced_in_one_call_match_keras(keras, rng, monkeypatch, kind, shape, kwargs):
    """Windows sharing more than _REDUCE_MIN_OFFSETS offsets take _reduce_wide, threaded or not."""
    x = rng.standard_normal(shape).astype(np.float32)
    if kind == "max":
        x[:, 10:40] = np.nan  # NaN ignored inside the wide reduction too
    expected = keras_pool(kind, x, **kwargs)
    np.testing.assert_allclose(getattr(pu, f"{kind}_pool")(x, **kwargs), expected, rtol=1e-5, atol=1e-5)
    monkeypatch.setattr(reduction, "_PARALLEL_MIN_OUTPUT", 1)
    monkeypatch.setattr(reduction, "_UNIT_BYTES", 256)
    np.testing.assert_allclose(getattr(pu, f"{kind}_pool")(x, **kwargs), expected, rtol=1e-5, atol=1e-5)


def test_one_window_over_a_long_signal_is_one_reduction():
    """A 2**22-cell window used to be 2**22 Python steps (minutes); it is one ufunc.reduce."""
    x = np.arange(2**22, dtype=np.float64).reshape(1, -1, 1)
    assert pu.max_pool(x, 2**22).item() == 2**22 - 1
    assert pu.avg_pool(x, 2**22).item() == (2**22 - 1) / 2


@pytest.mark.parametrize("kind", ["max_pool", "avg_pool", "adaptive_avg_pool"])
def test_a_call_keeps_nothing_and_peaks_below_three_times_input_and_output(kind):
    """A 1-D signal of a new length used to leave ~100 MiB of cached plans behind (benchmarks/bench_memory.py)."""
    import gc
    import tracemalloc

    pool = getattr(pu, kind)
    args = (2**19 + 1,) if kind.startswith("adaptive") else (3, 1, "same")
    pool(np.ones((1, 1000, 1)), *((500,) if kind.startswith("adaptive") else args))  # helper threads started
    x = np.ones((1, 2**20 + 7, 1))  # 8 MiB, a length no call has seen
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        out = pool(x, *args)
        peak = tracemalloc.get_traced_memory()[1] - before
        out_bytes = out.nbytes
        del out
        gc.collect()
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert peak <= 3 * (x.nbytes + out_bytes), peak / (x.nbytes + out_bytes)
    cache = (reduction._HELPERS + 1) * 2 * reduction._SCRATCH_MAX_BYTES + 2 * reduction._FLOOR_SIZE * 8
    assert retained <= cache, retained
