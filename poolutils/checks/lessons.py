"""Where the lessons teach each point: a named mistake links back to that section.

A link is relative to ``exercises/`` (where the learner runs the check):
``../notebooks/02_max_pooling.ipynb#'same'-padding-is-not-zero-padding``.
The fragment is the heading's text with spaces turned into dashes, the id
JupyterLab gives a markdown heading; the file part opens on GitHub too.
``tests/test_checks_lessons.py`` checks that every link resolves to a heading.

Examples
--------
>>> lesson_link("2.6", "zero_padding")
"../notebooks/02_max_pooling.ipynb#'same'-padding-is-not-zero-padding"
>>> lesson_link("9.9", "anything") is None
True
"""

from __future__ import annotations

#: Lesson notebook of each exercise notebook number.
NOTEBOOKS = {
    1: "01_output_size.ipynb",
    2: "02_max_pooling.ipynb",
    3: "03_average_pooling.ipynb",
    4: "04_global_pooling.ipynb",
    6: "06_gradients.ipynb",
    8: "08_porting_between_frameworks.ipynb",
}

_SAME_MAX = (2, "'same' padding is not zero padding")
_EDGES = (3, "Edges: what does the average divide by?")
_VALID = (1, "What 'valid' leaves out")
_SAME_SIZE = (1, "'same' padding: $\\lceil n/s \\rceil$")
_FLOOR = (1, "The floor form")
_ONE_WINDOW = (2, "One window at a time")
_OVERLAP = (2, "Overlapping windows")
_BATCHES = (2, "Batches and channels")

#: The section that teaches each exercise's point: the link of a mistake without its own entry.
EXERCISES: dict[str, tuple[int, str]] = {
    "1.1": _FLOOR,
    "1.2": _SAME_SIZE,
    "1.3": _SAME_SIZE,
    "1.4": (1, "Shapes through a small CNN"),
    "1.5": (1, "Batch and channels pass through"),
    "1.6": (1, "Shapes through a small CNN"),
    "1.7": _SAME_SIZE,
    "2.1": _ONE_WINDOW,
    "2.2": _SAME_MAX,
    "2.3": _BATCHES,
    "2.4": _ONE_WINDOW,
    "2.5": _OVERLAP,
    "2.6": _SAME_MAX,
    "2.7": _SAME_MAX,
    "3.1": (3, "The mean of each window"),
    "3.2": _EDGES,
    "3.3": _EDGES,
    "3.4": _EDGES,
    "3.5": (3, "The mean of each window"),
    "3.6": (3, "The mean of each window"),
    "4.1": (4, "One number per channel"),
    "4.2": (4, "Adaptive pooling: choose the output size"),
    "4.3": (4, "Why classifier heads end with global average pooling"),
    "4.4": (4, "Why classifier heads end with global average pooling"),
    "6.1": (6, "Max pooling: the winner takes the gradient"),
    "6.2": (6, "Overlapping windows add up"),
    "6.3": (6, "Average pooling: everybody gets an equal share"),
    "6.4": (6, "Overlapping windows add up"),
    "6.5": (6, "Ties: somebody has to decide"),
    "8.1": (8, "`count_include_pad`: what an average divides by"),
    "8.2": (8, "`count_include_pad`: what an average divides by"),
    "8.3": (8, "`ceil_mode`: rounding the window count up"),
    "8.4": (8, "Symmetric explicit padding"),
    "8.5": (8, "The port that runs and is wrong"),
}

#: Mistakes taught in a section of their own, whichever exercise shows them.
MISTAKES: dict[str, tuple[int, str]] = {
    "zero_padding": _SAME_MAX,
    "running_max_from_zero": _SAME_MAX,
    "extra_cell_before": _SAME_SIZE,
    "unclamped_total": _SAME_SIZE,
    "same_as_valid": _VALID,
    "last_window_missing": _VALID,
    "partial_window_kept": _VALID,
    "no_plus_one": _FLOOR,
    "formula_floored": (1, "A formula that needs rounding"),
    "unrounded_formula": (1, "A formula that needs rounding"),
    "ignores_stride": _OVERLAP,
    "stride_one": _OVERLAP,
    "overlap_assigned": (6, "Overlapping windows add up"),
    "padding_counted": _EDGES,
    "took_max": (3, "Average versus max"),
    "averaged": (3, "Average versus max"),
    "channels_reduced": _BATCHES,
    "channel_axis_dropped": _BATCHES,
    "first_channel_only": _BATCHES,
    "first_item_only": _BATCHES,
    "padding_kept": (6, "'same' padding: nothing flows into the padding"),
    "tie_split": (6, "Ties: somebody has to decide"),
    "tie_all": (6, "Ties: somebody has to decide"),
    "tie_last": (6, "Ties: somebody has to decide"),
    "tie_column_major": (6, "Ties: somebody has to decide"),
}


def anchor(heading: str) -> str:
    """The id JupyterLab gives a markdown heading: its text with spaces turned into dashes."""
    return heading.replace(" ", "-")


def lesson_link(exercise: str, key: str | None) -> str | None:
    """The relative link to the lesson section behind mistake ``key`` in ``exercise``, or None."""
    where = MISTAKES.get(key or "") or EXERCISES.get(exercise)
    if where is None:
        return None
    number, heading = where
    return f"../notebooks/{NOTEBOOKS[number]}#{anchor(heading)}"
