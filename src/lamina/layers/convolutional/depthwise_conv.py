"""``DepthwiseConv1D``, ``DepthwiseConv2D``: each input channel convolved with its own filters.

The kernel has Keras's shape ``(*kernel_size, in_channels, depth_multiplier)``; output
channel ``c * depth_multiplier + m`` is input channel ``c`` through filter ``m``. It runs
as a torch grouped convolution (``groups = in_channels``) on a reshaped kernel view.

Example:
    >>> layer = DepthwiseConv2D(3, depth_multiplier=2)
    >>> layer(torch.ones(1, 5, 5, 4)).shape, tuple(layer.kernel.shape)
    (torch.Size([1, 3, 3, 8]), (3, 3, 4, 2))
"""
from lamina import constraints, initializers, regularizers
from lamina.core import registry
from lamina.layers.convolutional import conv_utils
from lamina.layers.convolutional.base_conv import BaseConv
from lamina.layers.input_spec import InputSpec


class BaseDepthwiseConv(BaseConv):
    """Depthwise convolution of any rank (see :class:`DepthwiseConv2D`).

    Example:
        >>> BaseDepthwiseConv(1, 3)(torch.ones(1, 6, 2)).shape
        torch.Size([1, 4, 2])
    """

    _allows_causal = False

    def __init__(self, rank, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank, None, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=depthwise_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=depthwise_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = conv_utils.positive_int(depth_multiplier, "depth_multiplier", self._label)

    # Keras names these arguments depthwise_*; the weights are the same objects as for BaseConv.
    depthwise_initializer = property(lambda self: self.kernel_initializer)
    depthwise_regularizer = property(lambda self: self.kernel_regularizer)
    depthwise_constraint = property(lambda self: self.kernel_constraint)

    def build(self, input_shape):
        in_channels = self._channels(input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            shape=self.kernel_size + (in_channels, self.depth_multiplier), initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint, name="kernel",
        )
        self.bias = self._add_bias(in_channels * self.depth_multiplier)
        self.groups = in_channels
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._spec_channel_axis: in_channels})
        self.built = True

    @property
    def depthwise_kernel(self):
        """Keras 2's name for ``kernel``."""
        return self.kernel

    def _torch_kernel(self):
        k = self.kernel
        return k.reshape(*self.kernel_size, 1, -1).permute(self._kernel_order)

    def _output_channels(self, input_shape):
        channels = input_shape[self._channel_axis]
        return None if channels is None else channels * self.depth_multiplier

    def get_config(self):
        config = super().get_config()
        for key in ("filters", "groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            del config[key]
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": initializers.serialize(self.kernel_initializer),
            "depthwise_regularizer": regularizers.serialize(self.kernel_regularizer),
            "depthwise_constraint": constraints.serialize(self.kernel_constraint),
        })
        return config


@registry.register()
class DepthwiseConv1D(BaseDepthwiseConv):
    """Depthwise 1-D convolution over ``(batch, steps, channels)``.

    Args: as :class:`DepthwiseConv2D`, with ints for the 1-D window.

    Example:
        >>> DepthwiseConv1D(3, depth_multiplier=2)(torch.ones(2, 8, 3)).shape
        torch.Size([2, 6, 6])
    """

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, activation,
                         use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)


@registry.register()
class DepthwiseConv2D(BaseDepthwiseConv):
    """Depthwise 2-D convolution: every input channel gets ``depth_multiplier`` filters of its own.

    Args:
        kernel_size, strides, padding ('valid'/'same'), data_format, dilation_rate,
        activation, use_bias: as :class:`Conv2D`.
        depth_multiplier: filters per input channel (output channels = in_channels * depth_multiplier).
        depthwise_initializer, depthwise_regularizer, depthwise_constraint: for the kernel
            ``(*kernel_size, in_channels, depth_multiplier)``.
        bias_initializer, bias_regularizer, bias_constraint, activity_regularizer: as in Keras.

    Example:
        >>> DepthwiseConv2D((3, 3), padding="same")(torch.ones(1, 8, 8, 16)).shape
        torch.Size([1, 8, 8, 16])
    """

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, activation,
                         use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)
