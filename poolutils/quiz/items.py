"""Quiz items: a question, its right value and its wrong options, each wrong option a named mistake.

An :class:`Item` is built by one of the concept functions below from the
numbers of a question. The right value is computed by the library (the
Keras-checked functions of :mod:`poolutils`), and every wrong value by the
function of a catalogued mistake (:mod:`poolutils.checks.mistakes`, or a
check's own mistake list), so a wrong choice names what the learner
believes. Wrong values that coincide with the right one, or with each other,
are dropped: an option is shown once. The options are then put in an order
drawn from the item's id, so the right letter differs between items but never
between runs.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from poolutils.checks import Mistake
from poolutils.checks import mistakes as m
from poolutils.checks.ex04 import check_global_avg_pool, check_head_params, head_params
from poolutils.checks.ex05 import check_predicted_pooled
from poolutils.checks.ex06 import check_max_pool_backward2d, check_max_pool_backward_2x2
from poolutils.checks.ex08 import check_torch_avg_pool2d
from poolutils.gradients import max_pool_backward
from poolutils.pooling import avg_pool, global_avg_pool, max_pool
from poolutils.porting import torch_avg_pool
from poolutils.shapes import pool_output_size, same_padding
from poolutils.windows import pool_windows

LETTERS = "abcde"


@dataclass(frozen=True)
class Choice:
    """One option: its text, the mistake it stands for (None for the right one) and the feedback sentence."""

    text: str
    mistake: str | None
    feedback: str

    @property
    def right(self) -> bool:
        return self.mistake is None


@dataclass(frozen=True)
class Item:
    """A multiple-choice question.

    Attributes
    ----------
    id : str
        Unique across the course, e.g. ``'A3'`` (form A, item 3) or ``'L02.1'``.
    concept : str
        What it tests, the same in both forms (e.g. ``'same_size'``).
    stem : str
        The question (plain text; numbers inline).
    choices : dict of str to Choice
        Letter -> option, in display order.
    value : object
        The right value, as computed (tests compare it with Keras).
    """

    id: str
    concept: str
    stem: str
    choices: dict[str, Choice]
    value: Any = None

    @property
    def key(self) -> str:
        """The letter of the right option."""
        return next(letter for letter, c in self.choices.items() if c.right)

    def feedback(self, letter: str) -> str:
        """The sentence for ``letter``: why it is right, or the mistake it shows.

        Examples
        --------
        >>> item = valid_size("X1", 10, 2, 2)
        >>> item.feedback(item.key).startswith("Right")
        True
        """
        letter = str(letter).strip().lower()
        if letter not in self.choices:
            raise ValueError(f"`letter` must be one of {', '.join(self.choices)}. Received: {letter!r}.")
        choice = self.choices[letter]
        return f"Right: {choice.feedback}" if choice.right else f"Not quite: {choice.feedback}"


def show(value: Any) -> str:
    """An option's text: integers without a decimal point, fractions to 3 digits, arrays as nested lists.

    Examples
    --------
    >>> show(3.0), show(10 / 3), show(np.array([[1.0, 2.5]])), show((0, 1))
    ('3', '3.33', '[[1, 2.5]]', '(0, 1)')
    """
    if isinstance(value, tuple):
        return "(" + ", ".join(show(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, (list, np.ndarray)):
        return "[" + ", ".join(show(v) for v in np.asarray(value)) + "]"
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:.3g}"


def build(
    item_id: str,
    concept: str,
    stem: str,
    right: Any,
    why: str,
    wrong: Sequence[tuple[Mistake, Any]],
    at_least: int = 2,
) -> Item:
    """An item from its right value and (mistake, value) pairs; duplicates of a shown value are dropped.

    Raises ValueError when fewer than ``at_least`` wrong options remain: the
    numbers of the question do not tell the mistakes apart.
    """
    shown = {show(right)}
    options = [Choice(show(right), None, why)]
    for mistake, value in wrong:
        text = show(value)
        if text not in shown:
            shown.add(text)
            options.append(Choice(text, mistake.key, mistake.diagnosis))
    if len(options) - 1 < at_least:
        raise ValueError(
            f"item {item_id}: its numbers leave {len(options) - 1} distinct wrong option(s), "
            f"at least {at_least} are needed. Received: {stem!r}."
        )
    random.Random(item_id).shuffle(options)
    return Item(item_id, concept, stem, dict(zip(LETTERS, options[: len(LETTERS)])), right)


def named(mistakes: Sequence[Mistake], key: str) -> Mistake:
    """The mistake called ``key`` in a check's list (the catalogue names it once)."""
    return next(mistake for mistake in mistakes if mistake.key == key)


# --- output size --------------------------------------------------------------


def valid_size(item_id: str, n: int, f: int, s: int) -> Item:
    """How many windows 'valid' pooling lays on ``n`` cells."""
    wrong = [(mk, mk.fn(n, f, s)) for mk in m.SIZE_MISTAKES]
    return build(
        item_id,
        "valid_size",
        f"An axis of {n} cells goes through pooling with pool_size={f}, strides={s}, padding='valid'. "
        "How many output cells does it get?",
        pool_output_size(n, f, s, "valid"),
        f"every window lies inside the input: floor(({n} - {f}) / {s}) + 1.",
        wrong,
    )


def ceil_size(item_id: str, n: int, f: int, s: int) -> Item:
    """The formula (n - f + 1) / s gives a fraction: what does Keras do with it?"""
    fraction = (n - f + 1) / s
    wrong = [
        (mk, mk.fn(n, f, s)) for mk in (m.article_size, m.article_size_floored, m.same_formula_for_valid)
    ]
    return build(
        item_id,
        "ceil_size",
        f"For n={n}, pool_size={f}, strides={s} ('valid'), the formula (n - f + 1) / s gives {show(fraction)}. "
        "How many windows does the pooling layer actually produce?",
        pool_output_size(n, f, s, "valid"),
        "a partial last step still leaves room for a window, so the fraction is rounded UP.",
        wrong,
    )


def same_size(item_id: str, n: int, f: int, s: int) -> Item:
    """How many cells 'same' pooling gives."""
    mistakes = (m.same_size_floored, m.valid_formula_for_same, m.same_is_n)
    return build(
        item_id,
        "same_size",
        f"An axis of {n} cells goes through pooling with pool_size={f}, strides={s}, padding='same'. "
        "How many output cells does it get?",
        pool_output_size(n, f, s, "same"),
        f"'same' gives ceil(n / stride) = ceil({n} / {s}) cells, whatever the window size.",
        [(mk, mk.fn(n, f, s, "same")) for mk in mistakes],
    )


def padding_split(item_id: str, n: int, f: int, s: int) -> Item:
    """Where TensorFlow's 'same' padding puts its cells: (before, after)."""
    return build(
        item_id,
        "padding_split",
        f"Pooling with pool_size={f}, strides={s}, padding='same' on an axis of {n} cells. "
        "How many padding cells does TensorFlow add (before, after)?",
        same_padding(n, f, s),
        "TensorFlow puts the odd extra padding cell AFTER the input (bottom / right).",
        [(mk, mk.fn(n, f, s)) for mk in m.SPLIT_MISTAKES],
    )


# --- max and average pooling of a small map -----------------------------------


def _pool2d(kind: str, x: np.ndarray, f: int, s: int, padding: str) -> np.ndarray:
    pool = max_pool if kind == "max" else avg_pool
    return pool(np.asarray(x, dtype=float)[None, ..., None], f, s, padding)[0, ..., 0]


def _grid(x: np.ndarray) -> str:
    return "x = " + show(np.asarray(x))


def max_same(item_id: str, x: Sequence[Sequence[float]], f: int = 2, s: int = 2) -> Item:
    """Max pooling with 'same' padding of a map with negative values."""
    x = np.asarray(x, dtype=float)
    mistakes = (m.zero_padding("max"), m.running_max_from_zero, m.shifted_windows("max"))
    mistakes += (m.wrong_reduction("max"),)
    return build(
        item_id,
        "max_same",
        f"{_grid(x)} goes through MaxPooling2D(pool_size={f}, strides={s}, padding='same'). What comes out?",
        _pool2d("max", x, f, s, "same"),
        "max pooling takes the largest REAL cell of each window; padding never wins.",
        [(mk, mk.fn(x, f, s, "same")) for mk in mistakes],
    )


def avg_same(item_id: str, x: Sequence[Sequence[float]], f: int = 2, s: int = 2) -> Item:
    """Average pooling with 'same' padding: the divisor at the border."""
    x = np.asarray(x, dtype=float)
    mistakes = (m.zero_padding("avg"), m.shifted_windows("avg"), m.floor_division, m.wrong_reduction("avg"))
    return build(
        item_id,
        "avg_same",
        f"{_grid(x)} goes through AveragePooling2D(pool_size={f}, strides={s}, padding='same'). "
        "What comes out?",
        _pool2d("avg", x, f, s, "same"),
        "each window's sum is divided by its number of REAL cells, so border windows divide by less.",
        [(mk, mk.fn(x, f, s, "same")) for mk in mistakes],
    )


def divisor(item_id: str, h: int, w: int, f: int, s: int) -> Item:
    """What 'same' average pooling divides each window's sum by: the divisor map."""
    counts = pool_windows((h, w), f, s, "same").counts()
    return build(
        item_id,
        "divisor",
        f"AveragePooling2D(pool_size={f}, strides={s}, padding='same') on a {h}x{w} map. "
        "What does it divide each window's sum by (one number per output cell)?",
        counts,
        "Keras divides by the number of real cells in the window, padding cells excluded.",
        [(mk, mk.fn(h, w, f, s)) for mk in m.DIVISOR_MISTAKES],
    )


# --- global pooling and parameters --------------------------------------------


def gap_shape(item_id: str, shape: tuple[int, int, int, int]) -> Item:
    """The shape GlobalAveragePooling2D gives."""
    x = np.zeros(shape)
    keys = ("channels_averaged", "keepdims", "batch_averaged", "channels_too")
    wrong = [(mk, mk.fn(x).shape) for mk in (named(check_global_avg_pool.mistakes, k) for k in keys)]
    return build(
        item_id,
        "gap_shape",
        f"A batch of feature maps of shape {shape} (batch, height, width, channels) goes through "
        "GlobalAveragePooling2D(). What is the output shape?",
        global_avg_pool(x).shape,
        "global average pooling averages each channel over all positions: one number per channel and item.",
        wrong,
    )


def pool_weights(item_id: str, f: int, channels: int) -> Item:
    """How many trainable weights a pooling layer has (counted by Keras)."""
    from poolutils.keras_check import keras  # Keras counts the weights: imported only here

    k = keras()
    layer = k.layers.MaxPooling2D(f)
    layer.build((None, 8 * f, 8 * f, channels))
    has_params = named(check_head_params.mistakes, "gap_has_params")
    return build(
        item_id,
        "pool_weights",
        f"How many trainable weights does MaxPooling2D(pool_size={f}) have on an input with {channels} channels?",
        layer.count_params(),
        "a pooling layer has no weights: it only takes the max (or mean) of each window.",
        [(has_params, f * f), (has_params, f * f * channels + channels)],
    )


def head_weights(item_id: str, h: int, w: int, c: int, classes: int) -> Item:
    """Weights of Dense(classes) after GlobalAveragePooling2D (the GAP head)."""
    keys = ("no_biases", "gap_counts_positions", "bias_per_input", "gap_has_params")
    wrong = [(mk, mk.fn(h, w, c, classes)[1]) for mk in (named(check_head_params.mistakes, k) for k in keys)]
    return build(
        item_id,
        "head_weights",
        f"A {h}x{w}x{c} feature map goes through GlobalAveragePooling2D() and Dense({classes}). "
        "How many parameters does the head have?",
        head_params(h, w, c, classes)[1],
        "GAP leaves one value per channel, so Dense sees channels inputs: channels * classes + classes.",
        wrong,
    )


# --- shifts ---------------------------------------------------------------------


def one_pixel(position: int, length: int = 8) -> np.ndarray:
    """A signal of ``length`` zeros with a 1 at ``position``."""
    signal = np.zeros(length)
    signal[position] = 1
    return signal


def _max1d(signal: np.ndarray) -> np.ndarray:
    return max_pool(signal[None, :, None], 2)[0, :, 0]


def shift(item_id: str, position: int, length: int = 8) -> Item:
    """Does a 1-pixel shift leave a max-pooled signal unchanged? Options are the pooled signals."""
    before, after = _max1d(one_pixel(position, length)), _max1d(one_pixel(position + 1, length))
    mistakes = {mk.key: mk for mk in check_predicted_pooled.mistakes}
    wrong = [(mistakes["never_moves"], before), (mistakes["every_shift_moves"], np.roll(before, 1))]
    # Windows placed one cell off (cell j covering 2j - 1 and 2j): the moved pixel lands in (position + 2) // 2.
    misplaced = np.zeros_like(before)
    misplaced[min((position + 2) // 2, len(before) - 1)] = 1
    wrong.append((mistakes["windows_misplaced"], misplaced))
    verdict = "stays the same" if np.array_equal(before, after) else "changes"
    return build(
        item_id,
        "shift",
        f"A signal of {length} zeros with a 1 at index {position} goes through MaxPooling1D(2), giving "
        f"{show(before)}. The 1 moves one pixel to the right (index {position + 1}). What does pooling give now?",
        after,
        f"output cell j covers indices 2j and 2j + 1, so here the pooled signal {verdict}: "
        "a 1-pixel shift can leave it alone or move it a whole cell (aliasing).",
        wrong,
        at_least=1,
    )


# --- gradients and porting (lessons 06 and 08) ------------------------------------


def overlap_gradient(item_id: str, row: Sequence[float]) -> Item:
    """The gradient of max pooling with overlapping windows (stride 1), upstream gradient of ones."""
    x = np.asarray(row, dtype=float)[None, :]
    dy = np.ones((1, len(row) - 1))
    right = max_pool_backward(dy[None, ..., None], x[None, ..., None], (1, 2), 1)[0, 0, :, 0]
    mistakes = [named(check_max_pool_backward2d.mistakes, k) for k in ("overlap_assigned",)]
    wrong = [(mk, mk.fn(dy, x, (1, 2), 1, "valid")[0]) for mk in mistakes]
    # Every cell of a window gets the window's gradient: each cell sums the windows that cover it.
    everywhere = named(check_max_pool_backward_2x2.mistakes, "gradient_everywhere")
    wrong.append((everywhere, np.convolve(dy[0], np.ones(2))))
    return build(
        item_id,
        "overlap_gradient",
        f"x = {show(x[0])} goes through MaxPooling1D(pool_size=2, strides=1); every output gets "
        "gradient 1. What gradient reaches x?",
        right,
        "each window sends its gradient to its maximum; a cell that wins two windows gets both.",
        wrong,
        at_least=1,
    )


def torch_average(item_id: str, x: Sequence[Sequence[float]], k: int, s: int, p: int) -> Item:
    """PyTorch's AvgPool2d with padding: count_include_pad=True divides by the full window."""
    x = np.asarray(x, dtype=float)
    right = torch_avg_pool(x[None, ..., None], k, s, p)[0, ..., 0]
    keys = ("count_exclude_pad", "no_padding", "padding_after_only")
    wrong = [(mk, mk.fn(x, k, s, p)) for mk in (named(check_torch_avg_pool2d.mistakes, key) for key in keys)]
    return build(
        item_id,
        "torch_average",
        f"{_grid(x)} goes through PyTorch's nn.AvgPool2d(kernel_size={k}, stride={s}, padding={p}) "
        "(default count_include_pad=True). What comes out?",
        right,
        "PyTorch counts the padding zeros in the average by default: every window divides by kernel_size ** 2.",
        wrong,
    )


#: concept name -> builder, for the forms and the lesson banks.
BUILDERS: dict[str, Callable[..., Item]] = {
    fn.__name__: fn
    for fn in (
        valid_size,
        ceil_size,
        same_size,
        padding_split,
        max_same,
        avg_same,
        divisor,
        gap_shape,
        shift,
        pool_weights,
        head_weights,
        overlap_gradient,
        torch_average,
    )
}
