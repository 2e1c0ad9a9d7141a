"""Pooling layers against Keras 3 (torch backend), and 'same' average pooling against TensorFlow's definition."""
import pathlib
import sys

import numpy as np
import pytest
import torch

import lamina
from lamina import layers

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from vision_reference import assert_config_round_trip, assert_matches_keras  # noqa: E402

RNG = np.random.RandomState(0)


def _data(rank, data_format, size=8, channels=3):
    spatial = (size,) + tuple(size - 1 - i for i in range(rank - 1))
    shape = (2, *spatial, channels) if data_format == "channels_last" else (2, channels, *spatial)
    return RNG.randn(*shape).astype("float32")


# (pool_size, strides, padding); the 'same' cases are those where Keras's torch backend agrees with TensorFlow
POOL_CASES = [(2, None, "valid"), (3, None, "valid"), (3, 1, "valid"), (2, 1, "same"), (3, 1, "same"),
              (3, 2, "valid"), (2, 3, "valid"), (1, 2, "same")]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("pool", ["MaxPooling", "AveragePooling"])
@pytest.mark.parametrize("pool_size,strides,padding", POOL_CASES)
def test_pooling_matches_keras(keras, pool, rank, data_format, pool_size, strides, padding):
    kwargs = dict(pool_size=pool_size, strides=strides, padding=padding, data_format=data_format)
    assert_matches_keras(keras, f"{pool}{rank}D", kwargs, _data(rank, data_format))


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("pool_size,strides", [(3, 2), (2, 2), (4, 3), ((2, 3), (2, 1))])
def test_max_pooling_same_with_asymmetric_padding_matches_keras(keras, data_format, pool_size, strides):
    kwargs = dict(pool_size=pool_size, strides=strides, padding="same", data_format=data_format)
    assert_matches_keras(keras, "MaxPooling2D", kwargs, _data(2, data_format, size=7))


def _tf_average_pool_same(x, pool, stride):
    """TensorFlow's 'same' average pooling on (batch, length, channels): the mean of the window's real positions."""
    length = x.shape[1]
    out_length = -(-length // stride)
    total = max((out_length - 1) * stride + pool - length, 0)
    start = -(total // 2)
    out = np.zeros((x.shape[0], out_length, x.shape[2]), dtype=np.float32)
    for i in range(out_length):
        lo, hi = max(start + i * stride, 0), min(start + i * stride + pool, length)
        out[:, i] = x[:, lo:hi].mean(axis=1)
    return out


@pytest.mark.parametrize("pool,stride,length", [(3, 2, 8), (2, 2, 7), (2, 1, 6), (4, 3, 10), (5, 2, 9)])
def test_average_pooling_same_counts_only_real_positions(pool, stride, length):
    """Keras's torch backend averages replicated border values when 'same' pads asymmetrically; TensorFlow (and
    Keras's other backends) average the real positions only. lamina follows TensorFlow."""
    x = RNG.randn(2, length, 3).astype("float32")
    got = layers.AveragePooling1D(pool, strides=stride, padding="same")(torch.as_tensor(x)).numpy()
    np.testing.assert_allclose(got, _tf_average_pool_same(x, pool, stride), atol=1e-6)
    images = RNG.randn(2, length, length + 1, 3).astype("float32")
    got2d = layers.AveragePooling2D(pool, strides=stride, padding="same")(torch.as_tensor(images)).numpy()
    rows = np.stack([_tf_average_pool_same(images[:, :, j], pool, stride) for j in range(length + 1)], axis=2)
    expected = np.stack([_tf_average_pool_same(rows[:, i], pool, stride) for i in range(rows.shape[1])], axis=1)
    np.testing.assert_allclose(got2d, expected, atol=1e-6)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("pool", ["GlobalMaxPooling", "GlobalAveragePooling"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_matches_keras(keras, pool, rank, data_format, keepdims):
    kwargs = dict(data_format=data_format, keepdims=keepdims)
    assert_matches_keras(keras, f"{pool}{rank}D", kwargs, _data(rank, data_format, size=5))


def test_global_average_pooling_1d_with_mask_matches_keras(keras):
    x = RNG.randn(3, 5, 4).astype("float32")
    x[0, 3:] = 1000.0  # masked steps must not leak into the mean
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 0]], dtype=bool)
    k_x, k_mask = keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(mask)
    expected = keras.layers.GlobalAveragePooling1D()(k_x, mask=k_mask)
    got = layers.GlobalAveragePooling1D()(torch.as_tensor(x), mask=torch.as_tensor(mask))
    np.testing.assert_allclose(got.numpy(), keras.ops.convert_to_numpy(expected), atol=1e-5)


def test_global_average_pooling_1d_takes_the_mask_of_an_embedding():
    inputs = lamina.Input((4,), dtype="int32")
    pooled = layers.GlobalAveragePooling1D()(layers.Embedding(10, 3, mask_zero=True)(inputs))
    model = lamina.Model(inputs, pooled)
    embedding = model.layers[1].get_weights()[0]
    out = model.predict(np.array([[1, 2, 0, 0]]), verbose=0)
    np.testing.assert_allclose(out[0], embedding[[1, 2]].mean(axis=0), atol=1e-6)


def test_pooling_keeps_channels_last_layout_without_copying_its_input():
    x = torch.randn(2, 8, 8, 16)
    out = layers.MaxPooling2D(2)(x)
    assert out.is_contiguous() and out.shape == (2, 4, 4, 16)
    assert layers.AveragePooling2D(3, strides=1, padding="same")(x).is_contiguous()


@pytest.mark.parametrize("layer", [
    layers.MaxPooling2D((2, 3), strides=(1, 2), padding="same", data_format="channels_first"),
    layers.AveragePooling1D(3), layers.MaxPooling3D(2), layers.GlobalAveragePooling2D(keepdims=True),
    layers.GlobalMaxPooling1D(data_format="channels_first"),
])
def test_config_round_trip(layer):
    assert_config_round_trip(layer)


def test_keras2_aliases():
    assert layers.MaxPool2D is layers.MaxPooling2D and layers.AvgPool2D is layers.AveragePooling2D
    assert layers.GlobalMaxPool2D is layers.GlobalMaxPooling2D
    assert layers.GlobalAvgPool1D is layers.GlobalAveragePooling1D
    assert layers.Convolution2D is layers.Conv2D and layers.Deconvolution2D is layers.Conv2DTranspose


def test_errors_name_layer_expected_and_received():
    with pytest.raises(ValueError, match=r"MaxPooling2D 'pool' expects inputs with exactly 4 dimensions "
                                         r"\(batch, height, width, channels\), but received an input of shape "
                                         r"\(8, 8, 3\)"):
        layers.MaxPooling2D(name="pool")(torch.zeros(8, 8, 3))
    with pytest.raises(ValueError, match=r"the window \(pool_size=\(3, 3\)\) is larger than the spatial size \(2, 2\)"):
        layers.AveragePooling2D(3)(torch.zeros(1, 2, 2, 1))
    with pytest.raises(ValueError, match=r"padding must be one of \['valid', 'same'\]; received padding='full'"):
        layers.MaxPooling1D(padding="full")
    with pytest.raises(ValueError, match=r"data_format must be one of.*received data_format='nchw'"):
        layers.GlobalAveragePooling2D(data_format="nchw")
    with pytest.raises(ValueError, match=r"pool_size must be a positive integer or a tuple of 2"):
        layers.MaxPooling2D(pool_size=0)
