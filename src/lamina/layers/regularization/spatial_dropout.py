"""``SpatialDropout1D/2D/3D``: drop whole feature maps (channels) instead of single values.

Example:
    >>> _ = torch.manual_seed(0)
    >>> y = SpatialDropout2D(0.5)(torch.ones(1, 4, 4, 8), training=True)
    >>> sorted(set(y[0].flatten(0, 1).std(0).tolist()))  # each channel is all kept or all dropped
    [0.0]
"""
import torch

from lamina.core import registry
from lamina.core.symbolic import in_symbolic_scope
from lamina.layers.convolutional import conv_utils
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.regularization.dropout import SeededNoise, check_rate


class BaseSpatialDropout(Layer):
    """Dropout with one keep/drop draw per (sample, channel), scaled by ``1 / (1 - rate)``; identity at inference.

    Example:
        >>> BaseSpatialDropout(1, 0.3)(torch.ones(2, 5, 3), training=False).shape
        torch.Size([2, 5, 3])
    """

    def __init__(self, rank, rate, data_format=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_rate(rate, self._label)
        self.seed = seed
        self._noise = SeededNoise(seed)
        self.data_format = conv_utils.normalize_data_format(data_format, self._label)
        self._expected_layout = conv_utils.SPATIAL_LAYOUTS[(self.data_format, rank)]
        self._channel_axis = rank + 1 if self.data_format == "channels_last" else 1
        self.input_spec = InputSpec(ndim=rank + 2)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0 or in_symbolic_scope():
            return inputs
        shape = [1] * inputs.dim()
        shape[0] = inputs.shape[0]
        shape[self._channel_axis] = inputs.shape[self._channel_axis]
        keep = torch.empty(shape, dtype=inputs.dtype, device=inputs.device)
        keep.bernoulli_(1.0 - self.rate, generator=self._noise.generator(inputs.device))
        return inputs * keep.div_(1.0 - self.rate)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):  # Keras's spatial dropouts save exactly these keys
        config = {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}
        if type(self) is not SpatialDropout1D:
            config["data_format"] = self.data_format
        return config


@registry.register()
class SpatialDropout1D(BaseSpatialDropout):
    """Drop whole channels of ``(batch, steps, channels)`` with probability ``rate`` in training.

    Args:
        rate: fraction of the channels to drop, in [0, 1).
        seed: integer seed for reproducible masks.

    Example:
        >>> SpatialDropout1D(0.2).rate
        0.2
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(1, rate, "channels_last", seed, **kwargs)


@registry.register()
class SpatialDropout2D(BaseSpatialDropout):
    """Drop whole feature maps of images with probability ``rate`` in training.

    Args:
        rate: fraction of the feature maps to drop, in [0, 1).
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.
        seed: integer seed for reproducible masks.

    Example:
        >>> SpatialDropout2D(0.5)(torch.ones(1, 3, 3, 2)).shape  # inference: the identity
        torch.Size([1, 3, 3, 2])
    """

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(2, rate, data_format, seed, **kwargs)


@registry.register()
class SpatialDropout3D(BaseSpatialDropout):
    """Drop whole feature volumes of ``(batch, depth, height, width, channels)`` in training.

    Args:
        rate: fraction of the feature volumes to drop, in [0, 1).
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.
        seed: integer seed for reproducible masks.

    Example:
        >>> SpatialDropout3D(0.5, data_format="channels_first").data_format
        'channels_first'
    """

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(3, rate, data_format, seed, **kwargs)
