"""The one way the course builds a widget: a pure render function plus controls.

A widget here is a thin shell. ``render(**control_values)`` is a pure function
that returns ``(canvas, info)``: the picture (a
:class:`poolutils.widgets._picture.Canvas`) and the results it shows, computed
by :mod:`poolutils.explain`. :func:`build_widget` wires it to ipywidgets
controls the way :func:`ipywidgets.interactive_output` does. Every change
re-renders, stores ``info`` in ``widget.state`` (what tests inspect), shows
``info["readout"]`` as HTML and the picture as a PNG in ``widget.picture``
(an :class:`ipywidgets.Image`: the bytes travel as a binary buffer and the
browser swaps one image, where an Output widget would rebuild its output area).

The controls are observed directly rather than through ``interactive_output``:
its ``clear_output`` call writes terminal escape codes to stdout outside a
kernel, and a picture that is replaced whole needs no clearing.

Outside a live kernel (GitHub, nbviewer, a notebook opened before it is run)
a widget view cannot be drawn. So the widget's display also carries its
current picture as ``image/png``, with the line :data:`STATIC_TEXT` drawn
under it, and the same line as ``text/plain``. A renderer shows only the
richest output it can: JupyterLab draws the live widget and nothing else, a
static renderer the picture, whose caption then says how to use the widget.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets

from poolutils._validation import MODES, PADDINGS, as_int, padding_mode, pool_mode
from poolutils.widgets._picture import SCALE, Canvas, png_size

Render = Callable[..., tuple[Canvas, dict]]

STATIC_TEXT = "Interactive: run this notebook to use the widget"
PNG_MIME = "image/png"


class PoolWidget(ipywidgets.VBox):
    """Controls, an HTML readout and a picture, kept in step with a render function.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        The controls by name; each carries the CSS class ``pool-<name>``.
    readout : ipywidgets.HTML
        ``info["readout"]`` of the last render; CSS class ``pool-readout``.
    picture : ipywidgets.Image
        The last picture, shown at its CSS size; CSS class ``pool-picture``.
    state : dict
        The ``info`` dict of the last render, or ``{"error": message}`` when
        the controls describe an impossible layer (e.g. a window larger than
        the input with 'valid' padding).
    png : bytes
        The last picture as PNG bytes at :data:`SCALE` pixels per CSS pixel
        (empty after an error).
    """

    def __init__(self, render: Render, controls: Mapping[str, ipywidgets.Widget], title: str | None = None):
        self.controls = dict(controls)
        self.readout = ipywidgets.HTML().add_class("pool-readout")
        self.state: dict = {}
        self.png = b""
        self._canvas: Canvas | None = None
        self._render = render
        for name, control in self.controls.items():
            control.add_class(f"pool-{name}")
        self.picture = ipywidgets.Image(format="png").add_class("pool-picture")
        for control in self.controls.values():
            control.observe(self._on_change, "value")
        self._on_change()
        header = [ipywidgets.HTML(f"<h4>{html.escape(title)}</h4>")] if title else []
        box = ipywidgets.Box(list(self.controls.values()), layout=ipywidgets.Layout(flex_flow="row wrap"))
        super().__init__([*header, box, self.readout, self.picture])
        self.add_class("pool-widget")

    def _on_change(self, change: Any = None) -> None:
        self._update(**{name: control.value for name, control in self.controls.items()})

    def _update(self, **values: Any) -> None:
        try:
            canvas, info = self._render(**values)
        except ValueError as err:
            # Impossible settings are part of the lesson: say why, like Keras would.
            self.state = {"error": str(err)}
            self._canvas, self.png = None, b""
            self.readout.value = f'<span class="pool-error">{html.escape(str(err))}</span>'
            self.picture.layout.display = "none"
            return
        self.state = info
        self._canvas, self.png = canvas, canvas.png()
        self.readout.value = info.get("readout", "")
        with self.picture.hold_sync():
            self.picture.value = self.png
            self.picture.width, self.picture.height = str(canvas.width), str(canvas.height)
            self.picture.layout.display = None

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict]:
        """The widget view, plus its current picture and :data:`STATIC_TEXT` for static renderers.

        The picture carries :data:`STATIC_TEXT` as a caption drawn under it:
        a static renderer shows the PNG and drops the ``text/plain``.

        Examples
        --------
        >>> def render(k):
        ...     return Canvas(40, 40), {}
        >>> data, metadata = build_widget(render, {"k": int_slider("k", 1, 1, 2)})._repr_mimebundle_()
        >>> sorted(data), data["text/plain"], metadata["image/png"]
        (['application/vnd.jupyter.widget-view+json', 'image/png', 'text/plain'], \
'Interactive: run this notebook to use the widget', {'width': 360, 'height': 64})
        """
        data = super()._repr_mimebundle_(**kwargs)
        data["text/plain"] = STATIC_TEXT
        if self._canvas is None:
            return data, {}
        picture, metadata = png_bundle(static_picture(self._canvas))
        return {**data, **picture}, metadata


def png_bundle(png: bytes) -> tuple[dict, dict]:
    """``(data, metadata)`` that display ``png``, drawn at :data:`SCALE` pixels per CSS pixel, at its CSS size.

    Examples
    --------
    >>> png_bundle(Canvas(40, 30).png())[1]
    {'image/png': {'width': 40, 'height': 30}}
    """
    width, height = png_size(png)
    return {PNG_MIME: base64.b64encode(png).decode("ascii")}, {
        PNG_MIME: {"width": width // SCALE, "height": height // SCALE}
    }


def static_picture(canvas: Canvas) -> bytes:
    """``canvas`` as a PNG with :data:`STATIC_TEXT` under it, wide enough for the whole line.

    Examples
    --------
    >>> png_size(static_picture(Canvas(500, 100)))
    (1000, 248)
    """
    if canvas.width < STATIC_WIDTH:
        wider = Canvas(STATIC_WIDTH, canvas.height)
        wider.paste(canvas.image, 0, 0)
        canvas = wider
    return canvas.png(caption=STATIC_TEXT)


# The caption's width in CSS pixels at 12 px: a narrower picture is widened to fit it.
STATIC_WIDTH = 360


def build_widget(
    render: Render, controls: Mapping[str, ipywidgets.Widget], title: str | None = None
) -> PoolWidget:
    """Connect ``controls`` to ``render`` and return the assembled widget.

    Parameters
    ----------
    render : callable
        ``render(**{name: control.value})`` returns ``(canvas, info)``;
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
    ...     return Canvas(10 * k, 10), {"readout": f"<b>{k * k}</b>", "square": k * k}
    >>> w = build_widget(render, {"k": int_slider("k", 3, 1, 9)})
    >>> w.state["square"], w.readout.value
    (9, '<b>9</b>')
    >>> w.controls["k"].value = 4
    >>> w.state["square"], w.png[:4]
    (16, b'\\x89PNG')
    """
    return PoolWidget(render, controls, title)


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
