"""The @op decorator, argument conversion, Keras's type promotion, and the error messages of ops."""
import itertools

import numpy as np
import pytest
import torch

from lamina import ops
from lamina.core.symbolic import KerasTensor
from lamina.ops.dispatch import op, operands, to_tensor
from lamina.ops.promotion import result_type


def test_op_runs_eagerly_without_recording_and_exposes_the_raw_function():
    calls = []

    @op
    def double(x):
        calls.append(type(x))
        return to_tensor(x) * 2

    assert double(torch.ones(2)).tolist() == [2.0, 2.0]
    assert double.eager is not double and double.__name__ == "double"
    assert calls == [torch.Tensor]


@pytest.mark.parametrize("call", [
    lambda f, k: f(k), lambda f, k: f([k, k]), lambda f, k: f(x=k), lambda f, k: f({"a": (1, k)}),
], ids=["positional", "in-a-list", "keyword", "nested"])
def test_op_records_a_node_when_any_argument_is_symbolic(call):
    @op
    def identity(x):
        return x

    out = call(identity, KerasTensor((None, 3)))
    leaves = out if isinstance(out, (list, tuple)) else [out]
    assert all(isinstance(v, KerasTensor) for v in leaves if not isinstance(v, (dict, int)))


@pytest.mark.parametrize("value,dtype", [
    (3, torch.int32), (1.5, torch.float32), (True, torch.bool), ([1, 2], torch.int32), ([1.0, 2], torch.float32),
    ([True, False], torch.bool), (np.ones(2, "int64"), torch.int64), (np.ones(2, "float16"), torch.float16),
    ([torch.ones(2), torch.zeros(2)], torch.float32),
])
def test_to_tensor_follows_keras_rules_for_python_values(value, dtype, keras):
    assert to_tensor(value).dtype == dtype == keras.ops.convert_to_tensor(value).dtype


def test_to_tensor_widens_python_ints_that_do_not_fit_int32_and_makes_float64_arrays_floatx():
    assert to_tensor(2**40).dtype == torch.int64 and to_tensor([1, 2**40]).tolist() == [1, 2**40]
    assert to_tensor(np.ones(2)).dtype == torch.float32  # lamina's convention for user data


def test_to_tensor_refuses_symbolic_tensors_where_values_are_needed():
    with pytest.raises(TypeError, match="symbolic tensor"):
        to_tensor(KerasTensor((2,)))


def test_python_numbers_facing_a_tensor_do_not_widen_it():
    for dtype in (torch.int8, torch.uint8, torch.float16, torch.bfloat16):
        a, b = operands(torch.ones(2, dtype=dtype), 3)
        assert (a + b).dtype == dtype
    a, b = operands(torch.ones(2, dtype=torch.bool), 3)
    assert (a + b).dtype == torch.int32


NAMES = ["bool", "uint8", "uint16", "uint32", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
         "float64", int, float]
_NARROW = {"int64": "int32", "uint64": "uint32", "float64": "float32"}


@pytest.mark.parametrize("pair", list(itertools.product(NAMES, NAMES)), ids=str)
def test_result_type_is_keras_lattice_without_64_bit_narrowing(keras, pair):
    ours = str(result_type(*pair)).replace("torch.", "")
    assert _NARROW.get(ours, ours) == keras.backend.result_type(*pair)


@pytest.mark.parametrize("call,message", [
    (lambda: ops.reshape(torch.ones(6), (4, 2)), r"reshape: cannot reshape a tensor of shape \(6,\).*newshape=\(4, 2\)"),
    (lambda: ops.squeeze(torch.ones(2, 3), axis=0), r"squeeze: cannot squeeze axis 0 of shape \(2, 3\)"),
    (lambda: ops.transpose(torch.ones(2, 3), (0,)), r"transpose: axes=\(0,\) must list each of the 2 axes"),
    (lambda: ops.expand_dims(torch.ones(2), 5), r"expand_dims: axis=5 is out of range .* rank 2"),
    (lambda: ops.split(torch.ones(5), 2), r"split: axis 0 of shape \(5,\) .* cannot be split into indices_or_sections=2"),
    (lambda: ops.pad(torch.ones(2), 1, mode="mirror"), r"pad: unknown mode='mirror'; expected one of \('constant', 'edge'"),
    (lambda: ops.pad(torch.ones(2), 1, mode="edge", constant_values=1), r"constant_values is only used with mode='constant'"),
    (lambda: ops.broadcast_to(torch.ones(3), (2, 2)), r"broadcast_to: cannot broadcast shape \(3,\) to shape=\(2, 2\)"),
    (lambda: ops.take_along_axis(torch.ones(2, 3), torch.zeros(3, dtype=torch.int64), axis=1), r"take_along_axis: indices"),
    (lambda: ops.top_k(torch.ones(3), 5), r"top_k: k=5 is larger than the last axis of shape \(3,\)"),
    (lambda: ops.scatter_update(torch.ones(3), [[0]], [1.0], reduction="avg"), r"unknown reduction='avg'"),
    (lambda: ops.conv(torch.ones(1, 5, 5, 3), torch.ones(3, 3, 2, 4)), r"conv: inputs have 3 channels but the kernel"),
    (lambda: ops.conv(torch.ones(1, 5, 5, 3), torch.ones(3, 3, 3, 4), padding="full"), r"conv: unknown padding='full'"),
    (lambda: ops.conv(torch.ones(5, 3), torch.ones(3, 3, 4)), r"conv: inputs must have rank 3, 4 or 5"),
    (lambda: ops.conv(torch.ones(1, 5, 3), torch.ones(3, 3, 3, 4)), r"conv: a 1-D convolution needs a kernel of rank 3"),
    (lambda: ops.conv(torch.ones(1, 5, 3), torch.ones(3, 3, 4), strides=0), r"conv: strides must be a positive int"),
    (lambda: ops.max_pool(torch.ones(1, 4, 4, 3), 2, data_format="NHWC"), r"data_format must be one of"),
    (lambda: ops.conv_transpose(torch.ones(1, 4, 4, 3), torch.ones(3, 3, 5, 2)), r"conv_transpose: inputs have 3 channels"),
    (lambda: ops.depthwise_conv(torch.ones(1, 5, 5, 3), torch.ones(3, 3, 2, 1)), r"depthwise_conv: inputs have 3 channels"),
    (lambda: ops.categorical_crossentropy(torch.ones(2, 3), torch.ones(2, 4)),
     r"categorical_crossentropy: target and output must have the same shape"),
    (lambda: ops.sparse_categorical_crossentropy(torch.ones(3), torch.ones(2, 4)),
     r"sparse_categorical_crossentropy: target must have output's shape without the class axis \(2,\)"),
    (lambda: ops.one_hot([1], 3, sparse=True), r"one_hot: sparse=True is not supported"),
    (lambda: ops.dot_product_attention(torch.ones(2, 3, 4), torch.ones(2, 3, 4), torch.ones(2, 3, 4)),
     r"dot_product_attention: query must be 4-D"),
    (lambda: ops.image.resize(torch.ones(4, 4, 3), (2, 2), interpolation="lanczos9"), r"unknown interpolation='lanczos9'"),
    (lambda: ops.normalize(torch.ones(3), order=0), r"normalize: order must be an int >= 1"),
    (lambda: ops.where(torch.ones(2, dtype=torch.bool), 1.0), r"where: give both x1 and x2"),
    (lambda: ops.max(torch.ones(0)), r"max: cannot reduce an empty tensor"),
    (lambda: ops.arange(0, 5, 0), r"arange: step must not be 0"),
    (lambda: ops.meshgrid([1], [2], indexing="xx"), r"meshgrid: unknown indexing='xx'"),
    (lambda: ops.moments(torch.ones(3), 0, synchronized=True), r"moments: synchronized=True"),
    (lambda: ops.map(lambda v: v, torch.ones(0)), r"map: xs is empty"),
    (lambda: ops.scan(lambda c, v: (c, v), 0), r"scan: give xs, or length"),
    (lambda: ops.convert_to_tensor([1], sparse=True), r"convert_to_tensor: sparse=True"),
])
def test_errors_name_the_op_the_argument_and_what_was_expected(call, message):
    with pytest.raises((ValueError, TypeError, NotImplementedError), match=message):
        call()
