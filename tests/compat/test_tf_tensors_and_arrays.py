"""tf.constant / convert_to_tensor / Variable dtype rules and the top-level tensor functions (TensorFlow 2 docs)."""
import numpy as np
import pytest
import torch

import lamina
import lamina.compat.tensorflow as tf
from lamina.layers import Input


def test_constant_dtypes_follow_tensorflow():
    assert tf.constant(1.0).dtype == tf.float32 and tf.constant(1).dtype == tf.int32
    assert tf.constant([1, 2, 3]).dtype == tf.int32 and tf.constant([1.5, 2]).dtype == tf.float32
    assert tf.constant(True).dtype == tf.bool and tf.constant(2 ** 40).dtype == tf.int64
    assert tf.constant(np.array([[1, 2]])).dtype == tf.int64  # NumPy arrays keep their dtype
    assert tf.constant(np.zeros(2)).dtype == tf.float64
    assert tf.constant([1, 2], dtype=tf.float64).dtype == tf.float64
    assert tf.constant(0, shape=(2, 3)).tolist() == [[0, 0, 0], [0, 0, 0]]
    assert tf.constant([1, 2, 3, 4, 5, 6], shape=[2, 3]).tolist() == [[1, 2, 3], [4, 5, 6]]
    with pytest.raises(TypeError, match=r"expected 4 values for shape=\(2, 2\)"):
        tf.constant([1, 2, 3], shape=(2, 2))
    v = tf.Variable([0.0])
    with tf.GradientTape() as tape:
        loss = tf.constant(v + v)  # a tensor passes through, gradients included (TF docs)
    assert tape.gradient(loss, v).tolist() == [2.0]


def test_convert_to_tensor_passes_tensors_and_rejects_dtype_changes():
    t = torch.ones(2)
    assert tf.convert_to_tensor(t) is t
    with pytest.raises(ValueError, match="requested dtype torch.int32 for a tensor of dtype torch.float32"):
        tf.convert_to_tensor(t, dtype=tf.int32)
    assert tf.convert_to_tensor([torch.ones(2), torch.zeros(2)]).shape == (2, 2)
    assert tf.convert_to_tensor(3, dtype_hint=tf.float32).dtype == tf.float32
    with pytest.raises(TypeError, match="numbers and booleans only"):
        tf.convert_to_tensor(["a", "b"])


def test_variable_dtypes_trainability_and_augmented_assignment():
    assert tf.Variable(1.0).dtype == tf.float32 and tf.Variable(np.zeros(2)).dtype == tf.float64
    counter = tf.Variable(3)
    assert counter.dtype == tf.int32 and not counter.trainable
    w = tf.Variable([1.0, 2.0], name="w")
    assert isinstance(w, lamina.Variable) and w.trainable and w.name == "w"
    alias = w
    w += 1.0  # TensorFlow: a new tensor; the variable keeps its value
    assert alias.numpy().tolist() == [1.0, 2.0] and w.tolist() == [2.0, 3.0]
    alias.assign_sub([1.0, 1.0])
    assert alias.numpy().tolist() == [0.0, 1.0]
    assert tf.Variable(lambda: tf.ones([2])).numpy().tolist() == [1.0, 1.0]


def test_concat_in_tensorflow_2_order_and_the_tf1_order_is_reported():
    a, b = tf.ones([1, 10, 10, 3]), tf.zeros([1, 10, 10, 3])
    assert tf.concat([a, b, a, b], 3).shape == (1, 10, 10, 12)
    assert tf.concat([a, b], axis=-1).shape == (1, 10, 10, 6)
    with pytest.raises(ValueError, match=r"axis must be a scalar integer .* TensorFlow < 1.0 order"):
        tf.concat(3, [a, b, a, b])
    with pytest.raises(TypeError, match="values must be a list of tensors"):
        tf.concat(a, 0)
    with pytest.raises(ValueError, match=r"same rank .* received shapes \[\(1, 10, 10, 3\), \(1, 10, 3\)\]"):
        tf.concat([a, tf.ones([1, 10, 3])], 3)
    with pytest.raises(ValueError, match="axis 4 is out of range for values of rank 4"):
        tf.concat([a, b], 4)


def test_boolean_mask_where_and_gather():
    x = tf.constant([[1, 2, 3], [4, 5, 6]])
    mask = tf.constant([[True, False, True], [False, True, False]])
    assert tf.boolean_mask(x, mask).tolist() == [1, 3, 5]
    assert tf.boolean_mask(x, tf.constant([False, True])).tolist() == [[4, 5, 6]]
    assert tf.boolean_mask(x, tf.constant([True, False, True]), axis=1).tolist() == [[1, 3], [4, 6]]
    with pytest.raises(ValueError, match=r"mask of shape \(2,\) does not match axes 1..1 of tensor of shape \(2, 3\)"):
        tf.boolean_mask(x, tf.constant([True, False]), axis=1)
    assert tf.where(mask).tolist() == [[0, 0], [0, 2], [1, 1]] and tf.where(mask).dtype == tf.int64
    assert tf.where(mask, x, tf.zeros_like(x)).tolist() == [[1, 0, 3], [0, 5, 0]]
    assert tf.gather(x, [1, 0]).tolist() == [[4, 5, 6], [1, 2, 3]]
    assert tf.gather(x, tf.constant([[2, 0]]), axis=1).tolist() == [[[3, 1]], [[6, 4]]]
    assert tf.gather_nd(x, [[1, 2], [0, 0]]).tolist() == [6, 1]


def test_one_hot_follows_tensorflow_documentation():
    assert tf.one_hot([0, 1, 2], 3).tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    out = tf.one_hot([0, 2, -1, 1], 3, on_value=5.0, off_value=0.0, axis=-1)
    assert out.tolist() == [[5.0, 0.0, 0.0], [0.0, 0.0, 5.0], [0.0, 0.0, 0.0], [0.0, 5.0, 0.0]]
    assert tf.one_hot([[0, 2], [1, -1]], 3, on_value=1.0, off_value=0.0, axis=0).shape == (3, 2, 2)
    assert tf.one_hot([1], 2, dtype=tf.int32).dtype == tf.int32


def test_shapes_creation_and_reshaping():
    x = tf.ones([2, 3])
    assert tf.shape(x).tolist() == [2, 3] and tf.shape(x).dtype == tf.int32
    assert tf.size(x).item() == 6 and tf.rank(x).item() == 2
    assert tf.reshape(x, [3, -1]).shape == (3, 2) and tf.reshape(x, tf.reverse(tf.shape(x), [0])).shape == (3, 2)
    assert tf.transpose(tf.ones([2, 3, 4])).shape == (4, 3, 2)
    assert tf.transpose(tf.ones([2, 3, 4]), perm=[0, 2, 1]).shape == (2, 4, 3)
    assert tf.range(5).tolist() == [0, 1, 2, 3, 4] and tf.range(5).dtype == tf.int32
    assert tf.range(1, 2, 0.25).dtype == tf.float32 and tf.range(3, 18, 3).tolist() == [3, 6, 9, 12, 15]
    assert tf.zeros([2]).dtype == tf.float32 and tf.ones([2], dtype=tf.int64).dtype == tf.int64
    assert tf.fill([2, 2], 9).tolist() == [[9, 9], [9, 9]] and tf.eye(2, 3).shape == (2, 3)
    assert tf.stack([tf.ones([2]), tf.zeros([2])], axis=1).tolist() == [[1.0, 0.0], [1.0, 0.0]]
    assert [t.tolist() for t in tf.unstack(tf.constant([[1, 2], [3, 4]]), axis=1)] == [[1, 3], [2, 4]]
    assert [t.shape[1] for t in tf.split(tf.ones([2, 6]), [1, 2, 3], axis=1)] == [1, 2, 3]
    assert len(tf.split(tf.ones([6]), 3)) == 3
    assert tf.pad(tf.constant([[1, 2], [3, 4]]), [[1, 0], [0, 1]]).tolist() == [[0, 0, 0], [1, 2, 0], [3, 4, 0]]
    assert tf.pad(tf.constant([[1, 2, 3]]), [[0, 0], [2, 2]], "REFLECT").tolist() == [[3, 2, 1, 2, 3, 2, 1]]
    assert tf.pad(tf.constant([[1, 2, 3]]), [[0, 0], [2, 2]], "SYMMETRIC").tolist() == [[2, 1, 1, 2, 3, 3, 2]]
    assert tf.tile(tf.constant([[1, 2]]), [2, 2]).tolist() == [[1, 2, 1, 2], [1, 2, 1, 2]]
    assert tf.expand_dims(x, 0).shape == (1, 2, 3) and tf.squeeze(tf.ones([1, 2, 1]), [0]).shape == (2, 1)
    assert tf.cast(tf.constant([1.7, -1.7]), tf.int32).tolist() == [1, -1]
    assert tf.sort(tf.constant([3, 1, 2]), direction="DESCENDING").tolist() == [3, 2, 1]
    assert tf.argsort(tf.constant([3, 1, 2])).tolist() == [1, 2, 0]


def test_products_norms_and_clipping():
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert tf.matmul(a, a, transpose_b=True).tolist() == [[5.0, 11.0], [11.0, 25.0]]
    with pytest.raises(TypeError, match="same dtype"):
        tf.matmul(a, tf.constant([[1], [2]]))
    assert tf.einsum("ij,jk->ik", a, a).tolist() == [[7.0, 10.0], [15.0, 22.0]]
    assert tf.norm(tf.constant([[3.0, 0.0], [0.0, 4.0]])).item() == 5.0  # Frobenius over everything
    assert tf.norm(a, axis=1).tolist() == pytest.approx([5 ** 0.5, 5.0])
    assert tf.norm(a, ord=1, axis=[0, 1]).item() == 6.0  # the matrix 1-norm: largest column sum
    assert tf.norm(tf.constant([3.0, -4.0]), ord=1).item() == 7.0
    assert tf.clip_by_value(tf.constant([0.1, 0.9]), 0.4, 0.6).tolist() == pytest.approx([0.4, 0.6])
    assert tf.linalg.global_norm([tf.constant([3.0]), tf.constant([4.0])]).item() == 5.0


def test_tensor_shape():
    shape = tf.TensorShape([None, 28, 28])
    assert shape.as_list() == [None, 28, 28] and shape.rank == 3 and not shape.is_fully_defined()
    assert tf.TensorShape([2, 3]).num_elements() == 6 and tf.TensorShape([2, 3]) == (2, 3)


def test_array_functions_take_symbolic_tensors():
    x = Input((4, 3))
    assert tf.concat([x, x], axis=1).shape == (None, 8, 3)
    assert tf.transpose(x, perm=[0, 2, 1]).shape == (None, 3, 4)
    assert tf.reshape(x, [-1, 12]).shape == (None, 12)
    assert tf.shape(x).shape == (3,)
