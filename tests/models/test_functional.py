"""Functional models: graphs of layer calls, several inputs/outputs, shared layers, nested models, errors."""
import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.models.graph import GraphError


def test_multi_input_multi_output_with_lists_and_dicts():
    a = lamina.Input((4,), name="a")
    b = lamina.Input((3,), name="b")
    merged = layers.concatenate([layers.Dense(5)(a), b])
    out1 = layers.Dense(1, name="score")(merged)
    out2 = layers.Dense(2, activation="softmax", name="klass")(merged)
    model = lamina.Model([a, b], [out1, out2])
    assert model.input_names == ["a", "b"] and model.output_names == ["score", "klass"]
    xa, xb = torch.randn(6, 4), torch.randn(6, 3)
    by_list = model([xa, xb])
    by_dict = model({"b": xb, "a": xa})
    for left, right in zip(by_list, by_dict):
        torch.testing.assert_close(left, right)
    assert by_list[0].shape == (6, 1) and by_list[1].shape == (6, 2)
    dict_model = lamina.Model({"a": a, "b": b}, {"score": out1, "klass": out2})
    out = dict_model({"a": xa, "b": xb})
    torch.testing.assert_close(out["score"], by_list[0])


def test_shared_layer_has_one_weight_set():
    shared = layers.Dense(8)
    left, right = lamina.Input((4,)), lamina.Input((4,))
    model = lamina.Model([left, right], layers.add([shared(left), shared(right)]))
    assert model.count_params() == 4 * 8 + 8
    x = torch.randn(3, 4)
    torch.testing.assert_close(model([x, x]), 2 * shared(x))


def test_models_as_layers_and_nested_training_flag():
    inner_in = lamina.Input((4,))
    inner = lamina.Model(inner_in, layers.Dropout(0.5)(layers.Dense(4)(inner_in)), name="inner")
    outer_in = lamina.Input((4,))
    outer = lamina.Model(outer_in, layers.Dense(1)(inner(outer_in)))
    x = torch.ones(64, 4)
    torch.testing.assert_close(outer(x), outer(x))  # inference: deterministic
    assert not torch.equal(outer(x, training=True), outer(x, training=True))
    assert outer.count_params() == inner.count_params() + 5


def test_feature_extraction_from_inner_tensors():
    model = lamina.Sequential([layers.Dense(6, activation="relu", input_shape=(3,)), layers.Dense(2)])
    features = lamina.Model(model.input, [layer.output for layer in model.layers])
    x = torch.randn(4, 3)
    hidden, final = features(x)
    torch.testing.assert_close(final, model(x))
    torch.testing.assert_close(hidden, model.layers[0](x))


def test_operators_and_slicing_on_symbolic_tensors():
    x = lamina.Input((6,))
    y = (x[:, :3] * 2 + 1) / 4 - x[:, 3:]
    z = torch.tanh(y) ** 2
    model = lamina.Model(x, z)
    data = torch.randn(5, 6)
    expected = torch.tanh((data[:, :3] * 2 + 1) / 4 - data[:, 3:]) ** 2
    torch.testing.assert_close(model(data), expected)
    assert model.layers == [x._keras_history.operation]  # ops are not layers (Keras 3)


def test_get_layer_by_name_and_index():
    x = lamina.Input((3,), name="pixels")
    h = layers.Dense(4, name="hidden")(x)
    model = lamina.Model(x, layers.Dense(1, name="out")(h))
    assert [l.name for l in model.layers] == ["pixels", "hidden", "out"]
    assert model.get_layer("hidden") is model.get_layer(index=1) is model.get_layer(index=-2)
    with pytest.raises(ValueError, match=r"no layer named 'nope'.*hidden"):
        model.get_layer("nope")


def test_layer_order_matches_keras(keras):
    def build(L, Input, Model):
        inputs = Input((8, 8, 3))
        a = L.Dense(4, name="a")(inputs)
        b = L.Dense(4, name="b")(a)
        c = L.Dense(4, name="c")(inputs)
        merged = L.add([b, c], name="merge")
        return Model(inputs, L.Dense(2, name="head")(merged))

    ours = build(layers, lamina.Input, lamina.Model)
    theirs = build(keras.layers, keras.Input, keras.Model)
    assert [l.name for l in ours.layers][1:] == [l.name for l in theirs.layers][1:]


def test_disconnected_output_names_the_tensor():
    a, b = lamina.Input((2,), name="first"), lamina.Input((2,), name="second")
    with pytest.raises(GraphError, match=r"depends on Input 'second'.*\['first'\]"):
        lamina.Model(a, layers.add([a, b]))


def test_duplicate_layer_names_rejected():
    x = lamina.Input((2,))
    y = layers.Dense(2, name="twin")(layers.Dense(2, name="twin")(x))
    with pytest.raises(ValueError, match="twin"):
        lamina.Model(x, y)


def test_wrong_input_rank_names_the_input():
    x = lamina.Input((4, 4, 3), name="image")
    model = lamina.Model(x, layers.Dense(1)(x))
    with pytest.raises(ValueError, match=r"'image'.*\(None, 4, 4, 3\).*\(4, 4, 3\)"):
        model(np.ones((4, 4, 3), dtype="float32"))


def test_inputs_are_cast_to_the_declared_dtype():
    x = lamina.Input((3,), dtype="int32")
    model = lamina.Model(x, x * 1)
    assert model(np.ones((2, 3))).dtype == torch.int32
    f = lamina.Input((3,))
    assert lamina.Model(f, f * 1)(np.ones((2, 3))).dtype == torch.float32


def test_subclass_built_the_functional_way():
    class Wrapped(lamina.Model):
        def __init__(self):
            inputs = lamina.Input((3,))
            super().__init__(inputs, layers.Dense(2)(inputs))

        def describe(self):
            return "custom"

    model = Wrapped()
    assert model.describe() == "custom" and model(torch.ones(1, 3)).shape == (1, 2)
    assert isinstance(model, lamina.Functional)


def test_outer_training_flag_overrides_recorded_training():
    x = lamina.Input((50,))
    y = layers.Dropout(0.5)(x, training=True)  # recorded in the graph
    model = lamina.Model(x, y)
    data = torch.ones(4, 50)
    torch.testing.assert_close(model(data, training=False), data)
    assert not torch.equal(model(data), data)  # no outer value: the recorded True applies


def test_weight_named_like_an_attribute_set_to_none():
    class Gain(layers.Layer):
        def __init__(self):
            super().__init__()
            self.gamma = None

        def build(self, input_shape):
            self.gamma = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="gamma")

        def call(self, inputs):
            return inputs * self.gamma

    layer = Gain()
    layer(torch.ones(1, 3))
    assert list(layer.state_dict()) == ["gamma"]


def test_string_inputs_flow_to_text_layers():
    x = lamina.Input(shape=(1,), dtype="string")
    assert x.dtype == "string"
    ids = layers.StringLookup(vocabulary=["a", "b", "c"])(x)
    assert ids.shape == (None, 1)
    model = lamina.Model(x, layers.Dense(1)(layers.Flatten()(layers.Embedding(5, 3)(ids))))
    out = model(np.array([["a"], ["c"], ["zzz"]]))
    assert out.shape == (3, 1)
