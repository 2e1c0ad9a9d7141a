"""``CellLayer``: the shared shell of SimpleRNN, LSTM and GRU (a built-in cell inside an ``RNN``).

The layer exposes the cell's hyper-parameters as its own attributes
(``layer.units``, ``layer.dropout``, ...) and flattens them into its config, as Keras does.

Example:
    >>> from lamina.layers.rnn.lstm import LSTM
    >>> layer = LSTM(4, dropout=0.1)
    >>> layer.units, layer.dropout, "cell" in layer.get_config()
    (4, 0.1, False)
"""
from lamina.layers.input_spec import InputSpec
from lamina.layers.rnn.rnn import RNN

_RNN_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll", "zero_output_for_mask")
_CELL_ATTRIBUTES = (
    "units", "activation", "recurrent_activation", "use_bias", "unit_forget_bias", "reset_after",
    "kernel_initializer", "recurrent_initializer", "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
    "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
    "recurrent_dropout", "seed",
)
_LAYER_OWNED = ("name", "trainable", "dtype")


def _cell_property(name):
    def get(self):
        return getattr(self.cell, name)

    get.__name__ = name
    return property(get, doc=f"The cell's ``{name}``.")


class CellLayer(RNN):
    """An ``RNN`` around a built-in cell, configured by the cell's arguments plus the RNN's.

    Subclasses set ``cell_class`` and call ``super().__init__(cell_kwargs, rnn_kwargs)``.

    Example:
        >>> from lamina.layers.rnn.gru import GRU
        >>> GRU(3, reset_after=False).reset_after
        False
    """

    cell_class = None
    cell_name = None

    def __init__(self, cell_kwargs, kwargs):
        kwargs = dict(kwargs)
        kwargs.pop("implementation", None)  # Keras 2's kernel choice; lamina picks the fastest correct one
        cell = self.cell_class(**cell_kwargs, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
                               name=self.cell_name)
        rnn_kwargs = {k: kwargs.pop(k) for k in _RNN_ARGS if k in kwargs}
        super().__init__(cell, **rnn_kwargs, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell_config = {k: v for k, v in self.cell.get_config().items() if k not in _LAYER_OWNED}
        config.update(cell_config)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


for _name in _CELL_ATTRIBUTES:
    setattr(CellLayer, _name, _cell_property(_name))
