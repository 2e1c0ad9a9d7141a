"""``RNN``: run a recurrent cell over the time axis (Keras's base of SimpleRNN, LSTM and GRU).

A cell is any object with ``state_size`` and ``call(inputs, states, training)``
returning ``(output, new_states)`` (Keras's cell API). The layer handles the
sequence: initial states (zeros, ``initial_state=`` or the stored states of a
``stateful`` layer), masks (a masked step keeps the previous states and repeats
the previous output), ``go_backwards``, ``return_sequences`` and ``return_state``.

Example:
    >>> from lamina.layers.rnn.simple_rnn import SimpleRNNCell
    >>> layer = RNN(SimpleRNNCell(4), return_sequences=True)
    >>> layer(torch.ones(2, 5, 3)).shape
    torch.Size([2, 5, 4])
"""
import torch

from lamina.core import registry, tree
from lamina.core.dtypes import to_torch_dtype
from lamina.core.identifiers import serialize_object
from lamina.core.symbolic import KerasTensor, in_symbolic_scope
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


def _select(mask, new, old):
    """``where(mask, new, old)`` over (possibly nested) states; ``mask`` is ``(batch,)`` bool."""
    if isinstance(new, (list, tuple)):
        return type(new)(_select(mask, n, o) for n, o in zip(new, old))
    return torch.where(mask.view((-1,) + (1,) * (new.dim() - 1)), new, old)


def _as_list(states):
    return list(states) if isinstance(states, (list, tuple)) else [states]


def deserialize_layer(config, custom_objects=None):
    """Build a layer or cell from ``{'class_name', 'config'}`` (late import: ``lamina.layers`` imports this module)."""
    from lamina import layers

    return layers.deserialize(config, custom_objects=custom_objects)


@registry.register()
class RNN(Layer):
    """A recurrent layer built from a cell (or a list of cells, stacked).

    Args:
        cell: an RNN cell (``state_size``, ``call(inputs, states, training)``) or a list of cells.
        return_sequences: return the output of every timestep ``(batch, time, units)``
            instead of the last one ``(batch, units)``.
        return_state: also return the final states (``output, *states``).
        go_backwards: process the sequence in reverse (outputs are in processing order, as in Keras).
        stateful: carry the final states of a batch over as the initial states of the next
            (sample ``i`` continues sample ``i``); ``reset_states()`` zeroes them.
        unroll: accepted for Keras compatibility (the step loop runs in Python either way).
        zero_output_for_mask: masked timesteps output zeros instead of the previous output.

    Call arguments: ``sequences`` ``(batch, time, ...)``, ``initial_state`` (list of
    tensors), ``mask`` ``(batch, time)`` (usually from an ``Embedding(mask_zero=True)`` or
    ``Masking`` layer), ``training``.

    Example:
        >>> from lamina.layers.rnn.lstm import LSTMCell
        >>> outputs, h, c = RNN(LSTMCell(3), return_state=True)(torch.ones(2, 4, 5))
        >>> outputs.shape, h.shape, c.shape
        (torch.Size([2, 3]), torch.Size([2, 3]), torch.Size([2, 3]))
    """

    # torch.compile unrolls the time loop: compilation time grows with the sequence length (jit_compile='auto'
    # leaves such models eager; see lamina.training.jit)
    _compiles_per_timestep = True

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            from lamina.layers.rnn.stacked_rnn_cells import StackedRNNCells

            cell = StackedRNNCells(cell)
        input_length = kwargs.pop("input_length", None)
        if input_length is not None and "input_shape" not in kwargs and kwargs.get("input_dim") is not None:
            kwargs["input_shape"] = (input_length, kwargs.pop("input_dim"))
        super().__init__(**kwargs)
        for attribute in ("call", "state_size"):
            if not hasattr(cell, attribute):
                raise ValueError(
                    f"{self._label}: the cell must have a `{attribute}` attribute (Keras's cell API: "
                    f"`state_size` and `call(inputs, states, training)`); received cell={cell!r}"
                )
        state_size = cell.state_size
        if not isinstance(state_size, (int, list, tuple)):
            raise ValueError(f"{self._label}: cell.state_size must be an int or a list of ints (one per state); "
                             f"received {state_size!r}")
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)
        self._expected_layout = "(batch, timesteps, features)"
        self._states = None

    @property
    def state_size(self):
        """The cell's state sizes as a list (one entry per state)."""
        return _as_list(self.cell.state_size)

    @property
    def states(self):
        """The stored states of a stateful layer (``None`` before its first batch)."""
        return self._states

    @states.setter
    def states(self, value):
        self._states = value

    # -- building ----------------------------------------------------------------------
    def build(self, sequences_shape, initial_state_shape=None):
        if sequences_shape and isinstance(sequences_shape[0], (list, tuple)):  # [sequences, *states] as one list
            sequences_shape = sequences_shape[0]
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build((sequences_shape[0],) + tuple(sequences_shape[2:]))
            self.cell.built = True
        if self.stateful and sequences_shape[0] is not None and self._states is None:
            self._states = self.get_initial_state(sequences_shape[0])
        self.built = True

    def get_initial_state(self, batch_size):
        """Zero states for ``batch_size`` sequences (the cell's ``get_initial_state`` if it has one)."""
        make = getattr(self.cell, "get_initial_state", None)
        if make is not None:
            return _as_list(make(batch_size=batch_size))
        return tree.map_structure(lambda size: torch.zeros(batch_size, size), self.state_size)

    def reset_states(self, states=None):
        """Zero the stored states of a stateful layer, or set them to ``states`` (arrays, Keras 2 style).

        Example:
            >>> from lamina.layers.rnn.gru import GRU
            >>> layer = GRU(2, stateful=True); _ = layer(torch.ones(1, 3, 1))
            >>> layer.reset_states(); layer.states[0].tolist()
            [[0.0, 0.0]]
        """
        if not self.stateful:
            raise AttributeError(f"{self._label}: reset_states() needs a stateful layer (stateful=True)")
        if states is None:
            if self._states is not None:
                self._states = tree.map_structure(torch.zeros_like, self._states)
            return
        from lamina.core.tensors import convert_to_tensor

        states = _as_list(states)
        if len(states) != len(self.state_size):
            raise ValueError(f"{self._label}: reset_states expects {len(self.state_size)} state arrays, "
                             f"received {len(states)}")
        self._states = [convert_to_tensor(s, dtype=self.dtype) for s in states]

    reset_state = reset_states

    # -- calling ------------------------------------------------------------------------
    def _initial_states(self, sequences, initial_state):
        batch = sequences.shape[0]
        if initial_state is not None:
            states = _as_list(initial_state)
            if len(tree.flatten(states)) != len(tree.flatten(self.state_size)):
                raise ValueError(
                    f"{self._label} has {len(tree.flatten(self.state_size))} state(s) "
                    f"(state_size={self.cell.state_size}), but received {len(tree.flatten(states))} initial state(s)"
                )
            return tree.map_structure(
                lambda s: torch.as_tensor(s, dtype=sequences.dtype, device=sequences.device), states)
        if self.stateful and not in_symbolic_scope():  # stand-ins must not create or check the stored states
            if self._states is None:
                self._states = self.get_initial_state(batch)
            expected = tree.flatten(self._states)[0].shape[0]
            if expected != batch:
                raise ValueError(
                    f"{self._label} is stateful with batch size {expected}, but received a batch of {batch} "
                    "sequences; a stateful RNN needs the same batch size on every call (build a new layer for "
                    "another batch size)"
                )
            states = self._states
        else:
            states = self.get_initial_state(batch)
        return tree.map_structure(
            lambda s: s if s.device == sequences.device and s.dtype == sequences.dtype
            else s.to(device=sequences.device, dtype=sequences.dtype), states)

    def call(self, sequences, initial_state=None, mask=None, training=None):
        if isinstance(sequences, (list, tuple)):  # Keras 2: layer([x, h0, c0])
            sequences, rest = sequences[0], list(sequences[1:])
            initial_state = rest or initial_state
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if not sequences.is_floating_point():  # e.g. one-hot bool arrays, as Keras casts them
            sequences = sequences.to(to_torch_dtype(self.compute_dtype))
        if sequences.dim() < 3 or sequences.shape[1] == 0:
            raise ValueError(f"{self._label} expects inputs (batch, timesteps, features) with at least one "
                             f"timestep; received shape {tuple(sequences.shape)}")
        states = self._initial_states(sequences, initial_state)
        if mask is not None and mask.dtype != torch.bool:
            mask = mask.bool()
        last, outputs, states = self.inner_loop(sequences, states, mask, bool(training))
        if self.stateful and not in_symbolic_scope():
            self._states = tree.map_structure(torch.Tensor.detach, states)
        output = outputs if self.return_sequences else last
        if self.return_state:
            return (output, *states)
        return output

    def _cell_step(self, training):
        """A step function ``(x_t, states) -> (output, new_states)`` for any Keras-API cell."""
        cell = self.cell
        takes_training = "training" in _call_parameters(cell)

        def step(x_t, states):
            if takes_training:
                output, new_states = cell(x_t, states, training=training)
            else:
                output, new_states = cell(x_t, states)
            return output, _as_list(new_states)

        return step

    def inner_loop(self, sequences, initial_state, mask, training):
        """Run the cell over time; returns ``(last_output, outputs or None, final_states)``.

        Subclasses override this to use a fused kernel and fall back to it.
        """
        inputs = sequences.transpose(0, 1)
        if self.go_backwards:
            inputs = inputs.flip(0)
        runner = getattr(self.cell, "sequence_runner", None)
        resets = hasattr(self.cell, "reset_dropout_mask")
        if runner is not None:
            inputs, step = runner(inputs, training)
        else:
            if resets:
                self._reset_dropout(self.cell)
            step = self._cell_step(training)
        states = initial_state
        outputs = [] if self.return_sequences else None
        output = None
        if mask is None:
            for x_t in inputs.unbind(0):
                output, states = step(x_t, states)
                if outputs is not None:
                    outputs.append(output)
        else:
            mask_steps = mask.t()
            if self.go_backwards:
                mask_steps = mask_steps.flip(0)
            previous = zeros = None
            for x_t, m_t in zip(inputs.unbind(0), mask_steps.unbind(0)):
                output, new_states = step(x_t, states)
                states = _select(m_t, new_states, states)
                if zeros is None:
                    previous = zeros = torch.zeros_like(output)
                output = previous = _select(m_t, output, zeros if self.zero_output_for_mask else previous)
                if outputs is not None:
                    outputs.append(output)
        if runner is None and resets:
            self._reset_dropout(self.cell)
        return output, (torch.stack(outputs, 1) if outputs is not None else None), states

    @staticmethod
    def _reset_dropout(cell):
        for c in getattr(cell, "cells", [cell]):
            if hasattr(c, "reset_dropout_mask"):
                c.reset_dropout_mask()
                c.reset_recurrent_dropout_mask()

    # -- shapes and masks ----------------------------------------------------------------
    def compute_mask(self, inputs, previous_mask=None):
        mask = previous_mask[0] if isinstance(previous_mask, (list, tuple)) else previous_mask
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self.state_size)
        return output_mask

    def _output_size(self):
        size = getattr(self.cell, "output_size", None)
        if size is None:
            size = self.state_size[0]
        return size

    def compute_output_spec(self, sequences, initial_state=None, mask=None, training=None):
        if isinstance(sequences, (list, tuple)):
            sequences = sequences[0]
        output_size = self._output_size()
        sizes = tree.flatten(self.state_size)
        if not isinstance(output_size, int) or not all(isinstance(s, int) for s in sizes):
            return super().compute_output_spec(sequences, initial_state=initial_state, training=training)
        batch, steps = sequences.shape[0], sequences.shape[1]
        shape = (batch, steps, output_size) if self.return_sequences else (batch, output_size)
        output = KerasTensor(shape, dtype=self.compute_dtype)
        if self.return_state:
            return (output, *tree.map_structure(lambda s: KerasTensor((batch, s), dtype=self.compute_dtype),
                                                self.state_size))
        return output

    # -- config ----------------------------------------------------------------------------
    def _rnn_config(self):
        return {
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        }

    def get_config(self):
        config = super().get_config()
        config.update(self._rnn_config())
        config["cell"] = serialize_object(self.cell)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cell = config.pop("cell")
        if isinstance(cell, dict):
            cell = deserialize_layer(cell, custom_objects)
        elif isinstance(cell, list):
            cell = [deserialize_layer(c, custom_objects) for c in cell]
        return cls(cell, **config)


def _call_parameters(cell):
    import inspect

    try:
        return inspect.signature(cell.call).parameters
    except (TypeError, ValueError):
        return {}
