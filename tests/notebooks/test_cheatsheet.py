"""Every formula and example of notebooks/cheatsheet.md, read from the sheet and checked against Keras.

The sheet is parsed, not copied: each table row's formulas are the code spans
in its cells, evaluated for many settings and compared with what Keras
computes (shapes from ``compute_output_shape``, values from the layers,
gradients from ``tf.GradientTape``). PyTorch is not installed, so its rows are
compared with Keras compositions and with ``poolutils.porting``, the course's
NumPy form of PyTorch's documented rules (itself checked against Keras in
tests/test_porting.py). A row the tests do not know, or a row the sheet lost,
fails the test that reads its table.
"""

import ast
import math
import re
from pathlib import Path

import numpy as np
import pytest

from poolutils import same_padding
from poolutils.porting import torch_avg_pool, torch_divisors, torch_max_pool, torch_output_size, torch_padding

SHEET = Path(__file__).resolve().parents[2] / "notebooks" / "cheatsheet.md"
FUNCTIONS = {"floor": math.floor, "ceil": math.ceil, "max": max, "min": min}

# Every input length up to 9, window up to 4, stride up to 4; PyTorch's padding at most half the window.
SETTINGS = [(n, k, s) for n in range(1, 10) for k in range(1, 5) for s in range(1, 5) if k <= n]
TORCH_SETTINGS = [
    (n, k, s, p)
    for n in range(1, 10)
    for k in range(1, 5)
    for s in range(1, 5)
    for p in range(k // 2 + 1)
    if k <= n + 2 * p
]
# The value checks of the porting table run whole layers, so on a smaller grid: maps up to 6x6, windows up to 3.
PORT_SETTINGS = [(n, k, s, p) for n, k, s, p in TORCH_SETTINGS if n <= 6 and k <= min(n, 3) and s <= 3]


def section(number: int) -> str:
    """The text of the sheet's section ``number`` (from its heading to the next one)."""
    parts = re.split(r"^## ", SHEET.read_text(encoding="utf-8"), flags=re.M)
    (text,) = [part for part in parts if part.startswith(f"{number}. ")]
    return text


def table(number: int) -> list[list[str]]:
    """The rows of the first table in section ``number``, as lists of cell texts (header dropped)."""
    lines = [line for line in section(number).splitlines() if line.startswith("|")]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    assert rows and set(rows[1][0]) <= set("-:"), f"section {number} has no table"
    return rows[2:]


def spans(cell: str) -> list[str]:
    """The code spans of a table cell."""
    return re.findall(r"`([^`]+)`", cell)


def formula(text: str):
    """A sheet formula as a function of its variables (n, k, s, p, d, out, before, start, stop)."""
    code = compile(text, "<cheatsheet>", "eval")

    def evaluate(**values):
        return eval(
            code, {"__builtins__": {}, **FUNCTIONS}, values
        )  # the sheet is our own file, with no builtins

    return evaluate


def rows_by_label(number: int) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table(number)}


def check_labels(found: dict, expected: set) -> None:
    assert set(found) == expected, (
        f"rows the test does not know or that the sheet lost: {set(found) ^ expected}"
    )


# 1. Output size ------------------------------------------------------------------------------


def keras_length(keras, n, k, s, padding):
    return keras.layers.MaxPooling1D(k, s, padding=padding).compute_output_shape((1, n, 1))[1]


def test_output_size_rows_are_all_known():
    check_labels(
        rows_by_label(1),
        {
            "Keras `padding='valid'`",
            "the same, rounded-up form",
            "Keras `padding='same'`",
            "PyTorch `padding=p`",
            "PyTorch `ceil_mode=True`",
            "PyTorch `MaxPool` with `dilation=d`",
        },
    )


def test_keras_output_sizes(keras):
    rows = rows_by_label(1)
    valid = formula(spans(rows["Keras `padding='valid'`"][0])[0])
    rounded_up = formula(spans(rows["the same, rounded-up form"][0])[0])
    same = formula(spans(rows["Keras `padding='same'`"][0])[0])
    for n, k, s in SETTINGS:
        assert valid(n=n, k=k, s=s) == rounded_up(n=n, k=k, s=s) == keras_length(keras, n, k, s, "valid"), (
            n,
            k,
            s,
        )
        assert same(n=n, k=k, s=s) == keras_length(keras, n, k, s, "same"), (n, k, s)
    # 'same' does not depend on the window: even a window longer than the input gives ceil(n / s).
    assert keras_length(keras, 3, 5, 2, "same") == same(n=3, k=5, s=2) == 2


def test_pytorch_output_sizes(keras):
    rows = rows_by_label(1)
    floor_mode = formula(spans(rows["PyTorch `padding=p`"][0])[0])
    rounded, exception = map(formula, spans(rows["PyTorch `ceil_mode=True`"][0]))
    for n, k, s, p in TORCH_SETTINGS:
        out = floor_mode(n=n, k=k, s=s, p=p)
        assert out == torch_output_size(n, k, s, p) == keras_length(keras, n + 2 * p, k, s, "valid"), (
            n,
            k,
            s,
            p,
        )
        out = rounded(n=n, k=k, s=s, p=p)
        out -= bool(exception(out=out, n=n, s=s, p=p))
        before, after = torch_padding(n, k, s, p, ceil_mode=True)
        assert out == torch_output_size(n, k, s, p, ceil_mode=True), (n, k, s, p)
        assert out == keras_length(keras, before + n + after, k, s, "valid"), (n, k, s, p)


def test_axes_follow_the_rule_separately(keras):
    # "a 2-D layer applies the rule to height and width separately"; batch and channels pass through.
    same = formula(spans(rows_by_label(1)["Keras `padding='same'`"][0])[0])
    valid = formula(spans(rows_by_label(1)["Keras `padding='valid'`"][0])[0])
    layer = keras.layers.MaxPooling2D(pool_size=(2, 3), strides=(2, 2), padding="same")
    assert layer.compute_output_shape((8, 7, 9, 3)) == (8, same(n=7, k=2, s=2), same(n=9, k=3, s=2), 3)
    layer = keras.layers.MaxPooling2D(pool_size=(2, 3), strides=(1, 3))
    assert layer.compute_output_shape((8, 7, 9, 3)) == (8, valid(n=7, k=2, s=1), valid(n=9, k=3, s=3), 3)


def test_dilated_output_size():
    import tensorflow as tf

    dilated = formula(spans(rows_by_label(1)["PyTorch `MaxPool` with `dilation=d`"][0])[0])
    for n, k, s in SETTINGS:
        for d in (1, 2, 3):
            if d * (k - 1) + 1 > n:
                continue
            x = tf.zeros((1, n, 1))
            stride_one = tf.nn.pool(x, [k], "MAX", strides=[1], padding="VALID", dilations=[d])
            assert dilated(n=n, k=k, s=s, p=0, d=d) == stride_one[:, ::s].shape[1], (n, k, s, d)


# 2. Where the padding goes -------------------------------------------------------------------


def test_padding_rows_are_all_known():
    check_labels(
        rows_by_label(2),
        {"Keras `'same'`", "PyTorch `padding=p`", "PyTorch `padding=p, ceil_mode=True`"},
    )


def test_same_padding_places_windows_like_keras(keras):
    before_text, after_text = (spans(cell)[0] for cell in rows_by_label(2)["Keras `'same'`"])
    before_of, after_of = formula(before_text), formula(after_text)
    rng = np.random.default_rng(0)
    for n, k, s in [*SETTINGS, (3, 5, 2), (2, 4, 1)]:  # and windows longer than the input
        before = before_of(n=n, k=k, s=s)
        after = after_of(n=n, k=k, s=s, before=before)
        x = rng.permutation(n).astype(np.float32).reshape(1, n, 1) - n / 2  # distinct values, some negative
        padded = keras.ops.pad(x, [(0, 0), (before, after), (0, 0)], constant_values=-np.inf)
        explicit = np.asarray(keras.layers.MaxPooling1D(k, s)(padded))
        np.testing.assert_array_equal(
            explicit, keras.layers.MaxPooling1D(k, s, padding="same")(x), err_msg=str((n, k, s))
        )
        assert (before, after) == same_padding(n, k, s)


def test_same_puts_the_odd_cell_after(keras):
    # 6 cells, window 3, stride 2: one padding cell; Keras' windows end at cells 2, 4, 5, so it is after.
    before_text, after_text = (spans(cell)[0] for cell in rows_by_label(2)["Keras `'same'`"])
    before = formula(before_text)(n=6, k=3, s=2)
    assert (before, formula(after_text)(n=6, k=3, s=2, before=before)) == (0, 1)
    last_cell = np.asarray(keras.layers.MaxPooling1D(3, 2, padding="same")(np.arange(6.0).reshape(1, 6, 1)))
    assert last_cell[0, :, 0].tolist() == [2, 4, 5]


def test_pytorch_padding(keras):
    rows = rows_by_label(2)
    assert spans(rows["PyTorch `padding=p`"][0]) == spans(rows["PyTorch `padding=p`"][1]) == ["p"]
    assert spans(rows["PyTorch `padding=p, ceil_mode=True`"][0]) == ["p"]
    after_of = formula(spans(rows["PyTorch `padding=p, ceil_mode=True`"][1])[0])
    rng = np.random.default_rng(1)
    for n, k, s, p in TORCH_SETTINGS:
        for ceil in (False, True):
            out = torch_output_size(n, k, s, p, ceil_mode=ceil)
            after = after_of(out=out, n=n, k=k, s=s, p=p) if ceil else p
            assert (p, after) == torch_padding(n, k, s, p, ceil_mode=ceil), (n, k, s, p, ceil)
            x = rng.standard_normal((1, n, 1)).astype(np.float32)
            padded = keras.ops.pad(x, [(0, 0), (p, after), (0, 0)], constant_values=-np.inf)
            keras_out = np.asarray(keras.layers.MaxPooling1D(k, s)(padded))
            np.testing.assert_array_equal(
                torch_max_pool(x, k, s, p, ceil_mode=ceil), keras_out, err_msg=str((n, k, s, p))
            )


def test_padding_notes(keras):
    section_text = section(2)
    # "'same' equals PyTorch's padding=1 for a 3x3/2 pool only on odd lengths"
    assert "only on odd lengths" in section_text
    rng = np.random.default_rng(4)
    for n in range(3, 12):
        x = rng.standard_normal((1, n, n, 1)).astype(np.float32)
        same = np.asarray(keras.layers.MaxPooling2D(3, 2, padding="same")(x))
        pad1 = torch_max_pool(x, 3, 2, padding=1)
        agree = same.shape == pad1.shape and np.array_equal(same, pad1)
        assert agree == (n % 2 == 1), n
    # "Zero padding then 'valid' is the same only when no value is negative, e.g. after a ReLU"
    assert "only when no value is negative" in section_text
    x = np.array([[-1, -2, -3, -4]] * 4, dtype=np.float32)[None, :, :, None]
    zero_padded = np.asarray(keras.layers.MaxPooling2D(3, 2)(keras.layers.ZeroPadding2D(1)(x)))
    assert (zero_padded == 0).any() and (torch_max_pool(x, 3, 2, padding=1) < 0).all()
    relu = np.maximum(x + 3, 0)
    np.testing.assert_array_equal(
        keras.layers.MaxPooling2D(3, 2)(keras.layers.ZeroPadding2D(1)(relu)),
        torch_max_pool(relu, 3, 2, padding=1),
    )


# 3. Divisors ---------------------------------------------------------------------------------


def divisor_rows():
    rows = rows_by_label(3)
    check_labels(
        rows,
        {
            "Keras, any padding",
            "PyTorch `count_include_pad=True` (default)",
            "PyTorch `count_include_pad=False`",
            "PyTorch `divisor_override=D`",
            "`ZeroPadding` then `'valid'` average",
        },
    )
    return {label: spans(cells[0])[0] for label, cells in rows.items()}


def test_keras_divisor(keras):
    real_cells = formula(divisor_rows()["Keras, any padding"])
    rng = np.random.default_rng(2)
    for n, k, s in SETTINGS:
        for padding in ("valid", "same"):
            before = same_padding(n, k, s)[0] if padding == "same" else 0
            x = rng.standard_normal((1, n, 1)).astype(np.float32)
            averages = np.asarray(keras.layers.AveragePooling1D(k, s, padding=padding)(x))[0, :, 0]
            for i, average in enumerate(averages):
                start = i * s - before
                divisor = real_cells(n=n, start=start, stop=start + k)
                window_sum = x[0, max(start, 0) : start + k, 0].sum()
                np.testing.assert_allclose(
                    average * divisor, window_sum, rtol=1e-5, atol=1e-5, err_msg=str((n, k, s, padding, i))
                )


def test_zero_padding_divisor(keras):
    # ZeroPadding then a 'valid' average divides by k: times k it gives the window sums.
    assert divisor_rows()["`ZeroPadding` then `'valid'` average"] == "k"
    x = np.array([1, 3, 2, 9, 5], dtype=np.float32).reshape(1, 5, 1)
    averages = np.asarray(keras.layers.AveragePooling1D(3, 2)(keras.layers.ZeroPadding1D(1)(x)))[0, :, 0]
    np.testing.assert_allclose(averages * 3, [0 + 1 + 3, 3 + 2 + 9, 9 + 5 + 0], rtol=1e-6)


def test_pytorch_divisors():
    rows = divisor_rows()
    include = formula(rows["PyTorch `count_include_pad=True` (default)"])
    exclude = formula(rows["PyTorch `count_include_pad=False`"])
    for n, k, s, p in TORCH_SETTINGS:
        for ceil in (False, True):
            count = torch_output_size(n, k, s, p, ceil_mode=ceil)
            starts = [i * s - p for i in range(count)]
            assert [include(n=n, p=p, start=a, stop=a + k) for a in starts] == torch_divisors(
                (n,), k, s, p, ceil
            ).tolist(), (n, k, s, p, ceil)
            assert [exclude(n=n, start=a, stop=a + k) for a in starts] == torch_divisors(
                (n,), k, s, p, ceil, count_include_pad=False
            ).tolist(), (n, k, s, p, ceil)


def test_divisor_override_row(keras):
    assert divisor_rows()["PyTorch `divisor_override=D`"] == "D"
    x = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 6], [3, 5, 7, 2]], dtype=np.float32)[None, :, :, None]
    for divisor in (1, 3):
        ported = keras_divisor_override(keras, x, 2, 2, divisor)
        np.testing.assert_allclose(ported[0, :, :, 0], np.array([[15, 19], [14, 23]]) / divisor, rtol=1e-6)


# 4. Gradients --------------------------------------------------------------------------------


def gradient_rows():
    rows = rows_by_label(4)
    assert len(rows) == 7, "the gradient table changed: update this count with the rows"
    return rows


@pytest.mark.parametrize("label", list(gradient_rows()))
def test_gradient_examples(keras, label):
    import tensorflow as tf

    layer_text = spans(label)[0]
    example = gradient_rows()[label][1]
    x_text, dx_text = (part.strip().strip("`") for part in example.split("→"))
    x = np.array(ast.literal_eval(x_text), dtype=np.float32)
    layer = eval(
        layer_text, {"__builtins__": {}}, vars(keras.layers)
    )  # the sheet is our own file, with no builtins
    xt = tf.constant(x[None, ..., None])
    with tf.GradientTape() as tape:
        tape.watch(xt)
        total = tf.reduce_sum(layer(xt))  # dy all ones
    dx = tape.gradient(total, xt).numpy()[0, ..., 0]
    np.testing.assert_allclose(dx, ast.literal_eval(dx_text), atol=1e-4, err_msg=label)


def test_numerical_check_at_a_tie(keras):
    # Central differences give each tied cell half a slope: not "first" (1, 0, 0), "split" (1/3) or "every" (1).
    assert "half a slope" in section(4)
    x = np.array([[5, 5], [5, 1]], dtype=np.float32)[None, :, :, None]
    layer, h = keras.layers.MaxPooling2D(2), np.float32(0.25)
    numeric = np.zeros((2, 2))
    for i, j in np.ndindex(2, 2):
        up, down = x.copy(), x.copy()
        up[0, i, j, 0] += h
        down[0, i, j, 0] -= h
        numeric[i, j] = (np.asarray(layer(up)).sum() - np.asarray(layer(down)).sum()) / (2 * h)
    assert numeric.tolist() == [[0.5, 0.5], [0.5, 0.0]]


# 5. PyTorch -> Keras -------------------------------------------------------------------------


def keras_divisor_override(keras, x, k, s, divisor):
    return np.asarray(keras.layers.AveragePooling2D(k, s)(x)) * (k * k / divisor)


def padded(keras, x, pads, value):
    return keras.ops.pad(x, [(0, 0), pads, pads, (0, 0)], constant_values=value)


# Each port reads the Keras cell of its row: ``keras_side(i, **names)`` evaluates the cell's i-th code
# span (a layer, a padding amount, a factor), so a change to the sheet's Keras column changes the check.
# It returns (PyTorch's rule, the Keras port), or None where the row's condition excludes the setting.


def port_max(keras, keras_side, x, n, k, s, p):
    layer = keras_side(3, k=k, s=s)
    pad_value = keras_side(2)
    ported = layer(padded(keras, x, (p, p), pad_value))
    relu = np.maximum(x, 0)  # "after a ReLU, ZeroPadding2D(p) works too"
    np.testing.assert_array_equal(layer(keras_side(4, p=p)(relu)), torch_max_pool(relu, k, s, p))
    return torch_max_pool(x, k, s, p), ported


def port_max_plain(keras, keras_side, x, n, k, s, p):
    return torch_max_pool(x, k, s), keras_side(0, k=k, s=s)(x)


def port_max_ceil(keras, keras_side, x, n, k, s, p):
    pads = (keras_side(0, p=p), keras_side(1, n=n, k=k, s=s, p=p))
    ported = keras.layers.MaxPooling2D(k, s)(padded(keras, x, pads, -np.inf))
    return torch_max_pool(x, k, s, p, ceil_mode=True), ported


def port_avg(keras, keras_side, x, n, k, s, p):
    return torch_avg_pool(x, k, s, p), keras_side(1, k=k, s=s)(keras_side(0, p=p)(x))


def port_avg_exclude(keras, keras_side, x, n, k, s, p):
    sums = keras.layers.AveragePooling2D(k, s)(keras.layers.ZeroPadding2D(p)(x))
    ones = keras.layers.AveragePooling2D(k, s)(keras.layers.ZeroPadding2D(p)(np.ones_like(x)))
    return torch_avg_pool(x, k, s, p, count_include_pad=False), np.asarray(sums) / np.asarray(ones)


def port_avg_ceil(keras, keras_side, x, n, k, s, p):
    # The sheet's condition: 'same' pads nothing before, and both make ceil(n / s) windows.
    if same_padding(n, k, s)[0] != 0 or torch_output_size(n, k, s, ceil_mode=True) != keras_side(1, n=n, s=s):
        return None
    return torch_avg_pool(x, k, s, ceil_mode=True), keras_side(0, k=k, s=s)(x)


def port_divisor_override(keras, keras_side, x, n, k, s, p):
    divisor = 5
    windows = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(1, 2))[:, ::s, ::s]
    documented = windows.sum(axis=(-2, -1)) / divisor  # "it will be used as divisor"
    return documented, np.asarray(keras_side(0, k=k, s=s)(x)) * keras_side(1, k=k, D=divisor)


def port_dilation(keras, keras_side, x, n, k, s, p):
    d = 2
    if d * (k - 1) + 1 > n:
        return None
    out = (n - d * (k - 1) - 1) // s + 1
    span = d * (k - 1) + 1  # the window reads cells start, start + d, ..., start + span - 1
    documented = np.stack(
        [
            np.stack(
                [
                    x[:, i * s : i * s + span : d, j * s : j * s + span : d, :].max(axis=(1, 2))
                    for j in range(out)
                ],
                1,
            )
            for i in range(out)
        ],
        1,
    )
    every = keras_side(1, s=s)  # "then every s-th output"
    return documented, np.asarray(keras_side(0, x=x, k=k, d=d))[:, ::every, ::every]


def port_adaptive(keras, keras_side, x, n, k, s, p):
    return keras.layers.AdaptiveAveragePooling2D(1)(x), keras_side(0)(x)


def port_adaptive_flatten(keras, keras_side, x, n, k, s, p):
    adaptive = keras.layers.Flatten()(keras.layers.AdaptiveAveragePooling2D(1)(x))
    return adaptive, keras_side(0)(x)


def port_flatten(keras, keras_side, x, n, k, s, p):
    torch_flatten = x.transpose(0, 3, 1, 2).reshape(x.shape[0], -1)  # torch.flatten(x, 1) of the NCHW map
    return torch_flatten, keras_side(1)(keras_side(0)(x))


PORTS = {
    "`MaxPool2d(k, s)`": port_max_plain,
    "`MaxPool2d(k, s, padding=p)`": port_max,
    "`MaxPool2d(k, s, padding=p, ceil_mode=True)`": port_max_ceil,
    "`AvgPool2d(k, s, padding=p)`": port_avg,
    "`AvgPool2d(k, s, padding=p, count_include_pad=False)`": port_avg_exclude,
    "`AvgPool2d(k, s, ceil_mode=True)`": port_avg_ceil,
    "`AvgPool2d(k, s, divisor_override=D)`": port_divisor_override,
    "`MaxPool2d(k, s, dilation=d)`": port_dilation,
    "`AdaptiveAvgPool2d(1)`": port_adaptive,
    "`AdaptiveAvgPool2d(1)`, then `flatten(x, 1)`": port_adaptive_flatten,
    "`nn.Flatten()` on an NCHW map": port_flatten,
}


def test_porting_rows_are_all_checked():
    check_labels(rows_by_label(5), set(PORTS))


def test_ceil_mode_example_meets_its_condition():
    # The sheet's example for AvgPool2d(k, s, ceil_mode=True): k = 3, s = 2 on an even n.
    assert spans(rows_by_label(5)["`AvgPool2d(k, s, ceil_mode=True)`"][0])[2:4] == ["k = 3", "s = 2"]
    for n in (4, 6, 8, 224):
        assert same_padding(n, 3, 2)[0] == 0 and torch_output_size(n, 3, 2, ceil_mode=True) == math.ceil(
            n / 2
        )


def test_count_include_pad_false_row():
    # The one row without code: its words name the ratio that port_avg_exclude computes.
    cell = rows_by_label(5)["`AvgPool2d(k, s, padding=p, count_include_pad=False)`"][0]
    assert cell == "that result divided by the same layers applied to a map of ones"


@pytest.mark.parametrize("label", list(PORTS))
def test_porting_row(keras, label):
    rng = np.random.default_rng(3)
    checked = 0
    import tensorflow as tf

    cell = spans(rows_by_label(5)[label][0])
    names = {
        **vars(keras.layers),
        **FUNCTIONS,
        "ops": keras.ops,
        "tf": tf,
        "torch_padding": torch_padding,
        "inf": np.inf,
    }

    def keras_side(i, **values):
        return eval(
            cell[i], {"__builtins__": {}, **names}, values
        )  # the sheet is our own file, with no builtins

    for n, k, s, p in PORT_SETTINGS:
        x = rng.standard_normal((2, n, n, 3)).astype(np.float32)
        pair = PORTS[label](keras, keras_side, x, n, k, s, p)
        if pair is None:
            continue
        expected, ported = (np.asarray(a) for a in pair)
        assert expected.shape == ported.shape, (label, n, k, s, p)
        np.testing.assert_allclose(ported, expected, rtol=1e-5, atol=1e-5, err_msg=str((label, n, k, s, p)))
        checked += 1
    assert checked >= 20, f"{label}: only {checked} settings checked"
