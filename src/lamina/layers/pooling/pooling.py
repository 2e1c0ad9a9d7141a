"""Max and average pooling layers: ``MaxPooling1D/2D/3D`` and ``AveragePooling1D/2D/3D``.

Example:
    >>> MaxPooling2D(2)(torch.ones(1, 26, 26, 32)).shape
    torch.Size([1, 13, 13, 32])
"""
from lamina.core import registry
from lamina.layers.pooling.base_pooling import BasePooling

_ARGS = """
    Args:
        pool_size: an int or a tuple of ints, the window size.
        strides: an int or a tuple of ints (default: ``pool_size``).
        padding: ``'valid'`` or ``'same'`` (``ceil(size / stride)`` outputs, padded as Keras).
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.
"""


@registry.register()
class MaxPooling1D(BasePooling):
    """Maximum over windows of ``(batch, steps, channels)`` inputs.

    Example:
        >>> MaxPooling1D(2)(torch.arange(6.0).reshape(1, 6, 1))[0, :, 0].tolist()
        [1.0, 3.0, 5.0]
    """

    __doc__ += _ARGS

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(1, "max", pool_size, strides, padding, data_format, **kwargs)


@registry.register()
class MaxPooling2D(BasePooling):
    """Maximum over windows of ``(batch, height, width, channels)`` inputs.

    Example:
        >>> MaxPooling2D((2, 2))(torch.ones(1, 5, 5, 3)).shape
        torch.Size([1, 2, 2, 3])
    """

    __doc__ += _ARGS

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(2, "max", pool_size, strides, padding, data_format, **kwargs)


@registry.register()
class MaxPooling3D(BasePooling):
    """Maximum over windows of ``(batch, depth, height, width, channels)`` inputs.

    Example:
        >>> MaxPooling3D(2)(torch.ones(1, 4, 4, 4, 1)).shape
        torch.Size([1, 2, 2, 2, 1])
    """

    __doc__ += _ARGS

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(3, "max", pool_size, strides, padding, data_format, **kwargs)


@registry.register()
class AveragePooling1D(BasePooling):
    """Mean over windows of ``(batch, steps, channels)`` inputs.

    Example:
        >>> AveragePooling1D(2)(torch.arange(4.0).reshape(1, 4, 1))[0, :, 0].tolist()
        [0.5, 2.5]
    """

    __doc__ += _ARGS

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(1, "average", pool_size, strides, padding, data_format, **kwargs)


@registry.register()
class AveragePooling2D(BasePooling):
    """Mean over windows of ``(batch, height, width, channels)`` inputs.

    Example:
        >>> AveragePooling2D(3, strides=1, padding='same')(torch.ones(1, 5, 5, 3)).shape
        torch.Size([1, 5, 5, 3])
    """

    __doc__ += _ARGS

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(2, "average", pool_size, strides, padding, data_format, **kwargs)


@registry.register()
class AveragePooling3D(BasePooling):
    """Mean over windows of ``(batch, depth, height, width, channels)`` inputs.

    Example:
        >>> AveragePooling3D(2)(torch.ones(1, 4, 4, 4, 2)).shape
        torch.Size([1, 2, 2, 2, 2])
    """

    __doc__ += _ARGS

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(3, "average", pool_size, strides, padding, data_format, **kwargs)
