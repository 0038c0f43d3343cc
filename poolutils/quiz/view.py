"""The quiz on screen: an ipywidgets form offline in JupyterLab, the questions as HTML everywhere else.

A :class:`QuizView` shows each item with its options as radio buttons. A
click records the letter in ``answers`` (the dict the notebook passes in)
and, when ``feedback`` is on, shows the option's sentence at once: the
misconception's diagnosis for a wrong one, a one-line why for the right one.
Below the items, the line to paste into the notebook's answers cell keeps the
choices in the saved file, where the grader reads them.

A renderer shows only the richest representation of a display: JupyterLab
draws the widget, and GitHub, nbviewer or nbconvert, which cannot draw a
widget whose state is not stored, show the ``text/html`` sibling: every
question with its lettered options (:func:`static_html`).
"""

from __future__ import annotations

import html
from collections.abc import MutableMapping, Sequence
from typing import Any

import ipywidgets

from poolutils.quiz.items import Item

STATIC_NOTE = "Run this notebook to answer with the buttons; the letters go in the answers cell below."


def static_html(items: Sequence[Item], title: str = "") -> str:
    """The questions and their lettered options as HTML (what a static renderer shows).

    Examples
    --------
    >>> from poolutils.quiz.items import same_size
    >>> page = static_html([same_size("X1", 7, 3, 2)])
    >>> "<b>X1.</b>" in page and "(a)" in page
    True
    """
    parts = [f"<h4>{html.escape(title)}</h4>"] if title else []
    for item in items:
        options = "".join(
            f"<li>({letter}) <code>{html.escape(c.text)}</code></li>" for letter, c in item.choices.items()
        )
        parts.append(
            f'<div class="pool-quiz-item"><p><b>{html.escape(item.id)}.</b> {html.escape(item.stem)}</p>'
            f'<ul style="list-style: none">{options}</ul></div>'
        )
    parts.append(f"<p><i>{html.escape(STATIC_NOTE)}</i></p>")
    return "\n".join(parts)


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
        self.add_class("pool-quiz")

    def _pick(self, item: Item, letter: str | None) -> None:
        if letter is None:
            return
        self.answers[item.id] = letter
        note = item.feedback(letter) if self.show_feedback else f"recorded: ({letter})"
        self.notes[item.id].value = html.escape(note)
        self._update_line()

    def _update_line(self) -> None:
        line = answers_line(self.answers, self.items)
        self.line.value = f"<p>Answers so far (paste into the answers cell to keep them):</p><pre>{html.escape(line)}</pre>"

    @property
    def score(self) -> int:
        """How many items the recorded letters get right."""
        return sum(self.answers.get(item.id) == item.key for item in self.items)

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict]:
        """The widget view, plus the questions as ``text/html`` and one line of text for static renderers."""
        data = super()._repr_mimebundle_(**kwargs)
        data["text/html"] = static_html(self.items, self.title)
        data["text/plain"] = f"Quiz: {len(self.items)} questions ({STATIC_NOTE})"
        return data, {}
