"""CategoryEncoding, Normalization and Discretization against Keras 3 (these run without TensorFlow)."""
import numpy as np
import pytest
import torch

from lamina import layers


@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count"])
@pytest.mark.parametrize("data", [[3, 2, 0, 1], [[0, 1], [0, 0], [1, 2], [3, 1]], [[2], [0]]])
def test_category_encoding_matches_keras(keras, mode, data):
    data = np.array(data)
    if mode == "one_hot" and data.ndim == 2 and data.shape[1] > 1:
        return  # Keras's one_hot adds an axis; covered by the other shapes
    expected = keras.ops.convert_to_numpy(keras.layers.CategoryEncoding(num_tokens=4, output_mode=mode)(data))
    got = layers.CategoryEncoding(num_tokens=4, output_mode=mode)(torch.as_tensor(data))
    np.testing.assert_array_equal(got.numpy(), expected)


def test_category_encoding_count_weights_and_errors(keras):
    data, weights = np.array([[0, 1], [0, 0], [1, 2], [3, 1]]), np.array([[.1, .2], [.1, .1], [.2, .3], [.4, .2]])
    expected = keras.layers.CategoryEncoding(4, output_mode="count")(data, count_weights=weights)
    got = layers.CategoryEncoding(4, output_mode="count")(torch.as_tensor(data), count_weights=weights)
    np.testing.assert_allclose(got.numpy(), keras.ops.convert_to_numpy(expected), rtol=1e-6)
    with pytest.raises(ValueError, match="input values must be in \\[0, num_tokens\\) = \\[0, 4\\); received "
                                         "values from 0 to 7"):
        layers.CategoryEncoding(4)(torch.tensor([[0, 7]]))


@pytest.mark.parametrize("axis", [-1, None, (1, 2)])
def test_normalization_adapt_matches_keras(keras, axis):
    rng = np.random.RandomState(0)
    data = (rng.randn(40, 3, 4) * [1.0, 5.0, 0.1, 2.0] + 3.0).astype("float32")
    theirs, ours = keras.layers.Normalization(axis=axis), layers.Normalization(axis=axis)
    theirs.adapt(data)
    ours.adapt(data)
    x = rng.randn(5, 3, 4).astype("float32")
    np.testing.assert_allclose(ours(torch.as_tensor(x)).numpy(), keras.ops.convert_to_numpy(theirs(x)), atol=1e-5)
    for a, b in zip(ours.get_weights()[:2], theirs.get_weights()[:2]):  # mean, variance (count: bookkeeping)
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert [w.shape for w in ours.get_weights()] == [tuple(w.shape) for w in theirs.get_weights()]
    # the same statistics from batches
    batched = layers.Normalization(axis=axis)
    batched.adapt([data[:15], data[15:]])
    np.testing.assert_allclose(batched.get_weights()[0], ours.get_weights()[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(batched.get_weights()[1], ours.get_weights()[1], rtol=1e-5, atol=1e-6)


def test_normalization_fixed_statistics_and_invert(keras):
    x = np.array([[1.0, 2.0, 3.0]], dtype="float32")
    for invert in (False, True):
        theirs = keras.layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25], invert=invert)
        ours = layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25], invert=invert)
        np.testing.assert_allclose(ours(torch.as_tensor(x)).numpy(), keras.ops.convert_to_numpy(theirs(x)))
    with pytest.raises(ValueError, match="pass both mean and variance"):
        layers.Normalization(mean=1.0)


@pytest.mark.parametrize("num_bins,epsilon", [(4, 0.01), (3, 0.1), (10, 0.001)])
def test_discretization_adapt_matches_keras(keras, num_bins, epsilon):
    rng = np.random.RandomState(num_bins)
    batches = [rng.randn(500) * 3, rng.exponential(size=300)]
    theirs = keras.layers.Discretization(num_bins=num_bins, epsilon=epsilon)
    theirs.reset_state()
    for batch in batches:
        theirs.update_state(batch)
    theirs.finalize_state()
    ours = layers.Discretization(num_bins=num_bins, epsilon=epsilon)
    ours.adapt(batches)
    np.testing.assert_allclose(ours.bin_boundaries, theirs.bin_boundaries, rtol=1e-6)
    x = rng.randn(4, 6).astype("float32")
    np.testing.assert_array_equal(ours(torch.as_tensor(x)).numpy(), keras.ops.convert_to_numpy(theirs(x)))


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization_boundaries_match_keras(keras, mode):
    x = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.5, 2.0]], dtype="float32")
    theirs = keras.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0], output_mode=mode)
    ours = layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0], output_mode=mode)
    np.testing.assert_array_equal(ours(torch.as_tensor(x)).numpy(), keras.ops.convert_to_numpy(theirs(x)))
    clone = layers.Discretization.from_config(ours.get_config())
    assert clone.bin_boundaries == [0.0, 1.0, 2.0]
