"""Preprocessing utilities (``keras.preprocessing``): ``text``, ``sequence`` and ``image``.

``text`` is Keras 2's ``Tokenizer`` module (removed from Keras 3); ``sequence`` has
``pad_sequences``, ``skipgrams`` and ``TimeseriesGenerator``; the dataset builders of
Keras 3 are here too.

Example:
    >>> from lamina import preprocessing
    >>> preprocessing.sequence.pad_sequences([[1], [2, 3]]).tolist()
    [[0, 1], [2, 3]]
"""
from lamina.core.lazy import lazy_exports as _lazy_exports

# Everything is imported on first use (`preprocessing.sequence`, `from lamina.preprocessing.image import ...`).
_ATTRIBUTES = {
    "text_dataset_from_directory": "lamina.utils.text_dataset",
    "timeseries_dataset_from_array": "lamina.utils.timeseries_dataset",
    "image_dataset_from_directory": "lamina.utils.image_dataset",
}
_SUBMODULES = ("image", "sequence", "text", "word_vectors")
__all__ = [*_SUBMODULES, *_ATTRIBUTES]
__getattr__, __dir__ = _lazy_exports(__name__, submodules=_SUBMODULES, attributes=_ATTRIBUTES)
