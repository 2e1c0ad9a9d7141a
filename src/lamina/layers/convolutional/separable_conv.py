"""``SeparableConv1D``, ``SeparableConv2D``: a depthwise convolution followed by a pointwise (1x1) one.

Weights in Keras's order and shapes: ``depthwise_kernel`` ``(*kernel_size, in, depth_multiplier)``,
``pointwise_kernel`` ``(*ones, in * depth_multiplier, filters)``, ``bias`` ``(filters,)``.
On channels-last data the pointwise step is a single matrix product over the channel axis.

Example:
    >>> layer = SeparableConv2D(32, 3)
    >>> y = layer(torch.ones(1, 8, 8, 3))
    >>> y.shape, [tuple(w.shape) for w in layer.weights]
    (torch.Size([1, 6, 6, 32]), [(3, 3, 3, 1), (1, 1, 3, 32), (32,)])
"""
import torch.nn.functional as F

from lamina import activations, constraints, initializers, regularizers
from lamina.core import registry
from lamina.layers.convolutional import conv_utils
from lamina.layers.convolutional.base_conv import BaseConv
from lamina.layers.input_spec import InputSpec


class BaseSeparableConv(BaseConv):
    """Separable convolution of any rank (see :class:`SeparableConv2D`).

    Example:
        >>> BaseSeparableConv(1, 4, 3)(torch.ones(1, 6, 2)).shape
        torch.Size([1, 4, 4])
    """

    _allows_causal = False

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = conv_utils.positive_int(depth_multiplier, "depth_multiplier", self._label)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        in_channels = self._channels(input_shape)
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = self.add_weight(
            shape=self.kernel_size + (in_channels, self.depth_multiplier), initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer, constraint=self.depthwise_constraint, name="depthwise_kernel",
        )
        self.pointwise_kernel = self.add_weight(
            shape=(1,) * self.rank + (in_channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint, name="pointwise_kernel",
        )
        self.bias = self._add_bias(self.filters)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._spec_channel_axis: in_channels})
        self.built = True

    def call(self, inputs):
        x = inputs if self._to_cf is None else inputs.permute(self._to_cf)
        x, padding = self._padded(x)
        depthwise = self.depthwise_kernel.reshape(*self.kernel_size, 1, -1).permute(self._kernel_order)
        try:
            x = self._conv(x, depthwise, None, self.strides, padding, self.dilation_rate, x.shape[1])
        except RuntimeError:
            self.compute_output_shape(tuple(inputs.shape))
            raise
        pointwise = self.pointwise_kernel.reshape(-1, self.filters)
        if self._to_cl is not None:  # channels last: the pointwise step is a matmul over the channel axis
            out = F.linear(x.permute(self._to_cl), pointwise.t(), self.bias)
        else:
            out = self._conv(x, pointwise.t().reshape(self.filters, -1, *(1,) * self.rank), self.bias)
        return out if self.activation is activations.linear else self.activation(out)

    def get_config(self):
        config = super().get_config()
        for key in ("groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            del config[key]
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "pointwise_constraint": constraints.serialize(self.pointwise_constraint),
        })
        return config


_ARGS = """
    Args:
        filters: output channels of the pointwise step.
        kernel_size, strides, padding ('valid'/'same'), data_format, dilation_rate: of the
            depthwise step, as :class:`Conv2D`.
        depth_multiplier: depthwise filters per input channel.
        activation, use_bias: as :class:`Conv2D`.
        depthwise_initializer, pointwise_initializer, bias_initializer, depthwise_regularizer,
        pointwise_regularizer, bias_regularizer, activity_regularizer, depthwise_constraint,
        pointwise_constraint, bias_constraint: as in Keras.
"""


@registry.register()
class SeparableConv1D(BaseSeparableConv):
    """Depthwise-separable 1-D convolution over ``(batch, steps, channels)``.

    Example:
        >>> SeparableConv1D(8, 3, padding="same")(torch.ones(2, 10, 4)).shape
        torch.Size([2, 10, 8])
    """

    __doc__ += _ARGS

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, data_format, dilation_rate, depth_multiplier,
                         activation, use_bias, depthwise_initializer, pointwise_initializer, bias_initializer,
                         depthwise_regularizer, pointwise_regularizer, bias_regularizer, activity_regularizer,
                         depthwise_constraint, pointwise_constraint, bias_constraint, **kwargs)


@registry.register()
class SeparableConv2D(BaseSeparableConv):
    """Depthwise-separable 2-D convolution (Xception's building block): fewer weights than ``Conv2D``.

    Example:
        >>> layer = SeparableConv2D(64, 3, activation="relu")
        >>> _ = layer(torch.ones(1, 10, 10, 32)); layer.count_params()
        2400
    """

    __doc__ += _ARGS

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1),
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, data_format, dilation_rate, depth_multiplier,
                         activation, use_bias, depthwise_initializer, pointwise_initializer, bias_initializer,
                         depthwise_regularizer, pointwise_regularizer, bias_regularizer, activity_regularizer,
                         depthwise_constraint, pointwise_constraint, bias_constraint, **kwargs)
