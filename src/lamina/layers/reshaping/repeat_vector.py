"""``RepeatVector``: repeat a ``(batch, features)`` input ``n`` times along a new time axis.

Example:
    >>> RepeatVector(3)(torch.ones(2, 4)).shape
    torch.Size([2, 3, 4])
"""
from lamina.core import registry
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


@registry.register()
class RepeatVector(Layer):
    """``(batch, features)`` -> ``(batch, n, features)``.

    Example:
        >>> RepeatVector(5).compute_output_shape((None, 32))
        (None, 5, 32)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)
        self.built = True

    def call(self, inputs):
        return inputs.unsqueeze(1).expand(-1, self.n, -1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config
