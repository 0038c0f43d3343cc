"""Comparing a learner's outcome with the truth: the expected values from Keras, and why a value differs.

Each ``compare_*`` function takes ``(expected, got)`` and returns None when
they agree or one sentence saying why ``got`` is wrong; a :class:`~poolutils.checks.core.Check`
takes one as its ``compare``. ``got`` is always plain data (see
:func:`poolutils.checks.runner.plain`), so comparing runs none of the
learner's code. :func:`keras_oracle` computes the truth of the pooling
exercises with Keras.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from poolutils.checks.runner import Case, Opaque


def show(value: Any) -> str:
    """Short, rounded, one-line-per-row text of a value for a detail line."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        if value.size > 64 or value.ndim > 2:
            return f"array of shape {value.shape}, dtype {value.dtype}"
        text = np.array2string(value, precision=4, suppress_small=True, separator=", ", threshold=64)
        return text.replace("\n", "\n" + " " * 13)
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}, dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def keras_oracle(kind: str, x: np.ndarray, **kwargs: Any) -> np.ndarray:
    """The Keras layer for ``kind`` applied to ``x``: the expected answer of the pooling exercises.

    Integer inputs are given to Keras as float32, the dtype a Keras layer
    computes in.
    """
    from poolutils.keras_check import keras_pool  # imports Keras: only when a check runs

    x = np.asarray(x)
    return keras_pool(kind, x if x.dtype.kind == "f" else x.astype(np.float32), **kwargs)


def keras_pool_map(kind: str, fmap: np.ndarray, **kwargs: Any) -> np.ndarray:
    """:func:`keras_oracle` on one (H, W) map: the oracle of the 2-D exercises."""
    return keras_oracle(kind, np.asarray(fmap, dtype=np.float32)[None, ..., None], **kwargs)[0, ..., 0]


def type_name(value: Any) -> str:
    return value.type_name if isinstance(value, Opaque) else type(value).__name__


def compare_arrays(expected: np.ndarray, got: Any, *, floating: bool = False, why: str = "") -> str | None:
    """Why ``got`` is not ``expected`` (a sentence), or None when they agree.

    ``floating`` requires a float dtype, ``why`` says why (averages are
    fractions). Values agree within 1e-5, since float sums may be added in
    another order.

    Examples
    --------
    >>> compare_arrays(np.ones((2, 2)), np.ones((2, 2))) is None
    True
    >>> compare_arrays(np.ones((2, 2)), [[1, 1], [1, 1]])
    'returned a list; return a NumPy array (wrap it in np.array(...))'
    >>> compare_arrays(np.ones((2, 2)), np.ones((2, 3)))
    'returned shape (2, 3); expected shape (2, 2)'
    """
    if isinstance(got, list | tuple):
        return f"returned a {type_name(got)}; return a NumPy array (wrap it in np.array(...))"
    if not isinstance(got, np.ndarray):
        return f"returned a {type_name(got)}; return a NumPy array"
    if got.dtype.kind not in "biuf":
        return f"returned an array of dtype {got.dtype}; return numbers (a float or integer array)"
    if got.shape != expected.shape:
        return f"returned shape {got.shape}; expected shape {expected.shape}"
    if floating and got.dtype.kind != "f":
        return f"returned dtype {got.dtype}; {why or 'averages are fractions'}, so return a float array"
    if not np.allclose(got, expected, rtol=1e-5, atol=1e-5, equal_nan=True):
        return "wrong values"
    return None


def compare_floats(expected: np.ndarray, got: Any) -> str | None:
    """:func:`compare_arrays` that also requires a float dtype (averages are fractions)."""
    return compare_arrays(expected, got, floating=True)


def compare_float_maps(expected: np.ndarray, got: Any) -> str | None:
    """:func:`compare_arrays` for max pooling of float maps: an int array would cut their fractions off.

    Examples
    --------
    >>> compare_float_maps(np.ones(2, "float32"), np.ones(2, int))
    'returned dtype int64; the map holds floats and an int array cuts their fractions off, so return a float array'
    """
    return compare_arrays(
        expected, got, floating=True, why="the map holds floats and an int array cuts their fractions off"
    )


def compare_exact(expected: Any, got: Any) -> str | None:
    """Why ``got`` differs from an exact answer (an int, a tuple of ints, ...), or None.

    Examples
    --------
    >>> compare_exact(3, 3) is None, compare_exact(3, 2.5)
    (True, 'returned a float (2.5); expected an int')
    >>> compare_exact((1, 2), [1, 2])
    'returned a list; expected a tuple'
    """
    if isinstance(expected, int):
        if isinstance(got, bool) or not isinstance(got, int | np.integer):
            return f"returned a {type_name(got)} ({show(got)}); expected an int"
        return None if got == expected else "wrong value"
    if type(got) is not type(expected):
        return f"returned a {type_name(got)}; expected a {type_name(expected)}"
    if isinstance(expected, tuple) and len(got) != len(expected):
        return f"returned {len(got)} entries; expected {len(expected)}"
    if isinstance(expected, tuple):
        bad = [type_name(v) for v in got if not isinstance(v, int | np.integer) or isinstance(v, bool)]
        if bad:
            return f"returned a tuple containing a {bad[0]}; every entry must be an int"
    return None if got == expected else "wrong value"


def compare_shape(expected: tuple[int, ...], got: Any) -> str | None:
    """Why ``got``, a shape the learner wrote (tuple or list of ints), is not ``expected``, or None.

    Examples
    --------
    >>> compare_shape((1, 3, 3, 8), [1, 3, 3, 8]) is None, compare_shape((1, 3, 3, 8), (3, 3, 8))
    (True, 'wrote 3 numbers; the shape has 4: (batch, height, width, channels)')
    """
    if not isinstance(got, tuple | list) or not all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) for v in got
    ):
        return (
            f"wrote a {type_name(got)} ({show(got)}); write the shape as a tuple of ints, e.g. (1, 2, 2, 3)"
        )
    if len(got) != len(expected):
        return f"wrote {len(got)} numbers; the shape has {len(expected)}: (batch, height, width, channels)"
    return None if tuple(got) == tuple(expected) else "wrong shape"


def compare_close(expected: float, got: Any) -> str | None:
    """Why ``got`` is not the number ``expected`` (to 1e-5, relative), or None.

    Examples
    --------
    >>> compare_close(0.25, np.float32(0.25)) is None, compare_close(0.25, "0.25")
    (True, 'returned a str; expected a number')
    """
    if isinstance(got, bool) or not isinstance(got, int | float | np.integer | np.floating):
        return f"returned a {type_name(got)}; expected a number"
    return None if _close(float(got), float(expected)) else "wrong value"


def compare_numbers(expected: Any, got: Any) -> str | None:
    """Why ``got`` (numbers written by hand: a list, a nested list or an array) is not ``expected``.

    For by-hand answers: any container of numbers is fine; only the shape
    and the values count.

    Examples
    --------
    >>> compare_numbers(np.array([[1.5, 2.0]]), [[1.5, 2]]) is None
    True
    >>> compare_numbers(np.array([[1.5, 2.0]]), [1.5, 2])
    'wrote shape (2,); expected shape (1, 2)'
    """
    try:
        values = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"wrote a {type_name(got)}; write numbers (a list of rows of numbers)"
    expected = np.asarray(expected, dtype=float)
    if values.shape != expected.shape:
        return f"wrote shape {values.shape}; expected shape {expected.shape}"
    return None if np.allclose(values, expected, rtol=1e-5, atol=1e-5) else "wrong values"


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-5 * max(1.0, abs(b))


def model_summary_test(condition: Callable[[dict], object]) -> Callable[[Any], bool]:
    """A design mistake's ``test``: ``condition`` holds on the summary of a Keras Model answer.

    A design has many wrong answers, so a design mistake is a property of
    the answer's summary (see ``Check(summarise=...)``), not one exact model.

    Examples
    --------
    >>> uses_flatten = model_summary_test(lambda got: "Flatten" in got["layers"])
    >>> uses_flatten({"type": "Model", "layers": ["Conv2D", "Flatten"]}), uses_flatten("a model")
    (True, False)
    """
    return lambda got: isinstance(got, dict) and got.get("type") == "Model" and bool(condition(got))


class Failed:
    pass


FAILED = Failed()


def run_safe(case: Case, fn: Callable[..., Any]) -> Any:
    try:
        return case.call(fn)
    except Exception:  # a variant may not apply to this case, e.g. it needs a 'valid' fit
        return FAILED


def shows_mistake(test: Callable[[Any], bool], got: Any) -> bool:
    try:
        return bool(test(got))
    except Exception:  # a malformed answer does not show this mistake
        return False


def first_difference(expected: Any, got: Any) -> list[str]:
    # Large arrays are not printed; point at the first wrong cell instead.
    if not (isinstance(expected, np.ndarray) and isinstance(got, np.ndarray)):
        return []
    if (
        expected.shape != got.shape
        or (expected.size <= 64 and expected.ndim <= 2)
        or got.dtype.kind not in "biuf"
    ):
        return []
    wrong = np.argwhere(~np.isclose(got, expected, rtol=1e-5, atol=1e-5, equal_nan=True))
    if not len(wrong):
        return []
    index = tuple(int(i) for i in wrong[0])
    return [
        f"first difference at index {index}: expected {show(expected[index].item())}, "
        f"got {show(got[index].item())} ({len(wrong)} of {got.size} values differ)"
    ]


def same(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` hold the same values, whatever their types (3 == 3.0, list == array).

    Used to match a mistake's output with the learner's, and to tell a right
    value in the wrong type (a type problem, never a mistake) from a wrong value.
    """
    if isinstance(a, Failed) or isinstance(b, Failed):
        return False
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a.strip().upper() == b.strip().upper()
    try:
        x, y = np.asarray(a), np.asarray(b)
    except Exception:
        return False
    if x.dtype.kind not in "biuf" or y.dtype.kind not in "biuf" or x.shape != y.shape:
        return a == b if x.dtype == object and y.dtype == object else False
    return bool(np.allclose(x, y, rtol=1e-5, atol=1e-5, equal_nan=True))
