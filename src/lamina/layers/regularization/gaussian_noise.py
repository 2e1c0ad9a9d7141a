"""``GaussianNoise``: add zero-mean Gaussian noise in training (a regulariser / augmentation).

Example:
    >>> GaussianNoise(0.1)(torch.ones(3)).tolist()  # inference: unchanged
    [1.0, 1.0, 1.0]
"""
import torch

from lamina.core import registry
from lamina.core.symbolic import in_symbolic_scope
from lamina.layers.layer import Layer
from lamina.layers.regularization.dropout import SeededNoise


@registry.register()
class GaussianNoise(Layer):
    """``inputs + N(0, stddev^2)`` noise during training; the identity at inference.

    Args:
        stddev: standard deviation of the noise (>= 0).
        seed: integer seed for reproducible noise.

    Example:
        >>> _ = torch.manual_seed(0)
        >>> y = GaussianNoise(0.5)(torch.zeros(10000), training=True)
        >>> round(float(y.std()), 1)
        0.5
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(stddev, bool) or not isinstance(stddev, (int, float)) or stddev < 0:
            raise ValueError(f"{self._label}: stddev must be a non-negative number; received stddev={stddev!r}")
        self.stddev = float(stddev)
        self.seed = seed
        self._noise = SeededNoise(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.stddev == 0 or in_symbolic_scope():
            return inputs
        noise = torch.empty_like(inputs).normal_(0.0, self.stddev, generator=self._noise.generator(inputs.device))
        return inputs + noise

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config
