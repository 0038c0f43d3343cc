"""The course as learners meet it: notebooks and widgets in JupyterLab, in a real browser.

Cells are run from JupyterLab's own menu and sliders are moved with the
keyboard, so the whole path is exercised: kernel, comms, the widget manager,
the rendered PNG and the HTML readout. Checks read the notebook model through
``window.jupyterapp`` (exposed for tests only): in the DOM a traceback renders
exactly like stderr text, so only the model tells an error from a warning.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from poolutils.quiz import form
from poolutils.shapes import pool_output_size
from poolutils.widgets._ui import STATIC_TEXT

from .conftest import NOTEBOOKS, Lab

pytestmark = pytest.mark.browser

# The longest notebook trains nothing but calls Keras often; a shared 2-core machine is slow.
RUN_ALL_TIMEOUT_MS = 600_000
# A slider move re-renders in the kernel (some widgets call Keras) and ships a new PNG.
WIDGET_TIMEOUT_MS = 60_000
# What ipywidgets' renderer writes into an output instead of a widget it cannot show.
WIDGET_FAILURES = ("Error displaying widget", "model not found", "Failed to load model class")
# Outputs only: markdown may quote these messages (00_start_here explains them).
OUTPUT_TEXT_JS = """() => [...window.jupyterapp.shell.currentWidget.content.node
    .querySelectorAll(".jp-OutputArea-output")].map(o => o.innerText).join("\\n")"""
NEWS_PROMPT = "official Jupyter news"
SCROLL_ATTEMPTS = 5

# Ready when the kernel is idle, no cell waits to run ([*]), and every code cell
# ran or an error stopped "Run All" (JupyterLab then leaves the rest unexecuted).
RUN_FINISHED_JS = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    if (!panel || !panel.sessionContext || panel.sessionContext.kernelDisplayStatus !== "idle") return false;
    const prompts = [...panel.content.node.querySelectorAll(".jp-InputPrompt")];
    if (prompts.some(p => p.textContent.includes("*"))) return false;
    const cells = [...panel.content.model.cells].filter(c => c.type === "code");
    const outputs = cells.flatMap(c => c.outputs.toJSON());
    return cells.every(c => c.executionCount !== null) || outputs.some(o => o.output_type === "error");
}"""

# What the model says about the code cells after a run: one entry per code cell.
CELL_REPORT_JS = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    return [...panel.content.model.cells].filter(c => c.type === "code").map((c, i) => ({
        index: i,
        executed: c.executionCount !== null,
        errors: c.outputs.toJSON().filter(o => o.output_type === "error").map(o => `${o.ename}: ${o.evalue}`),
        source: c.sharedModel.getSource().slice(0, 80),
    }));
}"""


# Per output that holds a widget view (in the model): what JupyterLab drew for it. The static
# fallback (image/png, text/plain) must show only where the live view cannot: before a run.
WIDGET_OUTPUTS_JS = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const report = [];
    const cells = panel.content.widgets.filter(c => c.model.type === "code");
    for (const cell of cells) {
        const outputs = cell.model.outputs.toJSON();
        cell.outputArea.widgets.forEach((child, i) => {
            const data = (outputs[i] || {}).data || {};
            if (!("application/vnd.jupyter.widget-view+json" in data)) return;
            const node = child.node;
            report.push({
                live: node.querySelectorAll(".pool-widget").length,
                images: node.querySelectorAll("img").length,
                widgetImages: node.querySelectorAll(".pool-widget img").length,
                text: node.textContent,
            });
        });
    }
    return report;
}"""


def notebook_names() -> list[str]:
    return sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))


def open_notebook(page, lab: Lab, name: str) -> None:
    """Open ``name`` and wait until its kernel is idle."""
    assert (lab.root / name).exists(), f"notebooks/{name} does not exist"
    page.goto(lab.notebook_url(name))
    page.wait_for_function("() => window.jupyterapp !== undefined")
    page.wait_for_function("() => window.jupyterapp.restored && true")
    page.wait_for_function(
        """(name) => {
            const panel = window.jupyterapp.shell.currentWidget;
            return panel && panel.context && panel.context.path === name
                && panel.sessionContext.kernelDisplayStatus === "idle";
        }""",
        arg=name,
    )


def menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def run_all(page) -> list[dict]:
    """Clear the stored outputs, run every cell from the Run menu, and report on each code cell."""
    menu(page, "Edit", "Clear Outputs of All Cells")
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(RUN_FINISHED_JS, timeout=RUN_ALL_TIMEOUT_MS, polling=500)
    return page.evaluate(CELL_REPORT_JS)


def assert_clean_run(page, report: list[dict]) -> None:
    errors = [f"cell {c['index']} ({c['source']!r}): {e}" for c in report for e in c["errors"]]
    assert not errors, "error outputs:\n" + "\n".join(errors)
    not_run = [c["index"] for c in report if not c["executed"]]
    assert not not_run, f"code cells that did not run: {not_run}"
    # A view still "Loading widget..." once the kernel is idle never got its model.
    page.wait_for_function(
        f"() => !({OUTPUT_TEXT_JS})().includes('Loading widget...')", timeout=WIDGET_TIMEOUT_MS
    )
    text = page.evaluate(OUTPUT_TEXT_JS)
    failures = [failure for failure in WIDGET_FAILURES if failure in text]
    assert not failures, f"widget failures shown: {failures}"
    assert_live_widgets_alone(page)
    assert NEWS_PROMPT not in page.locator("body").inner_text(), "the Jupyter news prompt is showing"


def assert_live_widgets_alone(page) -> None:
    """Each widget output shows the live widget and nothing twice: no static picture or line beside it."""
    for output in page.evaluate(WIDGET_OUTPUTS_JS):
        assert output["live"] == 1, f"a widget output shows no live widget: {output['text'][:200]!r}"
        assert output["images"] == output["widgetImages"], "a static picture is drawn beside the live widget"
        assert STATIC_TEXT not in output["text"]


def assert_stored_widgets_show_their_picture(page) -> None:
    """Before a run (stored outputs, untrusted notebook) each widget output shows its fallback PNG."""
    for output in page.evaluate(WIDGET_OUTPUTS_JS):
        assert output["live"] == 0 and output["images"] == 1, f"stored widget output shows {output}"
        assert not any(failure in output["text"] for failure in WIDGET_FAILURES)


def shoot(page, widget, path: Path) -> None:
    """Screenshot the page with ``widget`` scrolled into view (JupyterLab scrolls inside its panel)."""
    # Cells off screen are not laid out (content-visibility), so the first scroll can aim at a
    # guessed position; scroll again until the widget's top is on screen and painted.
    for _ in range(SCROLL_ATTEMPTS):
        widget.scroll_into_view_if_needed()
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        box = widget.bounding_box()
        if box and 0 <= box["y"] < page.viewport_size["height"]:
            break
    page.screenshot(path=str(path), full_page=True)


def slider_value(widget, name: str) -> int:
    return int(widget.locator(f".pool-{name} .widget-readout").inner_text())


def toggle_value(widget, name: str) -> str:
    return widget.locator(f".pool-{name} .widget-toggle-button.mod-active").inner_text().strip()


def press_right(page, widget, name: str) -> None:
    """Move slider ``name`` one step right from the keyboard, as a learner would."""
    widget.locator(f".pool-{name} .noUi-handle").focus()
    page.keyboard.press("ArrowRight")


def figure_src(widget) -> str:
    return widget.locator("img").first.get_attribute("src")


def test_jupyterlab_news_prompt_is_turned_off(lab: Lab):
    # Overrides replace the schema's defaults; the user's own settings (empty here) come on top.
    plugin = lab.api("lab/api/settings/@jupyterlab/apputils-extension:notification")
    assert plugin["schema"]["properties"]["fetchNews"]["default"] == "false"


def try_max_pooling_stepper(page, screenshots: Path) -> None:
    """Move the stepper one window on: its readout and picture change."""
    widget = page.locator(".pool-widget", has=page.locator(".pool-position")).first
    widget.locator("img").first.wait_for()
    shoot(page, widget, screenshots / "02_max_pooling.png")

    src, readout = figure_src(widget), widget.locator(".pool-readout").inner_text()
    position = slider_value(widget, "position")
    press_right(page, widget, "position")
    # The widget replaces its readout and image elements on every change: locators re-query them.
    expect(widget.locator(".pool-readout")).not_to_have_text(
        readout, use_inner_text=True, timeout=WIDGET_TIMEOUT_MS
    )
    expect(widget.locator("img").first).not_to_have_attribute("src", src, timeout=WIDGET_TIMEOUT_MS)

    assert slider_value(widget, "position") == position + 1
    shoot(page, widget, screenshots / "02_max_pooling_moved.png")


def try_output_size_calculator(page, screenshots: Path) -> None:
    """Raise the stride: the calculator shows the output size pool_output_size gives, and a new picture."""
    widget = page.locator(".pool-widget", has=page.locator(".output-size")).first
    widget.locator("img").first.wait_for()
    shoot(page, widget, screenshots / "01_output_size.png")

    def shown() -> tuple[int, int]:
        expected = pool_output_size(
            slider_value(widget, "n"),
            slider_value(widget, "pool_size"),
            slider_value(widget, "stride"),
            toggle_value(widget, "padding"),
        )
        return int(widget.locator(".output-size").inner_text()), expected

    size, expected = shown()
    assert size == expected
    src, stride = figure_src(widget), slider_value(widget, "stride")
    press_right(page, widget, "stride")
    expect(widget.locator(".output-size")).not_to_have_text(str(size), timeout=WIDGET_TIMEOUT_MS)
    expect(widget.locator("img").first).not_to_have_attribute("src", src, timeout=WIDGET_TIMEOUT_MS)

    assert slider_value(widget, "stride") == stride + 1
    new_size, expected = shown()
    assert new_size == expected != size
    shoot(page, widget, screenshots / "01_output_size_moved.png")


def answer_the_quiz(page, screenshots: Path) -> None:
    """Click a wrong option, then the right one: each gives its sentence and updates the answers line."""
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


# What a learner does in a notebook once it has run, done on the run its test just made: each of
# these notebooks starts its kernel and runs once in the suite, not once for the run and again here.
AFTER_THE_RUN = {
    "01_output_size.ipynb": try_output_size_calculator,
    "02_max_pooling.ipynb": try_max_pooling_stepper,
    "quiz_after.ipynb": answer_the_quiz,
}


def test_every_step_after_a_run_names_a_notebook_that_runs():
    assert set(AFTER_THE_RUN) <= set(notebook_names())


@pytest.mark.parametrize("name", notebook_names())
def test_notebook_runs_in_the_browser(page, lab: Lab, screenshots: Path, name: str):
    open_notebook(page, lab, name)
    # Stored outputs are drawn once the notebook is open; the static fallback stands in for widgets.
    assert_stored_widgets_show_their_picture(page)
    assert_clean_run(page, run_all(page))
    path = screenshots / f"run_{Path(name).stem}.png"
    widgets = page.locator(".pool-widget")
    if widgets.count():
        shoot(page, widgets.first, path)
    else:
        page.screenshot(path=str(path), full_page=True)
    if name in AFTER_THE_RUN:
        AFTER_THE_RUN[name](page, screenshots)
