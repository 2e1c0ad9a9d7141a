"""Every registered layer survives save/load: same class, same config, bit-identical predictions.

The list of layers comes from the registry, so a newly registered layer without a
case below fails ``test_every_registered_layer_has_a_case`` until one is added.
"""
import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.core import registry
from lamina.layers.layer import Layer
from lamina.models import Model
from lamina.saving import LoadError, load_model
from lamina.saving.serialization import deserialize_layer, serialize_layer

from saving_helpers import assert_same_predictions, randomize

F = "float32"
# class name -> (factory, input shapes (one tuple, or a list for several inputs), input kind, call style)
# input kind: "float", "int<k>" (integers below k); call style: "single", "list" (layer([a, b])), "args" (layer(a, b))
CASES = {
    "Activation": (lambda: layers.Activation("relu"), (4,), "float", "single"),
    "ActivityRegularization": (lambda: layers.ActivityRegularization(l1=0.01), (4,), "float", "single"),
    "Add": (layers.Add, [(4,), (4,)], "float", "list"),
    "Average": (layers.Average, [(4,), (4,)], "float", "list"),
    "Maximum": (layers.Maximum, [(4,), (4,)], "float", "list"),
    "Minimum": (layers.Minimum, [(4,), (4,)], "float", "list"),
    "Multiply": (layers.Multiply, [(4,), (4,)], "float", "list"),
    "Subtract": (layers.Subtract, [(4,), (4,)], "float", "list"),
    "Concatenate": (lambda: layers.Concatenate(axis=-1), [(4,), (3,)], "float", "list"),
    "Dot": (lambda: layers.Dot(axes=1), [(4,), (4,)], "float", "list"),
    "Attention": (layers.Attention, [(5, 4), (6, 4)], "float", "list"),
    "AdditiveAttention": (layers.AdditiveAttention, [(5, 4), (6, 4)], "float", "list"),
    "MultiHeadAttention": (lambda: layers.MultiHeadAttention(num_heads=2, key_dim=3), [(5, 4), (6, 4)], "float",
                           "args"),
    "AlphaDropout": (lambda: layers.AlphaDropout(0.2), (4,), "float", "single"),
    "Dropout": (lambda: layers.Dropout(0.3), (4,), "float", "single"),
    "GaussianDropout": (lambda: layers.GaussianDropout(0.2), (4,), "float", "single"),
    "GaussianNoise": (lambda: layers.GaussianNoise(0.1), (4,), "float", "single"),
    "SpatialDropout1D": (lambda: layers.SpatialDropout1D(0.2), (5, 4), "float", "single"),
    "SpatialDropout2D": (lambda: layers.SpatialDropout2D(0.2), (4, 4, 3), "float", "single"),
    "SpatialDropout3D": (lambda: layers.SpatialDropout3D(0.2), (3, 3, 3, 2), "float", "single"),
    "AveragePooling1D": (lambda: layers.AveragePooling1D(2), (6, 3), "float", "single"),
    "AveragePooling2D": (lambda: layers.AveragePooling2D(2), (6, 6, 3), "float", "single"),
    "AveragePooling3D": (lambda: layers.AveragePooling3D(2), (4, 4, 4, 2), "float", "single"),
    "MaxPooling1D": (lambda: layers.MaxPooling1D(2), (6, 3), "float", "single"),
    "MaxPooling2D": (lambda: layers.MaxPooling2D(2), (6, 6, 3), "float", "single"),
    "MaxPooling3D": (lambda: layers.MaxPooling3D(2), (4, 4, 4, 2), "float", "single"),
    "GlobalAveragePooling1D": (layers.GlobalAveragePooling1D, (6, 3), "float", "single"),
    "GlobalAveragePooling2D": (layers.GlobalAveragePooling2D, (6, 6, 3), "float", "single"),
    "GlobalAveragePooling3D": (layers.GlobalAveragePooling3D, (4, 4, 4, 2), "float", "single"),
    "GlobalMaxPooling1D": (layers.GlobalMaxPooling1D, (6, 3), "float", "single"),
    "GlobalMaxPooling2D": (layers.GlobalMaxPooling2D, (6, 6, 3), "float", "single"),
    "GlobalMaxPooling3D": (layers.GlobalMaxPooling3D, (4, 4, 4, 2), "float", "single"),
    "BatchNormalization": (layers.BatchNormalization, (4,), "float", "single"),
    "LayerNormalization": (layers.LayerNormalization, (4,), "float", "single"),
    "GroupNormalization": (lambda: layers.GroupNormalization(groups=2), (5, 4), "float", "single"),
    "UnitNormalization": (layers.UnitNormalization, (4,), "float", "single"),
    "Conv1D": (lambda: layers.Conv1D(3, 2), (6, 4), "float", "single"),
    "Conv2D": (lambda: layers.Conv2D(3, 2, padding="same"), (6, 6, 2), "float", "single"),
    "Conv3D": (lambda: layers.Conv3D(3, 2), (4, 4, 4, 2), "float", "single"),
    "Conv1DTranspose": (lambda: layers.Conv1DTranspose(3, 2), (6, 4), "float", "single"),
    "Conv2DTranspose": (lambda: layers.Conv2DTranspose(3, 2, strides=2), (4, 4, 2), "float", "single"),
    "Conv3DTranspose": (lambda: layers.Conv3DTranspose(3, 2), (3, 3, 3, 2), "float", "single"),
    "DepthwiseConv1D": (lambda: layers.DepthwiseConv1D(2), (6, 4), "float", "single"),
    "DepthwiseConv2D": (lambda: layers.DepthwiseConv2D(2), (6, 6, 2), "float", "single"),
    "SeparableConv1D": (lambda: layers.SeparableConv1D(3, 2), (6, 4), "float", "single"),
    "SeparableConv2D": (lambda: layers.SeparableConv2D(3, 2), (6, 6, 2), "float", "single"),
    "Cropping1D": (lambda: layers.Cropping1D(1), (6, 3), "float", "single"),
    "Cropping2D": (lambda: layers.Cropping2D(1), (6, 6, 2), "float", "single"),
    "Cropping3D": (lambda: layers.Cropping3D(1), (4, 4, 4, 2), "float", "single"),
    "UpSampling1D": (lambda: layers.UpSampling1D(2), (3, 2), "float", "single"),
    "UpSampling2D": (lambda: layers.UpSampling2D(2), (3, 3, 2), "float", "single"),
    "UpSampling3D": (lambda: layers.UpSampling3D(2), (2, 2, 2, 2), "float", "single"),
    "ZeroPadding1D": (lambda: layers.ZeroPadding1D(1), (3, 2), "float", "single"),
    "ZeroPadding2D": (lambda: layers.ZeroPadding2D(1), (3, 3, 2), "float", "single"),
    "ZeroPadding3D": (lambda: layers.ZeroPadding3D(1), (2, 2, 2, 2), "float", "single"),
    "Dense": (lambda: layers.Dense(3, activation="tanh", kernel_regularizer="l2"), (4,), "float", "single"),
    "ELU": (layers.ELU, (4,), "float", "single"),
    "LeakyReLU": (layers.LeakyReLU, (4,), "float", "single"),
    "PReLU": (layers.PReLU, (4,), "float", "single"),
    "ReLU": (lambda: layers.ReLU(max_value=2.0), (4,), "float", "single"),
    "Softmax": (layers.Softmax, (4,), "float", "single"),
    "Identity": (layers.Identity, (4,), "float", "single"),
    "Layer": (Layer, (4,), "float", "single"),
    "Flatten": (layers.Flatten, (3, 4), "float", "single"),
    "Permute": (lambda: layers.Permute((2, 1)), (3, 4), "float", "single"),
    "RepeatVector": (lambda: layers.RepeatVector(3), (4,), "float", "single"),
    "Reshape": (lambda: layers.Reshape((2, 2)), (4,), "float", "single"),
    "Embedding": (lambda: layers.Embedding(10, 3), (5,), "int10", "single"),
    "Masking": (lambda: layers.Masking(0.0), (5, 4), "float", "single"),
    "Lambda": (lambda: layers.Lambda(torch.tanh), (4,), "float", "single"),
    "GRU": (lambda: layers.GRU(3), (5, 4), "float", "single"),
    "LSTM": (lambda: layers.LSTM(3, return_sequences=True), (5, 4), "float", "single"),
    "SimpleRNN": (lambda: layers.SimpleRNN(3), (5, 4), "float", "single"),
    "RNN": (lambda: layers.RNN(layers.SimpleRNNCell(3)), (5, 4), "float", "single"),
    "GRUCell": (lambda: layers.RNN(layers.GRUCell(3)), (5, 4), "float", "single"),
    "LSTMCell": (lambda: layers.RNN(layers.LSTMCell(3)), (5, 4), "float", "single"),
    "SimpleRNNCell": (lambda: layers.RNN(layers.SimpleRNNCell(2)), (5, 4), "float", "single"),
    "StackedRNNCells": (lambda: layers.RNN(layers.StackedRNNCells([layers.LSTMCell(3), layers.GRUCell(2)])),
                        (5, 4), "float", "single"),
    "ConvLSTM1D": (lambda: layers.ConvLSTM1D(2, 2), (3, 5, 2), "float", "single"),
    "ConvLSTM2D": (lambda: layers.ConvLSTM2D(2, 2, return_sequences=True), (3, 4, 4, 2), "float", "single"),
    "ConvLSTM3D": (lambda: layers.ConvLSTM3D(2, 2), (2, 3, 3, 3, 1), "float", "single"),
    "ConvLSTMCell": (lambda: layers.RNN(layers.ConvLSTMCell(2, 2, 2)), (3, 4, 4, 2), "float", "single"),
    "CenterCrop": (lambda: layers.CenterCrop(4, 4), (6, 6, 3), "float", "single"),
    "RandomBrightness": (lambda: layers.RandomBrightness(0.2), (6, 6, 3), "float", "single"),
    "RandomContrast": (lambda: layers.RandomContrast(0.2), (6, 6, 3), "float", "single"),
    "RandomCrop": (lambda: layers.RandomCrop(4, 4), (6, 6, 3), "float", "single"),
    "RandomFlip": (layers.RandomFlip, (6, 6, 3), "float", "single"),
    "RandomRotation": (lambda: layers.RandomRotation(0.1), (6, 6, 3), "float", "single"),
    "RandomTranslation": (lambda: layers.RandomTranslation(0.1, 0.1), (6, 6, 3), "float", "single"),
    "RandomZoom": (lambda: layers.RandomZoom(0.1), (6, 6, 3), "float", "single"),
    "Rescaling": (lambda: layers.Rescaling(1 / 255.0, offset=0.5), (6, 6, 3), "float", "single"),
    "Resizing": (lambda: layers.Resizing(4, 5), (6, 6, 3), "float", "single"),
    "Bidirectional": (lambda: layers.Bidirectional(layers.LSTM(3, return_sequences=True)), (5, 4), "float",
                      "single"),
    "TimeDistributed": (lambda: layers.TimeDistributed(layers.Dense(2)), (5, 4), "float", "single"),
    "CategoryEncoding": (lambda: layers.CategoryEncoding(num_tokens=5, output_mode="multi_hot"), (3,), "int5",
                         "single"),
    "Discretization": (lambda: layers.Discretization(bin_boundaries=[0.25, 0.5]), (4,), "float", "single"),
    "Normalization": (lambda: layers.Normalization(mean=0.5, variance=2.0), (4,), "float", "single"),
}
# Layers that cannot be called on symbolic inputs (strings, or lookups on concrete data only): their configs
# (vocabularies included) must round-trip.
CONFIG_ONLY = {
    "Hashing": lambda: layers.Hashing(num_bins=4),
    "IntegerLookup": lambda: layers.IntegerLookup(vocabulary=[1, 2, 3]),
    "StringLookup": lambda: layers.StringLookup(vocabulary=["a", "b", "c"]),
    "TextVectorization": lambda: layers.TextVectorization(max_tokens=10, vocabulary=["the", "cat"]),
}
# Covered elsewhere (models) or abstract bases, never built standalone.
NOT_STANDALONE = {"Functional", "Sequential", "Model", "InputLayer", "IndexLookup", "TorchModuleWrapper"}


def registered_layers():
    names = set()
    for name in registry.registered_names():
        cls = registry.lookup(name)
        if isinstance(cls, type) and issubclass(cls, Layer) and cls.__module__.startswith("lamina."):
            names.add(cls.__name__)
    return sorted(names)


def test_every_registered_layer_has_a_case():
    missing = [n for n in registered_layers() if n not in CASES and n not in CONFIG_ONLY and n not in NOT_STANDALONE]
    assert not missing, f"add save/load cases for {missing} in tests/saving/test_every_layer.py"


def _inputs(shapes, kind, rng, batch=3):
    def one(shape):
        if kind.startswith("int"):
            return rng.integers(0, int(kind[3:]), size=(batch,) + shape).astype("int32")
        return rng.random((batch,) + shape, dtype=np.float32)

    return [one(s) for s in shapes] if isinstance(shapes, list) else one(shapes)


def _model(name):
    factory, shapes, kind, style = CASES[name]
    dtype = "int32" if kind.startswith("int") else F
    inputs = [layers.Input(s, dtype=dtype) for s in shapes] if isinstance(shapes, list) else \
        layers.Input(shapes, dtype=dtype)
    layer = factory()
    if style == "list":
        out = layer(inputs)
    elif style == "args":
        out = layer(*inputs)
    else:
        out = layer(inputs)
    return Model(inputs, out), layer


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_layer_round_trip(name, suffix, tmp_path, rng):
    if name not in registered_layers():
        pytest.fail(f"{name} has a case but is not registered")
    model, layer = _model(name)
    randomize(model)
    path = tmp_path / f"m{suffix}"
    model.save(path)
    loaded = load_model(path)
    twin = loaded.layers[-1]
    assert type(twin) is type(layer)
    assert serialize_layer(twin) == serialize_layer(layer)
    _, shapes, kind, _ = CASES[name]
    assert_same_predictions(model, loaded, _inputs(shapes, kind, rng))


@pytest.mark.parametrize("name", sorted(CONFIG_ONLY))
def test_string_layer_configs_round_trip(name):
    layer = CONFIG_ONLY[name]()
    config = serialize_layer(layer)
    again = deserialize_layer(config)
    assert type(again) is type(layer) and serialize_layer(again) == config


def test_torch_module_wrapper_saves_weights_but_not_its_module(tmp_path, rng):
    model = lamina.Sequential([layers.Input((3,)), layers.TorchModuleWrapper(torch.nn.Linear(3, 2))])
    model.save(tmp_path / "m.keras")
    with pytest.raises(LoadError, match="TorchModuleWrapper"):
        load_model(tmp_path / "m.keras")
    model.save_weights(tmp_path / "w.weights.safetensors")
    twin = lamina.Sequential([layers.Input((3,)), layers.TorchModuleWrapper(torch.nn.Linear(3, 2))])
    twin.load_weights(tmp_path / "w.weights.safetensors")
    assert_same_predictions(model, twin, rng.random((2, 3), dtype=np.float32))
