"""Sequence utilities (``keras.preprocessing.sequence``): ``pad_sequences``, ``skipgrams``, ``TimeseriesGenerator``.

Example:
    >>> pad_sequences([[1, 2], [3]], maxlen=3).tolist()
    [[0, 1, 2], [0, 0, 3]]
"""
import json
import random

import numpy as np

from lamina.utils.py_dataset import PyDataset
from lamina.utils.sequence_utils import pad_sequences  # noqa: F401  (Keras exposes it here too)


class TimeseriesGenerator(PyDataset):
    """Keras 2's batches of past windows and current targets over a time series.

    Sample ``k`` of a batch ends just before row ``r``: its input is
    ``data[r - length : r : sampling_rate]`` and its target ``targets[r]``, for rows
    ``r = start_index + length, ... , end_index`` taken every ``stride`` rows.

    Args:
        data: indexable time series (time on axis 0).
        targets: one target per row of ``data`` (same length).
        length: history length, in rows.
        sampling_rate: keep every ``sampling_rate``-th row of the history.
        stride: rows between consecutive samples.
        start_index, end_index: the rows (inclusive) whose targets are used.
        shuffle: draw ``batch_size`` random rows (with replacement, ``np.random``) for
            each batch instead of consecutive ones.
        reverse: newest step first in each sample.
        batch_size: samples per batch.

    Example:
        >>> data = np.arange(50).reshape(50, 1)
        >>> gen = TimeseriesGenerator(data, data, length=10, sampling_rate=2, batch_size=2)
        >>> x, y = gen[0]
        >>> len(gen), x[:, :, 0].tolist(), y.tolist()
        (20, [[0, 2, 4, 6, 8], [1, 3, 5, 7, 9]], [[10], [11]])
    """

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0, end_index=None,
                 shuffle=False, reverse=False, batch_size=128, **kwargs):
        super().__init__(**kwargs)
        if len(data) != len(targets):
            raise ValueError(
                f"TimeseriesGenerator: data and targets must have the same length; received {len(data)} rows of "
                f"data and {len(targets)} targets"
            )
        for name, value in (("length", length), ("sampling_rate", sampling_rate), ("stride", stride),
                            ("batch_size", batch_size)):
            if isinstance(value, bool) or int(value) != value or value < 1:
                raise ValueError(f"TimeseriesGenerator: {name} must be a positive integer; received {name}={value!r}")
        self.data = data
        self.targets = targets
        self.length = length
        self.sampling_rate = sampling_rate
        self.stride = stride
        self.start_index = start_index + length
        self.end_index = len(data) - 1 if end_index is None else end_index
        self.shuffle = shuffle
        self.reverse = reverse
        self.batch_size = batch_size
        if self.start_index > self.end_index:
            raise ValueError(
                f"TimeseriesGenerator: start_index + length = {self.start_index} > end_index = {self.end_index}: "
                "no row would be left as the current step"
            )

    def __len__(self):
        step = self.batch_size * self.stride
        return (self.end_index - self.start_index + step) // step

    def __getitem__(self, index):
        if self.shuffle:
            rows = np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
        else:
            if not -len(self) <= index < len(self):
                raise IndexError(f"batch index {index} out of range for a generator of {len(self)} batches")
            index %= len(self)
            first = self.start_index + self.batch_size * self.stride * index
            rows = np.arange(first, min(first + self.batch_size * self.stride, self.end_index + 1), self.stride)
        samples = np.array([self.data[row - self.length:row:self.sampling_rate] for row in rows])
        targets = np.array([self.targets[row] for row in rows])
        if self.reverse:
            return samples[:, ::-1, ...], targets
        return samples, targets

    def get_config(self):
        """Keras 2's configuration dict (data and targets as JSON strings).

        Example:
            >>> TimeseriesGenerator([1, 2, 3], [1, 2, 3], length=1).get_config()["data"]
            '[1, 2, 3]'
        """
        def as_json(name, value):
            value = value.tolist() if isinstance(value, np.ndarray) else value
            try:
                return json.dumps(value)
            except TypeError as error:
                raise TypeError(f"TimeseriesGenerator.get_config: {name} is not JSON serialisable ({error})") from None

        return {
            "data": as_json("data", self.data),
            "targets": as_json("targets", self.targets),
            "length": self.length,
            "sampling_rate": self.sampling_rate,
            "stride": self.stride,
            "start_index": self.start_index,
            "end_index": self.end_index,
            "shuffle": self.shuffle,
            "reverse": self.reverse,
            "batch_size": self.batch_size,
        }

    def to_json(self, **kwargs):
        """The configuration as a JSON string (``kwargs`` go to ``json.dumps``).

        Example:
            >>> TimeseriesGenerator([1, 2], [1, 2], length=1).to_json()[:30]
            '{"class_name": "TimeseriesGene'
        """
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()}, **kwargs)


def make_sampling_table(size, sampling_factor=1e-5):
    """Probability of keeping the word of each frequency rank (word2vec's subsampling, Zipf's law).

    ``sampling_table[i]`` is ``min(1, sqrt(f_i / sampling_factor) / (f_i / sampling_factor))``
    with ``f_i`` the Zipf estimate of the frequency of the ``i``-th most common word.

    Example:
        >>> table = make_sampling_table(5)
        >>> table.shape, bool(table[1] < table[4])
        ((5,), True)
    """
    euler_gamma = 0.577  # the approximation Keras uses, kept for identical tables
    rank = np.maximum(np.arange(size), 1)  # rank 0 (padding) is treated as rank 1
    inverse_frequency = rank * (np.log(rank) + euler_gamma) + 0.5 - 1.0 / (12.0 * rank)
    scaled = sampling_factor * inverse_frequency
    return np.minimum(1.0, scaled / np.sqrt(scaled))  # = sqrt(scaled), rounded as Keras rounds it


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1.0, shuffle=True, categorical=False,
              sampling_table=None, seed=None):
    """Word pairs for skip-gram training: ``(word, neighbour)`` labelled 1, ``(word, random word)`` labelled 0.

    Keras 2's algorithm: every non-zero word ``w_i`` (kept with probability
    ``sampling_table[w_i]`` if a table is given) pairs with each non-zero word in
    ``sequence[i - window_size : i + window_size + 1]``; then
    ``int(negative_samples * positives)`` negative pairs pair the (shuffled) first words
    with random indices in ``[1, vocabulary_size - 1]``; finally pairs and labels are
    shuffled together. Unlike Keras 2, which draws from (and, with ``seed``, reseeds)
    Python's global ``random``, lamina draws from a private generator seeded by
    ``seed``, so the whole result is reproducible and global state is left alone.

    Returns:
        ``(couples, labels)``: lists of ``[word, context]`` and of ``0``/``1`` (or
        ``[1, 0]``/``[0, 1]`` when ``categorical``).

    Example:
        >>> couples, labels = skipgrams([1, 2, 3], vocabulary_size=4, window_size=1, negative_samples=0,
        ...                             shuffle=False)
        >>> couples, labels
        ([[1, 2], [2, 1], [2, 3], [3, 2]], [1, 1, 1, 1])
    """
    if isinstance(vocabulary_size, bool) or int(vocabulary_size) != vocabulary_size or vocabulary_size < 2:
        raise ValueError(f"skipgrams: vocabulary_size must be an integer >= 2; received {vocabulary_size!r}")
    if negative_samples < 0:
        raise ValueError(f"skipgrams: negative_samples must be >= 0; received {negative_samples!r}")
    rng = random.Random(seed)
    couples, labels = [], []
    for i, wi in enumerate(sequence):
        if not wi:
            continue
        if sampling_table is not None and sampling_table[wi] < rng.random():
            continue
        for j in range(max(0, i - window_size), min(len(sequence), i + window_size + 1)):
            if j != i and sequence[j]:
                couples.append([wi, sequence[j]])
                labels.append(1)
    if negative_samples > 0 and couples:
        count = int(len(labels) * negative_samples)
        words = [couple[0] for couple in couples]
        rng.shuffle(words)
        couples += [[words[k % len(words)], rng.randint(1, vocabulary_size - 1)] for k in range(count)]
        labels += [0] * count
    if shuffle:
        order = list(range(len(couples)))
        rng.shuffle(order)
        couples = [couples[k] for k in order]
        labels = [labels[k] for k in order]
    if categorical:
        labels = [[1 - label, label] for label in labels]
    return couples, labels
