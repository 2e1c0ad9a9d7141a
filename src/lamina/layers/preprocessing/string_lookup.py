"""``StringLookup``: strings to integer indices (or back, with ``invert=True``).

Example:
    >>> layer = StringLookup(vocabulary=["a", "b", "c", "d"])
    >>> layer([["a", "c", "d"], ["d", "z", "b"]]).tolist()
    [[1, 3, 4], [4, 0, 2]]
"""
import numpy as np  # noqa: F401  (used by the examples)

from lamina.core import registry
from lamina.layers.preprocessing.index_lookup import IndexLookup


@registry.register()
class StringLookup(IndexLookup):
    """Map strings to indices through a vocabulary, adapted from data or given.

    Index layout (``'int'`` mode): ``[mask_token]`` (if set), then ``num_oov_indices`` OOV
    indices (``'[UNK]'``), then the vocabulary. Inputs are Python strings, lists or NumPy
    arrays of ``str``/``bytes``; outputs are torch int64 tensors (float tensors in the
    encoding modes), or NumPy arrays of ``str`` with ``invert=True``.

    Args: as :class:`~lamina.layers.preprocessing.index_lookup.IndexLookup`, with Keras's defaults
    (``num_oov_indices=1``, ``mask_token=None``, ``oov_token='[UNK]'``).

    Example:
        >>> layer = StringLookup(vocabulary=["a", "b"], invert=True)
        >>> layer([[1, 2, 0]]).tolist()
        [['a', 'b', '[UNK]']]
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", **kwargs):
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary_dtype="string", vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, **kwargs)
        self.encoding = encoding

    def get_config(self):
        config = super().get_config()
        config["encoding"] = self.encoding
        del config["vocabulary_dtype"]
        return config
