"""``LSTMCell`` and ``LSTM`` (Keras's gate order ``i, f, c, o``), with the fused-kernel fast path.

Example:
    >>> layer = LSTM(8)
    >>> layer(torch.ones(2, 10, 3)).shape, tuple(layer.cell.kernel.shape)
    (torch.Size([2, 8]), (3, 32))
"""
import torch

from lamina import activations
from lamina.core import registry
from lamina.layers.rnn import fused
from lamina.layers.rnn._common import raw_activation
from lamina.layers.rnn.base_cell import GatedCell
from lamina.layers.rnn.builtin import CellLayer

_TANH = (activations.tanh, torch.tanh)
_SIGMOID = (activations.sigmoid, torch.sigmoid)


def check_use_cudnn(value, owner):
    """``use_cudnn`` must be ``'auto'``, ``True`` or ``False`` (it selects lamina's fused kernels)."""
    if value not in ("auto", True, False):
        raise ValueError(f"{owner}: use_cudnn must be 'auto', True or False; received use_cudnn={value!r}")
    return value


def fused_kernel_applies(layer):
    """True when Keras's cuDNN conditions hold, so the fused torch kernel computes the same function.

    Raises if ``use_cudnn=True`` was requested but the configuration rules it out.
    """
    cell = layer.cell
    applies = (cell.activation in _TANH and cell.recurrent_activation in _SIGMOID and cell.use_bias
               and not cell.recurrent_dropout and not layer.unroll and getattr(cell, "reset_after", True))
    if layer.use_cudnn is False:
        return False
    if layer.use_cudnn is True and not applies:
        raise ValueError(
            f"{layer._label}: use_cudnn=True, but the fused kernel needs activation='tanh', "
            "recurrent_activation='sigmoid', use_bias=True, recurrent_dropout=0, unroll=False"
            + (" and reset_after=True" if hasattr(cell, "reset_after") else "")
            + "; pass use_cudnn='auto' to fall back to the step loop"
        )
    return applies


def dropped_inputs(layer, sequences, training):
    """``sequences`` times the cell's input dropout mask (one mask per sequence, as Keras's fast path)."""
    cell = layer.cell
    if not training or not cell.dropout:
        return sequences
    mask = cell.dropout_masks(sequences[:, 0], cell.dropout, 1)[0]
    return sequences * mask.unsqueeze(1)


class _UnitForgetBias:
    """Bias initializer: the wrapped one everywhere except ones for the forget gate (``unit_forget_bias``)."""

    def __init__(self, base, units):
        self.base, self.units = base, units

    def __call__(self, shape, dtype=None):
        u = self.units
        parts = [self.base((u,), dtype=dtype), torch.ones(u), self.base((2 * u,), dtype=dtype)]
        return torch.cat([torch.as_tensor(p, dtype=torch.float32) for p in parts])


@registry.register()
class LSTMCell(GatedCell):
    """One step of a long short-term memory layer; states ``[h, c]``.

    ``z = x @ kernel + h @ recurrent_kernel + bias`` split into ``i, f, c, o``;
    ``c' = sigmoid(f) * c + sigmoid(i) * tanh(c~)``, ``h' = sigmoid(o) * tanh(c')``
    (``activation`` and ``recurrent_activation`` replace tanh and sigmoid).

    Args:
        units: size of ``h`` and ``c``.
        activation ('tanh'), recurrent_activation ('sigmoid'), use_bias, kernel_initializer,
        recurrent_initializer, bias_initializer, unit_forget_bias (forget-gate bias starts at 1),
        *_regularizer, *_constraint, dropout, recurrent_dropout, seed: as in Keras.

    Example:
        >>> cell = LSTMCell(5)
        >>> out, (h, c) = cell(torch.ones(4, 3), [torch.zeros(4, 5), torch.zeros(4, 5)])
        >>> out.shape, c.shape
        (torch.Size([4, 5]), torch.Size([4, 5]))
    """

    gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        kwargs.pop("implementation", None)
        super().__init__(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
                         recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)

    @property
    def state_size(self):
        return [self.units, self.units]

    def _bias_initial(self):
        if self.unit_forget_bias:
            return _UnitForgetBias(self.bias_initializer, self.units)
        return self.bias_initializer

    def _step(self, projected, states, recurrent_masks):
        h, c = states[0], states[1]
        if recurrent_masks is None:
            z = torch.addmm(projected, h, self.recurrent_kernel)
        else:
            z = projected + self._recurrent(h, recurrent_masks, self.recurrent_kernel)
        i, f, g, o = z.chunk(4, 1)
        gate, act = raw_activation(self.recurrent_activation), raw_activation(self.activation)
        c = gate(f) * c + gate(i) * act(g)
        h = gate(o) * act(c)
        return h, [h, c]

    def get_config(self):
        config = super().get_config()
        config.update({"recurrent_activation": activations.serialize(self.recurrent_activation),
                       "unit_forget_bias": self.unit_forget_bias})
        return config


@registry.register()
class LSTM(CellLayer):
    """Long short-term memory layer (Hochreiter & Schmidhuber, 1997).

    Runs on PyTorch's fused LSTM kernel when Keras's cuDNN conditions hold (tanh and
    sigmoid activations, ``use_bias``, no ``recurrent_dropout``, no ``unroll``), including
    masked sequences whose valid steps are contiguous (padding at one end); otherwise on a
    step loop. Both compute the same numbers. ``use_cudnn=False`` forces the loop.

    Args:
        units: output size. Other arguments as :class:`LSTMCell` and :class:`~lamina.layers.RNN`.

    Example:
        >>> output, h, c = LSTM(4, return_state=True)(torch.ones(2, 6, 3))
        >>> bool(torch.equal(output, h))
        True
    """

    cell_class = LSTMCell
    cell_name = "lstm_cell"
    _compiles_per_timestep = False  # one oneDNN operation in compiled steps (see lamina.layers.rnn.fused)

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, use_cudnn="auto", **kwargs):
        cell_kwargs = dict(
            units=units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed)
        super().__init__(cell_kwargs, dict(
            kwargs, activity_regularizer=activity_regularizer, return_sequences=return_sequences,
            return_state=return_state, go_backwards=go_backwards, stateful=stateful, unroll=unroll))
        self.use_cudnn = check_use_cudnn(use_cudnn, self._label)

    def inner_loop(self, sequences, initial_state, mask, training):
        if fused_kernel_applies(self):
            cell = self.cell
            result = fused.lstm(dropped_inputs(self, sequences, training), initial_state[0], initial_state[1],
                                cell.kernel, cell.recurrent_kernel, cell.bias, mask, self.go_backwards,
                                self.return_sequences, self.zero_output_for_mask)
            if result is not None:
                return result
        return super().inner_loop(sequences, initial_state, mask, training)
