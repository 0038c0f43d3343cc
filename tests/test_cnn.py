"""The generated shapes data and the model variants of notebook 07."""

import numpy as np
import pytest

from poolutils import cnn


def test_make_shapes_is_seeded_balanced_and_in_range():
    x, y = cnn.make_shapes(40, seed=3)
    x2, y2 = cnn.make_shapes(40, seed=3)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(x, cnn.make_shapes(40, seed=4)[0])
    assert np.bincount(y).tolist() == [10] * len(cnn.SHAPES)
    assert x.shape == (40, 24, 24, 1) and x.dtype == np.float32
    # Shapes are bright on a dark background: every image has a blob of pixels near 1.
    assert ((x > 0.5).sum(axis=(1, 2, 3)) >= 9).all()


def test_jitter_keeps_shapes_near_the_centre():
    x, _ = cnn.make_shapes(40, seed=0, noise=0.0, jitter=0)
    rows, cols = np.nonzero(x[..., 0].max(axis=0))
    assert rows.min() > 3 and cols.min() > 3 and rows.max() < 20 and cols.max() < 20


@pytest.mark.parametrize("kind", cnn.SHAPES)
def test_shape_masks_differ_from_each_other(kind):
    mask = cnn.shape_mask(kind, 24, (11.5, 11.5), 4.5)
    assert mask.any()
    for other in cnn.SHAPES:
        if other != kind:
            assert not np.array_equal(mask, cnn.shape_mask(other, 24, (11.5, 11.5), 4.5))


def test_shift_crops_move_the_content_and_invent_no_pixel(keras):
    canvas, _ = cnn.make_shapes(4, seed=0, margin=4)
    centre, moved = cnn.shift_crops(canvas, 0, 0, 4), cnn.shift_crops(canvas, 3, -2, 4)
    assert centre.shape == moved.shape == (4, 24, 24, 1)
    # Inside the overlap, Keras' RandomTranslation (fixed factor) moves the centre crop the same way.
    layer = keras.layers.RandomTranslation((3 / 24, 3 / 24), (-2 / 24, -2 / 24), fill_mode="constant")
    np.testing.assert_allclose(
        moved[:, 3:, :-2], np.asarray(layer(centre, training=True))[:, 3:, :-2], atol=1e-6
    )
    # ... and where Keras fills in zeros, the crop shows the canvas's own noisy background.
    assert (moved[:, :3] != 0).all()


def test_make_shapes_margin_only_adds_background():
    small, labels = cnn.make_shapes(40, seed=0, noise=0.0)
    canvas, same_labels = cnn.make_shapes(40, seed=0, noise=0.0, margin=3)
    np.testing.assert_array_equal(labels, same_labels)
    np.testing.assert_array_equal(cnn.shift_crops(canvas, 0, 0, 3), small)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="kind"):
        cnn.shape_mask("star", 24, (12, 12), 4)
    with pytest.raises(ValueError, match="size"):
        cnn.make_shapes(4, size=8)
    with pytest.raises(ValueError, match="jitter"):
        cnn.make_shapes(4, jitter=20)
    with pytest.raises(ValueError, match=r"rows.*margin"):
        cnn.shift_crops(np.zeros((1, 8, 8, 1)), 3, 0, 2)
    with pytest.raises(ValueError, match="variant"):
        cnn.build_model("max pool + attention")


@pytest.mark.parametrize("variant", cnn.VARIANTS)
def test_models_build_with_the_promised_layers(keras, variant):
    model = cnn.build_model(variant)
    assert model.output_shape == (None, len(cnn.SHAPES))
    names = [layer.name for layer in model.layers]
    down, head = cnn.VARIANTS[variant]
    assert ("down1" in names) == (down != "strided")
    kinds = {"max": keras.layers.MaxPooling2D, "avg": keras.layers.AveragePooling2D}
    if down in kinds:
        assert isinstance(model.get_layer("down1"), kinds[down])
    if down == "blur":
        block = model.get_layer("down1")
        assert [type(layer) for layer in block.layers] == [
            keras.layers.MaxPooling2D,
            keras.layers.DepthwiseConv2D,
        ]
        assert block.layers[0].strides == (1, 1) and block.layers[1].strides == (2, 2)
    heads = {
        "flatten": keras.layers.Flatten,
        "gap": keras.layers.GlobalAveragePooling2D,
        "gmp": keras.layers.GlobalMaxPooling2D,
    }
    assert isinstance(model.get_layer("head"), heads[head])


def test_pooling_adds_no_parameters_and_gap_head_is_much_smaller():
    params = {v: cnn.build_model(v).count_params() for v in cnn.VARIANTS}
    heads = {v: cnn.build_model(v).get_layer("logits").count_params() for v in cnn.VARIANTS}
    trainable = {
        v: sum(int(np.prod(w.shape)) for w in cnn.build_model(v).trainable_weights) for v in cnn.VARIANTS
    }
    # A strided convolution replaces a pooling layer at no cost in weights; blur pooling's kernel is frozen.
    assert params["max pool + GAP"] == params["avg pool + GAP"] == params["strided conv + GAP"]
    assert trainable["blur pool + GAP"] == trainable["max pool + GAP"] == params["max pool + GAP"]
    assert params["blur pool + GAP"] == params["max pool + GAP"] + 9 * (16 + 32)
    assert heads["max pool + flatten"] > 20 * heads["max pool + GAP"]


def test_feature_maps_after_max_pooling_match_poolutils():
    import poolutils as pu

    model = cnn.build_model("max pool + GAP")
    image = cnn.make_shapes(1, seed=0)[0][0]
    before, after = cnn.feature_maps(model, image, ["conv1", "down1"])
    np.testing.assert_allclose(after, pu.max_pool(before[None], 2)[0], atol=1e-6)


def test_blur_pooling_in_the_model_is_blur_pool(rng):
    from poolutils.antialias import blur_pool

    model = cnn.build_model("blur pool + GAP")
    maps = rng.random((2, 24, 24, 16)).astype(np.float32)
    np.testing.assert_allclose(
        np.asarray(model.get_layer("down1")(maps)), blur_pool(maps), rtol=1e-5, atol=1e-6
    )


def test_train_and_evaluate_reports_a_row(capsys):
    train, test = cnn.make_shapes(64, seed=0), cnn.make_shapes(16, seed=1, margin=4)
    model, row = cnn.train_and_evaluate("blur pool + GAP", train, test, epochs=1, verbose=True)
    assert row["params"] == sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert 0 <= row["test_acc"] <= 1 and set(row["shifted_acc"]) == {1, 2, 3, 4}
    assert all(0 <= acc <= 1 for acc in row["shifted_acc"].values())
    assert 0 <= row["consistency"] <= 1
    assert "blur pool + GAP" in cnn.results_table([row])
    # One progress line: the name, the seed, the seconds and the accuracy.
    line = capsys.readouterr().out.strip()
    assert line.startswith("blur pool + GAP") and " s, test accuracy " in line and "\n" not in line


def test_train_and_evaluate_wants_canvases_for_its_shifts():
    train, test = cnn.make_shapes(8, seed=0), cnn.make_shapes(8, seed=1, margin=2)
    with pytest.raises(ValueError, match=r"margin=4.*Received: test images of shape \(28, 28, 1\)"):
        cnn.train_and_evaluate("max pool + GAP", train, test)


def _row(variant, acc, consistency):
    return {
        "variant": variant,
        "test_acc": acc,
        "shifted_acc": {1: acc},
        "consistency": consistency,
        "consistency_correct": consistency,
        "flips_per_error": 1 - consistency,
    }


def test_summarise_gives_the_t_interval_over_seeds():
    rows = [_row("a", acc, 0.9) for acc in (0.7, 0.8, 0.9, 1.0)] + [_row("b", 0.5, 0.5)]
    summary = cnn.summarise(rows)
    mean, half = summary["a"]["test acc"]
    # n = 4: t(0.975, 3) = 3.182 times the standard error std(ddof=1) / 2.
    assert np.isclose(mean, 0.85) and np.isclose(half, 3.182 * np.std([0.7, 0.8, 0.9, 1.0], ddof=1) / 2)
    assert summary["a"]["consistency"] == (0.9, 0.0)
    assert np.isnan(summary["b"]["test acc"][1])  # one seed: no interval
    table = cnn.results_table(rows)
    assert "0.85±0.21" in table and "\nb " in table


def test_summarise_refuses_more_seeds_than_it_has_quantiles_for():
    with pytest.raises(ValueError, match="at most 10 seeds"):
        cnn.summarise([_row("a", 0.5, 0.5)] * 11)


class PositionModel:
    """Predicts from the image's brightest column only: changes class whenever a shift moves that column."""

    def predict(self, x, verbose=0, batch_size=None):
        column = x[..., 0].max(axis=1).argmax(axis=1)
        return np.eye(24)[column]


class BlindModel:
    def predict(self, x, verbose=0, batch_size=None):
        return np.tile([0.0, 1.0], (len(x), 1))


def test_shift_consistency_counts_agreeing_pairs():
    x, _ = cnn.make_shapes(200, seed=2, noise=0.0, margin=4)
    # A model that ignores its input always agrees with itself; one that reads the position rarely does.
    assert cnn.shift_consistency(BlindModel(), x) == 1.0
    position = cnn.shift_consistency(PositionModel(), x, max_shift=4)
    assert position < 0.3
    # With no shift at all, the two copies are the same image.
    assert cnn.shift_consistency(PositionModel(), x, max_shift=0) == 1.0


class LabelModel:
    """Right on the even images, wrong on the odd ones, and on an odd image wrong differently per shift."""

    def __init__(self, labels):
        self.labels = labels

    def predict(self, x, verbose=0, batch_size=None):
        column = x[..., 0].max(axis=1).argmax(axis=1)
        guess = np.where(np.arange(len(x)) % 2 == 0, self.labels, 4 + column % 2)
        return np.eye(8)[guess]


def test_shift_pairs_separate_consistency_from_accuracy():
    x, y = cnn.make_shapes(400, seed=2, noise=0.0, margin=4)
    pairs = cnn.shift_pairs(LabelModel(y), x, y)
    # Every disagreement is on an odd (wrong) image; on the images it gets right it always agrees.
    assert pairs["consistency_correct"] == 1.0
    assert 0.5 < pairs["consistency"] < 1.0
    # Half the copies are wrong; a disagreement needs a wrong copy, so flips per error is at most 2.
    assert np.isclose(pairs["flips_per_error"], (1 - pairs["consistency"]) / 0.5)


def test_random_shifts_are_seeded_and_use_every_offset():
    x = np.zeros((400, 12, 12, 1), dtype=np.float32)
    x[:, 5, 5] = 1
    moved = cnn.random_shifts(x, 2, np.random.default_rng(0))
    assert moved.shape == (400, 8, 8, 1)
    np.testing.assert_array_equal(moved, cnn.random_shifts(x, 2, np.random.default_rng(0)))
    rows, cols = np.nonzero(moved[..., 0])[1:]
    assert set(rows.tolist()) == set(cols.tolist()) == {1, 2, 3, 4, 5}
