"""Widgets outside a live kernel: every display carries a picture and one line of text.

GitHub and nbviewer cannot draw a widget view, so a widget's display bundle
also holds its current picture (``image/png``, at twice the pixels for HiDPI
screens) with :data:`STATIC_TEXT` drawn under it, and the same line as
``text/plain`` (which a renderer drops when it can show the PNG). The stored
notebooks are scanned for widget outputs without that fallback; JupyterLab
showing the live widget alone, and nbconvert's HTML showing the captioned
picture, are checked by the browser suite (tests/browser).
"""

from __future__ import annotations

import base64
import io
import json
from hashlib import sha256
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from poolutils.widgets._picture import SCALE, Canvas, png_size, text_mask
from poolutils.widgets._ui import STATIC_TEXT, build_widget, int_slider, static_picture
from poolutils.widgets.adaptive import adaptive_pooling_explorer
from poolutils.widgets.gradients import gradient_router
from poolutils.widgets.images import image_pooling_explorer
from poolutils.widgets.shapes import output_size_calculator, stack_calculator
from poolutils.widgets.stepper import pooling_stepper

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK_FOLDERS = ("notebooks", "solutions", "exercises")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

FACTORIES = {
    "output_size_calculator": output_size_calculator,
    "stack_calculator": stack_calculator,
    "pooling_stepper": pooling_stepper,
    "adaptive_pooling_explorer": adaptive_pooling_explorer,
    "image_pooling_explorer": image_pooling_explorer,
    "gradient_router": gradient_router,
}


def missing_fallback(output: dict) -> list[str]:
    """What a stored widget output lacks of its static fallback (empty when complete or not a widget)."""
    data = output.get("data", {})
    if WIDGET_VIEW not in data:
        return []
    problems = []
    text = data.get("text/plain")
    if ("".join(text) if isinstance(text, list) else text) != STATIC_TEXT:
        problems.append(f"text/plain is {text!r}, not {STATIC_TEXT!r}")
    png = data.get("image/png")
    if not png:
        problems.append("no image/png")
    elif not base64.b64decode("".join(png) if isinstance(png, list) else png).startswith(b"\x89PNG"):
        problems.append("image/png is not a PNG")
    elif not output.get("metadata", {}).get("image/png", {}).get("width"):
        problems.append("no display width for the 2x PNG")
    elif not has_caption(base64.b64decode("".join(png) if isinstance(png, list) else png)):
        problems.append(f"the picture does not show {STATIC_TEXT!r} under it")
    return problems


def has_caption(png: bytes) -> bool:
    """Whether the picture's bottom strip holds exactly the drawn caption line, at its place."""
    image = Image.open(io.BytesIO(png)).convert("L")
    strip = np.asarray(image)[-24 * SCALE :]
    rows, cols = np.nonzero(strip < 250)
    if not len(cols):
        return False
    mask, (left, top) = text_mask(STATIC_TEXT, 12, "lm")
    drawn = (cols.min(), cols.max() + 1, rows.min(), rows.max() + 1)
    expected = (
        8 * SCALE + left,
        8 * SCALE + left + mask.width,
        12 * SCALE + top,
        12 * SCALE + top + mask.height,
    )
    return all(abs(a - b) <= 2 for a, b in zip(drawn, expected))


def widget_outputs_without_fallback(path: Path) -> list[str]:
    nb = json.loads(path.read_text())
    found = []
    for index, cell in enumerate(nb["cells"]):
        for output in cell.get("outputs", []):
            found += [f"{path.relative_to(REPO)} cell {index}: {p}" for p in missing_fallback(output)]
    return found


def stored_notebooks() -> list[Path]:
    return sorted(p for folder in NOTEBOOK_FOLDERS for p in (REPO / folder).glob("*.ipynb"))


@pytest.mark.parametrize("name", FACTORIES)
def test_display_bundle_carries_the_current_picture_with_its_caption(name):
    widget = FACTORIES[name]()
    data, metadata = widget._repr_mimebundle_()
    assert set(data) == {WIDGET_VIEW, "image/png", "text/plain"}
    assert data["text/plain"] == STATIC_TEXT
    png = base64.b64decode(data["image/png"])
    width, height = png_size(png)
    # HiDPI: twice the pixels, shown at half their number.
    assert metadata["image/png"] == {"width": width // SCALE, "height": height // SCALE}
    # The live picture, unchanged, above the caption line (widened to the caption if narrower).
    live = Image.open(io.BytesIO(widget.png)).convert("RGB")
    static = Image.open(io.BytesIO(png)).convert("RGB")
    assert static.height == live.height + 24 * SCALE and static.width == max(live.width, 360 * SCALE)
    assert np.array_equal(np.asarray(static)[: live.height, : live.width], np.asarray(live))
    assert has_caption(png) and not has_caption(widget.png)
    # The live view shows the same picture at the same CSS size.
    assert sha256(widget.picture.value).hexdigest() == sha256(widget.png).hexdigest()
    assert (int(widget.picture.width), int(widget.picture.height)) == tuple(
        n // SCALE for n in png_size(widget.png)
    )
    assert not missing_fallback({"data": data, "metadata": metadata})


def test_a_narrow_picture_is_widened_to_its_caption():
    png = static_picture(Canvas(50, 20))
    assert png_size(png) == (360 * SCALE, 44 * SCALE) and has_caption(png)


def test_display_bundle_follows_the_controls():
    widget = pooling_stepper()
    first = widget._repr_mimebundle_()[0]["image/png"]
    widget.controls["position"].value = 3
    assert widget._repr_mimebundle_()[0]["image/png"] != first


def test_a_widget_in_error_shows_its_text_and_no_stale_picture():
    def render(k):
        raise ValueError(f"k is impossible. Received: k={k}.")

    widget = build_widget(render, {"k": int_slider("k", 1, 1, 2)})
    data, metadata = widget._repr_mimebundle_()
    assert data["text/plain"] == STATIC_TEXT and "image/png" not in data and metadata == {}
    assert widget.picture.layout.display == "none"


@pytest.mark.parametrize("name", FACTORIES)
def test_widget_pngs_are_the_same_bytes_on_every_render(name):
    assert sha256(FACTORIES[name]().png).hexdigest() == sha256(FACTORIES[name]().png).hexdigest()


def test_the_scan_finds_each_missing_part():
    # The scan itself must be able to fail: outputs as a notebook stored them before the fallback.
    view = {WIDGET_VIEW: {"model_id": "0", "version_major": 2, "version_minor": 0}}
    old = {"output_type": "display_data", "data": {**view, "text/plain": ["PoolWidget(children=…"]}}
    assert missing_fallback(old) == [
        f"text/plain is ['PoolWidget(children=…'], not {STATIC_TEXT!r}",
        "no image/png",
    ]
    good, metadata = pooling_stepper()._repr_mimebundle_()
    no_width = {"data": good, "metadata": {}}
    assert missing_fallback(no_width) == ["no display width for the 2x PNG"]
    not_png = {"data": {**good, "image/png": base64.b64encode(b"GIF89a").decode()}, "metadata": metadata}
    assert missing_fallback(not_png) == ["image/png is not a PNG"]
    uncaptioned = base64.b64encode(pooling_stepper().png).decode()
    bare = {"data": {**good, "image/png": uncaptioned}, "metadata": metadata}
    assert missing_fallback(bare) == [f"the picture does not show {STATIC_TEXT!r} under it"]
    assert missing_fallback({"data": {"text/plain": "3"}}) == []


def test_every_stored_widget_output_has_its_static_fallback():
    notebooks = stored_notebooks()
    assert len(notebooks) >= 8, f"expected the course's notebooks, found {[p.name for p in notebooks]}"
    problems = [p for path in notebooks for p in widget_outputs_without_fallback(path)]
    assert not problems, "widget outputs without a static fallback (re-run the notebook):\n" + "\n".join(
        problems
    )


def test_stored_widget_fallback_is_what_a_static_renderer_shows():
    # nbconvert (nbviewer) drops a widget view whose state is not stored and takes the next
    # representation: our PNG. Stored notebooks keep no widget state (tools/execute_notebooks.py).
    nbformat = pytest.importorskip("nbformat")
    from nbconvert import HTMLExporter

    data, metadata = pooling_stepper(np.arange(16).reshape(4, 4))._repr_mimebundle_()
    output = nbformat.v4.new_output("display_data", data=data, metadata=metadata)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pooling_stepper()", outputs=[output])])
    html, _ = HTMLExporter().from_notebook_node(nb)
    assert f'src="data:image/png;base64,{data["image/png"]}"' in html
    assert f'width="{metadata["image/png"]["width"]}"' in html
    # The renderer drops the text/plain line: it reaches the reader as the picture's caption.
    assert STATIC_TEXT not in html
    assert has_caption(base64.b64decode(data["image/png"]))
