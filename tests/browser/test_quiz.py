"""The concept quiz read as a picture in nbconvert's HTML, in a real browser.

nbconvert's HTML (what nbviewer shows) draws the picture JupyterLab shows
before the notebook runs: the questions of form A. Answering the quiz in
JupyterLab is tested on the run of ``quiz_after.ipynb`` in test_lab.py
(``answer_the_quiz``).
"""

from __future__ import annotations

import base64
import json
from hashlib import sha256
from pathlib import Path

import pytest
from nbconvert import HTMLExporter

from poolutils.quiz import concept_quiz

from .conftest import NOTEBOOKS

pytestmark = pytest.mark.browser
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


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
