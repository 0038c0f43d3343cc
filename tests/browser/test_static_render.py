"""The course as GitHub and nbviewer show it: a stored notebook converted to HTML, no kernel.

nbconvert's HTML exporter is what nbviewer runs. A widget view whose state is
not stored cannot be drawn there, so the exporter falls back to the next
representation of the output: the widget's picture. The page is opened in
headless Chromium and the picture must be loaded and drawn at its HiDPI
display size; the screenshot lands in build/screenshots.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nbconvert import HTMLExporter

from .conftest import NOTEBOOKS

pytestmark = pytest.mark.browser

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NOTEBOOK = "02_max_pooling.ipynb"


def stored_widget_pictures(path: Path) -> list[tuple[str, dict]]:
    """(base64 PNG, its metadata) of every stored widget output that has one."""
    nb = json.loads(path.read_text())
    found = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data and "image/png" in data:
                png = data["image/png"]
                found.append(
                    ("".join(png) if isinstance(png, list) else png, output["metadata"]["image/png"])
                )
    return found


def test_static_html_shows_the_widget_picture(browser, screenshots: Path, tmp_path: Path):
    source = NOTEBOOKS / NOTEBOOK
    pictures = stored_widget_pictures(source)
    assert pictures, f"{source} stores no widget picture: re-run it (tools/execute_notebooks.py)"
    html, _ = HTMLExporter().from_filename(str(source))
    page_path = screenshots / f"static_{Path(NOTEBOOK).stem}.html"
    page_path.write_text(html)

    context = browser.new_context(viewport={"width": 1100, "height": 900}, device_scale_factor=2)
    try:
        page = context.new_page()
        page.goto(page_path.as_uri())
        for png, metadata in pictures:
            image = page.locator(f'img[src="data:image/png;base64,{png}"]')
            assert image.count() == 1
            image.scroll_into_view_if_needed()
            drawn = image.evaluate(
                "img => ({natural: img.naturalWidth, width: img.getBoundingClientRect().width, done: img.complete})"
            )
            assert drawn["done"] and drawn["natural"] == 2 * metadata["width"]
            assert drawn["width"] == pytest.approx(metadata["width"], abs=1)
        page.screenshot(path=str(screenshots / f"static_{Path(NOTEBOOK).stem}.png"))
        assert "Interactive: run this notebook" not in page.locator("body").inner_text()
    finally:
        context.close()
