"""The concept quiz in a real browser: answered in JupyterLab, read as a picture in nbconvert's HTML.

In JupyterLab the stored quiz shows the picture of its questions until the
notebook runs; then the live form alone, where a click gives the option's
sentence and updates the answers line. nbconvert's HTML (what nbviewer
shows) draws the same picture: the questions of form A.
"""

from __future__ import annotations

import base64
import json
from hashlib import sha256
from pathlib import Path

import pytest
from nbconvert import HTMLExporter
from playwright.sync_api import expect

from poolutils.quiz import concept_quiz, form

from .conftest import NOTEBOOKS, Lab
from .test_lab import (
    assert_clean_run,
    assert_stored_widgets_show_their_picture,
    open_notebook,
    run_all,
    shoot,
)

pytestmark = pytest.mark.browser
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_the_quiz_answers_in_jupyterlab(page, lab: Lab, screenshots: Path):
    open_notebook(page, lab, "quiz_after.ipynb")
    assert_stored_widgets_show_their_picture(page)
    assert_clean_run(page, run_all(page))
    quiz = page.locator(".pool-quiz")
    expect(quiz).to_have_count(1)
    item = form("B")[0]
    letters = list(item.choices)
    wrong = next(letter for letter in letters if not item.choices[letter].right)
    block = quiz.locator(".pool-quiz-item").first
    expect(block).to_contain_text(item.stem[:40])
    block.locator("input[type=radio]").nth(letters.index(wrong)).check()
    feedback = block.locator(".pool-quiz-feedback")
    expect(feedback).to_have_text(item.feedback(wrong))
    expect(quiz.locator(".pool-quiz-line")).to_contain_text(f"'{item.id}': '{wrong}'")
    block.locator("input[type=radio]").nth(letters.index(item.key)).check()
    expect(feedback).to_have_text(item.feedback(item.key))
    expect(quiz.locator(".pool-quiz-line")).to_contain_text(f"'{item.id}': '{item.key}'")
    shoot(page, block, screenshots / "quiz_after_answered.png")


def test_the_quiz_shows_its_questions_in_nbconvert_html(browser, screenshots: Path):
    source = NOTEBOOKS / "quiz_before.ipynb"
    outputs = [o for c in json.loads(source.read_text())["cells"] for o in c.get("outputs", [])]
    stored = [o for o in outputs if WIDGET_VIEW in o.get("data", {})]
    assert len(stored) == 1, f"{source} should store one quiz output: re-run it (tools/execute_notebooks.py)"
    png = "".join(stored[0]["data"]["image/png"])
    # The stored picture is what form A's quiz shows static renderers now: its questions and caption.
    # Digests, not bytes: pytest's diff of two 250 kB byte strings runs for hours.
    drawn_now = concept_quiz("A")._repr_mimebundle_()[0]["image/png"]
    assert sha256(base64.b64decode(png)).hexdigest() == sha256(base64.b64decode(drawn_now)).hexdigest(), (
        f"{source} stores an old picture of the quiz: re-run it (make notebooks)"
    )
    html, _ = HTMLExporter().from_filename(str(source))
    page_path = screenshots / "static_quiz_before.html"
    page_path.write_text(html)
    context = browser.new_context(viewport={"width": 1100, "height": 900}, device_scale_factor=2)
    try:
        page = context.new_page()
        page.goto(page_path.as_uri())
        image = page.locator(f'img[src="data:image/png;base64,{png}"]')
        assert image.count() == 1
        image.scroll_into_view_if_needed()
        drawn = image.evaluate(
            "img => ({natural: img.naturalWidth, width: img.getBoundingClientRect().width, done: img.complete})"
        )
        width = stored[0]["metadata"]["image/png"]["width"]
        assert drawn["done"] and drawn["natural"] == 2 * width
        assert drawn["width"] == pytest.approx(width, abs=1)
        body = page.locator("body").inner_text()
        assert "Interactive: run this notebook" not in body  # the picture, not the text line, is shown
        assert "answers = {}" in body and "learner_id" in body  # the answers cell is there to fill in
        page.screenshot(path=str(screenshots / "static_quiz_before.png"), full_page=True)
    finally:
        context.close()
