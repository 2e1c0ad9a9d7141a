"""``IndexLookup``: the vocabulary machinery behind StringLookup, IntegerLookup and TextVectorization.

A vocabulary maps tokens to integer indices laid out as Keras does: in ``'int'`` mode
``[mask_token?] + [oov_token] * num_oov_indices + learned tokens``; in the encoding modes
(``one_hot``, ``multi_hot``, ``count``, ``tf_idf``) the mask token takes no index and
masked inputs are dropped. ``adapt`` learns the tokens ordered by frequency (ties:
reverse order of the tokens themselves, as Keras), keeping at most ``max_tokens``.

Example:
    >>> layer = IndexLookup(max_tokens=None, num_oov_indices=1, mask_token="", oov_token="[UNK]")
    >>> layer.adapt(["b", "a", "b", "c", "b", "a"])
    >>> layer.get_vocabulary(), layer(["a", "z", ""]).tolist()
    (['', '[UNK]', 'b', 'a', 'c'], [3, 1, 0])
"""
import collections
import os

import numpy as np
import torch

from lamina.core import registry
from lamina.core.dtypes import to_torch_dtype
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.category_encoding import encode_categorical
from lamina.layers.preprocessing.hashing import hash_buckets
from lamina.layers.preprocessing.preprocessing_data import adapt_batches, is_string_data, to_numpy

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def _plain(token):
    """A hashable Python scalar for a NumPy/Python token (``np.int64(3)`` -> ``3``, bytes -> str)."""
    if isinstance(token, bytes):
        return token.decode("utf-8")
    if isinstance(token, np.generic):
        return token.item()
    return token


def _sort_key_desc(items):
    """Keras's order: count descending, ties broken by the token, descending (bytes order for strings)."""
    def key(item):
        token, count = item
        token_key = token.encode("utf-8") if isinstance(token, str) else token
        return count, token_key

    return sorted(items, key=key, reverse=True)


@registry.register()
class IndexLookup(Layer):
    """Map tokens to indices (or indices to tokens with ``invert=True``) through a vocabulary.

    Args:
        max_tokens: largest vocabulary size, special tokens included (``None``: no limit).
        num_oov_indices: indices for out-of-vocabulary tokens (hashed into them when > 1;
            0 makes unknown tokens an error).
        mask_token: token meaning "padding" (index 0 in ``'int'`` mode), or ``None``.
        oov_token: token returned for OOV indices when ``invert=True``.
        vocabulary: a list/array of tokens or a path to a text file with one per line.
        idf_weights: with ``output_mode='tf_idf'`` and a given vocabulary, the IDF weights.
        invert: map indices back to tokens (``'int'`` mode only).
        output_mode: ``'int'``, ``'one_hot'``, ``'multi_hot'``, ``'count'`` or ``'tf_idf'``.
        pad_to_max_tokens: encoding modes output ``max_tokens`` columns instead of the vocabulary size.
        vocabulary_dtype: ``'string'`` or an integer dtype name.

    Example:
        >>> IndexLookup(None, 1, None, "[UNK]", vocabulary=["x", "y"], output_mode="multi_hot")(
        ...     [["y", "q"]]).tolist()
        [[1.0, 0.0, 1.0]]
    """

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype="string",
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False,
                 sparse=False, **kwargs):
        kwargs.pop("encoding", None)
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"{self._label}: unknown output_mode {output_mode!r}; valid modes are "
                             + ", ".join(repr(m) for m in OUTPUT_MODES))
        if invert and output_mode != "int":
            raise ValueError(f"{self._label}: invert=True needs output_mode='int'; received "
                             f"output_mode={output_mode!r}")
        if max_tokens is not None and (not isinstance(max_tokens, int) or max_tokens <= 1):
            raise ValueError(f"{self._label}: max_tokens must be an integer > 1 or None; received "
                             f"max_tokens={max_tokens!r}")
        if not isinstance(num_oov_indices, int) or num_oov_indices < 0:
            raise ValueError(f"{self._label}: num_oov_indices must be an integer >= 0; received "
                             f"num_oov_indices={num_oov_indices!r}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{self._label}: pad_to_max_tokens=True needs max_tokens")
        if sparse:
            raise ValueError(f"{self._label}: sparse=True is not supported (lamina's tensors are dense)")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{self._label}: idf_weights is only used with output_mode='tf_idf'")
        self.max_tokens, self.num_oov_indices = max_tokens, num_oov_indices
        self.mask_token, self.oov_token = mask_token, oov_token
        self.vocabulary_dtype, self.invert, self.output_mode = vocabulary_dtype, bool(invert), output_mode
        self.pad_to_max_tokens, self.sparse = bool(pad_to_max_tokens), False
        self._tokens = []  # learned or given tokens, without the special ones
        self._index = {}
        self._idf = None
        self.built = True
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # -- vocabulary ----------------------------------------------------------------------------
    def _uses_mask_index(self):
        return self.mask_token is not None and self.output_mode == "int"

    def _token_start(self):
        return self.num_oov_indices + (1 if self._uses_mask_index() else 0)

    def _special_tokens(self):
        return ([self.mask_token] if self._uses_mask_index() else []) + [self.oov_token] * self.num_oov_indices

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order (special tokens first unless ``include_special_tokens=False``)."""
        return (self._special_tokens() if include_special_tokens else []) + list(self._tokens)

    def vocabulary_size(self):
        """Number of indices the layer produces (special tokens included)."""
        return self._token_start() + len(self._tokens)

    def _read_vocabulary(self, vocabulary):
        if isinstance(vocabulary, (str, os.PathLike)) and os.path.isfile(vocabulary):
            with open(vocabulary, encoding="utf-8") as handle:
                return [line.rstrip("\n") for line in handle]
        if isinstance(vocabulary, str):
            raise ValueError(f"{self._label}: vocabulary file {vocabulary!r} does not exist")
        return [_plain(t) for t in to_numpy(vocabulary).reshape(-1).tolist()]

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Use ``vocabulary`` (tokens, or a file with one per line); special tokens may lead it.

        Example:
            >>> layer = IndexLookup(None, 1, None, "[UNK]")
            >>> layer.set_vocabulary(["[UNK]", "a", "b"]); layer.get_vocabulary()
            ['[UNK]', 'a', 'b']
        """
        tokens = self._read_vocabulary(vocabulary)
        special = self._special_tokens()
        if tokens[:len(special)] == special and special:
            tokens = tokens[len(special):]
        for token in (self.mask_token, self.oov_token):
            if token is not None and token in tokens:
                raise ValueError(f"{self._label}: the vocabulary holds the special token {token!r} at index "
                                 f"{tokens.index(token)}; special tokens may only lead the vocabulary "
                                 f"(expected {special})")
        duplicates = [t for t, c in collections.Counter(tokens).items() if c > 1]
        if duplicates:
            raise ValueError(f"{self._label}: the vocabulary holds repeated tokens {duplicates[:5]}")
        if self.max_tokens is not None and self._token_start() + len(tokens) > self.max_tokens:
            raise ValueError(f"{self._label}: a vocabulary of {self._token_start() + len(tokens)} tokens (special "
                             f"tokens included) exceeds max_tokens={self.max_tokens}")
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError(f"{self._label}: output_mode='tf_idf' with a given vocabulary needs idf_weights")
            weights = np.asarray(idf_weights, dtype="float32").reshape(-1)
            if len(weights) == len(tokens):  # pad the OOV (and mask) slots with the mean, as Keras
                weights = np.concatenate([np.full(self._token_start(), weights.mean(), "float32"), weights])
            if len(weights) != self.vocabulary_size():
                raise ValueError(f"{self._label}: idf_weights has {len(weights)} entries; expected "
                                 f"{len(tokens)} (one per token) or {self.vocabulary_size()}")
            self._idf = torch.from_numpy(weights)

    def _set_tokens(self, tokens):
        self._tokens = list(tokens)
        start = self._token_start()
        self._index = {token: start + i for i, token in enumerate(self._tokens)}

    # -- adapt -----------------------------------------------------------------------------------
    def _documents(self, batch):
        """Tokens per document of a batch (rows), for counting; override to tokenize text."""
        batch = np.asarray(batch, dtype=object)
        if batch.ndim == 0:
            return [[batch.item()]]
        if batch.ndim == 1:
            return [[t] for t in batch.tolist()]
        return [row.reshape(-1).tolist() for row in batch]

    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary (and IDF weights in ``'tf_idf'`` mode) from ``data``.

        ``data``: an array, list, tensor or dataset of batches (``(x, y)`` batches use ``x``).
        """
        counts = collections.Counter()
        document_counts = collections.Counter()
        documents = 0
        for batch in adapt_batches(data, batch_size, steps):
            for document in self._documents(batch):
                document = [_plain(t) for t in document]
                counts.update(document)
                if self.output_mode == "tf_idf":
                    document_counts.update(set(document))
                    documents += 1
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        ordered = _sort_key_desc(counts.items())
        if self.max_tokens is not None:
            ordered = ordered[:max(self.max_tokens - self._token_start(), 0)]
        tokens = [token for token, _ in ordered]
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            idf = np.log(1 + documents / (1 + np.array([document_counts[t] for t in tokens], dtype="float64")))
            idf = idf.astype("float32")
            mean = idf.mean() if len(idf) else 0.0
            weights = np.concatenate([np.full(self._token_start(), mean, "float32"), idf])
            if self.pad_to_max_tokens:
                weights = np.pad(weights, (0, self.max_tokens - len(weights)))
            self._idf = torch.from_numpy(weights)

    # -- lookup ------------------------------------------------------------------------------------
    def _lookup(self, values):
        """Indices (int64 NumPy) for the token array ``values``."""
        flat = [_plain(t) for t in values.reshape(-1).tolist()]
        missing = -1
        indices = np.fromiter((self._index.get(t, missing) for t in flat), dtype=np.int64, count=len(flat))
        if self.mask_token is not None:
            is_mask = np.fromiter((t == self.mask_token for t in flat), dtype=bool, count=len(flat))
        else:
            is_mask = np.zeros(len(flat), dtype=bool)
        oov = (indices == missing) & ~is_mask
        if oov.any():
            if self.num_oov_indices == 0:
                unknown = sorted({repr(t) for t, o in zip(flat, oov) if o})[:5]
                raise ValueError(f"{self._label}: tokens {', '.join(unknown)} are not in the vocabulary and "
                                 "num_oov_indices=0 gives them no index")
            first_oov = 1 if self._uses_mask_index() else 0
            if self.num_oov_indices == 1:
                indices[oov] = first_oov
            else:
                oov_values = np.array([t for t, o in zip(flat, oov) if o], dtype=object)
                if self.vocabulary_dtype == "string":
                    buckets = hash_buckets(oov_values, self.num_oov_indices)
                else:
                    buckets = np.mod(oov_values.astype(np.int64), self.num_oov_indices)
                indices[oov] = first_oov + buckets
        indices[is_mask] = 0 if self._uses_mask_index() else -1
        return indices.reshape(values.shape)

    def _depth(self):
        return self.max_tokens if self.pad_to_max_tokens else self.vocabulary_size()

    def _encode(self, indices):
        """Encode an int64 index tensor per ``output_mode`` (mask entries are ``-1`` in the encoding modes)."""
        if self.output_mode == "int":
            return indices
        depth = self._depth()
        keep = indices >= 0
        safe = torch.where(keep, indices, torch.zeros_like(indices))
        mode = "count" if self.output_mode in ("count", "tf_idf") else self.output_mode
        if not bool(keep.all()):
            if mode == "one_hot":
                return encode_categorical(safe, mode, depth) * keep.unsqueeze(-1).float()
            weights = keep.float()
            encoded = encode_categorical(safe, "count", depth, count_weights=weights)
            if mode == "multi_hot":
                encoded = (encoded > 0).float()
        else:
            encoded = encode_categorical(safe, mode, depth)
        if self.output_mode == "tf_idf":
            idf = self._idf
            if idf is None:
                raise ValueError(f"{self._label}: output_mode='tf_idf' needs adapt() or idf_weights first")
            if len(idf) < depth:
                idf = torch.nn.functional.pad(idf, (0, depth - len(idf)))
            encoded = encoded * idf[:depth]
        return encoded

    def _invert(self, indices):
        vocabulary = np.array(self.get_vocabulary(), dtype=object)
        indices = to_numpy(indices).astype(np.int64)
        size = len(vocabulary)
        if indices.size and (indices.min() < 0 or indices.max() >= size):
            bad = indices[(indices < 0) | (indices >= size)]
            raise ValueError(f"{self._label}: indices must be in [0, {size}) to invert; received {bad[:5].tolist()}")
        tokens = vocabulary[indices]
        return tokens if self.vocabulary_dtype == "string" else torch.from_numpy(tokens.astype(np.int64))

    def call(self, inputs):
        if self.invert:
            return self._invert(inputs)
        values = to_numpy(inputs)
        if self.vocabulary_dtype == "string" and values.size and not is_string_data(values):
            raise TypeError(f"{self._label} looks up strings; received values of dtype {values.dtype}")
        indices = torch.from_numpy(np.ascontiguousarray(self._lookup(values)))
        out = self._encode(indices)
        if self.output_mode != "int":
            return out.to(to_torch_dtype(self.compute_dtype))
        return out

    def get_config(self):
        config = super().get_config()
        config.update({
            "max_tokens": self.max_tokens, "num_oov_indices": self.num_oov_indices, "mask_token": self.mask_token,
            "oov_token": self.oov_token, "vocabulary_dtype": self.vocabulary_dtype, "invert": self.invert,
            "output_mode": self.output_mode, "pad_to_max_tokens": self.pad_to_max_tokens, "sparse": False,
            "vocabulary": list(self._tokens) if self._tokens else None,
            "idf_weights": self._idf.tolist() if self._idf is not None else None,
        })
        return config
