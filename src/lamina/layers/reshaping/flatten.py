"""``Flatten``: collapse every axis but the batch axis.

Example:
    >>> Flatten()(torch.ones(2, 3, 4)).shape
    torch.Size([2, 12])
"""
import math

from lamina.core import config as lamina_config
from lamina.core import registry
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


@registry.register()
class Flatten(Layer):
    """Reshape ``(batch, d1, d2, ...)`` to ``(batch, d1*d2*...)``.

    With ``data_format='channels_first'`` the channels are moved last first, so the
    flattened order matches a channels-last model (as Keras does).

    Example:
        >>> Flatten().compute_output_shape((None, 5, 5, 64))
        (None, 1600)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = lamina_config.standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)
        self.built = True

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.dim() > 2:
            inputs = inputs.movedim(1, -1)
        if inputs.dim() == 1:
            return inputs.unsqueeze(-1)
        return inputs.reshape(inputs.shape[0], -1)

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        if not rest:
            return (input_shape[0], 1)
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
