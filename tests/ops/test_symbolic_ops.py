"""Ops on symbolic tensors: lamina's KerasTensor output shapes equal keras.KerasTensor's; nodes are recorded."""
import numpy as np
import pytest
import torch

from lamina import ops
from lamina.core.symbolic import KerasTensor, SymbolicOp


class S:
    """A symbolic argument: turned into a lamina and a keras KerasTensor of this shape and dtype."""

    def __init__(self, *shape, dtype="float32"):
        self.shape, self.dtype = shape, dtype


def _materialize(value, make):
    if isinstance(value, S):
        return make(value.shape, value.dtype)
    if isinstance(value, (list, tuple)):
        return type(value)(_materialize(v, make) for v in value)
    return value


def _shapes(out):
    if isinstance(out, (list, tuple)):
        return [_shapes(o) for o in out]
    return tuple(out.shape)


B = None
CASES = [
    ("add", (S(B, 3), S(3)), {}), ("multiply", (S(B, 1, 4), S(2, 1)), {}), ("subtract", (S(B, 3), 1.0), {}),
    ("divide", (2, S(B, 3)), {}), ("power", (S(B, 3), 2), {}), ("maximum", (S(B, 3), 0.0), {}),
    ("matmul", (S(B, 3, 4), S(4, 5)), {}), ("dot", (S(B, 4), S(4, 2)), {}), ("einsum", ("bij,jk->bik", S(B, 3, 4), S(4, 2)), {}),
    ("tensordot", (S(B, 3, 4), S(4, 2)), {"axes": 1}), ("outer", (S(3), S(4)), {}),
    ("sum", (S(B, 3, 4),), {"axis": 1}), ("mean", (S(B, 3, 4),), {"axis": (1, 2), "keepdims": True}),
    ("max", (S(B, 3),), {"axis": -1}), ("argmax", (S(B, 5),), {"axis": -1}), ("argsort", (S(B, 5),), {}),
    ("sort", (S(B, 5),), {"axis": 0}), ("cumsum", (S(B, 5),), {"axis": 1}), ("std", (S(B, 5),), {"axis": 0}),
    ("all", (S(B, 5, dtype="bool"),), {"axis": 1}), ("logsumexp", (S(B, 5),), {"axis": -1}),
    ("square", (S(B, 3),), {}), ("sqrt", (S(B, 3),), {}), ("exp", (S(B, 3),), {}), ("log", (S(B, 3),), {}),
    ("abs", (S(B, 3),), {}), ("sign", (S(B, 3),), {}), ("clip", (S(B, 3), 0.0, 1.0), {}),
    ("where", (S(B, 3, dtype="bool"), S(B, 3), 0.0), {}), ("equal", (S(B, 3), S(B, 3)), {}),
    ("logical_and", (S(B, 3, dtype="bool"), S(B, 3, dtype="bool")), {}), ("isnan", (S(B, 3),), {}),
    ("reshape", (S(B, 3, 4),), {"newshape": (-1, 12)}), ("transpose", (S(B, 3, 4),), {"axes": (0, 2, 1)}),
    ("expand_dims", (S(B, 3),), {"axis": 1}), ("squeeze", (S(B, 1, 3),), {"axis": 1}),
    ("concatenate", ([S(B, 3), S(B, 2)],), {"axis": -1}), ("stack", ([S(B, 3), S(B, 3)],), {"axis": 1}),
    ("split", (S(B, 6),), {"indices_or_sections": 3, "axis": 1}), ("tile", (S(B, 3), (1, 2)), {}),
    ("repeat", (S(B, 3), 2), {"axis": 1}), ("take", (S(5, 3), S(B, 2, dtype="int32")), {"axis": 0}),
    ("take_along_axis", (S(B, 5), S(B, 2, dtype="int32")), {"axis": 1}), ("flip", (S(B, 3),), {"axis": 1}),
    ("roll", (S(B, 3), 1), {"axis": 1}), ("pad", (S(B, 3), ((0, 0), (1, 2))), {}),
    ("broadcast_to", (S(3),), {"shape": (2, 3)}), ("cast", (S(B, 3), "int32"), {}), ("top_k", (S(B, 5), 2), {}),
    ("one_hot", (S(B, dtype="int32"), 4), {}), ("triu", (S(B, 4, 4),), {}), ("norm", (S(B, 4),), {"axis": -1}),
    ("slice", (S(4, 5), (1, 1), (2, 3)), {}), ("moveaxis", (S(B, 3, 4), 1, 2), {}),
    ("relu", (S(B, 3),), {}), ("sigmoid", (S(B, 3),), {}), ("softmax", (S(B, 3),), {}), ("gelu", (S(B, 3),), {}),
    ("log_softmax", (S(B, 3),), {"axis": -1}), ("leaky_relu", (S(B, 3),), {}), ("silu", (S(B, 3),), {}),
    ("conv", (S(B, 8, 8, 3), S(3, 3, 3, 4)), {"strides": 2, "padding": "same"}),
    ("conv", (S(B, 10, 3), S(3, 3, 4)), {}), ("depthwise_conv", (S(B, 8, 8, 3), S(3, 3, 3, 2)), {}),
    ("separable_conv", (S(B, 8, 8, 3), S(3, 3, 3, 2), S(1, 1, 6, 5)), {"padding": "same"}),
    ("conv_transpose", (S(B, 4, 4, 3), S(3, 3, 5, 3)), {"strides": 2, "padding": "same"}),
    ("max_pool", (S(B, 8, 8, 3), 2), {}), ("average_pool", (S(B, 9, 3), 3), {"strides": 2, "padding": "same"}),
    ("moments", (S(B, 4, 5), (0, 1)), {}), ("batch_normalization", (S(B, 4), S(4), S(4), -1), {}),
    ("binary_crossentropy", (S(B, 3), S(B, 3)), {}), ("categorical_crossentropy", (S(B, 3), S(B, 3)), {}),
    ("sparse_categorical_crossentropy", (S(B, dtype="int32"), S(B, 5)), {}), ("normalize", (S(B, 4),), {}),
    ("dot_product_attention", (S(B, 4, 2, 8), S(B, 6, 2, 8), S(B, 6, 2, 8)), {}),
]


@pytest.mark.parametrize("name,args,kwargs", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_symbolic_output_shapes_match_keras(keras, name, args, kwargs):
    expected = getattr(keras.ops, name)(*_materialize(args, lambda s, d: keras.KerasTensor(s, dtype=d)), **kwargs)
    actual = getattr(ops, name)(*_materialize(args, lambda s, d: KerasTensor(s, dtype=d)), **kwargs)
    for tensor in (actual if isinstance(actual, (list, tuple)) else [actual]):
        assert isinstance(tensor, KerasTensor)
    assert _shapes(actual) == _shapes(expected)


def test_symbolic_call_records_a_node_that_replays_the_eager_op():
    x = KerasTensor((None, 3), name="x")
    y = ops.mean(ops.square(x), axis=-1)
    node = y.node
    assert isinstance(node.operation, SymbolicOp) and node.operation.name.startswith("mean")
    assert node.input_tensors[0].node.operation.name.startswith("square")
    value = torch.tensor([[1.0, 2.0, 3.0]])
    replayed = node.operation(node.input_tensors[0].node.operation(value), *node.call_args[1:], **node.call_kwargs)
    assert replayed.tolist() == pytest.approx([14.0 / 3.0])


def test_symbolic_dtypes_follow_the_eager_rules():
    assert ops.mean(KerasTensor((None, 3), dtype="int32"), axis=1).dtype == "float32"
    assert ops.argmax(KerasTensor((None, 3)), axis=1).dtype == "int32"
    assert ops.add(KerasTensor((None, 3), dtype="int8"), 1).dtype == "int8"
    assert ops.add(KerasTensor((None, 3), dtype="int32"), 1.5).dtype == "float32"


def test_shape_of_a_symbolic_tensor_keeps_unknown_dims():
    x = KerasTensor((None, 3, 4))
    assert ops.shape(x) == (None, 3, 4) and ops.ndim(x) == 3 and ops.size(x) is None and ops.dtype(x) == "float32"


def test_symbolic_predicate_in_control_flow_names_the_problem():
    with pytest.raises(TypeError, match="cond: the predicate .* is symbolic"):
        ops.cond(KerasTensor((1,), dtype="bool"), lambda: 1, lambda: 2)


def test_eager_path_takes_numpy_and_lists_without_recording():
    out = ops.add(np.ones(2, "float32"), [1.0, 2.0])
    assert isinstance(out, torch.Tensor) and out.tolist() == [2.0, 3.0]
