"""``GRUCell`` and ``GRU`` (Keras's gate order ``z, r, h``; ``reset_after`` as in Keras 3), with the fused fast path.

Example:
    >>> layer = GRU(8)
    >>> layer(torch.ones(2, 10, 3)).shape, tuple(layer.cell.bias.shape)
    (torch.Size([2, 8]), (2, 24))
"""
import torch

from lamina import activations
from lamina.core import registry
from lamina.layers.rnn import fused
from lamina.layers.rnn._common import raw_activation
from lamina.layers.rnn.base_cell import GatedCell
from lamina.layers.rnn.builtin import CellLayer
from lamina.layers.rnn.lstm import check_use_cudnn, dropped_inputs, fused_kernel_applies


@registry.register()
class GRUCell(GatedCell):
    """One step of a gated recurrent unit; state ``[h]``.

    ``z = sigmoid(x W_z + h U_z + b_z)``, ``r = sigmoid(x W_r + h U_r + b_r)``,
    ``h~ = tanh(x W_h + r * (h U_h + b'_h))`` (``reset_after=True``, Keras 3's default and
    the cuDNN formulation, with a ``(2, 3 * units)`` bias: input row, recurrent row) or
    ``h~ = tanh(x W_h + (r * h) U_h + b_h)`` (``reset_after=False``, a ``(3 * units,)`` bias);
    ``h' = z * h + (1 - z) * h~``.

    Args:
        units, activation ('tanh'), recurrent_activation ('sigmoid'), use_bias, initializers,
        regularizers, constraints, dropout, recurrent_dropout, reset_after, seed: as in Keras.

    Example:
        >>> cell = GRUCell(5, reset_after=False)
        >>> out, [h] = cell(torch.ones(4, 3), [torch.zeros(4, 5)])
        >>> out.shape, tuple(cell.bias.shape)
        (torch.Size([4, 5]), (15,))
    """

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 reset_after=True, seed=None, **kwargs):
        kwargs.pop("implementation", None)
        super().__init__(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
                         recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _input_bias(self):
        if self.bias is None or not self.reset_after:
            return self.bias
        return self.bias[0]

    def _step(self, projected, states, recurrent_masks):
        h = states[0]
        u = self.units
        gate, act = raw_activation(self.recurrent_activation), raw_activation(self.activation)
        x_z, x_r, x_h = projected.chunk(3, 1)
        if self.reset_after:
            inner = self._recurrent(h, recurrent_masks, self.recurrent_kernel)
            if self.bias is not None:
                inner = inner + self.bias[1]
            r_z, r_r, r_h = inner.chunk(3, 1)
            z = gate(x_z + r_z)
            r = gate(x_r + r_r)
            candidate = act(x_h + r * r_h)
        else:
            kernel = self.recurrent_kernel
            if recurrent_masks is None:
                m_h = None
                r_z, r_r = torch.matmul(h, kernel[:, :2 * u]).chunk(2, 1)
            else:
                m_z, m_r, m_h = recurrent_masks if isinstance(recurrent_masks, (list, tuple)) else [recurrent_masks] * 3
                r_z, r_r = torch.matmul(h * m_z, kernel[:, :u]), torch.matmul(h * m_r, kernel[:, u:2 * u])
            z = gate(x_z + r_z)
            r = gate(x_r + r_r)
            candidate = act(x_h + torch.matmul(r * (h if m_h is None else h * m_h), kernel[:, 2 * u:]))
        h = z * h + (1 - z) * candidate
        return h, [h]

    def get_config(self):
        config = super().get_config()
        config.update({"recurrent_activation": activations.serialize(self.recurrent_activation),
                       "reset_after": self.reset_after})
        return config


@registry.register()
class GRU(CellLayer):
    """Gated recurrent unit layer (Cho et al., 2014).

    Runs on PyTorch's fused GRU kernel when Keras's cuDNN conditions hold (tanh and sigmoid
    activations, ``use_bias``, no ``recurrent_dropout``, no ``unroll``, ``reset_after=True``),
    including masked sequences padded at one end; otherwise on a step loop.

    Args:
        units: output size. Other arguments as :class:`GRUCell` and :class:`~lamina.layers.RNN`.

    Example:
        >>> GRU(32, dropout=0.2, recurrent_dropout=0.2)(torch.ones(2, 12, 14)).shape
        torch.Size([2, 32])
    """

    cell_class = GRUCell
    cell_name = "gru_cell"

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, reset_after=True, use_cudnn="auto", **kwargs):
        cell_kwargs = dict(
            units=units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
            reset_after=reset_after, seed=seed)
        super().__init__(cell_kwargs, dict(
            kwargs, activity_regularizer=activity_regularizer, return_sequences=return_sequences,
            return_state=return_state, go_backwards=go_backwards, stateful=stateful, unroll=unroll))
        self.use_cudnn = check_use_cudnn(use_cudnn, self._label)

    def inner_loop(self, sequences, initial_state, mask, training):
        if fused_kernel_applies(self):
            cell = self.cell
            result = fused.gru(dropped_inputs(self, sequences, training), initial_state[0], cell.kernel,
                               cell.recurrent_kernel, cell.bias, mask, self.go_backwards, self.return_sequences,
                               self.zero_output_for_mask)
            if result is not None:
                return result
        return super().inner_loop(sequences, initial_state, mask, training)
