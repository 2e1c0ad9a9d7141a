"""ZeroPadding, Cropping and UpSampling layers against Keras 3 (torch backend)."""
import pathlib
import sys

import numpy as np
import pytest
import torch

from lamina import layers

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from vision_reference import assert_config_round_trip, assert_matches_keras  # noqa: E402

RNG = np.random.RandomState(0)
FORMATS = ["channels_last", "channels_first"]


def _data(rank, data_format, size=6, channels=3):
    spatial = (size,) + tuple(size + 1 + i for i in range(rank - 1))
    shape = (2, *spatial, channels) if data_format == "channels_last" else (2, channels, *spatial)
    return RNG.randn(*shape).astype("float32")


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("class_name,kwargs,rank", [
    ("ZeroPadding1D", dict(padding=2), 1), ("ZeroPadding1D", dict(padding=(0, 3)), 1),
    ("ZeroPadding2D", dict(padding=1), 2), ("ZeroPadding2D", dict(padding=(2, 0)), 2),
    ("ZeroPadding2D", dict(padding=((1, 2), (3, 0))), 2),
    ("ZeroPadding3D", dict(padding=1), 3), ("ZeroPadding3D", dict(padding=((0, 1), 2, (1, 0))), 3),
    ("Cropping2D", dict(cropping=1), 2), ("Cropping2D", dict(cropping=((1, 2), (0, 3))), 2),
    ("Cropping3D", dict(cropping=(1, 0, 2)), 3), ("Cropping3D", dict(cropping=((0, 1), (2, 1), (1, 1))), 3),
    ("UpSampling2D", dict(size=(2, 3)), 2), ("UpSampling2D", dict(size=2, interpolation="bilinear"), 2),
    ("UpSampling2D", dict(size=(3, 2), interpolation="bicubic"), 2), ("UpSampling3D", dict(size=(2, 1, 3)), 3),
])
def test_matches_keras(keras, class_name, kwargs, rank, data_format):
    assert_matches_keras(keras, class_name, {**kwargs, "data_format": data_format}, _data(rank, data_format))


@pytest.mark.parametrize("class_name,kwargs", [
    ("Cropping1D", dict(cropping=(1, 2))), ("Cropping1D", dict(cropping=2)), ("UpSampling1D", dict(size=3)),
])
def test_channels_last_only_layers_match_keras(keras, class_name, kwargs):
    assert_matches_keras(keras, class_name, kwargs, RNG.randn(2, 7, 3).astype("float32"))


def test_upsampling_gradient_sums_over_the_copies():
    x = torch.randn(1, 2, 2, 1, requires_grad=True)
    layers.UpSampling2D((2, 3))(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((1, 2, 2, 1), 6.0))


def test_cropping_is_a_view():
    x = torch.randn(1, 6, 6, 2)
    assert layers.Cropping2D(1)(x).data_ptr() == x[:, 1:, 1:].data_ptr()


@pytest.mark.parametrize("layer", [
    layers.ZeroPadding2D(((1, 2), (3, 4)), data_format="channels_first"), layers.ZeroPadding1D((1, 2)),
    layers.Cropping1D(3), layers.Cropping3D(((1, 0), 2, 1)), layers.UpSampling2D(2, interpolation="bilinear"),
    layers.UpSampling1D(4), layers.UpSampling3D((1, 2, 3)),
])
def test_config_round_trip(layer):
    assert_config_round_trip(layer)


def test_errors_name_layer_expected_and_received():
    with pytest.raises(ValueError, match=r"Cropping2D 'crop': cropping \(\(2, 2\), \(0, 0\)\) removes all of spatial "
                                         r"axis 1 \(size 4\)"):
        layers.Cropping2D(((2, 2), (0, 0)), name="crop")(torch.zeros(1, 4, 4, 1))
    with pytest.raises(ValueError, match=r"ZeroPadding2D '.*': padding must be an int, or 2 entries"):
        layers.ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match=r"padding entry 1 must be a non-negative integer or a tuple of 2"):
        layers.ZeroPadding2D((1, -2))
    with pytest.raises(ValueError, match=r"interpolation must be one of \['nearest', 'bilinear', 'bicubic'\]; "
                                         r"received interpolation='area'"):
        layers.UpSampling2D(interpolation="area")
    with pytest.raises(ValueError, match=r"UpSampling3D '.*' expects inputs with exactly 5 dimensions "
                                         r"\(batch, depth, height, width, channels\)"):
        layers.UpSampling3D()(torch.zeros(1, 2, 2, 1))
