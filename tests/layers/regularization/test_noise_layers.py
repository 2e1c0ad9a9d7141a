"""SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout and AlphaDropout: training behaviour, inference identity,
configs as Keras's."""
import math
import pathlib
import sys

import numpy as np
import pytest
import torch

import lamina
from lamina import layers

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from vision_reference import assert_config_round_trip, assert_same_config_keys  # noqa: E402


@pytest.mark.parametrize("class_name,shape,channel_axis,data_format", [
    ("SpatialDropout1D", (64, 10, 32), 2, None), ("SpatialDropout2D", (64, 5, 5, 32), 3, "channels_last"),
    ("SpatialDropout2D", (64, 32, 5, 5), 1, "channels_first"), ("SpatialDropout3D", (64, 3, 3, 3, 32), 4, None),
])
def test_spatial_dropout_drops_whole_feature_maps(class_name, shape, channel_axis, data_format):
    kwargs = {} if data_format is None else {"data_format": data_format}
    layer = getattr(layers, class_name)(0.25, seed=1, **kwargs)
    out = layer(torch.ones(shape), training=True)
    maps = out.movedim(channel_axis, 1).reshape(shape[0], shape[channel_axis], -1)
    assert torch.all(maps.amax(-1) == maps.amin(-1))  # one decision per (sample, channel)
    values = set(maps[..., 0].flatten().tolist())
    assert values == {0.0, float(np.float32(1 / 0.75))}
    assert abs(float((maps[..., 0] == 0).float().mean()) - 0.25) < 0.05
    assert torch.equal(layer(torch.ones(shape)), torch.ones(shape))  # inference: the identity


def test_seeded_noise_is_reproducible():
    x = torch.ones(4, 6, 6, 8)
    for make in (lambda: layers.SpatialDropout2D(0.5, seed=3), lambda: layers.GaussianNoise(0.3, seed=3),
                 lambda: layers.GaussianDropout(0.3, seed=3), lambda: layers.AlphaDropout(0.3, seed=3)):
        assert torch.equal(make()(x, training=True), make()(x, training=True))


def test_gaussian_noise_adds_noise_of_the_given_stddev_in_training_only():
    x = torch.full((200, 100), 3.0)
    noisy = layers.GaussianNoise(0.5, seed=0)(x, training=True) - x
    assert abs(float(noisy.mean())) < 0.01 and abs(float(noisy.std()) - 0.5) < 0.01
    assert torch.equal(layers.GaussianNoise(0.5)(x), x)


def test_gaussian_dropout_multiplies_by_unit_mean_noise():
    x = torch.full((200, 100), 2.0)
    out = layers.GaussianDropout(0.2, seed=0)(x, training=True) / 2.0
    assert abs(float(out.mean()) - 1.0) < 0.01
    assert abs(float(out.std()) - math.sqrt(0.2 / 0.8)) < 0.01
    assert torch.equal(layers.GaussianDropout(0.2)(x), x)


def test_alpha_dropout_keeps_mean_and_variance_of_selu_activations():
    torch.manual_seed(0)
    x = torch.randn(400, 500)
    out = layers.AlphaDropout(0.2, seed=0)(x, training=True)
    assert abs(float(out.mean())) < 0.01 and abs(float(out.std()) - 1.0) < 0.01
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - 0.2) * (1 + 0.2 * alpha_p ** 2)) ** -0.5
    dropped_value = torch.tensor(a * alpha_p - a * alpha_p * 0.2)
    dropped = torch.isclose(out, dropped_value)
    assert abs(float(dropped.float().mean()) - 0.2) < 0.01  # dropped units sit at the affine image of alpha'
    shared = layers.AlphaDropout(0.5, noise_shape=(None, 1), seed=0)(torch.randn(32, 50), training=True)
    constant_rows = (shared == shared[:, :1]).all(dim=1)  # noise_shape (None, 1): a row is dropped as a whole
    assert 0 < int(constant_rows.sum()) < 32


@pytest.mark.parametrize("class_name,kwargs", [
    ("SpatialDropout1D", dict(rate=0.2, seed=1)), ("SpatialDropout2D", dict(rate=0.2, data_format="channels_first")),
    ("SpatialDropout3D", dict(rate=0.1)), ("GaussianNoise", dict(stddev=0.3, seed=2)),
    ("GaussianDropout", dict(rate=0.4)), ("AlphaDropout", dict(rate=0.1, noise_shape=(None, 1, 4))),
])
def test_configs_match_keras_and_round_trip(keras, class_name, kwargs):
    theirs = getattr(keras.layers, class_name)(**kwargs)
    ours = getattr(layers, class_name)(**kwargs)
    assert_same_config_keys(theirs, ours)
    assert_config_round_trip(ours)


def test_noise_layers_are_identity_in_predict_and_active_in_fit():
    model = lamina.Sequential([layers.Input((4, 4, 2)), layers.SpatialDropout2D(0.5), layers.GaussianNoise(1.0),
                               layers.Flatten()])
    x = np.ones((8, 4, 4, 2), dtype="float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), x.reshape(8, -1))
    assert not np.allclose(model(torch.as_tensor(x), training=True).detach().numpy(), x.reshape(8, -1))


def test_errors_name_layer_and_value():
    with pytest.raises(ValueError, match=r"SpatialDropout2D '.*': rate must be in \[0, 1\); received rate=1.5"):
        layers.SpatialDropout2D(1.5)
    with pytest.raises(ValueError, match=r"SpatialDropout2D '.*' expects inputs with exactly 4 dimensions "
                                         r"\(batch, height, width, channels\)"):
        layers.SpatialDropout2D(0.5)(torch.ones(2, 3, 4))
    with pytest.raises(ValueError, match=r"GaussianNoise '.*': stddev must be a non-negative number; received "
                                         r"stddev=-1"):
        layers.GaussianNoise(-1)
