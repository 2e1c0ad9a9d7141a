"""CIFAR-10: 32x32 colour images in 10 classes (``keras.datasets.cifar10``).

Classes: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse,
8 ship, 9 truck. The archive is downloaded once from the University of Toronto into
``$LAMINA_HOME/datasets`` (sha256-checked) and extracted safely.

Example:
    (x_train, y_train), (x_test, y_test) = load_data()
    x_train.shape, y_train.shape
    # -> ((50000, 32, 32, 3), (50000, 1))
"""
import os

import numpy as np

from lamina.datasets.cifar import load_batch, to_image_layout
from lamina.utils.file_utils import get_file

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
ARCHIVE_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def load_data():
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (50000|10000, 32, 32, 3) and uint8 labels (n, 1).

    Images are ``channels_last`` unless ``lamina.config.set_image_data_format('channels_first')``.
    Offline, place ``cifar-10-python.tar.gz`` at the path the error message names
    (``$LAMINA_HOME/datasets/cifar-10-batches-py-target_archive``).

    Example:
        >>> load_data  # doctest: +ELLIPSIS
        <function load_data at ...>
    """
    folder = get_file("cifar-10-batches-py-target", origin=ORIGIN, extract=True, file_hash=ARCHIVE_SHA256)
    folder = os.path.join(folder, "cifar-10-batches-py")
    batches = [load_batch(os.path.join(folder, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([data for data, _ in batches]).astype("uint8", copy=False)
    y_train = np.concatenate([np.asarray(labels, dtype="uint8") for _, labels in batches])
    x_test, y_test = load_batch(os.path.join(folder, "test_batch"))
    x_test = x_test.astype("uint8", copy=False)
    y_test = np.asarray(y_test, dtype="uint8")
    return (to_image_layout(x_train), y_train.reshape(-1, 1)), (to_image_layout(x_test), y_test.reshape(-1, 1))
