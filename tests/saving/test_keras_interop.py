"""Files written by Keras 3 (torch backend) load into lamina with the same predictions, and Keras reads lamina's."""
import json

import numpy as np
import pytest

import lamina
from lamina.saving import LoadError

ATOL = 1e-5


def _mlp(K):
    return K.Sequential([K.Input((6,)), K.layers.Dense(8, activation="relu"), K.layers.BatchNormalization(),
                         K.layers.Dropout(0.2), K.layers.Dense(3, activation="softmax")])


def _convnet(K):
    L = K.layers
    return K.Sequential([K.Input((10, 10, 2)), L.Conv2D(4, 3, activation="relu"), L.MaxPooling2D(2),
                         L.SeparableConv2D(3, 2, padding="same"), L.Flatten(), L.Dense(3, activation="softmax")])


def _rnn(K):
    L = K.layers
    return K.Sequential([K.Input((7,), dtype="int32"), L.Embedding(20, 4), L.Bidirectional(L.LSTM(3,
                         return_sequences=True)), L.GRU(3), L.Dense(3, activation="softmax")])


def _functional(K):
    L = K.layers
    a, b = K.Input((6,), name="a"), K.Input((6,), name="b")
    shared = L.Dense(5, activation="tanh", name="shared")
    inner = K.Sequential([K.Input((10,)), L.Dense(4), L.Dense(3)], name="inner")
    merged = L.Concatenate()([shared(a), shared(b)])
    return K.Model([a, b], [inner(merged), L.Dense(1, name="score")(L.Add()([shared(a), shared(b)]))])


def _with_ops(K):
    x = K.Input((6,))
    h = K.layers.Dense(4)(x)
    y = K.ops.mean((h + 1.0)[:, :3] * 2.0, axis=-1, keepdims=True)
    return K.Model(x, y)


ARCHITECTURES = {"mlp": (_mlp, "float"), "convnet": (_convnet, "float"), "rnn": (_rnn, "int"),
                 "functional": (_functional, "pair"), "ops": (_with_ops, "float")}


def _data(kind, model, rng):
    if kind == "int":
        return rng.integers(0, 20, size=(5, 7)).astype("int32")
    if kind == "pair":
        return [rng.random((5, 6), dtype=np.float32), rng.random((5, 6), dtype=np.float32)]
    return rng.random((5,) + tuple(model.input_shape[1:]), dtype=np.float32)


def _close(a, b):
    a = a if isinstance(a, list) else [a]
    b = b if isinstance(b, list) else [b]
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), atol=ATOL, rtol=0)


def _trained_keras(keras, name, rng):
    build, kind = ARCHITECTURES[name]
    keras.utils.set_random_seed(1)
    model = build(keras)
    data = _data(kind, model, rng)
    outputs = model(data) if kind == "pair" else model(data)
    targets = [np.zeros(tuple(o.shape), "float32") for o in outputs] if isinstance(outputs, (list, tuple)) else \
        np.zeros(tuple(outputs.shape), "float32")
    model.compile(optimizer="adam", loss="mse")
    model.fit(data, targets, epochs=1, verbose=0)
    return model, data


# (Keras 3 cannot write a graph with ops into its legacy HDF5 config, so "ops" has no .h5 case)
@pytest.mark.parametrize("name,suffix", [(n, s) for n in sorted(ARCHITECTURES) for s in (".keras", ".h5")
                                         if (n, s) != ("ops", ".h5")])
def test_keras_model_files_load_with_equal_predictions(keras, name, suffix, tmp_path, rng):
    model, data = _trained_keras(keras, name, rng)
    path = tmp_path / f"keras{suffix}"
    model.save(path)
    loaded = lamina.saving.load_model(path)
    _close(model.predict(data, verbose=0), loaded.predict(data, verbose=0))
    assert loaded.compiled and type(loaded.optimizer).__name__ == "Adam"
    assert int(loaded.optimizer.iterations) == int(model.optimizer.iterations)


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
def test_keras_weights_files_load_into_a_lamina_model(keras, name, tmp_path, rng):
    model, data = _trained_keras(keras, name, rng)
    model.save_weights(tmp_path / "k.weights.h5")
    twin = ARCHITECTURES[name][0](lamina)
    twin.load_weights(tmp_path / "k.weights.h5")
    _close(model.predict(data, verbose=0), twin.predict(data, verbose=0))


@pytest.mark.parametrize("name", ["mlp", "convnet", "rnn", "functional"])
def test_lamina_hdf5_files_load_into_keras(keras, name, tmp_path, rng):
    build, kind = ARCHITECTURES[name]
    model = build(lamina)
    data = _data(kind, model, rng)
    model.compile(optimizer="adam", loss="mse")
    outputs = model.predict(data, verbose=0)
    model.fit(data, [np.zeros_like(o) for o in outputs] if isinstance(outputs, list) else np.zeros_like(outputs),
              verbose=0)
    expected = model.predict(data, verbose=0)
    model.save(tmp_path / "m.h5")
    model.save_weights(tmp_path / "w.weights.h5")
    model.save_weights(tmp_path / "w.h5")
    _close(expected, keras.models.load_model(tmp_path / "m.h5").predict(data, verbose=0))
    for weights in ("w.weights.h5", "w.h5"):
        twin = build(keras)
        twin.load_weights(tmp_path / weights)
        _close(expected, twin.predict(data, verbose=0))


def _keras2_weights_file(keras, path, rng):
    """A Keras 2 layout weights file written by Keras's own legacy writer, for an MLP with named layers."""
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    L = keras.layers
    model = keras.Sequential([keras.Input((6,)), L.Dense(8, activation="relu", name="dense"),
                              L.BatchNormalization(name="batch_normalization"), L.Dense(3, name="dense_1")])
    model.compile(optimizer="adam", loss="mse")
    model.fit(rng.random((8, 6), dtype=np.float32), np.zeros((8, 3), "float32"), verbose=0)
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    return model


def test_keras2_weight_files_by_order_and_by_name(keras, tmp_path, rng):
    model = _keras2_weights_file(keras, tmp_path / "k2.h5", rng)
    data = rng.random((4, 6), dtype=np.float32)
    L = lamina.layers
    twin = lamina.Sequential([L.Input((6,)), L.Dense(8, activation="relu"), L.BatchNormalization(), L.Dense(3)])
    twin.load_weights(tmp_path / "k2.h5")  # by order
    _close(model.predict(data, verbose=0), twin.predict(data, verbose=0))
    # by_name: only the layers whose names match are loaded; the others keep their weights
    renamed = lamina.Sequential([L.Input((6,)), L.Dense(8, activation="relu", name="dense"), L.Dense(3, name="other")])
    keep = renamed.get_layer("other").get_weights()
    with pytest.raises(LoadError, match="weights for 3 layers"):
        renamed.load_weights(tmp_path / "k2.h5")
    renamed.load_weights(tmp_path / "k2.h5", by_name=True)
    np.testing.assert_array_equal(renamed.get_layer("dense").get_weights()[0], model.layers[0].get_weights()[0])
    np.testing.assert_array_equal(renamed.get_layer("other").get_weights()[0], keep[0])


def test_by_name_and_skip_mismatch(keras, tmp_path, rng):
    model = _keras2_weights_file(keras, tmp_path / "k2.h5", rng)
    L = lamina.layers
    other = lamina.Sequential([L.Input((6,)), L.Dense(8, name="dense"), L.BatchNormalization(name="batch_normalization"),
                               L.Dense(5, name="dense_1")])
    before = other.get_layer("dense_1").get_weights()
    with pytest.raises(LoadError, match="dense_1"):
        other.load_weights(tmp_path / "k2.h5", by_name=True)
    with pytest.warns(UserWarning, match="skipping layer 'dense_1'"):
        other.load_weights(tmp_path / "k2.h5", by_name=True, skip_mismatch=True)
    np.testing.assert_array_equal(other.get_layer("dense").get_weights()[0], model.layers[0].get_weights()[0])
    np.testing.assert_array_equal(other.get_layer("dense_1").get_weights()[0], before[0])
    other.save_weights(tmp_path / "w.weights.safetensors")
    with pytest.raises(ValueError, match="by_name=True works with Keras 2 HDF5"):
        other.load_weights(tmp_path / "w.weights.safetensors", by_name=True)


def test_keras2_functional_config_with_legacy_inbound_nodes(rng):
    config = {
        "class_name": "Model",
        "config": {
            "name": "model",
            "layers": [
                {"class_name": "InputLayer", "name": "input_1",
                 "config": {"batch_input_shape": [None, 4], "dtype": "float32", "name": "input_1"},
                 "inbound_nodes": []},
                {"class_name": "Dense", "name": "dense",
                 "config": {"name": "dense", "units": 3, "activation": "relu", "use_bias": True,
                            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
                            "bias_initializer": {"class_name": "Zeros", "config": {}}},
                 "inbound_nodes": [[["input_1", 0, 0, {}]]]},
                {"class_name": "Dense", "name": "dense_1", "config": {"name": "dense_1", "units": 3},
                 "inbound_nodes": [[["input_1", 0, 0, {}]]]},
                {"class_name": "Add", "name": "add", "config": {"name": "add"},
                 "inbound_nodes": [[["dense", 0, 0, {}], ["dense_1", 0, 0, {}]]]},
            ],
            "input_layers": [["input_1", 0, 0]],
            "output_layers": [["add", 0, 0]],
        },
        "keras_version": "2.4.0",
        "backend": "tensorflow",
    }
    model = lamina.models.model_from_json(json.dumps(config))
    assert [l.name for l in model.layers] == ["input_1", "dense", "dense_1", "add"]
    x = rng.random((2, 4), dtype=np.float32)
    d1, d2 = model.get_layer("dense"), model.get_layer("dense_1")
    expected = np.maximum(x @ d1.get_weights()[0] + d1.get_weights()[1], 0) + x @ d2.get_weights()[0] + \
        d2.get_weights()[1]
    out = model.predict(x, verbose=0)
    out = out[0] if isinstance(out, list) else out  # outputs given as a list of one (lamina keeps the list)
    np.testing.assert_allclose(out, expected, atol=1e-6)


def test_unsupported_keras_options_are_named(keras, tmp_path):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    model.save(tmp_path / "k.keras")
    import zipfile

    with zipfile.ZipFile(tmp_path / "k.keras") as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    config = json.loads(members["config.json"])
    config["config"]["layers"][1]["config"]["lora_rank"] = 4
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(tmp_path / "edited.keras", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(LoadError, match="option lora_rank=4 is not supported by lamina"):
        lamina.saving.load_model(tmp_path / "edited.keras")
