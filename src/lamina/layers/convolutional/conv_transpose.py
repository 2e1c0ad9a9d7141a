"""``Conv1DTranspose``, ``Conv2DTranspose``, ``Conv3DTranspose``: learned upsampling (the gradient of a convolution).

The kernel has Keras's shape ``(*kernel_size, filters, in_channels)``. Output size per
axis, as Keras: ``size * stride`` for ``'same'`` and ``(size - 1) * stride + max(kernel, stride)``
for ``'valid'``; ``output_padding`` replaces the default extra positions at the end.

Example:
    >>> layer = Conv2DTranspose(8, 3, strides=2, padding="same")
    >>> layer(torch.ones(1, 4, 4, 3)).shape, tuple(layer.kernel.shape)
    (torch.Size([1, 8, 8, 8]), (3, 3, 8, 3))
"""
import torch.nn.functional as F

from lamina import activations
from lamina.core import registry
from lamina.layers.convolutional import conv_utils
from lamina.layers.convolutional.base_conv import BaseConv
from lamina.layers.input_spec import InputSpec

TORCH_CONV_TRANSPOSE = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def transpose_crops(kernel_size, stride, dilation, padding, output_padding):
    """``(crop_before, crop_after)`` of torch's full transposed output ``(size - 1) * stride + k_eff``.

    Keras's output window on one axis: ``'valid'`` keeps the full output plus
    ``output_padding`` positions (default ``max(stride - k_eff, 0)``) at the end; ``'same'``
    keeps ``size * stride`` positions (``(size - 1) * stride + k_eff % 2 + output_padding``
    with an explicit ``output_padding``), the odd one taken from the end. Negative crops
    are positions appended beyond the full output (zeros before the bias).

    Example:
        >>> transpose_crops(3, 2, 1, "same", None), transpose_crops(2, 3, 1, "valid", None)
        ((0, 1), (0, -1))
    """
    effective = (kernel_size - 1) * dilation + 1
    if padding == "valid":
        extra = max(stride - effective, 0) if output_padding is None else output_padding
        return 0, -extra
    if output_padding is None:
        total = stride + effective - 2
    else:
        total = effective + effective % 2 - 2 + output_padding
    before = min(total // 2 + total % 2, effective - 1)  # Keras's padding of the dilated input
    return effective - 1 - before, effective - 1 - (total - before)


def transpose_output_length(size, kernel_size, stride, padding, output_padding, dilation):
    """Keras's output length of a transposed convolution along one axis (``None`` stays ``None``).

    Example:
        >>> transpose_output_length(4, 3, 2, "same", None, 1), transpose_output_length(4, 3, 2, "valid", None, 1)
        (8, 9)
    """
    if size is None:
        return None
    before, after = transpose_crops(kernel_size, stride, dilation, padding, output_padding)
    return (size - 1) * stride + (kernel_size - 1) * dilation + 1 - before - after


class BaseConvTranspose(BaseConv):
    """Transposed convolution of any rank (see :class:`Conv2DTranspose`).

    Example:
        >>> BaseConvTranspose(1, 2, 3, strides=2)(torch.ones(1, 4, 1)).shape
        torch.Size([1, 9, 2])
    """

    _allows_causal = False

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = conv_utils.normalize_tuple(output_padding, rank, "output_padding", self._label,
                                                             allow_zero=True)
            if any(p >= s for p, s in zip(self.output_padding, self.strides)):
                raise ValueError(
                    f"{self._label}: output_padding must be smaller than strides on every axis; received "
                    f"output_padding={self.output_padding}, strides={self.strides}"
                )
        self._conv = TORCH_CONV_TRANSPOSE[rank]
        padding_per_axis = self.output_padding or (None,) * rank
        self._crops = [transpose_crops(k, s, d, self.padding, p) for k, s, d, p in
                       zip(self.kernel_size, self.strides, self.dilation_rate, padding_per_axis)]
        # torch crops `pad` on both sides and then gives back `extra` (< stride or dilation) at the end
        self._torch_pad = tuple(before for before, _ in self._crops)
        self._torch_extra = tuple(before - after for before, after in self._crops)
        self._torch_expressible = all(
            p >= 0 and 0 <= e < max(s, d)
            for p, e, s, d in zip(self._torch_pad, self._torch_extra, self.strides, self.dilation_rate))

    def _set_padding(self):
        pass  # transposed convolutions crop their output instead (see transpose_crops)

    def build(self, input_shape):
        in_channels = self._channels(input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, in_channels), initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint, name="kernel",
        )
        self.bias = self._add_bias(self.filters)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._spec_channel_axis: in_channels})
        self.built = True

    def call(self, inputs):
        x = inputs if self._to_cf is None else inputs.permute(self._to_cf)
        weight = self.kernel.permute(self._kernel_order)  # (*k, out, in) -> (in, out, *k)
        if self._torch_expressible:
            out = self._conv(x, weight, self.bias, self.strides, self._torch_pad, self._torch_extra, 1,
                             self.dilation_rate)
        else:  # crops torch cannot express: the full output, cropped and zero-extended
            out = self._conv(x, weight, None, self.strides, 0, 0, 1, self.dilation_rate)
            index = (slice(None), slice(None)) + tuple(
                slice(max(before, 0), out.shape[2 + i] - max(after, 0))
                for i, (before, after) in enumerate(self._crops))
            out = F.pad(out[index], conv_utils.flat_pad([(max(-b, 0), max(-a, 0)) for b, a in self._crops]))
            if self.bias is not None:
                out = out + self.bias.reshape(-1, *(1,) * self.rank)
        if self._to_cl is not None:
            out = out.permute(self._to_cl)
        return out if self.activation is activations.linear else self.activation(out)

    def _output_spatial(self, input_shape):
        padding = self.output_padding or (None,) * self.rank
        return [transpose_output_length(input_shape[a], k, s, self.padding, p, d)
                for a, k, s, p, d in zip(self._spatial, self.kernel_size, self.strides, padding, self.dilation_rate)]

    def get_config(self):
        config = super().get_config()
        del config["groups"]
        config["output_padding"] = self.output_padding
        return config


_ARGS = """
    Args:
        filters: output channels.
        kernel_size, strides, dilation_rate, data_format, activation, use_bias, initializers,
        regularizers and constraints: as :class:`Conv2D`.
        padding: ``'valid'`` or ``'same'`` (output ``size * stride``).
        output_padding: an int or tuple (each smaller than the stride): the positions added at
            the end of each axis instead of the default.
"""


@registry.register()
class Conv1DTranspose(BaseConvTranspose):
    """Transposed 1-D convolution over ``(batch, steps, channels)``.

    Example:
        >>> Conv1DTranspose(4, 3, strides=2, padding="same")(torch.ones(1, 5, 2)).shape
        torch.Size([1, 10, 4])
    """

    __doc__ += _ARGS

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, output_padding, data_format, dilation_rate,
                         activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint, **kwargs)


@registry.register()
class Conv2DTranspose(BaseConvTranspose):
    """Transposed 2-D convolution ("deconvolution"), e.g. the upsampling path of a U-Net.

    Example:
        >>> Conv2DTranspose(16, 2, strides=2)(torch.ones(1, 8, 8, 32)).shape
        torch.Size([1, 16, 16, 16])
    """

    __doc__ += _ARGS

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None, data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, output_padding, data_format, dilation_rate,
                         activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint, **kwargs)


@registry.register()
class Conv3DTranspose(BaseConvTranspose):
    """Transposed 3-D convolution over ``(batch, depth, height, width, channels)``.

    Example:
        >>> Conv3DTranspose(2, 2, strides=2)(torch.ones(1, 3, 3, 3, 4)).shape
        torch.Size([1, 6, 6, 6, 2])
    """

    __doc__ += _ARGS

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(3, filters, kernel_size, strides, padding, output_padding, data_format, dilation_rate,
                         activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint, **kwargs)
