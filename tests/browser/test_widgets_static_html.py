"""Every widget as nbviewer shows it: nbconvert's HTML in Chromium draws the picture and its caption.

A static renderer cannot draw a widget view whose state is not stored, so
it shows the next representation: the PNG, and never the ``text/plain``
beside it. The line "Interactive: run this notebook to use the widget" must
therefore be part of the picture. Each widget's display bundle is converted
to HTML by nbconvert (what nbviewer runs) and opened in Chromium at a HiDPI
device scale; the picture Chromium paints must be the PNG pixel for pixel,
caption strip included, and drawn at its CSS size.
"""

from __future__ import annotations

import io
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbconvert import HTMLExporter
from PIL import Image

from poolutils.widgets._picture import SCALE
from poolutils.widgets._ui import STATIC_TEXT
from poolutils.widgets.adaptive import adaptive_pooling_explorer
from poolutils.widgets.gradients import gradient_router
from poolutils.widgets.images import image_pooling_explorer
from poolutils.widgets.shapes import output_size_calculator, stack_calculator
from poolutils.widgets.stepper import pooling_stepper

pytestmark = pytest.mark.browser

FACTORIES = (
    output_size_calculator,
    stack_calculator,
    pooling_stepper,
    gradient_router,
    adaptive_pooling_explorer,
    image_pooling_explorer,
)
CAPTION_ROWS = 24 * SCALE


def test_static_html_shows_each_widget_picture_with_its_caption(browser, screenshots: Path):
    bundles = [factory()._repr_mimebundle_() for factory in FACTORIES]
    outputs = [nbformat.v4.new_output("display_data", data=d, metadata=m) for d, m in bundles]
    cells = [nbformat.v4.new_code_cell(f"{f.__name__}()", outputs=[o]) for f, o in zip(FACTORIES, outputs)]
    html, _ = HTMLExporter().from_notebook_node(nbformat.v4.new_notebook(cells=cells))
    page_path = screenshots / "static_widgets.html"
    page_path.write_text(html)

    context = browser.new_context(viewport={"width": 1800, "height": 900}, device_scale_factor=SCALE)
    try:
        page = context.new_page()
        page.goto(page_path.as_uri())
        # The text/plain line is dropped by the renderer: only the pictures can carry it.
        assert STATIC_TEXT not in page.locator("body").inner_text()
        for (data, metadata), factory in zip(bundles, FACTORIES):
            image = page.locator(f'img[src="data:image/png;base64,{data["image/png"]}"]')
            assert image.count() == 1, f"{factory.__name__}: picture missing from the HTML"
            image.scroll_into_view_if_needed()
            drawn = image.evaluate(
                "img => ({natural: img.naturalWidth, width: img.getBoundingClientRect().width, done: img.complete})"
            )
            assert drawn["done"] and drawn["natural"] == SCALE * metadata["image/png"]["width"]
            assert drawn["width"] == pytest.approx(metadata["image/png"]["width"], abs=1)
            shot = np.asarray(Image.open(io.BytesIO(image.screenshot())).convert("L"), dtype=int)
            png = np.asarray(Image.open(io.BytesIO(_decoded(data))).convert("L"), dtype=int)
            assert shot.shape == png.shape, f"{factory.__name__}: drawn at {shot.shape}, PNG {png.shape}"
            caption_shot, caption_png = shot[-CAPTION_ROWS:], png[-CAPTION_ROWS:]
            assert (caption_png < 200).any(), f"{factory.__name__}: the PNG has no caption"
            # Painted as stored: no blur, no crop of the caption strip.
            assert np.abs(caption_shot - caption_png).mean() < 2, f"{factory.__name__}: caption not shown"
        page.screenshot(path=str(screenshots / "static_widgets.png"), full_page=True)
    finally:
        context.close()


def _decoded(data: dict) -> bytes:
    import base64

    return base64.b64decode(data["image/png"])
