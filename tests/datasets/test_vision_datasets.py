"""mnist, fashion_mnist, cifar10, cifar100 loaders on small files in the real formats (and against Keras 3)."""
import hashlib
import os
import pickle

import numpy as np
import pytest

from dataset_files import closed_port_url, write_cifar10, write_cifar100, write_idx, write_mnist
from lamina.core import config
from lamina.datasets import cifar10, cifar100, fashion_mnist, mnist
from lamina.datasets.cifar import load_batch
from lamina.utils.file_utils import DownloadError


def _md5(path):
    return hashlib.md5(open(path, "rb").read()).hexdigest()


def _sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_mnist_local_path_matches_keras(keras, monkeypatch, tmp_path):
    from keras.src.datasets import mnist as keras_mnist

    path = write_mnist(tmp_path / "mnist.npz", np.random.RandomState(0))
    monkeypatch.setattr(keras_mnist, "get_file", lambda *args, **kwargs: str(path))
    ours, theirs = mnist.load_data(path=str(path)), keras_mnist.load_data()
    for got, expected in zip(sum(ours, ()), sum(theirs, ())):
        assert got.dtype == expected.dtype == np.uint8
        np.testing.assert_array_equal(got, expected)
    assert ours[0][0].shape == (12, 28, 28)


def test_mnist_offline_error_says_where_to_put_the_file(home, monkeypatch):
    url = closed_port_url()
    monkeypatch.setattr(mnist, "KERAS_DATASETS_URL", url)
    target = os.path.join(str(home), "datasets", "mnist.npz")
    with pytest.raises(DownloadError, match=f"could not download {url}mnist.npz: .* place the file at {target}"):
        mnist.load_data()


def test_mnist_bundled_sample():
    (x_train, y_train), (x_test, y_test) = mnist.load_sample()
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert x_train.dtype == y_train.dtype == np.uint8
    assert int(x_train.max()) == 255 and int(x_train.min()) == 0
    everything = np.load(mnist.sample_path())
    assert everything["x"].shape == (5000, 28, 28) and np.bincount(everything["y"]).tolist() == [500] * 10
    assert set(np.bincount(y_test, minlength=10)) != {0} and np.bincount(y_test, minlength=10).min() > 50  # mixed
    # real digits: the mean image of each class differs from the others (a blob of ink in the middle)
    means = np.stack([x_train[y_train == d].mean(axis=0) for d in range(10)])
    assert means[:, 10:18, 10:18].mean() > 60 and means[:, :2, :].max() < 5 and means[:, :, :2].max() < 5
    (a, _), _ = mnist.load_sample(test_split=0.1, seed=1)
    assert a.shape == (4500, 28, 28) and not np.array_equal(a[:10], x_train[:10])
    with pytest.raises(ValueError, match="test_split must be in \\[0, 1\\); received test_split=1"):
        mnist.load_sample(test_split=1)


def test_fashion_mnist_downloads_idx_files(home, monkeypatch, tmp_path, keras):
    rng = np.random.RandomState(2)
    served = tmp_path / "served"
    served.mkdir()
    arrays = {"train-labels-idx1-ubyte.gz": rng.randint(0, 10, 6), "train-images-idx3-ubyte.gz": rng.randint(
        0, 256, (6, 28, 28)), "t10k-labels-idx1-ubyte.gz": rng.randint(0, 10, 2),
              "t10k-images-idx3-ubyte.gz": rng.randint(0, 256, (2, 28, 28))}
    files = {name: _md5(write_idx(served / name, array)) for name, array in arrays.items()}
    monkeypatch.setattr(fashion_mnist, "KERAS_DATASETS_URL", served.as_uri() + "/")
    monkeypatch.setattr(fashion_mnist, "FILES", files)
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (6, 28, 28) and x_train.dtype == np.uint8 and y_test.shape == (2,)
    np.testing.assert_array_equal(x_train, arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte.gz"])
    assert sorted(os.listdir(home / "datasets" / "fashion-mnist")) == sorted(files)
    from keras.src.datasets import fashion_mnist as keras_fashion

    monkeypatch.setattr(keras_fashion, "get_file", lambda fname, **kwargs: str(served / fname))
    for got, expected in zip(sum(fashion_mnist.load_data(), ()), sum(keras_fashion.load_data(), ())):
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)


def test_cifar10_download_extract_and_layout(home, monkeypatch, tmp_path):
    archive, batches = write_cifar10(tmp_path / "cifar-10-python.tar.gz", np.random.RandomState(3))
    monkeypatch.setattr(cifar10, "ORIGIN", archive.as_uri())
    monkeypatch.setattr(cifar10, "ARCHIVE_SHA256", _sha256(archive))
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (15, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (15, 1) and y_train.dtype == np.uint8 and y_test.shape == (4, 1)
    first = batches["data_batch_1"][b"data"][0].reshape(3, 32, 32)
    np.testing.assert_array_equal(x_train[0], first.transpose(1, 2, 0))  # channels_last, as Keras
    np.testing.assert_array_equal(y_train[3:6, 0], batches["data_batch_2"][b"labels"])
    np.testing.assert_array_equal(y_test[:, 0], batches["test_batch"][b"labels"])
    assert os.path.isdir(home / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py")
    config.set_image_data_format("channels_first")
    try:
        (x_first, _), _ = cifar10.load_data()  # cached: no second download or extraction
    finally:
        config.set_image_data_format("channels_last")
    np.testing.assert_array_equal(x_first[0], first)


def test_cifar100_matches_keras(keras, home, monkeypatch, tmp_path):
    from keras.src.datasets import cifar100 as keras_cifar100

    archive, _ = write_cifar100(tmp_path / "cifar-100-python.tar.gz", np.random.RandomState(4))
    monkeypatch.setattr(cifar100, "ORIGIN", archive.as_uri())
    monkeypatch.setattr(cifar100, "ARCHIVE_SHA256", _sha256(archive))
    extracted = str(home / "datasets" / "cifar-100-python-target")
    monkeypatch.setattr(keras_cifar100, "get_file", lambda *args, **kwargs: extracted)
    for mode in ("fine", "coarse"):
        ours = cifar100.load_data(label_mode=mode)
        theirs = keras_cifar100.load_data(label_mode=mode)
        for got, expected in zip(sum(ours, ()), sum(theirs, ())):
            assert got.dtype == expected.dtype and got.shape == expected.shape
            np.testing.assert_array_equal(got, expected)
    assert ours[0][0].shape == (6, 32, 32, 3) and int(ours[0][1].max()) < 20


def test_cifar_pickles_are_read_safely(tmp_path):
    path = tmp_path / "data_batch_1"
    with open(path, "wb") as f:  # a batch written with pickle protocol 4 (str keys) reads too
        pickle.dump({"data": np.zeros((2, 3072), np.uint8), "labels": [1, 2]}, f, protocol=4)
    data, labels = load_batch(path)
    assert data.shape == (2, 3, 32, 32) and labels == [1, 2]

    class Exploit:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    with open(path, "wb") as f:
        pickle.dump({b"data": Exploit(), b"labels": []}, f, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="refusing to load (posix|os).system"):
        load_batch(path)
    with open(path, "wb") as f:
        pickle.dump({b"labels": []}, f, protocol=2)
    with pytest.raises(ValueError, match="is not a CIFAR batch: it lacks \\['data'\\]"):
        load_batch(path)
    with pytest.raises(ValueError, match="label_mode must be one of \\('fine', 'coarse'\\); received 'medium'"):
        cifar100.load_data(label_mode="medium")
