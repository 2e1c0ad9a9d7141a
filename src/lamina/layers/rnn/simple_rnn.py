"""``SimpleRNNCell`` and ``SimpleRNN``: ``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``.

Example:
    >>> layer = SimpleRNN(4, return_sequences=True)
    >>> layer(torch.ones(2, 5, 3)).shape
    torch.Size([2, 5, 4])
"""
import torch

from lamina.core import registry
from lamina.layers.rnn._common import raw_activation
from lamina.layers.rnn.base_cell import GatedCell
from lamina.layers.rnn.builtin import CellLayer


@registry.register()
class SimpleRNNCell(GatedCell):
    """One step of a fully connected recurrent layer (weights ``kernel``, ``recurrent_kernel``, ``bias``).

    Args:
        units: size of the output and of the state.
        activation: default ``'tanh'``.
        use_bias, kernel_initializer (``glorot_uniform``), recurrent_initializer (``orthogonal``),
        bias_initializer, *_regularizer, *_constraint: as in Keras.
        dropout, recurrent_dropout: fractions of the inputs / states dropped in training
            (one mask per sequence).
        seed: seed of the dropout masks.

    Call: ``cell(inputs, states, training=False)`` with ``inputs`` ``(batch, features)`` and
    ``states`` a list holding ``h`` ``(batch, units)``; returns ``(output, [new_h])``.

    Example:
        >>> cell = SimpleRNNCell(5)
        >>> out, [h] = cell(torch.ones(4, 3), [torch.zeros(4, 5)])
        >>> out.shape, bool(torch.equal(out, h))
        (torch.Size([4, 5]), True)
    """

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
                         recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)

    def _step(self, projected, states, recurrent_masks):
        h = states[0]
        if recurrent_masks is not None:
            h = h * recurrent_masks
        output = raw_activation(self.activation)(torch.addmm(projected, h, self.recurrent_kernel))
        return output, [output]


@registry.register()
class SimpleRNN(CellLayer):
    """A fully connected RNN whose output is fed back as the next step's state.

    Args:
        units: output size. The other arguments are :class:`SimpleRNNCell`'s and
            :class:`~lamina.layers.RNN`'s (``return_sequences``, ``return_state``,
            ``go_backwards``, ``stateful``, ``unroll``).

    Example:
        >>> SimpleRNN(32)(torch.ones(2, 7, 8)).shape
        torch.Size([2, 32])
    """

    cell_class = SimpleRNNCell
    cell_name = "simple_rnn_cell"

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=False, unroll=False,
                 **kwargs):
        cell_kwargs = dict(
            units=units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed)
        super().__init__(cell_kwargs, dict(
            kwargs, activity_regularizer=activity_regularizer, return_sequences=return_sequences,
            return_state=return_state, go_backwards=go_backwards, stateful=stateful, unroll=unroll))
