"""lamina's .keras format: round trips of every kind of model, compile state, continued training."""
import json
import zipfile

import numpy as np
import pytest
import torch

import lamina
from lamina import layers, ops
from lamina.models import Model, Sequential
from lamina.saving import LoadError, load_model, register_lamina_serializable

from saving_helpers import assert_same_predictions, assert_same_weights, randomize


@register_lamina_serializable(package="tests_saving")
class Scale(layers.Layer):
    """A custom layer with a weight and a hyper-parameter."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, inputs):
        return inputs * self.w * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class Unregistered(layers.Layer):
    def call(self, inputs):
        return inputs + 1.0


@register_lamina_serializable(package="tests_saving")
class TwoDense(Model):
    """A subclassed model with get_config."""

    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = layers.Dense(units, activation="relu")
        self.head = layers.Dense(1)

    def call(self, inputs):
        return self.head(self.hidden(inputs))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def _save_load(model, tmp_path, **kwargs):
    path = tmp_path / "model.keras"
    model.save(path)
    return load_model(path, **kwargs)


def test_sequential_round_trip_is_bit_exact(tmp_path, rng):
    model = Sequential([layers.Dense(8, activation="relu", input_shape=(5,)), layers.Dropout(0.3),
                        layers.BatchNormalization(), layers.Dense(3, activation="softmax")])
    randomize(model)
    loaded = _save_load(model, tmp_path)
    assert type(loaded) is Sequential and loaded.name == model.name
    assert [type(l).__name__ for l in loaded.layers] == ["Dense", "Dropout", "BatchNormalization", "Dense"]
    x = rng.random((16, 5), dtype=np.float32)
    assert_same_predictions(model, loaded, x)
    assert_same_weights(model, loaded)


def test_archive_layout(tmp_path):
    model = Sequential([layers.Dense(2, input_shape=(3,), name="d")])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.safetensors"]
        config = json.loads(archive.read("config.json"))
        metadata = json.loads(archive.read("metadata.json"))
        from safetensors.torch import load

        tensors = load(archive.read("model.weights.safetensors"))
    assert config["class_name"] == "Sequential" and config["module"] == "keras.models"
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    assert config["compile_config"]["loss"] == "mse"
    assert config["optimizer_variables"] == ["0.kernel", "0.bias"]
    assert metadata["format"] == "lamina" and metadata["format_version"] == 1
    assert set(tensors) == {"model/0.kernel", "model/0.bias"} | {f"optimizer/{i}" for i in range(6)}
    assert tensors["optimizer/0"].dtype == torch.int64 and int(tensors["optimizer/0"]) == 1


def test_functional_with_shared_layers_nested_models_ops_and_dict_io(tmp_path, rng):
    a = layers.Input((4,), name="a")
    b = layers.Input((4,), name="b")
    shared = layers.Dense(4, name="shared")
    xa, xb = shared(a), shared(b)
    z = ops.mean((xa + 1.0)[:, :2] * xb[:, 1:3], axis=-1, keepdims=True)
    t = torch.sum(torch.tanh(xb), dim=1, keepdim=True)
    inner = Sequential([layers.Dense(3, input_shape=(4,)), layers.Dense(2)], name="inner")
    u = inner(layers.concatenate([xa, xb])[:, :4])
    model = Model({"a": a, "b": b}, {"mean": z, "sum": t, "inner": u})
    randomize(model)
    loaded = _save_load(model, tmp_path)
    data = {"a": rng.random((6, 4), dtype=np.float32), "b": rng.random((6, 4), dtype=np.float32)}
    assert_same_predictions(model, loaded, data)
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    assert len(loaded.get_layer("shared").inbound_nodes) == 2  # still one layer called twice
    assert sum(w.numel() for w in loaded.weights) == sum(w.numel() for w in model.weights)


def test_functional_model_used_as_layer_and_multiple_outputs(tmp_path, rng):
    x = layers.Input((6,))
    encoder = Model(x, layers.Dense(3, activation="tanh")(x), name="encoder")
    inp = layers.Input((6,))
    code = encoder(inp)
    model = Model(inp, [layers.Dense(6)(code), layers.Dense(1, activation="sigmoid")(code)])
    randomize(model)
    loaded = _save_load(model, tmp_path)
    assert_same_predictions(model, loaded, rng.random((5, 6), dtype=np.float32))
    assert type(loaded.get_layer("encoder")).__name__ == "Functional"


def test_custom_layer_by_decorator_and_by_custom_objects(tmp_path, rng):
    model = Sequential([layers.Input((3,)), Scale(3.0, name="scale"), layers.Dense(2)])
    randomize(model)
    loaded = _save_load(model, tmp_path)
    assert isinstance(loaded.get_layer("scale"), Scale) and loaded.get_layer("scale").factor == 3.0
    assert_same_predictions(model, loaded, rng.random((4, 3), dtype=np.float32))

    other = Sequential([layers.Input((3,)), Unregistered(name="plus_one")])
    other.save(tmp_path / "other.keras")
    with pytest.raises(LoadError, match="unknown layer class 'Unregistered'.*custom_objects"):
        load_model(tmp_path / "other.keras")
    again = load_model(tmp_path / "other.keras", custom_objects={"Unregistered": Unregistered})
    np.testing.assert_array_equal(again.predict(np.zeros((1, 3)), verbose=0), np.ones((1, 3)))
    with lamina.saving.custom_object_scope({"Unregistered": Unregistered}):
        assert isinstance(load_model(tmp_path / "other.keras").layers[0], Unregistered)


def test_subclassed_model_restores_on_first_call(tmp_path, rng):
    model = TwoDense(units=5)
    x = rng.random((8, 3), dtype=np.float32)
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, rng.random((8, 1), dtype=np.float32), verbose=0, epochs=2)
    loaded = _save_load(model, tmp_path)
    assert isinstance(loaded, TwoDense) and loaded.units == 5
    assert_same_predictions(model, loaded, x)
    assert int(loaded.optimizer.iterations) == int(model.optimizer.iterations) == 2
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        assert torch.equal(a.detach(), b.detach())


def test_compile_state_and_continued_training_are_exact(tmp_path, rng):
    def build():
        lamina.utils.set_random_seed(3)
        model = Sequential([layers.Dense(16, activation="relu", input_shape=(4,)), layers.Dropout(0.25),
                            layers.Dense(1)])
        model.compile(optimizer=lamina.optimizers.Adam(learning_rate=lamina.optimizers.schedules.ExponentialDecay(
            0.01, decay_steps=3, decay_rate=0.5)), loss="mse", metrics=["mae"])
        return model

    x = rng.random((40, 4), dtype=np.float32)
    y = rng.random((40, 1), dtype=np.float32)
    model = build()
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert loaded.compiled and type(loaded.optimizer.learning_rate).__name__ == "Tensor"
    assert int(loaded.optimizer.iterations) == 10
    torch.manual_seed(7)
    history_a = model.fit(x, y, batch_size=8, epochs=3, verbose=0)
    torch.manual_seed(7)
    history_b = loaded.fit(x, y, batch_size=8, epochs=3, verbose=0)
    assert history_a.history["loss"] == history_b.history["loss"]
    assert history_a.history["mae"] == history_b.history["mae"]
    assert_same_weights(model, loaded)


def test_compile_false_and_unstorable_compile_arguments(tmp_path):
    model = Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss=lambda y_true, y_pred: ops.mean(y_pred - y_true))
    with pytest.warns(UserWarning, match="without its compile"):
        model.save(tmp_path / "m.keras")
    assert not load_model(tmp_path / "m.keras").compiled
    model.compile(optimizer="sgd", loss="mae")
    model.save(tmp_path / "m2.keras")
    assert load_model(tmp_path / "m2.keras").compiled
    assert not load_model(tmp_path / "m2.keras", compile=False).compiled


def test_lambda_needs_safe_mode_false(tmp_path, rng, monkeypatch):
    offset = 0.5
    model = Sequential([layers.Input((3,)), layers.Lambda(lambda t: t * 2 + offset), layers.Dense(2)])
    model.save(tmp_path / "lambda.keras")
    with pytest.raises(LoadError, match="safe_mode=False"):
        load_model(tmp_path / "lambda.keras")
    loaded = load_model(tmp_path / "lambda.keras", safe_mode=False)
    assert_same_predictions(model, loaded, rng.random((3, 3), dtype=np.float32))

    named = Sequential([layers.Input((3,)), layers.Lambda(torch.tanh)])  # a known function: safe
    named.save(tmp_path / "named.keras")
    assert load_model(tmp_path / "named.keras").layers[0].function is torch.tanh


def test_unknown_function_in_graph_needs_safe_mode_false(tmp_path, rng):
    from lamina.core.symbolic import symbolic_call

    def double(t):
        return t * 2

    x = layers.Input((3,))
    model = Model(x, layers.Dense(2)(symbolic_call(double, (x,), {}, name="double")))
    model.save(tmp_path / "op.keras")
    with pytest.raises(LoadError, match="safe_mode=False"):
        load_model(tmp_path / "op.keras")
    assert_same_predictions(model, load_model(tmp_path / "op.keras", safe_mode=False),
                            rng.random((2, 3), dtype=np.float32))


def test_json_round_trip_and_clone(rng):
    x = layers.Input((4,))
    h = layers.Dense(3, activation="relu")(x)
    model = Model(x, layers.Dense(2)(h) + ops.mean(h[:, :2], axis=-1, keepdims=True))
    rebuilt = lamina.models.model_from_json(model.to_json())
    assert [type(l).__name__ for l in rebuilt.layers] == [type(l).__name__ for l in model.layers]
    clone = lamina.models.clone_model(model)
    assert clone is not model and clone.output_shape == model.output_shape
    clone.set_weights(model.get_weights())
    assert_same_predictions(model, clone, rng.random((3, 4), dtype=np.float32))
    seq = Sequential([layers.Dense(2, input_shape=(3,)), layers.Lambda(lambda t: t + 1)])
    seq_clone = lamina.models.clone_model(seq)
    seq_clone.set_weights(seq.get_weights())
    assert_same_predictions(seq, seq_clone, rng.random((3, 3), dtype=np.float32))


def test_save_errors_name_the_problem(tmp_path):
    model = Sequential([layers.Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match=r"must end in \.keras, \.h5 or \.hdf5"):
        model.save(tmp_path / "model.pb")
    model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        model.save(tmp_path / "m.keras", overwrite=False)
    with pytest.raises(LoadError, match="file not found"):
        load_model(tmp_path / "missing.keras")
    with pytest.raises(LoadError, match="holds weights only"):
        model.save_weights(tmp_path / "w.weights.safetensors")
        load_model(tmp_path / "w.weights.safetensors")
