"""Utilities (``keras.utils``).

Example:
    >>> from lamina import utils
    >>> utils.set_random_seed(0)
"""
from lamina.utils.py_dataset import BatchDataset, PyDataset, Sequence
from lamina.utils.random_seed import set_random_seed
