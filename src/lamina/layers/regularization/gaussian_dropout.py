"""``GaussianDropout``: multiply by ``N(1, rate / (1 - rate))`` noise in training.

Example:
    >>> GaussianDropout(0.2)(torch.ones(2)).tolist()  # inference: unchanged
    [1.0, 1.0]
"""
import math

import torch

from lamina.core import registry
from lamina.core.symbolic import in_symbolic_scope
from lamina.layers.layer import Layer
from lamina.layers.regularization.dropout import SeededNoise, check_rate


@registry.register()
class GaussianDropout(Layer):
    """Multiplicative Gaussian noise with mean 1 and standard deviation ``sqrt(rate / (1 - rate))``.

    Args:
        rate: drop probability of the equivalent Dropout, in [0, 1).
        seed: integer seed for reproducible noise.

    Example:
        >>> _ = torch.manual_seed(0)
        >>> y = GaussianDropout(0.5)(torch.ones(10000), training=True)
        >>> round(float(y.mean()), 1), round(float(y.std()), 1)
        (1.0, 1.0)
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_rate(rate, self._label)
        self.seed = seed
        self._noise = SeededNoise(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0 or in_symbolic_scope():
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = torch.empty_like(inputs).normal_(1.0, stddev, generator=self._noise.generator(inputs.device))
        return inputs * noise

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
