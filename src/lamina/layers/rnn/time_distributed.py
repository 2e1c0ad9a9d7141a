"""``TimeDistributed``: apply a layer to every timestep of a ``(batch, time, ...)`` input.

Example:
    >>> from lamina.layers.core.dense import Dense
    >>> TimeDistributed(Dense(3))(torch.ones(2, 5, 4)).shape
    torch.Size([2, 5, 3])
"""
import torch  # noqa: F401  (used by the examples)

from lamina.core import registry
from lamina.core.identifiers import serialize_object
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.rnn.rnn import deserialize_layer


@registry.register()
class TimeDistributed(Layer):
    """Apply ``layer`` independently to each of the ``time`` slices of the input (same weights for all).

    The batch and time axes are merged into one before calling the layer, so the
    layer runs once on ``(batch * time, ...)`` (one kernel call instead of a loop).

    Args:
        layer: the layer to apply (e.g. ``Dense``, ``Conv2D``).

    Example:
        >>> from lamina.layers.core.dense import Dense
        >>> layer = TimeDistributed(Dense(8))
        >>> _ = layer(torch.ones(1, 10, 16)); tuple(layer.layer.kernel.shape)
        (16, 8)
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"TimeDistributed: layer must be a lamina Layer; received {layer!r}")
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)
        self._expected_layout = "(batch, time, ...)"

    def build(self, input_shape):
        if not self.layer.built:
            self.layer.build((input_shape[0],) + tuple(input_shape[2:]))
            self.layer.built = True
        self.built = True

    def call(self, inputs, training=None, mask=None):
        batch, steps = inputs.shape[0], inputs.shape[1]
        kwargs = {"training": training}
        if mask is not None:
            if tuple(mask.shape[:2]) != (batch, steps):
                raise ValueError(f"{self._label}: the mask must have shape (batch, time) = {(batch, steps)}; "
                                 f"received a mask of shape {tuple(mask.shape)}")
            kwargs["mask"] = mask.reshape((batch * steps,) + tuple(mask.shape[2:]))
        outputs = self.layer(inputs.reshape((batch * steps,) + tuple(inputs.shape[2:])), **kwargs)
        return outputs.reshape((batch, steps) + tuple(outputs.shape[1:]))

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape((input_shape[0],) + tuple(input_shape[2:]))
        return (input_shape[0], input_shape[1]) + tuple(inner[1:])

    def get_config(self):
        config = super().get_config()
        config["layer"] = serialize_object(self.layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        return cls(deserialize_layer(config.pop("layer"), custom_objects), **config)
