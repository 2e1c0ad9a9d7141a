"""Convolution layers against Keras 3 (torch backend): outputs, shapes, parameter counts, configs, errors."""
import pathlib
import sys

import numpy as np
import pytest
import torch

import lamina
from lamina import layers

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from vision_reference import assert_config_round_trip, assert_matches_keras, pair  # noqa: E402

RNG = np.random.RandomState(0)


def _data(rank, data_format, size=7, channels=4, batch=2):
    spatial = (size,) + tuple(size - 1 - i for i in range(rank - 1))  # unequal sides catch axis mix-ups
    shape = (batch, *spatial, channels) if data_format == "channels_last" else (batch, channels, *spatial)
    return RNG.randn(*shape).astype("float32")


# (kernel_size, strides, padding, dilation_rate, groups): both paddings with odd/even kernels, strides, dilations, groups
CONV_CASES = [
    (3, 1, "valid", 1, 1),
    (3, 1, "same", 1, 1),
    (2, 1, "same", 1, 1),
    (4, 1, "same", 1, 1),
    (3, 2, "valid", 1, 1),
    (3, 2, "same", 1, 1),
    (2, 3, "same", 1, 1),
    (1, 2, "same", 1, 1),
    (3, 1, "valid", 2, 1),
    (3, 1, "same", 2, 1),
    (2, 1, "same", 3, 1),
    (3, 1, "same", 1, 2),
    (3, 2, "valid", 1, 4),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("kernel_size,strides,padding,dilation_rate,groups", CONV_CASES)
def test_conv_matches_keras(keras, rank, data_format, kernel_size, strides, padding, dilation_rate, groups):
    kwargs = dict(filters=8, kernel_size=kernel_size, strides=strides, padding=padding, dilation_rate=dilation_rate,
                  groups=groups, data_format=data_format, activation="relu")
    assert_matches_keras(keras, f"Conv{rank}D", kwargs, _data(rank, data_format, size=7 if rank == 3 else 9))


@pytest.mark.parametrize("kwargs", [
    dict(padding="causal"), dict(padding="causal", dilation_rate=2), dict(padding="causal", strides=2),
    dict(padding="same", kernel_size=4, strides=3), dict(use_bias=False),
])
def test_conv1d_causal_and_options_match_keras(keras, kwargs):
    kwargs = {"filters": 5, "kernel_size": 3, **kwargs}
    assert_matches_keras(keras, "Conv1D", kwargs, RNG.randn(3, 11, 4).astype("float32"))


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("rank", [1, 2])
@pytest.mark.parametrize("kwargs", [
    dict(kernel_size=3), dict(kernel_size=3, padding="same", depth_multiplier=2),
    dict(kernel_size=2, strides=2, padding="same"), dict(kernel_size=3, dilation_rate=2, padding="same"),
    dict(kernel_size=3, strides=2, use_bias=False, depth_multiplier=3),
])
def test_depthwise_and_separable_match_keras(keras, rank, data_format, kwargs):
    x = _data(rank, data_format, size=8)
    assert_matches_keras(keras, f"DepthwiseConv{rank}D", {**kwargs, "data_format": data_format}, x)
    assert_matches_keras(keras, f"SeparableConv{rank}D", {**kwargs, "filters": 6, "data_format": data_format}, x)


TRANSPOSE_CASES = [
    (3, 1, "valid", None, 1), (3, 2, "valid", None, 1), (2, 3, "valid", None, 1), (3, 2, "same", None, 1),
    (4, 2, "same", None, 1), (3, 3, "same", None, 1), (3, 2, "valid", 1, 1), (3, 2, "same", 1, 1),
    (3, 3, "same", 2, 1), (2, 2, "same", 0, 1), (3, 1, "same", None, 2), (3, 1, "valid", None, 2),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("kernel_size,strides,padding,output_padding,dilation_rate", TRANSPOSE_CASES)
def test_conv_transpose_matches_keras(keras, rank, data_format, kernel_size, strides, padding, output_padding,
                                      dilation_rate):
    kwargs = dict(filters=3, kernel_size=kernel_size, strides=strides, padding=padding, output_padding=output_padding,
                  dilation_rate=dilation_rate, data_format=data_format)
    assert_matches_keras(keras, f"Conv{rank}DTranspose", kwargs, _data(rank, data_format, size=5, channels=2))


def test_input_gradients_match_keras(keras):
    x = RNG.randn(2, 8, 7, 3).astype("float32")
    for class_name, kwargs in [("Conv2D", dict(filters=4, kernel_size=3, strides=2, padding="same")),
                               ("Conv2DTranspose", dict(filters=4, kernel_size=3, strides=2, padding="same")),
                               ("SeparableConv2D", dict(filters=4, kernel_size=3, padding="same"))]:
        theirs, ours = pair(keras, class_name, kwargs, x.shape)
        grads = []
        for layer in (theirs, ours):
            inputs = torch.tensor(x, requires_grad=True)
            out = layer(inputs)
            (out * torch.linspace(-1, 1, out.numel()).reshape(out.shape)).sum().backward()
            grads.append(inputs.grad.numpy())
        np.testing.assert_allclose(grads[1], grads[0], atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("class_name,kwargs,expected", [
    ("Conv2D", dict(filters=32, kernel_size=3), [(3, 3, 3, 32), (32,)]),
    ("Conv2D", dict(filters=6, kernel_size=(1, 2), groups=3), [(1, 2, 1, 6), (6,)]),
    ("Conv2DTranspose", dict(filters=5, kernel_size=2), [(2, 2, 5, 3), (5,)]),
    ("DepthwiseConv2D", dict(kernel_size=3, depth_multiplier=2), [(3, 3, 3, 2), (6,)]),
    ("SeparableConv2D", dict(filters=7, kernel_size=3), [(3, 3, 3, 1), (1, 1, 3, 7), (7,)]),
])
def test_weights_have_keras_shapes_and_order(class_name, kwargs, expected):
    layer = getattr(layers, class_name)(**kwargs)
    layer(torch.zeros(1, 6, 6, 3))
    assert [tuple(w.shape) for w in layer.get_weights()] == expected
    assert [tuple(w.shape) for w in layer.trainable_weights] == expected


def test_separable_conv_parameter_count_matches_the_book():
    model = lamina.Sequential([layers.SeparableConv2D(32, 3, activation="relu", input_shape=(64, 64, 3)),
                               layers.SeparableConv2D(64, 3, activation="relu")])
    assert model.count_params() == (3 * 3 * 3 + 3 * 32 + 32) + (3 * 3 * 32 + 32 * 64 + 64)


@pytest.mark.parametrize("layer", [
    layers.Conv1D(4, 3, strides=2, padding="causal", dilation_rate=1, kernel_regularizer="l2", name="c1"),
    layers.Conv2D(4, (3, 2), padding="same", data_format="channels_first", activation="relu", groups=2),
    layers.Conv3D(2, 2, use_bias=False, kernel_initializer="he_normal"),
    layers.DepthwiseConv2D(3, depth_multiplier=2, depthwise_regularizer="l1"),
    layers.SeparableConv1D(3, 2, pointwise_initializer="zeros"),
    layers.Conv2DTranspose(3, 3, strides=2, output_padding=1, padding="same"),
])
def test_config_round_trip(layer):
    clone = assert_config_round_trip(layer)
    assert type(clone) is type(layer)


def test_symbolic_output_shapes_match_keras(keras):
    for class_name, kwargs, shape in [
        ("Conv2D", dict(filters=4, kernel_size=3, strides=2, padding="same"), (None, 7, 3)),
        ("Conv1D", dict(filters=4, kernel_size=3, padding="causal"), (None, 3)),
        ("Conv2DTranspose", dict(filters=4, kernel_size=3, strides=2), (5, None, 3)),
        ("SeparableConv2D", dict(filters=4, kernel_size=3), (9, 9, 3)),
    ]:
        ours = getattr(layers, class_name)(**kwargs)(lamina.Input(shape))
        theirs = getattr(keras.layers, class_name)(**kwargs)(keras.Input(shape))
        assert tuple(ours.shape) == tuple(theirs.shape)


def test_conv_runs_on_channels_last_views_without_copies():
    """Input, kernel and output of a channels-last conv -> pool -> conv stack stay views of channels-last memory."""
    x = torch.randn(4, 16, 16, 3)
    conv1, pool, conv2 = layers.Conv2D(8, 3, padding="same"), layers.MaxPooling2D(2), layers.Conv2D(8, 3)
    seen = []
    original = torch.nn.functional.conv2d

    def spy(inputs, weight, *args):
        seen.append((inputs, weight))
        return original(inputs, weight, *args)

    conv1._conv = conv2._conv = spy  # the torch kernel each layer calls
    h1 = conv1(x)
    h2 = pool(h1)
    h3 = conv2(h2)
    (first_input, first_weight), (second_input, _) = seen
    assert first_input.data_ptr() == x.data_ptr()  # the NCHW view of the NHWC input: no copy
    assert first_input.is_contiguous(memory_format=torch.channels_last)
    assert first_weight.data_ptr() == conv1.kernel.data_ptr()  # the kernel permuted as a view
    for out in (h1, h2, h3):
        assert out.is_contiguous()  # NHWC contiguous == channels-last memory of the NCHW view
    assert second_input.data_ptr() == h2.data_ptr()
    assert h3.shape == (4, 6, 6, 8)


def test_errors_name_layer_expected_and_received():
    conv = layers.Conv2D(4, 3, name="conv")
    with pytest.raises(ValueError, match=r"Conv2D 'conv' expects inputs with exactly 4 dimensions "
                                         r"\(batch, height, width, channels\).*\(28, 28, 1\)"):
        conv(torch.zeros(28, 28, 1))
    conv(torch.zeros(1, 8, 8, 3))
    with pytest.raises(ValueError, match=r"Conv2D 'conv' expects inputs whose axis -1 has size 3.*\(1, 8, 8, 5\)"):
        conv(torch.zeros(1, 8, 8, 5))
    with pytest.raises(ValueError, match=r"Conv2D 'conv': the window \(kernel_size=\(3, 3\).*spatial size \(2, 2\)"
                                         r".*padding='valid'"):
        conv(torch.zeros(1, 2, 2, 3))
    with pytest.raises(ValueError, match=r"kernel_size=\(5, 5\).*larger than the spatial size \(4, 4\)"):
        layers.Conv2D(4, 5)(lamina.Input((4, 4, 1)))
    with pytest.raises(ValueError, match=r"data_format must be one of \['channels_last', 'channels_first'\]; "
                                         r"received data_format='NHWC'"):
        layers.Conv2D(4, 3, data_format="NHWC")
    with pytest.raises(TypeError, match="filters.*kernel_size"):
        layers.Conv2D()
    with pytest.raises(ValueError, match=r"padding must be one of \['valid', 'same'\]; received padding='causal'"):
        layers.Conv2D(4, 3, padding="causal")
    with pytest.raises(ValueError, match=r"kernel_size must be a positive integer or a tuple of 2"):
        layers.Conv2D(4, (3, 3, 3))
    with pytest.raises(ValueError, match=r"filters \(5\) must be divisible by groups \(2\)"):
        layers.Conv2D(5, 3, groups=2)
    with pytest.raises(ValueError, match=r"strides > 1 cannot be combined with dilation_rate > 1"):
        layers.Conv2D(4, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match=r"output_padding must be smaller than strides"):
        layers.Conv2DTranspose(4, 3, strides=2, output_padding=2)
