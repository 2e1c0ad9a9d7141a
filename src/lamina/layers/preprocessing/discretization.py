"""``Discretization``: bucket continuous values by boundaries (given, or estimated quantiles via ``adapt``).

Example:
    >>> Discretization(bin_boundaries=[0.0, 1.0, 2.0])(torch.tensor([[-1.5, 1.0, 3.4, 0.5]])).tolist()
    [[0, 2, 3, 1]]
"""
import numpy as np
import torch

from lamina.core import registry
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.category_encoding import encode_categorical
from lamina.layers.preprocessing.preprocessing_data import to_numpy

_MODES = ("int", "one_hot", "multi_hot", "count")


def _sample(values, epsilon):
    """Approximate-quantile summary of one batch: every ``step``-th sorted value, each weighing ``step``."""
    ordered = np.sort(values.reshape(-1))
    step = max(ordered.size * epsilon, 1)
    picked = ordered[int(step - 1)::int(step)]
    return np.stack([picked, np.full(picked.shape, step, dtype=picked.dtype)])


def _compress(summary, epsilon):
    """Re-bin a weighted summary at cumulative-weight fractions ``epsilon, 2 epsilon, ..., 1``."""
    if summary.shape[1] * epsilon < 1:
        return summary
    targets = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    fractions = cumulative / cumulative[-1]
    points = np.interp(targets, fractions, summary[0])
    cumulative_at = np.interp(targets, fractions, cumulative)
    weights = np.diff(cumulative_at, prepend=0.0)
    return np.stack([points, weights]).astype("float32")


def _merge(first, second, epsilon):
    merged = np.concatenate([first, second], axis=1)
    return _compress(merged[:, np.argsort(merged[0])], epsilon)


@registry.register()
class Discretization(Layer):
    """Map each value to the index of its bin: bin ``i`` holds ``boundaries[i-1] <= x < boundaries[i]``.

    Args:
        bin_boundaries: sorted boundaries (``len + 1`` bins), or
        num_bins: number of bins whose boundaries ``adapt`` estimates as quantiles
            (the same approximate-quantile summaries as Keras, with tolerance ``epsilon``).
        output_mode: ``'int'`` (bin indices), ``'one_hot'``, ``'multi_hot'`` or ``'count'``.

    Example:
        >>> layer = Discretization(num_bins=4, epsilon=0.01)
        >>> layer.adapt(np.arange(100.0))
        >>> [round(b, 3) for b in layer.bin_boundaries]
        [24.0, 49.0, 74.0]
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False,
                 **kwargs):
        super().__init__(**kwargs)
        if output_mode not in _MODES:
            raise ValueError(f"{self._label}: unknown output_mode {output_mode!r}; valid modes are "
                             + ", ".join(repr(m) for m in _MODES))
        if (bin_boundaries is None) == (num_bins is None):
            raise ValueError(f"{self._label}: set exactly one of bin_boundaries and num_bins; received "
                             f"bin_boundaries={bin_boundaries!r}, num_bins={num_bins!r}")
        if num_bins is not None and (not isinstance(num_bins, int) or num_bins < 0):
            raise ValueError(f"{self._label}: num_bins must be an integer >= 0; received num_bins={num_bins!r}")
        if sparse:
            raise ValueError(f"{self._label}: sparse=True is not supported (lamina's tensors are dense)")
        self.bin_boundaries = None if bin_boundaries is None else [float(b) for b in bin_boundaries]
        self.num_bins, self.epsilon, self.output_mode, self.sparse = num_bins, epsilon, output_mode, False
        self.built = True

    def adapt(self, data, steps=None):
        """Estimate ``num_bins`` quantile boundaries from an array or an iterable of batches."""
        if self.num_bins is None:
            raise ValueError(f"{self._label} was given bin_boundaries; use num_bins to adapt it")
        if isinstance(data, (np.ndarray, torch.Tensor)) or not hasattr(data, "__iter__"):
            batches = [data]
        elif isinstance(data, (list, tuple)) and not any(isinstance(b, (np.ndarray, torch.Tensor)) for b in data):
            batches = [np.asarray(data)]
        else:
            batches = data
        summary = np.zeros((2, 0), dtype="float32")
        for index, batch in enumerate(batches):
            if steps is not None and index >= steps:
                break
            if isinstance(batch, tuple):
                batch = batch[0]
            summary = _merge(_sample(to_numpy(batch).astype("float32"), self.epsilon), summary, self.epsilon)
        self.bin_boundaries = _compress(summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(f"{self._label} has no bin boundaries: pass bin_boundaries or call adapt() first")
        boundaries = torch.as_tensor(self.bin_boundaries, dtype=inputs.dtype if inputs.is_floating_point()
                                     else torch.float32, device=inputs.device)
        indices = torch.bucketize(inputs.to(boundaries.dtype), boundaries, right=True)
        if self.output_mode == "int":
            return indices.to(torch.int32)
        return encode_categorical(indices, self.output_mode, len(self.bin_boundaries) + 1)

    def get_config(self):
        config = super().get_config()
        config.update({"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins, "epsilon": self.epsilon,
                       "output_mode": self.output_mode, "sparse": False})
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        boundaries = config.pop("bin_boundaries", None)
        if config.get("num_bins") is None:
            return cls(bin_boundaries=boundaries, **config)
        layer = cls(**config)
        layer.bin_boundaries = boundaries
        return layer
