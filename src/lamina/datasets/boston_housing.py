"""Boston housing prices (``keras.datasets.boston_housing``), bundled with lamina.

506 Boston suburbs in the 1970s, 13 features each (crime rate, rooms per dwelling,
tax rate, ...), target: median home value in k$. lamina ships the real table (the
StatLib/UCI data, as packaged by mlxtend; see the NOTICE file) in Keras's
``boston_housing.npz`` format, so ``load_data()`` needs no download and gives exactly
Keras's split: the same seed-113 shuffle, 404 training and 102 test rows.

Warning (from Keras's documentation): the feature "B" encodes an assumption about
racial self-segregation; use this data to illustrate ethical issues in data science,
not as a neutral benchmark.

Example:
    >>> (x_train, y_train), (x_test, y_test) = load_data()
    >>> x_train.shape, x_test.shape, y_train[:3].tolist()
    ((404, 13), (102, 13), [15.2, 42.3, 50.0])
"""
import os

import numpy as np

from lamina.datasets._fetch import KERAS_DATASETS_URL, fetch

DATA_SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"
BUNDLED_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "boston_housing.npz")


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """``(x_train, y_train), (x_test, y_test)``: float64 ``(n, 13)`` features and ``(n,)`` prices.

    Args:
        path: the default name reads the bundled table (no download). Any other value is
            a local copy of Keras's ``boston_housing.npz`` or a cache name downloaded from
            Keras's bucket.
        test_split: fraction of the rows held out as the test set, in ``[0, 1)``.
        seed: shuffling seed (Keras's: 113).

    Example:
        >>> (x_train, _), (x_test, _) = load_data(test_split=0.5)
        >>> len(x_train), len(x_test)
        (253, 253)
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"boston_housing.load_data: test_split must be in [0, 1); received test_split={test_split!r}")
    if path == "boston_housing.npz":
        path = BUNDLED_PATH
    else:
        path = fetch(path, KERAS_DATASETS_URL + "boston_housing.npz", DATA_SHA256)
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])
