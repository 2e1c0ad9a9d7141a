"""preprocess_input of every family against Keras, and decode_predictions from a local class index."""
import hashlib
import json
import pathlib

import numpy as np
import pytest
import torch

import lamina
from lamina.applications import imagenet_utils

FAMILIES = ["vgg16", "vgg19", "resnet", "resnet50", "inception_v3", "xception", "mobilenet_v2", "densenet"]


@pytest.mark.parametrize("family", FAMILIES)
def test_family_preprocessing_matches_keras(keras, family):
    x = np.random.RandomState(0).uniform(0, 255, (2, 5, 4, 3)).astype("float32")
    expected = getattr(keras.applications, family).preprocess_input(x.copy())
    got = getattr(lamina.applications, family).preprocess_input(x)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-5)
    assert got.dtype == np.float32


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format, shape", [("channels_last", (2, 4, 5, 3)), ("channels_last", (4, 5, 3)),
                                                ("channels_first", (2, 3, 4, 5)), ("channels_first", (3, 4, 5))])
def test_modes_and_layouts_match_keras(keras, mode, data_format, shape):
    x = np.random.RandomState(1).uniform(0, 255, shape)
    reference = keras.applications.imagenet_utils.preprocess_input
    expected = reference(x.copy(), data_format=data_format, mode=mode)
    got = imagenet_utils.preprocess_input(x, data_format=data_format, mode=mode)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert got.dtype == np.float64  # a float input keeps its dtype, as in Keras
    tensor = imagenet_utils.preprocess_input(torch.tensor(x, dtype=torch.float32), data_format=data_format, mode=mode)
    assert isinstance(tensor, torch.Tensor)
    np.testing.assert_allclose(tensor.numpy(), expected, rtol=1e-5, atol=1e-4)


def test_numpy_input_is_not_modified_and_integers_become_floatx():
    x = np.arange(2 * 2 * 2 * 3, dtype="uint8").reshape(2, 2, 2, 3)
    before = x.copy()
    out = imagenet_utils.preprocess_input(x, mode="caffe")
    assert out.dtype == np.float32 and np.array_equal(x, before)
    floats = before.astype("float32")
    imagenet_utils.preprocess_input(floats, mode="torch")
    assert np.array_equal(floats, before.astype("float32"))
    np.testing.assert_allclose(out[..., 0], before[..., 2] - 103.939, rtol=1e-6)


def test_symbolic_preprocessing_inside_a_model(keras):
    images = lamina.Input((8, 8, 3), dtype="uint8")
    model = lamina.Model(images, lamina.applications.resnet.preprocess_input(images))
    x = np.random.RandomState(2).randint(0, 256, (2, 8, 8, 3)).astype("uint8")
    expected = keras.applications.resnet.preprocess_input(x.astype("float32"))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize("kwargs, message", [
    (dict(mode="keras"), r"preprocess_input: mode must be one of \('caffe', 'tf', 'torch'\); received mode='keras'"),
    (dict(data_format="NHWC"), "preprocess_input: data_format must be 'channels_last' or 'channels_first'; received "
                               "data_format='NHWC'"),
])
def test_preprocessing_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        imagenet_utils.preprocess_input(np.zeros((1, 2, 2, 3)), **kwargs)


def test_preprocessing_needs_three_channels_for_caffe_and_torch_modes():
    with pytest.raises(ValueError, match=r"mode='caffe' needs 3 colour channels on axis -1 \(channels_last\); "
                                         r"received shape \(1, 4, 4, 1\)"):
        imagenet_utils.preprocess_input(np.zeros((1, 4, 4, 1)), mode="caffe")
    assert imagenet_utils.preprocess_input(np.zeros((1, 4, 4, 1)), mode="tf").min() == -1.0


@pytest.fixture
def class_index(tmp_path, monkeypatch):
    """A local imagenet_class_index.json served through get_file (file:// URL, its own md5)."""
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    source = tmp_path / "served" / "imagenet_class_index.json"
    source.parent.mkdir()
    source.write_text(json.dumps(index))
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_URL", pathlib.Path(source).as_uri())
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH", hashlib.md5(source.read_bytes()).hexdigest())
    monkeypatch.setattr(imagenet_utils, "_class_index", None)
    return index


def test_decode_predictions_matches_keras_order(keras, class_index, monkeypatch):
    preds = np.random.RandomState(0).dirichlet(np.ones(1000), size=3).astype("float32")
    preds[1, 7] = 0.9
    monkeypatch.setattr(keras.src.applications.imagenet_utils, "CLASS_INDEX", class_index)
    expected = keras.applications.imagenet_utils.decode_predictions(preds, top=4)
    got = lamina.applications.vgg16.decode_predictions(torch.tensor(preds), top=4)
    assert [[(w, n) for w, n, _ in row] for row in got] == [[(w, n) for w, n, _ in row] for row in expected]
    np.testing.assert_allclose([[s for *_, s in row] for row in got], [[s for *_, s in row] for row in expected])
    assert got[1][0][:2] == ("n00000007", "class_7")
    cached = pathlib.Path(lamina.utils.file_utils.lamina_home()) / "models" / "imagenet_class_index.json"
    assert cached.is_file()


def test_decode_predictions_bad_input(class_index):
    with pytest.raises(ValueError, match=r"expects a batch of ImageNet predictions of shape \(samples, 1000\); "
                                         r"received shape \(1000,\)"):
        imagenet_utils.decode_predictions(np.zeros(1000))
    with pytest.raises(ValueError, match="decode_predictions: top must be an integer between 1 and 1000; "
                                         "received top=0"):
        imagenet_utils.decode_predictions(np.zeros((1, 1000)), top=0)


def test_decode_predictions_rejects_a_file_that_is_not_a_class_index(tmp_path, monkeypatch):
    source = tmp_path / "index.json"
    source.write_text(json.dumps({"0": ["n0", "only one"]}))
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_URL", source.as_uri())
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH", None)
    monkeypatch.setattr(imagenet_utils, "_class_index", None)
    with pytest.raises(ValueError, match="is not an ImageNet class index"):
        imagenet_utils.decode_predictions(np.zeros((1, 1000)))
