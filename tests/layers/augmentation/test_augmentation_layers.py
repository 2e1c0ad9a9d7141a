"""Image preprocessing and augmentation layers: deterministic cases against Keras 3 (torch backend), random behaviour,
identity at inference, fit integration, configs and errors."""
import pathlib
import sys

import numpy as np
import pytest
import torch

import lamina
from lamina import layers

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from vision_reference import assert_config_round_trip, assert_same_config_keys  # noqa: E402

RNG = np.random.RandomState(0)
IMAGES = (RNG.rand(3, 7, 6, 2) * 255).astype("float32")


def _both(keras, class_name, kwargs, x, training=True):
    theirs = getattr(keras.layers, class_name)(**kwargs)
    ours = getattr(layers, class_name)(**kwargs)
    expected = keras.ops.convert_to_numpy(theirs(keras.ops.convert_to_tensor(x), training=training))
    got = ours(torch.as_tensor(x), training=training).numpy()
    assert_same_config_keys(theirs, ours)
    return expected, got


# fixed (degenerate) factor ranges make the random layers deterministic, so Keras's output is the reference
AFFINE_CASES = [
    ("RandomRotation", dict(factor=(0.1, 0.1))),
    ("RandomRotation", dict(factor=(-0.3, -0.3))),
    ("RandomZoom", dict(height_factor=(0.3, 0.3), width_factor=(-0.4, -0.4))),
    ("RandomZoom", dict(height_factor=(-0.5, -0.5))),
    ("RandomTranslation", dict(height_factor=(0.2, 0.2), width_factor=(-0.35, -0.35))),
]


@pytest.mark.parametrize("class_name,kwargs", AFFINE_CASES)
@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_augmentations_match_keras(keras, class_name, kwargs, fill_mode, interpolation):
    kwargs = dict(kwargs, fill_mode=fill_mode, interpolation=interpolation, fill_value=7.0)
    expected, got = _both(keras, class_name, kwargs, IMAGES)
    np.testing.assert_allclose(got, expected, atol=1e-3)


@pytest.mark.parametrize("class_name,kwargs", AFFINE_CASES[:1] + AFFINE_CASES[2:3])
def test_affine_augmentations_on_channels_first_and_single_images_match_keras(keras, class_name, kwargs):
    expected, got = _both(keras, class_name, dict(kwargs, data_format="channels_first"), IMAGES.transpose(0, 3, 1, 2))
    np.testing.assert_allclose(got, expected, atol=1e-3)
    expected, got = _both(keras, class_name, kwargs, IMAGES[0])
    np.testing.assert_allclose(got, expected, atol=1e-3)


@pytest.mark.parametrize("class_name,kwargs,x", [
    ("Resizing", dict(height=4, width=3), IMAGES),
    ("Resizing", dict(height=9, width=5), IMAGES),
    ("Resizing", dict(height=4, width=4, interpolation="nearest"), IMAGES),
    ("Resizing", dict(height=5, width=3, interpolation="bicubic"), IMAGES),
    ("Resizing", dict(height=3, width=8, crop_to_aspect_ratio=True), IMAGES),
    ("Resizing", dict(height=3, width=8, pad_to_aspect_ratio=True, fill_value=2.0), IMAGES),
    ("Resizing", dict(height=4, width=3, antialias=True), IMAGES),
    ("Resizing", dict(height=4, width=3, data_format="channels_first"), IMAGES.transpose(0, 3, 1, 2)),
    ("Resizing", dict(height=4, width=3), IMAGES[0]),
    ("CenterCrop", dict(height=4, width=3), IMAGES),
    ("CenterCrop", dict(height=9, width=3), IMAGES),
    ("CenterCrop", dict(height=4, width=4), IMAGES[0]),
    ("CenterCrop", dict(height=3, width=2, data_format="channels_first"), IMAGES.transpose(0, 3, 1, 2)),
    ("Rescaling", dict(scale=1 / 255.0, offset=-0.5), IMAGES),
    ("Rescaling", dict(scale=1 / 127.5, offset=-1), IMAGES.astype("uint8")),
    ("RandomBrightness", dict(factor=(0.1, 0.1)), IMAGES),
    ("RandomBrightness", dict(factor=(-0.3, -0.3), value_range=(0, 100)), IMAGES),
    ("RandomContrast", dict(factor=0.0), IMAGES),
])
def test_deterministic_layers_match_keras(keras, class_name, kwargs, x):
    expected, got = _both(keras, class_name, kwargs, x)
    assert got.shape == expected.shape and got.dtype == np.float32
    np.testing.assert_allclose(got, expected, atol=1e-3)


@pytest.mark.parametrize("layer", [
    layers.RandomFlip(), layers.RandomRotation(0.2), layers.RandomZoom(0.2), layers.RandomTranslation(0.1, 0.1),
    layers.RandomContrast(0.3), layers.RandomBrightness(0.2),
])
def test_random_layers_are_the_identity_at_inference_and_change_training_batches(layer):
    x = torch.as_tensor(IMAGES)
    assert torch.equal(layer(x), x) and torch.equal(layer(x, training=False), x)
    assert not torch.equal(layer(x, training=True), x)


def test_random_flip_flips_each_image_with_probability_one_half_per_axis():
    x = torch.arange(4.0).reshape(1, 2, 2, 1).repeat(400, 1, 1, 1)
    out = layers.RandomFlip("horizontal_and_vertical", seed=0)(x, training=True)
    outcomes = {tuple(image.flatten().tolist()) for image in out}
    assert outcomes == {(0.0, 1.0, 2.0, 3.0), (1.0, 0.0, 3.0, 2.0), (2.0, 3.0, 0.0, 1.0), (3.0, 2.0, 1.0, 0.0)}
    horizontal = layers.RandomFlip("horizontal", seed=1)(x, training=True)
    flipped = (horizontal[:, 0, 0, 0] == 1.0).float().mean()
    assert abs(float(flipped) - 0.5) < 0.1
    assert {tuple(image.flatten().tolist()) for image in horizontal} == {(0.0, 1.0, 2.0, 3.0), (1.0, 0.0, 3.0, 2.0)}


def test_random_rotation_angles_are_drawn_per_image_within_the_factor():
    x = torch.zeros(64, 9, 9, 1)
    x[:, 4, 8] = 1.0  # a dot on the right edge, rotated about the centre
    out = layers.RandomRotation(0.25, interpolation="nearest", fill_mode="constant", seed=0)(x, training=True)
    ys, xs = (out[..., 0] > 0.5).nonzero()[:, 1:].T.float()
    angles = torch.atan2(-(ys - 4), xs - 4)  # counter-clockwise, image rows grow downwards
    assert len(set(np.round(angles.numpy(), 1))) > 10
    assert float(angles.abs().max()) <= np.pi / 2 + 0.2


def test_random_contrast_factors_lie_in_one_plus_minus_factor():
    x = torch.as_tensor(RNG.rand(200, 5, 5, 1).astype("float32")) * 100 + 50
    out = layers.RandomContrast(0.5, value_range=(-1e6, 1e6), seed=0)(x, training=True)
    mean = x.mean(dim=(1, 2), keepdim=True)
    factors = ((out - mean) / (x - mean)).flatten(1).median(dim=1).values
    assert float(factors.min()) >= 0.5 - 1e-4 and float(factors.max()) <= 1.5 + 1e-4
    assert float(factors.min()) < 0.6 and float(factors.max()) > 1.4  # both directions, as Keras documents
    clipped = layers.RandomContrast(0.9)(x * 10, training=True)
    assert float(clipped.min()) >= 0 and float(clipped.max()) <= 255


def test_random_crop_takes_a_window_in_training_and_the_centre_at_inference(keras):
    x = torch.arange(2 * 6 * 8, dtype=torch.float32).reshape(2, 6, 8, 1)
    layer = layers.RandomCrop(3, 4, seed=0)
    tops = set()
    for _ in range(20):
        out = layer(x, training=True)
        top, left = divmod(int(out[0, 0, 0, 0]), 8)
        tops.add(top)
        assert torch.equal(out, x[:, top:top + 3, left:left + 4])  # one window for the whole batch
    assert len(tops) > 1
    # inference: the largest centred window with the target aspect ratio, resized (Keras documents this; its torch
    # backend returns the input unchanged, which breaks the layer's own output shape)
    reference = keras.layers.Resizing(3, 4, crop_to_aspect_ratio=True)(keras.ops.convert_to_tensor(x.numpy()))
    np.testing.assert_allclose(layer(x).numpy(), keras.ops.convert_to_numpy(reference), atol=1e-4)
    assert layer(x[:, :2], training=True).shape == (2, 3, 4, 1)  # too small: resized, even in training


def test_augmentation_runs_in_fit_and_not_in_evaluate_or_predict():
    inputs = np.zeros((8, 4, 4, 1), dtype="float32")
    targets = np.zeros((8, 1), dtype="float32")
    model = lamina.Sequential([layers.Input((4, 4, 1)), layers.RandomBrightness((0.5, 0.5), value_range=(0, 1)),
                               layers.Flatten(), layers.Dense(1, kernel_initializer="ones")])
    model.compile(optimizer=lamina.optimizers.SGD(0.0), loss="mse")
    history = model.fit(inputs, targets, batch_size=4, epochs=1, verbose=0)
    assert history.history["loss"][0] == pytest.approx(64.0)  # every pixel 0.5 in training: prediction 8
    assert model.evaluate(inputs, targets, verbose=0) == pytest.approx(0.0)
    np.testing.assert_array_equal(model.predict(inputs, verbose=0), np.zeros((8, 1)))


def test_seeded_layers_are_reproducible():
    x = torch.as_tensor(IMAGES)
    for make in (lambda: layers.RandomRotation(0.3, seed=5), lambda: layers.RandomFlip(seed=5),
                 lambda: layers.RandomZoom(0.3, seed=5), lambda: layers.RandomContrast(0.3, seed=5),
                 lambda: layers.RandomCrop(4, 4, seed=5)):
        assert torch.equal(make()(x, training=True), make()(x, training=True))


def test_symbolic_shapes():
    inputs = lamina.Input((None, None, 3))
    assert tuple(layers.Resizing(32, 48)(inputs).shape) == (None, 32, 48, 3)
    assert tuple(layers.RandomCrop(8, 8)(inputs).shape) == (None, 8, 8, 3)
    assert tuple(layers.RandomRotation(0.1)(lamina.Input((16, 16, 3))).shape) == (None, 16, 16, 3)


@pytest.mark.parametrize("class_name,kwargs", [
    ("RandomFlip", dict(mode="vertical", seed=1)), ("RandomRotation", dict(factor=0.2, fill_mode="wrap")),
    ("RandomZoom", dict(height_factor=(0.1, 0.3), width_factor=0.2)), ("RandomCrop", dict(height=3, width=3, seed=2)),
    ("RandomTranslation", dict(height_factor=0.1, width_factor=(0.0, 0.2), fill_mode="constant", fill_value=1.0)),
    ("RandomContrast", dict(factor=(0.1, 0.3))), ("RandomBrightness", dict(factor=0.2, value_range=(0, 1))),
    ("Resizing", dict(height=3, width=4, crop_to_aspect_ratio=True)), ("CenterCrop", dict(height=3, width=3)),
    ("Rescaling", dict(scale=0.5, offset=1.0)),
])
def test_configs_match_keras_and_round_trip(keras, class_name, kwargs):
    ours = getattr(layers, class_name)(**kwargs)
    assert_same_config_keys(getattr(keras.layers, class_name)(**kwargs), ours)
    assert_config_round_trip(ours)


def test_errors_name_layer_expected_and_received():
    with pytest.raises(ValueError, match=r"RandomRotation '.*': factor must be a number or a pair of numbers in "
                                         r"\[-1.0, 1.0\]; received factor=2"):
        layers.RandomRotation(2)
    with pytest.raises(ValueError, match=r"fill_mode must be one of \['reflect', 'wrap', 'constant', 'nearest'\]; "
                                         r"received fill_mode='edge'"):
        layers.RandomZoom(0.1, fill_mode="edge")
    with pytest.raises(ValueError, match=r"mode must be one of "
                                         r"\['horizontal', 'vertical', 'horizontal_and_vertical'\]"):
        layers.RandomFlip("diagonal")
    with pytest.raises(ValueError, match=r"RandomFlip '.*' expects inputs with between 3 and 4 dimensions "
                                         r"\(batch, height, width, channels\) or \(height, width, channels\)"):
        layers.RandomFlip()(torch.zeros(4, 4))
    with pytest.raises(ValueError, match=r"crop_to_aspect_ratio and pad_to_aspect_ratio cannot both be True"):
        layers.Resizing(2, 2, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match=r"Resizing '.*': height must be a positive integer; received height=0"):
        layers.Resizing(0, 2)
