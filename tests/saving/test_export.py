"""model.export: TorchScript, torch.export and ONNX artifacts give the model's outputs (within 1e-5)."""
import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.saving import load_exported

from saving_helpers import randomize

ATOL = 1e-5


def _convnet():
    model = lamina.Sequential([layers.Input((12, 12, 3)), layers.Conv2D(4, 3, activation="relu"),
                               layers.BatchNormalization(), layers.MaxPooling2D(2), layers.Dropout(0.5),
                               layers.Flatten(), layers.Dense(5, activation="softmax")])
    randomize(model)
    return model, [np.random.default_rng(1).random((3, 12, 12, 3), dtype=np.float32)]


def _two_inputs():
    a, b = layers.Input((4,), name="a"), layers.Input((6,), name="b")
    h = layers.concatenate([layers.Dense(3)(a), layers.Dense(3)(b)])
    model = lamina.Model([a, b], [layers.Dense(2)(h), torch.tanh(h[:, :2]) * 2.0])
    rng = np.random.default_rng(2)
    return model, [rng.random((5, 4), dtype=np.float32), rng.random((5, 6), dtype=np.float32)]


def _rnn():
    model = lamina.Sequential([layers.Input((7, 3)), layers.LSTM(4, return_sequences=True), layers.GRU(2)])
    return model, [np.random.default_rng(3).random((2, 7, 3), dtype=np.float32)]


def _as_list(outputs):
    if isinstance(outputs, (list, tuple)):
        return [np.asarray(o.detach() if isinstance(o, torch.Tensor) else o) for o in outputs]
    return [np.asarray(outputs.detach() if isinstance(outputs, torch.Tensor) else outputs)]


# torch.export's first use costs several seconds of set-up: those cases run with -m slow
@pytest.mark.parametrize("format", ["torchscript", pytest.param("torch.export", marks=pytest.mark.slow), "onnx"])
@pytest.mark.parametrize("build", [_convnet, _two_inputs, _rnn], ids=["convnet", "two_inputs", "rnn"])
def test_exported_model_agrees(format, build, tmp_path):
    model, data = build()
    expected = _as_list(model.predict(data if len(data) > 1 else data[0], verbose=0))
    suffix = {"torchscript": ".pt", "torch.export": ".pt2", "onnx": ".onnx"}[format]
    path = tmp_path / f"model{suffix}"
    model.export(path, format=format)
    runner = load_exported(path)
    tensors = [torch.from_numpy(x) for x in data]
    got = _as_list(runner(*(tensors if format != "onnx" else data)))
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b, atol=ATOL, rtol=0)
    # another batch size than the example used for tracing/export
    bigger = [np.concatenate([x, x, x]) for x in data]
    expected = _as_list(model.predict(bigger if len(bigger) > 1 else bigger[0], verbose=0))
    feed = bigger if format == "onnx" else [torch.from_numpy(x) for x in bigger]
    for a, b in zip(_as_list(runner(*feed)), expected):
        np.testing.assert_allclose(a, b, atol=ATOL, rtol=0)


def test_export_errors(tmp_path):
    model, _ = _convnet()
    with pytest.raises(ValueError, match="format='saved_model' is not supported; use one of 'torchscript'"):
        model.export(tmp_path / "m", format="saved_model")
    subclassed = lamina.Model()
    with pytest.raises(ValueError, match="pass example_inputs"):
        subclassed.export(tmp_path / "s.pt")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_exported(tmp_path / "missing.pt")
