"""Every quiz item's right value is Keras' answer, and its key letter shows it; wrong options are named mistakes."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from poolutils.checks import checks_for_notebook
from poolutils.checks import mistakes as catalogue
from poolutils.checks.ex04 import check_head_params
from poolutils.checks.ex08 import keras_zero_padded
from poolutils.keras_check import keras, keras_pool, keras_pool_gradient
from poolutils.quiz import concept_quiz, lesson_quiz, recall
from poolutils.quiz.forms import PLAN, form, form_of
from poolutils.quiz.items import BUILDERS, build, show
from poolutils.quiz.lessons import LESSONS, RECALL, lesson_items, recall_items


def _size(n, f, s, padding):
    return keras_pool("max", np.zeros((1, n, 1)), pool_size=f, strides=s, padding=padding).shape[1]


def _split(n, f, s):
    # The mean of 1..n over the first and last 'same' windows tells how many real cells they hold.
    means = keras_pool("avg", np.arange(1.0, n + 1)[None, :, None], pool_size=f, strides=s, padding="same")[
        0, :, 0
    ]
    before = f + 1 - round(2 * float(means[0]))
    last_start = round(2 * float(means[-1])) - n - 1
    return before, last_start + f - n


def _divisors(h, w, f, s):
    # The sum over each 'same' window of a map of ones: a conv with a kernel of ones, padded as pooling pads.
    ops = keras().ops
    ones = np.ones((1, h, w, 1), dtype=np.float32)
    return np.asarray(ops.conv(ones, np.ones((f, f, 1, 1), np.float32), strides=s, padding="same"))[0, ..., 0]


def _pool_weights(f, channels):
    layer = keras().layers.MaxPooling2D(f)
    layer.build((None, 4 * f, 4 * f, channels))
    return layer.count_params()


def _max1d(signal):
    return keras_pool("max", np.asarray(signal, float)[None, :, None], pool_size=2)[0, :, 0]


def _shift(position, length=8):
    signal = np.zeros(length)
    signal[position + 1] = 1
    return _max1d(signal)


ORACLES = {
    "valid_size": lambda n, f, s: _size(n, f, s, "valid"),
    "ceil_size": lambda n, f, s: _size(n, f, s, "valid"),
    "same_size": lambda n, f, s: _size(n, f, s, "same"),
    "padding_split": _split,
    "max_same": lambda x, f=2, s=2: keras_pool(
        "max", np.asarray(x, float)[None, ..., None], pool_size=f, strides=s, padding="same"
    )[0, ..., 0],
    "avg_same": lambda x, f=2, s=2: keras_pool(
        "avg", np.asarray(x, float)[None, ..., None], pool_size=f, strides=s, padding="same"
    )[0, ..., 0],
    "divisor": _divisors,
    "gap_shape": lambda shape: tuple(
        keras().layers.GlobalAveragePooling2D()(np.zeros(shape, np.float32)).shape
    ),
    "shift": _shift,
    "pool_weights": _pool_weights,
    "head_weights": lambda h, w, c, k: check_head_params.oracle(h, w, c, k)[1],
    "overlap_gradient": lambda row: keras_pool_gradient(
        "max", np.asarray(row, float)[None, :, None], np.ones((1, len(row) - 1, 1)), pool_size=2, strides=1
    )[0, :, 0],
    "torch_average": lambda x, k, s, p: keras_zero_padded("avg", np.asarray(x, float), k, s, p),
}

QUESTIONS = [
    (f"{name}{n}", row[0], row[1 + i]) for i, name in enumerate("AB") for n, row in enumerate(PLAN, 1)
]
QUESTIONS += [
    (f"L{lesson}.{k}", c, a) for lesson, rows in LESSONS.items() for k, (c, a) in enumerate(rows, 1)
]
QUESTIONS += [(f"R{lesson}.{k}", c, a) for lesson, rows in RECALL.items() for k, (c, a) in enumerate(rows, 1)]
ITEMS = {item.id: item for item in [*form("A"), *form("B")]}
ITEMS |= {i.id: i for lesson in LESSONS for i in lesson_items(lesson)}
ITEMS |= {i.id: i for lesson in RECALL for i in recall_items(lesson)}


@pytest.mark.parametrize(("item_id", "concept", "args"), QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_the_key_is_keras_answer(item_id, concept, args):
    item = ITEMS[item_id]
    assert item.concept == concept
    expected = ORACLES[concept](*args)
    assert item.choices[item.key].text == show(expected), (item.stem, expected)
    assert sum(c.right for c in item.choices.values()) == 1
    # No wrong option shows Keras' answer, and no two options show the same text.
    texts = [c.text for c in item.choices.values()]
    assert len(set(texts)) == len(texts)


def _catalogued_keys() -> set[str]:
    keys = {
        getattr(catalogue, name).key
        for name in dir(catalogue)
        if hasattr(getattr(catalogue, name), "diagnosis")
    }
    for mode in ("max", "avg"):
        keys |= {mk.key for mk in catalogue.map_mistakes(mode) + catalogue.map_2x2_mistakes(mode)}
    keys |= {mk.key for mk in catalogue.DIVISOR_MISTAKES}
    keys |= {mk.key for n in range(1, 9) for check in checks_for_notebook(n) for mk in check.mistakes}
    return keys


def test_every_wrong_option_is_a_catalogued_mistake_with_its_sentence():
    keys = _catalogued_keys()
    for item in ITEMS.values():
        for letter, choice in item.choices.items():
            if choice.right:
                assert item.feedback(letter).startswith("Right: ")
            else:
                assert choice.mistake in keys, (item.id, choice.mistake)
                assert item.feedback(letter) == f"Not quite: {choice.feedback}"


def test_the_forms_are_matched_and_different():
    a, b = form("A"), form("B")
    assert len(a) == len(b) == 10
    assert [i.concept for i in a] == [i.concept for i in b]
    assert all(x.stem != y.stem for x, y in zip(a, b))
    covered = {i.concept for i in a}
    assert {
        "valid_size",
        "ceil_size",
        "same_size",
        "padding_split",
        "max_same",
        "avg_same",
        "divisor",
    } <= covered
    assert {"gap_shape", "shift", "pool_weights"} <= covered
    # Matched: the same named mistakes are offered in both forms, item by item (where the numbers allow).
    for x, y in zip(a, b):
        shared = {c.mistake for c in x.choices.values()} & {c.mistake for c in y.choices.values()}
        assert len(shared - {None}) >= 1, x.concept


def test_keys_are_not_all_the_same_letter():
    assert len({item.key for item in form("A")}) >= 3
    assert len({item.key for item in form("B")}) >= 3


def test_numbers_that_hide_the_mistakes_are_refused():
    with pytest.raises(ValueError, match="distinct wrong option"):
        BUILDERS["ceil_size"]("X1", 8, 3, 2)  # (8 - 3 + 1) / 2 = 3: nothing to round
    with pytest.raises(ValueError, match="`letter` must be one of"):
        form("A")[0].feedback("z")
    with pytest.raises(ValueError, match="Received: 'C'"):
        form("C")
    with pytest.raises(ValueError, match="`lesson` must be one of"):
        lesson_quiz("09")
    assert build  # the builder is public: lesson banks reuse it


def test_form_of_names_one_form():
    assert form_of({"A1": "a"}) == "A"
    assert form_of({"A1": "a", "B1": "b"}) is None


def test_the_widget_records_clicks_and_gives_the_sentence():
    answers: dict[str, str] = {}
    view = concept_quiz("B", answers)
    item = form("B")[3]
    wrong = next(letter for letter, c in item.choices.items() if not c.right)
    view.buttons[item.id].value = wrong
    assert answers == {item.id: wrong}
    assert view.notes[item.id].value.startswith("Not quite: ")
    assert f"&#x27;{item.id}&#x27;: &#x27;{wrong}&#x27;" in view.line.value
    view.buttons[item.id].value = item.key
    assert view.notes[item.id].value.startswith("Right: ") and view.score == 1


def test_form_a_records_without_feedback_and_restores_stored_answers():
    item = form("A")[0]
    view = concept_quiz("A", {item.id: item.key})
    assert view.buttons[item.id].value == item.key
    assert view.notes[item.id].value == f"recorded: ({item.key})"


def test_static_view_is_a_picture_of_every_question_and_option():
    from poolutils.quiz.view import picture_lines
    from poolutils.widgets._ui import STATIC_TEXT, png_size

    for view in (concept_quiz("A"), lesson_quiz("03"), recall("05")):
        data, metadata = view._repr_mimebundle_()
        # The course's widget contract: widget view, PNG at half its pixels, one line of text.
        assert set(data) == {"application/vnd.jupyter.widget-view+json", "image/png", "text/plain"}
        assert data["text/plain"] == STATIC_TEXT
        width, height = png_size(view.png)
        shown = png_size(base64.b64decode(data["image/png"]))
        assert metadata["image/png"] == {"width": shown[0] // 2, "height": shown[1] // 2}
        # The displayed picture is the questions with the caption strip drawn under them.
        assert shown[0] == width and shown[1] > height
        text = "\n".join(line for line, _ in picture_lines(view.items, view.title))
        for item in view.items:
            assert f"{item.id}. " in text
            for letter, choice in item.choices.items():
                assert f"({letter})  {choice.text[:40]}" in text
        # Taller for more questions: every line is drawn.
        assert height >= 2 * 80 * 0.19 * len(text.splitlines())


def test_every_lesson_has_a_quiz_and_recall_from_earlier_notebooks():
    assert sorted(LESSONS) == [f"{n:02d}" for n in range(1, 9)]
    assert sorted(RECALL) == [f"{n:02d}" for n in range(2, 9)]
    assert all(2 <= len(RECALL[k]) <= 3 for k in RECALL)
