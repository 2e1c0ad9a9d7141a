"""Fashion-MNIST: 28x28 grayscale images of 10 kinds of clothing (``keras.datasets.fashion_mnist``).

Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt,
7 Sneaker, 8 Bag, 9 Ankle boot. The four gzipped IDX files are downloaded once from
Keras's public bucket into ``$LAMINA_HOME/datasets/fashion-mnist`` and checked against
the md5 sums published by Zalando Research.

Example:
    (x_train, y_train), (x_test, y_test) = load_data()
    x_train.shape, y_test.shape
    # -> ((60000, 28, 28), (10000,))
"""
import gzip
import os

import numpy as np

from lamina.datasets._fetch import KERAS_DATASETS_URL
from lamina.utils.file_utils import get_file

FILES = {  # name -> md5 of the original release
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
}
CACHE_SUBDIR = os.path.join("datasets", "fashion-mnist")


def read_idx(path, header_size):
    """The uint8 payload of a gzipped IDX file (labels: 8-byte header, images: 16).

    Example:
        >>> read_idx  # doctest: +ELLIPSIS
        <function read_idx at ...>
    """
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=header_size)


def load_data():
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (60000|10000, 28, 28) and uint8 labels.

    The files live in ``$LAMINA_HOME/datasets/fashion-mnist`` (default
    ``~/.lamina/datasets/fashion-mnist``), where they can also be placed by hand.

    Example:
        >>> load_data  # doctest: +ELLIPSIS
        <function load_data at ...>
    """
    paths = {
        name: get_file(name, origin=KERAS_DATASETS_URL + name, file_hash=md5, cache_subdir=CACHE_SUBDIR)
        for name, md5 in FILES.items()
    }
    y_train = read_idx(paths["train-labels-idx1-ubyte.gz"], 8)
    x_train = read_idx(paths["train-images-idx3-ubyte.gz"], 16).reshape(len(y_train), 28, 28)
    y_test = read_idx(paths["t10k-labels-idx1-ubyte.gz"], 8)
    x_test = read_idx(paths["t10k-images-idx3-ubyte.gz"], 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
