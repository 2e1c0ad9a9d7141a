"""``ConvLSTM1D/2D/3D``: LSTMs whose input and recurrent transformations are convolutions (Shi et al., 2015).

Example:
    >>> layer = ConvLSTM2D(filters=4, kernel_size=3, padding="same", return_sequences=True)
    >>> layer(torch.ones(2, 5, 8, 8, 3)).shape
    torch.Size([2, 5, 8, 8, 4])
"""
import math

import torch

from lamina import activations, constraints, initializers, ops, regularizers
from lamina.core import config, registry
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.rnn._common import DropoutRNNCell, check_dropout, raw_activation
from lamina.layers.rnn.lstm import _UnitForgetBias
from lamina.layers.rnn.rnn import RNN


def _tuple(value, rank, name, owner):
    values = (value,) * rank if isinstance(value, int) else tuple(value)
    if len(values) != rank or not all(isinstance(v, int) and v > 0 for v in values):
        raise ValueError(f"{owner}: {name} must be an int or a tuple of {rank} positive ints; received {name}={value!r}")
    return values


def _output_size(size, kernel, stride, padding, dilation):
    if padding == "same":
        return math.ceil(size / stride)
    return (size - dilation * (kernel - 1) - 1) // stride + 1


@registry.register()
class ConvLSTMCell(DropoutRNNCell, Layer):
    """One step of a convolutional LSTM (Keras's gate order ``i, f, c, o``, kernels ``(*kernel_size, in, 4 * filters)``).

    Args:
        rank: 1, 2 or 3 spatial dimensions.
        filters, kernel_size, strides, padding (``'valid'``/``'same'``), data_format, dilation_rate:
            of the input convolution (the recurrent one uses stride 1 and ``'same'``).
        activation, recurrent_activation, use_bias, initializers, unit_forget_bias, regularizers,
        constraints, dropout, recurrent_dropout, seed: as :class:`~lamina.layers.LSTMCell`.

    Example:
        >>> cell = ConvLSTMCell(2, filters=3, kernel_size=3, padding="same")
        >>> h0 = [torch.zeros(1, 5, 5, 3), torch.zeros(1, 5, 5, 3)]
        >>> out, (h, c) = cell(torch.ones(1, 5, 5, 2), h0)
        >>> out.shape
        torch.Size([1, 5, 5, 3])
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        owner = self._label
        if rank not in (1, 2, 3):
            raise ValueError(f"{owner}: rank must be 1, 2 or 3; received rank={rank!r}")
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"{owner}: filters must be a positive integer; received filters={filters!r}")
        self.rank, self.filters = rank, filters
        self.kernel_size = _tuple(kernel_size, rank, "kernel_size", owner)
        self.strides = _tuple(strides, rank, "strides", owner)
        self.dilation_rate = _tuple(dilation_rate, rank, "dilation_rate", owner)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{owner}: strides > 1 cannot be combined with dilation_rate > 1; received "
                             f"strides={self.strides}, dilation_rate={self.dilation_rate}")
        padding = padding.lower() if isinstance(padding, str) else padding
        if padding not in ("valid", "same"):
            raise ValueError(f"{owner}: padding must be 'valid' or 'same'; received padding={padding!r}")
        self.padding = padding
        self.data_format = config.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = check_dropout(dropout, "dropout", owner)
        self.recurrent_dropout = check_dropout(recurrent_dropout, "recurrent_dropout", owner)
        self.seed = seed
        self.dropout_mask_count = 4
        self._spatial = None

    @property
    def state_size(self):
        return [self.filters, self.filters]

    @property
    def output_size(self):
        return None

    def _channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def build(self, input_shape):
        channels_last = self.data_format == "channels_last"
        spatial = tuple(input_shape[1:-1] if channels_last else input_shape[2:])
        channels = input_shape[-1] if channels_last else input_shape[1]
        if None in spatial or channels is None:
            raise ValueError(f"{self._label} needs known spatial and channel sizes; received input shape "
                             f"{tuple(input_shape)}")
        self._spatial, self.input_dim = spatial, channels
        self.kernel = self.add_weight(shape=self.kernel_size + (channels, 4 * self.filters),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.recurrent_kernel = self.add_weight(shape=self.kernel_size + (self.filters, 4 * self.filters),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint, name="recurrent_kernel")
        if self.use_bias:
            initial = _UnitForgetBias(self.bias_initializer, self.filters) if self.unit_forget_bias \
                else self.bias_initializer
            self.bias = self.add_weight(shape=(4 * self.filters,), initializer=initial,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        name="bias")
        else:
            self.bias = None
        self.built = True

    def state_shape(self):
        """Shape of ``h`` and ``c`` without the batch axis."""
        spatial = tuple(_output_size(s, k, st, self.padding, d) for s, k, st, d in
                        zip(self._spatial, self.kernel_size, self.strides, self.dilation_rate))
        return spatial + (self.filters,) if self.data_format == "channels_last" else (self.filters,) + spatial

    def get_initial_state(self, batch_size=None):
        shape = (batch_size,) + self.state_shape()
        return [torch.zeros(shape, dtype=self.kernel.dtype, device=self.kernel.device) for _ in range(2)]

    def _bias_view(self, bias):
        if self.data_format == "channels_last":
            return bias
        return bias.reshape((-1,) + (1,) * self.rank)

    def _input_conv(self, x, masks):
        """Input convolution of ``x`` (any leading batch-like axes merged), all gates, bias added."""
        lead = x.shape[:-(self.rank + 1)]
        flat = x.reshape((-1,) + tuple(x.shape[len(lead):]))
        conv = lambda inp, k: ops.conv(inp, k, strides=self.strides, padding=self.padding,  # noqa: E731
                                       data_format=self.data_format, dilation_rate=self.dilation_rate)
        if masks is None:
            out = conv(flat, self.kernel)
        else:
            blocks = self.kernel.chunk(4, dim=-1)
            parts = [conv((x * m).reshape(flat.shape), k) for m, k in zip(masks, blocks)]
            out = torch.cat(parts, dim=self._channel_axis())
        if self.bias is not None:
            out = out + self._bias_view(self.bias)
        return out.reshape(tuple(lead) + tuple(out.shape[1:]))

    def _step(self, projected, states, recurrent_masks):
        h, c = states[0], states[1]
        conv = lambda inp, k: ops.conv(inp, k, strides=1, padding="same",  # noqa: E731
                                       data_format=self.data_format)
        axis = self._channel_axis()
        if recurrent_masks is None:
            recurrent = conv(h, self.recurrent_kernel)
        else:
            recurrent = torch.cat([conv(h * m, k) for m, k in
                                   zip(recurrent_masks, self.recurrent_kernel.chunk(4, dim=-1))], dim=axis)
        i, f, g, o = (projected + recurrent).chunk(4, dim=axis)
        gate, act = raw_activation(self.recurrent_activation), raw_activation(self.activation)
        c = gate(f) * c + gate(i) * act(g)
        h = gate(o) * act(c)
        return h, [h, c]

    def call(self, inputs, states, training=False):
        input_masks = self.get_dropout_mask(inputs) if training else None
        recurrent_masks = self.get_recurrent_dropout_mask(states[0]) if training else None
        return self._step(self._input_conv(inputs, input_masks), list(states), recurrent_masks)

    def sequence_runner(self, inputs, training=False):
        """``(projected, step)`` for time-major inputs ``(time, batch, *spatial, channels)`` (see GatedCell)."""
        input_masks = recurrent_masks = None
        if training and self.dropout:
            input_masks = self.dropout_masks(inputs[0], self.dropout, 4)
        if training and self.recurrent_dropout:
            like = inputs.new_empty((inputs.shape[1],) + self.state_shape())
            recurrent_masks = self.dropout_masks(like, self.recurrent_dropout, 4)
        projected = self._input_conv(inputs, input_masks)

        def step(projected_t, states):
            return self._step(projected_t, states, recurrent_masks)

        return projected, step

    def get_config(self):
        base = super().get_config()
        base.update({
            "rank": self.rank, "filters": self.filters, "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "data_format": self.data_format, "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation), "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed,
        })
        return base


_RNN_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll", "zero_output_for_mask")


class ConvLSTM(RNN):
    """Base of ConvLSTM1D/2D/3D: a :class:`ConvLSTMCell` run over ``(batch, time, *spatial, channels)``."""

    rank = None

    def __init__(self, filters, kernel_size, **kwargs):
        rnn_kwargs = {k: kwargs.pop(k) for k in _RNN_ARGS if k in kwargs}
        layer_kwargs = {k: kwargs.pop(k) for k in ("name", "dtype", "trainable", "input_shape", "batch_input_shape",
                                                   "batch_size", "activity_regularizer", "weights")
                        if k in kwargs}
        cell = ConvLSTMCell(self.rank, filters, kernel_size, dtype=layer_kwargs.get("dtype"),
                            trainable=layer_kwargs.get("trainable", True), name="conv_lstm_cell", **kwargs)
        super().__init__(cell, **rnn_kwargs, **layer_kwargs)
        self.input_spec = InputSpec(ndim=self.rank + 3)
        self._expected_layout = "(batch, time, " + ", ".join(["spatial"] * self.rank) + ", channels)" \
            if cell.data_format == "channels_last" else "(batch, time, channels, " + \
            ", ".join(["spatial"] * self.rank) + ")"

    def compute_output_spec(self, sequences, initial_state=None, mask=None, training=None):
        from lamina.core.symbolic import KerasTensor

        if isinstance(sequences, (list, tuple)):
            sequences = sequences[0]
        batch, steps = sequences.shape[0], sequences.shape[1]
        state = self.cell.state_shape()
        shape = (batch, steps) + state if self.return_sequences else (batch,) + state
        output = KerasTensor(shape, dtype=self.compute_dtype)
        if self.return_state:
            return (output,) + tuple(KerasTensor((batch,) + state, dtype=self.compute_dtype) for _ in range(2))
        return output

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell = {k: v for k, v in self.cell.get_config().items() if k not in ("name", "trainable", "dtype", "rank")}
        config.update(cell)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


@registry.register()
class ConvLSTM1D(ConvLSTM):
    """1-D convolutional LSTM over ``(batch, time, steps, channels)``.

    Example:
        >>> ConvLSTM1D(4, 3)(torch.ones(2, 5, 10, 3)).shape
        torch.Size([2, 8, 4])
    """

    rank = 1


@registry.register()
class ConvLSTM2D(ConvLSTM):
    """2-D convolutional LSTM over ``(batch, time, rows, cols, channels)`` (e.g. video frames).

    Args: ``filters``, ``kernel_size`` and the arguments of :class:`ConvLSTMCell` and
    :class:`~lamina.layers.RNN`.

    Example:
        >>> ConvLSTM2D(6, (3, 3), strides=2, padding="same")(torch.ones(1, 3, 8, 8, 2)).shape
        torch.Size([1, 4, 4, 6])
    """

    rank = 2


@registry.register()
class ConvLSTM3D(ConvLSTM):
    """3-D convolutional LSTM over ``(batch, time, depth, rows, cols, channels)``.

    Example:
        >>> ConvLSTM3D(2, 3, padding="same")(torch.ones(1, 2, 4, 4, 4, 1)).shape
        torch.Size([1, 4, 4, 4, 2])
    """

    rank = 3
