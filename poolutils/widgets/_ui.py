"""The one way the course builds a widget: a pure render function plus controls.

A widget here is a thin shell. ``render(**control_values)`` is a pure function
that returns ``(figure, info)``; :func:`build_widget` wires it to ipywidgets
controls the way :func:`ipywidgets.interactive_output` does. Every change re-renders,
stores ``info`` in ``widget.state`` (what tests inspect), shows
``info["readout"]`` as HTML and the figure as a PNG in ``widget.output``.

The figure is turned into PNG bytes and closed at once: the widget never
depends on the inline backend, figures do not pile up in pyplot, and the same
code runs headless in tests and benchmarks. For the same reason the controls
are observed directly rather than through ``interactive_output``: its
``clear_output`` call writes terminal escape codes to stdout outside a kernel,
and an output area that is replaced whole needs no clearing.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from poolutils._validation import MODES

Render = Callable[..., tuple[Figure, dict]]

# Small teaching grids stay sharp at this resolution and render in a few tens of ms.
PNG_DPI = 80


class PoolWidget(ipywidgets.VBox):
    """Controls, an HTML readout and a figure, kept in step with a render function.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        The controls by name; each carries the CSS class ``pool-<name>``.
    readout : ipywidgets.HTML
        ``info["readout"]`` of the last render; CSS class ``pool-readout``.
    output : ipywidgets.Output
        Holds the last figure as a PNG.
    state : dict
        The ``info`` dict of the last render, or ``{"error": message}`` when
        the controls describe an impossible layer (e.g. a window larger than
        the input with 'valid' padding).
    png : bytes
        The last figure as PNG bytes (empty after an error).
    """

    def __init__(self, render: Render, controls: Mapping[str, ipywidgets.Widget], title: str | None = None):
        self.controls = dict(controls)
        self.readout = ipywidgets.HTML().add_class("pool-readout")
        self.state: dict = {}
        self.png = b""
        self._render = render
        for name, control in self.controls.items():
            control.add_class(f"pool-{name}")
        self.output = ipywidgets.Output()
        for control in self.controls.values():
            control.observe(self._on_change, "value")
        self._on_change()
        header = [ipywidgets.HTML(f"<h4>{html.escape(title)}</h4>")] if title else []
        box = ipywidgets.Box(list(self.controls.values()), layout=ipywidgets.Layout(flex_flow="row wrap"))
        super().__init__([*header, box, self.readout, self.output])
        self.add_class("pool-widget")

    def _on_change(self, change: Any = None) -> None:
        self._update(**{name: control.value for name, control in self.controls.items()})

    def _update(self, **values: Any) -> None:
        try:
            fig, info = self._render(**values)
        except ValueError as err:
            # Impossible settings are part of the lesson: say why, like Keras would.
            self.state = {"error": str(err)}
            self.png = b""
            self.readout.value = f'<span class="pool-error">{html.escape(str(err))}</span>'
        else:
            self.state = info
            self.png = figure_png(fig)
            self.readout.value = info.get("readout", "")
        self._show()

    def _show(self) -> None:
        if not self.png:
            self.output.outputs = ()
            return
        data = {"image/png": base64.b64encode(self.png).decode("ascii"), "text/plain": "<Figure>"}
        self.output.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)


def figure_png(fig: Figure, dpi: int = PNG_DPI) -> bytes:
    """Render ``fig`` to PNG bytes and close it.

    Examples
    --------
    >>> fig, _ = plt.subplots()
    >>> figure_png(fig)[:4], plt.fignum_exists(fig.number)
    (b'\\x89PNG', False)
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()


def build_widget(
    render: Render, controls: Mapping[str, ipywidgets.Widget], title: str | None = None
) -> PoolWidget:
    """Connect ``controls`` to ``render`` and return the assembled widget.

    Parameters
    ----------
    render : callable
        ``render(**{name: control.value})`` returns ``(figure, info)``;
        ``info["readout"]`` is HTML for the readout, other keys are results
        that tests read from ``widget.state``. It may raise ValueError for
        impossible settings; the message is then shown instead.
    controls : dict of str to ipywidgets.Widget
        Keyword name of ``render`` -> control. Give controls whose render
        calls Keras ``continuous_update=False``.
    title : str, optional
        Shown above the controls.

    Returns
    -------
    PoolWidget

    Examples
    --------
    >>> def render(k):
    ...     fig, ax = plt.subplots()
    ...     return fig, {"readout": f"<b>{k * k}</b>", "square": k * k}
    >>> w = build_widget(render, {"k": int_slider("k", 3, 1, 9)})
    >>> w.state["square"], w.readout.value
    (9, '<b>9</b>')
    >>> w.controls["k"].value = 4
    >>> w.state["square"], w.png[:4]
    (16, b'\\x89PNG')
    """
    return PoolWidget(render, controls, title)


def int_slider(description: str, value: int, min: int, max: int, **kwargs: Any) -> ipywidgets.IntSlider:
    """An IntSlider whose description is never cut short.

    Examples
    --------
    >>> int_slider("pool size", 2, 1, 5).description
    'pool size'
    """
    style = {"description_width": "initial"}
    return ipywidgets.IntSlider(value=value, min=min, max=max, description=description, style=style, **kwargs)


def mode_toggle(value: str = "max") -> ipywidgets.ToggleButtons:
    """ToggleButtons to choose max or average pooling.

    Examples
    --------
    >>> mode_toggle("avg").options
    ('max', 'avg')
    """
    return ipywidgets.ToggleButtons(
        options=MODES, value=value, description="mode", style={"description_width": "initial"}
    )


def padding_toggle(value: str = "valid") -> ipywidgets.ToggleButtons:
    """ToggleButtons to choose 'valid' or 'same' padding.

    Examples
    --------
    >>> padding_toggle("same").options
    ('valid', 'same')
    """
    return ipywidgets.ToggleButtons(
        options=("valid", "same"), value=value, description="padding", style={"description_width": "initial"}
    )
