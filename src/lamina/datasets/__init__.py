"""Datasets (``keras.datasets``): the book's data, downloaded once and cached, plus small bundled samples.

Each module has Keras's ``load_data(...)`` with the same arguments, return tuples,
dtypes and shapes. Files are downloaded from the canonical public URLs Keras uses into
``$LAMINA_HOME/datasets`` (default ``~/.lamina/datasets``) and checked against their
published hashes. Offline, the error names the URL and where to place the file.
Bundled, no download: ``boston_housing.load_data()`` (the real 506-row table) and
``mnist.load_sample()`` (5,000 real MNIST digits).

Example:
    >>> from lamina.datasets import mnist
    >>> (x_train, y_train), (x_test, y_test) = mnist.load_sample()
    >>> x_train.shape
    (4000, 28, 28)
"""
from lamina.core.lazy import lazy_exports as _lazy_exports

# Each dataset module is imported on first use (`lamina.datasets.mnist`, `from lamina.datasets import mnist`).
__all__ = ["boston_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist", "reuters"]
__getattr__, __dir__ = _lazy_exports(__name__, submodules=__all__)
