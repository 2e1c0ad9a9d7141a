"""``timeseries_dataset_from_array``: sliding windows over a time series, batch by batch, without TensorFlow.

Example:
    >>> data = np.arange(10)
    >>> ds = timeseries_dataset_from_array(data[:-3], data[3:], sequence_length=3, batch_size=4)
    >>> x, y = ds[0]
    >>> x.tolist(), y.tolist()
    ([[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]], [3, 4, 5, 6])
"""
import numpy as np
import torch

from lamina.utils.py_dataset import BatchDataset


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"timeseries_dataset_from_array: {name} must be a positive integer; received {name}={value!r}")
    return int(value)


class TimeseriesDataset(BatchDataset):
    """The dataset returned by :func:`timeseries_dataset_from_array` (batch ``i`` is made on demand).

    Attributes:
        start_positions: the window starts (relative to ``start_index``) in the order
            batches draw them.

    Example:
        >>> ds = timeseries_dataset_from_array(np.arange(6), None, sequence_length=2, batch_size=None)
        >>> len(ds), ds[4].tolist()
        (5, [4, 5])
    """

    def __init__(self, data, targets, start_positions, window, start_index, batch_size, shuffle_seed):
        super().__init__()
        self._data, self._targets = data, targets
        self._window, self._start_index = window, start_index
        self.start_positions = start_positions
        self.batch_size = batch_size
        self._rng = None if shuffle_seed is None else np.random.RandomState(shuffle_seed)
        if self._rng is not None:
            self._rng.shuffle(self.start_positions)

    def __len__(self):
        count = len(self.start_positions)
        return count if self.batch_size is None else -(-count // self.batch_size)

    def _take(self, array, index):
        if isinstance(array, torch.Tensor):
            return array[torch.from_numpy(index).to(array.device)]
        return array[index]

    def __getitem__(self, index):
        if not -len(self) <= index < len(self):
            raise IndexError(f"batch index {index} out of range for a dataset of {len(self)} batches")
        index %= len(self)
        if self.batch_size is None:
            starts = self.start_positions[index]
        else:
            starts = self.start_positions[index * self.batch_size:(index + 1) * self.batch_size]
        starts = np.asarray(starts, dtype=np.int64) + self._start_index
        inputs = self._take(self._data, starts[..., None] + self._window)
        if self._targets is None:
            return inputs
        return inputs, self._take(self._targets, starts)

    def on_epoch_end(self):
        """With ``shuffle=True``, draw a new order of the windows for the next epoch."""
        if self._rng is not None:
            self._rng.shuffle(self.start_positions)


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None, end_index=None,
                                  **kwargs):
    """Windows ``data[i : i + sequence_length * sampling_rate : sampling_rate]`` with targets ``targets[i]``.

    Keras 3's arguments and batching: window starts ``start_index + k * sequence_stride``
    (for every window that fits before ``end_index``), in batches of ``batch_size`` (the
    last one may be smaller; ``None`` yields single windows). ``targets[i]`` is the target
    of the window starting at ``data[i]``; pass ``None`` for inputs only.

    With ``shuffle=True`` the window starts are permuted by
    ``numpy.random.RandomState(seed)`` exactly as Keras does before batching; Keras then
    also shuffles within a ``tf.data`` buffer, which lamina replaces by a new permutation
    of all windows after each epoch (``on_epoch_end``).

    Args:
        data: NumPy array or torch tensor, time on axis 0.
        targets: array/tensor indexed like ``data``, or ``None``.
        sequence_length: timesteps per window.
        sequence_stride: steps between window starts.
        sampling_rate: steps between the timesteps of one window.
        batch_size: windows per batch, or ``None``.
        shuffle, seed: shuffle the windows (seed drawn at random when ``None``).
        start_index, end_index: only use ``data[start_index:end_index]``.

    Returns:
        A :class:`TimeseriesDataset` (a ``lamina.utils.BatchDataset``) yielding ``inputs``
        or ``(inputs, targets)``; ``fit`` takes it directly. Batches keep the input's type
        and dtype.

    Example:
        >>> ds = timeseries_dataset_from_array(np.arange(20), None, sequence_length=5, sequence_stride=5)
        >>> ds[0].tolist()
        [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14], [15, 16, 17, 18, 19]]
    """
    fmt = kwargs.pop("format", None)
    if kwargs:
        raise TypeError(f"timeseries_dataset_from_array: unexpected keyword arguments {sorted(kwargs)}")
    if fmt not in (None, "tf", "grain", "numpy"):
        raise ValueError(f"timeseries_dataset_from_array: unknown format={fmt!r}; lamina returns a BatchDataset")
    if not isinstance(data, torch.Tensor):
        data = np.asarray(data)
    if targets is not None and not isinstance(targets, torch.Tensor):
        targets = np.asarray(targets)
    length = len(data)
    sequence_length = _positive_int(sequence_length, "sequence_length")
    sequence_stride = _positive_int(sequence_stride, "sequence_stride")
    sampling_rate = _positive_int(sampling_rate, "sampling_rate")
    if batch_size is not None:
        batch_size = _positive_int(batch_size, "batch_size")
    if sampling_rate >= length:
        raise ValueError(
            f"timeseries_dataset_from_array: sampling_rate must be lower than the length of the data; received "
            f"sampling_rate={sampling_rate} for data of length {length}"
        )
    if sequence_stride >= length:
        raise ValueError(
            f"timeseries_dataset_from_array: sequence_stride must be lower than the length of the data; received "
            f"sequence_stride={sequence_stride} for data of length {length}"
        )
    start = 0 if start_index is None else int(start_index)
    end = length if end_index is None else int(end_index)
    if not 0 <= start < length:
        raise ValueError(
            f"timeseries_dataset_from_array: start_index must be in [0, {length}) for data of length {length}; "
            f"received start_index={start_index}"
        )
    if end_index is not None and not (start < end < length):
        raise ValueError(
            f"timeseries_dataset_from_array: end_index must be greater than start_index ({start}) and lower than "
            f"the length of the data ({length}); received end_index={end_index}"
        )

    num_windows = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_windows = min(num_windows, len(targets) - start)
    start_positions = np.arange(0, max(num_windows, 0), sequence_stride, dtype=np.int64)
    window = np.arange(sequence_length, dtype=np.int64) * sampling_rate
    shuffle_seed = None
    if shuffle:
        shuffle_seed = np.random.randint(1e6) if seed is None else seed
    return TimeseriesDataset(data, targets, start_positions, window, start, batch_size, shuffle_seed)
