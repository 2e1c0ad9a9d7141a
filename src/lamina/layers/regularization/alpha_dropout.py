"""``AlphaDropout``: dropout for SELU networks that keeps the mean and variance of the inputs.

Example:
    >>> AlphaDropout(0.1)(torch.ones(2)).tolist()  # inference: unchanged
    [1.0, 1.0]
"""
import torch

from lamina.core import registry
from lamina.core.symbolic import in_symbolic_scope
from lamina.layers.layer import Layer
from lamina.layers.regularization.dropout import SeededNoise, check_rate

_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946


@registry.register()
class AlphaDropout(Layer):
    """Set dropped values to SELU's negative saturation and apply the affine map that restores mean and variance.

    Args:
        rate: drop probability, in [0, 1).
        noise_shape: shape of the keep mask (``None`` entries take the input's size), broadcast over the input.
        seed: integer seed for reproducible masks.

    Example:
        >>> _ = torch.manual_seed(0)
        >>> y = AlphaDropout(0.2)(torch.randn(20000), training=True)
        >>> abs(float(y.mean())) < 0.05, round(float(y.std()), 1)
        (True, 1.0)
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_rate(rate, self._label)
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None
        self.seed = seed
        self._noise = SeededNoise(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0 or in_symbolic_scope():
            return inputs
        shape = inputs.shape if self.noise_shape is None else [
            n if d is None else d for n, d in zip(inputs.shape, self.noise_shape)]
        keep = torch.empty(shape, dtype=inputs.dtype, device=inputs.device)
        keep.bernoulli_(1.0 - self.rate, generator=self._noise.generator(inputs.device))
        alpha_p = -_ALPHA * _SCALE
        a = ((1.0 - self.rate) * (1.0 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        return a * (inputs * keep + alpha_p * (1.0 - keep)) + b

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config
