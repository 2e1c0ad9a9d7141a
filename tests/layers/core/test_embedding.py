"""Embedding against Keras 3: lookups, masks, gradients, index errors, Keras 2 arguments."""
import numpy as np
import pytest
import torch

from lamina import layers


def test_lookup_and_mask_match_keras(keras):
    theirs = keras.layers.Embedding(20, 4, mask_zero=True)
    ours = layers.Embedding(20, 4, mask_zero=True)
    theirs.build((None, 5))
    ours.build((None, 5))
    ours.set_weights(theirs.get_weights())
    ids = np.array([[1, 5, 19, 0, 0], [3, 0, 2, 2, 7]], dtype="int32")
    got = ours(torch.as_tensor(ids))
    np.testing.assert_allclose(got.detach().numpy(), keras.ops.convert_to_numpy(theirs(ids)))
    np.testing.assert_array_equal(got._keras_mask.numpy(), keras.ops.convert_to_numpy(theirs.compute_mask(ids)))


def test_float_and_small_integer_indices_are_accepted():
    layer = layers.Embedding(10, 2)
    expected = layer(torch.tensor([[1, 9]]))
    torch.testing.assert_close(layer(np.array([[1.0, 9.0]])), expected)
    torch.testing.assert_close(layer(torch.tensor([[1, 9]], dtype=torch.uint8)), expected)


def test_gradient_touches_only_the_looked_up_rows():
    layer = layers.Embedding(6, 3)
    layer(torch.tensor([[0, 1], [4, 1]])).sum().backward()
    np.testing.assert_array_equal(layer.embeddings.grad[:, 0].numpy(), [1, 2, 0, 0, 1, 0])


@pytest.mark.parametrize("bad,largest,smallest", [(10, 10, 0), (-1, 3, -1)])
def test_out_of_range_index_names_the_largest_index(bad, largest, smallest):
    layer = layers.Embedding(10, 2, name="emb")
    with pytest.raises(ValueError, match=rf"Embedding 'emb': every index must be in \[0, input_dim\) = \[0, 10\), "
                                         rf"but the inputs hold indices from {smallest} to {largest} "
                                         rf"\(largest index seen: {largest}\)"):
        layer(torch.tensor([[0, 3, bad]]))


def test_arguments_are_validated():
    with pytest.raises(ValueError, match="input_dim must be a positive integer; received input_dim=0"):
        layers.Embedding(0, 3)
    with pytest.raises(ValueError, match="output_dim must be a positive integer"):
        layers.Embedding(3, "8")


def test_input_length_gives_sequential_an_integer_input():
    from lamina.models import Sequential

    model = Sequential([layers.Embedding(100, 8, input_length=12), layers.Flatten(), layers.Dense(1)])
    assert model.output_shape == (None, 1)
    assert model.count_params() == 100 * 8 + 12 * 8 + 1
    assert model(np.ones((2, 12), dtype="int64")).shape == (2, 1)


def test_symbolic_shape_config_and_frozen_weights():
    layer = layers.Embedding(50, 7, mask_zero=True, embeddings_initializer="zeros")
    assert layer(layers.Input((None,), dtype="int32")).shape == (None, None, 7)
    clone = layers.Embedding.from_config(layer.get_config())
    assert clone.mask_zero and clone.output_dim == 7
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 1
