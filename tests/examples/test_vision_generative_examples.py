"""Tiny runs of the DeepDream, style-transfer and filter-visualisation examples, and their losses."""
import hashlib
import os

import numpy as np
import pytest
import torch
from PIL import Image

import lamina
from lamina.applications import vgg16
from lamina.examples import deep_dream, filter_visualization, style_transfer
from lamina.visualization import deprocess_image, filter_pattern


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_deep_dream_raises_its_loss_at_every_octave(tmp_path, empty_cache, capsys):
    output = tmp_path / "dream.png"
    result = deep_dream.main(size=(96, 96), num_octave=2, octave_scale=1.2, iterations=3, output=str(output),
                             verbose=True)
    assert result["weights"] is None
    assert "InceptionV3's ImageNet weights are not in the cache" in capsys.readouterr().out
    assert len(result["losses"]) == 2
    for losses in result["losses"]:
        assert len(losses) == 3 and all(b > a for a, b in zip(losses, losses[1:]))
    assert result["image"].shape == (96, 96, 3)
    assert np.abs(result["image"].astype(int) - result["original"]).mean() > 0.1
    with Image.open(output) as picture:
        assert picture.size == (96, 96)


def test_deep_dream_loss_is_the_books():
    inputs = lamina.Input((None, None, 3))
    a = lamina.layers.Conv2D(2, 3, name="a")(inputs)
    b = lamina.layers.Conv2D(3, 3, strides=2, name="b")(a)
    feature_model = lamina.Model(inputs, [a, b])
    image = torch.rand(1, 16, 16, 3)
    loss = deep_dream.compute_loss(feature_model, image, {"a": 0.5, "b": 2.0})
    a_value, b_value = (t.detach().numpy() for t in feature_model(image))
    expected = sum(c * np.sum(np.square(v[:, 2:-2, 2:-2, :])) / v.size for c, v in ((0.5, a_value), (2.0, b_value)))
    np.testing.assert_allclose(float(loss.detach()), expected, rtol=1e-5)


def test_style_transfer_lowers_its_loss(tmp_path, empty_cache):
    output = tmp_path / "styled.png"
    result = style_transfer.main(size=(32, 32), iterations=4, output=str(output), verbose=False)
    losses = result["losses"]
    assert result["weights"] is None and len(losses) == 4
    assert all(b < a for a, b in zip(losses, losses[1:]))
    with Image.open(output) as picture:
        assert picture.size == (32, 32)


def test_style_transfer_losses_match_numpy():
    rng = np.random.RandomState(0)
    x, y = rng.rand(5, 4, 3).astype("float32"), rng.rand(5, 4, 3).astype("float32")
    features = x.transpose(2, 0, 1).reshape(3, -1)
    np.testing.assert_allclose(style_transfer.gram_matrix(torch.tensor(x)).numpy(), features @ features.T, rtol=1e-5)
    gx, gy = features @ features.T, y.transpose(2, 0, 1).reshape(3, -1) @ y.transpose(2, 0, 1).reshape(3, -1).T
    np.testing.assert_allclose(float(style_transfer.style_loss(torch.tensor(x), torch.tensor(y), 20)),
                               np.sum((gx - gy) ** 2) / (4.0 * 9 * 20 ** 2), rtol=1e-5)
    np.testing.assert_allclose(float(style_transfer.content_loss(torch.tensor(x), torch.tensor(y))),
                               np.sum((y - x) ** 2), rtol=1e-5)
    image = rng.rand(1, 6, 5, 3)
    a = (image[:, :-1, :-1] - image[:, 1:, :-1]) ** 2
    b = (image[:, :-1, :-1] - image[:, :-1, 1:]) ** 2
    np.testing.assert_allclose(float(style_transfer.total_variation_loss(torch.tensor(image))),
                               np.sum((a + b) ** 1.25), rtol=1e-6)


def test_filter_visualization_writes_grids_and_the_books_loop_agrees(tmp_path, empty_cache):
    result = filter_visualization.main(layers=("block1_conv1", "block2_conv1"), filters=3, size=32, steps=3,
                                       output_dir=str(tmp_path), verbose=False)
    assert result["weights"] is None
    assert {k: v.shape for k, v in result["grids"].items()} == {"block1_conv1": (32, 3 * 32 + 2 * 5, 3),
                                                              "block2_conv1": (32, 3 * 32 + 2 * 5, 3)}
    for path in result["paths"]:
        with Image.open(path) as picture:
            assert picture.format == "PNG"
    library = deprocess_image(filter_pattern(result["model"], "block3_conv1", 0, size=32, steps=3, seed=0))
    assert np.abs(library.astype(int) - result["single"]).max() <= 1   # same start, same loop


def test_examples_use_imagenet_weights_when_they_are_cached(keras, tmp_path, empty_cache, monkeypatch):
    """'auto' picks a cached ImageNet file (here a Keras 2 file written from a Keras VGG16)."""
    from keras.src.legacy.saving import legacy_h5_format
    import h5py

    keras.backend.clear_session()
    reference = keras.applications.VGG16(weights=None, include_top=False)
    path = empty_cache / "models" / vgg16.WEIGHTS.no_top
    os.makedirs(path.parent)
    with h5py.File(path, "w") as handle:
        legacy_h5_format.save_weights_to_hdf5_group(handle, reference)
    monkeypatch.setattr(vgg16.WEIGHTS, "no_top_hash", hashlib.md5(path.read_bytes()).hexdigest())
    result = filter_visualization.main(layers=("block1_conv1",), filters=1, size=32, steps=1,
                                       output_dir=str(tmp_path), verbose=False)
    assert result["weights"] == "imagenet"
    for name in ("block1_conv1", "block5_conv3"):
        for got, expected in zip(result["model"].get_layer(name).get_weights(),
                                 reference.get_layer(name).get_weights()):
            np.testing.assert_array_equal(got, expected)
