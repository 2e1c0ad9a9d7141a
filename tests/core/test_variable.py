import copy
import pickle

import numpy as np
import pytest
import torch

from lamina.core.variable import Variable


def test_variable_is_a_parameter_with_keras_api():
    v = Variable(np.arange(3.0), name="w")
    assert isinstance(v, torch.nn.Parameter)
    assert v.dtype == torch.float32  # float64 numpy becomes floatx
    assert v.name == "w" and v.trainable
    v.assign([5.0, 6.0, 7.0])
    v.assign_add(np.ones(3))
    v.assign_sub(torch.ones(3) * 2)
    np.testing.assert_array_equal(v.numpy(), [4.0, 5.0, 6.0])
    assert type(v * 2) is torch.Tensor


def test_assign_checks_shape():
    v = Variable(np.zeros((2, 2)), name="kernel")
    with pytest.raises(ValueError, match=r"shape \(3,\).*shape \(2, 2\)"):
        v.assign(np.zeros(3))


def test_trainable_flag_is_requires_grad():
    v = Variable([1.0])
    v.trainable = False
    assert not v.requires_grad


def test_copy_and_pickle_keep_keras_attributes():
    v = Variable([1.0, 2.0], name="bias", trainable=False)
    for clone in (copy.deepcopy(v), pickle.loads(pickle.dumps(v))):
        assert isinstance(clone, Variable)
        assert clone.name == "bias" and not clone.trainable
        np.testing.assert_array_equal(clone.numpy(), [1.0, 2.0])


def test_initializer_variables_need_a_shape():
    with pytest.raises(ValueError, match="shape"):
        Variable(lambda shape, dtype=None: np.zeros(shape))
    v = Variable(lambda shape, dtype=None: np.ones(shape), shape=(2, 3))
    assert tuple(v.shape) == (2, 3)


def test_variable_does_not_share_memory_with_numpy_input():
    array = np.ones(3, dtype="float32")
    v = Variable(array)
    v.assign_add([1.0, 1.0, 1.0])
    np.testing.assert_array_equal(array, [1.0, 1.0, 1.0])


def test_numpy_operands_on_either_side():
    w = Variable(np.eye(2), name="w")
    x = np.array([[1.0, 2.0]])
    product = x @ w
    assert isinstance(product, torch.Tensor) and product.requires_grad
    np.testing.assert_allclose((w - x).detach().numpy(), np.eye(2) - x)
    np.testing.assert_allclose((x - w).detach().numpy(), x - np.eye(2))
    (product.sum() * 2).backward()
    np.testing.assert_allclose(w.grad.numpy(), [[2.0, 2.0], [4.0, 4.0]])
