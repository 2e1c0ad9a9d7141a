"""``GatedCell``: what SimpleRNNCell, LSTMCell and GRUCell share (weights, dropout, config, the step runner).

A built-in cell computes one step as ``_step(_project(x), states)``: the input
projection ``x @ kernel (+ bias)`` does not depend on the state, so a recurrent
layer computes it for all timesteps in one matrix product (:meth:`sequence_runner`)
and only the recurrent part runs per step.

Example:
    >>> from lamina.layers.rnn.simple_rnn import SimpleRNNCell
    >>> cell = SimpleRNNCell(3)
    >>> out, states = cell(torch.ones(2, 4), [torch.zeros(2, 3)])
    >>> out.shape, len(states)
    (torch.Size([2, 3]), 1)
"""
import torch

from lamina import activations, constraints, initializers, regularizers
from lamina.core import tree
from lamina.layers.layer import Layer
from lamina.layers.rnn._common import DropoutRNNCell, check_dropout, check_units


class GatedCell(DropoutRNNCell, Layer):
    """Base of the built-in cells: ``gates`` blocks of ``units`` columns in kernel and recurrent kernel.

    Subclasses set ``gates`` and implement ``_step(projected_t, states, recurrent_masks)``
    returning ``(output, [new states])``; they may override ``_bias_shape``/``_bias_initial``.

    Example:
        >>> from lamina.layers.rnn.lstm import LSTMCell
        >>> LSTMCell(2).state_size
        [2, 2]
    """

    gates = 1

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        owner = f"{type(self).__name__} '{self.name}'"
        self.units = check_units(units, owner)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = check_dropout(dropout, "dropout", owner)
        self.recurrent_dropout = check_dropout(recurrent_dropout, "recurrent_dropout", owner)
        self.seed = seed
        # Keras uses one input mask for all gates, or one per gate once recurrent dropout is on
        self.dropout_mask_count = self.gates if self.recurrent_dropout else 1

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self):
        return self.units

    def _bias_shape(self):
        return (self.gates * self.units,)

    def _bias_initial(self):
        return self.bias_initializer

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"{self._label}: the feature dimension of the inputs must be known; "
                             f"received input shape {tuple(input_shape)}")
        width = self.gates * self.units
        self.kernel = self.add_weight(shape=(input_dim, width), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, width), initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint, name="recurrent_kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=self._bias_shape(), initializer=self._bias_initial(),
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        name="bias")
        else:
            self.bias = None
        self.built = True

    # -- computing ---------------------------------------------------------------------
    def _input_bias(self):
        return self.bias

    def _project(self, inputs, masks):
        """``inputs @ kernel + bias`` for inputs ``(..., features)``, each gate's block with its dropout mask."""
        bias = self._input_bias()
        if masks is None:
            out = torch.matmul(inputs, self.kernel)
        elif not isinstance(masks, (list, tuple)):
            out = torch.matmul(inputs * masks, self.kernel)
        else:
            out = torch.cat([torch.matmul(inputs * m, k) for m, k in zip(masks, self.kernel.chunk(self.gates, 1))],
                            dim=-1)
        return out if bias is None else out + bias

    def _recurrent(self, h, masks, kernel):
        """``h @ kernel``, each gate's block with its own recurrent dropout mask when there are masks."""
        if masks is None:
            return torch.matmul(h, kernel)
        if not isinstance(masks, (list, tuple)):
            return torch.matmul(h * masks, kernel)
        blocks = kernel.chunk(len(masks), 1)
        return torch.cat([torch.matmul(h * m, k) for m, k in zip(masks, blocks)], dim=-1)

    def _step(self, projected, states, recurrent_masks):
        raise NotImplementedError

    def call(self, inputs, states, training=False):
        nested = tree.is_nested(states)
        states = list(states) if nested else [states]
        input_masks = self.get_dropout_mask(inputs) if training else None
        recurrent_masks = self.get_recurrent_dropout_mask(states[0]) if training else None
        output, new_states = self._step(self._project(inputs, input_masks), states, recurrent_masks)
        return output, (new_states if nested else new_states[0])

    def sequence_runner(self, inputs, training=False):
        """``(projected, step)`` for time-major ``inputs`` ``(time, batch, features)``.

        ``projected[t]`` is step ``t``'s input projection and ``step(projected[t], states)``
        returns ``(output, new_states)``; dropout masks are drawn once for the whole sequence.

        Example:
            >>> from lamina.layers.rnn.gru import GRUCell
            >>> cell = GRUCell(2); cell.build((None, 3))
            >>> projected, step = cell.sequence_runner(torch.ones(5, 1, 3))
            >>> projected.shape, step(projected[0], [torch.zeros(1, 2)])[0].shape
            (torch.Size([5, 1, 6]), torch.Size([1, 2]))
        """
        count = self.dropout_mask_count
        input_masks = recurrent_masks = None
        if training and self.dropout:
            input_masks = self.dropout_masks(inputs[0], self.dropout, count)
            input_masks = input_masks[0] if count == 1 else input_masks
        if training and self.recurrent_dropout:
            shape = inputs[0].new_empty((inputs.shape[1], self.units))
            recurrent_masks = self.dropout_masks(shape, self.recurrent_dropout, count)
            recurrent_masks = recurrent_masks[0] if count == 1 else recurrent_masks
        projected = self._project(inputs, input_masks)

        def step(projected_t, states):
            return self._step(projected_t, states, recurrent_masks)

        return projected, step

    def get_initial_state(self, batch_size=None):
        """Zero states, one ``(batch_size, units)`` tensor per entry of ``state_size``."""
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        return [torch.zeros(batch_size, s, dtype=self.kernel.dtype if self.built else None,
                            device=self.kernel.device if self.built else None) for s in sizes]

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        })
        return config
