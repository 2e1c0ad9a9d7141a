"""Every application against Keras 3: parameter counts, layer names and order, and outputs with copied weights."""
import numpy as np
import pytest
import torch

import lamina
from lamina.core.naming import reset_names

SMALL = {  # the smallest input each architecture accepts, so the tests stay light
    "VGG16": (32, 32, 3), "VGG19": (32, 32, 3), "ResNet50": (32, 32, 3), "ResNet101": (32, 32, 3),
    "ResNet152": (32, 32, 3), "InceptionV3": (75, 75, 3), "Xception": (71, 71, 3), "MobileNetV2": (32, 32, 3),
    "DenseNet121": (32, 32, 3), "DenseNet169": (32, 32, 3), "DenseNet201": (32, 32, 3),
}


def build_both(keras, name, **kwargs):
    """The Keras and lamina models for the same arguments, each built in a fresh naming session."""
    keras.backend.clear_session()
    reference = getattr(keras.applications, name)(weights=None, **kwargs)
    reset_names()
    model = getattr(lamina.applications, name)(weights=None, **kwargs)
    return reference, model


def assert_same_structure(reference, model):
    assert model.count_params() == reference.count_params()
    assert [layer.name for layer in model.layers] == [layer.name for layer in reference.layers]
    assert model.name == reference.name
    assert tuple(model.output_shape) == tuple(reference.output_shape)
    assert [w.shape for w in model.get_weights()] == [tuple(w.shape) for w in reference.get_weights()]


def randomize(reference, seed=0):
    """Perturb a Keras model's weights (and batch-norm statistics) so a comparison means something."""
    rng = np.random.RandomState(seed)
    values = []
    for variable, value in zip(reference.weights, reference.get_weights()):
        path = variable.path
        if "moving_variance" in path:
            value = rng.uniform(0.5, 1.5, value.shape)
        elif "moving_mean" in path or "beta" in path or "bias" in path:
            value = rng.normal(0.0, 0.1, value.shape)
        elif "gamma" in path:
            value = rng.uniform(0.8, 1.2, value.shape)
        values.append(np.asarray(value, dtype="float32"))
    reference.set_weights(values)
    return values


def assert_same_outputs(keras, reference, model, input_shape, batch=2, rtol=1e-4):
    values = randomize(reference)
    model.set_weights(values)
    x = np.random.RandomState(1).uniform(-1, 1, (batch,) + input_shape).astype("float32")
    expected = keras.ops.convert_to_numpy(reference(x, training=False))
    got = model.predict(x, verbose=0)
    scale = np.abs(expected).max()
    assert scale > 0
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol * scale)


@pytest.mark.parametrize("name", ["VGG16", "VGG19", "ResNet50", "InceptionV3", "Xception", "MobileNetV2",
                                  "DenseNet121"])
def test_feature_extractor_matches_keras(keras, name):
    reference, model = build_both(keras, name, include_top=False, input_shape=SMALL[name])
    assert_same_structure(reference, model)


@pytest.mark.parametrize("name, kwargs", [
    ("VGG16", dict(include_top=False, input_shape=(48, 40, 3), pooling="avg")),
    ("VGG16", dict(include_top=True, input_shape=(32, 32, 3), classes=5, classifier_activation=None)),
    ("ResNet50", dict(include_top=False, pooling="max")),
    ("MobileNetV2", dict(input_shape=(33, 35, 3), alpha=0.35, classes=7)),
    ("MobileNetV2", dict(include_top=False, input_shape=(96, 96, 1), alpha=1.3, pooling="avg")),
])
def test_variants_match_keras(keras, name, kwargs):
    reference, model = build_both(keras, name, **kwargs)
    assert_same_structure(reference, model)


@pytest.mark.slow
@pytest.mark.parametrize("name, kwargs", [
    ("VGG16", {}), ("VGG19", {}), ("ResNet50", {}), ("ResNet101", dict(include_top=False)),
    ("ResNet152", dict(include_top=False, pooling="avg")), ("InceptionV3", {}),
    ("InceptionV3", dict(include_top=False, pooling="max")), ("Xception", {}), ("MobileNetV2", {}),
    ("MobileNetV2", dict(alpha=0.5, input_shape=(128, 128, 3))), ("DenseNet121", {}),
    ("DenseNet169", dict(include_top=False, pooling="avg")), ("DenseNet201", dict(include_top=False)),
])
def test_default_and_large_variants_match_keras(keras, name, kwargs):
    reference, model = build_both(keras, name, **kwargs)
    assert_same_structure(reference, model)


@pytest.mark.parametrize("name", ["VGG16", "ResNet50", "MobileNetV2"])
def test_outputs_match_keras_with_copied_weights(keras, name):
    reference, model = build_both(keras, name, include_top=False, input_shape=SMALL[name])
    assert_same_outputs(keras, reference, model, SMALL[name])


@pytest.mark.slow
@pytest.mark.parametrize("name, kwargs", [
    ("InceptionV3", dict(include_top=False)), ("Xception", dict(include_top=False)),
    ("DenseNet121", dict(include_top=False)), ("VGG19", dict(include_top=True, input_shape=(32, 32, 3), classes=3)),
    ("ResNet50", dict(include_top=True, input_shape=(64, 64, 3), classes=4)),
])
def test_more_outputs_match_keras_with_copied_weights(keras, name, kwargs):
    kwargs.setdefault("input_shape", SMALL[name])
    reference, model = build_both(keras, name, **kwargs)
    assert_same_outputs(keras, reference, model, kwargs["input_shape"])


def test_input_tensor_is_used_and_its_source_input_becomes_the_model_input(keras):
    images = lamina.Input((40, 40, 3), name="pixels")
    scaled = lamina.layers.Rescaling(1 / 255.0)(images)
    model = lamina.applications.VGG16(weights=None, include_top=False, input_tensor=scaled, pooling="max")
    assert model.inputs[0] is images
    assert model.output_shape == (None, 512)
    keras.backend.clear_session()
    k_images = keras.Input((40, 40, 3))
    reference = keras.applications.VGG16(weights=None, include_top=False, pooling="max",
                                         input_tensor=keras.layers.Rescaling(1 / 255.0)(k_images))
    assert model.count_params() == reference.count_params()


def test_channels_first_builds_as_keras(keras):
    lamina.config.set_image_data_format("channels_first")
    keras.config.set_image_data_format("channels_first")
    try:
        reference, model = build_both(keras, "ResNet50", include_top=False, input_shape=(3, 32, 32))
        assert_same_structure(reference, model)
        assert model.get_layer("conv5_block3_out").output.shape == (None, 2048, 1, 1)
        with pytest.raises(ValueError, match="DenseNet121: DenseNet does not support the 'channels_first'"):
            lamina.applications.DenseNet121(weights=None, include_top=False, input_shape=(3, 32, 32))
    finally:
        lamina.config.set_image_data_format("channels_last")
        keras.config.set_image_data_format("channels_last")


def test_get_layer_by_book_names():
    model = lamina.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    conv = model.get_layer("block5_conv3")
    assert conv.filters == 512 and conv.output.shape == (None, 2, 2, 512)
    inception = lamina.applications.InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3))
    assert [inception.get_layer(f"mixed{i}").output.shape[-1] for i in (2, 3, 4, 5)] == [288, 768, 768, 768]


def test_resnet_classifier_gives_deterministic_probabilities_in_inference():
    model = lamina.applications.ResNet50(weights=None, include_top=True, input_shape=(32, 32, 3), classes=3)
    x = torch.rand(4, 32, 32, 3)
    a, b = model(x), model(x)
    torch.testing.assert_close(a, b)
    assert torch.allclose(a.sum(-1), torch.ones(4))
