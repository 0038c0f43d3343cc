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


def test_shift_images_moves_content_and_fills_with_zero(keras):
    x, _ = cnn.make_shapes(4, seed=0)
    moved = cnn.shift_images(x, 3, -2)
    # Keras' RandomTranslation with a fixed factor and constant fill is the same operation.
    layer = keras.layers.RandomTranslation((3 / 24, 3 / 24), (-2 / 24, -2 / 24), fill_mode="constant")
    np.testing.assert_allclose(moved, np.asarray(layer(x, training=True)), atol=1e-6)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="kind"):
        cnn.shape_mask("star", 24, (12, 12), 4)
    with pytest.raises(ValueError, match="size"):
        cnn.make_shapes(4, size=8)
    with pytest.raises(ValueError, match="jitter"):
        cnn.make_shapes(4, jitter=20)
    with pytest.raises(ValueError, match="shift"):
        cnn.shift_images(np.zeros((1, 4, 4, 1)), 4, 0)
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
    heads = {
        "flatten": keras.layers.Flatten,
        "gap": keras.layers.GlobalAveragePooling2D,
        "gmp": keras.layers.GlobalMaxPooling2D,
    }
    assert isinstance(model.get_layer("head"), heads[head])


def test_pooling_adds_no_parameters_and_gap_head_is_much_smaller():
    params = {v: cnn.build_model(v).count_params() for v in cnn.VARIANTS}
    heads = {v: cnn.build_model(v).get_layer("logits").count_params() for v in cnn.VARIANTS}
    # A strided convolution replaces a pooling layer at no cost in weights.
    assert params["max pool + GAP"] == params["avg pool + GAP"] == params["strided conv + GAP"]
    assert heads["max pool + flatten"] > 20 * heads["max pool + GAP"]


def test_feature_maps_after_max_pooling_match_poolutils():
    import poolutils as pu

    model = cnn.build_model("max pool + GAP")
    image = cnn.make_shapes(1, seed=0)[0][0]
    before, after = cnn.feature_maps(model, image, ["conv1", "down1"])
    np.testing.assert_allclose(after, pu.max_pool(before[None], 2)[0], atol=1e-6)


def test_train_and_evaluate_reports_a_row():
    train, test = cnn.make_shapes(64, seed=0), cnn.make_shapes(16, seed=1)
    model, row = cnn.train_and_evaluate("max pool + GAP", train, test, epochs=1)
    assert row["params"] == model.count_params()
    assert 0 <= row["test_acc"] <= 1 and set(row["shifted_acc"]) == {2, 4}
    assert all(0 <= acc <= 1 for acc in row["shifted_acc"].values())
    assert "max pool + GAP" in cnn.results_table([row])
