"""``IntegerLookup``: integer values (e.g. sparse IDs) to contiguous indices (or back, with ``invert=True``).

Example:
    >>> layer = IntegerLookup(vocabulary=[12, 36, 1138, 42])
    >>> layer(torch.tensor([[12, 1138, 42], [42, 1000, 36]])).tolist()
    [[1, 3, 4], [4, 0, 2]]
"""
import torch  # noqa: F401  (used by the examples)

from lamina.core import registry
from lamina.layers.preprocessing.index_lookup import IndexLookup


@registry.register()
class IntegerLookup(IndexLookup):
    """Map integer values to indices through a vocabulary, adapted from data or given.

    Index layout as :class:`StringLookup`; defaults ``mask_token=None``, ``oov_token=-1``.
    With several OOV indices an unknown value ``v`` goes to OOV bucket ``v % num_oov_indices``.

    Example:
        >>> layer = IntegerLookup()
        >>> layer.adapt([12, 36, 12, 1138, 36, 12])
        >>> layer.get_vocabulary()
        [-1, 12, 36, 1138]
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
                 vocabulary_dtype="int64", idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, **kwargs):
        if vocabulary_dtype not in ("int32", "int64"):
            raise ValueError(f"IntegerLookup: vocabulary_dtype must be 'int32' or 'int64'; received "
                             f"{vocabulary_dtype!r}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary_dtype=vocabulary_dtype, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, **kwargs)
