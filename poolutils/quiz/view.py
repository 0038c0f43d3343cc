"""The quiz on screen: an ipywidgets form offline in JupyterLab, a picture of the questions everywhere else.

A :class:`QuizView` shows each item with its options as radio buttons. A
click records the letter in ``answers`` (the dict the notebook passes in)
and, when ``feedback`` is on, shows the option's sentence at once: the
misconception's diagnosis for a wrong one, a one-line why for the right one.
Below the items, the line to paste into the notebook's answers cell keeps the
choices in the saved file, where the grader reads them.

A renderer shows only the richest representation of a display. Like every
widget of the course (:mod:`poolutils.widgets._ui`), the quiz's display
carries, next to the widget view, a picture and one line of text
(:data:`~poolutils.widgets._ui.STATIC_TEXT`): JupyterLab draws the live
widget; GitHub, nbviewer or nbconvert, which cannot draw a widget whose state
is not stored, show the picture, and the picture is the questions with their
lettered options (:func:`quiz_figure`). Text next to it would never be seen.
"""

from __future__ import annotations

import html
import io
import textwrap
from collections.abc import MutableMapping, Sequence
from typing import Any

import ipywidgets
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from PIL import Image

from poolutils.quiz.items import Item
from poolutils.widgets._picture import SCALE, Canvas
from poolutils.widgets._ui import STATIC_TEXT, png_bundle, static_picture

WRAP = 96  # characters per line of the picture: 8 inches of 9-point text
LINE = 0.19  # inches per line
PNG_DPI = 80  # CSS pixels per inch of the picture (drawn at SCALE times that)


def picture_lines(items: Sequence[Item], title: str = "") -> list[tuple[str, bool]]:
    """The picture's lines, (text, bold): each question wrapped, then its options indented.

    Examples
    --------
    >>> from poolutils.quiz.items import same_size
    >>> picture_lines([same_size("X1", 7, 3, 2)])[2:5]
    [('    (a)  7', False), ('    (b)  4', False), ('    (c)  3', False)]
    """
    lines = [(title, True), ("", False)] if title else []
    for item in items:
        stem = textwrap.wrap(f"{item.id}. {item.stem}", WRAP)
        lines += [(stem[0], True), *((text, False) for text in stem[1:])]
        for letter, choice in item.choices.items():
            wrapped = textwrap.wrap(choice.text, WRAP - 9) or [""]
            lines.append((f"    ({letter})  {wrapped[0]}", False))
            lines += [(" " * 9 + more, False) for more in wrapped[1:]]
        lines.append(("", False))
    lines.append((f"({STATIC_TEXT}; the letters go in the answers cell.)", False))
    return lines


def quiz_figure(items: Sequence[Item], title: str = "") -> Figure:
    """The questions and their lettered options as a figure (what a static renderer shows)."""
    lines = picture_lines(items, title)
    fig = plt.figure(figsize=(8, LINE * (len(lines) + 1)))
    for row, (text, bold) in enumerate(lines):
        y = 1 - (row + 0.8) / (len(lines) + 1)
        fig.text(0.02, y, text, fontsize=9, family="DejaVu Sans Mono", weight="bold" if bold else "normal")
    return fig


def answers_line(answers: MutableMapping[str, str], items: Sequence[Item]) -> str:
    """The answers cell's line for the choices made so far, in item order.

    Examples
    --------
    >>> from poolutils.quiz.items import same_size
    >>> answers_line({"X1": "b"}, [same_size("X1", 7, 3, 2), same_size("X2", 9, 2, 2)])
    "answers = {'X1': 'b', 'X2': ''}"
    """
    return "answers = " + repr({item.id: answers.get(item.id, "") for item in items})


class QuizView(ipywidgets.VBox):
    """Radio buttons per item, a feedback line per item, and the answers line.

    Parameters
    ----------
    items : sequence of Item
    answers : dict, optional
        Item id -> letter; pre-selects the buttons and receives every click.
    feedback : bool
        Show each option's sentence when it is picked (False for the pre-quiz).
    title : str
    """

    def __init__(
        self,
        items: Sequence[Item],
        answers: MutableMapping[str, str] | None = None,
        feedback: bool = True,
        title: str = "",
    ) -> None:
        if answers is not None and not isinstance(answers, MutableMapping):
            raise TypeError(f"`answers` must be a dict of item id -> letter. Received: {answers!r}.")
        self.items = tuple(items)
        self.answers = {} if answers is None else answers
        self.show_feedback = bool(feedback)
        self.title = title
        self._png = b""
        self.buttons: dict[str, ipywidgets.RadioButtons] = {}
        self.notes: dict[str, ipywidgets.HTML] = {}
        self.line = ipywidgets.HTML().add_class("pool-quiz-line")
        rows: list[ipywidgets.Widget] = [ipywidgets.HTML(f"<h4>{html.escape(title)}</h4>")] if title else []
        for item in self.items:
            stored = str(self.answers.get(item.id, "")).strip().lower()
            buttons = ipywidgets.RadioButtons(
                options=[(f"({letter}) {c.text}", letter) for letter, c in item.choices.items()],
                value=stored if stored in item.choices else None,
                layout=ipywidgets.Layout(width="auto"),
            ).add_class("pool-quiz-options")
            note = ipywidgets.HTML().add_class("pool-quiz-feedback")
            buttons.observe(lambda change, item=item: self._pick(item, change["new"]), "value")
            self.buttons[item.id], self.notes[item.id] = buttons, note
            stem = ipywidgets.HTML(f"<p><b>{html.escape(item.id)}.</b> {html.escape(item.stem)}</p>")
            rows.append(ipywidgets.VBox([stem, buttons, note]).add_class("pool-quiz-item"))
            if buttons.value is not None:
                self._pick(item, buttons.value)
        self._update_line()
        super().__init__([*rows, self.line])
        # pool-widget: the class every widget of the course carries (the browser suite finds it).
        self.add_class("pool-quiz").add_class("pool-widget")

    def _pick(self, item: Item, letter: str | None) -> None:
        if letter is None:
            return
        self.answers[item.id] = letter
        note = item.feedback(letter) if self.show_feedback else f"recorded: ({letter})"
        self.notes[item.id].value = html.escape(note)
        self._update_line()

    def _update_line(self) -> None:
        line = answers_line(self.answers, self.items)
        self.line.value = (
            f"<p>Answers so far (paste into the answers cell to keep them):</p><pre>{html.escape(line)}</pre>"
        )

    @property
    def score(self) -> int:
        """How many items the recorded letters get right."""
        return sum(self.answers.get(item.id) == item.key for item in self.items)

    @property
    def png(self) -> bytes:
        """The picture of the questions (:func:`quiz_figure`), drawn once."""
        if not self._png:
            self._png = figure_png(quiz_figure(self.items, self.title))
        return self._png

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict]:
        """The widget view, plus the picture of the questions and :data:`STATIC_TEXT` for static renderers."""
        data = super()._repr_mimebundle_(**kwargs)
        data["text/plain"] = STATIC_TEXT
        # The caption goes under the picture, as every widget's does: static renderers drop the text/plain.
        pixels = Image.open(io.BytesIO(self.png)).convert("RGB")
        canvas = Canvas(pixels.width // SCALE, pixels.height // SCALE)
        canvas.paste(pixels, 0, 0)
        picture, metadata = png_bundle(static_picture(canvas))
        return {**data, **picture}, metadata


def figure_png(fig: Figure) -> bytes:
    """``fig`` as PNG bytes at :data:`SCALE` pixels per CSS pixel, then closed.

    The PNG carries no software-version text, so stored notebooks do not change when matplotlib does.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=PNG_DPI * SCALE, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
