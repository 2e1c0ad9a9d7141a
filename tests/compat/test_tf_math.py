"""tf.math: TensorFlow's documented semantics where they differ from torch (dtypes, defaults, rounding)."""
import numpy as np
import pytest
import torch

import lamina.compat.tensorflow as tf
from lamina.layers import Input


def test_reductions_keep_tensorflow_dtypes_and_integer_mean_truncates():
    ints = tf.constant([[1, 2], [3, 5]])
    assert ints.dtype == tf.int32
    assert tf.reduce_sum(ints).dtype == tf.int32 and tf.reduce_sum(ints).item() == 11
    assert tf.reduce_mean(ints).dtype == tf.int32 and tf.reduce_mean(ints).item() == 2  # 11 / 4 truncated
    assert tf.reduce_mean(tf.constant([1, 0])).item() == 0  # the TF documentation's example
    assert tf.reduce_mean(tf.constant([-3, 0])).item() == -1  # towards zero, as C++ division
    x = tf.constant([[1.0, 1.0], [2.0, 2.0]])
    assert tf.reduce_mean(x).item() == 1.5 and tf.reduce_mean(x, 0).tolist() == [1.5, 1.5]
    assert tf.reduce_mean(x, 1, keepdims=True).tolist() == [[1.0], [2.0]]
    assert tf.reduce_max(x, axis=[0, 1]).item() == 2.0 and tf.reduce_min(x, axis=-1).tolist() == [1.0, 2.0]
    assert tf.reduce_prod(tf.constant([[1, 2], [3, 4]]), axis=None).item() == 24
    assert tf.reduce_any(tf.constant([False, True])).item() and not tf.reduce_all(tf.constant([False, True])).item()
    assert tf.math.reduce_std(tf.constant([1.0, 3.0])).item() == 1.0
    assert tf.math.reduce_variance(tf.constant([1.0, 3.0])).item() == 1.0
    with pytest.raises(ValueError, match="axis 2 is out of range for a tensor of rank 2"):
        tf.reduce_sum(x, axis=2)
    with pytest.raises(TypeError, match="reduce_any: expected a bool tensor"):
        tf.reduce_any(x)


def test_argmax_reduces_axis_zero_by_default_and_returns_int64():
    x = tf.constant([[1.0, 9.0, 3.0], [4.0, 2.0, 6.0]])
    assert tf.argmax(x).tolist() == [1, 0, 1] and tf.argmax(x).dtype == tf.int64
    assert tf.argmax(x, axis=1).tolist() == [1, 2] and tf.argmin(x, 1, output_type=tf.int32).dtype == tf.int32


def test_division_and_modulo_follow_tensorflow():
    a, b = tf.constant([7, -7], dtype=tf.int32), tf.constant([2, 2], dtype=tf.int32)
    assert tf.divide(a, b).dtype == tf.float64 and tf.math.truediv(a, b).tolist() == [3.5, -3.5]
    assert tf.math.truediv(a.to(torch.int16), b.to(torch.int16)).dtype == tf.float32
    assert tf.math.floordiv(a, b).tolist() == [3, -4]  # floors
    assert tf.math.floormod(a, b).tolist() == [1, 1] and tf.math.mod(tf.constant([7.0]), -2.0).tolist() == [-1.0]
    assert tf.math.divide_no_nan(tf.constant([1.0, 2.0]), tf.constant([0.0, 4.0])).tolist() == [0.0, 0.5]


def test_rounding_halves_to_even_and_python_numbers_take_the_tensor_dtype():
    assert tf.round(tf.constant([0.5, 1.5, 2.5, -0.5])).tolist() == [0.0, 2.0, 2.0, -0.0]
    assert tf.add(tf.constant([1], dtype=tf.int8), 1).dtype == tf.int8
    assert tf.multiply(2.0, tf.constant([1.5], dtype=tf.float64)).dtype == tf.float64
    with pytest.raises(TypeError, match="Cannot convert 1.5 to a tensor of dtype torch.int32"):
        tf.add(tf.constant([1]), 1.5)


def test_elementwise_functions_and_logic():
    x = tf.constant([1.0, 4.0, float("nan")])
    assert tf.is_nan(x).tolist() == [False, False, True]
    assert tf.math.is_nan(x).tolist() == [False, False, True]
    assert tf.logical_not(tf.is_nan(x)).tolist() == [True, True, False]
    assert tf.logical_and(tf.constant([True, True]), tf.constant([True, False])).tolist() == [True, False]
    with pytest.raises(TypeError, match="logical_not: expected a bool tensor"):
        tf.logical_not(tf.constant([1.0]))
    with pytest.raises(TypeError, match="sqrt: expected a float tensor"):
        tf.sqrt(tf.constant([4]))
    assert tf.math.pow(tf.constant([2.0]), 3).tolist() == [8.0] and tf.square(tf.constant([3])).tolist() == [9]
    np.testing.assert_allclose(tf.sigmoid(tf.constant([0.0, 100.0])).numpy(), [0.5, 1.0])
    assert tf.math.squared_difference(tf.constant([3.0]), tf.constant([1.0])).tolist() == [4.0]
    assert tf.add_n([tf.ones([2]), tf.ones([2]), tf.ones([2])]).tolist() == [3.0, 3.0]


def test_scans_top_k_and_normalisation():
    x = tf.constant([1, 2, 3])
    assert tf.math.cumsum(x).tolist() == [1, 3, 6]
    assert tf.math.cumsum(x, exclusive=True).tolist() == [0, 1, 3]
    assert tf.math.cumsum(x, reverse=True).tolist() == [6, 5, 3]
    assert tf.math.cumsum(x, exclusive=True, reverse=True).tolist() == [5, 3, 0]
    assert tf.math.cumprod(x, exclusive=True).tolist() == [1, 1, 2]
    values, indices = tf.math.top_k(tf.constant([[1.0, 5.0, 3.0]]), k=2)
    assert values.tolist() == [[5.0, 3.0]] and indices.tolist() == [[1, 2]]
    np.testing.assert_allclose(tf.math.l2_normalize(tf.constant([[3.0, 4.0]]), axis=1).numpy(), [[0.6, 0.8]])
    np.testing.assert_allclose(tf.math.softmax(tf.constant([1.0, 1.0])).numpy(), [0.5, 0.5])
    assert tf.math.count_nonzero(tf.constant([[0, 1], [2, 0]]), axis=1).tolist() == [1, 1]


def test_math_functions_take_symbolic_tensors():
    x = Input((4,))
    assert tf.reduce_sum(x, axis=1).shape == (None,)
    assert tf.argmax(x, axis=-1).shape == (None,)
    assert tf.math.l2_normalize(x, axis=-1).shape == (None, 4)
