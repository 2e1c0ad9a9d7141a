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
