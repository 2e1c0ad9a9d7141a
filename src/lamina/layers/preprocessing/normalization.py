"""``Normalization``: shift and scale features to zero mean and unit variance (``adapt`` learns both).

Example:
    >>> layer = Normalization()
    >>> layer.adapt(np.array([[0.0, 10.0], [2.0, 30.0]]))
    >>> layer(np.array([[1.0, 20.0]])).tolist()
    [[0.0, 0.0]]
"""
import numpy as np
import torch

from lamina.core import config as lamina_config
from lamina.core import registry
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.preprocessing_data import to_numpy


def _batches(data):
    """Batches of ``data`` as float64 arrays: an array/tensor is one batch; a list of arrays or a dataset many."""
    if isinstance(data, (np.ndarray, torch.Tensor)):
        yield to_numpy(data).astype("float64")
        return
    if isinstance(data, (list, tuple)) and not any(isinstance(b, (np.ndarray, torch.Tensor)) for b in data):
        yield np.asarray(data, dtype="float64")
        return
    items = (data[i] for i in range(len(data))) if hasattr(data, "__getitem__") and hasattr(data, "__len__") \
        else iter(data)
    for batch in items:
        yield to_numpy(batch[0] if isinstance(batch, tuple) else batch).astype("float64")


@registry.register()
class Normalization(Layer):
    """Normalize inputs: ``(x - mean) / max(sqrt(variance), epsilon)`` per position of ``axis``.

    Args:
        axis: axis (or axes) with separate statistics (default -1: per feature); ``None``
            for one mean and variance over everything.
        mean, variance: fixed statistics instead of ``adapt``.
        invert: apply the inverse transformation (``mean + x * std``).

    ``adapt(data)`` computes the mean and variance of an array, a tensor, a list of
    batches or a dataset. The statistics are non-trainable weights (``mean``, ``variance``,
    ``count``), so they are saved with the model.

    Example:
        >>> Normalization(mean=2.0, variance=4.0)(torch.tensor([[4.0]])).tolist()
        [[1.0]]
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = () if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
        if (mean is None) != (variance is None):
            raise ValueError(f"{self._label}: pass both mean and variance or neither; received mean={mean!r}, "
                             f"variance={variance!r}")
        if mean is not None and np.shape(mean) != np.shape(variance):
            raise ValueError(f"{self._label}: mean and variance must have the same shape; received "
                             f"{np.shape(mean)} and {np.shape(variance)}")
        self.input_mean, self.input_variance = mean, variance
        self.invert = bool(invert)
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(f"{self._label}: axis {self.axis} out of range for inputs of rank {ndim}")
        self._keep = tuple(sorted(a % ndim for a in self.axis))
        for a in self._keep:
            if input_shape[a] is None:
                raise ValueError(f"{self._label}: axis {a} must have a known size; received shape {input_shape}")
        self._reduce = tuple(d for d in range(ndim) if d not in self._keep)
        self._broadcast = tuple(input_shape[d] if d in self._keep else 1 for d in range(ndim))
        shape = tuple(input_shape[d] for d in self._keep)
        self._input_shape_built = tuple(input_shape)
        if self.input_mean is None:
            self.mean = self.add_weight(shape=shape, initializer="zeros", trainable=False, name="mean")
            self.variance = self.add_weight(shape=shape, initializer="ones", trainable=False, name="variance")
            self.count = self.add_weight(shape=(), initializer="zeros", dtype="int64", trainable=False,
                                         name="count")
        else:
            mean = np.asarray(self.input_mean, dtype="float32")
            variance = np.asarray(self.input_variance, dtype="float32")
            expanded = [1] * ndim
            for i in range(1, mean.ndim + 1):
                expanded[self._keep[-i]] = mean.shape[-i]
            self._fixed = tuple(torch.as_tensor(np.broadcast_to(v.reshape(expanded), self._broadcast).copy(),
                                                device=lamina_config.device()) for v in (mean, variance))
        self.built = True

    def adapt(self, data):
        """Compute the mean and variance of ``data`` (over every axis not in ``axis``).

        Example:
            >>> layer = Normalization(axis=None); layer.adapt([1.0, 2.0, 3.0, 4.0])
            >>> float(layer.mean), float(layer.variance)
            (2.5, 1.25)
        """
        count, mean, m2 = 0, None, None
        for batch in _batches(data):
            if not self.built:
                self.build(batch.shape)
            elif any(batch.shape[a] != self._input_shape_built[a] for a in self._keep):
                raise ValueError(f"{self._label} was built for inputs of shape {self._input_shape_built}; "
                                 f"adapt received a batch of shape {batch.shape}")
            if self.input_mean is not None:
                raise ValueError(f"{self._label} was given fixed mean and variance; it cannot be adapted")
            n = int(np.prod([batch.shape[d] for d in self._reduce])) if self._reduce else 1
            batch_mean = batch.mean(axis=self._reduce) if self._reduce else batch
            batch_m2 = ((batch - batch.mean(axis=self._reduce, keepdims=True)) ** 2).sum(axis=self._reduce) \
                if self._reduce else np.zeros_like(batch)
            if mean is None:
                count, mean, m2 = n, batch_mean, batch_m2
                continue
            delta = batch_mean - mean
            total = count + n
            mean = mean + delta * n / total
            m2 = m2 + batch_m2 + delta ** 2 * count * n / total
            count = total
        if mean is None:
            raise ValueError(f"{self._label}: adapt received no data")
        with torch.no_grad():
            self.mean.copy_(torch.as_tensor(mean, dtype=self.mean.dtype))
            self.variance.copy_(torch.as_tensor(m2 / count, dtype=self.variance.dtype))
            self.count.fill_(count)

    def _statistics(self):
        if self.input_mean is not None:
            return self._fixed
        return self.mean.reshape(self._broadcast), self.variance.reshape(self._broadcast)

    def call(self, inputs):
        mean, variance = self._statistics()
        std = torch.clamp(torch.sqrt(variance), min=lamina_config.epsilon()).to(inputs.dtype)
        mean = mean.to(inputs.dtype)
        if self.invert:
            return mean + inputs * std
        return (inputs - mean) / std

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        as_list = (lambda v: np.asarray(v).tolist())
        config.update({"axis": list(self.axis) if len(self.axis) != 1 else self.axis[0], "invert": self.invert,
                       "mean": None if self.input_mean is None else as_list(self.input_mean),
                       "variance": None if self.input_variance is None else as_list(self.input_variance)})
        return config
