"""``Dropout``: zero a fraction ``rate`` of inputs during training, scaling the rest by ``1/(1-rate)``.

Example:
    >>> layer = Dropout(0.5)
    >>> layer(torch.ones(4), training=False).tolist()
    [1.0, 1.0, 1.0, 1.0]
"""
import torch

from lamina.core import registry
from lamina.core.symbolic import in_symbolic_scope
from lamina.layers.layer import Layer


def check_rate(rate, owner):
    """Validate a dropout-like rate in [0, 1).

    Example:
        >>> check_rate(0.3, "Dropout")
        0.3
    """
    if isinstance(rate, bool) or not isinstance(rate, (int, float)):
        raise TypeError(f"{owner}: rate must be a float in [0, 1); received rate={rate!r}")
    if not 0 <= rate < 1:
        raise ValueError(f"{owner}: rate must be in [0, 1); received rate={rate}")
    return float(rate)


class SeededNoise:
    """Random draws from torch's global generator, or from a private generator when ``seed`` is set."""

    def __init__(self, seed=None):
        self.seed = seed
        self._generator = None

    def generator(self, device):
        if self.seed is None:
            return None
        if self._generator is None or self._generator.device != torch.device(device):
            self._generator = torch.Generator(device=device)
            self._generator.manual_seed(int(self.seed))
        return self._generator


@registry.register()
class Dropout(Layer):
    """Randomly zero inputs with probability ``rate`` in training; the identity at inference.

    Args:
        rate: fraction of the inputs to drop, in [0, 1).
        noise_shape: shape of the binary mask, broadcast against the input (``None`` dims take the input's).
        seed: integer seed for reproducible masks.

    Example:
        >>> _ = torch.manual_seed(0); out = Dropout(0.5)(torch.ones(1000), training=True)
        >>> sorted(set(out.tolist()))
        [0.0, 2.0]
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_rate(rate, f"Dropout '{self.name}'")
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None
        self.seed = seed
        self._noise = SeededNoise(seed)
        self.supports_masking = True
        self.built = True

    def _mask_shape(self, inputs):
        if self.noise_shape is None:
            return inputs.shape
        return tuple(inputs.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))

    def call(self, inputs, training=False):
        if not training or self.rate == 0 or in_symbolic_scope():
            return inputs
        if self.noise_shape is None and self.seed is None:
            return torch.nn.functional.dropout(inputs, self.rate, True)
        keep = torch.empty(self._mask_shape(inputs), dtype=inputs.dtype, device=inputs.device)
        keep.bernoulli_(1 - self.rate, generator=self._noise.generator(inputs.device))
        return inputs * keep / (1 - self.rate)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config
