"""``Conv1D``, ``Conv2D``, ``Conv3D``: convolutions over steps, images and volumes.

Example:
    >>> Conv2D(32, 3, activation="relu")(torch.ones(1, 28, 28, 1)).shape
    torch.Size([1, 26, 26, 32])
"""
from lamina.core import registry
from lamina.layers.convolutional.base_conv import BaseConv

_ARGS = """
    Args:
        filters: number of output channels.
        kernel_size: an int or a tuple of ints, the window size.
        strides: an int or a tuple of ints (default 1).
        padding: ``'valid'`` (no padding), ``'same'`` (output size ``ceil(size / stride)``,
            padded as Keras/TensorFlow: any odd pixel at the end){causal}.
        data_format: ``'channels_last'`` (default, Keras's ``{last}``) or
            ``'channels_first'`` (``{first}``).
        dilation_rate: an int or a tuple of ints (cannot exceed 1 together with strides).
        groups: split the input channels into this many groups, each convolved with
            ``filters // groups`` filters.
        activation: name or callable applied to the output (``None``: linear).
        use_bias: add a learned bias per filter.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: as in Keras.

    The kernel has Keras's shape ``(*kernel_size, in_channels // groups, filters)``.
"""


@registry.register()
class Conv1D(BaseConv):
    """1-D convolution over ``(batch, steps, channels)`` inputs.

    Example:
        >>> Conv1D(4, 3, padding="causal")(torch.ones(2, 10, 8)).shape
        torch.Size([2, 10, 4])
    """

    __doc__ += _ARGS.format(causal=", or ``'causal'`` (left padding only, for sequences)",
                            last="(batch, steps, channels)", first="(batch, channels, steps)")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1, groups=1,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(1, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, groups=groups, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)


@registry.register()
class Conv2D(BaseConv):
    """2-D convolution over ``(batch, height, width, channels)`` images.

    Example:
        >>> layer = Conv2D(64, (3, 3), strides=2, padding="same")
        >>> layer(torch.ones(1, 7, 7, 3)).shape, tuple(layer.kernel.shape)
        (torch.Size([1, 4, 4, 64]), (3, 3, 3, 64))
    """

    __doc__ += _ARGS.format(causal="", last="(batch, height, width, channels)",
                            first="(batch, channels, height, width)")

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1),
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, groups=groups, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)


@registry.register()
class Conv3D(BaseConv):
    """3-D convolution over ``(batch, depth, height, width, channels)`` volumes.

    Example:
        >>> Conv3D(2, 3)(torch.ones(1, 5, 5, 5, 1)).shape
        torch.Size([1, 3, 3, 3, 2])
    """

    __doc__ += _ARGS.format(causal="", last="(batch, depth, height, width, channels)",
                            first="(batch, channels, depth, height, width)")

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1, 1), groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(3, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, groups=groups, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)
