"""Keras's encoding of the IMDB and Reuters word-index sequences, done on flat NumPy arrays.

Sequences are kept as one flat array of word indices plus one length per sequence, so
shifting indices, adding the start mark, dropping long sequences and replacing rare
words are single vectorised operations instead of a Python loop over millions of words.

Example:
    >>> seqs = Ragged.from_sequences([[0, 1], [2]])
    >>> seqs.shift_and_mark(start_char=1, index_from=3).to_object_array().tolist()
    [[1, 3, 4], [1, 5]]
"""
import itertools

import numpy as np


class Ragged:
    """A list of integer sequences stored as ``values`` (concatenated) and ``lengths``.

    Example:
        >>> Ragged.from_sequences([[5], [], [6, 7]]).lengths.tolist()
        [1, 0, 2]
    """

    def __init__(self, values, lengths):
        self.values, self.lengths = values, lengths

    @classmethod
    def from_sequences(cls, sequences):
        lengths = np.fromiter((len(seq) for seq in sequences), dtype=np.int64, count=len(sequences))
        values = np.fromiter(itertools.chain.from_iterable(sequences), dtype=np.int64, count=int(lengths.sum()))
        return cls(values, lengths)

    def __len__(self):
        return len(self.lengths)

    def take(self, keep):
        """The sequences where the boolean mask ``keep`` is true."""
        return Ragged(self.values[np.repeat(keep, self.lengths)], self.lengths[keep])

    def concatenate(self, other):
        return Ragged(np.concatenate([self.values, other.values]), np.concatenate([self.lengths, other.lengths]))

    def split(self, index):
        """The first ``index`` sequences and the rest."""
        cut = int(self.lengths[:index].sum())
        return (Ragged(self.values[:cut], self.lengths[:index]),
                Ragged(self.values[cut:], self.lengths[index:]))

    def shift_and_mark(self, start_char, index_from):
        """Add ``index_from`` to every word; put ``start_char`` first in every sequence (if not None)."""
        values = self.values + index_from if (start_char is not None or index_from) else self.values
        if start_char is None:
            return Ragged(values, self.lengths)
        offsets = np.cumsum(self.lengths) - self.lengths
        return Ragged(np.insert(values, offsets, start_char), self.lengths + 1)

    def restrict_vocabulary(self, num_words, skip_top, oov_char):
        """Words outside ``[skip_top, num_words)`` become ``oov_char``, or are dropped when it is None."""
        inside = (self.values >= skip_top) & (self.values < num_words)
        if oov_char is not None:
            return Ragged(np.where(inside, self.values, oov_char), self.lengths)
        owner = np.repeat(np.arange(len(self.lengths)), self.lengths)
        return Ragged(self.values[inside], np.bincount(owner[inside], minlength=len(self.lengths)))

    def max_value(self):
        return int(self.values.max()) if self.values.size else 0

    def to_object_array(self):
        """A 1-D object array of Python lists of ints (Keras's format for ``x_train``/``x_test``)."""
        flat = self.values.tolist()
        bounds = np.concatenate([[0], np.cumsum(self.lengths)]).tolist()
        out = np.empty(len(self.lengths), dtype=object)
        for i in range(len(self.lengths)):
            out[i] = flat[bounds[i]:bounds[i + 1]]
        return out


def shuffled(rng, sequences, labels):
    """``sequences`` and ``labels`` permuted by ``rng.shuffle`` of their indices (Keras's order)."""
    indices = np.arange(len(sequences))
    rng.shuffle(indices)
    return [sequences[i] for i in indices], np.asarray(labels)[indices]


def drop_long(sequences, labels, maxlen):
    """Keep sequences strictly shorter than ``maxlen`` (Keras's rule), when ``maxlen`` is set."""
    if not maxlen:
        return sequences, labels
    keep = sequences.lengths < maxlen
    return sequences.take(keep), labels[keep]
