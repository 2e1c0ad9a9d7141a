"""Preprocessing utilities (``keras.preprocessing``): ``text``, ``sequence`` and ``image``.

``text`` is Keras 2's ``Tokenizer`` module (removed from Keras 3); ``sequence`` has
``pad_sequences``, ``skipgrams`` and ``TimeseriesGenerator``; the dataset builders of
Keras 3 are here too.

Example:
    >>> from lamina import preprocessing
    >>> preprocessing.sequence.pad_sequences([[1], [2, 3]]).tolist()
    [[0, 1], [2, 3]]
"""
import importlib

from lamina.preprocessing import sequence, text
from lamina.utils.text_dataset import text_dataset_from_directory
from lamina.utils.timeseries_dataset import timeseries_dataset_from_array

_LAZY_SUBMODULES = ("image",)  # owned by the image engineer; imported on first use


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name == "image_dataset_from_directory":
        return getattr(importlib.import_module("lamina.utils"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
