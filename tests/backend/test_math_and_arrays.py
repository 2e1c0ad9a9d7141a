"""K's math and shape functions: Keras 2's documented behaviour, compared with Keras 3 where it is the same."""
import numpy as np
import pytest
import torch

from lamina import backend as K
from lamina.layers import Input

RNG = np.random.RandomState(0)


def _np(x):
    return x.detach().cpu().numpy()


@pytest.mark.parametrize("name", ["sum", "mean", "prod", "max", "min", "std", "var", "logsumexp"])
@pytest.mark.parametrize("axis,keepdims", [(None, False), (1, False), ([0, 2], True), (-1, True)])
def test_reductions_match_keras_ops(keras, name, axis, keepdims):
    x = RNG.uniform(0.5, 2.0, size=(2, 3, 4)).astype("float32")
    ours = getattr(K, name)(torch.tensor(x), axis=axis, keepdims=keepdims)
    theirs = getattr(keras.ops, name)(keras.ops.convert_to_tensor(x), axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(_np(ours), keras.ops.convert_to_numpy(theirs), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["square", "exp", "log", "abs", "sign", "round", "sin", "cos"])
def test_elementwise_match_keras_ops(keras, name):
    x = RNG.uniform(0.1, 3.0, size=(3, 4)).astype("float32")
    ours = getattr(K, name)(torch.tensor(x))
    theirs = getattr(keras.ops, name)(keras.ops.convert_to_tensor(x))
    np.testing.assert_allclose(_np(ours), keras.ops.convert_to_numpy(theirs), rtol=1e-6)


def test_mean_of_booleans_is_a_fraction_and_argmax_defaults_to_last_axis():
    assert K.mean(K.equal(torch.tensor([1.0, 2.0, 3.0, 4.0]), torch.tensor([1.0, 0.0, 3.0, 0.0]))).item() == 0.5
    assert K.argmax(torch.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 1.0]])).tolist() == [1, 0]
    assert K.argmin(torch.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 1.0]])).tolist() == [0, 1]


def test_sqrt_clamps_negatives_and_clip_follows_keras2():
    assert K.sqrt(torch.tensor([-4.0, 9.0])).tolist() == [0.0, 3.0]
    x = torch.tensor([-2.0, 0.5, 10.0])
    assert K.clip(x, 0.0, None).tolist() == [0.0, 0.5, 10.0]  # no upper bound
    assert K.clip(x, 1.0, 0.0).tolist() == [1.0, 1.0, 1.0]  # max below min is raised to min


@pytest.mark.parametrize("x_shape,y_shape", [((2, 3), (3, 4)), ((2, 3, 4), (4, 5)), ((2, 3), (4, 3, 5)), ((3,), (3,)),
                                             ((2, 3, 4), (6, 4, 5))])
def test_dot_matches_numpy_dot(keras, x_shape, y_shape):
    # Keras 2 documents K.dot((2, 3), (4, 3, 5)) -> (2, 4, 5): NumPy's dot. Keras 3's ops.dot agrees up to 2-D y.
    x = RNG.normal(size=x_shape).astype("float32")
    y = RNG.normal(size=y_shape).astype("float32")
    out = K.dot(torch.tensor(x), torch.tensor(y))
    np.testing.assert_allclose(_np(out), np.dot(x, y), rtol=1e-5, atol=1e-5)
    if len(y_shape) <= 2:
        theirs = keras.ops.convert_to_numpy(keras.ops.dot(x, y))
        np.testing.assert_allclose(_np(out), theirs, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("x_shape,y_shape,axes", [
    ((32, 20), (32, 20), 1), ((32, 20, 1), (32, 30, 20), (1, 2)), ((4, 3, 5), (4, 5, 2), None),
    ((4, 5), (4, 5, 2), None), ((4, 3, 5), (4, 5), (2, 1)), ((2, 3, 4, 5), (2, 5, 6), None),
])
def test_batch_dot_matches_keras(keras, x_shape, y_shape, axes):
    from keras.src.layers.merging.dot import batch_dot as keras_batch_dot  # Keras 3's port of Keras 2's batch_dot

    x = RNG.normal(size=x_shape).astype("float32")
    y = RNG.normal(size=y_shape).astype("float32")
    ours = K.batch_dot(torch.tensor(x), torch.tensor(y), axes=axes)
    theirs = keras.ops.convert_to_numpy(keras_batch_dot(keras.ops.convert_to_tensor(x),
                                                        keras.ops.convert_to_tensor(y), axes=axes))
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(_np(ours), theirs, rtol=1e-5, atol=1e-5)


def test_batch_dot_documented_example_shape():
    # Keras 2's docstring: x (32, 20, 1), y (32, 30, 20), axes=(1, 2) -> (32, 1, 30)
    assert K.int_shape(K.batch_dot(torch.ones(32, 20, 1), torch.ones(32, 30, 20), axes=(1, 2))) == (32, 1, 30)


def test_batch_dot_and_dot_errors_name_the_shapes():
    with pytest.raises(ValueError, match=r"K.batch_dot: cannot sum over axis 1 of x \(shape \(2, 3\)\)"):
        K.batch_dot(torch.ones(2, 3), torch.ones(2, 4), axes=1)
    with pytest.raises(ValueError, match="batch axis"):
        K.batch_dot(torch.ones(2, 3), torch.ones(2, 3), axes=0)
    with pytest.raises(ValueError, match=r"K.dot: the last axis of x \(shape \(2, 3\)\)"):
        K.dot(torch.ones(2, 3), torch.ones(4, 5))


def test_shape_functions_follow_keras2_defaults():
    x = torch.arange(24.0).reshape(2, 3, 4)
    assert K.int_shape(K.concatenate([x, x])) == (2, 3, 8)  # last axis by default
    assert K.int_shape(K.expand_dims(x)) == (2, 3, 4, 1)
    assert K.int_shape(K.transpose(x)) == (4, 3, 2)
    assert K.int_shape(K.flatten(x)) == (24,) and K.int_shape(K.batch_flatten(x)) == (2, 12)
    np.testing.assert_array_equal(_np(K.permute_dimensions(x, (0, 2, 1))), _np(x).transpose(0, 2, 1))
    assert K.gather(x, torch.tensor([1, 0]))[0].equal(x[1])
    assert K.int_shape(K.repeat(torch.ones(2, 3), 5)) == (2, 5, 3)
    assert K.repeat_elements(torch.tensor([[1, 2]]), 2, axis=1).tolist() == [[1, 1, 2, 2]]
    assert K.int_shape(K.reshape(x, (K.shape(x)[0], -1))) == (2, 12)
    assert K.arange(1, 7, 2).tolist() == [1, 3, 5] and K.arange(3).dtype == torch.int32
    assert K.one_hot(torch.tensor([2, 0]), 3).tolist() == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    assert K.reverse(torch.tensor([[1, 2], [3, 4]]), [0, 1]).tolist() == [[4, 3], [2, 1]]


def test_paddings_match_numpy():
    x = RNG.normal(size=(2, 3, 4, 5)).astype("float32")
    ours = K.spatial_2d_padding(torch.tensor(x), ((1, 2), (0, 3)))
    np.testing.assert_array_equal(_np(ours), np.pad(x, ((0, 0), (1, 2), (0, 3), (0, 0))))
    first = K.spatial_2d_padding(torch.tensor(x), ((1, 1), (2, 2)), data_format="channels_first")
    np.testing.assert_array_equal(_np(first), np.pad(x, ((0, 0), (0, 0), (1, 1), (2, 2))))
    t = RNG.normal(size=(2, 3, 4)).astype("float32")
    np.testing.assert_array_equal(_np(K.temporal_padding(torch.tensor(t), (2, 1))), np.pad(t, ((0, 0), (2, 1), (0, 0))))


def test_functions_record_symbolic_nodes_with_inferred_shapes():
    x = Input((6, 4))
    assert K.sum(x, axis=1).shape == (None, 4)
    assert K.mean(K.square(x), axis=-1, keepdims=True).shape == (None, 6, 1)
    assert K.batch_flatten(x).shape == (None, 24)
    assert K.concatenate([x, x], axis=1).shape == (None, 12, 4)
    assert K.dot(x, torch.ones(4, 3)).shape == (None, 6, 3)
    assert K.batch_dot(x, x, axes=(2, 2)).shape == (None, 6, 6)
    assert K.shape(x).shape == (3,)
