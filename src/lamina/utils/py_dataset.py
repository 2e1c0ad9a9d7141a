"""``PyDataset`` (Keras 2's ``Sequence``): a dataset defined by ``__len__`` and ``__getitem__``.

Subclass it to feed ``fit`` batch by batch: ``__len__`` is the number of batches,
``__getitem__(i)`` returns batch ``i`` as ``x``, ``(x, y)`` or ``(x, y, sample_weight)``,
and ``on_epoch_end`` runs after each epoch (reshuffle there).

Example:
    >>> class Squares(PyDataset):
    ...     def __len__(self):
    ...         return 3
    ...     def __getitem__(self, index):
    ...         x = np.arange(4.0) + 4 * index
    ...         return x[:, None], (x ** 2)[:, None]
    >>> data = Squares()
    >>> len(data), data[1][0].shape
    (3, (4, 1))
"""
import numpy as np


class PyDataset:
    """Base class for batch-indexed datasets.

    Args:
        workers, use_multiprocessing, max_queue_size: accepted for Keras compatibility;
            lamina reads batches in the training process.

    Example:
        >>> class Empty(PyDataset):
        ...     def __len__(self): return 0
        ...     def __getitem__(self, i): raise IndexError(i)
        >>> len(Empty())
        0
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__ (the number of batches)")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index) returning one batch")

    @property
    def num_batches(self):
        return len(self)

    def on_epoch_end(self):
        """Called by ``fit`` after every epoch; override to reshuffle."""

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]


Sequence = PyDataset


class BatchDataset(PyDataset):
    """A PyDataset with the few ``tf.data`` conveniences the book's code uses.

    Subclasses define ``__len__`` and ``__getitem__``; users may chain ``map``,
    ``take``, ``skip``, ``prefetch`` (a no-op: batches are made on demand),
    ``cache`` and ``unbatch_numpy``. Every result is again a dataset that ``fit`` takes.

    Example:
        >>> class Ranges(BatchDataset):
        ...     def __len__(self): return 4
        ...     def __getitem__(self, i): return np.arange(2) + 2 * i, np.zeros(2)
        >>> doubled = Ranges().map(lambda x, y: (2 * x, y)).take(2)
        >>> len(doubled), doubled[1][0].tolist()
        (2, [4, 6])
    """

    def map(self, fn):
        """Apply ``fn`` to every batch (a tuple batch is unpacked into ``fn``'s arguments)."""
        return _MappedDataset(self, fn)

    def take(self, count):
        """Only the first ``count`` batches."""
        return _SlicedDataset(self, 0, count)

    def skip(self, count):
        """All batches after the first ``count``."""
        return _SlicedDataset(self, count, None)

    def prefetch(self, buffer_size=None):
        """Accepted for ``tf.data`` compatibility; returns the dataset itself."""
        return self

    def cache(self, filename=""):
        """Keep each batch in memory after it is first made."""
        return _CachedDataset(self)

    def unbatch_numpy(self):
        """All batches concatenated into NumPy arrays (same structure as one batch)."""
        batches = [self[i] for i in range(len(self))]
        if isinstance(batches[0], tuple):
            return tuple(np.concatenate([np.asarray(b[k]) for b in batches]) for k in range(len(batches[0])))
        return np.concatenate([np.asarray(b) for b in batches])

    def on_epoch_end(self):
        parent = getattr(self, "_parent", None)
        if parent is not None:
            parent.on_epoch_end()


class _MappedDataset(BatchDataset):
    def __init__(self, parent, fn):
        super().__init__()
        self._parent, self._fn = parent, fn

    def __len__(self):
        return len(self._parent)

    def __getitem__(self, index):
        batch = self._parent[index]
        return self._fn(*batch) if isinstance(batch, tuple) else self._fn(batch)


class _SlicedDataset(BatchDataset):
    def __init__(self, parent, start, count):
        super().__init__()
        self._parent, self._start = parent, start
        available = max(len(parent) - start, 0)
        self._length = available if count is None or count < 0 else min(count, available)

    def __len__(self):
        return self._length

    def __getitem__(self, index):
        if not 0 <= index < self._length:
            raise IndexError(f"batch index {index} out of range for a dataset of {self._length} batches")
        return self._parent[self._start + index]


class _CachedDataset(BatchDataset):
    def __init__(self, parent):
        super().__init__()
        self._parent, self._cache = parent, {}

    def __len__(self):
        return len(self._parent)

    def __getitem__(self, index):
        if index not in self._cache:
            self._cache[index] = self._parent[index]
        return self._cache[index]

    def on_epoch_end(self):
        pass  # cached batches keep their order and content
