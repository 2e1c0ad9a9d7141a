"""``UpSampling1D/2D/3D``: repeat (or interpolate) along the spatial axes by integer factors.

Example:
    >>> UpSampling2D(2)(torch.ones(1, 3, 3, 4)).shape
    torch.Size([1, 6, 6, 4])
"""
import torch.nn.functional as F

from lamina.core import registry
from lamina.layers.convolutional import conv_utils
from lamina.layers.convolutional.spatial_layer import SpatialLayer

_INTERPOLATIONS = ("nearest", "bilinear", "bicubic")


class BaseUpSampling(SpatialLayer):
    """Upsampling of any rank by the integer factors ``size`` (nearest: each value repeated).

    Example:
        >>> BaseUpSampling(1, 2)(torch.tensor([[[1.0], [2.0]]]))[0, :, 0].tolist()
        [1.0, 1.0, 2.0, 2.0]
    """

    def __init__(self, rank, size, data_format=None, interpolation="nearest", **kwargs):
        super().__init__(rank, data_format, **kwargs)
        self._factors = conv_utils.normalize_tuple(size, rank, "size", self._label)
        self.size = self._factors
        choices = _INTERPOLATIONS if rank == 2 else ("nearest",)
        self.interpolation = conv_utils.normalize_choice(interpolation, choices, "interpolation", self._label)
        self.built = True

    def call(self, inputs):
        if self.interpolation != "nearest":
            x = inputs if self._to_cf is None else inputs.permute(self._to_cf)
            target = [n * s for n, s in zip(x.shape[2:], self._factors)]
            out = F.interpolate(x, size=target, mode=self.interpolation, align_corners=False)
            return out if self._to_cl is None else out.permute(self._to_cl)
        # nearest: a broadcast view with a new axis after each spatial axis, then one reshape (one copy)
        view_shape, expanded, target = list(inputs.shape), list(inputs.shape), list(inputs.shape)
        for axis, factor in sorted(zip(self._spatial, self._factors), reverse=True):
            view_shape.insert(axis + 1, 1)
            expanded.insert(axis + 1, factor)
            target[axis] *= factor
        return inputs.reshape(view_shape).expand(expanded).reshape(target)

    def compute_output_shape(self, input_shape):
        input_shape = self._check_rank(input_shape)
        spatial = [None if input_shape[a] is None else input_shape[a] * s for a, s in zip(self._spatial, self._factors)]
        return self._with_spatial(input_shape, spatial, input_shape[self._channel_axis])

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        return config


@registry.register()
class UpSampling1D(BaseUpSampling):
    """Repeat each step of ``(batch, steps, features)`` ``size`` times.

    Example:
        >>> UpSampling1D(3)(torch.ones(2, 4, 5)).shape
        torch.Size([2, 12, 5])
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(1, size, "channels_last", **kwargs)
        self.size = self._factors[0]

    def get_config(self):
        config = super().get_config()
        del config["data_format"]  # Keras's UpSampling1D is channels-last only
        return config


@registry.register()
class UpSampling2D(BaseUpSampling):
    """Upsample images by ``size = (rows, cols)``; ``interpolation`` is 'nearest', 'bilinear' or 'bicubic'.

    Example:
        >>> UpSampling2D((2, 3), interpolation="bilinear")(torch.ones(1, 2, 2, 1)).shape
        torch.Size([1, 4, 6, 1])
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(2, size, data_format, interpolation, **kwargs)

    def get_config(self):
        config = super().get_config()
        config["interpolation"] = self.interpolation
        return config


@registry.register()
class UpSampling3D(BaseUpSampling):
    """Repeat each voxel of ``(batch, depth, height, width, channels)`` by ``size`` along each axis.

    Example:
        >>> UpSampling3D(2)(torch.ones(1, 2, 2, 2, 3)).shape
        torch.Size([1, 4, 4, 4, 3])
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(3, size, data_format, **kwargs)
