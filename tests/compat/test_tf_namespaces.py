"""The TensorFlow namespaces: unknown names, tf.keras / tf.losses, dtypes, random seeds, linalg, config, function."""
import sys

import numpy as np
import pytest
import torch

import lamina
import lamina.compat.tensorflow as tf


@pytest.mark.parametrize("namespace,attribute", [
    (tf, "placeholder"), (tf.nn, "ctc_beam_search_decoder"), (tf.math, "bessel_i0"), (tf.random, "poisson"),
    (tf.linalg, "lstsq"), (tf.losses, "NoSuchLoss"), (tf.config, "optimizer"), (tf.dtypes, "string"),
])
def test_a_name_outside_the_subset_is_named_in_the_error(namespace, attribute):
    label = namespace.__name__.replace("lamina.compat.tensorflow", "tf")
    with pytest.raises(AttributeError, match=rf"^{label}\.{attribute} is not part of lamina's TensorFlow subset"):
        getattr(namespace, attribute)


def test_keras_losses_and_dtypes():
    assert tf.keras is lamina and tf.keras.layers.Dense is lamina.layers.Dense
    assert tf.losses.MSE is lamina.losses.MSE and tf.losses.mean_squared_error is lamina.losses.mean_squared_error
    assert "categorical_crossentropy" in dir(tf.losses)
    y, o = tf.constant([[1.0, 0.0, 2.0]]), tf.constant([[0.5, 0.5, 1.0]])
    assert tf.losses.MSE(y, o).tolist() == pytest.approx([0.5])
    assert tf.float32 is torch.float32 and tf.dtypes.as_dtype("int64") is torch.int64
    assert isinstance(tf.constant(1.0), tf.Tensor) and tf.is_tensor(tf.constant(1.0))
    assert tf.newaxis is None and tf.__version__.startswith("2.")


def test_operation_seeds_are_streams_and_set_seed_restarts_them():
    tf.random.set_seed(5)
    a1, a2 = tf.random.normal([3], seed=1), tf.random.normal([3], seed=1)
    b = tf.random.uniform([3])
    assert not torch.equal(a1, a2)  # calls with the same op seed differ (TF's eager semantics)
    tf.random.set_seed(5)
    assert torch.equal(tf.random.normal([3], seed=1), a1) and torch.equal(tf.random.normal([3], seed=1), a2)
    assert torch.equal(tf.random.uniform([3]), b)  # unseeded draws repeat too, after set_seed
    ints = tf.random.uniform([1000], minval=2, maxval=5, dtype=tf.int32, seed=3)
    assert ints.dtype == tf.int32 and set(ints.tolist()) == {2, 3, 4}
    with pytest.raises(ValueError, match="needs maxval"):
        tf.random.uniform([2], dtype=tf.int32)
    normal = tf.random.normal([20000], mean=3.0, stddev=2.0, seed=9)
    assert abs(float(normal.mean()) - 3.0) < 0.05 and abs(float(normal.std()) - 2.0) < 0.05
    assert tf.random.normal(tf.shape(tf.ones([2, 3]))).shape == (2, 3)
    assert sorted(tf.random.shuffle(tf.constant([1, 2, 3]), seed=2).tolist()) == [1, 2, 3]
    assert tf.random.categorical(tf.constant([[0.0, -1e9]]), 4).tolist() == [[0, 0, 0, 0]]


def test_linalg():
    m = tf.constant([[2.0, 0.0], [0.0, 4.0]])
    assert tf.linalg.inv(m).tolist() == [[0.5, 0.0], [0.0, 0.25]] and tf.linalg.det(m).item() == 8.0
    assert tf.linalg.trace(m).item() == 6.0 and tf.linalg.diag_part(m).tolist() == [2.0, 4.0]
    assert tf.linalg.matvec(m, tf.constant([1.0, 1.0])).tolist() == [2.0, 4.0]
    assert tf.linalg.matrix_transpose(tf.ones([3, 2, 5])).shape == (3, 5, 2)
    assert tf.linalg.norm(tf.constant([3.0, 4.0])).item() == 5.0


def test_function_config_scopes_and_print(capsys):
    calls = []

    @tf.function
    def step(x):
        calls.append(x)
        return x * 2

    @tf.function(jit_compile=True, reduce_retracing=True)
    def other(x):
        return x + 1

    assert step(tf.constant(2.0)).item() == 4.0 and other(1) == 2 and len(calls) == 1
    assert step.python_function(3) == 6
    with pytest.raises(TypeError, match="tf.function: unknown arguments"):
        tf.function(autograf=False)
    assert [d.device_type for d in tf.config.list_physical_devices("CPU")] == ["CPU"]
    assert tf.config.list_physical_devices("GPU") == [] or torch.cuda.is_available()
    tf.config.experimental.set_memory_growth(None, True)
    tf.config.run_functions_eagerly(True)
    with pytest.raises(ValueError, match="unknown device_type 'TPU'"):
        tf.config.list_physical_devices("TPU")
    with tf.name_scope("block"), tf.device("/CPU:0"):
        tf.print("value:", tf.constant([1.0, 2.5]), output_stream=sys.stdout)
        tf.print("to stderr", tf.constant(3))
    out, err = capsys.readouterr()
    assert out == "value: [1 2.5]\n" and err == "to stderr 3\n"


def test_gradient_tape_and_clipping_are_lamina_s():
    assert tf.GradientTape is lamina.GradientTape and tf.clip_by_global_norm is lamina.clip_by_global_norm
    x, y = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape() as tape:
        z = tf.math.pow(x, 2) + tf.math.pow(y, 2)
    assert [float(g) for g in tape.gradient(z, [x, y])] == [2.0, 4.0]
    (c1, c2), norm = tf.clip_by_global_norm([tf.constant([3.0, 0.0]), tf.constant([4.0])], 1.0)
    assert norm.item() == 5.0
    np.testing.assert_allclose(c1.numpy(), [0.6, 0.0], rtol=1e-6)
