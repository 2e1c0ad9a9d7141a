"""``Bidirectional``: run a recurrent layer forwards and a copy of it backwards, then merge the two outputs.

Example:
    >>> from lamina.layers.rnn.lstm import LSTM
    >>> layer = Bidirectional(LSTM(4))
    >>> layer(torch.ones(2, 5, 3)).shape, len(layer.get_weights())
    (torch.Size([2, 8]), 6)
"""
import torch

from lamina.core import registry
from lamina.core.identifiers import serialize_object
from lamina.core.symbolic import KerasTensor
from lamina.layers.layer import Layer
from lamina.layers.rnn.rnn import deserialize_layer

_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _copy(layer, name, go_backwards):
    config = dict(layer.get_config())
    config["name"] = name
    config["go_backwards"] = go_backwards
    copy = type(layer).from_config(config)
    if hasattr(layer, "use_cudnn"):
        copy.use_cudnn = layer.use_cudnn
    return copy


def _strip(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


@registry.register()
class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs.

    As in Keras 3, the forward layer is a fresh copy of ``layer`` (same configuration,
    new weights) and the backward layer a copy with ``go_backwards`` flipped, unless
    ``backward_layer`` is given. With ``return_sequences`` the backward outputs are
    reversed back to input order before merging, and masked steps output zeros.

    Args:
        layer: a recurrent layer (``RNN``, ``LSTM``, ``GRU``, ...).
        merge_mode: ``'concat'`` (default), ``'sum'``, ``'mul'``, ``'ave'`` or ``None``
            (return the two outputs as a list).
        backward_layer: optional recurrent layer for the backward direction (its
            ``go_backwards`` must differ from ``layer``'s; ``return_sequences``,
            ``return_state`` and ``stateful`` must match).

    Returns ``merged`` or, with ``return_state``, ``merged, *forward_states, *backward_states``
    (with ``merge_mode=None``: ``forward, backward, *forward_states, *backward_states``).

    Example:
        >>> from lamina.layers.rnn.gru import GRU
        >>> outputs = Bidirectional(GRU(3, return_state=True), merge_mode="sum")(torch.ones(2, 4, 5))
        >>> [tuple(o.shape) for o in outputs]
        [(2, 3), (2, 3), (2, 3)]
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Bidirectional: layer must be a lamina Layer (a recurrent layer); received {layer!r}")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(f"Bidirectional: backward_layer must be a lamina Layer; received {backward_layer!r}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Bidirectional: unknown merge_mode {merge_mode!r}; valid modes are "
                             "'concat', 'sum', 'mul', 'ave' and None")
        super().__init__(**kwargs)
        for attribute in ("go_backwards", "return_sequences", "return_state"):
            if not hasattr(layer, attribute):
                raise ValueError(f"{self._label}: the wrapped layer must be a recurrent layer (with {attribute}); "
                                 f"received {type(layer).__name__} '{layer.name}'")
        self.forward_layer = _copy(layer, "forward_" + _strip(layer.name, "forward_"), layer.go_backwards)
        if backward_layer is None:
            backward_layer = _copy(layer, "backward_" + _strip(layer.name, "backward_"), not layer.go_backwards)
        self.backward_layer = backward_layer
        self._verify()
        for direction in (self.forward_layer, self.backward_layer):
            if hasattr(direction, "zero_output_for_mask"):
                direction.zero_output_for_mask = direction.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.stateful = getattr(layer, "stateful", False)
        self.supports_masking = True
        self.input_spec = layer.input_spec
        self._expected_layout = getattr(layer, "_expected_layout", None)
        if weights is not None:
            self._initial_weights = list(weights)

    def _verify(self):
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == getattr(backward, "go_backwards", None):
            raise ValueError(
                f"{self._label}: the forward and backward layers must differ in go_backwards; both have "
                f"go_backwards={forward.go_backwards}"
            )
        for attribute in ("stateful", "return_sequences", "return_state"):
            a, b = getattr(forward, attribute, False), getattr(backward, attribute, False)
            if a != b:
                raise ValueError(
                    f"{self._label}: the forward and backward layers must agree on {attribute}; the forward "
                    f"layer has {attribute}={a}, the backward layer {attribute}={b}. With return_state, each "
                    "direction must return its final states for the merged output to carry them."
                )

    @property
    def states(self):
        forward, backward = getattr(self.forward_layer, "states", None), getattr(self.backward_layer, "states", None)
        if forward is None or backward is None:
            return None
        return tuple(forward) + tuple(backward)

    def reset_states(self, states=None):
        """Reset the stored states of both directions of a stateful layer."""
        if states is None:
            self.forward_layer.reset_states()
            self.backward_layer.reset_states()
            return
        half = len(states) // 2
        self.forward_layer.reset_states(states[:half])
        self.backward_layer.reset_states(states[half:])

    reset_state = reset_states

    def build(self, sequences_shape, initial_state_shape=None):
        for direction in (self.forward_layer, self.backward_layer):
            if not direction.built:
                direction.build(sequences_shape)
                direction.built = True
        if self.merge_mode in ("sum", "mul", "ave"):
            forward = self.forward_layer.compute_output_spec(KerasTensor(sequences_shape))
            backward = self.backward_layer.compute_output_spec(KerasTensor(sequences_shape))
            if self.return_state:
                forward, backward = forward[0], backward[0]
            if forward.shape[-1] != backward.shape[-1]:
                raise ValueError(
                    f"{self._label}: merge_mode={self.merge_mode!r} combines the two directions element-wise, but "
                    f"the forward layer outputs {forward.shape[-1]} features and the backward layer "
                    f"{backward.shape[-1]}; use merge_mode='concat' or None, or give both the same units"
                )
        self.built = True

    def _merge(self, y, y_rev):
        mode = self.merge_mode
        if mode == "concat":
            return torch.cat([y, y_rev], dim=-1)
        if mode == "sum":
            return y + y_rev
        if mode == "ave":
            return (y + y_rev) / 2
        if mode == "mul":
            return y * y_rev
        return [y, y_rev]

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {"training": training}
        if mask is not None:
            kwargs["mask"] = mask[0] if isinstance(mask, (list, tuple)) else mask
        forward_state = backward_state = None
        if initial_state is not None:
            initial_state = list(initial_state)
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = y_rev.flip(1)
        output = self._merge(y, y_rev)
        if self.return_state:
            return (*output, *states) if self.merge_mode is None else (output, *states)
        return output

    def compute_output_spec(self, sequences, initial_state=None, mask=None, training=None):
        forward = self.forward_layer.compute_output_spec(sequences)
        backward = self.backward_layer.compute_output_spec(sequences)
        states = ()
        if self.return_state:
            states = tuple(forward[1:]) + tuple(backward[1:])
            forward, backward = forward[0], backward[0]
        if self.merge_mode == "concat":
            output = KerasTensor(forward.shape[:-1] + (forward.shape[-1] + backward.shape[-1],), dtype=forward.dtype)
        elif self.merge_mode is None:
            output = [forward, backward]
        else:
            output = forward
        if self.return_state:
            return (*output, *states) if self.merge_mode is None else (output, *states)
        return output

    def compute_mask(self, inputs, previous_mask=None):
        mask = previous_mask[0] if isinstance(previous_mask, (list, tuple)) else previous_mask
        if self.return_sequences:
            output_mask = [mask, mask] if self.merge_mode is None else mask
        else:
            output_mask = [None, None] if self.merge_mode is None else None
        if self.return_state:
            count = len(getattr(self.forward_layer, "state_size", [])) * 2
            base = output_mask if isinstance(output_mask, list) else [output_mask]
            return base + [None] * count
        return output_mask

    def get_config(self):
        config = super().get_config()
        config["layer"] = serialize_object(self.forward_layer)
        config["merge_mode"] = self.merge_mode
        config["backward_layer"] = serialize_object(self.backward_layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize_layer(config.pop("layer"), custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            backward = deserialize_layer(backward, custom_objects)
        return cls(layer, backward_layer=backward, **config)
