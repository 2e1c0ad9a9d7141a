"""to_categorical and normalize against Keras 3."""
import numpy as np
import pytest
import torch

from lamina import utils


@pytest.mark.parametrize(
    "labels, num_classes",
    [
        ([0, 1, 2, 3], None),
        ([3, 1, 1], 6),
        (np.array([[1], [0], [4]]), None),  # trailing axis of size 1 is dropped
        (np.array([[1, 2], [0, 3]]), 5),
        (np.array([2.0, 0.0]), 3),  # integral floats are fine
        (np.arange(10, dtype=np.uint8), 10),
    ],
)
def test_to_categorical_matches_keras(keras, labels, num_classes):
    expected = keras.utils.to_categorical(labels, num_classes)
    got = utils.to_categorical(labels, num_classes)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def test_to_categorical_torch_tensor_input():
    got = utils.to_categorical(torch.tensor([[2], [0]]), 3)
    assert isinstance(got, torch.Tensor) and got.dtype == torch.float32
    assert got.tolist() == [[0, 0, 1], [1, 0, 0]]


@pytest.mark.parametrize(
    "labels, num_classes, message",
    [
        ([0, 3], 3, "class index 3 is out of range for num_classes=3"),
        ([0, -1], None, "class indices must be >= 0; received -1"),
        ([0.5, 1], None, "non-integer values \\[0.5\\]"),
        ([np.nan], 2, "non-integer values"),
        (["a"], None, "integer class indices; received an array of dtype <U1"),
        ([1], 0, "num_classes must be a positive integer; received 0"),
    ],
)
def test_to_categorical_refuses_what_keras_would_silently_mangle(labels, num_classes, message):
    with pytest.raises(ValueError, match=message):
        utils.to_categorical(labels, num_classes)


def test_normalize_matches_keras(keras):
    x = np.random.RandomState(0).randn(4, 5)
    x[1] = 0
    for axis, order in ((-1, 2), (1, 1), (-1, 3)):
        expected = keras.utils.normalize(x, axis=axis, order=order)
        np.testing.assert_allclose(utils.normalize(x, axis=axis, order=order), expected, rtol=1e-12)
    # Keras turns axis=0 into -1 (`axis or -1`) and fails to broadcast; lamina normalises the columns
    np.testing.assert_allclose(utils.normalize(x, axis=0), x / np.linalg.norm(x, axis=0, keepdims=True))
    tensor = torch.tensor(x, dtype=torch.float32)
    expected = keras.ops.convert_to_numpy(keras.utils.normalize(keras.ops.convert_to_tensor(tensor)))
    got = utils.normalize(tensor)
    assert isinstance(got, torch.Tensor)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6, atol=1e-7)
