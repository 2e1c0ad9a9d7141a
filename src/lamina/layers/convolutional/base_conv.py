"""``BaseConv``: the N-D convolution shared by ``Conv1D``/``Conv2D``/``Conv3D`` and their variants.

The kernel keeps Keras's shape ``(*kernel_size, in_channels // groups, filters)`` so
``get_weights``/``set_weights`` exchange arrays with Keras one to one. A call permutes
the channels-last input to torch's ``(batch, channels, *spatial)`` *view* (no copy;
torch's channels-last kernels run on it), permutes the kernel to ``(filters, in, *k)``
(also a view), runs ``F.conv{1,2,3}d`` with the bias fused, and permutes the result
back (a view again, still channels-last in memory). A channels-last ``Conv1D`` runs as
a 2-D convolution over a unit height: torch has no channels-last layout for 3-D
tensors, so ``F.conv1d`` would copy the ``(batch, channels, time)`` view into a
contiguous one first, while the 4-D view *is* channels-last (on the book's text
convnet this takes the first convolution's forward and backward pass from 150 ms to
109 ms per batch).

Example:
    >>> from lamina.layers.convolutional.conv import Conv2D
    >>> layer = Conv2D(8, 3, padding="same")
    >>> y = layer(torch.ones(2, 5, 5, 3))
    >>> y.shape, tuple(layer.kernel.shape), y.is_contiguous()
    (torch.Size([2, 5, 5, 8]), (3, 3, 3, 8), True)
"""
import torch.nn.functional as F

from lamina import activations, constraints, initializers, regularizers
from lamina.layers.convolutional import conv_utils
from lamina.layers.convolutional.spatial_layer import SpatialLayer
from lamina.layers.input_spec import InputSpec

TORCH_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


class BaseConv(SpatialLayer):
    """N-D convolution with Keras's arguments (see :class:`~lamina.layers.Conv2D` for their meaning).

    Example:
        >>> layer = BaseConv(1, 4, 3, padding="causal")
        >>> layer(torch.ones(1, 10, 2)).shape
        torch.Size([1, 10, 4])
    """

    _allows_causal = True  # Conv1D's padding='causal'

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank, data_format, activity_regularizer=activity_regularizer, **kwargs)
        owner = self._label
        self.filters = conv_utils.positive_int(filters, "filters", owner) if filters is not None else None
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, rank, "kernel_size", owner)
        self.strides = conv_utils.normalize_tuple(strides, rank, "strides", owner)
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, rank, "dilation_rate", owner)
        choices = ("valid", "same", "causal") if rank == 1 and self._allows_causal else ("valid", "same")
        self.padding = conv_utils.normalize_choice(padding, choices, "padding", owner)
        self.groups = conv_utils.positive_int(groups, "groups", owner)
        if self.filters is not None and self.filters % self.groups:
            raise ValueError(f"{owner}: filters ({self.filters}) must be divisible by groups ({self.groups})")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{owner}: strides > 1 cannot be combined with dilation_rate > 1; received "
                f"strides={self.strides}, dilation_rate={self.dilation_rate}"
            )
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._conv = TORCH_CONV[rank]
        self._as_2d = rank == 1 and self._to_cf is not None
        self._kernel_order = (rank + 1, rank) + tuple(range(rank))  # (*k, in, out) -> (out, in, *k)
        self._set_padding()

    def _set_padding(self):
        """Precompute what does not depend on the input size: torch's padding, or an explicit pad."""
        self._torch_padding = 0
        self._pad = None  # F.pad list applied before the convolution
        self._pad_per_call = False  # 'same' with strides > 1: the pad depends on the input size
        if self.padding == "causal":
            self._pad = [(self.kernel_size[0] - 1) * self.dilation_rate[0], 0]
        elif self.padding == "same":
            if max(self.strides) > 1:
                self._pad_per_call = True
                return
            pads = [conv_utils.same_padding(1, k, 1, d) for k, d in zip(self.kernel_size, self.dilation_rate)]
            if all(a == b for a, b in pads):
                self._torch_padding = tuple(a for a, _ in pads)
            else:
                self._pad = conv_utils.flat_pad(pads)

    def _padded(self, x):
        """``x`` (channels first) and torch's padding argument, after any explicit padding."""
        if self._pad is not None:
            return F.pad(x, self._pad), 0
        if self._pad_per_call:
            pads = [conv_utils.same_padding(n, k, s, d)
                    for n, k, s, d in zip(x.shape[2:], self.kernel_size, self.strides, self.dilation_rate)]
            if all(a == b for a, b in pads):
                return x, tuple(a for a, _ in pads)
            return F.pad(x, conv_utils.flat_pad(pads)), 0
        return x, self._torch_padding

    def build(self, input_shape):
        in_channels = self._channels(input_shape)
        if in_channels % self.groups:
            raise ValueError(
                f"{self._label}: the input channels ({in_channels}) must be divisible by groups ({self.groups}); "
                f"received input shape {tuple(input_shape)}"
            )
        self.compute_output_shape(input_shape)  # validates the spatial sizes
        self.kernel = self.add_weight(
            shape=self.kernel_size + (in_channels // self.groups, self.filters), initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint, name="kernel",
        )
        self.bias = self._add_bias(self.filters)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._spec_channel_axis: in_channels})
        self.built = True

    def _add_bias(self, size):
        if not self.use_bias:
            return None
        return self.add_weight(shape=(size,), initializer=self.bias_initializer, regularizer=self.bias_regularizer,
                               constraint=self.bias_constraint, name="bias")

    def _torch_kernel(self):
        return self.kernel.permute(self._kernel_order)

    def call(self, inputs):
        x = inputs if self._to_cf is None else inputs.permute(self._to_cf)
        x, padding = self._padded(x)
        try:
            if self._as_2d:
                out = F.conv2d(x.unsqueeze(2), self._torch_kernel().unsqueeze(2), self.bias, (1,) + self.strides,
                               (0,) + tuple(padding) if padding else 0, (1,) + self.dilation_rate,
                               self.groups).squeeze(2)
            else:
                out = self._conv(x, self._torch_kernel(), self.bias, self.strides, padding, self.dilation_rate,
                                 self.groups)
        except RuntimeError:
            self.compute_output_shape(tuple(inputs.shape))  # raises a clear error when the window does not fit
            raise
        if self._to_cl is not None:
            out = out.permute(self._to_cl)
        return out if self.activation is activations.linear else self.activation(out)

    def _output_spatial(self, input_shape):
        return [conv_utils.conv_output_length(input_shape[a], k, s, self.padding, d)
                for a, k, s, d in zip(self._spatial, self.kernel_size, self.strides, self.dilation_rate)]

    def compute_output_shape(self, input_shape):
        input_shape = self._check_rank(input_shape)
        output_shape = self._with_spatial(input_shape, self._output_spatial(input_shape),
                                          self._output_channels(input_shape))
        conv_utils.check_output_size(self._label, input_shape, output_shape, self._spatial, self.padding,
                                     kernel_size=self.kernel_size, dilation_rate=self.dilation_rate)
        return output_shape

    def _output_channels(self, input_shape):
        return self.filters

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config
