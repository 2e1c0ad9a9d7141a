"""tf.nn against TensorFlow's documented formulas: convolution (non-flipped sum), pooling, dropout, losses, lookup."""
import numpy as np
import pytest
import torch

import lamina.compat.tensorflow as tf

RNG = np.random.RandomState(0)


def _conv_reference(x, w, stride, pads):
    """Cross-correlation of NHWC ``x`` with HWIO ``w`` after explicit zero padding (the TF documentation's sum)."""
    x = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    kh, kw = w.shape[:2]
    out_h = (x.shape[1] - kh) // stride + 1
    out_w = (x.shape[2] - kw) // stride + 1
    out = np.zeros((x.shape[0], out_h, out_w, w.shape[3]), dtype="float64")
    for i in range(out_h):
        for j in range(out_w):
            window = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j, :] = np.einsum("bhwc,hwco->bo", window, w)
    return out


@pytest.mark.parametrize("stride,pads", [(1, ((0, 0), (0, 0))), (2, ((1, 1), (1, 1))), (2, ((0, 2), (1, 0)))])
def test_conv2d_with_explicit_padding_is_the_non_flipped_sum(stride, pads):
    x = RNG.normal(size=(2, 7, 6, 3)).astype("float32")
    w = RNG.normal(size=(3, 3, 3, 4)).astype("float32")
    padding = [[0, 0], list(pads[0]), list(pads[1]), [0, 0]]
    out = tf.nn.conv2d(tf.constant(x), tf.constant(w), strides=stride, padding=padding)
    np.testing.assert_allclose(out.numpy(), _conv_reference(x, w, stride, pads), rtol=1e-4, atol=1e-4)
    same_strides = tf.nn.conv2d(tf.constant(x), tf.constant(w), strides=[1, stride, stride, 1], padding=padding)
    np.testing.assert_allclose(same_strides.numpy(), out.numpy())


def test_conv2d_same_valid_nchw_and_bad_arguments():
    x = tf.ones([1, 5, 5, 2])
    w = tf.ones([3, 3, 2, 1])
    assert tf.nn.conv2d(x, w, 1, "SAME").shape == (1, 5, 5, 1)
    assert tf.nn.conv2d(x, w, 2, "VALID").shape == (1, 2, 2, 1)
    nchw = tf.nn.conv2d(tf.transpose(x, [0, 3, 1, 2]), w, 1, "VALID", data_format="NCHW")
    np.testing.assert_allclose(nchw.numpy(), tf.transpose(tf.nn.conv2d(x, w, 1, "VALID"), [0, 3, 1, 2]).numpy())
    with pytest.raises(ValueError, match="padding of the batch and channel axes must be"):
        tf.nn.conv2d(x, w, 1, [[1, 1], [0, 0], [0, 0], [0, 0]])
    with pytest.raises(ValueError, match="padding must be 'SAME', 'VALID'"):
        tf.nn.conv2d(x, w, 1, "FULL")
    with pytest.raises(ValueError, match="strides along the batch and channel axes must be 1"):
        tf.nn.conv2d(x, w, [2, 1, 1, 1], "VALID")
    with pytest.raises(ValueError, match=r"input must have rank 4 .* received shape \(5, 5, 2\)"):
        tf.nn.conv2d(tf.ones([5, 5, 2]), w, 1, "VALID")
    with pytest.raises(TypeError, match="missing .* required positional arguments: 'input', 'ksize', 'strides'"):
        tf.nn.max_pool2d()


def test_pooling_against_numpy():
    x = RNG.normal(size=(2, 4, 6, 3)).astype("float32")
    windows = x.reshape(2, 2, 2, 3, 2, 3)
    np.testing.assert_allclose(tf.nn.max_pool2d(x, 2, 2, "VALID").numpy(), windows.max(axis=(2, 4)))
    np.testing.assert_allclose(tf.nn.avg_pool2d(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID").numpy(),
                               windows.mean(axis=(2, 4)), rtol=1e-6)
    np.testing.assert_allclose(tf.nn.max_pool(x, 2, 2, "VALID").numpy(), windows.max(axis=(2, 4)))
    same = tf.nn.avg_pool2d(tf.ones([1, 3, 3, 1]), 2, 2, "SAME")
    assert same[0, :, :, 0].tolist() == [[1.0, 1.0], [1.0, 1.0]]  # padding is not counted in the average
    padded = tf.nn.max_pool2d(-tf.ones([1, 2, 2, 1]), 2, 1, [[0, 0], [1, 0], [1, 0], [0, 0]])
    assert padded[0, :, :, 0].tolist() == [[-1.0, -1.0], [-1.0, -1.0]]  # explicit padding never wins a max
    assert tf.nn.max_pool1d(tf.constant([[[1.0], [3.0], [2.0], [0.0]]]), 2, 2, "VALID")[0, :, 0].tolist() == [3.0, 2.0]


def test_dropout_drops_rate_and_scales_the_rest():
    x = tf.ones([200, 500])
    y = tf.nn.dropout(x, 0.3, seed=4).numpy()
    assert abs(np.mean(y == 0) - 0.3) < 0.01
    np.testing.assert_allclose(y[y != 0], 1 / 0.7, rtol=1e-6)
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\); received rate=1.0"):
        tf.nn.dropout(x, 1.0)
    shared = tf.nn.dropout(tf.ones([4, 6]), 0.5, noise_shape=[4, 1], seed=1).numpy()
    assert all(len(set(row)) == 1 for row in shared)  # one draw per row


def test_embedding_lookup_gradient_touches_looked_up_rows():
    table = tf.Variable(np.arange(18, dtype="float32").reshape(6, 3))
    ids = tf.constant([[0, 1], [4, 1]])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.nn.embedding_lookup(table, ids))
    grad = tape.gradient(loss, table).numpy()
    assert grad[:, 0].tolist() == [1.0, 2.0, 0.0, 0.0, 1.0, 0.0]
    np.testing.assert_allclose(tf.nn.embedding_lookup(table, ids).detach().numpy(),
                               tf.einsum("bsv,vd->bsd", tf.one_hot(ids, 6), table).detach().numpy())
    capped = tf.nn.embedding_lookup(table, tf.constant([5]), max_norm=1.0)
    assert torch.linalg.vector_norm(capped).item() == pytest.approx(1.0)
    assert table[5, 0].item() == 15.0  # the table itself is unchanged


def test_cross_entropies_activations_and_statistics():
    logits = RNG.normal(size=(4, 3)).astype("float32")
    labels = np.eye(3, dtype="float32")[[2, 0, 1, 1]]
    log_softmax = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    expected = -(labels * log_softmax).sum(-1)
    np.testing.assert_allclose(tf.nn.softmax_cross_entropy_with_logits(labels, logits).numpy(), expected, rtol=1e-5)
    np.testing.assert_allclose(tf.nn.sparse_softmax_cross_entropy_with_logits(np.array([2, 0, 1, 1]), logits).numpy(),
                               expected, rtol=1e-5)
    z, x = labels, logits
    sigmoid_ce = np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))  # TF's documented stable formula
    np.testing.assert_allclose(tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x).numpy(), sigmoid_ce,
                               rtol=1e-5)
    assert tf.nn.l2_loss(tf.constant([1.0, 2.0, 2.0])).item() == 4.5
    mean, variance = tf.nn.moments(tf.constant([[1.0, 2.0], [3.0, 6.0]]), axes=[0])
    assert mean.tolist() == [2.0, 4.0] and variance.tolist() == [1.0, 4.0]
    assert tf.nn.leaky_relu(tf.constant([-1.0])).item() == pytest.approx(-0.2)
    assert tf.nn.gelu(tf.constant([1.0])).item() == pytest.approx(0.8413447, rel=1e-6)  # exact (erf) by default
    assert tf.nn.relu(tf.constant([-1.0, 2.0])).tolist() == [0.0, 2.0]
    assert tf.nn.bias_add(tf.zeros([1, 2, 2]), tf.constant([1.0, 2.0]), data_format="NCW")[0, :, 0].tolist() == [1, 2]
    probabilities = tf.nn.softmax(tf.constant([[1.0, 2.0, 3.0]]))
    assert probabilities.sum().item() == pytest.approx(1.0)
    big = tf.nn.softmax(tf.constant([1000.0, 1000.0]))
    assert big.tolist() == [0.5, 0.5]  # stable for large logits
