"""Synthetic data shared by the text workloads (fixed seed; the timing does not depend on the values).

Example:
    >>> data = random_reviews(4, vocabulary=100, length=7)
    >>> data["x"].shape, data["y"].shape
    ((4, 7), (4, 1))
"""
import numpy as np


def random_reviews(samples, vocabulary, length):
    """``{'x': int32 word indices (1..vocabulary-1), 'y': float32 0/1 labels}`` like padded IMDB reviews."""
    rng = np.random.RandomState(0)
    x = rng.randint(1, vocabulary, size=(samples, length)).astype("int32")
    y = rng.randint(0, 2, size=(samples, 1)).astype("float32")
    return {"x": x, "y": y}
