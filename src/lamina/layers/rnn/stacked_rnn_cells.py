"""``StackedRNNCells``: several cells used as one; each step feeds a cell's output to the next.

Example:
    >>> from lamina.layers.rnn.lstm import LSTMCell
    >>> from lamina.layers.rnn.rnn import RNN
    >>> RNN(StackedRNNCells([LSTMCell(4), LSTMCell(3)]))(torch.ones(2, 5, 6)).shape
    torch.Size([2, 3])
"""
import torch

from lamina.core import registry
from lamina.core.identifiers import serialize_object
from lamina.layers.layer import Layer
from lamina.layers.rnn.rnn import _as_list, _call_parameters, deserialize_layer


@registry.register()
class StackedRNNCells(Layer):
    """A stack of RNN cells behaving as a single cell (states: one entry per cell).

    Args:
        cells: a list of cells (Keras's cell API).

    Example:
        >>> from lamina.layers.rnn.simple_rnn import SimpleRNNCell
        >>> StackedRNNCells([SimpleRNNCell(2), SimpleRNNCell(3)]).state_size
        [2, 3]
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        cells = list(cells)
        for cell in cells:
            for attribute in ("call", "state_size"):
                if not hasattr(cell, attribute):
                    raise ValueError(f"{self._label}: every cell needs a `{attribute}` attribute; "
                                     f"received cell {cell!r}")
        self.cells = cells

    @property
    def state_size(self):
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        last = self.cells[-1]
        size = getattr(last, "output_size", None)
        return size if size is not None else _as_list(last.state_size)[0]

    def get_initial_state(self, batch_size=None):
        states = []
        for cell in self.cells:
            make = getattr(cell, "get_initial_state", None)
            if make is not None:
                state = make(batch_size=batch_size)
                states.append(state if isinstance(cell.state_size, (list, tuple)) else _as_list(state)[0])
            else:
                zeros = [torch.zeros(batch_size, s) for s in _as_list(cell.state_size)]
                states.append(zeros if isinstance(cell.state_size, (list, tuple)) else zeros[0])
        return states

    def build(self, input_shape):
        batch = input_shape[0]
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(input_shape)
                cell.built = True
            size = getattr(cell, "output_size", None)
            input_shape = (batch, size if size is not None else _as_list(cell.state_size)[0])
        self.built = True

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            nested = isinstance(cell_states, (list, tuple))
            kwargs = {"training": training} if "training" in _call_parameters(cell) else {}
            inputs, cell_states = cell(inputs, _as_list(cell_states), **kwargs)
            cell_states = _as_list(cell_states)
            new_states.append(cell_states if nested or len(cell_states) > 1 else cell_states[0])
        return inputs, new_states

    def get_config(self):
        config = super().get_config()
        config["cells"] = [serialize_object(cell) for cell in self.cells]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cells = [deserialize_layer(c, custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)
