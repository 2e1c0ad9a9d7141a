"""CIFAR-100: 32x32 colour images in 100 fine classes grouped into 20 coarse ones (``keras.datasets.cifar100``).

The archive is downloaded once from the University of Toronto into
``$LAMINA_HOME/datasets`` (sha256-checked) and extracted safely.

Example:
    (x_train, y_train), _ = load_data(label_mode="coarse")
    int(y_train.max())
    # -> 19
"""
import os

import numpy as np

from lamina.datasets.cifar import load_batch, to_image_layout
from lamina.utils.file_utils import get_file

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
ARCHIVE_SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
LABEL_MODES = ("fine", "coarse")


def load_data(label_mode="fine"):
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (50000|10000, 32, 32, 3) and labels (n, 1).

    Args:
        label_mode: ``"fine"`` (100 classes) or ``"coarse"`` (20 super-classes).

    Labels are int64, as Keras returns them. Offline, place ``cifar-100-python.tar.gz``
    at the path the error message names.

    Example:
        >>> load_data(label_mode="medium")
        Traceback (most recent call last):
        ...
        ValueError: cifar100.load_data: label_mode must be one of ('fine', 'coarse'); received 'medium'
    """
    if label_mode not in LABEL_MODES:
        raise ValueError(f"cifar100.load_data: label_mode must be one of {LABEL_MODES}; received {label_mode!r}")
    folder = get_file("cifar-100-python-target", origin=ORIGIN, extract=True, file_hash=ARCHIVE_SHA256)
    folder = os.path.join(folder, "cifar-100-python")
    x_train, y_train = load_batch(os.path.join(folder, "train"), label_key=f"{label_mode}_labels")
    x_test, y_test = load_batch(os.path.join(folder, "test"), label_key=f"{label_mode}_labels")
    y_train = np.reshape(np.asarray(y_train, dtype=np.int64), (-1, 1))
    y_test = np.reshape(np.asarray(y_test, dtype=np.int64), (-1, 1))
    return (to_image_layout(x_train), y_train), (to_image_layout(x_test), y_test)
