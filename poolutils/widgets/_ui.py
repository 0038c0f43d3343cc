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

Outside a live kernel (GitHub, nbviewer, a notebook opened before it is run)
a widget view cannot be drawn. So the widget's display also carries its
current figure as ``image/png`` and one line of ``text/plain``
(:data:`STATIC_TEXT`): JupyterLab draws the live widget, the preferred
representation, and nothing else; a static renderer falls back to the picture.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from poolutils._validation import MODES, PADDINGS, as_int, numeric_array, padding_mode, pool_mode

Render = Callable[..., tuple[Figure, dict]]

# Size on screen: small teaching grids stay readable at 80 dpi and render in tens of ms.
PNG_DPI = 80
# Pixels per CSS pixel: 2 keeps figures sharp on HiDPI ("retina") screens; the
# image metadata halves the displayed size back to PNG_DPI.
PNG_SCALE = 2
STATIC_TEXT = "Interactive: run this notebook to use the widget"
PNG_MIME = "image/png"


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
        data, metadata = png_bundle(self.png)
        data["text/plain"] = "<Figure>"
        self.output.outputs = ({"output_type": "display_data", "data": data, "metadata": metadata},)

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict]:
        """The widget view, plus its current figure and :data:`STATIC_TEXT` for static renderers.

        Examples
        --------
        >>> def render(k):
        ...     return plt.subplots(figsize=(1, 1))[0], {}
        >>> data, metadata = build_widget(render, {"k": int_slider("k", 1, 1, 2)})._repr_mimebundle_()
        >>> sorted(data), data["text/plain"], metadata["image/png"]
        (['application/vnd.jupyter.widget-view+json', 'image/png', 'text/plain'], \
'Interactive: run this notebook to use the widget', {'width': 80, 'height': 80})
        """
        data = super()._repr_mimebundle_(**kwargs)
        data["text/plain"] = STATIC_TEXT
        if not self.png:
            return data, {}
        picture, metadata = png_bundle(self.png)
        return {**data, **picture}, metadata


def figure_png(fig: Figure, dpi: int = PNG_DPI, scale: int = PNG_SCALE) -> bytes:
    """Render ``fig`` to PNG bytes at ``dpi * scale`` and close it.

    The bytes depend only on the figure: the PNG carries no software-version
    text, so stored notebooks do not change when matplotlib does.

    Examples
    --------
    >>> fig, _ = plt.subplots(figsize=(2, 1))
    >>> png = figure_png(fig)
    >>> png[:4], png_size(png), plt.fignum_exists(fig.number)
    (b'\\x89PNG', (320, 160), False)
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi * scale, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, read from the PNG header.

    Examples
    --------
    >>> fig, _ = plt.subplots(figsize=(3, 2))
    >>> png_size(figure_png(fig, dpi=10, scale=1))
    (30, 20)
    """
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def png_bundle(png: bytes, scale: int = PNG_SCALE) -> tuple[dict, dict]:
    """``(data, metadata)`` that display ``png`` at ``1 / scale`` of its pixel size.

    Examples
    --------
    >>> fig, _ = plt.subplots(figsize=(2, 1))
    >>> png_bundle(figure_png(fig))[1]
    {'image/png': {'width': 160, 'height': 80}}
    """
    width, height = png_size(png)
    data = {PNG_MIME: base64.b64encode(png).decode("ascii")}
    return data, {PNG_MIME: {"width": width // scale, "height": height // scale}}


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


def array_of_rank(x: object, name: str, ndim: int) -> np.ndarray:
    """``x`` as an array of integers or floats with ``ndim`` axes, none of them empty.

    The dtype, ragged-list and byte-order checks are the library's
    (:func:`poolutils._validation.numeric_array`); the rank is the widget's.

    Examples
    --------
    >>> array_of_rank([[1, 2], [3, 4]], "x2d", 2).shape
    (2, 2)
    >>> array_of_rank(np.zeros((0, 4)), "x2d", 2)
    Traceback (most recent call last):
    ...
    ValueError: `x2d` must be a 2-D array with no empty axis. Received: x2d with shape (0, 4).
    """
    arr = numeric_array(x, name)
    if arr.ndim != ndim or arr.size == 0:
        raise ValueError(
            f"`{name}` must be a {ndim}-D array with no empty axis. Received: {name} with shape {arr.shape}."
        )
    return arr


def int_slider(
    description: str, value: int, min: int, max: int, name: str | None = None, **kwargs: Any
) -> ipywidgets.IntSlider:
    """An IntSlider whose description is never cut short and whose start value is checked.

    ipywidgets would silently clamp a start value outside ``min .. max``; the
    caller's argument ``name`` (default: the description with underscores)
    is refused with a sentence instead.

    Examples
    --------
    >>> int_slider("pool size", 2, 1, 5).description
    'pool size'
    >>> int_slider("input size", 0, 1, 16)
    Traceback (most recent call last):
    ...
    ValueError: `input_size` must be an integer from 1 to 16. Received: input_size=0.
    """
    name = name or description.replace(" ", "_")
    allowed = f"`{name}` must be an integer from {min} to {max}. Received: {name}={value!r}"
    number = as_int(value)
    if number is None:
        raise TypeError(f"{allowed} of type {type(value).__name__}.")
    if not min <= number <= max:
        raise ValueError(f"{allowed}.")
    style = {"description_width": "initial"}
    return ipywidgets.IntSlider(
        value=number, min=min, max=max, description=description, style=style, **kwargs
    )


def mode_toggle(value: str = "max") -> ipywidgets.ToggleButtons:
    """ToggleButtons to choose max or average pooling.

    Examples
    --------
    >>> mode_toggle("avg").options
    ('max', 'avg')
    """
    return ipywidgets.ToggleButtons(
        options=MODES, value=pool_mode(value), description="mode", style={"description_width": "initial"}
    )


def padding_toggle(value: str = "valid") -> ipywidgets.ToggleButtons:
    """ToggleButtons to choose 'valid' or 'same' padding (any letter case, as in Keras).

    Examples
    --------
    >>> padding_toggle("SAME").value
    'same'
    """
    return ipywidgets.ToggleButtons(
        options=PADDINGS,
        value=padding_mode(value),
        description="padding",
        style={"description_width": "initial"},
    )
