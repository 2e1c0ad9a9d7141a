"""Sequential models: add/pop/build, deferred building, graph views."""
import numpy as np
import pytest
import torch

import lamina
from lamina import layers


def test_constructor_list_and_add_give_same_structure():
    one = lamina.Sequential([layers.Dense(8, input_shape=(4,)), layers.Dense(2)])
    two = lamina.Sequential()
    two.add(layers.Dense(8, input_shape=(4,)))
    two.add(layers.Dense(2))
    assert one.count_params() == two.count_params() == 4 * 8 + 8 + 8 * 2 + 2
    assert one.output_shape == two.output_shape == (None, 2)


def test_starts_with_input():
    model = lamina.Sequential([lamina.Input((5,)), layers.Dense(3)])
    assert model.input_shape == (None, 5) and len(model.layers) == 1


def test_deferred_build_on_first_call():
    model = lamina.Sequential([layers.Dense(3), layers.Dense(1)])
    assert not model.built
    with pytest.raises(AttributeError, match="input shape is unknown"):
        model.output_shape
    model(np.ones((2, 7), dtype="float32"))
    assert model.built and model.input_shape == (None, 7) and model.count_params() == 7 * 3 + 3 + 4


def test_build_with_shape():
    model = lamina.Sequential([layers.Dense(3)])
    model.build((None, 5))
    assert model.count_params() == 18


def test_pop_rebuilds_and_outputs_follow_current_graph():
    model = lamina.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(2), layers.Dense(1)])
    popped = model.pop()
    assert popped.name == "dense_2" and model.output_shape == (None, 2)
    assert model.layers[-1].output is model.output
    assert len(model.layers[0]._inbound_nodes) == 1


def test_layer_outputs_refer_to_current_graph_after_adds():
    model = lamina.Sequential()
    model.add(layers.Dense(4, input_shape=(3,)))
    model.add(layers.Dense(2))
    features = lamina.Model(model.input, [l.output for l in model.layers])
    assert len(features.layers) == 3  # input + two dense layers, nothing duplicated


def test_add_rejects_non_layers_and_duplicate_names():
    model = lamina.Sequential()
    with pytest.raises(TypeError, match="expects a layer"):
        model.add("dense")
    model.add(layers.Dense(2, name="x", input_shape=(2,)))
    with pytest.raises(ValueError, match="'x' is already"):
        model.add(layers.Dense(2, name="x"))


def test_sequential_equals_functional_with_same_weights():
    seq = lamina.Sequential([layers.Dense(4, activation="relu", input_shape=(3,)), layers.Dense(2)])
    x = lamina.Input((3,))
    func = lamina.Model(x, layers.Dense(2)(layers.Dense(4, activation="relu")(x)))
    func.set_weights(seq.get_weights())
    data = torch.randn(5, 3)
    torch.testing.assert_close(seq(data), func(data))


def test_nested_sequential_as_layer():
    base = lamina.Sequential([layers.Dense(4, input_shape=(3,))])
    left, right = lamina.Input((3,)), lamina.Input((3,))
    model = lamina.Model([left, right], layers.concatenate([base(left), base(right)]))
    assert model.output_shape == (None, 8) and model.count_params() == base.count_params()
    data = torch.randn(2, 3)
    out = model([data, data])
    torch.testing.assert_close(out[:, :4], out[:, 4:])


def test_first_layer_a_model_gives_the_input_shape():
    base = lamina.Sequential([lamina.Input((6,)), layers.Dense(4)])
    model = lamina.Sequential()
    model.add(base)
    model.add(layers.Dense(2))
    assert model.built and model.output_shape == (None, 2)
    assert len(model.trainable_weights) == 4


def test_integer_data_into_float_models_is_cast_as_keras():
    dense_first = lamina.Sequential([layers.Dense(2)])
    assert dense_first(np.ones((3, 4), dtype="int64")).dtype == torch.float32
    declared = lamina.Sequential([layers.Dense(2, input_shape=(4,))])
    assert declared(np.ones((3, 4), dtype="int32")).shape == (3, 2)
    embedding_first = lamina.Sequential([layers.Embedding(10, 3)])
    assert embedding_first(np.array([[1, 2]])).shape == (1, 2, 3)
    assert embedding_first.inputs[0].dtype == "int32"
