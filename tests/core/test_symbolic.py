import numpy as np
import pytest
import torch

from lamina.core import tree
from lamina.core.symbolic import KerasTensor, Node, capture_scope, infer_output_spec, publish, symbolic_call


def test_operators_record_nodes_and_infer_shapes():
    x = KerasTensor((None, 4), name="x")
    y = (x * 2 + 1)[:, 1:3]
    assert y.shape == (None, 2)
    assert y.dtype == "float32"
    assert isinstance(y.node, Node)
    assert y.node.input_tensors[0].node.input_tensors[0].node.input_tensors == [x]


def test_torch_functions_dispatch_on_keras_tensors():
    x = KerasTensor((None, 5, 3))
    assert torch.sum(x, dim=1).shape == (None, 3)
    assert torch.cat([x, x], dim=-1).shape == (None, 5, 6)
    assert torch.transpose(x, 1, 2).shape == (None, 3, 5)


def test_unknown_dims_other_than_batch_stay_unknown():
    x = KerasTensor((None, None, 8))
    assert torch.mean(x, dim=2).shape == (None, None)
    assert torch.reshape(x, (-1, 4)).shape == (None, 4)


def test_numpy_operands_on_either_side():
    x = KerasTensor((None, 3))
    left = np.ones(3, dtype="float32") * x
    right = x - np.ones(3)
    assert left.shape == right.shape == (None, 3)
    assert right.dtype == "float32"


def test_data_dependent_ops_fall_back_to_real_stand_ins():
    x = KerasTensor((None, 3))
    y = infer_output_spec(lambda t: t[t > 0], (x,))
    assert y.shape == (None,)


def test_symbolic_tensor_refuses_truth_value_and_numpy():
    x = KerasTensor((None, 3))
    with pytest.raises(TypeError, match="no truth value"):
        bool(x)
    with pytest.raises(TypeError, match="NumPy"):
        np.asarray(x)


def test_capture_scope_resolves_known_values():
    x = KerasTensor((None, 2))
    value = torch.tensor([[1.0, 2.0]])
    with capture_scope():
        publish(lambda t: value if t is x else None)
        out = symbolic_call(torch.mul, (x, 3.0))
    assert torch.equal(out, value * 3)
    # outside the scope the same call records a node again
    assert isinstance(symbolic_call(torch.mul, (x, 3.0)), KerasTensor)


def test_tree_round_trip():
    structure = {"b": [1, (2, 3)], "a": 4}
    flat = tree.flatten(structure)
    assert flat == [4, 1, 2, 3]
    assert tree.pack_sequence_as(structure, flat) == structure


def test_convert_to_tensor_handles_reversed_and_readonly_arrays():
    from lamina.core.tensors import convert_to_tensor

    array = np.arange(6, dtype="float32").reshape(2, 3)
    assert convert_to_tensor(array[:, ::-1]).tolist() == [[2.0, 1.0, 0.0], [5.0, 4.0, 3.0]]
    array.flags.writeable = False
    assert convert_to_tensor(array).sum().item() == 15.0


def test_registering_a_custom_class_never_replaces_a_builtin():
    from lamina.core import registry
    from lamina.layers import Maximum

    @registry.register_lamina_serializable(package="mine")
    class Maximum2:
        pass

    registry.register(name="Maximum", package="mine")(Maximum2)
    assert registry.lookup("Maximum") is Maximum
    assert registry.lookup("mine>Maximum") is Maximum2
