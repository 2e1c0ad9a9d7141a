"""The Layer contract: building, weights, names, config, losses, masks, training flag, dtypes, torch modules."""
import numpy as np
import pytest
import torch

import lamina
from lamina import layers


class Scale(layers.Layer):
    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
        self.count = self.add_weight(shape=(), initializer="zeros", name="count", trainable=False)

    def call(self, inputs):
        return inputs * self.w * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_builds_on_first_eager_call_with_keras_shapes():
    layer = Scale()
    assert not layer.built
    out = layer(np.ones((2, 3), dtype="float32"))
    assert layer.built and out.shape == (2, 3)
    assert [w.name for w in layer.weights] == ["w", "count"]
    assert [p for p in layer.state_dict()] == ["w", "count"]
    assert layer.weights[0].path == f"{layer.name}/w"


def test_builds_on_symbolic_call_and_records_node():
    layer = Scale()
    x = lamina.Input((5,))
    y = layer(x)
    assert layer.built and y.shape == (None, 5)
    assert layer.input is x and layer.output is y


def test_add_weight_accepts_keras2_argument_order():
    layer = layers.Layer()
    w = layer.add_weight("kernel", (2, 3), initializer="ones")
    assert w.name == "kernel" and tuple(w.shape) == (2, 3)


def test_weights_order_is_trainable_first_then_sublayers():
    class Block(layers.Layer):
        def build(self, input_shape):
            self.stat = self.add_weight(shape=(1,), name="stat", trainable=False)
            self.gain = self.add_weight(shape=(1,), name="gain")
            self.inner = layers.Dense(2)

        def call(self, inputs):
            return self.inner(inputs * self.gain)

    block = Block()
    block(torch.ones(1, 3))
    assert [w.name for w in block.weights] == ["gain", "stat", "kernel", "bias"]
    assert [w.name for w in block.trainable_weights] == ["gain", "kernel", "bias"]


def test_get_and_set_weights_round_trip_and_copy():
    layer = layers.Dense(2)
    layer(torch.ones(1, 3))
    arrays = layer.get_weights()
    arrays[0][:] = 7.0  # a copy: the layer is unchanged
    assert not np.allclose(layer.get_weights()[0], 7.0)
    layer.set_weights(arrays)
    np.testing.assert_array_equal(layer.get_weights()[0], arrays[0])


def test_set_weights_errors_name_layer_and_shapes():
    layer = layers.Dense(2, name="head")
    layer(torch.ones(1, 3))
    with pytest.raises(ValueError, match=r"Dense 'head'.*2 arrays.*received 1"):
        layer.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"Dense 'head'.*\(3, 2\).*\(4, 2\)"):
        layer.set_weights([np.zeros((4, 2)), np.zeros(2)])


def test_dense_built_for_784_called_with_100_names_layer_and_shapes():
    layer = layers.Dense(10, name="classifier")
    layer(torch.ones(1, 784))
    with pytest.raises(ValueError, match=r"Dense 'classifier'.*784.*\(32, 100\)"):
        layer(torch.ones(32, 100))
    with pytest.raises(ValueError, match=r"Dense 'classifier'.*784.*\(None, 100\)"):
        layer(lamina.Input((100,)))


def test_input_shape_keyword_spellings():
    for kwargs in ({"input_shape": (4,)}, {"input_dim": 4}, {"batch_input_shape": (None, 4)},
                   {"input_shape": (4,), "batch_size": 8}):
        model = lamina.Sequential([layers.Dense(2, **kwargs)])
        assert model.built and model.count_params() == 10
    assert lamina.Sequential([layers.Dense(2, input_shape=(4,), batch_size=8)]).input_shape == (8, 4)


def test_unknown_keyword_is_an_error():
    with pytest.raises(TypeError, match=r"Dense.*unexpected keyword.*units_"):
        layers.Dense(3, units_=4)


def test_auto_names_are_unique_and_state_dict_keys_structural():
    def build():
        return lamina.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(2)])

    first, second = build(), build()
    assert [l.name for l in first.layers] == ["dense", "dense_1"]
    assert [l.name for l in second.layers] == ["dense_2", "dense_3"]
    assert list(first.state_dict()) == list(second.state_dict())
    second.load_state_dict(first.state_dict())
    x = torch.randn(5, 3)
    torch.testing.assert_close(first(x), second(x))


def test_config_round_trip():
    layer = Scale(factor=2.5, name="scale", trainable=False)
    clone = Scale.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    dense = layers.Dense(3, activation="relu", kernel_regularizer="l2", use_bias=False)
    assert layers.Dense.from_config(dense.get_config()).get_config() == dense.get_config()


def test_trainable_false_freezes_and_excludes_weights():
    model = lamina.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(2)])
    model.layers[0].trainable = False
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2
    assert not model.layers[0].kernel.requires_grad
    model(torch.ones(2, 3)).sum().backward()
    assert model.layers[0].kernel.grad is None and model.layers[1].kernel.grad is not None
    model.trainable = False
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 4
    model.trainable = True
    assert len(model.trainable_weights) == 4


def test_add_loss_is_reset_each_outer_call_and_collected():
    class Penalised(layers.Layer):
        def call(self, inputs):
            self.add_loss(inputs.sum())
            return inputs

    inner = Penalised()
    model = lamina.Sequential([inner, layers.Dense(1, kernel_regularizer=lamina.regularizers.L2(0.5))])
    model(torch.ones(2, 3))
    model(torch.ones(2, 3))
    losses = model.losses
    assert len(losses) == 2  # one add_loss (the last call's), one regulariser
    assert float(losses[0]) == 6.0
    kernel = model.layers[1].kernel
    assert float(losses[1]) == pytest.approx(0.5 * float((kernel ** 2).sum()))


def test_activity_regularizer_divides_by_batch_size():
    layer = layers.Dense(2, kernel_initializer="ones", activity_regularizer=lamina.regularizers.L1(1.0))
    layer(torch.ones(4, 3))
    assert float(layer.losses[0]) == pytest.approx(4 * 2 * 3 / 4)


def test_masks_propagate_through_layers_that_support_them():
    seen = {}

    class Reader(layers.Layer):
        def call(self, inputs, mask=None):
            seen["mask"] = mask
            return inputs

    class MakeMask(layers.Layer):
        def call(self, inputs):
            return inputs

        def compute_mask(self, inputs, previous_mask=None):
            return inputs[..., 0] != 0

    x = torch.tensor([[[1.0], [0.0]]])
    out = Reader()(layers.Dense(1, kernel_initializer="ones")(MakeMask()(x)))
    assert seen["mask"].tolist() == [[True, False]]
    assert out._keras_mask.tolist() == [[True, False]]


def test_training_flag_reaches_nested_layers():
    seen = []

    class Probe(layers.Layer):
        def call(self, inputs, training=None):
            seen.append(training)
            return inputs

    class Outer(layers.Layer):
        def __init__(self):
            super().__init__()
            self.probe = Probe()

        def call(self, inputs):
            return self.probe(inputs)

    outer = Outer()
    outer(torch.ones(1), training=True)
    outer(torch.ones(1))
    outer(torch.ones(1), training=False)
    assert seen == [True, None, False]


def test_float64_layers():
    layer = layers.Dense(2, dtype="float64")
    out = layer(np.ones((1, 3)))
    assert out.dtype == torch.float64 and layer.kernel.dtype == torch.float64
    lamina.config.set_floatx("float64")
    try:
        assert layers.Dense(2)(np.ones((1, 3))).dtype == torch.float64
    finally:
        lamina.config.set_floatx("float32")


def test_plain_torch_modules_are_tracked_and_trained():
    class Hybrid(lamina.Model):
        def __init__(self):
            super().__init__()
            self.torch_part = torch.nn.Linear(3, 4)
            self.keras_part = layers.Dense(1)

        def call(self, inputs):
            return self.keras_part(torch.relu(self.torch_part(inputs)))

    model = Hybrid()
    model(torch.ones(2, 3))
    assert len(model.trainable_weights) == 4
    assert model.count_params() == 3 * 4 + 4 + 4 + 1
    wrapped = lamina.Sequential([torch.nn.Linear(3, 2), layers.Dense(1)])
    assert wrapped(torch.ones(5, 3)).shape == (5, 1) and len(wrapped.trainable_weights) == 4


def test_lists_and_dicts_of_layers_are_tracked():
    class Stack(lamina.Model):
        def __init__(self):
            super().__init__()
            self.blocks = [layers.Dense(4), layers.Dense(4)]
            self.heads = {"a": layers.Dense(1), "b": layers.Dense(2)}

        def call(self, inputs):
            for block in self.blocks:
                inputs = block(inputs)
            return self.heads["a"](inputs), self.heads["b"](inputs)

    model = Stack()
    model(torch.ones(1, 3))
    assert len(model.layers) == 4 and len(model.weights) == 8


def test_variables_work_with_torch_optimizers():
    layer = layers.Dense(1)
    layer(torch.ones(1, 2))
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    before = layer.kernel.detach().clone()
    layer(torch.ones(4, 2)).sum().backward()
    optimizer.step()
    assert not torch.equal(before, layer.kernel.detach())


def test_count_params_before_build_is_an_error():
    with pytest.raises(ValueError, match="not built"):
        layers.Dense(2, name="d").count_params()
