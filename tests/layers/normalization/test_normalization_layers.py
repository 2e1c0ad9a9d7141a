"""BatchNormalization, LayerNormalization, GroupNormalization and UnitNormalization against Keras 3 (torch backend)."""
import pathlib
import sys

import numpy as np
import pytest
import torch

import lamina
from lamina import layers

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from vision_reference import assert_config_round_trip, assert_matches_keras, outputs, pair  # noqa: E402

RNG = np.random.RandomState(0)


def _data(*shape):
    return (RNG.randn(*shape) * 3 + 2).astype("float32")


BN_CASES = [((16, 5), -1), ((8, 6, 5), -1), ((4, 5, 6, 3), -1), ((4, 3, 5, 6), 1), ((2, 3, 4, 5, 6), -1),
            ((4, 5, 6, 3), 2), ((2, 4), -1)]


@pytest.mark.parametrize("shape,axis", BN_CASES)
@pytest.mark.parametrize("center,scale", [(True, True), (False, True), (True, False)])
def test_batch_normalization_training_inference_and_moving_statistics_match_keras(keras, shape, axis, center, scale):
    kwargs = dict(axis=axis, momentum=0.8, epsilon=1e-3, center=center, scale=scale)
    theirs, ours = pair(keras, "BatchNormalization", kwargs, shape)
    for step in range(4):  # several training-mode calls: outputs and moving averages follow Keras's
        expected, got = outputs(keras, theirs, ours, _data(*shape), training=True)
        np.testing.assert_allclose(got, expected, atol=1e-5, rtol=1e-5)
    for ours_w, theirs_w in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(ours_w, theirs_w, atol=1e-5, rtol=1e-5)
    x = _data(*shape)
    expected, got = outputs(keras, theirs, ours, x, training=False)
    np.testing.assert_allclose(got, expected, atol=1e-5, rtol=1e-5)
    assert_matches_keras(keras, "BatchNormalization", kwargs, x)


def test_batch_normalization_of_a_single_sample_gives_beta():
    layer = layers.BatchNormalization(beta_initializer="ones")
    out = layer(torch.as_tensor(_data(1, 4)), training=True)  # zero variance: (x - mean) = 0, as in Keras
    np.testing.assert_allclose(out.detach().numpy(), np.ones((1, 4)), atol=1e-4)


def test_batch_normalization_stores_the_biased_variance():
    x = _data(32, 6)
    layer = layers.BatchNormalization(momentum=0.0)
    layer(torch.as_tensor(x), training=True)
    np.testing.assert_allclose(layer.moving_variance.detach().numpy(), x.var(axis=0), rtol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.detach().numpy(), x.mean(axis=0), rtol=1e-5)


def test_frozen_batch_normalization_runs_in_inference_mode_like_keras(keras):
    shape = (8, 4, 4, 3)
    theirs, ours = pair(keras, "BatchNormalization", {}, shape)
    theirs.trainable = ours.trainable = False
    before = ours.get_weights()
    expected, got = outputs(keras, theirs, ours, _data(*shape), training=True)
    np.testing.assert_allclose(got, expected, atol=1e-5)
    for a, b in zip(ours.get_weights(), before):
        np.testing.assert_array_equal(a, b)  # no moving-statistics update
    assert ours.trainable_weights == [] and len(ours.non_trainable_weights) == 4


def test_batch_normalization_with_a_mask_matches_keras(keras):
    shape = (3, 6, 4)
    theirs, ours = pair(keras, "BatchNormalization", dict(momentum=0.5), shape)
    mask = np.array([[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1], [1, 0, 1, 0, 1, 0]], dtype=bool)
    x = _data(*shape)
    expected = theirs(keras.ops.convert_to_tensor(x), training=True, mask=keras.ops.convert_to_tensor(mask))
    got = ours(torch.as_tensor(x), training=True, mask=torch.as_tensor(mask))
    np.testing.assert_allclose(got.detach().numpy(), keras.ops.convert_to_numpy(expected), atol=1e-4, rtol=1e-4)
    for ours_w, theirs_w in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(ours_w, theirs_w, atol=1e-5, rtol=1e-5)


def test_batch_normalization_inside_fit_matches_keras(keras):
    """Moving statistics, weights and predictions after fit (SGD, no shuffling) equal Keras's."""
    x = _data(64, 5, 5, 2)
    y = RNG.randn(64, 1).astype("float32")

    def build(lib):
        model = lib.Sequential([lib.layers.Input((5, 5, 2)), lib.layers.Conv2D(4, 3), lib.layers.BatchNormalization(),
                                lib.layers.GlobalAveragePooling2D(), lib.layers.Dense(1)])
        model.compile(optimizer=lib.optimizers.SGD(0.05), loss="mse")
        return model

    theirs, ours = build(keras), build(lamina)
    ours.set_weights([w + 0.1 * np.random.RandomState(1).randn(*w.shape).astype("float32")
                      for w in theirs.get_weights()])
    theirs.set_weights(ours.get_weights())
    theirs.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    ours.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    bn_theirs, bn_ours = theirs.layers[1], ours.layers[1]
    assert not np.allclose(bn_ours.moving_mean.detach().numpy(), 0.0)
    for ours_w, theirs_w in zip(bn_ours.get_weights(), bn_theirs.get_weights()):
        np.testing.assert_allclose(ours_w, theirs_w, atol=1e-4, rtol=1e-4)
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=1e-4, rtol=1e-4)


@pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`")  # Keras deprecates the option it still saves
@pytest.mark.parametrize("kwargs,shape", [
    ({}, (4, 5, 6)), (dict(axis=[1, 2]), (4, 5, 6)), (dict(axis=[1, 3]), (4, 5, 6, 3)), (dict(axis=-2), (4, 5, 6, 2)),
    (dict(center=False), (4, 6)), (dict(scale=False, epsilon=1e-5), (3, 4, 6)), (dict(rms_scaling=True), (4, 5, 6)),
])
def test_layer_normalization_matches_keras(keras, kwargs, shape):
    if kwargs.get("axis") == -2:  # Keras's torch path hands a non-trailing single axis to F.layer_norm and fails
        layer = layers.LayerNormalization(axis=-2)
        x = _data(*shape)
        got = layer(torch.as_tensor(x)).detach().numpy()
        mean, var = x.mean(axis=-2, keepdims=True), x.var(axis=-2, keepdims=True)
        np.testing.assert_allclose(got, (x - mean) / np.sqrt(var + 1e-3), atol=1e-5)
        return
    assert_matches_keras(keras, "LayerNormalization", kwargs, _data(*shape))


@pytest.mark.parametrize("kwargs,shape", [
    (dict(groups=2), (4, 5, 6, 4)), (dict(groups=-1, axis=1), (4, 4, 5, 6)), (dict(groups=3, axis=2), (4, 5, 6, 4)),
    (dict(groups=1), (3, 7, 6)), (dict(groups=4, center=False), (2, 3, 3, 3, 8)),
])
def test_group_normalization_matches_keras(keras, kwargs, shape):
    assert_matches_keras(keras, "GroupNormalization", kwargs, _data(*shape))


@pytest.mark.parametrize("axis,shape", [(-1, (4, 5, 6)), ([1, 2], (4, 5, 6)), (1, (3, 4, 2, 2))])
def test_unit_normalization_matches_keras(keras, axis, shape):
    assert_matches_keras(keras, "UnitNormalization", dict(axis=axis), _data(*shape))
    assert layers.UnitNormalization()(torch.zeros(2, 3)).abs().sum() == 0  # zero vectors stay zero, no NaN


def test_batch_normalization_skips_updates_while_inferring_shapes():
    layer = layers.BatchNormalization()
    inputs = lamina.Input((4, 4, 3))
    outputs_ = layer(inputs, training=True)
    assert tuple(outputs_.shape) == (None, 4, 4, 3)
    np.testing.assert_array_equal(layer.moving_mean.detach().numpy(), np.zeros(3))


@pytest.mark.parametrize("layer", [
    layers.BatchNormalization(axis=1, momentum=0.9, epsilon=1e-5, center=False, gamma_regularizer="l2"),
    layers.LayerNormalization(axis=[1, 2], epsilon=1e-6), layers.GroupNormalization(groups=4, axis=1),
    layers.UnitNormalization(axis=[1, 2]),
])
def test_config_round_trip(layer):
    assert_config_round_trip(layer)


def test_errors_name_layer_expected_and_received():
    bn = layers.BatchNormalization(name="bn")
    bn(torch.zeros(2, 4, 4, 3))
    with pytest.raises(ValueError, match=r"BatchNormalization 'bn' expects inputs whose axis -1 has size 3, but "
                                         r"received an input of shape \(2, 4, 4, 5\)"):
        bn(torch.zeros(2, 4, 4, 5))
    with pytest.raises(ValueError, match=r"BatchNormalization '.*': axis=3 is out of range for inputs of shape "
                                         r"\(2, 3\)"):
        layers.BatchNormalization(axis=3)(torch.zeros(2, 3))
    with pytest.raises(ValueError, match=r"renorm=True and synchronized=True are not supported"):
        layers.BatchNormalization(renorm=True)
    with pytest.raises(ValueError, match=r"groups \(3\) must divide the number of channels \(4\)"):
        layers.GroupNormalization(groups=3)(torch.zeros(1, 2, 2, 4))
    with pytest.raises(ValueError, match=r"LayerNormalization '.*': axis 0 is not a feature axis"):
        layers.LayerNormalization(axis=0)(torch.zeros(2, 3))
