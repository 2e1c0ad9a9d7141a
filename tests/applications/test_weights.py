"""weights='imagenet' (Keras's files through the cache), weights=<path>, and the argument checks."""
import hashlib
import os
import urllib.error
import urllib.request

import h5py
import numpy as np
import pytest
import torch

import lamina
from lamina.applications import mobilenet_v2, resnet, vgg16
from lamina.utils.file_utils import DownloadError

from .test_architectures import build_both, randomize


@pytest.fixture
def offline_cache(tmp_path, monkeypatch):
    """An empty cache folder and no network: any download attempt fails like an offline machine."""
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path))

    def refuse(*args, **kwargs):
        raise urllib.error.URLError("network is unreachable")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return tmp_path


def write_keras2_weights(reference, path):
    """The layout of Keras's published application files (Keras 2 HDF5, one group per layer)."""
    from keras.src.legacy.saving import legacy_h5_format

    os.makedirs(os.path.dirname(path), exist_ok=True)
    with h5py.File(path, "w") as handle:
        legacy_h5_format.save_weights_to_hdf5_group(handle, reference)
    with open(path, "rb") as handle:
        return hashlib.md5(handle.read()).hexdigest()


@pytest.mark.parametrize("name, module, files, shape", [
    ("VGG16", vgg16, vgg16.WEIGHTS, (32, 32, 3)),
    ("ResNet50", resnet, resnet.WEIGHTS["resnet50"], (32, 32, 3)),
])
def test_imagenet_weights_are_read_from_the_cache(keras, offline_cache, monkeypatch, name, module, files, shape):
    reference, _ = build_both(keras, name, include_top=False, input_shape=shape)
    randomize(reference, seed=3)
    digest = write_keras2_weights(reference, str(offline_cache / "models" / files.no_top))
    monkeypatch.setattr(files, "no_top_hash", digest)  # the real file's md5 stands for Keras's download
    model = getattr(lamina.applications, name)(weights="imagenet", include_top=False, input_shape=shape)
    x = np.random.RandomState(0).uniform(-1, 1, (2,) + shape).astype("float32")
    expected = keras.ops.convert_to_numpy(reference(x, training=False))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max())


def test_imagenet_weights_offline_say_where_to_place_the_file(offline_cache):
    with pytest.raises(DownloadError) as info:
        lamina.applications.VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    message = str(info.value)
    assert "VGG16(weights='imagenet')" in message
    assert vgg16.WEIGHTS.origin(vgg16.WEIGHTS.no_top) in message
    assert str(offline_cache / "models" / vgg16.WEIGHTS.no_top) in message
    assert "6d6bbae143d832006294945121d1f1fc" in message  # the expected md5, to check a hand-placed file


def test_a_cached_file_with_the_wrong_hash_is_not_used(offline_cache):
    target = offline_cache / "models" / vgg16.WEIGHTS.no_top
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not the weights")
    with pytest.raises(DownloadError, match="could not download"):
        lamina.applications.VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))


def test_mobilenet_v2_imagenet_file_name_follows_alpha_and_size(keras, offline_cache):
    with pytest.warns(UserWarning, match="no ImageNet weights for 100x100"), pytest.raises(DownloadError) as info:
        lamina.applications.MobileNetV2(input_shape=(100, 100, 3), alpha=0.5, include_top=False, weights="imagenet")
    assert "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_224_no_top.h5" in str(info.value)
    assert mobilenet_v2.BASE_URL in str(info.value)


def test_weights_from_a_keras3_weights_file(keras, tmp_path):
    reference, _ = build_both(keras, "MobileNetV2", include_top=True, input_shape=(32, 32, 3), classes=4)
    randomize(reference, seed=5)
    path = str(tmp_path / "mobilenet.weights.h5")
    reference.save_weights(path)
    model = lamina.applications.MobileNetV2(input_shape=(32, 32, 3), classes=4, weights=path)
    x = np.random.RandomState(0).uniform(-1, 1, (3, 32, 32, 3)).astype("float32")
    expected = keras.ops.convert_to_numpy(reference(x, training=False))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-4, atol=1e-5)


def test_weights_from_a_lamina_file_round_trip(tmp_path):
    model = lamina.applications.DenseNet121(weights=None, include_top=False, input_shape=(32, 32, 3))
    path = str(tmp_path / "dense.weights.h5")
    model.save_weights(path)
    again = lamina.applications.DenseNet121(weights=path, include_top=False, input_shape=(32, 32, 3))
    x = torch.rand(2, 32, 32, 3)
    torch.testing.assert_close(again(x), model(x))


@pytest.mark.parametrize("call, message", [
    (lambda A: A.VGG16(weights="no/such/file.h5"),
     r"VGG16: weights must be None \(random initialization\), 'imagenet' .* received weights='no/such/file.h5'"),
    (lambda A: A.ResNet50(weights="imagenet", classes=10),
     "ResNet50: with weights='imagenet' and include_top=True, classes must be 1000 .* received classes=10"),
    (lambda A: A.VGG19(weights=None, include_top=False, pooling="mean"),
     r"VGG19: pooling must be one of \(None, 'avg', 'max'\); received pooling='mean'"),
    (lambda A: A.InceptionV3(weights=None, include_top=False, input_shape=(60, 60, 3)),
     r"InceptionV3: input images must be at least 75x75; received input_shape=\(60, 60, 3\)"),
    (lambda A: A.Xception(weights="imagenet", input_shape=(200, 200, 3)),
     r"Xception: with include_top=True and weights='imagenet', input_shape must be \(299, 299, 3\)"),
    (lambda A: A.DenseNet121(weights=None, include_top=True, input_shape=(None, None, 3)),
     "DenseNet121: with include_top=True the input shape must be fully known"),
    (lambda A: A.VGG16(weights=None, include_top=False, input_shape=(32, 32)),
     r"VGG16: input_shape must be a tuple of three integers .* received input_shape=\(32, 32\)"),
    (lambda A: A.MobileNetV2(weights="imagenet", alpha=0.6),
     r"MobileNetV2: ImageNet weights exist for alpha in \(0.35, 0.5, 0.75, 1.0, 1.3, 1.4\); received alpha=0.6"),
    (lambda A: A.ResNet50(weights="imagenet", classifier_activation="relu"),
     "ResNet50: with pre-trained weights and include_top=True, classifier_activation must be None or 'softmax'"),
    (lambda A: A.ResNet50(weights=None, input_tensor=torch.zeros(1, 32, 32, 3)),
     "ResNet50: input_tensor must be a symbolic tensor .* received Tensor"),
    (lambda A: A.VGG16(weights="imagenet", include_top=False, input_shape=(64, 64, 1)),
     r"VGG16: ImageNet weights need 3 input channels; received input_shape=\(64, 64, 1\)"),
])
def test_bad_arguments_name_the_function_and_the_value(call, message):
    with pytest.raises(ValueError, match=message):
        call(lamina.applications)
