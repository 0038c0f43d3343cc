"""Adaptive pooling explorer: which input cells each output cell reads.

Adaptive pooling fixes the output size and lets the windows follow. The
figure draws a 1-D input as bars and, under it, one window per output cell,
so the learner sees windows grow, shrink and overlap as the sizes change.
The windows come from :func:`poolutils.windows.adaptive_windows`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from poolutils._validation import positive_int
from poolutils.modes import pooling
from poolutils.widgets._ui import PoolWidget, array_of_rank, build_widget, int_slider, mode_toggle
from poolutils.windows import adaptive_windows

MAX_SIZE = 16


def default_values() -> np.ndarray:
    """The explorer's input: ``MAX_SIZE`` fixed integers from 0 to 9, as floats.

    Examples
    --------
    >>> default_values()[:5]
    array([8., 6., 5., 2., 3.], dtype=float32)
    """
    return np.random.default_rng(0).integers(0, 10, MAX_SIZE).astype(np.float32)


def render_adaptive(values: np.ndarray, input_size: int, output_size: int, mode: str) -> tuple[Figure, dict]:
    """Draw the adaptive windows over ``values[:input_size]``; list their ranges.

    Parameters
    ----------
    values : ndarray, shape (n,)
        The 1-D input; its first ``input_size`` values are pooled.
    input_size, output_size : int
    mode : {'max', 'avg'}

    Returns
    -------
    figure : matplotlib.figure.Figure
    info : dict
        ``readout`` (HTML), ``starts`` and ``stops`` (output cell ``i``
        reads ``starts[i] .. stops[i] - 1``), ``pooled`` (the output).

    Examples
    --------
    >>> fig, info = render_adaptive(np.arange(5.0), 5, 3, "max")
    >>> info["starts"], info["stops"], info["pooled"].tolist()
    ((0, 1, 3), (2, 4, 5), [1.0, 3.0, 4.0])
    >>> plt.close(fig)
    """
    pool = pooling(mode)
    values = array_of_rank(values, "values", 1)
    input_size = positive_int(input_size, "input_size")
    output_size = positive_int(output_size, "output_size")
    if input_size > len(values):
        raise ValueError(
            f"`input_size` must be from 1 to {len(values)}, the length of `values`. "
            f"Received: input_size={input_size!r}."
        )
    x = values[:input_size]
    axis = adaptive_windows((input_size,), output_size).axes[0]
    pooled = pool.adaptive(x[None, :, None], output_size)[0, :, 0]

    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(7, 2.2 + 0.3 * output_size), sharex=True, height_ratios=(2, 1 + 0.3 * output_size)
    )
    top.bar(np.arange(input_size), x, width=0.9, color="tab:blue")
    top.set_ylabel("input value")
    top.set_title(f"adaptive {mode} pooling: {input_size} inputs -> {output_size} outputs")
    for i, (start, stop, value) in enumerate(zip(axis.starts, axis.stops, pooled)):
        bottom.barh(i, stop - start - 0.1, left=start - 0.45, height=0.7, color="tab:orange", alpha=0.7)
        bottom.text(stop - 0.4, i, f" {value:.4g}", va="center", fontsize=9)
    bottom.set_yticks(range(output_size), [f"out {i}" for i in range(output_size)])
    bottom.invert_yaxis()
    bottom.set_xticks(range(input_size))
    bottom.set_xlim(-0.6, input_size + 1)
    bottom.set_xlabel("input cell")
    fig.subplots_adjust(
        left=0.12, right=0.97, top=0.9, bottom=0.3 / fig.get_size_inches()[1] + 0.08, hspace=0.08
    )

    rows = "".join(
        f"<tr><td>out {i}</td><td>{start} .. {stop - 1}</td><td>{stop - start}</td><td>{value:.4g}</td></tr>"
        for i, (start, stop, value) in enumerate(zip(axis.starts, axis.stops, pooled))
    )
    readout = (
        f"cell <i>i</i> reads inputs floor(<i>i</i>&middot;{input_size}/{output_size}) .. "
        f"ceil((<i>i</i>+1)&middot;{input_size}/{output_size}) &minus; 1"
        f"<table><tr><th>output</th><th>input cells</th><th>count</th><th>{mode}</th></tr>{rows}</table>"
    )
    return fig, {"readout": readout, "starts": axis.starts, "stops": axis.stops, "pooled": pooled}


def adaptive_pooling_explorer(
    values: np.ndarray | None = None, input_size: int = 10, output_size: int = 4, mode: str = "max"
) -> PoolWidget:
    """Choose an input size, an output size and a mode; see the adaptive windows.

    Parameters
    ----------
    values : ndarray, shape (n,), optional
        The input; defaults to :func:`default_values`. The input size slider
        goes up to ``n``, the output size slider to :data:`MAX_SIZE`.
    input_size, output_size : int
        Starting values of the sliders.
    mode : {'max', 'avg'}

    Returns
    -------
    PoolWidget
        Controls ``input_size``, ``output_size`` and ``mode``.

    Examples
    --------
    >>> w = adaptive_pooling_explorer(np.arange(8.0), input_size=8, output_size=2)
    >>> w.state["starts"], w.state["stops"]
    ((0, 4), (4, 8))
    >>> w.controls["output_size"].value = 3
    >>> w.state["starts"], w.state["stops"]
    ((0, 2, 5), (3, 6, 8))
    """
    values = default_values() if values is None else array_of_rank(values, "values", 1)
    # Start values are checked like the sliders' range, never clamped into it.
    controls = {
        "input_size": int_slider("input size", input_size, 1, len(values), continuous_update=False),
        "output_size": int_slider("output size", output_size, 1, MAX_SIZE, continuous_update=False),
        "mode": mode_toggle(mode),
    }

    def render(input_size: int, output_size: int, mode: str) -> tuple[Figure, dict]:
        return render_adaptive(values, input_size, output_size, mode)

    return build_widget(render, controls, title="Adaptive pooling windows")
