"""Global pooling: ``GlobalMaxPooling1D/2D/3D`` and ``GlobalAveragePooling1D/2D/3D``.

Each reduces every spatial axis to one value per channel (``keepdims=True`` keeps them
as size-1 axes). ``GlobalAveragePooling1D`` averages only the unmasked steps of a masked
sequence, as Keras does; the output carries no mask.

Example:
    >>> GlobalAveragePooling2D()(torch.ones(2, 5, 5, 8)).shape
    torch.Size([2, 8])
"""
import torch

from lamina.core import registry
from lamina.layers.convolutional.spatial_layer import SpatialLayer


class BaseGlobalPooling(SpatialLayer):
    """Global pooling of any rank; ``pool_mode`` is ``'max'`` or ``'average'``.

    Example:
        >>> BaseGlobalPooling(1, "max", keepdims=True)(torch.arange(6.0).reshape(1, 3, 2)).tolist()
        [[[4.0, 5.0]]]
    """

    def __init__(self, rank, pool_mode, data_format=None, keepdims=False, **kwargs):
        super().__init__(rank, data_format, **kwargs)
        self.pool_mode = pool_mode
        self.keepdims = bool(keepdims)
        self._axes = self._spatial
        self.built = True

    def call(self, inputs):
        if self.pool_mode == "max":
            return inputs.amax(dim=self._axes, keepdim=self.keepdims)
        return inputs.mean(dim=self._axes, keepdim=self.keepdims)

    def compute_output_shape(self, input_shape):
        input_shape = self._check_rank(input_shape)
        channels = input_shape[self._channel_axis]
        if self.keepdims:
            return self._with_spatial(input_shape, (1,) * self.rank, channels)
        return (input_shape[0], channels)

    def get_config(self):
        config = super().get_config()
        config["keepdims"] = self.keepdims
        return config


_ARGS = """
    Args:
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.
        keepdims: keep the reduced spatial axes with size 1.
"""


@registry.register()
class GlobalAveragePooling1D(BaseGlobalPooling):
    """Mean over the steps of ``(batch, steps, features)``; masked steps are left out of the mean.

    Example:
        >>> x = torch.tensor([[[1.0], [3.0], [100.0]]])
        >>> mask = torch.tensor([[True, True, False]])
        >>> GlobalAveragePooling1D()(x, mask=mask).tolist()
        [[2.0]]
    """

    __doc__ += _ARGS

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(1, "average", data_format, keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return inputs.mean(dim=self._axes, keepdim=self.keepdims)
        mask = mask.unsqueeze(2 if self.data_format == "channels_last" else 1).bool()
        total = torch.where(mask, inputs, 0).sum(dim=self._axes, keepdim=self.keepdims)
        return total / mask.to(inputs.dtype).sum(dim=self._axes, keepdim=self.keepdims)

    def compute_mask(self, inputs, previous_mask=None):
        return None


@registry.register()
class GlobalAveragePooling2D(BaseGlobalPooling):
    """Mean over height and width of ``(batch, height, width, channels)``.

    Example:
        >>> GlobalAveragePooling2D(keepdims=True)(torch.ones(1, 4, 4, 3)).shape
        torch.Size([1, 1, 1, 3])
    """

    __doc__ += _ARGS

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, "average", data_format, keepdims, **kwargs)


@registry.register()
class GlobalAveragePooling3D(BaseGlobalPooling):
    """Mean over the three spatial axes of ``(batch, depth, height, width, channels)``.

    Example:
        >>> GlobalAveragePooling3D()(torch.ones(1, 2, 2, 2, 3)).shape
        torch.Size([1, 3])
    """

    __doc__ += _ARGS

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(3, "average", data_format, keepdims, **kwargs)


@registry.register()
class GlobalMaxPooling1D(BaseGlobalPooling):
    """Maximum over the steps of ``(batch, steps, features)`` (a mask is ignored, as in Keras).

    Example:
        >>> GlobalMaxPooling1D()(torch.tensor([[[1.0], [5.0], [2.0]]])).tolist()
        [[5.0]]
    """

    __doc__ += _ARGS

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(1, "max", data_format, keepdims, **kwargs)


@registry.register()
class GlobalMaxPooling2D(BaseGlobalPooling):
    """Maximum over height and width of ``(batch, height, width, channels)``.

    Example:
        >>> GlobalMaxPooling2D()(torch.ones(1, 4, 4, 3)).shape
        torch.Size([1, 3])
    """

    __doc__ += _ARGS

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, "max", data_format, keepdims, **kwargs)


@registry.register()
class GlobalMaxPooling3D(BaseGlobalPooling):
    """Maximum over the three spatial axes of ``(batch, depth, height, width, channels)``.

    Example:
        >>> GlobalMaxPooling3D()(torch.ones(1, 2, 2, 2, 3)).shape
        torch.Size([1, 3])
    """

    __doc__ += _ARGS

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(3, "max", data_format, keepdims, **kwargs)
