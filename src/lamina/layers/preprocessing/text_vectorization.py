"""``TextVectorization``: raw strings to token indices or bag-of-words vectors, without TensorFlow.

The pipeline is Keras's: standardize (ASCII lowercasing, punctuation stripping) ->
split (whitespace or characters) -> n-grams -> vocabulary lookup -> output encoding.

Design: torch has no string tensors, so this layer runs on Python strings / NumPy
arrays of ``str`` and returns torch tensors. Use it where the data is still text:
``ds.map(lambda x, y: (vectorizer(x), y))`` on a text dataset (the book's
``text_dataset_from_directory`` batches are NumPy string arrays), or call it on the
arrays you pass to ``fit``/``predict``; the model itself starts at the integer indices.

Example:
    >>> layer = TextVectorization(output_mode="int", output_sequence_length=4)
    >>> layer.adapt(["The cat sat.", "The dog sat on the mat!"])
    >>> layer.get_vocabulary()[:4], layer(["the cat ran"]).tolist()
    (['', '[UNK]', 'the', 'sat'], [[2, 7, 1, 0]])
"""
import re

import numpy as np
import torch

from lamina.core import registry
from lamina.layers.preprocessing.index_lookup import IndexLookup
from lamina.layers.preprocessing.preprocessing_data import as_string_array, to_numpy

_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_WHITESPACE = re.compile(r"[ \t\n\r\v\f]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_STANDARDIZE = (None, "lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = (None, "whitespace", "character")


def standardize_text(text, mode):
    """Keras's built-in standardization of one string (lowercasing is ASCII-only, like TensorFlow's).

    Example:
        >>> standardize_text("Hello, World!", "lower_and_strip_punctuation")
        'hello world'
    """
    if mode in ("lower", "lower_and_strip_punctuation"):
        text = text.translate(_ASCII_LOWER)
    if mode in ("strip_punctuation", "lower_and_strip_punctuation"):
        text = _PUNCTUATION.sub("", text)
    return text


def make_ngrams(tokens, widths):
    """Keras's n-grams: all ``widths[0]``-grams, then all ``widths[1]``-grams, ... joined by spaces.

    Example:
        >>> make_ngrams(["a", "b", "c"], (1, 2))
        ['a', 'b', 'c', 'a b', 'b c']
    """
    out = []
    for width in widths:
        out.extend(" ".join(tokens[i:i + width]) for i in range(len(tokens) - width + 1))
    return out


@registry.register()
class TextVectorization(IndexLookup):
    """Turn text into integer sequences or bag-of-words vectors (Keras's ``TextVectorization``).

    Args:
        max_tokens: vocabulary size including the padding (``''``) and OOV (``'[UNK]'``) tokens.
        standardize: ``'lower_and_strip_punctuation'`` (default), ``'lower'``,
            ``'strip_punctuation'``, ``None``, or a function ``str -> str`` (or NumPy array -> array).
        split: ``'whitespace'`` (default), ``'character'``, ``None`` or a function ``str -> list of str``.
        ngrams: ``None``, an int ``n`` (1- to n-grams) or a tuple of widths.
        output_mode: ``'int'`` (indices: 0 padding, 1 OOV), ``'multi_hot'``, ``'count'`` or ``'tf_idf'``.
        output_sequence_length: ``'int'`` mode: pad with 0 / truncate every sequence to this length
            (otherwise sequences are padded to the longest of the batch).
        pad_to_max_tokens: encoding modes output ``max_tokens`` columns.
        vocabulary, idf_weights: a fixed vocabulary (list or file) instead of ``adapt``.

    Call on a string, a list of strings, or an array of shape ``(batch,)`` or ``(batch, 1)``;
    returns an int64 tensor ``(batch, length)`` or a float tensor ``(batch, tokens)``.

    Example:
        >>> layer = TextVectorization(max_tokens=5, output_mode="multi_hot")
        >>> layer.adapt(["a a a b b c d"])
        >>> layer.get_vocabulary(), layer(["a d z"]).tolist()
        (['[UNK]', 'a', 'b', 'd', 'c'], [[1.0, 1.0, 0.0, 1.0, 0.0]])
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace", ngrams=None,
                 output_mode="int", output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", **kwargs):
        if not (standardize in _STANDARDIZE or callable(standardize)):
            raise ValueError(f"TextVectorization: unknown standardize {standardize!r}; valid values are "
                             "'lower_and_strip_punctuation', 'lower', 'strip_punctuation', None or a function")
        if not (split in _SPLIT or callable(split)):
            raise ValueError(f"TextVectorization: unknown split {split!r}; valid values are 'whitespace', "
                             "'character', None or a function")
        if output_mode not in ("int", "multi_hot", "count", "tf_idf", "binary"):
            raise ValueError(f"TextVectorization: unknown output_mode {output_mode!r}; valid modes are 'int', "
                             "'multi_hot', 'count' and 'tf_idf'")
        if output_sequence_length is not None and output_mode != "int":
            raise ValueError("TextVectorization: output_sequence_length only applies to output_mode='int'; "
                             f"received output_mode={output_mode!r}")
        if ragged:
            raise ValueError("TextVectorization: ragged=True is not supported (torch tensors are dense); "
                             "sequences are padded with 0")
        if ngrams is not None and split is None:
            raise ValueError("TextVectorization: ngrams need split text; received split=None with "
                             f"ngrams={ngrams!r}")
        if isinstance(ngrams, int) and not isinstance(ngrams, bool):
            ngrams = tuple(range(1, ngrams + 1))
        elif ngrams is not None:
            if not isinstance(ngrams, (list, tuple)) or not all(isinstance(n, int) and n > 0 for n in ngrams):
                raise ValueError(f"TextVectorization: ngrams must be None, an int or a tuple of ints; "
                                 f"received ngrams={ngrams!r}")
            ngrams = tuple(ngrams)
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(max_tokens=max_tokens, num_oov_indices=1,
                         mask_token="" if output_mode == "int" else None, oov_token="[UNK]",
                         vocabulary_dtype="string", vocabulary=vocabulary, idf_weights=idf_weights,
                         output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, **kwargs)
        self.standardize, self.split, self.ngrams = standardize, split, ngrams
        self.output_sequence_length = output_sequence_length
        self.encoding = encoding

    # -- text to tokens -------------------------------------------------------------------------
    def _standardized(self, texts):
        if callable(self.standardize):
            try:  # like Keras on non-TensorFlow backends: a NumPy array of unicode strings in, one out
                return as_string_array(self.standardize(texts.astype(str)))
            except (TypeError, AttributeError):  # a function of one string
                return np.vectorize(lambda t: str(self.standardize(t)), otypes=[object])(texts)
        if self.standardize is None:
            return texts
        return np.vectorize(lambda t: standardize_text(t, self.standardize), otypes=[object])(texts)

    def _split_text(self, text):
        if self.split == "whitespace":
            tokens = [t for t in _WHITESPACE.split(text) if t]
        elif self.split == "character":
            tokens = list(text)
        else:
            tokens = list(self.split(text))
        return make_ngrams(tokens, self.ngrams) if self.ngrams else tokens

    def _texts(self, inputs):
        texts = as_string_array(to_numpy(inputs) if not isinstance(inputs, (str, bytes)) else inputs, self.encoding)
        if self.split is not None and texts.ndim > 1:
            if texts.shape[-1] != 1:
                raise ValueError(f"{self._label}: to split strings the input must be (batch,) or (batch, 1); "
                                 f"received shape {texts.shape}")
            texts = texts.reshape(texts.shape[:-1])
        return self._standardized(texts)

    def _documents(self, batch):
        texts = self._texts(batch)
        if self.split is None:
            return [[t] for t in texts.reshape(-1).tolist()]
        return [self._split_text(t) for t in texts.reshape(-1).tolist()]

    # -- calling ------------------------------------------------------------------------------------
    def call(self, inputs):
        texts = self._texts(inputs)
        if self.split is None:
            return super().call(texts)
        scalar = texts.ndim == 0
        documents = [self._split_text(t) for t in texts.reshape(-1).tolist()]
        if self.output_mode != "int":
            rows = [self._encode(torch.from_numpy(self._lookup(np.array(d, dtype=object))).reshape(1, -1))
                    if d else torch.zeros(1, self._depth()) for d in documents]
            out = torch.cat(rows).to(torch.float32) if rows else torch.zeros(0, self._depth())
            return out[0] if scalar else out.reshape(texts.shape + (self._depth(),))
        length = self.output_sequence_length
        if length is None:
            length = max((len(d) for d in documents), default=0)
        out = np.zeros((len(documents), length), dtype=np.int64)
        for row, document in enumerate(documents):
            document = document[:length]
            if document:
                out[row, :len(document)] = self._lookup(np.array(document, dtype=object))
        out = torch.from_numpy(out)
        return out[0] if scalar else out.reshape(texts.shape + (length,))

    def get_config(self):
        config = super().get_config()
        for key in ("num_oov_indices", "mask_token", "oov_token", "vocabulary_dtype", "invert"):
            config.pop(key, None)
        if callable(self.standardize) or callable(self.split):
            raise NotImplementedError(f"{self._label}: a custom standardize/split function cannot be saved in a "
                                      "config; register it and rebuild the layer when loading")
        config.update({"standardize": self.standardize, "split": self.split,
                       "ngrams": list(self.ngrams) if self.ngrams else None,
                       "output_sequence_length": self.output_sequence_length, "encoding": self.encoding,
                       "ragged": False})
        return config
