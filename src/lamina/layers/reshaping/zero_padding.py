"""``ZeroPadding1D/2D/3D``: add rows/columns of zeros around the spatial axes.

Example:
    >>> ZeroPadding2D(1)(torch.ones(1, 2, 2, 3)).shape
    torch.Size([1, 4, 4, 3])
"""
import torch.nn.functional as F

from lamina.core import registry
from lamina.layers.convolutional import conv_utils
from lamina.layers.convolutional.spatial_layer import SpatialLayer


class BaseZeroPadding(SpatialLayer):
    """Zero padding of any rank; ``padding`` as :func:`~lamina.layers.convolutional.conv_utils.normalize_pairs`.

    Example:
        >>> BaseZeroPadding(1, (1, 2))(torch.ones(1, 3, 1))[0, :, 0].tolist()
        [0.0, 1.0, 1.0, 1.0, 0.0, 0.0]
    """

    def __init__(self, rank, padding, data_format=None, **kwargs):
        super().__init__(rank, data_format, **kwargs)
        self._pairs = conv_utils.normalize_pairs(padding, rank, "padding", self._label)
        self.padding = self._pairs[0] if rank == 1 else self._pairs
        flat = conv_utils.flat_pad(self._pairs)
        self._flat = [0, 0] + flat if self.data_format == "channels_last" else flat  # F.pad: last axis first
        self.built = True

    def call(self, inputs):
        return F.pad(inputs, self._flat)

    def compute_output_shape(self, input_shape):
        input_shape = self._check_rank(input_shape)
        spatial = [None if input_shape[a] is None else input_shape[a] + before + after
                   for a, (before, after) in zip(self._spatial, self._pairs)]
        return self._with_spatial(input_shape, spatial, input_shape[self._channel_axis])

    def get_config(self):
        config = super().get_config()
        config["padding"] = self.padding
        return config


@registry.register()
class ZeroPadding1D(BaseZeroPadding):
    """Pad ``(batch, steps, features)`` with zero steps: ``padding`` is an int or ``(left, right)``.

    Example:
        >>> ZeroPadding1D(2)(torch.ones(1, 3, 4)).shape
        torch.Size([1, 7, 4])
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(1, padding, data_format, **kwargs)


@registry.register()
class ZeroPadding2D(BaseZeroPadding):
    """Pad images with zeros: ``padding`` is an int, ``(h, w)`` or ``((top, bottom), (left, right))``.

    Example:
        >>> ZeroPadding2D(((1, 0), (0, 2)))(torch.ones(1, 2, 2, 1)).shape
        torch.Size([1, 3, 4, 1])
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(2, padding, data_format, **kwargs)


@registry.register()
class ZeroPadding3D(BaseZeroPadding):
    """Pad volumes with zeros: ``padding`` is an int, 3 ints or 3 ``(before, after)`` pairs.

    Example:
        >>> ZeroPadding3D(1)(torch.ones(1, 2, 2, 2, 1)).shape
        torch.Size([1, 4, 4, 4, 1])
    """

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(3, padding, data_format, **kwargs)
