"""Diagnoses of value answers: compare a learner's grid with the expected one and name the pattern.

A by-hand or predict answer is a grid of numbers, and a wrong grid has no
function to replay. What it has is a pattern against the expected grid:

- one cell off (which cell, and for a pooled grid the window it reads and
  that window's values);
- the whole grid transposed;
- shifted by one row or one column;
- a few cells off (each named);
- the whole grid of another configuration: 'valid' for 'same', another
  stride, pooled twice, the average where the max was asked.

:func:`grid_mistakes` gives these as :class:`~poolutils.checks.core.Mistake`
objects with a ``test`` and an ``explain`` (the sentence depends on the
learner's grid), for any ``value_check``; :func:`pooling_grid_mistakes` adds
the window sentences and the other configurations of a pooling layer, all
computed with Keras. Both are meant to come last in a check's mistake list:
the checker tries specific mistakes first.

Examples
--------
>>> expected = lambda: np.array([[6.0, 9.0], [5.0, 8.0]])
>>> one_cell, transposed = grid_mistakes(expected)[1:3]
>>> one_cell.test([[6, 9], [5, 7]]), one_cell.explain([[6, 9], [5, 7]])
(True, 'one cell is off: row 1, column 1 holds 7 where Keras gives 8; the other 3 cells are right.')
>>> transposed.test([[6, 5], [9, 8]])
True
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from poolutils.checks.core import Mistake, keras_pool_map
from poolutils.windows import axis_windows

#: Lesson headings a grid diagnosis links back to (see :mod:`poolutils.checks.lessons`).
LESSON_KEYS = ("rounded", "one_cell_off", "transposed", "flipped", "shifted", "cells_off")

# At most this many wrong cells are named one by one; more is a pattern, not a slip.
MAX_NAMED_CELLS = 3


def _grid(value: Any) -> np.ndarray | None:
    try:
        grid = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return grid if grid.ndim in (1, 2) else None


def _number(value: float) -> str:
    return f"{value:g}"


def _wrong_cells(expected: np.ndarray, got: np.ndarray) -> list[tuple[int, int]]:
    if expected.shape != got.shape:
        return []
    bad = ~np.isclose(got, expected, rtol=1e-5, atol=1e-5)
    return [tuple(int(i) for i in cell) for cell in np.argwhere(bad)]


def grid_mistakes(
    expected: Callable[[], Any], window: Callable[[int, int], str] | None = None
) -> tuple[Mistake, ...]:
    """The pattern mistakes of a value answer that is a 2-D grid.

    Parameters
    ----------
    expected : callable
        Returns the expected grid (the check's oracle; called once, lazily).
    window : callable, optional
        ``window(row, col)`` describes what output cell ``(row, col)`` reads,
        e.g. "its window is rows 0-2, columns 2-3: [[2, 9], [1, 7], [8, 6]]".

    Returns
    -------
    tuple of Mistake
        ``rounded``, ``one_cell_off``, ``transposed``, ``flipped``,
        ``shifted``, ``cells_off``, in the order the checker tries them.

    Examples
    --------
    >>> shifted = grid_mistakes(lambda: [[1, 2], [3, 4]])[4]
    >>> shifted.test([[3, 4], [0, 0]]), shifted.explain([[3, 4], [0, 0]])
    (True, 'your grid is the expected one shifted up by one row: each row of yours is the next row of Keras.')
    """
    truth = functools.cache(lambda: np.asarray(expected(), dtype=float))

    def cells(got: Any) -> list[tuple[int, int]]:
        grid = _grid(got)
        return [] if grid is None else _wrong_cells(truth(), grid)

    def where(got: Any, cell: tuple[int, ...]) -> str:
        place = f"row {cell[0]}, column {cell[1]}" if len(cell) == 2 else f"entry {cell[0]}"
        text = f"{place} holds {_number(_grid(got)[cell])} where Keras gives {_number(truth()[cell])}"
        return text + (f" ({window(*cell)})" if window is not None and len(cell) == 2 else "")

    def rounded(got: Any) -> bool:
        grid, wrong = _grid(got), cells(got)
        return bool(wrong) and all(abs(grid[c] - truth()[c]) < 0.01 for c in wrong)

    def one_cell(got: Any) -> str:
        cell = cells(got)[0]
        return f"one cell is off: {where(got, cell)}; the other {truth().size - 1} cells are right."

    def few_cells(got: Any) -> str:
        wrong = cells(got)
        return f"{len(wrong)} cells are off: " + "; ".join(where(got, cell) for cell in wrong) + "."

    def is_transposed(got: Any) -> bool:
        grid = _grid(got)
        t = truth()
        return (
            grid is not None
            and grid.ndim == 2
            and grid.shape == t.T.shape
            and _close(grid, t.T)
            and not _close_any(grid, t)
        )

    def shift_of(got: Any) -> str | None:
        grid = _grid(got)
        t = truth()
        if grid is None or grid.ndim != 2 or grid.shape != t.shape or _close_any(grid, t):
            return None
        h, w = t.shape
        tests = (
            (h > 1 and _close(grid[:-1], t[1:]), "up by one row: each row of yours is the next row of Keras"),
            (
                h > 1 and _close(grid[1:], t[:-1]),
                "down by one row: each row of yours is the row before in Keras",
            ),
            (
                w > 1 and _close(grid[:, :-1], t[:, 1:]),
                "left by one column: each column of yours is the next one",
            ),
            (
                w > 1 and _close(grid[:, 1:], t[:, :-1]),
                "right by one column: each column of yours is the one before",
            ),
        )
        return next((text for ok, text in tests if ok), None)

    return (
        Mistake(
            None,
            "your numbers are rounded; write them exactly, e.g. 4 / 9 rather than 0.44 (the check allows 1e-5).",
            "rounded",
            test=rounded,
        ),
        Mistake(
            None,
            "one cell of the grid is off.",
            "one_cell_off",
            test=lambda got: len(cells(got)) == 1,
            explain=one_cell,
        ),
        Mistake(
            None,
            "your grid is Keras' grid transposed: rows and columns are swapped (the first index is the row).",
            "transposed",
            test=is_transposed,
        ),
        Mistake(
            None,
            "your grid is Keras' grid flipped: its rows (or columns) are in reverse order; row 0 is the top.",
            "flipped",
            test=lambda got: (
                (grid := _grid(got)) is not None
                and grid.ndim == 2
                and not _close_any(grid, truth())
                and (_close(grid, truth()[::-1]) or _close(grid, truth()[:, ::-1]))
            ),
        ),
        Mistake(
            None,
            "your grid is the expected one shifted by one row or column.",
            "shifted",
            test=lambda got: shift_of(got) is not None,
            explain=lambda got: f"your grid is the expected one shifted {shift_of(got)}.",
        ),
        Mistake(
            None,
            "a few cells of the grid are off.",
            "cells_off",
            test=lambda got: 1 < len(cells(got)) <= MAX_NAMED_CELLS,
            explain=few_cells,
        ),
    )


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-5, atol=1e-5))


def _close_any(a: np.ndarray, b: np.ndarray) -> bool:
    return _close(np.asarray(a, dtype=float), np.asarray(b, dtype=float))


@dataclass(frozen=True)
class PoolSetting:
    """The pooling a grid answer was asked for: a 2-D map and a Keras layer's settings.

    ``mode`` is ``"max"`` or ``"avg"``; ``pool_size`` and ``strides`` are
    ints (square windows, the same step on both axes).
    """

    fmap: np.ndarray
    mode: str
    pool_size: int
    strides: int
    padding: str = "valid"

    def keras(self, **changes: Any) -> np.ndarray:
        """Keras' output on ``fmap`` with some settings changed."""
        settings = {"pool_size": self.pool_size, "strides": self.strides, "padding": self.padding}
        settings.update(changes)
        mode = settings.pop("mode", self.mode)
        return keras_pool_map(mode, self.fmap, **settings)

    def window(self, row: int, col: int) -> str:
        """What output cell ``(row, col)`` reads: its rows, columns and real values."""
        h, w = self.fmap.shape
        rows = axis_windows(h, self.pool_size, self.strides, self.padding)
        cols = axis_windows(w, self.pool_size, self.strides, self.padding)
        r0, r1 = max(rows.starts[row], 0), min(rows.stops[row], h)
        c0, c1 = max(cols.starts[col], 0), min(cols.stops[col], w)
        values = np.asarray(self.fmap)[r0:r1, c0:c1]
        padded = rows.stops[row] > h or cols.stops[col] > w or rows.starts[row] < 0 or cols.starts[col] < 0
        text = np.array2string(values, separator=", ").replace("\n", "")
        text = " ".join(text.replace(".,", ",").replace(".]", "]").split())
        span = lambda lo, hi, what: f"{what} {lo}" if hi - lo == 1 else f"{what}s {lo}-{hi - 1}"  # noqa: E731
        where = f"its window covers {span(r0, r1, 'row')}, {span(c0, c1, 'column')} of the map: {text}"
        return where + (", the rest of the window is padding" if padded else "")


_NAMES = {"max": "max", "avg": "average"}


def pooling_grid_mistakes(setting: PoolSetting) -> tuple[Mistake, ...]:
    """Grid mistakes of a by-hand pooling answer: other configurations first, then the patterns.

    The other configurations, each computed with Keras on the same map:
    'valid' for 'same' (and back), the other stride (1, or the pool size),
    the layer applied twice, and the other reduction (average for max).
    One that equals the right grid is left out: it is not a mistake there.

    Examples
    --------
    >>> s = PoolSetting(np.arange(16.0).reshape(4, 4), "max", 2, 2)
    >>> [m.key for m in pooling_grid_mistakes(s)]  # doctest: +NORMALIZE_WHITESPACE
    ['config_same_for_valid', 'config_stride_1', 'config_pooled_twice', 'config_avg_for_max',
     'rounded', 'one_cell_off', 'transposed', 'flipped', 'shifted', 'cells_off']
    """
    other = "avg" if setting.mode == "max" else "max"
    flipped = "valid" if setting.padding == "same" else "same"
    stride = 1 if setting.strides != 1 else setting.pool_size
    what = f"{setting.pool_size}x{setting.pool_size}, stride {setting.strides}, '{setting.padding}'"
    configs: list[tuple[str, Callable[[], np.ndarray], str]] = [
        (
            f"config_{flipped}_for_{setting.padding}",
            lambda: setting.keras(padding=flipped),
            f"that is the output with padding '{flipped}'; the layer here uses '{setting.padding}'"
            + (
                ": the last windows reach into the padding after the map."
                if setting.padding == "same"
                else ": no padding, windows that do not fit are dropped."
            ),
        ),
        (
            f"config_stride_{stride}",
            lambda: setting.keras(strides=stride),
            f"that is the output with stride {stride}; the windows here move by {setting.strides}.",
        ),
        (
            "config_pooled_twice",
            lambda: keras_pool_map(
                setting.mode,
                setting.keras(),
                pool_size=setting.pool_size,
                strides=setting.strides,
                padding=setting.padding,
            ),
            f"that is the layer applied twice; apply {what} pooling once to the map.",
        ),
        (
            f"config_{other}_for_{setting.mode}",
            lambda: setting.keras(mode=other),
            f"that is the {_NAMES[other]} of each window; this layer takes the {_NAMES[setting.mode]}.",
        ),
    ]
    truth = functools.cache(setting.keras)
    mistakes = [
        Mistake(None, text, key, test=_equals(functools.cache(grid), truth)) for key, grid, text in configs
    ]
    return (*mistakes, *grid_mistakes(truth, setting.window))


def _equals(grid: Callable[[], np.ndarray], truth: Callable[[], np.ndarray]) -> Callable[[Any], bool]:
    def test(got: Any) -> bool:
        mine, other = _grid(got), np.asarray(grid(), dtype=float)
        return (
            mine is not None and _close(mine, other) and not _close(other, np.asarray(truth(), dtype=float))
        )

    return test
