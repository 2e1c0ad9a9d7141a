"""K's neural-network functions: Keras 2's formulas (probability clipping, epsilon), convolution and pooling."""
import numpy as np
import pytest
import torch

from lamina import backend as K
from lamina.layers import Input

RNG = np.random.RandomState(1)
EPS = 1e-7


def _np(x):
    return x.detach().cpu().numpy()


def test_binary_crossentropy_is_keras2_formula_with_target_first():
    target = RNG.randint(0, 2, size=(4, 5)).astype("float32")
    output = RNG.uniform(0.0, 1.0, size=(4, 5)).astype("float32")
    output[0, 0], output[1, 1] = 0.0, 1.0  # clipped to [eps, 1 - eps]
    clipped = np.clip(output, EPS, 1 - EPS)
    expected = -(target * np.log(clipped + EPS) + (1 - target) * np.log(1 - clipped + EPS))
    ours = K.binary_crossentropy(torch.tensor(target), torch.tensor(output))
    np.testing.assert_allclose(_np(ours), expected, rtol=1e-5)
    swapped = K.binary_crossentropy(torch.tensor(output), torch.tensor(target))  # the notes' mistake: not the same
    assert not np.allclose(_np(swapped), expected)


def test_crossentropies_from_logits_match_keras_ops(keras):
    logits = RNG.normal(size=(4, 3)).astype("float32")
    labels = np.eye(3, dtype="float32")[[0, 2, 1, 1]]
    for ours, theirs in [
        (K.binary_crossentropy(torch.tensor(labels), torch.tensor(logits), from_logits=True),
         keras.ops.binary_crossentropy(labels, logits, from_logits=True)),
        (K.categorical_crossentropy(torch.tensor(labels), torch.tensor(logits), from_logits=True),
         keras.ops.categorical_crossentropy(labels, logits, from_logits=True)),
        (K.sparse_categorical_crossentropy(torch.tensor([0, 2, 1, 1]), torch.tensor(logits), from_logits=True),
         keras.ops.sparse_categorical_crossentropy(np.array([0, 2, 1, 1]), logits, from_logits=True)),
    ]:
        np.testing.assert_allclose(_np(ours), keras.ops.convert_to_numpy(theirs), rtol=1e-5, atol=1e-6)


def test_categorical_crossentropy_renormalises_and_clips_probabilities():
    target = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]], dtype="float32")
    output = np.array([[1.0, 2.0, 1.0], [0.0, 0.5, 0.5]], dtype="float32")  # unnormalised, with a zero
    scaled = np.clip(output / output.sum(-1, keepdims=True), EPS, 1 - EPS)
    expected = -(target * np.log(scaled)).sum(-1)
    np.testing.assert_allclose(_np(K.categorical_crossentropy(torch.tensor(target), torch.tensor(output))), expected,
                               rtol=1e-5)
    probabilities = torch.tensor(output / output.sum(-1, keepdims=True))
    sparse = K.sparse_categorical_crossentropy(torch.tensor([[1], [2]]), probabilities)
    np.testing.assert_allclose(_np(sparse), -np.log(scaled[[0, 1], [1, 2]]), rtol=1e-5)


def test_activations_follow_keras2():
    x = torch.tensor([-3.0, -1.0, 0.5, 2.0, 8.0])
    assert K.relu(x, alpha=0.1, max_value=6.0, threshold=1.0).tolist() == pytest.approx([-0.4, -0.2, -0.05, 2.0, 6.0])
    assert K.hard_sigmoid(x).tolist() == pytest.approx([0.0, 0.3, 0.6, 0.9, 1.0])
    assert K.elu(x, alpha=2.0)[0].item() == pytest.approx(2.0 * (np.exp(-3.0) - 1))
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(_np(K.softmax(torch.tensor([[1.0, 2.0, 3.0]]))), [e / e.sum()], rtol=1e-6)
    v = torch.tensor([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(_np(K.l2_normalize(v, axis=1)), [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)


def test_conv_and_pool_match_keras_ops(keras):
    x = RNG.normal(size=(2, 7, 7, 3)).astype("float32")
    kernel = RNG.normal(size=(3, 3, 3, 4)).astype("float32")
    for padding, strides in [("valid", (1, 1)), ("same", (2, 2))]:
        ours = K.conv2d(torch.tensor(x), torch.tensor(kernel), strides=strides, padding=padding)
        theirs = keras.ops.conv(x, kernel, strides=strides, padding=padding)
        np.testing.assert_allclose(_np(ours), keras.ops.convert_to_numpy(theirs), rtol=1e-4, atol=1e-5)
    pooled = K.pool2d(torch.tensor(x), (2, 2), strides=(2, 2), pool_mode="avg")
    np.testing.assert_allclose(_np(pooled), keras.ops.convert_to_numpy(keras.ops.average_pool(x, 2, 2)), rtol=1e-6)
    assert K.int_shape(K.pool2d(torch.tensor(x), (2, 2))) == (2, 6, 6, 3)  # Keras 2's default stride is 1
    with pytest.raises(ValueError, match="pool_mode"):
        K.pool2d(torch.tensor(x), (2, 2), pool_mode="median")


def test_causal_conv1d_sees_only_the_past():
    x = torch.zeros(1, 6, 1)
    x[0, 3, 0] = 1.0
    out = K.conv1d(x, torch.ones(3, 1, 1), padding="causal")
    assert out[0, :, 0].tolist() == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]


def test_bias_add_and_resize_images():
    x = torch.zeros(2, 3, 4, 5)
    assert K.bias_add(x, torch.arange(5.0))[1, 2, 3].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert K.bias_add(x, torch.arange(3.0), data_format="channels_first")[0, :, 0, 0].tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(ValueError, match="bias has 4 entries but x"):
        K.bias_add(x, torch.ones(4))
    image = torch.arange(4.0).reshape(1, 2, 2, 1)
    assert K.resize_images(image, 2, 3, "channels_last")[0, :, :, 0].tolist() == [
        [0.0, 0.0, 0.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 1.0, 1.0, 1.0],
        [2.0, 2.0, 2.0, 3.0, 3.0, 3.0], [2.0, 2.0, 2.0, 3.0, 3.0, 3.0]]
    assert K.int_shape(K.resize_images(image, 2, 2, "channels_last", interpolation="bilinear")) == (1, 4, 4, 1)


def test_batch_normalization_and_dropout():
    x = torch.tensor([[1.0, 2.0], [3.0, 6.0]])
    out = K.batch_normalization(x, torch.tensor([2.0, 4.0]), torch.tensor([1.0, 4.0]), torch.tensor([0.5, 0.0]),
                                torch.tensor([1.0, 2.0]), epsilon=0.0)
    assert out.tolist() == [[-0.5, -2.0], [1.5, 2.0]]
    dropped = K.dropout(torch.ones(10000), 0.3, seed=3)
    assert abs(float((dropped == 0).float().mean()) - 0.3) < 0.03
    assert torch.unique(dropped).tolist() == pytest.approx([0.0, 1 / 0.7])


def test_losses_work_on_symbolic_tensors():
    y_true, y_pred = Input((5,)), Input((5,))
    assert K.mean(K.binary_crossentropy(y_true, y_pred), axis=-1).shape == (None,)
    assert K.categorical_crossentropy(y_true, y_pred).shape == (None,)
