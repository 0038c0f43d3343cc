"""Checks for exercises/06_gradients.ipynb: the backward pass of max and average pooling.

The oracle is TensorFlow's gradient of Keras' pooling layers
(:func:`poolutils.keras_check.keras_pool_gradient`). The known mistakes are
the classic bugs of a hand-written backward pass: ``=`` where windows
overlap and gradients must add up, a tie rule other than TensorFlow's first
maximum (the last one, a split, every tied cell, or the first by COLUMNS),
padding that wins or keeps gradient, and a divisor that counts the padding.
The tie cases hold ties at positive values (ReLU6 saturation) whose row-major
and column-major first maxima differ; ties among ReLU zeros would teach
nothing, since no gradient flows there either way.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from poolutils.checks import mistakes as m
from poolutils.checks.core import Case, Check, Mistake, compare_floats, compare_numbers, sample, value_check
from poolutils.checks.fixtures import ARTICLE_MAP
from poolutils.checks.values import grid_mistakes
from poolutils.windows import Windows, pool_windows


def _upstream(shape: tuple[int, ...], seed: int) -> np.ndarray:
    # Positive and distinct enough to trace: every routed value shows up in dx.
    return np.random.default_rng(seed).integers(1, 10, size=shape).astype(np.float32)


def _ties(shape: tuple[int, int], seed: int, high: int = 2) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, high, size=shape).astype(np.float32)


def _keras_gradient(kind: str, fmap: np.ndarray, dy: np.ndarray, **kwargs) -> np.ndarray:
    from poolutils.keras_check import keras_pool_gradient  # imports Keras, so only when a check runs

    return keras_pool_gradient(kind, fmap[None, ..., None], dy[None, ..., None], **kwargs)[0, ..., 0]


def _max_routed(
    dy: np.ndarray,
    fmap: np.ndarray,
    windows: Windows,
    rule: str = "first",
    assign: bool = False,
    padding_value: float | None = None,
    dtype: type | np.dtype = float,
) -> np.ndarray:
    """Max-pool backward over ``windows`` with one thing changed (the mistake)."""
    dx = np.zeros(fmap.shape, dtype=dtype)
    height, width = fmap.shape
    for pos in np.ndindex(*windows.output_shape):
        window = windows.window(pos)
        cells = window.real_cells if padding_value is None else window.cells
        inside = [0 <= r < height and 0 <= c < width for r, c in cells]
        values = np.array([fmap[r, c] if ok else padding_value for (r, c), ok in zip(cells, inside)])
        hits = np.flatnonzero(values == values.max())
        by_column = sorted(hits, key=lambda k: (cells[k][1], cells[k][0]))[:1]
        dropped = hits[:1] if len(hits) == 1 else hits[:0]
        chosen = {"first": hits[:1], "last": hits[-1:], "split": hits, "all": hits, "column": by_column}.get(
            rule, dropped
        )
        share = dy[pos] / len(hits) if rule == "split" else dy[pos]
        for k in chosen:
            if not inside[k]:  # a padding zero won: its gradient is lost
                continue
            r, c = cells[k]
            dx[r, c] = share if assign else dx[r, c] + share
    return dx


# The 'same' windows shifted by one (the odd padding cell put first): the catalogue's mistake, for the backward passes.
_SHIFTED = m.shifted_windows("max")

# The tie rules a learner's backward pass may follow instead of TensorFlow's first maximum in row-major
# order: each defined once, as (key, diagnosis), for every max-pooling backward exercise.
TIE_RULES = {
    "drop": (
        "tie_dropped",
        "a window with several maxima got no gradient at all; it must still send dy[i, j], whole, to one "
        "cell: the first maximum in row-major order.",
    ),
    "column": (
        "tie_column_major",
        "at a tie you gave the gradient to the first maximum going down the COLUMNS; TensorFlow takes the "
        "first one in row-major order (along the first row, then the second): np.argmax on the window does "
        "that, np.argmax on window.T does not.",
    ),
    "last": (
        "tie_last",
        "at a tie you gave the gradient to the LAST maximum; TensorFlow gives it to the first one in "
        "row-major order (np.argmax does exactly that).",
    ),
    "split": (
        "tie_split",
        "at a tie you split the gradient between the maxima; MaxPooling2D gives all of it to the first "
        "maximum in row-major order.",
    ),
    "all": (
        "tie_all",
        "at a tie every maximum got the whole gradient (a mask window == window.max()); MaxPooling2D gives "
        "it to the first maximum only.",
    ),
}


def tie_mistake(rule: str, windows: Callable[..., Windows]) -> Mistake:
    """The tie ``rule`` as a mistake of a backward pass whose arguments start ``(dy, fmap, ...)``."""
    key, diagnosis = TIE_RULES[rule]
    return Mistake(
        lambda dy, fmap, *rest: _max_routed(dy, fmap, windows(fmap, *rest), rule=rule), diagnosis, key
    )


def _kept_padding(dx: np.ndarray, windows: Windows) -> np.ndarray:
    """``dx`` computed on the padded map, then cut as ``[:H, :W]`` instead of dropping the padding."""
    (top, _), (left, _) = (a.padding for a in windows.axes)
    height, width = dx.shape
    out = np.zeros_like(dx)
    out[top:, left:] = dx[: height - top, : width - left]
    return out


# --- 6.1 -------------------------------------------------------------------


def max_pool_backward_2x2(dy, fmap):
    height, width = fmap.shape
    dx = np.zeros(fmap.shape)
    for i in range(height // 2):
        for j in range(width // 2):
            window = fmap[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            # np.argmax returns the first maximum in row-major order: TensorFlow's tie rule.
            r, c = np.unravel_index(np.argmax(window), window.shape)
            dx[2 * i + r, 2 * j + c] += dy[i, j]
    return dx


def _cases_2x2() -> list[Case]:
    specs = [
        ("the article's 4x4 map", ARTICLE_MAP.astype(np.float32)),
        ("5x7 map (the last row and column are in no window)", sample((5, 7), 71)),
        ("4x6 map of 0s and 1s (ties)", _ties((4, 6), 72)),
        ("6x6 map", sample((6, 6), 73)),
        (
            "4x4 map with ties at 6 (ReLU6 saturation): first in row-major order is not first by columns",
            _SATURATED,
        ),
    ]
    cases = [
        Case(label, (_upstream((x.shape[0] // 2, x.shape[1] // 2), 170 + i), x))
        for i, (label, x) in enumerate(specs)
    ]
    # An int map and fractional gradients: a dx made with np.zeros_like(fmap) would truncate them.
    ints = np.random.default_rng(176).integers(-9, 10, size=(4, 4)).astype(np.int64)
    return [*cases, Case("4x4 map of ints (int64), dy in quarters", (_upstream((2, 2), 177) / 4, ints))]


def _spread_2x2(dy: np.ndarray, fmap: np.ndarray) -> np.ndarray:
    # Average pooling's backward pass: dy shared by the 4 cells of its window.
    dx = np.zeros(fmap.shape)
    dx[: 2 * dy.shape[0], : 2 * dy.shape[1]] = np.kron(dy, np.ones((2, 2))) / 4
    return dx


# Every 2x2 block holds a tie at the positive value 6 at (0, 1) and (1, 0): row-major order picks the
# top-right cell, column-major order the bottom-left one. The last block's tie is on its diagonal.
_SATURATED = np.array(
    [[1, 6, 2, 6], [6, 3, 6, 0], [0, 6, 6, 4], [6, 2, 5, 6]],
    dtype=np.float32,
)


def _windows_2x2(fmap: np.ndarray) -> Windows:
    return pool_windows(fmap.shape, 2, 2, "valid")


def _windows_of(fmap: np.ndarray, pool_size: int, stride: int, padding: str) -> Windows:
    return pool_windows(fmap.shape, pool_size, stride, padding)


check_max_pool_backward_2x2 = Check(
    "6.1",
    "max_pool_backward_2x2",
    libraries=False,  # the task says calling poolutils, Keras or TensorFlow is not credited
    cases=_cases_2x2,
    reference=max_pool_backward_2x2,
    oracle=lambda dy, fmap: _keras_gradient("max", fmap, dy, pool_size=2),
    compare=compare_floats,
    mistakes=(
        *(tie_mistake(rule, _windows_2x2) for rule in ("column", "last", "split", "all", "drop")),
        Mistake(
            _spread_2x2,
            "you shared dy[i, j] among the 4 cells of the window, as average pooling does; max pooling sends "
            "it, whole, to the window's maximum only.",
            "spread_like_average",
        ),
        Mistake(
            lambda dy, fmap: _max_routed(dy, fmap, _windows_2x2(fmap), dtype=fmap.dtype),
            "your dx holds ints (np.zeros_like(fmap) of an int map, or dtype=int), so every gradient written "
            "into it loses its fraction. Make dx a float array: np.zeros(fmap.shape).",
            "int_buffer",
        ),
        Mistake(
            lambda dy, f: np.where(_max_routed(np.ones_like(dy), f, _windows_2x2(f)) > 0, f, 0.0),
            "dx holds the input's values at the maxima; it must hold the upstream gradient dy[i, j] there.",
            "values_not_gradients",
        ),
        Mistake(
            lambda dy, f: np.pad(np.kron(dy, np.ones((2, 2))), [(0, f.shape[0] % 2), (0, f.shape[1] % 2)]),
            "every cell of a window got dy[i, j]; max pooling sends it only to the window's maximum.",
            "gradient_everywhere",
        ),
    ),
    hints=(
        "Only the maximum of a window affects the output, so dy[i, j] goes to that one cell of dx; the "
        "other cells get 0. np.argmax on the window finds it, and np.unravel_index turns it into (r, c).",
        "dx = np.zeros(fmap.shape); for each window: r, c = np.unravel_index(np.argmax(window), (2, 2)); "
        "dx[2*i + r, 2*j + c] += dy[i, j].",
    ),
    minutes=8,
)


# --- 6.2 -------------------------------------------------------------------


def max_pool_backward2d(dy, fmap, pool_size, stride, padding):
    height, width = fmap.shape
    out_h, out_w = dy.shape
    pad_top = pad_left = 0
    if padding == "same":
        pad_top = max((out_h - 1) * stride + pool_size - height, 0) // 2
        pad_left = max((out_w - 1) * stride + pool_size - width, 0) // 2
    dx = np.zeros(fmap.shape)
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * stride - pad_top, j * stride - pad_left
            # Clipped to the map: padding can neither win nor receive gradient.
            window = fmap[max(top, 0) : top + pool_size, max(left, 0) : left + pool_size]
            r, c = np.unravel_index(np.argmax(window), window.shape)
            # += : with overlapping windows one cell can win several of them.
            dx[max(top, 0) + r, max(left, 0) + c] += dy[i, j]
    return dx


def _cases_2d() -> list[Case]:
    specs = [
        ("the article's map, 2x2, stride 2, 'valid'", ARTICLE_MAP.astype(np.float32), 2, 2, "valid"),
        ("5x5 map, 3x3, stride 1, 'valid' (windows overlap)", sample((5, 5), 81), 3, 1, "valid"),
        ("4x6 map of 0s and 1s, 2x2, stride 2, 'valid' (ties)", _ties((4, 6), 82), 2, 2, "valid"),
        ("5x5 negative map, 3x3, stride 1, 'same'", -np.abs(sample((5, 5), 83)) - 1, 3, 1, "same"),
        ("6x6 map, 3x3, stride 2, 'same'", sample((6, 6), 84), 3, 2, "same"),
        ("5x7 map, 2x2, stride 3, 'same'", sample((5, 7), 85), 2, 3, "same"),
        ("4x4 map of 0, 1, 2, 3x3, stride 2, 'same' (ties)", _ties((4, 4), 86, high=3), 3, 2, "same"),
        (
            "4x4 map with ties at 6, 2x2, stride 2, 'valid' (row-major first differs from column-major)",
            _SATURATED,
            2,
            2,
            "valid",
        ),
    ]
    cases = []
    for i, (label, x, f, s, p) in enumerate(specs):
        dy = _upstream(pool_windows(x.shape, f, s, p).output_shape, 180 + i)
        cases.append(Case(label, (dy, x, f, s, p)))
    # An int map and fractional gradients: a dx made with np.zeros_like(fmap) would truncate them.
    ints = np.random.default_rng(188).integers(-9, 10, size=(5, 5)).astype(np.int64)
    dy = _upstream((4, 4), 189) / 4
    cases.append(
        Case("5x5 map of ints (int64), 2x2, stride 1, 'valid', dy in quarters", (dy, ints, 2, 1, "valid"))
    )
    return cases


def _int_dx(dy, fmap, pool_size, stride, padding):
    # The reference with dx = np.zeros_like(fmap): every += on an int map truncates.
    windows = pool_windows(fmap.shape, pool_size, stride, padding)
    return _max_routed(dy, fmap, windows, dtype=fmap.dtype)


check_max_pool_backward2d = Check(
    "6.2",
    "max_pool_backward2d",
    libraries=False,  # the task says calling poolutils, Keras or TensorFlow is not credited
    cases=_cases_2d,
    reference=max_pool_backward2d,
    oracle=lambda dy, x, f, s, p: _keras_gradient("max", x, dy, pool_size=f, strides=s, padding=p),
    compare=compare_floats,
    mistakes=(
        Mistake(
            lambda dy, x, f, s, p: _max_routed(dy, x, pool_windows(x.shape, f, s, p), assign=True),
            "a cell that wins several overlapping windows must receive the SUM of their gradients: "
            "use dx[...] += dy[i, j], not dx[...] = dy[i, j].",
            "overlap_assigned",
        ),
        *(tie_mistake(rule, _windows_of) for rule in ("column", "last", "split")),
        Mistake(
            _int_dx,
            "your dx holds ints (np.zeros_like(fmap) of an int map, or dtype=int), so every gradient added to "
            "it loses its fraction. Make dx a float array: np.zeros(fmap.shape).",
            "int_buffer",
        ),
        Mistake(
            lambda dy, x, f, s, p: _max_routed(dy, x, pool_windows(x.shape, f, s, p), padding_value=0.0),
            "you padded with zeros: where every real cell is negative a padding 0 wins and the "
            "window's gradient disappears. Padding must never win; clip the window to the map.",
            "zero_padding",
        ),
        Mistake(
            lambda dy, x, f, s, p: _max_routed(dy, x, m.windows_padding_before(x.shape, f, s, p)),
            _SHIFTED.diagnosis,
            _SHIFTED.key,
        ),
        Mistake(
            lambda dy, x, f, s, p: _kept_padding(
                max_pool_backward2d(dy, x, f, s, p), pool_windows(x.shape, f, s, p)
            ),
            "your dx still contains the padding: you computed it on the padded map and cut "
            "[:H, :W], so the top/left padding stayed and the last rows/columns were lost. "
            "Drop the padding: cut [pad_top : pad_top + H, pad_left : pad_left + W].",
            "padding_kept",
        ),
    ),
    hints=(
        "Loop over the output cells as in the forward pass (Exercise 2.2). For each window, find its "
        "first maximum among the REAL cells and add dy[i, j] to that cell of dx. Windows may overlap.",
        "Clip each window to the map: fmap[max(top, 0) : top + pool_size, max(left, 0) : left + pool_size]; "
        "r, c = np.unravel_index(np.argmax(window), window.shape); dx[max(top, 0) + r, max(left, 0) + c] += dy[i, j].",
    ),
    minutes=12,
)


# --- 6.3 -------------------------------------------------------------------


def avg_pool_backward2d(dy, input_shape, pool_size, stride, padding):
    height, width = input_shape
    out_h, out_w = dy.shape
    pad_top = pad_left = 0
    if padding == "same":
        pad_top = max((out_h - 1) * stride + pool_size - height, 0) // 2
        pad_left = max((out_w - 1) * stride + pool_size - width, 0) // 2
    dx = np.zeros(input_shape)
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * stride - pad_top, j * stride - pad_left
            # A view of the window's real cells: only they were averaged, so only they share dy.
            window = dx[max(top, 0) : top + pool_size, max(left, 0) : left + pool_size]
            window += dy[i, j] / window.size
    return dx


def _avg_spread(
    dy: np.ndarray, shape: tuple[int, int], windows: Windows, divisor: int | None = None, assign: bool = False
) -> np.ndarray:
    """Average-pool backward over ``windows``; a fixed ``divisor`` replaces the real-cell count."""
    dx = np.zeros(shape)
    for pos in np.ndindex(*windows.output_shape):
        cells = windows.window(pos).real_cells
        share = dy[pos] / (len(cells) if divisor is None else divisor)
        for r, c in cells:
            dx[r, c] = share if assign else dx[r, c] + share
    return dx


def _cases_avg() -> list[Case]:
    specs = [
        ((4, 4), 2, 2, "valid"),
        ((5, 5), 3, 1, "valid"),
        ((4, 4), 3, 2, "same"),
        ((5, 5), 3, 1, "same"),
        ((5, 7), 2, 2, "same"),
        ((7, 5), 3, 2, "same"),
        ((6, 4), 2, 3, "same"),
    ]
    cases = []
    for i, (shape, f, s, p) in enumerate(specs):
        dy = _upstream(pool_windows(shape, f, s, p).output_shape, 190 + i)
        label = f"{shape[0]}x{shape[1]} input, {f}x{f}, stride {s}, {p!r}"
        cases.append(Case(label, (dy, shape, f, s, p)))
    return cases


check_avg_pool_backward2d = Check(
    "6.3",
    "avg_pool_backward2d",
    libraries=False,  # the task says calling poolutils, Keras or TensorFlow is not credited
    cases=_cases_avg,
    reference=avg_pool_backward2d,
    oracle=lambda dy, shape, f, s, p: _keras_gradient(
        "avg", np.zeros(shape, np.float32), dy, pool_size=f, strides=s, padding=p
    ),
    compare=compare_floats,
    mistakes=(
        Mistake(
            lambda dy, shape, f, s, p: _avg_spread(dy, shape, pool_windows(shape, f, s, p), divisor=f * f),
            "you divided by the full window size; with 'same' padding Keras divides each window by its "
            "number of REAL cells (the forward pass's divisor), so border cells get larger shares.",
            "divisor_full_window",
        ),
        Mistake(
            lambda dy, shape, f, s, p: _avg_spread(dy, shape, pool_windows(shape, f, s, p), assign=True),
            "cells in several overlapping windows must receive the SUM of their shares: "
            "use dx[...] += share, not dx[...] = share.",
            "overlap_assigned",
        ),
        Mistake(
            lambda dy, shape, f, s, p: _avg_spread(dy, shape, pool_windows(shape, f, s, p), divisor=1),
            "you forgot to divide: each of the window's cells gets dy[i, j] / (number of real cells), not dy[i, j].",
            "no_divisor",
        ),
        Mistake(
            lambda dy, shape, f, s, p: (
                _avg_spread(dy, shape, m.windows_padding_before(shape, f, s))
                if p == "same"
                else avg_pool_backward2d(dy, shape, f, s, p)
            ),
            _SHIFTED.diagnosis,
            _SHIFTED.key,
        ),
        Mistake(
            lambda dy, shape, f, s, p: _kept_padding(
                avg_pool_backward2d(dy, shape, f, s, p), pool_windows(shape, f, s, p)
            ),
            "your dx still contains the padding: you computed it on the padded map and cut "
            "[:H, :W], so the top/left padding stayed and the last rows/columns were lost. "
            "Drop the padding: cut [pad_top : pad_top + H, pad_left : pad_left + W].",
            "padding_kept",
        ),
    ),
    hints=(
        "Each output cell's dy[i, j] is shared equally by the REAL cells of its window (the padding "
        "was not averaged, so it gets nothing). Overlapping windows add up.",
        "window = dx[max(top, 0) : top + pool_size, max(left, 0) : left + pool_size] is a view of the "
        "real cells; window += dy[i, j] / window.size.",
    ),
    minutes=10,
)


# --- 6.5 -------------------------------------------------------------------
# Find the bug: a vectorised 2x2 backward pass (the mask trick) that gives a tie's gradient to every maximum.


def mask_backward(dy, fmap):
    h, w = fmap.shape[0] // 2 * 2, fmap.shape[1] // 2 * 2
    # Each 2x2 block as its 4 cells in row-major order: (block row, block column, cell).
    cells = fmap[:h, :w].reshape(h // 2, 2, w // 2, 2).transpose(0, 2, 1, 3).reshape(h // 2, w // 2, 4)
    mask = np.arange(4) == cells.argmax(-1)[..., None]
    grads = mask * dy[..., None]
    dx = np.zeros(fmap.shape)
    dx[:h, :w] = grads.reshape(h // 2, w // 2, 2, 2).transpose(0, 2, 1, 3).reshape(h, w)
    return dx


def _mask_cases() -> list[Case]:
    specs = [
        ("the article's 4x4 map (no ties)", ARTICLE_MAP.astype(np.float32)),
        ("4x4 map with ties at 6 (ReLU6 saturation)", _SATURATED),
        ("5x6 map of 0s and 1s (ties; the last row is in no window)", _ties((5, 6), 74)),
        ("6x7 map of 0, 1, 2 (ties)", _ties((6, 7), 75, high=3)),
        ("4x4 map with distinct values", sample((4, 4), 76)),
    ]
    return [
        Case(label, (_upstream((x.shape[0] // 2, x.shape[1] // 2), 160 + i), x))
        for i, (label, x) in enumerate(specs)
    ]


check_mask_backward = Check(
    "6.5",
    "mask_backward",
    cases=_mask_cases,
    reference=mask_backward,
    oracle=lambda dy, fmap: _keras_gradient("max", fmap, dy, pool_size=2),
    compare=compare_floats,
    bug=Mistake(
        tie_mistake("all", _windows_2x2).fn,
        "the mask cells == cells.max(-1, keepdims=True) is True for every tied maximum, so a tie sends dy[i, j] two or "
        "more times. Keep only the first maximum.",
        "mask_all_ties",
    ),
    mistakes=(*(tie_mistake(rule, _windows_2x2) for rule in ("column", "last", "split", "drop")),),
    hints=(
        "Run it on fmap = np.array([[6., 6.], [0., 1.]]) and dy = np.array([[1.]]): how many cells get the 1? "
        "Which one should?",
        "cells.argmax(-1) is the index (0 to 3) of each block's first maximum; the mask must be True at "
        "that index only: np.arange(4) == cells.argmax(-1)[..., None].",
    ),
    kind="find_the_bug",
    minutes=10,
)


# --- 6.4 -------------------------------------------------------------------
# By hand: where the gradient of 3x3, stride-1 max pooling lands on a 4x4 map with a tie.

ROUTING_MAP = np.array([[1, 2, 0, 1], [3, 4, 7, 2], [0, 7, 5, 6], [2, 3, 1, 8]], dtype=np.float32)
ROUTING_DY = np.array([[1, 2], [3, 4]], dtype=np.float32)

dx_by_hand = [[0, 0, 0, 0], [0, 0, 6, 0], [0, 0, 0, 0], [0, 0, 0, 4]]


def _routed(**kwargs) -> np.ndarray:
    return _max_routed(ROUTING_DY, ROUTING_MAP, pool_windows((4, 4), 3, 1, "valid"), **kwargs)


check_dx_by_hand = value_check(
    "6.4",
    "dx_by_hand",
    kind="by_hand",
    minutes=5,
    label="4x4 map, 3x3 windows, stride 1, dy = [[1, 2], [3, 4]]",
    reference=dx_by_hand,
    oracle=lambda: _keras_gradient("max", ROUTING_MAP, ROUTING_DY, pool_size=3, strides=1),
    compare=compare_numbers,
    mistakes=(
        (
            "tie_column_major",
            _routed(rule="column"),
            "the two 7s tie in three windows: the first in row-major order is (1, 2) (row 1 is read before "
            "row 2), not (2, 1).",
        ),
        (
            "overlap_assigned",
            _routed(assign=True),
            "the 7 at (1, 2) wins three overlapping windows: it receives the SUM 1 + 2 + 3 = 6, not only the "
            "last one.",
        ),
        (
            "tie_split",
            _routed(rule="split"),
            "a tie is not split: the first maximum in row-major order gets the whole gradient.",
        ),
        (
            "tie_all",
            _routed(rule="all"),
            "only one of the tied 7s gets each window's gradient: the first in row-major order.",
        ),
        (
            "values_not_gradients",
            np.where(_routed() > 0, ROUTING_MAP, 0.0),
            "dx holds the upstream gradients dy[i, j] (summed), not the input's values at the maxima.",
        ),
        (
            "dy_copied",
            np.pad(ROUTING_DY, ((0, 2), (0, 2))),
            "dx has the INPUT's shape, and dy[i, j] goes to the maximum of window (i, j), not to cell (i, j).",
        ),
        *grid_mistakes(lambda: _keras_gradient("max", ROUTING_MAP, ROUTING_DY, pool_size=3, strides=1)),
    ),
    hints=(
        "There are 4 windows (top-left corners (0, 0), (0, 1), (1, 0), (1, 1)). For each, find its maximum; "
        "if two cells tie, take the one met first reading row by row. That cell gets the window's dy.",
        "Three windows contain both 7s; (1, 2) comes first. A cell that wins several windows adds their dy.",
    ),
)


CHECKS = (
    check_max_pool_backward_2x2,
    check_max_pool_backward2d,
    check_avg_pool_backward2d,
    check_dx_by_hand,
    check_mask_backward,
)
